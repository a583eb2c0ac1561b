/*
 * flow.c - flow table, TCP state, and the hand-off from reassembly to TLS.
 *
 * Memory is accounted per flow: after each packet the flow's cost is taken
 * again (entry, buffered segments, session and nDPI state) and the table's
 * total moved by the difference; nothing but the flow's own packets (and
 * its packing) changes its cost, so the total stays exact without walking
 * the table.
 *
 * Hot and cold (flow.h): `hot` is a ring of TG_FLOW_HOT slots, one per
 * packet; a flow sits in the slot of its last packet. The slot a packet
 * takes was last taken TG_FLOW_HOT packets ago: a flow still in it has had
 * no packet since, and is packed. A cold flow is unpacked when it gets a
 * packet, when it ends, and when the input breaks off.
 */
#include "flow.h"

#include "classify.h"
#include "session.h"
#include "tlsframe.h"

#include <stdlib.h>
#include <string.h>

/* A cold flow's state: the packed session, then the packed nDPI state. */
struct tg_flow_cold {
    size_t held;       /* bytes the packed states point to: arenas, buffers, nDPI's */
    uint32_t sess_len; /* bytes of the packed session; 0: none */
    uint32_t ndpi_len; /* bytes of the packed nDPI state; 0: none */
    uint8_t bytes[];
};

#define TG_FLOW_MIN_BUCKETS 4096u
#define MALLOC_SLACK 16u /* what malloc adds to a block, about: header and rounding */

/* --------------------------------------------------------------- hashing */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t endpoint_hash(const uint8_t *addr, uint16_t port)
{
    uint64_t a, b;
    memcpy(&a, addr, 8);
    memcpy(&b, addr + 8, 8);
    return mix64(a ^ mix64(b ^ ((uint64_t)port << 1)));
}

/* The same for both directions of a flow. */
static uint32_t flow_hash(const struct tg_packet *p)
{
    uint64_t x = endpoint_hash(p->src, p->sport);
    uint64_t y = endpoint_hash(p->dst, p->dport);
    return (uint32_t)mix64((x + y) ^ (x * y) ^ p->ip_version);
}

/* Direction of p in f: 0 or 1, or -1 when p is not of f. */
static int flow_dir(const struct tg_flow *f, const struct tg_packet *p)
{
    if (f->ip_version != p->ip_version)
        return -1;
    if (f->port[0] == p->sport && f->port[1] == p->dport && memcmp(f->addr[0], p->src, 16) == 0 &&
        memcmp(f->addr[1], p->dst, 16) == 0)
        return 0;
    if (f->port[1] == p->sport && f->port[0] == p->dport && memcmp(f->addr[1], p->src, 16) == 0 &&
        memcmp(f->addr[0], p->dst, 16) == 0)
        return 1;
    return -1;
}

/* ----------------------------------------------------------------- lists */

static void list_remove(struct tg_flow_list *l, struct tg_flow *f)
{
    if (f->prev)
        f->prev->next = f->next;
    else
        l->head = f->next;
    if (f->next)
        f->next->prev = f->prev;
    else
        l->tail = f->prev;
    f->prev = f->next = NULL;
}

static void list_append(struct tg_flow_list *l, struct tg_flow *f)
{
    f->prev = l->tail;
    f->next = NULL;
    if (l->tail)
        l->tail->next = f;
    else
        l->head = f;
    l->tail = f;
}

static struct tg_flow_list *list_of(struct tg_flows *t, struct tg_flow *f)
{
    return f->closing ? &t->closing : &t->open;
}

/* ----------------------------------------------------------------- table */

enum tg_status tg_flows_init(struct tg_flows *t, size_t max_flows, tg_flow_end_fn on_end, void *ctx)
{
    memset(t, 0, sizeof *t);
    t->n_buckets = TG_FLOW_MIN_BUCKETS;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): the buckets are flow pointers */
    t->buckets = calloc(t->n_buckets, sizeof *t->buckets);
    if (!t->buckets)
        return TG_E_NOMEM;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): the buckets are flow pointers */
    t->mem = t->n_buckets * sizeof *t->buckets;
    t->max_flows = max_flows ? max_flows : TG_FLOW_DEFAULT_MAX;
    t->idle_us = TG_FLOW_DEFAULT_IDLE_US;
    t->close_us = TG_FLOW_DEFAULT_CLOSE_US;
    t->lim.max_dir_bytes = TG_REASM_DEFAULT_DIR_BYTES;
    t->lim.max_total_bytes = TG_REASM_DEFAULT_TOTAL_BYTES;
    t->on_end = on_end;
    t->on_end_ctx = ctx;
    t->hot_max = TG_FLOW_HOT;
    return TG_OK;
}

/* Doubles the bucket array when the load passes one; keeps going on failure. */
static void maybe_grow(struct tg_flows *t)
{
    if (t->count < t->n_buckets)
        return;
    size_t n = t->n_buckets * 2;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): the buckets are flow pointers */
    struct tg_flow **b = calloc(n, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < t->n_buckets; i++) {
        struct tg_flow *f = t->buckets[i];
        while (f) {
            struct tg_flow *next = f->hnext;
            size_t k = f->hash & (n - 1);
            f->hnext = b[k];
            b[k] = f;
            f = next;
        }
    }
    free(t->buckets);
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): the buckets are flow pointers */
    t->mem += (n - t->n_buckets) * sizeof *b;
    t->buckets = b;
    t->n_buckets = n;
}

static struct tg_flow *lookup(struct tg_flows *t, const struct tg_packet *p, uint32_t h, int *dir)
{
    for (struct tg_flow *f = t->buckets[h & (t->n_buckets - 1)]; f; f = f->hnext) {
        if (f->hash != h)
            continue;
        int d = flow_dir(f, p);
        if (d >= 0) {
            *dir = d;
            return f;
        }
    }
    return NULL;
}

static void unhash(struct tg_flows *t, struct tg_flow *f)
{
    struct tg_flow **pp = &t->buckets[f->hash & (t->n_buckets - 1)];
    while (*pp && *pp != f)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = f->hnext;
}

/* ------------------------------------------------------ reassembly sinks */

struct feed_ctx {
    struct tg_flows *table;
    struct tg_flow *flow;
    int dir;
    int64_t ts;
};

static void detect(struct feed_ctx *c, struct tg_view data);

static void on_data(void *ctx, const uint8_t *p, size_t n)
{
    struct feed_ctx *c = ctx;
    struct tg_view v = {p, n};
    if (c->flow->kind == TG_FLOW_UNKNOWN)
        detect(c, v);
    else if (c->flow->sess)
        tg_tls_feed(c->flow->sess, c->dir, v, c->ts);
}

static void on_gap(void *ctx, uint64_t bytes)
{
    struct feed_ctx *c = ctx;
    if (!c->flow->sess)
        return;
    tg_session_error(c->flow->sess, TG_ERR_TCP_GAP);
    tg_tls_gap(c->flow->sess, c->dir, bytes);
}

static struct tg_reasm_sink make_sink(struct feed_ctx *c)
{
    struct tg_reasm_sink s = {on_data, on_gap, c};
    return s;
}

/* ------------------------------------------------------------ accounting */

/* What a session holds beyond its struct: arena, events, split-message buffers. */
static size_t session_held(const struct tg_session *s)
{
    size_t n = tg_arena_memory(&s->arena) + s->tls[0].hs_cap + s->tls[1].hs_cap;
    if (s->cap_events)
        n += s->cap_events * sizeof *s->events + MALLOC_SLACK;
    return n;
}

/* What f costs now, about (see flow.h). */
static size_t flow_memory(const struct tg_flow *f)
{
    size_t n = sizeof *f + MALLOC_SLACK + tg_reasm_memory(&f->rs[0]) + tg_reasm_memory(&f->rs[1]);
    if (f->sess)
        n += sizeof *f->sess + MALLOC_SLACK + session_held(f->sess);
    if (f->ndpi)
        n += tg_ndpi_flow_memory(f->ndpi) + MALLOC_SLACK;
    if (f->cold)
        n += sizeof *f->cold + f->cold->sess_len + f->cold->ndpi_len + MALLOC_SLACK + f->cold->held;
    return n;
}

static void note_peak(struct tg_flows *t)
{
    if (t->mem + t->other_mem > t->mem_peak)
        t->mem_peak = t->mem + t->other_mem;
}

/* Takes f's cost again and moves the table's total by the difference. */
static void account(struct tg_flows *t, struct tg_flow *f)
{
    size_t now = flow_memory(f);
    t->mem = t->mem - f->mem + now;
    f->mem = now;
    note_peak(t);
}

/* ------------------------------------------------------------ cold flows */

/* Packs f's session and nDPI state into one block; f stays hot if it cannot. */
static void freeze(struct tg_flows *t, struct tg_flow *f)
{
    if (f->cold || (!f->sess && !f->ndpi))
        return;
    uint8_t buf[TG_SESSION_PACKED_MAX + TG_NDPI_PACKED_MAX];
    size_t held = 0, sess_len = 0, ndpi_len = 0;
    if (f->sess) {
        held += session_held(f->sess);
        sess_len = tg_session_pack(f->sess, buf);
    }
    if (f->ndpi) {
        held += tg_ndpi_flow_memory(f->ndpi) - tg_ndpi_flow_size();
        ndpi_len = tg_ndpi_flow_pack(f->ndpi, buf + sess_len);
    }
    struct tg_flow_cold *c = malloc(sizeof *c + sess_len + ndpi_len);
    if (!c)
        return;
    c->held = held;
    c->sess_len = (uint32_t)sess_len;
    c->ndpi_len = (uint32_t)ndpi_len;
    memcpy(c->bytes, buf, sess_len + ndpi_len);
    if (f->sess && t->n_spare < TG_FLOW_SPARES)
        t->spare[t->n_spare++] = f->sess;
    else if (f->sess)
        tg_session_release(f->sess);
    if (f->ndpi)
        tg_ndpi_flow_release(f->ndpi);
    f->sess = NULL;
    f->ndpi = NULL;
    f->cold = c;
    account(t, f);
}

/* Unpacks a cold f; false (f still cold) when out of memory. */
static bool thaw(struct tg_flows *t, struct tg_flow *f)
{
    struct tg_flow_cold *c = f->cold;
    if (!c)
        return true;
    struct tg_session *s = NULL;
    struct tg_ndpi_flow *n = NULL;
    if (c->sess_len) {
        s = tg_session_unpack(c->bytes, c->sess_len, t->n_spare ? t->spare[t->n_spare - 1] : NULL);
        if (!s)
            return false;
        if (t->n_spare && s == t->spare[t->n_spare - 1])
            t->n_spare--;
    }
    if (c->ndpi_len && !(n = tg_ndpi_flow_unpack(c->bytes + c->sess_len, c->ndpi_len))) {
        if (s)
            tg_session_release(s); /* its packed bytes still hold it */
        return false;
    }
    f->sess = s;
    f->ndpi = n;
    f->cold = NULL;
    free(c);
    if (f->lost && f->sess)
        tg_session_error(f->sess, TG_ERR_SESSION_MEMORY);
    f->lost = false;
    return true;
}

/* Frees what a cold f holds, unpacked or not. */
static void free_cold(struct tg_flow *f)
{
    struct tg_flow_cold *c = f->cold;
    if (!c)
        return;
    if (c->sess_len)
        tg_session_free_packed(c->bytes, c->sess_len);
    if (c->ndpi_len)
        tg_ndpi_flow_free_packed(c->bytes + c->sess_len, c->ndpi_len);
    free(c);
    f->cold = NULL;
}

/*
 * f gets a packet: unpacked if cold, it takes the next slot of the ring,
 * and the flow whose packet had that slot, if it has had none since, is
 * packed. False when f stays cold (out of memory): its packet is not read,
 * as if the capture had lost it, and its session gets session_memory.
 */
static bool make_hot(struct tg_flows *t, struct tg_flow *f)
{
    if (!t->hot && t->hot_max)
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): the slots are flow pointers */
        t->hot = calloc(t->hot_max, sizeof *t->hot);
    if (!t->hot)
        return true; /* no ring: every flow stays hot */
    if (f->hot_slot != TG_FLOW_NOT_HOT) {
        t->hot[f->hot_slot] = NULL;
    } else if (!thaw(t, f)) {
        f->lost = true;
        return false;
    }
    struct tg_flow *old = t->hot[t->hot_pos];
    if (old) {
        old->hot_slot = TG_FLOW_NOT_HOT;
        freeze(t, old);
    }
    t->hot[t->hot_pos] = f;
    f->hot_slot = (uint32_t)t->hot_pos;
    t->hot_pos = (t->hot_pos + 1) % t->hot_max;
    return true;
}

/* f ends: out of the ring, and unpacked if it can be (else freed packed). */
static void last_thaw(struct tg_flows *t, struct tg_flow *f)
{
    if (f->hot_slot != TG_FLOW_NOT_HOT)
        t->hot[f->hot_slot] = NULL;
    f->hot_slot = TG_FLOW_NOT_HOT;
    if (!thaw(t, f))
        free_cold(f); /* no record: its session cannot be read */
}

/* -------------------------------------------------------- classification */

/* nDPI's verdict into the session; its state is freed. */
static void classify_end(struct tg_flows *t, struct tg_flow *f)
{
    if (!f->ndpi)
        return;
    tg_ndpi_result(t->ndpi, f->ndpi, &f->sess->ndpi);
    tg_ndpi_flow_free(f->ndpi);
    f->ndpi = NULL;
}

/* A TLS flow's packets go to nDPI, from the one that showed TLS on, until
 * nDPI has decided or the handshake is over (then nDPI gives up: a resumed
 * session shows no certificate to wait for, and a live record written at
 * the handshake's end has the same verdict as the final one). */
static void classify_packet(struct tg_flows *t, struct tg_flow *f, const struct tg_packet *p,
                            int64_t ts)
{
    if (!t->ndpi || f->sess->ndpi.done)
        return;
    if (!f->ndpi) {
        f->ndpi = tg_ndpi_flow_new(t->ndpi);
        if (!f->ndpi)
            return;
    }
    if (tg_ndpi_feed(t->ndpi, f->ndpi, p->ip, ts) || tg_session_handshake_over(f->sess))
        classify_end(t, f);
}

/* ----------------------------------------------------------- flow ending */

static void end_flow(struct tg_flows *t, struct tg_flow *f, enum tg_flow_end why)
{
    last_thaw(t, f);
    if (f->kind == TG_FLOW_TLS && f->sess) {
        classify_end(t, f);
        for (int d = 0; d < 2; d++) {
            struct feed_ctx c = {t, f, d, f->ts_last};
            struct tg_reasm_sink sink = make_sink(&c);
            tg_reasm_flush(&f->rs[d], &t->lim, &sink);
        }
        if (why == TG_END_EVICTED)
            tg_session_error(f->sess, TG_ERR_EVICTED);
        if (t->on_end)
            t->on_end(t->on_end_ctx, f, why);
    }
    t->stats.ended[why]++;
    t->mem -= f->mem;
    tg_reasm_free(&f->rs[0], &t->lim);
    tg_reasm_free(&f->rs[1], &t->lim);
    tg_ndpi_flow_free(f->ndpi);
    tg_session_free(f->sess);
    unhash(t, f);
    list_remove(list_of(t, f), f);
    t->count--;
    free(f);
}

/*
 * Ends one flow to stay within a cap: the closing flow idle longest (it has
 * finished, so it ends as closed, only earlier), else the open flow idle
 * longest, evicted. False when there is no flow.
 */
static bool end_one_for_cap(struct tg_flows *t, bool for_memory)
{
    if (t->closing.head) {
        t->stats.closed_early++;
        end_flow(t, t->closing.head, TG_END_CLOSED);
        return true;
    }
    if (!t->open.head)
        return false;
    if (for_memory)
        t->stats.evicted_memory++;
    else
        t->stats.evicted_flow_cap++;
    end_flow(t, t->open.head, TG_END_EVICTED);
    return true;
}

void tg_flows_fit_memory(struct tg_flows *t)
{
    note_peak(t);
    while (t->max_memory && t->mem + t->other_mem > t->max_memory && end_one_for_cap(t, true))
        ;
}

void tg_flows_expire(struct tg_flows *t, int64_t now)
{
    while (t->closing.head && now - t->closing.head->ts_last > t->close_us)
        end_flow(t, t->closing.head, TG_END_CLOSED);
    while (t->open.head && now - t->open.head->ts_last > t->idle_us)
        end_flow(t, t->open.head, TG_END_IDLE);
}

void tg_flows_end_all(struct tg_flows *t)
{
    while (t->closing.head)
        end_flow(t, t->closing.head, TG_END_INPUT);
    while (t->open.head)
        end_flow(t, t->open.head, TG_END_INPUT);
}

void tg_flows_note_damage(struct tg_flows *t)
{
    struct tg_flow_list *lists[2] = {&t->open, &t->closing};
    for (int i = 0; i < 2; i++)
        for (struct tg_flow *f = lists[i]->head; f; f = f->next) {
            bool cold = f->cold != NULL;
            if (!thaw(t, f))
                f->lost = true; /* it gets session_memory instead */
            if (f->sess)
                tg_session_error(f->sess, TG_ERR_DAMAGED_INPUT);
            if (cold)
                freeze(t, f);
            account(t, f);
        }
}

void tg_flows_free(struct tg_flows *t)
{
    tg_flows_end_all(t);
    free(t->buckets);
    t->buckets = NULL;
    free(t->hot);
    t->hot = NULL;
    while (t->n_spare)
        tg_session_release(t->spare[--t->n_spare]);
    t->mem = 0;
}

/* ------------------------------------------------------------ per packet */

static struct tg_flow *new_flow(struct tg_flows *t, const struct tg_packet *p, uint32_t h,
                                int64_t ts)
{
    if (t->count >= t->max_flows)
        (void)end_one_for_cap(t, false);
    struct tg_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->hash = h;
    f->ip_version = p->ip_version;
    memcpy(f->addr[0], p->src, 16);
    memcpy(f->addr[1], p->dst, 16);
    f->port[0] = p->sport;
    f->port[1] = p->dport;
    f->n_vlan = p->n_vlan;
    memcpy(f->vlan, p->vlan, sizeof f->vlan);
    f->ts_first = ts;
    /* The number of the creating frame, when the owner says it: the same
     * with --threads as without. */
    f->serial = t->frame_no ? t->frame_no : ++t->serial;
    f->midstream = !(p->flags & TG_TCP_SYN);
    f->hot_slot = TG_FLOW_NOT_HOT;
    tg_reasm_init(&f->rs[0]);
    tg_reasm_init(&f->rs[1]);
    size_t k = h & (t->n_buckets - 1);
    f->hnext = t->buckets[k];
    t->buckets[k] = f;
    list_append(&t->open, f);
    t->count++;
    t->stats.created++;
    maybe_grow(t);
    return f;
}

/* A SYN that starts a new connection on a tuple that carried one before. */
static bool is_reuse(const struct tg_flow *f, int dir, const struct tg_packet *p)
{
    if ((p->flags & (TG_TCP_SYN | TG_TCP_ACK)) != TG_TCP_SYN)
        return false;
    if (f->syn[dir] && f->isn[dir] == p->seq && !f->rst && !f->fin[0] && !f->fin[1])
        return false; /* a retransmitted SYN */
    return f->syn[dir] || f->bytes[0] || f->bytes[1] || f->rst || f->fin[0] || f->fin[1];
}

/*
 * Until a flow shows TLS, the in-order data of each side is looked at: a TLS
 * hello at the start of a side's stream, or at the start of a later delivery
 * (TLS after cleartext: STARTTLS, HTTP CONNECT, SOCKS, PostgreSQL's
 * SSLRequest...), makes the flow TLS. The first bytes of a side are gathered
 * until they can be judged, however the sender cut them. After
 * TG_FLOW_PROBE_SEGMENTS deliveries without a hello the flow is left alone.
 */
static void become_tls(struct tg_flows *t, struct tg_flow *f)
{
    f->sess = tg_session_new();
    if (!f->sess) {
        f->kind = TG_FLOW_NOT_TLS;
        return;
    }
    f->kind = TG_FLOW_TLS;
    t->stats.tls++;
    if (f->midstream)
        tg_session_error(f->sess, TG_ERR_MIDSTREAM);
    /* What was lost before the session began still belongs to it. */
    if (f->cut)
        tg_session_error(f->sess, TG_ERR_TRUNCATED_CAPTURE);
    if (f->limited)
        tg_session_error(f->sess, TG_ERR_REASSEMBLY_LIMIT);
}

static void give_up(struct tg_flows *t, struct tg_flow *f)
{
    f->kind = TG_FLOW_NOT_TLS;
    t->stats.not_tls++;
    tg_reasm_stop(&f->rs[0], &t->lim);
    tg_reasm_stop(&f->rs[1], &t->lim);
}

/* Gathers a side's first bytes; true (with *judged) when they can be judged. */
static bool stream_start(struct tg_flow *f, int d, struct tg_view *data, struct tg_view *judged)
{
    struct tg_rd r = tg_rd_of(*data);
    size_t room = sizeof f->start[d] - f->start_len[d];
    struct tg_view take = tg_rd_bytes(&r, tg_rd_left(&r) < room ? tg_rd_left(&r) : room);
    if (take.len > 0) /* an empty view may have no pointer at all */
        memcpy(f->start[d] + f->start_len[d], take.p, take.len);
    f->start_len[d] = (uint8_t)(f->start_len[d] + take.len);
    judged->p = f->start[d];
    judged->len = f->start_len[d];
    *data = tg_rd_rest(&r);
    return tg_tls_looks_like(*judged) != TG_LOOKS_MORE || f->start_len[d] == sizeof f->start[d];
}

static void detect(struct feed_ctx *c, struct tg_view data)
{
    struct tg_flow *f = c->flow;
    int d = c->dir;
    if (!f->started[d]) {
        struct tg_view head;
        if (!stream_start(f, d, &data, &head))
            return; /* too few bytes yet to tell */
        f->started[d] = true;
        if (tg_tls_looks_like(head) == TG_LOOKS_TLS) {
            become_tls(c->table, f);
            if (f->sess) {
                tg_tls_feed(f->sess, d, head, c->ts);
                tg_tls_feed(f->sess, d, data, c->ts);
            }
            return;
        }
    } else if (tg_tls_looks_like(data) == TG_LOOKS_TLS) {
        become_tls(c->table, f);
        if (f->sess) {
            f->upgraded = true;
            tg_tls_feed(f->sess, d, data, c->ts);
        }
        return;
    }
    if (++f->probed >= TG_FLOW_PROBE_SEGMENTS)
        give_up(c->table, f);
}

static void on_syn(struct tg_flow *f, int dir, const struct tg_packet *p)
{
    if (f->syn[dir])
        return;
    f->syn[dir] = true;
    f->isn[dir] = p->seq;
    tg_reasm_syn(&f->rs[dir], p->seq);
}

static void on_fin_rst(struct tg_flows *t, struct tg_flow *f, int dir, const struct tg_packet *p,
                       int64_t ts)
{
    if (p->flags & TG_TCP_RST) {
        f->rst = true;
        if (f->sess)
            tg_session_reset(f->sess, dir, ts);
    }
    if (p->flags & TG_TCP_FIN)
        f->fin[dir] = true;
    if (!f->closing && (f->rst || (f->fin[0] && f->fin[1]))) {
        list_remove(&t->open, f);
        f->closing = true;
        list_append(&t->closing, f);
    }
}

/* A reassembly cap dropped or skipped data of f (its session may not exist yet). */
static void note_limit(struct tg_flow *f)
{
    f->limited = true;
    if (f->sess)
        tg_session_error(f->sess, TG_ERR_REASSEMBLY_LIMIT);
}

static void reassemble(struct tg_flows *t, struct tg_flow *f, int dir, const struct tg_packet *p,
                       int64_t ts)
{
    if (p->payload_cut && f->sess)
        tg_session_error(f->sess, TG_ERR_TRUNCATED_CAPTURE);
    struct feed_ctx c = {t, f, dir, ts};
    struct tg_reasm_sink sink = make_sink(&c);
    bool fin = (p->flags & (TG_TCP_FIN | TG_TCP_RST)) != 0;
    uint32_t seq = p->seq + ((p->flags & TG_TCP_SYN) ? 1u : 0u); /* data after a SYN */
    struct tg_reasm *rs = &f->rs[dir];
    if (f->bytes[dir] == p->payload.len && rs->synced &&
        (uint32_t)(seq - rs->next_seq) > TG_FLOW_FIRST_DATA_WINDOW) {
        /* A side's first data far from where its SYN said it would start:
         * the SYN was of another attempt (TCP Fast Open retries, reused
         * ports). Start this side at its data. */
        tg_reasm_free(rs, &t->lim);
        tg_reasm_init(rs);
    }
    uint64_t hits = t->lim.dir_cap_hits + t->lim.total_cap_hits;
    enum tg_status st = tg_reasm_segment(&f->rs[dir], &t->lim, seq, p->payload, fin, &sink);
    if (st != TG_OK || t->lim.dir_cap_hits + t->lim.total_cap_hits != hits)
        note_limit(f);
    if (p->flags & TG_TCP_ACK) {
        struct feed_ctx pc = {t, f, 1 - dir, ts};
        struct tg_reasm_sink psink = make_sink(&pc);
        tg_reasm_ack(&f->rs[1 - dir], &t->lim, p->ack, &psink);
    }
}

void tg_flows_packet(struct tg_flows *t, const struct tg_packet *p, int64_t ts)
{
    tg_flows_expire(t, ts);
    uint32_t h = flow_hash(p);
    int dir = 0;
    struct tg_flow *f = lookup(t, p, h, &dir);
    if (f && is_reuse(f, dir, p)) {
        end_flow(t, f, TG_END_REUSED);
        f = NULL;
    }
    if (!f) {
        if (!(p->flags & TG_TCP_SYN) && p->payload.len == 0)
            return; /* a stray ACK, FIN or RST starts nothing */
        f = new_flow(t, p, h, ts);
        if (!f)
            return;
        dir = 0;
    }
    bool readable = make_hot(t, f);
    f->ts_last = ts;
    f->packets[dir]++;
    f->bytes[dir] += p->payload.len;
    if (p->payload_cut)
        f->cut = true;
    list_remove(list_of(t, f), f);
    list_append(list_of(t, f), f);

    if (p->flags & TG_TCP_SYN)
        on_syn(f, dir, p);
    if (f->kind != TG_FLOW_NOT_TLS && readable)
        reassemble(t, f, dir, p, ts);
    on_fin_rst(t, f, dir, p, ts);
    if (f->kind == TG_FLOW_TLS && f->sess)
        classify_packet(t, f, p, ts);
    if (t->on_handshake && f->sess && !f->handshake_told && f->sess->saw_hello &&
        tg_session_handshake_over(f->sess)) {
        f->handshake_told = true;
        t->on_handshake(t->on_end_ctx, f);
    }
    account(t, f);
    tg_flows_fit_memory(t); /* may end f itself */
}
