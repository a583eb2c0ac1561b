/*
 * fuzz_tlsframe.c - the TLS framing and session on byte streams cut where
 * the fuzzer chooses. Input: a sequence of chunks, each a header byte (bit 7:
 * direction; bit 6: a gap precedes the chunk; bits 0-5: length - 1) then
 * that many bytes. Every message that comes out goes through the session to
 * its dissector, as in a real run.
 */
#include "../analyzer/session.h"
#include "../analyzer/tlsframe.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tg_session *s = tg_session_new();
    if (!s)
        return 0;
    struct tg_rd r = tg_rd_make(data, size);
    int64_t ts = 1;
    while (tg_rd_left(&r) > 0) {
        uint8_t h = tg_rd_u8(&r);
        size_t n = (size_t)(h & 0x3f) + 1;
        if (n > tg_rd_left(&r))
            n = tg_rd_left(&r);
        struct tg_view chunk = tg_rd_bytes(&r, n);
        int dir = h >> 7;
        if (h & 0x40)
            tg_tls_gap(s, dir, n);
        tg_tls_feed(s, dir, chunk, ts++);
    }
    (void)tg_session_state(s);
    tg_session_free(s);
    return 0;
}
