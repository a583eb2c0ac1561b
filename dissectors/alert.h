/*
 * alert.h - the Alert protocol message (RFC 5246 7.2, RFC 8446 6).
 */
#ifndef TG_ALERT_H
#define TG_ALERT_H

#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* AlertLevel. */
#define TG_ALERT_WARNING 1
#define TG_ALERT_FATAL 2

struct tg_alert {
    uint8_t level;       /* TG_ALERT_WARNING or TG_ALERT_FATAL when valid */
    uint8_t description; /* AlertDescription; name it with tg_name_alert() */
};

/*
 * Parses a plaintext alert record body. TG_OK for exactly two bytes with a
 * known level; otherwise TG_E_SHORT (fewer bytes) or TG_E_MALFORMED (an
 * unknown level, or bytes after the alert), the two bytes kept if present.
 */
enum tg_status tg_alert_parse(struct tg_view body, struct tg_alert *out) TG_WARN_UNUSED;

/*
 * Whether an alert record body of n bytes can be a plaintext alert: only
 * exactly 2. An encrypted alert is longer (it carries a MAC or an AEAD
 * tag), and RFC 8446 5.1 forbids coalescing alerts into one record.
 */
bool tg_alert_maybe_plaintext(size_t n);

/* "warning", "fatal", or NULL for another level. */
const char *tg_alert_level_name(uint8_t level);

#endif
