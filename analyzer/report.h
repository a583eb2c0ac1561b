/*
 * report.h - the session record (../shared/contract/session-v1.md) as one
 * line of NDJSON per TLS session. The only module that knows JSON key names.
 */
#ifndef TG_REPORT_H
#define TG_REPORT_H

#include "../dissectors/status.h"
#include "errors.h"
#include "flow.h"
#include "output.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tg_x509_cache;
struct tg_validator;

/* Takes one finished record line (with its '\n') instead of the output. */
typedef void (*tg_report_sink_fn)(void *ctx, const char *line, size_t n);

struct tg_report {
    struct tg_output out; /* whole lines, written with write(2) */
    bool pretty;
    bool failed; /* a write failed: the output is incomplete */
    int write_errno;
    char *buf; /* the JSON text of one record, reused */
    size_t cap;
    struct tg_x509_cache *certs;    /* summaries of certificates seen */
    struct tg_validator *validator; /* trust store for `validation`; NULL: none */
    uint64_t records;
    tg_report_sink_fn sink; /* set: lines go here, `out` is not open */
    void *sink_ctx;
};

/* Opens the output: path NULL or "-" is stdout. */
enum tg_status tg_report_open(struct tg_report *r, const char *path, bool pretty) TG_WARN_UNUSED;

/* Builds records for `sink` instead of an output (a --threads worker). */
enum tg_status tg_report_open_sink(struct tg_report *r, bool pretty, tg_report_sink_fn sink,
                                   void *ctx) TG_WARN_UNUSED;

/* Writes one record line made elsewhere (n bytes, ending in '\n'), counted
 * as the report's own. */
void tg_report_line(struct tg_report *r, const char *line, size_t n);

/* Writes the record of the flow's session; `update` marks the final record
 * of a session whose record was already written when its handshake ended. */
void tg_report_session(struct tg_report *r, const struct tg_flow *f, bool update);

/* Flushes and closes; TG_E_IO when any write failed. */
enum tg_status tg_report_close(struct tg_report *r) TG_WARN_UNUSED;

/* ---- stats records ({"type": "stats"}, docs/live.md) ---- */

/* A session's final state, as counted in a stats record's `states`. */
enum tg_report_state {
    TG_REPORT_ESTABLISHED,
    TG_REPORT_RESUMED,
    TG_REPORT_FAILED,
    TG_REPORT_INCOMPLETE,
    TG_REPORT_STATES
};

/* The contract's name of a state ("established"...), as tg_session_state
 * gives it. */
const char *tg_report_state_name(enum tg_report_state st);

struct tg_cap_counters; /* analyzer.h: cap hits and accounted memory */

/* The counters of one stats record, filled by the caller (live.c). */
struct tg_report_stats {
    int64_t ts;        /* microseconds; 0 or less: no `ts` (no packet read yet) */
    bool final;        /* the last record of the run */
    const char *iface; /* the -i interface; NULL offline */
    uint64_t packets, bytes;
    bool have_pcap; /* the pcap_stats counters are known (live) */
    uint64_t pcap_received, drops_kernel, drops_interface;
    uint64_t flows, flows_created, flows_evicted;
    uint64_t sessions; /* flows in which TLS was found */
    uint64_t records;  /* session records written, updates included */
    uint64_t states[TG_REPORT_STATES];
    uint64_t errors[TG_ERR_COUNT]; /* sessions ended with each error */
    uint64_t rss_bytes, peak_rss_bytes;
    /* The `caps` object and the accounted memory (tg_analyzer_caps); NULL:
     * neither is written. A new counter there gets one line in report.c's
     * stats_caps(). */
    const struct tg_cap_counters *caps;
};

/* Writes one stats record; false if it could not be (r->failed tells
 * whether the output failed). Not counted in r->records. */
bool tg_report_stats(struct tg_report *r, const struct tg_report_stats *s);

#endif
