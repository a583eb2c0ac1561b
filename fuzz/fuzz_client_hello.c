/*
 * fuzz_client_hello.c - feeds both ClientHello entry points of
 * dissectors/client_hello.c and checks what comes back.
 *
 * Input layout: byte 0 selects the parser (even: the handshake-layer
 * ClientHello body, odd: the SSLv2 CLIENT-HELLO record body from msg_type
 * on); the rest is the body, passed in a buffer of exactly its size.
 *
 * Checks: every view lies inside the body and is read end to end (so ASan
 * sees any view past it), list views have whole items, counts stay within
 * their caps, the ALPN list the parser accepted iterates cleanly, and a
 * failed parse leaves no extension behind unless it was salvaged.
 */
#include "../dissectors/client_hello.h"
#include "../dissectors/u16list.h"
#include "fuzzkit.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lists(const struct tg_client_hello *ch)
{
    touch(ch->random);
    touch(ch->session_id);
    touch(ch->cipher_suites);
    touch(ch->compression_methods);
    touch(ch->sni);
    touch(ch->supported_groups);
    touch(ch->ec_point_formats);
    touch(ch->signature_algorithms);
    touch(ch->alpn);
    touch(ch->supported_versions);
    touch(ch->psk_key_exchange_modes);
    require(ch->supported_groups.len % 2 == 0 && ch->signature_algorithms.len % 2 == 0);
    require(ch->supported_versions.len % 2 == 0);
    require(ch->session_id.len <= 32);
    if (!ch->sslv2)
        require(ch->cipher_suites.len % 2 == 0);
    else
        require(ch->cipher_suites.len % 3 == 0);
    for (size_t i = 0; i < tg_u16_list_count(ch->cipher_suites); i++)
        sink += tg_u16_list_at(ch->cipher_suites, i);
    require(ch->has_sni == (ch->sni.len > 0));
    require(ch->has_supported_groups == (ch->supported_groups.len > 0));
    require(ch->has_signature_algorithms == (ch->signature_algorithms.len > 0));
    require(ch->has_ec_point_formats == (ch->ec_point_formats.len > 0));
    require(ch->has_supported_versions == (ch->supported_versions.len > 0));
    require(ch->has_psk_key_exchange_modes == (ch->psk_key_exchange_modes.len > 0));
    require(ch->has_key_share || ch->n_key_share_groups == 0);
}

static void check_alpn(const struct tg_client_hello *ch)
{
    if (!ch->has_alpn) {
        require(ch->alpn.len == 0);
        return;
    }
    struct tg_rd list = tg_rd_of(ch->alpn);
    struct tg_view name;
    size_t n = 0;
    while (tg_alpn_next(&list, &name)) {
        touch(name);
        require(name.len > 0);
        n++;
    }
    require(list.err == TG_RD_OK && n > 0);
}

static void check(enum tg_status st, const struct tg_client_hello *ch)
{
    require(st == TG_OK || st == TG_E_SHORT || st == TG_E_MALFORMED);
    require(ch->n_extensions <= TG_CH_MAX_EXTENSIONS);
    require(ch->n_extensions <= ch->n_extensions_total);
    require(ch->n_key_share_groups <= TG_CH_MAX_KEY_SHARES);
    require(ch->n_extensions_total <= TG_CH_MAX_EXTENSIONS ||
            (ch->problems & TG_CH_TOO_MANY_EXTENSIONS));
    if (st == TG_E_MALFORMED)
        require(ch->n_extensions_total == 0);
    check_lists(ch);
    check_alpn(ch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t n = size - 1;
    uint8_t *body = malloc(n ? n : 1);
    if (!body)
        return 0;
    if (n)
        memcpy(body, data + 1, n);
    lo = body;
    hi = body + n;
    struct tg_view v = {n ? body : NULL, n};
    struct tg_client_hello ch;
    enum tg_status st =
        (data[0] & 1) ? tg_client_hello_parse_sslv2(v, &ch) : tg_client_hello_parse(v, &ch);
    check(st, &ch);
    free(body);
    return 0;
}
