/*
 * report.h - the session record (../shared/contract/session-v1.md) as one
 * line of NDJSON per TLS session. The only module that knows JSON key names.
 */
#ifndef TG_REPORT_H
#define TG_REPORT_H

#include "../dissectors/status.h"
#include "flow.h"
#include "output.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tg_x509_cache;
struct tg_validator;

struct tg_report {
    struct tg_output out; /* whole lines, written with write(2) */
    bool pretty;
    bool failed;        /* a write failed: the output is incomplete */
    int write_errno;
    char *buf;          /* the JSON text of one record, reused */
    size_t cap;
    struct tg_x509_cache *certs; /* summaries of certificates seen */
    struct tg_validator *validator; /* trust store for `validation`; NULL: none */
    uint64_t records;
};

/* Opens the output: path NULL or "-" is stdout. */
enum tg_status tg_report_open(struct tg_report *r, const char *path, bool pretty) TG_WARN_UNUSED;

/* Writes the record of the flow's session; `update` marks the final record
 * of a session whose record was already written when its handshake ended. */
void tg_report_session(struct tg_report *r, const struct tg_flow *f, bool update);

/* Flushes and closes; TG_E_IO when any write failed. */
enum tg_status tg_report_close(struct tg_report *r) TG_WARN_UNUSED;

#endif
