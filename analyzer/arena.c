/*
 * arena.c - chunks linked newest first; allocation bumps within the head.
 *
 * A request that does not fit in the head's room (what rounding left)
 * gets a chunk of its own size, which becomes the head.
 *
 * Packing: the bytes are read as little-endian 64-bit words. The packed
 * form is a bitmap of the words that are not zero (bit i%8 of byte i/8),
 * then for each such word in order a byte k (1 to 8) and its k low bytes,
 * up to its highest byte that is not zero: a pointer takes 7 bytes, a small
 * count 2, a zero word nothing but its bit.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MAX UINT32_MAX /* a chunk's size fits its header */
#define MALLOC_SLACK 16u     /* what malloc adds to a block, about: header and rounding */

struct tg_arena_chunk {
    struct tg_arena_chunk *next;
    uint32_t size;
    uint32_t top;
    alignas(max_align_t) unsigned char mem[];
};

void tg_arena_init(struct tg_arena *a, size_t cap)
{
    a->head = NULL;
    a->used = 0;
    a->cap = cap;
    a->reserved = 0;
}

static size_t round_up(size_t n)
{
    const size_t align = alignof(max_align_t);
    return (n + align - 1) & ~(align - 1);
}

/* A new head chunk of `size` bytes; NULL if out of memory. */
static struct tg_arena_chunk *add_chunk(struct tg_arena *a, size_t size)
{
    if (size > CHUNK_MAX)
        return NULL;
    struct tg_arena_chunk *c = malloc(sizeof *c + size);
    if (!c)
        return NULL;
    c->size = (uint32_t)size;
    c->top = 0;
    c->next = a->head;
    a->head = c;
    a->reserved += sizeof *c + size + MALLOC_SLACK;
    return c;
}

void *tg_arena_alloc(struct tg_arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > a->cap - a->used)
        return NULL;
    size_t rounded = round_up(n);
    struct tg_arena_chunk *c = a->head;
    if (!c || rounded > c->size - c->top) {
        c = add_chunk(a, rounded);
        if (!c)
            return NULL;
    }
    void *p = c->mem + c->top;
    c->top += (uint32_t)rounded;
    a->used += n;
    memset(p, 0, n);
    return p;
}

struct tg_view tg_arena_copy(struct tg_arena *a, struct tg_view v)
{
    struct tg_view out = {NULL, 0};
    if (!v.p || v.len == 0)
        return out;
    uint8_t *p = tg_arena_alloc(a, v.len);
    if (!p)
        return out;
    memcpy(p, v.p, v.len);
    out.p = p;
    out.len = v.len;
    return out;
}

size_t tg_arena_memory(const struct tg_arena *a)
{
    return a->reserved;
}

void tg_arena_free(struct tg_arena *a)
{
    struct tg_arena_chunk *c = a->head;
    while (c) {
        struct tg_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
    a->reserved = 0;
}

/* ---------------------------------------------------------------- packing */

static size_t words_of(size_t n)
{
    return (n + 7) / 8;
}

/* Appends word w (not zero) at out + o: its byte count k, then its k low
 * bytes. Returns the new end. */
static size_t put_packed(uint8_t *out, size_t o, uint64_t w)
{
    unsigned k = 8 - (unsigned)__builtin_clzll(w) / 8; /* up to its highest non-zero byte */
    out[o] = (uint8_t)k;
    memcpy(out + o + 1, &w, sizeof w); /* whole: the next code overwrites the rest */
    return o + 1 + k;
}

/* Packs the 8 words of one bitmap byte at out + *o; returns the byte. */
static uint8_t pack_group(const uint64_t w[8], uint8_t *out, size_t *o)
{
    if ((w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) == 0)
        return 0;
    unsigned bits = 0;
    for (unsigned j = 0; j < 8; j++) {
        if (w[j] != 0) {
            bits |= 1u << j;
            *o = put_packed(out, *o, w[j]);
        }
    }
    return (uint8_t)bits;
}

size_t tg_arena_pack(const void *src, size_t n, uint8_t *out)
{
    const uint8_t *s = src;
    size_t map = (words_of(n) + 7) / 8, whole = n / 64, o = map;
    uint64_t w[8];
    for (size_t g = 0; g < whole; g++) {
        memcpy(w, s + g * 64, sizeof w);
        out[g] = pack_group(w, out, &o);
    }
    if (whole < map) { /* the last group, zero-filled past n */
        memset(w, 0, sizeof w);
        memcpy(w, s + whole * 64, n - whole * 64);
        out[whole] = pack_group(w, out, &o);
    }
    return o;
}

/* Stores word i of the n bytes at d; false if it has bytes past n. */
static bool put_word(uint8_t *d, size_t n, size_t i, uint64_t w)
{
    size_t k = n - i * 8;
    if (k >= sizeof w) {
        memcpy(d + i * 8, &w, sizeof w);
        return true;
    }
    memcpy(d + i * 8, &w, k);
    return w >> (8 * k) == 0;
}

/* The word of k bytes (1 to 8) at p, with `left` bytes readable there. */
static uint64_t short_word(const uint8_t *p, size_t left, unsigned k)
{
    uint64_t w = 0;
    if (left >= sizeof w) {
        memcpy(&w, p, sizeof w);
        return k == 8 ? w : w & ((UINT64_C(1) << (8 * k)) - 1);
    }
    memcpy(&w, p, k);
    return w;
}

bool tg_arena_unpack(const uint8_t *in, size_t len, void *dst, size_t n)
{
    uint8_t *d = dst;
    size_t words = words_of(n), map = (words + 7) / 8, i = map;
    if (len < map)
        return false;
    memset(d, 0, n);
    for (size_t m = 0; m < map; m++) {
        for (unsigned bits = in[m]; bits; bits &= bits - 1) {
            size_t at = m * 8 + (size_t)__builtin_ctz(bits);
            if (at >= words || i >= len)
                return false;
            unsigned k = in[i++];
            if (k < 1 || k > 8 || k > len - i)
                return false;
            if (!put_word(d, n, at, short_word(in + i, len - i, k)))
                return false;
            i += k;
        }
    }
    return i == len;
}
