/*
 * fuzz_handshake_misc.c - the smaller handshake dissectors under one target.
 *
 * Input: byte 0 picks the dissector, byte 1 the negotiated version (and,
 * bit 0, the TLS 1.3 form where a dissector has two), byte 2 the key
 * exchange (or Finished hash length); the rest is the message body. Every
 * view a dissector returns must lie inside the body, and is read through
 * so ASan sees a bad one.
 */
#include "../dissectors/alert.h"
#include "../dissectors/certificate.h"
#include "../dissectors/certificate_request.h"
#include "../dissectors/certificate_verify.h"
#include "../dissectors/cipher_info.h"
#include "../dissectors/client_key_exchange.h"
#include "../dissectors/encrypted_extensions.h"
#include "../dissectors/finished.h"
#include "../dissectors/new_session_ticket.h"
#include "../dissectors/server_key_exchange.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t versions[] = {0x0300, 0x0301, 0x0302, 0x0303, 0x0304,
                                    0xfeff, 0xfefd, 0xfefc, 0x7f1c};

static volatile unsigned sink;

/* A view must be empty or lie inside the body; its bytes are read. */
static void touch(struct tg_view v, struct tg_view body)
{
    if (v.len == 0)
        return;
    uintptr_t lo = (uintptr_t)body.p, hi = lo + body.len, p = (uintptr_t)v.p;
    if (p < lo || p > hi || v.len > hi - p)
        abort();
    unsigned s = 0;
    for (size_t i = 0; i < v.len; i++)
        s += v.p[i];
    sink += s;
}

static void run_certificate(struct tg_view body, bool tls13)
{
    struct tg_certificate_iter it;
    struct tg_view der;
    size_t n = 0, counted = 0;
    enum tg_status opened = tg_certificate_open(body, tls13, &it);
    touch(it.context, body);
    while (tg_certificate_next(&it, &der)) {
        touch(der, body);
        touch(it.extensions, body);
        if (der.len == 0)
            abort();
        n++;
    }
    enum tg_status st = tg_certificate_count(body, tls13, &counted);
    if (counted != n || (opened != TG_OK && st != opened))
        abort();
}

static void run_certificate_request(struct tg_view body, uint16_t version)
{
    struct tg_certificate_request r;
    if (tg_certificate_request_parse(body, version, &r) != TG_OK && r.n_extensions > 0)
        sink++;
    touch(r.context, body);
    touch(r.certificate_types, body);
    touch(r.signature_algorithms, body);
    touch(r.signature_algorithms_cert, body);
    struct tg_rd walk = tg_rd_of(r.certificate_authorities);
    struct tg_view dn;
    while (tg_ca_name_next(&walk, &dn))
        touch(dn, body);
}

static void run_ske(struct tg_view body, enum tg_kex kex, uint16_t version)
{
    struct tg_server_key_exchange s;
    if (tg_server_key_exchange_parse(body, kex, version, &s) == TG_OK && s.trailing)
        abort();
    struct tg_view views[] = {
        s.psk_identity_hint, s.point, s.dh_p,  s.dh_g,  s.dh_ys, s.rsa_modulus,
        s.rsa_exponent,      s.srp_n, s.srp_g, s.srp_s, s.srp_b, s.signature};
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
        touch(views[i], body);
    if (tg_ske_bit_length(s.dh_p) != s.dh_bits || s.dh_bits > 8 * s.dh_p.len)
        abort();
}

static void run_cke(struct tg_view body, enum tg_kex kex, uint16_t version)
{
    struct tg_client_key_exchange k;
    if (tg_client_key_exchange_parse(body, kex, version, &k) == TG_OK && k.trailing)
        abort();
    touch(k.psk_identity, body);
    touch(k.key, body);
}

static void run_small(unsigned which, struct tg_view body, uint16_t version, bool tls13,
                      uint8_t extra)
{
    if (which == 4) {
        struct tg_certificate_verify cv;
        (void)!tg_certificate_verify_parse(body, version, &cv);
        touch(cv.signature, body);
    } else if (which == 5) {
        struct tg_new_session_ticket t;
        (void)!tg_new_session_ticket_parse(body, tls13, &t);
        touch(t.nonce, body);
        touch(t.ticket, body);
    } else if (which == 6) {
        struct tg_encrypted_extensions e;
        (void)!tg_encrypted_extensions_parse(body, &e);
        touch(e.alpn, body);
        touch(e.supported_groups, body);
        if (e.n_extensions > TG_EE_MAX_EXTENSIONS || e.n_extensions > e.n_extensions_total)
            abort();
    } else if (which == 7) {
        struct tg_alert a;
        if (tg_alert_parse(body, &a) == TG_OK && !tg_alert_maybe_plaintext(body.len))
            abort();
    } else {
        struct tg_view vd;
        (void)!tg_finished_parse(body, version, extra % 65, &vd);
        touch(vd, body);
    }
}

/* Suite properties by code point, and the name parser on arbitrary text. */
static void run_cipher_info(const uint8_t *data, size_t size)
{
    struct tg_cipher_info info;
    uint16_t suite = (uint16_t)(size >= 2 ? data[0] << 8 | data[1] : 0);
    (void)tg_cipher_info(suite, &info);
    sink += (unsigned)tg_cipher_kex(suite) + (unsigned)strlen(tg_cipher_kex_name(info.kex));
    char name[128];
    size_t n = size < sizeof name - 1 ? size : sizeof name - 1;
    memcpy(name, data, n);
    name[n] = '\0';
    (void)tg_cipher_info_from_name(name, &info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    unsigned which = data[0] % 10;
    uint16_t version = versions[data[1] % (sizeof versions / sizeof versions[0])];
    bool tls13 = data[1] & 1;
    enum tg_kex kex = (enum tg_kex)(data[2] % (TG_KEX_KRB5 + 1));
    struct tg_view body = {data + 3, size - 3};
    switch (which) {
    case 0:
        run_certificate(body, tls13);
        break;
    case 1:
        run_certificate_request(body, version);
        break;
    case 2:
        run_ske(body, kex, version);
        break;
    case 3:
        run_cke(body, kex, version);
        break;
    case 9:
        run_cipher_info(body.p, body.len);
        break;
    default:
        run_small(which, body, version, tls13, data[2]);
        break;
    }
    return 0;
}
