/*
 * server_key_exchange.h - ServerKeyExchange (RFC 5246 7.4.3, RFC 4492 and
 * RFC 8422 5.4, RFC 4279 and RFC 5489 for PSK, RFC 5054 2.8 for SRP).
 *
 * Its format is not self-describing: the caller passes the key exchange of
 * the negotiated suite (tg_cipher_kex) and the negotiated version, which
 * decides whether the signature names its algorithm (TLS 1.2, DTLS 1.2).
 * The parsed form is views into the body plus scalars.
 */
#ifndef TG_SERVER_KEY_EXCHANGE_H
#define TG_SERVER_KEY_EXCHANGE_H

#include "cipher_info.h"
#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stdint.h>

/* ECParameters.curve_type (RFC 4492 5.4). */
#define TG_EC_EXPLICIT_PRIME 1
#define TG_EC_EXPLICIT_CHAR2 2
#define TG_EC_NAMED_CURVE 3

/* Which parameter block the message carried. */
enum tg_ske_params {
    TG_SKE_NONE = 0, /* PSK and RSA_PSK: only the identity hint */
    TG_SKE_ECDH,     /* ServerECDHParams */
    TG_SKE_DH,       /* ServerDHParams */
    TG_SKE_RSA,      /* ServerRSAParams (export) */
    TG_SKE_SRP,      /* ServerSRPParams */
};

struct tg_server_key_exchange {
    enum tg_kex kex;
    enum tg_ske_params params;

    bool has_psk_identity_hint;
    struct tg_view psk_identity_hint;

    /* ECDH: curve_type 3 gives `group`; 1 and 2 are explicit curves
     * (their parameters are skipped, not kept). */
    uint8_t curve_type;
    uint16_t group;
    struct tg_view point;

    /* DH: p, g, Ys; dh_bits is the bit length of p. */
    struct tg_view dh_p, dh_g, dh_ys;
    size_t dh_bits;

    /* RSA export: the temporary key, rsa_bits the modulus bit length. */
    struct tg_view rsa_modulus, rsa_exponent;
    size_t rsa_bits;

    /* SRP: N, g, salt, B; srp_bits is the bit length of N. */
    struct tg_view srp_n, srp_g, srp_s, srp_b;
    size_t srp_bits;

    /* The signature over the parameters. Before TLS 1.2 the algorithm is
     * implied by the certificate: sig_alg_implied, sig_scheme 0. */
    bool has_signature;
    bool sig_alg_implied;
    uint16_t sig_scheme;
    struct tg_view signature;

    size_t trailing; /* bytes after the message (then TG_E_MALFORMED) */
};

/*
 * Parses a ServerKeyExchange body for key exchange `kex` under `version`.
 * TG_E_MALFORMED also for a kex that sends no ServerKeyExchange (RSA, static
 * DH/ECDH, TLS 1.3, unknown). Fields read before an error stay filled.
 */
enum tg_status tg_server_key_exchange_parse(struct tg_view body, enum tg_kex kex, uint16_t version,
                                            struct tg_server_key_exchange *out) TG_WARN_UNUSED;

/* Bit length of a big-endian unsigned integer, leading zeros ignored. */
size_t tg_ske_bit_length(struct tg_view be);

#endif
