/*
 * test_arena.c - the session arena and the packing of structs at rest.
 *
 * Arena: memory comes zeroed and aligned for any type, the cap refuses what
 * would pass it (and only that), a copy is byte for byte, `reserved` counts
 * every chunk, freeing empties the arena.
 *
 * Packing: every pattern of zero and non-zero words, of every length up to
 * a few hundred bytes, unpacks to the bytes packed; a struct of zeros packs
 * to its bitmap alone; a pointer word takes 8 bytes, a small count 2; the
 * packed form stays within TG_ARENA_PACKED_MAX; every strict prefix of a
 * packed form, and one extra byte, is refused. Packed bytes are unpacked
 * from a buffer of their exact size (ASan sees a one-byte over-read).
 */
#include "../../analyzer/arena.h"
#include "testkit.h"

#include <stdalign.h>
#include <stdint.h>

/* ----------------------------------------------------------------- arena */

static void test_alloc(void)
{
    printf("arena: zeroed, aligned, counted, capped\n");
    struct tg_arena a;
    tg_arena_init(&a, 1000);
    CHECK_EQ(tg_arena_memory(&a), 0);
    uint8_t *p = tg_arena_alloc(&a, 10);
    CHECK(p != NULL);
    bool zero = true;
    for (int i = 0; p && i < 10; i++)
        zero &= p[i] == 0;
    CHECK(zero);
    CHECK_EQ((uintptr_t)p % alignof(max_align_t), 0);
    CHECK_EQ(a.used, 10);
    size_t one = tg_arena_memory(&a);
    CHECK_MSG(one >= 10 && one < 10 + 64, "one chunk of 10 bytes reserves %zu", one);
    uint8_t *q = tg_arena_alloc(&a, 300);
    CHECK(q != NULL && q != p);
    CHECK_EQ((uintptr_t)q % alignof(max_align_t), 0);
    CHECK_MSG(tg_arena_memory(&a) >= one + 300, "reserved %zu", tg_arena_memory(&a));
    CHECK(tg_arena_alloc(&a, 691) == NULL); /* 10 + 300 + 691 > 1000 */
    CHECK_EQ(a.used, 310);
    CHECK(tg_arena_alloc(&a, 690) != NULL); /* exactly the cap */
    CHECK(tg_arena_alloc(&a, 1) == NULL);
    tg_arena_free(&a);
    CHECK_EQ(a.used, 0);
    CHECK_EQ(tg_arena_memory(&a), 0);
    CHECK(tg_arena_alloc(&a, 1) != NULL); /* usable again */
    tg_arena_free(&a);
}

static void test_copy(void)
{
    printf("arena: copies\n");
    struct tg_arena a;
    tg_arena_init(&a, 64);
    struct tg_view v = view_copy_text("hello, arena");
    struct tg_view c = tg_arena_copy(&a, v);
    CHECK(c.p != NULL && c.p != v.p && c.len == v.len && memcmp(c.p, v.p, v.len) == 0);
    struct tg_view none = {NULL, 0};
    struct tg_view e = tg_arena_copy(&a, none);
    CHECK(e.p == NULL && e.len == 0);
    uint8_t big[100] = {1};
    struct tg_view too_big = {big, sizeof big};
    struct tg_view refused = tg_arena_copy(&a, too_big);
    CHECK(refused.p == NULL && refused.len == 0);
    view_free(v);
    tg_arena_free(&a);
}

/* --------------------------------------------------------------- packing */

/* Packs n bytes, unpacks them from an exact copy; true if they come back.
 * Also checks the bound, and that every strict prefix and one extra byte
 * are refused. */
static bool round_trip(const uint8_t *src, size_t n, size_t *packed_len)
{
    uint8_t *out = malloc(TG_ARENA_PACKED_MAX(n));
    uint8_t *back = malloc(n ? n : 1);
    if (!out || !back)
        abort();
    size_t len = tg_arena_pack(src, n, out);
    *packed_len = len;
    bool ok = len + 8 <= TG_ARENA_PACKED_MAX(n);
    uint8_t *exact = malloc(len ? len : 1);
    uint8_t *longer = malloc(len + 1);
    if (!exact || !longer)
        abort();
    memcpy(exact, out, len);
    ok &= tg_arena_unpack(exact, len, back, n) && memcmp(src, back, n) == 0;
    for (size_t k = 0; k < len; k++)
        ok &= !tg_arena_unpack(exact, k, back, n);
    memcpy(longer, out, len);
    longer[len] = 0;
    ok &= !tg_arena_unpack(longer, len + 1, back, n);
    free(exact);
    free(longer);
    free(out);
    free(back);
    return ok;
}

static void test_patterns(void)
{
    printf("packing: every length to 300, zero and non-zero words mixed\n");
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    bool all = true;
    for (size_t n = 0; n <= 300; n++) {
        for (int kind = 0; kind < 4; kind++) {
            uint8_t *s = malloc(n ? n : 1);
            if (!s)
                abort();
            for (size_t i = 0; i < n; i++) {
                rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
                uint8_t r = (uint8_t)(rng >> 56);
                s[i] = kind == 0 ? 0 : kind == 1 ? (uint8_t)(r | 1) : (r & 3) ? 0 : r;
                if (kind == 3 && i % 8 == 7)
                    s[i] = (uint8_t)(0x80 | r); /* high bytes set: whole words */
            }
            size_t len;
            bool ok = round_trip(s, n, &len);
            if (!ok)
                printf("  length %zu kind %d fails\n", n, kind);
            all &= ok;
            if (kind == 0)
                all &= len == (n + 63) / 64; /* zeros: the bitmap alone */
            free(s);
        }
    }
    CHECK(all);
}

static void test_words(void)
{
    printf("packing: a pointer takes 8 bytes, a count 2, zeros their bit\n");
    struct {
        void *ptr;
        uint64_t count;
        uint64_t zeros[6];
    } s;
    memset(&s, 0, sizeof s);
    s.ptr = &s;
    s.count = 7;
    size_t len;
    CHECK(round_trip((const uint8_t *)&s, sizeof s, &len));
    size_t ptr_bytes = 8 - (size_t)__builtin_clzll((uint64_t)(uintptr_t)&s) / 8;
    CHECK_EQ(len, 1 + (1 + ptr_bytes) + 2);
    uint64_t all_ones = UINT64_MAX;
    CHECK(round_trip((const uint8_t *)&all_ones, sizeof all_ones, &len));
    CHECK_EQ(len, 1 + 1 + 8);
}

static void test_refused(void)
{
    printf("packing: codes out of range, words past the end, wrong lengths refused\n");
    uint8_t back[80];
    const uint8_t zero_code[] = {0x01, 0x00};                            /* a word of 0 bytes */
    const uint8_t long_code[] = {0x01, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9}; /* 9 bytes */
    const uint8_t past[] = {0x04, 0x01, 0x01};                           /* word 2 of 2 */
    const uint8_t fine[] = {0x02, 0x01, 0x05};                           /* word 1 = 5 */
    CHECK(!tg_arena_unpack(zero_code, sizeof zero_code, back, 16));
    CHECK(!tg_arena_unpack(long_code, sizeof long_code, back, 16));
    CHECK(!tg_arena_unpack(past, sizeof past, back, 16));
    CHECK(tg_arena_unpack(fine, sizeof fine, back, 16) && back[8] == 5 && back[0] == 0);
    CHECK(!tg_arena_unpack(fine, sizeof fine, back, 8));  /* word 1 of a 1-word struct */
    CHECK(!tg_arena_unpack(fine, sizeof fine, back, 80)); /* a bitmap of 2 bytes, not 1 */
    const uint8_t tail[] = {0x01, 0x02, 0x01, 0x01};      /* 2 bytes of a 1-byte struct */
    CHECK(!tg_arena_unpack(tail, sizeof tail, back, 1));
}

int main(void)
{
    test_alloc();
    test_copy();
    test_patterns();
    test_words();
    test_refused();
    return testkit_finish();
}
