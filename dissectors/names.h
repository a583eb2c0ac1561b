/*
 * names.h - IANA code point names: protocol versions, cipher suites,
 * supported groups, signature schemes, extensions, alerts, handshake types.
 *
 * Each table is a sorted {code, name} array searched by bisection; a test
 * keeps them sorted. Every lookup returns NULL for a code it does not know:
 * callers write unknown codes as hex ("0x1337").
 */
#ifndef TG_NAMES_H
#define TG_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tg_name {
    uint32_t code;
    const char *name;
};

/*
 * "SSLv2", "SSLv3", "TLSv1.0".."TLSv1.3", "DTLSv1.0", "DTLSv1.2", "DTLSv1.3";
 * NULL for anything else, TLS 1.3 drafts (0x7fXX) included.
 */
const char *tg_name_version(uint16_t v);
/* IANA TLS Cipher Suites registry, e.g. "TLS_AES_128_GCM_SHA256". */
const char *tg_name_cipher(uint16_t v);
/*
 * SSLv2 three-byte cipher kinds, e.g. "SSL2_RC4_128_WITH_MD5"; a value
 * below 0x010000 is a TLS suite in an SSLv2-format ClientHello and is named
 * as tg_name_cipher() names it.
 */
const char *tg_name_cipher_sslv2(uint32_t v);
/* Supported Groups registry, e.g. "x25519", "secp256r1", "X25519MLKEM768". */
const char *tg_name_group(uint16_t v);
/*
 * SignatureScheme registry, e.g. "ecdsa_secp256r1_sha256"; also the TLS 1.2
 * {hash, signature} pairs the registry leaves out, named as OpenSSL and
 * tshark users know them: "dsa_sha256", "ecdsa_sha224", "rsa_pkcs1_sha224".
 */
const char *tg_name_sigscheme(uint16_t v);
/* ExtensionType registry, e.g. "server_name". */
const char *tg_name_extension(uint16_t v);
/* AlertDescription registry, e.g. "handshake_failure". */
const char *tg_name_alert(uint8_t v);
/* HandshakeType registry, e.g. "client_hello", "certificate". */
const char *tg_name_handshake(uint8_t v);
/* ClientCertificateType registry, e.g. "rsa_sign". */
const char *tg_name_cert_type(uint8_t v);

/* TLS 1.3 or a draft or experiment of it (0x7fNN, 0x7e0N, 0xfbNN), or
 * DTLS 1.3: the versions whose handshake is protected after the ServerHello. */
bool tg_version_is_tls13(uint16_t v);

/* RFC 8701 GREASE: 0x0a0a, 0x1a1a, ... 0xfafa: both bytes equal, each of
 * the form 0x?A. Inline: the fingerprints ask for every list entry. */
static inline bool tg_is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/*
 * For the sortedness test: a table's entries and count by name ("version",
 * "cipher", "cipher_sslv2", "group", "sigscheme", "extension", "alert",
 * "handshake", "cert_type"); NULL and *count 0 for another name.
 */
const struct tg_name *tg_names_table(const char *which, size_t *count);

#endif
