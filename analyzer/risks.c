/*
 * risks.c - tlsglass's risk findings (docs/risks.md has each rule, the
 * reason and the reference), from:
 *   - the negotiated version (RFC 8996, RFC 7568, RFC 6176) and suite
 *     (RFC 7465, RFC 9325 section 4.1);
 *   - the hellos' renegotiation_info extension and the
 *     TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 sections 3.4 to 3.6);
 *   - the ServerHello's compression_method (RFC 7457 section 2.6);
 *   - the ServerKeyExchange's DH prime, RSA export key or named curve;
 *   - the alerts (RFC 8446 section 6, RFC 5246 section 7.2);
 *   - the facts the reporter gathered about the server's certificates:
 *     their summaries (RFC 5280 section 4.1.2.5 validity), the chain's
 *     verification and the SNI host name check (validate.h).
 * Nothing here reads wire bytes except through the dissectors and the
 * u16 list reader.
 */
#include "risks.h"

#include "../dissectors/cipher_info.h"
#include "../dissectors/names.h"
#include "../dissectors/server_key_exchange.h"
#include "../dissectors/u16list.h"

#include <string.h>

#define RENEGOTIATION_SCSV 0x00ff /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
#define SSL_VERSION_2 0x0002
#define SSL_VERSION_3 0x0300
#define TLS_VERSION_1_0 0x0301
#define TLS_VERSION_1_1 0x0302
#define TLS_VERSION_1_2 0x0303
#define DTLS_VERSION_1_0 0xfeff
#define DTLS_VERSION_1_2 0xfefd
#define DTLS_VERSION_BAD 0x0100 /* OpenSSL's pre-RFC 4347 DTLS */
#define ALERT_LEVEL_FATAL 2
#define US_PER_SECOND INT64_C(1000000)
#define SECONDS_PER_DAY INT64_C(86400)

static const char *const names[TG_RISK_COUNT] = {
    [TG_RISK_OBSOLETE_VERSION] = "obsolete_version",
    [TG_RISK_WEAK_CIPHER] = "weak_cipher",
    [TG_RISK_SELF_SIGNED_CERTIFICATE] = "self_signed_certificate",
    [TG_RISK_EXPIRED_CERTIFICATE] = "expired_certificate",
    [TG_RISK_NOT_YET_VALID] = "not_yet_valid",
    [TG_RISK_UNTRUSTED_CHAIN] = "untrusted_chain",
    [TG_RISK_SNI_CERTIFICATE_MISMATCH] = "sni_certificate_mismatch",
    [TG_RISK_MISSING_SNI] = "missing_sni",
    [TG_RISK_INSECURE_RENEGOTIATION] = "insecure_renegotiation",
    [TG_RISK_WEAK_KEY] = "weak_key",
    [TG_RISK_SHA1_SIGNATURE] = "sha1_signature",
    [TG_RISK_CERTIFICATE_VALIDITY_TOO_LONG] = "certificate_validity_too_long",
    [TG_RISK_FATAL_ALERT] = "fatal_alert",
    [TG_RISK_COMPRESSION_ENABLED] = "compression_enabled",
};

const char *tg_risk_name(enum tg_risk r)
{
    if ((unsigned)r >= TG_RISK_COUNT || !names[r])
        return "unknown_risk";
    return names[r];
}

/* ---------------------------------------------------------- certificates */

/* OpenSSL's long names of certificate signature algorithms whose hash is
 * SHA-1 or weaker (MD2, MD4, MD5, MDC-2, SHA-0), sorted (strcmp). */
static const char *const weak_signatures[] = {
    "dsaWithSHA",      "dsaWithSHA1",           "dsaWithSHA1-old",
    "ecdsa-with-SHA1", "md2WithRSAEncryption",  "md4WithRSAEncryption",
    "md5WithRSA",      "md5WithRSAEncryption",  "mdc2WithRSA",
    "sha1WithRSA",     "sha1WithRSAEncryption", "shaWithRSAEncryption",
};

bool tg_risk_weak_signature_name(const char *name)
{
    if (!name)
        return false;
    for (size_t i = 0; i < sizeof weak_signatures / sizeof weak_signatures[0]; i++)
        if (strcmp(name, weak_signatures[i]) == 0)
            return true;
    return false;
}

static bool is_finite_field_key(const char *type)
{
    return strcmp(type, "rsa") == 0 || strcmp(type, "rsa-pss") == 0 || strcmp(type, "dsa") == 0 ||
           strcmp(type, "dh") == 0;
}

static bool weak_public_key(const struct tg_x509_summary *x)
{
    if (x->key_bits <= 0)
        return false; /* size unknown */
    if (is_finite_field_key(x->key_type))
        return x->key_bits < TG_RISK_MIN_FF_BITS;
    if (strcmp(x->key_type, "ec") == 0)
        return x->key_bits < TG_RISK_MIN_EC_BITS;
    return false;
}

void tg_risk_facts_init(struct tg_risk_facts *f, int64_t at_time_us)
{
    memset(f, 0, sizeof *f);
    f->at_time_us = at_time_us;
}

static void note_leaf(struct tg_risk_facts *f, const struct tg_x509_summary *x)
{
    f->leaf = true;
    f->leaf_self_signed = x->self_signed;
    f->leaf_has_not_before = x->not_before[0] != '\0';
    f->leaf_has_not_after = x->not_after[0] != '\0';
    f->leaf_not_before = x->not_before_t;
    f->leaf_not_after = x->not_after_t;
    f->leaf_weak_key = weak_public_key(x);
}

void tg_risk_facts_add_cert(struct tg_risk_facts *f, const struct tg_x509_summary *x)
{
    bool first = f->chain_len++ == 0;
    if (!x->parsed)
        return;
    if (first)
        note_leaf(f, x);
    /* A self-signed certificate is an anchor: its own signature is not
     * relied on, whatever its hash. */
    if (!x->self_signed && tg_risk_weak_signature_name(x->signature_algorithm))
        f->weak_signature = true;
}

void tg_risk_facts_set_hostname(struct tg_risk_facts *f, bool matches)
{
    f->hostname_checked = true;
    f->hostname_match = matches;
}

void tg_risk_facts_set_validation(struct tg_risk_facts *f, const struct tg_validation *v)
{
    f->validated = true;
    f->validation = *v;
}

/* Seconds to microseconds, saturating. */
static int64_t to_us(time_t t)
{
    int64_t s = (int64_t)t;
    if (s > INT64_MAX / US_PER_SECOND)
        return INT64_MAX;
    if (s < INT64_MIN / US_PER_SECOND)
        return INT64_MIN;
    return s * US_PER_SECOND;
}

/* Validity longer than the CA/Browser Forum's maximum, for a certificate
 * issued once the rule applied. The period is inclusive of both ends. */
static bool validity_too_long(const struct tg_risk_facts *f)
{
    if (!f->leaf || !f->leaf_has_not_before || !f->leaf_has_not_after)
        return false;
    int64_t from = (int64_t)f->leaf_not_before, to = (int64_t)f->leaf_not_after;
    if (from < TG_RISK_VALIDITY_RULE_START || to < from)
        return false;
    return to - from >= TG_RISK_MAX_VALIDITY_DAYS * SECONDS_PER_DAY;
}

static uint32_t certificate_risks(const struct tg_risk_facts *f)
{
    const struct tg_validation *v = f->validated ? &f->validation : NULL;
    uint32_t r = 0;
    if ((f->leaf && f->leaf_self_signed) || (v && v->self_signed))
        r |= TG_RISK_BIT(TG_RISK_SELF_SIGNED_CERTIFICATE);
    if ((f->leaf && f->leaf_has_not_after && f->at_time_us > to_us(f->leaf_not_after)) ||
        (v && v->expired))
        r |= TG_RISK_BIT(TG_RISK_EXPIRED_CERTIFICATE);
    if ((f->leaf && f->leaf_has_not_before && f->at_time_us < to_us(f->leaf_not_before)) ||
        (v && v->not_yet_valid))
        r |= TG_RISK_BIT(TG_RISK_NOT_YET_VALID);
    if (v && !v->trusted)
        r |= TG_RISK_BIT(TG_RISK_UNTRUSTED_CHAIN);
    if (f->leaf && f->hostname_checked && !f->hostname_match)
        r |= TG_RISK_BIT(TG_RISK_SNI_CERTIFICATE_MISMATCH);
    if (f->leaf && f->leaf_weak_key)
        r |= TG_RISK_BIT(TG_RISK_WEAK_KEY);
    if (f->weak_signature)
        r |= TG_RISK_BIT(TG_RISK_SHA1_SIGNATURE);
    if (validity_too_long(f))
        r |= TG_RISK_BIT(TG_RISK_CERTIFICATE_VALIDITY_TOO_LONG);
    return r;
}

/* ---------------------------------------------------------- the session */

static bool obsolete_version(uint16_t v)
{
    switch (v) {
    case SSL_VERSION_2:
    case SSL_VERSION_3:
    case TLS_VERSION_1_0:
    case TLS_VERSION_1_1:
    case DTLS_VERSION_1_0:
    case DTLS_VERSION_BAD:
        return true;
    default:
        return false;
    }
}

static bool weak_suite(uint16_t suite)
{
    const unsigned weak = TG_CIPHER_ANONYMOUS | TG_CIPHER_EXPORT | TG_CIPHER_EXPORT_CIPHER |
                          TG_CIPHER_NULL | TG_CIPHER_RC4 | TG_CIPHER_DES | TG_CIPHER_3DES |
                          TG_CIPHER_MD5;
    struct tg_cipher_info info;
    return tg_cipher_info(suite, &info) && (info.flags & weak) != 0;
}

/* The versions RFC 5746 applies to: those with renegotiation. */
static bool has_renegotiation(uint16_t v)
{
    return v == SSL_VERSION_3 || v == TLS_VERSION_1_0 || v == TLS_VERSION_1_1 ||
           v == TLS_VERSION_1_2 || v == DTLS_VERSION_1_0 || v == DTLS_VERSION_1_2;
}

/* The ClientHello asks for secure renegotiation: the extension, or the
 * SCSV among its suites (a 3-byte 0x0000ff cipher spec in SSLv2 format). */
static bool client_signals_renegotiation(const struct tg_client_hello *ch)
{
    if (ch->renegotiation_info)
        return true;
    if (ch->sslv2) {
        struct tg_rd r = tg_rd_of(ch->cipher_suites);
        while (tg_rd_left(&r) >= 3)
            if (tg_rd_u24(&r) == RENEGOTIATION_SCSV)
                return true;
        return false;
    }
    for (size_t i = 0; i < tg_u16_list_count(ch->cipher_suites); i++)
        if (tg_u16_list_at(ch->cipher_suites, i) == RENEGOTIATION_SCSV)
            return true;
    return false;
}

/* RFC 5746: secure only when the client signalled and the server answered
 * with renegotiation_info. Without a ClientHello the server's answer alone
 * decides (it may only answer a client that signalled, 3.6). */
static bool insecure_renegotiation(const struct tg_session *s)
{
    if (!s->have_sh || s->sh.sslv2 || !has_renegotiation(s->version))
        return false;
    if (!s->sh.renegotiation_info)
        return true;
    if (!s->have_ch)
        return false;
    return !client_signals_renegotiation(s->ch2 ? s->ch2 : &s->ch);
}

/* Named curves under TG_RISK_MIN_EC_BITS: sect163k1..sect193r2 (1-5) and
 * secp160k1..secp192r1 (15-19) of the TLS Supported Groups registry. */
static bool weak_group(uint16_t group)
{
    return (group >= 1 && group <= 5) || (group >= 15 && group <= 19);
}

/* The key exchange's own parameters are too small. */
static bool weak_key_exchange(const struct tg_session *s)
{
    if (!s->ske.present || !s->have_sh)
        return false;
    struct tg_server_key_exchange ske;
    enum tg_kex kex = tg_cipher_kex(s->sh.cipher_suite);
    if (tg_server_key_exchange_parse(s->ske.body, kex, s->version, &ske) != TG_OK)
        return false;
    switch (ske.params) {
    case TG_SKE_DH:
        return ske.dh_bits > 0 && ske.dh_bits < TG_RISK_MIN_FF_BITS;
    case TG_SKE_RSA:
        return ske.rsa_bits > 0 && ske.rsa_bits < TG_RISK_MIN_FF_BITS;
    case TG_SKE_ECDH:
        return ske.curve_type == TG_EC_NAMED_CURVE && weak_group(ske.group);
    default:
        return false;
    }
}

static bool fatal_alert(const struct tg_session *s)
{
    for (uint32_t i = 0; i < s->n_alerts && i < TG_MAX_ALERTS; i++)
        if (!s->alerts[i].encrypted && s->alerts[i].level == ALERT_LEVEL_FATAL)
            return true;
    return false;
}

static uint32_t session_risks(const struct tg_session *s)
{
    uint32_t r = 0;
    if (obsolete_version(s->version))
        r |= TG_RISK_BIT(TG_RISK_OBSOLETE_VERSION);
    if (s->have_sh && !s->sh.sslv2 && weak_suite(s->sh.cipher_suite))
        r |= TG_RISK_BIT(TG_RISK_WEAK_CIPHER);
    if (s->have_ch && !s->ch.has_sni && !s->ch.sni.len)
        r |= TG_RISK_BIT(TG_RISK_MISSING_SNI);
    if (insecure_renegotiation(s))
        r |= TG_RISK_BIT(TG_RISK_INSECURE_RENEGOTIATION);
    if (weak_key_exchange(s))
        r |= TG_RISK_BIT(TG_RISK_WEAK_KEY);
    if (fatal_alert(s))
        r |= TG_RISK_BIT(TG_RISK_FATAL_ALERT);
    if (s->have_sh && !s->sh.sslv2 && s->sh.compression_method != 0)
        r |= TG_RISK_BIT(TG_RISK_COMPRESSION_ENABLED);
    return r;
}

uint32_t tg_risks_compute(const struct tg_session *s, const struct tg_risk_facts *f)
{
    uint32_t r = s ? session_risks(s) : 0;
    if (f)
        r |= certificate_risks(f);
    return r;
}
