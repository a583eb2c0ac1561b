/*
 * finished.h - the Finished message (RFC 5246 7.4.9, RFC 8446 4.4.4,
 * RFC 6101 5.6.9): only its length is checked; verify_data is opaque to a
 * passive observer.
 */
#ifndef TG_FINISHED_H
#define TG_FINISHED_H

#include "reader.h"
#include "status.h"

#include <stddef.h>
#include <stdint.h>

/*
 * The verify_data length to expect: 36 in SSLv3, 12 in TLS 1.0-1.2 and
 * DTLS 1.0/1.2, the suite's hash length in TLS 1.3 (`hash_len`, 32 or 48;
 * 0 when unknown, then 0 is returned and any length is accepted).
 */
size_t tg_finished_expected_len(uint16_t version, size_t hash_len);

/* TG_OK when the body is verify_data of the expected length; its view out. */
enum tg_status tg_finished_parse(struct tg_view body, uint16_t version, size_t hash_len,
                                 struct tg_view *verify_data) TG_WARN_UNUSED;

#endif
