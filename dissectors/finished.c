/*
 * finished.c - the Finished message.
 *
 * The body is verify_data alone, no length prefix; its size is fixed by
 * the version: SSLv3 (RFC 6101 5.6.9) an MD5 and a SHA-1 hash, 16 + 20 =
 * 36 bytes; TLS 1.0-1.2 (RFC 5246 7.4.9) 12 bytes for every suite in the
 * registry we name; TLS 1.3 (RFC 8446 4.4.4) an HMAC as long as the
 * suite's hash.
 */
#include "finished.h"

#include <stdbool.h>

static bool version_is_tls13(uint16_t v)
{
    return v == 0x0304 || v == 0xfefc || (v >> 8) == 0x7f; /* 0x7fxx: drafts */
}

size_t tg_finished_expected_len(uint16_t version, size_t hash_len)
{
    if (version == 0x0300)
        return 36;
    if (version_is_tls13(version))
        return hash_len;
    return 12;
}

enum tg_status tg_finished_parse(struct tg_view body, uint16_t version, size_t hash_len,
                                 struct tg_view *verify_data)
{
    struct tg_rd r = tg_rd_of(body);
    size_t want = tg_finished_expected_len(version, hash_len);
    *verify_data = tg_rd_bytes(&r, want ? want : tg_rd_left(&r));
    if (r.err)
        return TG_E_SHORT;
    return tg_rd_left(&r) ? TG_E_MALFORMED : TG_OK;
}
