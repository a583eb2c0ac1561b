/*
 * client_key_exchange.h - ClientKeyExchange (RFC 5246 7.4.7, RFC 6101
 * 5.6.7, RFC 4492 5.7, RFC 4279, RFC 5489, RFC 5054 2.8).
 *
 * Like ServerKeyExchange its format depends on the negotiated suite's key
 * exchange and the version (SSLv3 sends the RSA secret without a length).
 */
#ifndef TG_CLIENT_KEY_EXCHANGE_H
#define TG_CLIENT_KEY_EXCHANGE_H

#include "cipher_info.h"
#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>

struct tg_client_key_exchange {
    enum tg_kex kex;
    bool has_psk_identity;
    struct tg_view psk_identity;
    /* The exchanged key material: the encrypted premaster secret (RSA), Yc
     * (DH), the public point (ECDH), A (SRP); the whole body for KRB5 and
     * an unknown kex (then `opaque`). Its length is the record's `length`. */
    struct tg_view key;
    bool implicit; /* DH/ECDH public value in the client certificate */
    bool opaque;   /* not parsed: the body is taken as it is */
    size_t trailing;
};

/*
 * Parses a ClientKeyExchange body for key exchange `kex` under `version`.
 * TG_E_MALFORMED for TLS 1.3 and NULL (no such message) and any
 * inconsistency; fields read before it stay filled.
 */
enum tg_status tg_client_key_exchange_parse(struct tg_view body, enum tg_kex kex, uint16_t version,
                                            struct tg_client_key_exchange *out) TG_WARN_UNUSED;

#endif
