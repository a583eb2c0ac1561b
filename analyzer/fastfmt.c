/*
 * fastfmt.c - see fastfmt.h. Truncation follows C's snprintf: the return
 * value is the untruncated length, at most maxlen - 1 bytes and a NUL are
 * stored, and maxlen 0 stores nothing.
 */
#include "fastfmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): glibc's names */
/* glibc's own, exported: the wrapped function's fallback. */
extern int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt,
                           va_list ap);
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

/* Longest number a fast format prints: 10 digits of a 32-bit number. */
#define NUMBER_MAX 12u

/* The output as snprintf makes it: `len` counts every byte of the whole
 * output, the first `room` of them (maxlen - 1) are stored. */
struct out {
    char *s;
    size_t room;
    size_t len;
};

static void put(struct out *o, const char *p, size_t n)
{
    /* what fits of the n bytes; the rest is only counted */
    size_t fit = o->len >= o->room ? 0 : o->room - o->len < n ? o->room - o->len : n;
    for (size_t i = 0; i < fit; i++)
        o->s[o->len + i] = p[i];
    o->len += n;
}

/* The decimal digits of v, at the end of d; returns where they start. */
static size_t decimal(char d[NUMBER_MAX], unsigned v)
{
    size_t i = NUMBER_MAX;
    do {
        d[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    return i;
}

static void put_decimal(struct out *o, unsigned v)
{
    char d[NUMBER_MAX];
    size_t i = decimal(d, v);
    put(o, d + i, sizeof d - i);
}

/* At least `width` hex digits, zero-padded, as "%0<width>x" does. */
static void put_hex(struct out *o, unsigned v, size_t width, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char d[NUMBER_MAX];
    size_t i = sizeof d;
    do {
        d[--i] = digits[v & 0xfu];
        v >>= 4;
    } while (v);
    while (sizeof d - i < width)
        d[--i] = '0';
    put(o, d + i, sizeof d - i);
}

enum shape { OTHER, S_U, U_COMMA, X02, X02_UPPER, S_X04_UPPER, S_S };

/* Which fast format fmt is, by its characters (this runs per call). */
static enum shape shape_of(const char *f)
{
    if (f[0] != '%')
        return OTHER;
    if (f[1] == 's' && f[2] == '%') {
        if (f[3] == 'u' && f[4] == '\0')
            return S_U;
        if (f[3] == 's' && f[4] == '\0')
            return S_S;
        if (strcmp(f + 3, "04X") == 0)
            return S_X04_UPPER;
        return OTHER;
    }
    if (f[1] == 'u' && f[2] == ',' && f[3] == '\0')
        return U_COMMA;
    if (f[1] == '0' && f[2] == '2' && f[4] == '\0' && (f[3] == 'x' || f[3] == 'X'))
        return f[3] == 'x' ? X02 : X02_UPPER;
    return OTHER;
}

/* Strings longer than this go to glibc, which knows what to do when the
 * whole output would not fit an int. */
#define STRING_MAX 65536u

/* tg_fastfmt's body, inlined into the wrapper: as a separate call its entry
 * and exit took about 20 of the ~145 instructions of a call (callgrind). */
static inline __attribute__((always_inline)) int format(char *s, size_t maxlen, const char *fmt,
                                                        va_list ap)
{
    enum shape shape = shape_of(fmt);
    if (shape == OTHER)
        return -1;
    struct out o = {.s = s, .room = maxlen ? maxlen - 1 : 0, .len = 0};
    const char *a = NULL, *b = NULL;
    unsigned v = 0;
    switch (shape) {
    case S_U:
        a = va_arg(ap, const char *);
        v = va_arg(ap, unsigned);
        /* nDPI's JA3 lists: "" or "-" then a number, with room to spare */
        if (a && (a[0] == '\0' || a[1] == '\0') && maxlen > 1 + NUMBER_MAX) {
            char d[NUMBER_MAX];
            size_t i = decimal(d, v), n = 0;
            if (a[0])
                s[n++] = a[0];
            while (i < sizeof d)
                s[n++] = d[i++];
            s[n] = '\0';
            return (int)n;
        }
        break;
    case S_X04_UPPER:
        a = va_arg(ap, const char *);
        v = va_arg(ap, unsigned);
        break;
    case S_S:
        a = va_arg(ap, const char *);
        b = va_arg(ap, const char *);
        if (!b)
            return -1;
        break;
    default:
        v = va_arg(ap, unsigned);
        a = "";
        /* nDPI's digests, a byte at a time: the bulk of the calls */
        if ((shape == X02 || shape == X02_UPPER) && v <= 0xffu && maxlen >= 3) {
            const char *digits = shape == X02_UPPER ? "0123456789ABCDEF" : "0123456789abcdef";
            s[0] = digits[v >> 4];
            s[1] = digits[v & 0xfu];
            s[2] = '\0';
            return 2;
        }
        break;
    }
    /* NULL prints as glibc's "(null)": left to glibc, before a byte is written */
    if (!a)
        return -1;
    size_t a_len = strlen(a), b_len = b ? strlen(b) : 0;
    if (a_len > STRING_MAX || b_len > STRING_MAX)
        return -1;
    put(&o, a, a_len);
    switch (shape) {
    case S_U:
        put_decimal(&o, v);
        break;
    case U_COMMA:
        put_decimal(&o, v);
        put(&o, ",", 1);
        break;
    case X02:
    case X02_UPPER:
        put_hex(&o, v, 2, shape == X02_UPPER);
        break;
    case S_X04_UPPER:
        put_hex(&o, v, 4, true);
        break;
    case S_S:
        put(&o, b, b_len);
        break;
    case OTHER:
        break;
    }
    if (maxlen)
        s[o.len < o.room ? o.len : o.room] = '\0';
    return (int)o.len;
}

int tg_fastfmt(char *s, size_t maxlen, const char *fmt, va_list ap)
{
    return format(s, maxlen, fmt, ap);
}

/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): named by ld --wrap */
int __wrap___snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
    /* The arguments are walked twice by starting over (va_start again), not
     * with va_copy: its 16-byte copy of the two offsets va_start has just
     * stored one at a time stalls the store buffer, a third of this
     * function's time when it was used. */
    va_list ap;
    int n = -1;
    if (maxlen <= slen) { /* else glibc's check fails the call, as it should */
        va_start(ap, fmt);
        n = format(s, maxlen, fmt, ap);
        va_end(ap);
    }
    if (n < 0) {
        va_start(ap, fmt);
        n = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
        va_end(ap);
    }
    return n;
}
