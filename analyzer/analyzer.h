/*
 * analyzer.h - one analysis run: decoded packets in, session records out.
 * Capture sources (files, stdin, interfaces) feed it packet by packet.
 */
#ifndef TG_ANALYZER_H
#define TG_ANALYZER_H

#include "flow.h"
#include "ipfrag.h"
#include "validate.h"
#include "report.h"

#include <stdint.h>

struct tg_config {
    size_t max_flows;
    int64_t idle_timeout_us;
    int64_t close_delay_us;
    size_t reasm_dir_bytes;
    size_t reasm_total_bytes;
    bool emit_handshake; /* a record at the handshake's end, then an update */
    bool no_ndpi;        /* skip nDPI classification */
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
};

struct tg_analyzer {
    struct tg_flows flows;
    struct tg_ipfrag frags;
    struct tg_report *report;
    struct tg_analyzer_stats stats;
};

enum tg_status tg_analyzer_init(struct tg_analyzer *a, const struct tg_config *cfg,
                                struct tg_report *report) TG_WARN_UNUSED;

/* One captured frame: link type, time in microseconds, bytes, wire length. */
void tg_analyzer_packet(struct tg_analyzer *a, int dlt, int64_t ts, struct tg_view frame,
                        uint32_t wire_len);

/* End of input: every open session gets its record. */
void tg_analyzer_finish(struct tg_analyzer *a);

void tg_analyzer_free(struct tg_analyzer *a);

#endif
