/*
 * test_dissectors.c - unit tests of the smaller handshake dissectors:
 * cipher_info, alert, finished, certificate, certificate_request,
 * certificate_verify, server_key_exchange, client_key_exchange,
 * new_session_ticket, encrypted_extensions.
 *
 * Vectors are written by hand from the RFC layouts named in each
 * dissector; the Certificate message carries two real certificates (an EC
 * leaf and the CA that signed it, generated with openssl for this test).
 * Each valid vector is also fed as every strict prefix (must fail cleanly)
 * and with one extra trailing byte (must be reported), each in a buffer of
 * exactly its size so ASan catches a one-byte over-read.
 */
#include "../../dissectors/alert.h"
#include "../../dissectors/certificate.h"
#include "../../dissectors/certificate_request.h"
#include "../../dissectors/certificate_verify.h"
#include "../../dissectors/cipher_info.h"
#include "../../dissectors/client_key_exchange.h"
#include "../../dissectors/encrypted_extensions.h"
#include "../../dissectors/finished.h"
#include "../../dissectors/names.h"
#include "../../dissectors/new_session_ticket.h"
#include "../../dissectors/server_key_exchange.h"
#include "../../dissectors/u16list.h"
#include "testkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- every prefix and one trailing byte ---- */

/* What a vector is parsed with. */
struct ctx {
    enum tg_kex kex;
    uint16_t version;
    bool tls13;
    size_t hash_len;
};

/*
 * The full vector must parse, each prefix of length `from` .. len-1 must
 * not, nor the vector plus a trailing zero byte. `from` is 1 where the
 * empty body is a different valid message (an implicit DH public value).
 */
static void check_framing(const char *hex, size_t from,
                          enum tg_status (*parse)(struct tg_view, const struct ctx *),
                          const struct ctx *c, int line)
{
    struct tg_view full = view_from_hex(hex);
    check(parse(full, c) == TG_OK, "the full vector parses", line);
    size_t bad = SIZE_MAX;
    for (size_t n = from; n < full.len; n++) {
        struct tg_view prefix = view_copy(full.p, n);
        if (parse(prefix, c) == TG_OK && bad == SIZE_MAX)
            bad = n;
        view_free(prefix);
    }
    check(bad == SIZE_MAX, "every strict prefix fails", line);
    if (bad != SIZE_MAX)
        printf("  the prefix of %zu bytes parsed\n", bad);
    uint8_t *more = malloc(full.len + 1);
    if (!more)
        abort();
    memcpy(more, full.p, full.len);
    more[full.len] = 0;
    struct tg_view longer = {more, full.len + 1};
    check(parse(longer, c) != TG_OK, "a trailing byte is reported", line);
    free(more);
    view_free(full);
}

static const char LEAF_DER_HEX[] =
    "308201dc30820182a003020102020200ff300a06082a8648ce3d040303303f310b3009060355040613024445"
    "31163014060355040a0c0d476c61737320546573742043413118301606035504030c0f476c61737320546573"
    "7420526f6f74301e170d3236313132333130343634365a170d3239303232353130343634365a303031183016"
    "06035504030c0f6c6561662e676c6173732e7465737431143012060355040a0c0b476c6173732c20496e632e"
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004c57977d72e3d6391a1db898568483710de"
    "fdaa99f2581d6d81a0e6cd37d3b504a504fc8e116cc719b88dc23c5a88ab453bb9b3b02689ca5232a5acf41d"
    "c838fca37d307b302e0603551d1104273025820f6c6561662e676c6173732e74657374820c2a2e676c617373"
    "2e7465737487040a00000130090603551d1304023000301d0603551d0e041604142f4a7eda9a0617fe95cf81"
    "0491a46cf8b62a83b8301f0603551d23041830168014653026bd4a00cff57be62acd788316f85ce01a75300a"
    "06082a8648ce3d0403030348003045022100a6d626cd79c920c4de2951928dfb77c0c6b75de622e9b5108d46"
    "0b43af04313c02204220f01170fe64ccf6c280f42d6344e3f8b5659963078eeddbd78af7aa6d4fce";

static const char CA_DER_HEX[] =
    "308201d130820178a003020102020101300a06082a8648ce3d040302303f310b300906035504061302444531"
    "163014060355040a0c0d476c61737320546573742043413118301606035504030c0f476c6173732054657374"
    "20526f6f743020170d3236313132333130343634365a180f32303532313132363130343634365a303f310b30"
    "0906035504061302444531163014060355040a0c0d476c61737320546573742043413118301606035504030c"
    "0f476c617373205465737420526f6f743059301306072a8648ce3d020106082a8648ce3d030107034200044e"
    "57ff4128feed6eae5a41c2fa243dd3176b9fbfea3e085fe59ee8eb53fce6d9d1095d899436fbd85a18300c65"
    "e3e4dcec512a8d98cef38670e4caeb08bdfe59a3633061301d0603551d0e04160414653026bd4a00cff57be6"
    "2acd788316f85ce01a75301f0603551d23041830168014653026bd4a00cff57be62acd788316f85ce01a7530"
    "0f0603551d130101ff040530030101ff300e0603551d0f0101ff040403020106300a06082a8648ce3d040302"
    "03470030440220361257b57b9bd02a401bcbf22afaf04330fcd979985bbade04b4c9333aee7138022026055c"
    "766e8b6e147e3e688660a8887d1a1055797454a9ee1877903e2ce61569";

/* ---- cipher_info ---- */

static void check_suite(uint16_t suite, enum tg_kex kex, enum tg_auth auth, unsigned flags,
                        size_t prf, int line)
{
    struct tg_cipher_info i;
    bool known = tg_cipher_info(suite, &i);
    check(known, "suite is named", line);
    check_int(i.kex, kex, tg_name_cipher(suite), line);
    check_int(i.auth, auth, "auth", line);
    check_int(i.flags, flags, "flags", line);
    check_int((long long)i.prf_hash_len, (long long)prf, "prf hash", line);
    check_int(tg_cipher_kex(suite), kex, "tg_cipher_kex", line);
}

static void test_cipher_info(void)
{
    printf("cipher_info: key exchange, auth and flags from suite names\n");
    const unsigned A = TG_CIPHER_ANONYMOUS, E = TG_CIPHER_EXPORT, N = TG_CIPHER_NULL;
    const unsigned RC4 = TG_CIPHER_RC4, DES = TG_CIPHER_DES, DES3 = TG_CIPHER_3DES;
    const unsigned MD5 = TG_CIPHER_MD5, CBC = TG_CIPHER_CBC, AEAD = TG_CIPHER_AEAD;
    const unsigned EC = TG_CIPHER_EXPORT_CIPHER;
    check_suite(0x0000, TG_KEX_NULL, TG_AUTH_NONE, A | N, 32, __LINE__);
    check_suite(0x0001, TG_KEX_RSA, TG_AUTH_RSA, N | MD5, 32, __LINE__);
    check_suite(0x0003, TG_KEX_RSA_EXPORT, TG_AUTH_RSA, E | RC4 | MD5 | EC, 32, __LINE__);
    check_suite(0x0004, TG_KEX_RSA, TG_AUTH_RSA, RC4 | MD5, 32, __LINE__);
    check_suite(0x0009, TG_KEX_RSA, TG_AUTH_RSA, DES | CBC, 32, __LINE__);
    check_suite(0x000a, TG_KEX_RSA, TG_AUTH_RSA, DES3 | CBC, 32, __LINE__);
    check_suite(0x000b, TG_KEX_DH, TG_AUTH_DSS, E | DES | CBC | EC, 32, __LINE__);
    check_suite(0x0014, TG_KEX_DHE, TG_AUTH_RSA, E | DES | CBC | EC, 32, __LINE__);
    check_suite(0x0017, TG_KEX_DH_ANON, TG_AUTH_NONE, A | E | RC4 | MD5 | EC, 32, __LINE__);
    check_suite(0x001b, TG_KEX_DH_ANON, TG_AUTH_NONE, A | DES3 | CBC, 32, __LINE__);
    check_suite(0x0020, TG_KEX_KRB5, TG_AUTH_KRB5, RC4, 32, __LINE__);
    check_suite(0x0029, TG_KEX_KRB5, TG_AUTH_KRB5, E | DES | CBC | MD5 | EC, 32, __LINE__);
    check_suite(0x002f, TG_KEX_RSA, TG_AUTH_RSA, CBC, 32, __LINE__);
    check_suite(0x0030, TG_KEX_DH, TG_AUTH_DSS, CBC, 32, __LINE__);
    check_suite(0x0033, TG_KEX_DHE, TG_AUTH_RSA, CBC, 32, __LINE__);
    check_suite(0x0062, TG_KEX_RSA_EXPORT, TG_AUTH_RSA, E | DES | CBC, 32, __LINE__);
    check_suite(0x008c, TG_KEX_PSK, TG_AUTH_PSK, CBC, 32, __LINE__);
    check_suite(0x0090, TG_KEX_DHE_PSK, TG_AUTH_PSK, CBC, 32, __LINE__);
    check_suite(0x0094, TG_KEX_RSA_PSK, TG_AUTH_RSA, CBC, 32, __LINE__);
    check_suite(0x009d, TG_KEX_RSA, TG_AUTH_RSA, AEAD, 48, __LINE__);
    check_suite(0x00ff, TG_KEX_UNKNOWN, TG_AUTH_UNKNOWN, TG_CIPHER_SCSV, 32, __LINE__);
    check_suite(0x1301, TG_KEX_TLS13, TG_AUTH_TLS13, AEAD, 32, __LINE__);
    check_suite(0x1302, TG_KEX_TLS13, TG_AUTH_TLS13, AEAD, 48, __LINE__);
    check_suite(0x1303, TG_KEX_TLS13, TG_AUTH_TLS13, AEAD, 32, __LINE__);
    check_suite(0x5600, TG_KEX_UNKNOWN, TG_AUTH_UNKNOWN, TG_CIPHER_SCSV, 32, __LINE__);
    check_suite(0xc005, TG_KEX_ECDH, TG_AUTH_ECDSA, CBC, 32, __LINE__);
    check_suite(0xc011, TG_KEX_ECDHE, TG_AUTH_RSA, RC4, 32, __LINE__);
    check_suite(0xc015, TG_KEX_ECDH_ANON, TG_AUTH_NONE, A | N, 32, __LINE__);
    check_suite(0xc01a, TG_KEX_SRP, TG_AUTH_SRP, DES3 | CBC, 32, __LINE__);
    check_suite(0xc01b, TG_KEX_SRP, TG_AUTH_RSA, DES3 | CBC, 32, __LINE__);
    check_suite(0xc02b, TG_KEX_ECDHE, TG_AUTH_ECDSA, AEAD, 32, __LINE__);
    check_suite(0xc030, TG_KEX_ECDHE, TG_AUTH_RSA, AEAD, 48, __LINE__);
    check_suite(0xc035, TG_KEX_ECDHE_PSK, TG_AUTH_PSK, CBC, 32, __LINE__);
    check_suite(0xc0a0, TG_KEX_RSA, TG_AUTH_RSA, AEAD, 32, __LINE__);     /* _CCM_8, no MAC part */
    check_suite(0xc0aa, TG_KEX_DHE_PSK, TG_AUTH_PSK, AEAD, 32, __LINE__); /* PSK_DHE */
    check_suite(0xc0b4, TG_KEX_TLS13, TG_AUTH_TLS13, N, 32, __LINE__);    /* TLS_SHA256_SHA256 */
    check_suite(0xcca8, TG_KEX_ECDHE, TG_AUTH_RSA, AEAD, 32, __LINE__);

    struct tg_cipher_info i;
    CHECK(!tg_cipher_info(0x0a0a, &i)); /* GREASE has no name */
    CHECK_INT(i.kex, TG_KEX_UNKNOWN);
    CHECK_INT(tg_cipher_kex(0x0a0a), TG_KEX_UNKNOWN);
    CHECK(!tg_cipher_info_from_name(NULL, &i));
    CHECK(!tg_cipher_info_from_name("", &i));
    CHECK(!tg_cipher_info_from_name("TLS", &i));
    CHECK(!tg_cipher_info_from_name("TLS_WITH_AES_128_CBC_SHA", &i));
    CHECK(!tg_cipher_info_from_name("TLS_RSA_WITH", &i));
    CHECK(!tg_cipher_info_from_name("FOO_RSA_WITH_AES_128_CBC_SHA", &i));
    CHECK(!tg_cipher_info_from_name("TLS_A_B_C_D_E_F_G_H_I_J_K_L_M_N_O_P_Q", &i));
    CHECK(tg_cipher_info_from_name("TLS_ECDHE_anon_WITH_NULL_SHA", &i));
    CHECK_INT(i.kex, TG_KEX_ECDH_ANON);
    CHECK(tg_cipher_info_from_name("TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", &i));
    CHECK_INT(i.kex, TG_KEX_RSA_EXPORT);
    CHECK_STR(tg_cipher_kex_name(TG_KEX_ECDHE), "ecdhe");
    CHECK_STR(tg_cipher_kex_name(TG_KEX_RSA_EXPORT), "rsa_export");
    CHECK_STR(tg_cipher_kex_name(TG_KEX_DH_ANON), "dh_anon");
    CHECK_STR(tg_cipher_kex_name(TG_KEX_TLS13), "tls13");
    CHECK_STR(tg_cipher_kex_name(TG_KEX_UNKNOWN), "unknown");
}

/* ---- alert, finished ---- */

static enum tg_status parse_alert(struct tg_view v, const struct ctx *c)
{
    struct tg_alert a;
    (void)c;
    return tg_alert_parse(v, &a);
}

static void test_alert(void)
{
    printf("alert: level, description, plaintext test\n");
    struct tg_alert a;
    struct tg_view v = view_from_hex("0228");
    CHECK(tg_alert_parse(v, &a) == TG_OK);
    CHECK_INT(a.level, TG_ALERT_FATAL);
    CHECK_INT(a.description, 40);
    CHECK_STR(tg_name_alert(a.description), "handshake_failure");
    CHECK_STR(tg_alert_level_name(a.level), "fatal");
    view_free(v);
    v = view_from_hex("0100");
    CHECK(tg_alert_parse(v, &a) == TG_OK);
    CHECK_STR(tg_alert_level_name(a.level), "warning");
    CHECK_STR(tg_name_alert(a.description), "close_notify");
    view_free(v);
    v = view_from_hex("0328");
    CHECK(tg_alert_parse(v, &a) == TG_E_MALFORMED);
    CHECK(tg_alert_level_name(3) == NULL);
    view_free(v);
    v = view_from_hex("02");
    CHECK(tg_alert_parse(v, &a) == TG_E_SHORT);
    view_free(v);
    struct ctx none = {TG_KEX_UNKNOWN, 0, false, 0};
    check_framing("0228", 0, parse_alert, &none, __LINE__);
    CHECK(tg_alert_maybe_plaintext(2));
    CHECK(!tg_alert_maybe_plaintext(0));
    CHECK(!tg_alert_maybe_plaintext(3));
    CHECK(!tg_alert_maybe_plaintext(26)); /* 2 + an AEAD tag and nonce */
}

static enum tg_status parse_finished(struct tg_view v, const struct ctx *c)
{
    struct tg_view vd;
    return tg_finished_parse(v, c->version, c->hash_len, &vd);
}

static void test_finished(void)
{
    printf("finished: verify_data length by version\n");
    CHECK_INT(tg_finished_expected_len(0x0300, 0), 36);
    CHECK_INT(tg_finished_expected_len(0x0301, 0), 12);
    CHECK_INT(tg_finished_expected_len(0x0303, 48), 12);
    CHECK_INT(tg_finished_expected_len(0xfefd, 0), 12);
    CHECK_INT(tg_finished_expected_len(0x0304, 32), 32);
    CHECK_INT(tg_finished_expected_len(0x0304, 48), 48);
    struct ctx tls12 = {TG_KEX_UNKNOWN, 0x0303, false, 32};
    struct ctx ssl3 = {TG_KEX_UNKNOWN, 0x0300, false, 0};
    struct ctx tls13 = {TG_KEX_UNKNOWN, 0x0304, true, 48};
    check_framing("000102030405060708090a0b", 0, parse_finished, &tls12, __LINE__);
    check_framing("000102030405060708090a0b0c0d0e0f1011121314151617"
                  "18191a1b1c1d1e1f20212223",
                  0, parse_finished, &ssl3, __LINE__);
    check_framing("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                  "202122232425262728292a2b2c2d2e2f",
                  0, parse_finished, &tls13, __LINE__);
    struct tg_view vd;
    struct tg_view v = view_from_hex("000102030405060708090a0b");
    CHECK(tg_finished_parse(v, 0x0303, 0, &vd) == TG_OK);
    CHECK(vd.len == 12 && vd.p == v.p);
    CHECK(tg_finished_parse(v, 0x0304, 0, &vd) == TG_OK); /* 1.3, hash unknown: any */
    CHECK(tg_finished_parse(v, 0x0304, 32, &vd) == TG_E_SHORT);
    view_free(v);
}

/* ---- certificate ---- */

/* A tiny writer for messages built around the embedded certificates. */
struct out {
    uint8_t b[4096];
    size_t n;
};

static void put_u8(struct out *o, unsigned v)
{
    o->b[o->n++] = (uint8_t)v;
}

static void put_u16(struct out *o, size_t v)
{
    put_u8(o, (unsigned)(v >> 8) & 0xff);
    put_u8(o, (unsigned)v & 0xff);
}

static void put_u24(struct out *o, size_t v)
{
    put_u8(o, (unsigned)(v >> 16) & 0xff);
    put_u16(o, v & 0xffff);
}

static void put_view(struct out *o, struct tg_view v)
{
    memcpy(o->b + o->n, v.p, v.len);
    o->n += v.len;
}

static void to_hex(const struct out *o, char *hex)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < o->n; i++) {
        hex[2 * i] = d[o->b[i] >> 4];
        hex[2 * i + 1] = d[o->b[i] & 15];
    }
    hex[2 * o->n] = '\0';
}

/* Opens, walks, and returns the final status; *count gets the yield. */
static enum tg_status walk_certs(struct tg_view body, bool tls13, size_t *count)
{
    struct tg_certificate_iter it;
    struct tg_view der;
    enum tg_status st = tg_certificate_open(body, tls13, &it);
    *count = 0;
    while (tg_certificate_next(&it, &der))
        ++*count;
    CHECK(st == TG_OK || tg_certificate_status(&it) == st);
    return tg_certificate_status(&it);
}

static enum tg_status parse_certificate(struct tg_view v, const struct ctx *c)
{
    size_t n;
    return walk_certs(v, c->tls13, &n);
}

/* TLS 1.2 form: u24 list of u24 certificates. */
static void build_tls12_chain(struct out *o, struct tg_view leaf, struct tg_view ca)
{
    o->n = 0;
    put_u24(o, 3 + leaf.len + 3 + ca.len);
    put_u24(o, leaf.len);
    put_view(o, leaf);
    put_u24(o, ca.len);
    put_view(o, ca);
}

/* TLS 1.3 form: empty context, entries with extensions (an SCT on the leaf). */
static void build_tls13_chain(struct out *o, struct tg_view leaf, struct tg_view ca)
{
    o->n = 0;
    put_u8(o, 0);
    put_u24(o, 3 + leaf.len + 2 + 6 + 3 + ca.len + 2);
    put_u24(o, leaf.len);
    put_view(o, leaf);
    put_u16(o, 6);
    put_u16(o, 18); /* signed_certificate_timestamp */
    put_u16(o, 2);
    put_u16(o, 0xabcd);
    put_u24(o, ca.len);
    put_view(o, ca);
    put_u16(o, 0);
}

static void test_certificate_tls12(struct tg_view leaf, struct tg_view ca)
{
    static struct out o;
    static char hex[8192];
    printf("certificate (TLS 1.2): a leaf and its CA\n");
    build_tls12_chain(&o, leaf, ca);
    struct tg_view body = view_copy(o.b, o.n);
    struct tg_certificate_iter it;
    struct tg_view der;
    CHECK(tg_certificate_open(body, false, &it) == TG_OK);
    CHECK(tg_certificate_next(&it, &der));
    CHECK(der.len == leaf.len && memcmp(der.p, leaf.p, leaf.len) == 0);
    CHECK(tg_certificate_next(&it, &der));
    CHECK(der.len == ca.len && memcmp(der.p, ca.p, ca.len) == 0);
    CHECK(!tg_certificate_next(&it, &der));
    CHECK(!tg_certificate_next(&it, &der)); /* stays at the end */
    CHECK(tg_certificate_status(&it) == TG_OK);
    CHECK_INT(it.index, 2);
    size_t n = 0;
    CHECK(tg_certificate_count(body, false, &n) == TG_OK);
    CHECK_INT(n, 2);

    /* Cut inside the second certificate: the first one is still yielded. */
    struct tg_view cut = view_copy(o.b, 3 + 3 + leaf.len + 3 + 100);
    CHECK(walk_certs(cut, false, &n) == TG_E_SHORT);
    CHECK_INT(n, 1);
    CHECK(tg_certificate_count(cut, false, &n) == TG_E_SHORT);
    CHECK_INT(n, 1);
    view_free(cut);

    to_hex(&o, hex);
    struct ctx c = {TG_KEX_UNKNOWN, 0x0303, false, 0};
    check_framing(hex, 0, parse_certificate, &c, __LINE__);
    view_free(body);
}

static void test_certificate_tls13(struct tg_view leaf, struct tg_view ca)
{
    static struct out o;
    static char hex[8192];
    printf("certificate (TLS 1.3): context, entries with extensions\n");
    build_tls13_chain(&o, leaf, ca);
    struct tg_view body = view_copy(o.b, o.n);
    struct tg_certificate_iter it;
    struct tg_view der;
    CHECK(tg_certificate_open(body, true, &it) == TG_OK);
    CHECK_INT(it.context.len, 0);
    CHECK(tg_certificate_next(&it, &der));
    CHECK(der.len == leaf.len && memcmp(der.p, leaf.p, leaf.len) == 0);
    CHECK(view_is_hex(it.extensions, "0012 0002 abcd"));
    CHECK(tg_certificate_next(&it, &der));
    CHECK(der.len == ca.len);
    CHECK_INT(it.extensions.len, 0);
    CHECK(!tg_certificate_next(&it, &der));
    CHECK(tg_certificate_status(&it) == TG_OK);
    to_hex(&o, hex);
    struct ctx c = {TG_KEX_UNKNOWN, 0x0304, true, 0};
    check_framing(hex, 0, parse_certificate, &c, __LINE__);
    /* Read as TLS 1.2 the same bytes do not parse. */
    size_t n;
    CHECK(walk_certs(body, false, &n) != TG_OK);
    view_free(body);
}

static void test_certificate_odd(void)
{
    printf("certificate: empty lists, empty and overlong entries, context\n");
    size_t n = 99;
    struct tg_view v = view_from_hex("000000");
    CHECK(walk_certs(v, false, &n) == TG_OK);
    CHECK_INT(n, 0);
    view_free(v);
    v = view_from_hex("02 abcd 000000"); /* 1.3 client: context echoed, no certificate */
    struct tg_certificate_iter it;
    struct tg_view der;
    CHECK(tg_certificate_open(v, true, &it) == TG_OK);
    CHECK(view_is_hex(it.context, "abcd"));
    CHECK(!tg_certificate_next(&it, &der));
    CHECK(tg_certificate_status(&it) == TG_OK);
    view_free(v);
    v = view_from_hex("000009 000003 308100 000000"); /* second entry empty */
    CHECK(walk_certs(v, false, &n) == TG_E_MALFORMED);
    CHECK_INT(n, 1);
    view_free(v);
    v = view_from_hex("000006 000009 308100"); /* entry overruns the list */
    CHECK(walk_certs(v, false, &n) == TG_E_MALFORMED);
    CHECK_INT(n, 0);
    view_free(v);
    v = view_from_hex("000004 000001 30 ff"); /* a stray byte inside the list */
    CHECK(walk_certs(v, false, &n) == TG_E_MALFORMED);
    CHECK_INT(n, 1);
    view_free(v);
    v = view_from_hex("0000");
    CHECK(walk_certs(v, false, &n) == TG_E_SHORT);
    CHECK_INT(n, 0);
    view_free(v);
    CHECK(TG_CERT_MAX_CHAIN == 16);
}

/* ---- server_key_exchange ---- */

#define X25519_POINT "20 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define P256_POINT                                                                                 \
    "41 04 1111111111111111111111111111111111111111111111111111111111111111"                       \
    "2222222222222222222222222222222222222222222222222222222222222222"

static enum tg_status parse_ske(struct tg_view v, const struct ctx *c)
{
    struct tg_server_key_exchange s;
    return tg_server_key_exchange_parse(v, c->kex, c->version, &s);
}

/* Parses hex with a kex and version into *s; returns the status. */
static enum tg_status ske_hex(const char *hex, enum tg_kex kex, uint16_t version,
                              struct tg_server_key_exchange *s)
{
    struct tg_view v = view_from_hex(hex);
    enum tg_status st = tg_server_key_exchange_parse(v, kex, version, s);
    view_free(v); /* the views in *s dangle now: tests read scalars and lengths only */
    return st;
}

static void test_ske_bits(void)
{
    printf("server_key_exchange: bit length of p\n");
    struct tg_view v = view_from_hex("");
    CHECK_INT(tg_ske_bit_length(v), 0);
    view_free(v);
    v = view_from_hex("0000");
    CHECK_INT(tg_ske_bit_length(v), 0);
    view_free(v);
    v = view_from_hex("01");
    CHECK_INT(tg_ske_bit_length(v), 1);
    view_free(v);
    v = view_from_hex("80");
    CHECK_INT(tg_ske_bit_length(v), 8);
    view_free(v);
    v = view_from_hex("000100");
    CHECK_INT(tg_ske_bit_length(v), 9);
    view_free(v);
    v = view_from_hex("00007fffffff");
    CHECK_INT(tg_ske_bit_length(v), 31);
    view_free(v);
}

static void test_ske_ecdhe(void)
{
    struct tg_server_key_exchange s;
    printf("server_key_exchange: ECDHE named, explicit, anon, PSK\n");
    const char *v12 = "03 001d " X25519_POINT " 0403 0008 3006020101020101";
    const char *v10 = "03 001d " X25519_POINT " 0008 3006020101020101";
    CHECK(ske_hex(v12, TG_KEX_ECDHE, 0x0303, &s) == TG_OK);
    CHECK_INT(s.params, TG_SKE_ECDH);
    CHECK_INT(s.curve_type, TG_EC_NAMED_CURVE);
    CHECK_INT(s.group, 0x001d);
    CHECK_STR(tg_name_group(s.group), "x25519");
    CHECK_INT(s.point.len, 32);
    CHECK(s.has_signature && !s.sig_alg_implied);
    CHECK_INT(s.sig_scheme, 0x0403);
    CHECK_STR(tg_name_sigscheme(s.sig_scheme), "ecdsa_secp256r1_sha256");
    CHECK_INT(s.signature.len, 8);
    CHECK(!s.has_psk_identity_hint);
    struct ctx c12 = {TG_KEX_ECDHE, 0x0303, false, 0};
    check_framing(v12, 0, parse_ske, &c12, __LINE__);
    struct ctx d12 = {TG_KEX_ECDHE, 0xfefd, false, 0}; /* DTLS 1.2 names it too */
    check_framing(v12, 0, parse_ske, &d12, __LINE__);

    CHECK(ske_hex(v10, TG_KEX_ECDHE, 0x0301, &s) == TG_OK);
    CHECK(s.has_signature && s.sig_alg_implied);
    CHECK_INT(s.sig_scheme, 0);
    CHECK_INT(s.signature.len, 8);
    struct ctx c10 = {TG_KEX_ECDHE, 0x0301, false, 0};
    check_framing(v10, 0, parse_ske, &c10, __LINE__);
    struct ctx d10 = {TG_KEX_ECDHE, 0xfeff, false, 0};
    check_framing(v10, 0, parse_ske, &d10, __LINE__);
    CHECK(ske_hex(v10, TG_KEX_ECDHE, 0x0303, &s) != TG_OK); /* versions mixed up */

    const char *anon = "03 0017 " P256_POINT;
    CHECK(ske_hex(anon, TG_KEX_ECDH_ANON, 0x0303, &s) == TG_OK);
    CHECK_INT(s.group, 23);
    CHECK_INT(s.point.len, 65);
    CHECK(!s.has_signature);
    struct ctx ca = {TG_KEX_ECDH_ANON, 0x0303, false, 0};
    check_framing(anon, 0, parse_ske, &ca, __LINE__);

    const char *psk = "0000 03 001d " X25519_POINT;
    CHECK(ske_hex(psk, TG_KEX_ECDHE_PSK, 0x0303, &s) == TG_OK);
    CHECK(s.has_psk_identity_hint);
    CHECK_INT(s.psk_identity_hint.len, 0);
    CHECK_INT(s.group, 0x001d);
    CHECK(!s.has_signature);
    struct ctx cp = {TG_KEX_ECDHE_PSK, 0x0303, false, 0};
    check_framing(psk, 0, parse_ske, &cp, __LINE__);

    const char *prime = "01 0117 010a 010b 0104 0113 0101 0104 0403 0002 3000";
    CHECK(ske_hex(prime, TG_KEX_ECDHE, 0x0303, &s) == TG_OK);
    CHECK_INT(s.curve_type, TG_EC_EXPLICIT_PRIME);
    CHECK_INT(s.group, 0);
    CHECK_INT(s.point.len, 1);
    CHECK_INT(s.signature.len, 2);
    check_framing(prime, 0, parse_ske, &c12, __LINE__);
    const char *tri = "02 0071 01 0109 010a 010b 0104 0113 0102 0104 0403 0002 3000";
    CHECK(ske_hex(tri, TG_KEX_ECDHE, 0x0303, &s) == TG_OK);
    CHECK_INT(s.curve_type, TG_EC_EXPLICIT_CHAR2);
    check_framing(tri, 0, parse_ske, &c12, __LINE__);
    const char *penta = "02 00a3 02 0103 0106 0107 010a 010b 0104 0113 0102 0104 0403 0002 3000";
    CHECK(ske_hex(penta, TG_KEX_ECDHE, 0x0303, &s) == TG_OK);
    check_framing(penta, 0, parse_ske, &c12, __LINE__);
    CHECK(ske_hex("02 0071 03 0109 010a 010b 0104 0113 0102 0104 0403 0002 3000", TG_KEX_ECDHE,
                  0x0303, &s) == TG_E_MALFORMED); /* basis 3 */
    CHECK(ske_hex("04 001d " X25519_POINT " 0403 0002 3000", TG_KEX_ECDHE, 0x0303, &s) ==
          TG_E_MALFORMED); /* curve_type 4 */
    CHECK(ske_hex("03 001d 00 0403 0002 3000", TG_KEX_ECDHE, 0x0303, &s) == TG_E_MALFORMED);
    CHECK(ske_hex("01 00 010a 010b 0104 0113 0101 0104 0403 0002 3000", TG_KEX_ECDHE, 0x0303, &s) ==
          TG_E_MALFORMED); /* empty prime */
}

static void test_ske_dh_rsa_psk_srp(void)
{
    struct tg_server_key_exchange s;
    printf("server_key_exchange: DHE, RSA export, PSK, SRP, kinds without one\n");
    const char *dhe = "0004 0001abcd 0001 02 0002 1234 0601 0004 deadbeef";
    CHECK(ske_hex(dhe, TG_KEX_DHE, 0x0303, &s) == TG_OK);
    CHECK_INT(s.params, TG_SKE_DH);
    CHECK_INT(s.dh_p.len, 4);
    CHECK_INT(s.dh_bits, 17);
    CHECK_INT(s.dh_g.len, 1);
    CHECK_INT(s.dh_ys.len, 2);
    CHECK_INT(s.sig_scheme, 0x0601);
    CHECK_STR(tg_name_sigscheme(s.sig_scheme), "rsa_pkcs1_sha512");
    CHECK_INT(s.signature.len, 4);
    struct ctx c = {TG_KEX_DHE, 0x0303, false, 0};
    check_framing(dhe, 0, parse_ske, &c, __LINE__);
    CHECK(ske_hex("0000 0001 02 0002 1234 0601 0004 deadbeef", TG_KEX_DHE, 0x0303, &s) ==
          TG_E_MALFORMED); /* empty p */

    const char *anon = "0004 0001abcd 0001 02 0002 1234";
    CHECK(ske_hex(anon, TG_KEX_DH_ANON, 0x0301, &s) == TG_OK);
    CHECK(!s.has_signature);
    CHECK_INT(s.dh_bits, 17);
    struct ctx ca = {TG_KEX_DH_ANON, 0x0301, false, 0};
    check_framing(anon, 0, parse_ske, &ca, __LINE__);

    const char *dpsk = "0002 6869 0004 0001abcd 0001 02 0002 1234";
    CHECK(ske_hex(dpsk, TG_KEX_DHE_PSK, 0x0303, &s) == TG_OK);
    CHECK_INT(s.psk_identity_hint.len, 2);
    CHECK_INT(s.dh_bits, 17);
    CHECK(!s.has_signature);
    struct ctx cd = {TG_KEX_DHE_PSK, 0x0303, false, 0};
    check_framing(dpsk, 0, parse_ske, &cd, __LINE__);

    const char *rsa = "0040 c0"
                      "01010101010101010101010101010101010101010101010101010101010101"
                      "0101010101010101010101010101010101010101010101010101010101010101"
                      " 0003 010001 0004 01020304";
    CHECK(ske_hex(rsa, TG_KEX_RSA_EXPORT, 0x0301, &s) == TG_OK);
    CHECK_INT(s.params, TG_SKE_RSA);
    CHECK_INT(s.rsa_bits, 512);
    CHECK_INT(s.rsa_exponent.len, 3);
    CHECK(s.sig_alg_implied);
    struct ctx cr = {TG_KEX_RSA_EXPORT, 0x0301, false, 0};
    check_framing(rsa, 0, parse_ske, &cr, __LINE__);

    const char *psk = "0005 68696e7431";
    CHECK(ske_hex(psk, TG_KEX_PSK, 0x0303, &s) == TG_OK);
    CHECK_INT(s.params, TG_SKE_NONE);
    CHECK_INT(s.psk_identity_hint.len, 5);
    CHECK(!s.has_signature);
    struct ctx cp = {TG_KEX_PSK, 0x0303, false, 0};
    check_framing(psk, 0, parse_ske, &cp, __LINE__);
    CHECK(ske_hex(psk, TG_KEX_RSA_PSK, 0x0303, &s) == TG_OK);

    const char *srp = "0002 ffff 0001 02 01 aa 0002 1234";
    CHECK(ske_hex(srp, TG_KEX_SRP, 0x0303, &s) == TG_OK);
    CHECK_INT(s.params, TG_SKE_SRP);
    CHECK_INT(s.srp_bits, 16);
    CHECK(!s.has_signature);
    struct ctx cs = {TG_KEX_SRP, 0x0303, false, 0};
    check_framing(srp, 0, parse_ske, &cs, __LINE__);
    CHECK(ske_hex("0002 ffff 0001 02 01 aa 0002 1234 0401 0002 3000", TG_KEX_SRP, 0x0303, &s) ==
          TG_OK);
    CHECK(s.has_signature);
    CHECK_INT(s.sig_scheme, 0x0401);
    CHECK(ske_hex("0002 ffff 0001 02 01 aa 0002 1234 04", TG_KEX_SRP, 0x0303, &s) != TG_OK);

    CHECK(ske_hex(dhe, TG_KEX_RSA, 0x0303, &s) == TG_E_MALFORMED);
    CHECK(ske_hex(dhe, TG_KEX_TLS13, 0x0304, &s) == TG_E_MALFORMED);
    CHECK(ske_hex(dhe, TG_KEX_UNKNOWN, 0x0303, &s) == TG_E_MALFORMED);
    CHECK(ske_hex(dhe, TG_KEX_ECDH, 0x0303, &s) == TG_E_MALFORMED);
    CHECK(ske_hex("0004 0001abcd 0001 02 0002 1234 0601 0004 deadbeef 00", TG_KEX_DHE, 0x0303,
                  &s) == TG_E_MALFORMED);
    CHECK_INT(s.trailing, 1);
}

/* ---- client_key_exchange ---- */

static enum tg_status parse_cke(struct tg_view v, const struct ctx *c)
{
    struct tg_client_key_exchange k;
    return tg_client_key_exchange_parse(v, c->kex, c->version, &k);
}

static enum tg_status cke_hex(const char *hex, enum tg_kex kex, uint16_t version,
                              struct tg_client_key_exchange *k)
{
    struct tg_view v = view_from_hex(hex);
    enum tg_status st = tg_client_key_exchange_parse(v, kex, version, k);
    view_free(v);
    return st;
}

static void test_cke(void)
{
    struct tg_client_key_exchange k;
    printf("client_key_exchange: every kind\n");
    CHECK(cke_hex("0004 aabbccdd", TG_KEX_RSA, 0x0303, &k) == TG_OK);
    CHECK_INT(k.kex, TG_KEX_RSA);
    CHECK_INT(k.key.len, 4);
    CHECK(!k.has_psk_identity && !k.implicit && !k.opaque);
    struct ctx rsa = {TG_KEX_RSA, 0x0303, false, 0};
    check_framing("0004 aabbccdd", 0, parse_cke, &rsa, __LINE__);
    CHECK(cke_hex("0000", TG_KEX_RSA, 0x0303, &k) == TG_E_MALFORMED);
    CHECK(cke_hex("aabbccdd", TG_KEX_RSA, 0x0300, &k) == TG_OK); /* SSLv3: no length */
    CHECK_INT(k.key.len, 4);
    CHECK(cke_hex("0004 aabbccdd", TG_KEX_RSA_EXPORT, 0x0300, &k) == TG_OK);
    CHECK_INT(k.key.len, 6);
    CHECK(cke_hex("", TG_KEX_RSA, 0x0300, &k) != TG_OK);

    CHECK(cke_hex("0003 010203", TG_KEX_DHE, 0x0303, &k) == TG_OK);
    CHECK_INT(k.key.len, 3);
    struct ctx dhe = {TG_KEX_DHE, 0x0303, false, 0};
    check_framing("0003 010203", 1, parse_cke, &dhe, __LINE__);
    CHECK(cke_hex("", TG_KEX_DH, 0x0303, &k) == TG_OK);
    CHECK(k.implicit);
    CHECK_INT(k.key.len, 0);
    CHECK(cke_hex("0000", TG_KEX_DHE, 0x0303, &k) == TG_E_MALFORMED);

    CHECK(cke_hex(X25519_POINT, TG_KEX_ECDHE, 0x0303, &k) == TG_OK);
    CHECK_INT(k.key.len, 32);
    struct ctx ec = {TG_KEX_ECDHE, 0x0303, false, 0};
    check_framing(X25519_POINT, 1, parse_cke, &ec, __LINE__);
    CHECK(cke_hex("", TG_KEX_ECDH, 0x0303, &k) == TG_OK);
    CHECK(k.implicit);
    CHECK(cke_hex("00", TG_KEX_ECDHE, 0x0303, &k) == TG_E_MALFORMED);

    CHECK(cke_hex("0003 616263", TG_KEX_PSK, 0x0303, &k) == TG_OK);
    CHECK(k.has_psk_identity);
    CHECK_INT(k.psk_identity.len, 3);
    CHECK_INT(k.key.len, 0);
    struct ctx psk = {TG_KEX_PSK, 0x0303, false, 0};
    check_framing("0003 616263", 0, parse_cke, &psk, __LINE__);

    const char *dpsk = "0003 616263 0002 0102";
    CHECK(cke_hex(dpsk, TG_KEX_DHE_PSK, 0x0303, &k) == TG_OK);
    CHECK_INT(k.key.len, 2);
    struct ctx cd = {TG_KEX_DHE_PSK, 0x0303, false, 0};
    check_framing(dpsk, 0, parse_cke, &cd, __LINE__);
    const char *epsk = "0003 616263 01 04";
    CHECK(cke_hex(epsk, TG_KEX_ECDHE_PSK, 0x0303, &k) == TG_OK);
    CHECK_INT(k.key.len, 1);
    struct ctx ce = {TG_KEX_ECDHE_PSK, 0x0303, false, 0};
    check_framing(epsk, 0, parse_cke, &ce, __LINE__);
    const char *rpsk = "0003 616263 0002 aabb";
    CHECK(cke_hex(rpsk, TG_KEX_RSA_PSK, 0x0303, &k) == TG_OK);
    CHECK_INT(k.key.len, 2);
    struct ctx cr = {TG_KEX_RSA_PSK, 0x0303, false, 0};
    check_framing(rpsk, 0, parse_cke, &cr, __LINE__);

    CHECK(cke_hex("0002 0102", TG_KEX_SRP, 0x0303, &k) == TG_OK);
    CHECK_INT(k.key.len, 2);
    struct ctx cs = {TG_KEX_SRP, 0x0303, false, 0};
    check_framing("0002 0102", 0, parse_cke, &cs, __LINE__);

    CHECK(cke_hex("01020304", TG_KEX_KRB5, 0x0303, &k) == TG_OK);
    CHECK(k.opaque);
    CHECK_INT(k.key.len, 4);
    CHECK(cke_hex("010203", TG_KEX_UNKNOWN, 0x0303, &k) == TG_OK);
    CHECK(k.opaque);
    CHECK(cke_hex("0003 010203", TG_KEX_TLS13, 0x0304, &k) == TG_E_MALFORMED);
    CHECK(cke_hex("0003 010203", TG_KEX_NULL, 0x0303, &k) == TG_E_MALFORMED);
}

/* ---- certificate_verify ---- */

static enum tg_status parse_cv(struct tg_view v, const struct ctx *c)
{
    struct tg_certificate_verify cv;
    return tg_certificate_verify_parse(v, c->version, &cv);
}

static void test_certificate_verify(void)
{
    struct tg_certificate_verify cv;
    printf("certificate_verify: with and without the algorithm\n");
    struct tg_view v = view_from_hex("0804 0004 01020304");
    CHECK(tg_certificate_verify_parse(v, 0x0303, &cv) == TG_OK);
    CHECK(cv.has_scheme);
    CHECK_INT(cv.scheme, 0x0804);
    CHECK(view_is_hex(cv.signature, "01020304"));
    CHECK(tg_certificate_verify_parse(v, 0x0304, &cv) == TG_OK);
    CHECK(tg_certificate_verify_parse(v, 0xfefd, &cv) == TG_OK);
    CHECK(tg_certificate_verify_parse(v, 0x0302, &cv) != TG_OK);
    view_free(v);
    v = view_from_hex("0004 01020304");
    CHECK(tg_certificate_verify_parse(v, 0x0301, &cv) == TG_OK);
    CHECK(!cv.has_scheme);
    CHECK_INT(cv.scheme, 0);
    CHECK(view_is_hex(cv.signature, "01020304"));
    CHECK(tg_certificate_verify_parse(v, 0x0300, &cv) == TG_OK);
    CHECK(tg_certificate_verify_parse(v, 0xfeff, &cv) == TG_OK);
    view_free(v);
    struct ctx c12 = {TG_KEX_UNKNOWN, 0x0303, false, 0};
    struct ctx c13 = {TG_KEX_UNKNOWN, 0x0304, true, 0};
    struct ctx c11 = {TG_KEX_UNKNOWN, 0x0302, false, 0};
    check_framing("0804 0004 01020304", 0, parse_cv, &c12, __LINE__);
    check_framing("0403 0004 01020304", 0, parse_cv, &c13, __LINE__);
    check_framing("0004 01020304", 0, parse_cv, &c11, __LINE__);
}

/* ---- new_session_ticket ---- */

static enum tg_status parse_nst(struct tg_view v, const struct ctx *c)
{
    struct tg_new_session_ticket t;
    return tg_new_session_ticket_parse(v, c->tls13, &t);
}

#define NST13                                                                                      \
    "00093a80 12345678 08 0001020304050607 0004 aabbccdd"                                          \
    " 000c 002a 0004 00004000 fafa 0000"

static void test_new_session_ticket(void)
{
    struct tg_new_session_ticket t;
    printf("new_session_ticket: RFC 5077 and TLS 1.3\n");
    struct tg_view v = view_from_hex("00001c20 0004 aabbccdd");
    CHECK(tg_new_session_ticket_parse(v, false, &t) == TG_OK);
    CHECK_INT(t.lifetime, 7200);
    CHECK(view_is_hex(t.ticket, "aabbccdd"));
    CHECK(!t.is_tls13);
    view_free(v);
    v = view_from_hex("00000000 0000"); /* an empty ticket: none issued after all */
    CHECK(tg_new_session_ticket_parse(v, false, &t) == TG_OK);
    CHECK_INT(t.ticket.len, 0);
    view_free(v);

    v = view_from_hex(NST13);
    CHECK(tg_new_session_ticket_parse(v, true, &t) == TG_OK);
    CHECK(t.is_tls13);
    CHECK_INT(t.lifetime, 604800);
    CHECK_INT(t.age_add, 0x12345678);
    CHECK(view_is_hex(t.nonce, "0001020304050607"));
    CHECK(view_is_hex(t.ticket, "aabbccdd"));
    CHECK(t.has_early_data);
    CHECK_INT(t.max_early_data_size, 16384);
    CHECK_INT(t.n_extensions, 2);
    view_free(v);
    v = view_from_hex("00093a80 12345678 00 0004 aabbccdd 0000");
    CHECK(tg_new_session_ticket_parse(v, true, &t) == TG_OK);
    CHECK(!t.has_early_data);
    CHECK_INT(t.nonce.len, 0);
    view_free(v);
    v = view_from_hex("00093a80 12345678 00 0000 0000"); /* empty 1.3 ticket */
    CHECK(tg_new_session_ticket_parse(v, true, &t) == TG_E_MALFORMED);
    view_free(v);
    v = view_from_hex("00093a80 12345678 00 0001 aa 0007 002a 0003 000040");
    CHECK(tg_new_session_ticket_parse(v, true, &t) == TG_E_MALFORMED);
    view_free(v);

    struct ctx c12 = {TG_KEX_UNKNOWN, 0x0303, false, 0};
    struct ctx c13 = {TG_KEX_UNKNOWN, 0x0304, true, 0};
    check_framing("00001c20 0004 aabbccdd", 0, parse_nst, &c12, __LINE__);
    check_framing(NST13, 0, parse_nst, &c13, __LINE__);
}

/* ---- encrypted_extensions ---- */

/* OK only with no problem noted, so a trailing byte counts as a failure. */
static enum tg_status parse_ee(struct tg_view v, const struct ctx *c)
{
    struct tg_encrypted_extensions e;
    (void)c;
    enum tg_status st = tg_encrypted_extensions_parse(v, &e);
    return st == TG_OK && e.problems ? TG_E_MALFORMED : st;
}

#define EE_FULL                                                                                    \
    "0026 0000 0000  0010 0005 0003 02 6832  002a 0000  000a 0006 0004 001d 0017"                  \
    "  001c 0002 4001  0001 0001 02"

static void test_encrypted_extensions(void)
{
    static struct tg_encrypted_extensions e;
    printf("encrypted_extensions: ALPN, early_data, SNI ack, groups, salvage\n");
    struct tg_view v = view_from_hex(EE_FULL);
    CHECK(tg_encrypted_extensions_parse(v, &e) == TG_OK);
    CHECK_INT(e.problems, 0);
    CHECK_INT(e.n_extensions, 6);
    CHECK_INT(e.n_extensions_total, 6);
    CHECK_INT(e.extensions[0], 0);
    CHECK_INT(e.extensions[1], 16);
    CHECK_INT(e.extensions[2], 42);
    CHECK_INT(e.extensions[3], 10);
    CHECK_INT(e.extensions[4], 28);
    CHECK_INT(e.extensions[5], 1);
    CHECK(e.server_name_ack);
    CHECK(e.has_alpn && view_is_hex(e.alpn, "6832"));
    CHECK(e.early_data);
    CHECK(e.has_supported_groups);
    CHECK_INT(tg_u16_list_count(e.supported_groups), 2);
    CHECK_INT(tg_u16_list_at(e.supported_groups, 0), 0x001d);
    CHECK_INT(tg_u16_list_at(e.supported_groups, 1), 0x0017);
    CHECK(e.has_record_size_limit);
    CHECK_INT(e.record_size_limit, 16385);
    CHECK(e.has_max_fragment_length);
    CHECK_INT(e.max_fragment_length, 2);
    view_free(v);
    check_framing(EE_FULL, 0, parse_ee, NULL, __LINE__);

    v = view_from_hex(EE_FULL "00");
    CHECK(tg_encrypted_extensions_parse(v, &e) == TG_OK);
    CHECK(e.problems == TG_EE_TRAILING_BYTES);
    view_free(v);
    v = view_from_hex("0000");
    CHECK(tg_encrypted_extensions_parse(v, &e) == TG_OK);
    CHECK_INT(e.n_extensions, 0);
    view_free(v);
    /* Two ALPN names (a server selects one), then early_data: salvaged. */
    v = view_from_hex("0016 0010 000e 000c 02 6832 08 687474702f312e31 002a 0000");
    CHECK(tg_encrypted_extensions_parse(v, &e) == TG_OK);
    CHECK(e.problems & TG_EE_BAD_EXTENSION);
    CHECK(!e.has_alpn);
    CHECK(e.early_data);
    view_free(v);
    v = view_from_hex("0008 002a 0000 002a 0000"); /* duplicate */
    CHECK(tg_encrypted_extensions_parse(v, &e) == TG_OK);
    CHECK(e.problems & TG_EE_DUPLICATE_EXTENSION);
    view_free(v);
    v = view_from_hex("0006 002a 0001 00 ff"); /* non-empty early_data, then a stray byte */
    CHECK(tg_encrypted_extensions_parse(v, &e) == TG_E_MALFORMED);
    CHECK(e.problems & TG_EE_BAD_EXTENSION);
    CHECK_INT(e.n_extensions, 1);
    view_free(v);

    static struct out o;
    o.n = 0;
    put_u16(&o, (size_t)40 * 4);
    for (unsigned i = 0; i < 40; i++) {
        put_u16(&o, 0xff00 + i);
        put_u16(&o, 0);
    }
    v = view_copy(o.b, o.n);
    CHECK(tg_encrypted_extensions_parse(v, &e) == TG_OK);
    CHECK(e.problems & TG_EE_TOO_MANY_EXTENSIONS);
    CHECK_INT(e.n_extensions, TG_EE_MAX_EXTENSIONS);
    CHECK_INT(e.n_extensions_total, 40);
    view_free(v);
}

/* ---- certificate_request ---- */

static enum tg_status parse_cr(struct tg_view v, const struct ctx *c)
{
    struct tg_certificate_request r;
    return tg_certificate_request_parse(v, c->version, &r);
}

#define DN_CA "300d310b3009060355040313024341" /* CN=CA */
#define CR12 "02 0140 0004 0403 0804 0015 000f " DN_CA " 0002 3000"
#define CR13 "00 0025 000d 0006 0004 0403 0804 002f 0013 0011 000f " DN_CA " 0030 0000"

static void test_certificate_request(void)
{
    static struct tg_certificate_request r;
    printf("certificate_request: TLS 1.2, 1.1 and 1.3 forms\n");
    struct tg_view v = view_from_hex(CR12);
    CHECK(tg_certificate_request_parse(v, 0x0303, &r) == TG_OK);
    CHECK(!r.is_tls13);
    CHECK(view_is_hex(r.certificate_types, "0140"));
    CHECK_STR(tg_name_cert_type(1), "rsa_sign");
    CHECK_STR(tg_name_cert_type(64), "ecdsa_sign");
    CHECK(r.has_signature_algorithms);
    CHECK_INT(tg_u16_list_count(r.signature_algorithms), 2);
    CHECK_INT(tg_u16_list_at(r.signature_algorithms, 1), 0x0804);
    CHECK(r.has_certificate_authorities);
    CHECK_INT(r.n_certificate_authorities, 2);
    struct tg_rd walk = tg_rd_of(r.certificate_authorities);
    struct tg_view dn;
    CHECK(tg_ca_name_next(&walk, &dn) && view_is_hex(dn, DN_CA));
    CHECK(tg_ca_name_next(&walk, &dn) && view_is_hex(dn, "3000"));
    CHECK(!tg_ca_name_next(&walk, &dn));
    CHECK(walk.err == TG_RD_OK);
    CHECK(tg_certificate_request_parse(v, 0x0302, &r) != TG_OK); /* 1.1 has no algorithms */
    view_free(v);

    v = view_from_hex("02 0140 0000");
    CHECK(tg_certificate_request_parse(v, 0x0302, &r) == TG_OK);
    CHECK(!r.has_signature_algorithms);
    CHECK_INT(r.n_certificate_authorities, 0);
    view_free(v);

    v = view_from_hex(CR13);
    CHECK(tg_certificate_request_parse(v, 0x0304, &r) == TG_OK);
    CHECK(r.is_tls13);
    CHECK_INT(r.context.len, 0);
    CHECK_INT(r.n_extensions, 3);
    CHECK_INT(r.extensions[0], 13);
    CHECK_INT(r.extensions[1], 47);
    CHECK_INT(r.extensions[2], 48);
    CHECK(r.has_signature_algorithms);
    CHECK_INT(tg_u16_list_at(r.signature_algorithms, 0), 0x0403);
    CHECK(r.has_certificate_authorities);
    CHECK_INT(r.n_certificate_authorities, 1);
    CHECK_INT(r.certificate_types.len, 0);
    view_free(v);

    v = view_from_hex("02 0140 0003 040308 0000"); /* odd algorithm list */
    CHECK(tg_certificate_request_parse(v, 0x0303, &r) == TG_E_MALFORMED);
    view_free(v);
    v = view_from_hex("02 0140 0004 04030804 0002 0000"); /* an empty DistinguishedName */
    CHECK(tg_certificate_request_parse(v, 0x0303, &r) == TG_E_MALFORMED);
    view_free(v);

    struct ctx c12 = {TG_KEX_UNKNOWN, 0x0303, false, 0};
    struct ctx c11 = {TG_KEX_UNKNOWN, 0x0302, false, 0};
    struct ctx c13 = {TG_KEX_UNKNOWN, 0x0304, true, 0};
    check_framing(CR12, 0, parse_cr, &c12, __LINE__);
    check_framing("02 0140 0000", 0, parse_cr, &c11, __LINE__);
    check_framing(CR13, 0, parse_cr, &c13, __LINE__);
}

int main(void)
{
    struct tg_view leaf = view_from_hex(LEAF_DER_HEX);
    struct tg_view ca = view_from_hex(CA_DER_HEX);
    test_cipher_info();
    test_alert();
    test_finished();
    test_certificate_tls12(leaf, ca);
    test_certificate_tls13(leaf, ca);
    test_certificate_odd();
    test_ske_bits();
    test_ske_ecdhe();
    test_ske_dh_rsa_psk_srp();
    test_cke();
    test_certificate_verify();
    test_new_session_ticket();
    test_encrypted_extensions();
    test_certificate_request();
    view_free(leaf);
    view_free(ca);
    return testkit_finish();
}
