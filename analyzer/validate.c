/*
 * validate.c - chain verification against a trust store at the capture's
 * time (RFC 5280 section 6, through OpenSSL's X509_verify_cert), a small
 * cache of the results, and the SNI host name check (RFC 6125 section 6.4,
 * through X509_check_host).
 *
 * A verification that fails only on time (a certificate expired or not yet
 * valid) is run a second time with X509_V_FLAG_NO_CHECK_TIME, so that
 * `trusted` tells whether the chain leads to an anchor apart from its dates.
 *
 * Costs, and how they are kept off the per-session path:
 *   - the system store is set up at the first chain that needs a
 *     verification, so a run that meets no certificate never pays for it,
 *     and is read from its hashed directory when that covers the bundle,
 *     so that only the issuers asked for are parsed (load_system_store);
 *   - the result cache is looked up by a cheap 64-bit hash of the chain
 *     bytes and confirmed by comparing them with a copy kept in the entry
 *     (no digest, so no OpenSSL call and none of its locks on a hit);
 *   - d2i_X509 costs about a million instructions per certificate in
 *     OpenSSL 3 (it decodes the public key through the provider machinery),
 *     so the host name check keeps the last TG_VALIDATE_LEAF_SLOTS parsed
 *     leaves, looked up the same way, per thread.
 */
#include "validate.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define US_PER_SECOND INT64_C(1000000)
#define SECONDS_PER_DAY INT64_C(86400)
#define LEN_PREFIX 4 /* each certificate's length, before its DER, in a key */

/* A cached result. Its key is the chain as bytes: for each certificate its
 * length as 4 big-endian bytes, then its DER; `key` holds a copy. */
struct cache_entry {
    bool used;
    uint64_t hash; /* chain_hash of the key */
    uint8_t *key;  /* key_len bytes, malloc'd */
    size_t key_len;
    int64_t from, until; /* the result holds for times in [from, until) */
    uint64_t stamp;      /* last use, for replacement */
    struct tg_validation result;
};

struct tg_validator {
    pthread_mutex_t lock; /* --threads: the workers share one validator */
    X509_STORE *store;    /* NULL until the first verification needs it */
    bool system;          /* the store to load is the system's */
    struct cache_entry cache[TG_VALIDATE_CACHE_SLOTS];
    size_t cache_bytes; /* sum of the entries' key_len */
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

/* Where the system store is: SSL_CERT_FILE and SSL_CERT_DIR override the
 * places, as in OpenSSL. */
static void system_places(const char **file, const char **dir)
{
    *file = getenv(X509_get_default_cert_file_env());
    *dir = getenv(X509_get_default_cert_dir_env());
    if (!*file)
        *file = X509_get_default_cert_file();
    if (!*dir)
        *dir = X509_get_default_cert_dir();
}

/*
 * Whether load_system_store can succeed: its bundle is readable or its
 * directory is named (OpenSSL accepts any non-empty directory name, and
 * looks in it only when it searches an issuer). Checked at start, so that
 * the store itself can be loaded when first needed.
 */
static bool system_store_usable(char *err, size_t errlen)
{
    const char *file, *dir;
    system_places(&file, &dir);
    errno = 0;
    if (access(file, R_OK) == 0 || (dir && *dir))
        return true;
    say(err, errlen, "cannot use the", "system trust store", strerror(errno ? errno : ENOENT));
    return false;
}

/* Certificates in a PEM bundle: its BEGIN lines. -1 when unreadable. */
static long bundle_certificates(const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return -1;
    long n = 0;
    char line[128];
    bool line_start = true;
    while (fgets(line, sizeof line, f)) {
        if (line_start && (strncmp(line, "-----BEGIN CERTIFICATE-----", 27) == 0 ||
                           strncmp(line, "-----BEGIN TRUSTED CERTIFICATE-----", 35) == 0))
            n++;
        line_start = strchr(line, '\n') != NULL;
    }
    bool bad = ferror(f);
    (void)fclose(f); /* read only: nothing to lose */
    return bad ? -1 : n;
}

/* Certificate links in a hashed directory: names of 8 hex digits, '.' and
 * a decimal suffix (CRLs are ".r<n>"). -1 when unreadable. */
static long directory_certificates(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    long n = 0;
    const struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        size_t i = 0;
        while (i < 8 && isxdigit((unsigned char)name[i]))
            i++;
        if (i != 8 || name[8] != '.' || !isdigit((unsigned char)name[9]))
            continue;
        for (i = 10; isdigit((unsigned char)name[i]); i++)
            ;
        n += name[i] == '\0';
    }
    closedir(d);
    return n;
}

/*
 * Whether the hashed directory holds the bundle's certificates, so that it
 * can stand for it. Loading the bundle parses every certificate in it, 200
 * million instructions for Debian's 150 (60 ms, once per run with a chain
 * to verify); from the directory OpenSSL reads an issuer's file only when a
 * chain asks for that subject. Debian's update-ca-certificates writes both
 * from the same list; when the directory has at least as many certificate
 * links as the bundle has certificates, the directory is used alone.
 */
static bool directory_covers_bundle(const char *file, const char *dir)
{
    if (!dir || !*dir || strchr(dir, ':'))
        return false; /* a list of directories: not worth the guess */
    long in_bundle = bundle_certificates(file);
    return in_bundle > 0 && directory_certificates(dir) >= in_bundle;
}

/*
 * The system store: its bundle file loaded into memory, unless the hashed
 * directory covers it (above), and the directory as a lookup for what the
 * bundle lacks. (OpenSSL 3's X509_STORE_set_default_paths also adds a
 * "store" lookup that lists the whole directory on every issuer search:
 * far too slow per session.)
 */
static void load_system_store(X509_STORE *store)
{
    const char *file, *dir;
    system_places(&file, &dir);
    if (access(file, R_OK) == 0 && !directory_covers_bundle(file, dir))
        (void)X509_STORE_load_file(store, file);
    X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (lookup)
        (void)X509_LOOKUP_add_dir(lookup, dir, X509_FILETYPE_PEM);
    ERR_clear_error();
}

/* A store the user named is loaded at once, so that a bad one is reported
 * before any input is read. */
static bool load_named_store(X509_STORE *store, const char *ca_file, const char *ca_path, char *err,
                             size_t errlen)
{
    if (ca_file && !load_file(store, ca_file, err, errlen))
        return false;
    return !ca_path || load_dir(store, ca_path, err, errlen);
}

struct tg_validator *tg_validator_new(const char *ca_file, const char *ca_path, char *err,
                                      size_t errlen)
{
    struct tg_validator *v = calloc(1, sizeof *v);
    if (!v) {
        say(err, errlen, "cannot make", "a trust store", "out of memory");
        return NULL;
    }
    pthread_mutex_init(&v->lock, NULL);
    v->system = !ca_file && !ca_path;
    if (v->system) {
        if (system_store_usable(err, errlen))
            return v; /* loaded by store_ready, when a chain needs it */
        tg_validator_free(v);
        return NULL;
    }
    v->store = X509_STORE_new();
    if (!v->store)
        say(err, errlen, "cannot make", "a trust store", "out of memory");
    bool loaded = v->store && load_named_store(v->store, ca_file, ca_path, err, errlen);
    ERR_clear_error();
    if (!loaded) {
        tg_validator_free(v);
        return NULL;
    }
    return v;
}

/* The store, the system's loaded now if it was left for later; NULL when
 * it cannot be made (out of memory: nothing is verified then). */
static X509_STORE *store_ready(struct tg_validator *v)
{
    if (v->store || !v->system)
        return v->store;
    v->store = X509_STORE_new();
    if (v->store)
        load_system_store(v->store);
    return v->store;
}

static void cache_clear(struct tg_validator *v);
static void leaves_clear(void);

void tg_validator_free(struct tg_validator *v)
{
    if (!v)
        return;
    cache_clear(v);
    leaves_clear();
    X509_STORE_free(v->store);
    pthread_mutex_destroy(&v->lock);
    free(v);
}

void tg_validator_stats(struct tg_validator *v, struct tg_validator_stats *out)
{
    pthread_mutex_lock(&v->lock);
    *out = v->stats;
    pthread_mutex_unlock(&v->lock);
}

void tg_validate_thread_end(void)
{
    leaves_clear();
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

#define HASH_SEED UINT64_C(0x243f6a8885a308d3)
#define HASH_MUL UINT64_C(0x9e3779b97f4a7c15)

/* One 64-bit word into the hash state (multiply-xorshift). */
static uint64_t hash_word(uint64_t h, uint64_t w)
{
    h = (h ^ w) * HASH_MUL;
    return h ^ (h >> 32);
}

/*
 * A cheap hash of bytes, 8 at a time. It only picks the entries worth
 * comparing (a match is always confirmed on the bytes themselves), so it
 * needs to spread, not to resist anyone.
 */
static uint64_t hash_bytes(uint64_t h, struct tg_view bytes)
{
    struct tg_rd r = tg_rd_of(bytes);
    while (tg_rd_left(&r) >= 8) {
        uint64_t hi = tg_rd_u32(&r);
        h = hash_word(h, hi << 32 | tg_rd_u32(&r));
    }
    uint64_t tail = 0;
    while (tg_rd_left(&r) > 0)
        tail = tail << 8 | tg_rd_u8(&r);
    return hash_word(h, tail);
}

static uint64_t chain_hash(const struct tg_view *ders, size_t n)
{
    uint64_t h = hash_word(HASH_SEED, n);
    for (size_t i = 0; i < n; i++)
        h = hash_bytes(hash_word(h, ders[i].len), ders[i]);
    return h;
}

/* Bytes of the chain's key (see struct cache_entry); 0 when it is more
 * than the cache may hold. */
static size_t chain_key_len(const struct tg_view *ders, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (ders[i].len > UINT32_MAX || ders[i].len > TG_VALIDATE_CACHE_BYTES - total ||
            LEN_PREFIX > TG_VALIDATE_CACHE_BYTES - total - ders[i].len)
            return 0;
        total += LEN_PREFIX + ders[i].len;
    }
    return total;
}

/* True when e's key is exactly this chain. */
static bool key_equal(const struct cache_entry *e, const struct tg_view *ders, size_t n)
{
    struct tg_rd r = tg_rd_make(e->key, e->key_len);
    for (size_t i = 0; i < n; i++) {
        if (tg_rd_u32(&r) != ders[i].len)
            return false;
        struct tg_view der = tg_rd_bytes(&r, ders[i].len);
        if (der.len != ders[i].len || (der.len && memcmp(der.p, ders[i].p, der.len) != 0))
            return false;
    }
    return tg_rd_done(&r);
}

static void key_write(uint8_t *key, const struct tg_view *ders, size_t n)
{
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)ders[i].len;
        key[off++] = (uint8_t)(len >> 24);
        key[off++] = (uint8_t)(len >> 16);
        key[off++] = (uint8_t)(len >> 8);
        key[off++] = (uint8_t)len;
        if (len)
            memcpy(key + off, ders[i].p, len);
        off += len;
    }
}

static struct cache_entry *cache_find(struct tg_validator *v, uint64_t hash,
                                      const struct tg_view *ders, size_t n, int64_t at)
{
    for (size_t i = 0; i < TG_VALIDATE_CACHE_SLOTS; i++) {
        struct cache_entry *e = &v->cache[i];
        if (e->used && e->hash == hash && at >= e->from && at < e->until && key_equal(e, ders, n))
            return e;
    }
    return NULL;
}

static void entry_drop(struct tg_validator *v, struct cache_entry *e)
{
    if (!e->used)
        return;
    v->cache_bytes -= e->key_len;
    free(e->key);
    memset(e, 0, sizeof *e);
}

static void cache_clear(struct tg_validator *v)
{
    for (size_t i = 0; i < TG_VALIDATE_CACHE_SLOTS; i++)
        entry_drop(v, &v->cache[i]);
}

/* The least recently used entry in use; NULL when none is. */
static struct cache_entry *cache_oldest(struct tg_validator *v)
{
    struct cache_entry *oldest = NULL;
    for (size_t i = 0; i < TG_VALIDATE_CACHE_SLOTS; i++) {
        struct cache_entry *e = &v->cache[i];
        if (e->used && (!oldest || e->stamp < oldest->stamp))
            oldest = e;
    }
    return oldest;
}

/* A free entry, else the least recently used one, emptied. */
static struct cache_entry *cache_victim(struct tg_validator *v)
{
    for (size_t i = 0; i < TG_VALIDATE_CACHE_SLOTS; i++)
        if (!v->cache[i].used)
            return &v->cache[i];
    struct cache_entry *oldest = cache_oldest(v);
    entry_drop(v, oldest);
    return oldest;
}

/* Keeps a result; false when it cannot (too large, out of memory). */
static bool cache_store(struct tg_validator *v, uint64_t hash, const struct tg_view *ders, size_t n,
                        int64_t from, int64_t until, const struct tg_validation *result)
{
    size_t len = chain_key_len(ders, n);
    uint8_t *key = len ? malloc(len) : NULL;
    if (!key)
        return false;
    key_write(key, ders, n);
    struct cache_entry *slot = cache_victim(v);
    struct cache_entry *old;
    while (v->cache_bytes > TG_VALIDATE_CACHE_BYTES - len && (old = cache_oldest(v)))
        entry_drop(v, old);
    slot->used = true;
    slot->hash = hash;
    slot->key = key;
    slot->key_len = len;
    v->cache_bytes += len;
    slot->from = from;
    slot->until = until;
    slot->stamp = ++v->clock;
    slot->result = *result;
    v->stats.stored++;
    return true;
}

/* ------------------------------------------------------- parsed leaves */

/*
 * The last leaves parsed, per thread: servers send the same leaf to many
 * clients, and every session with an SNI checks it. A leaf that does not
 * parse is kept too (x509 NULL). Borrowed pointers stay valid until the
 * next leaf_get of the same thread.
 */
struct leaf_entry {
    uint64_t hash;
    uint8_t *der; /* a copy, len bytes; NULL: the entry is free */
    size_t len;
    X509 *x509;
    uint64_t stamp;
};

static _Thread_local struct {
    struct leaf_entry e[TG_VALIDATE_LEAF_SLOTS];
    uint64_t clock;
} leaves;

static void leaf_drop(struct leaf_entry *e)
{
    X509_free(e->x509);
    free(e->der);
    memset(e, 0, sizeof *e);
}

static void leaves_clear(void)
{
    for (size_t i = 0; i < TG_VALIDATE_LEAF_SLOTS; i++)
        leaf_drop(&leaves.e[i]);
}

static struct leaf_entry *leaf_victim(void)
{
    struct leaf_entry *slot = &leaves.e[0];
    for (size_t i = 0; i < TG_VALIDATE_LEAF_SLOTS; i++) {
        struct leaf_entry *e = &leaves.e[i];
        if (!e->der)
            return e;
        if (e->stamp < slot->stamp)
            slot = e;
    }
    return slot;
}

/* The parsed certificate of der (borrowed), or NULL when it does not parse. */
static X509 *leaf_get(struct tg_view der)
{
    if (!der.p || !der.len)
        return NULL;
    uint64_t hash = hash_bytes(HASH_SEED, der);
    for (size_t i = 0; i < TG_VALIDATE_LEAF_SLOTS; i++) {
        struct leaf_entry *e = &leaves.e[i];
        if (e->der && e->hash == hash && e->len == der.len && memcmp(e->der, der.p, der.len) == 0) {
            e->stamp = ++leaves.clock;
            return e->x509;
        }
    }
    X509 *x = parse_der(der);
    ERR_clear_error();
    uint8_t *copy = der.len <= TG_VALIDATE_LEAF_MAX ? malloc(der.len) : NULL;
    if (!copy) { /* not kept: valid until the next call, as a kept one */
        struct leaf_entry *spare = &leaves.e[0];
        leaf_drop(spare);
        spare->x509 = x; /* freed with the slot; no der, so never found */
        return x;
    }
    memcpy(copy, der.p, der.len);
    struct leaf_entry *e = leaf_victim();
    leaf_drop(e);
    e->hash = hash;
    e->der = copy;
    e->len = der.len;
    e->x509 = x;
    e->stamp = ++leaves.clock;
    return x;
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
                  narrow_stack(rest, at, from, until) && narrow_stack(first.chain, at, from, until);
    sk_X509_pop_free(first.chain, X509_free);
    return steady;
}

/* A cached result for the chain, copied to *out; under the lock. */
static bool cached(struct tg_validator *v, uint64_t hash, const struct tg_view *ders, size_t n,
                   int64_t at, struct tg_validation *out)
{
    struct cache_entry *hit = cache_find(v, hash, ders, n, at);
    if (!hit)
        return false;
    v->stats.lookups++;
    v->stats.hits++;
    hit->stamp = ++v->clock;
    *out = hit->result;
    return true;
}

/*
 * The lock guards the cache, the statistics and the loading of the store;
 * it is held briefly. A chain not seen before is verified without it (an
 * X509_STORE may be used by several threads at once), so that one worker's
 * verification does not hold up the others; two workers meeting the same
 * new chain at once both verify it, and the result is stored once.
 */
const char *tg_validate_chain(struct tg_validator *v, const struct tg_view *ders, size_t n,
                              int64_t at_time_us, struct tg_validation *out)
{
    memset(out, 0, sizeof *out);
    if (!n)
        return NULL;
    int64_t at = floor_div(at_time_us, US_PER_SECOND);
    uint64_t hash = chain_hash(ders, n);
    pthread_mutex_lock(&v->lock);
    bool hit = cached(v, hash, ders, n, at, out);
    pthread_mutex_unlock(&v->lock);
    if (hit) /* only chains whose leaf parsed are stored */
        return out->reason;

    X509 *leaf = leaf_get(ders[0]); /* borrowed, from this thread's own leaves */
    if (!leaf)
        return NULL;
    pthread_mutex_lock(&v->lock);
    X509_STORE *store = store_ready(v);
    if (store)
        v->stats.lookups++;
    pthread_mutex_unlock(&v->lock);
    if (!store)
        return NULL;

    STACK_OF(X509) *rest = parse_rest(ders, n);
    int64_t from, until;
    bool steady = verify_chain(store, leaf, rest, at_time_us, out, &from, &until);
    sk_X509_pop_free(rest, X509_free);
    ERR_clear_error();

    pthread_mutex_lock(&v->lock);
    /* stored, by this thread or by one that verified the chain meanwhile */
    bool kept = steady && (cache_find(v, hash, ders, n, at) ||
                           cache_store(v, hash, ders, n, from, until, out));
    if (!kept)
        v->stats.uncacheable++;
    pthread_mutex_unlock(&v->lock);
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
    X509 *leaf = leaf_get(leaf_der); /* borrowed */
    if (!leaf)
        return false;
    int rc;
    if (is_ip_literal(name))
        rc = X509_check_ip_asc(leaf, name, 0);
    else
        rc = X509_check_host(leaf, name, strlen(name), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL);
    ERR_clear_error();
    return rc == 1;
}
