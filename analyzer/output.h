/*
 * output.h - the line writer: records go out with write(2), whole lines
 * only, from a buffer that never holds a partial line.
 *
 * What a reader can rely on (docs/live.md says the same):
 *   - every write(2) call starts at the beginning of a line and ends with a
 *     line's '\n': a line is never split across two write calls by us (only
 *     a short write by the kernel, completed at once, can split one);
 *   - in live mode the lines are packed into writes of at most PIPE_BUF
 *     (4096) bytes, so on a pipe each write is atomic: a reader, or another
 *     writer on the same pipe, never sees a line torn. A line longer than
 *     PIPE_BUF goes out alone, in one write call; the kernel may then hand
 *     it to a pipe reader in more than one read;
 *   - offline, lines are gathered into blocks of TG_OUTPUT_BLOCK bytes.
 */
#ifndef TG_OUTPUT_H
#define TG_OUTPUT_H

#include "../dissectors/status.h"

#include <stdbool.h>
#include <stddef.h>

#define TG_OUTPUT_BLOCK ((size_t)256 * 1024) /* offline: bytes gathered per write */
#define TG_OUTPUT_LIVE_BLOCK 4096u           /* live: PIPE_BUF on Linux */
#define TG_OUTPUT_MAX_LINE (256u << 20)      /* a longer line is refused */

struct tg_output {
    int fd;
    bool own_fd;  /* opened here from `path` (closed, reopened) */
    bool live;    /* small atomic writes, flushed by the caller often */
    bool is_pipe; /* a pipe or socket: poll can tell that the reader left */
    bool failed;  /* a write failed: later lines are dropped */
    int err;      /* errno of the failure */
    char *path;   /* NULL: standard output */
    char *buf;
    size_t len, cap;
    size_t block; /* flush before the buffer would pass this */
    unsigned long long lines;
};

/* Opens `path` (NULL or "-": standard output), truncating it unless
 * `append`. TG_E_IO with errno set if it cannot be opened. */
enum tg_status tg_output_open(struct tg_output *o, const char *path, bool append) TG_WARN_UNUSED;

/* Live mode: writes of at most TG_OUTPUT_LIVE_BLOCK bytes. */
void tg_output_set_live(struct tg_output *o, bool live);

/* Adds one record of n bytes ending in '\n' (a --pretty record holds more
 * newlines: it is kept whole all the same). TG_E_LIMIT for n 0, no final
 * '\n' or n past TG_OUTPUT_MAX_LINE; TG_E_IO once the output has failed. */
enum tg_status tg_output_line(struct tg_output *o, const char *line, size_t n) TG_WARN_UNUSED;

/* Writes what is buffered. TG_E_IO on failure (o->err says why). */
enum tg_status tg_output_flush(struct tg_output *o) TG_WARN_UNUSED;

/* Flushes, closes and opens the path again in append mode (for a log
 * rotation). Standard output is only flushed. */
enum tg_status tg_output_reopen(struct tg_output *o) TG_WARN_UNUSED;

/* The reader of a pipe output has gone (tells it without writing). */
bool tg_output_reader_gone(const struct tg_output *o);

/* Flushes and closes; TG_E_IO if any write failed. */
enum tg_status tg_output_close(struct tg_output *o) TG_WARN_UNUSED;

#endif
