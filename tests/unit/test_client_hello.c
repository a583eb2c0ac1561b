/*
 * test_client_hello.c - the ClientHello dissector against RFC 8448 traces
 * (section 3 "Simple 1-RTT Handshake", section 5 "HelloRetryRequest"), a
 * hand-built TLS 1.2 ClientHello with SNI, ALPN and GREASE, and a hand-built
 * SSLv2 CLIENT-HELLO. Every vector sits in a heap buffer of exactly its size
 * so ASan sees a one-byte over-read; every strict prefix and one trailing
 * byte are tried too.
 */
#include "../../dissectors/client_hello.h"
#include "../../dissectors/u16list.h"
#include "testkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool u16s_are(struct tg_view v, const uint16_t *want, size_t n)
{
    if (tg_u16_list_count(v) != n || v.len != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tg_u16_list_at(v, i) != want[i])
            return false;
    return true;
}

static bool exts_are(const struct tg_client_hello *ch, const uint16_t *want, size_t n)
{
    if (ch->n_extensions != n || ch->n_extensions_total != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (ch->extensions[i] != want[i])
            return false;
    return true;
}

typedef enum tg_status (*parse_fn)(struct tg_view, struct tg_client_hello *);

/* Parses a copy of the first `len` bytes, in a buffer of exactly that size. */
static enum tg_status parse_copy(parse_fn parse, const uint8_t *src, size_t len,
                                 struct tg_client_hello *ch)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, src, len);
    enum tg_status st = parse(view_of(len ? copy : NULL, len), ch);
    free(copy);
    return st;
}

/*
 * Every strict prefix fails, except the one that ends right after
 * compression_methods (`fixed_len`, 0 for none): a ClientHello without
 * extensions is valid on its own.
 */
static void check_prefixes(parse_fn parse, const uint8_t *body, size_t len, size_t fixed_len)
{
    size_t bad = 0;
    for (size_t k = 0; k < len; k++) {
        struct tg_client_hello ch;
        enum tg_status st = parse_copy(parse, body, k, &ch);
        bool ok = st != TG_OK || (k == fixed_len && !ch.has_extensions_block);
        if (!ok) {
            bad++;
            printf("  prefix %zu of %zu parsed as TG_OK\n", k, len);
        }
    }
    CHECK(bad == 0);
}

/* One byte more than the message: salvaged, flagged as trailing. */
static void check_trailing(parse_fn parse, const uint8_t *body, size_t len, unsigned problems)
{
    uint8_t *more = malloc(len + 1);
    memcpy(more, body, len);
    more[len] = 0x00;
    struct tg_client_hello ch;
    CHECK(parse(view_of(more, len + 1), &ch) == TG_OK);
    CHECK(ch.problems == (problems | TG_CH_TRAILING_BYTES));
    free(more);
}

/* RFC 8448 section 3: the ClientHello handshake message (type, length, body). */
static const char RFC8448_CH[] =
    "01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12"
    "ec 18 a2 ef 62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00"
    "09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00"
    "19 01 00 01 01 01 02 01 03 01 04 00 23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d"
    "e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af"
    "2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06"
    "04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01";

static void test_rfc8448_simple(void)
{
    printf("== RFC 8448 3 ClientHello: every field\n");
    size_t len;
    uint8_t *msg = from_hex(RFC8448_CH, &len);
    CHECK(len == 196);
    uint8_t *body = malloc(len - 4);
    memcpy(body, msg + 4, len - 4);
    size_t blen = len - 4;
    struct tg_client_hello ch;
    CHECK(tg_client_hello_parse(view_of(body, blen), &ch) == TG_OK);
    CHECK(!ch.sslv2);
    CHECK(ch.legacy_version == 0x0303);
    CHECK(
        view_is_hex(ch.random, "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"));
    CHECK(ch.session_id.len == 0);
    static const uint16_t suites[] = {0x1301, 0x1303, 0x1302};
    CHECK(u16s_are(ch.cipher_suites, suites, 3));
    CHECK(view_is_hex(ch.compression_methods, "00"));
    CHECK(ch.has_extensions_block);
    static const uint16_t exts[] = {0x0000, 0xff01, 0x000a, 0x0023, 0x0033,
                                    0x002b, 0x000d, 0x002d, 0x001c};
    CHECK(exts_are(&ch, exts, 9));
    CHECK(ch.has_sni && view_is(ch.sni, "server"));
    static const uint16_t groups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x0100,
                                      0x0101, 0x0102, 0x0103, 0x0104};
    CHECK(ch.has_supported_groups && u16s_are(ch.supported_groups, groups, 9));
    CHECK(!ch.has_ec_point_formats && ch.ec_point_formats.len == 0);
    static const uint16_t sigs[] = {0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401,
                                    0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202};
    CHECK(ch.has_signature_algorithms && u16s_are(ch.signature_algorithms, sigs, 15));
    CHECK(!ch.has_alpn && ch.alpn.len == 0);
    static const uint16_t versions[] = {0x0304};
    CHECK(ch.has_supported_versions && u16s_are(ch.supported_versions, versions, 1));
    CHECK(ch.has_psk_key_exchange_modes && view_is_hex(ch.psk_key_exchange_modes, "01"));
    CHECK(ch.has_key_share && ch.n_key_share_groups == 1);
    CHECK(ch.key_share_groups[0] == 0x001d);
    CHECK(ch.has_session_ticket_ext && !ch.session_ticket);
    CHECK(ch.renegotiation_info);
    CHECK(!ch.pre_shared_key && !ch.early_data && !ch.ech);
    CHECK(!ch.extended_master_secret && !ch.status_request);
    CHECK(ch.problems == 0);

    printf("== RFC 8448 3 ClientHello: prefixes, trailing byte\n");
    check_prefixes(tg_client_hello_parse, body, blen, 2 + 32 + 1 + 2 + 6 + 2);
    check_trailing(tg_client_hello_parse, body, blen, 0);
    free(body);
    free(msg);
}

/* RFC 8448 section 5: the first ClientHello, then the one after the HRR. */
static const char RFC8448_HRR_CH1[] =
    "01 00 00 b0 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e d1 d5 c6 ff f7 fc b7 84 97 16 94 5a"
    "2b 8c ee 92 58 a3 46 67 7b 6f 00 00 06 13 01 13 03 13 02 01 00 00 81 00 00 00 0b 00"
    "09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 08 00 06 00 1d 00 17 00 18 00"
    "33 00 26 00 24 00 1d 00 20 e8 e8 e3 f3 b9 3a 25 ed 97 a1 4a 7d ca cb 8a 27 2c 62 88"
    "e5 85 c6 48 4d 05 26 2f ca d0 62 ad 1f 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03"
    "05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02"
    "00 2d 00 02 01 01 00 1c 00 02 40 01";

/* The second ClientHello without its 175-byte padding body (added below). */
static const char RFC8448_HRR_CH2_HEAD[] =
    "01 00 01 fc 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e d1 d5 c6 ff f7 fc b7 84 97 16 94 5a"
    "2b 8c ee 92 58 a3 46 67 7b 6f 00 00 06 13 01 13 03 13 02 01 00 01 cd 00 00 00 0b 00"
    "09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 08 00 06 00 1d 00 17 00 18 00"
    "33 00 47 00 45 00 17 00 41 04 a6 da 73 92 ec 59 1e 17 ab fd 53 59 64 b9 98 94 d1 3b"
    "ef b2 21 b3 de f2 eb e3 83 0e ac 8f 01 51 81 26 77 c4 d6 d2 23 7e 85 cf 01 d6 91 0c"
    "fb 83 95 4e 76 ba 73 52 83 05 34 15 98 97 e8 06 57 80 00 2b 00 03 02 03 04 00 0d 00"
    "20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05"
    "02 06 02 02 02 00 2c 00 74 00 72 71 dc d0 4b b8 8b c3 18 91 19 39 8a 00 00 00 00 ee"
    "fa fc 76 c1 46 b8 23 b0 96 f8 aa ca d3 65 dd 00 30 95 3f 4e df 62 56 36 e5 f2 1b b2"
    "e2 3f cc 65 4b 1b 5b 40 31 8d 10 d1 37 ab cb b8 75 74 e3 6e 8a 1f 02 5f 7d fa 5d 6e"
    "50 78 1b 5e da 4a a1 5b 0c 8b e7 78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34 22 67"
    "e8 ca 0c af 57 1f b2 b7 cf f0 f9 34 b0 00 2d 00 02 01 01 00 1c 00 02 40 01 00 15 00"
    "af";

static void test_rfc8448_hrr(void)
{
    printf("== RFC 8448 5 first ClientHello\n");
    size_t len;
    uint8_t *msg = from_hex(RFC8448_HRR_CH1, &len);
    CHECK(len == 180);
    struct tg_client_hello ch;
    uint8_t *body = malloc(len - 4);
    memcpy(body, msg + 4, len - 4);
    CHECK(tg_client_hello_parse(view_of(body, len - 4), &ch) == TG_OK);
    CHECK(ch.legacy_version == 0x0303 && ch.problems == 0);
    CHECK(
        view_is_hex(ch.random, "b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f"));
    static const uint16_t exts1[] = {0x0000, 0xff01, 0x000a, 0x0033,
                                     0x002b, 0x000d, 0x002d, 0x001c};
    CHECK(exts_are(&ch, exts1, 8));
    static const uint16_t groups[] = {0x001d, 0x0017, 0x0018};
    CHECK(u16s_are(ch.supported_groups, groups, 3));
    CHECK(ch.n_key_share_groups == 1 && ch.key_share_groups[0] == 0x001d);
    CHECK(!ch.has_session_ticket_ext && view_is(ch.sni, "server"));
    check_prefixes(tg_client_hello_parse, body, len - 4, 2 + 32 + 1 + 2 + 6 + 2);
    free(body);
    free(msg);

    printf("== RFC 8448 5 second ClientHello (cookie, padding, P-256 share)\n");
    size_t head_len;
    uint8_t *head = from_hex(RFC8448_HRR_CH2_HEAD, &head_len);
    size_t blen = head_len - 4 + 175;
    body = calloc(1, blen); /* the padding body is 175 zero bytes */
    memcpy(body, head + 4, head_len - 4);
    CHECK(blen == 508);
    CHECK(tg_client_hello_parse(view_of(body, blen), &ch) == TG_OK);
    static const uint16_t exts2[] = {0x0000, 0xff01, 0x000a, 0x0033, 0x002b,
                                     0x000d, 0x002c, 0x002d, 0x001c, 0x0015};
    CHECK(exts_are(&ch, exts2, 10));
    CHECK(ch.n_key_share_groups == 1 && ch.key_share_groups[0] == 0x0017);
    CHECK(view_is_hex(ch.supported_versions, "0304"));
    CHECK(ch.problems == 0);
    check_prefixes(tg_client_hello_parse, body, blen, 2 + 32 + 1 + 2 + 6 + 2);
    check_trailing(tg_client_hello_parse, body, blen, 0);
    free(body);
    free(head);
}

/* A TLS 1.2 ClientHello built by hand, field by field. */
static const char TLS12_CH[] =
    "0303"                                                                /* legacy_version */
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"    /* random */
    "20 a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" /* session id */
    "000a 2a2a c02b c02f cca9 000a"                                       /* suites: GREASE first */
    "01 00"                                                               /* compression: null */
    "0072"                                          /* extensions block, 114 bytes */
    "1a1a 0000"                                     /* GREASE, empty */
    "0000 0010 000e 00 000b 6578616d706c652e636f6d" /* server_name example.com */
    "0017 0000"                                     /* extended_master_secret */
    "ff01 0001 00"                                  /* renegotiation_info, initial */
    "000a 0008 0006 3a3a 001d 0017"                 /* supported_groups: GREASE, x25519, P-256 */
    "000b 0002 01 00"                               /* ec_point_formats: uncompressed */
    "0023 0004 deadbeef"                            /* session_ticket, 4-byte ticket */
    "0010 000e 000c 02 6832 08 687474702f312e31"    /* ALPN h2, http/1.1 */
    "0005 0005 01 0000 0000"                        /* status_request: OCSP */
    "000d 0008 0006 0403 0804 0401"                 /* signature_algorithms */
    "0012 0000"                                     /* signed_certificate_timestamp */
    "4a4a 0001 00"                                  /* GREASE, one byte */
    "0015 0003 000000";                             /* padding */

#define TLS12_FIXED_LEN (2 + 32 + 1 + 32 + 2 + 10 + 2)
#define TLS12_SNI_LIST_AT (TLS12_FIXED_LEN + 2 + 4 + 4) /* the 000e */
/* The length byte of "h2": after the GREASE, SNI, EMS, renegotiation_info,
 * groups, point formats and ticket entries, the ALPN type, length and list
 * length. */
#define TLS12_ALPN_FIRST_AT (TLS12_FIXED_LEN + 2 + 4 + 20 + 4 + 5 + 12 + 6 + 8 + 6)

static void check_tls12_fields(const struct tg_client_hello *ch)
{
    CHECK(ch->legacy_version == 0x0303);
    CHECK(ch->random.len == 32 && ch->random.p[0] == 0x00 && ch->random.p[31] == 0x1f);
    CHECK(ch->session_id.len == 32 && ch->session_id.p[0] == 0xa0);
    static const uint16_t suites[] = {0x2a2a, 0xc02b, 0xc02f, 0xcca9, 0x000a};
    CHECK(u16s_are(ch->cipher_suites, suites, 5));
    static const uint16_t exts[] = {0x1a1a, 0x0000, 0x0017, 0xff01, 0x000a, 0x000b, 0x0023,
                                    0x0010, 0x0005, 0x000d, 0x0012, 0x4a4a, 0x0015};
    CHECK(exts_are(ch, exts, 13));
    static const uint16_t groups[] = {0x3a3a, 0x001d, 0x0017};
    CHECK(u16s_are(ch->supported_groups, groups, 3));
    CHECK(ch->has_ec_point_formats && view_is_hex(ch->ec_point_formats, "00"));
    CHECK(ch->has_session_ticket_ext && ch->session_ticket);
    CHECK(ch->has_alpn && view_is_hex(ch->alpn, "02 6832 08 687474702f312e31"));
    CHECK(ch->status_request && ch->extended_master_secret && ch->renegotiation_info);
    static const uint16_t sigs[] = {0x0403, 0x0804, 0x0401};
    CHECK(ch->has_signature_algorithms && u16s_are(ch->signature_algorithms, sigs, 3));
    CHECK(!ch->has_supported_versions && !ch->has_key_share && !ch->has_psk_key_exchange_modes);
    CHECK(ch->n_key_share_groups == 0);
}

static void test_tls12(void)
{
    printf("== hand-built TLS 1.2 ClientHello: SNI, ALPN, GREASE\n");
    size_t len;
    uint8_t *body = from_hex(TLS12_CH, &len);
    CHECK(len == 197);
    struct tg_client_hello ch;
    CHECK(tg_client_hello_parse(view_of(body, len), &ch) == TG_OK);
    check_tls12_fields(&ch);
    CHECK(ch.has_sni && view_is(ch.sni, "example.com"));
    CHECK(ch.problems == 0);

    struct tg_rd list = tg_rd_of(ch.alpn);
    struct tg_view name;
    CHECK(tg_alpn_next(&list, &name) && view_is(name, "h2"));
    CHECK(tg_alpn_next(&list, &name) && view_is(name, "http/1.1"));
    CHECK(!tg_alpn_next(&list, &name) && list.err == TG_RD_OK);

    printf("== TLS 1.2 ClientHello: prefixes, trailing byte\n");
    check_prefixes(tg_client_hello_parse, body, len, TLS12_FIXED_LEN);
    check_trailing(tg_client_hello_parse, body, len, 0);

    printf("== TLS 1.2 ClientHello cut in the extensions: short, but salvaged\n");
    uint8_t *cut = malloc(len - 10);
    memcpy(cut, body, len - 10);
    CHECK(tg_client_hello_parse(view_of(cut, len - 10), &ch) == TG_E_SHORT);
    CHECK(ch.legacy_version == 0x0303 && ch.has_extensions_block);
    CHECK(ch.has_sni && view_is(ch.sni, "example.com"));
    CHECK(ch.has_alpn && ch.has_signature_algorithms);
    CHECK(ch.n_extensions == 11 && (ch.problems & TG_CH_BAD_EXTENSION)); /* to 0x0012 */
    free(cut);

    printf("== TLS 1.2 ClientHello: bad server_name list length, walk goes on\n");
    body[TLS12_SNI_LIST_AT + 1] = 0x0f; /* list claims one byte more than the entry */
    CHECK(tg_client_hello_parse(view_of(body, len), &ch) == TG_OK);
    CHECK(ch.problems == TG_CH_BAD_EXTENSION);
    CHECK(!ch.has_sni && ch.sni.len == 0);
    check_tls12_fields(&ch); /* every later extension still parsed */
    body[TLS12_SNI_LIST_AT + 1] = 0x0e;

    printf("== TLS 1.2 ClientHello: an empty ALPN name is malformed\n");
    body[TLS12_ALPN_FIRST_AT] = 0x00; /* "h2" becomes an empty name */
    CHECK(tg_client_hello_parse(view_of(body, len), &ch) == TG_OK);
    CHECK(ch.problems == TG_CH_BAD_EXTENSION && !ch.has_alpn);
    CHECK(ch.has_signature_algorithms && ch.status_request);
    free(body);
}

/* Appends an extension entry to a growing buffer. */
static size_t put_ext(uint8_t *buf, size_t at, uint16_t type, const uint8_t *data, size_t n)
{
    buf[at] = (uint8_t)(type >> 8);
    buf[at + 1] = (uint8_t)type;
    buf[at + 2] = (uint8_t)(n >> 8);
    buf[at + 3] = (uint8_t)n;
    if (n)
        memcpy(buf + at + 4, data, n);
    return at + 4 + n;
}

/* A minimal ClientHello head: version, random, no session id, one suite. */
static size_t put_head(uint8_t *buf)
{
    static const uint8_t head[] = {0x03, 0x03};
    memcpy(buf, head, 2);
    memset(buf + 2, 0x11, 32);
    static const uint8_t rest[] = {0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00};
    memcpy(buf + 34, rest, sizeof rest);
    return 34 + sizeof rest;
}

/* The copy the views of the last parse_built() point into. */
static uint8_t *built;

/* Sets the block length, parses an exactly sized copy and keeps it alive. */
static enum tg_status parse_built(uint8_t *buf, size_t head, size_t end, struct tg_client_hello *ch)
{
    size_t block = end - head - 2;
    buf[head] = (uint8_t)(block >> 8);
    buf[head + 1] = (uint8_t)block;
    free(built);
    built = malloc(end);
    memcpy(built, buf, end);
    return tg_client_hello_parse(view_of(built, end), ch);
}

static void test_caps_and_duplicates(void)
{
    printf("== caps: 70 extensions, 20 key shares; duplicates\n");
    static uint8_t buf[4096];
    size_t head = put_head(buf);
    size_t at = head + 2;
    for (uint16_t t = 0; t < 70; t++)
        at = put_ext(buf, at, (uint16_t)(0x1000 + t), NULL, 0);
    struct tg_client_hello ch;
    CHECK(parse_built(buf, head, at, &ch) == TG_OK);
    CHECK(ch.n_extensions == TG_CH_MAX_EXTENSIONS && ch.n_extensions_total == 70);
    CHECK(ch.extensions[63] == 0x1000 + 63);
    CHECK(ch.problems == TG_CH_TOO_MANY_EXTENSIONS);

    uint8_t shares[2 + 20 * 5];
    shares[0] = 0;
    shares[1] = 20 * 5;
    for (size_t i = 0; i < 20; i++) {
        uint8_t entry[5] = {0x00, (uint8_t)(0x10 + i), 0x00, 0x01, 0xaa};
        memcpy(shares + 2 + 5 * i, entry, 5);
    }
    at = put_ext(buf, head + 2, 51, shares, sizeof shares);
    CHECK(parse_built(buf, head, at, &ch) == TG_OK);
    CHECK(ch.has_key_share && ch.n_key_share_groups == TG_CH_MAX_KEY_SHARES);
    CHECK(ch.key_share_groups[0] == 0x0010 && ch.key_share_groups[15] == 0x001f);
    CHECK(ch.problems == TG_CH_TOO_MANY_KEY_SHARES); /* the cut is told */
    shares[1] = 16 * 5;                              /* exactly the cap: nothing cut */
    at = put_ext(buf, head + 2, 51, shares, 2 + 16 * 5);
    CHECK(parse_built(buf, head, at, &ch) == TG_OK);
    CHECK(ch.n_key_share_groups == 16 && ch.problems == 0);

    static const uint8_t host_a[] = {0x00, 0x04, 0x00, 0x00, 0x01, 'a'};
    static const uint8_t host_b[] = {0x00, 0x04, 0x00, 0x00, 0x01, 'b'};
    at = put_ext(buf, head + 2, 0, host_a, sizeof host_a);
    at = put_ext(buf, at, 0, host_b, sizeof host_b);
    CHECK(parse_built(buf, head, at, &ch) == TG_OK);
    CHECK(ch.problems == TG_CH_DUPLICATE_EXTENSION && view_is(ch.sni, "a"));
    CHECK(ch.n_extensions == 2);

    printf("== a repeat past the 64-type cap does not undo the first\n");
    static const uint8_t groups_ok[] = {0x00, 0x02, 0x00, 0x1d};
    static const uint8_t groups_bad[] = {0x00, 0x03, 0x00, 0x1d, 0x00};
    at = head + 2;
    for (uint16_t t = 0; t < 64; t++)
        at = put_ext(buf, at, (uint16_t)(0x1000 + t), NULL, 0);
    at = put_ext(buf, at, 10, groups_ok, sizeof groups_ok);
    at = put_ext(buf, at, 10, groups_bad, sizeof groups_bad);
    CHECK(parse_built(buf, head, at, &ch) == TG_OK);
    CHECK(ch.problems == (TG_CH_TOO_MANY_EXTENSIONS | TG_CH_DUPLICATE_EXTENSION));
    CHECK(ch.has_supported_groups && view_is_hex(ch.supported_groups, "001d"));
    CHECK(ch.n_extensions == 64 && ch.n_extensions_total == 66);

    printf("== an entry overrunning the block stops the walk, earlier kept\n");
    at = put_ext(buf, head + 2, 0, host_a, sizeof host_a);
    at = put_ext(buf, at, 23, NULL, 0);
    buf[at - 1] = 0x05; /* extended_master_secret claims 5 bytes it lacks */
    CHECK(parse_built(buf, head, at, &ch) == TG_OK);
    CHECK(ch.problems == TG_CH_BAD_EXTENSION && view_is(ch.sni, "a"));
    CHECK(ch.n_extensions == 1 && !ch.extended_master_secret);
    free(built);
    built = NULL;
}

static void test_fixed_part_errors(void)
{
    printf("== fixed part: session id over 32, odd suites, empty body\n");
    static uint8_t buf[256];
    size_t head = put_head(buf);
    struct tg_client_hello ch;
    CHECK(parse_copy(tg_client_hello_parse, buf, head, &ch) == TG_OK);
    CHECK(!ch.has_extensions_block && ch.n_extensions == 0);
    buf[34] = 33; /* session id of 33 bytes, the rest shifted into it */
    memset(buf + 35, 0, 33);
    buf[68] = 0x00;
    buf[69] = 0x02;
    buf[70] = 0x13;
    buf[71] = 0x01;
    buf[72] = 0x01;
    buf[73] = 0x00;
    CHECK(parse_copy(tg_client_hello_parse, buf, 74, &ch) == TG_E_MALFORMED);
    head = put_head(buf);
    buf[36] = 0x03; /* suites length 3 */
    buf[39] = 0x00;
    CHECK(parse_copy(tg_client_hello_parse, buf, head + 1, &ch) == TG_E_MALFORMED);
    CHECK(parse_copy(tg_client_hello_parse, buf, 0, &ch) == TG_E_SHORT);
}

static void test_alpn_next(void)
{
    printf("== tg_alpn_next: clean end, empty name, overrun\n");
    size_t len;
    uint8_t *good = from_hex("02 6832", &len);
    struct tg_rd list = tg_rd_of(view_of(good, len));
    struct tg_view name;
    CHECK(tg_alpn_next(&list, &name) && view_is(name, "h2"));
    CHECK(!tg_alpn_next(&list, &name) && list.err == TG_RD_OK);
    free(good);
    uint8_t *empty = from_hex("02 6832 00", &len);
    list = tg_rd_of(view_of(empty, len));
    CHECK(tg_alpn_next(&list, &name));
    CHECK(!tg_alpn_next(&list, &name) && list.err != TG_RD_OK);
    free(empty);
    uint8_t *over = from_hex("05 6832", &len);
    list = tg_rd_of(view_of(over, len));
    CHECK(!tg_alpn_next(&list, &name) && list.err != TG_RD_OK);
    free(over);
}

/* SSLv2 CLIENT-HELLO body from msg_type on (no record header). */
static const char SSLV2_CH[] = "01"   /* msg_type CLIENT-HELLO */
                               "0301" /* version: TLS 1.0 in an SSLv2-compatible hello */
                               "0015" /* cipher specs: 21 bytes, 7 kinds */
                               "0000" /* no session id */
                               "0010" /* 16-byte challenge */
                               "010080 0700c0 030080 060040 000035 00002f 0000ff"
                               "101112131415161718191a1b1c1d1e1f";

static void test_sslv2(void)
{
    printf("== SSLv2 CLIENT-HELLO: every field\n");
    size_t len;
    uint8_t *body = from_hex(SSLV2_CH, &len);
    CHECK(len == 46);
    struct tg_client_hello ch;
    CHECK(tg_client_hello_parse_sslv2(view_of(body, len), &ch) == TG_OK);
    CHECK(ch.sslv2 && ch.legacy_version == 0x0301);
    CHECK(view_is_hex(ch.cipher_suites, "010080 0700c0 030080 060040 000035 00002f 0000ff"));
    CHECK(ch.session_id.len == 0);
    CHECK(view_is_hex(ch.random, "101112131415161718191a1b1c1d1e1f"));
    CHECK(ch.compression_methods.len == 0 && !ch.has_extensions_block);
    CHECK(ch.n_extensions == 0 && ch.problems == 0);

    printf("== SSLv2 CLIENT-HELLO: prefixes, trailing byte, bad fields\n");
    check_prefixes(tg_client_hello_parse_sslv2, body, len, 0);
    check_trailing(tg_client_hello_parse_sslv2, body, len, 0);
    body[0] = 0x02;
    CHECK(tg_client_hello_parse_sslv2(view_of(body, len), &ch) == TG_E_MALFORMED);
    body[0] = 0x01;
    body[8] = 0x0f; /* challenge of 15 bytes */
    CHECK(tg_client_hello_parse_sslv2(view_of(body, len), &ch) == TG_E_MALFORMED);
    body[8] = 0x10;
    body[4] = 0x14; /* 20 bytes of cipher specs */
    CHECK(tg_client_hello_parse_sslv2(view_of(body, len), &ch) == TG_E_MALFORMED);
    free(body);
}

int main(void)
{
    test_rfc8448_simple();
    test_rfc8448_hrr();
    test_tls12();
    test_caps_and_duplicates();
    test_fixed_part_errors();
    test_alpn_next();
    test_sslv2();
    return testkit_finish();
}
