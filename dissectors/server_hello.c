/*
 * server_hello.c - ServerHello and HelloRetryRequest (RFC 8446 4.1.3 and
 * 4.1.4, RFC 5246 7.4.1.3) and the SSLv2 SERVER-HELLO (SSLv2 spec 2.6).
 *
 * The handshake body, in our words:
 *   legacy_version        u16
 *   random                32 bytes; SHA-256("HelloRetryRequest") marks an HRR
 *   legacy_session_id     u8 length, 0..32 bytes
 *   cipher_suite          u16
 *   compression_method    u8
 *   extensions            optional: u16 length, then entries of
 *                           { u16 type, u16 length, body }
 *
 * Extension bodies parsed here (each must fill its entry exactly):
 *   supported_versions (RFC 8446 4.2.1)   u16 selected version
 *   key_share (RFC 8446 4.2.8)            ServerHello: u16 group, u16 len
 *                                         key_exchange (>0); HRR: u16 group
 *   pre_shared_key (RFC 8446 4.2.11)      u16 selected_identity
 *   ALPN (RFC 7301 3.1)                   u16 len list of exactly one
 *                                         { u8 len (>0), name }
 *   cookie (RFC 8446 4.2.2)               u16 len (>0) cookie
 *   session_ticket (RFC 5077 3.2), extended_master_secret (RFC 7627),
 *   encrypt_then_mac (RFC 7366), status_request (RFC 6066 8): empty
 *   renegotiation_info (RFC 5746 3.2)     u8 len renegotiated_connection
 *   ec_point_formats (RFC 8422 5.2)       u8 len, u8 formats (>0)
 *
 * TLS 1.3 drafts up to 21 used: u16 version (0x7fNN), random, u16
 * cipher_suite, extensions (no session id, no compression method).
 *
 * The SSLv2 SERVER-HELLO, after its record header: u8 msg_type (4),
 * u8 session_id_hit, u8 certificate_type, u16 server_version, u16
 * certificate length, u16 cipher_specs length, u16 connection_id length,
 * then the certificate, the cipher specs and the connection id.
 */
#include "server_hello.h"

#include <string.h>

enum {
    EXT_STATUS_REQUEST = 5,
    EXT_EC_POINT_FORMATS = 11,
    EXT_ALPN = 16,
    EXT_ENCRYPT_THEN_MAC = 22,
    EXT_EXTENDED_MASTER_SECRET = 23,
    EXT_SESSION_TICKET = 35,
    EXT_PRE_SHARED_KEY = 41,
    EXT_SUPPORTED_VERSIONS = 43,
    EXT_COOKIE = 44,
    EXT_KEY_SHARE_DRAFT = 40, /* key_share in TLS 1.3 drafts before 23 */
    EXT_KEY_SHARE = 51,
    EXT_RENEGOTIATION_INFO = 0xff01,
};

#define SESSION_ID_MAX 32
#define RANDOM_LEN 32
#define SSLV2_CONNECTION_ID_MIN 16
#define SSLV2_CONNECTION_ID_MAX 32

/* SHA-256 of the ASCII string "HelloRetryRequest" (RFC 8446 4.1.3). */
static const uint8_t hrr_random[RANDOM_LEN] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static enum tg_status status_of(enum tg_rd_status e)
{
    return e == TG_RD_SHORT ? TG_E_SHORT : e == TG_RD_BAD ? TG_E_MALFORMED : TG_OK;
}

static struct tg_view vec_view(struct tg_rd *r, unsigned prefix_len)
{
    struct tg_rd v = prefix_len == 1 ? tg_rd_vec8(r) : tg_rd_vec16(r);
    return tg_rd_rest(&v);
}

bool tg_server_hello_is_hrr_random(struct tg_view random)
{
    return random.len == RANDOM_LEN && memcmp(random.p, hrr_random, RANDOM_LEN) == 0;
}

/* A body that is exactly one u16. */
static bool one_u16(struct tg_rd *e, uint16_t *out)
{
    uint16_t v = tg_rd_u16(e);
    if (!tg_rd_done(e))
        return false;
    *out = v;
    return true;
}

/* key_share: a full KeyShareEntry in a ServerHello, a group in an HRR. */
static bool ext_key_share(struct tg_rd *e, struct tg_server_hello *sh)
{
    uint16_t group = tg_rd_u16(e);
    if (!sh->is_hrr) {
        struct tg_view key = vec_view(e, 2);
        if (key.len == 0)
            return false;
    }
    if (!tg_rd_done(e))
        return false;
    sh->key_share_group = group;
    sh->has_key_share = true;
    return true;
}

/* ALPN: a ProtocolNameList holding exactly one non-empty name. */
static bool ext_alpn(struct tg_rd *e, struct tg_server_hello *sh)
{
    struct tg_rd list = tg_rd_vec16(e);
    struct tg_view name = vec_view(&list, 1);
    if (list.err || name.len == 0 || !tg_rd_done(&list) || !tg_rd_done(e))
        return false;
    sh->alpn = name;
    sh->has_alpn = true;
    return true;
}

static bool ext_ec_point_formats(struct tg_rd *e, struct tg_server_hello *sh)
{
    struct tg_view list = vec_view(e, 1);
    if (!tg_rd_done(e) || list.len == 0)
        return false;
    sh->ec_point_formats = list;
    sh->has_ec_point_formats = true;
    return true;
}

/* A body holding one vector that fills it (cookie, renegotiation_info). */
static bool one_vector(struct tg_rd *e, unsigned prefix_len, size_t min_len)
{
    struct tg_view v = vec_view(e, prefix_len);
    return tg_rd_done(e) && v.len >= min_len;
}

/* Extensions whose presence is what matters; their bodies are checked. */
static bool parse_flag_ext(uint16_t type, struct tg_rd *e, struct tg_server_hello *sh)
{
    switch (type) {
    case EXT_STATUS_REQUEST:
        sh->status_request = true;
        return tg_rd_done(e);
    case EXT_ENCRYPT_THEN_MAC:
        sh->encrypt_then_mac = true;
        return tg_rd_done(e);
    case EXT_EXTENDED_MASTER_SECRET:
        sh->extended_master_secret = true;
        return tg_rd_done(e);
    case EXT_SESSION_TICKET:
        sh->has_session_ticket_ext = true;
        return tg_rd_done(e);
    case EXT_COOKIE:
        sh->cookie = true;
        return one_vector(e, 2, 1);
    case EXT_RENEGOTIATION_INFO:
        sh->renegotiation_info = true;
        return one_vector(e, 1, 0);
    default:
        return true; /* unknown or GREASE: kept by code only */
    }
}

/* Parses one extension body by type; false when it is malformed. */
static bool parse_extension(uint16_t type, struct tg_rd *e, struct tg_server_hello *sh)
{
    switch (type) {
    case EXT_SUPPORTED_VERSIONS:
        return one_u16(e, &sh->selected_version);
    case EXT_KEY_SHARE_DRAFT:
    case EXT_KEY_SHARE:
        return ext_key_share(e, sh);
    case EXT_PRE_SHARED_KEY:
        sh->pre_shared_key = true;
        sh->has_selected_identity = one_u16(e, &sh->selected_identity);
        return sh->has_selected_identity;
    case EXT_ALPN:
        return ext_alpn(e, sh);
    case EXT_EC_POINT_FORMATS:
        return ext_ec_point_formats(e, sh);
    default:
        return parse_flag_ext(type, e, sh);
    }
}

/* The types parse_extension() looks into, for finding repeats past the cap. */
static const uint16_t parsed_types[] = {
    EXT_STATUS_REQUEST,   EXT_EC_POINT_FORMATS,       EXT_ALPN,
    EXT_ENCRYPT_THEN_MAC, EXT_EXTENDED_MASTER_SECRET, EXT_SESSION_TICKET,
    EXT_PRE_SHARED_KEY,   EXT_SUPPORTED_VERSIONS,     EXT_COOKIE,
    EXT_KEY_SHARE,        EXT_RENEGOTIATION_INFO,     EXT_KEY_SHARE_DRAFT,
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
static bool note_extension(struct tg_server_hello *sh, uint16_t type, uint32_t *parsed)
{
    bool seen = false;
    for (size_t i = 0; i < sh->n_extensions; i++)
        if (sh->extensions[i] == type)
            seen = true;
    uint32_t bit = parsed_bit(type);
    if (*parsed & bit)
        seen = true;
    *parsed |= bit;
    if (sh->n_extensions < TG_SH_MAX_EXTENSIONS)
        sh->extensions[sh->n_extensions++] = type;
    else
        sh->problems |= TG_SH_TOO_MANY_EXTENSIONS;
    sh->n_extensions_total++;
    return seen;
}

static void walk_extensions(struct tg_rd *block, struct tg_server_hello *sh)
{
    uint32_t parsed = 0;
    while (tg_rd_left(block) > 0) {
        uint16_t type = tg_rd_u16(block);
        struct tg_rd body = tg_rd_vec16(block);
        if (block->err) {
            sh->problems |= TG_SH_BAD_EXTENSION; /* entry overruns the block */
            return;
        }
        if (note_extension(sh, type, &parsed))
            sh->problems |= TG_SH_DUPLICATE_EXTENSION;
        else if (!parse_extension(type, &body, sh))
            sh->problems |= TG_SH_BAD_EXTENSION;
    }
}

/* The optional extensions block after compression_method. */
static enum tg_status read_extensions(struct tg_rd *r, struct tg_server_hello *sh)
{
    if (tg_rd_left(r) == 0)
        return TG_OK;
    size_t declared = tg_rd_u16(r);
    if (r->err)
        return status_of(r->err);
    sh->has_extensions_block = true;
    if (declared > tg_rd_left(r)) {
        sh->extensions_block = tg_rd_peek(r, tg_rd_left(r));
        struct tg_rd partial = tg_rd_of(tg_rd_rest(r));
        walk_extensions(&partial, sh);
        return TG_E_SHORT;
    }
    sh->extensions_block = tg_rd_peek(r, declared);
    struct tg_rd block = tg_rd_sub(r, declared);
    walk_extensions(&block, sh);
    if (tg_rd_left(r) > 0)
        sh->problems |= TG_SH_TRAILING_BYTES;
    return TG_OK;
}

/* TLS 1.3 drafts 0 to 21 (0x7f00..0x7f15) sent the version in the fixed
 * part and had neither session id nor compression method. */
static bool draft_layout(uint16_t version)
{
    return (version >> 8) == 0x7f && (version & 0xff) < 22;
}

static enum tg_status parse_draft(struct tg_rd *r, uint16_t version, struct tg_server_hello *out)
{
    struct tg_view random = tg_rd_bytes(r, RANDOM_LEN);
    uint16_t suite = tg_rd_u16(r);
    if (r->err)
        return status_of(r->err);
    out->legacy_version = version;
    out->selected_version = version;
    out->random = random;
    out->cipher_suite = suite;
    return read_extensions(r, out);
}

static enum tg_status parse_final(struct tg_view body, struct tg_server_hello *out);

/*
 * RFC 8446 fixes legacy_version at 0x0303; early TLS 1.3 servers sent 0x0304
 * in the draft layout instead. Such a hello is read in the final layout
 * first and, if that fails, in the draft layout.
 */
enum tg_status tg_server_hello_parse(struct tg_view body, struct tg_server_hello *out)
{
    enum tg_status st = parse_final(body, out);
    struct tg_rd r = tg_rd_of(body);
    if (st == TG_OK || tg_rd_u16(&r) != 0x0304)
        return st;
    struct tg_server_hello draft;
    memset(&draft, 0, sizeof draft);
    if (parse_draft(&r, 0x0304, &draft) == TG_OK && !draft.problems) {
        *out = draft;
        return TG_OK;
    }
    return st;
}

static enum tg_status parse_final(struct tg_view body, struct tg_server_hello *out)
{
    memset(out, 0, sizeof *out);
    struct tg_rd r = tg_rd_of(body);
    uint16_t version = tg_rd_u16(&r);
    if (draft_layout(version))
        return parse_draft(&r, version, out);
    struct tg_view random = tg_rd_bytes(&r, RANDOM_LEN);
    struct tg_view session_id = vec_view(&r, 1);
    uint16_t suite = tg_rd_u16(&r);
    uint8_t compression = tg_rd_u8(&r);
    if (r.err)
        return status_of(r.err);
    if (session_id.len > SESSION_ID_MAX)
        return TG_E_MALFORMED;
    out->legacy_version = version;
    out->random = random;
    out->is_hrr = tg_server_hello_is_hrr_random(random);
    out->session_id = session_id;
    out->cipher_suite = suite;
    out->compression_method = compression;
    return read_extensions(&r, out);
}

enum tg_status tg_server_hello_parse_sslv2(struct tg_view body, struct tg_server_hello *out)
{
    memset(out, 0, sizeof *out);
    out->sslv2 = true;
    struct tg_rd r = tg_rd_of(body);
    uint8_t msg_type = tg_rd_u8(&r);
    uint8_t hit = tg_rd_u8(&r);
    uint8_t cert_type = tg_rd_u8(&r);
    uint16_t version = tg_rd_u16(&r);
    size_t cert_len = tg_rd_u16(&r);
    size_t specs_len = tg_rd_u16(&r);
    size_t conn_id_len = tg_rd_u16(&r);
    if (r.err)
        return status_of(r.err);
    if (msg_type != 4 || specs_len % 3 != 0 || conn_id_len < SSLV2_CONNECTION_ID_MIN ||
        conn_id_len > SSLV2_CONNECTION_ID_MAX)
        return TG_E_MALFORMED;
    struct tg_view cert = tg_rd_bytes(&r, cert_len);
    struct tg_view specs = tg_rd_bytes(&r, specs_len);
    struct tg_view conn_id = tg_rd_bytes(&r, conn_id_len);
    if (r.err)
        return status_of(r.err);
    out->legacy_version = version;
    out->sslv2_session_id_hit = hit != 0;
    out->sslv2_certificate_type = cert_type;
    out->sslv2_certificate = cert;
    out->sslv2_cipher_specs = specs;
    out->random = conn_id;
    if (tg_rd_left(&r) > 0)
        out->problems |= TG_SH_TRAILING_BYTES;
    return TG_OK;
}
