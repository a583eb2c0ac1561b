/*
 * test_oom.c - running out of memory while a cold flow is unpacked
 * (flow.h: cold flows; docs/limits.md). This program is linked with
 * `ld --wrap=malloc` (Makefile), so that every malloc of tlsglass's
 * objects and of nDPI's static library goes through wrap_malloc below,
 * which fails while `failing` is set.
 *
 * Two copies of a real TLS 1.2 handshake (captures/tls12-openssl.pcap) are
 * fed in turn with one hot slot and nDPI on, so that each packet of one
 * copy unpacks it and packs the other. While mallocs fail, one packet of
 * the first copy (an empty ACK) finds its flow cannot be unpacked (nDPI's
 * state needs a struct): that packet goes unread, as if the capture had
 * lost it, and the session must still end, established, with a record
 * whose errors say session_memory; the other copy's session is whole.
 */
#include "../../analyzer/classify.h"
#include "../../analyzer/decode.h"
#include "../../analyzer/flow.h"
#include "../../analyzer/session.h"
#include "testkit.h"

#include <pcap/pcap.h>

/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): ld --wrap's names */
void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

static bool failing;
static unsigned long refused;

/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
void *__wrap_malloc(size_t n)
{
    if (failing) {
        refused++;
        return NULL;
    }
    return __real_malloc(n);
}

#define MAX_PACKETS 64

struct frame {
    uint8_t *bytes;
    uint32_t caplen, len;
    int64_t ts;
};

static struct frame frames[MAX_PACKETS];
static size_t n_frames;
static int dlt;

struct ended {
    uint64_t errors;
    uint16_t client_port;
    bool established;
    bool classified; /* nDPI's verdict reached the session */
};

static struct ended ends[4];
static int n_ends;

static void on_end(void *ctx, struct tg_flow *f, enum tg_flow_end why)
{
    (void)ctx;
    (void)why;
    if (n_ends >= 4 || !f->sess)
        return;
    struct ended *e = &ends[n_ends++];
    int c = f->sess->client_dir < 0 ? 0 : f->sess->client_dir;
    e->client_port = f->port[c];
    e->errors = f->sess->errors;
    e->established = f->sess->established;
    e->classified = f->sess->ndpi.done;
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
        f->bytes = malloc(h->caplen ? h->caplen : 1);
        if (!f->bytes)
            abort();
        memcpy(f->bytes, data, h->caplen);
        f->caplen = h->caplen;
        f->len = h->len;
        f->ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
    }
    pcap_close(p);
    return 0;
}

/* The copies in turn; mallocs fail during the first copy's packet number
 * `fail_at` (counted from 0 over its TCP packets; -1: never). */
static void run(int fail_at)
{
    struct tg_flows t;
    n_ends = 0;
    if (tg_flows_init(&t, 0, on_end, NULL) != TG_OK)
        abort();
    t.hot_max = 1;
    t.ndpi = tg_ndpi_new();
    if (!t.ndpi)
        abort();
    int tcp = 0;
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
            failing = copy == 0 && tcp == fail_at;
            tg_flows_packet(&t, &p, frames[i].ts);
            failing = false;
        }
        tcp++;
    }
    tg_flows_free(&t);
    tg_ndpi_free(t.ndpi);
}

static const struct ended *ended_on(uint16_t port)
{
    for (int i = 0; i < n_ends; i++)
        if (ends[i].client_port == port)
            return &ends[i];
    return NULL;
}

int main(void)
{
    if (load("captures/tls12-openssl.pcap") != 0)
        return 1;

    printf("no failure: two whole sessions, classified, no error\n");
    run(-1);
    CHECK_EQ(n_ends, 2);
    for (int i = 0; i < n_ends; i++) {
        CHECK(ends[i].established && ends[i].classified);
        CHECK_EQ(ends[i].errors, 0);
    }
    uint16_t port = n_ends ? ends[0].client_port : 0;

    /* The fifth TCP packet, the server's empty ACK of the ClientHello: the
     * flow is cold with its session and nDPI state packed. */
    printf("mallocs fail at the fifth packet of one copy: its record says session_memory\n");
    refused = 0;
    run(4);
    CHECK(refused > 0);
    CHECK_EQ(n_ends, 2);
    const struct ended *hit = ended_on(port), *other = ended_on((uint16_t)(port + 1000));
    CHECK(hit && other);
    if (hit && other) {
        CHECK_MSG(hit->errors == TG_ERR_BIT(TG_ERR_SESSION_MEMORY), "errors %#llx",
                  (unsigned long long)hit->errors);
        CHECK(hit->established);
        CHECK_EQ(other->errors, 0);
        CHECK(other->established && other->classified);
    }
    for (size_t i = 0; i < n_frames; i++)
        free(frames[i].bytes);
    return testkit_finish();
}
