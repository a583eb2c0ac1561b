/*
 * test_risks.c - unit tests of analyzer/risks.c.
 *
 * Sessions are built the way the pipeline builds them: ClientHello,
 * ServerHello and ServerKeyExchange bodies (RFC 5246 7.4.1.2, 7.4.1.3,
 * 7.4.3; RFC 8446 4.1.2, 4.1.3) are assembled byte by byte below and fed to
 * tg_session_handshake(), then the risks are computed from what the session
 * parsed. Certificate facts use hand-made summaries, as the reporter would
 * feed them from tg_x509_summarize(). Each case names the exact set of
 * risks expected, so a risk raised by mistake fails as well as one missed.
 */
#include "../../analyzer/risks.h"
#include "testkit.h"

#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_mask(const char *label, uint32_t mask)
{
    printf("  %s:", label);
    for (int r = 0; r < TG_RISK_COUNT; r++)
        if (mask & TG_RISK_BIT(r))
            printf(" %s", tg_risk_name((enum tg_risk)r));
    printf("\n");
}

static void check_mask(uint32_t got, uint32_t want, const char *what, int line)
{
    check(got == want, what, line);
    if (got != want) {
        print_mask("got ", got);
        print_mask("want", want);
    }
}

#define B(r) TG_RISK_BIT(TG_RISK_##r)

/* ------------------------------------------------------- byte building */

struct buf {
    uint8_t b[1024];
    size_t n;
};

static void put8(struct buf *w, unsigned v)
{
    if (w->n >= sizeof w->b)
        abort();
    w->b[w->n++] = (uint8_t)v;
}

static void put16(struct buf *w, unsigned v)
{
    put8(w, v >> 8 & 0xff);
    put8(w, v & 0xff);
}

static void put_fill(struct buf *w, unsigned byte, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put8(w, byte);
}

/* Opens a vector with a `size`-byte length; close() fills the length in. */
static size_t open_vec(struct buf *w, int size)
{
    size_t at = w->n;
    put_fill(w, 0, (size_t)size);
    return at;
}

static void close_vec(struct buf *w, size_t at, int size)
{
    size_t len = w->n - at - (size_t)size;
    for (int i = size - 1; i >= 0; i--) {
        w->b[at + (size_t)i] = (uint8_t)(len & 0xff);
        len >>= 8;
    }
}

/* A malloc'd copy of exactly the bytes written, for ASan. */
static struct tg_view exact(const struct buf *w, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        abort();
    memcpy(p, w->b, n);
    struct tg_view v = {p, n};
    /* cppcheck-suppress memleak ; returned in the view, freed by release() */
    return v;
}

static void release(struct tg_view v)
{
    free((void *)(uintptr_t)v.p);
}

/* ------------------------------------------------------------- hellos */

struct spec {
    const char *name;
    /* ClientHello */
    bool no_ch;
    bool ch_sslv2;
    uint16_t ch_version;
    bool sni, reneg_ext, scsv, offer13;
    /* ServerHello */
    bool no_sh;
    bool sh_sslv2;
    uint16_t sh_version; /* legacy_version; 0x0304 sends supported_versions */
    uint16_t suite;
    uint8_t compression;
    bool sh_reneg;
    /* ServerKeyExchange and alerts */
    int ske;         /* enum ske_kind */
    int alert_level; /* 0 none, 1 warning, 2 fatal, -1 encrypted */
    uint32_t want;
};

enum ske_kind { SKE_NONE, SKE_DH1024, SKE_DH2048, SKE_X25519, SKE_P192, SKE_RSA512 };

static void client_extensions(struct buf *w, const struct spec *c)
{
    size_t all = open_vec(w, 2);
    if (c->sni) {
        put16(w, 0); /* server_name */
        size_t ext = open_vec(w, 2);
        size_t list = open_vec(w, 2);
        put8(w, 0); /* host_name */
        size_t name = open_vec(w, 2);
        for (const char *p = "server.tlsglass.test"; *p; p++)
            put8(w, (unsigned char)*p);
        close_vec(w, name, 2);
        close_vec(w, list, 2);
        close_vec(w, ext, 2);
    }
    if (c->offer13) {
        put16(w, 43); /* supported_versions: TLS 1.3, 1.2 */
        put16(w, 5);
        put8(w, 4);
        put16(w, 0x0304);
        put16(w, 0x0303);
    }
    if (c->reneg_ext) {
        put16(w, 0xff01); /* renegotiation_info, empty renegotiated_connection */
        put16(w, 1);
        put8(w, 0);
    }
    close_vec(w, all, 2);
}

static size_t client_hello(struct buf *w, const struct spec *c)
{
    w->n = 0;
    put16(w, c->ch_version ? c->ch_version : 0x0303);
    put_fill(w, 0x11, 32); /* random */
    put8(w, 0);            /* session_id */
    size_t suites = open_vec(w, 2);
    put16(w, 0xc02f);
    put16(w, 0x009f);
    put16(w, 0x1301);
    if (c->scsv)
        put16(w, 0x00ff);
    close_vec(w, suites, 2);
    put8(w, 1); /* compression_methods: null */
    put8(w, 0);
    client_extensions(w, c);
    return w->n;
}

/* SSLv2 CLIENT-HELLO from msg_type on: two SSL 2.0 specs, TLS_RSA_WITH_
 * AES_128_CBC_SHA, and the SCSV when asked; a 16-byte challenge. */
static size_t sslv2_client_hello(struct buf *w, const struct spec *c)
{
    w->n = 0;
    put8(w, 1);
    put16(w, 0x0301);
    put16(w, c->scsv ? 12 : 9);
    put16(w, 0);
    put16(w, 16);
    put8(w, 0x07), put16(w, 0x00c0);
    put8(w, 0x02), put16(w, 0x0080);
    put8(w, 0x00), put16(w, 0x002f);
    if (c->scsv)
        put8(w, 0x00), put16(w, 0x00ff);
    put_fill(w, 0x22, 16);
    return w->n;
}

static size_t server_hello(struct buf *w, const struct spec *c)
{
    bool tls13 = c->sh_version == 0x0304;
    w->n = 0;
    put16(w, tls13 ? 0x0303 : c->sh_version);
    put_fill(w, 0x33, 32);
    put8(w, 0);
    put16(w, c->suite);
    put8(w, c->compression);
    size_t all = open_vec(w, 2);
    if (tls13) {
        put16(w, 43);
        put16(w, 2);
        put16(w, 0x0304);
    }
    if (c->sh_reneg) {
        put16(w, 0xff01);
        put16(w, 1);
        put8(w, 0);
    }
    close_vec(w, all, 2);
    return w->n;
}

/* A ServerKeyExchange for the kinds above; TLS 1.2 bodies name their
 * signature algorithm (rsa_pkcs1_sha256), earlier ones do not. */
static size_t server_key_exchange(struct buf *w, int kind, uint16_t version)
{
    w->n = 0;
    if (kind == SKE_DH1024 || kind == SKE_DH2048) {
        size_t bytes = kind == SKE_DH1024 ? 128 : 256;
        put16(w, (unsigned)bytes); /* dh_p, top bit set */
        put8(w, 0xff);
        put_fill(w, 0x5a, bytes - 1);
        put16(w, 1); /* dh_g = 2 */
        put8(w, 2);
        put16(w, (unsigned)bytes); /* dh_Ys */
        put_fill(w, 0x44, bytes);
    } else if (kind == SKE_RSA512) {
        put16(w, 64); /* modulus */
        put8(w, 0xc0);
        put_fill(w, 0x77, 63);
        put16(w, 3); /* exponent 65537 */
        put8(w, 1), put8(w, 0), put8(w, 1);
    } else {
        put8(w, 3); /* named_curve */
        put16(w, kind == SKE_X25519 ? 29 : 19);
        size_t point = kind == SKE_X25519 ? 32 : 49;
        put8(w, (unsigned)point);
        put_fill(w, 0x04, point);
    }
    if (version == 0x0303)
        put16(w, 0x0401);
    put16(w, 64);
    put_fill(w, 0x99, 64);
    return w->n;
}

static void feed(struct tg_session *s, int dir, uint8_t type, const struct buf *w, size_t n)
{
    struct tg_view v = exact(w, n);
    tg_session_handshake(s, dir, type, v, 1000);
    release(v);
}

static struct tg_session *build(const struct spec *c)
{
    struct tg_session *s = tg_session_new();
    struct buf w = {{0}, 0}; /* each hello writer starts it over */
    if (!s)
        abort();
    if (!c->no_ch && c->ch_sslv2) {
        struct tg_view v = exact(&w, sslv2_client_hello(&w, c));
        tg_session_sslv2_client_hello(s, 0, v, 1000);
        release(v);
    } else if (!c->no_ch) {
        feed(s, 0, 1, &w, client_hello(&w, c));
    }
    if (c->sh_sslv2)
        tg_session_sslv2_server_hello(s, 1, 40, 2000);
    else if (!c->no_sh)
        feed(s, 1, 2, &w, server_hello(&w, c));
    if (c->ske != SKE_NONE)
        feed(s, 1, 12, &w, server_key_exchange(&w, c->ske, c->sh_version));
    if (c->alert_level > 0)
        tg_session_alert(s, 1, (uint8_t)c->alert_level, 40, 3000);
    else if (c->alert_level < 0)
        tg_session_protected(s, 1, TG_CT_ALERT, 26, 3000);
    return s;
}

/* The usual TLS 1.2 handshake: SNI and SCSV, echoed renegotiation_info. */
#define TLS12(s) .sni = true, .scsv = true, .sh_version = 0x0303, .suite = (s), .sh_reneg = true
#define GOOD12 TLS12(0xc02f)

static const struct spec sessions[] = {
    {"TLS 1.2, all well", GOOD12, .want = 0},
    {"TLS 1.2, renegotiation_info both ways", .sni = true, .reneg_ext = true, .sh_version = 0x0303,
     .suite = 0xc02f, .sh_reneg = true, .want = 0},
    {"TLS 1.3", .sni = true, .scsv = true, .offer13 = true, .sh_version = 0x0304, .suite = 0x1302,
     .want = 0},
    {"TLS 1.3 without SCSV or extension", .sni = true, .offer13 = true, .sh_version = 0x0304,
     .suite = 0x1301, .want = 0},
    {"TLS 1.1", .sni = true, .scsv = true, .ch_version = 0x0302, .sh_version = 0x0302,
     .suite = 0xc014, .sh_reneg = true, .want = B(OBSOLETE_VERSION)},
    {"TLS 1.0", .sni = true, .scsv = true, .ch_version = 0x0301, .sh_version = 0x0301,
     .suite = 0xc014, .sh_reneg = true, .want = B(OBSOLETE_VERSION)},
    {"SSL 3.0", .sni = true, .scsv = true, .ch_version = 0x0300, .sh_version = 0x0300,
     .suite = 0x002f, .sh_reneg = true, .want = B(OBSOLETE_VERSION)},
    {"SSL 2.0 server hello", .ch_sslv2 = true, .sh_sslv2 = true,
     .want = B(OBSOLETE_VERSION) | B(MISSING_SNI)},
    {"SSLv2-format ClientHello with SCSV, TLS 1.0 answer", .ch_sslv2 = true, .scsv = true,
     .sh_version = 0x0301, .suite = 0x002f, .sh_reneg = true,
     .want = B(OBSOLETE_VERSION) | B(MISSING_SNI)},
    {"SSLv2-format ClientHello without SCSV", .ch_sslv2 = true, .sh_version = 0x0301,
     .suite = 0x002f, .sh_reneg = true,
     .want = B(OBSOLETE_VERSION) | B(MISSING_SNI) | B(INSECURE_RENEGOTIATION)},
    {"RC4", TLS12(0x0005), .want = B(WEAK_CIPHER)},
    {"RC4 with MD5", TLS12(0x0004), .want = B(WEAK_CIPHER)},
    {"3DES", TLS12(0x000a), .want = B(WEAK_CIPHER)},
    {"DES", TLS12(0x0009), .want = B(WEAK_CIPHER)},
    {"NULL cipher", TLS12(0x0002), .want = B(WEAK_CIPHER)},
    {"NULL with NULL", TLS12(0x0000), .want = B(WEAK_CIPHER)},
    {"export", TLS12(0x0008), .want = B(WEAK_CIPHER)},
    {"anonymous DH", TLS12(0x0034), .want = B(WEAK_CIPHER)},
    {"anonymous ECDH", TLS12(0xc018), .want = B(WEAK_CIPHER)},
    {"AES CBC SHA is not weak", TLS12(0x002f), .want = 0},
    {"ChaCha20 is not weak", TLS12(0xcca8), .want = 0},
    {"an unknown suite is not weak", TLS12(0x1337), .want = 0},
    {"no SNI", .scsv = true, .sh_version = 0x0303, .suite = 0xc02f, .sh_reneg = true,
     .want = B(MISSING_SNI)},
    {"client signals, server silent", .sni = true, .scsv = true, .sh_version = 0x0303,
     .suite = 0xc02f, .want = B(INSECURE_RENEGOTIATION)},
    {"client extension, server silent", .sni = true, .reneg_ext = true, .sh_version = 0x0303,
     .suite = 0xc02f, .want = B(INSECURE_RENEGOTIATION)},
    {"client silent, server silent", .sni = true, .sh_version = 0x0303, .suite = 0xc02f,
     .want = B(INSECURE_RENEGOTIATION)},
    {"client silent, server answers anyway", .sni = true, .sh_version = 0x0303, .suite = 0xc02f,
     .sh_reneg = true, .want = B(INSECURE_RENEGOTIATION)},
    {"no ClientHello, server answers", .no_ch = true, .sh_version = 0x0303, .suite = 0xc02f,
     .sh_reneg = true, .want = 0},
    {"no ClientHello, server silent", .no_ch = true, .sh_version = 0x0303, .suite = 0xc02f,
     .want = B(INSECURE_RENEGOTIATION)},
    {"no ServerHello, fatal alert", .sni = true, .scsv = true, .offer13 = true, .no_sh = true,
     .alert_level = 2, .want = B(FATAL_ALERT)},
    {"fatal alert", GOOD12, .alert_level = 2, .want = B(FATAL_ALERT)},
    {"warning alert", GOOD12, .alert_level = 1, .want = 0},
    {"encrypted alert", GOOD12, .alert_level = -1, .want = 0},
    {"compression", GOOD12, .compression = 1, .want = B(COMPRESSION_ENABLED)},
    {"DHE 1024", TLS12(0x009f), .ske = SKE_DH1024, .want = B(WEAK_KEY)},
    {"DHE 2048", TLS12(0x009f), .ske = SKE_DH2048, .want = 0},
    {"ECDHE x25519", GOOD12, .ske = SKE_X25519, .want = 0},
    {"ECDHE secp192r1", GOOD12, .ske = SKE_P192, .want = B(WEAK_KEY)},
    {"RSA export, 512-bit key", .sni = true, .scsv = true, .ch_version = 0x0301,
     .sh_version = 0x0301, .suite = 0x0003, .sh_reneg = true, .ske = SKE_RSA512,
     .want = B(OBSOLETE_VERSION) | B(WEAK_CIPHER) | B(WEAK_KEY)},
};

static void test_sessions(void)
{
    printf("risks of sessions\n");
    for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++) {
        const struct spec *c = &sessions[i];
        struct tg_session *s = build(c);
        check_mask(tg_risks_compute(s, NULL), c->want, c->name, __LINE__);
        CHECK(s->errors == 0);
        tg_session_free(s);
    }
}

/* A ServerKeyExchange cut anywhere, or with a byte too many, does not
 * parse: the DH check is skipped, nothing breaks. */
static void test_ske_prefixes(void)
{
    printf("truncated and overlong ServerKeyExchange\n");
    const struct spec c = {"dhe", TLS12(0x009f)};
    struct buf w;
    size_t n = server_key_exchange(&w, SKE_DH1024, 0x0303);
    put8(&w, 0);
    for (size_t len = 0; len <= n + 1; len++) {
        struct tg_session *s = build(&c);
        feed(s, 1, 12, &w, len);
        uint32_t got = tg_risks_compute(s, NULL);
        if (len != n && got != 0) {
            check_mask(got, 0, "a prefix raised a risk", __LINE__);
            tg_session_free(s);
            return;
        }
        if (len == n)
            check_mask(got, B(WEAK_KEY), "the whole message", __LINE__);
        tg_session_free(s);
    }
    check(true, "no cut or overlong message raised a risk", __LINE__);
}

/* -------------------------------------------------------- certificates */

#define T_2025_06_01 1748736000
#define T_2026_01_01 1767225600
#define T_2026_06_01 1780272000
#define T_2035_06_01 2064441600
#define DAY INT64_C(86400)
#define US(t) ((int64_t)(t)*INT64_C(1000000))

static struct tg_x509_summary *cert(const char *key, int bits, const char *sig, time_t nb,
                                    time_t na, bool self_signed)
{
    static struct tg_x509_summary pool[4];
    static size_t next;
    struct tg_x509_summary *x = &pool[next++ % 4];
    memset(x, 0, sizeof *x);
    x->parsed = true;
    snprintf(x->key_type, sizeof x->key_type, "%s", key);
    x->key_bits = bits;
    snprintf(x->signature_algorithm, sizeof x->signature_algorithm, "%s", sig);
    x->not_before_t = nb;
    x->not_after_t = na;
    snprintf(x->not_before, sizeof x->not_before, "set");
    snprintf(x->not_after, sizeof x->not_after, "set");
    x->self_signed = self_signed;
    return x;
}

/* A leaf that raises nothing at T_2026_01_01: RSA 2048, SHA-256, 365 days. */
static struct tg_x509_summary *good_leaf(void)
{
    return cert("rsa", 2048, "sha256WithRSAEncryption", T_2025_06_01, T_2026_06_01 - 1, false);
}

static struct tg_validation verdict(bool ok, bool trusted)
{
    struct tg_validation v;
    memset(&v, 0, sizeof v);
    v.ok = ok;
    v.trusted = trusted;
    snprintf(v.reason, sizeof v.reason, "%s", ok ? "ok" : "some reason");
    return v;
}

static uint32_t with_facts(const struct tg_risk_facts *f)
{
    const struct spec c = {"base", GOOD12};
    struct tg_session *s = build(&c);
    uint32_t r = tg_risks_compute(s, f);
    tg_session_free(s);
    return r;
}

/* One leaf fed with a good verdict and a matching name, at T_2026_01_01. */
static uint32_t leaf_risks(const struct tg_x509_summary *leaf, int64_t at_us)
{
    struct tg_risk_facts f;
    struct tg_validation v = verdict(true, true);
    tg_risk_facts_init(&f, at_us);
    tg_risk_facts_add_cert(&f, leaf);
    tg_risk_facts_set_hostname(&f, true);
    tg_risk_facts_set_validation(&f, &v);
    return with_facts(&f);
}

static void test_leaf_rules(void)
{
    printf("risks of the leaf certificate\n");
    int64_t now = US(T_2026_01_01);
    check_mask(leaf_risks(good_leaf(), now), 0, "good leaf", __LINE__);
    struct tg_x509_summary *x = good_leaf();
    x->self_signed = true;
    check_mask(leaf_risks(x, now), B(SELF_SIGNED_CERTIFICATE), "self-signed leaf", __LINE__);

    x = good_leaf();
    check_mask(leaf_risks(x, US(T_2026_06_01 - 1)), 0, "at notAfter: still valid", __LINE__);
    check_mask(leaf_risks(x, US(T_2026_06_01 - 1) + 1), B(EXPIRED_CERTIFICATE),
               "a microsecond after notAfter", __LINE__);
    check_mask(leaf_risks(x, US(T_2025_06_01)), 0, "at notBefore: valid", __LINE__);
    check_mask(leaf_risks(x, US(T_2025_06_01) - 1), B(NOT_YET_VALID),
               "a microsecond before notBefore", __LINE__);
    x->not_after[0] = '\0';
    x->not_before[0] = '\0';
    check_mask(leaf_risks(x, US(T_2035_06_01)), 0, "unreadable dates: no finding", __LINE__);

    static const struct {
        const char *key;
        int bits;
        bool weak;
    } keys[] = {
        {"rsa", 1024, true}, {"rsa", 2047, true},     {"rsa", 2048, false}, {"rsa-pss", 1024, true},
        {"dsa", 1024, true}, {"dh", 1024, true},      {"ec", 192, true},    {"ec", 224, false},
        {"ec", 256, false},  {"ed25519", 256, false}, {"rsa", 0, false},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        x = good_leaf();
        snprintf(x->key_type, sizeof x->key_type, "%s", keys[i].key);
        x->key_bits = keys[i].bits;
        check_mask(leaf_risks(x, now), keys[i].weak ? B(WEAK_KEY) : 0, keys[i].key, __LINE__);
    }
}

static void test_validity_length(void)
{
    printf("validity period (398 days, inclusive)\n");
    int64_t now = US(T_2026_01_01);
    struct tg_x509_summary *x = good_leaf();
    x->not_after_t = x->not_before_t + 398 * DAY - 1; /* exactly 398 days */
    check_mask(leaf_risks(x, now), 0, "398 days", __LINE__);
    x->not_after_t += 1;
    check_mask(leaf_risks(x, now), B(CERTIFICATE_VALIDITY_TOO_LONG), "398 days + 1 s", __LINE__);
    x = cert("rsa", 2048, "sha256WithRSAEncryption", T_2025_06_01, T_2035_06_01, false);
    check_mask(leaf_risks(x, now), B(CERTIFICATE_VALIDITY_TOO_LONG), "ten years", __LINE__);
    /* Issued before 2020-09-01: the rule did not apply yet. */
    x = cert("rsa", 2048, "sha256WithRSAEncryption", 1598918400 - 1, T_2026_01_01 + DAY, false);
    check_mask(leaf_risks(x, now), 0, "issued 2020-08-31", __LINE__);
    x->not_before_t += 1;
    check_mask(leaf_risks(x, now), B(CERTIFICATE_VALIDITY_TOO_LONG), "issued 2020-09-01", __LINE__);
}

static void test_chain_signatures(void)
{
    printf("weak signatures in the chain\n");
    struct tg_risk_facts f;
    tg_risk_facts_init(&f, US(T_2026_01_01));
    tg_risk_facts_add_cert(&f, good_leaf());
    tg_risk_facts_add_cert(&f, cert("rsa", 2048, "sha1WithRSAEncryption", T_2025_06_01,
                                    T_2035_06_01, true)); /* a root sent along */
    check_mask(with_facts(&f), 0, "SHA-1 on a self-signed root", __LINE__);
    tg_risk_facts_add_cert(
        &f, cert("rsa", 2048, "sha1WithRSAEncryption", T_2025_06_01, T_2026_06_01, false));
    check_mask(with_facts(&f), B(SHA1_SIGNATURE), "SHA-1 on an intermediate", __LINE__);
    CHECK(f.chain_len == 3);

    tg_risk_facts_init(&f, US(T_2026_01_01));
    struct tg_x509_summary *x = good_leaf();
    snprintf(x->signature_algorithm, sizeof x->signature_algorithm, "md5WithRSAEncryption");
    tg_risk_facts_add_cert(&f, x);
    check_mask(with_facts(&f), B(SHA1_SIGNATURE), "MD5 on the leaf", __LINE__);

    /* An unparsed leaf counts but says nothing; the next one is no leaf. */
    tg_risk_facts_init(&f, US(T_2035_06_01));
    struct tg_x509_summary bad;
    memset(&bad, 0, sizeof bad);
    tg_risk_facts_add_cert(&f, &bad);
    tg_risk_facts_add_cert(&f, cert("rsa", 1024, "sha256WithRSAEncryption", 0, 1, true));
    tg_risk_facts_set_hostname(&f, false);
    CHECK(!f.leaf && f.chain_len == 2);
    check_mask(with_facts(&f), 0, "unparsed leaf", __LINE__);
}

static void test_verdicts(void)
{
    printf("risks from the chain verification and the host name\n");
    int64_t now = US(T_2026_01_01);
    struct tg_risk_facts f;
    struct tg_validation v;

    tg_risk_facts_init(&f, now);
    tg_risk_facts_add_cert(&f, good_leaf());
    v = verdict(false, false);
    tg_risk_facts_set_validation(&f, &v);
    check_mask(with_facts(&f), B(UNTRUSTED_CHAIN), "unknown issuer", __LINE__);
    v.self_signed = true;
    tg_risk_facts_set_validation(&f, &v);
    check_mask(with_facts(&f), B(UNTRUSTED_CHAIN) | B(SELF_SIGNED_CERTIFICATE),
               "OpenSSL: self-signed certificate", __LINE__);
    v = verdict(false, true);
    v.expired = true;
    v.depth = 1;
    tg_risk_facts_set_validation(&f, &v);
    check_mask(with_facts(&f), B(EXPIRED_CERTIFICATE), "an expired intermediate", __LINE__);
    v = verdict(false, true);
    v.not_yet_valid = true;
    tg_risk_facts_set_validation(&f, &v);
    check_mask(with_facts(&f), B(NOT_YET_VALID), "a future intermediate", __LINE__);
    v = verdict(false, false);
    v.expired = true;
    tg_risk_facts_set_validation(&f, &v);
    check_mask(with_facts(&f), B(EXPIRED_CERTIFICATE) | B(UNTRUSTED_CHAIN), "expired and untrusted",
               __LINE__);

    tg_risk_facts_init(&f, now);
    tg_risk_facts_add_cert(&f, good_leaf());
    check_mask(with_facts(&f), 0, "not verified, name not checked", __LINE__);
    tg_risk_facts_set_hostname(&f, false);
    check_mask(with_facts(&f), B(SNI_CERTIFICATE_MISMATCH), "name mismatch", __LINE__);
    tg_risk_facts_set_hostname(&f, true);
    check_mask(with_facts(&f), 0, "name match", __LINE__);
}

/* The cert-*.pcap situations, as the reporter will feed them. */
static void test_capture_like(void)
{
    printf("the project's bad-certificate captures, with the system store\n");
    int64_t now = US(1795431720); /* 2026-11-23 */
    struct tg_risk_facts f;
    struct tg_validation v = verdict(false, false); /* unable to get local issuer */

    tg_risk_facts_init(&f, now);
    tg_risk_facts_add_cert(&f, cert("rsa", 2048, "sha256WithRSAEncryption", 1577836800, 1609459200,
                                    false)); /* 2020-01-01 .. 2021-01-01 */
    tg_risk_facts_add_cert(
        &f, cert("rsa", 2048, "sha256WithRSAEncryption", 1735689600, 2366841600, false));
    tg_risk_facts_set_hostname(&f, true);
    tg_risk_facts_set_validation(&f, &v);
    check_mask(with_facts(&f), B(EXPIRED_CERTIFICATE) | B(UNTRUSTED_CHAIN), "cert-expired",
               __LINE__);

    tg_risk_facts_init(&f, now);
    tg_risk_facts_add_cert(
        &f, cert("rsa", 2048, "sha256WithRSAEncryption", T_2025_06_01, T_2035_06_01, true));
    tg_risk_facts_set_hostname(&f, true);
    v.self_signed = true;
    tg_risk_facts_set_validation(&f, &v);
    check_mask(with_facts(&f),
               B(SELF_SIGNED_CERTIFICATE) | B(UNTRUSTED_CHAIN) | B(CERTIFICATE_VALIDITY_TOO_LONG),
               "cert-selfsigned", __LINE__);

    tg_risk_facts_init(&f, now);
    tg_risk_facts_add_cert(
        &f, cert("rsa", 1024, "sha256WithRSAEncryption", T_2025_06_01, T_2035_06_01, false));
    tg_risk_facts_set_hostname(&f, true);
    v = verdict(false, false);
    tg_risk_facts_set_validation(&f, &v);
    check_mask(with_facts(&f), B(WEAK_KEY) | B(UNTRUSTED_CHAIN) | B(CERTIFICATE_VALIDITY_TOO_LONG),
               "cert-weak-rsa1024", __LINE__);
}

/* ------------------------------------------------------------- tables */

static void test_names(void)
{
    printf("risk names\n");
    for (int i = 0; i < TG_RISK_COUNT; i++) {
        const char *n = tg_risk_name((enum tg_risk)i);
        bool snake = n[0] != '\0';
        for (const char *p = n; *p; p++)
            snake = snake && ((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9'));
        check(snake && strcmp(n, "unknown_risk") != 0, n, __LINE__);
        for (int j = 0; j < i; j++)
            check(strcmp(n, tg_risk_name((enum tg_risk)j)) != 0, n, __LINE__);
    }
    CHECK(strcmp(tg_risk_name(TG_RISK_COUNT), "unknown_risk") == 0);
    CHECK(strcmp(tg_risk_name(TG_RISK_WEAK_CIPHER), "weak_cipher") == 0);
    CHECK(strcmp(tg_risk_name(TG_RISK_SNI_CERTIFICATE_MISMATCH), "sni_certificate_mismatch") == 0);
    CHECK(TG_RISK_COUNT <= 32);
}

static bool weak_digest(int md)
{
    return md == NID_md2 || md == NID_md4 || md == NID_md5 || md == NID_sha || md == NID_sha1 ||
           md == NID_mdc2;
}

static bool certificate_key(int pk)
{
    return pk == NID_rsaEncryption || pk == NID_rsa || pk == NID_dsa || pk == NID_dsa_2 ||
           pk == NID_X9_62_id_ecPublicKey;
}

/* Every signature algorithm OpenSSL knows for RSA, DSA and ECDSA keys:
 * weak exactly when its digest is. */
static void test_signature_table(void)
{
    printf("the weak signature table agrees with OpenSSL\n");
    int weak_seen = 0;
    for (int nid = 1; nid < 4096; nid++) {
        int md, pk;
        if (!OBJ_find_sigid_algs(nid, &md, &pk) || !certificate_key(pk))
            continue;
        const char *ln = OBJ_nid2ln(nid);
        bool want = weak_digest(md);
        weak_seen += want;
        check(tg_risk_weak_signature_name(ln) == want, ln, __LINE__);
    }
    CHECK(weak_seen == 12);
    CHECK(!tg_risk_weak_signature_name(NULL));
    CHECK(!tg_risk_weak_signature_name(""));
    CHECK(!tg_risk_weak_signature_name("SHA1WITHRSAENCRYPTION"));
    CHECK(!tg_risk_weak_signature_name("rsassaPss"));
}

int main(void)
{
    test_names();
    test_sessions();
    test_ske_prefixes();
    test_leaf_rules();
    test_validity_length();
    test_chain_signatures();
    test_verdicts();
    test_capture_like();
    test_signature_table();
    return testkit_finish();
}
