/*
 * session.c - the handshake's progress, from the framing's events.
 *
 * Completion (the contract's `state`):
 *   TLS <= 1.2: each side sends ChangeCipherSpec then its Finished as the
 *   first protected handshake record; both seen means established. An
 *   abbreviated handshake (resumption) has the server's CCS before any
 *   server Certificate.
 *   TLS 1.3: after the ServerHello every server record is protected; the
 *   client's first protected record after the server's flight carries its
 *   Finished. A 19-byte protected record there (2-byte alert, inner content
 *   type, 16-byte AEAD tag) is the client's encrypted alert instead, and the
 *   handshake failed.
 *   A fatal alert, or a RST, before completion means failed.
 *   Under a NULL-cipher suite (RFC 5246 6.2.3.1) the Finished messages
 *   after CCS are in the clear, followed by the record MAC; the framing
 *   reads them so once the first one is seen to fit.
 *
 * ChangeCipherSpec with no ServerHello seen, from a client that offered
 * TLS 1.3 (or around a HelloRetryRequest), may be RFC 8446 D.4's
 * compatibility message or a TLS <= 1.2 one (a resumption whose ServerHello
 * was not captured): the framing judges the next handshake record, a hello
 * in the clear or an encrypted Finished.
 *
 * `messages` ends with the handshake. When one side's alert (or RST) fails
 * it, the other side's flight may be crossing it: that side's events go on
 * being listed up to its own Finished or alert.
 */
#include "session.h"

#include "../dissectors/cipher_info.h"
#include "../dissectors/names.h"
#include "../dissectors/u16list.h"

#include <stdlib.h>
#include <string.h>

enum {
    HS_HELLO_REQUEST = 0,
    HS_CLIENT_HELLO = 1,
    HS_SERVER_HELLO = 2,
    HS_NEW_SESSION_TICKET = 4,
    HS_CERTIFICATE = 11,
    HS_SERVER_KEY_EXCHANGE = 12,
    HS_CERTIFICATE_REQUEST = 13,
    HS_SERVER_HELLO_DONE = 14,
    HS_CERTIFICATE_VERIFY = 15,
    HS_CLIENT_KEY_EXCHANGE = 16,
    HS_FINISHED = 20,
};

#define TLS13_ENCRYPTED_ALERT_LEN 19
#define TG_FIRST_EVENTS 4 /* room in `events` at first: most flows wait after one or two */

struct tg_session *tg_session_new(void)
{
    struct tg_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    tg_arena_init(&s->arena, TG_SESSION_ARENA_CAP);
    tg_tls_dir_init(&s->tls[0]);
    tg_tls_dir_init(&s->tls[1]);
    s->client_dir = -1;
    s->fail_side = -1;
    return s;
}

void tg_session_free(struct tg_session *s)
{
    if (!s)
        return;
    tg_tls_dir_free(&s->tls[0]);
    tg_tls_dir_free(&s->tls[1]);
    tg_arena_free(&s->arena);
    free(s->events);
    free(s);
}

size_t tg_session_pack(const struct tg_session *s, uint8_t *out)
{
    return tg_arena_pack(s, sizeof *s, out);
}

void tg_session_release(struct tg_session *s)
{
    free(s);
}

struct tg_session *tg_session_unpack(const uint8_t *in, size_t len, struct tg_session *spare)
{
    struct tg_session *s = spare ? spare : malloc(sizeof *s);
    if (s && !tg_arena_unpack(in, len, s, sizeof *s))
        abort(); /* not bytes tg_session_pack wrote: memory is corrupt */
    return s;
}

void tg_session_free_packed(const uint8_t *in, size_t len)
{
    struct tg_session s;
    if (!tg_arena_unpack(in, len, &s, sizeof s))
        abort();
    tg_tls_dir_free(&s.tls[0]);
    tg_tls_dir_free(&s.tls[1]);
    tg_arena_free(&s.arena);
    free(s.events);
}

void tg_session_error(struct tg_session *s, enum tg_err e)
{
    s->errors |= TG_ERR_BIT(e);
}

int tg_session_side(const struct tg_session *s, int dir)
{
    if (s->client_dir < 0)
        return dir == 0 ? 0 : 1;
    return dir == s->client_dir ? 0 : 1;
}

bool tg_session_handshake_over(const struct tg_session *s)
{
    return s->established || s->failed;
}

static bool is_tls13(const struct tg_session *s)
{
    return s->have_sh && tg_version_is_tls13(s->version);
}

const char *tg_session_state(const struct tg_session *s)
{
    if (s->failed && !s->established)
        return "failed";
    if (s->established) {
        bool resumed = is_tls13(s) ? s->sh.pre_shared_key : s->abbreviated;
        return resumed ? "resumed" : "established";
    }
    return "incomplete";
}

/*
 * Whether `messages` still lists events of `side`. It ends with the
 * handshake; but when one side's alert (or RST) failed the handshake, the
 * other side's flight may already be on its way, crossing it: that side's
 * events are listed until its own Finished or alert.
 */
static bool listing(const struct tg_session *s, int side)
{
    if (s->established)
        return false;
    if (!s->failed)
        return true;
    return side != s->fail_side && !s->closed[side];
}

/* The handshake failed through side `side`: its events end here. */
static void fail(struct tg_session *s, int side)
{
    if (s->failed)
        return;
    s->failed = true;
    s->fail_side = side;
}

/* Appends to `messages`; NULL when the list is closed or full. */
static struct tg_event *add_event(struct tg_session *s, int dir, enum tg_event_kind kind,
                                  uint8_t hs_type, size_t length, int64_t ts)
{
    if (!listing(s, tg_session_side(s, dir)))
        return NULL;
    if (s->n_events >= TG_MAX_MESSAGES) {
        tg_session_error(s, TG_ERR_TOO_MANY_MESSAGES);
        return NULL;
    }
    if (s->n_events == s->cap_events) {
        uint32_t cap = s->cap_events ? s->cap_events * 2 : TG_FIRST_EVENTS;
        struct tg_event *ev = realloc(s->events, cap * sizeof *ev);
        if (!ev) {
            tg_session_error(s, TG_ERR_SESSION_MEMORY);
            return NULL;
        }
        s->events = ev;
        s->cap_events = cap;
    }
    struct tg_event *e = &s->events[s->n_events++];
    e->ts = ts;
    e->length = length > UINT32_MAX ? UINT32_MAX : (uint32_t)length;
    e->dir = (uint8_t)dir;
    e->kind = (uint8_t)kind;
    e->hs_type = hs_type;
    e->hrr = false;
    return e;
}

static struct tg_view keep_copy(struct tg_session *s, struct tg_view body)
{
    struct tg_view copy = tg_arena_copy(&s->arena, body);
    if (body.len && !copy.p)
        tg_session_error(s, TG_ERR_SESSION_MEMORY);
    return copy;
}

static void keep(struct tg_session *s, struct tg_kept *k, int dir, struct tg_view body)
{
    if (k->present)
        return;
    k->body = keep_copy(s, body);
    k->dir = (uint8_t)dir;
    k->present = true;
}

/* A hello's salvage bits as the record's errors: a cap reached has its own
 * error; anything else the dissector salvaged is a malformed extension. */
static void note_problems(struct tg_session *s, unsigned problems, unsigned too_many,
                          unsigned too_many_shares)
{
    if (problems & too_many)
        tg_session_error(s, TG_ERR_TOO_MANY_EXTENSIONS);
    if (problems & too_many_shares)
        tg_session_error(s, TG_ERR_TOO_MANY_KEY_SHARES);
    if (problems & ~(too_many | too_many_shares))
        tg_session_error(s, TG_ERR_MALFORMED_EXTENSION);
}

static void note_ch_problems(struct tg_session *s, enum tg_status st,
                             const struct tg_client_hello *ch)
{
    if (st != TG_OK)
        tg_session_error(s, TG_ERR_MALFORMED_CLIENT_HELLO);
    else
        note_problems(s, ch->problems, TG_CH_TOO_MANY_EXTENSIONS, TG_CH_TOO_MANY_KEY_SHARES);
}

static void client_hello(struct tg_session *s, int dir, struct tg_view body, int64_t ts)
{
    if (s->client_dir < 0)
        s->client_dir = dir;
    if (dir != s->client_dir) {
        tg_session_error(s, TG_ERR_UNEXPECTED_MESSAGE);
        return;
    }
    struct tg_client_hello *ch;
    if (!s->have_ch) {
        ch = &s->ch;
        s->have_ch = true;
        s->ch_length = (uint32_t)body.len;
        s->ts_client_hello = ts;
    } else if (s->have_hrr && !s->ch2 && !s->have_sh) {
        ch = s->ch2 = tg_arena_alloc(&s->arena, sizeof *s->ch2);
        if (!ch) {
            tg_session_error(s, TG_ERR_SESSION_MEMORY);
            return;
        }
        s->ch2_record_version = s->tls[dir].version;
        s->ch2_length = (uint32_t)body.len;
    } else {
        tg_session_error(s, TG_ERR_UNEXPECTED_MESSAGE);
        return;
    }
    note_ch_problems(s, tg_client_hello_parse(keep_copy(s, body), ch), ch);
}

static void server_hello(struct tg_session *s, int dir, struct tg_view body, int64_t ts,
                         struct tg_event *ev)
{
    if (s->client_dir < 0)
        s->client_dir = 1 - dir; /* picked up after the ClientHello */
    if (dir == s->client_dir || s->have_sh) {
        tg_session_error(s, TG_ERR_UNEXPECTED_MESSAGE);
        return;
    }
    struct tg_server_hello sh;
    struct tg_view copy = keep_copy(s, body);
    enum tg_status st = tg_server_hello_parse(copy, &sh);
    if (st != TG_OK) {
        tg_session_error(s, TG_ERR_MALFORMED_SERVER_HELLO);
        return;
    }
    note_problems(s, sh.problems, TG_SH_TOO_MANY_EXTENSIONS, 0);
    if (!s->ts_server_hello)
        s->ts_server_hello = ts;
    if (sh.is_hrr && !s->have_hrr) {
        s->have_hrr = true;
        if (ev)
            ev->hrr = true;
        return;
    }
    s->sh = sh;
    s->have_sh = true;
    s->sh_length = (uint32_t)body.len;
    s->version = sh.selected_version ? sh.selected_version : sh.legacy_version;
    if (tg_version_is_tls13(s->version))
        s->tls[dir].encrypted = true; /* all the server sends next is protected */
}

static void keep_chain(struct tg_session *s, int dir, struct tg_view body)
{
    bool server = tg_session_side(s, dir) == 1;
    struct tg_chain *c = server ? &s->server_chain : &s->client_chain;
    if (server)
        s->server_sent_certificate = true;
    if (c->present)
        return;
    c->body = keep_copy(s, body);
    c->tls13 = is_tls13(s);
    c->present = true;
}

static void complete(struct tg_session *s, int64_t ts)
{
    s->established = true;
    s->ts_done = ts;
}

/* Side `side`'s Finished, encrypted or (NULL cipher) in the clear. */
static void finished(struct tg_session *s, int side, int64_t ts)
{
    s->finished[side] = true;
    if (s->failed)
        s->closed[side] = true; /* a crossing flight ends with its Finished */
    else if (s->finished[0] && s->finished[1])
        complete(s, ts);
}

/* A Finished in the clear: after CCS, only under a NULL-cipher suite. */
static void clear_finished(struct tg_session *s, int side, int64_t ts)
{
    if (s->ccs[side] && !s->finished[side])
        finished(s, side, ts);
}

void tg_session_handshake(struct tg_session *s, int dir, uint8_t type, struct tg_view body,
                          int64_t ts)
{
    struct tg_event *ev = add_event(s, dir, TG_EV_HANDSHAKE, type, body.len, ts);
    if (s->established)
        return; /* in the clear after the handshake only under a NULL cipher */
    if (type == HS_CLIENT_HELLO || type == HS_SERVER_HELLO)
        s->saw_hello = true;
    switch (type) {
    case HS_CLIENT_HELLO:
        client_hello(s, dir, body, ts);
        break;
    case HS_SERVER_HELLO:
        server_hello(s, dir, body, ts, ev);
        break;
    case HS_CERTIFICATE:
        keep_chain(s, dir, body);
        break;
    case HS_SERVER_KEY_EXCHANGE:
        keep(s, &s->ske, dir, body);
        break;
    case HS_CERTIFICATE_REQUEST:
        keep(s, &s->cert_request, dir, body);
        break;
    case HS_CERTIFICATE_VERIFY:
        keep(s, &s->cert_verify, dir, body);
        break;
    case HS_CLIENT_KEY_EXCHANGE:
        keep(s, &s->cke, dir, body);
        break;
    case HS_NEW_SESSION_TICKET:
        keep(s, &s->ticket, dir, body);
        break;
    case HS_FINISHED:
        clear_finished(s, tg_session_side(s, dir), ts);
        break;
    default:
        break;
    }
}

void tg_session_sslv2_client_hello(struct tg_session *s, int dir, struct tg_view body, int64_t ts)
{
    add_event(s, dir, TG_EV_HANDSHAKE, HS_CLIENT_HELLO, body.len, ts);
    s->saw_hello = true;
    if (s->have_ch) {
        tg_session_error(s, TG_ERR_UNEXPECTED_MESSAGE);
        return;
    }
    s->client_dir = dir;
    s->have_ch = true;
    s->ch_length = (uint32_t)body.len;
    s->ts_client_hello = ts;
    note_ch_problems(s, tg_client_hello_parse_sslv2(keep_copy(s, body), &s->ch), &s->ch);
}

void tg_session_sslv2_server_hello(struct tg_session *s, int dir, uint32_t length, int64_t ts)
{
    add_event(s, dir, TG_EV_HANDSHAKE, HS_SERVER_HELLO, length, ts);
    s->saw_hello = true;
    if (s->client_dir < 0)
        s->client_dir = 1 - dir;
    s->version = 0x0002;
    if (!s->ts_server_hello)
        s->ts_server_hello = ts;
    /* What follows is SSLv2's own handshake, not followed further. */
    s->tls[0].dead = true;
    s->tls[1].dead = true;
}

/*
 * The record MAC after the content under a negotiated NULL-cipher suite
 * (RFC 5246 6.2.3.1: no encryption, an HMAC of the suite's hash; RFC 2104
 * sizes), read from the suite name's last part; -1 when the suite encrypts
 * or is unknown. TLS_NULL_WITH_NULL_NULL protects nothing: 0.
 */
static int null_cipher_mac_len(const struct tg_session *s)
{
    static const struct {
        const char *suffix;
        int len;
    } macs[] = {{"_NULL_NULL", 0}, {"_MD5", 16}, {"_SHA", 20}, {"_SHA256", 32}, {"_SHA384", 48}};
    struct tg_cipher_info info;
    const char *name = s->have_sh ? tg_name_cipher(s->sh.cipher_suite) : NULL;
    if (!name || !tg_cipher_info(s->sh.cipher_suite, &info) || !(info.flags & TG_CIPHER_NULL))
        return -1;
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof macs / sizeof macs[0]; i++) {
        size_t k = strlen(macs[i].suffix);
        if (n >= k && strcmp(name + n - k, macs[i].suffix) == 0)
            return macs[i].len;
    }
    return -1;
}

/* The ClientHello offered TLS 1.3 (supported_versions). */
static bool offers_tls13(const struct tg_session *s)
{
    if (!s->have_ch || !s->ch.has_supported_versions)
        return false;
    for (size_t i = 0; i < tg_u16_list_count(s->ch.supported_versions); i++)
        if (tg_version_is_tls13(tg_u16_list_at(s->ch.supported_versions, i)))
            return true;
    return false;
}

void tg_session_ccs(struct tg_session *s, int dir, uint32_t length, int64_t ts)
{
    add_event(s, dir, TG_EV_CCS, 0, length, ts);
    int side = tg_session_side(s, dir);
    s->ccs[side] = true;
    if (is_tls13(s))
        return; /* RFC 8446 D.4 compatibility CCS: changes nothing */
    if (!s->have_sh && (s->have_hrr || offers_tls13(s))) {
        /* A TLS 1.3 compatibility CCS (around a HelloRetryRequest, before
         * 0-RTT data), or a TLS <= 1.2 one when the ServerHello was not
         * captured: a hello in the clear may follow, or an encrypted
         * Finished. The framing judges the next handshake record. */
        s->tls[dir].judge = true;
        return;
    }
    int mac = null_cipher_mac_len(s);
    if (mac >= 0) {
        /* Records stay readable: content, then a MAC. The Finished shows
         * whether that holds. */
        s->tls[dir].null_cipher = true;
        s->tls[dir].mac_len = (uint8_t)mac;
        s->tls[dir].judge = true;
    } else {
        s->tls[dir].encrypted = true;
    }
    if (side == 1 && !s->server_sent_certificate && !s->ccs[0])
        s->abbreviated = true;
}

static void add_alert(struct tg_session *s, int dir, bool encrypted, uint8_t level, uint8_t desc,
                      int64_t ts)
{
    if (s->n_alerts >= TG_MAX_ALERTS) {
        tg_session_error(s, TG_ERR_TOO_MANY_ALERTS);
        return;
    }
    if (!s->alerts)
        s->alerts = tg_arena_alloc(&s->arena, TG_MAX_ALERTS * sizeof *s->alerts);
    if (!s->alerts) {
        tg_session_error(s, TG_ERR_SESSION_MEMORY);
        return;
    }
    struct tg_alert_event *a = &s->alerts[s->n_alerts++];
    a->ts = ts;
    a->dir = (uint8_t)dir;
    a->encrypted = encrypted;
    a->level = level;
    a->description = desc;
}

/* An alert from `side`: a fatal one fails a handshake still under way; once
 * it failed, the other side's alert ends that side's events too. */
static void alert_seen(struct tg_session *s, int side, bool fatal)
{
    if (s->established)
        return;
    if (s->failed)
        s->closed[side] = true;
    else if (fatal)
        fail(s, side);
}

void tg_session_alert(struct tg_session *s, int dir, uint8_t level, uint8_t desc, int64_t ts)
{
    add_event(s, dir, TG_EV_ALERT, 0, 2, ts);
    if (level != 1 && level != 2)
        tg_session_error(s, TG_ERR_MALFORMED_ALERT);
    add_alert(s, dir, false, level, desc, ts);
    alert_seen(s, tg_session_side(s, dir), level == 2);
}

static void protected_tls12(struct tg_session *s, int dir, uint8_t type, uint32_t length,
                            int64_t ts)
{
    int side = tg_session_side(s, dir);
    if (type == TG_CT_ALERT) {
        add_event(s, dir, TG_EV_ALERT, 0, length, ts);
        add_alert(s, dir, true, 0, 0, ts);
        alert_seen(s, side, true); /* an alert inside the handshake ends it */
        return;
    }
    if (!listing(s, side))
        return;
    if (type == TG_CT_HANDSHAKE && s->ccs[side] && !s->finished[side]) {
        add_event(s, dir, TG_EV_ENCRYPTED, 0, length, ts);
        finished(s, side, ts);
    }
}

static void protected_tls13(struct tg_session *s, int dir, uint8_t type, uint32_t length,
                            int64_t ts)
{
    int side = tg_session_side(s, dir);
    if (tg_session_handshake_over(s) || type != TG_CT_APPLICATION_DATA)
        return;
    struct tg_event *ev = add_event(s, dir, TG_EV_ENCRYPTED, 0, length, ts);
    s->protected_records[side]++;
    if (side == 1) {
        s->server_flight_seen = true;
        return;
    }
    if (!s->server_flight_seen)
        return;
    if (length == TLS13_ENCRYPTED_ALERT_LEN) {
        if (ev)
            ev->kind = TG_EV_ALERT;
        add_alert(s, dir, true, 0, 0, ts);
        fail(s, side);
        return;
    }
    s->finished[0] = true;
    s->finished[1] = true;
    complete(s, ts);
}

void tg_session_protected(struct tg_session *s, int dir, uint8_t type, uint32_t length, int64_t ts)
{
    if (!s->have_sh && s->have_ch && tg_session_side(s, dir) == 0 && !s->finished[0] &&
        type == TG_CT_APPLICATION_DATA) {
        s->early_data_seen = true; /* 0-RTT data ahead of the ServerHello */
        return;
    }
    if (is_tls13(s))
        protected_tls13(s, dir, type, length, ts);
    else
        protected_tls12(s, dir, type, length, ts);
}

void tg_session_reset(struct tg_session *s, int dir, int64_t ts)
{
    (void)ts;
    if (s->have_ch && !tg_session_handshake_over(s))
        fail(s, tg_session_side(s, dir));
}
