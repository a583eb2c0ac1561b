/*
 * encrypted_extensions.c - EncryptedExtensions (RFC 8446 4.3.1).
 *
 * The body is one extension list: u16 length, then {type u16, data: u16
 * length + bytes}. The data we read:
 *   server_name (0, RFC 6066 3): empty, acknowledging the client's SNI
 *   max_fragment_length (1, RFC 6066 4): u8 code
 *   supported_groups (10, RFC 8446 4.2.7): u16 length + u16 codes (the
 *     server's preference, for the client's next connection)
 *   application_layer_protocol_negotiation (16, RFC 7301 3.1): u16 length,
 *     then exactly one name: u8 length (1..255) + bytes
 *   record_size_limit (28, RFC 8449 4): u16
 *   early_data (42, RFC 8446 4.2.10): empty, accepting the client's 0-RTT
 * A bad extension body is noted and the walk goes on with the next one.
 */
#include "encrypted_extensions.h"

#define EXT_SERVER_NAME 0
#define EXT_MAX_FRAGMENT_LENGTH 1
#define EXT_SUPPORTED_GROUPS 10
#define EXT_ALPN 16
#define EXT_RECORD_SIZE_LIMIT 28
#define EXT_EARLY_DATA 42

static enum tg_status status_of(const struct tg_rd *r)
{
    if (r->err == TG_RD_SHORT)
        return TG_E_SHORT;
    return r->err ? TG_E_MALFORMED : TG_OK;
}

static bool read_alpn(struct tg_rd *data, struct tg_encrypted_extensions *out)
{
    struct tg_rd list = tg_rd_vec16(data);
    struct tg_view name = tg_rd_bytes(&list, tg_rd_u8(&list));
    tg_rd_close(data, &list);
    if (!tg_rd_done(data) || name.len == 0)
        return false;
    out->has_alpn = true;
    out->alpn = name;
    return true;
}

static bool read_groups(struct tg_rd *data, struct tg_encrypted_extensions *out)
{
    size_t n = tg_rd_u16(data);
    struct tg_view groups = tg_rd_bytes(data, n);
    if (!tg_rd_done(data) || n % 2 != 0)
        return false;
    out->has_supported_groups = true;
    out->supported_groups = groups;
    return true;
}

/* Reads one extension's data; false when it does not parse. */
static bool read_extension(uint16_t type, struct tg_rd *data, struct tg_encrypted_extensions *out)
{
    switch (type) {
    case EXT_SERVER_NAME:
        out->server_name_ack = tg_rd_left(data) == 0;
        return out->server_name_ack;
    case EXT_EARLY_DATA:
        out->early_data = tg_rd_left(data) == 0;
        return out->early_data;
    case EXT_MAX_FRAGMENT_LENGTH:
        out->max_fragment_length = tg_rd_u8(data);
        out->has_max_fragment_length = tg_rd_done(data);
        return out->has_max_fragment_length;
    case EXT_RECORD_SIZE_LIMIT:
        out->record_size_limit = tg_rd_u16(data);
        out->has_record_size_limit = tg_rd_done(data);
        return out->has_record_size_limit;
    case EXT_SUPPORTED_GROUPS:
        return read_groups(data, out);
    case EXT_ALPN:
        return read_alpn(data, out);
    default:
        return true;
    }
}

static void note_type(uint16_t type, struct tg_encrypted_extensions *out)
{
    for (size_t i = 0; i < out->n_extensions; i++)
        if (out->extensions[i] == type)
            out->problems |= TG_EE_DUPLICATE_EXTENSION;
    if (out->n_extensions < TG_EE_MAX_EXTENSIONS)
        out->extensions[out->n_extensions++] = type;
    else
        out->problems |= TG_EE_TOO_MANY_EXTENSIONS;
    out->n_extensions_total++;
}

enum tg_status tg_encrypted_extensions_parse(struct tg_view body,
                                             struct tg_encrypted_extensions *out)
{
    static const struct tg_encrypted_extensions zero;
    *out = zero;
    struct tg_rd r = tg_rd_of(body);
    struct tg_rd exts = tg_rd_vec16(&r);
    while (!exts.err && tg_rd_left(&exts) > 0) {
        uint16_t type = tg_rd_u16(&exts);
        struct tg_rd data = tg_rd_vec16(&exts);
        if (exts.err)
            break; /* the list itself is broken */
        note_type(type, out);
        if (!read_extension(type, &data, out))
            out->problems |= TG_EE_BAD_EXTENSION;
    }
    tg_rd_close(&r, &exts);
    if (r.err)
        return status_of(&r);
    if (tg_rd_left(&r) > 0)
        out->problems |= TG_EE_TRAILING_BYTES;
    return TG_OK;
}
