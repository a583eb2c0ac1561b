/*
 * x509.c - certificate summaries and digests through OpenSSL libcrypto.
 *
 * A certificate (RFC 5280 4.1) is DER: SEQUENCE { tbsCertificate,
 * signatureAlgorithm, signatureValue }. OpenSSL's d2i_X509 decodes it; we
 * copy out what a session record shows (contract: the `cert` object):
 *   subject, issuer   RFC 4514 text via X509_NAME_print_ex(XN_FLAG_RFC2253)
 *                     but with UTF-8 left as it is (RFC 4514 2.4 allows it);
 *                     a name whose text is not valid UTF-8 is printed again
 *                     with every non-ASCII byte escaped as \XX; a text over
 *                     the cap keeps its whole leading RDNs (RFC 4514 3: RDNs
 *                     are joined by ',' and a ',' inside a value is escaped)
 *   serial            the INTEGER's magnitude in lower-case hex, two digits
 *                     an octet, "-" first when negative, "00" for zero
 *   validity          RFC 3339 UTC text and seconds since 1970
 *   subjectAltName    dNSName (printable ASCII kept, any other byte and the
 *                     backslash written as \xHH) and iPAddress (4 octets:
 *                     dotted quad, 16: RFC 5952 text) entries
 *   public key        type, bits, and for EC keys OpenSSL's group short
 *                     name ("prime256v1", "secp384r1", "secp521r1")
 *   signature         OpenSSL's long name of the algorithm, or the dotted
 *                     OID when OpenSSL has no name for it
 *   sha1, sha256      of the DER bytes as given, even when they do not parse
 */
#include "x509.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* ---- text helpers ---- */

/* Copies n bytes and a NUL into dst[cap], cutting at a UTF-8 character
 * boundary when they do not fit; false when cut. */
static bool copy_text(char *dst, size_t cap, const char *src, size_t n)
{
    bool fit = n < cap;
    if (!fit) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
            n--; /* src[n] continues a character: cut before its lead byte */
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return fit;
}

/* The lowest and highest second byte allowed after a lead byte (RFC 3629
 * 4): no overlong forms, no surrogates, nothing past U+10FFFF. */
static void second_byte_range(unsigned lead, unsigned *lo, unsigned *hi)
{
    *lo = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
    *hi = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
}

/* Well-formed UTF-8 (RFC 3629), so the JSON writer gets valid text. */
static bool valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = (unsigned char)s[i++];
        if (c < 0x80)
            continue;
        if (c < 0xc2 || c > 0xf4)
            return false;
        size_t more = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
        if (more > n - i)
            return false;
        unsigned lo, hi;
        second_byte_range(c, &lo, &hi);
        for (size_t k = 0; k < more; k++, i++) {
            unsigned b = (unsigned char)s[i];
            if (b < (k == 0 ? lo : 0x80) || b > (k == 0 ? hi : 0xbf))
                return false;
        }
    }
    return true;
}

static bool hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void hex_bytes(const uint8_t *b, size_t n, char *dst)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[b[i] >> 4];
        dst[2 * i + 1] = digits[b[i] & 15];
    }
    dst[2 * n] = '\0';
}

/* ---- digests ---- */

/* FNV-1a over 8-byte words, then mixed: fast, not for security (a match is
 * always confirmed by memcmp). */
static uint64_t der_hash(struct tg_view der)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ der.len;
    size_t i = 0;
    for (; der.len - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, der.p + i, 8);
        h = (h ^ w) * 0x100000001b3ULL;
    }
    for (; i < der.len; i++)
        h = (h ^ der.p[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

/* EVP_md5() and the like are legacy tables: every EVP_Digest with one fetches
 * the provider's implementation again, a name lookup under a lock. Fetched
 * once per thread, with a context reused. */
enum { MD_MD5, MD_SHA1, MD_SHA256, MD_COUNT };

static _Thread_local struct {
    EVP_MD *md;
    EVP_MD_CTX *ctx;
} fetched[MD_COUNT];

/*
 * Short inputs repeat: a fingerprint string (JA3, JA3S, the two halves of
 * JA4) is the same for every hello of the same client software, and a busy
 * capture holds millions of them. Digests of inputs up to MEMO_TEXT bytes
 * are remembered per thread in a small direct-mapped table, found by a
 * cheap hash and confirmed byte for byte; a new input replaces whatever
 * was in its slot.
 */
#define MEMO_SLOTS 64u
#define MEMO_TEXT 320u

struct memo {
    uint64_t hash;
    uint16_t len;
    uint8_t which; /* MD_*, + 1: 0 is an empty slot */
    uint8_t out[TG_SHA256_LEN];
    uint8_t text[MEMO_TEXT];
};

static _Thread_local struct memo memo[MEMO_SLOTS];

static bool computed(struct tg_view v, int which, const char *name, uint8_t *out, size_t want);

static bool digest(struct tg_view v, int which, const char *name, uint8_t *out, size_t want)
{
    if (v.len == 0 || v.len > MEMO_TEXT || want > TG_SHA256_LEN)
        return computed(v, which, name, out, want);
    uint64_t h = der_hash(v) ^ (uint64_t)which;
    struct memo *m = &memo[h % MEMO_SLOTS];
    if (m->which == which + 1 && m->hash == h && m->len == v.len &&
        memcmp(m->text, v.p, v.len) == 0) {
        memcpy(out, m->out, want);
        return true;
    }
    if (!computed(v, which, name, out, want))
        return false;
    m->which = (uint8_t)(which + 1);
    m->hash = h;
    m->len = (uint16_t)v.len;
    memcpy(m->out, out, want);
    memcpy(m->text, v.p, v.len);
    return true;
}

static bool computed(struct tg_view v, int which, const char *name, uint8_t *out, size_t want)
{
    static const uint8_t empty[1];
    if (!fetched[which].md)
        fetched[which].md = EVP_MD_fetch(NULL, name, NULL);
    if (!fetched[which].ctx)
        fetched[which].ctx = EVP_MD_CTX_new();
    EVP_MD_CTX *ctx = fetched[which].ctx;
    unsigned int got = 0;
    if (!fetched[which].md || !ctx || EVP_MD_get_size(fetched[which].md) != (int)want ||
        EVP_DigestInit_ex2(ctx, fetched[which].md, NULL) != 1 ||
        EVP_DigestUpdate(ctx, v.len ? v.p : empty, v.len) != 1 ||
        EVP_DigestFinal_ex(ctx, out, &got) != 1) {
        ERR_clear_error();
        return false;
    }
    return got == want;
}

void tg_digest_thread_end(void)
{
    for (int i = 0; i < MD_COUNT; i++) {
        EVP_MD_CTX_free(fetched[i].ctx);
        EVP_MD_free(fetched[i].md);
        fetched[i].ctx = NULL;
        fetched[i].md = NULL;
    }
    OPENSSL_thread_stop();
}

bool tg_digest_md5(struct tg_view v, uint8_t out[TG_MD5_LEN])
{
    return digest(v, MD_MD5, "MD5", out, TG_MD5_LEN);
}

bool tg_digest_sha1(struct tg_view v, uint8_t out[TG_SHA1_LEN])
{
    return digest(v, MD_SHA1, "SHA1", out, TG_SHA1_LEN);
}

bool tg_digest_sha256(struct tg_view v, uint8_t out[TG_SHA256_LEN])
{
    return digest(v, MD_SHA256, "SHA256", out, TG_SHA256_LEN);
}

/* ---- time ---- */

static bool is_leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap years in 1 .. y-1. */
static long leaps_before(long y)
{
    y -= 1;
    return y / 4 - y / 100 + y / 400;
}

static int days_in_month(long y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && is_leap(y));
}

/* Seconds since 1970 of a UTC date and time; false when a field is out of range. */
static bool civil_to_seconds(long y, int mo, int d, int h, int mi, int s, time_t *out)
{
    static const int before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0)
        return false;
    long days = 365 * (y - 1970) + (leaps_before(y) - leaps_before(1970)) + before_month[mo - 1] +
                (mo > 2 && is_leap(y)) + (d - 1);
    *out = (time_t)days * 86400 + (time_t)h * 3600 + (time_t)mi * 60 + s;
    return true;
}

/* n decimal digits at s; false on anything else. */
static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DDTHH:MM:SSZ": the separators sit at fixed places. */
static bool rfc3339_shape(const char *t)
{
    return t[4] == '-' && t[7] == '-' && (t[10] == 'T' || t[10] == 't') && t[13] == ':' &&
           t[16] == ':' && (t[19] == 'Z' || t[19] == 'z');
}

bool tg_x509_parse_time(const char *text, time_t *out)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    size_t n = text ? strlen(text) : 0;
    bool ok;
    if (n == 13 && text[12] == 'Z') { /* UTCTime */
        ok = digits(text, 2, &y) && digits(text + 2, 2, &mo) && digits(text + 4, 2, &d) &&
             digits(text + 6, 2, &h) && digits(text + 8, 2, &mi) && digits(text + 10, 2, &s);
        y += y >= 50 ? 1900 : 2000;
    } else if (n == 15 && text[14] == 'Z') { /* GeneralizedTime */
        ok = digits(text, 4, &y) && digits(text + 4, 2, &mo) && digits(text + 6, 2, &d) &&
             digits(text + 8, 2, &h) && digits(text + 10, 2, &mi) && digits(text + 12, 2, &s);
    } else if (n == 20 && rfc3339_shape(text)) {
        ok = digits(text, 4, &y) && digits(text + 5, 2, &mo) && digits(text + 8, 2, &d) &&
             digits(text + 11, 2, &h) && digits(text + 14, 2, &mi) && digits(text + 17, 2, &s);
    } else {
        return false;
    }
    return ok && civil_to_seconds(y, mo, d, h, mi, s, out);
}

static void time_text(const ASN1_TIME *t, char dst[TG_X509_TIME_MAX], time_t *secs)
{
    struct tm tm;
    dst[0] = '\0';
    *secs = 0;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) /* NULL would mean "now" */
        return;
    int k = snprintf(dst, TG_X509_TIME_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (k != 20 || !tg_x509_parse_time(dst, secs))
        dst[0] = '\0';
}

/* ---- names and serial ---- */

/* Bytes of the escape or character starting at t[i] of RFC 4514 text: the
 * escapes \c and \XX (OpenSSL escapes no hex digit by itself), and UTF-8
 * sequences by their lead byte. */
static size_t name_unit(const char *t, size_t n, size_t i)
{
    unsigned c = (unsigned char)t[i];
    size_t len = 1;
    if (c == '\\')
        len = n - i > 1 && hex_digit(t[i + 1]) ? 3 : 2;
    else if (c >= 0xf0)
        len = 4;
    else if (c >= 0xe0)
        len = 3;
    else if (c >= 0xc0)
        len = 2;
    return len < n - i ? len : n - i;
}

/*
 * How many bytes of a name's text of n bytes to keep within cap - 1: up to
 * the last RDN separator (an unescaped ',') that fits, so the RDNs kept are
 * whole; when not even the first RDN fits, up to the last escape or
 * character that fits.
 */
static size_t name_cut(const char *t, size_t n, size_t cap)
{
    size_t limit = cap - 1, rdn_end = 0, unit_end = 0, i = 0;
    while (i < n) {
        size_t len = name_unit(t, n, i);
        if (len > limit - i)
            break;
        if (t[i] == ',')
            rdn_end = i;
        i += len;
        unit_end = i;
    }
    return rdn_end ? rdn_end : unit_end;
}

static bool print_name(const X509_NAME *name, unsigned long flags, char *dst, size_t cap, bool *cut)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return false;
    char *data = NULL;
    bool ok = X509_NAME_print_ex(bio, name, 0, flags) >= 0;
    long n = ok ? BIO_get_mem_data(bio, &data) : -1;
    ok = n >= 0 && (n == 0 || data != NULL);
    if (ok && !(flags & ASN1_STRFLGS_ESC_MSB))
        ok = valid_utf8(data, (size_t)n);
    if (ok) {
        size_t len = (size_t)n;
        *cut = len >= cap;
        if (*cut)
            len = name_cut(data, len, cap);
        memcpy(dst, n ? data : "", len);
        dst[len] = '\0';
    }
    BIO_free(bio);
    return ok;
}

static void name_text(const X509_NAME *name, char *dst, size_t cap, unsigned bit,
                      struct tg_x509_summary *out)
{
    bool cut = false;
    dst[0] = '\0';
    if (!name)
        return;
    if (!print_name(name, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, dst, cap, &cut) &&
        !print_name(name, XN_FLAG_RFC2253, dst, cap, &cut))
        dst[0] = '\0';
    if (cut)
        out->truncated |= bit;
}

bool tg_x509_name_text(struct tg_view der, char *dst, size_t cap, bool *cut)
{
    *cut = false;
    if (cap == 0)
        return false;
    dst[0] = '\0';
    if (der.len == 0 || der.len > LONG_MAX)
        return false;
    const unsigned char *p = der.p;
    X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)der.len);
    if (!name)
        return false;
    bool ok = print_name(name, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, dst, cap, cut) ||
              print_name(name, XN_FLAG_RFC2253, dst, cap, cut);
    X509_NAME_free(name);
    if (!ok) {
        dst[0] = '\0';
        *cut = false;
    }
    return ok;
}

static void serial_text(const ASN1_INTEGER *sn, struct tg_x509_summary *out)
{
    char *dst = out->serial;
    int len = sn ? ASN1_STRING_length(sn) : 0;
    const uint8_t *b = sn ? ASN1_STRING_get0_data(sn) : NULL;
    size_t n = len > 0 && b ? (size_t)len : 0;
    size_t room = (TG_X509_SERIAL_MAX - 2) / 2; /* octets that fit after a "-" */
    if (sn && ASN1_STRING_type(sn) == V_ASN1_NEG_INTEGER)
        *dst++ = '-';
    if (n == 0) {
        memcpy(dst, "00", 3);
        return;
    }
    if (n > room) {
        n = room;
        out->truncated |= TG_X509_TRUNC_SERIAL;
    }
    hex_bytes(b, n, dst);
}

/* ---- subjectAltName ---- */

/* Printable ASCII as is; other bytes and '\' as \xHH. False when cut. */
static bool escape_ascii(const uint8_t *s, size_t n, char *dst, size_t cap)
{
    static const char digits16[] = "0123456789abcdef";
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        bool plain = c > 0x20 && c < 0x7f && c != '\\';
        if ((plain ? 1u : 4u) >= cap - pos) {
            dst[pos] = '\0';
            return false;
        }
        if (plain) {
            dst[pos++] = (char)c;
            continue;
        }
        dst[pos++] = '\\';
        dst[pos++] = 'x';
        dst[pos++] = digits16[c >> 4];
        dst[pos++] = digits16[c & 15];
    }
    dst[pos] = '\0';
    return true;
}

static void add_dns(const ASN1_IA5STRING *s, struct tg_x509_summary *out)
{
    out->n_san_dns_total++;
    if (out->n_san_dns == TG_X509_MAX_SAN_DNS) {
        out->truncated |= TG_X509_TRUNC_SAN_DNS_COUNT;
        return;
    }
    int len = ASN1_STRING_length(s);
    const uint8_t *b = ASN1_STRING_get0_data(s);
    size_t n = len > 0 && b ? (size_t)len : 0;
    if (!escape_ascii(b, n, out->san_dns[out->n_san_dns], TG_X509_SAN_DNS_MAX))
        out->truncated |= TG_X509_TRUNC_SAN_DNS_NAME;
    out->n_san_dns++;
}

static void add_ip(const ASN1_OCTET_STRING *s, struct tg_x509_summary *out)
{
    int len = ASN1_STRING_length(s);
    const uint8_t *b = ASN1_STRING_get0_data(s);
    if (!b || (len != 4 && len != 16))
        return; /* not an address (a name constraint's address/mask pair?) */
    out->n_san_ip_total++;
    if (out->n_san_ip == TG_X509_MAX_SAN_IP) {
        out->truncated |= TG_X509_TRUNC_SAN_IP_COUNT;
        return;
    }
    char *dst = out->san_ip[out->n_san_ip];
    if (inet_ntop(len == 4 ? AF_INET : AF_INET6, b, dst, TG_X509_SAN_IP_MAX))
        out->n_san_ip++;
}

static void san_entries(const X509 *x, struct tg_x509_summary *out)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (!names)
        return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type == GEN_DNS)
            add_dns(gn->d.dNSName, out);
        else if (gn->type == GEN_IPADD)
            add_ip(gn->d.iPAddress, out);
    }
    GENERAL_NAMES_free(names);
}

/* ---- key and signature ---- */

static const char *key_type_name(int base_id)
{
    switch (base_id) {
    case EVP_PKEY_RSA:
        return "rsa";
    case EVP_PKEY_RSA_PSS:
        return "rsa-pss";
    case EVP_PKEY_EC:
        return "ec";
    case EVP_PKEY_ED25519:
        return "ed25519";
    case EVP_PKEY_ED448:
        return "ed448";
    case EVP_PKEY_DSA:
        return "dsa";
    case EVP_PKEY_DH:
    case EVP_PKEY_DHX:
        return "dh";
    case EVP_PKEY_X25519:
        return "x25519";
    case EVP_PKEY_X448:
        return "x448";
    default:
        return NULL;
    }
}

/* Copies OpenSSL's name of an OID (or the dotted OID) into dst[cap]. */
static void oid_text(const ASN1_OBJECT *obj, bool numeric, char *dst, size_t cap,
                     struct tg_x509_summary *out)
{
    dst[0] = '\0';
    if (!obj)
        return;
    int k = OBJ_obj2txt(dst, (int)cap, obj, numeric ? 1 : 0);
    if (k < 0)
        dst[0] = '\0';
    else if ((size_t)k >= cap)
        out->truncated |= TG_X509_TRUNC_OTHER;
}

static void key_info(const X509 *x, struct tg_x509_summary *out)
{
    EVP_PKEY *pk = X509_get0_pubkey(x);
    const char *type = pk ? key_type_name(EVP_PKEY_get_base_id(pk)) : NULL;
    if (type) {
        copy_text(out->key_type, sizeof out->key_type, type, strlen(type));
    } else {
        /* A key OpenSSL cannot load: name its algorithm OID instead. */
        ASN1_OBJECT *alg = NULL;
        X509_PUBKEY *pub = X509_get_X509_PUBKEY(x);
        if (pub && X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, pub) == 1)
            oid_text(alg, false, out->key_type, sizeof out->key_type, out);
    }
    if (!pk)
        return;
    int bits = EVP_PKEY_get_bits(pk);
    out->key_bits = bits > 0 ? bits : 0;
    size_t len = 0;
    if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC &&
        EVP_PKEY_get_group_name(pk, out->curve, sizeof out->curve, &len) != 1)
        out->curve[0] = '\0'; /* explicit curve parameters: no name */
}

static void signature_info(const X509 *x, struct tg_x509_summary *out)
{
    int nid = X509_get_signature_nid(x);
    const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
    if (ln) {
        if (!copy_text(out->signature_algorithm, TG_X509_SIG_ALG_MAX, ln, strlen(ln)))
            out->truncated |= TG_X509_TRUNC_OTHER;
        return;
    }
    const X509_ALGOR *alg = NULL;
    const ASN1_OBJECT *obj = NULL;
    X509_get0_signature(NULL, &alg, x);
    if (alg)
        X509_ALGOR_get0(&obj, NULL, NULL, alg);
    oid_text(obj, true, out->signature_algorithm, TG_X509_SIG_ALG_MAX, out);
}

/* ---- the summary ---- */

static void fill(X509 *x, struct tg_x509_summary *out)
{
    out->version = (int)X509_get_version(x) + 1;
    name_text(X509_get_subject_name(x), out->subject, sizeof out->subject, TG_X509_TRUNC_SUBJECT,
              out);
    name_text(X509_get_issuer_name(x), out->issuer, sizeof out->issuer, TG_X509_TRUNC_ISSUER, out);
    serial_text(X509_get0_serialNumber(x), out);
    time_text(X509_get0_notBefore(x), out->not_before, &out->not_before_t);
    time_text(X509_get0_notAfter(x), out->not_after, &out->not_after_t);
    san_entries(x, out);
    key_info(x, out);
    signature_info(x, out);
    out->self_signed = X509_self_signed(x, 1) == 1;
    out->is_ca = X509_check_ca(x) > 0;
}

static void hash_hex(struct tg_view der, struct tg_x509_summary *out)
{
    uint8_t h1[TG_SHA1_LEN], h256[TG_SHA256_LEN];
    if (tg_digest_sha1(der, h1))
        hex_bytes(h1, sizeof h1, out->sha1);
    if (tg_digest_sha256(der, h256))
        hex_bytes(h256, sizeof h256, out->sha256);
}

void tg_x509_summarize(struct tg_view der, struct tg_x509_summary *out)
{
    memset(out, 0, sizeof *out);
    hash_hex(der, out);
    if (der.len == 0 || der.len > LONG_MAX)
        return;
    const unsigned char *p = der.p;
    X509 *x = d2i_X509(NULL, &p, (long)der.len);
    if (x) {
        out->parsed = true;
        out->trailing_bytes = (size_t)(p - der.p) != der.len;
        fill(x, out);
        X509_free(x);
    }
    ERR_clear_error(); /* leave no failure behind in this thread's queue */
}

/* ------------------------------------------------------------ the cache */

struct cache_slot {
    uint64_t hash;
    uint8_t *der; /* a copy, to confirm a match byte for byte */
    size_t len;
    uint64_t stamp;
    struct tg_x509_summary summary;
};

struct tg_x509_cache {
    struct cache_slot slot[TG_X509_CACHE_SLOTS];
    uint64_t clock, lookups, hits;
};

struct tg_x509_cache *tg_x509_cache_new(void)
{
    return calloc(1, sizeof(struct tg_x509_cache));
}

void tg_x509_cache_free(struct tg_x509_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < TG_X509_CACHE_SLOTS; i++)
        free(c->slot[i].der);
    free(c);
}

const struct tg_x509_summary *tg_x509_cached(struct tg_x509_cache *c, struct tg_view der)
{
    uint64_t h = der_hash(der);
    struct cache_slot *victim = &c->slot[0];
    c->lookups++;
    for (size_t i = 0; i < TG_X509_CACHE_SLOTS; i++) {
        struct cache_slot *e = &c->slot[i];
        if (e->der && e->hash == h && e->len == der.len && memcmp(e->der, der.p, der.len) == 0) {
            e->stamp = ++c->clock;
            c->hits++;
            return &e->summary;
        }
        if (!e->der || (victim->der && e->stamp < victim->stamp))
            victim = e;
    }
    uint8_t *copy = malloc(der.len ? der.len : 1);
    tg_x509_summarize(der, &victim->summary);
    free(victim->der);
    victim->der = NULL;
    if (copy) { /* without memory the summary is still returned, just not kept */
        memcpy(copy, der.p, der.len);
        victim->der = copy;
        victim->hash = h;
        victim->len = der.len;
        victim->stamp = ++c->clock;
    }
    return &victim->summary;
}

void tg_x509_cache_stats(const struct tg_x509_cache *c, uint64_t *lookups, uint64_t *hits)
{
    *lookups = c->lookups;
    *hits = c->hits;
}
