/*
 * log.c - rate-limited diagnostics on stderr.
 *
 * Input problems are limited to a burst of TG_LOG_BURST lines, then one line
 * per TG_LOG_EVERY further problems, so a damaged capture of millions of
 * packets cannot flood a terminal or a journal.
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#define TG_LOG_BURST 50
#define TG_LOG_EVERY 10000

/* Each thread says where it is (--threads: a worker, the packet it handles);
 * the rate limit is the whole process's. */
static _Thread_local const char *where_file = "-";
static _Thread_local uint64_t where_packet;
static _Atomic uint64_t input_lines;
static _Atomic uint64_t suppressed;

void tg_log_where(const char *file, uint64_t packet)
{
    where_file = file ? file : "-";
    where_packet = packet;
}

void tg_log_get_where(const char **file, uint64_t *packet)
{
    *file = where_file;
    *packet = where_packet;
}

/* printf-like: the callers' format strings are checked (clang wants this
 * for the vsnprintf of a non-literal format). */
__attribute__((format(printf, 1, 0))) static void vlog(const char *fmt, va_list ap, int with_place)
{
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    if (with_place)
        fprintf(stderr, "tlsglass: %s:%llu: %s\n", where_file, (unsigned long long)where_packet,
                line);
    else
        fprintf(stderr, "tlsglass: %s\n", line);
}

void tg_log_input(const char *fmt, ...)
{
    uint64_t n = atomic_fetch_add(&input_lines, 1) + 1;
    if (n > TG_LOG_BURST && n % TG_LOG_EVERY != 0) {
        suppressed++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap, 1);
    va_end(ap);
}

void tg_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap, 0);
    va_end(ap);
}

uint64_t tg_log_suppressed(void)
{
    return atomic_load(&suppressed);
}
