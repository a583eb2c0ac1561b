/*
 * reasm.h - TCP stream reassembly for one direction of a flow.
 *
 * In-order data is handed to the sink as views of the packet, never copied.
 * Only segments that arrive ahead of a hole are copied, into buffers
 * counted against a per-direction cap and a global cap shared by all flows.
 *
 * Sequence numbers compare modulo 2^32 (RFC 793 3.3 / RFC 1982), so a
 * stream may wrap. A retransmission or overlap delivers only the bytes not
 * yet delivered: first data wins; an overlap whose bytes differ from what
 * was delivered or buffered is counted in `overlaps` (when the old bytes are
 * still at hand to compare: buffered ones always, delivered ones never).
 *
 * A hole is skipped, and reported to the sink as a gap of N bytes, when:
 *   - the buffered out-of-order bytes pass the per-direction cap (a window),
 *   - the peer acknowledges data beyond the hole (the capture lost it),
 *   - the direction ends (FIN, RST) or the flow ends (tg_reasm_flush).
 * After a gap, delivery goes on with the next buffered segment.
 */
#ifndef TG_REASM_H
#define TG_REASM_H

#include "../dissectors/reader.h"
#include "../dissectors/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Limits and usage shared by every flow of one analysis (docs/limits.md).
 * Hitting a cap loses nothing silently: the direction's cap skips the
 * oldest hole (a gap the sink hears of), the global cap refuses a segment
 * (TG_E_LIMIT; its bytes become a later gap); each hit is counted here.
 */
struct tg_reasm_limits {
    size_t max_dir_bytes;    /* buffered out-of-order bytes per direction */
    size_t max_total_bytes;  /* buffered out-of-order bytes, all flows */
    size_t total_bytes;      /* in use now */
    uint64_t dir_cap_hits;   /* times a direction's cap forced a gap skip */
    uint64_t total_cap_hits; /* times the global cap refused a segment */
};

#define TG_REASM_DEFAULT_DIR_BYTES ((size_t)256 * 1024)          /* per direction */
#define TG_REASM_DEFAULT_TOTAL_BYTES ((size_t)256 * 1024 * 1024) /* all flows */

struct tg_reasm_counters {
    uint32_t out_of_order;  /* segments that arrived ahead of a hole */
    uint32_t retransmitted; /* segments wholly or partly already seen */
    uint32_t overlaps;      /* overlaps whose bytes conflict */
    uint32_t gaps;          /* holes skipped */
    uint64_t gap_bytes;     /* bytes never seen */
};

struct tg_reasm_seg; /* a buffered out-of-order segment (private) */

struct tg_reasm {
    struct tg_reasm_seg *ooo; /* sorted by sequence, not overlapping */
    struct tg_reasm_counters c;
    uint32_t next_seq; /* next byte expected */
    uint32_t buffered; /* bytes held in `ooo` */
    uint32_t segments; /* segments held in `ooo` */
    bool synced;       /* next_seq is known */
    bool fin;          /* FIN seen (data may still be out of order) */
    bool stopped;      /* consumer wants no more data */
};

/* Where in-order bytes and gaps go. Views are valid during the call only. */
struct tg_reasm_sink {
    void (*data)(void *ctx, const uint8_t *p, size_t n);
    void (*gap)(void *ctx, uint64_t bytes);
    void *ctx;
};

void tg_reasm_init(struct tg_reasm *r);

/* A SYN (or SYN-ACK) from this direction: data starts at isn + 1. */
void tg_reasm_syn(struct tg_reasm *r, uint32_t isn);

/*
 * A segment from this direction. A direction first seen without a SYN
 * (picked up mid-stream) syncs on its first segment with data. `fin` marks
 * the end of the stream after this payload. Returns TG_E_LIMIT when the
 * global cap refused to buffer the segment (its bytes become a later gap),
 * TG_E_NOMEM likewise when malloc failed, TG_E_MALFORMED for a payload
 * over 2^30 bytes (ignored). A segment starting more than 2^30 bytes past
 * the next expected byte is ignored.
 */
enum tg_status tg_reasm_segment(struct tg_reasm *r, struct tg_reasm_limits *lim, uint32_t seq,
                                struct tg_view payload, bool fin,
                                const struct tg_reasm_sink *sink) TG_WARN_UNUSED;

/*
 * The peer acknowledged every byte before `ack`: a hole below it will never
 * be filled from this capture, so skip it and deliver what follows.
 */
void tg_reasm_ack(struct tg_reasm *r, struct tg_reasm_limits *lim, uint32_t ack,
                  const struct tg_reasm_sink *sink);

/* End of the flow: deliver all that is buffered, reporting the holes. */
void tg_reasm_flush(struct tg_reasm *r, struct tg_reasm_limits *lim,
                    const struct tg_reasm_sink *sink);

/*
 * The consumer wants nothing more: free the buffers, ignore later data.
 * A sink callback may call it for its own direction; the sink then hears
 * nothing more, not even from the call under way.
 */
void tg_reasm_stop(struct tg_reasm *r, struct tg_reasm_limits *lim);

/* Bytes the buffered segments take from malloc now, headers included. */
size_t tg_reasm_memory(const struct tg_reasm *r);

/* Frees the buffers (the struct itself belongs to the caller). */
void tg_reasm_free(struct tg_reasm *r, struct tg_reasm_limits *lim);

#endif
