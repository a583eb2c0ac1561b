/*
 * new_session_ticket.c - NewSessionTicket.
 *
 * TLS <= 1.2 (RFC 5077 3.3):
 *   ticket_lifetime_hint: u32 seconds (0: unspecified)
 *   ticket: u16 length + bytes (empty: the server will not issue one)
 *
 * TLS 1.3 (RFC 8446 4.6.1):
 *   ticket_lifetime: u32 seconds
 *   ticket_age_add: u32
 *   ticket_nonce: u8 length + bytes
 *   ticket: u16 length (1..2^16-1) + bytes
 *   extensions: u16 length, then {type u16, data: u16 length + bytes};
 *     early_data (42) data is max_early_data_size u32 (RFC 8446 4.2.10),
 *     others are counted and skipped.
 */
#include "new_session_ticket.h"

#define EXT_EARLY_DATA 42

static enum tg_status status_of(const struct tg_rd *r)
{
    if (r->err == TG_RD_SHORT)
        return TG_E_SHORT;
    return r->err ? TG_E_MALFORMED : TG_OK;
}

static void read_extensions(struct tg_rd *r, struct tg_new_session_ticket *out)
{
    struct tg_rd exts = tg_rd_vec16(r);
    while (!exts.err && tg_rd_left(&exts) > 0) {
        uint16_t type = tg_rd_u16(&exts);
        struct tg_rd data = tg_rd_vec16(&exts);
        if (exts.err)
            break;
        out->n_extensions++;
        if (type == EXT_EARLY_DATA) {
            out->has_early_data = true;
            out->max_early_data_size = tg_rd_u32(&data);
        } else {
            tg_rd_skip(&data, tg_rd_left(&data));
        }
        tg_rd_close(&exts, &data);
    }
    tg_rd_close(r, &exts);
}

static void parse_tls13(struct tg_rd *r, struct tg_new_session_ticket *out)
{
    out->lifetime = tg_rd_u32(r);
    out->age_add = tg_rd_u32(r);
    out->nonce = tg_rd_bytes(r, tg_rd_u8(r));
    out->ticket = tg_rd_bytes(r, tg_rd_u16(r));
    if (!r->err && out->ticket.len == 0)
        tg_rd_fail(r, TG_RD_BAD);
    read_extensions(r, out);
}

enum tg_status tg_new_session_ticket_parse(struct tg_view body, bool is_tls13,
                                           struct tg_new_session_ticket *out)
{
    static const struct tg_new_session_ticket zero;
    *out = zero;
    out->is_tls13 = is_tls13;
    struct tg_rd r = tg_rd_of(body);
    if (is_tls13) {
        parse_tls13(&r, out);
    } else {
        out->lifetime = tg_rd_u32(&r);
        out->ticket = tg_rd_bytes(&r, tg_rd_u16(&r));
    }
    if (r.err)
        return status_of(&r);
    out->trailing = tg_rd_left(&r);
    return out->trailing ? TG_E_MALFORMED : TG_OK;
}
