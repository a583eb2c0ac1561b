/*
 * reader.h - the one bounds-checked cursor every wire byte passes through.
 *
 * A cursor is {pointer, length, offset, status}. Reads are fail-sticky: the
 * first failure is kept in `err`, and every later read returns zero or an
 * empty view, so a parser reads the fields of a unit and checks `err` once.
 *
 * Two failures are kept apart, because the framing layer needs the
 * difference:
 *   TG_RD_SHORT  the input stopped before the field ended ("need more");
 *   TG_RD_BAD    the bytes are there but contradict each other (a vector
 *                length that overruns its parent, an odd-length u16 list...).
 *
 * Bounds are always checked as `n <= len - off` (never `off + n <= len`, which
 * can wrap). No other code in tlsglass does pointer arithmetic on packet data.
 */
#ifndef TG_READER_H
#define TG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tg_rd_status {
    TG_RD_OK = 0,
    TG_RD_SHORT = 1, /* ran out of bytes */
    TG_RD_BAD = 2,   /* contents are inconsistent */
};

/* A borrowed run of bytes; never owns memory. */
struct tg_view {
    const uint8_t *p;
    size_t len;
};

struct tg_rd {
    const uint8_t *p;
    size_t len;
    size_t off;
    enum tg_rd_status err;
};

static inline struct tg_rd tg_rd_make(const uint8_t *p, size_t len)
{
    struct tg_rd r = {p, p ? len : 0, 0, TG_RD_OK};
    return r;
}

static inline struct tg_rd tg_rd_of(struct tg_view v)
{
    return tg_rd_make(v.p, v.len);
}

static inline size_t tg_rd_left(const struct tg_rd *r)
{
    return r->err ? 0 : r->len - r->off;
}

static inline size_t tg_rd_offset(const struct tg_rd *r)
{
    return r->off;
}

/* Records a failure; the first one wins. */
static inline void tg_rd_fail(struct tg_rd *r, enum tg_rd_status why)
{
    if (r->err == TG_RD_OK)
        r->err = why;
}

/* True when n more bytes can be read; marks TG_RD_SHORT when not. */
static inline bool tg_rd_need(struct tg_rd *r, size_t n)
{
    if (r->err)
        return false;
    if (n <= r->len - r->off)
        return true;
    r->err = TG_RD_SHORT;
    return false;
}

static inline uint8_t tg_rd_u8(struct tg_rd *r)
{
    if (!tg_rd_need(r, 1))
        return 0;
    return r->p[r->off++];
}

static inline uint16_t tg_rd_u16(struct tg_rd *r)
{
    if (!tg_rd_need(r, 2))
        return 0;
    const uint8_t *b = r->p + r->off;
    r->off += 2;
    return (uint16_t)((unsigned)b[0] << 8 | b[1]);
}

static inline uint32_t tg_rd_u24(struct tg_rd *r)
{
    if (!tg_rd_need(r, 3))
        return 0;
    const uint8_t *b = r->p + r->off;
    r->off += 3;
    return (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
}

static inline uint32_t tg_rd_u32(struct tg_rd *r)
{
    if (!tg_rd_need(r, 4))
        return 0;
    const uint8_t *b = r->p + r->off;
    r->off += 4;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Little-endian reads, for capture-file and BSD loopback headers. */
static inline uint32_t tg_rd_u32le(struct tg_rd *r)
{
    if (!tg_rd_need(r, 4))
        return 0;
    const uint8_t *b = r->p + r->off;
    r->off += 4;
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* n bytes as a view (empty on failure). */
static inline struct tg_view tg_rd_bytes(struct tg_rd *r, size_t n)
{
    struct tg_view v = {NULL, 0};
    if (!tg_rd_need(r, n))
        return v;
    v.p = n ? r->p + r->off : r->p; /* a {NULL, 0} cursor: NULL + 0 is undefined in C */
    v.len = n;
    r->off += n;
    return v;
}

/* Everything left, as a view; the cursor ends consumed. */
static inline struct tg_view tg_rd_rest(struct tg_rd *r)
{
    return tg_rd_bytes(r, tg_rd_left(r));
}

/* The next n bytes as a view without consuming them (empty if short). */
static inline struct tg_view tg_rd_peek(const struct tg_rd *r, size_t n)
{
    struct tg_view v = {NULL, 0};
    if (r->err || n > r->len - r->off)
        return v;
    v.p = n ? r->p + r->off : r->p;
    v.len = n;
    return v;
}

static inline void tg_rd_skip(struct tg_rd *r, size_t n)
{
    if (tg_rd_need(r, n))
        r->off += n;
}

/* A byte of a view by index, 0 past its end: for small fixed lookups. */
static inline uint8_t tg_view_at(struct tg_view v, size_t i)
{
    return i < v.len ? v.p[i] : 0;
}

/*
 * A length-prefixed vector (the <0..2^8-1>, <0..2^16-1>, <0..2^24-1> of the
 * TLS presentation language) as a sub-cursor over exactly its body. If the
 * body is longer than what is left, the parent is marked TG_RD_SHORT and the
 * sub-cursor carries the same error.
 */
static inline struct tg_rd tg_rd_sub(struct tg_rd *r, size_t n)
{
    struct tg_view v = tg_rd_bytes(r, n);
    struct tg_rd s = tg_rd_make(v.p, v.len);
    s.err = r->err;
    return s;
}

static inline struct tg_rd tg_rd_vec8(struct tg_rd *r)
{
    size_t n = tg_rd_u8(r);
    return tg_rd_sub(r, n);
}

static inline struct tg_rd tg_rd_vec16(struct tg_rd *r)
{
    size_t n = tg_rd_u16(r);
    return tg_rd_sub(r, n);
}

static inline struct tg_rd tg_rd_vec24(struct tg_rd *r)
{
    size_t n = tg_rd_u24(r);
    return tg_rd_sub(r, n);
}

/*
 * Closes a sub-cursor that must be consumed exactly: its error, or bytes left
 * over (TG_RD_BAD), pass to the parent. Inside a unit of known length a short
 * read is malformed, so TG_RD_SHORT in the child becomes TG_RD_BAD.
 */
static inline void tg_rd_close(struct tg_rd *parent, const struct tg_rd *child)
{
    if (child->err != TG_RD_OK || child->off != child->len)
        tg_rd_fail(parent, TG_RD_BAD);
}

/* True when the cursor has no error and nothing left. */
static inline bool tg_rd_done(const struct tg_rd *r)
{
    return r->err == TG_RD_OK && r->off == r->len;
}

#endif
