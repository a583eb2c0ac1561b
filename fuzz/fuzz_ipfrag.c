/*
 * fuzz_ipfrag.c - drives analyzer/ipfrag.c with synthetic IPv4 and IPv6
 * fragments of eight datagram keys, caps and times chosen by the input,
 * and checks what comes out.
 *
 * Input layout (numbers big-endian):
 *   config  1 byte   bits 0-1 max_datagrams, 2-3 max_bytes, 4-5
 *                    max_fragments, 6-7 max_datagram (indexes into the
 *                    tables below)
 *   ops     6 bytes each, until the input ends:
 *     op     1 byte  bits 0-2 key: IPv6 when bit 0 is set, id = key >> 1,
 *                    key 7 on VLAN 7; bit 3 more fragments; bit 4 corrupt
 *                    the payload; bit 5 expire instead of a fragment;
 *                    bit 6 offset in bytes (else in 8-octet units);
 *                    bit 7 time step in seconds (else milliseconds)
 *     offset 2 bytes
 *     len    2 bytes payload length
 *     step   1 byte  time step, signed: packet time may go back
 *
 * The payload byte at datagram offset x of key k is pattern(x, k), or that
 * ^ 0xA5 when corrupted. Until a key has been fed a corrupted fragment,
 * every datagram it completes must match the pattern (so fragments of two
 * keys never mix and pieces land where they belong). After every step the
 * table's invariants hold (tg_ipfrag_consistent: lists, hash chains, byte
 * and piece counts) and the caps are kept; at the end all is freed (ASan
 * reports a leak).
 */
#include "../analyzer/ipfrag.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static const size_t datagram_caps[4] = {1, 2, 4, TG_IPFRAG_DEFAULT_DATAGRAMS};
static const size_t byte_caps[4] = {0, 64, 1000, TG_IPFRAG_DEFAULT_BYTES};
static const uint32_t fragment_caps[4] = {1, 3, 8, TG_IPFRAG_DEFAULT_FRAGMENTS};
static const uint32_t size_caps[4] = {64, 200, 1500, TG_IPFRAG_MAX_DATAGRAM};

#define N_KEYS 8
#define PROTO_OF(k) ((uint8_t)((k)&1 ? 6 : 17 + (k)))

struct checker {
    struct tg_ipfrag t;
    int64_t ts;
    int64_t max_ts;
    bool corrupted[N_KEYS];
};

static uint8_t pattern(uint32_t x, unsigned key)
{
    return (uint8_t)(((x + key * 977u) * 2654435761u) >> 24);
}

static void check_table(const struct tg_ipfrag *t)
{
    REQUIRE(tg_ipfrag_consistent(t));
    REQUIRE(t->datagrams <= t->caps.max_datagrams);
    REQUIRE(t->bytes <= t->caps.max_bytes);
}

static void check_out(const struct checker *k, unsigned key, struct tg_view out, uint8_t proto)
{
    REQUIRE(out.len <= k->t.caps.max_datagram);
    REQUIRE(out.len == 0 || out.p != NULL);
    REQUIRE(proto == PROTO_OF(key));
    if (k->corrupted[key])
        return;
    for (size_t i = 0; i < out.len; i++)
        REQUIRE(tg_view_at(out, i) == pattern((uint32_t)i, key));
}

static void fragment(struct checker *k, unsigned key, uint32_t off, size_t len, bool more,
                     bool corrupt)
{
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return;
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(pattern(off + (uint32_t)i, key) ^ (corrupt ? 0xA5 : 0));
    static const uint8_t header[60];
    struct tg_packet p;
    memset(&p, 0, sizeof p);
    p.ip_version = key & 1 ? 6 : 4;
    p.src[0] = 10;
    p.dst[0] = 10;
    p.dst[3] = 2;
    p.n_vlan = key == 7 ? 1 : 0;
    p.vlan[0] = 7;
    p.frag.id = key >> 1;
    p.frag.offset = off;
    p.frag.more = more;
    p.frag.protocol = PROTO_OF(key);
    p.frag.data = (struct tg_view){buf, len};
    if (p.ip_version == 4)
        p.frag.ip_header = (struct tg_view){header, key & 2 ? 60 : 20};
    if (corrupt)
        k->corrupted[key] = true;
    struct tg_view out = {NULL, 0};
    uint8_t proto = 0;
    enum tg_status st = tg_ipfrag_add(&k->t, &p, k->ts, &out, &proto);
    free(buf); /* the output must not point into the fragment */
    REQUIRE(st == TG_OK || st == TG_E_SHORT || st == TG_E_MALFORMED || st == TG_E_LIMIT ||
            st == TG_E_NOMEM);
    if (st == TG_OK)
        check_out(k, key, out, proto);
}

static void run_op(struct checker *k, struct tg_rd *in)
{
    uint8_t op = tg_rd_u8(in);
    uint16_t off = tg_rd_u16(in);
    uint16_t len = tg_rd_u16(in);
    int8_t step = (int8_t)tg_rd_u8(in);
    k->ts += (int64_t)step * ((op & 0x80) ? 1000000 : 1000);
    if (k->ts > k->max_ts)
        k->max_ts = k->ts;
    if (op & 0x20) {
        tg_ipfrag_expire(&k->t, k->ts);
    } else {
        uint32_t offset = (op & 0x40) ? off : (uint32_t)off * 8;
        fragment(k, op & 7, offset, len, (op & 0x08) != 0, (op & 0x10) != 0);
    }
    check_table(&k->t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tg_rd in = tg_rd_make(data, size);
    uint8_t config = tg_rd_u8(&in);
    if (in.err)
        return 0;
    struct tg_ipfrag_caps caps;
    tg_ipfrag_caps_default(&caps);
    caps.max_datagrams = datagram_caps[config & 3];
    caps.max_bytes = byte_caps[(config >> 2) & 3];
    caps.max_fragments = fragment_caps[(config >> 4) & 3];
    caps.max_datagram = size_caps[config >> 6];
    struct checker *k = calloc(1, sizeof *k);
    if (!k)
        return 0;
    if (tg_ipfrag_init(&k->t, &caps) != TG_OK) {
        free(k);
        return 0;
    }
    while (tg_rd_left(&in) >= 6)
        run_op(k, &in);
    tg_ipfrag_expire(&k->t, k->max_ts + TG_IPFRAG_DEFAULT_TIMEOUT_US);
    REQUIRE(k->t.datagrams == 0 && k->t.bytes == 0);
    tg_ipfrag_free(&k->t);
    free(k);
    return 0;
}
