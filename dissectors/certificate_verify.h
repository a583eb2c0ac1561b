/*
 * certificate_verify.h - CertificateVerify (RFC 5246 7.4.8, RFC 8446
 * 4.4.3, RFC 6101 5.6.8).
 */
#ifndef TG_CERTIFICATE_VERIFY_H
#define TG_CERTIFICATE_VERIFY_H

#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tg_certificate_verify {
    bool has_scheme; /* TLS 1.2 and 1.3 name the algorithm */
    uint16_t scheme; /* SignatureScheme; 0 before TLS 1.2 */
    struct tg_view signature;
    size_t trailing;
};

/* Parses a CertificateVerify body under the negotiated `version`. */
enum tg_status tg_certificate_verify_parse(struct tg_view body, uint16_t version,
                                           struct tg_certificate_verify *out) TG_WARN_UNUSED;

#endif
