/*
 * jsonmem.c - cJSON's allocations for one record from a per-thread bump
 * arena (see jsonmem.h). No wire bytes here.
 *
 * The arena is a list of chunks, newest first. An allocation is rounded up
 * to ALIGN bytes (malloc's alignment, which cJSON's nodes and strings need)
 * and taken from the newest chunk, or from a new chunk twice as large as
 * the last one when it does not fit. Rewinding keeps a lone chunk; after a
 * record that needed several, all go, and the next first chunk is made as
 * large as that record needed (at most TG_JSONMEM_KEEP).
 */
#include "jsonmem.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define TG_JSONMEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TG_JSONMEM_ASAN 1
#endif
#endif

#ifdef TG_JSONMEM_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define REDZONE 16u /* a poisoned gap after every allocation */
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define REDZONE 0u
#endif

#define ALIGN 16u

struct chunk {
    struct chunk *older;
    unsigned char *data; /* size bytes from malloc */
    size_t size;
    size_t used;
};

static _Thread_local struct {
    struct chunk *newest;
    size_t total; /* bytes of data in all chunks */
    size_t first; /* size to give the first chunk when it is made */
    bool active;  /* inside a record */
    bool spilled; /* a record allocation came from malloc instead */
} arena;

static bool installed;

/* ---------------------------------------------------------------- chunks */

static struct chunk *chunk_new(size_t size)
{
    struct chunk *c = malloc(sizeof *c);
    unsigned char *data = c ? malloc(size) : NULL;
    if (!data) {
        free(c);
        return NULL;
    }
    POISON(data, size);
    c->older = arena.newest;
    c->data = data;
    c->size = size;
    c->used = 0;
    arena.newest = c;
    arena.total += size;
    return c;
}

static void chunk_free(struct chunk *c)
{
    UNPOISON(c->data, c->size);
    arena.total -= c->size;
    free(c->data);
    free(c);
}

/* True when p points into one of the arena's chunks. */
static bool in_arena(const void *p)
{
    uintptr_t at = (uintptr_t)p;
    for (const struct chunk *c = arena.newest; c; c = c->older)
        if (at >= (uintptr_t)c->data && at - (uintptr_t)c->data < c->size)
            return true;
    return false;
}

/* The size of the chunk to add for an allocation of `need` bytes; 0 when
 * the record would pass TG_JSONMEM_MAX. */
static size_t next_chunk_size(size_t need)
{
    size_t size = arena.newest ? 2 * arena.newest->size : arena.first;
    if (size < TG_JSONMEM_CHUNK)
        size = TG_JSONMEM_CHUNK;
    if (size < need)
        size = need;
    if (size > TG_JSONMEM_MAX - arena.total)
        size = need <= TG_JSONMEM_MAX - arena.total ? need : 0;
    return size;
}

/* Bytes an allocation of `size` takes in a chunk (size <= TG_JSONMEM_MAX). */
static size_t footprint(size_t size)
{
    return (size + ALIGN - 1) / ALIGN * ALIGN + REDZONE;
}

static void *take(struct chunk *c, size_t size)
{
    unsigned char *p = c->data + c->used;
    c->used += footprint(size);
    UNPOISON(p, size);
    return p;
}

/* An allocation that does not fit the newest chunk: a new one. Kept out of
 * line so that json_malloc's common path stays a few instructions. */
__attribute__((noinline)) static void *arena_grow(size_t size)
{
    if (size > TG_JSONMEM_MAX)
        return NULL;
    size_t grow = next_chunk_size(footprint(size));
    struct chunk *c = grow ? chunk_new(grow) : NULL;
    return c ? take(c, size) : NULL;
}

/*
 * Empties the arena. When the record needed more than the first chunk, all
 * chunks go, and the next first chunk is made as large as this record
 * needed (at most TG_JSONMEM_KEEP); otherwise the one chunk is reused.
 */
static void rewind_arena(void)
{
    struct chunk *c = arena.newest;
    if (c && !c->older) {
        c->used = 0;
        POISON(c->data, c->size);
    } else if (c) {
        size_t want = 0;
        for (; c; c = c->older)
            want += c->used;
        arena.first = want < TG_JSONMEM_KEEP ? want : TG_JSONMEM_KEEP;
        tg_jsonmem_release();
    }
    arena.spilled = false;
}

/* ----------------------------------------------------------------- hooks */

static void *json_malloc(size_t size)
{
    if (!arena.active)
        return malloc(size);
    struct chunk *c = arena.newest;
    if (c && size <= TG_JSONMEM_MAX && footprint(size) <= c->size - c->used)
        return take(c, size); /* the common case: a pointer bump */
    void *p = arena_grow(size);
    if (p)
        return p;
    arena.spilled = true;
    return malloc(size);
}

static void json_free(void *p)
{
    if (p && !in_arena(p))
        free(p);
}

void tg_jsonmem_init(void)
{
    cJSON_Hooks hooks = {json_malloc, json_free};
    cJSON_InitHooks(&hooks);
    installed = true;
    (void)atexit(tg_jsonmem_release); /* the main thread's arena */
}

void tg_jsonmem_begin(void)
{
    if (!installed)
        return;
    arena.active = true;
    arena.spilled = false;
}

void tg_jsonmem_end(struct cJSON *root)
{
    if (!arena.active) {
        cJSON_Delete(root);
        return;
    }
    arena.active = false;
    if (arena.spilled)
        cJSON_Delete(root); /* frees what came from malloc; the rest is skipped */
    rewind_arena();
}

size_t tg_jsonmem_memory(void)
{
    return arena.total;
}

void tg_jsonmem_release(void)
{
    while (arena.newest) {
        struct chunk *c = arena.newest;
        arena.newest = c->older;
        chunk_free(c);
    }
}
