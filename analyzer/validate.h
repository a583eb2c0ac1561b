/*
 * validate.h - the server's certificate chain, as sent, checked against a
 * trust store at the time of the capture (RFC 5280 section 6 path
 * validation, done by OpenSSL's X509_verify_cert), and the leaf's names
 * checked against the SNI (RFC 6125 section 6).
 *
 * The one module besides x509.c that includes OpenSSL's certificate
 * headers; nothing here exposes an OpenSSL type.
 *
 * Trust store: the system's (X509_STORE_set_default_paths, on Debian
 * /etc/ssl/certs) unless the user names a CA file and/or a CA directory
 * (a directory in OpenSSL's hashed-name layout, as made by c_rehash). A
 * store the user names is loaded by tg_validator_new; the system's, which
 * takes ~20 ms to parse, only when the first chain is verified.
 *
 * Verification is done as a TLS client would do it for a server
 * (X509_STORE_CTX_set_default "ssl_server": the serverAuth purpose), at the
 * capture's time, with no revocation checking, no security level on key
 * sizes and no partial chains: a chain is trusted only when it ends in a
 * self-signed certificate of the store.
 *
 * Cache: verifying a chain costs far more than the rest of a record, and a
 * capture tends to show the same server chain many times. Results are kept
 * in a small table (TG_VALIDATE_CACHE_SLOTS, least recently used entry
 * replaced, at most TG_VALIDATE_CACHE_BYTES of chains in all) keyed by the
 * chain itself (each certificate's length as 4 bytes, then its DER; found
 * by a cheap hash, confirmed byte for byte); each result holds for the
 * span of time around its capture time that no validity boundary
 * (notBefore, notAfter + 1 s) of the certificates involved (those sent, and
 * the chain OpenSSL built) crosses, so a hit gives the answer a fresh
 * verification would. The system store is its bundle file in memory plus
 * its hashed directory, without OpenSSL 3's directory-listing "store"
 * lookup. Not thread-safe: one validator per thread.
 *
 * Parsing a certificate costs about a million instructions in OpenSSL 3, so
 * the last TG_VALIDATE_LEAF_SLOTS leaves parsed (for the host name check or
 * a verification) are kept per thread, and freed by tg_validator_free.
 */
#ifndef TG_VALIDATE_H
#define TG_VALIDATE_H

#include "../dissectors/reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TG_VALIDATE_REASON_MAX 128         /* "ok" or OpenSSL's reason text + NUL */
#define TG_VALIDATE_CACHE_SLOTS 64         /* cached verification results */
#define TG_VALIDATE_CACHE_BYTES (2u << 20) /* chain bytes the cache keeps, in all */
#define TG_VALIDATE_LEAF_SLOTS 16          /* parsed leaf certificates kept */
#define TG_VALIDATE_LEAF_MAX (64u << 10)   /* largest leaf DER kept parsed */
#define TG_VALIDATE_SNI_MAX 255            /* longest SNI host name checked */

struct tg_validator;

/* The outcome of one chain verification. */
struct tg_validation {
    bool ok;                             /* the chain verified at the capture's time */
    bool trusted;                        /* it leads to a trust anchor when time is ignored */
    bool expired;                        /* the error was "certificate has expired" (at `depth`) */
    bool not_yet_valid;                  /* the error was "certificate is not yet valid" */
    bool self_signed;                    /* the error was "self-signed certificate": the leaf
                                          * alone, self-signed and not in the store */
    int error;                           /* OpenSSL's X509_V_ERR_* code, 0 when ok */
    int depth;                           /* the certificate the error is about: 0 the leaf */
    char reason[TG_VALIDATE_REASON_MAX]; /* "ok" or X509_verify_cert_error_string */
};

struct tg_validator_stats {
    uint64_t lookups;     /* chains validated */
    uint64_t hits;        /* answered from the cache */
    uint64_t stored;      /* results put in the cache */
    uint64_t uncacheable; /* results not stored: a certificate's times unreadable,
                           * or the chain larger than TG_VALIDATE_CACHE_BYTES */
};

/*
 * A validator over the system trust store (both arguments NULL), or over
 * the CA file and/or CA directory given. NULL on failure, with a message
 * in err[errlen] (a file that cannot be read or holds no certificate, a
 * path that is not a directory, no memory).
 */
struct tg_validator *tg_validator_new(const char *ca_file, const char *ca_path, char *err,
                                      size_t errlen);
/* Frees v, and the calling thread's parsed leaves. */
void tg_validator_free(struct tg_validator *v);

/*
 * Verifies the chain ders[0..n) (leaf first, as sent) at at_time_us
 * (microseconds since 1970, the capture's time). Certificates after the
 * leaf are offered as untrusted intermediates in any order; ones that do
 * not parse are left out. Returns out->reason ("ok" or OpenSSL's reason),
 * or NULL, with *out cleared, when there is nothing to verify (n == 0, or
 * the leaf does not parse).
 */
const char *tg_validate_chain(struct tg_validator *v, const struct tg_view *ders, size_t n,
                              int64_t at_time_us, struct tg_validation *out);

/*
 * True when the leaf certificate is valid for the SNI host name, by
 * RFC 6125 section 6.4 as OpenSSL's X509_check_host implements it with
 * X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS: case-insensitive; a wildcard only
 * as the whole leftmost label, matching exactly one label ("*.example.com"
 * matches "a.example.com", not "a.b.example.com" nor "example.com"); no
 * partial wildcard ("w*.example.com"); the subject CN is consulted only
 * when the certificate has no DNS subjectAltName (RFC 6125 6.4.4). One
 * trailing dot of the SNI is ignored. An SNI that is an IPv4 or IPv6
 * literal (RFC 6066 forbids them, some clients send them) is matched
 * against the iPAddress subjectAltNames. False for an empty or over-long
 * SNI, one with a NUL byte, or a leaf that does not parse.
 */
bool tg_validate_hostname(struct tg_view leaf_der, struct tg_view sni);

void tg_validator_stats(struct tg_validator *v, struct tg_validator_stats *out);

/* Frees what the calling thread keeps (its parsed leaves): a thread that
 * validated calls it before it ends. */
void tg_validate_thread_end(void);

#endif
