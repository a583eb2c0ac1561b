/*
 * client_key_exchange.c - ClientKeyExchange, TLS <= 1.2 and DTLS <= 1.2.
 *
 * The body, by key exchange:
 *   RSA, RSA export (RFC 5246 7.4.7.1): EncryptedPreMasterSecret as u16
 *     length + bytes; in SSLv3 (RFC 6101 5.6.7.1) the bytes with no length,
 *     filling the (non-empty) body.
 *   DHE, DH_anon, static DH (RFC 5246 7.4.7.2): dh_Yc as u16 length
 *     (1..2^16-1) + bytes, or nothing at all when the client certificate
 *     holds the DH key (implicit).
 *   ECDHE, ECDH_anon, static ECDH (RFC 4492/8422 5.7): the point as u8
 *     length (1..255) + bytes, or nothing (implicit, RFC 4492 only).
 *   PSK kinds (RFC 4279 2-4, RFC 5489 2): psk_identity as u16 length +
 *     bytes first; then nothing (PSK), dh_Yc (DHE_PSK), a point (ECDHE_PSK)
 *     or EncryptedPreMasterSecret with its u16 length (RSA_PSK).
 *   SRP (RFC 5054 2.8): A as u16 length (1..2^16-1) + bytes.
 *   KRB5 (RFC 2712): taken whole, not parsed.
 */
#include "client_key_exchange.h"

static enum tg_status status_of(const struct tg_rd *r)
{
    if (r->err == TG_RD_SHORT)
        return TG_E_SHORT;
    return r->err ? TG_E_MALFORMED : TG_OK;
}

static struct tg_view opaque_nonempty(struct tg_rd *r, bool wide)
{
    size_t n = wide ? tg_rd_u16(r) : tg_rd_u8(r);
    if (n == 0)
        tg_rd_fail(r, TG_RD_BAD);
    return tg_rd_bytes(r, n);
}

static void read_rsa(struct tg_rd *r, uint16_t version, struct tg_client_key_exchange *out)
{
    if (version == 0x0300) {
        out->key = tg_rd_rest(r);
        if (out->key.len == 0)
            tg_rd_fail(r, TG_RD_BAD);
    } else {
        out->key = opaque_nonempty(r, true);
    }
}

/* A DH or ECDH public value; with `may_be_implicit`, nothing at all. */
static void read_public(struct tg_rd *r, bool elliptic, bool may_be_implicit,
                        struct tg_client_key_exchange *out)
{
    if (may_be_implicit && tg_rd_left(r) == 0) {
        out->implicit = true;
        return;
    }
    out->key = opaque_nonempty(r, !elliptic);
}

static void read_identity(struct tg_rd *r, struct tg_client_key_exchange *out)
{
    out->has_psk_identity = true;
    out->psk_identity = tg_rd_bytes(r, tg_rd_u16(r));
}

static void read_body(struct tg_rd *r, enum tg_kex kex, uint16_t version,
                      struct tg_client_key_exchange *out)
{
    switch (kex) {
    case TG_KEX_RSA:
    case TG_KEX_RSA_EXPORT:
        read_rsa(r, version, out);
        break;
    case TG_KEX_DHE:
    case TG_KEX_DH_ANON:
    case TG_KEX_DH:
        read_public(r, false, true, out);
        break;
    case TG_KEX_ECDHE:
    case TG_KEX_ECDH_ANON:
    case TG_KEX_ECDH:
        read_public(r, true, true, out);
        break;
    case TG_KEX_PSK:
        read_identity(r, out);
        break;
    case TG_KEX_DHE_PSK:
        read_identity(r, out);
        read_public(r, false, false, out);
        break;
    case TG_KEX_ECDHE_PSK:
        read_identity(r, out);
        read_public(r, true, false, out);
        break;
    case TG_KEX_RSA_PSK:
        read_identity(r, out);
        out->key = opaque_nonempty(r, true);
        break;
    case TG_KEX_SRP:
        out->key = opaque_nonempty(r, true);
        break;
    case TG_KEX_KRB5:
    case TG_KEX_UNKNOWN:
        out->opaque = true;
        out->key = tg_rd_rest(r);
        break;
    case TG_KEX_NULL:
    case TG_KEX_TLS13:
        tg_rd_fail(r, TG_RD_BAD);
        break;
    }
}

enum tg_status tg_client_key_exchange_parse(struct tg_view body, enum tg_kex kex, uint16_t version,
                                            struct tg_client_key_exchange *out)
{
    static const struct tg_client_key_exchange zero;
    *out = zero;
    out->kex = kex;
    struct tg_rd r = tg_rd_of(body);
    read_body(&r, kex, version, out);
    if (r.err)
        return status_of(&r);
    out->trailing = tg_rd_left(&r);
    return out->trailing ? TG_E_MALFORMED : TG_OK;
}
