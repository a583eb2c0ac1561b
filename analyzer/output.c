/*
 * output.c - the line writer (output.h says what a reader can rely on).
 *
 * The buffer holds whole lines only. A line that would carry the buffer
 * past its block size flushes the buffer first, so each write(2) is a run
 * of whole lines of at most one block, or one line longer than a block on
 * its own. write(2) is retried on EINTR, on EAGAIN (an output inherited in
 * non-blocking mode: wait with poll) and after a short write, until the
 * run is out or the kernel reports an error.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TG_OUTPUT_MODE 0640 /* records name hosts: not world-readable */

static int open_path(const char *path, bool append)
{
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
    int fd;
    do
        fd = open(path, flags, TG_OUTPUT_MODE);
    while (fd < 0 && errno == EINTR);
    return fd;
}

static bool fd_is_pipe(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

enum tg_status tg_output_open(struct tg_output *o, const char *path, bool append)
{
    memset(o, 0, sizeof *o);
    o->fd = STDOUT_FILENO;
    o->block = TG_OUTPUT_BLOCK;
    if (path && strcmp(path, "-") != 0) {
        o->path = strdup(path);
        if (!o->path)
            return TG_E_NOMEM;
        o->fd = open_path(path, append);
        if (o->fd < 0) {
            int e = errno;
            free(o->path);
            o->path = NULL;
            errno = e;
            return TG_E_IO;
        }
        o->own_fd = true;
    }
    o->is_pipe = fd_is_pipe(o->fd);
    return TG_OK;
}

void tg_output_set_live(struct tg_output *o, bool live)
{
    o->live = live;
    o->block = live ? TG_OUTPUT_LIVE_BLOCK : TG_OUTPUT_BLOCK;
}

/* Waits until a non-blocking descriptor takes data again. */
static void wait_writable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    while (poll(&p, 1, -1) < 0 && errno == EINTR)
        continue;
}

/* Writes all n bytes; false with errno set on an error. */
static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                wait_writable(fd);
                continue;
            }
            return false;
        }
        if (w == 0) {
            errno = EIO; /* write(2) never returns 0 for n > 0; do not spin */
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static enum tg_status fail(struct tg_output *o, int err)
{
    if (!o->failed) {
        o->failed = true;
        o->err = err;
    }
    o->len = 0;
    return TG_E_IO;
}

enum tg_status tg_output_flush(struct tg_output *o)
{
    if (o->failed)
        return TG_E_IO;
    if (o->len == 0)
        return TG_OK;
    if (!write_all(o->fd, o->buf, o->len))
        return fail(o, errno);
    o->len = 0;
    return TG_OK;
}

/* Makes room for n more bytes after what is buffered. */
static enum tg_status reserve(struct tg_output *o, size_t n)
{
    if (n <= o->cap - o->len)
        return TG_OK;
    size_t cap = o->cap ? o->cap : o->block;
    while (cap - o->len < n)
        cap *= 2;
    char *b = realloc(o->buf, cap);
    if (!b)
        return TG_E_NOMEM;
    o->buf = b;
    o->cap = cap;
    return TG_OK;
}

enum tg_status tg_output_line(struct tg_output *o, const char *line, size_t n)
{
    if (o->failed)
        return TG_E_IO;
    if (n == 0 || n > TG_OUTPUT_MAX_LINE || line[n - 1] != '\n')
        return TG_E_LIMIT;
    if (o->len > 0 && n > o->block - o->len && tg_output_flush(o) != TG_OK)
        return TG_E_IO;
    enum tg_status st = reserve(o, n);
    if (st != TG_OK)
        return st;
    memcpy(o->buf + o->len, line, n);
    o->len += n;
    o->lines++;
    if (o->len >= o->block)
        return tg_output_flush(o);
    return TG_OK;
}

enum tg_status tg_output_reopen(struct tg_output *o)
{
    enum tg_status st = tg_output_flush(o);
    if (st != TG_OK || !o->own_fd)
        return st;
    if (close(o->fd) != 0 && errno != EINTR) { /* the descriptor is gone all the same */
        o->own_fd = false;
        return fail(o, errno);
    }
    o->fd = open_path(o->path, true);
    if (o->fd < 0) {
        o->own_fd = false; /* nothing left to close */
        return fail(o, errno);
    }
    o->is_pipe = fd_is_pipe(o->fd);
    return TG_OK;
}

bool tg_output_reader_gone(const struct tg_output *o)
{
    if (!o->is_pipe)
        return false;
    /* No events asked: POLLERR (pipe) or POLLHUP (socket) come anyway. */
    struct pollfd p = {.fd = o->fd, .events = 0};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

enum tg_status tg_output_close(struct tg_output *o)
{
    enum tg_status st = tg_output_flush(o);
    if (o->own_fd && close(o->fd) != 0 && errno != EINTR && st == TG_OK)
        st = fail(o, errno);
    o->own_fd = false;
    free(o->buf);
    free(o->path);
    o->buf = NULL;
    o->path = NULL;
    o->cap = o->len = 0;
    return o->failed ? TG_E_IO : st;
}
