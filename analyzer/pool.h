/*
 * pool.h - `--threads N`: TCP flows sharded across N worker threads.
 *
 * The thread that reads the capture decodes each frame (and rebuilds IP
 * fragments), picks a worker by a hash of the flow's two endpoints that is
 * the same in both directions, and copies the packet into that worker's
 * queue. Each worker owns a whole analyzer: its flows, sessions, nDPI state
 * and record builder. A worker's records come back to the reading thread,
 * which writes them in the order of the messages (packets, clock ticks)
 * that ended their sessions; records made at the same message by different
 * workers, and those of the sessions still open at the end, go worker by
 * worker. docs/threads.md has the design and what differs from one thread.
 */
#ifndef TG_POOL_H
#define TG_POOL_H

#include "../dissectors/status.h"
#include "decode.h"

#include <stdint.h>

#define TG_POOL_MAX_THREADS 64u

struct tg_pool;
struct tg_config;
struct tg_report;
struct tg_analyzer;

/* Starts n workers, each with cfg's options and its caps divided by n;
 * their records go to `front`. */
enum tg_status tg_pool_new(struct tg_pool **out, unsigned n, const struct tg_config *cfg,
                           struct tg_report *front) TG_WARN_UNUSED;

/* One TCP segment, decoded, from the frame numbered frame_no; its bytes are
 * copied. */
void tg_pool_packet(struct tg_pool *p, const struct tg_packet *pkt, int64_t ts, uint64_t frame_no);

/* Capture time has come to ts (a packet that is not TCP, or the live clock):
 * the workers end idle flows. `force` (the live clock) sends the time to
 * every worker, at most every 100 ms. */
void tg_pool_time(struct tg_pool *p, int64_t ts, bool force);

/* The input was damaged: every open session says so (tg_flows_note_damage). */
void tg_pool_damage(struct tg_pool *p);

/* A descriptor that polls readable when a worker has gone idle, its records
 * handed over (-1 if it could not be made): a live loop waits on it too,
 * then calls tg_pool_sync. Workers signal it only once it has been asked
 * for (offline runs save the system calls). */
int tg_pool_wake_fd(struct tg_pool *p);

/* Hands every queued packet over and writes the records that are ready. */
void tg_pool_sync(struct tg_pool *p);

/* End of input: every open session gets its record; returns when all are
 * written. */
void tg_pool_finish(struct tg_pool *p);

/* Puts the workers' counters, summed, into `front`'s flow table and session
 * counts (as of the workers' last report, at most a few hundred packets
 * old). */
void tg_pool_collect(struct tg_pool *p, struct tg_analyzer *front);

/* Stops the workers (each frees what its thread kept); nothing else. */
void tg_pool_stop(struct tg_pool *p);

/* Stops the workers and frees everything. */
void tg_pool_free(struct tg_pool *p);

#endif
