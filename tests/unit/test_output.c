/*
 * test_output.c - the line writer (analyzer/output.c), seen from the
 * reading side:
 *   - live mode on a SOCK_SEQPACKET socket, where each write(2) call
 *     arrives as one message: every call is whole lines of at most
 *     PIPE_BUF bytes, or one longer line alone; a slow reader and a 1 ms
 *     interval timer (EINTR) do not change that;
 *   - live mode on a non-blocking pipe with a slow reader (EAGAIN, short
 *     writes): a read never ends inside a line, unless inside one longer
 *     than PIPE_BUF, and every line arrives once, whole, in order;
 *   - a file: after each call it holds exactly the lines the block policy
 *     says (live: flushed before a line would pass 4096 bytes; offline:
 *     256 KiB blocks), never a partial line, everything after a flush;
 *   - EPIPE, /dev/full, reopening for log rotation (rename, then reopen),
 *     a reopen that fails, standard output, refused lines.
 * Ends with "N passed, M failed".
 */
#include "../../analyzer/output.h"

#include "testkit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TEST_LINE 40000u
#define STREAM_LINES 3000u

/* ------------------------------------------------------------ the lines */

/* The length of line `seq`: mostly short, some near a block, some longer
 * than PIPE_BUF (up to MAX_TEST_LINE). */
static size_t line_size(unsigned seq)
{
    uint32_t x = seq * 2654435761u;
    x ^= x >> 15;
    if (seq % 97 == 5)
        return 5000 + x % (MAX_TEST_LINE - 5000);
    if (seq % 31 == 7)
        return 3000 + x % 1097;
    return 24 + x % 1500;
}

/* Line `seq` into buf: "%08u " and letters that depend on seq, then '\n'. */
static size_t make_line(char *buf, unsigned seq)
{
    size_t n = line_size(seq);
    snprintf(buf, 10, "%08u ", seq);
    for (size_t i = 9; i < n - 1; i++)
        buf[i] = (char)('a' + (seq + i) % 26);
    buf[n - 1] = '\n';
    return n;
}

/* Splits a byte stream into lines and checks each against make_line. */
struct stream {
    unsigned next; /* the next line expected */
    char *partial; /* bytes of the line in progress */
    size_t len;
    char *want;
    bool bad;
};

static void stream_init(struct stream *s)
{
    memset(s, 0, sizeof *s);
    s->partial = malloc(MAX_TEST_LINE);
    s->want = malloc(MAX_TEST_LINE);
}

static void stream_free(struct stream *s)
{
    free(s->partial);
    free(s->want);
}

static void stream_feed(struct stream *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n && !s->bad; i++) {
        if (s->len == MAX_TEST_LINE) {
            s->bad = true;
            break;
        }
        s->partial[s->len++] = p[i];
        if (p[i] != '\n')
            continue;
        size_t want = make_line(s->want, s->next);
        if (want != s->len || memcmp(s->want, s->partial, want) != 0) {
            printf("  line %u: %zu bytes, want %zu\n", s->next, s->len, want);
            s->bad = true;
        }
        s->next++;
        s->len = 0;
    }
}

/* The line in progress is longer than PIPE_BUF (a read may end inside it). */
static bool stream_in_long_line(const struct stream *s)
{
    return s->len > 0 && line_size(s->next) > PIPE_BUF;
}

/* ------------------------------------------------------- a writer child */

static void on_alarm(int sig)
{
    (void)sig;
}

/* In a child: fd becomes standard output and gets STREAM_LINES lines, with
 * a flush every 50 lines (the live loop's wake-ups) and a 1 ms interval
 * timer interrupting the writes. Exits 0 when every call succeeded. */
static void writer_child(int fd, bool live, bool nonblock)
{
    if (nonblock && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
        _exit(2);
    if (dup2(fd, STDOUT_FILENO) < 0)
        _exit(2);
    close(fd);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: writes see EINTR */
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 1000}, {0, 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct tg_output o;
    if (tg_output_open(&o, NULL, false) != TG_OK)
        _exit(3);
    tg_output_set_live(&o, live);
    char *buf = malloc(MAX_TEST_LINE);
    for (unsigned seq = 0; seq < STREAM_LINES; seq++) {
        if (tg_output_line(&o, buf, make_line(buf, seq)) != TG_OK)
            _exit(4);
        if (seq % 50 == 49 && tg_output_flush(&o) != TG_OK)
            _exit(5);
    }
    if (tg_output_close(&o) != TG_OK)
        _exit(6);
    free(buf);
    _exit(0);
}

static pid_t start_writer(int fd, int other, bool live, bool nonblock)
{
    (void)fflush(stdout); /* so the child does not print our buffer again */
    pid_t pid = fork();
    if (pid == 0) {
        close(other);
        writer_child(fd, live, nonblock);
    }
    close(fd);
    return pid;
}

static bool child_ok(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return false;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("  writer ended with status 0x%x\n", (unsigned)status);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* -------------------------------------- every write(2) call, one by one */

static void test_write_calls(void)
{
    printf("live mode on a SOCK_SEQPACKET socket: each write(2) is whole lines\n");
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    pid_t pid = start_writer(sv[1], sv[0], true, false);
    size_t cap = 1u << 20;
    char *msg = malloc(cap);
    struct stream s;
    stream_init(&s);
    unsigned calls = 0, torn = 0, too_big = 0, long_alone = 0;
    ssize_t n;
    while ((n = recv(sv[0], msg, cap, 0)) > 0) {
        size_t len = (size_t)n;
        calls++;
        if (msg[len - 1] != '\n' || s.len != 0)
            torn++; /* a call that ends, or starts, inside a line */
        if (len > TG_OUTPUT_LIVE_BLOCK) {
            if (memchr(msg, '\n', len) != msg + len - 1)
                too_big++; /* several lines in a call past PIPE_BUF */
            else
                long_alone++;
        }
        stream_feed(&s, msg, len);
        if (calls % 16 == 0)
            usleep(1000); /* a slow reader: the writer blocks */
    }
    CHECK(n == 0);
    CHECK(child_ok(pid));
    CHECK_EQ(torn, 0);
    CHECK_EQ(too_big, 0);
    CHECK(long_alone > 0);       /* the lines past PIPE_BUF each went alone */
    CHECK(calls < STREAM_LINES); /* and short lines were packed together */
    CHECK(!s.bad);
    CHECK_EQ(s.next, STREAM_LINES);
    CHECK_EQ(s.len, 0);
    printf("  %u write calls for %u lines, %u lines longer than PIPE_BUF alone\n", calls, s.next,
           long_alone);
    stream_free(&s);
    free(msg);
    close(sv[0]);
}

/* ----------------------------------------- a pipe and a slow reader */

static void test_pipe_reader(void)
{
    printf("live mode on a non-blocking pipe, slow reader: reads end at a line's end\n");
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = start_writer(p[1], p[0], true, true);
    size_t cap = 1u << 20;
    char *buf = malloc(cap);
    struct stream s;
    stream_init(&s);
    unsigned reads = 0, torn = 0, inside_long = 0;
    ssize_t n;
    while ((n = read(p[0], buf, cap)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        reads++;
        stream_feed(&s, buf, (size_t)n);
        if (buf[n - 1] != '\n') {
            if (stream_in_long_line(&s))
                inside_long++; /* allowed: a line past PIPE_BUF is not atomic */
            else
                torn++;
        }
        if (reads % 8 == 0)
            usleep(2000);
    }
    CHECK(n == 0);
    CHECK(child_ok(pid));
    CHECK_EQ(torn, 0);
    CHECK(!s.bad);
    CHECK_EQ(s.next, STREAM_LINES);
    CHECK_EQ(s.len, 0);
    printf("  %u reads, %u ended inside a line longer than PIPE_BUF\n", reads, inside_long);
    stream_free(&s);
    free(buf);
    close(p[0]);
}

/* ------------------------------------------------ a file, call by call */

static char tmpdir[64];

static void path_in_tmp(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/%s", tmpdir, name);
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* The file's size is `want` and, when not empty, it ends with '\n'. */
static bool file_ends_whole(const char *path, off_t want)
{
    int fd = open(path, O_RDONLY);
    char last = 0;
    bool ok = fd >= 0 && file_size(path) == want &&
              (want == 0 || (pread(fd, &last, 1, want - 1) == 1 && last == '\n'));
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Writes `count` lines in the given mode, checking after each call that
 * the file holds what the block policy says: the buffer is written before
 * a line would carry it past the block, and at once when it reaches it. */
static void file_policy(bool live, unsigned count)
{
    char path[256];
    path_in_tmp(path, sizeof path, live ? "live.ndjson" : "offline.ndjson");
    struct tg_output o;
    CHECK(tg_output_open(&o, path, false) == TG_OK);
    tg_output_set_live(&o, live);
    size_t block = live ? TG_OUTPUT_LIVE_BLOCK : TG_OUTPUT_BLOCK;
    char *buf = malloc(MAX_TEST_LINE);
    off_t written = 0;
    size_t held = 0;
    unsigned wrong = 0, flushes = 0;
    for (unsigned seq = 0; seq < count; seq++) {
        size_t n = make_line(buf, seq);
        if (held > 0 && n > block - held) {
            written += (off_t)held; /* flushed first */
            held = 0;
            flushes++;
        }
        held += n;
        if (held >= block) {
            written += (off_t)held;
            held = 0;
            flushes++;
        }
        if (tg_output_line(&o, buf, n) != TG_OK || !file_ends_whole(path, written) || o.len != held)
            wrong++;
    }
    CHECK_EQ(wrong, 0);
    CHECK(flushes > 0);
    CHECK_EQ(o.lines, count);
    /* The loop's flush at its next wake-up: nothing is left behind. */
    CHECK(tg_output_flush(&o) == TG_OK);
    CHECK_EQ(o.len, 0);
    written += (off_t)held;
    CHECK(file_ends_whole(path, written));
    CHECK(tg_output_flush(&o) == TG_OK); /* nothing buffered: no write */
    CHECK(file_ends_whole(path, written));
    CHECK(tg_output_close(&o) == TG_OK);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
    free(buf);
}

static void test_file(void)
{
    printf("a file, live: written before a line would pass 4096 bytes, whole lines\n");
    file_policy(true, 400);
    printf("a file, offline: 256 KiB blocks, whole lines\n");
    file_policy(false, 600);
}

/* ------------------------------------------------------------- errors */

static void test_epipe(void)
{
    printf("EPIPE: the reader of a pipe has gone\n");
    int p[2];
    CHECK(pipe(p) == 0);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", p[1]);
    struct tg_output o;
    CHECK(tg_output_open(&o, path, false) == TG_OK);
    close(p[1]);
    tg_output_set_live(&o, true);
    CHECK(o.is_pipe);
    CHECK(!tg_output_reader_gone(&o));
    const char line[] = "{\"type\":\"tls\"}\n";
    CHECK(tg_output_line(&o, line, sizeof line - 1) == TG_OK);
    CHECK(tg_output_flush(&o) == TG_OK);
    close(p[0]);
    /* Told without writing. */
    CHECK(tg_output_reader_gone(&o));
    CHECK(tg_output_line(&o, line, sizeof line - 1) == TG_OK); /* buffered */
    CHECK(tg_output_flush(&o) == TG_E_IO);
    CHECK(o.failed);
    CHECK_EQ(o.err, EPIPE);
    CHECK(tg_output_line(&o, line, sizeof line - 1) == TG_E_IO);
    CHECK(tg_output_flush(&o) == TG_E_IO);
    CHECK_EQ(o.err, EPIPE); /* the first error is kept */
    CHECK(tg_output_close(&o) == TG_E_IO);
}

static void test_dev_full(void)
{
    printf("/dev/full: the write error is reported (ENOSPC) and sticks\n");
    struct tg_output o;
    CHECK(tg_output_open(&o, "/dev/full", false) == TG_OK);
    CHECK(!o.is_pipe);
    const char line[] = "{\"type\":\"tls\"}\n";
    CHECK(tg_output_line(&o, line, sizeof line - 1) == TG_OK); /* offline: held */
    CHECK(tg_output_flush(&o) == TG_E_IO);
    CHECK(o.failed);
    CHECK_EQ(o.err, ENOSPC);
    CHECK_EQ(o.len, 0);
    CHECK(tg_output_line(&o, line, sizeof line - 1) == TG_E_IO);
    CHECK(tg_output_close(&o) == TG_E_IO);

    /* Live, a line past the block is written at once: the error comes back
     * from tg_output_line itself. */
    CHECK(tg_output_open(&o, "/dev/full", false) == TG_OK);
    tg_output_set_live(&o, true);
    char *big = malloc(MAX_TEST_LINE);
    CHECK(line_size(5) > TG_OUTPUT_LIVE_BLOCK); /* seq % 97 == 5: a long line */
    CHECK(tg_output_line(&o, big, make_line(big, 5)) == TG_E_IO);
    CHECK(o.failed);
    CHECK_EQ(o.err, ENOSPC);
    CHECK(tg_output_close(&o) == TG_E_IO);
    free(big);
}

static void test_refused(void)
{
    printf("refused: an empty line, a line without its newline; an unopenable path\n");
    char path[256];
    path_in_tmp(path, sizeof path, "refused.ndjson");
    struct tg_output o;
    CHECK(tg_output_open(&o, path, false) == TG_OK);
    CHECK(tg_output_line(&o, "x\n", 0) == TG_E_LIMIT);
    CHECK(tg_output_line(&o, "{}", 2) == TG_E_LIMIT);
    const char pretty[] = "{\n  \"type\": \"tls\"\n}\n"; /* --pretty: one record */
    CHECK(tg_output_line(&o, pretty, sizeof pretty - 1) == TG_OK);
    CHECK(!o.failed);
    CHECK_EQ(o.lines, 1);
    CHECK(tg_output_close(&o) == TG_OK);
    CHECK(file_ends_whole(path, (off_t)sizeof pretty - 1));

    path_in_tmp(path, sizeof path, "no/such/dir.ndjson");
    errno = 0;
    CHECK(tg_output_open(&o, path, false) == TG_E_IO);
    CHECK_EQ(errno, ENOENT);
    CHECK(o.path == NULL);
}

/* --------------------------------------------------- SIGHUP: reopening */

static unsigned count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned n = 0;
    int c, last = '\n';
    while (f && (c = fgetc(f)) != EOF) {
        n += c == '\n';
        last = c;
    }
    if (f)
        (void)fclose(f);              /* opened for reading: nothing is lost */
    return last == '\n' ? n : 100000; /* a partial last line */
}

static void put_lines(struct tg_output *o, unsigned from, unsigned count)
{
    char buf[64];
    for (unsigned i = from; i < from + count; i++) {
        int n = snprintf(buf, sizeof buf, "{\"line\":%u}\n", i);
        CHECK(tg_output_line(o, buf, (size_t)n) == TG_OK);
    }
}

static void test_reopen(void)
{
    printf("reopen (SIGHUP): after a rename, pending lines go to the old file, then a new one\n");
    char path[256], old[270];
    path_in_tmp(path, sizeof path, "rot.ndjson");
    snprintf(old, sizeof old, "%s.1", path);
    struct tg_output o;
    CHECK(tg_output_open(&o, path, false) == TG_OK);
    tg_output_set_live(&o, true);
    put_lines(&o, 0, 3);
    CHECK(tg_output_flush(&o) == TG_OK);
    CHECK(rename(path, old) == 0); /* logrotate */
    put_lines(&o, 3, 2);           /* still buffered when the HUP comes */
    CHECK(tg_output_reopen(&o) == TG_OK);
    CHECK_EQ(count_lines(old), 5);
    CHECK_EQ(file_size(path), 0); /* created at once, empty */
    put_lines(&o, 5, 4);
    CHECK(tg_output_flush(&o) == TG_OK);
    CHECK_EQ(count_lines(path), 4);
    printf("reopen without a rename appends to the file\n");
    CHECK(tg_output_reopen(&o) == TG_OK);
    put_lines(&o, 9, 1);
    CHECK(tg_output_close(&o) == TG_OK);
    CHECK_EQ(count_lines(path), 5);
    CHECK_EQ(count_lines(old), 5);

    printf("a reopen that fails (the directory went away) is an error that sticks\n");
    char dir[128], moved[140];
    path_in_tmp(dir, sizeof dir, "logs");
    snprintf(moved, sizeof moved, "%s.gone", dir);
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(path, sizeof path, "%s/out.ndjson", dir);
    CHECK(tg_output_open(&o, path, false) == TG_OK);
    put_lines(&o, 0, 2);
    CHECK(rename(dir, moved) == 0);
    CHECK(tg_output_reopen(&o) == TG_E_IO);
    CHECK(o.failed);
    CHECK_EQ(o.err, ENOENT);
    CHECK(tg_output_line(&o, "{}\n", 3) == TG_E_IO);
    CHECK(tg_output_close(&o) == TG_E_IO); /* no descriptor closed twice */
    snprintf(path, sizeof path, "%s/out.ndjson", moved);
    CHECK_EQ(count_lines(path), 2); /* flushed before the reopen */
}

static void test_reopen_stdout(void)
{
    printf("reopen on standard output only flushes\n");
    int p[2];
    CHECK(pipe(p) == 0);
    (void)fflush(stdout); /* what is pending goes to the real stdout */
    int saved = dup(STDOUT_FILENO);
    CHECK(dup2(p[1], STDOUT_FILENO) == STDOUT_FILENO);
    struct tg_output o;
    enum tg_status opened = tg_output_open(&o, "-", false);
    tg_output_set_live(&o, true);
    const char line[] = "{\"type\":\"stats\"}\n";
    enum tg_status added = tg_output_line(&o, line, sizeof line - 1);
    enum tg_status reopened = tg_output_reopen(&o);
    int fd = o.fd;
    bool pipe_seen = o.is_pipe;
    enum tg_status closed = tg_output_close(&o);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(p[1]);
    CHECK(opened == TG_OK && added == TG_OK && reopened == TG_OK && closed == TG_OK);
    CHECK_EQ(fd, STDOUT_FILENO);
    CHECK(pipe_seen);
    char got[64];
    ssize_t n = read(p[0], got, sizeof got);
    CHECK(n == (ssize_t)sizeof line - 1 && memcmp(got, line, sizeof line - 1) == 0);
    close(p[0]);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *at)
{
    (void)st;
    (void)type;
    (void)at;
    return remove(path);
}

/* rm -rf of our own temporary directory, children first, links not followed. */
static bool remove_tree(const char *dir)
{
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* as main.c: EPIPE comes back from write */
    umask(022);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_output.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_write_calls();
    test_pipe_reader();
    test_file();
    test_epipe();
    test_dev_full();
    test_refused();
    test_reopen();
    test_reopen_stdout();
    if (!remove_tree(tmpdir))
        printf("could not remove %s\n", tmpdir);
    return testkit_finish();
}
