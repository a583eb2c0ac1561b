/*
 * fuzzkit.h - checks the dissector fuzz targets share: every view a parser
 * returns must be empty or lie inside the input, and is read through so
 * ASan sees any byte outside it. Included by one fuzz target each.
 */
#ifndef TG_FUZZKIT_H
#define TG_FUZZKIT_H

#include "../dissectors/reader.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

static const uint8_t *lo, *hi; /* the input being parsed: [lo, hi) */
static volatile unsigned sink;

static inline void require(bool ok)
{
    if (!ok)
        abort();
}

/* The view is empty or lies within [lo, hi); every byte is read. */
static inline void touch(struct tg_view v)
{
    if (v.len == 0)
        return;
    require(v.p != NULL && v.p >= lo && v.p <= hi && v.len <= (size_t)(hi - v.p));
    unsigned sum = 0;
    for (size_t i = 0; i < v.len; i++)
        sum += v.p[i];
    sink += sum;
}

#endif
