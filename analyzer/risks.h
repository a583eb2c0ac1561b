/*
 * risks.h - tlsglass's own findings about a session, each a stable string
 * of the record's `risks` list. docs/risks.md gives every rule, why it
 * matters and its reference.
 *
 * The findings come from three sources: the session's parsed hellos,
 * key exchange and alerts; the server certificates, fed one at a time as
 * the reporter summarizes them; and the chain verification and host name
 * check of validate.h. The reporter gathers the last two in a
 * struct tg_risk_facts, then asks for the set:
 *
 *   struct tg_risk_facts facts;
 *   tg_risk_facts_init(&facts, capture_time_us);
 *   for each server certificate, leaf first:  tg_risk_facts_add_cert(&facts, &summary);
 *   if an SNI and a leaf were seen:           tg_risk_facts_set_hostname(&facts, match);
 *   if the chain was verified:                tg_risk_facts_set_validation(&facts, &val);
 *   uint32_t risks = tg_risks_compute(session, &facts);
 *   for (int r = 0; r < TG_RISK_COUNT; r++)
 *       if (risks & TG_RISK_BIT(r)) ... tg_risk_name(r) ...
 */
#ifndef TG_RISKS_H
#define TG_RISKS_H

#include "session.h"
#include "validate.h"
#include "x509.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* In the order the record lists them. */
enum tg_risk {
    TG_RISK_OBSOLETE_VERSION,
    TG_RISK_WEAK_CIPHER,
    TG_RISK_SELF_SIGNED_CERTIFICATE,
    TG_RISK_EXPIRED_CERTIFICATE,
    TG_RISK_NOT_YET_VALID,
    TG_RISK_UNTRUSTED_CHAIN,
    TG_RISK_SNI_CERTIFICATE_MISMATCH,
    TG_RISK_MISSING_SNI,
    TG_RISK_INSECURE_RENEGOTIATION,
    TG_RISK_WEAK_KEY,
    TG_RISK_SHA1_SIGNATURE,
    TG_RISK_CERTIFICATE_VALIDITY_TOO_LONG,
    TG_RISK_FATAL_ALERT,
    TG_RISK_COMPRESSION_ENABLED,
    TG_RISK_COUNT
};

#define TG_RISK_BIT(r) (UINT32_C(1) << (r))

/* Thresholds (docs/risks.md). */
#define TG_RISK_MIN_FF_BITS 2048 /* RSA, DSA and DH moduli */
#define TG_RISK_MIN_EC_BITS 224  /* elliptic curve keys and groups */
#define TG_RISK_MAX_VALIDITY_DAYS 398
#define TG_RISK_VALIDITY_RULE_START 1598918400 /* 2020-09-01T00:00:00Z */

/* What the reporter learned about the server's certificates. */
struct tg_risk_facts {
    int64_t at_time_us; /* the capture's time: the flow's first packet */
    size_t chain_len;   /* server certificates fed, parsed or not */
    bool leaf;          /* the first certificate parsed */
    bool leaf_self_signed;
    bool leaf_has_not_before, leaf_has_not_after;
    time_t leaf_not_before, leaf_not_after;
    bool leaf_weak_key;  /* its public key is under the thresholds */
    bool weak_signature; /* a certificate, not self-signed, signed with SHA-1 or MD5 (or older) */
    bool hostname_checked;
    bool hostname_match;
    bool validated; /* the chain was verified */
    struct tg_validation validation;
};

void tg_risk_facts_init(struct tg_risk_facts *f, int64_t at_time_us);

/* The next server certificate as sent, leaf first. */
void tg_risk_facts_add_cert(struct tg_risk_facts *f, const struct tg_x509_summary *x);

/* Whether the leaf matches the SNI (tg_validate_hostname); call only when
 * the session has an SNI and a leaf. Ignored when the leaf did not parse. */
void tg_risk_facts_set_hostname(struct tg_risk_facts *f, bool matches);

void tg_risk_facts_set_validation(struct tg_risk_facts *f, const struct tg_validation *v);

/* The findings, as TG_RISK_BIT(enum tg_risk) bits. */
uint32_t tg_risks_compute(const struct tg_session *s, const struct tg_risk_facts *f);

/* The record's string for a risk, e.g. "weak_cipher". */
const char *tg_risk_name(enum tg_risk r);

/* True for a certificate signature algorithm (OpenSSL long name, as in
 * tg_x509_summary.signature_algorithm) whose hash is SHA-1, MD5, or an
 * older one (MD2, MD4, MDC-2, SHA-0). Exposed for tests. */
bool tg_risk_weak_signature_name(const char *name);

#endif
