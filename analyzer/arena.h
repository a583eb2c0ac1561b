/*
 * arena.h - a capped bump allocator: what a session keeps (copies of hello
 * messages, certificate summaries, the message list) lives here and is freed
 * at once when its record is written.
 *
 * Two sizes: `used` (bytes handed out) is what the cap limits; `reserved`
 * (the chunks malloc'd, their headers included) is what the arena costs,
 * and what the flow table counts against --max-memory (docs/limits.md).
 */
#ifndef TG_ARENA_H
#define TG_ARENA_H

#include "../dissectors/reader.h"

#include <stddef.h>

#define TG_ARENA_CHUNK 4096u

struct tg_arena_chunk;

struct tg_arena {
    struct tg_arena_chunk *head;
    size_t used;     /* bytes handed out, all chunks */
    size_t cap;      /* at most this many bytes */
    size_t reserved; /* bytes of the chunks malloc'd, headers included */
};

void tg_arena_init(struct tg_arena *a, size_t cap);

/* Zeroed memory aligned for any type, or NULL when the cap is reached. */
void *tg_arena_alloc(struct tg_arena *a, size_t n);

/* A copy of a view in the arena; an empty view when the cap is reached. */
struct tg_view tg_arena_copy(struct tg_arena *a, struct tg_view v);

/* Bytes the arena holds from malloc now (its chunks, headers included). */
size_t tg_arena_memory(const struct tg_arena *a);

void tg_arena_free(struct tg_arena *a);

#endif
