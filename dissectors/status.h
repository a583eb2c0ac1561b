/*
 * status.h - the result of every fallible parse or operation.
 */
#ifndef TG_STATUS_H
#define TG_STATUS_H

#define TG_WARN_UNUSED __attribute__((warn_unused_result))

enum tg_status {
    TG_OK = 0,
    TG_E_SHORT,     /* input stopped early: wait for more, or truncated */
    TG_E_MALFORMED, /* input is there but wrong */
    TG_E_LIMIT,     /* a named cap was reached */
    TG_E_NOMEM,     /* allocation failed */
    TG_E_IO,        /* a read or write failed */
};

#endif
