/*
 * test_ipfrag.c - unit tests for analyzer/ipfrag.c: IPv4 and IPv6 datagrams
 * fragmented in order, out of order, duplicated, overlapping, incomplete
 * (timeout), past the caps and past 65,535 bytes, with odd offsets and
 * lengths, distinct keys, interleaved ids; then real fragments cut by
 * tg_decode_ip from packets in buffers of exactly their size.
 *
 * Fragments are built by hand as struct tg_packet, their payload a malloc'd
 * copy of exactly its size (freed right after the call, so a view into it
 * kept by the table would be caught by ASan). The byte at datagram offset
 * x is pattern(x, salt); a different salt makes conflicting bytes.
 */
#include "../../analyzer/ipfrag.h"
#include "testkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000000LL

static uint8_t pattern(uint32_t x, uint8_t salt)
{
    return (uint8_t)((x * 2654435761u) >> 24 ^ salt);
}

/* What one fragment looks like; the defaults make an IPv4 TCP fragment. */
struct frag {
    uint8_t ver;
    uint32_t id;
    uint32_t off;
    uint32_t len;
    bool more;
    uint8_t proto;
    uint8_t salt;
    uint8_t last_addr; /* last byte of the source address */
    uint8_t n_vlan;
    uint16_t vlan;
    size_t ip_header; /* IPv4 header length given with the fragment */
};

static struct tg_packet packet_of(const struct frag *f, const uint8_t *data)
{
    struct tg_packet p;
    memset(&p, 0, sizeof p);
    p.ip_version = f->ver ? f->ver : 4;
    p.src[0] = 10;
    p.src[3] = f->last_addr ? f->last_addr : 1;
    p.dst[0] = 10;
    p.dst[3] = 2;
    p.n_vlan = f->n_vlan;
    p.vlan[0] = f->vlan;
    p.frag.id = f->id;
    p.frag.offset = f->off;
    p.frag.more = f->more;
    p.frag.protocol = f->proto ? f->proto : 6;
    p.frag.data.p = data;
    p.frag.data.len = f->len;
    static const uint8_t hdr[60];
    if (p.ip_version == 4) {
        p.frag.ip_header.p = hdr;
        p.frag.ip_header.len = f->ip_header ? f->ip_header : 20;
    }
    return p;
}

static struct tg_view got; /* the last datagram returned */
static uint8_t got_proto;

/* Feeds one fragment at time ts and checks the table's invariants. */
static enum tg_status feed(struct tg_ipfrag *t, struct frag f, int64_t ts)
{
    uint8_t *data = malloc(f.len ? f.len : 1);
    if (!data)
        abort();
    for (uint32_t i = 0; i < f.len; i++)
        data[i] = pattern(f.off + i, f.salt);
    struct tg_packet p = packet_of(&f, f.len ? data : NULL);
    struct tg_view out = {NULL, 0};
    uint8_t proto = 0;
    enum tg_status st = tg_ipfrag_add(t, &p, ts, &out, &proto);
    free(data);
    if (st == TG_OK) {
        got = out;
        got_proto = proto;
    }
    CHECK(tg_ipfrag_consistent(t));
    return st;
}

/* True when got holds n bytes: pattern(x, salt) for x in [from, to), per run. */
static bool got_is(uint32_t n, uint8_t salt)
{
    if (got.len != n || (n && !got.p))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (got.p[i] != pattern(i, salt))
            return false;
    return true;
}

static bool got_range(uint32_t from, uint32_t to, uint8_t salt)
{
    if (got.len < to)
        return false;
    for (uint32_t i = from; i < to; i++)
        if (got.p[i] != pattern(i, salt))
            return false;
    return true;
}

static void init(struct tg_ipfrag *t, const struct tg_ipfrag_caps *caps)
{
    enum tg_status st = tg_ipfrag_init(t, caps);
    CHECK_EQ(st, TG_OK);
    if (st != TG_OK)
        abort();
}

static void test_in_order(uint8_t ver)
{
    printf("in-order fragments, IPv%u\n", ver);
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag f = {.ver = ver, .id = 7, .len = 16, .more = true};
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    CHECK_EQ(t.datagrams, 1);
    CHECK_EQ(t.bytes, 16);
    f.off = 16;
    CHECK_EQ(feed(&t, f, 1), TG_E_SHORT);
    CHECK_EQ(t.bytes, 32);
    f.off = 32, f.len = 5, f.more = false;
    CHECK_EQ(feed(&t, f, 2), TG_OK);
    CHECK(got_is(37, 0));
    CHECK_EQ(got_proto, 6);
    CHECK_EQ(t.datagrams, 0);
    CHECK_EQ(t.bytes, 0);
    CHECK_EQ(t.stats.completed, 1);
    CHECK_EQ(t.stats.fragments, 3);
    tg_ipfrag_free(&t);
}

static void test_out_of_order(uint8_t ver)
{
    printf("out-of-order fragments, IPv%u\n", ver);
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag f = {.ver = ver, .id = 9, .off = 48, .len = 3, .more = false};
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    f.off = 24, f.len = 24, f.more = true;
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    f.off = 8, f.len = 16;
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    CHECK_EQ(t.bytes, 43);
    f.off = 0, f.len = 8;
    CHECK_EQ(feed(&t, f, 0), TG_OK);
    CHECK(got_is(51, 0));
    CHECK_EQ(t.stats.completed, 1);
    CHECK_EQ(t.stats.v4_overlaps + t.stats.v6_overlaps, 0);
    CHECK_EQ(t.bytes, 0);
    tg_ipfrag_free(&t);
}

static void test_duplicate(uint8_t ver)
{
    printf("duplicate fragment, IPv%u\n", ver);
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag f = {.ver = ver, .id = 1, .len = 16, .more = true};
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, f, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.duplicates, 1);
    CHECK_EQ(t.bytes, 16);
    struct frag last = {.ver = ver, .id = 1, .off = 16, .len = 4};
    CHECK_EQ(feed(&t, last, 0), TG_OK);
    CHECK(got_is(20, 0));
    CHECK_EQ(t.stats.v4_overlaps + t.stats.v6_overlaps, 0);
    /* The same pair again makes a second, new datagram. */
    CHECK_EQ(feed(&t, last, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, last, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.duplicates, 2);
    CHECK_EQ(feed(&t, f, 0), TG_OK);
    CHECK(got_is(20, 0));
    CHECK_EQ(t.stats.completed, 2);
    tg_ipfrag_free(&t);
}

static void test_v6_overlap(void)
{
    printf("IPv6 overlapping fragments drop the datagram (RFC 5722)\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag a = {.ver = 6, .id = 3, .len = 16, .more = true};
    struct frag b = {.ver = 6, .id = 3, .off = 8, .len = 16, .more = true};
    struct frag c = {.ver = 6, .id = 3, .off = 16, .len = 8};
    CHECK_EQ(feed(&t, a, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, b, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.v6_overlaps, 1);
    CHECK_EQ(t.bytes, 0);
    CHECK_EQ(t.datagrams, 1); /* kept, dead, until its timeout */
    CHECK_EQ(feed(&t, c, 1), TG_E_MALFORMED);
    CHECK_EQ(feed(&t, a, 2), TG_E_MALFORMED);
    CHECK_EQ(t.stats.after_drop, 2);
    CHECK_EQ(t.stats.completed, 0);
    CHECK_EQ(t.bytes, 0);
    /* After the timeout the id is free again; the dead one is no timeout. */
    CHECK_EQ(feed(&t, a, 30 * SEC), TG_E_SHORT);
    CHECK_EQ(t.stats.timeouts, 0);
    CHECK_EQ(feed(&t, c, 30 * SEC), TG_OK);
    CHECK(got_is(24, 0));

    printf("IPv6 same offset and length, other bytes: an overlap\n");
    struct frag a2 = a;
    a2.salt = 0x5a;
    CHECK_EQ(feed(&t, a, 31 * SEC), TG_E_SHORT);
    CHECK_EQ(feed(&t, a2, 31 * SEC), TG_E_MALFORMED);
    CHECK_EQ(t.stats.v6_overlaps, 2);
    CHECK_EQ(t.stats.duplicates, 0);

    printf("IPv6 fragment inside a held one: an overlap, not a duplicate\n");
    struct frag inner = {.ver = 6, .id = 4, .off = 8, .len = 8, .more = true};
    struct frag outer = {.ver = 6, .id = 4, .len = 24, .more = true};
    CHECK_EQ(feed(&t, outer, 31 * SEC), TG_E_SHORT);
    CHECK_EQ(feed(&t, inner, 31 * SEC), TG_E_MALFORMED);
    CHECK_EQ(t.stats.v6_overlaps, 3);
    CHECK_EQ(t.stats.duplicates, 0);
    tg_ipfrag_free(&t);
}

static void test_v4_overlap(void)
{
    printf("IPv4 overlapping fragments: first data wins\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag a = {.id = 5, .len = 16, .more = true};
    struct frag b = {.id = 5, .off = 8, .len = 16, .more = true, .salt = 0x33};
    struct frag c = {.id = 5, .off = 32, .len = 8, .salt = 0x44};
    struct frag d = {.id = 5, .off = 16, .len = 24, .more = true, .salt = 0x55};
    CHECK_EQ(feed(&t, a, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, b, 0), TG_E_SHORT);
    CHECK_EQ(t.stats.v4_overlaps, 1);
    CHECK_EQ(t.bytes, 24);
    CHECK_EQ(feed(&t, c, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, d, 0), TG_OK); /* fills only [24, 32) */
    CHECK_EQ(t.stats.v4_overlaps, 2);
    CHECK(got_range(0, 16, 0));
    CHECK(got_range(16, 24, 0x33));
    CHECK(got_range(24, 32, 0x55));
    CHECK(got_range(32, 40, 0x44));
    CHECK_EQ(got.len, 40);

    printf("IPv4 fragment wholly covered by other bytes: dropped, counted\n");
    a.id = 6;
    struct frag e = {.id = 6, .off = 8, .len = 8, .more = true, .salt = 1};
    CHECK_EQ(feed(&t, a, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, e, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.v4_overlaps, 3);
    e.salt = 0;
    CHECK_EQ(feed(&t, e, 0), TG_E_MALFORMED); /* same bytes: a duplicate */
    CHECK_EQ(t.stats.duplicates, 1);
    CHECK_EQ(t.bytes, 16);

    printf("IPv4 last fragment inside held bytes still completes the datagram\n");
    struct frag big = {.id = 7, .len = 40, .more = true};
    struct frag tail = {.id = 7, .off = 32, .len = 8};
    CHECK_EQ(feed(&t, big, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, tail, 0), TG_OK);
    CHECK(got_is(40, 0));
    CHECK_EQ(t.stats.duplicates, 2);
    tail.salt = 0x77; /* conflicting bytes: held ones win */
    big.id = tail.id = 8;
    CHECK_EQ(feed(&t, big, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, tail, 0), TG_OK);
    CHECK(got_is(40, 0));
    CHECK_EQ(t.stats.v4_overlaps, 4);
    tg_ipfrag_free(&t);
}

static void test_timeout(void)
{
    printf("missing last fragment, then timeout\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag f = {.id = 11, .len = 64, .more = true};
    CHECK_EQ(feed(&t, f, 100), TG_E_SHORT);
    f.off = 64;
    CHECK_EQ(feed(&t, f, 100 + 29 * SEC), TG_E_SHORT); /* no refresh of the timer */
    CHECK_EQ(t.bytes, 128);
    tg_ipfrag_expire(&t, 100 + 30 * SEC - 1);
    CHECK_EQ(t.datagrams, 1);
    CHECK_EQ(t.stats.timeouts, 0);
    tg_ipfrag_expire(&t, 100 + 30 * SEC);
    CHECK_EQ(t.datagrams, 0);
    CHECK_EQ(t.bytes, 0);
    CHECK_EQ(t.stats.timeouts, 1);
    CHECK(t.oldest == NULL && t.newest == NULL);

    printf("a late last fragment after the timeout starts anew\n");
    f.off = 0;
    CHECK_EQ(feed(&t, f, 200 * SEC), TG_E_SHORT);
    struct frag last = {.id = 11, .off = 64, .len = 1};
    CHECK_EQ(feed(&t, last, 230 * SEC), TG_E_SHORT); /* expired first by add */
    CHECK_EQ(t.stats.timeouts, 2);
    CHECK_EQ(t.datagrams, 1);
    CHECK_EQ(t.bytes, 1);

    printf("time going backwards expires nothing\n");
    tg_ipfrag_expire(&t, 0);
    CHECK_EQ(t.datagrams, 1);
    tg_ipfrag_free(&t);
}

static void test_datagram_cap(void)
{
    printf("cap on datagrams evicts the oldest\n");
    struct tg_ipfrag_caps caps;
    tg_ipfrag_caps_default(&caps);
    caps.max_datagrams = 3;
    struct tg_ipfrag t;
    init(&t, &caps);
    for (uint32_t id = 1; id <= 4; id++) {
        struct frag f = {.id = id, .len = 8, .more = true};
        CHECK_EQ(feed(&t, f, id), TG_E_SHORT);
    }
    CHECK_EQ(t.stats.datagram_cap, 1);
    CHECK_EQ(t.datagrams, 3);
    CHECK_EQ(t.bytes, 24);
    struct frag last = {.id = 2, .off = 8, .len = 8};
    CHECK_EQ(feed(&t, last, 5), TG_OK);
    CHECK(got_is(16, 0));
    last.id = 1; /* evicted: its first half is gone */
    CHECK_EQ(feed(&t, last, 6), TG_E_SHORT);
    CHECK_EQ(t.datagrams, 3);
    CHECK_EQ(t.stats.datagram_cap, 1);
    tg_ipfrag_free(&t);
}

static void test_byte_cap(void)
{
    printf("cap on bytes evicts the oldest holding bytes\n");
    struct tg_ipfrag_caps caps;
    tg_ipfrag_caps_default(&caps);
    caps.max_bytes = 100;
    struct tg_ipfrag t;
    init(&t, &caps);
    struct frag f = {.id = 1, .len = 48, .more = true};
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    f.id = 2;
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    CHECK_EQ(t.bytes, 96);
    f.id = 3, f.len = 16;
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    CHECK_EQ(t.stats.byte_cap, 1);
    CHECK_EQ(t.bytes, 64);
    CHECK_EQ(t.datagrams, 2);
    struct frag last = {.id = 2, .off = 48, .len = 4};
    CHECK_EQ(feed(&t, last, 0), TG_OK);
    CHECK(got_is(52, 0));

    printf("a datagram too big for the byte cap alone is dropped, others kept\n");
    struct frag big = {.id = 4, .len = 48, .more = true};
    CHECK_EQ(feed(&t, big, 0), TG_E_SHORT);
    CHECK_EQ(t.bytes, 64);
    big.off = 48, big.len = 56;
    CHECK_EQ(feed(&t, big, 0), TG_E_LIMIT);
    CHECK_EQ(t.stats.byte_cap, 2);
    CHECK_EQ(t.bytes, 16); /* id 3 kept */
    big.off = 104, big.len = 8, big.more = false;
    CHECK_EQ(feed(&t, big, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.after_drop, 1);
    tg_ipfrag_free(&t);
}

static void test_fragment_cap(void)
{
    printf("cap on fragments per datagram\n");
    struct tg_ipfrag_caps caps;
    tg_ipfrag_caps_default(&caps);
    caps.max_fragments = 2;
    struct tg_ipfrag t;
    init(&t, &caps);
    struct frag f = {.id = 1, .len = 8, .more = true};
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    f.off = 16;
    CHECK_EQ(feed(&t, f, 0), TG_E_SHORT);
    f.off = 32;
    CHECK_EQ(feed(&t, f, 0), TG_E_LIMIT);
    CHECK_EQ(t.stats.fragment_cap, 1);
    CHECK_EQ(t.bytes, 0);

    printf("IPv4 overlap filling two holes counts two pieces\n");
    struct frag g = {.id = 2, .off = 8, .len = 8, .more = true};
    CHECK_EQ(feed(&t, g, 0), TG_E_SHORT);
    g.off = 0, g.len = 24;
    CHECK_EQ(feed(&t, g, 0), TG_E_LIMIT);
    CHECK_EQ(t.stats.fragment_cap, 2);
    tg_ipfrag_free(&t);
}

static void test_too_big(void)
{
    printf("fragments past 65535 bytes are rejected\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag v6 = {.ver = 6, .id = 1, .off = 65528, .len = 8};
    CHECK_EQ(feed(&t, v6, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.too_big, 1);
    CHECK_EQ(t.datagrams, 0);
    v6.len = 7; /* ends at 65535 exactly */
    CHECK_EQ(feed(&t, v6, 0), TG_E_SHORT);
    struct frag v4 = {.id = 1, .off = 65512, .len = 4};
    CHECK_EQ(feed(&t, v4, 0), TG_E_MALFORMED); /* 20 + 65516 > 65535 */
    CHECK_EQ(t.stats.too_big, 2);
    v4.len = 3;
    CHECK_EQ(feed(&t, v4, 0), TG_E_SHORT);
    v4.id = 2, v4.ip_header = 60, v4.len = 3;
    CHECK_EQ(feed(&t, v4, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.too_big, 3);
    struct frag huge = {.ver = 6, .id = 9, .off = 0xfffffff8u, .len = 8, .more = true};
    CHECK_EQ(feed(&t, huge, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.too_big, 4);
    CHECK_EQ(t.datagrams, 2);

    printf("a lower max_datagram\n");
    tg_ipfrag_free(&t);
    struct tg_ipfrag_caps caps;
    tg_ipfrag_caps_default(&caps);
    caps.max_datagram = 1500;
    init(&t, &caps);
    struct frag a = {.ver = 6, .id = 1, .len = 1496, .more = true};
    CHECK_EQ(feed(&t, a, 0), TG_E_SHORT);
    a.off = 1496, a.len = 4, a.more = false;
    CHECK_EQ(feed(&t, a, 0), TG_OK);
    CHECK(got_is(1500, 0));
    a.id = 2, a.len = 5;
    CHECK_EQ(feed(&t, a, 0), TG_E_MALFORMED);
    tg_ipfrag_free(&t);
}

static void test_odd(void)
{
    printf("odd offsets and lengths, empty fragments\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag f = {.id = 1, .off = 4, .len = 8, .more = true};
    CHECK_EQ(feed(&t, f, 0), TG_E_MALFORMED);
    f.ver = 6;
    CHECK_EQ(feed(&t, f, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.malformed, 2);
    struct frag empty = {.id = 1, .off = 8, .len = 0, .more = true};
    CHECK_EQ(feed(&t, empty, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.malformed, 3);
    struct frag odd6 = {.ver = 6, .id = 1, .len = 12, .more = true};
    CHECK_EQ(feed(&t, odd6, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.malformed, 4);
    CHECK_EQ(t.datagrams, 0);

    printf("IPv4 non-last fragment of 12 bytes is cut to 8\n");
    struct frag odd4 = {.id = 2, .len = 12, .more = true};
    CHECK_EQ(feed(&t, odd4, 0), TG_E_SHORT);
    CHECK_EQ(t.bytes, 8);
    struct frag rest = {.id = 2, .off = 8, .len = 8, .salt = 9};
    CHECK_EQ(feed(&t, rest, 0), TG_OK);
    CHECK(got_range(0, 8, 0) && got_range(8, 16, 9));
    CHECK_EQ(t.stats.v4_overlaps, 0);
    struct frag tiny = {.id = 3, .len = 7, .more = true}; /* cut to nothing */
    CHECK_EQ(feed(&t, tiny, 0), TG_E_MALFORMED);

    printf("an empty last fragment ends the datagram\n");
    struct frag head = {.id = 4, .len = 16, .more = true};
    struct frag end = {.id = 4, .off = 16, .len = 0};
    CHECK_EQ(feed(&t, head, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, end, 0), TG_OK);
    CHECK(got_is(16, 0));
    end.id = 5; /* arriving first */
    head.id = 5;
    CHECK_EQ(feed(&t, end, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, head, 0), TG_OK);
    CHECK(got_is(16, 0));

    printf("IPv6 atomic fragment (RFC 6946) comes back whole\n");
    struct frag atom = {.ver = 6, .id = 4, .len = 13, .proto = 17};
    CHECK_EQ(feed(&t, atom, 0), TG_OK);
    CHECK(got_is(13, 0));
    CHECK_EQ(got_proto, 17);
    CHECK_EQ(t.stats.atomic, 1);
    CHECK_EQ(t.datagrams, 0);
    tg_ipfrag_free(&t);
}

static void test_inconsistent(void)
{
    printf("two last fragments with other ends; data past the end\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag a = {.id = 1, .off = 16, .len = 8};
    struct frag b = {.id = 1, .off = 16, .len = 4};
    CHECK_EQ(feed(&t, a, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, b, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.inconsistent, 1);
    CHECK_EQ(t.bytes, 0);
    struct frag c = {.id = 2, .off = 32, .len = 8, .more = true};
    struct frag d = {.id = 2, .off = 16, .len = 8};
    CHECK_EQ(feed(&t, c, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, d, 0), TG_E_MALFORMED);
    struct frag e = {.ver = 6, .id = 3, .off = 16, .len = 8};
    struct frag g = {.ver = 6, .id = 3, .off = 16, .len = 16, .more = true};
    CHECK_EQ(feed(&t, e, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, g, 0), TG_E_MALFORMED);
    CHECK_EQ(t.stats.inconsistent, 3);
    CHECK_EQ(t.bytes, 0);
    tg_ipfrag_free(&t);
}

static void test_keys(void)
{
    printf("IPv4 and IPv6 keys are distinct\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    /* Same address bytes (10.0.0.1 in the first 4 bytes), same id. */
    struct frag v4 = {.ver = 4, .id = 5, .len = 8, .more = true};
    struct frag v6 = {.ver = 6, .id = 5, .off = 8, .len = 8, .proto = 17};
    CHECK_EQ(feed(&t, v4, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, v6, 0), TG_E_SHORT);
    CHECK_EQ(t.datagrams, 2);

    printf("IPv4 protocol is in the key, IPv6 takes it from offset 0\n");
    struct frag udp4 = {.ver = 4, .id = 5, .off = 8, .len = 8, .proto = 17};
    CHECK_EQ(feed(&t, udp4, 0), TG_E_SHORT);
    CHECK_EQ(t.datagrams, 3);
    /* The IPv6 last fragment named UDP: only the first fragment counts. */
    struct frag first6 = {.ver = 6, .id = 5, .len = 8, .more = true, .proto = 6};
    CHECK_EQ(feed(&t, first6, 0), TG_OK);
    CHECK_EQ(got_proto, 6);
    CHECK(got_is(16, 0));

    printf("source address and VLAN are in the key\n");
    struct frag other = {.ver = 4, .id = 5, .off = 8, .len = 8, .last_addr = 9};
    CHECK_EQ(feed(&t, other, 0), TG_E_SHORT);
    struct frag vlan = {.ver = 4, .id = 5, .off = 8, .len = 8, .n_vlan = 1, .vlan = 100};
    CHECK_EQ(feed(&t, vlan, 0), TG_E_SHORT);
    CHECK_EQ(t.datagrams, 4);
    struct frag tcp4 = {.ver = 4, .id = 5, .off = 8, .len = 8};
    CHECK_EQ(feed(&t, tcp4, 0), TG_OK);
    CHECK_EQ(got_proto, 6);
    CHECK(got_is(16, 0));
    CHECK_EQ(t.datagrams, 3);
    tg_ipfrag_free(&t);
}

static void test_interleaved(void)
{
    printf("interleaved datagrams with different ids\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag x[3] = {{.id = 100, .off = 16, .len = 16, .more = true, .salt = 1},
                        {.id = 100, .len = 16, .more = true, .salt = 1},
                        {.id = 100, .off = 32, .len = 2, .salt = 1}};
    struct frag y[3] = {{.ver = 4, .id = 101, .off = 40, .len = 1, .salt = 2},
                        {.id = 101, .len = 24, .more = true, .salt = 2},
                        {.id = 101, .off = 24, .len = 16, .more = true, .salt = 2}};
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(feed(&t, x[i], i), TG_E_SHORT);
        CHECK_EQ(feed(&t, y[i], i), TG_E_SHORT);
    }
    CHECK_EQ(t.datagrams, 2);
    CHECK_EQ(feed(&t, y[2], 3), TG_OK);
    CHECK(got_is(41, 2));
    CHECK_EQ(feed(&t, x[2], 4), TG_OK);
    CHECK(got_is(34, 1));
    CHECK_EQ(t.stats.completed, 2);
    CHECK_EQ(t.datagrams, 0);

    printf("many datagrams in progress, then free\n");
    for (uint32_t id = 0; id < 5000; id++) {
        struct frag f = {.ver = (uint8_t)(id % 2 ? 6 : 4), .id = id, .len = 8, .more = true};
        CHECK_EQ(feed(&t, f, id), TG_E_SHORT);
    }
    CHECK_EQ(t.datagrams, TG_IPFRAG_DEFAULT_DATAGRAMS);
    CHECK_EQ(t.stats.datagram_cap, 5000 - TG_IPFRAG_DEFAULT_DATAGRAMS);
    tg_ipfrag_free(&t);
    CHECK(t.buckets == NULL && t.out == NULL);
    tg_ipfrag_free(&t); /* twice is harmless */
}

static void test_inner(void)
{
    printf("fragments whose bytes lie in the last output (tunnels)\n");
    struct tg_ipfrag t;
    init(&t, NULL);
    struct frag a = {.id = 1, .len = 32, .more = true};
    struct frag b = {.id = 1, .off = 32, .len = 32};
    CHECK_EQ(feed(&t, a, 0), TG_E_SHORT);
    CHECK_EQ(feed(&t, b, 0), TG_OK);
    struct frag in = {.ver = 6, .id = 2, .len = 16, .more = true};
    struct tg_packet p = packet_of(&in, got.p + 8);
    struct tg_view out;
    uint8_t proto;
    CHECK_EQ(tg_ipfrag_add(&t, &p, 0, &out, &proto), TG_E_SHORT);
    struct frag atom = {.ver = 6, .id = 3, .len = 40};
    p = packet_of(&atom, got.p + 16);
    CHECK_EQ(tg_ipfrag_add(&t, &p, 0, &out, &proto), TG_OK);
    CHECK(out.len == 40 && out.p == got.p);
    bool same = out.len == 40;
    for (uint32_t i = 0; same && i < 40; i++)
        same = out.p[i] == pattern(16 + i, 0);
    CHECK(same);
    /* Complete the inner datagram: its first piece was copied in time. */
    struct frag rest = {.ver = 6, .id = 2, .off = 16, .len = 1};
    CHECK_EQ(feed(&t, rest, 0), TG_OK);
    CHECK_EQ(got.len, 17);
    same = got.len == 17;
    for (uint32_t i = 0; same && i < 16; i++)
        same = got.p[i] == pattern(8 + i, 0);
    CHECK(same && got.p[16] == pattern(16, 0));
    tg_ipfrag_free(&t);
}

/* ---- real fragments cut by tg_decode_ip ---- */

static uint8_t *copy_of(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    if (!c)
        abort();
    memcpy(c, p, n);
    return c;
}

/* IPv4 10.0.0.1 -> 10.0.0.2, id 0x1234, protocol TCP, ihl 5. */
static size_t ipv4_frag(uint8_t *buf, uint16_t off8, bool more, const uint8_t *data, size_t n)
{
    size_t total = 20 + n;
    uint16_t ff = (uint16_t)((more ? 0x2000 : 0) | off8);
    const uint8_t h[20] = {0x45,
                           0,
                           (uint8_t)(total >> 8),
                           (uint8_t)total,
                           0x12,
                           0x34,
                           (uint8_t)(ff >> 8),
                           (uint8_t)ff,
                           64,
                           6,
                           0,
                           0,
                           10,
                           0,
                           0,
                           1,
                           10,
                           0,
                           0,
                           2};
    memcpy(buf, h, 20);
    memcpy(buf + 20, data, n);
    return total;
}

/* IPv6 fe80::1 -> fe80::2 with a Fragment header, id 0xdeadbeef, next TCP. */
static size_t ipv6_frag(uint8_t *buf, uint16_t off, bool more, const uint8_t *data, size_t n)
{
    size_t plen = 8 + n;
    uint16_t of = (uint16_t)(off | (more ? 1 : 0));
    uint8_t h[48] = {0x60, 0, 0, 0, (uint8_t)(plen >> 8), (uint8_t)plen, 44, 64};
    h[8] = 0xfe, h[9] = 0x80, h[23] = 1;
    h[24] = 0xfe, h[25] = 0x80, h[39] = 2;
    const uint8_t fh[8] = {6, 0, (uint8_t)(of >> 8), (uint8_t)of, 0xde, 0xad, 0xbe, 0xef};
    memcpy(h + 40, fh, 8);
    memcpy(buf, h, 48);
    memcpy(buf + 48, data, n);
    return 48 + n;
}

/* A TCP segment: 20-byte header (port 443 -> 51000), then 28 bytes of data. */
static const uint8_t segment[48] = {
    0x01, 0xbb, 0xc7, 0x38, 0,    0,    0,    1,    0,    0,    0,    2,    0x50, 0x18, 0xff, 0xff,
    0,    0,    0,    0,    0x16, 0x03, 0x01, 0x00, 0x17, 0x01, 0x00, 0x00, 0x13, 0x03, 0x03, 'a',
    'b',  'c',  'd',  'e',  'f',  'g',  'h',  'i',  'j',  'k',  'l',  'm',  'n',  'o',  'p',  'q'};

/* Decodes an IP packet held in a buffer of exactly n bytes, feeds it. */
static enum tg_status feed_wire(struct tg_ipfrag *t, const uint8_t *pkt, size_t n, bool cut,
                                enum tg_decode_result *dec)
{
    uint8_t *c = copy_of(pkt, n);
    struct tg_view v = {c, n};
    struct tg_packet p;
    memset(&p, 0, sizeof p);
    *dec = tg_decode_ip(v, cut, &p);
    enum tg_status st = TG_E_MALFORMED;
    struct tg_view out = {NULL, 0};
    uint8_t proto = 0;
    if (*dec == TG_DEC_FRAGMENT)
        st = tg_ipfrag_add(t, &p, 0, &out, &proto);
    free(c);
    if (st == TG_OK) {
        got = out;
        got_proto = proto;
    }
    return st;
}

static void test_wire(uint8_t ver)
{
    printf("IPv%u fragments from tg_decode_ip, out of order\n", ver);
    struct tg_ipfrag t;
    init(&t, NULL);
    uint8_t a[128], b[128];
    size_t na, nb;
    if (ver == 4) {
        na = ipv4_frag(a, 3, false, segment + 24, 24); /* bytes 24.. at offset 3 * 8 */
        nb = ipv4_frag(b, 0, true, segment, 24);
    } else {
        na = ipv6_frag(a, 24, false, segment + 24, 24);
        nb = ipv6_frag(b, 0, true, segment, 24);
    }
    enum tg_decode_result dec;
    CHECK_EQ(feed_wire(&t, a, na, false, &dec), TG_E_SHORT);
    CHECK_EQ(dec, TG_DEC_FRAGMENT);
    CHECK_EQ(feed_wire(&t, b, nb, false, &dec), TG_OK);
    CHECK_EQ(got.len, sizeof segment);
    CHECK(got.len == sizeof segment && memcmp(got.p, segment, sizeof segment) == 0);
    CHECK_EQ(got_proto, 6);
    /* The reassembled segment reads as TCP when wrapped in an IP header. */
    uint8_t whole[20 + sizeof segment];
    size_t nw = ipv4_frag(whole, 0, false, got.p, got.len);
    uint8_t *c = copy_of(whole, nw);
    struct tg_packet p;
    memset(&p, 0, sizeof p);
    CHECK_EQ(tg_decode_ip((struct tg_view){c, nw}, false, &p), TG_DEC_TCP);
    CHECK_EQ(p.sport, 443);
    CHECK_EQ(p.dport, 51000);
    CHECK_EQ(p.payload.len, 28);
    CHECK_EQ(tg_view_at(p.payload, 0), 0x16);
    free(c);

    printf("IPv%u: one trailing byte is link padding\n", ver);
    uint8_t padded[129];
    memcpy(padded, a, na);
    padded[na] = 0xee;
    CHECK_EQ(feed_wire(&t, padded, na + 1, false, &dec), TG_E_SHORT);
    CHECK_EQ(dec, TG_DEC_FRAGMENT);
    CHECK_EQ(t.bytes, 24);

    printf("IPv%u: every strict prefix of a fragment packet is safe\n", ver);
    for (size_t n = 0; n < nb; n++) {
        CHECK(feed_wire(&t, b, n, false, &dec) != TG_OK);
        CHECK_EQ(dec, TG_DEC_MALFORMED);
        CHECK(feed_wire(&t, b, n, true, &dec) != TG_OK); /* as if the snaplen cut it */
        CHECK(dec == TG_DEC_TRUNCATED || dec == TG_DEC_FRAGMENT);
    }
    CHECK(tg_ipfrag_consistent(&t));
    tg_ipfrag_free(&t);
}

int main(void)
{
    test_in_order(4);
    test_in_order(6);
    test_out_of_order(4);
    test_out_of_order(6);
    test_duplicate(4);
    test_duplicate(6);
    test_v6_overlap();
    test_v4_overlap();
    test_timeout();
    test_datagram_cap();
    test_byte_cap();
    test_fragment_cap();
    test_too_big();
    test_odd();
    test_inconsistent();
    test_keys();
    test_interleaved();
    test_inner();
    test_wire(4);
    test_wire(6);
    return testkit_finish();
}
