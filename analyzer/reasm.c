/*
 * reasm.c - TCP stream reassembly for one direction of a flow.
 *
 * RFC 9293 3.4: every data byte has a 32-bit sequence number; a SYN takes
 * the number before the first data byte (ISN + 1), a FIN the one after the
 * last. RFC 9293 3.10.7.4 trims a segment to the bytes not yet received.
 * RFC 1982 / RFC 9293 3.4: numbers compare modulo 2^32, as the sign of
 * their 32-bit difference, which holds while two numbers are less than 2^31
 * apart. No wire bytes are parsed here: payloads arrive as views cut by the
 * decoder, and are only handed on, copied or compared.
 *
 * State: next_seq is the first byte not yet handed to the sink. Segments
 * that start after it wait in `ooo`, a list sorted by sequence whose
 * entries never overlap and all start after next_seq. Every buffered byte
 * lies within 2^31 of next_seq (a segment is at most TG_REASM_MAX_SEG long
 * and starts at most TG_REASM_MAX_AHEAD past next_seq), so an offset from
 * next_seq, taken as an unsigned 32-bit difference, orders them.
 *
 * Choices the header leaves open:
 *   - `overlaps` counts once per buffered segment whose bytes differ from
 *     an overlapping new segment; `retransmitted` counts once per segment
 *     that overlaps bytes delivered or buffered; `out_of_order` once per
 *     segment starting past next_seq (even if all its bytes were buffered).
 *   - A segment starting more than TG_REASM_MAX_AHEAD past next_seq is
 *     ignored, as is an ack that far ahead: such numbers are noise, and a
 *     gap of a gigabyte helps nobody. A segment longer than
 *     TG_REASM_MAX_SEG is refused with TG_E_MALFORMED.
 *   - A FIN ends the stream at once: what is buffered is delivered, holes
 *     (also one between the last data and the FIN) become gaps, later data
 *     is ignored (counted as retransmitted when it lies before the end) and
 *     later acks are ignored, so the ack of the FIN never makes a gap. If
 *     the capture lost the FIN itself, its ack reads as a 1-byte gap.
 *   - A SYN only syncs a direction that is not yet synced; a repeated SYN,
 *     or one seen after mid-stream pickup, changes nothing.
 *   - The per-direction cap is enforced after a segment is buffered, so for
 *     the length of one call `buffered` may pass it by that segment.
 *   - A sink callback may call tg_reasm_stop on its own direction: the
 *     sink hears nothing more, even from the call that is under way.
 */
#include "reasm.h"

#include <stdlib.h>
#include <string.h>

#define TG_REASM_MAX_AHEAD (INT32_C(1) << 30)
#define TG_REASM_MAX_SEG ((size_t)1 << 30)
#define MALLOC_SLACK 16u /* what malloc adds to a block, about: header and rounding */

struct tg_reasm_seg {
    struct tg_reasm_seg *next;
    uint32_t seq;
    uint32_t len;
    uint8_t data[];
};

/* a - b as a signed distance modulo 2^32 (without implementation-defined casts) */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    if (d <= (uint32_t)INT32_MAX)
        return (int32_t)d;
    return -(int32_t)(UINT32_MAX - d) - 1;
}

/* How far x lies past next_seq (for numbers known not to be before it). */
static uint32_t ahead(const struct tg_reasm *r, uint32_t x)
{
    return x - r->next_seq;
}

/* n bytes of v from off, through the reader (empty if out of range). */
static struct tg_view view_sub(struct tg_view v, size_t off, size_t n)
{
    struct tg_rd rd = tg_rd_of(v);
    tg_rd_skip(&rd, off);
    return tg_rd_bytes(&rd, n);
}

static void emit_data(struct tg_reasm *r, const struct tg_reasm_sink *sink, const uint8_t *p,
                      size_t n)
{
    if (n == 0)
        return;
    if (sink && sink->data)
        sink->data(sink->ctx, p, n);
    r->next_seq += (uint32_t)n;
}

static void emit_gap(struct tg_reasm *r, const struct tg_reasm_sink *sink, uint32_t n)
{
    if (n == 0)
        return;
    r->c.gaps++;
    r->c.gap_bytes += n;
    if (sink && sink->gap)
        sink->gap(sink->ctx, n);
    r->next_seq += n;
}

/* Takes the first buffered segment off the list and out of the counts. */
static struct tg_reasm_seg *unlink_first(struct tg_reasm *r, struct tg_reasm_limits *lim)
{
    struct tg_reasm_seg *s = r->ooo;
    r->ooo = s->next;
    r->buffered -= s->len;
    r->segments--;
    lim->total_bytes -= s->len;
    return s;
}

static void free_all(struct tg_reasm *r, struct tg_reasm_limits *lim)
{
    while (r->ooo)
        free(unlink_first(r, lim));
}

/*
 * Delivers buffered segments while they continue the stream, and frees them.
 * Each is unlinked before the sink sees it, so the sink may call
 * tg_reasm_stop (which empties the list and ends the loop).
 */
static void drain(struct tg_reasm *r, struct tg_reasm_limits *lim, const struct tg_reasm_sink *sink)
{
    while (r->ooo && seq_diff(r->ooo->seq, r->next_seq) <= 0) {
        struct tg_reasm_seg *s = unlink_first(r, lim);
        uint32_t done = r->next_seq - s->seq; /* 0 unless the invariant broke */
        if (done < s->len)
            emit_data(r, sink, s->data + done, s->len - done);
        free(s);
    }
}

/* Reports the hole before the first buffered segment as a gap, then drains. */
static void skip_hole(struct tg_reasm *r, struct tg_reasm_limits *lim,
                      const struct tg_reasm_sink *sink)
{
    emit_gap(r, sink, ahead(r, r->ooo->seq));
    drain(r, lim, sink);
}

/*
 * Compares v (at seq, not before next_seq) with the buffered bytes it
 * overlaps, counting a conflict per buffered segment. True if any overlap.
 */
static bool check_overlaps(struct tg_reasm *r, uint32_t seq, struct tg_view v)
{
    bool seen = false;
    uint32_t lo = ahead(r, seq);
    uint32_t hi = lo + (uint32_t)v.len;
    for (const struct tg_reasm_seg *s = r->ooo; s; s = s->next) {
        uint32_t a = ahead(r, s->seq);
        uint32_t b = a + s->len;
        if (a >= hi)
            break;
        if (b <= lo)
            continue;
        uint32_t from = a > lo ? a : lo;
        uint32_t to = b < hi ? b : hi;
        struct tg_view mine = view_sub(v, from - lo, to - from);
        seen = true;
        if (mine.len == to - from && mine.len > 0 && /* no memcmp on an empty view */
            memcmp(mine.p, s->data + (from - a), mine.len) != 0)
            r->c.overlaps++;
    }
    return seen;
}

/*
 * Delivers v, which starts at next_seq; buffered bytes it overlaps win.
 * Stops as soon as the sink calls tg_reasm_stop.
 */
static void deliver_run(struct tg_reasm *r, struct tg_reasm_limits *lim,
                        const struct tg_reasm_sink *sink, uint32_t seq, struct tg_view v)
{
    size_t off = 0;
    while (off < v.len && !r->stopped) {
        uint32_t pos = seq + (uint32_t)off;
        if (pos != r->next_seq) { /* a drain went past pos */
            uint32_t skip = r->next_seq - pos;
            if (skip >= v.len - off)
                return;
            off += skip;
            continue;
        }
        size_t n = v.len - off;
        if (r->ooo && ahead(r, r->ooo->seq) < n)
            n = ahead(r, r->ooo->seq);
        struct tg_view part = view_sub(v, off, n);
        emit_data(r, sink, part.p, part.len);
        off += n;
        drain(r, lim, sink);
    }
}

/* Copies v (at seq) into a new buffered segment linked at *link. */
static enum tg_status insert_piece(struct tg_reasm *r, struct tg_reasm_limits *lim,
                                   struct tg_reasm_seg **link, uint32_t seq, struct tg_view v)
{
    if (lim->total_bytes > lim->max_total_bytes ||
        v.len > lim->max_total_bytes - lim->total_bytes) {
        lim->total_cap_hits++;
        return TG_E_LIMIT;
    }
    struct tg_reasm_seg *s = malloc(sizeof *s + v.len);
    if (!s)
        return TG_E_NOMEM;
    s->seq = seq;
    s->len = (uint32_t)v.len;
    if (v.len > 0) /* an empty view may have no pointer at all */
        memcpy(s->data, v.p, v.len);
    s->next = *link;
    *link = s;
    r->buffered += s->len;
    r->segments++;
    lim->total_bytes += v.len;
    return TG_OK;
}

/* Buffers the bytes of v (at seq, past next_seq) that no segment holds yet. */
static enum tg_status buffer_run(struct tg_reasm *r, struct tg_reasm_limits *lim, uint32_t seq,
                                 struct tg_view v)
{
    struct tg_reasm_seg **link = &r->ooo;
    size_t off = 0;
    while (off < v.len) {
        uint32_t pos = ahead(r, seq + (uint32_t)off);
        struct tg_reasm_seg *s = *link;
        size_t n = v.len - off;
        if (s) {
            uint32_t a = ahead(r, s->seq);
            if (a + s->len <= pos) { /* s lies before pos */
                link = &s->next;
                continue;
            }
            if (a <= pos) { /* s holds pos: its bytes win */
                off += a + s->len - pos;
                link = &s->next;
                continue;
            }
            if (a - pos < n)
                n = a - pos;
        }
        enum tg_status st = insert_piece(r, lim, link, seq + (uint32_t)off, view_sub(v, off, n));
        if (st != TG_OK)
            return st;
        link = &(*link)->next;
        off += n;
    }
    return TG_OK;
}

/* Skips holes until the buffered bytes fit the per-direction cap. */
static void enforce_dir_cap(struct tg_reasm *r, struct tg_reasm_limits *lim,
                            const struct tg_reasm_sink *sink)
{
    while (r->ooo && r->buffered > lim->max_dir_bytes) {
        lim->dir_cap_hits++;
        skip_hole(r, lim, sink);
    }
}

/* Data from a segment with a non-empty payload, on a direction not ended. */
static enum tg_status take_payload(struct tg_reasm *r, struct tg_reasm_limits *lim, uint32_t seq,
                                   struct tg_view v, const struct tg_reasm_sink *sink)
{
    int32_t d = seq_diff(seq, r->next_seq);
    bool seen = false;
    if (d > TG_REASM_MAX_AHEAD)
        return TG_OK;
    if (d < 0) {
        uint32_t old = r->next_seq - seq;
        r->c.retransmitted++;
        if (old >= v.len)
            return TG_OK;
        v = view_sub(v, old, v.len - old);
        seq = r->next_seq;
        seen = true;
    }
    if (check_overlaps(r, seq, v) && !seen)
        r->c.retransmitted++;
    if (seq == r->next_seq) {
        deliver_run(r, lim, sink, seq, v);
        return TG_OK;
    }
    r->c.out_of_order++;
    enum tg_status st = buffer_run(r, lim, seq, v);
    enforce_dir_cap(r, lim, sink);
    return st;
}

/* A FIN at `end`: deliver all that is buffered, report what is missing. */
static void end_stream(struct tg_reasm *r, struct tg_reasm_limits *lim, uint32_t end,
                       const struct tg_reasm_sink *sink)
{
    r->fin = true;
    if (!r->synced)
        return;
    while (r->ooo)
        skip_hole(r, lim, sink);
    int32_t d = seq_diff(end, r->next_seq);
    if (!r->stopped && d > 0 && d <= TG_REASM_MAX_AHEAD)
        emit_gap(r, sink, (uint32_t)d);
}

void tg_reasm_init(struct tg_reasm *r)
{
    memset(r, 0, sizeof *r);
    r->ooo = NULL;
}

void tg_reasm_syn(struct tg_reasm *r, uint32_t isn)
{
    if (r->synced || r->stopped)
        return;
    r->next_seq = isn + 1;
    r->synced = true;
}

enum tg_status tg_reasm_segment(struct tg_reasm *r, struct tg_reasm_limits *lim, uint32_t seq,
                                struct tg_view payload, bool fin, const struct tg_reasm_sink *sink)
{
    if (r->stopped)
        return TG_OK;
    if (!payload.p)
        payload.len = 0;
    if (payload.len > TG_REASM_MAX_SEG)
        return TG_E_MALFORMED;
    enum tg_status st = TG_OK;
    if (payload.len > 0) {
        if (!r->synced) {
            r->next_seq = seq;
            r->synced = true;
        }
        if (!r->fin)
            st = take_payload(r, lim, seq, payload, sink);
        else if (seq_diff(seq, r->next_seq) < 0)
            r->c.retransmitted++;
    }
    if (fin && !r->fin)
        end_stream(r, lim, seq + (uint32_t)payload.len, sink);
    return st;
}

void tg_reasm_ack(struct tg_reasm *r, struct tg_reasm_limits *lim, uint32_t ack,
                  const struct tg_reasm_sink *sink)
{
    if (r->stopped || !r->synced || r->fin)
        return;
    int32_t d = seq_diff(ack, r->next_seq);
    if (d <= 0 || d > TG_REASM_MAX_AHEAD)
        return;
    while (r->ooo && seq_diff(r->ooo->seq, ack) < 0)
        skip_hole(r, lim, sink);
    d = seq_diff(ack, r->next_seq);
    if (!r->stopped && d > 0) {
        emit_gap(r, sink, (uint32_t)d);
        drain(r, lim, sink);
    }
}

void tg_reasm_flush(struct tg_reasm *r, struct tg_reasm_limits *lim,
                    const struct tg_reasm_sink *sink)
{
    if (r->stopped)
        return;
    while (r->ooo)
        skip_hole(r, lim, sink);
}

void tg_reasm_stop(struct tg_reasm *r, struct tg_reasm_limits *lim)
{
    free_all(r, lim);
    r->stopped = true;
}

size_t tg_reasm_memory(const struct tg_reasm *r)
{
    return r->buffered + (size_t)r->segments * (sizeof(struct tg_reasm_seg) + MALLOC_SLACK);
}

void tg_reasm_free(struct tg_reasm *r, struct tg_reasm_limits *lim)
{
    free_all(r, lim);
}
