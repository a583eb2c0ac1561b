/*
 * cipher_info.c - cipher suite properties read from the suite's IANA name
 * (TLS Cipher Suites registry; naming as in RFC 5246 appendix A.5, RFC 4492
 * section 6, RFC 4279, RFC 5054, RFC 2712 and RFC 8446 appendix B.4).
 *
 * A registry name is a run of '_' separated parts:
 *   TLS _ <key exchange> [_ <authentication>] [_ EXPORT|EXPORT1024] _ WITH
 *       _ <cipher parts> [_ <MAC or PRF hash>]
 * e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_DH_anon_WITH_RC4_128_MD5,
 * TLS_RSA_WITH_AES_128_CCM (no MAC part). TLS 1.3 suites have no WITH and
 * name only the AEAD and the HKDF hash: TLS_AES_128_GCM_SHA256. Signalling
 * values end in SCSV (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV).
 *
 * The parts before WITH decide the key exchange and authentication, the
 * parts after it the cipher and MAC flags. The name strings are our own
 * static tables, never packet data.
 */
#include "cipher_info.h"

#include "names.h"

#include <string.h>

#define MAX_PARTS 16

struct part {
    const char *s;
    size_t n;
};

struct parts {
    struct part v[MAX_PARTS];
    size_t n;
};

/* Splits a name at '_'; false when it has more parts than we expect. */
static bool split_name(const char *name, struct parts *out)
{
    out->n = 0;
    const char *start = name;
    for (const char *c = name;; c++) {
        if (*c != '_' && *c != '\0')
            continue;
        if (out->n == MAX_PARTS)
            return false;
        out->v[out->n].s = start;
        out->v[out->n].n = (size_t)(c - start);
        out->n++;
        if (*c == '\0')
            return true;
        start = c + 1;
    }
}

static bool part_is(struct part p, const char *word)
{
    return strlen(word) == p.n && memcmp(p.s, word, p.n) == 0;
}

static bool part_starts(struct part p, const char *prefix)
{
    size_t k = strlen(prefix);
    return k <= p.n && memcmp(p.s, prefix, k) == 0;
}

/* Index of the WITH part, or 0 when there is none (part 0 is TLS). */
static size_t find_with(const struct parts *ps)
{
    for (size_t i = 1; i < ps->n; i++)
        if (part_is(ps->v[i], "WITH"))
            return i;
    return 0;
}

static enum tg_auth auth_of(struct part p)
{
    if (part_is(p, "RSA"))
        return TG_AUTH_RSA;
    if (part_is(p, "DSS"))
        return TG_AUTH_DSS;
    if (part_is(p, "ECDSA"))
        return TG_AUTH_ECDSA;
    if (part_is(p, "PSK"))
        return TG_AUTH_PSK;
    if (part_is(p, "anon"))
        return TG_AUTH_NONE;
    return TG_AUTH_UNKNOWN;
}

/* The Diffie-Hellman families: DHE, DH, ECDHE, ECDH followed by auth. */
static void dh_family(struct part second, bool ephemeral, bool elliptic, struct tg_cipher_info *out)
{
    out->auth = auth_of(second);
    if (out->auth == TG_AUTH_NONE)
        out->kex = elliptic ? TG_KEX_ECDH_ANON : TG_KEX_DH_ANON;
    else if (out->auth == TG_AUTH_PSK)
        out->kex = elliptic ? TG_KEX_ECDHE_PSK : TG_KEX_DHE_PSK;
    else if (ephemeral)
        out->kex = elliptic ? TG_KEX_ECDHE : TG_KEX_DHE;
    else
        out->kex = elliptic ? TG_KEX_ECDH : TG_KEX_DH;
}

/* SRP_SHA, SRP_SHA_RSA, SRP_SHA_DSS (RFC 5054 2.7). */
static void srp_family(const struct parts *ps, size_t with, struct tg_cipher_info *out)
{
    out->kex = TG_KEX_SRP;
    out->auth = TG_AUTH_SRP;
    if (with > 3) {
        enum tg_auth a = auth_of(ps->v[3]);
        if (a == TG_AUTH_RSA || a == TG_AUTH_DSS)
            out->auth = a;
    }
}

/* Parts 1 .. with-1: key exchange, authentication, export marks. */
static void parse_kex(const struct parts *ps, size_t with, struct tg_cipher_info *out)
{
    struct part first = ps->v[1];
    struct part second = with > 2 ? ps->v[2] : ps->v[0];
    bool export_grade = false;
    for (size_t i = 1; i < with; i++) {
        if (part_starts(ps->v[i], "EXPORT"))
            export_grade = true;
        if (part_is(ps->v[i], "anon"))
            out->flags |= TG_CIPHER_ANONYMOUS;
    }
    if (export_grade)
        out->flags |= TG_CIPHER_EXPORT;

    if (part_is(first, "NULL")) {
        out->kex = TG_KEX_NULL;
        out->auth = TG_AUTH_NONE;
    } else if (part_is(first, "RSA")) {
        out->auth = TG_AUTH_RSA;
        if (part_is(second, "PSK"))
            out->kex = TG_KEX_RSA_PSK;
        else
            out->kex = export_grade ? TG_KEX_RSA_EXPORT : TG_KEX_RSA;
    } else if (part_is(first, "DHE") || part_is(first, "DH")) {
        dh_family(second, part_is(first, "DHE"), false, out);
    } else if (part_is(first, "ECDHE") || part_is(first, "ECDH")) {
        dh_family(second, part_is(first, "ECDHE"), true, out);
    } else if (part_is(first, "PSK")) {
        out->auth = TG_AUTH_PSK;
        out->kex = part_is(second, "DHE") ? TG_KEX_DHE_PSK : TG_KEX_PSK;
    } else if (part_is(first, "SRP")) {
        srp_family(ps, with, out);
    } else if (part_is(first, "KRB5")) {
        out->kex = TG_KEX_KRB5;
        out->auth = TG_AUTH_KRB5;
    }
    if (out->auth == TG_AUTH_NONE)
        out->flags |= TG_CIPHER_ANONYMOUS;
}

static bool is_hash_part(struct part p)
{
    return part_is(p, "MD5") || part_is(p, "SHA") || part_is(p, "SHA256") || part_is(p, "SHA384") ||
           part_is(p, "SHA512") || part_is(p, "SM3");
}

/* Parts from..n-1: the cipher, its mode, and the MAC or PRF hash. */
static void parse_cipher(const struct parts *ps, size_t from, struct tg_cipher_info *out)
{
    struct part last = ps->v[ps->n - 1];
    if (from < ps->n &&
        (part_is(ps->v[from], "NULL") || (from + 1 < ps->n && is_hash_part(ps->v[from]))))
        out->flags |= TG_CIPHER_NULL; /* ..._WITH_NULL_SHA, TLS_SHA256_SHA256 */
    for (size_t i = from; i < ps->n; i++) {
        struct part p = ps->v[i];
        if (part_is(p, "RC4"))
            out->flags |= TG_CIPHER_RC4;
        else if (part_is(p, "DES") || part_is(p, "DES40"))
            out->flags |= TG_CIPHER_DES;
        else if (part_is(p, "3DES"))
            out->flags |= TG_CIPHER_3DES;
        else if (part_is(p, "CBC"))
            out->flags |= TG_CIPHER_CBC;
        else if (part_is(p, "GCM") || part_is(p, "CCM") || part_is(p, "POLY1305") ||
                 part_is(p, "MGM") || part_starts(p, "AEGIS"))
            out->flags |= TG_CIPHER_AEAD;
        if (part_is(p, "40") || part_is(p, "56") || part_is(p, "DES40"))
            out->flags |= TG_CIPHER_EXPORT_CIPHER;
    }
    if (part_is(last, "MD5"))
        out->flags |= TG_CIPHER_MD5;
    if (part_is(last, "SHA384"))
        out->prf_hash_len = 48;
    else if (part_is(last, "SHA512"))
        out->prf_hash_len = 64;
}

bool tg_cipher_info_from_name(const char *name, struct tg_cipher_info *out)
{
    struct tg_cipher_info zero = {TG_KEX_UNKNOWN, TG_AUTH_UNKNOWN, 0, 32};
    struct parts ps;
    memset(&ps, 0, sizeof ps); /* parts past ps.n read as empty, never as garbage */
    *out = zero;
    if (!name || !split_name(name, &ps) || ps.n < 2)
        return false;
    if (!part_is(ps.v[0], "TLS") && !part_is(ps.v[0], "SSL"))
        return false;
    if (part_is(ps.v[ps.n - 1], "SCSV")) {
        out->flags = TG_CIPHER_SCSV;
        return true;
    }
    size_t with = find_with(&ps);
    if (with == 0) {
        out->kex = TG_KEX_TLS13;
        out->auth = TG_AUTH_TLS13;
        parse_cipher(&ps, 1, out);
        return true;
    }
    if (with < 2 || with + 1 >= ps.n)
        return false; /* TLS_WITH_... or ..._WITH with nothing after */
    parse_kex(&ps, with, out);
    parse_cipher(&ps, with + 1, out);
    return true;
}

bool tg_cipher_info(uint16_t suite, struct tg_cipher_info *out)
{
    return tg_cipher_info_from_name(tg_name_cipher(suite), out);
}

enum tg_kex tg_cipher_kex(uint16_t suite)
{
    struct tg_cipher_info info;
    (void)tg_cipher_info(suite, &info);
    return info.kex;
}

const char *tg_cipher_kex_name(enum tg_kex kex)
{
    switch (kex) {
    case TG_KEX_NULL:
        return "null";
    case TG_KEX_RSA:
        return "rsa";
    case TG_KEX_RSA_EXPORT:
        return "rsa_export";
    case TG_KEX_DHE:
        return "dhe";
    case TG_KEX_DH_ANON:
        return "dh_anon";
    case TG_KEX_ECDHE:
        return "ecdhe";
    case TG_KEX_ECDH_ANON:
        return "ecdh_anon";
    case TG_KEX_ECDH:
        return "ecdh";
    case TG_KEX_DH:
        return "dh";
    case TG_KEX_PSK:
        return "psk";
    case TG_KEX_DHE_PSK:
        return "dhe_psk";
    case TG_KEX_ECDHE_PSK:
        return "ecdhe_psk";
    case TG_KEX_RSA_PSK:
        return "rsa_psk";
    case TG_KEX_SRP:
        return "srp";
    case TG_KEX_TLS13:
        return "tls13";
    case TG_KEX_KRB5:
        return "krb5";
    case TG_KEX_UNKNOWN:
        break;
    }
    return "unknown";
}
