/*
 * test_jsonwrite.c - tg_jsonwrite_print writes exactly the bytes of
 * cJSON_PrintUnformatted: every escape (checked against literal text as
 * well), every byte 1..255 in values and keys at every place of a string
 * (so in the eight-byte scan and in the tail), pairs of awkward bytes in
 * one word, NULL strings and keys, empty and nested containers, raw items,
 * numbers and deep subtrees (printed by cJSON), flag bits, the trees cJSON
 * refuses, thousands of random trees from a seeded generator, the length
 * returned for a buffer too small (nothing written past cap), and a tree
 * built inside a jsonmem record.
 */
#include "../../analyzer/jsonmem.h"
#include "../../analyzer/jsonwrite.h"
#include "testkit.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARD 16 /* bytes past cap that must stay untouched */
#define GUARD_BYTE 0xa5

/* ------------------------------------------------------------- comparing */

/* Our text of o, in a malloc'd buffer of exactly cap bytes plus a guard
 * that is checked; NULL when the guard was touched. *n: the length returned. */
static char *ours(const cJSON *o, size_t cap, size_t *n)
{
    unsigned char *buf = malloc(cap + GUARD);
    if (!buf)
        abort();
    memset(buf, GUARD_BYTE, cap + GUARD);
    *n = tg_jsonwrite_print(o, (char *)buf, cap);
    for (size_t i = cap; i < cap + GUARD; i++) {
        if (buf[i] != GUARD_BYTE) {
            free(buf);
            return NULL;
        }
    }
    return (char *)buf;
}

/* Where two texts first differ, shown on a failure. */
static void show_difference(const char *got, size_t got_len, const char *want)
{
    size_t want_len = strlen(want), i = 0;
    while (i < got_len && i < want_len && got[i] == want[i])
        i++;
    printf("  lengths %zu and %zu, first difference at %zu\n", got_len, want_len, i);
    int shown = got_len - i < 40 ? (int)(got_len - i) : 40;
    printf("  got  ...%.*s\n  want ...%.40s\n", shown, got + i, want + i);
}

/* Both print o alike, or both refuse it. Printed with a buffer exactly the
 * text's size plus its NUL, and once with none to learn the length. */
static bool same_as_cjson(const cJSON *o)
{
    char *want = cJSON_PrintUnformatted(o);
    size_t probe = tg_jsonwrite_print(o, NULL, 0);
    if (!want)
        return probe == TG_JSONWRITE_FAIL;
    size_t len = strlen(want), n;
    char *got = probe == len ? ours(o, len + 1, &n) : NULL;
    bool same = got && n == len && memcmp(got, want, len + 1) == 0;
    if (!same) {
        printf("  probe %zu\n", probe);
        if (got)
            show_difference(got, n < len + 1 ? n : len + 1, want);
    }
    free(got);
    cJSON_free(want);
    return same;
}

/* Our text of o equals the literal want, and so does cJSON's. */
static bool prints_as(const cJSON *o, const char *want)
{
    char *theirs = cJSON_PrintUnformatted(o);
    size_t len = strlen(want), n;
    char *got = ours(o, len + 1, &n);
    bool same = theirs && strcmp(theirs, want) == 0 && got && n == len && strcmp(got, want) == 0;
    if (!same)
        printf("  cJSON %s\n  ours  %s\n  want  %s\n", theirs ? theirs : "(none)",
               got ? got : "(guard)", want);
    free(got);
    cJSON_free(theirs);
    return same;
}

/* For every cap from 0 to the text's length + 1: the length is returned
 * each time, nothing is written past cap, and with cap > length the text
 * and its NUL are there. */
static bool every_cap(const cJSON *o)
{
    char *want = cJSON_PrintUnformatted(o);
    if (!want)
        return false;
    size_t len = strlen(want);
    bool ok = true;
    for (size_t cap = 0; ok && cap <= len + 1; cap++) {
        size_t n;
        char *got = ours(o, cap, &n);
        ok = got && n == len && (cap <= len || memcmp(got, want, len + 1) == 0);
        if (!ok)
            printf("  cap %zu: returned %zu of %zu\n", cap, n, len);
        free(got);
    }
    cJSON_free(want);
    return ok;
}

/* ---------------------------------------------------------- fixed trees */

static void test_escapes(void)
{
    printf("escapes: each short escape, \\u00XX, bytes passed through\n");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "q\"b\\\b\f\n\r\t\x01\x1f",
                            "\"\\\b\f\n\r\t\x01\x0b\x1f\x7f\x80\xc3\xa9\xff ~");
    CHECK(prints_as(o, "{\"q\\\"b\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\":"
                       "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u000b\\u001f\x7f\x80\xc3\xa9\xff ~\"}"));
    cJSON_Delete(o);

    o = cJSON_CreateString("");
    CHECK(prints_as(o, "\"\""));
    cJSON_Delete(o);

    /* each control byte's escape, spelled out */
    static const char *const want[32] = {
        NULL,      "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
        "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
        "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
    int wrong = 0;
    for (int c = 1; c < 32; c++) {
        char s[2] = {(char)c, 0}, text[16];
        snprintf(text, sizeof text, "\"%s\"", want[c]);
        cJSON *v = cJSON_CreateString(s);
        wrong += !prints_as(v, text);
        cJSON_Delete(v);
    }
    CHECK_INT(wrong, 0);
}

/* A string of len bytes of 'a' with c at position at. */
static void fill(char *s, size_t len, size_t at, unsigned char c)
{
    memset(s, 'a', len);
    s[len] = 0;
    s[at] = (char)c;
}

static void test_every_byte(void)
{
    printf("every byte 1..255 in a value and a key, at every place of 1..34 bytes\n");
    int wrong = 0, cases = 0;
    char s[40];
    for (size_t len = 1; len <= 34; len++) {
        for (size_t at = 0; at < len; at++) {
            for (int c = 1; c < 256; c++) {
                fill(s, len, at, (unsigned char)c);
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, s, s);
                wrong += !same_as_cjson(o);
                cases++;
                cJSON_Delete(o);
            }
        }
    }
    CHECK_INT(wrong, 0);
    CHECK_INT(cases, 595 * 255);
}

/* Two bytes of one eight-byte word (and of the tail after it): every first
 * byte with every byte at the edges of what needs an escape. */
static void test_byte_pairs(void)
{
    printf("pairs of bytes in one word: 1..255 with the edge bytes\n");
    static const unsigned char edge[] = {0x01, 0x1f, 0x20, 0x21, 0x22, 0x23,
                                         0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xff};
    int wrong = 0;
    char s[16];
    for (size_t i = 0; i < 9; i++) {
        for (size_t j = 0; j < 9; j++) {
            if (i == j)
                continue;
            for (int c = 1; c < 256; c++) {
                for (size_t e = 0; e < sizeof edge; e++) {
                    fill(s, 9, i, (unsigned char)c);
                    s[j] = (char)edge[e];
                    cJSON *v = cJSON_CreateString(s);
                    wrong += !same_as_cjson(v);
                    cJSON_Delete(v);
                }
            }
        }
    }
    CHECK_INT(wrong, 0);
}

static void test_containers(void)
{
    printf("empty and nested containers, raw, true, false, null\n");
    cJSON *o = cJSON_CreateObject();
    CHECK(prints_as(o, "{}"));
    cJSON_AddItemToObject(o, "a", cJSON_CreateArray());
    cJSON_AddItemToObject(o, "o", cJSON_CreateObject());
    cJSON *a = cJSON_AddArrayToObject(o, "list");
    cJSON_AddItemToArray(a, cJSON_CreateRaw("443"));
    cJSON_AddItemToArray(a, cJSON_CreateRaw("-1"));
    cJSON_AddItemToArray(a, cJSON_CreateTrue());
    cJSON_AddItemToArray(a, cJSON_CreateFalse());
    cJSON_AddItemToArray(a, cJSON_CreateNull());
    cJSON_AddItemToArray(a, cJSON_CreateString("x"));
    cJSON *in = cJSON_CreateObject();
    cJSON_AddItemToArray(a, in);
    cJSON_AddItemToObject(in, "deep", cJSON_CreateArray());
    cJSON_AddBoolToObject(o, "b", true);
    cJSON_AddItemToObject(o, "raw", cJSON_CreateRaw("{\"as\": \"is\" }"));
    CHECK(prints_as(o, "{\"a\":[],\"o\":{},\"list\":[443,-1,true,false,null,\"x\",{\"deep\":[]}],"
                       "\"b\":true,\"raw\":{\"as\": \"is\" }}"));
    cJSON_Delete(o);

    a = cJSON_CreateArray();
    CHECK(prints_as(a, "[]"));
    cJSON_AddItemToArray(a, cJSON_CreateArray());
    cJSON_AddItemToArray(a, cJSON_CreateArray());
    CHECK(prints_as(a, "[[],[]]"));
    cJSON_Delete(a);
}

static void test_null_strings(void)
{
    printf("a NULL valuestring and a NULL key print as \"\"\n");
    cJSON *o = cJSON_CreateObject();
    cJSON *s = cJSON_AddStringToObject(o, "s", "gone");
    cJSON_free(s->valuestring);
    s->valuestring = NULL;
    cJSON *t = cJSON_AddTrueToObject(o, "key gone");
    cJSON_free(t->string);
    t->string = NULL;
    CHECK(prints_as(o, "{\"s\":\"\",\"\":true}"));
    cJSON_Delete(o);
}

static void test_flags(void)
{
    printf("references and constant keys print as the items they are\n");
    cJSON *shared = cJSON_CreateArray();
    cJSON_AddItemToArray(shared, cJSON_CreateString("in"));
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObjectCS(o, "const", cJSON_CreateStringReference("ref\n"));
    cJSON_AddItemReferenceToObject(o, "r", shared);
    cJSON_AddItemToObject(o, "ar", cJSON_CreateArrayReference(shared->child));
    cJSON *n = cJSON_CreateNull();
    n->type |= 0x1000;
    cJSON_AddItemToObject(o, "n", n);
    CHECK(prints_as(o, "{\"const\":\"ref\\n\",\"r\":[\"in\"],\"ar\":[\"in\"],\"n\":null}"));
    cJSON_Delete(o);
    cJSON_Delete(shared);
}

static void test_numbers(void)
{
    printf("numbers (cJSON's own text), alone and within a tree\n");
    static const double values[] = {0,
                                    -0.0,
                                    1,
                                    -1,
                                    0.1,
                                    1.0 / 3,
                                    1e300,
                                    -1e-300,
                                    1e15,
                                    1e16,
                                    1e17,
                                    2.5e-7,
                                    INFINITY,
                                    NAN,
                                    2147483647.0,
                                    2147483648.0,
                                    -2147483649.0,
                                    9007199254740993.0};
    int wrong = 0;
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        cJSON *v = cJSON_CreateNumber(values[i]);
        wrong += !same_as_cjson(v);
        cJSON_Delete(v);
        cJSON_AddItemToArray(a, cJSON_CreateNumber(values[i]));
    }
    CHECK_INT(wrong, 0);
    CHECK(same_as_cjson(a));
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "port", 443);
    CHECK(prints_as(o, "{\"port\":443}"));
    cJSON_Delete(o);
    cJSON_Delete(a);
}

/* levels containers, objects and arrays in turn, around a string. */
static cJSON *nested(int levels)
{
    cJSON *inner = cJSON_CreateString("core\t");
    for (int i = 0; i < levels; i++) {
        cJSON *c = i % 2 ? cJSON_CreateObject() : cJSON_CreateArray();
        if (i % 2)
            cJSON_AddItemToObject(c, "k", inner);
        else
            cJSON_AddItemToArray(c, inner);
        cJSON_AddItemToArray(c, cJSON_CreateRaw("7"));
        inner = c;
    }
    return inner;
}

static void test_depth(void)
{
    printf("nesting around TG_JSONWRITE_DEPTH and far past it\n");
    static const int levels[] = {
        1, 2, TG_JSONWRITE_DEPTH - 1, TG_JSONWRITE_DEPTH, TG_JSONWRITE_DEPTH + 1, 200};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        cJSON *o = nested(levels[i]);
        CHECK_MSG(same_as_cjson(o), "%d levels", levels[i]);
        CHECK_MSG(every_cap(o), "%d levels", levels[i]);
        cJSON_Delete(o);
    }
}

static void test_refused(void)
{
    printf("trees cJSON refuses: NULL, raw without text, invalid types\n");
    CHECK(tg_jsonwrite_print(NULL, NULL, 0) == TG_JSONWRITE_FAIL);
    char buf[64];
    CHECK(tg_jsonwrite_print(NULL, buf, sizeof buf) == TG_JSONWRITE_FAIL);

    cJSON *o = cJSON_CreateObject();
    cJSON *r = cJSON_AddRawToObject(o, "r", "1");
    cJSON_free(r->valuestring);
    r->valuestring = NULL;
    CHECK(cJSON_PrintUnformatted(o) == NULL);
    CHECK(tg_jsonwrite_print(o, buf, sizeof buf) == TG_JSONWRITE_FAIL);
    cJSON_Delete(o);

    static const int types[] = {cJSON_Invalid, cJSON_True | cJSON_False, cJSON_Array | cJSON_Object,
                                cJSON_String | cJSON_Raw};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        cJSON *a = cJSON_CreateArray();
        cJSON *v = cJSON_CreateTrue();
        v->type = types[i];
        cJSON_AddItemToArray(a, cJSON_CreateString("before"));
        cJSON_AddItemToArray(a, v);
        CHECK_MSG(same_as_cjson(a), "type %d", types[i]);
        CHECK_MSG(tg_jsonwrite_print(a, buf, sizeof buf) == TG_JSONWRITE_FAIL, "type %d", types[i]);
        cJSON_Delete(a);
    }

    /* refused in the innermost container, past TG_JSONWRITE_DEPTH: cJSON
     * prints that subtree, and fails */
    cJSON *deep = nested(TG_JSONWRITE_DEPTH + 3);
    cJSON *bad = cJSON_CreateRaw("1");
    cJSON_free(bad->valuestring);
    bad->valuestring = NULL;
    cJSON *in = deep;
    while (in->child && (in->child->type & (cJSON_Array | cJSON_Object)))
        in = in->child;
    cJSON_AddItemToArray(in, bad);
    CHECK(tg_jsonwrite_print(deep, buf, sizeof buf) == TG_JSONWRITE_FAIL);
    CHECK(same_as_cjson(deep));
    cJSON_Delete(deep);
}

/* ----------------------------------------------------------- random trees */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static unsigned pick(unsigned n)
{
    return rnd() % n;
}

/* A text of 0..47 bytes, a quarter of them the awkward kind. */
static void rand_text(char *s, size_t cap)
{
    static const unsigned char awkward[] = {0x01, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1f,
                                            '"',  '\\', '/',  0x7f, 0x80, 0xc3, 0xe2, 0xff};
    size_t len = pick(4) ? pick(17) : pick(48);
    if (len >= cap)
        len = cap - 1;
    for (size_t i = 0; i < len; i++) {
        unsigned c = pick(4) ? 0x20 + pick(0x5f) : awkward[pick(sizeof awkward)];
        if (pick(16) == 0)
            c = 1 + pick(255);
        s[i] = (char)c;
    }
    s[len] = 0;
}

static cJSON *rand_number(void)
{
    switch (pick(4)) {
    case 0:
        return cJSON_CreateNumber((double)(int32_t)rnd());
    case 1:
        return cJSON_CreateNumber((double)rnd() / (double)(1 + pick(1000)));
    case 2:
        return cJSON_CreateNumber(ldexp((double)rnd(), (int)pick(200) - 100));
    default:
        return cJSON_CreateNumber((double)rnd() * 1e9);
    }
}

/* NOLINTBEGIN(misc-no-recursion): containers are made only 5 deep */
static cJSON *rand_tree(int depth);

static cJSON *rand_container(int depth)
{
    bool object = pick(2);
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    unsigned n = pick(6);
    for (unsigned i = 0; i < n; i++) {
        cJSON *v = rand_tree(depth + 1);
        if (!object) {
            cJSON_AddItemToArray(c, v);
            continue;
        }
        char key[48];
        rand_text(key, sizeof key);
        cJSON_AddItemToObject(c, key, v);
        if (pick(50) == 0) {
            cJSON_free(v->string);
            v->string = NULL;
        }
    }
    return c;
}

static cJSON *rand_tree(int depth)
{
    char text[48];
    unsigned kind = pick(depth < 5 ? 9 : 6);
    switch (kind) {
    case 0: {
        rand_text(text, sizeof text);
        cJSON *s = cJSON_CreateString(text);
        if (pick(40) == 0) {
            cJSON_free(s->valuestring);
            s->valuestring = NULL;
        }
        return s;
    }
    case 1:
        snprintf(text, sizeof text, "%lld", (long long)(int64_t)((uint64_t)rnd() << 20 | rnd()));
        return cJSON_CreateRaw(text);
    case 2:
        return cJSON_CreateBool(pick(2) == 1);
    case 3:
        return cJSON_CreateNull();
    case 4:
        return pick(8) ? cJSON_CreateString("plain") : rand_number();
    case 5:
        rand_text(text, sizeof text);
        return cJSON_CreateString(text);
    default:
        return rand_container(depth);
    }
}
/* NOLINTEND(misc-no-recursion) */

static void test_random(void)
{
    enum { TREES = 4000, EVERY_CAP = 100 };
    printf("%d random trees (seeded); every cap on 1 in %d\n", TREES, EVERY_CAP);
    int wrong = 0, wrong_cap = 0;
    size_t bytes = 0;
    for (int i = 0; i < TREES; i++) {
        cJSON *o = rand_container(0);
        if (i % 20 == 0) {
            cJSON *wrap = nested(TG_JSONWRITE_DEPTH + (int)pick(4));
            cJSON_AddItemToArray(wrap, o);
            o = wrap;
        }
        if (!same_as_cjson(o)) {
            wrong++;
            printf("  tree %d differs\n", i);
        }
        if (i % EVERY_CAP == 0)
            wrong_cap += !every_cap(o);
        bytes += tg_jsonwrite_print(o, NULL, 0);
        cJSON_Delete(o);
    }
    CHECK_INT(wrong, 0);
    CHECK_INT(wrong_cap, 0);
    CHECK(bytes > (size_t)TREES * 20);
}

static void test_small_buffer(void)
{
    printf("too small a buffer: the length needed, nothing past cap\n");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "sni", "example.com\n");
    cJSON_AddItemToObject(o, "port", cJSON_CreateRaw("443"));
    cJSON *a = cJSON_AddArrayToObject(o, "x");
    cJSON_AddItemToArray(a, cJSON_CreateString("\x01\"\\"));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(0.5));
    static const char want[] =
        "{\"sni\":\"example.com\\n\",\"port\":443,\"x\":[\"\\u0001\\\"\\\\\",0.5]}";
    CHECK(prints_as(o, want));
    CHECK_EQ(tg_jsonwrite_print(o, NULL, 0), sizeof want - 1);
    CHECK_EQ(tg_jsonwrite_print(o, NULL, 100), sizeof want - 1);
    CHECK(every_cap(o));
    size_t n;
    char *got = ours(o, sizeof want - 1, &n); /* room for the text, not its NUL */
    CHECK(got != NULL);
    CHECK_EQ(n, sizeof want - 1);
    free(got);
    /* strings longer than the chunks the slow path escapes at a time */
    char text[300];
    for (size_t i = 0; i < sizeof text - 1; i++)
        text[i] = (char)(i % 7 == 3 ? '\n' : i % 13 == 5 ? 0x01 : 'a' + (int)(i % 26));
    text[sizeof text - 1] = 0;
    cJSON_AddStringToObject(o, text, text);
    CHECK(same_as_cjson(o));
    CHECK(every_cap(o));
    cJSON_Delete(o);
}

static void test_in_record(void)
{
    printf("a tree with a number, built inside a jsonmem record\n");
    cJSON *plain = nested(3);
    cJSON_AddItemToArray(plain, cJSON_CreateNumber(1.25));
    char *want = cJSON_PrintUnformatted(plain);
    cJSON_Delete(plain);
    tg_jsonmem_begin();
    cJSON *o = nested(3);
    cJSON_AddItemToArray(o, cJSON_CreateNumber(1.25));
    char buf[256];
    size_t n = tg_jsonwrite_print(o, buf, sizeof buf);
    bool same = want && n < sizeof buf && strcmp(buf, want) == 0;
    tg_jsonmem_end(o);
    CHECK(same);
    cJSON_free(want);
}

int main(void)
{
    tg_jsonmem_init();
    test_escapes();
    test_every_byte();
    test_byte_pairs();
    test_containers();
    test_null_strings();
    test_flags();
    test_numbers();
    test_depth();
    test_refused();
    test_random();
    test_small_buffer();
    test_in_record();
    return testkit_finish();
}
