/*
 * certificate_request.c - CertificateRequest.
 *
 * TLS <= 1.2 (RFC 5246 7.4.4; RFC 4346 7.4.4 for 1.0/1.1 and SSLv3):
 *   certificate_types: u8 length + one byte per ClientCertificateType
 *   supported_signature_algorithms (TLS 1.2 only): u16 length + u16 codes
 *   certificate_authorities: u16 length, then DistinguishedName items,
 *     each u16 length (1..2^16-1) + a DER Name
 *
 * TLS 1.3 (RFC 8446 4.3.2):
 *   certificate_request_context: u8 length + bytes
 *   extensions: u16 length, then {type u16, data: u16 length + bytes}:
 *     signature_algorithms (13), signature_algorithms_cert (50): u16
 *       length + u16 codes
 *     certificate_authorities (47, RFC 8446 4.2.4): u16 length + the same
 *       DistinguishedName items as above
 *   other extensions (oid_filters...) are listed by type and skipped.
 */
#include "certificate_request.h"

#define EXT_SIGNATURE_ALGORITHMS 13
#define EXT_CERTIFICATE_AUTHORITIES 47
#define EXT_SIGNATURE_ALGORITHMS_CERT 50

static enum tg_status status_of(const struct tg_rd *r)
{
    if (r->err == TG_RD_SHORT)
        return TG_E_SHORT;
    return r->err ? TG_E_MALFORMED : TG_OK;
}

static bool version_is_tls13(uint16_t v)
{
    return v == 0x0304 || v == 0xfefc || (v >> 8) == 0x7f; /* 0x7fxx: drafts */
}

static bool version_names_sig_alg(uint16_t v)
{
    if ((v >> 8) == 0xfe)
        return v <= 0xfefd;
    return v >= 0x0303;
}

bool tg_ca_name_next(struct tg_rd *list, struct tg_view *dn)
{
    struct tg_view none = {NULL, 0};
    *dn = none;
    if (list->err || tg_rd_left(list) == 0)
        return false;
    struct tg_view name = tg_rd_bytes(list, tg_rd_u16(list));
    if (list->err || name.len == 0) {
        tg_rd_fail(list, TG_RD_BAD);
        return false;
    }
    *dn = name;
    return true;
}

/* A u16 list: u16 byte length (even) + codes. */
static struct tg_view u16_list(struct tg_rd *r)
{
    size_t n = tg_rd_u16(r);
    if (n % 2)
        tg_rd_fail(r, TG_RD_BAD);
    return tg_rd_bytes(r, n);
}

/* A DistinguishedName list: kept as a view, checked and counted. */
static void read_authorities(struct tg_rd *r, struct tg_certificate_request *out)
{
    out->has_certificate_authorities = true;
    out->certificate_authorities = tg_rd_bytes(r, tg_rd_u16(r));
    struct tg_rd walk = tg_rd_of(out->certificate_authorities);
    struct tg_view dn;
    while (tg_ca_name_next(&walk, &dn))
        out->n_certificate_authorities++;
    if (walk.err)
        tg_rd_fail(r, TG_RD_BAD);
}

static void parse_legacy(struct tg_rd *r, uint16_t version, struct tg_certificate_request *out)
{
    out->certificate_types = tg_rd_bytes(r, tg_rd_u8(r));
    if (version_names_sig_alg(version)) {
        out->has_signature_algorithms = true;
        out->signature_algorithms = u16_list(r);
    }
    read_authorities(r, out);
}

static void read_extension(uint16_t type, struct tg_rd *data, struct tg_certificate_request *out)
{
    if (type == EXT_SIGNATURE_ALGORITHMS) {
        out->has_signature_algorithms = true;
        out->signature_algorithms = u16_list(data);
    } else if (type == EXT_SIGNATURE_ALGORITHMS_CERT) {
        out->has_signature_algorithms_cert = true;
        out->signature_algorithms_cert = u16_list(data);
    } else if (type == EXT_CERTIFICATE_AUTHORITIES) {
        read_authorities(data, out);
    } else {
        tg_rd_skip(data, tg_rd_left(data));
    }
}

static void parse_tls13(struct tg_rd *r, struct tg_certificate_request *out)
{
    out->context = tg_rd_bytes(r, tg_rd_u8(r));
    struct tg_rd exts = tg_rd_vec16(r);
    while (!exts.err && tg_rd_left(&exts) > 0) {
        uint16_t type = tg_rd_u16(&exts);
        struct tg_rd data = tg_rd_vec16(&exts);
        if (exts.err)
            break;
        if (out->n_extensions < TG_CR_MAX_EXTENSIONS)
            out->extensions[out->n_extensions++] = type;
        out->n_extensions_total++;
        read_extension(type, &data, out);
        tg_rd_close(&exts, &data);
    }
    tg_rd_close(r, &exts);
}

enum tg_status tg_certificate_request_parse(struct tg_view body, uint16_t version,
                                            struct tg_certificate_request *out)
{
    static const struct tg_certificate_request zero;
    *out = zero;
    out->is_tls13 = version_is_tls13(version);
    struct tg_rd r = tg_rd_of(body);
    if (out->is_tls13)
        parse_tls13(&r, out);
    else
        parse_legacy(&r, version, out);
    if (r.err)
        return status_of(&r);
    out->trailing = tg_rd_left(&r);
    return out->trailing ? TG_E_MALFORMED : TG_OK;
}
