/*
 * live.h - capturing on an interface for monitoring: the wake-up loop,
 * signals, dropping root, and the counters of the run's statistics
 * records (docs/live.md).
 */
#ifndef TG_LIVE_H
#define TG_LIVE_H

#include "analyzer.h"
#include "capture.h"

#include <stdbool.h>
#include <stdint.h>

/* The command's exit status (main.c's comment explains each). */
enum {
    TG_EXIT_OK = 0,
    TG_EXIT_USAGE = 1,
    TG_EXIT_INPUT = 2,
    TG_EXIT_RESOURCE = 3,
    TG_EXIT_DAMAGED = 4,
};

#define TG_LIVE_WAKE_MS 200 /* the loop wakes at least this often */
#define TG_LIVE_BATCH 1024  /* packets read between two looks at the clock */
#define TG_LIVE_DRAIN 65536 /* packets still read after a stop signal */

struct tg_live_opts {
    struct tg_capture_live_opts cap;
    const char *user;   /* -Z: the user to become once the capture is open */
    const char *output; /* -w path, NULL for standard output */
    bool pretty;
    int64_t stats_interval_us; /* 0: no statistics records */
};

/* Captures until SIGINT/SIGTERM, a closed output pipe or a capture error;
 * returns the exit status. */
int tg_live_run(const struct tg_live_opts *o, const struct tg_config *cfg);

/* Becomes `user` (supplementary groups, group, user, verified); false with
 * a message if that is not possible. Does nothing for the current user. */
bool tg_live_drop_privileges(const char *user);

/* ------------------------------------------------------- statistics */

/* What statistics records need beside the analyzer's own counters. */
struct tg_live_stats {
    struct tg_analyzer *a;
    struct tg_report *r;
    const char *iface; /* NULL offline */
    bool have_counts;  /* `counts` come from pcap_stats */
    struct tg_capture_counts counts;
    uint64_t stats_records; /* written so far */
};

/* Starts the statistics of a run on analyzer a writing to r (iface NULL
 * offline). Sessions are counted by the analyzer itself. */
void tg_live_stats_attach(struct tg_live_stats *s, struct tg_analyzer *a, struct tg_report *r,
                          const char *iface);

/* Writes a {"type": "stats"} record at time ts (microseconds) through the
 * reporter (tg_report_stats). */
void tg_live_stats_record(struct tg_live_stats *s, int64_t ts, bool final);

#endif
