/*
 * u16list.h - reading the raw big-endian u16 vectors the dissectors keep as
 * views (cipher suites, groups, signature schemes, versions).
 */
#ifndef TG_U16LIST_H
#define TG_U16LIST_H

#include "reader.h"

static inline size_t tg_u16_list_count(struct tg_view v)
{
    return v.len / 2;
}

static inline uint16_t tg_u16_list_at(struct tg_view v, size_t i)
{
    return (uint16_t)((unsigned)tg_view_at(v, 2 * i) << 8 | tg_view_at(v, 2 * i + 1));
}

#endif
