/*
 * server_key_exchange.c - ServerKeyExchange, TLS <= 1.2 and DTLS <= 1.2.
 *
 * RFC 5246 7.4.3 (DHE, DH_anon), RFC 2246 7.4.3 (RSA export), RFC 4492 and
 * RFC 8422 5.4 (ECDHE, ECDH_anon), RFC 4279 2-4 (PSK, DHE_PSK, RSA_PSK),
 * RFC 5489 2 (ECDHE_PSK), RFC 5054 2.8 (SRP). The body is, by key exchange:
 *
 *   [PSK kinds]  psk_identity_hint: u16 length + bytes (may be empty)
 *   then one parameter block:
 *     ECDH   curve_type u8
 *              3 named_curve:    group u16
 *              1 explicit_prime: prime_p vec8, a vec8, b vec8, base vec8,
 *                                order vec8, cofactor vec8
 *              2 explicit_char2: m u16, basis u8 (1 trinomial: k vec8;
 *                                2 pentanomial: k1 k2 k3 vec8), then a, b,
 *                                base, order, cofactor as above
 *            public point vec8 (non-empty)
 *     DH     p vec16, g vec16, Ys vec16 (each non-empty)
 *     RSA    modulus vec16, exponent vec16 (each non-empty)
 *     SRP    N vec16, g vec16, salt vec8, B vec16
 *   then, for the signed kinds (ECDHE, DHE, RSA export, and SRP when bytes
 *   remain), the signature: in TLS 1.2 a SignatureAndHashAlgorithm u16 then
 *   the signature vec16; before 1.2 only the vec16, its algorithm implied
 *   by the certificate. Anonymous and PSK kinds carry no signature (RSA_PSK
 *   included: its server proves itself by decrypting the premaster).
 */
#include "server_key_exchange.h"

static enum tg_status status_of(const struct tg_rd *r)
{
    if (r->err == TG_RD_SHORT)
        return TG_E_SHORT;
    return r->err ? TG_E_MALFORMED : TG_OK;
}

/* TLS 1.2 and DTLS 1.2 (0xfefd; DTLS counts down) name the algorithm. */
static bool version_names_sig_alg(uint16_t v)
{
    if ((v >> 8) == 0xfe)
        return v <= 0xfefd;
    return v >= 0x0303;
}

/* A vector <1..2^8-1> or <1..2^16-1>: empty is malformed. */
static struct tg_view opaque_nonempty(struct tg_rd *r, bool wide)
{
    size_t n = wide ? tg_rd_u16(r) : tg_rd_u8(r);
    if (n == 0)
        tg_rd_fail(r, TG_RD_BAD);
    return tg_rd_bytes(r, n);
}

size_t tg_ske_bit_length(struct tg_view be)
{
    struct tg_rd r = tg_rd_of(be);
    while (tg_rd_left(&r) > 0) {
        unsigned top = tg_rd_u8(&r);
        if (top == 0)
            continue;
        size_t bits = 8 * tg_rd_left(&r);
        while (top) {
            bits++;
            top >>= 1;
        }
        return bits;
    }
    return 0;
}

/* ECCurve a, b; ECPoint base; order; cofactor - skipped. */
static void skip_curve_tail(struct tg_rd *r)
{
    for (int i = 0; i < 5; i++)
        (void)opaque_nonempty(r, false);
}

static void read_ecdh(struct tg_rd *r, struct tg_server_key_exchange *out)
{
    out->params = TG_SKE_ECDH;
    out->curve_type = tg_rd_u8(r);
    if (out->curve_type == TG_EC_NAMED_CURVE) {
        out->group = tg_rd_u16(r);
    } else if (out->curve_type == TG_EC_EXPLICIT_PRIME) {
        (void)opaque_nonempty(r, false); /* prime_p */
        skip_curve_tail(r);
    } else if (out->curve_type == TG_EC_EXPLICIT_CHAR2) {
        (void)tg_rd_u16(r); /* m */
        uint8_t basis = tg_rd_u8(r);
        int ks = basis == 1 ? 1 : basis == 2 ? 3 : 0;
        if (ks == 0)
            tg_rd_fail(r, TG_RD_BAD);
        for (int i = 0; i < ks; i++)
            (void)opaque_nonempty(r, false);
        skip_curve_tail(r);
    } else {
        tg_rd_fail(r, TG_RD_BAD);
    }
    out->point = opaque_nonempty(r, false);
}

static void read_dh(struct tg_rd *r, struct tg_server_key_exchange *out)
{
    out->params = TG_SKE_DH;
    out->dh_p = opaque_nonempty(r, true);
    out->dh_g = opaque_nonempty(r, true);
    out->dh_ys = opaque_nonempty(r, true);
    out->dh_bits = tg_ske_bit_length(out->dh_p);
}

static void read_rsa(struct tg_rd *r, struct tg_server_key_exchange *out)
{
    out->params = TG_SKE_RSA;
    out->rsa_modulus = opaque_nonempty(r, true);
    out->rsa_exponent = opaque_nonempty(r, true);
    out->rsa_bits = tg_ske_bit_length(out->rsa_modulus);
}

static void read_srp(struct tg_rd *r, struct tg_server_key_exchange *out)
{
    out->params = TG_SKE_SRP;
    out->srp_n = opaque_nonempty(r, true);
    out->srp_g = opaque_nonempty(r, true);
    out->srp_s = opaque_nonempty(r, false);
    out->srp_b = opaque_nonempty(r, true);
    out->srp_bits = tg_ske_bit_length(out->srp_n);
}

static void read_hint(struct tg_rd *r, struct tg_server_key_exchange *out)
{
    out->has_psk_identity_hint = true;
    out->psk_identity_hint = tg_rd_bytes(r, tg_rd_u16(r));
}

static void read_signature(struct tg_rd *r, uint16_t version, struct tg_server_key_exchange *out)
{
    if (r->err)
        return;
    out->has_signature = true;
    if (version_names_sig_alg(version))
        out->sig_scheme = tg_rd_u16(r);
    else
        out->sig_alg_implied = true;
    out->signature = tg_rd_bytes(r, tg_rd_u16(r));
}

/* Reads the hint and parameters of `kex`; true when a signature follows. */
static bool read_params(struct tg_rd *r, enum tg_kex kex, struct tg_server_key_exchange *out)
{
    switch (kex) {
    case TG_KEX_ECDHE:
        read_ecdh(r, out);
        return true;
    case TG_KEX_ECDH_ANON:
        read_ecdh(r, out);
        return false;
    case TG_KEX_DHE:
        read_dh(r, out);
        return true;
    case TG_KEX_DH_ANON:
        read_dh(r, out);
        return false;
    case TG_KEX_RSA_EXPORT:
        read_rsa(r, out);
        return true;
    case TG_KEX_SRP:
        read_srp(r, out);
        return tg_rd_left(r) > 0;
    case TG_KEX_PSK:
    case TG_KEX_RSA_PSK:
        read_hint(r, out);
        return false;
    case TG_KEX_DHE_PSK:
        read_hint(r, out);
        read_dh(r, out);
        return false;
    case TG_KEX_ECDHE_PSK:
        read_hint(r, out);
        read_ecdh(r, out);
        return false;
    default:
        tg_rd_fail(r, TG_RD_BAD);
        return false; /* no ServerKeyExchange here */
    }
}

enum tg_status tg_server_key_exchange_parse(struct tg_view body, enum tg_kex kex, uint16_t version,
                                            struct tg_server_key_exchange *out)
{
    static const struct tg_server_key_exchange zero;
    *out = zero;
    out->kex = kex;
    struct tg_rd r = tg_rd_of(body);
    if (read_params(&r, kex, out))
        read_signature(&r, version, out);
    if (r.err)
        return status_of(&r);
    out->trailing = tg_rd_left(&r);
    return out->trailing ? TG_E_MALFORMED : TG_OK;
}
