/*
 * fingerprint.c - JA3, JA3S and JA4 / JA4_r of parsed hellos.
 *
 * Sources, in our own words (fingerprint.h says each rule in full):
 *   JA3, JA3S  github.com/salesforce/ja3 README (BSD-3-Clause);
 *   JA4        github.com/FoxIO-LLC/ja4 technical_details/JA4.md
 *              (BSD-3-Clause);
 *   GREASE     RFC 8701 (values 0x?a?a with equal bytes).
 * The hello fields read are those of RFC 8446 4.1.2 / 4.1.3 and RFC 5246
 * 7.4.1.2 / 7.4.1.3: legacy_version, cipher_suites, the extension types in
 * wire order, and the bodies of supported_groups (RFC 8446 4.2.7),
 * ec_point_formats (RFC 8422 5.1.2), signature_algorithms (RFC 8446 4.2.3),
 * supported_versions (RFC 8446 4.2.1) and ALPN (RFC 7301 3.1), all as the
 * dissectors left them: views of raw big-endian u16 (or u8) lists.
 *
 * The strings are written into the caller's buffer through a `sink` that
 * counts every byte it is offered, past the capacity too, so the same code
 * measures (capacity 0) and writes. A number goes in as one run of bytes,
 * checked against the capacity once. JA4 sorts its two lists as numbers
 * (insertion sort into a small array) before writing them; a list longer
 * than that array is written in wire order and sorted in place in the
 * JA4_r buffer: each item there is four hex digits followed by a comma (or
 * the end of the list), so a list is an array of fixed 5-byte strides whose
 * first four bytes sort as the numbers they spell.
 *
 * Nothing is allocated and nothing large is put on the stack: a hello's
 * extension types are walked by an iterator, over the dissector's array or
 * (when the dissector kept fewer than were sent) over the extensions block.
 */
#include "fingerprint.h"

#include "../dissectors/names.h"
#include "../dissectors/u16list.h"
#include "x509.h"

#include <string.h>

enum {
    EXT_SERVER_NAME = 0x0000,
    EXT_ALPN = 0x0010,
};

#define HELLO_RANDOM_LEN 32 /* set only when a hello's fixed part parsed */
#define JA4_A_LEN 10        /* "t13d1516h2" */
#define JA4_HASH_DIGITS 12
#define JA4_COUNT_MAX 99
#define JA4_ITEM_DIGITS 4 /* a u16 as hex */
#define JA4_ITEM_STRIDE 5 /* the digits and their comma */
#define JA4_SORT_MAX 128  /* lists up to this long are sorted as numbers */

static const char hex_digits[] = "0123456789abcdef";

/* ------------------------------------------------------ extension types */

/* A hello's extension types in wire order: the dissector's array, or, when
 * it kept fewer than were sent (a capped array), all of them from the block. */
struct type_iter {
    const uint16_t *kept;
    size_t n_kept, i;
    bool from_block;
    struct tg_rd block;
};

static struct type_iter types_of(const uint16_t *kept, size_t n_kept, size_t total,
                                 struct tg_view block)
{
    struct type_iter it = {kept, n_kept, 0, total > n_kept, tg_rd_of(block)};
    return it;
}

/* The next type; false at the end. From the block, a type counts as soon as
 * its 4-byte header is there, even when its body then overruns the block. */
static bool next_type(struct type_iter *it, uint16_t *type)
{
    if (!it->from_block) {
        if (it->i >= it->n_kept)
            return false;
        *type = it->kept[it->i++];
        return true;
    }
    if (tg_rd_left(&it->block) < 4)
        return false;
    *type = tg_rd_u16(&it->block);
    tg_rd_skip(&it->block, tg_rd_u16(&it->block));
    return true;
}

/* ---------------------------------------------------------------- output */

/* A string being written into buf[cap]; `len` counts every byte offered. */
struct sink {
    char *buf;
    size_t cap;
    size_t len;
};

static struct sink sink_make(char *buf, size_t cap)
{
    struct sink s = {buf, buf ? cap : 0, 0};
    return s;
}

static void put(struct sink *s, char c)
{
    if (s->cap > 0 && s->len < s->cap - 1)
        s->buf[s->len] = c;
    s->len++;
}

/* Where n more bytes go when they fit, with the NUL after them; NULL when
 * they do not (then each byte goes through put). */
static char *room(struct sink *s, size_t n)
{
    if (s->len < s->cap && n < s->cap - s->len)
        return s->buf + s->len;
    return NULL;
}

/* Terminates the string (cut if need be); true when all of it fit. */
static bool sink_close(struct sink *s)
{
    if (s->cap == 0)
        return false;
    bool fits = s->len < s->cap;
    s->buf[fits ? s->len : s->cap - 1] = '\0';
    return fits;
}

static size_t dec_len(uint16_t v)
{
    return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : 5;
}

static void put_dec(struct sink *s, uint16_t v)
{
    static const unsigned tens[] = {1, 10, 100, 1000, 10000};
    size_t n = dec_len(v);
    char *out = room(s, n);
    if (out) {
        for (size_t i = n; i-- > 0; v /= 10)
            out[i] = (char)('0' + v % 10);
        s->len += n;
    } else if (s->cap == 0) {
        s->len += n; /* measuring */
    } else {
        for (size_t i = n; i-- > 0;)
            put(s, (char)('0' + v / tens[i] % 10));
    }
}

static void put_hex4(struct sink *s, uint16_t v)
{
    char *out = room(s, JA4_ITEM_DIGITS);
    if (out) {
        out[0] = hex_digits[v >> 12];
        out[1] = hex_digits[(v >> 8) & 0xfu];
        out[2] = hex_digits[(v >> 4) & 0xfu];
        out[3] = hex_digits[v & 0xfu];
        s->len += JA4_ITEM_DIGITS;
        return;
    }
    for (unsigned shift = 16; shift > 0; shift -= 4)
        put(s, hex_digits[((unsigned)v >> (shift - 4)) & 0xfu]);
}

/* One list item, after `sep` unless it is the first; counts it. */
static void put_item(struct sink *s, uint16_t v, char sep, bool hex, size_t *count)
{
    if (*count > 0)
        put(s, sep);
    if (hex)
        put_hex4(s, v);
    else
        put_dec(s, v);
    (*count)++;
}

/* The non-GREASE values of a raw u16 list; returns how many. */
static size_t put_u16_list(struct sink *s, struct tg_view list, char sep, bool hex)
{
    size_t count = 0;
    struct tg_rd r = tg_rd_of(list);
    while (tg_rd_left(&r) >= 2) {
        uint16_t v = tg_rd_u16(&r);
        if (!tg_is_grease(v))
            put_item(s, v, sep, hex, &count);
    }
    return count;
}

/* The non-GREASE extension types, without SNI and ALPN when `ja4`. */
static size_t put_types(struct sink *s, struct type_iter it, char sep, bool ja4)
{
    size_t count = 0;
    uint16_t t;
    while (next_type(&it, &t)) {
        if (tg_is_grease(t) || (ja4 && (t == EXT_SERVER_NAME || t == EXT_ALPN)))
            continue;
        put_item(s, t, sep, ja4, &count);
    }
    return count;
}

/* A u8 list in decimal, '-' joined (ec_point_formats; no GREASE there). */
static void put_u8_list(struct sink *s, struct tg_view list)
{
    for (size_t i = 0; i < list.len; i++) {
        if (i > 0)
            put(s, '-');
        put_dec(s, tg_view_at(list, i));
    }
}

/* n bytes as 2n lower-case hex digits, not terminated. */
static void hex_of(const uint8_t *bytes, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned byte = bytes[i];
        out[2 * i] = hex_digits[byte >> 4];
        out[2 * i + 1] = hex_digits[byte & 0xfu];
    }
}

static struct tg_view text_view(const char *text, size_t len)
{
    struct tg_view v = {(const uint8_t *)text, len};
    return v;
}

/* The MD5 of a closed sink's string as 32 hex digits and NUL. */
static enum tg_status md5_hex_of(const struct sink *s, char out[TG_JA3_HASH_SIZE])
{
    uint8_t digest[TG_MD5_LEN];
    if (!tg_digest_md5(text_view(s->buf, s->len), digest))
        return TG_E_NOMEM;
    hex_of(digest, sizeof digest, out);
    out[2 * sizeof digest] = '\0';
    return TG_OK;
}

/* --------------------------------------------------------------- JA3(S) */

static enum tg_status client_hello_usable(const struct tg_client_hello *ch)
{
    if (ch->sslv2 || ch->random.len != HELLO_RANDOM_LEN)
        return TG_E_MALFORMED;
    return TG_OK;
}

static enum tg_status server_hello_usable(const struct tg_server_hello *sh)
{
    if (sh->sslv2 || sh->random.len != HELLO_RANDOM_LEN)
        return TG_E_MALFORMED;
    return TG_OK;
}

static struct type_iter ch_types(const struct tg_client_hello *ch)
{
    return types_of(ch->extensions, ch->n_extensions, ch->n_extensions_total, ch->extensions_block);
}

static void ja3_string(const struct tg_client_hello *ch, struct sink *s)
{
    put_dec(s, ch->legacy_version);
    put(s, ',');
    (void)put_u16_list(s, ch->cipher_suites, '-', false);
    put(s, ',');
    (void)put_types(s, ch_types(ch), '-', false);
    put(s, ',');
    if (ch->has_supported_groups)
        (void)put_u16_list(s, ch->supported_groups, '-', false);
    put(s, ',');
    if (ch->has_ec_point_formats)
        put_u8_list(s, ch->ec_point_formats);
}

static void ja3s_string(const struct tg_server_hello *sh, struct sink *s)
{
    put_dec(s, sh->legacy_version);
    put(s, ',');
    put_dec(s, sh->cipher_suite);
    put(s, ',');
    struct type_iter types =
        types_of(sh->extensions, sh->n_extensions, sh->n_extensions_total, sh->extensions_block);
    (void)put_types(s, types, '-', false);
}

size_t tg_ja3_size(const struct tg_client_hello *ch)
{
    if (client_hello_usable(ch) != TG_OK)
        return 0;
    struct sink s = sink_make(NULL, 0);
    ja3_string(ch, &s);
    return s.len + 1;
}

enum tg_status tg_ja3(const struct tg_client_hello *ch, char *str, size_t cap,
                      char md5_hex[TG_JA3_HASH_SIZE])
{
    struct sink s = sink_make(str, cap);
    md5_hex[0] = '\0';
    enum tg_status st = client_hello_usable(ch);
    if (st != TG_OK) {
        (void)sink_close(&s);
        return st;
    }
    ja3_string(ch, &s);
    if (!sink_close(&s))
        return TG_E_LIMIT;
    return md5_hex_of(&s, md5_hex);
}

size_t tg_ja3s_size(const struct tg_server_hello *sh)
{
    if (server_hello_usable(sh) != TG_OK)
        return 0;
    struct sink s = sink_make(NULL, 0);
    ja3s_string(sh, &s);
    return s.len + 1;
}

enum tg_status tg_ja3s(const struct tg_server_hello *sh, char *str, size_t cap,
                       char md5_hex[TG_JA3_HASH_SIZE])
{
    struct sink s = sink_make(str, cap);
    md5_hex[0] = '\0';
    enum tg_status st = server_hello_usable(sh);
    if (st != TG_OK) {
        (void)sink_close(&s);
        return st;
    }
    ja3s_string(sh, &s);
    if (!sink_close(&s))
        return TG_E_LIMIT;
    return md5_hex_of(&s, md5_hex);
}

/* ------------------------------------------------------------ JA4 part a */

/* The highest non-GREASE supported_versions value, else legacy_version. */
static uint16_t ja4_version(const struct tg_client_hello *ch)
{
    uint16_t best = 0;
    bool found = false;
    if (ch->has_supported_versions) {
        for (size_t i = 0; i < tg_u16_list_count(ch->supported_versions); i++) {
            uint16_t v = tg_u16_list_at(ch->supported_versions, i);
            if (!tg_is_grease(v) && (!found || v > best)) {
                best = v;
                found = true;
            }
        }
    }
    return found ? best : ch->legacy_version;
}

static const char *ja4_version_code(uint16_t v)
{
    static const struct {
        uint16_t version;
        const char *code;
    } codes[] = {
        {0x0002, "s2"}, {0x0300, "s3"}, {0x0301, "10"}, {0x0302, "11"}, {0x0303, "12"},
        {0x0304, "13"}, {0xfefc, "d3"}, {0xfefd, "d2"}, {0xfeff, "d1"},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].version == v)
            return codes[i].code;
    return "00";
}

/* Counts the non-GREASE types; *sni: server_name is among them. */
static size_t count_types(struct type_iter it, bool *sni)
{
    size_t count = 0;
    uint16_t t;
    *sni = false;
    while (next_type(&it, &t)) {
        count += !tg_is_grease(t);
        *sni = *sni || t == EXT_SERVER_NAME;
    }
    return count;
}

static size_t count_non_grease_u16(struct tg_view list)
{
    size_t count = 0;
    struct tg_rd r = tg_rd_of(list);
    while (tg_rd_left(&r) >= 2)
        count += !tg_is_grease(tg_rd_u16(&r));
    return count;
}

static void put_count(struct sink *s, size_t n)
{
    if (n > JA4_COUNT_MAX)
        n = JA4_COUNT_MAX;
    put(s, (char)('0' + n / 10));
    put(s, (char)('0' + n % 10));
}

static bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* First and last character of the first ALPN name, or hex digits of them. */
static void put_alpn(struct sink *s, const struct tg_client_hello *ch)
{
    struct tg_view name = {NULL, 0};
    if (ch->has_alpn) {
        struct tg_rd list = tg_rd_of(ch->alpn);
        if (!tg_alpn_next(&list, &name))
            name.len = 0;
    }
    if (name.len == 0) {
        put(s, '0');
        put(s, '0');
        return;
    }
    uint8_t first = tg_view_at(name, 0);
    uint8_t last = tg_view_at(name, name.len - 1);
    if (is_alnum(first) && is_alnum(last)) {
        put(s, (char)first);
        put(s, (char)last);
    } else {
        put(s, hex_digits[(unsigned)first >> 4]);
        put(s, hex_digits[(unsigned)last & 0xfu]);
    }
}

static void ja4_a(const struct tg_client_hello *ch, char protocol, struct sink *s)
{
    const char *version = ja4_version_code(ja4_version(ch));
    put(s, protocol);
    put(s, version[0]);
    put(s, version[1]);
    bool sni;
    size_t n_types = count_types(ch_types(ch), &sni);
    put(s, sni ? 'd' : 'i');
    put_count(s, count_non_grease_u16(ch->cipher_suites));
    put_count(s, n_types);
    put_alpn(s, ch);
}

/* ------------------------------------------------------- JA4 parts b, c */

/* Where the two hashed strings and the lists to sort sit in JA4_r. */
struct ja4_layout {
    size_t b_start, b_len, n_ciphers;
    size_t c_start, c_len, n_extensions;
    bool sort_b, sort_c; /* written in wire order: sort them in place */
};

/* Values kept sorted as they come, while there are at most JA4_SORT_MAX. */
struct sorted {
    uint16_t v[JA4_SORT_MAX];
    size_t n; /* values offered: past JA4_SORT_MAX, not all are in v */
};

static void sorted_add(struct sorted *q, uint16_t v)
{
    if (q->n < JA4_SORT_MAX) {
        size_t j = q->n;
        for (; j > 0 && q->v[j - 1] > v; j--)
            q->v[j] = q->v[j - 1];
        q->v[j] = v;
    }
    q->n++;
}

/* Writes the sorted values as JA4 items; false (nothing written) when there
 * were too many to keep. */
static bool sorted_put(struct sink *s, const struct sorted *q)
{
    if (q->n > JA4_SORT_MAX)
        return false;
    size_t count = 0;
    for (size_t i = 0; i < q->n; i++)
        put_item(s, q->v[i], ',', true, &count);
    return true;
}

/* JA4's non-GREASE suites, sorted, or in wire order with *later set. */
static size_t put_ja4_suites(struct sink *s, struct tg_view suites, bool *later)
{
    *later = false;
    if (s->cap == 0) /* measuring: the order does not change the length */
        return put_u16_list(s, suites, ',', true);
    struct sorted q = {.n = 0};
    struct tg_rd r = tg_rd_of(suites);
    while (tg_rd_left(&r) >= 2) {
        uint16_t v = tg_rd_u16(&r);
        if (!tg_is_grease(v))
            sorted_add(&q, v);
    }
    *later = !sorted_put(s, &q);
    return *later ? put_u16_list(s, suites, ',', true) : q.n;
}

/* The same for the extension types other than SNI and ALPN. */
static size_t put_ja4_types(struct sink *s, struct type_iter types, bool *later)
{
    *later = false;
    if (s->cap == 0)
        return put_types(s, types, ',', true);
    struct sorted q = {.n = 0};
    struct type_iter it = types;
    uint16_t t;
    while (next_type(&it, &t))
        if (!tg_is_grease(t) && t != EXT_SERVER_NAME && t != EXT_ALPN)
            sorted_add(&q, t);
    *later = !sorted_put(s, &q);
    return *later ? put_types(s, types, ',', true) : q.n;
}

static void ja4_r_string(const struct tg_client_hello *ch, char protocol, struct sink *s,
                         struct ja4_layout *at)
{
    ja4_a(ch, protocol, s);
    put(s, '_');
    at->b_start = s->len;
    at->n_ciphers = put_ja4_suites(s, ch->cipher_suites, &at->sort_b);
    at->b_len = s->len - at->b_start;
    put(s, '_');
    at->c_start = s->len;
    at->n_extensions = put_ja4_types(s, ch_types(ch), &at->sort_c);
    if (count_non_grease_u16(ch->signature_algorithms) > 0) {
        put(s, '_');
        (void)put_u16_list(s, ch->signature_algorithms, ',', true);
    }
    at->c_len = s->len - at->c_start;
}

/* Item i's four digits as one number that orders as they do. */
static uint32_t item_key(const char *list, size_t i)
{
    const char *d = list + i * JA4_ITEM_STRIDE;
    return (uint32_t)(uint8_t)d[0] << 24 | (uint32_t)(uint8_t)d[1] << 16 |
           (uint32_t)(uint8_t)d[2] << 8 | (uint32_t)(uint8_t)d[3];
}

static void item_set(char *list, size_t i, uint32_t key)
{
    char *d = list + i * JA4_ITEM_STRIDE;
    d[0] = (char)(key >> 24);
    d[1] = (char)(key >> 16);
    d[2] = (char)(key >> 8);
    d[3] = (char)key;
}

static void item_swap(char *list, size_t i, size_t j)
{
    uint32_t t = item_key(list, i);
    item_set(list, i, item_key(list, j));
    item_set(list, j, t);
}

static void sift_down(char *list, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && item_key(list, child) < item_key(list, child + 1))
            child++;
        if (item_key(list, root) >= item_key(list, child))
            return;
        item_swap(list, root, child);
        root = child;
    }
}

/* Heapsort of n 4-digit items at a 5-byte stride: no recursion, no memory. */
static void sort_items(char *list, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(list, i, n);
    for (size_t end = n; end-- > 1;) {
        item_swap(list, 0, end);
        sift_down(list, 0, end);
    }
}

/* 12 hex digits of the SHA-256 of text[len], or twelve zeros when empty. */
static enum tg_status hash12(const char *text, size_t len, char out[JA4_HASH_DIGITS])
{
    if (len == 0) {
        memset(out, '0', JA4_HASH_DIGITS);
        return TG_OK;
    }
    uint8_t digest[TG_SHA256_LEN];
    if (!tg_digest_sha256(text_view(text, len), digest))
        return TG_E_NOMEM;
    hex_of(digest, JA4_HASH_DIGITS / 2, out);
    return TG_OK;
}

size_t tg_ja4_r_size(const struct tg_client_hello *ch)
{
    if (client_hello_usable(ch) != TG_OK)
        return 0;
    struct sink s = sink_make(NULL, 0);
    struct ja4_layout at;
    ja4_r_string(ch, 't', &s, &at);
    return s.len + 1;
}

/* JA4 from a complete JA4_r whose lists are now sorted. */
static enum tg_status ja4_hashed(const char *ja4_r, const struct ja4_layout *at,
                                 char ja4[TG_JA4_SIZE])
{
    memcpy(ja4, ja4_r, JA4_A_LEN);
    ja4[JA4_A_LEN] = '_';
    char *b = ja4 + JA4_A_LEN + 1;
    char *c = b + JA4_HASH_DIGITS + 1;
    if (hash12(ja4_r + at->b_start, at->b_len, b) != TG_OK ||
        hash12(ja4_r + at->c_start, at->c_len, c) != TG_OK) {
        ja4[0] = '\0';
        return TG_E_NOMEM;
    }
    b[JA4_HASH_DIGITS] = '_';
    c[JA4_HASH_DIGITS] = '\0';
    return TG_OK;
}

enum tg_status tg_ja4(const struct tg_client_hello *ch, char protocol, char ja4[TG_JA4_SIZE],
                      char *ja4_r, size_t cap)
{
    struct sink s = sink_make(ja4_r, cap);
    ja4[0] = '\0';
    enum tg_status st = client_hello_usable(ch);
    if (st == TG_OK && protocol != 't' && protocol != 'q' && protocol != 'd')
        st = TG_E_MALFORMED;
    if (st != TG_OK) {
        (void)sink_close(&s);
        return st;
    }
    struct ja4_layout at;
    ja4_r_string(ch, protocol, &s, &at);
    if (!sink_close(&s))
        return TG_E_LIMIT;
    if (at.sort_b)
        sort_items(ja4_r + at.b_start, at.n_ciphers);
    if (at.sort_c)
        sort_items(ja4_r + at.c_start, at.n_extensions);
    return ja4_hashed(ja4_r, &at, ja4);
}
