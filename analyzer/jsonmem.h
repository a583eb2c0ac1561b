/*
 * jsonmem.h - where cJSON's memory comes from while a session record is
 * built: a bump arena per thread, rewound when the record has been written.
 *
 * A record is a tree of a few hundred small cJSON nodes and strings. With
 * the C library's malloc, building it and freeing it with cJSON_Delete cost
 * about a quarter of all the work per session; from the arena, a node costs
 * a pointer bump, and the whole tree is dropped by rewinding the arena,
 * without walking it.
 *
 * tg_jsonmem_init installs cJSON hooks (cJSON_InitHooks) that serve an
 * allocation from the arena while the calling thread is inside a record
 * (between tg_jsonmem_begin and tg_jsonmem_end), and from malloc otherwise;
 * freeing memory of the arena does nothing, other memory goes to free. So
 * cJSON objects made outside a record (stats records, cJSON_Print's text)
 * are untouched. Without tg_jsonmem_init (unit tests, fuzz targets) begin
 * does nothing and end is cJSON_Delete.
 *
 * The arena starts with one chunk of TG_JSONMEM_CHUNK bytes and adds
 * larger ones as a record needs them, up to TG_JSONMEM_MAX bytes per
 * record; past that, allocations come from malloc and tg_jsonmem_end frees
 * the tree with cJSON_Delete. After a record that needed more than the
 * first chunk, that chunk is made as large as the record needed (at most
 * TG_JSONMEM_KEEP), and the others are freed.
 *
 * Under AddressSanitizer every allocation is followed by a poisoned gap and
 * a rewound arena is poisoned whole, so overruns and uses after the record
 * are still caught.
 */
#ifndef TG_JSONMEM_H
#define TG_JSONMEM_H

#include <stddef.h>

#define TG_JSONMEM_CHUNK (64u << 10) /* the first chunk */
#define TG_JSONMEM_KEEP (1u << 20)   /* largest first chunk kept between records */
#define TG_JSONMEM_MAX (16u << 20)   /* arena bytes one record may take */

struct cJSON;

/* Installs the hooks; call once, before any cJSON call, in one thread. */
void tg_jsonmem_init(void);

/* A record starts: this thread's cJSON allocations come from the arena.
 * Records do not nest. */
void tg_jsonmem_begin(void);

/*
 * The record ends: `root` (the record's tree, NULL is fine) is freed and the
 * arena rewound. Nothing cJSON allocated since tg_jsonmem_begin may be used
 * afterwards, whether or not it hangs from root.
 */
void tg_jsonmem_end(struct cJSON *root);

/* Bytes the calling thread's arena holds (its chunks). */
size_t tg_jsonmem_memory(void);

/* Frees the calling thread's arena (it is made again when needed). */
void tg_jsonmem_release(void);

#endif
