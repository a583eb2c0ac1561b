/*
 * fuzz_fingerprint.c - parses the input as a ClientHello or ServerHello and
 * fingerprints it with analyzer/fingerprint.c (JA3, JA3S, JA4, JA4_r).
 *
 * Input layout:
 *   byte 0  bit 0: 0 ClientHello, 1 ServerHello; bit 1: SSLv2 format;
 *           bits 2-3: JA4 protocol letter 't', 'q', 'd' or an invalid 'x'
 *   byte 1  string capacity: 0xff the exact size the *_size() function
 *           asks for, else 8 times the byte (0 included: no buffer)
 *   rest    the hello body, in a buffer of exactly its size; the string
 *           buffer is also allocated at exactly its capacity.
 *
 * Checks: the status is one the header promises; a *_size() of 0 means no
 * fingerprint, and a capacity of at least the size gives one; a fingerprint
 * is well formed (32 hex digits of MD5; JA4 as a_b_c with 12 hex digits
 * each, its prefix that of JA4_r, the two JA4_r lists sorted); a failure
 * leaves every hash empty and the string terminated within its buffer.
 */
#include "../analyzer/fingerprint.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static size_t capacity(uint8_t hint, size_t needed)
{
    return hint == 0xff ? needed : (size_t)hint * 8;
}

/* What every string function promises about its status and outputs. */
static void check_common(enum tg_status st, size_t needed, size_t cap, const char *str,
                         const char *hash, size_t hash_len)
{
    require(st == TG_OK || st == TG_E_LIMIT || st == TG_E_MALFORMED);
    if (needed == 0)
        require(st != TG_OK);
    if (needed > 0 && cap >= needed)
        require(st == TG_OK);
    if (cap > 0)
        require(memchr(str, '\0', cap) != NULL);
    if (st != TG_OK) {
        require(hash[0] == '\0');
        return;
    }
    require(str != NULL && cap >= needed); /* a success had the room it needed */
    require(strlen(str) + 1 == needed);
    require(strlen(hash) == hash_len);
    if (hash_len == 32) /* an MD5; JA4's form is checked by check_ja4() */
        require(all_hex(hash, hash_len));
}

/* The 4-hex-digit items of one JA4_r list, from p up to `end`, ascend. */
static const char *check_sorted(const char *p, char end)
{
    const char *prev = NULL;
    while (*p && *p != end) {
        require(all_hex(p, 4));
        if (prev)
            require(memcmp(prev, p, 4) <= 0);
        prev = p;
        p += 4;
        if (*p == ',')
            p++;
    }
    return p;
}

static void check_ja4(const char *ja4, const char *ja4_r)
{
    require(ja4_r != NULL); /* a success had a buffer (check_common) */
    require(strlen(ja4) == 36 && ja4[10] == '_' && ja4[23] == '_');
    require(all_hex(ja4 + 11, 12) && all_hex(ja4 + 24, 12));
    require(memcmp(ja4, ja4_r, 10) == 0 && ja4_r[10] == '_');
    const char *c = check_sorted(ja4_r + 11, '_');
    require(*c == '_');
    (void)check_sorted(c + 1, '_');
}

static void client(const struct tg_client_hello *ch, uint8_t hint, char protocol)
{
    size_t need = tg_ja3_size(ch), cap = capacity(hint, need);
    char *str = cap ? malloc(cap) : NULL;
    char md5[TG_JA3_HASH_SIZE], ja4[TG_JA4_SIZE];
    if (cap && !str)
        return;
    check_common(tg_ja3(ch, str, cap, md5), need, cap, str, md5, 32);
    free(str);

    need = tg_ja4_r_size(ch);
    cap = capacity(hint, need);
    str = cap ? malloc(cap) : NULL;
    if (cap && !str)
        return;
    enum tg_status st = tg_ja4(ch, protocol, ja4, str, cap);
    if (protocol == 'x')
        require(st != TG_OK);
    else
        check_common(st, need, cap, str, ja4, 36);
    if (st == TG_OK)
        check_ja4(ja4, str);
    free(str);
}

static void server(const struct tg_server_hello *sh, uint8_t hint)
{
    size_t need = tg_ja3s_size(sh), cap = capacity(hint, need);
    char *str = cap ? malloc(cap) : NULL;
    char md5[TG_JA3_HASH_SIZE];
    if (cap && !str)
        return;
    check_common(tg_ja3s(sh, str, cap, md5), need, cap, str, md5, 32);
    free(str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char protocols[] = "tqdx";
    if (size < 2)
        return 0;
    size_t n = size - 2;
    uint8_t *body = malloc(n ? n : 1);
    if (!body)
        return 0;
    if (n)
        memcpy(body, data + 2, n);
    struct tg_view v = {n ? body : NULL, n};
    bool sslv2 = data[0] & 2;
    if (data[0] & 1) {
        struct tg_server_hello sh;
        enum tg_status st =
            sslv2 ? tg_server_hello_parse_sslv2(v, &sh) : tg_server_hello_parse(v, &sh);
        (void)st; /* fingerprints must be safe on whatever the parser left */
        server(&sh, data[1]);
    } else {
        struct tg_client_hello ch;
        enum tg_status st =
            sslv2 ? tg_client_hello_parse_sslv2(v, &ch) : tg_client_hello_parse(v, &ch);
        (void)st;
        client(&ch, data[1], protocols[(data[0] >> 2) & 3]);
    }
    free(body);
    return 0;
}
