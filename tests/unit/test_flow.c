/*
 * test_flow.c - the flow table, reassembly and TLS framing together, on the
 * packets of a real capture (captures/tls12-openssl.pcap, a full TLS 1.2
 * handshake by openssl) replayed in altered ways: every payload cut into
 * pieces of every size from 1 byte up, pieces reordered, duplicated, the
 * connection replayed on the same ports (port reuse), its SYNs dropped
 * (mid-stream pickup), a segment lost. Each run must yield the sessions and
 * the handshake events that the unaltered replay yields, and the counters
 * that tell what was altered.
 *
 * Then the caps (docs/limits.md), on made-up flows: the flow cap and the
 * memory cap end flows closing first, then the idle longest, each with its
 * record and "evicted"; the memory account matches the flows' own; a
 * reassembly cap hit or a snaplen cut before the session began still shows
 * in its errors; a hello over its extension cap has too_many_extensions.
 * Two copies of the connection interleaved, each packed whenever the other
 * has a packet (cold flows), yield the unaltered sessions.
 */
#include "../../analyzer/flow.h"
#include "../../analyzer/session.h"
#include "testkit.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PACKETS 256
#define MAX_SESSIONS 4

struct frame {
    uint8_t *bytes;
    uint32_t caplen, len;
    int64_t ts;
};

static struct frame frames[MAX_PACKETS];
static size_t n_frames;
static int dlt;

/* What one ended session looked like. */
struct summary {
    char state[16];
    char events[2048];
    uint64_t errors;
    uint16_t version;
    uint16_t client_port;
    struct tg_reasm_counters c;
};

static struct summary got[MAX_SESSIONS];
static int n_got;

static void on_end(void *ctx, struct tg_flow *f, enum tg_flow_end why)
{
    (void)ctx;
    (void)why;
    if (n_got >= MAX_SESSIONS || !f->sess || !f->sess->saw_hello)
        return;
    struct summary *s = &got[n_got++];
    memset(s, 0, sizeof *s);
    snprintf(s->state, sizeof s->state, "%s", tg_session_state(f->sess));
    size_t off = 0;
    for (uint32_t i = 0; i < f->sess->n_events && off + 32 < sizeof s->events; i++) {
        const struct tg_event *e = &f->sess->events[i];
        int k = snprintf(s->events + off, sizeof s->events - off, "%d:%d:%d:%u ",
                         tg_session_side(f->sess, e->dir), e->kind, e->hs_type, e->length);
        off += (size_t)k;
    }
    s->errors = f->sess->errors;
    s->version = f->sess->version;
    int c = f->sess->client_dir < 0 ? 0 : f->sess->client_dir;
    s->client_port = f->port[c];
    s->c = f->rs[0].c;
    s->c.out_of_order += f->rs[1].c.out_of_order;
    s->c.retransmitted += f->rs[1].c.retransmitted;
    s->c.gaps += f->rs[1].c.gaps;
    s->c.gap_bytes += f->rs[1].c.gap_bytes;
}

static int load(const char *path)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    if (!p) {
        printf("cannot open %s: %s\n", path, err);
        return -1;
    }
    dlt = pcap_datalink(p);
    struct pcap_pkthdr *h;
    const u_char *data;
    while (n_frames < MAX_PACKETS && pcap_next_ex(p, &h, &data) == 1) {
        struct frame *f = &frames[n_frames++];
        f->bytes = malloc(h->caplen);
        memcpy(f->bytes, data, h->caplen);
        f->caplen = h->caplen;
        f->len = h->len;
        f->ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
    }
    pcap_close(p);
    return 0;
}

/* How a replay alters the capture. */
struct alter {
    size_t piece;       /* cut payloads into pieces of this size (0: whole) */
    bool swap;          /* send each pair of pieces in reverse order */
    bool duplicate;     /* send every data piece twice */
    bool drop_syns;     /* leave out SYN and SYN-ACK */
    int drop_data_from; /* drop the first data segment of this port (0: none) */
    uint32_t seq_shift; /* added to every sequence number of both sides */
};

static void send_piece(struct tg_flows *t, const struct tg_packet *whole, size_t off, size_t n,
                       bool last, int64_t ts)
{
    struct tg_packet p = *whole;
    p.payload.p = whole->payload.p + off;
    p.payload.len = n;
    p.seq = whole->seq + (uint32_t)off;
    if (!last)
        p.flags &= (uint8_t) ~(TG_TCP_FIN | TG_TCP_RST);
    tg_flows_packet(t, &p, ts);
}

static void replay_frame(struct tg_flows *t, struct tg_packet *p, int64_t ts, const struct alter *a)
{
    size_t len = p->payload.len;
    size_t piece = a->piece && a->piece < len ? a->piece : (len ? len : 1);
    size_t n_pieces = len ? (len + piece - 1) / piece : 1;
    for (size_t i = 0; i < n_pieces; i++) {
        size_t k = i;
        if (a->swap && n_pieces > 1)
            k = (i % 2 == 0) ? (i + 1 < n_pieces ? i + 1 : i) : i - 1;
        size_t off = k * piece;
        size_t n = len ? (off + piece <= len ? piece : len - off) : 0;
        bool last = k == n_pieces - 1;
        send_piece(t, p, off, n, last, ts);
        if (a->duplicate && n)
            send_piece(t, p, off, n, last, ts);
    }
}

static void replay(struct tg_flows *t, const struct alter *a, int64_t time_shift)
{
    bool dropped = false;
    for (size_t i = 0; i < n_frames; i++) {
        struct tg_packet p;
        struct tg_view v = {frames[i].bytes, frames[i].caplen};
        if (tg_decode(dlt, v, frames[i].len, &p) != TG_DEC_TCP)
            continue;
        if (a->drop_syns && (p.flags & TG_TCP_SYN))
            continue;
        if (a->drop_data_from && !dropped && p.payload.len && p.sport == a->drop_data_from) {
            dropped = true;
            continue;
        }
        p.seq += a->seq_shift;
        if (p.flags & TG_TCP_ACK)
            p.ack += a->seq_shift;
        replay_frame(t, &p, frames[i].ts + time_shift, a);
    }
}

/* ------------------------------------------------------------------ caps */

/* Flows ended, in order: client port, why, errors. */
struct ended {
    uint16_t port;
    enum tg_flow_end why;
    uint64_t errors;
};
static struct ended ends[64];
static int n_ends;

static void on_end_caps(void *ctx, struct tg_flow *f, enum tg_flow_end why)
{
    (void)ctx;
    if (n_ends < 64)
        ends[n_ends++] = (struct ended){f->port[0], why, f->sess ? f->sess->errors : 0};
}

static const uint8_t client_addr[16] = {10, 0, 0, 1};
static const uint8_t server_addr[16] = {10, 0, 0, 2};

/* A TCP packet of client port `port` (to 443), client to server when c2s. */
static void send_tcp(struct tg_flows *t, uint16_t port, bool c2s, uint8_t flags, uint32_t seq,
                     const uint8_t *payload, size_t len, int64_t ts)
{
    struct tg_packet p;
    memset(&p, 0, sizeof p);
    p.ip_version = 4;
    p.flags = flags;
    memcpy(p.src, c2s ? client_addr : server_addr, 16);
    memcpy(p.dst, c2s ? server_addr : client_addr, 16);
    p.sport = c2s ? port : 443;
    p.dport = c2s ? 443 : port;
    p.seq = seq;
    p.payload.p = payload;
    p.payload.len = len;
    tg_flows_packet(t, &p, ts);
}

static size_t put16(uint8_t *b, size_t o, size_t v)
{
    b[o] = (uint8_t)(v >> 8);
    b[o + 1] = (uint8_t)v;
    return o + 2;
}

/* A ClientHello record with n_ext empty extensions (types 0x1000 on), malloc'd. */
static uint8_t *client_hello(size_t n_ext, size_t *len)
{
    size_t body = 2 + 32 + 1 + 4 + 2 + 2 + 4 * n_ext;
    *len = 5 + 4 + body;
    uint8_t *b = calloc(1, *len);
    b[0] = 22; /* a handshake record, version 3.1 */
    b[1] = 3;
    b[2] = 1;
    size_t o = put16(b, 3, *len - 5);
    b[o] = 1; /* ClientHello, a 24-bit length below 2^16 */
    o = put16(b, o + 2, body);
    o = put16(b, o, 0x0303);
    o += 32 + 1; /* random, empty session_id */
    o = put16(b, o, 2);
    o = put16(b, o, 0x1301);
    o = put16(b, o, 0x0100); /* compression_methods: null */
    o = put16(b, o, 4 * n_ext);
    for (size_t i = 0; i < n_ext; i++) {
        o = put16(b, o, 0x1000 + i);
        o = put16(b, o, 0);
    }
    return b;
}

/* SYN and a ClientHello from client port `port` at time ts: a TLS flow. */
static void open_tls(struct tg_flows *t, uint16_t port, int64_t ts)
{
    size_t len;
    uint8_t *ch = client_hello(0, &len);
    send_tcp(t, port, true, TG_TCP_SYN, 1000, NULL, 0, ts);
    send_tcp(t, port, true, TG_TCP_ACK, 1001, ch, len, ts + 1);
    free(ch);
}

/* The table's account equals the sum of its flows' and the bucket array. */
static bool account_ok(const struct tg_flows *t)
{
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): the buckets are flow pointers */
    size_t sum = t->n_buckets * sizeof *t->buckets;
    const struct tg_flow_list *lists[2] = {&t->open, &t->closing};
    for (int i = 0; i < 2; i++)
        for (const struct tg_flow *f = lists[i]->head; f; f = f->next) {
            if (f->mem < sizeof *f)
                return false;
            sum += f->mem;
        }
    return sum == t->mem;
}

static void caps_init(struct tg_flows *t, size_t max_flows)
{
    n_ends = 0;
    if (tg_flows_init(t, max_flows, on_end_caps, NULL) != TG_OK)
        abort();
}

/* Two flows tracked at most: the idle longest goes, with its record. */
static void test_flow_cap(void)
{
    struct tg_flows t;
    caps_init(&t, 2);
    open_tls(&t, 1001, 10);
    open_tls(&t, 1002, 20);
    send_tcp(&t, 1001, true, TG_TCP_ACK, 1001, NULL, 0, 30); /* no payload: still activity */
    CHECK_MSG(account_ok(&t), "account after 2 flows");
    open_tls(&t, 1003, 40);
    CHECK_MSG(n_ends == 1 && ends[0].port == 1002, "flow cap: %d ended, first port %u", n_ends,
              n_ends ? (unsigned)ends[0].port : 0u);
    CHECK_MSG(n_ends == 1 && ends[0].why == TG_END_EVICTED, "flow cap: why %d",
              n_ends ? (int)ends[0].why : -1);
    CHECK_MSG(n_ends == 1 && (ends[0].errors & TG_ERR_BIT(TG_ERR_EVICTED)), "no evicted error");
    CHECK_MSG(t.stats.evicted_flow_cap == 1 && t.stats.evicted_memory == 0, "counters %llu %llu",
              (unsigned long long)t.stats.evicted_flow_cap,
              (unsigned long long)t.stats.evicted_memory);
    CHECK_MSG(t.count == 2 && account_ok(&t), "count %zu", t.count);
    tg_flows_free(&t);
    CHECK_MSG(n_ends == 3 && ends[1].why == TG_END_INPUT && ends[2].why == TG_END_INPUT,
              "end of input: %d", n_ends);
    CHECK_MSG(!(ends[1].errors & TG_ERR_BIT(TG_ERR_EVICTED)), "evicted at end of input");
    CHECK_MSG(t.mem == 0, "mem %zu after free", t.mem);
}

/* A closing flow goes before an open one idle longer, and is not "evicted". */
static void test_closing_first(void)
{
    struct tg_flows t;
    caps_init(&t, 2);
    open_tls(&t, 2001, 10); /* open, idle longest */
    open_tls(&t, 2002, 20);
    send_tcp(&t, 2002, true, TG_TCP_RST, 9999, NULL, 0, 30);
    open_tls(&t, 2003, 40);
    CHECK_MSG(n_ends == 1 && ends[0].port == 2002 && ends[0].why == TG_END_CLOSED,
              "closing first: %d ended, port %u", n_ends, n_ends ? (unsigned)ends[0].port : 0u);
    CHECK_MSG(n_ends == 1 && !(ends[0].errors & TG_ERR_BIT(TG_ERR_EVICTED)), "closed one evicted");
    CHECK_MSG(t.stats.closed_early == 1 && t.stats.evicted_flow_cap == 0, "closed_early %llu",
              (unsigned long long)t.stats.closed_early);
    tg_flows_free(&t);
}

/* Flows holding out-of-order data under a memory cap: the cap holds after
 * every packet, the idle longest go first, each with its record. */
static void test_memory_cap(void)
{
    struct tg_flows t;
    caps_init(&t, 0);
    uint8_t *junk = calloc(1, 8000);
    t.max_memory = t.mem + 5 * (sizeof(struct tg_flow) + sizeof(struct tg_session) + 30000);
    bool held = true, exact = true;
    for (uint16_t port = 3000; port < 3020; port++) {
        open_tls(&t, port, (int64_t)port * 10);
        for (uint32_t k = 0; k < 3; k++) /* past a hole after the hello */
            send_tcp(&t, port, true, TG_TCP_ACK, 5000 + k * 8000, junk, 8000, port * 10 + 2);
        held &= t.mem + t.other_mem <= t.max_memory;
        exact &= account_ok(&t);
    }
    CHECK_MSG(held, "the memory cap did not hold");
    CHECK_MSG(exact, "the account went wrong");
    CHECK_MSG(t.stats.evicted_memory > 0 && n_ends > 0, "nothing evicted: %d", n_ends);
    bool lru = true, marked = true;
    for (int i = 0; i < n_ends; i++) {
        lru &= ends[i].port == 3000 + i;
        marked &= ends[i].why == TG_END_EVICTED && (ends[i].errors & TG_ERR_BIT(TG_ERR_EVICTED));
    }
    CHECK_MSG(lru, "not in order of last activity");
    CHECK_MSG(marked, "an evicted session without \"evicted\"");
    CHECK_MSG(t.mem_peak >= t.mem && t.mem_peak <= t.max_memory + 30000 +
                                                       sizeof(struct tg_session) +
                                                       sizeof(struct tg_flow),
              "peak %zu", t.mem_peak);
    tg_flows_free(&t);
    CHECK_MSG(t.lim.total_bytes == 0, "buffered bytes left");
    free(junk);
}

/* The global out-of-order cap refuses a segment before the hello is seen:
 * the session that begins afterwards still gets reassembly_limit. A
 * snaplen cut of the hello's own packet gives truncated_capture. */
static void test_lost_before_session(void)
{
    struct tg_flows t;
    caps_init(&t, 0);
    t.lim.max_total_bytes = 100;
    uint8_t junk[200] = {0};
    send_tcp(&t, 4001, true, TG_TCP_SYN, 1000, NULL, 0, 10);
    send_tcp(&t, 4001, true, TG_TCP_ACK, 5000, junk, sizeof junk, 11);
    CHECK_MSG(t.lim.total_cap_hits == 1, "total cap hits %llu",
              (unsigned long long)t.lim.total_cap_hits);
    size_t len;
    uint8_t *ch = client_hello(0, &len);
    send_tcp(&t, 4001, true, TG_TCP_ACK, 1001, ch, len, 12);

    struct tg_packet p;
    memset(&p, 0, sizeof p);
    p.ip_version = 4;
    p.flags = TG_TCP_SYN;
    memcpy(p.src, client_addr, 16);
    memcpy(p.dst, server_addr, 16);
    p.sport = 4002;
    p.dport = 443;
    p.seq = 1000;
    tg_flows_packet(&t, &p, 20);
    p.flags = TG_TCP_ACK;
    p.seq = 1001;
    p.payload.p = ch;
    p.payload.len = len;
    p.payload_cut = true;
    tg_flows_packet(&t, &p, 21);
    tg_flows_free(&t);
    free(ch);
    CHECK_MSG(n_ends == 2, "%d ended", n_ends);
    for (int i = 0; i < n_ends; i++) {
        enum tg_err want =
            ends[i].port == 4001 ? TG_ERR_REASSEMBLY_LIMIT : TG_ERR_TRUNCATED_CAPTURE;
        CHECK_MSG(ends[i].errors & TG_ERR_BIT(want), "port %u: errors %llx", ends[i].port,
                  (unsigned long long)ends[i].errors);
    }
}

/* A ClientHello with more extensions than the dissector keeps: too_many_extensions. */
static void test_extension_cap(void)
{
    struct tg_flows t;
    caps_init(&t, 0);
    size_t len;
    uint8_t *ch = client_hello(TG_CH_MAX_EXTENSIONS + 1, &len);
    send_tcp(&t, 5001, true, TG_TCP_SYN, 1000, NULL, 0, 10);
    send_tcp(&t, 5001, true, TG_TCP_ACK, 1001, ch, len, 11);
    free(ch);
    ch = client_hello(TG_CH_MAX_EXTENSIONS, &len);
    send_tcp(&t, 5002, true, TG_TCP_SYN, 1000, NULL, 0, 10);
    send_tcp(&t, 5002, true, TG_TCP_ACK, 1001, ch, len, 11);
    free(ch);
    tg_flows_free(&t);
    CHECK_MSG(n_ends == 2, "%d ended", n_ends);
    for (int i = 0; i < n_ends; i++)
        CHECK_MSG(!(ends[i].errors & TG_ERR_BIT(TG_ERR_TOO_MANY_EXTENSIONS)) ==
                      (ends[i].port == 5002),
                  "port %u: errors %llx", ends[i].port, (unsigned long long)ends[i].errors);
}

static void test_caps(void)
{
    test_flow_cap();
    test_closing_first();
    test_memory_cap();
    test_lost_before_session();
    test_extension_cap();
}

static void run(const struct alter *a, int times)
{
    struct tg_flows t;
    n_got = 0;
    if (tg_flows_init(&t, 0, on_end, NULL) != TG_OK)
        abort();
    for (int k = 0; k < times; k++) {
        struct alter ak = *a;
        ak.seq_shift += (uint32_t)k * 0x40000000u;
        replay(&t, &ak, (int64_t)k * 1000000);
    }
    tg_flows_free(&t);
    CHECK_MSG(t.lim.total_bytes == 0, "buffered bytes left: %zu", t.lim.total_bytes);
}

/*
 * Two copies of the connection, their packets taken in turn (the second on
 * client port + 1000), with `hot` slots of hot flows: with one, each
 * packet of a copy packs the other (flow.h: cold flows). The table's
 * account at the end of the capture goes in *mem.
 */
static void run_interleaved(size_t hot, size_t *mem)
{
    struct tg_flows t;
    n_got = 0;
    if (tg_flows_init(&t, 0, on_end, NULL) != TG_OK)
        abort();
    t.hot_max = hot;
    for (size_t i = 0; i < n_frames; i++) {
        for (int copy = 0; copy < 2; copy++) {
            struct tg_packet p;
            struct tg_view v = {frames[i].bytes, frames[i].caplen};
            if (tg_decode(dlt, v, frames[i].len, &p) != TG_DEC_TCP)
                continue;
            if (copy && p.sport == 8443)
                p.dport = (uint16_t)(p.dport + 1000);
            else if (copy)
                p.sport = (uint16_t)(p.sport + 1000);
            tg_flows_packet(&t, &p, frames[i].ts);
        }
    }
    CHECK_MSG(account_ok(&t), "account of %zu hot slots", hot);
    *mem = t.mem;
    tg_flows_free(&t);
}

static void test_cold(const struct summary *base)
{
    printf("cold flows: packed after each packet, the same sessions, a smaller account\n");
    size_t hot_mem, cold_mem;
    run_interleaved(TG_FLOW_HOT, &hot_mem);
    CHECK_MSG(n_got == 2, "%d sessions", n_got);
    run_interleaved(1, &cold_mem);
    CHECK_MSG(n_got == 2, "%d sessions when cold", n_got);
    for (int i = 0; i < n_got; i++) {
        CHECK_STR(got[i].events, base->events);
        CHECK_STR(got[i].state, base->state);
        CHECK_EQ(got[i].errors, 0);
        CHECK_EQ(got[i].version, base->version);
    }
    CHECK_MSG(n_got == 2 && got[0].client_port + 1000 == got[1].client_port, "ports %u %u",
              (unsigned)got[0].client_port, (unsigned)got[1].client_port);
    /* At the end one copy is packed (the other had the last packet): its
     * session struct, mostly zeros, packs to less than half its size. */
    CHECK_MSG(cold_mem + sizeof(struct tg_session) / 2 < hot_mem, "packed %zu, unpacked %zu",
              cold_mem, hot_mem);
}

int main(void)
{
    if (load("captures/tls12-openssl.pcap") != 0)
        return 1;
    struct alter plain = {0};
    run(&plain, 1);
    CHECK_MSG(n_got == 1, "%d sessions", n_got);
    struct summary base = got[0];
    CHECK_MSG(strcmp(base.state, "established") == 0, "state %s", base.state);
    CHECK_MSG(base.version == 0x0303, "version %04x", base.version);
    CHECK_MSG(base.errors == 0, "errors %llx", (unsigned long long)base.errors);
    /* ClientHello first, from the client; then the server's flight. */
    CHECK_MSG(strncmp(base.events, "0:0:1:", 6) == 0, "events %s", base.events);
    CHECK_MSG(strstr(base.events, "1:0:2:") != NULL, "no server hello in %s", base.events);
    printf("baseline: %s\n", base.events);

    /* Every piece size from 1 to 64 bytes, then some larger ones. */
    size_t sizes[80];
    size_t n_sizes = 0;
    for (size_t k = 1; k <= 64; k++)
        sizes[n_sizes++] = k;
    const size_t more[] = {100, 127, 128, 200, 255, 256, 511, 512, 1000, 1447};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        sizes[n_sizes++] = more[i];
    for (size_t i = 0; i < n_sizes; i++) {
        for (int variant = 0; variant < 3; variant++) {
            struct alter a = {.piece = sizes[i], .swap = variant == 1, .duplicate = variant == 2};
            run(&a, 1);
            CHECK_MSG(n_got == 1, "piece %zu variant %d: %d sessions", sizes[i], variant, n_got);
            if (n_got != 1)
                continue;
            CHECK_MSG(strcmp(got[0].events, base.events) == 0, "piece %zu variant %d: %s", sizes[i],
                      variant, got[0].events);
            CHECK_MSG(strcmp(got[0].state, "established") == 0, "piece %zu: %s", sizes[i],
                      got[0].state);
            CHECK_MSG(got[0].errors == 0, "piece %zu variant %d: errors %llx", sizes[i], variant,
                      (unsigned long long)got[0].errors);
            if (variant == 1 && sizes[i] < 500)
                CHECK_MSG(got[0].c.out_of_order > 0, "piece %zu: no out-of-order counted",
                          sizes[i]);
            if (variant == 2)
                CHECK_MSG(got[0].c.retransmitted > 0, "piece %zu: no retransmission counted",
                          sizes[i]);
        }
    }

    /* Sequence numbers near 2^32 wrap inside the handshake. */
    for (uint32_t shift = 0xfffff000u; shift != 0x1000u; shift += 0x200u) {
        struct alter a = {.piece = 300, .seq_shift = shift};
        run(&a, 1);
        CHECK_MSG(n_got == 1 && strcmp(got[0].events, base.events) == 0, "shift %08x", shift);
    }

    /* The same connection twice on the same ports: two sessions. */
    run(&plain, 2);
    CHECK_MSG(n_got == 2, "port reuse: %d sessions", n_got);
    for (int i = 0; i < n_got; i++)
        CHECK_MSG(strcmp(got[i].events, base.events) == 0, "port reuse #%d: %s", i, got[i].events);

    /* No SYNs: picked up mid-stream, same handshake, "midstream" noted. */
    struct alter nosyn = {.drop_syns = true};
    run(&nosyn, 1);
    CHECK_MSG(n_got == 1 && strcmp(got[0].events, base.events) == 0, "midstream");
    CHECK_MSG(n_got == 1 && got[0].errors == TG_ERR_BIT(TG_ERR_MIDSTREAM), "midstream errors %llx",
              (unsigned long long)(n_got ? got[0].errors : 0));

    /* The server's first data segment lost: a gap is reported, the client
     * side and what follows the gap are still read. */
    struct alter lost = {.drop_data_from = 8443};
    run(&lost, 1);
    CHECK_MSG(n_got == 1, "lost segment: %d sessions", n_got);
    if (n_got == 1) {
        CHECK_MSG(got[0].errors & TG_ERR_BIT(TG_ERR_TCP_GAP), "no tcp_gap");
        CHECK_MSG(got[0].c.gaps == 1, "gaps %u", got[0].c.gaps);
        CHECK_MSG(strncmp(got[0].events, "0:0:1:", 6) == 0, "lost segment: %s", got[0].events);
    }

    test_cold(&base);
    test_caps();

    for (size_t i = 0; i < n_frames; i++)
        free(frames[i].bytes);
    return testkit_finish();
}
