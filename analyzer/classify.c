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
 *
 * What nDPI hangs on a flow is counted: nDPI allocates through functions it
 * lets its user set (set_ndpi_malloc, set_ndpi_free, for the whole
 * process), and ours add the size of each block to, or take it from, the
 * count of the flow whose call is under way (a thread's own).
 *
 * nDPI 4.2 gathers a TLS flow's bytes until a record is whole in
 * l4.tcp.tls.message: `buffer`, `buffer_len` bytes malloc'd of which
 * `buffer_used` hold data; 2 KB when the first packet comes, kept until the
 * flow is freed, and grown (ndpi_realloc, keeping the data) when a packet
 * does not fit. Between two packets only the data matters, so after each
 * packet an empty buffer is given back (nDPI allocates a new one whenever
 * `buffer` is NULL) and any other is cut to its data (the next packet grows
 * it again). So that thousands of flows fed in turn do not each malloc a
 * buffer per packet, the module keeps one empty buffer given back, and
 * lends it to the next flow that has none (not at its first packet, when
 * nDPI sets its state up).
 */
#include "classify.h"

#include <malloc.h>
#include <ndpi_api.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(NDPI_MAX_RISK <= 64, "nDPI risks must fit a 64-bit set");

/* The detection module is built when the first flow needs it: building it
 * costs ~60 million instructions (its IP lists and host-name automata), a
 * run without TLS flows never pays that. */
struct tg_ndpi {
    struct ndpi_detection_module_struct *mod; /* NULL until the first flow */
    bool failed;                              /* building it failed: no more tries */
    uint8_t *spare;                           /* an empty TLS buffer, for the next flow */
    unsigned spare_len;
};

struct tg_ndpi_flow {
    struct ndpi_flow_struct nf; /* nDPI wants it zeroed before the first packet */
    ndpi_protocol proto;        /* the last verdict */
    size_t held;                /* bytes nDPI allocated for the flow and holds */
    uint32_t packets;           /* packets fed */
    bool decided;
};

_Static_assert(sizeof(struct tg_ndpi_flow) <= TG_NDPI_FLOW_MAX, "TG_NDPI_FLOW_MAX is too small");

/* ------------------------------------------------------------ allocation */

static _Thread_local size_t *held_by; /* the count of the flow being worked on */

static void *counting_malloc(size_t n)
{
    void *p = malloc(n);
    if (p && held_by)
        *held_by += malloc_usable_size(p);
    return p;
}

static void counting_free(void *p)
{
    if (p && held_by) {
        size_t n = malloc_usable_size(p);
        *held_by -= n < *held_by ? n : *held_by; /* not one of its own: none */
    }
    free(p);
}

/* Calls into nDPI for f go between these two. */
static void work_on(struct tg_ndpi_flow *f)
{
    held_by = &f->held;
}

static void done_with(void)
{
    held_by = NULL;
}

#define SPARE_MAX 4096u /* a larger empty buffer is freed, not kept */

/* The module's spare TLS buffer to f, if f has none (see above). */
static void lend_tls_buffer(struct tg_ndpi *mod, struct tg_ndpi_flow *f)
{
    struct message *m = &f->nf.l4.tcp.tls.message;
    if (!mod->spare || m->buffer || f->packets == 0)
        return;
    m->buffer = mod->spare;
    m->buffer_len = mod->spare_len;
    m->buffer_used = 0;
    f->held += malloc_usable_size(mod->spare);
    mod->spare = NULL;
}

/* nDPI's TLS buffer of f cut to its data (see above). */
static void trim_tls_buffer(struct tg_ndpi *mod, struct tg_ndpi_flow *f)
{
    struct message *m = &f->nf.l4.tcp.tls.message;
    if (!m->buffer || m->buffer_used >= m->buffer_len)
        return;
    if (m->buffer_used == 0) {
        if (!mod->spare && m->buffer_len <= SPARE_MAX) {
            size_t n = malloc_usable_size(m->buffer);
            f->held -= n < f->held ? n : f->held;
            mod->spare = m->buffer;
            mod->spare_len = m->buffer_len;
        } else {
            ndpi_free(m->buffer);
        }
        m->buffer = NULL;
        m->buffer_len = 0;
        return;
    }
    uint8_t *p = ndpi_realloc(m->buffer, m->buffer_len, m->buffer_used);
    if (!p)
        return; /* it keeps its room */
    m->buffer = p;
    m->buffer_len = m->buffer_used;
}

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
    set_ndpi_malloc(counting_malloc);
    set_ndpi_free(counting_free);
    return calloc(1, sizeof(struct tg_ndpi));
}

/* The module, built now if this is the first flow; false when it cannot be. */
static bool module_ready(struct tg_ndpi *m)
{
    if (m->mod || m->failed)
        return m->mod != NULL;
    /* --threads: workers build their modules one at a time; nDPI does not
     * say that building two at once is safe. */
    static pthread_mutex_t building = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&building);
    m->mod = ndpi_init_detection_module(ndpi_no_prefs);
    pthread_mutex_unlock(&building);
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
    ndpi_free(m->spare);
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
    work_on(f);
    ndpi_free_flow_data(&f->nf);
    done_with();
    free(f);
}

size_t tg_ndpi_flow_memory(const struct tg_ndpi_flow *f)
{
    return sizeof *f + f->held;
}

size_t tg_ndpi_flow_pack(const struct tg_ndpi_flow *f, uint8_t *out)
{
    return tg_arena_pack(f, sizeof *f, out);
}

void tg_ndpi_flow_release(struct tg_ndpi_flow *f)
{
    free(f);
}

struct tg_ndpi_flow *tg_ndpi_flow_unpack(const uint8_t *in, size_t len)
{
    struct tg_ndpi_flow *f = malloc(sizeof *f);
    if (f && !tg_arena_unpack(in, len, f, sizeof *f))
        abort(); /* not bytes tg_ndpi_flow_pack wrote: memory is corrupt */
    return f;
}

void tg_ndpi_flow_free_packed(const uint8_t *in, size_t len)
{
    struct tg_ndpi_flow f;
    if (!tg_arena_unpack(in, len, &f, sizeof f))
        abort();
    work_on(&f);
    ndpi_free_flow_data(&f.nf);
    done_with();
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
    work_on(f);
    lend_tls_buffer(m, f);
    f->proto = ndpi_detection_process_packet(m->mod, &f->nf, ip.p, (unsigned short)ip.len, ms);
    f->packets++;
    f->decided = has_decided(m, f);
    if (!f->decided)
        trim_tls_buffer(m, f);
    done_with();
    return f->decided;
}

void tg_ndpi_result(struct tg_ndpi *m, struct tg_ndpi_flow *f, struct tg_ndpi_result *out)
{
    if (!f->decided || f->proto.app_protocol == NDPI_PROTOCOL_UNKNOWN) {
        uint8_t guessed = 0;
        work_on(f);
        f->proto = ndpi_detection_giveup(m->mod, &f->nf, 1, &guessed);
        done_with();
        f->decided = true;
    }
    memset(out, 0, sizeof *out);
    ndpi_protocol2name(m->mod, f->proto, out->app, (u_int)sizeof out->app);
    out->risks = f->nf.risk;
    out->done = true;
}
