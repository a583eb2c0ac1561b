/*
 * x509.h - a fixed-size summary of one X.509 certificate (RFC 5280), and
 * the message digests the analyzer needs. The one module that includes
 * OpenSSL's certificate and digest headers.
 *
 * The summary holds no pointer into OpenSSL memory: strings are copied
 * into arrays with the caps below; what does not fit is cut (a name after
 * its last whole RDN, other text at a UTF-8 character boundary) or counted,
 * and flagged in `truncated`.
 *
 * Memory: the summary is about 17 KiB (two names of 4 KiB, 32 dNSNames of
 * 256 bytes); the cache of TG_X509_CACHE_SLOTS summaries is at most 2.2 MiB,
 * calloc'd, so only the slots in use are touched.
 */
#ifndef TG_X509_H
#define TG_X509_H

#include "../dissectors/reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TG_X509_NAME_MAX 4096   /* subject, issuer: RFC 4514 text + NUL */
#define TG_X509_SERIAL_MAX 132  /* "-" + 64 octets in hex + NUL */
#define TG_X509_TIME_MAX 24     /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define TG_X509_MAX_SAN_DNS 32  /* dNSName entries kept */
#define TG_X509_SAN_DNS_MAX 256 /* one dNSName + NUL */
#define TG_X509_MAX_SAN_IP 16   /* iPAddress entries kept */
#define TG_X509_SAN_IP_MAX 46   /* INET6_ADDRSTRLEN */
#define TG_X509_KEY_TYPE_MAX 32
#define TG_X509_CURVE_MAX 64
#define TG_X509_SIG_ALG_MAX 128

/* Bits of tg_x509_summary.truncated: which caps were hit. */
enum tg_x509_truncation {
    TG_X509_TRUNC_SUBJECT = 1u << 0,
    TG_X509_TRUNC_ISSUER = 1u << 1,
    TG_X509_TRUNC_SERIAL = 1u << 2,
    TG_X509_TRUNC_SAN_DNS_NAME = 1u << 3, /* a dNSName was cut */
    TG_X509_TRUNC_SAN_DNS_COUNT = 1u << 4,
    TG_X509_TRUNC_SAN_IP_COUNT = 1u << 5,
    TG_X509_TRUNC_OTHER = 1u << 6, /* key type, curve, algorithm */
};

/* Fields in the record's order; reordering would save 8 of 17704 bytes. */
/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding) */
struct tg_x509_summary {
    bool parsed;                    /* false: not a certificate; only the hashes are set */
    bool trailing_bytes;            /* bytes after the certificate's DER */
    int version;                    /* 1, 2 or 3 */
    char subject[TG_X509_NAME_MAX]; /* RFC 4514, most specific RDN first */
    char issuer[TG_X509_NAME_MAX];
    char serial[TG_X509_SERIAL_MAX];   /* lower-case hex, "-" when negative */
    char not_before[TG_X509_TIME_MAX]; /* RFC 3339 UTC; "" if unreadable */
    char not_after[TG_X509_TIME_MAX];
    time_t not_before_t, not_after_t; /* seconds since 1970 (valid when the text is set) */
    char san_dns[TG_X509_MAX_SAN_DNS][TG_X509_SAN_DNS_MAX];
    size_t n_san_dns, n_san_dns_total;                   /* kept, seen */
    char san_ip[TG_X509_MAX_SAN_IP][TG_X509_SAN_IP_MAX]; /* dotted IPv4, RFC 5952 IPv6 */
    size_t n_san_ip, n_san_ip_total;
    char key_type[TG_X509_KEY_TYPE_MAX]; /* "rsa", "ec", "ed25519", "ed448", "dsa", "dh", ... */
    int key_bits;                        /* 0 when unknown */
    char curve[TG_X509_CURVE_MAX];       /* EC only: OpenSSL's group name, e.g. "prime256v1" */
    char signature_algorithm[TG_X509_SIG_ALG_MAX]; /* OpenSSL long name or dotted OID */
    char sha1[41];                                 /* of the DER, lower-case hex */
    char sha256[65];
    bool self_signed;   /* issuer == subject and the signature verifies with its own key */
    bool is_ca;         /* X509_check_ca() > 0 */
    unsigned truncated; /* enum tg_x509_truncation bits */
};

/* Summarizes one DER certificate. Always fills sha1/sha256 of the bytes. */
void tg_x509_summarize(struct tg_view der, struct tg_x509_summary *out);

/*
 * A bounded cache of summaries by certificate: servers send the same chain
 * again and again, and parsing X.509 is the dearest step of a record. An
 * entry is found by a fast hash of the DER and confirmed by comparing the
 * whole DER, so crafted input cannot make one certificate pass for another.
 * Least recently used entries are replaced; TG_X509_CACHE_SLOTS entries.
 */
#define TG_X509_CACHE_SLOTS 128

struct tg_x509_cache;

struct tg_x509_cache *tg_x509_cache_new(void);
void tg_x509_cache_free(struct tg_x509_cache *c);

/* The summary of `der`, from the cache or made now (and kept). Valid until
 * the next call with the same cache. */
const struct tg_x509_summary *tg_x509_cached(struct tg_x509_cache *c, struct tg_view der);

/* Lookups and hits so far. */
void tg_x509_cache_stats(const struct tg_x509_cache *c, uint64_t *lookups, uint64_t *hits);

/* A DER DistinguishedName (as in a CertificateRequest) as RFC 4514 text;
 * false (and "") when it does not parse. Text longer than cap - 1 is cut
 * after its last whole RDN and *cut is set (else cleared). */
bool tg_x509_name_text(struct tg_view der, char *dst, size_t cap, bool *cut);

/*
 * Parses a time as text to seconds since 1970-01-01T00:00:00Z: ASN.1
 * UTCTime "YYMMDDHHMMSSZ" (YY >= 50 is 19YY, RFC 5280 4.1.2.5.1),
 * GeneralizedTime "YYYYMMDDHHMMSSZ", or RFC 3339 "YYYY-MM-DDTHH:MM:SSZ".
 * Plain arithmetic: no time zone, locale or OpenSSL state is consulted.
 */
bool tg_x509_parse_time(const char *text, time_t *out);

/* Digests of a view, as raw bytes; false if the digest is unavailable. */
#define TG_MD5_LEN 16
#define TG_SHA1_LEN 20
#define TG_SHA256_LEN 32
bool tg_digest_md5(struct tg_view v, uint8_t out[TG_MD5_LEN]);
bool tg_digest_sha1(struct tg_view v, uint8_t out[TG_SHA1_LEN]);
bool tg_digest_sha256(struct tg_view v, uint8_t out[TG_SHA256_LEN]);

/* Frees the calling thread's digest contexts and OpenSSL's state of the
 * thread: a thread that made digests calls it before it ends. */
void tg_digest_thread_end(void);

#endif
