/*
 * analyzer.h - one analysis run: decoded packets in, session records out.
 * Capture sources (files, stdin, interfaces) feed it packet by packet.
 */
#ifndef TG_ANALYZER_H
#define TG_ANALYZER_H

#include "flow.h"
#include "ipfrag.h"
#include "report.h"
#include "validate.h"

#include <stdint.h>

/* --max-memory: the default, and the least accepted (docs/limits.md). */
#define TG_DEFAULT_MAX_MEMORY ((size_t)1 << 30)
#define TG_MIN_MAX_MEMORY ((size_t)16 << 20)

struct tg_config {
    size_t max_flows;
    size_t max_memory; /* accounted bytes: flows, reassembly, sessions, IP fragments */
    int64_t idle_timeout_us;
    int64_t close_delay_us;
    size_t reasm_dir_bytes;
    size_t reasm_total_bytes;
    bool emit_handshake; /* a record at the handshake's end, then an update */
    bool no_ndpi;        /* skip nDPI classification */
    unsigned threads;    /* --threads: worker threads; 1: the reading thread does all */
    const char *ca_file; /* trust store for chain validation (NULL: system's) */
    const char *ca_path;
    struct tg_validator *validator; /* made from ca_file/ca_path by main() */
};

void tg_config_defaults(struct tg_config *c);

struct tg_analyzer_stats {
    uint64_t packets;
    uint64_t bytes;
    uint64_t tcp;
    uint64_t other;       /* not TCP over IP */
    uint64_t fragments;   /* IP fragments (see ipfrag's own counters) */
    uint64_t truncated;   /* headers cut by the snaplen */
    uint64_t malformed;   /* headers inconsistent */
    uint64_t unsupported; /* frames of an unsupported link type */
    /* Sessions whose record was written at their end (stats records). */
    uint64_t session_states[TG_REPORT_STATES];
    uint64_t session_errors[TG_ERR_COUNT]; /* sessions ended with each error */
};

/*
 * Every cap hit of a run so far (docs/limits.md), for the stats record.
 * Session counts are of sessions that ended with a record.
 */
struct tg_cap_counters {
    uint64_t flows_evicted_flow_cap; /* open flows evicted for --max-flows */
    uint64_t flows_evicted_memory;   /* open flows evicted for --max-memory */
    uint64_t flows_closed_early;     /* closing flows ended before the close delay, for a cap */
    uint64_t reasm_dir_cap;          /* holes skipped: a direction's out-of-order bytes over cap */
    uint64_t reasm_total_cap;        /* out-of-order segments refused: all flows' bytes at cap */
    uint64_t handshake_too_large;    /* sessions: a handshake message over the size cap */
    uint64_t too_many_certificates;  /* sessions: a chain over the certificate cap */
    uint64_t too_many_extensions;    /* sessions: a hello over its extension cap */
    uint64_t too_many_key_shares;    /* sessions: a ClientHello over its key_share cap */
    uint64_t too_many_messages;      /* sessions: `messages` cut at its cap */
    uint64_t too_many_alerts;        /* sessions: `alerts` cut at its cap */
    uint64_t cert_fields_truncated;  /* sessions: a certificate text field or list cut */
    uint64_t session_memory;         /* sessions: the session arena's cap reached */
    uint64_t ipfrag_datagram_cap;    /* fragmented datagrams evicted: too many in progress */
    uint64_t ipfrag_byte_cap;        /* fragmented datagrams dropped: fragment bytes at cap */
    uint64_t ipfrag_fragment_cap;    /* fragmented datagrams dropped: too many pieces */
    uint64_t memory_bytes;           /* accounted memory now */
    uint64_t memory_peak_bytes;      /* accounted memory at its highest */
    uint64_t memory_max_bytes;       /* the cap (--max-memory) */
};

struct tg_pool;

/*
 * With --threads N the analyzer is the reading thread's front: it decodes,
 * rebuilds fragments and hands TCP segments to a pool of workers (pool.h),
 * each an analyzer of its own. Its `flows` then hold the workers' counters,
 * summed by tg_analyzer_refresh, and no flows.
 */
struct tg_analyzer {
    struct tg_flows flows;
    struct tg_ipfrag frags;
    struct tg_report *report;
    struct tg_analyzer_stats stats;
    struct tg_pool *pool; /* NULL: one thread */
};

enum tg_status tg_analyzer_init(struct tg_analyzer *a, const struct tg_config *cfg,
                                struct tg_report *report) TG_WARN_UNUSED;

/* One captured frame: link type, time in microseconds, bytes, wire length. */
void tg_analyzer_packet(struct tg_analyzer *a, int dlt, int64_t ts, struct tg_view frame,
                        uint32_t wire_len);

/* The live clock: flows idle too long end (offline, packets move time). */
void tg_analyzer_expire(struct tg_analyzer *a, int64_t now);

/* The input was damaged or cut: every open session says so. */
void tg_analyzer_note_damage(struct tg_analyzer *a);

/* Writes the records ready so far (--threads: hands queued packets over and
 * writes what the workers have finished). */
void tg_analyzer_sync(struct tg_analyzer *a);

/* --threads: a descriptor that polls readable when workers have records
 * ready for tg_analyzer_sync; -1 with one thread. */
int tg_analyzer_wake_fd(const struct tg_analyzer *a);

/* Brings a's counters (flows, stats, caps) up to date before they are read
 * (--threads: sums the workers'). */
void tg_analyzer_refresh(struct tg_analyzer *a);

/* The cap counters so far. */
void tg_analyzer_caps(const struct tg_analyzer *a, struct tg_cap_counters *out);

/* End of input: every open session gets its record. */
void tg_analyzer_finish(struct tg_analyzer *a);

void tg_analyzer_free(struct tg_analyzer *a);

/* Stops the worker threads (--threads) and frees nothing else: for a
 * process about to exit. */
void tg_analyzer_stop(struct tg_analyzer *a);

/* Bytes the analyzer counts itself, what --max-memory bounds: flow entries
 * and their table, buffered out-of-order TCP bytes, sessions (struct, arena,
 * split-message buffers), nDPI flow states, IP fragments held
 * (docs/limits.md). */
uint64_t tg_analyzer_memory(const struct tg_analyzer *a);

#endif
