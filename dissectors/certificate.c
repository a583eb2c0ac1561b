/*
 * certificate.c - the Certificate message.
 *
 * TLS <= 1.2 (RFC 5246 7.4.2; the same in SSLv3 and TLS 1.0/1.1):
 *   certificate_list: u24 length, then certificates, each
 *     ASN.1Cert: u24 length (1..2^24-1) + DER bytes
 *   The sender's certificate comes first; each next one certifies the one
 *   before it. An empty list is legal (a client with no certificate).
 *
 * TLS 1.3 (RFC 8446 4.4.2):
 *   certificate_request_context: u8 length + bytes (empty from a server)
 *   certificate_list: u24 length, then CertificateEntry items, each
 *     cert_data:  u24 length (1..2^24-1) + DER bytes (X.509 type only; a
 *                 raw public key is read the same way)
 *     extensions: u16 length + bytes (status_request, SCTs...; kept as a
 *                 view, not walked)
 */
#include "certificate.h"

static enum tg_status status_of(enum tg_rd_status e)
{
    if (e == TG_RD_SHORT)
        return TG_E_SHORT;
    return e ? TG_E_MALFORMED : TG_OK;
}

static void note(struct tg_certificate_iter *it, enum tg_status st)
{
    if (it->status == TG_OK)
        it->status = st;
}

enum tg_status tg_certificate_open(struct tg_view body, bool is_tls13,
                                   struct tg_certificate_iter *it)
{
    static const struct tg_certificate_iter zero;
    *it = zero;
    it->is_tls13 = is_tls13;
    struct tg_rd r = tg_rd_of(body);
    if (is_tls13)
        it->context = tg_rd_bytes(&r, tg_rd_u8(&r));
    size_t n = tg_rd_u24(&r);
    if (r.err) {
        it->list = tg_rd_make(NULL, 0);
        it->status = status_of(r.err);
        return it->status;
    }
    if (n > tg_rd_left(&r)) {
        /* Truncated list: walk what is there, report it short. */
        it->status = TG_E_SHORT;
        n = tg_rd_left(&r);
    }
    it->list = tg_rd_sub(&r, n);
    if (tg_rd_left(&r) > 0)
        note(it, TG_E_MALFORMED); /* bytes after the list */
    return it->status;
}

bool tg_certificate_next(struct tg_certificate_iter *it, struct tg_view *der)
{
    struct tg_view none = {NULL, 0};
    *der = none;
    it->extensions = none;
    if (it->list.err || tg_rd_left(&it->list) == 0)
        return false;
    struct tg_rd r = it->list; /* consume a copy; commit only a whole entry */
    struct tg_view cert = tg_rd_bytes(&r, tg_rd_u24(&r));
    if (!r.err && cert.len == 0)
        tg_rd_fail(&r, TG_RD_BAD); /* ASN.1Cert<1..2^24-1> */
    struct tg_view ext = none;
    if (it->is_tls13)
        ext = tg_rd_bytes(&r, tg_rd_u16(&r));
    if (r.err) {
        /* Within the list's known length, running out is malformed too,
         * unless the list itself was cut short. */
        note(it, TG_E_MALFORMED);
        it->list.err = r.err;
        return false;
    }
    it->list = r;
    it->extensions = ext;
    it->index++;
    *der = cert;
    return true;
}

enum tg_status tg_certificate_status(const struct tg_certificate_iter *it)
{
    return it->status;
}

enum tg_status tg_certificate_count(struct tg_view body, bool is_tls13, size_t *count)
{
    struct tg_certificate_iter it;
    struct tg_view der;
    *count = 0;
    enum tg_status opened = tg_certificate_open(body, is_tls13, &it);
    while (tg_certificate_next(&it, &der))
        ++*count;
    return opened != TG_OK ? opened : tg_certificate_status(&it);
}
