/*
 * flow.h - the TCP flow table: one entry per bidirectional 5-tuple, with
 * the two directions' reassembly and, once TLS is seen, its session.
 *
 * Direction 0 is the sender of the flow's first packet (the SYN when it was
 * captured); which direction is the TLS client is the session's business.
 * Entries live in a hash table and on one of two lists in order of last
 * activity: open flows, which expire after the idle timeout, and closing
 * flows (both FINs or a RST seen), which end after the close delay. A new
 * SYN on a tuple already tracked ends the old flow first: port reuse never
 * merges two sessions.
 *
 * Cold flows: the flows of the last TG_FLOW_HOT packets are hot; any other
 * flow is cold, its session and nDPI state packed (session.h, classify.h)
 * into one block until its next packet. A flow among thousands open at once
 * thus costs its entry, the copies its session keeps, and a few hundred
 * bytes of packed state; a flow whose packets come close together is never
 * packed.
 *
 * Caps (docs/limits.md): at most max_flows entries, and, when max_memory is
 * set, at most that many bytes of accounted memory: each flow's entry, its
 * buffered out-of-order segments, its session (the struct or its packed
 * bytes, its arena, its split-message buffers) and its nDPI state (the
 * same, and what nDPI allocated for it), plus the bucket array, plus
 * `other_mem` (what the owner accounts elsewhere against the same cap: IP
 * fragments). When a cap is hit, flows are ended until it holds: closing
 * flows first (they have finished: ending them early loses nothing), then
 * open flows in order of last activity, the idle longest first; an open
 * flow ended so is "evicted" (TG_ERR_EVICTED in its session's errors).
 * Every such end is counted in struct tg_flow_stats.
 */
#ifndef TG_FLOW_H
#define TG_FLOW_H

#include "decode.h"
#include "reasm.h"

#include <stdbool.h>
#include <stdint.h>

#define TG_FLOW_DEFAULT_MAX 1000000u              /* tracked flows */
#define TG_FLOW_DEFAULT_IDLE_US (300 * 1000000LL) /* like Zeek's 5 min */
#define TG_FLOW_FIRST_DATA_WINDOW (1u << 20)      /* first data this far past the SYN: resync */
#define TG_FLOW_PROBE_SEGMENTS 32u                /* payload segments looked at for a hello */
#define TG_FLOW_DEFAULT_CLOSE_US (5 * 1000000LL)  /* like Zeek's close delay */
/* Packets whose flows stay hot (unpacked): few enough that their state
 * stays in the CPU's caches until it is packed. A build may set it: with
 * -DTG_FLOW_HOT=1u every flow is packed as soon as another has a packet. */
#ifndef TG_FLOW_HOT
#define TG_FLOW_HOT 64u
#endif
#define TG_FLOW_SPARES 4 /* session structs kept for reuse once packed away */

enum tg_flow_kind { TG_FLOW_UNKNOWN, TG_FLOW_TLS, TG_FLOW_NOT_TLS };

/* Why a flow ended. */
enum tg_flow_end { TG_END_CLOSED, TG_END_IDLE, TG_END_REUSED, TG_END_EVICTED, TG_END_INPUT };

struct tg_session;
struct tg_ndpi;
struct tg_ndpi_flow;
struct tg_flow_cold;

#define TG_FLOW_NOT_HOT UINT32_MAX /* tg_flow.hot_slot of a flow not among the hot */

/* The fields a lookup reads come first, in one cache line. */
struct tg_flow {
    struct tg_flow *hnext; /* hash chain */
    uint32_t hash;
    uint16_t port[2];
    uint8_t addr[2][16];
    uint8_t ip_version;
    uint8_t kind; /* enum tg_flow_kind */
    uint8_t n_vlan;
    uint8_t probed;  /* deliveries looked at for TLS so far */
    bool started[2]; /* a side's first bytes were judged */
    uint8_t start_len[2];
    bool syn[2], fin[2];
    bool rst : 1;
    bool closing : 1;
    bool midstream : 1;          /* the first packet was not a SYN */
    bool cut : 1;                /* some packet lost bytes to the snaplen */
    bool upgraded : 1;           /* TLS began after cleartext (STARTTLS...) */
    bool handshake_told : 1;     /* on_handshake was called */
    bool limited : 1;            /* a reassembly cap was hit before the session began */
    bool lost : 1;               /* a packet went unread: its cold state could not be unpacked */
    struct tg_flow *prev, *next; /* activity list */
    struct tg_session *sess;     /* NULL until TLS is seen, and while cold */
    struct tg_ndpi_flow *ndpi;   /* nDPI's state: TLS flows, until nDPI decides; NULL while cold */
    struct tg_flow_cold *cold;   /* a cold flow's packed session and nDPI state */
    int64_t ts_first, ts_last;
    uint64_t bytes[2];
    uint64_t packets[2];
    uint64_t serial; /* order of creation, for the uid */
    size_t mem;      /* bytes accounted to this flow (in tg_flows.mem) */
    uint32_t isn[2];
    uint32_t hot_slot; /* in tg_flows.hot, or TG_FLOW_NOT_HOT */
    uint16_t vlan[TG_MAX_VLANS];
    uint8_t start[2][6]; /* a side's first bytes, until judged */
    struct tg_reasm rs[2];
};

struct tg_flow_list {
    struct tg_flow *head, *tail;
};

struct tg_flow_stats {
    uint64_t created;
    uint64_t ended[TG_END_INPUT + 1];
    uint64_t tls;
    uint64_t not_tls;
    /* cap hits */
    uint64_t evicted_flow_cap; /* open flows evicted for max_flows */
    uint64_t evicted_memory;   /* open flows evicted for max_memory */
    uint64_t closed_early;     /* closing flows ended before the close delay, for a cap */
};

/* Called when a flow with a TLS session ends, before it is freed. */
typedef void (*tg_flow_end_fn)(void *ctx, struct tg_flow *f, enum tg_flow_end why);

/* Called once when a flow's handshake completes or fails, if set. */
typedef void (*tg_flow_handshake_fn)(void *ctx, struct tg_flow *f);

struct tg_flows {
    struct tg_flow **buckets;
    size_t n_buckets; /* a power of two */
    size_t count;
    size_t max_flows;
    int64_t idle_us, close_us;
    struct tg_flow_list open, closing;
    struct tg_reasm_limits lim;
    struct tg_flow_stats stats;
    size_t mem;           /* accounted bytes of the flows and the bucket array */
    size_t other_mem;     /* accounted elsewhere against max_memory (set by the owner) */
    size_t mem_peak;      /* highest mem + other_mem seen */
    size_t max_memory;    /* cap on mem + other_mem; 0: none */
    struct tg_ndpi *ndpi; /* classifies TLS flows; NULL: none */
    uint64_t serial;
    uint64_t frame_no; /* the frame at hand, counted from 1 by the owner (uids); 0: none */
    tg_flow_end_fn on_end;
    tg_flow_handshake_fn on_handshake; /* optional: live records */
    void *on_end_ctx;
    /* The flows of the last hot_max packets, each in one slot (the slot of
     * its last packet), the others NULL; allocated with the first packet. */
    struct tg_flow **hot;
    size_t hot_max; /* TG_FLOW_HOT, or set before the first packet; 0: none is packed */
    size_t hot_pos; /* the slot of the next packet */
    struct tg_session *spare[TG_FLOW_SPARES]; /* packed away, for the next unpacking */
    size_t n_spare;
};

enum tg_status tg_flows_init(struct tg_flows *t, size_t max_flows, tg_flow_end_fn on_end,
                             void *ctx) TG_WARN_UNUSED;

/* One decoded TCP segment at time ts (microseconds). */
void tg_flows_packet(struct tg_flows *t, const struct tg_packet *p, int64_t ts);

/* Ends flows (closing first, then the idle longest) until the memory cap holds. */
void tg_flows_fit_memory(struct tg_flows *t);

/* Ends the flows idle or closing as of time `now`. */
void tg_flows_expire(struct tg_flows *t, int64_t now);

/* The input broke off: every open session gets `damaged_input`. */
void tg_flows_note_damage(struct tg_flows *t);

/* Ends every flow (end of input). */
void tg_flows_end_all(struct tg_flows *t);

void tg_flows_free(struct tg_flows *t);

#endif
