/*
 * client_hello.h - ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2) and the
 * SSLv2-compatible CLIENT-HELLO (RFC 6101 appendix E.2, RFC 5246 E.2).
 *
 * The parsed form is views into the message body plus scalars: lists of
 * 16-bit code points are kept as their raw wire vectors (`struct tg_view`
 * of big-endian u16 pairs), which needs no cap and no copy; read them with
 * tg_u16_list_at(). The caller keeps the body alive as long as the struct.
 */
#ifndef TG_CLIENT_HELLO_H
#define TG_CLIENT_HELLO_H

#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stdint.h>

#define TG_CH_MAX_EXTENSIONS 64 /* extension types kept, in order */
#define TG_CH_MAX_KEY_SHARES 16 /* key_share groups kept, in order */

/* Malformed parts found while salvaging; bits of tg_client_hello.problems. */
enum tg_ch_problem {
    TG_CH_BAD_EXTENSION = 1u << 0, /* an extension's body did not parse */
    TG_CH_TOO_MANY_EXTENSIONS = 1u << 1,
    TG_CH_TRAILING_BYTES = 1u << 2, /* bytes after the extensions block */
    TG_CH_DUPLICATE_EXTENSION = 1u << 3,
    TG_CH_TOO_MANY_KEY_SHARES = 1u << 4, /* key_share_groups kept only the first */
};

struct tg_client_hello {
    bool sslv2; /* SSLv2 record format */
    uint16_t legacy_version;
    struct tg_view random; /* 32 bytes; SSLv2: the challenge (16..32) */
    struct tg_view session_id;
    struct tg_view cipher_suites;       /* u16 list; SSLv2: u24 list (cipher_specs) */
    struct tg_view compression_methods; /* u8 list */
    bool has_extensions_block;
    uint16_t extensions[TG_CH_MAX_EXTENSIONS];
    size_t n_extensions; /* kept; more are counted in n_extensions_total */
    size_t n_extensions_total;
    struct tg_view extensions_block; /* the extensions as sent (the part present) */

    /*
     * Parsed extensions. The first occurrence of a type is parsed, a repeat
     * only sets TG_CH_DUPLICATE_EXTENSION. A view and its has_* flag are set
     * only when the extension's body is well formed (else the view stays
     * empty and TG_CH_BAD_EXTENSION is set); the plain booleans below record
     * presence, well formed or not.
     */
    struct tg_view sni;                              /* first host_name, not terminated */
    struct tg_view supported_groups;                 /* u16 list */
    struct tg_view ec_point_formats;                 /* u8 list */
    struct tg_view signature_algorithms;             /* u16 list */
    struct tg_view alpn;                             /* ProtocolNameList body: tg_alpn_next() */
    struct tg_view supported_versions;               /* u16 list */
    struct tg_view psk_key_exchange_modes;           /* u8 list */
    uint16_t key_share_groups[TG_CH_MAX_KEY_SHARES]; /* in order, GREASE kept */
    size_t n_key_share_groups;                       /* kept; more set TG_CH_TOO_MANY_KEY_SHARES */
    bool has_alpn, has_supported_versions, has_signature_algorithms;
    bool has_supported_groups, has_ec_point_formats, has_key_share;
    bool has_psk_key_exchange_modes;
    bool has_sni;        /* a well formed server_name with a host_name */
    bool session_ticket; /* a non-empty ticket offered */
    bool has_session_ticket_ext;
    bool pre_shared_key;
    bool early_data;
    bool ech; /* encrypted_client_hello present */
    bool renegotiation_info;
    bool extended_master_secret;
    bool status_request;
    unsigned problems; /* enum tg_ch_problem bits */
};

/*
 * Parses a handshake-layer ClientHello body (after the 4-byte handshake
 * header). `out` is cleared first.
 *   TG_OK           the fixed part parsed and the extensions block (if any)
 *                   fits the body; `problems` tells what was salvaged:
 *                   a bad extension is flagged and the walk goes on with the
 *                   next one; bytes after the block set TG_CH_TRAILING_BYTES.
 *                   A body that ends right after compression_methods is a
 *                   ClientHello without extensions (has_extensions_block
 *                   false), as RFC 5246 7.4.1.2 allows.
 *   TG_E_SHORT      the body stops inside the fixed part, or before the end
 *                   the extensions block declares. What was read is kept:
 *                   the fixed part if complete, and every extension that is
 *                   complete within the body (the cut one is flagged bad).
 *   TG_E_MALFORMED  the fixed part contradicts itself (session_id longer
 *                   than 32, odd cipher_suites length).
 */
enum tg_status tg_client_hello_parse(struct tg_view body,
                                     struct tg_client_hello *out) TG_WARN_UNUSED;

/*
 * Parses an SSLv2-format CLIENT-HELLO record body: the bytes after the two-
 * or three-byte SSLv2 record header, starting at msg_type (1). Sets sslv2,
 * legacy_version, cipher_suites (the raw 3-byte cipher specs), session_id
 * and random (the 16..32 byte challenge). TG_E_SHORT when the body stops
 * before the lengths it declares; TG_E_MALFORMED for a wrong msg_type, a
 * cipher spec length that is zero or not a multiple of 3, a session id over
 * 32 bytes or a challenge outside 16..32; bytes after the challenge set
 * TG_CH_TRAILING_BYTES.
 */
enum tg_status tg_client_hello_parse_sslv2(struct tg_view body,
                                           struct tg_client_hello *out) TG_WARN_UNUSED;

/*
 * Iterates a ProtocolNameList body (RFC 7301 3.1) one name at a time: start
 * with tg_rd_of(ch->alpn). False at the end or on a malformed entry (a name
 * that overruns the list, or an empty name); the two are told apart by
 * list->err (TG_RD_OK at a clean end).
 */
bool tg_alpn_next(struct tg_rd *list, struct tg_view *name);

#endif
