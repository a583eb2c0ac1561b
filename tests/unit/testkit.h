/*
 * testkit.h - what the unit tests share: a pass/fail tally with CHECK and
 * its kin, the closing "N passed, M failed" line (testkit_finish), and hex
 * vectors copied into malloc'd buffers of exactly their size (so ASan sees
 * a one-byte over-read). Included by one test program each.
 */
#ifndef TG_TESTKIT_H
#define TG_TESTKIT_H

#include "../../dissectors/reader.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static inline void check(bool ok, const char *what, int line)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL line %d: %s\n", line, what);
}

#define CHECK(cond) check((cond), #cond, __LINE__)

/* A condition, and when it fails a printf-style note of what was seen. */
#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        bool ok_ = (cond);                                                                         \
        check(ok_, #cond, __LINE__);                                                               \
        if (!ok_) {                                                                                \
            printf("  ");                                                                          \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

/* Two strings equal (NULL equals nothing); both are shown when they are not. */
static inline void check_str(const char *got, const char *want, const char *what, int line)
{
    bool ok = got && want && strcmp(got, want) == 0;
    check(ok, what, line);
    if (!ok)
        printf("  got  \"%s\"\n  want \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
}

#define CHECK_STR(a, b) check_str((a), (b), #a, __LINE__)

/* Two signed integers equal; both are shown when they are not. */
static inline void check_int(long long got, long long want, const char *what, int line)
{
    check(got == want, what, line);
    if (got != want)
        printf("  got %lld, want %lld\n", got, want);
}

#define CHECK_INT(a, b) check_int((long long)(a), (long long)(b), #a, __LINE__)

/* Two integers equal; both are shown when they are not. */
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);             \
        check(a_ == b_, #a " == " #b, __LINE__);                                                   \
        if (a_ != b_)                                                                              \
            printf("  %s == %llu, want %llu\n", #a, a_, b_);                                       \
    } while (0)

static inline int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex (spaces allowed) into a malloc'd buffer of exactly the byte count. */
static inline uint8_t *from_hex(const char *hex, size_t *len)
{
    size_t digits = 0;
    for (const char *c = hex; *c; c++)
        digits += hex_digit(*c) >= 0;
    *len = digits / 2;
    uint8_t *buf = malloc(*len ? *len : 1);
    size_t n = 0;
    int hi = -1;
    for (const char *c = hex; *c; c++) {
        int d = hex_digit(*c);
        if (d < 0)
            continue;
        if (hi < 0) {
            hi = d;
        } else {
            buf[n++] = (uint8_t)(hi << 4 | d);
            hi = -1;
        }
    }
    return buf;
}

/* A copy of n bytes in a malloc'd buffer of exactly that size; view_free() it. */
static inline struct tg_view view_copy(const uint8_t *p, size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    if (!b)
        abort();
    if (n)
        memcpy(b, p, n);
    struct tg_view v = {b, n};
    /* cppcheck-suppress memleak ; returned in the view, freed by view_free() */
    return v;
}

/* The characters of a text (no NUL) in a buffer of exactly that size; view_free() it. */
static inline struct tg_view view_copy_text(const char *text)
{
    return view_copy((const uint8_t *)text, strlen(text));
}

/* Hex (spaces allowed) as a view over a buffer of exactly its size; view_free() it. */
static inline struct tg_view view_from_hex(const char *hex)
{
    size_t len;
    uint8_t *b = from_hex(hex, &len);
    struct tg_view v = {b, len};
    /* cppcheck-suppress memleak ; returned in the view, freed by view_free() */
    return v;
}

/* Frees the buffer of a view from view_copy(), view_copy_text() or view_from_hex(). */
static inline void view_free(struct tg_view v)
{
    free((void *)(uintptr_t)v.p);
}

static inline struct tg_view view_of(const uint8_t *p, size_t len)
{
    struct tg_view v = {p, len};
    return v;
}

/* The view holds exactly the characters of the text. */
static inline bool view_is(struct tg_view v, const char *text)
{
    return v.len == strlen(text) && memcmp(v.p, text, v.len) == 0;
}

/* The view holds exactly the bytes the hex text spells. */
static inline bool view_is_hex(struct tg_view v, const char *hex)
{
    size_t len;
    uint8_t *want = from_hex(hex, &len);
    bool same = v.len == len && (len == 0 || memcmp(v.p, want, len) == 0);
    free(want);
    return same;
}

/* The closing line "N passed, M failed"; what main returns: 0 when none failed. */
static inline int testkit_finish(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
