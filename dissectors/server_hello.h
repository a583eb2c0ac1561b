/*
 * server_hello.h - ServerHello and HelloRetryRequest (RFC 8446 4.1.3,
 * RFC 5246 7.4.1.3), and the SSLv2 SERVER-HELLO (SSLv2 spec 2.6).
 *
 * A HelloRetryRequest is a ServerHello whose random is the SHA-256 of
 * "HelloRetryRequest" (RFC 8446 4.1.3); `is_hrr` says so.
 */
#ifndef TG_SERVER_HELLO_H
#define TG_SERVER_HELLO_H

#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stdint.h>

#define TG_SH_MAX_EXTENSIONS 32

enum tg_sh_problem {
    TG_SH_BAD_EXTENSION = 1u << 0,
    TG_SH_TOO_MANY_EXTENSIONS = 1u << 1,
    TG_SH_TRAILING_BYTES = 1u << 2,
    TG_SH_DUPLICATE_EXTENSION = 1u << 3,
};

struct tg_server_hello {
    bool sslv2; /* an SSLv2 SERVER-HELLO */
    bool is_hrr;
    uint16_t legacy_version;   /* SSLv2: server_version */
    uint16_t selected_version; /* from supported_versions; 0 when absent */
    struct tg_view random;     /* 32 bytes; SSLv2: the connection id */
    struct tg_view session_id;
    uint16_t cipher_suite;
    uint8_t compression_method;
    bool has_extensions_block;
    uint16_t extensions[TG_SH_MAX_EXTENSIONS];
    size_t n_extensions;
    size_t n_extensions_total;
    struct tg_view extensions_block; /* the extensions as sent (the part present) */

    /*
     * Parsed extensions, first occurrence of a type only. Values and their
     * has_* flags are set only when the body is well formed; the plain
     * booleans record presence.
     */
    struct tg_view alpn; /* the selected protocol name */
    bool has_alpn;
    bool has_key_share;
    uint16_t key_share_group; /* ServerHello: the share's group; HRR: the selected group */
    bool pre_shared_key;      /* present */
    bool has_selected_identity;
    uint16_t selected_identity;
    bool has_session_ticket_ext; /* server will send a NewSessionTicket (<= 1.2) */
    bool renegotiation_info;
    bool extended_master_secret;
    bool encrypt_then_mac;
    bool status_request;
    bool has_ec_point_formats;
    struct tg_view ec_point_formats; /* u8 list */
    bool cookie;                     /* HRR cookie present */

    /* SSLv2 SERVER-HELLO only. */
    bool sslv2_session_id_hit;
    uint8_t sslv2_certificate_type;
    struct tg_view sslv2_certificate;  /* DER, may be empty on a hit */
    struct tg_view sslv2_cipher_specs; /* u24 list */

    unsigned problems; /* enum tg_sh_problem bits */
};

/*
 * Parses a ServerHello body (after the 4-byte handshake header). `out` is
 * cleared first. Results as for tg_client_hello_parse(): TG_OK (problems
 * may be set, a body ending after compression_method has no extensions),
 * TG_E_SHORT when the body stops inside the fixed part or the extensions
 * block (complete extensions are still read), TG_E_MALFORMED when the
 * session id is longer than 32.
 */
enum tg_status tg_server_hello_parse(struct tg_view body,
                                     struct tg_server_hello *out) TG_WARN_UNUSED;

/*
 * Parses an SSLv2 SERVER-HELLO record body, starting at msg_type (4):
 * u8 session_id_hit, u8 certificate_type, u16 server_version, u16
 * certificate length, u16 cipher_specs length, u16 connection_id length,
 * then the three runs. TG_E_MALFORMED for a wrong msg_type, cipher specs
 * not a multiple of 3, or a connection id outside 16..32.
 */
enum tg_status tg_server_hello_parse_sslv2(struct tg_view body,
                                           struct tg_server_hello *out) TG_WARN_UNUSED;

/* The 32-byte HelloRetryRequest random (RFC 8446 4.1.3). */
bool tg_server_hello_is_hrr_random(struct tg_view random);

#endif
