/*
 * test_fastfmt.c - the wrapped __snprintf_chk (analyzer/fastfmt.c) against
 * glibc's snprintf: for each format it prints itself, numbers at every
 * digit-count boundary and the extremes, strings empty to long, and every
 * buffer size from 0 to past the output, the same return value and the
 * same bytes, and not a byte written past the size given. Formats it does
 * not print, NULL strings and outputs too long for it go to glibc: also
 * compared.
 */
#include "../../analyzer/fastfmt.h"
#include "testkit.h"

#include <limits.h>

#define BUF 700u /* sizes compared: 0 to past the output, at most this */

static char got[BUF + 16], want[BUF + 16];

static const unsigned numbers[] = {
    0,          1,          9,          10,       15,         16,        99,
    100,        255,        256,        999,      1000,       4095,      4096,
    9999,       10000,      65535,      65536,    99999,      100000,    999999,
    1000000,    9999999,    10000000,   99999999, 100000000,  999999999, 1000000000,
    0x7fffffff, 0x80000000, 0xfffffffe, UINT_MAX, 0x1234abcd, 0xa0a,     0x0a0a0a0a,
};

static const char *strings[] = {"", "-", ",", "abc", "0123456789abcdef0123456789abcdef"};

/* Every size from 0 to past the output, both ways: same return, same
 * bytes, the rest of the buffer untouched (both start filled with '#'). */
#define COMPARE(...)                                                                               \
    do {                                                                                           \
        for (size_t size = 0; size <= full + 2 && size <= BUF; size++) {                           \
            memset(got, '#', sizeof got);                                                          \
            memset(want, '#', sizeof want);                                                        \
            int g = __wrap___snprintf_chk(got, size, 1, sizeof got, __VA_ARGS__);                  \
            int w = snprintf(want, size, __VA_ARGS__);                                             \
            same = same && g == w && memcmp(got, want, sizeof got) == 0;                           \
            cases++;                                                                               \
        }                                                                                          \
    } while (0)

static size_t full_length(int n)
{
    return n < 0 ? 0 : (size_t)n;
}

static void numbers_alone(void)
{
    bool same = true;
    unsigned long cases = 0;
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        unsigned v = numbers[i];
        size_t full = full_length(snprintf(NULL, 0, "%u,", v));
        COMPARE("%u,", v);
        full = full_length(snprintf(NULL, 0, "%02x", v));
        COMPARE("%02x", v);
        COMPARE("%02X", v);
    }
    CHECK_MSG(same, "%lu cases", cases);
    CHECK(cases > 500);
}

static void string_and_number(void)
{
    bool same = true;
    unsigned long cases = 0;
    for (size_t s = 0; s < sizeof strings / sizeof strings[0]; s++)
        for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
            const char *str = strings[s];
            unsigned v = numbers[i];
            size_t full = full_length(snprintf(NULL, 0, "%s%u", str, v));
            COMPARE("%s%u", str, v);
            full = full_length(snprintf(NULL, 0, "%s%04X", str, v));
            COMPARE("%s%04X", str, v);
        }
    CHECK_MSG(same, "%lu cases", cases);
    CHECK(cases > 5000);
}

static void two_strings(void)
{
    bool same = true;
    unsigned long cases = 0;
    size_t n = sizeof strings / sizeof strings[0];
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            size_t full = full_length(snprintf(NULL, 0, "%s%s", strings[a], strings[b]));
            COMPARE("%s%s", strings[a], strings[b]);
        }
    CHECK_MSG(same, "%lu cases", cases);
}

/* What it leaves to glibc comes out as glibc prints it. */
static void left_to_glibc(void)
{
    bool same = true;
    unsigned long cases = 0;
    const char *volatile none = NULL; /* hidden from the compiler's format checks */
    size_t full = 8;
    /* cppcheck-suppress nullPointer ; glibc prints NULL as "(null)", the case tested */
    COMPARE("%s%s", none, "x");
    /* cppcheck-suppress nullPointer ; as above */
    COMPARE("%s%u", none, 7u);
    COMPARE("%d-%s", -12, "ab");
    COMPARE("%u", 42u);
    COMPARE("%02x%02x", 1u, 2u);
    COMPARE("plain");

    /* long strings, printed by it, and longer than it takes (to glibc) */
    static char longer[600], longest[65600];
    memset(longer, 'a', sizeof longer - 1);
    memset(longest, 'b', sizeof longest - 1);
    full = sizeof longer + 12;
    COMPARE("%s%u", longer, UINT_MAX);
    COMPARE("%s%s", longer, longer);
    COMPARE("%s%u", longest, 1u);
    COMPARE("%s%s", "x", longest);
    CHECK_MSG(same, "%lu cases", cases);
    CHECK(cases > 1000);
}

/* tg_fastfmt itself says no to what it does not print. */
static int call_fastfmt(char *s, size_t maxlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tg_fastfmt(s, maxlen, fmt, ap);
    va_end(ap);
    return n;
}

static void declines(void)
{
    char b[8] = "keep";
    CHECK_INT(call_fastfmt(b, sizeof b, "%u", 1u), -1);
    CHECK_INT(call_fastfmt(b, sizeof b, "x%u", 1u), -1);
    CHECK_INT(call_fastfmt(b, sizeof b, "%s%u", (const char *)NULL, 1u), -1);
    CHECK_STR(b, "keep");
    CHECK_INT(call_fastfmt(b, sizeof b, "%s%u", "-", 513u), 4);
    CHECK_STR(b, "-513");
}

int main(void)
{
    numbers_alone();
    string_and_number();
    two_strings();
    left_to_glibc();
    declines();
    return testkit_finish();
}
