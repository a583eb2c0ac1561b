/*
 * log.h - the one place tlsglass writes diagnostics: rate-limited lines of
 * the form "tlsglass: FILE:PACKET: what" on stderr. The analysis goes on.
 */
#ifndef TG_LOG_H
#define TG_LOG_H

#include <stdint.h>

/* Where the input is: set by the capture loop, shown in every line. Each
 * thread has its own place (a --threads worker sets the packet it handles). */
void tg_log_where(const char *file, uint64_t packet);

/* The calling thread's place, as last set. */
void tg_log_get_where(const char **file, uint64_t *packet);

/* A problem with the input at the current place (rate-limited per run). */
void tg_log_input(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A problem not tied to a place in the input (never rate-limited). */
void tg_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Input lines suppressed by the rate limit so far; printed once at the end. */
uint64_t tg_log_suppressed(void);

#endif
