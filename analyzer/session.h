/*
 * session.h - one TLS session: what the framing saw, in the order it came,
 * and the handshake's progress. It is coordinating code: it tells the
 * framing when a side turns encrypted, keeps copies of the messages the
 * record needs in a capped arena, and leaves the parsing of their contents
 * to the dissectors.
 *
 * Messages whose facts steer the handshake (ClientHello, ServerHello) are
 * parsed when they arrive; the rest (certificates, key exchanges,
 * certificate requests...) are kept as copies of their bodies and parsed
 * when the record is written.
 *
 * What few sessions have (a second ClientHello, alerts) is held in the
 * arena and pointed to, so that the struct, which is packed and unpacked
 * at every packet of a cold flow, stays small.
 */
#ifndef TG_SESSION_H
#define TG_SESSION_H

#include "../dissectors/client_hello.h"
#include "../dissectors/server_hello.h"
#include "arena.h"
#include "classify.h"
#include "errors.h"
#include "tlsframe.h"

#include <stdbool.h>
#include <stdint.h>

#define TG_SESSION_ARENA_CAP ((size_t)1024 * 1024) /* bytes a session may keep */
#define TG_MAX_MESSAGES 128                        /* entries in `messages` */
#define TG_MAX_ALERTS 16                           /* entries in `alerts` */
#define TG_MAX_CHAIN 16                            /* certificates kept per chain */

enum tg_event_kind {
    TG_EV_HANDSHAKE, /* a plaintext handshake message */
    TG_EV_CCS,
    TG_EV_ALERT,     /* a plaintext alert */
    TG_EV_ENCRYPTED, /* a protected record during the handshake */
};

struct tg_event {
    int64_t ts;
    uint32_t length; /* message body, or record body for CCS/alert/encrypted */
    uint8_t dir;     /* flow direction 0/1 */
    uint8_t kind;    /* enum tg_event_kind */
    uint8_t hs_type; /* handshake type for TG_EV_HANDSHAKE */
    bool hrr;        /* a ServerHello that is a HelloRetryRequest */
};

struct tg_alert_event {
    int64_t ts;
    uint8_t dir;
    bool encrypted;
    uint8_t level;
    uint8_t description;
};

/* A kept copy of a handshake message body. */
struct tg_kept {
    struct tg_view body;
    uint8_t dir;
    bool present;
};

struct tg_chain {
    struct tg_view body; /* the whole Certificate message body */
    bool tls13;
    bool present;
};

struct tg_session {
    struct tg_arena arena;
    struct tg_tls_dir tls[2];
    int client_dir;  /* flow direction of the client, -1 unknown */
    uint64_t errors; /* TG_ERR_BIT(enum tg_err) */

    struct tg_client_hello ch;   /* first ClientHello */
    struct tg_client_hello *ch2; /* ClientHello after a HelloRetryRequest (arena), or NULL */
    struct tg_server_hello sh;
    bool saw_hello; /* a ClientHello or ServerHello was framed */
    bool have_ch, have_sh;
    bool have_hrr; /* a HelloRetryRequest came (only that it did is reported) */
    uint32_t ch_length, ch2_length, sh_length;
    uint16_t ch2_record_version;
    uint16_t version; /* negotiated, 0 until a ServerHello */

    struct tg_chain server_chain, client_chain;
    struct tg_kept ske, cke, cert_request, cert_verify, ticket;

    int64_t ts_client_hello, ts_server_hello, ts_done;
    bool ccs[2];      /* by side: 0 client, 1 server */
    bool finished[2]; /* first protected handshake record seen */
    uint32_t protected_records[2];
    bool server_flight_seen; /* TLS 1.3: protected records from the server */
    bool abbreviated;        /* server CCS before any server certificate */
    bool server_sent_certificate;
    bool established;
    bool failed;
    int fail_side;        /* side whose alert or RST failed it, -1 */
    bool closed[2];       /* by side: `messages` takes no more of its events */
    bool early_data_seen; /* 0-RTT records before the ServerHello */

    struct tg_event *events; /* malloc'd, its room doubled as it fills */
    uint32_t n_events, cap_events;
    struct tg_alert_event *alerts; /* room for TG_MAX_ALERTS, in the arena at the first */
    uint32_t n_alerts;

    struct tg_ndpi_result ndpi; /* nDPI's verdict, once it has one */
};

struct tg_session *tg_session_new(void);
void tg_session_free(struct tg_session *s);

/*
 * Packing (flow.h: cold flows). A session waiting for its next packet may
 * be kept as the packed bytes of its struct, mostly zeros; what the struct
 * points to (its arena, `events`, its split-message buffers) stays where it
 * is.
 */
#define TG_SESSION_PACKED_MAX TG_ARENA_PACKED_MAX(sizeof(struct tg_session))

/* Packs s into out (room for TG_SESSION_PACKED_MAX bytes): the length. */
size_t tg_session_pack(const struct tg_session *s, uint8_t *out);

/* After tg_session_pack: frees s's struct alone, what it points to now
 * belonging to the packed bytes. */
void tg_session_release(struct tg_session *s);

/* The session packed in `in`, in `spare` (a struct packed away and not
 * released) or else a new struct; NULL when out of memory (`in` still
 * holds it). */
struct tg_session *tg_session_unpack(const uint8_t *in, size_t len, struct tg_session *spare);

/* Frees what the session packed in `in` holds. */
void tg_session_free_packed(const uint8_t *in, size_t len);

void tg_session_error(struct tg_session *s, enum tg_err e);

/* Calls from the framing, `dir` being the flow direction. */
void tg_session_handshake(struct tg_session *s, int dir, uint8_t type, struct tg_view body,
                          int64_t ts);
void tg_session_sslv2_client_hello(struct tg_session *s, int dir, struct tg_view body, int64_t ts);
void tg_session_sslv2_server_hello(struct tg_session *s, int dir, uint32_t length, int64_t ts);
void tg_session_ccs(struct tg_session *s, int dir, uint32_t length, int64_t ts);
void tg_session_alert(struct tg_session *s, int dir, uint8_t level, uint8_t desc, int64_t ts);
void tg_session_protected(struct tg_session *s, int dir, uint8_t type, uint32_t length, int64_t ts);

/* Calls from the flow. */
void tg_session_reset(struct tg_session *s, int dir, int64_t ts);

/* Side of a flow direction: 0 client, 1 server (guessing 0 = client if unknown). */
int tg_session_side(const struct tg_session *s, int dir);

/* True once the handshake completed or failed. */
bool tg_session_handshake_over(const struct tg_session *s);

/* The contract's `state`. */
const char *tg_session_state(const struct tg_session *s);

#endif
