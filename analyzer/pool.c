/*
 * pool.c - worker threads for `--threads N` (pool.h says what; docs/threads.md
 * says why this way).
 *
 * Each worker has one queue: a ring of bytes that only the reading thread
 * writes and only the worker reads. A message is a header (struct msg) and
 * the packet's bytes after it; a message that would not fit before the end
 * of the ring is put at its start, after a WRAP marker. Positions only
 * grow (a position modulo the ring's size is an offset). The reader makes
 * messages visible in batches (PUBLISH_EVERY) and the worker frees room in
 * batches, so the two seldom touch the same cache line; each sleeps on a
 * condition variable only when it has nothing to do, and the other wakes
 * it only when it says it sleeps (the flags and positions are sequentially
 * consistent atomics, so one of the two always sees the other's store).
 *
 * A worker's records go into blocks of text, each record after its
 * message's sequence number. Now and then (REPORT_EVERY messages, or when
 * its queue is empty) the worker hands its blocks over with the number of
 * the last message it has finished. The reader writes a record when no
 * other worker can still make an earlier one: each of the others has
 * finished that message, or everything it was sent.
 */
#include "pool.h"

#include "analyzer.h"
#include "jsonmem.h"
#include "log.h"
#include "report.h"
#include "validate.h"
#include "x509.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define RING_BYTES ((size_t)4 << 20) /* queue of one worker */
#define MAX_MESSAGE (RING_BYTES / 4) /* a larger packet cannot be queued */
#define PUBLISH_EVERY 32u            /* messages written before the worker is told */
#define RELEASE_EVERY 32u            /* messages read before the reader is told */
#define REPORT_EVERY 256u            /* messages between a worker's reports */
#define OUT_BLOCK ((size_t)64 << 10) /* record text handed over per block, at least */
#define TIME_EVERY_US 1000000        /* capture time between time messages to a worker */
#define CLOCK_EVERY_US 100000        /* live: wall-clock time between time messages */
#define WAIT_NS 5000000L             /* the reader's longest sleep between output drains */
#define ROOM_WANTED (RING_BYTES / 4) /* free bytes a full queue's reader waits for */
#define WAKE_PENDING (64u << 10)     /* queued bytes that wake a sleeping worker */
#define DRAIN_EVERY 1024u            /* packets read between writes of finished records */
#define TOP_PAD ((size_t)8 << 20)    /* malloc's slack when a heap grows (see tg_pool_new) */

enum msg_kind { MSG_PACKET = 1, MSG_TIME, MSG_DAMAGE, MSG_FINISH, MSG_STOP, MSG_WRAP };

struct msg {
    uint32_t kind;
    uint32_t size; /* the whole message, header included, a multiple of 8 */
    uint64_t seq;  /* order of the messages, all workers together */
    int64_t ts;
    const char *file; /* where the packet was read, for log lines */
    uint64_t packet;
    uint64_t frame_no;  /* frames read so far, all files: the flow's uid */
    struct tg_packet p; /* views point after the header once rebased */
    size_t ip_len, payload_off, payload_len;
};

/* One record in a block: this header, then len bytes, then padding to 8. */
struct rec_head {
    uint64_t seq;
    size_t len;
};

struct out_block {
    struct out_block *next;
    size_t len, cap;
    unsigned char data[];
};

/* A worker's counters as of its last report. */
struct snapshot {
    size_t count, mem, mem_peak;
    struct tg_flow_stats fs;
    uint64_t dir_cap_hits, total_cap_hits;
    uint64_t states[TG_REPORT_STATES];
    uint64_t errors[TG_ERR_COUNT];
};

struct worker {
    struct tg_pool *pool;
    pthread_t thread;
    bool running;
    struct tg_analyzer a;
    struct tg_report rep;
    /* the queue */
    unsigned char *ring;
    _Atomic size_t tail; /* end of the published messages */
    _Atomic size_t head; /* end of the messages the worker is done with */
    _Atomic int worker_asleep;
    _Atomic int reader_waiting;
    _Atomic size_t room_wanted; /* free bytes the waiting reader needs */
    pthread_mutex_t mu;
    pthread_cond_t wake_worker, wake_reader;
    /* the reader's side */
    size_t wtail; /* end of the messages written */
    unsigned unpublished;
    uint64_t sent_seq; /* the last message sent */
    int64_t sent_ts;   /* capture time of the last message sent */
    struct out_block *rd, *rd_last;
    size_t rd_off;
    uint64_t rd_done; /* the worker's done_seq when its blocks were taken */
    /* the worker's side */
    uint64_t cur_seq;
    unsigned since_report;
    struct out_block *cur;
    /* handed over, under out_mu */
    pthread_mutex_t out_mu;
    struct out_block *ready, *ready_last;
    uint64_t done_seq;
    struct snapshot snap;
};

struct tg_pool {
    unsigned n;
    struct worker *w;
    struct tg_report *front;
    uint64_t seq;
    unsigned since_drain;
    int64_t time_checked; /* capture time of the last look for idle workers */
    int64_t clock_sent;   /* the last time sent by the live clock */
    pthread_mutex_t out_mu;
    pthread_cond_t out_ready;
    _Atomic int reader_waiting;
    int wake_fd;                 /* an eventfd a worker bumps when it goes idle */
    _Atomic bool wake_fd_polled; /* someone polls it (live): else it is left alone */
};

static size_t round8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* ------------------------------------------------------ the worker's side */

/* Hands the current block over; `done`: with the number of the last message
 * finished, and the counters. */
static void hand_over(struct worker *w, bool done)
{
    pthread_mutex_lock(&w->out_mu);
    if (w->cur) {
        if (w->ready_last)
            w->ready_last->next = w->cur;
        else
            w->ready = w->cur;
        w->ready_last = w->cur;
        w->cur = NULL;
    }
    if (done) {
        struct snapshot *s = &w->snap;
        const struct tg_flows *t = &w->a.flows;
        w->done_seq = w->cur_seq;
        s->count = t->count;
        s->mem = t->mem + t->other_mem;
        s->mem_peak = t->mem_peak;
        s->fs = t->stats;
        s->dir_cap_hits = t->lim.dir_cap_hits;
        s->total_cap_hits = t->lim.total_cap_hits;
        memcpy(s->states, w->a.stats.session_states, sizeof s->states);
        memcpy(s->errors, w->a.stats.session_errors, sizeof s->errors);
    }
    pthread_mutex_unlock(&w->out_mu);
    if (done && atomic_load(&w->pool->reader_waiting)) {
        pthread_mutex_lock(&w->pool->out_mu);
        pthread_cond_signal(&w->pool->out_ready);
        pthread_mutex_unlock(&w->pool->out_mu);
    }
    w->since_report = 0;
}

/* The worker's report's line sink: the record goes into the current block. */
static void take_line(void *ctx, const char *line, size_t n)
{
    struct worker *w = ctx;
    struct rec_head h = {w->cur_seq, n};
    size_t need = sizeof h + round8(n);
    if (w->cur && w->cur->cap - w->cur->len < need)
        hand_over(w, false);
    if (!w->cur) {
        size_t cap = need > OUT_BLOCK ? need : OUT_BLOCK;
        w->cur = malloc(sizeof *w->cur + cap);
        if (!w->cur) {
            tg_log("out of memory: a record was dropped");
            return;
        }
        w->cur->next = NULL;
        w->cur->len = 0;
        w->cur->cap = cap;
    }
    memcpy(w->cur->data + w->cur->len, &h, sizeof h);
    memcpy(w->cur->data + w->cur->len + sizeof h, line, n);
    w->cur->len += need;
}

static void handle(struct worker *w, struct msg *m)
{
    w->cur_seq = m->seq;
    switch ((enum msg_kind)m->kind) {
    case MSG_PACKET: {
        const unsigned char *bytes = (const unsigned char *)(m + 1);
        struct tg_packet p = m->p;
        p.ip.p = m->ip_len ? bytes : NULL;
        p.ip.len = m->ip_len;
        p.payload.p = m->payload_len ? bytes + m->payload_off : NULL;
        p.payload.len = m->payload_len;
        tg_log_where(m->file, m->packet);
        w->a.flows.frame_no = m->frame_no;
        tg_flows_packet(&w->a.flows, &p, m->ts);
        break;
    }
    case MSG_TIME:
        tg_flows_expire(&w->a.flows, m->ts);
        break;
    case MSG_DAMAGE:
        tg_flows_note_damage(&w->a.flows);
        break;
    case MSG_FINISH:
        tg_analyzer_finish(&w->a);
        break;
    case MSG_STOP:
    case MSG_WRAP:
        break;
    }
}

/* Publishes how far the worker has read; wakes the reader if it waits and
 * has the room it wants (waking it for less costs more than it gains). */
static void release(struct worker *w, size_t head)
{
    atomic_store(&w->head, head);
    if (atomic_load(&w->reader_waiting) &&
        RING_BYTES - (atomic_load(&w->tail) - head) >= atomic_load(&w->room_wanted)) {
        pthread_mutex_lock(&w->mu);
        pthread_cond_signal(&w->wake_reader);
        pthread_mutex_unlock(&w->mu);
    }
}

/* Sleeps until the reader publishes past `head`. */
static void sleep_worker(struct worker *w, size_t head)
{
    pthread_mutex_lock(&w->mu);
    atomic_store(&w->worker_asleep, 1);
    while (atomic_load(&w->tail) == head)
        pthread_cond_wait(&w->wake_worker, &w->mu);
    atomic_store(&w->worker_asleep, 0);
    pthread_mutex_unlock(&w->mu);
}

/* What the thread's modules keep for it, freed as it ends. */
static void thread_end(void)
{
    tg_jsonmem_release();
    tg_validate_thread_end();
    tg_digest_thread_end();
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    size_t head = 0;
    for (;;) {
        size_t tail = atomic_load(&w->tail);
        if (tail == head) {
            hand_over(w, true);
            uint64_t one = 1;
            if (atomic_load_explicit(&w->pool->wake_fd_polled, memory_order_relaxed) &&
                write(w->pool->wake_fd, &one, sizeof one) < 0)
                (void)0; /* the counter is full: the reader is awake anyway */
            sleep_worker(w, head);
            continue;
        }
        unsigned n = 0;
        while (head != tail) {
            struct msg *m = (struct msg *)(w->ring + head % RING_BYTES);
            enum msg_kind kind = (enum msg_kind)m->kind;
            if (kind != MSG_WRAP)
                handle(w, m);
            head += m->size;
            if (kind == MSG_STOP) {
                hand_over(w, true);
                release(w, head);
                thread_end();
                return NULL;
            }
            if (++n % RELEASE_EVERY == 0)
                release(w, head);
            if (++w->since_report >= REPORT_EVERY || kind == MSG_FINISH)
                hand_over(w, true);
        }
        release(w, head);
    }
}

/* ------------------------------------------------------ the reader's side */

/* Makes the written messages visible to the worker. A sleeping worker is
 * woken once WAKE_PENDING bytes wait for it, or at once if `now`: each
 * wake-up is a system call on both sides, so a worker is given a batch. */
static void publish(struct worker *w, bool now)
{
    w->unpublished = 0;
    if (atomic_load_explicit(&w->tail, memory_order_relaxed) != w->wtail)
        atomic_store(&w->tail, w->wtail);
    if (w->wtail == atomic_load(&w->head))
        return;
    if (!now && w->wtail - atomic_load(&w->head) < WAKE_PENDING)
        return;
    if (atomic_load(&w->worker_asleep)) {
        pthread_mutex_lock(&w->mu);
        pthread_cond_signal(&w->wake_worker);
        pthread_mutex_unlock(&w->mu);
    }
}

static void publish_all(struct tg_pool *p)
{
    for (unsigned i = 0; i < p->n; i++)
        publish(&p->w[i], true);
}

static struct timespec deadline(long ns)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += ns;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static void drain(struct tg_pool *p);

/* Waits until w's queue has `need` bytes free, writing records meanwhile. */
static void wait_room(struct tg_pool *p, struct worker *w, size_t need)
{
    publish_all(p);
    drain(p);
    size_t want = need > ROOM_WANTED ? need : ROOM_WANTED;
    pthread_mutex_lock(&w->mu);
    atomic_store(&w->room_wanted, want);
    atomic_store(&w->reader_waiting, 1);
    if (RING_BYTES - (w->wtail - atomic_load(&w->head)) < need) {
        struct timespec t = deadline(WAIT_NS);
        pthread_cond_timedwait(&w->wake_reader, &w->mu, &t);
    }
    atomic_store(&w->reader_waiting, 0);
    pthread_mutex_unlock(&w->mu);
}

/* Room for a message of `size` bytes (a multiple of 8) in w's queue. */
static struct msg *reserve(struct tg_pool *p, struct worker *w, size_t size)
{
    for (;;) {
        size_t off = w->wtail % RING_BYTES;
        size_t skip = size > RING_BYTES - off ? RING_BYTES - off : 0;
        if (RING_BYTES - (w->wtail - atomic_load(&w->head)) >= skip + size) {
            if (skip) { /* the message goes at the start; a marker says so */
                struct msg *m = (struct msg *)(w->ring + off);
                m->kind = MSG_WRAP;
                m->size = (uint32_t)skip;
                w->wtail += skip;
                off = 0;
            }
            return (struct msg *)(w->ring + off);
        }
        wait_room(p, w, skip + size);
    }
}

/* Counts a written message; the worker sees it soon. */
static void sent(struct worker *w, struct msg *m, int64_t ts)
{
    w->wtail += m->size;
    w->sent_seq = m->seq;
    w->sent_ts = ts;
    if (++w->unpublished >= PUBLISH_EVERY)
        publish(w, false);
}

/* A message without bytes to every worker, all with one sequence number. */
static void broadcast(struct tg_pool *p, enum msg_kind kind, int64_t ts)
{
    uint64_t seq = ++p->seq;
    for (unsigned i = 0; i < p->n; i++) {
        struct worker *w = &p->w[i];
        struct msg *m = reserve(p, w, sizeof *m);
        memset(m, 0, sizeof *m);
        m->kind = kind;
        m->size = (uint32_t)sizeof *m;
        m->seq = seq;
        m->ts = ts;
        sent(w, m, ts);
    }
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    return x ^ (x >> 33);
}

static uint64_t endpoint(const uint8_t *addr, uint16_t port)
{
    uint64_t a, b;
    memcpy(&a, addr, 8);
    memcpy(&b, addr + 8, 8);
    return mix(a ^ mix(b ^ port));
}

/* The worker of a packet's flow: the same for both directions. */
static unsigned shard(const struct tg_pool *p, const struct tg_packet *pkt)
{
    uint64_t x = endpoint(pkt->src, pkt->sport);
    uint64_t y = endpoint(pkt->dst, pkt->dport);
    return (unsigned)(mix(x + y) % p->n);
}

/* Where the packet's bytes are: the IP packet with the payload in it, or
 * the payload alone (a rebuilt datagram). */
static void packet_layout(const struct tg_packet *pkt, struct msg *m)
{
    uintptr_t ip = (uintptr_t)pkt->ip.p;
    uintptr_t pl = (uintptr_t)pkt->payload.p;
    bool inside =
        pkt->ip.len && (!pkt->payload.len || (pl >= ip && pl - ip <= pkt->ip.len &&
                                              pkt->payload.len <= pkt->ip.len - (pl - ip)));
    if (inside) {
        m->ip_len = pkt->ip.len;
        m->payload_off = pkt->payload.len ? pl - ip : 0;
    } else {
        m->ip_len = 0;
        m->payload_off = 0;
    }
    m->payload_len = pkt->payload.len;
}

void tg_pool_packet(struct tg_pool *p, const struct tg_packet *pkt, int64_t ts, uint64_t frame_no)
{
    struct msg layout;
    packet_layout(pkt, &layout);
    size_t bytes = layout.ip_len ? layout.ip_len : layout.payload_len;
    size_t size = sizeof layout + round8(bytes);
    if (size > MAX_MESSAGE) { /* larger than any snaplen libpcap allows */
        tg_log_input("packet of %zu bytes too large to hand to a worker, ignored", bytes);
        return;
    }
    struct worker *w = &p->w[shard(p, pkt)];
    struct msg *m = reserve(p, w, size);
    *m = layout;
    m->kind = MSG_PACKET;
    m->size = (uint32_t)size;
    m->seq = ++p->seq;
    m->ts = ts;
    m->frame_no = frame_no;
    tg_log_get_where(&m->file, &m->packet);
    m->p = *pkt;
    memset(&m->p.frag, 0, sizeof m->p.frag);
    if (bytes)
        memcpy(m + 1, layout.ip_len ? pkt->ip.p : pkt->payload.p, bytes);
    sent(w, m, ts);
    tg_pool_time(p, ts, false);
    if (++p->since_drain >= DRAIN_EVERY) {
        p->since_drain = 0;
        publish_all(p); /* a worker sent little is not left waiting */
        drain(p);
    }
}

void tg_pool_time(struct tg_pool *p, int64_t ts, bool force)
{
    if (force) { /* the live clock: often enough for the timeouts (>= 1 s) */
        if (ts >= p->clock_sent && ts - p->clock_sent < CLOCK_EVERY_US)
            return;
        p->clock_sent = ts;
    } else if (ts - p->time_checked < TIME_EVERY_US) {
        return;
    }
    p->time_checked = ts;
    bool any = force;
    for (unsigned i = 0; i < p->n && !any; i++)
        any = ts - p->w[i].sent_ts >= TIME_EVERY_US;
    if (any)
        broadcast(p, MSG_TIME, ts);
}

void tg_pool_damage(struct tg_pool *p)
{
    broadcast(p, MSG_DAMAGE, 0);
}

/* Moves w's handed-over blocks to the reader's list. */
static void take(struct worker *w)
{
    pthread_mutex_lock(&w->out_mu);
    if (w->ready) {
        if (w->rd_last)
            w->rd_last->next = w->ready;
        else
            w->rd = w->ready;
        w->rd_last = w->ready_last;
        w->ready = w->ready_last = NULL;
    }
    w->rd_done = w->done_seq;
    pthread_mutex_unlock(&w->out_mu);
}

/* The header of w's next record to write; false if none is at hand. */
static bool next_record(struct worker *w, struct rec_head *h)
{
    while (w->rd && w->rd_off >= w->rd->len) {
        struct out_block *next = w->rd->next;
        free(w->rd);
        w->rd = next;
        w->rd_off = 0;
    }
    if (!w->rd) {
        w->rd_last = NULL;
        return false;
    }
    memcpy(h, w->rd->data + w->rd_off, sizeof *h);
    return true;
}

/* No worker but `best` can still make a record before message `seq`. */
static bool others_past(struct tg_pool *p, const struct worker *best, uint64_t seq)
{
    for (unsigned i = 0; i < p->n; i++) {
        struct worker *v = &p->w[i];
        struct rec_head h;
        if (v == best || next_record(v, &h))
            continue; /* its next record is later: best was chosen least */
        if (v->rd_done < seq && v->rd_done != v->sent_seq)
            return false;
    }
    return true;
}

/* Writes every record that no worker can precede any more. */
static void drain(struct tg_pool *p)
{
    for (unsigned i = 0; i < p->n; i++)
        take(&p->w[i]);
    for (;;) {
        struct worker *best = NULL;
        struct rec_head bh = {0, 0};
        for (unsigned i = 0; i < p->n; i++) {
            struct rec_head h;
            if (next_record(&p->w[i], &h) && (!best || h.seq < bh.seq)) {
                best = &p->w[i];
                bh = h;
            }
        }
        if (!best || !others_past(p, best, bh.seq))
            return;
        tg_report_line(p->front, (const char *)best->rd->data + best->rd_off + sizeof bh, bh.len);
        best->rd_off += sizeof bh + round8(bh.len);
    }
}

int tg_pool_wake_fd(struct tg_pool *p)
{
    atomic_store(&p->wake_fd_polled, p->wake_fd >= 0);
    return p->wake_fd;
}

void tg_pool_sync(struct tg_pool *p)
{
    uint64_t count;
    if (atomic_load(&p->wake_fd_polled) && read(p->wake_fd, &count, sizeof count) < 0)
        (void)0; /* nothing signalled since the last look */
    publish_all(p);
    drain(p);
}

/* Every worker has done all it was sent, and every record is written. */
static bool all_written(struct tg_pool *p)
{
    for (unsigned i = 0; i < p->n; i++) {
        struct rec_head h;
        struct worker *w = &p->w[i];
        if (w->rd_done != w->sent_seq || next_record(w, &h))
            return false;
    }
    return true;
}

void tg_pool_finish(struct tg_pool *p)
{
    broadcast(p, MSG_FINISH, 0);
    publish_all(p);
    for (;;) {
        drain(p);
        if (all_written(p))
            return;
        pthread_mutex_lock(&p->out_mu);
        atomic_store(&p->reader_waiting, 1);
        struct timespec t = deadline(WAIT_NS);
        pthread_cond_timedwait(&p->out_ready, &p->out_mu, &t);
        atomic_store(&p->reader_waiting, 0);
        pthread_mutex_unlock(&p->out_mu);
    }
}

void tg_pool_collect(struct tg_pool *p, struct tg_analyzer *front)
{
    struct tg_flows *t = &front->flows;
    struct tg_analyzer_stats *st = &front->stats;
    size_t mem = 0, peak = 0, count = 0;
    struct tg_flow_stats fs;
    memset(&fs, 0, sizeof fs);
    memset(st->session_states, 0, sizeof st->session_states);
    memset(st->session_errors, 0, sizeof st->session_errors);
    t->lim.dir_cap_hits = t->lim.total_cap_hits = 0;
    for (unsigned i = 0; i < p->n; i++) {
        struct worker *w = &p->w[i];
        pthread_mutex_lock(&w->out_mu);
        const struct snapshot *s = &w->snap;
        count += s->count;
        mem += s->mem;
        peak += s->mem_peak;
        fs.created += s->fs.created;
        for (size_t e = 0; e < sizeof fs.ended / sizeof fs.ended[0]; e++)
            fs.ended[e] += s->fs.ended[e];
        fs.tls += s->fs.tls;
        fs.not_tls += s->fs.not_tls;
        fs.evicted_flow_cap += s->fs.evicted_flow_cap;
        fs.evicted_memory += s->fs.evicted_memory;
        fs.closed_early += s->fs.closed_early;
        t->lim.dir_cap_hits += s->dir_cap_hits;
        t->lim.total_cap_hits += s->total_cap_hits;
        for (int k = 0; k < TG_REPORT_STATES; k++)
            st->session_states[k] += s->states[k];
        for (int k = 0; k < TG_ERR_COUNT; k++)
            st->session_errors[k] += s->errors[k];
        pthread_mutex_unlock(&w->out_mu);
    }
    t->count = count;
    t->mem = mem;
    t->mem_peak = peak + t->other_mem;
    t->stats = fs;
}

/* ------------------------------------------------------ start and stop */

static size_t divided(size_t v, unsigned n)
{
    size_t d = v / n;
    return d ? d : 1;
}

static bool start_worker(struct tg_pool *p, struct worker *w, const struct tg_config *cfg)
{
    struct tg_config c = *cfg;
    c.threads = 1;
    c.max_flows = divided(cfg->max_flows, p->n);
    c.max_memory = divided(cfg->max_memory ? cfg->max_memory : TG_DEFAULT_MAX_MEMORY, p->n);
    c.reasm_total_bytes = divided(cfg->reasm_total_bytes, p->n);
    w->ring = malloc(RING_BYTES);
    if (!w->ring)
        return false;
    pthread_mutex_init(&w->mu, NULL);
    pthread_mutex_init(&w->out_mu, NULL);
    pthread_cond_init(&w->wake_worker, NULL);
    pthread_cond_init(&w->wake_reader, NULL);
    w->pool = p; /* from here on tg_pool_free undoes it all */
    if (tg_report_open_sink(&w->rep, p->front->pretty, take_line, w) != TG_OK)
        return false;
    if (tg_analyzer_init(&w->a, &c, &w->rep) != TG_OK)
        return false;
    w->running = pthread_create(&w->thread, NULL, worker_main, w) == 0;
    return w->running;
}

enum tg_status tg_pool_new(struct tg_pool **out, unsigned n, const struct tg_config *cfg,
                           struct tg_report *front)
{
    *out = NULL;
    /* glibc gives each thread a heap of its own that it grows and shrinks
     * with an mprotect call each time: thousands per second as sessions come
     * and go. Growing by more at once makes that rare (the pages are only
     * touched when used). */
    mallopt(M_TOP_PAD, (int)TOP_PAD);
    struct tg_pool *p = calloc(1, sizeof *p);
    if (!p)
        return TG_E_NOMEM;
    p->n = n;
    p->front = front;
    p->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    p->w = calloc(n, sizeof *p->w);
    pthread_mutex_init(&p->out_mu, NULL);
    pthread_cond_init(&p->out_ready, NULL);
    bool ok = p->w != NULL;
    for (unsigned i = 0; ok && i < n; i++)
        ok = start_worker(p, &p->w[i], cfg);
    if (!ok) {
        tg_pool_free(p);
        return TG_E_NOMEM;
    }
    *out = p;
    return TG_OK;
}

static void free_blocks(struct out_block *b)
{
    while (b) {
        struct out_block *next = b->next;
        free(b);
        b = next;
    }
}

void tg_pool_stop(struct tg_pool *p)
{
    for (unsigned i = 0; p->w && i < p->n; i++) {
        struct worker *w = &p->w[i];
        if (!w->running)
            continue;
        struct msg *m = reserve(p, w, sizeof *m);
        memset(m, 0, sizeof *m);
        m->kind = MSG_STOP;
        m->size = (uint32_t)sizeof *m;
        m->seq = ++p->seq;
        sent(w, m, 0);
        publish(w, true);
        pthread_join(w->thread, NULL);
        w->running = false;
    }
}

void tg_pool_free(struct tg_pool *p)
{
    if (!p)
        return;
    tg_pool_stop(p);
    for (unsigned i = 0; p->w && i < p->n; i++) {
        struct worker *w = &p->w[i];
        if (w->pool) {
            tg_analyzer_free(&w->a);
            enum tg_status ignored = tg_report_close(&w->rep);
            (void)ignored;
            pthread_mutex_destroy(&w->mu);
            pthread_mutex_destroy(&w->out_mu);
            pthread_cond_destroy(&w->wake_worker);
            pthread_cond_destroy(&w->wake_reader);
        }
        free_blocks(w->rd);
        free_blocks(w->ready);
        free(w->cur);
        free(w->ring);
    }
    pthread_mutex_destroy(&p->out_mu);
    pthread_cond_destroy(&p->out_ready);
    if (p->wake_fd >= 0)
        close(p->wake_fd);
    free(p->w);
    free(p);
}
