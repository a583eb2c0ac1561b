/*
 * test_names.c - the IANA name tables: every table strictly sorted by code
 * with non-empty names (bisection depends on it) that need no escape in
 * JSON (report.c writes name lists as raw text), spot checks of known code
 * points in each registry, NULL for unknown codes, and RFC 8701 GREASE.
 */
#include "../../dissectors/names.h"
#include "testkit.h"

#include <stdio.h>
#include <string.h>

static bool is(const char *got, const char *want)
{
    return got && strcmp(got, want) == 0;
}

static void test_sorted(void)
{
    static const char *const tables[] = {"version", "cipher",    "cipher_sslv2",
                                         "group",   "sigscheme", "extension",
                                         "alert",   "handshake", "cert_type"};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        printf("== table %s: strictly sorted, names not empty, no JSON escapes\n", tables[t]);
        size_t n = 0;
        const struct tg_name *table = tg_names_table(tables[t], &n);
        CHECK(table != NULL && n > 0);
        size_t unsorted = 0, empty = 0, escaped = 0;
        for (size_t i = 0; table && i < n; i++) {
            for (const char *c = table[i].name; c && *c; c++)
                if ((unsigned char)*c < 0x20 || *c == '"' || *c == '\\') {
                    escaped++;
                    printf("  %s: 0x%x \"%s\" needs a JSON escape\n", tables[t],
                           (unsigned)table[i].code, table[i].name);
                    break;
                }
            if (i > 0 && table[i - 1].code >= table[i].code) {
                unsorted++;
                printf("  %s: 0x%x after 0x%x\n", tables[t], (unsigned)table[i].code,
                       (unsigned)table[i - 1].code);
            }
            if (!table[i].name || table[i].name[0] == '\0')
                empty++;
        }
        CHECK(unsorted == 0);
        CHECK(empty == 0);
        CHECK(escaped == 0);
    }
    size_t n = 1;
    CHECK(tg_names_table("no_such_table", &n) == NULL && n == 0);
    CHECK(tg_names_table("cipher", &n) != NULL && n >= 340);
}

/* Every entry of every table is found again by its own lookup function. */
static void test_lookup_finds_all(void)
{
    printf("== every table entry is found by bisection\n");
    size_t n, missing = 0;
    const struct tg_name *t = tg_names_table("cipher", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_cipher((uint16_t)t[i].code) != t[i].name;
    t = tg_names_table("group", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_group((uint16_t)t[i].code) != t[i].name;
    t = tg_names_table("sigscheme", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_sigscheme((uint16_t)t[i].code) != t[i].name;
    t = tg_names_table("extension", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_extension((uint16_t)t[i].code) != t[i].name;
    t = tg_names_table("alert", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_alert((uint8_t)t[i].code) != t[i].name;
    t = tg_names_table("handshake", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_handshake((uint8_t)t[i].code) != t[i].name;
    t = tg_names_table("cert_type", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_cert_type((uint8_t)t[i].code) != t[i].name;
    t = tg_names_table("version", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_version((uint16_t)t[i].code) != t[i].name;
    t = tg_names_table("cipher_sslv2", &n);
    for (size_t i = 0; i < n; i++)
        missing += tg_name_cipher_sslv2(t[i].code) != t[i].name;
    CHECK(missing == 0);
}

static void test_spot_checks(void)
{
    printf("== known code points\n");
    CHECK(is(tg_name_version(0x0002), "SSLv2"));
    CHECK(is(tg_name_version(0x0300), "SSLv3"));
    CHECK(is(tg_name_version(0x0301), "TLSv1.0"));
    CHECK(is(tg_name_version(0x0303), "TLSv1.2"));
    CHECK(is(tg_name_version(0x0304), "TLSv1.3"));
    CHECK(is(tg_name_version(0xfeff), "DTLSv1.0"));
    CHECK(is(tg_name_version(0xfefd), "DTLSv1.2"));
    CHECK(is(tg_name_version(0xfefc), "DTLSv1.3"));
    CHECK(is(tg_name_cipher(0x0000), "TLS_NULL_WITH_NULL_NULL"));
    CHECK(is(tg_name_cipher(0x0004), "TLS_RSA_WITH_RC4_128_MD5"));
    CHECK(is(tg_name_cipher(0x002f), "TLS_RSA_WITH_AES_128_CBC_SHA"));
    CHECK(is(tg_name_cipher(0x00ff), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"));
    CHECK(is(tg_name_cipher(0x00c6), "TLS_SM4_GCM_SM3"));
    CHECK(is(tg_name_cipher(0x00c7), "TLS_SM4_CCM_SM3"));
    CHECK(is(tg_name_cipher(0x1301), "TLS_AES_128_GCM_SHA256"));
    CHECK(is(tg_name_cipher(0x1302), "TLS_AES_256_GCM_SHA384"));
    CHECK(is(tg_name_cipher(0x1303), "TLS_CHACHA20_POLY1305_SHA256"));
    CHECK(is(tg_name_cipher(0x1305), "TLS_AES_128_CCM_8_SHA256"));
    CHECK(is(tg_name_cipher(0x5600), "TLS_FALLBACK_SCSV"));
    CHECK(is(tg_name_cipher(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    CHECK(is(tg_name_cipher(0xc030), "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
    CHECK(is(tg_name_cipher(0xc0b0), "TLS_ECCPWD_WITH_AES_128_GCM_SHA256"));
    CHECK(is(tg_name_cipher(0xcca8), "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
    CHECK(is(tg_name_cipher(0xc09c), "TLS_RSA_WITH_AES_128_CCM"));
    CHECK(is(tg_name_cipher(0xc05c), "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"));
    CHECK(is(tg_name_cipher(0xd005), "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256"));
    CHECK(is(tg_name_cipher_sslv2(0x010080), "SSL2_RC4_128_WITH_MD5"));
    CHECK(is(tg_name_cipher_sslv2(0x0700c0), "SSL2_DES_192_EDE3_CBC_WITH_MD5"));
    CHECK(is(tg_name_cipher_sslv2(0x00002f), "TLS_RSA_WITH_AES_128_CBC_SHA"));
    CHECK(is(tg_name_group(0x0017), "secp256r1"));
    CHECK(is(tg_name_group(0x001d), "x25519"));
    CHECK(is(tg_name_group(0x001e), "x448"));
    CHECK(is(tg_name_group(0x001a), "brainpoolP256r1"));
    CHECK(is(tg_name_group(0x0100), "ffdhe2048"));
    CHECK(is(tg_name_group(0x0201), "MLKEM768"));
    CHECK(is(tg_name_group(0x11eb), "SecP256r1MLKEM768"));
    CHECK(is(tg_name_group(0x11ec), "X25519MLKEM768"));
    CHECK(is(tg_name_group(0x11ed), "SecP384r1MLKEM1024"));
    CHECK(is(tg_name_group(0x6399), "X25519Kyber768Draft00"));
    CHECK(is(tg_name_sigscheme(0x0403), "ecdsa_secp256r1_sha256"));
    CHECK(is(tg_name_sigscheme(0x0804), "rsa_pss_rsae_sha256"));
    CHECK(is(tg_name_sigscheme(0x0809), "rsa_pss_pss_sha256"));
    CHECK(is(tg_name_sigscheme(0x0807), "ed25519"));
    CHECK(is(tg_name_sigscheme(0x0201), "rsa_pkcs1_sha1"));
    CHECK(is(tg_name_sigscheme(0x0420), "rsa_pkcs1_sha256_legacy"));
    CHECK(is(tg_name_sigscheme(0x081a), "ecdsa_brainpoolP256r1tls13_sha256"));
    CHECK(is(tg_name_sigscheme(0x0303), "ecdsa_sha224"));
    CHECK(is(tg_name_sigscheme(0x0402), "dsa_sha256"));
    CHECK(is(tg_name_extension(0x0000), "server_name"));
    CHECK(is(tg_name_extension(0x0010), "application_layer_protocol_negotiation"));
    CHECK(is(tg_name_extension(0x002b), "supported_versions"));
    CHECK(is(tg_name_extension(0x0033), "key_share"));
    CHECK(is(tg_name_extension(13172), "next_protocol_negotiation"));
    CHECK(is(tg_name_extension(17513), "application_settings"));
    CHECK(is(tg_name_extension(65037), "encrypted_client_hello"));
    CHECK(is(tg_name_extension(65281), "renegotiation_info"));
    CHECK(is(tg_name_alert(0), "close_notify"));
    CHECK(is(tg_name_alert(40), "handshake_failure"));
    CHECK(is(tg_name_alert(112), "unrecognized_name"));
    CHECK(is(tg_name_alert(121), "ech_required"));
    CHECK(is(tg_name_handshake(1), "client_hello"));
    CHECK(is(tg_name_handshake(11), "certificate"));
    CHECK(is(tg_name_handshake(24), "key_update"));
    CHECK(is(tg_name_handshake(254), "message_hash"));
    CHECK(is(tg_name_cert_type(1), "rsa_sign"));
    CHECK(is(tg_name_cert_type(64), "ecdsa_sign"));
}

static void test_unknown(void)
{
    printf("== unknown codes are NULL (written as hex by callers)\n");
    CHECK(tg_name_version(0x7f17) == NULL); /* TLS 1.3 draft 23 */
    CHECK(tg_name_version(0x0000) == NULL);
    CHECK(tg_name_cipher(0x0a0a) == NULL); /* GREASE */
    CHECK(tg_name_cipher(0x1337) == NULL);
    CHECK(tg_name_cipher(0xffff) == NULL);
    CHECK(tg_name_cipher_sslv2(0x080080) == NULL);
    CHECK(tg_name_group(0x0000) == NULL);
    CHECK(tg_name_group(0x2a2a) == NULL);
    CHECK(tg_name_sigscheme(0x0000) == NULL);
    CHECK(tg_name_extension(0x1a1a) == NULL);
    CHECK(tg_name_extension(0xffff) == NULL);
    CHECK(tg_name_alert(255) == NULL);
    CHECK(tg_name_handshake(7) == NULL);
    CHECK(tg_name_cert_type(0) == NULL);
}

static void test_grease(void)
{
    printf("== RFC 8701 GREASE values\n");
    size_t grease = 0;
    for (uint32_t v = 0; v <= 0xffff; v++)
        grease += tg_is_grease((uint16_t)v);
    CHECK(grease == 16);
    for (unsigned i = 0; i < 16; i++)
        CHECK(tg_is_grease((uint16_t)(i << 12 | 0x0a00 | i << 4 | 0x0a)));
    CHECK(tg_is_grease(0x0a0a) && tg_is_grease(0xfafa) && tg_is_grease(0x1a1a));
    CHECK(!tg_is_grease(0x0a0b) && !tg_is_grease(0x0a1a) && !tg_is_grease(0x1a0a));
    CHECK(!tg_is_grease(0x0000) && !tg_is_grease(0x1301));
}

int main(void)
{
    test_sorted();
    test_lookup_finds_all();
    test_spot_checks();
    test_unknown();
    test_grease();
    return testkit_finish();
}
