/*
 * fuzz_reasm.c - drives two directions of analyzer/reasm.c, sharing one set
 * of limits, with segments, acks, flushes, SYNs and stops chosen by the
 * input, and checks what their sinks receive.
 *
 * Input layout (all numbers big-endian):
 *   config  1 byte   bits 0-2 per-direction cap, bits 3-5 global cap
 *                    (indexes into the tables below), bit 6 start with SYNs
 *   isn     4 bytes  initial sequence number of both directions
 *   ops     7 bytes each, until the input ends:
 *     op     1 byte  bits 0-2 kind: 0-3 segment, 4 ack, 5 flush, 6 SYN,
 *                    7 stop when bit 6 is set, else arm the sink to call
 *                    stop from its callback once `len` more bytes moved;
 *                    bit 3 direction; bit 4 FIN; bit 5 corrupt the payload;
 *                    bit 7 delta is 32 bits (else the low 16, signed)
 *     delta  4 bytes sequence number relative to next_seq (ISN + 1 before
 *                    sync); for a SYN, relative to the ISN
 *     len    2 bytes payload length, low 12 bits
 *
 * Payload byte at sequence number x is pattern(x), or pattern(x) ^ 0xA5
 * when corrupted, so until a direction is fed a corrupted segment every
 * delivered byte can be checked against its sequence number. The checks:
 * bytes delivered plus gap bytes always equal how far next_seq moved (so
 * nothing is delivered twice or skipped silently), the gap counters match
 * the gaps the sink saw, no call is empty,
 * delivered bytes match the pattern, buffered bytes stay within the
 * per-direction cap after each segment, the global count equals the sum
 * of both directions, the sink hears nothing after a stop, and everything
 * is released at the end.
 */
#include "../analyzer/reasm.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* Caps from none to the defaults. */
static const size_t dir_caps[8] = {0, 1, 16, 100, 1000, 4096, 65536, TG_REASM_DEFAULT_DIR_BYTES};
static const size_t total_caps[8] = {0,    10,    100,      1000,
                                     5000, 20000, 1u << 20, TG_REASM_DEFAULT_TOTAL_BYTES};

struct checker {
    struct tg_reasm r;
    uint32_t start;  /* next_seq when the direction synced */
    uint32_t pos;    /* sequence number of the next byte the sink expects */
    uint64_t moved;  /* bytes delivered plus gap bytes */
    uint64_t gapped; /* gap bytes */
    uint32_t ngaps;  /* gap calls */
    bool started;
    bool corrupted; /* a corrupted payload was fed: bytes cannot be checked */
    bool armed;     /* the sink calls tg_reasm_stop once `moved` reaches stop_at */
    uint64_t stop_at;
    struct tg_reasm_limits *lim;
};

static uint8_t pattern(uint32_t x)
{
    return (uint8_t)((x * 2654435761u) >> 24);
}

/* A consumer that loses interest stops its direction from the callback. */
static void maybe_stop(struct checker *k)
{
    if (k->armed && k->moved >= k->stop_at) {
        k->armed = false;
        tg_reasm_stop(&k->r, k->lim);
    }
}

static void on_data(void *ctx, const uint8_t *p, size_t n)
{
    struct checker *k = ctx;
    REQUIRE(!k->r.stopped);
    REQUIRE(n > 0);
    REQUIRE(k->started);
    for (size_t i = 0; i < n; i++)
        REQUIRE(k->corrupted || p[i] == pattern(k->pos + (uint32_t)i));
    k->pos += (uint32_t)n;
    k->moved += n;
    maybe_stop(k);
}

static void on_gap(void *ctx, uint64_t bytes)
{
    struct checker *k = ctx;
    REQUIRE(!k->r.stopped);
    REQUIRE(bytes > 0 && bytes <= UINT32_C(0x80000000));
    REQUIRE(k->started);
    k->pos += (uint32_t)bytes;
    k->moved += bytes;
    k->gapped += bytes;
    k->ngaps++;
    maybe_stop(k);
}

/* The checker learns where the stream starts just before reasm syncs. */
static void will_sync(struct checker *k, uint32_t next_seq)
{
    if (k->r.synced || k->r.stopped)
        return;
    k->start = next_seq;
    k->pos = next_seq;
    k->started = true;
}

static void check_dir(const struct checker *k)
{
    REQUIRE(k->started == k->r.synced);
    if (k->started) {
        REQUIRE(k->pos == k->r.next_seq);
        REQUIRE((uint32_t)k->moved == (uint32_t)(k->r.next_seq - k->start));
    }
    if (k->r.stopped)
        REQUIRE(k->r.buffered == 0 && k->r.ooo == NULL);
    REQUIRE((k->r.buffered == 0) == (k->r.ooo == NULL));
    REQUIRE(k->r.c.gap_bytes == k->gapped && k->r.c.gaps == k->ngaps);
}

static void do_segment(struct checker *k, struct tg_reasm_limits *lim, uint32_t seq, size_t len,
                       bool fin, bool corrupt, const struct tg_reasm_sink *sink)
{
    uint8_t *p = malloc(len ? len : 1);
    if (!p)
        return;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(pattern(seq + (uint32_t)i) ^ (corrupt ? 0xA5 : 0));
    if (len > 0) {
        will_sync(k, seq);
        if (corrupt)
            k->corrupted = true;
    }
    struct tg_view v = {p, len};
    enum tg_status st = tg_reasm_segment(&k->r, lim, seq, v, fin, sink);
    REQUIRE(st == TG_OK || st == TG_E_LIMIT || st == TG_E_NOMEM);
    free(p);
    REQUIRE(k->r.buffered <= lim->max_dir_bytes);
    if (k->r.fin)
        REQUIRE(k->r.buffered == 0);
}

/* One 7-byte op read from `in`. */
static void run_op(struct checker dirs[2], struct tg_reasm_limits *lim, uint32_t isn,
                   struct tg_rd *in)
{
    uint8_t op = tg_rd_u8(in);
    uint32_t raw = tg_rd_u32(in);
    size_t len = tg_rd_u16(in) & 0x0FFFu;
    struct checker *k = &dirs[(op >> 3) & 1];
    struct tg_reasm_sink sink = {on_data, on_gap, k};
    uint32_t delta = (op & 0x80) ? raw : (uint32_t)(int32_t)(int16_t)(raw & 0xFFFF);
    uint32_t base = k->r.synced ? k->r.next_seq : isn + 1;
    switch (op & 7) {
    case 4:
        tg_reasm_ack(&k->r, lim, base + delta, &sink);
        break;
    case 5:
        tg_reasm_flush(&k->r, lim, &sink);
        REQUIRE(k->r.buffered == 0);
        break;
    case 6:
        will_sync(k, isn + delta + 1);
        tg_reasm_syn(&k->r, isn + delta);
        break;
    case 7:
        if (op & 0x40) {
            tg_reasm_stop(&k->r, lim);
        } else {
            k->armed = true;
            k->stop_at = k->moved + len;
        }
        break;
    default:
        do_segment(k, lim, base + delta, len, (op & 0x10) != 0, (op & 0x20) != 0, &sink);
        break;
    }
    check_dir(k);
    REQUIRE(lim->total_bytes == (size_t)dirs[0].r.buffered + dirs[1].r.buffered);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tg_rd in = tg_rd_make(data, size);
    uint8_t config = tg_rd_u8(&in);
    uint32_t isn = tg_rd_u32(&in);
    if (in.err)
        return 0;
    struct tg_reasm_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.max_dir_bytes = dir_caps[config & 7];
    lim.max_total_bytes = total_caps[(config >> 3) & 7];
    struct checker dirs[2];
    memset(dirs, 0, sizeof dirs);
    for (int d = 0; d < 2; d++) {
        tg_reasm_init(&dirs[d].r);
        dirs[d].lim = &lim;
        if (config & 0x40) {
            will_sync(&dirs[d], isn + 1);
            tg_reasm_syn(&dirs[d].r, isn);
        }
    }
    while (tg_rd_left(&in) >= 7)
        run_op(dirs, &lim, isn, &in);
    for (int d = 0; d < 2; d++) {
        struct tg_reasm_sink sink = {on_data, on_gap, &dirs[d]};
        tg_reasm_flush(&dirs[d].r, &lim, &sink);
        check_dir(&dirs[d]);
        REQUIRE(dirs[d].r.buffered == 0);
        tg_reasm_free(&dirs[d].r, &lim);
    }
    REQUIRE(lim.total_bytes == 0);
    return 0;
}
