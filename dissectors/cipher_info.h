/*
 * cipher_info.h - what a cipher suite code point implies: how the keys are
 * exchanged, how the server is authenticated, and properties that risk
 * checks care about (anonymous, export grade, NULL/RC4/DES/3DES, MD5 MAC).
 *
 * Nothing here is a second table of suites: everything is read from the
 * IANA name that tg_name_cipher() returns, by its parts
 * (TLS_<kex>[_<auth>][_EXPORT]_WITH_<cipher>_<mac>, or TLS_<aead>_<hash>
 * for TLS 1.3 suites, RFC 8446 B.4).
 */
#ifndef TG_CIPHER_INFO_H
#define TG_CIPHER_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Key exchange named by a suite; decides the ServerKeyExchange and
 * ClientKeyExchange formats. */
enum tg_kex {
    TG_KEX_UNKNOWN = 0, /* unknown suite, SCSV, or a kex we do not model */
    TG_KEX_NULL,        /* TLS_NULL_WITH_NULL_NULL */
    TG_KEX_RSA,
    TG_KEX_RSA_EXPORT, /* RSA_EXPORT and RSA_EXPORT1024 */
    TG_KEX_DHE,        /* DHE_RSA, DHE_DSS, also their _EXPORT forms */
    TG_KEX_DH_ANON,
    TG_KEX_ECDHE,
    TG_KEX_ECDH_ANON,
    TG_KEX_ECDH, /* static: the key is in the certificate */
    TG_KEX_DH,   /* static DH_RSA, DH_DSS */
    TG_KEX_PSK,
    TG_KEX_DHE_PSK,
    TG_KEX_ECDHE_PSK,
    TG_KEX_RSA_PSK,
    TG_KEX_SRP,
    TG_KEX_TLS13, /* TLS 1.3 suites name no key exchange */
    TG_KEX_KRB5,
};

/* How the server proves who it is. */
enum tg_auth {
    TG_AUTH_UNKNOWN = 0,
    TG_AUTH_NONE, /* anonymous */
    TG_AUTH_RSA,
    TG_AUTH_DSS,
    TG_AUTH_ECDSA,
    TG_AUTH_PSK,
    TG_AUTH_SRP, /* the password alone (SRP_SHA) */
    TG_AUTH_KRB5,
    TG_AUTH_TLS13, /* decided by the certificate, not the suite */
};

/* Bits of tg_cipher_info.flags. */
enum tg_cipher_flag {
    TG_CIPHER_ANONYMOUS = 1u << 0, /* no server authentication */
    TG_CIPHER_EXPORT = 1u << 1,    /* export grade key exchange */
    TG_CIPHER_NULL = 1u << 2,      /* no encryption */
    TG_CIPHER_RC4 = 1u << 3,
    TG_CIPHER_DES = 1u << 4, /* single DES, also DES40 */
    TG_CIPHER_3DES = 1u << 5,
    TG_CIPHER_MD5 = 1u << 6,            /* HMAC-MD5 record MAC */
    TG_CIPHER_CBC = 1u << 7,            /* a CBC mode cipher */
    TG_CIPHER_AEAD = 1u << 8,           /* GCM, CCM, ChaCha20-Poly1305 */
    TG_CIPHER_SCSV = 1u << 9,           /* a signalling value, not a suite */
    TG_CIPHER_EXPORT_CIPHER = 1u << 10, /* a 40 or 56 bit cipher (RC4_40...) */
};

struct tg_cipher_info {
    enum tg_kex kex;
    enum tg_auth auth;
    unsigned flags;      /* enum tg_cipher_flag bits */
    size_t prf_hash_len; /* 48 for a _SHA384 suite, 64 for _SHA512, else 32 */
};

/* False (and a zeroed TG_KEX_UNKNOWN info) when the name is not known. */
bool tg_cipher_info(uint16_t suite, struct tg_cipher_info *out);

/* The same from a registry name; exposed for tests. */
bool tg_cipher_info_from_name(const char *name, struct tg_cipher_info *out);

enum tg_kex tg_cipher_kex(uint16_t suite);

/* "rsa", "rsa_export", "dhe", "dh_anon", "ecdhe", ... "unknown". */
const char *tg_cipher_kex_name(enum tg_kex kex);

#endif
