/*
 * arena.h - a capped bump allocator: what a session keeps (copies of
 * handshake messages) lives here and is freed at once when its record is
 * written.
 *
 * Two sizes: `used` (bytes handed out) is what the cap limits; `reserved`
 * (the chunks malloc'd, their headers and malloc's included) is what the
 * arena costs,
 * and what the flow table counts against --max-memory (docs/limits.md).
 *
 * A session keeps a handful of copies, each of a size known when it is
 * made, and a flow table may hold a hundred thousand sessions at once: a
 * chunk is malloc'd for each request, of its size, so that nothing is
 * reserved that is not used.
 *
 * Also here: packing of a struct at rest into fewer bytes (its zero bytes
 * mostly left out), for state that waits between packets (flow.h: cold
 * flows).
 */
#ifndef TG_ARENA_H
#define TG_ARENA_H

#include "../dissectors/reader.h"
#include "../dissectors/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tg_arena_chunk;

struct tg_arena {
    struct tg_arena_chunk *head;
    size_t used;     /* bytes handed out, all chunks */
    size_t cap;      /* at most this many bytes */
    size_t reserved; /* bytes of the chunks malloc'd, headers included (malloc's too) */
};

void tg_arena_init(struct tg_arena *a, size_t cap);

/* Zeroed memory aligned for any type, or NULL when the cap is reached. */
void *tg_arena_alloc(struct tg_arena *a, size_t n);

/* A copy of a view in the arena; an empty view when the cap is reached. */
struct tg_view tg_arena_copy(struct tg_arena *a, struct tg_view v);

/* Bytes the arena holds from malloc now (its chunks, headers included). */
size_t tg_arena_memory(const struct tg_arena *a);

void tg_arena_free(struct tg_arena *a);

/* Bytes tg_arena_pack may write for n bytes, at most (and its room). */
#define TG_ARENA_PACKED_MAX(n) (((n) + 63) / 64 + ((n) + 7) / 8 * 9 + 8)

/* Packs the n bytes at src into out (TG_ARENA_PACKED_MAX(n) bytes of room);
 * returns the packed length. */
size_t tg_arena_pack(const void *src, size_t n, uint8_t *out);

/* Unpacks what tg_arena_pack wrote into the n bytes at dst; false (dst in
 * an undefined state) if `in` is not the packing of exactly n bytes. */
bool tg_arena_unpack(const uint8_t *in, size_t len, void *dst, size_t n) TG_WARN_UNUSED;

#endif
