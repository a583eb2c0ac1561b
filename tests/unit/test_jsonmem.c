/*
 * test_jsonmem.c - cJSON trees built inside a record (tg_jsonmem_begin ..
 * tg_jsonmem_end) print exactly as the same trees built with malloc; trees
 * made outside a record are untouched by it; a record too large for the
 * arena spills to malloc and is freed with cJSON_Delete; the arena grows,
 * shrinks back and frees. Under ASan+LSan a leak, an overrun into the gap
 * after an allocation, or a use of a rewound arena fails the run.
 */
#include "../../analyzer/jsonmem.h"
#include "testkit.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A record-like tree: strings, raw numbers, nested arrays and objects. */
static cJSON *sample(int seed, size_t n_items)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "tls");
    cJSON_AddItemToObject(o, "seed", cJSON_CreateRaw(seed % 2 ? "1" : "22"));
    cJSON *a = cJSON_AddArrayToObject(o, "list");
    for (size_t i = 0; i < n_items; i++) {
        char text[32];
        snprintf(text, sizeof text, "item-%d-%zu", seed, i);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", text);
        cJSON_AddBoolToObject(e, "odd", i % 2 == 1);
        cJSON_AddItemToArray(a, e);
    }
    cJSON_AddItemToObject(o, "empty", cJSON_CreateObject());
    return o;
}

/* The text of sample(seed, n) built with plain malloc (no record open). */
static char *reference(int seed, size_t n)
{
    cJSON *o = sample(seed, n);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

/* Built inside a record, printed into a buffer, then dropped. */
static bool same_in_record(int seed, size_t n)
{
    char *want = reference(seed, n);
    size_t cap = strlen(want) + 64;
    char *buf = malloc(cap);
    tg_jsonmem_begin();
    cJSON *o = sample(seed, n);
    bool printed = cJSON_PrintPreallocated(o, buf, (int)cap, false);
    tg_jsonmem_end(o);
    bool same = printed && strcmp(buf, want) == 0;
    free(buf);
    cJSON_free(want);
    return same;
}

static void test_not_installed(void)
{
    puts("before tg_jsonmem_init: begin does nothing, end is cJSON_Delete");
    CHECK(same_in_record(1, 10));
    CHECK(tg_jsonmem_memory() == 0);
}

static void test_records(void)
{
    puts("records built in the arena print as with malloc, many in a row");
    int bad = 0;
    for (int i = 0; i < 200; i++)
        bad += !same_in_record(i, (size_t)(i % 37));
    CHECK(bad == 0);
    CHECK(tg_jsonmem_memory() == TG_JSONMEM_CHUNK);
}

static void test_growth(void)
{
    puts("a record larger than the first chunk: more chunks, then one larger first chunk");
    CHECK(same_in_record(7, 5000)); /* ~5000 objects: far more than 64 KiB */
    size_t after = tg_jsonmem_memory();
    CHECK(after == 0); /* several chunks were freed at the end of the record */
    CHECK(same_in_record(8, 10));
    CHECK(tg_jsonmem_memory() > TG_JSONMEM_CHUNK);
    CHECK(tg_jsonmem_memory() <= TG_JSONMEM_KEEP);
    CHECK(same_in_record(9, 5000)); /* fits the larger chunk now, or grows again */
}

static void test_spill(void)
{
    puts("a record past TG_JSONMEM_MAX spills to malloc and is freed by cJSON_Delete");
    size_t big = 1u << 20;
    char *text = malloc(big);
    memset(text, 'x', big - 1);
    text[big - 1] = '\0';
    tg_jsonmem_begin();
    cJSON *o = cJSON_CreateArray();
    size_t n = TG_JSONMEM_MAX / big + 3;
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(o, cJSON_CreateString(text));
    CHECK(cJSON_GetArraySize(o) == (int)n);
    const cJSON *last = cJSON_GetArrayItem(o, (int)n - 1);
    CHECK(last && strlen(last->valuestring) == big - 1);
    CHECK(tg_jsonmem_memory() <= TG_JSONMEM_MAX);
    tg_jsonmem_end(o); /* LSan: the spilled strings must be freed */
    free(text);
    CHECK(same_in_record(10, 3));
}

static void test_outside(void)
{
    puts("trees made outside a record live on; freeing one inside a record works");
    cJSON *keep = sample(3, 4);
    char *before = cJSON_PrintUnformatted(keep);
    CHECK(same_in_record(4, 100));
    char *after = cJSON_PrintUnformatted(keep);
    CHECK(strcmp(before, after) == 0);
    tg_jsonmem_begin();
    cJSON *o = sample(5, 2);
    cJSON_Delete(keep); /* heap memory freed inside a record */
    cJSON_free(before);
    tg_jsonmem_end(o);
    cJSON_free(after);
    /* cJSON_Print's text outside a record is malloc'd: free() is right */
    cJSON *s = sample(6, 1);
    char *text = cJSON_Print(s);
    cJSON_Delete(s);
    char *grown = realloc(text, strlen(text) + 2);
    CHECK(grown != NULL);
    free(grown);
    tg_jsonmem_end(NULL); /* outside a record: cJSON_Delete(NULL) */
}

static void test_release(void)
{
    puts("tg_jsonmem_release frees the arena; the next record makes it again");
    tg_jsonmem_release();
    CHECK(tg_jsonmem_memory() == 0);
    CHECK(same_in_record(11, 20));
    CHECK(tg_jsonmem_memory() > 0);
}

int main(void)
{
    test_not_installed();
    tg_jsonmem_init();
    test_records();
    test_growth();
    test_spill();
    test_outside();
    test_release();
    return testkit_finish();
}
