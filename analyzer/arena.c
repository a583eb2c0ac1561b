/*
 * arena.c - chunks of TG_ARENA_CHUNK bytes (larger for a larger request),
 * linked newest first; allocation bumps within the newest chunk.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

struct tg_arena_chunk {
    struct tg_arena_chunk *next;
    size_t size;
    size_t top;
    alignas(max_align_t) unsigned char mem[];
};

void tg_arena_init(struct tg_arena *a, size_t cap)
{
    a->head = NULL;
    a->used = 0;
    a->cap = cap;
    a->reserved = 0;
}

void *tg_arena_alloc(struct tg_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    if (n == 0)
        n = 1;
    if (n > a->cap - a->used)
        return NULL;
    size_t rounded = (n + align - 1) & ~(align - 1);
    struct tg_arena_chunk *c = a->head;
    if (!c || rounded > c->size - c->top) {
        size_t size = rounded > TG_ARENA_CHUNK ? rounded : TG_ARENA_CHUNK;
        c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = a->head;
        c->size = size;
        c->top = 0;
        a->head = c;
        a->reserved += sizeof *c + size;
    }
    void *p = c->mem + c->top;
    c->top += rounded;
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
