/*
 * client_hello.c - ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2) and the
 * SSLv2-format CLIENT-HELLO (SSLv2 spec 2.5 and RFC 5246 appendix E.2).
 *
 * The handshake body, in our words:
 *   legacy_version        u16
 *   random                32 bytes
 *   legacy_session_id     u8 length, 0..32 bytes
 *   cipher_suites         u16 length, a list of u16 suites
 *   compression_methods   u8 length, a list of u8 methods
 *   extensions            optional: u16 length, then entries of
 *                           { u16 type, u16 length, body }
 *
 * Extension bodies parsed here (each must fill its entry exactly):
 *   server_name (RFC 6066 3)        u16 list of { u8 type, u16 len, name }
 *   status_request (RFC 6066 8)     u8 type; OCSP: u16 ids list, u16 exts
 *   supported_groups (RFC 8446 4.2.7, RFC 8422 5.1.1)  u16 len, u16 codes
 *   ec_point_formats (RFC 8422 5.1.2)                  u8 len, u8 formats
 *   signature_algorithms (RFC 8446 4.2.3)              u16 len, u16 codes
 *   ALPN (RFC 7301 3.1)             u16 len, names of { u8 len (>0), name }
 *   extended_master_secret (RFC 7627 5.1), early_data (RFC 8446 4.2.10):
 *                                   empty
 *   session_ticket (RFC 5077 3.2)   the ticket, possibly empty
 *   pre_shared_key (RFC 8446 4.2.11)  u16 len identities of
 *                                   { u16 len id, u32 age }, u16 len binders
 *                                   of { u8 len (>=32) }, one per identity
 *   supported_versions (RFC 8446 4.2.1)  u8 len, u16 versions
 *   psk_key_exchange_modes (RFC 8446 4.2.9)  u8 len, u8 modes
 *   key_share (RFC 8446 4.2.8)      u16 len, entries of
 *                                   { u16 group, u16 len key_exchange (>0) }
 *   renegotiation_info (RFC 5746 3.2)  u8 len, renegotiated_connection
 *   encrypted_client_hello (RFC 9849), padding (RFC 7685): not looked into
 *
 * The SSLv2 CLIENT-HELLO, after its record header: u8 msg_type (1),
 * u16 version, u16 cipher_specs length, u16 session_id length, u16
 * challenge length, then the three runs in that order.
 */
#include "client_hello.h"

#include <string.h>

enum {
    EXT_SERVER_NAME = 0,
    EXT_STATUS_REQUEST = 5,
    EXT_SUPPORTED_GROUPS = 10,
    EXT_EC_POINT_FORMATS = 11,
    EXT_SIGNATURE_ALGORITHMS = 13,
    EXT_ALPN = 16,
    EXT_EXTENDED_MASTER_SECRET = 23,
    EXT_SESSION_TICKET = 35,
    EXT_PRE_SHARED_KEY = 41,
    EXT_EARLY_DATA = 42,
    EXT_SUPPORTED_VERSIONS = 43,
    EXT_PSK_KEY_EXCHANGE_MODES = 45,
    EXT_KEY_SHARE_DRAFT = 40, /* key_share in TLS 1.3 drafts before 23 */
    EXT_KEY_SHARE = 51,
    EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d,
    EXT_RENEGOTIATION_INFO = 0xff01,
};

#define SESSION_ID_MAX 32
#define RANDOM_LEN 32
#define PSK_BINDER_MIN 32
#define SSLV2_CHALLENGE_MIN 16
#define SSLV2_CHALLENGE_MAX 32

static enum tg_status status_of(enum tg_rd_status e)
{
    return e == TG_RD_SHORT ? TG_E_SHORT : e == TG_RD_BAD ? TG_E_MALFORMED : TG_OK;
}

/* The body of a u8- or u16-length vector as a view. */
static struct tg_view vec_view(struct tg_rd *r, unsigned prefix_len)
{
    struct tg_rd v = prefix_len == 1 ? tg_rd_vec8(r) : tg_rd_vec16(r);
    return tg_rd_rest(&v);
}

/*
 * An extension whose whole body is one length-prefixed list of fixed-size
 * items, at least one. True with the list's body in `out`.
 */
static bool item_list(struct tg_rd *e, unsigned prefix_len, size_t item, struct tg_view *out)
{
    struct tg_view list = vec_view(e, prefix_len);
    if (!tg_rd_done(e) || list.len == 0 || list.len % item != 0)
        return false;
    *out = list;
    return true;
}

/* server_name: keeps the first host_name (type 0); names are not empty. */
static bool ext_server_name(struct tg_rd *e, struct tg_client_hello *ch)
{
    struct tg_rd list = tg_rd_vec16(e);
    struct tg_view host = {NULL, 0};
    size_t entries = 0;
    while (tg_rd_left(&list) > 0) {
        uint8_t type = tg_rd_u8(&list);
        struct tg_view name = vec_view(&list, 2);
        if (list.err || name.len == 0)
            return false;
        if (type == 0 && host.len == 0)
            host = name;
        entries++;
    }
    if (list.err || !tg_rd_done(e) || entries == 0)
        return false;
    ch->sni = host;
    ch->has_sni = host.len > 0;
    return true;
}

/* status_request: for OCSP (1) two u16 vectors; other types are opaque. */
static bool ext_status_request(struct tg_rd *e)
{
    uint8_t type = tg_rd_u8(e);
    if (type != 1) {
        tg_rd_skip(e, tg_rd_left(e));
        return tg_rd_done(e);
    }
    struct tg_rd ids = tg_rd_vec16(e);
    while (tg_rd_left(&ids) > 0) {
        struct tg_view id = vec_view(&ids, 2);
        if (ids.err || id.len == 0)
            return false;
    }
    (void)vec_view(e, 2); /* request_extensions, DER */
    return ids.err == TG_RD_OK && tg_rd_done(e);
}

bool tg_alpn_next(struct tg_rd *list, struct tg_view *name)
{
    if (tg_rd_left(list) == 0)
        return false;
    struct tg_view v = vec_view(list, 1);
    if (list->err)
        return false;
    if (v.len == 0) {
        tg_rd_fail(list, TG_RD_BAD);
        return false;
    }
    *name = v;
    return true;
}

/* ALPN: a non-empty ProtocolNameList of non-empty names. */
static bool ext_alpn(struct tg_rd *e, struct tg_client_hello *ch)
{
    struct tg_view body = vec_view(e, 2);
    struct tg_rd list = tg_rd_of(body);
    struct tg_view name;
    size_t n = 0;
    while (tg_alpn_next(&list, &name))
        n++;
    if (list.err || n == 0 || !tg_rd_done(e))
        return false;
    ch->alpn = body;
    ch->has_alpn = true;
    return true;
}

/* key_share: {group, key_exchange} entries; an empty list is allowed. */
static bool ext_key_share(struct tg_rd *e, struct tg_client_hello *ch)
{
    uint16_t groups[TG_CH_MAX_KEY_SHARES];
    size_t n = 0;
    bool over = false;
    struct tg_rd shares = tg_rd_vec16(e);
    while (tg_rd_left(&shares) > 0) {
        uint16_t group = tg_rd_u16(&shares);
        struct tg_view key = vec_view(&shares, 2);
        if (shares.err || key.len == 0)
            return false;
        if (n < TG_CH_MAX_KEY_SHARES)
            groups[n++] = group;
        else
            over = true;
    }
    if (shares.err || !tg_rd_done(e))
        return false;
    if (over)
        ch->problems |= TG_CH_TOO_MANY_KEY_SHARES;
    memcpy(ch->key_share_groups, groups, n * sizeof groups[0]);
    ch->n_key_share_groups = n;
    ch->has_key_share = true;
    return true;
}

/* pre_shared_key: identities and as many binders (RFC 8446 4.2.11). */
static bool ext_pre_shared_key(struct tg_rd *e)
{
    size_t n_ids = 0, n_binders = 0;
    struct tg_rd ids = tg_rd_vec16(e);
    while (tg_rd_left(&ids) > 0) {
        struct tg_view id = vec_view(&ids, 2);
        (void)tg_rd_u32(&ids); /* obfuscated_ticket_age */
        if (ids.err || id.len == 0)
            return false;
        n_ids++;
    }
    struct tg_rd binders = tg_rd_vec16(e);
    while (tg_rd_left(&binders) > 0) {
        struct tg_view b = vec_view(&binders, 1);
        if (binders.err || b.len < PSK_BINDER_MIN)
            return false;
        n_binders++;
    }
    return ids.err == TG_RD_OK && binders.err == TG_RD_OK && tg_rd_done(e) && n_ids > 0 &&
           n_ids == n_binders;
}

/* renegotiation_info: one u8 vector filling the body. */
static bool ext_renegotiation_info(struct tg_rd *e)
{
    (void)vec_view(e, 1);
    return tg_rd_done(e);
}

static bool ext_empty(const struct tg_rd *e)
{
    return tg_rd_done(e);
}

/* A list extension: its view and has_* flag are set only when well formed. */
static bool list_ext(struct tg_rd *e, unsigned prefix_len, size_t item, struct tg_view *view,
                     bool *has)
{
    *has = item_list(e, prefix_len, item, view);
    return *has;
}

static bool parse_list_ext(uint16_t type, struct tg_rd *e, struct tg_client_hello *ch)
{
    switch (type) {
    case EXT_SUPPORTED_GROUPS:
        return list_ext(e, 2, 2, &ch->supported_groups, &ch->has_supported_groups);
    case EXT_EC_POINT_FORMATS:
        return list_ext(e, 1, 1, &ch->ec_point_formats, &ch->has_ec_point_formats);
    case EXT_SIGNATURE_ALGORITHMS:
        return list_ext(e, 2, 2, &ch->signature_algorithms, &ch->has_signature_algorithms);
    case EXT_SUPPORTED_VERSIONS:
        return list_ext(e, 1, 2, &ch->supported_versions, &ch->has_supported_versions);
    case EXT_PSK_KEY_EXCHANGE_MODES:
        return list_ext(e, 1, 1, &ch->psk_key_exchange_modes, &ch->has_psk_key_exchange_modes);
    default:
        return true; /* unknown, GREASE, padding: kept by code only */
    }
}

/* Parses one extension body by type; false when it is malformed. */
static bool parse_extension(uint16_t type, struct tg_rd *e, struct tg_client_hello *ch)
{
    switch (type) {
    case EXT_SERVER_NAME:
        return ext_server_name(e, ch);
    case EXT_STATUS_REQUEST:
        ch->status_request = true;
        return ext_status_request(e);
    case EXT_ALPN:
        return ext_alpn(e, ch);
    case EXT_EXTENDED_MASTER_SECRET:
        ch->extended_master_secret = true;
        return ext_empty(e);
    case EXT_SESSION_TICKET:
        ch->has_session_ticket_ext = true;
        ch->session_ticket = tg_rd_left(e) > 0;
        return true;
    case EXT_PRE_SHARED_KEY:
        ch->pre_shared_key = true;
        return ext_pre_shared_key(e);
    case EXT_EARLY_DATA:
        ch->early_data = true;
        return ext_empty(e);
    case EXT_KEY_SHARE_DRAFT:
    case EXT_KEY_SHARE:
        return ext_key_share(e, ch);
    case EXT_ENCRYPTED_CLIENT_HELLO:
        ch->ech = true;
        return true;
    case EXT_RENEGOTIATION_INFO:
        ch->renegotiation_info = true;
        return ext_renegotiation_info(e);
    default:
        return parse_list_ext(type, e, ch);
    }
}

/* The types parse_extension() looks into, for finding repeats past the cap. */
static const uint16_t parsed_types[] = {
    EXT_SERVER_NAME,
    EXT_STATUS_REQUEST,
    EXT_SUPPORTED_GROUPS,
    EXT_EC_POINT_FORMATS,
    EXT_SIGNATURE_ALGORITHMS,
    EXT_ALPN,
    EXT_EXTENDED_MASTER_SECRET,
    EXT_SESSION_TICKET,
    EXT_PRE_SHARED_KEY,
    EXT_EARLY_DATA,
    EXT_SUPPORTED_VERSIONS,
    EXT_PSK_KEY_EXCHANGE_MODES,
    EXT_KEY_SHARE,
    EXT_KEY_SHARE_DRAFT,
    EXT_ENCRYPTED_CLIENT_HELLO,
    EXT_RENEGOTIATION_INFO,
};

static uint32_t parsed_bit(uint16_t type)
{
    for (size_t i = 0; i < sizeof parsed_types / sizeof parsed_types[0]; i++)
        if (parsed_types[i] == type)
            return 1u << i;
    return 0;
}

/*
 * Records a type in order; true when it was seen before: among the types
 * kept, and for the types we parse also past the cap (`parsed` holds their
 * bits), so a repeat never overwrites what the first occurrence set.
 */
static bool note_extension(struct tg_client_hello *ch, uint16_t type, uint32_t *parsed)
{
    bool seen = false;
    for (size_t i = 0; i < ch->n_extensions; i++)
        if (ch->extensions[i] == type)
            seen = true;
    uint32_t bit = parsed_bit(type);
    if (*parsed & bit)
        seen = true;
    *parsed |= bit;
    if (ch->n_extensions < TG_CH_MAX_EXTENSIONS)
        ch->extensions[ch->n_extensions++] = type;
    else
        ch->problems |= TG_CH_TOO_MANY_EXTENSIONS;
    ch->n_extensions_total++;
    return seen;
}

/* Walks the entries of an extensions block; a bad body does not stop it. */
static void walk_extensions(struct tg_rd *block, struct tg_client_hello *ch)
{
    uint32_t parsed = 0;
    while (tg_rd_left(block) > 0) {
        uint16_t type = tg_rd_u16(block);
        struct tg_rd body = tg_rd_vec16(block);
        if (block->err) {
            ch->problems |= TG_CH_BAD_EXTENSION; /* entry overruns the block */
            return;
        }
        if (note_extension(ch, type, &parsed))
            ch->problems |= TG_CH_DUPLICATE_EXTENSION;
        else if (!parse_extension(type, &body, ch))
            ch->problems |= TG_CH_BAD_EXTENSION;
    }
}

/* The optional extensions block after compression_methods. */
static enum tg_status read_extensions(struct tg_rd *r, struct tg_client_hello *ch)
{
    if (tg_rd_left(r) == 0)
        return TG_OK;
    size_t declared = tg_rd_u16(r);
    if (r->err)
        return status_of(r->err);
    ch->has_extensions_block = true;
    if (declared > tg_rd_left(r)) {
        ch->extensions_block = tg_rd_peek(r, tg_rd_left(r));
        struct tg_rd partial = tg_rd_of(tg_rd_rest(r));
        walk_extensions(&partial, ch);
        return TG_E_SHORT;
    }
    ch->extensions_block = tg_rd_peek(r, declared);
    struct tg_rd block = tg_rd_sub(r, declared);
    walk_extensions(&block, ch);
    if (tg_rd_left(r) > 0)
        ch->problems |= TG_CH_TRAILING_BYTES;
    return TG_OK;
}

enum tg_status tg_client_hello_parse(struct tg_view body, struct tg_client_hello *out)
{
    memset(out, 0, sizeof *out);
    struct tg_rd r = tg_rd_of(body);
    uint16_t version = tg_rd_u16(&r);
    struct tg_view random = tg_rd_bytes(&r, RANDOM_LEN);
    struct tg_view session_id = vec_view(&r, 1);
    struct tg_view suites = vec_view(&r, 2);
    struct tg_view compression = vec_view(&r, 1);
    if (r.err)
        return status_of(r.err);
    if (session_id.len > SESSION_ID_MAX || suites.len % 2 != 0)
        return TG_E_MALFORMED;
    out->legacy_version = version;
    out->random = random;
    out->session_id = session_id;
    out->cipher_suites = suites;
    out->compression_methods = compression;
    return read_extensions(&r, out);
}

enum tg_status tg_client_hello_parse_sslv2(struct tg_view body, struct tg_client_hello *out)
{
    memset(out, 0, sizeof *out);
    out->sslv2 = true;
    struct tg_rd r = tg_rd_of(body);
    uint8_t msg_type = tg_rd_u8(&r);
    uint16_t version = tg_rd_u16(&r);
    size_t specs_len = tg_rd_u16(&r);
    size_t session_id_len = tg_rd_u16(&r);
    size_t challenge_len = tg_rd_u16(&r);
    if (r.err)
        return status_of(r.err);
    if (msg_type != 1 || specs_len == 0 || specs_len % 3 != 0 || session_id_len > SESSION_ID_MAX ||
        challenge_len < SSLV2_CHALLENGE_MIN || challenge_len > SSLV2_CHALLENGE_MAX)
        return TG_E_MALFORMED;
    struct tg_view specs = tg_rd_bytes(&r, specs_len);
    struct tg_view session_id = tg_rd_bytes(&r, session_id_len);
    struct tg_view challenge = tg_rd_bytes(&r, challenge_len);
    if (r.err)
        return status_of(r.err);
    out->legacy_version = version;
    out->cipher_suites = specs;
    out->session_id = session_id;
    out->random = challenge;
    if (tg_rd_left(&r) > 0)
        out->problems |= TG_CH_TRAILING_BYTES;
    return TG_OK;
}
