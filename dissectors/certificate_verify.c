/*
 * certificate_verify.c - CertificateVerify.
 *
 * TLS 1.2 (RFC 5246 7.4.8, 4.7) and TLS 1.3 (RFC 8446 4.4.3), DTLS 1.2/1.3:
 *   algorithm: u16 (SignatureAndHashAlgorithm / SignatureScheme)
 *   signature: u16 length + bytes
 * SSLv3, TLS 1.0, 1.1 (RFC 6101 5.6.8, RFC 4346 7.4.8):
 *   signature: u16 length + bytes; the algorithm follows from the key.
 */
#include "certificate_verify.h"

static enum tg_status status_of(const struct tg_rd *r)
{
    if (r->err == TG_RD_SHORT)
        return TG_E_SHORT;
    return r->err ? TG_E_MALFORMED : TG_OK;
}

/* TLS 1.2 and later, and DTLS 1.2 and later (DTLS counts down). */
static bool version_names_sig_alg(uint16_t v)
{
    if ((v >> 8) == 0xfe)
        return v <= 0xfefd;
    return v >= 0x0303;
}

enum tg_status tg_certificate_verify_parse(struct tg_view body, uint16_t version,
                                           struct tg_certificate_verify *out)
{
    static const struct tg_certificate_verify zero;
    *out = zero;
    struct tg_rd r = tg_rd_of(body);
    if (version_names_sig_alg(version)) {
        out->has_scheme = true;
        out->scheme = tg_rd_u16(&r);
    }
    out->signature = tg_rd_bytes(&r, tg_rd_u16(&r));
    if (r.err)
        return status_of(&r);
    out->trailing = tg_rd_left(&r);
    return out->trailing ? TG_E_MALFORMED : TG_OK;
}
