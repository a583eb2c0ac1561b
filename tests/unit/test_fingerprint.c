/*
 * test_fingerprint.c - JA3, JA3S and JA4 / JA4_r of hand-built hellos,
 * parsed by the real dissectors from heap buffers of exactly their size.
 *
 * Where the expected values come from (each case names its source again):
 *   [JA4.md]    github.com/FoxIO-LLC/ja4 technical_details/JA4.md: the
 *               worked example (t13d1516h2_8daaf6152771_e5627efa2ab1, its
 *               JA4_r, the no-signature-algorithms hash 6d807ffa2a79) and
 *               the ALPN examples (0xAB -> "ab", 0x30 0xAB -> "3b", ...).
 *   [JA3]       github.com/salesforce/ja3 README: the two example strings
 *               and their MD5s.
 *   [Arkime]    arkime tests/pcap/https2-301-get.pcap.test and pppoe.pcap.test
 *               (in ../shared/captures): JA3S "769,5,65281" and "768,4,".
 *   [computed]  a string built by the published rule, hashed here with
 *               Python's hashlib (values that no source publishes).
 * Also: GREASE everywhere, no ALPN, 0 ciphers, 0 extensions, > 99 ciphers,
 * a signature_algorithms extension that is malformed, SSLv2 hellos, every
 * capacity below the one needed, more extensions than the dissector keeps,
 * lists just below and above the length fingerprint.c sorts as numbers (it
 * sorts longer ones in the string), checked against qsort, and every strict
 * prefix of a hello.
 */
#include "../../analyzer/fingerprint.h"
#include "testkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- building hellos */

struct buf {
    uint8_t b[16384];
    size_t n;
};

static void u8(struct buf *b, unsigned v)
{
    if (b->n < sizeof b->b)
        b->b[b->n++] = (uint8_t)v;
}

static void u16(struct buf *b, unsigned v)
{
    u8(b, (v >> 8) & 0xffu);
    u8(b, v & 0xffu);
}

static void bytes(struct buf *b, const void *p, size_t n)
{
    if (n == 0)
        return; /* p may be NULL: an empty extension body */
    const uint8_t *q = p;
    for (size_t i = 0; i < n; i++)
        u8(b, q[i]);
}

/* A length prefix of `width` bytes (1 or 2), filled in by close_len(). */
static size_t open_len(struct buf *b, unsigned width)
{
    size_t at = b->n;
    for (unsigned i = 0; i < width; i++)
        u8(b, 0);
    return at;
}

static void close_len(struct buf *b, size_t at, unsigned width)
{
    if (at >= sizeof b->b || width > sizeof b->b - at || width > b->n - at)
        return;
    size_t len = b->n - at - width;
    if (width == 2)
        b->b[at++] = (uint8_t)(len >> 8);
    b->b[at] = (uint8_t)(len & 0xffu);
}

/* legacy_version, random, empty session id, suites, compression {null}. */
static void hello_start(struct buf *b, uint16_t version, const uint16_t *suites, size_t n)
{
    b->n = 0;
    u16(b, version);
    for (int i = 0; i < 32; i++)
        u8(b, 0x11);
    u8(b, 0);
    size_t at = open_len(b, 2);
    for (size_t i = 0; i < n; i++)
        u16(b, suites[i]);
    close_len(b, at, 2);
    u8(b, 1);
    u8(b, 0);
}

static void ext_raw(struct buf *b, uint16_t type, const void *body, size_t len)
{
    u16(b, type);
    u16(b, (unsigned)len);
    bytes(b, body, len);
}

/* An extension whose body is one list of u16 values with a 1- or 2-byte length. */
static void ext_u16s(struct buf *b, uint16_t type, unsigned width, const uint16_t *v, size_t n)
{
    u16(b, type);
    size_t body = open_len(b, 2);
    size_t list = open_len(b, width);
    for (size_t i = 0; i < n; i++)
        u16(b, v[i]);
    close_len(b, list, width);
    close_len(b, body, 2);
}

static void ext_sni(struct buf *b, const char *host)
{
    u16(b, 0x0000);
    size_t body = open_len(b, 2);
    size_t list = open_len(b, 2);
    u8(b, 0);
    size_t name = open_len(b, 2);
    bytes(b, host, strlen(host));
    close_len(b, name, 2);
    close_len(b, list, 2);
    close_len(b, body, 2);
}

/* ALPN with one name of `len` bytes, then "h3" as a second name. */
static void ext_alpn(struct buf *b, const void *first, size_t len)
{
    u16(b, 0x0010);
    size_t body = open_len(b, 2);
    size_t list = open_len(b, 2);
    u8(b, (unsigned)len);
    bytes(b, first, len);
    u8(b, 2);
    bytes(b, "h3", 2);
    close_len(b, list, 2);
    close_len(b, body, 2);
}

static void ext_key_share_x25519(struct buf *b)
{
    u16(b, 0x0033);
    size_t body = open_len(b, 2);
    size_t list = open_len(b, 2);
    u16(b, 0x001d);
    u16(b, 32);
    for (int i = 0; i < 32; i++)
        u8(b, 0x42);
    close_len(b, list, 2);
    close_len(b, body, 2);
}

/* A heap copy of exactly the built bytes, parsed; the caller frees *copy. */
static enum tg_status parse(const struct buf *b, struct tg_client_hello *ch, uint8_t **copy)
{
    *copy = malloc(b->n ? b->n : 1);
    memcpy(*copy, b->b, b->n);
    struct tg_view v = {*copy, b->n};
    return tg_client_hello_parse(v, ch);
}

/* --------------------------------------------- the JA4.md worked example */

static const uint16_t spec_suites[] = {
    0x3a3a, /* GREASE, not in the spec's list: must not change anything */
    0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
    0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
};

static const uint16_t spec_sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503,
                                        0x0805, 0x0501, 0x0806, 0x0601};

/*
 * The example's extensions in its order 001b,0000,0033,0010,4469,0017,002d,
 * 000d,0005,0023,0012,002b,ff01,000b,000a,0015, with well-formed bodies,
 * plus GREASE extensions first and last and GREASE inside
 * supported_versions and supported_groups. With `sigalgs` false the
 * signature_algorithms extension is present but empty (malformed), so the
 * hello "has no signature algorithms".
 */
static void spec_extensions(struct buf *b, bool sigalgs)
{
    static const uint16_t versions[] = {0x1a1a, 0x0304, 0x0303};
    static const uint16_t groups[] = {0x2a2a, 0x001d, 0x0017, 0x0018};
    static const uint8_t compress_cert[] = {2, 0x00, 0x02};
    static const uint8_t alps[] = {0x00, 0x03, 0x02, 'h', '2'};
    static const uint8_t psk_modes[] = {1, 1};
    static const uint8_t status_request[] = {1, 0, 0, 0, 0};
    static const uint8_t point_formats[] = {1, 0};
    static const uint8_t zero = 0;
    static const uint8_t padding[7] = {0};
    size_t block = open_len(b, 2);
    ext_raw(b, 0x0a0a, NULL, 0);
    ext_raw(b, 0x001b, compress_cert, sizeof compress_cert);
    ext_sni(b, "example.com");
    ext_key_share_x25519(b);
    ext_alpn(b, "h2", 2);
    ext_raw(b, 0x4469, alps, sizeof alps);
    ext_raw(b, 0x0017, NULL, 0);
    ext_raw(b, 0x002d, psk_modes, sizeof psk_modes);
    if (sigalgs)
        ext_u16s(b, 0x000d, 2, spec_sigalgs, sizeof spec_sigalgs / sizeof spec_sigalgs[0]);
    else
        ext_raw(b, 0x000d, NULL, 0);
    ext_raw(b, 0x0005, status_request, sizeof status_request);
    ext_raw(b, 0x0023, NULL, 0);
    ext_raw(b, 0x0012, NULL, 0);
    ext_u16s(b, 0x002b, 1, versions, 3);
    ext_raw(b, 0xff01, &zero, 1);
    ext_raw(b, 0x000b, point_formats, sizeof point_formats);
    ext_u16s(b, 0x000a, 2, groups, 4);
    ext_raw(b, 0x0015, padding, sizeof padding);
    ext_raw(b, 0x1a1a, &zero, 1);
    close_len(b, block, 2);
}

/* Returns the length of the fixed part (where the extensions block starts). */
static size_t build_spec_hello(struct buf *b, bool sigalgs)
{
    hello_start(b, 0x0303, spec_suites, sizeof spec_suites / sizeof spec_suites[0]);
    size_t fixed = b->n;
    spec_extensions(b, sigalgs);
    return fixed;
}

/* JA4, JA4_r and the JA3 string of a parsed hello into caller buffers. */
struct prints {
    enum tg_status ja3_st, ja4_st;
    char ja3[4096], ja3_md5[TG_JA3_HASH_SIZE];
    char ja4[TG_JA4_SIZE], ja4_r[4096];
};

static void fingerprint(const struct tg_client_hello *ch, char protocol, struct prints *p)
{
    p->ja3_st = tg_ja3(ch, p->ja3, sizeof p->ja3, p->ja3_md5);
    p->ja4_st = tg_ja4(ch, protocol, p->ja4, p->ja4_r, sizeof p->ja4_r);
}

static void test_spec_example(void)
{
    puts("JA4.md worked example, with GREASE added (t13d1516h2_...)");
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    build_spec_hello(&b, true);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    CHECK(ch.problems == 0);
    fingerprint(&ch, 't', &p);
    CHECK(p.ja4_st == TG_OK);
    /* [JA4.md] "JA4 = t13d1516h2_8daaf6152771_e5627efa2ab1" */
    CHECK_STR(p.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    /* [JA4.md] the JA4_r line of "Raw Output" */
    CHECK_STR(p.ja4_r, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,"
                       "c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,"
                       "002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601");
    CHECK(tg_ja4_r_size(&ch) == strlen(p.ja4_r) + 1);
    /* [computed] the JA3 rule over the same hello, GREASE dropped */
    CHECK(p.ja3_st == TG_OK);
    CHECK_STR(p.ja3, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-"
                     "156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,"
                     "29-23-24,0");
    CHECK_STR(p.ja3_md5, "c000e2caf3a25423f9de6c8a4b12a975");
    CHECK(tg_ja3_size(&ch) == strlen(p.ja3) + 1);
    CHECK(tg_ja4(&ch, 'q', p.ja4, p.ja4_r, sizeof p.ja4_r) == TG_OK);
    CHECK_STR(p.ja4, "q13d1516h2_8daaf6152771_e5627efa2ab1");
    CHECK(tg_ja4(&ch, 'd', p.ja4, p.ja4_r, sizeof p.ja4_r) == TG_OK);
    CHECK(p.ja4[0] == 'd');
    CHECK(tg_ja4(&ch, 'x', p.ja4, p.ja4_r, sizeof p.ja4_r) == TG_E_MALFORMED);
    CHECK_STR(p.ja4, "");
    CHECK_STR(p.ja4_r, "");
    free(copy);
}

static void test_spec_no_sigalgs(void)
{
    puts("JA4.md: no signature algorithms, no underscore (6d807ffa2a79)");
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    build_spec_hello(&b, false);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    CHECK(ch.problems == TG_CH_BAD_EXTENSION);
    CHECK(!ch.has_signature_algorithms);
    fingerprint(&ch, 't', &p);
    CHECK(p.ja4_st == TG_OK);
    /* [JA4.md] "0005,...,4469,ff01 = 6d807ffa2a79"; 000d is still listed */
    CHECK_STR(p.ja4, "t13d1516h2_8daaf6152771_6d807ffa2a79");
    CHECK_STR(p.ja4_r, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,"
                       "c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,"
                       "002b,002d,0033,4469,ff01");
    free(copy);
}

/* ------------------------------------------------------ the JA3 README */

static void test_ja3_readme(void)
{
    puts("salesforce JA3 README examples");
    static const uint16_t s1[] = {47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4};
    static const uint16_t groups[] = {23, 24, 25};
    static const uint8_t formats[] = {1, 0};
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    hello_start(&b, 0x0301, s1, sizeof s1 / sizeof s1[0]);
    size_t block = open_len(&b, 2);
    ext_sni(&b, "example.org");
    ext_u16s(&b, 0x000a, 2, groups, 3);
    ext_raw(&b, 0x000b, formats, sizeof formats);
    close_len(&b, block, 2);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    fingerprint(&ch, 't', &p);
    /* [JA3] "769,47-53-...,0-10-11,23-24-25,0 --> ada70206e40642a3e4461f35503241d5" */
    CHECK(p.ja3_st == TG_OK);
    CHECK_STR(p.ja3, "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0");
    CHECK_STR(p.ja3_md5, "ada70206e40642a3e4461f35503241d5");
    /* [computed] TLS 1.0, SNI, 12 suites, 3 extensions, no ALPN */
    CHECK_STR(p.ja4, "t10d120300_d94e65cdb899_33a13ba74d1c");
    CHECK_STR(p.ja4_r, "t10d120300_0004,0005,000a,0013,002f,0032,0035,0038,c009,c00a,c013,"
                       "c014_000a,000b");
    free(copy);
}

static void test_no_extensions(void)
{
    puts("salesforce JA3 README: no extensions block (empty fields), 0 extensions");
    static const uint16_t s2[] = {4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99};
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    hello_start(&b, 0x0301, s2, sizeof s2 / sizeof s2[0]);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    CHECK(!ch.has_extensions_block);
    fingerprint(&ch, 't', &p);
    /* [JA3] "769,4-5-10-9-100-98-3-6-19-18-99,,, --> de350869b8c85de67a350c8d186f11e6" */
    CHECK_STR(p.ja3, "769,4-5-10-9-100-98-3-6-19-18-99,,,");
    CHECK_STR(p.ja3_md5, "de350869b8c85de67a350c8d186f11e6");
    /* [JA4.md] an empty extension list hashes to twelve zeros; [computed] b */
    CHECK_STR(p.ja4, "t10i110000_3609b414f052_000000000000");
    CHECK_STR(p.ja4_r, "t10i110000_0003,0004,0005,0006,0009,000a,0012,0013,0062,0063,0064_");
    free(copy);
}

static void test_zero_ciphers(void)
{
    puts("0 cipher suites, only SNI and ALPN: both lists empty");
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    hello_start(&b, 0x0303, NULL, 0);
    size_t block = open_len(&b, 2);
    ext_sni(&b, "a.example");
    ext_alpn(&b, "http/1.1", 8);
    close_len(&b, block, 2);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    fingerprint(&ch, 't', &p);
    CHECK_STR(p.ja3, "771,,0-16,,");
    /* [JA4.md] empty cipher and extension lists: 000000000000 each */
    CHECK_STR(p.ja4, "t12d0002h1_000000000000_000000000000");
    CHECK_STR(p.ja4_r, "t12d0002h1__");
    free(copy);
}

/* ----------------------------------------------------------- JA4 part a */

/* ja4_a of a TLS 1.2 hello with no suites and one ALPN extension. */
static void alpn_case(const void *first, size_t len, const char *want, int line)
{
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    hello_start(&b, 0x0303, NULL, 0);
    size_t block = open_len(&b, 2);
    ext_alpn(&b, first, len);
    close_len(&b, block, 2);
    check(parse(&b, &ch, &copy) == TG_OK, "parse", line);
    fingerprint(&ch, 't', &p);
    check_str(p.ja4 + 8, want, want, line); /* the two ALPN characters and the rest */
    free(copy);
}

static void test_alpn(void)
{
    puts("ALPN characters, alphanumeric or not");
    static const uint8_t ab[] = {0xab}, abcd[] = {0xab, 0xcd}, z_ab[] = {0x30, 0xab};
    static const uint8_t zo_abcd[] = {0x30, 0x31, 0xab, 0xcd},
                         z_abcd_o[] = {0x30, 0xab, 0xcd, 0x31};
    /* [JA4.md] "h2" -> h2, "http/1.1" -> h1 */
    alpn_case("h2", 2, "h2_000000000000_000000000000", __LINE__);
    alpn_case("http/1.1", 8, "h1_000000000000_000000000000", __LINE__);
    /* [JA4.md] a single character is both first and last */
    alpn_case("h", 1, "hh_000000000000_000000000000", __LINE__);
    /* [JA4.md] 0xAB -> "ab", 0xAB 0xCD -> "ad", 0x30 0xAB -> "3b",
     * 0x30 0x31 0xAB 0xCD -> "3d", 0x30 0xAB 0xCD 0x31 -> "01" */
    alpn_case(ab, 1, "ab_000000000000_000000000000", __LINE__);
    alpn_case(abcd, 2, "ad_000000000000_000000000000", __LINE__);
    alpn_case(z_ab, 2, "3b_000000000000_000000000000", __LINE__);
    alpn_case(zo_abcd, 4, "3d_000000000000_000000000000", __LINE__);
    alpn_case(z_abcd_o, 4, "01_000000000000_000000000000", __LINE__);
    /* non-alphanumeric ASCII at one end: hex of both ends ('-' is 0x2d) */
    alpn_case("h2-", 3, "6d_000000000000_000000000000", __LINE__);
}

static void test_versions(void)
{
    puts("JA4 version: highest non-GREASE supported_versions, else legacy_version");
    static const struct {
        uint16_t legacy;
        uint16_t versions[3];
        size_t n; /* 0: no supported_versions extension */
        const char *want;
    } cases[] = {
        /* [JA4.md] the code table, from legacy_version */
        {0x0300, {0}, 0, "s3"},
        {0x0002, {0}, 0, "s2"},
        {0x0301, {0}, 0, "10"},
        {0x0302, {0}, 0, "11"},
        {0x0303, {0}, 0, "12"},
        {0xfeff, {0}, 0, "d1"},
        {0xfefd, {0}, 0, "d2"},
        {0x0305, {0}, 0, "00"},
        /* [JA4.md] supported_versions wins; GREASE is ignored */
        {0x0303, {0xfafa, 0x0304, 0x0303}, 3, "13"},
        {0x0301, {0x0302, 0x0301}, 2, "11"},
        {0xfefd, {0xfefc}, 1, "d3"},
        /* "highest value", taken literally (as Arkime's dtls.c does) */
        {0xfefd, {0xfefc, 0xfefd}, 2, "d2"},
        /* a TLS 1.3 draft is the highest value and has no code */
        {0x0303, {0x7f17, 0x0303}, 2, "00"},
        /* only GREASE: legacy_version */
        {0x0303, {0x0a0a}, 1, "12"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        struct tg_client_hello ch;
        uint8_t *copy;
        struct prints p;
        hello_start(&b, cases[i].legacy, NULL, 0);
        if (cases[i].n) {
            size_t block = open_len(&b, 2);
            ext_u16s(&b, 0x002b, 1, cases[i].versions, cases[i].n);
            close_len(&b, block, 2);
        }
        CHECK(parse(&b, &ch, &copy) == TG_OK);
        fingerprint(&ch, 't', &p);
        char got[3] = {p.ja4[1], p.ja4[2], '\0'};
        CHECK_STR(got, cases[i].want);
        free(copy);
    }
}

/* --------------------------------------------------- lists and capacities */

static void test_many_ciphers(void)
{
    puts("150 suites in descending order, with repeats: count 99, all listed, sorted");
    uint16_t suites[150];
    for (size_t i = 0; i < 150; i++)
        suites[i] = (uint16_t)(0xc000 + (149 - i) / 2); /* each value twice */
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    hello_start(&b, 0x0303, suites, 150);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    fingerprint(&ch, 't', &p);
    CHECK(p.ja4_st == TG_OK && p.ja3_st == TG_OK);
    CHECK(strncmp(p.ja4, "t12i990000_", 11) == 0);
    CHECK(strncmp(p.ja4_r, "t12i990000_c000,c000,c001,c001,c002,", 36) == 0);
    CHECK(strlen(p.ja4_r) == 11 + 150 * 5); /* 150 items, 149 commas, then "_" */
    CHECK(strcmp(p.ja4_r + strlen(p.ja4_r) - 10, "c04a,c04a_") == 0);
    CHECK(strncmp(p.ja3, "771,49226-49226-49225-49225-", 28) == 0);
    CHECK(tg_ja3_size(&ch) == strlen(p.ja3) + 1);
    CHECK(tg_ja4_r_size(&ch) == strlen(p.ja4_r) + 1);
    free(copy);
}

/* Every capacity below the size needed: TG_E_LIMIT, a cut prefix, no hash. */
static void test_capacities(void)
{
    puts("every too-small capacity, in buffers of exactly that size");
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints full;
    build_spec_hello(&b, true);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    fingerprint(&ch, 't', &full);
    size_t need3 = tg_ja3_size(&ch), need4 = tg_ja4_r_size(&ch);
    int bad = 0;
    for (size_t cap = 0; cap <= need3 || cap <= need4; cap++) {
        char *s = malloc(cap ? cap : 1);
        char md5[TG_JA3_HASH_SIZE], ja4[TG_JA4_SIZE];
        enum tg_status st3 = tg_ja3(&ch, cap ? s : NULL, cap, md5);
        bool ok3 = cap < need3 ? st3 == TG_E_LIMIT && md5[0] == '\0' &&
                                     (cap == 0 || strncmp(s, full.ja3, cap - 1) == 0)
                               : st3 == TG_OK && strcmp(s, full.ja3) == 0;
        enum tg_status st4 = tg_ja4(&ch, 't', ja4, cap ? s : NULL, cap);
        bool ok4 = cap < need4
                       ? st4 == TG_E_LIMIT && ja4[0] == '\0' && (cap == 0 || strlen(s) == cap - 1)
                       : st4 == TG_OK && strcmp(ja4, full.ja4) == 0;
        bad += !ok3 || !ok4;
        free(s);
    }
    CHECK(bad == 0);
    free(copy);
}

static void test_too_many_extensions(void)
{
    puts("more extensions than the dissector keeps: all of them, from the block");
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    hello_start(&b, 0x0303, spec_suites, 4);
    size_t block = open_len(&b, 2);
    for (unsigned i = 0; i < TG_CH_MAX_EXTENSIONS + 1; i++)
        ext_raw(&b, (uint16_t)(0x1000 + i), NULL, 0);
    close_len(&b, block, 2);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    CHECK(ch.n_extensions_total > ch.n_extensions);
    fingerprint(&ch, 't', &p);
    CHECK(p.ja3_st == TG_OK && p.ja4_st == TG_OK);
    /* JA3 lists every one of the 65 types 4096..4160, in order. */
    char want[1024] = "771,4865-4866-4867,";
    for (unsigned i = 0; i < TG_CH_MAX_EXTENSIONS + 1; i++) {
        char one[8];
        snprintf(one, sizeof one, i ? "-%u" : "%u", 0x1000 + i);
        strncat(want, one, sizeof want - strlen(want) - 1);
    }
    strncat(want, ",,", sizeof want - strlen(want) - 1);
    CHECK_STR(p.ja3, want);
    /* JA4 counts 65 extensions (no SNI, no ALPN). */
    CHECK(strncmp(p.ja4, "t12i036500_", 11) == 0);
    CHECK(tg_ja3_size(&ch) == strlen(want) + 1);
    free(copy);
}

/* ------------------------------------------------------- sorting, checked */

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* "xxxx,yyyy,..." of v[0..n) sorted, the way JA4 lists them. */
static void sorted_hex(const uint16_t *v, size_t n, char *out, size_t cap)
{
    uint16_t *s = malloc(n ? n * sizeof *s : 1);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_u16);
    size_t off = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && off < cap; i++)
        off += (size_t)snprintf(out + off, cap - off, i ? ",%04x" : "%04x", s[i]);
    free(s);
}

/* Field k (0-based) of "a_b_c", '_' separated, into out. */
static void ja4_r_field(const char *ja4_r, int k, char *out, size_t cap)
{
    const char *p = ja4_r;
    for (int i = 0; i < k && p; i++) {
        p = strchr(p, '_');
        p = p ? p + 1 : NULL;
    }
    size_t len = p ? strcspn(p, "_") : 0;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, p ? p : "", len);
    out[len] = '\0';
}

/* n_suites pseudo-random suites (repeats and GREASE among them) and
 * n_types distinct opaque extension types in pseudo-random order. */
static void check_sorted_lists(size_t n_suites, size_t n_types)
{
    uint16_t suites[200], kept[200], types[160];
    size_t n_kept = 0;
    uint32_t x = (uint32_t)(n_suites * 131 + n_types);
    for (size_t i = 0; i < n_suites; i++) {
        x = x * 1103515245u + 12345u;
        suites[i] = (uint16_t)(i % 17 == 5 ? 0x5a5a : 0xc000 + (x >> 16) % 61);
        if (suites[i] != 0x5a5a)
            kept[n_kept++] = suites[i];
    }
    for (size_t i = 0; i < n_types; i++)
        types[i] = (uint16_t)(0x2000 + (i * 37) % 257); /* distinct: 37 and 257 coprime */
    struct buf b;
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    hello_start(&b, 0x0303, suites, n_suites);
    size_t block = open_len(&b, 2);
    for (size_t i = 0; i < n_types; i++)
        ext_raw(&b, types[i], NULL, 0);
    close_len(&b, block, 2);
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    fingerprint(&ch, 't', &p);
    CHECK(p.ja3_st == TG_OK && p.ja4_st == TG_OK);
    char want[2048], got[2048];
    sorted_hex(kept, n_kept, want, sizeof want);
    ja4_r_field(p.ja4_r, 1, got, sizeof got);
    CHECK_STR(got, want);
    sorted_hex(types, n_types, want, sizeof want);
    ja4_r_field(p.ja4_r, 2, got, sizeof got);
    CHECK_STR(got, want);
    /* JA3 keeps wire order: its suites field is the kept values as sent. */
    size_t off = (size_t)snprintf(want, sizeof want, "771,");
    for (size_t i = 0; i < n_kept; i++)
        off += (size_t)snprintf(want + off, sizeof want - off, i ? "-%u" : "%u", kept[i]);
    CHECK(strncmp(p.ja3, want, off) == 0 && p.ja3[off] == ',');
    CHECK(tg_ja3_size(&ch) == strlen(p.ja3) + 1);
    CHECK(tg_ja4_r_size(&ch) == strlen(p.ja4_r) + 1);
    free(copy);
}

static void test_sorted_lengths(void)
{
    puts("JA4 lists of 1 to 200 items sort as qsort does; JA3 keeps wire order");
    static const size_t suites[] = {1, 2, 33, 127, 128, 129, 135, 136, 137, 200};
    static const size_t types[] = {1, 2, 63, 64, 65, 127, 128, 129, 130, 160};
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        check_sorted_lists(suites[i], types[i]);
}

/* ------------------------------------------------------------- SSLv2 */

static void test_sslv2(void)
{
    puts("SSLv2-format CLIENT-HELLO: no JA3, no JA4 (as ja3.py, tshark, Arkime, nDPI)");
    /* clang-format off */
    static const uint8_t hello[] = {
        0x01, 0x03, 0x01,                   /* msg_type, version TLS 1.0 */
        0x00, 0x06, 0x00, 0x00, 0x00, 0x10, /* specs 6, session id 0, challenge 16 */
        0x01, 0x00, 0x80, 0x00, 0x00, 0x2f, /* SSL2_RC4_128_WITH_MD5, TLS 0x002f */
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    };
    /* clang-format on */
    uint8_t *copy = malloc(sizeof hello);
    memcpy(copy, hello, sizeof hello);
    struct tg_view v = {copy, sizeof hello};
    struct tg_client_hello ch;
    struct prints p;
    CHECK(tg_client_hello_parse_sslv2(v, &ch) == TG_OK);
    fingerprint(&ch, 't', &p);
    CHECK(p.ja3_st == TG_E_MALFORMED && p.ja4_st == TG_E_MALFORMED);
    CHECK_STR(p.ja3, "");
    CHECK_STR(p.ja3_md5, "");
    CHECK_STR(p.ja4, "");
    CHECK_STR(p.ja4_r, "");
    CHECK(tg_ja3_size(&ch) == 0 && tg_ja4_r_size(&ch) == 0);
    free(copy);
}

/* ------------------------------------------------------------ JA3S */

static enum tg_status ja3s_of(const uint8_t *body, size_t len, char *str, size_t cap,
                              char md5[TG_JA3_HASH_SIZE], bool sslv2)
{
    uint8_t *copy = malloc(len);
    memcpy(copy, body, len);
    struct tg_view v = {copy, len};
    struct tg_server_hello sh;
    enum tg_status st = sslv2 ? tg_server_hello_parse_sslv2(v, &sh) : tg_server_hello_parse(v, &sh);
    enum tg_status out = st == TG_OK ? tg_ja3s(&sh, str, cap, md5) : st;
    if (st == TG_OK && out == TG_OK && tg_ja3s_size(&sh) != strlen(str) + 1)
        out = TG_E_LIMIT;
    free(copy);
    return out;
}

static void test_ja3s(void)
{
    puts("JA3S of ServerHellos");
    uint8_t sh[48] = {0x03, 0x01}; /* version, random, session id 0 */
    sh[34] = 0x00;                 /* empty session id */
    sh[35] = 0x00;                 /* TLS_RSA_WITH_RC4_128_SHA */
    sh[36] = 0x05;
    sh[37] = 0x00; /* compression null */
    static const uint8_t exts[] = {0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00};
    memcpy(sh + 38, exts, sizeof exts);
    char str[64], md5[TG_JA3_HASH_SIZE];
    /* [Arkime] https2-301-get: "769,5,65281" 280ca4511bfaa384b2e931c058e8816e */
    CHECK(ja3s_of(sh, 38 + sizeof exts, str, sizeof str, md5, false) == TG_OK);
    CHECK_STR(str, "769,5,65281");
    CHECK_STR(md5, "280ca4511bfaa384b2e931c058e8816e");
    /* [Arkime] pppoe: SSLv3, RC4-MD5, no extensions: "768,4," */
    sh[1] = 0x00;
    sh[36] = 0x04;
    CHECK(ja3s_of(sh, 38, str, sizeof str, md5, false) == TG_OK);
    CHECK_STR(str, "768,4,");
    CHECK_STR(md5, "1f8f5a3d2fd435e36084db890693eafd");
    /* too small: a cut prefix */
    CHECK(ja3s_of(sh, 38, str, 4, md5, false) == TG_E_LIMIT);
    CHECK_STR(str, "768");
    CHECK_STR(md5, "");
    /* an SSLv2 SERVER-HELLO: none */
    /* clang-format off */
    static const uint8_t v2[] = {
        0x04, 0x00, 0x00, 0x00, 0x02,       /* msg_type, no hit, cert type, version 2 */
        0x00, 0x00, 0x00, 0x03, 0x00, 0x10, /* certificate 0, specs 3, connection id 16 */
        0x01, 0x00, 0x80,                   /* SSL2_RC4_128_WITH_MD5 */
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    };
    /* clang-format on */
    CHECK(ja3s_of(v2, sizeof v2, str, sizeof str, md5, true) == TG_E_MALFORMED);
    CHECK_STR(str, "");
}

/* ---------------------------------------------------- prefixes, trailing */

static void test_prefixes(void)
{
    puts("every strict prefix of the example hello, and a trailing byte");
    struct buf b;
    size_t fixed = build_spec_hello(&b, true);
    size_t full = b.n;
    int bad = 0;
    for (size_t len = 0; len < full; len++) {
        b.n = len;
        struct tg_client_hello ch;
        uint8_t *copy;
        struct prints p;
        enum tg_status st = parse(&b, &ch, &copy);
        fingerprint(&ch, 't', &p);
        /* a cut hello parses TG_OK only when cut right before its extensions;
         * without its fixed part it gets no fingerprint */
        bad += (st == TG_OK) != (len == fixed);
        if (ch.random.len != 32)
            bad += p.ja3_st != TG_E_MALFORMED || p.ja4_st != TG_E_MALFORMED;
        else
            bad += p.ja3_st != TG_OK || p.ja4_st != TG_OK || strlen(p.ja4) != 36;
        free(copy);
    }
    CHECK(bad == 0);
    b.n = full;
    u8(&b, 0);
    struct tg_client_hello ch;
    uint8_t *copy;
    struct prints p;
    CHECK(parse(&b, &ch, &copy) == TG_OK);
    CHECK(ch.problems & TG_CH_TRAILING_BYTES);
    fingerprint(&ch, 't', &p);
    CHECK_STR(p.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    free(copy);
}

int main(void)
{
    test_spec_example();
    test_spec_no_sigalgs();
    test_ja3_readme();
    test_no_extensions();
    test_zero_ciphers();
    test_alpn();
    test_versions();
    test_many_ciphers();
    test_capacities();
    test_too_many_extensions();
    test_sorted_lengths();
    test_sslv2();
    test_ja3s();
    test_prefixes();
    return testkit_finish();
}
