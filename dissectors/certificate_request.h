/*
 * certificate_request.h - CertificateRequest (RFC 5246 7.4.4, RFC 4346
 * 7.4.4, RFC 8446 4.3.2).
 *
 * Lists stay wire views: certificate types a u8 list, signature algorithms
 * a u16 list (read with tg_u16_list_at), certificate authorities the body
 * of a DistinguishedName list, walked with tg_ca_name_next.
 */
#ifndef TG_CERTIFICATE_REQUEST_H
#define TG_CERTIFICATE_REQUEST_H

#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TG_CR_MAX_EXTENSIONS 32 /* TLS 1.3 extension types kept, in order */

struct tg_certificate_request {
    bool is_tls13;
    struct tg_view context;              /* TLS 1.3 request context */
    struct tg_view certificate_types;    /* u8 list (<= 1.2) */
    bool has_signature_algorithms;       /* TLS 1.2, or the 1.3 extension */
    struct tg_view signature_algorithms; /* u16 list */
    bool has_signature_algorithms_cert;  /* TLS 1.3 extension 50 */
    struct tg_view signature_algorithms_cert;
    bool has_certificate_authorities;
    struct tg_view certificate_authorities; /* DistinguishedName list body */
    size_t n_certificate_authorities;
    uint16_t extensions[TG_CR_MAX_EXTENSIONS]; /* TLS 1.3 */
    size_t n_extensions;                       /* kept */
    size_t n_extensions_total;                 /* seen */
    size_t trailing;                           /* bytes after the message */
};

/*
 * Parses a CertificateRequest body under the negotiated `version` (TLS 1.2
 * and DTLS 1.2 carry signature algorithms; TLS 1.3 and DTLS 1.3 use the
 * extension form). TG_E_MALFORMED for any inconsistency; fields read
 * before it stay filled.
 */
enum tg_status tg_certificate_request_parse(struct tg_view body, uint16_t version,
                                            struct tg_certificate_request *out) TG_WARN_UNUSED;

/* Walks certificate_authorities: one DER Name per call, false at the end. */
bool tg_ca_name_next(struct tg_rd *list, struct tg_view *dn);

#endif
