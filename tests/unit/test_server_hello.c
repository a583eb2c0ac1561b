/*
 * test_server_hello.c - the ServerHello dissector against RFC 8448 traces
 * (section 3 ServerHello, section 5 HelloRetryRequest and the ServerHello
 * after it), a hand-built TLS 1.2 ServerHello, a TLS 1.0 ServerHello with
 * no extensions block and a hand-built SSLv2 SERVER-HELLO. Every vector sits
 * in a heap buffer of exactly its size; every strict prefix and one trailing
 * byte are tried too.
 */
#include "../../dissectors/server_hello.h"
#include "testkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool exts_are(const struct tg_server_hello *sh, const uint16_t *want, size_t n)
{
    if (sh->n_extensions != n || sh->n_extensions_total != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (sh->extensions[i] != want[i])
            return false;
    return true;
}

typedef enum tg_status (*parse_fn)(struct tg_view, struct tg_server_hello *);

/* A message body (handshake header dropped) in a buffer of exactly its size. */
static uint8_t *body_of(const char *msg_hex, size_t *len)
{
    size_t mlen;
    uint8_t *msg = from_hex(msg_hex, &mlen);
    *len = mlen - 4;
    uint8_t *body = malloc(*len);
    memcpy(body, msg + 4, *len);
    free(msg);
    return body;
}

/* Every strict prefix fails, except the one ending at compression_method. */
static void check_prefixes(parse_fn parse, const uint8_t *body, size_t len, size_t fixed_len)
{
    size_t bad = 0;
    for (size_t k = 0; k < len; k++) {
        uint8_t *copy = malloc(k ? k : 1);
        memcpy(copy, body, k);
        struct tg_server_hello sh;
        enum tg_status st = parse(view_of(k ? copy : NULL, k), &sh);
        if (st == TG_OK && !(k == fixed_len && !sh.has_extensions_block)) {
            bad++;
            printf("  prefix %zu of %zu parsed as TG_OK\n", k, len);
        }
        free(copy);
    }
    CHECK(bad == 0);
}

static void check_trailing(parse_fn parse, const uint8_t *body, size_t len)
{
    uint8_t *more = malloc(len + 1);
    memcpy(more, body, len);
    more[len] = 0x00;
    struct tg_server_hello sh;
    CHECK(parse(view_of(more, len + 1), &sh) == TG_OK);
    CHECK(sh.problems == TG_SH_TRAILING_BYTES);
    free(more);
}

#define TLS13_FIXED_LEN (2 + 32 + 1 + 2 + 1)

/* RFC 8448 section 3: the ServerHello handshake message. */
static const char RFC8448_SH[] =
    "02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14"
    "34 da c1 55 77 2e d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76"
    "11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f"
    "00 2b 00 02 03 04";

static void test_rfc8448_simple(void)
{
    printf("== RFC 8448 3 ServerHello: every field, prefixes, trailing byte\n");
    size_t len;
    uint8_t *body = body_of(RFC8448_SH, &len);
    CHECK(len == 86);
    struct tg_server_hello sh;
    CHECK(tg_server_hello_parse(view_of(body, len), &sh) == TG_OK);
    CHECK(!sh.sslv2 && !sh.is_hrr);
    CHECK(sh.legacy_version == 0x0303 && sh.selected_version == 0x0304);
    CHECK(
        view_is_hex(sh.random, "a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928"));
    CHECK(sh.session_id.len == 0);
    CHECK(sh.cipher_suite == 0x1301 && sh.compression_method == 0);
    CHECK(sh.has_extensions_block);
    static const uint16_t exts[] = {0x0033, 0x002b};
    CHECK(exts_are(&sh, exts, 2));
    CHECK(sh.has_key_share && sh.key_share_group == 0x001d);
    CHECK(!sh.has_alpn && !sh.pre_shared_key && !sh.cookie);
    CHECK(!sh.has_session_ticket_ext && !sh.renegotiation_info && !sh.extended_master_secret);
    CHECK(!sh.encrypt_then_mac && !sh.status_request && !sh.has_ec_point_formats);
    CHECK(sh.problems == 0);
    check_prefixes(tg_server_hello_parse, body, len, TLS13_FIXED_LEN);
    check_trailing(tg_server_hello_parse, body, len);
    free(body);
}

/* RFC 8448 section 5: the HelloRetryRequest, then the real ServerHello. */
static const char RFC8448_HRR[] =
    "02 00 00 ac 03 03 cf 21 ad 74 e5 9a 61 11 be 1d 8c 02 1e 65 b8 91 c2 a2 11 16 7a bb"
    "8c 5e 07 9e 09 e2 c8 a8 33 9c 00 13 01 00 00 84 00 33 00 02 00 17 00 2c 00 74 00 72"
    "71 dc d0 4b b8 8b c3 18 91 19 39 8a 00 00 00 00 ee fa fc 76 c1 46 b8 23 b0 96 f8 aa"
    "ca d3 65 dd 00 30 95 3f 4e df 62 56 36 e5 f2 1b b2 e2 3f cc 65 4b 1b 5b 40 31 8d 10"
    "d1 37 ab cb b8 75 74 e3 6e 8a 1f 02 5f 7d fa 5d 6e 50 78 1b 5e da 4a a1 5b 0c 8b e7"
    "78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34 22 67 e8 ca 0c af 57 1f b2 b7 cf f0 f9"
    "34 b0 00 2b 00 02 03 04";

static const char RFC8448_HRR_SH[] =
    "02 00 00 77 03 03 bb 34 1d 84 7f d7 89 c4 7c 38 71 72 dc 0c 9b f1 47 fc ca cb 50 43"
    "d8 6c a4 c5 98 d3 ff 57 1b 98 00 13 01 00 00 4f 00 33 00 45 00 17 00 41 04 58 3e 05"
    "4b 7a 66 67 2a e0 20 ad 9d 26 86 fc c8 5b 5a d4 1a 13 4a 0f 03 ee 72 b8 93 05 2b d8"
    "5b 4c 8d e6 77 6f 5b 04 ac 07 d8 35 40 ea b3 e3 d9 c5 47 bc 65 28 c4 31 7d 29 46 86"
    "09 3a 6c ad 7d 00 2b 00 02 03 04";

static void test_rfc8448_hrr(void)
{
    printf("== RFC 8448 5 HelloRetryRequest: every field, prefixes, trailing byte\n");
    size_t len;
    uint8_t *body = body_of(RFC8448_HRR, &len);
    CHECK(len == 172);
    struct tg_server_hello sh;
    CHECK(tg_server_hello_parse(view_of(body, len), &sh) == TG_OK);
    CHECK(sh.is_hrr && tg_server_hello_is_hrr_random(sh.random));
    CHECK(sh.legacy_version == 0x0303 && sh.selected_version == 0x0304);
    CHECK(sh.session_id.len == 0 && sh.cipher_suite == 0x1301 && sh.compression_method == 0);
    static const uint16_t exts[] = {0x0033, 0x002c, 0x002b};
    CHECK(exts_are(&sh, exts, 3));
    CHECK(sh.has_key_share && sh.key_share_group == 0x0017);
    CHECK(sh.cookie && sh.problems == 0);
    check_prefixes(tg_server_hello_parse, body, len, TLS13_FIXED_LEN);
    check_trailing(tg_server_hello_parse, body, len);
    free(body);

    printf("== RFC 8448 5 ServerHello after the retry\n");
    body = body_of(RFC8448_HRR_SH, &len);
    CHECK(len == 119);
    CHECK(tg_server_hello_parse(view_of(body, len), &sh) == TG_OK);
    CHECK(!sh.is_hrr && !tg_server_hello_is_hrr_random(sh.random));
    CHECK(
        view_is_hex(sh.random, "bb341d847fd789c47c387172dc0c9bf147fccacb5043d86ca4c598d3ff571b98"));
    static const uint16_t exts2[] = {0x0033, 0x002b};
    CHECK(exts_are(&sh, exts2, 2));
    CHECK(sh.has_key_share && sh.key_share_group == 0x0017);
    CHECK(sh.selected_version == 0x0304 && !sh.cookie && sh.problems == 0);
    check_prefixes(tg_server_hello_parse, body, len, TLS13_FIXED_LEN);
    free(body);
}

/* A TLS 1.2 ServerHello built by hand. */
static const char TLS12_SH[] =
    "0303"                                                                /* legacy_version */
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"    /* random */
    "20 c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf" /* session id */
    "c02f"                   /* TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
    "00"                     /* compression: null */
    "0024"                   /* extensions block, 36 bytes */
    "ff01 0001 00"           /* renegotiation_info, initial */
    "0017 0000"              /* extended_master_secret */
    "0016 0000"              /* encrypt_then_mac */
    "0023 0000"              /* session_ticket: a ticket will follow */
    "000b 0002 01 00"        /* ec_point_formats: uncompressed */
    "0010 0005 0003 02 6832" /* ALPN: h2 */
    "0005 0000";             /* status_request: a CertificateStatus follows */

#define TLS12_FIXED_LEN (2 + 32 + 1 + 32 + 2 + 1)

static void test_tls12(void)
{
    printf("== hand-built TLS 1.2 ServerHello: every field, prefixes, trailing\n");
    size_t len;
    uint8_t *body = from_hex(TLS12_SH, &len);
    CHECK(len == TLS12_FIXED_LEN + 2 + 36);
    struct tg_server_hello sh;
    CHECK(tg_server_hello_parse(view_of(body, len), &sh) == TG_OK);
    CHECK(sh.legacy_version == 0x0303 && sh.selected_version == 0 && !sh.is_hrr);
    CHECK(sh.random.len == 32 && sh.random.p[0] == 0x20 && sh.random.p[31] == 0x3f);
    CHECK(sh.session_id.len == 32 && sh.session_id.p[31] == 0xdf);
    CHECK(sh.cipher_suite == 0xc02f && sh.compression_method == 0);
    static const uint16_t exts[] = {0xff01, 0x0017, 0x0016, 0x0023, 0x000b, 0x0010, 0x0005};
    CHECK(exts_are(&sh, exts, 7));
    CHECK(sh.renegotiation_info && sh.extended_master_secret && sh.encrypt_then_mac);
    CHECK(sh.has_session_ticket_ext && sh.status_request);
    CHECK(sh.has_ec_point_formats && view_is_hex(sh.ec_point_formats, "00"));
    CHECK(sh.has_alpn && view_is_hex(sh.alpn, "6832"));
    CHECK(!sh.has_key_share && !sh.pre_shared_key && sh.problems == 0);
    check_prefixes(tg_server_hello_parse, body, len, TLS12_FIXED_LEN);
    check_trailing(tg_server_hello_parse, body, len);
    free(body);
}

static void test_no_extensions(void)
{
    printf("== TLS 1.0 ServerHello without an extensions block\n");
    size_t len;
    uint8_t *body = from_hex("0301"
                             "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
                             "00"
                             "0035"
                             "00",
                             &len);
    CHECK(len == 38);
    struct tg_server_hello sh;
    CHECK(tg_server_hello_parse(view_of(body, len), &sh) == TG_OK);
    CHECK(sh.legacy_version == 0x0301 && sh.cipher_suite == 0x0035);
    CHECK(!sh.has_extensions_block && sh.n_extensions == 0 && sh.problems == 0);
    check_prefixes(tg_server_hello_parse, body, len, len);
    free(body);
}

/* The copy the views of the last parse_built() point into. */
static uint8_t *built;

/*
 * A ServerHello with the given random byte pattern and extension entries
 * (hex), parsed from an exactly sized copy that stays alive until the next
 * call.
 */
static enum tg_status parse_built(bool hrr, const char *ext_hex, struct tg_server_hello *sh)
{
    static const char hrr_hex[] =
        "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";
    size_t elen;
    uint8_t *ext = from_hex(ext_hex, &elen);
    size_t rlen;
    uint8_t *random = from_hex(hrr ? hrr_hex : "", &rlen);
    size_t len = 2 + 32 + 1 + 2 + 1 + 2 + elen;
    free(built);
    built = calloc(1, len);
    built[0] = 0x03;
    built[1] = 0x03;
    if (rlen)
        memcpy(built + 2, random, rlen);
    built[35] = 0x13;
    built[36] = 0x01;
    built[38] = (uint8_t)(elen >> 8);
    built[39] = (uint8_t)elen;
    memcpy(built + 40, ext, elen);
    free(ext);
    free(random);
    return tg_server_hello_parse(view_of(built, len), sh);
}

static void test_bad_extensions(void)
{
    printf("== bad extensions are flagged, the walk goes on\n");
    struct tg_server_hello sh;
    CHECK(parse_built(false, "0010 0008 0006 02 6832 02 6833  0005 0000", &sh) == TG_OK);
    CHECK(sh.problems == TG_SH_BAD_EXTENSION && !sh.has_alpn && sh.status_request);
    CHECK(parse_built(false, "0033 0002 001d  002b 0002 0304", &sh) == TG_OK);
    CHECK(sh.problems == TG_SH_BAD_EXTENSION && !sh.has_key_share);
    CHECK(sh.selected_version == 0x0304);
    CHECK(parse_built(true, "0033 0005 0017 0001 aa  002b 0002 0304", &sh) == TG_OK);
    CHECK(sh.is_hrr && sh.problems == TG_SH_BAD_EXTENSION && !sh.has_key_share);
    CHECK(parse_built(false, "002b 0003 030400  0017 0001 00  ff01 0001 00", &sh) == TG_OK);
    CHECK(sh.problems == TG_SH_BAD_EXTENSION && sh.selected_version == 0);
    CHECK(sh.extended_master_secret && sh.renegotiation_info);
    CHECK(parse_built(false, "0029 0002 0000  0029 0002 0001", &sh) == TG_OK);
    CHECK(sh.pre_shared_key && sh.has_selected_identity && sh.selected_identity == 0);
    CHECK(sh.problems == TG_SH_DUPLICATE_EXTENSION && sh.n_extensions == 2);
    CHECK(parse_built(false, "0017 0000  0023 0009 00", &sh) == TG_OK);
    CHECK(sh.problems == TG_SH_BAD_EXTENSION && sh.extended_master_secret);
    CHECK(sh.n_extensions == 1 && !sh.has_session_ticket_ext);

    printf("== a repeat past the 32-type cap does not undo the first\n");
    char many[32 * 9 + 64];
    size_t at = 0;
    for (int t = 0; t < 32; t++)
        at += (size_t)snprintf(many + at, sizeof many - at, "%04x0000 ", 0x1000 + t);
    snprintf(many + at, sizeof many - at, "0010 0005 0003 02 6832  0010 0002 0000");
    CHECK(parse_built(false, many, &sh) == TG_OK);
    CHECK(sh.problems == (TG_SH_TOO_MANY_EXTENSIONS | TG_SH_DUPLICATE_EXTENSION));
    CHECK(sh.has_alpn && view_is_hex(sh.alpn, "6832"));
    CHECK(sh.n_extensions == 32 && sh.n_extensions_total == 34);
    /* the record lists all 34 from the block (analyzer/report.c) */
    CHECK(sh.extensions_block.len == 32 * 4 + 9 + 6);

    printf("== a session id over 32 bytes is malformed\n");
    size_t len;
    uint8_t *body = from_hex("0303 0000000000000000000000000000000000000000000000000000000000000000"
                             "21 000000000000000000000000000000000000000000000000000000000000000000"
                             "1301 00",
                             &len);
    CHECK(tg_server_hello_parse(view_of(body, len), &sh) == TG_E_MALFORMED);
    free(body);
    free(built);
    built = NULL;
}

/* SSLv2 SERVER-HELLO body from msg_type on (no record header). */
static const char SSLV2_SH[] = "04"   /* msg_type SERVER-HELLO */
                               "00"   /* session id not hit */
                               "01"   /* certificate type: X.509 */
                               "0002" /* server version: SSLv2 */
                               "0003" /* certificate: 3 bytes (a stand-in) */
                               "0006" /* cipher specs: 2 kinds */
                               "0010" /* connection id: 16 bytes */
                               "308201"
                               "010080 0700c0"
                               "404142434445464748494a4b4c4d4e4f";

static void test_sslv2(void)
{
    printf("== SSLv2 SERVER-HELLO: every field, prefixes, trailing, bad fields\n");
    size_t len;
    uint8_t *body = from_hex(SSLV2_SH, &len);
    CHECK(len == 36);
    struct tg_server_hello sh;
    CHECK(tg_server_hello_parse_sslv2(view_of(body, len), &sh) == TG_OK);
    CHECK(sh.sslv2 && !sh.sslv2_session_id_hit && sh.sslv2_certificate_type == 1);
    CHECK(sh.legacy_version == 0x0002);
    CHECK(view_is_hex(sh.sslv2_certificate, "308201"));
    CHECK(view_is_hex(sh.sslv2_cipher_specs, "010080 0700c0"));
    CHECK(view_is_hex(sh.random, "404142434445464748494a4b4c4d4e4f"));
    CHECK(sh.n_extensions == 0 && sh.problems == 0);
    check_prefixes(tg_server_hello_parse_sslv2, body, len, 0);
    check_trailing(tg_server_hello_parse_sslv2, body, len);
    body[0] = 0x01;
    CHECK(tg_server_hello_parse_sslv2(view_of(body, len), &sh) == TG_E_MALFORMED);
    body[0] = 0x04;
    body[10] = 0x0f; /* connection id of 15 bytes */
    CHECK(tg_server_hello_parse_sslv2(view_of(body, len), &sh) == TG_E_MALFORMED);
    free(body);
}

int main(void)
{
    test_rfc8448_simple();
    test_rfc8448_hrr();
    test_tls12();
    test_no_extensions();
    test_bad_extensions();
    test_sslv2();
    return testkit_finish();
}
