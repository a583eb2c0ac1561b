/*
 * classify.c - nDPI 4.2 behind the API of classify.h. No protocol is parsed
 * here: IP packets go to nDPI whole, as ndpiReader hands them over.
 *
 * nDPI 4.2 in short: a detection module is made by
 * ndpi_init_detection_module, told which protocols to look for
 * (ndpi_set_protocol_detection_bitmask2: all of them), and sealed by
 * ndpi_finalize_initialization. A flow is a zeroed struct ndpi_flow_struct
 * owned by the caller; ndpi_detection_process_packet takes one IP packet at
 * a time (from the IP header, its length as an unsigned short, time in
 * milliseconds) and returns {master, app} protocol ids, e.g. {TLS, Google}.
 * After the app is known nDPI may still want packets (for TLS: up to the
 * server's certificate), which ndpi_extra_dissection_possible tells.
 * ndpi_detection_giveup ends an undecided flow with a guess. The flow's
 * `risk` is a bit set of ndpi_risk_enum values. ndpi_free_flow_data frees
 * what nDPI hung on a flow (TLS reassembly buffer, certificate names).
 */
#include "classify.h"

#include <ndpi_api.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(NDPI_MAX_RISK <= 64, "nDPI risks must fit a 64-bit set");

/* The detection module is built when the first flow needs it: building it
 * costs ~60 million instructions (its IP lists and host-name automata), a
 * run without TLS flows never pays that. */
struct tg_ndpi {
    struct ndpi_detection_module_struct *mod; /* NULL until the first flow */
    bool failed;                              /* building it failed: no more tries */
};

struct tg_ndpi_flow {
    struct ndpi_flow_struct nf; /* nDPI wants it zeroed before the first packet */
    ndpi_protocol proto;        /* the last verdict */
    uint32_t packets;           /* packets fed */
    bool decided;
};

/* ----------------------------------------------------------- risk names */

struct risk_name {
    unsigned code; /* ndpi_risk_enum */
    const char *name;
};

/* Sorted by code: nDPI 4.2's ndpi_risk_enum identifiers, lower case,
 * without NDPI_. A test checks that every risk below NDPI_MAX_RISK is here. */
static const struct risk_name risk_names[] = {
    {NDPI_URL_POSSIBLE_XSS, "url_possible_xss"},
    {NDPI_URL_POSSIBLE_SQL_INJECTION, "url_possible_sql_injection"},
    {NDPI_URL_POSSIBLE_RCE_INJECTION, "url_possible_rce_injection"},
    {NDPI_BINARY_APPLICATION_TRANSFER, "binary_application_transfer"},
    {NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT, "known_protocol_on_non_standard_port"},
    {NDPI_TLS_SELFSIGNED_CERTIFICATE, "tls_selfsigned_certificate"},
    {NDPI_TLS_OBSOLETE_VERSION, "tls_obsolete_version"},
    {NDPI_TLS_WEAK_CIPHER, "tls_weak_cipher"},
    {NDPI_TLS_CERTIFICATE_EXPIRED, "tls_certificate_expired"},
    {NDPI_TLS_CERTIFICATE_MISMATCH, "tls_certificate_mismatch"},
    {NDPI_HTTP_SUSPICIOUS_USER_AGENT, "http_suspicious_user_agent"},
    {NDPI_HTTP_NUMERIC_IP_HOST, "http_numeric_ip_host"},
    {NDPI_HTTP_SUSPICIOUS_URL, "http_suspicious_url"},
    {NDPI_HTTP_SUSPICIOUS_HEADER, "http_suspicious_header"},
    {NDPI_TLS_NOT_CARRYING_HTTPS, "tls_not_carrying_https"},
    {NDPI_SUSPICIOUS_DGA_DOMAIN, "suspicious_dga_domain"},
    {NDPI_MALFORMED_PACKET, "malformed_packet"},
    {NDPI_SSH_OBSOLETE_CLIENT_VERSION_OR_CIPHER, "ssh_obsolete_client_version_or_cipher"},
    {NDPI_SSH_OBSOLETE_SERVER_VERSION_OR_CIPHER, "ssh_obsolete_server_version_or_cipher"},
    {NDPI_SMB_INSECURE_VERSION, "smb_insecure_version"},
    {NDPI_TLS_SUSPICIOUS_ESNI_USAGE, "tls_suspicious_esni_usage"},
    {NDPI_UNSAFE_PROTOCOL, "unsafe_protocol"},
    {NDPI_DNS_SUSPICIOUS_TRAFFIC, "dns_suspicious_traffic"},
    {NDPI_TLS_MISSING_SNI, "tls_missing_sni"},
    {NDPI_HTTP_SUSPICIOUS_CONTENT, "http_suspicious_content"},
    {NDPI_RISKY_ASN, "risky_asn"},
    {NDPI_RISKY_DOMAIN, "risky_domain"},
    {NDPI_MALICIOUS_JA3, "malicious_ja3"},
    {NDPI_MALICIOUS_SHA1_CERTIFICATE, "malicious_sha1_certificate"},
    {NDPI_DESKTOP_OR_FILE_SHARING_SESSION, "desktop_or_file_sharing_session"},
    {NDPI_TLS_UNCOMMON_ALPN, "tls_uncommon_alpn"},
    {NDPI_TLS_CERT_VALIDITY_TOO_LONG, "tls_cert_validity_too_long"},
    {NDPI_TLS_SUSPICIOUS_EXTENSION, "tls_suspicious_extension"},
    {NDPI_TLS_FATAL_ALERT, "tls_fatal_alert"},
    {NDPI_SUSPICIOUS_ENTROPY, "suspicious_entropy"},
    {NDPI_CLEAR_TEXT_CREDENTIALS, "clear_text_credentials"},
    {NDPI_DNS_LARGE_PACKET, "dns_large_packet"},
    {NDPI_DNS_FRAGMENTED, "dns_fragmented"},
    {NDPI_INVALID_CHARACTERS, "invalid_characters"},
    {NDPI_POSSIBLE_EXPLOIT, "possible_exploit"},
    {NDPI_TLS_CERTIFICATE_ABOUT_TO_EXPIRE, "tls_certificate_about_to_expire"},
};

#define N_RISK_NAMES (sizeof risk_names / sizeof risk_names[0])

const char *tg_ndpi_risk_name(unsigned n)
{
    size_t lo = 0, hi = N_RISK_NAMES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (risk_names[mid].code == n)
            return risk_names[mid].name;
        if (risk_names[mid].code < n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *tg_ndpi_risk_next(uint64_t *risks)
{
    while (*risks) {
        unsigned n = (unsigned)__builtin_ctzll(*risks);
        *risks &= *risks - 1; /* clears the lowest set bit */
        const char *name = tg_ndpi_risk_name(n);
        if (name)
            return name;
    }
    return NULL;
}

/* ------------------------------------------------------------ the module */

struct tg_ndpi *tg_ndpi_new(void)
{
    return calloc(1, sizeof(struct tg_ndpi));
}

/* The module, built now if this is the first flow; false when it cannot be. */
static bool module_ready(struct tg_ndpi *m)
{
    if (m->mod || m->failed)
        return m->mod != NULL;
    m->mod = ndpi_init_detection_module(ndpi_no_prefs);
    if (!m->mod) {
        m->failed = true;
        return false;
    }
    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(m->mod, &all);
    ndpi_finalize_initialization(m->mod);
    return true;
}

void tg_ndpi_free(struct tg_ndpi *m)
{
    if (!m)
        return;
    if (m->mod)
        ndpi_exit_detection_module(m->mod);
    free(m);
}

/* -------------------------------------------------------------- the flow */

size_t tg_ndpi_flow_size(void)
{
    return sizeof(struct tg_ndpi_flow);
}

struct tg_ndpi_flow *tg_ndpi_flow_new(struct tg_ndpi *m)
{
    if (!module_ready(m))
        return NULL;
    return calloc(1, sizeof(struct tg_ndpi_flow));
}

void tg_ndpi_flow_free(struct tg_ndpi_flow *f)
{
    if (!f)
        return;
    ndpi_free_flow_data(&f->nf);
    free(f);
}

/* Decided the way ndpiReader decides: the app is known and nDPI wants no
 * more packets, or enough packets were seen. */
static bool has_decided(struct tg_ndpi *m, struct tg_ndpi_flow *f)
{
    if (f->packets >= TG_NDPI_MAX_PACKETS)
        return true;
    return f->proto.app_protocol != NDPI_PROTOCOL_UNKNOWN &&
           !ndpi_extra_dissection_possible(m->mod, &f->nf);
}

bool tg_ndpi_feed(struct tg_ndpi *m, struct tg_ndpi_flow *f, struct tg_view ip, int64_t ts_us)
{
    if (f->decided)
        return true;
    if (ip.len == 0 || ip.len > UINT16_MAX)
        return false;
    uint64_t ms = ts_us > 0 ? (uint64_t)ts_us / 1000u : 0u;
    f->proto = ndpi_detection_process_packet(m->mod, &f->nf, ip.p, (unsigned short)ip.len, ms);
    f->packets++;
    f->decided = has_decided(m, f);
    return f->decided;
}

void tg_ndpi_result(struct tg_ndpi *m, struct tg_ndpi_flow *f, struct tg_ndpi_result *out)
{
    if (!f->decided || f->proto.app_protocol == NDPI_PROTOCOL_UNKNOWN) {
        uint8_t guessed = 0;
        f->proto = ndpi_detection_giveup(m->mod, &f->nf, 1, &guessed);
        f->decided = true;
    }
    memset(out, 0, sizeof *out);
    ndpi_protocol2name(m->mod, f->proto, out->app, (u_int)sizeof out->app);
    out->risks = f->nf.risk;
    out->done = true;
}
