/*
 * tlsframe.h - the TLS record layer and handshake-message framing for one
 * direction of a TCP stream (RFC 8446 5.1, RFC 5246 6.2, SSLv2 records of
 * RFC 6101 appendix E).
 *
 * Bytes arrive in order from reassembly, as views valid for one call. Record
 * headers are read; handshake records are cut into messages, which may span
 * records and TCP segments and several of which may share one record. A
 * message wholly inside one view is handed on as that view; only a message
 * split across views is copied, into a buffer capped at TG_MAX_HS_MESSAGE.
 * The bodies of application-data and encrypted records are skipped by their
 * lengths without being read.
 */
#ifndef TG_TLSFRAME_H
#define TG_TLSFRAME_H

#include "../dissectors/reader.h"

#include <stdbool.h>
#include <stdint.h>

#define TG_MAX_RECORD_BODY (16384u + 2048u) /* RFC 5246 6.2.3, ciphertext */
#define TG_MAX_HS_MESSAGE (256u * 1024u)    /* a handshake message we reassemble */

/* Record content types (RFC 8446 B.1). */
enum {
    TG_CT_CHANGE_CIPHER_SPEC = 20,
    TG_CT_ALERT = 21,
    TG_CT_HANDSHAKE = 22,
    TG_CT_APPLICATION_DATA = 23,
    TG_CT_HEARTBEAT = 24,
};

struct tg_session;

struct tg_tls_dir {
    uint8_t hdr[5]; /* a record header split across views */
    uint8_t hdr_have;
    uint8_t type; /* current record */
    bool in_body;
    uint32_t body_len;
    uint32_t body_left;
    bool encrypted;   /* this side's records are protected */
    bool judge;       /* after a CCS that may or may not turn this side
                       * protected: the next handshake record is judged
                       * by its first bytes (see tg_tls_judge_hello) */
    uint8_t probe[6]; /* those first bytes, gathered across views */
    uint8_t probe_have;
    bool null_cipher; /* after CCS under a NULL-cipher suite: records are
                       * content in the clear, then a MAC of mac_len bytes
                       * (judged on the Finished first) */
    uint8_t mac_len;
    bool resync;            /* looking for a record header after a gap */
    bool dead;              /* stopped: nothing more is read */
    bool started;           /* a first record was read */
    bool sslv2;             /* this side speaks SSLv2 records */
    uint16_t first_version; /* record version of the first record */
    uint16_t version;       /* record version of the current record */
    /* handshake message reassembly across records */
    uint8_t hs_hdr[4];
    uint8_t hs_hdr_have;
    uint32_t hs_len;  /* body length of the current message */
    uint32_t hs_have; /* body bytes copied so far */
    bool hs_skip;     /* current message is over the cap: skip it */
    uint8_t *hs_buf;  /* only for a message split across views */
    uint32_t hs_cap;
    /* alert reassembly */
    uint8_t alert[2];
    uint8_t alert_have;
    uint64_t bytes_skipped; /* resync and gap bytes */
};

/*
 * How the first bytes of a direction look: TG_LOOKS_TLS for a handshake
 * record carrying a ClientHello or ServerHello, or an SSLv2 CLIENT-HELLO;
 * TG_LOOKS_MORE when too few bytes are at hand to tell; TG_LOOKS_NOT_TLS.
 */
enum tg_looks { TG_LOOKS_NOT_TLS, TG_LOOKS_TLS, TG_LOOKS_MORE };
enum tg_looks tg_tls_looks_like(struct tg_view first);

/*
 * Whether a handshake record after CCS under a NULL-cipher suite holds a
 * Finished in the clear: msg_type 20, verify_data of 12 bytes (36 in SSLv3)
 * and then exactly a MAC of mac_len bytes to the record's end. `first`
 * needs 4 bytes.
 */
bool tg_tls_judge_finished(struct tg_view first, uint32_t record_len, uint8_t mac_len);

/*
 * Whether the first bytes of a handshake record's body open a ClientHello
 * or ServerHello in the clear: msg_type 1 or 2, a body length a hello can
 * have (36 bytes up to TG_MAX_HS_MESSAGE), legacy_version 3.x (or a TLS 1.3
 * draft's 0x7f). Protected bytes match by chance with odds of about one in
 * 10^9. `first` needs 6 bytes; fewer is a no.
 */
bool tg_tls_judge_hello(struct tg_view first);

void tg_tls_dir_init(struct tg_tls_dir *d);
void tg_tls_dir_free(struct tg_tls_dir *d);

/* In-order stream bytes from side `dir` (0 or 1) at time ts (microseconds). */
void tg_tls_feed(struct tg_session *s, int dir, struct tg_view data, int64_t ts);

/* `bytes` of the stream were lost: drop partial state, resync on a header. */
void tg_tls_gap(struct tg_session *s, int dir, uint64_t bytes);

#endif
