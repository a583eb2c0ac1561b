/*
 * tlsframe.c - record layer and handshake framing, one direction.
 *
 * Record header (RFC 8446 5.1, RFC 5246 6.2.1), 5 bytes:
 *   content type (1), legacy record version (2: major 3, minor 0..4),
 *   length (2, at most 2^14 + 2048 for protected records).
 * Handshake message header (RFC 8446 4), 4 bytes:
 *   msg_type (1), length (3); messages follow one another in the byte
 *   stream formed by consecutive handshake records.
 * SSLv2 record header (RFC 6101 E.1, as sent in a compatible hello), 2 bytes:
 *   high bit set, then a 15-bit length; the body starts with msg_type
 *   (1 CLIENT-HELLO, 4 SERVER-HELLO).
 * When the session cannot tell whether a side's records after its
 * ChangeCipherSpec are protected, the first handshake record is judged by
 * its first 6 bytes (a hello in the clear, or a NULL-cipher Finished: msg
 * type and length); under a NULL cipher (RFC 5246 6.2.3.1) each record is
 * then its content followed by a MAC of the suite's hash size, which is
 * skipped.
 */
#include "tlsframe.h"

#include "session.h"

#include <stdlib.h>
#include <string.h>

#define SSLV2_CLIENT_HELLO 1
#define SSLV2_SERVER_HELLO 4
#define TG_CT_SSLV2 0x80 /* our marker for an SSLv2 record */

static bool plausible_version(uint8_t major, uint8_t minor)
{
    return major == 3 && minor <= 4;
}

static bool plausible_header(uint8_t type, uint8_t major, uint8_t minor, uint16_t len)
{
    return type >= TG_CT_CHANGE_CIPHER_SPEC && type <= TG_CT_HEARTBEAT &&
           plausible_version(major, minor) && len <= TG_MAX_RECORD_BODY;
}

static enum tg_looks looks_sslv2(struct tg_rd r)
{
    uint16_t len = tg_rd_u16(&r) & 0x7fff;
    uint8_t msg = tg_rd_u8(&r);
    uint8_t major = tg_rd_u8(&r);
    uint8_t minor = tg_rd_u8(&r);
    if (r.err)
        return TG_LOOKS_MORE;
    if (msg != SSLV2_CLIENT_HELLO || len < 9)
        return TG_LOOKS_NOT_TLS;
    if ((major == 0 && minor == 2) || plausible_version(major, minor))
        return TG_LOOKS_TLS;
    return TG_LOOKS_NOT_TLS;
}

enum tg_looks tg_tls_looks_like(struct tg_view first)
{
    struct tg_rd r = tg_rd_of(first);
    uint8_t type = tg_rd_u8(&r);
    if (r.err)
        return TG_LOOKS_MORE;
    if (type & 0x80)
        return looks_sslv2(tg_rd_of(first));
    if (type != TG_CT_HANDSHAKE)
        return TG_LOOKS_NOT_TLS;
    uint8_t major = tg_rd_u8(&r);
    uint8_t minor = tg_rd_u8(&r);
    uint16_t len = tg_rd_u16(&r);
    uint8_t msg = tg_rd_u8(&r);
    if (r.err) {
        /* Judge what is there: a bad prefix is already not TLS. */
        if (tg_rd_offset(&r) >= 2 && major != 3)
            return TG_LOOKS_NOT_TLS;
        return TG_LOOKS_MORE;
    }
    if (!plausible_header(type, major, minor, len) || len < 4)
        return TG_LOOKS_NOT_TLS;
    return msg == 1 || msg == 2 ? TG_LOOKS_TLS : TG_LOOKS_NOT_TLS;
}

#define HELLO_MIN_BODY 36 /* a TLS 1.3 draft ServerHello: version, random, suite */

bool tg_tls_judge_hello(struct tg_view first)
{
    struct tg_rd r = tg_rd_of(first);
    uint8_t type = tg_rd_u8(&r);
    uint32_t len = tg_rd_u24(&r);
    uint8_t major = tg_rd_u8(&r);
    uint8_t minor = tg_rd_u8(&r);
    if (r.err)
        return false;
    bool version = plausible_version(major, minor) || major == 0x7f;
    return (type == 1 || type == 2) && len >= HELLO_MIN_BODY && len <= TG_MAX_HS_MESSAGE && version;
}

#define FINISHED 20
#define VERIFY_DATA_LEN 12      /* RFC 5246 7.4.9 */
#define SSL3_VERIFY_DATA_LEN 36 /* RFC 6101 5.6.9: MD5 and SHA-1 hashes */

bool tg_tls_judge_finished(struct tg_view first, uint32_t record_len, uint8_t mac_len)
{
    struct tg_rd r = tg_rd_of(first);
    uint8_t type = tg_rd_u8(&r);
    uint32_t len = tg_rd_u24(&r);
    if (r.err || type != FINISHED || (len != VERIFY_DATA_LEN && len != SSL3_VERIFY_DATA_LEN))
        return false;
    return record_len == 4 + len + mac_len;
}

void tg_tls_dir_init(struct tg_tls_dir *d)
{
    memset(d, 0, sizeof *d);
}

void tg_tls_dir_free(struct tg_tls_dir *d)
{
    free(d->hs_buf);
    d->hs_buf = NULL;
    d->hs_cap = 0;
}

static void hs_reset(struct tg_tls_dir *d)
{
    d->hs_hdr_have = 0;
    d->hs_len = 0;
    d->hs_have = 0;
    d->hs_skip = false;
    tg_tls_dir_free(d); /* a split message is rare: give its buffer back */
}

/* Starts collecting a message of hs_len body bytes; false if over the cap. */
static bool hs_begin(struct tg_session *s, struct tg_tls_dir *d)
{
    struct tg_rd h = tg_rd_make(d->hs_hdr, sizeof d->hs_hdr);
    tg_rd_skip(&h, 1);
    d->hs_len = tg_rd_u24(&h);
    d->hs_have = 0;
    if (d->hs_len > TG_MAX_HS_MESSAGE) {
        tg_session_error(s, TG_ERR_HANDSHAKE_TOO_LARGE);
        d->hs_skip = true;
        return false;
    }
    if (d->hs_len > d->hs_cap) {
        uint8_t *p = realloc(d->hs_buf, d->hs_len);
        if (!p) {
            tg_session_error(s, TG_ERR_SESSION_MEMORY);
            d->hs_skip = true;
            return false;
        }
        d->hs_buf = p;
        d->hs_cap = d->hs_len;
    }
    return true;
}

static void hs_dispatch(struct tg_session *s, int dir, struct tg_view body, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    uint8_t type = d->hs_hdr[0];
    hs_reset(d);
    tg_session_handshake(s, dir, type, body, ts);
}

/* Handshake-record body bytes: cut them into messages. */
static void hs_feed(struct tg_session *s, int dir, struct tg_view chunk, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    struct tg_rd r = tg_rd_of(chunk);
    while (tg_rd_left(&r) > 0 && !d->encrypted) {
        if (d->hs_skip) {
            size_t n = d->hs_len - d->hs_have;
            if (n > tg_rd_left(&r))
                n = tg_rd_left(&r);
            tg_rd_skip(&r, n);
            d->hs_have += (uint32_t)n;
            if (d->hs_have == d->hs_len)
                hs_reset(d);
            continue;
        }
        if (d->hs_hdr_have == 0 && tg_rd_left(&r) >= 4) {
            /* Fast path: the whole message is in this view. */
            struct tg_rd peek = r;
            uint8_t type = tg_rd_u8(&peek);
            uint32_t len = tg_rd_u24(&peek);
            if (len <= tg_rd_left(&peek)) {
                struct tg_view body = tg_rd_bytes(&peek, len);
                r = peek;
                tg_session_handshake(s, dir, type, body, ts);
                continue;
            }
        }
        if (d->hs_hdr_have < 4) {
            d->hs_hdr[d->hs_hdr_have++] = tg_rd_u8(&r);
            if (d->hs_hdr_have == 4 && hs_begin(s, d) && d->hs_len == 0) {
                struct tg_view none = {NULL, 0};
                hs_dispatch(s, dir, none, ts);
            }
            continue;
        }
        size_t n = d->hs_len - d->hs_have;
        if (n > tg_rd_left(&r))
            n = tg_rd_left(&r);
        struct tg_view part = tg_rd_bytes(&r, n);
        if (part.len > 0)
            memcpy(d->hs_buf + d->hs_have, part.p, part.len);
        d->hs_have += (uint32_t)n;
        if (d->hs_have == d->hs_len) {
            struct tg_view body = {d->hs_buf, d->hs_len};
            uint8_t type = d->hs_hdr[0];
            d->hs_hdr_have = 0;
            tg_session_handshake(s, dir, type, body, ts);
            hs_reset(d);
        }
    }
}

/* Plaintext alert bytes: two per alert. */
static void alert_feed(struct tg_session *s, int dir, struct tg_view chunk, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    struct tg_rd r = tg_rd_of(chunk);
    while (tg_rd_left(&r) > 0) {
        d->alert[d->alert_have++] = tg_rd_u8(&r);
        if (d->alert_have == 2) {
            d->alert_have = 0;
            tg_session_alert(s, dir, d->alert[0], d->alert[1], ts);
        }
    }
}

/* A plaintext alert record holds one alert (and under a NULL cipher its
 * MAC); anything else is protected. */
static bool alert_is_plain(const struct tg_tls_dir *d)
{
    return !d->encrypted && d->body_len == 2u + (d->null_cipher ? d->mac_len : 0u);
}

static void record_end(struct tg_session *s, int dir, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    d->in_body = false;
    switch (d->type) {
    case TG_CT_CHANGE_CIPHER_SPEC:
        tg_session_ccs(s, dir, d->body_len, ts);
        break;
    case TG_CT_ALERT:
        if (!alert_is_plain(d))
            tg_session_protected(s, dir, d->type, d->body_len, ts);
        else if (d->alert_have != 0)
            tg_session_error(s, TG_ERR_MALFORMED_ALERT);
        d->alert_have = 0;
        break;
    case TG_CT_HANDSHAKE:
        if (d->encrypted)
            tg_session_protected(s, dir, d->type, d->body_len, ts);
        break;
    case TG_CT_APPLICATION_DATA:
        tg_session_protected(s, dir, d->type, d->body_len, ts);
        break;
    default:
        break;
    }
}

/* SSLv2 record: the whole body is gathered, then handed to the session. */
static void sslv2_body(struct tg_session *s, int dir, struct tg_view body, int64_t ts)
{
    struct tg_rd r = tg_rd_of(body);
    uint8_t msg = tg_rd_u8(&r);
    if (msg == SSLV2_CLIENT_HELLO)
        tg_session_sslv2_client_hello(s, dir, body, ts);
    else if (msg == SSLV2_SERVER_HELLO)
        tg_session_sslv2_server_hello(s, dir, (uint32_t)body.len, ts);
    else
        tg_session_error(s, TG_ERR_UNEXPECTED_MESSAGE);
}

/*
 * The first handshake record after an ambiguous CCS: its first bytes are
 * gathered in `probe`; a hello in the clear is then fed on from them, and
 * anything else turns the side protected. False while bytes are missing.
 */
static bool judge_record(struct tg_session *s, int dir, struct tg_rd *r, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    size_t need = d->body_len < sizeof d->probe ? d->body_len : sizeof d->probe;
    size_t n = need - d->probe_have;
    if (n > tg_rd_left(r))
        n = tg_rd_left(r);
    struct tg_view part = tg_rd_bytes(r, n);
    memcpy(d->probe + d->probe_have, part.p, part.len);
    d->probe_have = (uint8_t)(d->probe_have + n);
    d->body_left -= (uint32_t)n;
    if (d->probe_have < need)
        return false;
    struct tg_view first = {d->probe, d->probe_have};
    bool clear = d->null_cipher ? tg_tls_judge_finished(first, d->body_len, d->mac_len)
                                : tg_tls_judge_hello(first);
    d->judge = false;
    d->probe_have = 0;
    if (clear) {
        hs_feed(s, dir, first, ts);
    } else {
        d->encrypted = true;
        d->null_cipher = false;
    }
    return true;
}

/* Bytes of the current record's body still ahead that are its content, not
 * the MAC after the content of a NULL-cipher record. */
static size_t content_left(const struct tg_tls_dir *d)
{
    size_t mac = d->null_cipher && !d->encrypted ? d->mac_len : 0;
    return d->body_left > mac ? d->body_left - mac : 0;
}

/* Takes the next n body bytes of r: those that are content go to `feed`,
 * a MAC after them is skipped. */
static void content_feed(struct tg_session *s, int dir, struct tg_rd *r, size_t n, int64_t ts,
                         void (*feed)(struct tg_session *, int, struct tg_view, int64_t))
{
    size_t c = content_left(&s->tls[dir]);
    if (c > n)
        c = n;
    feed(s, dir, tg_rd_bytes(r, c), ts);
    tg_rd_skip(r, n - c);
}

static void record_body(struct tg_session *s, int dir, struct tg_rd *r, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    if (d->type == TG_CT_HANDSHAKE && d->judge && !d->encrypted) {
        if (!judge_record(s, dir, r, ts))
            return;
        if (d->body_left == 0) {
            record_end(s, dir, ts);
            return;
        }
    }
    size_t n = d->body_left;
    if (n > tg_rd_left(r))
        n = tg_rd_left(r);
    if (d->type == TG_CT_SSLV2) {
        /* Gathered in hs_buf like a split handshake message. */
        if (n == d->body_len && d->hs_have == 0) {
            struct tg_view body = tg_rd_bytes(r, n);
            d->body_left = 0;
            d->in_body = false;
            sslv2_body(s, dir, body, ts);
            return;
        }
        if (d->hs_cap < d->body_len) {
            uint8_t *p = realloc(d->hs_buf, d->body_len);
            if (!p) {
                tg_session_error(s, TG_ERR_SESSION_MEMORY);
                d->dead = true;
                return;
            }
            d->hs_buf = p;
            d->hs_cap = d->body_len;
        }
        struct tg_view part = tg_rd_bytes(r, n);
        if (part.len > 0)
            memcpy(d->hs_buf + d->hs_have, part.p, part.len);
        d->hs_have += (uint32_t)n;
        d->body_left -= (uint32_t)n;
        if (d->body_left == 0) {
            struct tg_view body = {d->hs_buf, d->body_len};
            d->in_body = false;
            sslv2_body(s, dir, body, ts);
            hs_reset(d);
        }
        return;
    }
    if (d->type == TG_CT_HANDSHAKE && !d->encrypted)
        content_feed(s, dir, r, n, ts, hs_feed);
    else if (d->type == TG_CT_ALERT && alert_is_plain(d))
        content_feed(s, dir, r, n, ts, alert_feed);
    else
        tg_rd_skip(r, n); /* protected or application data: not read */
    d->body_left -= (uint32_t)n;
    if (d->body_left == 0)
        record_end(s, dir, ts);
}

static void start_record(struct tg_session *s, int dir, struct tg_rd hdr, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    uint8_t type = tg_rd_u8(&hdr);
    uint8_t major = tg_rd_u8(&hdr);
    uint8_t minor = tg_rd_u8(&hdr);
    uint16_t len = tg_rd_u16(&hdr);
    if (!plausible_header(type, major, minor, len)) {
        tg_session_error(s, TG_ERR_MALFORMED_RECORD);
        d->resync = true;
        return;
    }
    if (!d->started)
        d->first_version = (uint16_t)(major << 8 | minor);
    d->started = true;
    d->version = (uint16_t)(major << 8 | minor);
    d->type = type;
    d->body_len = len;
    d->body_left = len;
    d->in_body = true;
    if (len == 0)
        record_end(s, dir, ts);
}

/* The first record of a side may be an SSLv2 one: 2-byte header. */
static bool start_sslv2(struct tg_session *s, int dir, struct tg_rd *r)
{
    struct tg_tls_dir *d = &s->tls[dir];
    struct tg_view head = tg_rd_peek(r, 1);
    if (d->started || d->hdr_have != 0 || head.len == 0 || !(tg_view_at(head, 0) & 0x80))
        return false;
    if (tg_rd_left(r) < 2)
        return false; /* header split: the 5-byte path gathers it, then fails */
    uint16_t len = tg_rd_u16(r) & 0x7fff;
    d->started = true;
    d->first_version = 0x0002;
    d->sslv2 = true;
    d->type = TG_CT_SSLV2;
    d->body_len = len;
    d->body_left = len;
    d->in_body = len > 0;
    return true;
}

static void read_header(struct tg_session *s, int dir, struct tg_rd *r, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    if (start_sslv2(s, dir, r))
        return;
    if (d->hdr_have == 0 && tg_rd_left(r) >= 5) {
        start_record(s, dir, tg_rd_sub(r, 5), ts);
        return;
    }
    while (d->hdr_have < 5 && tg_rd_left(r) > 0)
        d->hdr[d->hdr_have++] = tg_rd_u8(r);
    if (d->hdr_have == 5) {
        d->hdr_have = 0;
        start_record(s, dir, tg_rd_make(d->hdr, 5), ts);
    }
}

/* After a gap: skip to the first plausible record header in the view. */
static void resync_scan(struct tg_session *s, int dir, struct tg_rd *r)
{
    struct tg_tls_dir *d = &s->tls[dir];
    while (tg_rd_left(r) >= 5) {
        struct tg_rd h = tg_rd_of(tg_rd_peek(r, 5));
        uint8_t type = tg_rd_u8(&h);
        uint8_t major = tg_rd_u8(&h);
        uint8_t minor = tg_rd_u8(&h);
        uint16_t len = tg_rd_u16(&h);
        if (plausible_header(type, major, minor, len) && type != TG_CT_HEARTBEAT) {
            d->resync = false;
            d->hdr_have = 0;
            return;
        }
        tg_rd_skip(r, 1);
        d->bytes_skipped++;
        tg_session_error(s, TG_ERR_RESYNC);
    }
    d->bytes_skipped += tg_rd_left(r);
    tg_rd_skip(r, tg_rd_left(r));
}

void tg_tls_feed(struct tg_session *s, int dir, struct tg_view data, int64_t ts)
{
    struct tg_tls_dir *d = &s->tls[dir];
    struct tg_rd r = tg_rd_of(data);
    while (!d->dead && tg_rd_left(&r) > 0) {
        if (d->resync)
            resync_scan(s, dir, &r);
        else if (!d->in_body)
            read_header(s, dir, &r, ts);
        else
            record_body(s, dir, &r, ts);
    }
}

void tg_tls_gap(struct tg_session *s, int dir, uint64_t bytes)
{
    struct tg_tls_dir *d = &s->tls[dir];
    if (d->dead)
        return;
    d->bytes_skipped += bytes;
    d->probe_have = 0; /* a record being judged is judged again from its next header */
    if (d->in_body && bytes < d->body_left && d->type != TG_CT_SSLV2) {
        /* The loss is inside the current record: stay in step with it. */
        d->body_left -= (uint32_t)bytes;
        if (d->type == TG_CT_HANDSHAKE && !d->encrypted) {
            if (d->hs_hdr_have == 4 && !d->hs_skip && bytes < d->hs_len - d->hs_have) {
                d->hs_have += (uint32_t)bytes;
                d->hs_skip = true; /* the rest of this message is skipped */
            } else {
                hs_reset(d);
                d->resync = true; /* message alignment lost */
                d->in_body = false;
            }
        }
        if (d->type == TG_CT_ALERT)
            d->alert_have = 0;
        return;
    }
    hs_reset(d);
    d->in_body = false;
    d->hdr_have = 0;
    d->alert_have = 0;
    d->resync = true;
}
