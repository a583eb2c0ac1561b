/*
 * testkit.h - what the unit tests share: a pass/fail tally with CHECK, and
 * hex vectors copied into malloc'd buffers of exactly their size (so ASan
 * sees a one-byte over-read). Included by one test program each.
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

#endif
