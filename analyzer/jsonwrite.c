/*
 * jsonwrite.c - a cJSON tree as JSON text (RFC 8259), byte for byte as
 * cJSON 1.7.15 prints it unformatted (see jsonwrite.h). No wire bytes here.
 *
 * What cJSON writes, and so what we write:
 *   - object: '{' then each member as key ':' value, members split by ','
 *     then '}'; no spaces; "{}" when empty. A member without a key gets "".
 *   - array: '[' values split by ',' ']'; "[]" when empty.
 *   - true, false, null: the word. The type is the low 8 bits of
 *     item->type; the flag bits above (cJSON_IsReference...) are ignored.
 *   - raw: valuestring as it is (the whole print fails when it is NULL).
 *   - string (a value or a key), RFC 8259 section 7: '"', the bytes, '"'.
 *     '"' and '\' are escaped as \" and \\; of the bytes below 0x20,
 *     backspace, form feed, newline, carriage return and tab get \b \f \n
 *     \r \t, every other one \u00XX with two lower-case hex digits. All
 *     other bytes (0x7f and 0x80..0xff too, valid UTF-8 or not) are copied
 *     unchanged. A NULL valuestring is written as "".
 *   - a number or any other type: cJSON prints that item (see put_cjson).
 *
 * Speed: a string, the bulk of a record, is written through a local
 * pointer when the buffer has room for its worst case (WORST bytes a byte);
 * it is checked for bytes to escape a word at a time and, having none as a
 * rule, copied with one memcpy. A member's ',' key ':' go in one such step.
 *
 * The text is counted in full even when the buffer is too small, so the
 * caller learns the size it needs; once a piece does not fit, nothing more
 * is stored (the length has passed cap, and every later check fails). Near
 * cap, strings are escaped a chunk at a time into a local array and put as
 * far as they fit.
 */
#include "jsonwrite.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct out {
    char *buf;
    size_t cap;
    size_t len; /* of the whole text so far; past cap once a piece did not fit */
};

static inline void put(struct out *o, const char *s, size_t n)
{
    if (o->len <= o->cap && n <= o->cap - o->len)
        memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static inline void put_char(struct out *o, char c)
{
    if (o->len < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

/* Bytes left before cap; 0 once the text has reached or passed it. */
static inline size_t room(const struct out *o)
{
    return o->len < o->cap ? o->cap - o->len : 0;
}

/* ---------------------------------------------------------------- strings */

#define WORST 6 /* text one byte of a string may become: \u00XX */
#define CHUNK 64
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t load64(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

static inline uint64_t load32(const char *s)
{
    uint32_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

/* Where a byte of w is below 0x20, a '"' or a '\\', a byte of the result
 * has its high bit set (maybe more bytes do; 0 when none is). (x - ONES*k)
 * & ~x & HIGHS is not 0 exactly when a byte of x is below k (k <= 0x80);
 * a byte equal to c is a zero byte of w ^ ONES*c, and as '"' and '\\' are
 * below 0x80 that word's high bits are w's, so one ~w serves all three. */
static inline uint64_t escape_bits(uint64_t w)
{
    uint64_t q = w ^ (ONES * '"');
    uint64_t b = w ^ (ONES * '\\');
    return ((w - ONES * 0x20) | (q - ONES) | (b - ONES)) & ~w & HIGHS;
}

static inline bool byte_needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* None of the n bytes at s needs an escape. Sixteen bytes at a time, the
 * last eight (or two overlapping halves of 4..7 bytes) read as one word. */
static bool all_plain(const char *s, size_t n)
{
    if (n >= 8) {
        size_t i = 0;
        for (; n - i > 16; i += 16)
            if (escape_bits(load64(s + i)) | escape_bits(load64(s + i + 8)))
                return false;
        if (n - i > 8 && escape_bits(load64(s + i)))
            return false;
        return !escape_bits(load64(s + n - 8));
    }
    if (n >= 4)
        return !escape_bits(load32(s) << 32 | load32(s + n - 4));
    for (size_t i = 0; i < n; i++)
        if (byte_needs_escape((unsigned char)s[i]))
            return false;
    return true;
}

/* The letter of a two-character escape, or 0: \u00XX. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '"':
        return '"';
    case '\\':
        return '\\';
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    default:
        return 0;
    }
}

/* The n bytes at s, escaped, at p (room for WORST * n); returns the end. */
static char *escape(char *p, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!byte_needs_escape(c)) {
            *p++ = (char)c;
            continue;
        }
        *p++ = '\\';
        char e = short_escape(c);
        if (e) {
            *p++ = e;
            continue;
        }
        p[0] = 'u';
        p[1] = '0';
        p[2] = '0';
        p[3] = hex[c >> 4];
        p[4] = hex[c & 15];
        p += 5;
    }
    return p;
}

/* The string quoted at p (room for WORST * n + 2); returns the end. Most
 * strings need no escape and are copied whole. */
static char *quote(char *p, const char *s, size_t n)
{
    *p++ = '"';
    if (all_plain(s, n)) {
        memcpy(p, s, n);
        p += n;
    } else {
        p = escape(p, s, n);
    }
    *p++ = '"';
    return p;
}

/* Near or past cap: the string escaped a chunk at a time, each chunk put
 * as far as it fits. */
static void put_quoted_slowly(struct out *o, const char *s, size_t n)
{
    put_char(o, '"');
    for (size_t i = 0; i < n; i += CHUNK) {
        char text[CHUNK * WORST];
        size_t k = n - i < CHUNK ? n - i : CHUNK;
        put(o, text, (size_t)(escape(text, s + i, k) - text));
    }
    put_char(o, '"');
}

/* A string value (NULL: ""). */
static void put_string(struct out *o, const char *s)
{
    s = s ? s : "";
    size_t n = strlen(s), r = room(o);
    if (r < 2 || n > (r - 2) / WORST) {
        put_quoted_slowly(o, s, n);
        return;
    }
    o->len = (size_t)(quote(o->buf + o->len, s, n) - o->buf);
}

/* An object member's key (NULL: ""), with the ',' before it unless it is
 * the first, and the ':' after it. */
static void put_key(struct out *o, const char *key, bool first)
{
    key = key ? key : "";
    size_t n = strlen(key), r = room(o);
    if (r < 4 || n > (r - 4) / WORST) {
        if (!first)
            put_char(o, ',');
        put_quoted_slowly(o, key, n);
        put_char(o, ':');
        return;
    }
    char *p = o->buf + o->len;
    if (!first)
        *p++ = ',';
    p = quote(p, key, n);
    *p++ = ':';
    o->len = (size_t)(p - o->buf);
}

/* ----------------------------------------------------------------- values */

/* cJSON's own text of one item (a number; or a subtree too deep for us):
 * cJSON_PrintUnformatted prints an item alone exactly as within its tree. */
static bool put_cjson(struct out *o, const cJSON *item)
{
    char *text = cJSON_PrintUnformatted(item);
    if (!text)
        return false;
    put(o, text, strlen(text));
    cJSON_free(text);
    return true;
}

/* NOLINTBEGIN(misc-no-recursion): containers nest at most TG_JSONWRITE_DEPTH
 * deep here; deeper ones go to put_cjson */
static bool put_value(struct out *o, const cJSON *item, int depth);

static bool put_array(struct out *o, const cJSON *item, int depth)
{
    put_char(o, '[');
    for (const cJSON *c = item->child; c; c = c->next) {
        if (c != item->child)
            put_char(o, ',');
        if (!put_value(o, c, depth))
            return false;
    }
    put_char(o, ']');
    return true;
}

static bool put_object(struct out *o, const cJSON *item, int depth)
{
    put_char(o, '{');
    for (const cJSON *c = item->child; c; c = c->next) {
        put_key(o, c->string, c == item->child);
        if (!put_value(o, c, depth))
            return false;
    }
    put_char(o, '}');
    return true;
}

/* depth: containers around item. */
static bool put_value(struct out *o, const cJSON *item, int depth)
{
    switch (item->type & 0xff) {
    case cJSON_NULL:
        put(o, "null", 4);
        return true;
    case cJSON_False:
        put(o, "false", 5);
        return true;
    case cJSON_True:
        put(o, "true", 4);
        return true;
    case cJSON_String:
        put_string(o, item->valuestring);
        return true;
    case cJSON_Raw:
        if (!item->valuestring)
            return false;
        put(o, item->valuestring, strlen(item->valuestring));
        return true;
    case cJSON_Array:
        if (depth >= TG_JSONWRITE_DEPTH)
            return put_cjson(o, item);
        return put_array(o, item, depth + 1);
    case cJSON_Object:
        if (depth >= TG_JSONWRITE_DEPTH)
            return put_cjson(o, item);
        return put_object(o, item, depth + 1);
    default: /* a number, or a type cJSON refuses */
        return put_cjson(o, item);
    }
}
/* NOLINTEND(misc-no-recursion) */

size_t tg_jsonwrite_print(const struct cJSON *item, char *buf, size_t cap)
{
    char none = 0;
    struct out o = {.buf = buf ? buf : &none, .cap = buf ? cap : 0, .len = 0};
    if (!item || !put_value(&o, item, 0))
        return TG_JSONWRITE_FAIL;
    if (o.len < o.cap)
        o.buf[o.len] = '\0';
    return o.len;
}
