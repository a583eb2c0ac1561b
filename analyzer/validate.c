/*
 * validate.c - chain verification against a trust store at the capture's
 * time (RFC 5280 section 6, through OpenSSL's X509_verify_cert), a small
 * cache of the results, and the SNI host name check (RFC 6125 section 6.4,
 * through X509_check_host).
 *
 * A verification that fails only on time (a certificate expired or not yet
 * valid) is run a second time with X509_V_FLAG_NO_CHECK_TIME, so that
 * `trusted` tells whether the chain leads to an anchor apart from its dates.
 */
#include "validate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define US_PER_SECOND INT64_C(1000000)
#define SECONDS_PER_DAY INT64_C(86400)
#define KEY_LEN 32 /* SHA-256 */

struct cache_entry {
    bool used;
    uint8_t key[KEY_LEN]; /* SHA-256 of the chain */
    int64_t from, until;  /* the result holds for times in [from, until) */
    uint64_t stamp;       /* last use, for replacement */
    struct tg_validation result;
};

struct tg_validator {
    X509_STORE *store;
    struct cache_entry cache[TG_VALIDATE_CACHE_SLOTS];
    uint64_t clock;
    struct tg_validator_stats stats;
};

/* ------------------------------------------------------------ the store */

static void say(char *err, size_t errlen, const char *what, const char *path, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "%s %s: %s", what, path, why);
}

/* OpenSSL's reason for the last failure, or the C library's. */
static const char *last_reason(int saved_errno)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : strerror(saved_errno ? saved_errno : EINVAL);
}

static bool load_file(X509_STORE *store, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        say(err, errlen, "cannot read CA file", path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        say(err, errlen, "CA file", path, "not a regular file");
        return false;
    }
    errno = 0;
    if (X509_STORE_load_file(store, path) != 1) {
        say(err, errlen, "cannot load CA file", path, last_reason(errno));
        return false;
    }
    return true;
}

static bool load_dir(X509_STORE *store, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        say(err, errlen, "cannot read CA directory", path, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        say(err, errlen, "CA path", path, "not a directory");
        return false;
    }
    if (X509_STORE_load_path(store, path) != 1) {
        say(err, errlen, "cannot use CA directory", path, last_reason(0));
        return false;
    }
    return true;
}

/*
 * The system store: its bundle file loaded into memory, and its hashed
 * directory as a lookup for what the bundle lacks. (OpenSSL 3's
 * X509_STORE_set_default_paths also adds a "store" lookup that lists the
 * whole directory on every issuer search: far too slow per session.)
 * SSL_CERT_FILE and SSL_CERT_DIR override the places, as in OpenSSL.
 */
static bool load_system_store(X509_STORE *store, char *err, size_t errlen)
{
    const char *file = getenv(X509_get_default_cert_file_env());
    const char *dir = getenv(X509_get_default_cert_dir_env());
    if (!file)
        file = X509_get_default_cert_file();
    if (!dir)
        dir = X509_get_default_cert_dir();
    bool any = false;
    if (access(file, R_OK) == 0)
        any = X509_STORE_load_file(store, file) == 1;
    X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (lookup && X509_LOOKUP_add_dir(lookup, dir, X509_FILETYPE_PEM) == 1)
        any = true;
    ERR_clear_error();
    if (!any)
        say(err, errlen, "cannot use the", "system trust store", last_reason(0));
    return any;
}

static bool load_store(X509_STORE *store, const char *ca_file, const char *ca_path, char *err,
                       size_t errlen)
{
    if (!ca_file && !ca_path)
        return load_system_store(store, err, errlen);
    if (ca_file && !load_file(store, ca_file, err, errlen))
        return false;
    return !ca_path || load_dir(store, ca_path, err, errlen);
}

struct tg_validator *tg_validator_new(const char *ca_file, const char *ca_path, char *err,
                                      size_t errlen)
{
    struct tg_validator *v = calloc(1, sizeof *v);
    if (v)
        v->store = X509_STORE_new();
    if (!v || !v->store) {
        say(err, errlen, "cannot make", "a trust store", "out of memory");
        tg_validator_free(v);
        return NULL;
    }
    bool loaded = load_store(v->store, ca_file, ca_path, err, errlen);
    ERR_clear_error();
    if (!loaded) {
        tg_validator_free(v);
        return NULL;
    }
    return v;
}

void tg_validator_free(struct tg_validator *v)
{
    if (!v)
        return;
    X509_STORE_free(v->store);
    free(v);
}

void tg_validator_stats(const struct tg_validator *v, struct tg_validator_stats *out)
{
    *out = v->stats;
}

/* ------------------------------------------------------- certificates */

static X509 *parse_der(struct tg_view der)
{
    if (!der.p || !der.len || der.len > (size_t)LONG_MAX)
        return NULL;
    const unsigned char *p = der.p;
    return d2i_X509(NULL, &p, (long)der.len);
}

/* The certificates after the leaf that parse, as an untrusted stack. */
static STACK_OF(X509) *parse_rest(const struct tg_view *ders, size_t n)
{
    STACK_OF(X509) *sk = sk_X509_new_null();
    for (size_t i = 1; sk && i < n; i++) {
        X509 *x = parse_der(ders[i]);
        if (x && !sk_X509_push(sk, x))
            X509_free(x);
    }
    return sk;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ------------------------------------------------------- verification */

struct run {
    int error;
    int depth;
    STACK_OF(X509) *chain; /* the chain OpenSSL built, when asked for */
};

static void verify_once(X509_STORE *store, X509 *leaf, STACK_OF(X509) *rest, time_t at,
                        bool ignore_time, bool want_chain, struct run *r)
{
    memset(r, 0, sizeof *r);
    r->error = X509_V_ERR_UNSPECIFIED;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!ctx || X509_STORE_CTX_init(ctx, store, leaf, rest) != 1 ||
        X509_STORE_CTX_set_default(ctx, "ssl_server") != 1) {
        X509_STORE_CTX_free(ctx);
        ERR_clear_error();
        return;
    }
    /* A set time overrides NO_CHECK_TIME: only one of the two. */
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    if (ignore_time)
        X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
    else
        X509_VERIFY_PARAM_set_time(param, at);
    int rc = X509_verify_cert(ctx);
    r->error = rc == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
    if (rc != 1 && r->error == X509_V_OK)
        r->error = X509_V_ERR_UNSPECIFIED;
    r->depth = rc == 1 ? 0 : X509_STORE_CTX_get_error_depth(ctx);
    if (want_chain)
        r->chain = X509_STORE_CTX_get1_chain(ctx);
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
}

static bool is_time_error(int error)
{
    return error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID;
}

static void fill_result(const struct run *first, bool trusted, struct tg_validation *out)
{
    memset(out, 0, sizeof *out);
    out->ok = first->error == X509_V_OK;
    out->trusted = trusted;
    out->expired = first->error == X509_V_ERR_CERT_HAS_EXPIRED;
    out->not_yet_valid = first->error == X509_V_ERR_CERT_NOT_YET_VALID;
    out->self_signed = first->error == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
    out->error = first->error;
    out->depth = first->depth;
    const char *text = out->ok ? "ok" : X509_verify_cert_error_string(first->error);
    snprintf(out->reason, sizeof out->reason, "%s", text ? text : "unknown error");
}

/* ------------------------------------------------------------ the cache */

static bool chain_key(const struct tg_view *ders, size_t n, uint8_t key[KEY_LEN])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++) {
        uint32_t len = ders[i].len > UINT32_MAX ? UINT32_MAX : (uint32_t)ders[i].len;
        uint8_t prefix[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                             (uint8_t)len};
        ok = EVP_DigestUpdate(md, prefix, sizeof prefix) == 1 &&
             (!ders[i].len || EVP_DigestUpdate(md, ders[i].p, ders[i].len) == 1);
    }
    unsigned int out_len = 0;
    ok = ok && EVP_DigestFinal_ex(md, key, &out_len) == 1 && out_len == KEY_LEN;
    EVP_MD_CTX_free(md);
    return ok;
}

static struct cache_entry *cache_find(struct tg_validator *v, const uint8_t key[KEY_LEN],
                                      int64_t at)
{
    for (size_t i = 0; i < TG_VALIDATE_CACHE_SLOTS; i++) {
        struct cache_entry *e = &v->cache[i];
        if (e->used && at >= e->from && at < e->until && memcmp(e->key, key, KEY_LEN) == 0)
            return e;
    }
    return NULL;
}

static void cache_store(struct tg_validator *v, const uint8_t key[KEY_LEN], int64_t from,
                        int64_t until, const struct tg_validation *result)
{
    struct cache_entry *slot = &v->cache[0];
    for (size_t i = 0; i < TG_VALIDATE_CACHE_SLOTS; i++) {
        struct cache_entry *e = &v->cache[i];
        if (!e->used) {
            slot = e;
            break;
        }
        if (e->stamp < slot->stamp)
            slot = e;
    }
    slot->used = true;
    memcpy(slot->key, key, KEY_LEN);
    slot->from = from;
    slot->until = until;
    slot->stamp = ++v->clock;
    slot->result = *result;
    v->stats.stored++;
}

/*
 * OpenSSL's verdict on a chain changes only when the time crosses a
 * certificate's notBefore or the second after its notAfter. Narrows
 * [*from, *until) to the span around `at` that no such boundary of x
 * crosses; false when x's times cannot be read.
 */
static bool narrow(const X509 *x, int64_t at, int64_t *from, int64_t *until)
{
    const ASN1_TIME *t[2] = {X509_get0_notBefore(x), X509_get0_notAfter(x)};
    for (int i = 0; i < 2; i++) {
        struct tm tm;
        if (!t[i] || ASN1_TIME_to_tm(t[i], &tm) != 1)
            return false;
        int64_t b = (int64_t)timegm(&tm) + i; /* expired from notAfter + 1 */
        if (b <= at && b > *from)
            *from = b;
        if (b > at && b < *until)
            *until = b;
    }
    return true;
}

static bool narrow_stack(const STACK_OF(X509) *sk, int64_t at, int64_t *from, int64_t *until)
{
    for (int i = 0; sk && i < sk_X509_num(sk); i++)
        if (!narrow(sk_X509_value(sk, i), at, from, until))
            return false;
    return true;
}

/* ------------------------------------------------------------ the chain */

/* Runs the verification(s); returns whether the result may be cached, and
 * for which span of time [*from, *until) it holds. */
static bool verify_chain(X509_STORE *store, X509 *leaf, STACK_OF(X509) *rest, int64_t at_us,
                         struct tg_validation *out, int64_t *from, int64_t *until)
{
    time_t at = (time_t)floor_div(at_us, US_PER_SECOND);
    struct run first, second;
    verify_once(store, leaf, rest, at, false, true, &first);
    bool trusted = first.error == X509_V_OK;
    if (is_time_error(first.error)) {
        verify_once(store, leaf, rest, at, true, false, &second);
        trusted = second.error == X509_V_OK;
    }
    fill_result(&first, trusted, out);
    *from = INT64_MIN;
    *until = INT64_MAX;
    bool steady = first.error != X509_V_ERR_UNSPECIFIED && narrow(leaf, at, from, until) &&
                  narrow_stack(rest, at, from, until) &&
                  narrow_stack(first.chain, at, from, until);
    sk_X509_pop_free(first.chain, X509_free);
    return steady;
}

const char *tg_validate_chain(struct tg_validator *v, const struct tg_view *ders, size_t n,
                              int64_t at_time_us, struct tg_validation *out)
{
    memset(out, 0, sizeof *out);
    if (!n)
        return NULL;
    uint8_t key[KEY_LEN];
    int64_t at = floor_div(at_time_us, US_PER_SECOND);
    bool keyed = chain_key(ders, n, key);
    struct cache_entry *hit = keyed ? cache_find(v, key, at) : NULL;
    if (hit) { /* only chains whose leaf parsed are stored */
        v->stats.lookups++;
        v->stats.hits++;
        hit->stamp = ++v->clock;
        *out = hit->result;
        return out->reason;
    }
    X509 *leaf = parse_der(ders[0]);
    if (!leaf) {
        ERR_clear_error();
        return NULL;
    }
    v->stats.lookups++;
    STACK_OF(X509) *rest = parse_rest(ders, n);
    int64_t from, until;
    bool steady = verify_chain(v->store, leaf, rest, at_time_us, out, &from, &until);
    if (keyed && steady)
        cache_store(v, key, from, until, out);
    else
        v->stats.uncacheable++;
    sk_X509_pop_free(rest, X509_free);
    X509_free(leaf);
    ERR_clear_error();
    return out->reason;
}

/* ------------------------------------------------------------ host name */

/* The SNI as a C string without its one trailing dot; false when it
 * cannot be a host name we check. */
static bool sni_text(struct tg_view sni, char *dst, size_t cap)
{
    if (!sni.p || !sni.len || sni.len >= cap || memchr(sni.p, '\0', sni.len))
        return false;
    memcpy(dst, sni.p, sni.len);
    size_t len = sni.len;
    if (len > 1 && dst[len - 1] == '.')
        len--;
    dst[len] = '\0';
    return dst[0] != '.';
}

static bool is_ip_literal(const char *text)
{
    unsigned char addr[16];
    return inet_pton(AF_INET, text, addr) == 1 || inet_pton(AF_INET6, text, addr) == 1;
}

bool tg_validate_hostname(struct tg_view leaf_der, struct tg_view sni)
{
    char name[TG_VALIDATE_SNI_MAX + 2];
    if (!sni_text(sni, name, sizeof name))
        return false;
    X509 *leaf = parse_der(leaf_der);
    if (!leaf) {
        ERR_clear_error();
        return false;
    }
    int rc;
    if (is_ip_literal(name))
        rc = X509_check_ip_asc(leaf, name, 0);
    else
        rc = X509_check_host(leaf, name, strlen(name), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL);
    X509_free(leaf);
    ERR_clear_error();
    return rc == 1;
}
