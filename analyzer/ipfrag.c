/*
 * ipfrag.c - reassembly of IPv4 and IPv6 fragments into whole datagrams.
 *
 * RFC 791 3.2 (IPv4 fragmentation and reassembly): fragments of a datagram
 * share {source, destination, protocol, identification}; the fragment
 * offset counts 8-octet units, so every fragment but the last carries a
 * multiple of 8 octets; the last one (more-fragments clear) gives the
 * length. RFC 8200 4.5 (IPv6 Fragment header): the same with {source,
 * destination, identification}, a 13-bit offset in 8-octet units and an M
 * flag; a non-last fragment whose length is not a multiple of 8, or one
 * that would make a datagram of more than 65,535 octets, is discarded.
 * RFC 5722: overlapping IPv6 fragments discard the whole datagram,
 * including its fragments not yet received. RFC 6946: an atomic fragment
 * (offset 0, M clear) is processed alone.
 *
 * No wire bytes are parsed here: decode.c has read the headers and gives
 * the id, offset, flag, protocol and payload as fields and a view.
 *
 * State: datagrams live in a hash table (chained, keyed as in ipfrag.h)
 * and on a list in order of creation, oldest first, for expiry and
 * eviction. A datagram holds pieces: copies of fragment bytes, sorted by
 * offset and never overlapping, so it is whole when the last fragment has
 * given its end and the pieces hold that many bytes. A datagram dropped
 * for an overlap, an inconsistency or a cap is kept without pieces
 * ("dead") until its timeout, so that its later fragments are ignored and
 * cannot make a datagram from a remnant.
 */
#include "ipfrag.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct piece {
    struct piece *next;
    uint32_t off;
    uint32_t len;
    uint8_t data[];
};

struct frag_key {
    uint8_t src[16], dst[16];
    uint32_t id;
    uint8_t ip_version;
    uint8_t protocol; /* IPv4 only; 0 for IPv6 */
    uint8_t n_vlan;
    uint16_t vlan[TG_MAX_VLANS];
};

struct tg_ipfrag_dgram {
    struct tg_ipfrag_dgram *hnext;         /* hash chain */
    struct tg_ipfrag_dgram *older, *newer; /* creation list */
    uint64_t hash;
    struct frag_key key;
    int64_t first_ts;
    struct piece *pieces; /* sorted by offset, not overlapping */
    uint32_t n_pieces;
    uint32_t held;    /* bytes in pieces */
    uint32_t hi;      /* end of the last piece */
    uint32_t total;   /* the datagram's length, once have_last */
    uint8_t protocol; /* from the fragment at offset 0 */
    bool have_last;
    bool dead; /* dropped: later fragments are ignored */
};

/* ---- keys and the hash table ---- */

static void make_key(const struct tg_packet *p, struct frag_key *k)
{
    memset(k, 0, sizeof *k);
    memcpy(k->src, p->src, sizeof k->src);
    memcpy(k->dst, p->dst, sizeof k->dst);
    k->id = p->frag.id;
    k->ip_version = p->ip_version;
    k->protocol = p->ip_version == 4 ? p->frag.protocol : 0;
    k->n_vlan = p->n_vlan <= TG_MAX_VLANS ? p->n_vlan : TG_MAX_VLANS;
    for (uint8_t i = 0; i < k->n_vlan; i++)
        k->vlan[i] = p->vlan[i];
}

static bool key_eq(const struct frag_key *a, const struct frag_key *b)
{
    if (a->id != b->id || a->ip_version != b->ip_version || a->protocol != b->protocol ||
        a->n_vlan != b->n_vlan)
        return false;
    for (uint8_t i = 0; i < a->n_vlan; i++)
        if (a->vlan[i] != b->vlan[i])
            return false;
    return memcmp(a->src, b->src, sizeof a->src) == 0 && memcmp(a->dst, b->dst, sizeof a->dst) == 0;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdu;
    return h ^ (h >> 32);
}

/* A seeded hash, so that crafted ids cannot aim at one chain. */
static uint64_t key_hash(const struct tg_ipfrag *t, const struct frag_key *k)
{
    uint64_t h = t->seed;
    for (size_t i = 0; i < sizeof k->src; i++)
        h = mix(h, (uint64_t)k->src[i] << 8 | k->dst[i]);
    h = mix(h, (uint64_t)k->id << 16 | (uint64_t)k->ip_version << 8 | k->protocol);
    for (uint8_t i = 0; i < k->n_vlan; i++)
        h = mix(h, k->vlan[i]);
    return h;
}

static struct tg_ipfrag_dgram **bucket_of(const struct tg_ipfrag *t, uint64_t hash)
{
    return &t->buckets[hash & (t->n_buckets - 1)];
}

static struct tg_ipfrag_dgram *lookup(const struct tg_ipfrag *t, const struct frag_key *k,
                                      uint64_t hash)
{
    for (struct tg_ipfrag_dgram *d = *bucket_of(t, hash); d; d = d->hnext)
        if (d->hash == hash && key_eq(&d->key, k))
            return d;
    return NULL;
}

/* ---- life of a datagram ---- */

/* Frees the pieces and takes their bytes off the count. */
static void release_pieces(struct tg_ipfrag *t, struct tg_ipfrag_dgram *d)
{
    while (d->pieces) {
        struct piece *q = d->pieces;
        d->pieces = q->next;
        free(q);
    }
    t->bytes -= d->held;
    t->pieces -= d->n_pieces;
    d->held = 0;
    d->hi = 0;
    d->n_pieces = 0;
}

/* Drops the datagram's data but keeps it, dead, to ignore its later fragments. */
static void drop_datagram(struct tg_ipfrag *t, struct tg_ipfrag_dgram *d)
{
    release_pieces(t, d);
    d->dead = true;
}

static void destroy(struct tg_ipfrag *t, struct tg_ipfrag_dgram *d)
{
    release_pieces(t, d);
    struct tg_ipfrag_dgram **link = bucket_of(t, d->hash);
    while (*link != d)
        link = &(*link)->hnext;
    *link = d->hnext;
    if (d->older)
        d->older->newer = d->newer;
    else
        t->oldest = d->newer;
    if (d->newer)
        d->newer->older = d->older;
    else
        t->newest = d->older;
    t->datagrams--;
    free(d);
}

/* A new datagram for key k, evicting the oldest when the table is full. */
static struct tg_ipfrag_dgram *create(struct tg_ipfrag *t, const struct frag_key *k, uint64_t hash,
                                      int64_t ts)
{
    while (t->datagrams >= t->caps.max_datagrams && t->oldest) {
        t->stats.datagram_cap++;
        destroy(t, t->oldest);
    }
    struct tg_ipfrag_dgram *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->key = *k;
    d->hash = hash;
    d->first_ts = ts;
    d->protocol = k->protocol; /* IPv6: set by the fragment at offset 0 */
    d->pieces = NULL;
    struct tg_ipfrag_dgram **b = bucket_of(t, hash);
    d->hnext = *b;
    *b = d;
    d->older = t->newest;
    d->newer = NULL;
    if (t->newest)
        t->newest->newer = d;
    else
        t->oldest = d;
    t->newest = d;
    t->datagrams++;
    return d;
}

static bool expired(const struct tg_ipfrag *t, const struct tg_ipfrag_dgram *d, int64_t now)
{
    return now >= d->first_ts &&
           (uint64_t)now - (uint64_t)d->first_ts >= (uint64_t)t->caps.timeout_us;
}

/* ---- pieces ---- */

/* n bytes of v from off, through the reader (empty if out of range). */
static struct tg_view view_sub(struct tg_view v, size_t off, size_t n)
{
    struct tg_rd rd = tg_rd_of(v);
    tg_rd_skip(&rd, off);
    return tg_rd_bytes(&rd, n);
}

/* Links a copy of v, at datagram offset off, at *link. */
static enum tg_status add_piece(struct tg_ipfrag *t, struct tg_ipfrag_dgram *d, struct piece **link,
                                uint32_t off, struct tg_view v)
{
    struct piece *q = malloc(sizeof *q + v.len);
    if (!q)
        return TG_E_NOMEM;
    q->off = off;
    q->len = (uint32_t)v.len;
    if (v.len > 0) /* an empty view may have no pointer at all */
        memcpy(q->data, v.p, v.len);
    q->next = *link;
    *link = q;
    d->n_pieces++;
    t->pieces++;
    d->held += q->len;
    if (off + q->len > d->hi)
        d->hi = off + q->len;
    t->bytes += v.len;
    return TG_OK;
}

/* What filling the holes of [off, off + len) takes. */
struct holes {
    uint32_t count; /* holes, i.e. new pieces */
    uint32_t bytes; /* bytes in them */
    bool conflict;  /* held bytes in the range differ from the new ones */
};

/*
 * Walks the holes that d's pieces leave in [off, off + data.len). With
 * `fill`, copies each from `data` into a new piece; without, only
 * measures them and compares the bytes already held.
 */
static enum tg_status walk_holes(struct tg_ipfrag *t, struct tg_ipfrag_dgram *d, uint32_t off,
                                 struct tg_view data, bool fill, struct holes *h)
{
    uint32_t end = off + (uint32_t)data.len;
    uint32_t pos = off;
    struct piece **link = &d->pieces;
    while (pos < end) {
        struct piece *q = *link;
        uint32_t stop = q && q->off < end ? q->off : end;
        if (pos < stop) {
            h->count++;
            h->bytes += stop - pos;
            if (fill) {
                enum tg_status st =
                    add_piece(t, d, link, pos, view_sub(data, pos - off, stop - pos));
                if (st != TG_OK)
                    return st;
                link = &(*link)->next;
            }
            pos = stop;
            continue;
        }
        /* Not a hole: q exists and starts at or before pos (stop <= pos < end). */
        uint32_t q_end = q->off + q->len;
        if (q_end > pos && !fill) { /* compare [pos, min(q_end, end)) */
            uint32_t to = q_end < end ? q_end : end;
            struct tg_view mine = view_sub(data, pos - off, to - pos);
            struct tg_view held = {q->data, q->len};
            held = view_sub(held, pos - q->off, to - pos);
            /* to > pos, so the lengths are never 0 here; the test keeps
             * memcmp away from an empty view's null pointer all the same. */
            if (mine.len != to - pos || held.len != to - pos ||
                (mine.len > 0 && memcmp(mine.p, held.p, mine.len) != 0))
                h->conflict = true;
        }
        if (q_end > pos)
            pos = q_end;
        link = &q->next;
    }
    return TG_OK;
}

/*
 * Evicts the oldest other datagrams holding bytes until `need` more fit;
 * evicts none when they could not fit even in a table holding only d.
 */
static bool make_room(struct tg_ipfrag *t, const struct tg_ipfrag_dgram *d, size_t need)
{
    if (need > t->caps.max_bytes - d->held)
        return false;
    struct tg_ipfrag_dgram *v = t->oldest;
    while (need > t->caps.max_bytes - t->bytes && v) {
        struct tg_ipfrag_dgram *next = v->newer;
        if (v != d && v->held) {
            t->stats.byte_cap++;
            destroy(t, v);
        }
        v = next;
    }
    return need <= t->caps.max_bytes - t->bytes;
}

/* The caps on pieces and bytes, for h more; drops d when one is hit. */
static enum tg_status check_caps(struct tg_ipfrag *t, struct tg_ipfrag_dgram *d,
                                 const struct holes *h)
{
    if (h->count > t->caps.max_fragments - d->n_pieces) {
        t->stats.fragment_cap++;
        drop_datagram(t, d);
        return TG_E_LIMIT;
    }
    if (!make_room(t, d, h->bytes)) {
        t->stats.byte_cap++;
        drop_datagram(t, d);
        return TG_E_LIMIT;
    }
    return TG_OK;
}

/* True when one held piece has exactly this offset and length. */
static bool same_piece(const struct tg_ipfrag_dgram *d, uint32_t off, size_t len)
{
    for (const struct piece *q = d->pieces; q; q = q->next)
        if (q->off == off && q->len == len)
            return true;
    return false;
}

/*
 * Adds a fragment's bytes to d. A fragment bringing nothing new whose
 * bytes agree with those held is a duplicate (for IPv6, only when it
 * matches one earlier fragment exactly). Any other overlap kills an IPv6
 * datagram; for IPv4 only the holes are filled, so held bytes win.
 */
static enum tg_status insert(struct tg_ipfrag *t, struct tg_ipfrag_dgram *d, uint32_t off,
                             struct tg_view data)
{
    struct holes h = {0, 0, false};
    (void)walk_holes(t, d, off, data, false, &h);
    bool v6 = d->key.ip_version == 6;
    if (h.bytes != data.len) {
        bool duplicate = h.bytes == 0 && !h.conflict && (!v6 || same_piece(d, off, data.len));
        if (duplicate) {
            t->stats.duplicates++;
            return TG_E_MALFORMED;
        }
        if (v6) {
            t->stats.v6_overlaps++;
            drop_datagram(t, d);
            return TG_E_MALFORMED;
        }
        t->stats.v4_overlaps++;
        if (h.bytes == 0)
            return TG_E_MALFORMED;
    }
    enum tg_status st = check_caps(t, d, &h);
    if (st != TG_OK)
        return st;
    struct holes done = {0, 0, false};
    return walk_holes(t, d, off, data, true, &done);
}

/* ---- fragments ---- */

/*
 * Checks a fragment's offset and length, and trims an IPv4 non-last one to
 * 8-octet units. Returns TG_OK with *data to use, else why it is dropped.
 */
static enum tg_status check_fragment(struct tg_ipfrag *t, const struct tg_packet *p,
                                     struct tg_view *data)
{
    const struct tg_fragment *f = &p->frag;
    *data = f->data.p ? f->data : (struct tg_view){NULL, 0};
    if (f->offset % 8 != 0 || (p->ip_version != 4 && p->ip_version != 6)) {
        t->stats.malformed++;
        return TG_E_MALFORMED;
    }
    if (f->more && data->len % 8 != 0) {
        if (p->ip_version == 6) {
            t->stats.malformed++;
            return TG_E_MALFORMED;
        }
        *data = view_sub(*data, 0, data->len & ~(size_t)7);
    }
    if (f->more && data->len == 0) {
        t->stats.malformed++;
        return TG_E_MALFORMED;
    }
    size_t limit = t->caps.max_datagram;
    size_t header = p->ip_version == 4 ? f->ip_header.len : 0;
    limit = header < limit ? limit - header : 0;
    if (data->len > limit || f->offset > limit - data->len) {
        t->stats.too_big++;
        return TG_E_MALFORMED;
    }
    return TG_OK;
}

/*
 * A last fragment sets the end; it must agree with an end already known
 * and with the bytes held. A fragment must not pass a known end.
 */
static bool ends_agree(const struct tg_ipfrag_dgram *d, uint32_t off, uint32_t len, bool more)
{
    uint32_t end = off + len;
    if (more)
        return !d->have_last || end <= d->total;
    if (d->have_last)
        return end == d->total;
    return d->hi <= end;
}

static enum tg_status ensure_out(struct tg_ipfrag *t)
{
    if (!t->out)
        t->out = malloc(t->caps.max_datagram);
    return t->out ? TG_OK : TG_E_NOMEM;
}

/* Copies the pieces of a whole datagram to the output buffer and frees it. */
static enum tg_status complete(struct tg_ipfrag *t, struct tg_ipfrag_dgram *d, struct tg_view *out,
                               uint8_t *protocol)
{
    if (ensure_out(t) != TG_OK) {
        t->stats.nomem++;
        destroy(t, d);
        return TG_E_NOMEM;
    }
    for (const struct piece *q = d->pieces; q; q = q->next)
        memcpy(t->out + q->off, q->data, q->len);
    out->p = t->out;
    out->len = d->total;
    *protocol = d->protocol;
    t->stats.completed++;
    destroy(t, d);
    return TG_OK;
}

/* An atomic fragment: the whole datagram in one, copied out. */
static enum tg_status atomic(struct tg_ipfrag *t, const struct tg_packet *p, struct tg_view data,
                             struct tg_view *out, uint8_t *protocol)
{
    if (ensure_out(t) != TG_OK) {
        t->stats.nomem++;
        return TG_E_NOMEM;
    }
    if (data.len) /* data may lie in t->out: a fragment inside the last datagram */
        memmove(t->out, data.p, data.len);
    out->p = t->out;
    out->len = data.len;
    *protocol = p->frag.protocol;
    t->stats.atomic++;
    return TG_OK;
}

/* The datagram of p: found, or created for a fragment that can start one. */
static enum tg_status find_datagram(struct tg_ipfrag *t, const struct tg_packet *p, int64_t ts,
                                    struct tg_ipfrag_dgram **dp)
{
    struct frag_key k;
    make_key(p, &k);
    uint64_t hash = key_hash(t, &k);
    struct tg_ipfrag_dgram *d = lookup(t, &k, hash);
    if (!d) {
        d = create(t, &k, hash, ts);
        if (!d) {
            t->stats.nomem++;
            return TG_E_NOMEM;
        }
    }
    if (d->dead) {
        t->stats.after_drop++;
        return TG_E_MALFORMED;
    }
    *dp = d;
    return TG_OK;
}

enum tg_status tg_ipfrag_add(struct tg_ipfrag *t, const struct tg_packet *p, int64_t ts,
                             struct tg_view *out, uint8_t *protocol)
{
    t->stats.fragments++;
    tg_ipfrag_expire(t, ts);
    struct tg_view data;
    enum tg_status st = check_fragment(t, p, &data);
    if (st != TG_OK)
        return st;
    uint32_t off = p->frag.offset;
    if (p->ip_version == 6 && off == 0 && !p->frag.more)
        return atomic(t, p, data, out, protocol);
    struct tg_ipfrag_dgram *d = NULL;
    st = find_datagram(t, p, ts, &d);
    if (st != TG_OK)
        return st;
    if (!ends_agree(d, off, (uint32_t)data.len, p->frag.more)) {
        t->stats.inconsistent++;
        drop_datagram(t, d);
        return TG_E_MALFORMED;
    }
    if (!p->frag.more) {
        d->have_last = true;
        d->total = off + (uint32_t)data.len;
    }
    st = data.len > 0 ? insert(t, d, off, data) : TG_OK;
    if (st == TG_E_NOMEM) {
        t->stats.nomem++;
        destroy(t, d);
        return st;
    }
    if (st == TG_E_LIMIT || d->dead)
        return st;
    if (st == TG_OK && off == 0)
        d->protocol = p->frag.protocol;
    /* Even a duplicate may complete it: its end may be news. */
    if (d->have_last && d->held == d->total)
        return complete(t, d, out, protocol);
    return st == TG_OK ? TG_E_SHORT : st;
}

/* ---- the table ---- */

void tg_ipfrag_caps_default(struct tg_ipfrag_caps *c)
{
    c->max_datagrams = TG_IPFRAG_DEFAULT_DATAGRAMS;
    c->max_bytes = TG_IPFRAG_DEFAULT_BYTES;
    c->max_datagram = TG_IPFRAG_MAX_DATAGRAM;
    c->max_fragments = TG_IPFRAG_DEFAULT_FRAGMENTS;
    c->timeout_us = TG_IPFRAG_DEFAULT_TIMEOUT_US;
}

static void clamp_caps(struct tg_ipfrag_caps *c)
{
    if (c->max_datagrams < 1)
        c->max_datagrams = 1;
    if (c->max_datagrams > TG_IPFRAG_LIMIT_DATAGRAMS)
        c->max_datagrams = TG_IPFRAG_LIMIT_DATAGRAMS;
    if (c->max_datagram < 1)
        c->max_datagram = 1;
    if (c->max_datagram > TG_IPFRAG_MAX_DATAGRAM)
        c->max_datagram = TG_IPFRAG_MAX_DATAGRAM;
    if (c->max_fragments < 1)
        c->max_fragments = 1;
    if (c->max_fragments > TG_IPFRAG_LIMIT_FRAGMENTS)
        c->max_fragments = TG_IPFRAG_LIMIT_FRAGMENTS;
    if (c->timeout_us < 1)
        c->timeout_us = 1;
}

enum tg_status tg_ipfrag_init(struct tg_ipfrag *t, const struct tg_ipfrag_caps *caps)
{
    memset(t, 0, sizeof *t);
    if (caps)
        t->caps = *caps;
    else
        tg_ipfrag_caps_default(&t->caps);
    clamp_caps(&t->caps);
    t->n_buckets = 16;
    while (t->n_buckets < t->caps.max_datagrams)
        t->n_buckets *= 2;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): the buckets are datagram pointers */
    t->buckets = calloc(t->n_buckets, sizeof *t->buckets);
    if (!t->buckets)
        return TG_E_NOMEM;
    if (getrandom(&t->seed, sizeof t->seed, GRND_NONBLOCK) != (ssize_t)sizeof t->seed)
        t->seed = (uint64_t)(uintptr_t)t ^ 0x6a09e667f3bcc909u;
    t->oldest = t->newest = NULL;
    t->out = NULL;
    return TG_OK;
}

void tg_ipfrag_expire(struct tg_ipfrag *t, int64_t now)
{
    while (t->oldest && expired(t, t->oldest, now)) {
        if (!t->oldest->dead)
            t->stats.timeouts++;
        destroy(t, t->oldest);
    }
}

#define MALLOC_SLACK 16u /* what malloc adds to a block, about */

size_t tg_ipfrag_memory(const struct tg_ipfrag *t)
{
    size_t n = t->bytes;
    n += t->pieces * (sizeof(struct piece) + MALLOC_SLACK);
    n += t->datagrams * (sizeof(struct tg_ipfrag_dgram) + MALLOC_SLACK);
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): the buckets are datagram pointers */
    n += t->n_buckets * sizeof *t->buckets;
    return n + (t->out ? t->caps.max_datagram : 0);
}

void tg_ipfrag_free(struct tg_ipfrag *t)
{
    /* Each one's successor is read before it is freed, so the walk does not
     * lean on destroy() moving t->oldest along. */
    struct tg_ipfrag_dgram *d = t->oldest;
    while (d) {
        struct tg_ipfrag_dgram *next = d->newer;
        destroy(t, d);
        d = next;
    }
    free(t->buckets);
    free(t->out);
    t->buckets = NULL;
    t->out = NULL;
    t->n_buckets = 0;
}

/* ---- invariants ---- */

static bool dgram_consistent(const struct tg_ipfrag *t, const struct tg_ipfrag_dgram *d)
{
    uint32_t pos = 0, held = 0, n = 0;
    for (const struct piece *q = d->pieces; q; q = q->next) {
        if (q->len == 0 || q->off < pos || q->off > t->caps.max_datagram ||
            q->len > t->caps.max_datagram - q->off)
            return false;
        pos = q->off + q->len;
        held += q->len;
        n++;
    }
    if (held != d->held || n != d->n_pieces || pos != d->hi || n > t->caps.max_fragments)
        return false;
    if (d->dead && d->pieces)
        return false;
    if (d->have_last && (d->hi > d->total || d->held >= d->total))
        return false;
    return d->hash == key_hash(t, &d->key);
}

bool tg_ipfrag_consistent(const struct tg_ipfrag *t)
{
    size_t n = 0, bytes = 0, pieces = 0;
    const struct tg_ipfrag_dgram *prev = NULL;
    for (const struct tg_ipfrag_dgram *d = t->oldest; d; d = d->newer) {
        if (d->older != prev || !dgram_consistent(t, d) || lookup(t, &d->key, d->hash) != d)
            return false;
        bytes += d->held;
        pieces += d->n_pieces;
        n++;
        prev = d;
    }
    if (prev != t->newest || n != t->datagrams || bytes != t->bytes || pieces != t->pieces)
        return false;
    size_t chained = 0;
    for (size_t b = 0; b < t->n_buckets; b++)
        for (const struct tg_ipfrag_dgram *d = t->buckets[b]; d; d = d->hnext)
            chained++;
    return chained == n && n <= t->caps.max_datagrams && bytes <= t->caps.max_bytes;
}
