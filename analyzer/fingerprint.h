/*
 * fingerprint.h - TLS hello fingerprints: JA3 and JA3S (salesforce,
 * BSD-3-Clause) and JA4 with its raw form JA4_r (FoxIO, BSD-3-Clause),
 * computed from the parsed hellos of dissectors/client_hello.h and
 * dissectors/server_hello.h. JA4S and the rest of JA4+ (FoxIO License 1.1)
 * are deliberately not here.
 *
 * No allocation: the caller passes buffers. The hashes have fixed sizes;
 * the strings do not (a hello may offer thousands of suites), so each
 * string function takes a buffer and its capacity, and a *_size() function
 * tells the exact capacity a hello needs, for callers that size the buffer
 * to fit.
 *
 * Every function returns
 *   TG_OK           the fingerprint was written;
 *   TG_E_LIMIT      the string does not fit `cap` (the buffer then holds a
 *                   cut, NUL-terminated prefix and every hash is "");
 *   TG_E_MALFORMED  no fingerprint is defined for this hello: an SSLv2-format
 *                   hello, a hello whose fixed part did not parse, or (JA4)
 *                   a protocol letter other than 't', 'q', 'd'. Outputs "".
 *   TG_E_NOMEM      the digest could not be computed (OpenSSL failed).
 * Only a hello that parsed with TG_OK should be fingerprinted: one cut
 * short (TG_E_SHORT) lacks extensions, and its fingerprint would be wrong.
 * A hello with more extensions than its dissector keeps in its array
 * (TG_CH_MAX_EXTENSIONS, TG_SH_MAX_EXTENSIONS) is fingerprinted with all of
 * them, read again from its extensions block.
 *
 * JA3 (github.com/salesforce/ja3, README): the decimal fields
 *   legacy_version,cipher_suites,extensions,supported_groups,ec_point_formats
 * with the values of a list joined by '-', GREASE (RFC 8701) removed from
 * suites, extensions and groups; a field whose extension is absent (or
 * malformed) is empty: "769,4-5-10,,,". Its MD5 in lower-case hex.
 * The version is the ClientHello's legacy_version, never supported_versions.
 * SSLv2-format ClientHellos get no JA3 (nor JA4): salesforce's ja3.py, Zeek's
 * ja3 script, Wireshark/tshark, Arkime and nDPI all fingerprint only
 * handshake-record hellos, and the SSLv2 three-byte cipher kinds have no
 * JA3 spelling.
 *
 * JA3S (same source): legacy_version,cipher_suite,extensions, e.g.
 * "769,5,65281" or "768,4," with no extensions. GREASE is removed from the
 * extensions as tshark does (salesforce's scripts do not; servers never
 * send GREASE in a ServerHello, so the two agree in practice).
 *
 * JA4 (github.com/FoxIO-LLC/ja4, technical_details/JA4.md):
 *   ja4_a  protocol letter ('t' TLS over TCP, 'q' QUIC, 'd' DTLS); version
 *          code of the highest non-GREASE supported_versions value, or of
 *          legacy_version when that extension is absent or malformed:
 *          0x0304 "13", 0x0303 "12", 0x0302 "11", 0x0301 "10", 0x0300 "s3",
 *          0x0002 "s2", 0xfeff "d1", 0xfefd "d2", 0xfefc "d3", else "00";
 *          'd' when a server_name extension is present, else 'i'; two-digit
 *          counts (capped at 99) of the non-GREASE suites and of the
 *          non-GREASE extensions (server_name and ALPN included); the first
 *          and last byte of the first ALPN name, or, when either is not
 *          [0-9A-Za-z], the first hex digit of the first byte and the last
 *          hex digit of the last byte; "00" without ALPN.
 *   ja4_b  the non-GREASE suites as 4-digit lower-case hex, sorted,
 *          comma-joined;
 *   ja4_c  the non-GREASE extensions other than server_name (0000) and ALPN
 *          (0010), the same way, then, when the hello has signature
 *          algorithms, '_' and their non-GREASE values in wire order.
 *   JA4   = ja4_a "_" sha256_12(ja4_b) "_" sha256_12(ja4_c), where
 *           sha256_12 is the first 12 hex digits of SHA-256, or
 *           "000000000000" for an empty string;
 *   JA4_r = ja4_a "_" ja4_b "_" ja4_c.
 * Duplicated values stay in the lists. The unsorted forms JA4_o / JA4_ro
 * (the lists in wire order, server_name and ALPN kept) are not computed.
 */
#ifndef TG_FINGERPRINT_H
#define TG_FINGERPRINT_H

#include "../dissectors/client_hello.h"
#include "../dissectors/server_hello.h"
#include "../dissectors/status.h"

#include <stddef.h>

#define TG_JA3_HASH_SIZE 33 /* 32 lower-case hex digits of an MD5, and NUL */
#define TG_JA4_SIZE 37      /* "t13d1516h2_8daaf6152771_e5627efa2ab1" and NUL */

/*
 * Capacity (string length + 1) the JA3 string of `ch` needs; 0 when the
 * hello gets no JA3 (tg_ja3 would not return TG_OK for any capacity).
 */
size_t tg_ja3_size(const struct tg_client_hello *ch);

/* JA3 string into str[cap] and its MD5 into md5_hex. */
enum tg_status tg_ja3(const struct tg_client_hello *ch, char *str, size_t cap,
                      char md5_hex[TG_JA3_HASH_SIZE]) TG_WARN_UNUSED;

/* As tg_ja3_size, for the JA3S string of a ServerHello. */
size_t tg_ja3s_size(const struct tg_server_hello *sh);

/* JA3S string into str[cap] and its MD5 into md5_hex. */
enum tg_status tg_ja3s(const struct tg_server_hello *sh, char *str, size_t cap,
                       char md5_hex[TG_JA3_HASH_SIZE]) TG_WARN_UNUSED;

/* As tg_ja3_size, for JA4_r; the same for every protocol letter. */
size_t tg_ja4_r_size(const struct tg_client_hello *ch);

/*
 * JA4 into ja4 and JA4_r into ja4_r[cap]. JA4 is hashed from the lists in
 * JA4_r, so JA4_r must fit for JA4 to be given (TG_E_LIMIT otherwise).
 */
enum tg_status tg_ja4(const struct tg_client_hello *ch, char protocol, char ja4[TG_JA4_SIZE],
                      char *ja4_r, size_t cap) TG_WARN_UNUSED;

#endif
