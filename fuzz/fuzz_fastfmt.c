/*
 * fuzz_fastfmt.c - the formatter nDPI's snprintf calls are sent to
 * (analyzer/fastfmt.c) against glibc's vsnprintf: the same return value,
 * the same bytes, nothing written past the size given (ASan; the buffer
 * is allocated at exactly that size).
 *
 * Input layout:
 *   byte 0      the format: its value modulo 8 picks one of the six fast
 *               formats, "%u" or "x%u" (which tg_fastfmt must refuse)
 *   byte 1      the buffer size, 0 to 255
 *   bytes 2-5   the number, big-endian
 *   byte 6      the length of the first string, the rest of the input
 *               holding it and then the second string (a NUL in either
 *               ends it early)
 */
#include "../analyzer/fastfmt.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

static const char *const formats[] = {"%s%u", "%u,", "%02x", "%02X", "%s%04X", "%s%s", "%u", "x%u"};

/* Which arguments a format takes: 0 a number, 1 a string and a number,
 * 2 two strings. */
static int args_of(size_t f)
{
    switch (f) {
    case 0:
    case 4:
        return 1;
    case 5:
        return 2;
    default:
        return 0;
    }
}

static int fast(char *s, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = tg_fastfmt(s, n, fmt, ap);
    va_end(ap);
    return r;
}

/* The reference: glibc itself, given the same format from the table above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int glibc(char *s, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(s, n, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
    va_end(ap);
    return r;
}
#pragma GCC diagnostic pop

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 7)
        return 0;
    size_t f = data[0] % (sizeof formats / sizeof formats[0]);
    size_t cap = data[1];
    unsigned v =
        (unsigned)data[2] << 24 | (unsigned)data[3] << 16 | (unsigned)data[4] << 8 | data[5];
    size_t rest = size - 7, a_len = data[6] < rest ? data[6] : rest;
    char *a = malloc(a_len + 1), *b = malloc(rest - a_len + 1);
    char *got = malloc(cap ? cap : 1), *want = malloc(cap ? cap : 1);
    require(a && b && got && want);
    memcpy(a, data + 7, a_len);
    a[a_len] = '\0';
    memcpy(b, data + 7 + a_len, rest - a_len);
    b[rest - a_len] = '\0';
    memset(got, '#', cap ? cap : 1);
    memset(want, '#', cap ? cap : 1);

    const char *fmt = formats[f];
    int g, w;
    switch (args_of(f)) {
    case 1:
        g = fast(got, cap, fmt, a, v);
        w = glibc(want, cap, fmt, a, v);
        break;
    case 2:
        g = fast(got, cap, fmt, a, b);
        w = glibc(want, cap, fmt, a, b);
        break;
    default:
        g = fast(got, cap, fmt, v);
        w = glibc(want, cap, fmt, v);
        break;
    }
    if (f >= 6) {
        require(g == -1); /* not a format of its own: left to glibc */
    } else {
        require(g == w);
        require(memcmp(got, want, cap ? cap : 1) == 0);
    }
    free(a);
    free(b);
    free(got);
    free(want);
    return 0;
}
