/*
 * alert.c - the Alert message (RFC 5246 7.2, RFC 8446 6).
 *
 * The record body of a plaintext alert is two bytes:
 *   level: u8, 1 warning or 2 fatal (RFC 8446 6 ignores the level of most
 *          alerts, but it is still sent as one of these two)
 *   description: u8, an AlertDescription code
 */
#include "alert.h"

enum tg_status tg_alert_parse(struct tg_view body, struct tg_alert *out)
{
    struct tg_rd r = tg_rd_of(body);
    out->level = tg_rd_u8(&r);
    out->description = tg_rd_u8(&r);
    if (r.err)
        return TG_E_SHORT;
    if (tg_rd_left(&r) > 0 || tg_alert_level_name(out->level) == NULL)
        return TG_E_MALFORMED;
    return TG_OK;
}

bool tg_alert_maybe_plaintext(size_t n)
{
    return n == 2;
}

const char *tg_alert_level_name(uint8_t level)
{
    if (level == TG_ALERT_WARNING)
        return "warning";
    if (level == TG_ALERT_FATAL)
        return "fatal";
    return NULL;
}
