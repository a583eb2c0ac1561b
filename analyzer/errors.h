/*
 * errors.h - what got in the way of analysing a session. Each value maps,
 * through one table, to the stable string written in the record's `errors`
 * list (docs/errors.md explains each).
 */
#ifndef TG_ERRORS_H
#define TG_ERRORS_H

#include <stdint.h>

enum tg_err {
    TG_ERR_TCP_GAP,             /* bytes missing from the capture */
    TG_ERR_TRUNCATED_CAPTURE,   /* packets cut by the snaplen */
    TG_ERR_MIDSTREAM,           /* the flow's start was not captured */
    TG_ERR_REASSEMBLY_LIMIT,    /* out-of-order data refused by a cap */
    TG_ERR_MALFORMED_RECORD,    /* record header impossible (type, length) */
    TG_ERR_RESYNC,              /* bytes skipped to find the next record */
    TG_ERR_HANDSHAKE_TOO_LARGE, /* a handshake message over the cap */
    TG_ERR_MALFORMED_HANDSHAKE, /* handshake header inconsistent */
    TG_ERR_MALFORMED_CLIENT_HELLO,
    TG_ERR_MALFORMED_SERVER_HELLO,
    TG_ERR_MALFORMED_EXTENSION,
    TG_ERR_TOO_MANY_EXTENSIONS, /* a hello's extensions past the dissector's cap */
    TG_ERR_TOO_MANY_KEY_SHARES, /* key_share_groups cut at its cap */
    TG_ERR_MALFORMED_CERTIFICATE,
    TG_ERR_CERTIFICATE_PARSE, /* a DER certificate OpenSSL rejects */
    TG_ERR_TOO_MANY_CERTIFICATES,
    TG_ERR_CERT_NAME_TRUNCATED, /* a subject, issuer or CA name cut at its cap */
    TG_ERR_CERT_SERIAL_TRUNCATED,
    TG_ERR_CERT_SAN_TRUNCATED,   /* SAN entries or a dNSName cut at a cap */
    TG_ERR_CERT_FIELD_TRUNCATED, /* key type, curve or algorithm name cut */
    TG_ERR_MALFORMED_SERVER_KEY_EXCHANGE,
    TG_ERR_MALFORMED_CLIENT_KEY_EXCHANGE,
    TG_ERR_MALFORMED_CERTIFICATE_REQUEST,
    TG_ERR_MALFORMED_CERTIFICATE_VERIFY,
    TG_ERR_MALFORMED_NEW_SESSION_TICKET,
    TG_ERR_MALFORMED_ENCRYPTED_EXTENSIONS,
    TG_ERR_MALFORMED_ALERT,
    TG_ERR_UNEXPECTED_MESSAGE, /* a message out of the handshake's order */
    TG_ERR_TOO_MANY_MESSAGES,  /* `messages` list cut at its cap */
    TG_ERR_TOO_MANY_ALERTS,    /* `alerts` list cut at its cap */
    TG_ERR_SESSION_MEMORY,     /* the session's arena cap was reached */
    TG_ERR_EVICTED,            /* ended early to stay within a cap */
    TG_ERR_DAMAGED_INPUT,      /* the capture file broke off */
    TG_ERR_COUNT
};

/* The record's string for an error, e.g. "tcp_gap". */
const char *tg_err_name(enum tg_err e);

#define TG_ERR_BIT(e) (UINT64_C(1) << (e))

#endif
