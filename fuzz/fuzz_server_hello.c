/*
 * fuzz_server_hello.c - feeds both ServerHello entry points of
 * dissectors/server_hello.c and checks what comes back.
 *
 * Input layout: byte 0 selects the parser (even: the handshake-layer
 * ServerHello or HelloRetryRequest body, odd: the SSLv2 SERVER-HELLO record
 * body from msg_type on); the rest is the body, in a buffer of exactly its
 * size.
 *
 * Checks: every view lies inside the body and is read end to end, counts
 * stay within their caps, is_hrr agrees with the random (outside the
 * draft layouts), and the selected
 * ALPN name is not empty.
 */
#include "../dissectors/server_hello.h"
#include "fuzzkit.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(enum tg_status st, const struct tg_server_hello *sh)
{
    require(st == TG_OK || st == TG_E_SHORT || st == TG_E_MALFORMED);
    require(sh->n_extensions <= TG_SH_MAX_EXTENSIONS);
    require(sh->n_extensions <= sh->n_extensions_total);
    touch(sh->random);
    touch(sh->session_id);
    touch(sh->alpn);
    touch(sh->ec_point_formats);
    touch(sh->sslv2_certificate);
    touch(sh->sslv2_cipher_specs);
    require(sh->session_id.len <= 32);
    /* TLS 1.3 drafts 0-21 (the 0x7fNN layout, or 0x0304 read in it) had a
     * HelloRetryRequest message of its own: there the special random is
     * just a random. */
    bool special = !sh->sslv2 && tg_server_hello_is_hrr_random(sh->random);
    if ((sh->legacy_version >> 8) == 0x7f && (sh->legacy_version & 0xff) < 22)
        require(!sh->is_hrr);
    else if (sh->legacy_version == 0x0304) /* either layout */
        require(!sh->is_hrr || special);
    else
        require(sh->is_hrr == special);
    require(sh->has_alpn == (sh->alpn.len > 0));
    require(sh->has_ec_point_formats == (sh->ec_point_formats.len > 0));
    require(sh->sslv2_cipher_specs.len % 3 == 0);
    if (st == TG_E_MALFORMED)
        require(sh->n_extensions_total == 0);
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
    struct tg_server_hello sh;
    enum tg_status st =
        (data[0] & 1) ? tg_server_hello_parse_sslv2(v, &sh) : tg_server_hello_parse(v, &sh);
    check(st, &sh);
    free(body);
    return 0;
}
