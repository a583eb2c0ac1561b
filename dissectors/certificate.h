/*
 * certificate.h - the Certificate handshake message (RFC 5246 7.4.2,
 * RFC 8446 4.4.2), read one certificate at a time.
 *
 *   struct tg_certificate_iter it;
 *   struct tg_view der;
 *   enum tg_status st = tg_certificate_open(body, is_tls13, &it);
 *   while (tg_certificate_next(&it, &der))
 *       ... der is one ASN.1 certificate, leaf first ...
 *   st = tg_certificate_status(&it);  (TG_OK, or why the list broke off)
 *
 * A list that breaks off midway still yields the certificates before the
 * break, so a chain keeps its good part. The iterator has no cap; callers
 * keep at most TG_CERT_MAX_CHAIN certificates and count (and skip) the rest.
 */
#ifndef TG_CERTIFICATE_H
#define TG_CERTIFICATE_H

#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>

/* Certificates of one chain a session keeps; the rest are counted only. */
#define TG_CERT_MAX_CHAIN 16

struct tg_certificate_iter {
    struct tg_rd list; /* the certificate_list body */
    bool is_tls13;
    struct tg_view context;    /* TLS 1.3 certificate_request_context */
    struct tg_view extensions; /* TLS 1.3: the last entry's extensions */
    size_t index;              /* certificates yielded so far */
    enum tg_status status;     /* first error, from open or next */
};

/*
 * Starts reading a Certificate body. Returns TG_OK, or the error of the
 * framing (list length past the body: TG_E_SHORT; bytes after the list:
 * TG_E_MALFORMED); even then the iterator yields what the body holds.
 */
enum tg_status tg_certificate_open(struct tg_view body, bool is_tls13,
                                   struct tg_certificate_iter *it) TG_WARN_UNUSED;

/* The next certificate's DER; false at the end of the list or on error. */
bool tg_certificate_next(struct tg_certificate_iter *it, struct tg_view *der);

/* After the walk: TG_OK when the whole message parsed. */
enum tg_status tg_certificate_status(const struct tg_certificate_iter *it);

/* Certificates in a body (those before any error); returns the status. */
enum tg_status tg_certificate_count(struct tg_view body, bool is_tls13,
                                    size_t *count) TG_WARN_UNUSED;

#endif
