/*
 * fastfmt.h - a quicker stand-in for glibc's fortified snprintf, for the
 * few formats nDPI 4.2 prints numbers with one at a time.
 *
 * nDPI 4.2 builds each flow's JA3 strings with one snprintf call per
 * cipher, extension, group and point format ("%s%u": a separator, then a
 * number), writes each MD5 and certificate SHA-1 digest a byte at a time
 * ("%02x", "%02X"), and cannot be told not to: about 130 calls per TLS
 * session, 29% of all the instructions of a handshake-heavy run, nearly all
 * spent in glibc's general printf machinery.
 *
 * tlsglass links nDPI's static library and has the linker route every call
 * to __snprintf_chk in it (and in our own fortified objects) to
 * __wrap___snprintf_chk (ld --wrap). That function prints the formats below
 * itself, exactly as glibc would, including the return value and
 * truncation; any other format, a NULL string, and any call glibc's
 * fortify check would stop go to glibc's __vsnprintf_chk unchanged.
 *
 *   "%s%u"  "%u,"  "%02x"  "%02X"  "%s%04X"  "%s%s"
 */
#ifndef TG_FASTFMT_H
#define TG_FASTFMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats one of the formats above into s (room for maxlen bytes), as
 * vsnprintf would: the length of the whole output, of which at most
 * maxlen - 1 bytes and a NUL are written. -1, writing nothing, for any
 * other format or a NULL string: the caller then goes to glibc with a copy
 * of ap it did not hand here.
 */
int tg_fastfmt(char *s, size_t maxlen, const char *fmt, va_list ap);

/* The wrapped glibc entry point (see above); callers do not call it. */
/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): the name ld --wrap gives
 */
int __wrap___snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#endif
