/*
 * test_flow.c - the flow table, reassembly and TLS framing together, on the
 * packets of a real capture (captures/tls12-openssl.pcap, a full TLS 1.2
 * handshake by openssl) replayed in altered ways: every payload cut into
 * pieces of every size from 1 byte up, pieces reordered, duplicated, the
 * connection replayed on the same ports (port reuse), its SYNs dropped
 * (mid-stream pickup), a segment lost. Each run must yield the sessions and
 * the handshake events that the unaltered replay yields, and the counters
 * that tell what was altered.
 */
#include "../../analyzer/flow.h"
#include "../../analyzer/session.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("  FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                               \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

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
    size_t piece;        /* cut payloads into pieces of this size (0: whole) */
    bool swap;           /* send each pair of pieces in reverse order */
    bool duplicate;      /* send every data piece twice */
    bool drop_syns;      /* leave out SYN and SYN-ACK */
    int drop_data_from;  /* drop the first data segment of this port (0: none) */
    uint32_t seq_shift;  /* added to every sequence number of both sides */
};

static void send_piece(struct tg_flows *t, const struct tg_packet *whole, size_t off, size_t n,
                       bool last, int64_t ts)
{
    struct tg_packet p = *whole;
    p.payload.p = whole->payload.p + off;
    p.payload.len = n;
    p.seq = whole->seq + (uint32_t)off;
    if (!last)
        p.flags &= (uint8_t)~(TG_TCP_FIN | TG_TCP_RST);
    tg_flows_packet(t, &p, ts);
}

static void replay_frame(struct tg_flows *t, struct tg_packet *p, int64_t ts,
                         const struct alter *a)
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
    CHECK(t.lim.total_bytes == 0, "buffered bytes left: %zu", t.lim.total_bytes);
}

int main(void)
{
    if (load("captures/tls12-openssl.pcap") != 0)
        return 1;
    struct alter plain = {0};
    run(&plain, 1);
    CHECK(n_got == 1, "%d sessions", n_got);
    struct summary base = got[0];
    CHECK(strcmp(base.state, "established") == 0, "state %s", base.state);
    CHECK(base.version == 0x0303, "version %04x", base.version);
    CHECK(base.errors == 0, "errors %llx", (unsigned long long)base.errors);
    /* ClientHello first, from the client; then the server's flight. */
    CHECK(strncmp(base.events, "0:0:1:", 6) == 0, "events %s", base.events);
    CHECK(strstr(base.events, "1:0:2:") != NULL, "no server hello in %s", base.events);
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
            CHECK(n_got == 1, "piece %zu variant %d: %d sessions", sizes[i], variant, n_got);
            if (n_got != 1)
                continue;
            CHECK(strcmp(got[0].events, base.events) == 0, "piece %zu variant %d: %s",
                  sizes[i], variant, got[0].events);
            CHECK(strcmp(got[0].state, "established") == 0, "piece %zu: %s", sizes[i],
                  got[0].state);
            CHECK(got[0].errors == 0, "piece %zu variant %d: errors %llx", sizes[i], variant,
                  (unsigned long long)got[0].errors);
            if (variant == 1 && sizes[i] < 500)
                CHECK(got[0].c.out_of_order > 0, "piece %zu: no out-of-order counted",
                      sizes[i]);
            if (variant == 2)
                CHECK(got[0].c.retransmitted > 0, "piece %zu: no retransmission counted",
                      sizes[i]);
        }
    }

    /* Sequence numbers near 2^32 wrap inside the handshake. */
    for (uint32_t shift = 0xfffff000u; shift != 0x1000u; shift += 0x200u) {
        struct alter a = {.piece = 300, .seq_shift = shift};
        run(&a, 1);
        CHECK(n_got == 1 && strcmp(got[0].events, base.events) == 0, "shift %08x", shift);
    }

    /* The same connection twice on the same ports: two sessions. */
    run(&plain, 2);
    CHECK(n_got == 2, "port reuse: %d sessions", n_got);
    for (int i = 0; i < n_got; i++)
        CHECK(strcmp(got[i].events, base.events) == 0, "port reuse #%d: %s", i, got[i].events);

    /* No SYNs: picked up mid-stream, same handshake, "midstream" noted. */
    struct alter nosyn = {.drop_syns = true};
    run(&nosyn, 1);
    CHECK(n_got == 1 && strcmp(got[0].events, base.events) == 0, "midstream");
    CHECK(n_got == 1 && got[0].errors == TG_ERR_BIT(TG_ERR_MIDSTREAM), "midstream errors %llx",
          (unsigned long long)(n_got ? got[0].errors : 0));

    /* The server's first data segment lost: a gap is reported, the client
     * side and what follows the gap are still read. */
    struct alter lost = {.drop_data_from = 8443};
    run(&lost, 1);
    CHECK(n_got == 1, "lost segment: %d sessions", n_got);
    if (n_got == 1) {
        CHECK(got[0].errors & TG_ERR_BIT(TG_ERR_TCP_GAP), "no tcp_gap");
        CHECK(got[0].c.gaps == 1, "gaps %u", got[0].c.gaps);
        CHECK(strncmp(got[0].events, "0:0:1:", 6) == 0, "lost segment: %s", got[0].events);
    }

    for (size_t i = 0; i < n_frames; i++)
        free(frames[i].bytes);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
