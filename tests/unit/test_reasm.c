/*
 * test_reasm.c - unit tests for analyzer/reasm.c: delivered byte streams,
 * gaps and counters for in-order, out-of-order, retransmitted, overlapping,
 * wrapping, capped and ended streams. Each payload is a malloc'd copy of
 * exactly its size, so ASan sees a one-byte over-read.
 */
#include "../../analyzer/reasm.h"
#include "testkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * What the sink saw. Delivered bytes are appended to buf; a gap of up to
 * 32 bytes appends that many '#', a larger one a single '*'.
 */
struct out {
    char buf[512];
    size_t n;
    unsigned ndata, ngap, views;
    uint64_t gap_bytes;
    bool bad; /* a zero-length call, an overflow of buf, a call after stop */
    /* When set, the sink calls tg_reasm_stop once it holds stop_after bytes. */
    struct tg_reasm *stop_r;
    struct tg_reasm_limits *stop_lim;
    size_t stop_after;
    bool stopped_by_sink;
};

static void maybe_stop(struct out *o)
{
    if (o->stop_r && o->n >= o->stop_after) {
        tg_reasm_stop(o->stop_r, o->stop_lim);
        o->stop_r = NULL;
        o->stopped_by_sink = true;
    }
}

static const uint8_t *cur_payload; /* the payload of the segment being fed */

static void out_put(struct out *o, char c)
{
    if (o->n + 1 >= sizeof o->buf) {
        o->bad = true;
        return;
    }
    o->buf[o->n++] = c;
    o->buf[o->n] = '\0';
}

static void sink_data(void *ctx, const uint8_t *p, size_t n)
{
    struct out *o = ctx;
    o->ndata++;
    if (n == 0 || o->stopped_by_sink)
        o->bad = true;
    if (p == cur_payload)
        o->views++;
    for (size_t i = 0; i < n; i++)
        out_put(o, (char)p[i]);
    maybe_stop(o);
}

static void sink_gap(void *ctx, uint64_t bytes)
{
    struct out *o = ctx;
    o->ngap++;
    o->gap_bytes += bytes;
    if (bytes == 0 || o->stopped_by_sink)
        o->bad = true;
    if (bytes > 32)
        out_put(o, '*');
    else
        for (uint64_t i = 0; i < bytes; i++)
            out_put(o, '#');
    maybe_stop(o);
}

struct fx {
    struct tg_reasm r;
    struct tg_reasm_limits lim;
    struct out out;
    struct tg_reasm_sink sink;
};

static void fx_init(struct fx *f, size_t dir_cap, size_t total_cap)
{
    memset(f, 0, sizeof *f);
    tg_reasm_init(&f->r);
    f->lim.max_dir_bytes = dir_cap;
    f->lim.max_total_bytes = total_cap;
    f->sink.data = sink_data;
    f->sink.gap = sink_gap;
    f->sink.ctx = &f->out;
}

static void fx_default(struct fx *f)
{
    fx_init(f, TG_REASM_DEFAULT_DIR_BYTES, TG_REASM_DEFAULT_TOTAL_BYTES);
}

/* Feeds text (may be "") at seq to r, from a malloc'd buffer of its exact size. */
static enum tg_status feed(struct tg_reasm *r, struct tg_reasm_limits *lim, struct out *o,
                           uint32_t seq, const char *text, bool fin)
{
    struct tg_view v = view_copy_text(text);
    struct tg_reasm_sink sink = {sink_data, sink_gap, o};
    cur_payload = v.p;
    enum tg_status st = tg_reasm_segment(r, lim, seq, v, fin, &sink);
    cur_payload = NULL;
    view_free(v);
    return st;
}

static enum tg_status seg(struct fx *f, uint32_t seq, const char *text)
{
    return feed(&f->r, &f->lim, &f->out, seq, text, false);
}

static enum tg_status seg_fin(struct fx *f, uint32_t seq, const char *text)
{
    return feed(&f->r, &f->lim, &f->out, seq, text, true);
}

static void ack(struct fx *f, uint32_t a)
{
    tg_reasm_ack(&f->r, &f->lim, a, &f->sink);
}

static void flush(struct fx *f)
{
    tg_reasm_flush(&f->r, &f->lim, &f->sink);
}

#define CHECK_STREAM(f, want)                                                                      \
    CHECK_MSG(strcmp((f)->out.buf, (want)) == 0 && !(f)->out.bad, "stream \"%s\"%s, want \"%s\"",  \
              (f)->out.buf, (f)->out.bad ? " (bad call)" : "", (want))

#define CHECK_COUNTERS(f, ooo, retx, ovl, ngaps, gbytes)                                           \
    do {                                                                                           \
        CHECK_EQ((f)->r.c.out_of_order, (ooo));                                                    \
        CHECK_EQ((f)->r.c.retransmitted, (retx));                                                  \
        CHECK_EQ((f)->r.c.overlaps, (ovl));                                                        \
        CHECK_EQ((f)->r.c.gaps, (ngaps));                                                          \
        CHECK_EQ((f)->r.c.gap_bytes, (gbytes));                                                    \
        CHECK_EQ((f)->out.gap_bytes, (gbytes));                                                    \
    } while (0)

/* Frees and checks that nothing stays counted as buffered. */
static void fx_done(struct fx *f)
{
    tg_reasm_free(&f->r, &f->lim);
    CHECK_EQ(f->r.buffered, 0);
    CHECK_EQ(f->r.segments, 0);
    CHECK_EQ(tg_reasm_memory(&f->r), 0);
    CHECK_EQ(f->lim.total_bytes, 0);
}

static void test_in_order(void)
{
    puts("in order: views of the payload, next_seq after the data");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 1000);
    CHECK(f.r.synced);
    CHECK_EQ(f.r.next_seq, 1001);
    CHECK_EQ(seg(&f, 1001, "hello"), TG_OK);
    CHECK_EQ(seg(&f, 1006, " world"), TG_OK);
    CHECK_STREAM(&f, "hello world");
    CHECK_EQ(f.out.ndata, 2);
    CHECK_EQ(f.out.views, 2); /* no copy: the sink saw the caller's pointers */
    CHECK_EQ(f.lim.total_bytes, 0);
    CHECK_EQ(f.r.next_seq, 1012);
    CHECK_COUNTERS(&f, 0, 0, 0, 0, 0);
    fx_done(&f);
}

/* Three segments "aaa" "bbb" "ccc" in every order. */
static void test_permutations(void)
{
    static const struct {
        const char *order;
        unsigned out_of_order;
    } cases[] = {
        {"123", 0}, {"132", 1}, {"213", 1}, {"231", 2}, {"312", 1}, {"321", 2},
    };
    static const char *const text[] = {"aaa", "bbb", "ccc"};
    puts("out of order: all orders of three segments");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx f;
        fx_default(&f);
        tg_reasm_syn(&f.r, 0);
        for (const char *k = cases[i].order; *k; k++) {
            int idx = *k - '1';
            CHECK_EQ(seg(&f, 1 + 3 * (uint32_t)idx, text[idx]), TG_OK);
        }
        CHECK_STREAM(&f, "aaabbbccc");
        CHECK_COUNTERS(&f, cases[i].out_of_order, 0, 0, 0, 0);
        CHECK_EQ(f.r.buffered, 0);
        CHECK_EQ(f.lim.total_bytes, 0);
        CHECK(f.r.ooo == NULL);
        fx_done(&f);
    }
}

static void test_buffer_accounting(void)
{
    puts("out of order: buffered bytes counted per direction and globally");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 7, "ccc"), TG_OK);
    CHECK_EQ(seg(&f, 13, "eeee"), TG_OK);
    CHECK_EQ(f.r.buffered, 7);
    CHECK_EQ(f.r.segments, 2);
    CHECK_EQ(f.lim.total_bytes, 7);
    /* memory: the bytes and, per segment, a header and malloc's slack */
    size_t per_seg = (tg_reasm_memory(&f.r) - 7) / 2;
    CHECK_EQ(tg_reasm_memory(&f.r), 7 + 2 * per_seg);
    CHECK(per_seg >= sizeof(void *) + 8);
    CHECK_STREAM(&f, "");
    CHECK_EQ(seg(&f, 10, "dd"), TG_OK); /* between the two: a third segment */
    CHECK_EQ(f.r.segments, 3);
    CHECK_EQ(tg_reasm_memory(&f.r), 9 + 3 * per_seg);
    CHECK_EQ(seg(&f, 1, "aaabbb"), TG_OK);
    CHECK_STREAM(&f, "aaabbbcccdd");
    CHECK_EQ(f.r.buffered, 4);
    CHECK_EQ(f.r.segments, 1);
    CHECK_EQ(tg_reasm_memory(&f.r), 4 + per_seg);
    CHECK_EQ(f.lim.total_bytes, 4);
    CHECK_EQ(f.r.next_seq, 12);
    fx_done(&f); /* frees "eeee" */
}

static void test_duplicates(void)
{
    puts("duplicates: in-order and buffered segments seen twice");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "abc"), TG_OK);
    CHECK_EQ(seg(&f, 1, "abc"), TG_OK);
    CHECK_EQ(seg(&f, 1, "XYZ"), TG_OK); /* delivered bytes cannot be compared */
    CHECK_EQ(seg(&f, 7, "ghi"), TG_OK);
    CHECK_EQ(seg(&f, 7, "ghi"), TG_OK);
    CHECK_EQ(f.r.buffered, 3);
    CHECK_EQ(seg(&f, 4, "def"), TG_OK);
    CHECK_EQ(seg(&f, 4, "def"), TG_OK);
    CHECK_STREAM(&f, "abcdefghi");
    CHECK_COUNTERS(&f, 2, 4, 0, 0, 0);
    fx_done(&f);
}

static void test_partial_retransmission(void)
{
    puts("partial retransmission: only the new bytes are delivered");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "abcd"), TG_OK);
    f.out.views = 0;
    CHECK_EQ(seg(&f, 3, "cdef"), TG_OK);
    CHECK_STREAM(&f, "abcdef");
    CHECK_EQ(f.out.views, 0); /* delivered from within the payload, not its start */
    CHECK_EQ(f.out.ndata, 2);
    CHECK_COUNTERS(&f, 0, 1, 0, 0, 0);
    CHECK_EQ(f.lim.total_bytes, 0);
    fx_done(&f);
}

static void test_overlap(void)
{
    static const struct {
        const char *name;
        const char *late; /* covers seq 3..10 over buffered "ef" (5) and "ij" (9) */
        const char *want;
        unsigned overlaps;
    } cases[] = {
        {"identical bytes", "cdefghij", "abcdefghij", 0},
        {"first conflicts", "cdEFghij", "abcdefghij", 1},
        {"both conflict", "cdEfghIJ", "abcdefghij", 2},
        {"ends one byte into the buffer", "cdE", "abcdefghij", 1},
        {"ends at the buffer", "cd", "abcdefghij", 0},
    };
    puts("overlap with buffered data: first data wins, conflicts counted");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        printf("  %s\n", cases[i].name);
        struct fx f;
        fx_default(&f);
        tg_reasm_syn(&f.r, 0);
        CHECK_EQ(seg(&f, 1, "ab"), TG_OK);
        CHECK_EQ(seg(&f, 5, "ef"), TG_OK);
        CHECK_EQ(seg(&f, 9, "ij"), TG_OK);
        CHECK_EQ(seg(&f, 3, cases[i].late), TG_OK); /* in order, over the buffer */
        if (strlen(cases[i].late) < 8)
            CHECK_EQ(seg(&f, 7, "gh"), TG_OK);
        CHECK_STREAM(&f, cases[i].want);
        CHECK_COUNTERS(&f, 2, strlen(cases[i].late) > 2, cases[i].overlaps, 0, 0);
        CHECK_EQ(f.lim.total_bytes, 0);
        fx_done(&f);
    }
}

static void test_overlap_buffered(void)
{
    puts("overlap between out-of-order segments: pieces fill around the buffer");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 5, "cc"), TG_OK);
    CHECK_EQ(seg(&f, 9, "ee"), TG_OK);
    CHECK_EQ(seg(&f, 3, "bbCCddeeff"), TG_OK); /* 3..12: new pieces 3-4, 7-8, 11-12 */
    CHECK_EQ(f.r.buffered, 10);
    CHECK_EQ(f.lim.total_bytes, 10);
    CHECK_EQ(seg(&f, 11, "FFgg"), TG_OK); /* "ff" buffered first wins */
    CHECK_EQ(f.r.buffered, 12);
    CHECK_STREAM(&f, "");
    CHECK_EQ(seg(&f, 1, "aa"), TG_OK);
    CHECK_STREAM(&f, "aabbccddeeffgg");
    CHECK_COUNTERS(&f, 4, 2, 2, 0, 0);
    CHECK_EQ(f.r.next_seq, 15);
    fx_done(&f);
}

static void test_wraparound(void)
{
    puts("wraparound: sequence numbers across 2^32");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0xFFFFFFF0u); /* data from 0xFFFFFFF1 */
    CHECK_EQ(seg(&f, 0x00000005u, "KLMNOPQRST"), TG_OK);
    CHECK_EQ(seg(&f, 0xFFFFFFF1u, "0123456789"), TG_OK);
    CHECK_EQ(f.r.buffered, 10);
    CHECK_EQ(seg(&f, 0xFFFFFFFBu, "abcdefghij"), TG_OK); /* 0xFFFFFFFB..0x4 */
    CHECK_STREAM(&f, "0123456789abcdefghijKLMNOPQRST");
    CHECK_EQ(f.r.next_seq, 0x0000000Fu);
    CHECK_EQ(seg(&f, 0xFFFFFFFFu, "ef"), TG_OK); /* old, across 0 */
    CHECK_COUNTERS(&f, 1, 1, 0, 0, 0);

    puts("wraparound: ack and gap across 2^32");
    struct fx g;
    fx_default(&g);
    tg_reasm_syn(&g.r, 0xFFFFFFF9u);
    CHECK_EQ(seg(&g, 0xFFFFFFFAu, "ab"), TG_OK);
    CHECK_EQ(seg(&g, 0x00000002u, "zz"), TG_OK);
    ack(&g, 0x00000004u);
    CHECK_STREAM(&g, "ab######zz");
    CHECK_COUNTERS(&g, 1, 0, 0, 1, 6);
    ack(&g, 0x00000008u);
    CHECK_STREAM(&g, "ab######zz####");
    CHECK_EQ(g.r.next_seq, 8);
    fx_done(&f);
    fx_done(&g);
}

static void test_gap_ack(void)
{
    puts("gap via ack: skip to buffered data, resync, late bytes are old");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    ack(&f, 1); /* the ack of the SYN: nothing missing */
    CHECK_EQ(seg(&f, 1, "aaa"), TG_OK);
    CHECK_EQ(seg(&f, 7, "ccc"), TG_OK);
    CHECK_EQ(seg(&f, 13, "eee"), TG_OK);
    ack(&f, 3); /* behind next_seq */
    ack(&f, 4);
    CHECK_STREAM(&f, "aaa");
    ack(&f, 8); /* skips the hole before "ccc" only */
    CHECK_STREAM(&f, "aaa###ccc");
    CHECK_EQ(f.r.buffered, 3);
    CHECK_EQ(seg(&f, 4, "bbb"), TG_OK);
    CHECK_STREAM(&f, "aaa###ccc");
    CHECK_COUNTERS(&f, 2, 1, 0, 1, 3);

    puts("gap via ack: no buffered data, then resync at the ack");
    ack(&f, 0x80000000u); /* absurdly far: ignored */
    CHECK_STREAM(&f, "aaa###ccc");
    ack(&f, 20); /* passes the hole 10..12, "eee" 13..15, and 16..19 */
    CHECK_STREAM(&f, "aaa###ccc###eee####");
    CHECK_EQ(f.r.next_seq, 20);
    CHECK_EQ(seg(&f, 20, "fff"), TG_OK);
    CHECK_STREAM(&f, "aaa###ccc###eee####fff");
    CHECK_COUNTERS(&f, 2, 1, 0, 3, 10);
    CHECK_EQ(f.lim.total_bytes, 0);
    fx_done(&f);

    puts("gap via ack: ignored before sync");
    struct fx g;
    fx_default(&g);
    ack(&g, 12345);
    CHECK(!g.r.synced);
    CHECK_EQ(g.out.ngap, 0);
    fx_done(&g);
}

static void test_gap_dir_cap(void)
{
    puts("gap via the per-direction cap");
    struct fx f;
    fx_init(&f, 8, 1000);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "aaaa"), TG_OK);
    CHECK_EQ(seg(&f, 9, "cccc"), TG_OK);
    CHECK_EQ(seg(&f, 17, "eeee"), TG_OK);
    CHECK_EQ(f.r.buffered, 8); /* at the cap, not over */
    CHECK_STREAM(&f, "aaaa");
    CHECK_EQ(seg(&f, 21, "ffff"), TG_OK);
    CHECK_STREAM(&f, "aaaa####cccc");
    CHECK_EQ(f.r.buffered, 8);
    CHECK_EQ(f.lim.dir_cap_hits, 1);
    CHECK_EQ(f.r.segments, 2);
    CHECK_EQ(seg(&f, 33, "hhhhhhhhhh"), TG_OK); /* needs two more skips */
    CHECK_STREAM(&f, "aaaa####cccc####eeeeffff########hhhhhhhhhh");
    CHECK_EQ(f.r.buffered, 0);
    CHECK_EQ(f.r.segments, 0);
    CHECK_EQ(f.lim.dir_cap_hits, 3);
    CHECK_COUNTERS(&f, 4, 0, 0, 3, 16);
    CHECK_EQ(f.lim.total_bytes, 0);
    fx_done(&f);
}

static void test_gap_flush(void)
{
    puts("gap via flush: all buffered data, holes as gaps");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "aaa"), TG_OK);
    CHECK_EQ(seg(&f, 13, "eee"), TG_OK);
    CHECK_EQ(seg(&f, 7, "ccc"), TG_OK);
    flush(&f);
    CHECK_STREAM(&f, "aaa###ccc###eee");
    CHECK_COUNTERS(&f, 2, 0, 0, 2, 6);
    CHECK_EQ(f.lim.total_bytes, 0);
    flush(&f); /* nothing left */
    CHECK_EQ(f.out.ngap, 2);
    fx_done(&f);
}

static void test_fin(void)
{
    puts("FIN in order: data delivered, later data and acks ignored");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg_fin(&f, 1, "abc"), TG_OK);
    CHECK(f.r.fin);
    CHECK_STREAM(&f, "abc");
    CHECK_EQ(f.out.views, 1);
    ack(&f, 5); /* the ack of the FIN */
    CHECK_EQ(seg(&f, 4, "xyz"), TG_OK);
    CHECK_EQ(seg_fin(&f, 1, "abc"), TG_OK); /* retransmitted FIN */
    CHECK_STREAM(&f, "abc");
    CHECK_COUNTERS(&f, 0, 1, 0, 0, 0);
    fx_done(&f);

    puts("FIN ahead of a hole: buffered data flushed with the FIN's payload");
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "abc"), TG_OK);
    CHECK_EQ(seg(&f, 10, "jkl"), TG_OK);
    CHECK_EQ(seg_fin(&f, 13, "mno"), TG_OK);
    CHECK_STREAM(&f, "abc######jklmno");
    CHECK_EQ(seg(&f, 4, "def"), TG_OK); /* too late */
    CHECK_STREAM(&f, "abc######jklmno");
    CHECK_COUNTERS(&f, 2, 1, 0, 1, 6);
    CHECK_EQ(f.lim.total_bytes, 0);
    fx_done(&f);

    puts("empty FIN after a hole: the missing bytes are a gap");
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "abc"), TG_OK);
    CHECK_EQ(seg_fin(&f, 7, ""), TG_OK);
    CHECK_STREAM(&f, "abc###");
    CHECK_EQ(f.r.next_seq, 7);
    CHECK_COUNTERS(&f, 0, 0, 0, 1, 3);
    fx_done(&f);

    puts("empty FIN one byte after the data: a 1-byte gap");
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "abc"), TG_OK);
    CHECK_EQ(seg_fin(&f, 5, ""), TG_OK);
    CHECK_STREAM(&f, "abc#");
    CHECK_COUNTERS(&f, 0, 0, 0, 1, 1);
    fx_done(&f);
}

static void test_midstream(void)
{
    puts("mid-stream pickup: sync on the first segment with data");
    struct fx f;
    fx_default(&f);
    CHECK_EQ(seg(&f, 5000, ""), TG_OK); /* a bare ack: no sync */
    CHECK(!f.r.synced);
    ack(&f, 9000);
    CHECK_EQ(seg(&f, 7000, "xyz"), TG_OK);
    CHECK(f.r.synced);
    CHECK_EQ(f.r.next_seq, 7003);
    CHECK_EQ(seg(&f, 7003, "w"), TG_OK);
    tg_reasm_syn(&f.r, 100); /* a late SYN changes nothing */
    CHECK_EQ(seg(&f, 7004, "v"), TG_OK);
    CHECK_STREAM(&f, "xyzwv");
    CHECK_COUNTERS(&f, 0, 0, 0, 0, 0);
    fx_done(&f);

    puts("SYN retransmission with the same ISN is harmless");
    fx_default(&f);
    tg_reasm_syn(&f.r, 41);
    CHECK_EQ(seg(&f, 42, "ab"), TG_OK);
    tg_reasm_syn(&f.r, 41);
    CHECK_EQ(seg(&f, 44, "cd"), TG_OK);
    CHECK_STREAM(&f, "abcd");
    CHECK_COUNTERS(&f, 0, 0, 0, 0, 0);
    fx_done(&f);
}

static void test_global_cap(void)
{
    puts("global cap: a segment that does not fit is refused, later a gap");
    struct fx f;
    fx_init(&f, 1000, 10);
    struct tg_reasm other;
    tg_reasm_init(&other);
    tg_reasm_syn(&f.r, 0);
    tg_reasm_syn(&other, 0);
    CHECK_EQ(feed(&other, &f.lim, &f.out, 50, "zzzzzz", false), TG_OK);
    CHECK_EQ(f.lim.total_bytes, 6);
    CHECK_EQ(seg(&f, 1, "aaaa"), TG_OK);
    CHECK_EQ(seg(&f, 9, "cccc"), TG_OK);
    CHECK_EQ(f.lim.total_bytes, 10);
    CHECK_EQ(seg(&f, 13, "dddd"), TG_E_LIMIT);
    CHECK_EQ(f.lim.total_cap_hits, 1);
    CHECK_EQ(f.lim.total_bytes, 10);
    CHECK_EQ(f.r.buffered, 4);
    CHECK_EQ(f.r.segments, 1);           /* the refused one holds nothing */
    CHECK_EQ(seg(&f, 5, "bbbb"), TG_OK); /* in order: never refused */
    CHECK_STREAM(&f, "aaaabbbbcccc");
    CHECK_EQ(f.lim.total_bytes, 6);
    CHECK_EQ(seg(&f, 17, "eeee"), TG_OK); /* fits again */
    ack(&f, 21);
    CHECK_STREAM(&f, "aaaabbbbcccc####eeee");
    CHECK_COUNTERS(&f, 3, 0, 0, 1, 4);
    tg_reasm_free(&other, &f.lim);
    fx_done(&f);
}

static void test_stop(void)
{
    puts("stop: buffers freed, later calls ignored");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "aa"), TG_OK);
    CHECK_EQ(seg(&f, 5, "cc"), TG_OK);
    CHECK_EQ(f.lim.total_bytes, 2);
    tg_reasm_stop(&f.r, &f.lim);
    CHECK(f.r.stopped);
    CHECK_EQ(f.lim.total_bytes, 0);
    CHECK_EQ(f.r.buffered, 0);
    CHECK_EQ(seg(&f, 3, "bb"), TG_OK);
    CHECK_EQ(seg(&f, 9, "ee"), TG_OK);
    ack(&f, 20);
    flush(&f);
    CHECK_EQ(seg_fin(&f, 11, "ff"), TG_OK);
    CHECK_STREAM(&f, "aa");
    CHECK_EQ(f.lim.total_bytes, 0);
    CHECK_COUNTERS(&f, 1, 0, 0, 0, 0);
    fx_done(&f);
}

/* The sink stops its direction from a callback: nothing more, nothing leaked. */
static void test_stop_in_sink(void)
{
    static const struct {
        const char *name;
        size_t stop_after;
        bool flush_first;
        const char *want;
    } cases[] = {
        {"stop on in-order data", 4, false, "aabb"},
        {"stop while draining", 6, false, "aabbcc"},
        {"stop on a gap", 4, true, "aa##"},
        {"stop on data after a gap", 6, true, "aa##cc"},
    };
    puts("stop from inside the sink");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        printf("  %s\n", cases[i].name);
        struct fx f;
        fx_default(&f);
        tg_reasm_syn(&f.r, 0);
        CHECK_EQ(seg(&f, 1, "aa"), TG_OK);
        CHECK_EQ(seg(&f, 5, "cc"), TG_OK);
        CHECK_EQ(seg(&f, 7, "dd"), TG_OK);
        CHECK_EQ(seg(&f, 11, "ff"), TG_OK);
        f.out.stop_r = &f.r;
        f.out.stop_lim = &f.lim;
        f.out.stop_after = cases[i].stop_after;
        if (cases[i].flush_first)
            flush(&f);
        else
            CHECK_EQ(seg_fin(&f, 3, "bb"), TG_OK);
        CHECK(f.out.stopped_by_sink);
        CHECK(f.r.stopped);
        CHECK_EQ(f.lim.total_bytes, 0);
        CHECK_EQ(f.r.buffered, 0);
        ack(&f, 20);
        flush(&f);
        CHECK_STREAM(&f, cases[i].want);
        fx_done(&f);
    }
}

static void test_edges(void)
{
    puts("edges: empty segments, far-ahead segments, absurd lengths");
    struct fx f;
    fx_default(&f);
    tg_reasm_syn(&f.r, 0);
    CHECK_EQ(seg(&f, 1, "ab"), TG_OK);
    CHECK_EQ(seg(&f, 3, ""), TG_OK);
    CHECK_EQ(seg(&f, 100, ""), TG_OK);
    CHECK_EQ(seg(&f, 0x60000000u, "far"), TG_OK); /* more than 2^30 ahead */
    CHECK_EQ(f.r.buffered, 0);
    uint8_t one = 'x';
    struct tg_view huge = {&one, (size_t)1 << 31}; /* refused before any read */
    CHECK_EQ(tg_reasm_segment(&f.r, &f.lim, 3, huge, false, &f.sink), TG_E_MALFORMED);
    struct tg_view null_view = {NULL, 5};
    CHECK_EQ(tg_reasm_segment(&f.r, &f.lim, 3, null_view, false, &f.sink), TG_OK);
    CHECK_EQ(seg(&f, 3, "cd"), TG_OK);
    CHECK_STREAM(&f, "abcd");
    CHECK_EQ(f.r.next_seq, 5);
    CHECK_COUNTERS(&f, 0, 0, 0, 0, 0);
    fx_done(&f);
}

int main(void)
{
    test_in_order();
    test_permutations();
    test_buffer_accounting();
    test_duplicates();
    test_partial_retransmission();
    test_overlap();
    test_overlap_buffered();
    test_wraparound();
    test_gap_ack();
    test_gap_dir_cap();
    test_gap_flush();
    test_fin();
    test_midstream();
    test_global_cap();
    test_stop();
    test_stop_in_sink();
    test_edges();
    return testkit_finish();
}
