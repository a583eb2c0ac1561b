/*
 * errors.c - the stable strings of the record's `errors` list.
 */
#include "errors.h"

#include <stddef.h>

static const char *const names[TG_ERR_COUNT] = {
    [TG_ERR_TCP_GAP] = "tcp_gap",
    [TG_ERR_TRUNCATED_CAPTURE] = "truncated_capture",
    [TG_ERR_MIDSTREAM] = "midstream",
    [TG_ERR_REASSEMBLY_LIMIT] = "reassembly_limit",
    [TG_ERR_MALFORMED_RECORD] = "malformed_record",
    [TG_ERR_RESYNC] = "resync",
    [TG_ERR_HANDSHAKE_TOO_LARGE] = "handshake_message_too_large",
    [TG_ERR_MALFORMED_HANDSHAKE] = "malformed_handshake",
    [TG_ERR_MALFORMED_CLIENT_HELLO] = "malformed_client_hello",
    [TG_ERR_MALFORMED_SERVER_HELLO] = "malformed_server_hello",
    [TG_ERR_MALFORMED_EXTENSION] = "malformed_extension",
    [TG_ERR_TOO_MANY_EXTENSIONS] = "too_many_extensions",
    [TG_ERR_TOO_MANY_KEY_SHARES] = "too_many_key_shares",
    [TG_ERR_MALFORMED_CERTIFICATE] = "malformed_certificate",
    [TG_ERR_CERTIFICATE_PARSE] = "certificate_parse_error",
    [TG_ERR_TOO_MANY_CERTIFICATES] = "too_many_certificates",
    [TG_ERR_CERT_NAME_TRUNCATED] = "certificate_name_truncated",
    [TG_ERR_CERT_SERIAL_TRUNCATED] = "certificate_serial_truncated",
    [TG_ERR_CERT_SAN_TRUNCATED] = "certificate_san_truncated",
    [TG_ERR_CERT_FIELD_TRUNCATED] = "certificate_field_truncated",
    [TG_ERR_MALFORMED_SERVER_KEY_EXCHANGE] = "malformed_server_key_exchange",
    [TG_ERR_MALFORMED_CLIENT_KEY_EXCHANGE] = "malformed_client_key_exchange",
    [TG_ERR_MALFORMED_CERTIFICATE_REQUEST] = "malformed_certificate_request",
    [TG_ERR_MALFORMED_CERTIFICATE_VERIFY] = "malformed_certificate_verify",
    [TG_ERR_MALFORMED_NEW_SESSION_TICKET] = "malformed_new_session_ticket",
    [TG_ERR_MALFORMED_ENCRYPTED_EXTENSIONS] = "malformed_encrypted_extensions",
    [TG_ERR_MALFORMED_ALERT] = "malformed_alert",
    [TG_ERR_UNEXPECTED_MESSAGE] = "unexpected_message",
    [TG_ERR_TOO_MANY_MESSAGES] = "too_many_messages",
    [TG_ERR_TOO_MANY_ALERTS] = "too_many_alerts",
    [TG_ERR_SESSION_MEMORY] = "session_memory_limit",
    [TG_ERR_EVICTED] = "evicted",
    [TG_ERR_DAMAGED_INPUT] = "damaged_input",
};

const char *tg_err_name(enum tg_err e)
{
    if ((unsigned)e >= TG_ERR_COUNT || !names[e])
        return "unknown_error";
    return names[e];
}
