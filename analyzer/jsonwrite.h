/*
 * jsonwrite.h - the text of a cJSON tree without indentation, the same
 * bytes as cJSON_PrintUnformatted (cJSON 1.7.15) makes, written straight
 * into the caller's buffer with few checks per byte.
 *
 * Printing a record with cJSON costs a scan of every string twice and a
 * check for room before every piece; here a string's bytes that need no
 * escape are found eight at a time and copied as one run. Objects, arrays,
 * strings, raw text (our integers), true, false and null are written here;
 * anything else (a cJSON_Number, an invalid item) and subtrees nested deeper
 * than TG_JSONWRITE_DEPTH are printed by cJSON itself and copied in, so the
 * result is always cJSON's own.
 */
#ifndef TG_JSONWRITE_H
#define TG_JSONWRITE_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* Returned when cJSON would not print the tree either (NULL item, raw item
 * without text, invalid type, out of memory in the fallback). */
#define TG_JSONWRITE_FAIL SIZE_MAX

/* Containers nested deeper than this are handed to cJSON (which recurses
 * without a limit of its own). Records are a few levels deep. */
#define TG_JSONWRITE_DEPTH 32

/*
 * Writes the text of `item` into buf, never past buf[cap - 1], and returns
 * its length n (the NUL not counted). n < cap: the text is buf[0..n) and
 * buf[n] is a NUL. n >= cap: it did not fit (buf holds a part of it); call
 * again with cap > n. buf may be NULL when cap is 0, to learn the length.
 * TG_JSONWRITE_FAIL (never < cap): cJSON_PrintUnformatted fails on it too.
 */
size_t tg_jsonwrite_print(const struct cJSON *item, char *buf, size_t cap);

#endif
