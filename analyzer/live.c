/*
 * live.c - capturing on an interface for monitoring (docs/live.md).
 *
 * Order of a run: the interface is opened and its filter set (a missing
 * interface or a bad filter stops the run before anything else), root is
 * dropped if -Z asks, then the output is opened and the analyzer started.
 * The loop polls the capture descriptor with a timeout of at most
 * TG_LIVE_WAKE_MS, so time-based work runs on a quiet link too: flows
 * idle or closing expire on the wall clock, statistics records are written
 * on time, signals are acted on and the output is flushed.
 *
 * Latency: the capture is buffered unless --immediate. The kernel (Linux
 * TPACKET_V3) then hands packets over a block at a time: when the block is
 * full, or when its retire timer, set to libpcap's read timeout
 * (TG_CAPTURE_READ_TIMEOUT_MS, 100 ms), finds it still open with packets
 * in it; either wakes poll(). A record is ready when the packet that ends
 * its handshake (or its flow) is read, or when the wall clock expires the
 * flow; it is flushed at the end of that same wake-up. So a record reaches
 * the output about 100 ms at most, plus the work of one wake-up, after its
 * last packet arrived, and a record made by the clock within TG_LIVE_WAKE_MS
 * of its flow's deadline: well within a second (tests/live.sh measures it).
 * --immediate saves the 100 ms but wakes for nearly every packet (docs/
 * live.md, "Performance").
 *
 * Signal handlers only set flags: SIGINT and SIGTERM stop the capture
 * (every open session is then written, incomplete ones as "incomplete"),
 * SIGHUP reopens the -w file (log rotation), SIGUSR1 prints statistics.
 *
 * Statistics records ({"type": "stats"}): this file gathers the counters
 * (the analyzer's, pcap_stats, memory) and report.c writes them.
 */
#include "live.h"

#include "log.h"
#include "output.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_asked;
static volatile sig_atomic_t reopen_asked;
static volatile sig_atomic_t stats_asked;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reopen_asked = 1;
    else if (sig == SIGUSR1)
        stats_asked = 1;
    else
        stop_asked = 1;
}

/* No SA_RESTART: a signal ends poll() at once; write(2) retries EINTR. */
static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static int64_t clock_us(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* ------------------------------------------------------------ privileges */

static bool verify_ids(uid_t uid, gid_t gid)
{
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
        return false;
    if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
        return false;
    gid_t groups[2];
    int n = getgroups(2, groups);
    if (n < 0 || n > 1 || (n == 1 && groups[0] != gid))
        return false;
    return uid == 0 || setuid(0) != 0; /* root must be out of reach */
}

bool tg_live_drop_privileges(const char *user)
{
    errno = 0;
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        tg_log("-Z %s: no such user%s%s", user, errno ? ": " : "", errno ? strerror(errno) : "");
        return false;
    }
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    if (geteuid() != 0) {
        if (getuid() == uid && geteuid() == uid)
            return true;
        tg_log("-Z %s: only root can change to another user", user);
        return false;
    }
    if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
        tg_log("-Z %s: cannot change user: %s", user, strerror(errno));
        return false;
    }
    if (!verify_ids(uid, gid)) {
        tg_log("-Z %s: the change of user did not take", user);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ statistics */

void tg_live_stats_attach(struct tg_live_stats *s, struct tg_analyzer *a, struct tg_report *r,
                          const char *iface)
{
    memset(s, 0, sizeof *s);
    s->a = a;
    s->r = r;
    s->iface = iface;
}

/* Resident pages, the second number of /proc/self/statm ("size resident
 * shared text lib data dt", in pages); 0 when unknown. */
static uint64_t resident_pages(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    char line[128];
    bool got = fgets(line, sizeof line, f) != NULL;
    (void)fclose(f); /* opened for reading: nothing is lost */
    if (!got)
        return 0;
    char *after_size, *after_resident;
    errno = 0;
    unsigned long long size = strtoull(line, &after_size, 10);
    unsigned long long resident = strtoull(after_size, &after_resident, 10);
    if (errno != 0 || after_size == line || after_resident == after_size || resident > size)
        return 0;
    return resident;
}

/* Resident and peak resident memory in bytes (0 when unknown). */
static void memory_use(uint64_t *rss, uint64_t *peak)
{
    long page = sysconf(_SC_PAGESIZE);
    *rss = page > 0 ? resident_pages() * (uint64_t)page : 0;
    *peak = 0;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        *peak = (uint64_t)ru.ru_maxrss * 1024;
    if (*peak < *rss) /* statm counts shared pages a little differently */
        *peak = *rss;
}

static void fill_stats(struct tg_report_stats *st, const struct tg_live_stats *s)
{
    struct tg_analyzer *a = s->a;
    tg_analyzer_refresh(a);
    st->iface = s->iface;
    st->packets = a->stats.packets;
    st->bytes = a->stats.bytes;
    st->have_pcap = s->have_counts;
    st->pcap_received = s->counts.received;
    st->drops_kernel = s->counts.dropped_kernel;
    st->drops_interface = s->counts.dropped_interface;
    st->flows = a->flows.count;
    st->flows_created = a->flows.stats.created;
    st->flows_evicted = a->flows.stats.ended[TG_END_EVICTED];
    st->sessions = a->flows.stats.tls;
    st->records = s->r->records;
    memcpy(st->states, a->stats.session_states, sizeof st->states);
    memcpy(st->errors, a->stats.session_errors, sizeof st->errors);
    memory_use(&st->rss_bytes, &st->peak_rss_bytes);
}

void tg_live_stats_record(struct tg_live_stats *s, int64_t ts, bool final)
{
    struct tg_report_stats st;
    struct tg_cap_counters caps;
    memset(&st, 0, sizeof st);
    fill_stats(&st, s);
    tg_analyzer_caps(s->a, &caps);
    st.caps = &caps;
    st.ts = ts;
    st.final = final;
    if (tg_report_stats(s->r, &st))
        s->stats_records++;
}

/* The counters on stderr, as tcpdump prints them, and the analyzer's. */
static void print_stats(const struct tg_live_stats *s)
{
    tg_analyzer_refresh(s->a);
    if (s->have_counts)
        tg_log("%s: %llu packets received by filter, %llu packets dropped by kernel, "
               "%llu packets dropped by interface",
               s->iface, (unsigned long long)s->counts.received,
               (unsigned long long)s->counts.dropped_kernel,
               (unsigned long long)s->counts.dropped_interface);
    tg_log("%llu packets analysed, %llu flows (%llu open), %llu TLS sessions, %llu records "
           "written",
           (unsigned long long)s->a->stats.packets, (unsigned long long)s->a->flows.stats.created,
           (unsigned long long)s->a->flows.count, (unsigned long long)s->a->flows.stats.tls,
           (unsigned long long)s->r->records);
}

/* ------------------------------------------------------------ the loop */

enum live_end { LIVE_STOPPED, LIVE_OUTPUT_FAILED, LIVE_CAPTURE_BROKE };

struct live_run {
    struct tg_live_capture *cap;
    struct tg_analyzer *a;
    struct tg_report *r;
    struct tg_live_stats stats;
    int64_t interval_us;
    int64_t next_stats;  /* monotonic clock */
    int64_t next_sample; /* monotonic clock: pcap_stats sampled each second */
    bool buffered;       /* the kernel hands packets over in blocks */
};

/* Flushes; false once the output has failed (r->failed tells why). */
static bool flush_output(struct tg_report *r)
{
    if (!r->failed && tg_output_flush(&r->out) != TG_OK) {
        r->failed = true;
        r->write_errno = r->out.err;
    }
    return !r->failed;
}

static void sample_counts(struct live_run *L)
{
    L->stats.have_counts = tg_capture_live_counts(L->cap, &L->stats.counts);
}

/* The time-based work of one wake-up. */
static void timed_work(struct live_run *L)
{
    int64_t mono = clock_us(CLOCK_MONOTONIC);
    tg_analyzer_expire(L->a, clock_us(CLOCK_REALTIME));
    tg_analyzer_sync(L->a);
    if (mono >= L->next_sample) {
        sample_counts(L);
        L->next_sample = mono + 1000000;
    }
    if (L->interval_us > 0 && mono >= L->next_stats) {
        sample_counts(L);
        tg_live_stats_record(&L->stats, clock_us(CLOCK_REALTIME), false);
        L->next_stats += L->interval_us * ((mono - L->next_stats) / L->interval_us + 1);
    }
}

/* Acts on SIGHUP and SIGUSR1; false if the output could not be reopened. */
static bool signal_work(struct live_run *L)
{
    if (stats_asked) {
        stats_asked = 0;
        sample_counts(L);
        print_stats(&L->stats);
    }
    if (reopen_asked) {
        reopen_asked = 0;
        if (!L->r->failed && tg_output_reopen(&L->r->out) != TG_OK) {
            tg_log("%s: cannot reopen: %s", L->r->out.path ? L->r->out.path : "-",
                   strerror(L->r->out.err));
            L->r->failed = true;
            L->r->write_errno = L->r->out.err;
            return false;
        }
    }
    return true;
}

static int wait_ms(struct live_run *L)
{
    int ms = tg_capture_live_max_wait_ms(L->cap);
    return ms >= 0 && ms < TG_LIVE_WAKE_MS ? ms : TG_LIVE_WAKE_MS;
}

/* The descriptors the loop waits on; a negative fd is left out by poll. */
enum { PF_CAPTURE, PF_WORKERS, PF_OUTPUT, PF_COUNT };

static void watch_output(struct pollfd *pf, const struct tg_report *r)
{
    pf[PF_OUTPUT].fd = r->out.is_pipe ? r->out.fd : -1; /* reopened by SIGHUP */
}

static enum live_end loop(struct live_run *L)
{
    struct pollfd pf[PF_COUNT] = {{.fd = tg_capture_live_fd(L->cap), .events = POLLIN},
                                  {.fd = tg_analyzer_wake_fd(L->a), .events = POLLIN},
                                  {.fd = -1, .events = 0}};
    watch_output(pf, L->r);
    while (!stop_asked) {
        if (!signal_work(L))
            return LIVE_OUTPUT_FAILED;
        int rc = poll(pf, PF_COUNT, wait_ms(L));
        if (rc < 0 && errno != EINTR) {
            tg_log("poll: %s", strerror(errno));
            return LIVE_CAPTURE_BROKE;
        }
        if (rc > 0 && (pf[PF_OUTPUT].revents & (POLLERR | POLLHUP))) {
            L->r->failed = true; /* the reader has gone: as a write would say */
            L->r->write_errno = EPIPE;
            return LIVE_OUTPUT_FAILED;
        }
        if (tg_capture_live_read(L->cap, L->a, TG_LIVE_BATCH) < 0)
            return LIVE_CAPTURE_BROKE;
        timed_work(L);
        if (!flush_output(L->r))
            return LIVE_OUTPUT_FAILED;
        watch_output(pf, L->r);
    }
    return LIVE_STOPPED;
}

/* After the loop: the packets already captured, every open session, the
 * last statistics record; the exit status. */
static int finish(struct live_run *L, enum live_end how)
{
    if (how == LIVE_STOPPED && L->buffered) { /* the kernel retires its open block */
        struct timespec t = {0, (TG_CAPTURE_READ_TIMEOUT_MS + 50) * 1000000L};
        while (nanosleep(&t, &t) != 0 && errno == EINTR)
            continue;
    }
    if (how == LIVE_STOPPED && tg_capture_live_read(L->cap, L->a, TG_LIVE_DRAIN) < 0)
        how = LIVE_CAPTURE_BROKE;
    if (how == LIVE_CAPTURE_BROKE)
        tg_analyzer_note_damage(L->a);
    tg_analyzer_finish(L->a);
    sample_counts(L);
    if (L->interval_us > 0)
        tg_live_stats_record(&L->stats, clock_us(CLOCK_REALTIME), true);
    bool quiet = L->r->failed && L->r->write_errno == EPIPE;
    if (!quiet)
        print_stats(&L->stats);
    if (tg_report_close(L->r) != TG_OK || L->r->failed) {
        if (L->r->write_errno == EPIPE)
            return TG_EXIT_OK;
        tg_log("writing records failed: %s", strerror(L->r->write_errno));
        return TG_EXIT_RESOURCE;
    }
    return how == LIVE_CAPTURE_BROKE ? TG_EXIT_DAMAGED : TG_EXIT_OK;
}

/* Output and analyzer, then the loop; the capture is open. */
static int run_open(struct live_run *L, const struct tg_live_opts *o, const struct tg_config *cfg)
{
    struct tg_report report;
    if (tg_report_open(&report, o->output, o->pretty) != TG_OK) {
        tg_log("%s: cannot write: %s", o->output ? o->output : "-", strerror(errno));
        return TG_EXIT_RESOURCE;
    }
    tg_output_set_live(&report.out, true);
    struct tg_analyzer a;
    if (tg_analyzer_init(&a, cfg, &report) != TG_OK) {
        tg_log("out of memory");
        enum tg_status ignored = tg_report_close(&report);
        (void)ignored;
        return TG_EXIT_RESOURCE;
    }
    L->a = &a;
    L->r = &report;
    tg_live_stats_attach(&L->stats, &a, &report, o->cap.iface);
    int64_t now = clock_us(CLOCK_MONOTONIC);
    L->interval_us = o->stats_interval_us;
    L->buffered = o->cap.buffered;
    L->next_stats = now + o->stats_interval_us;
    L->next_sample = now + 1000000;
    char desc[160];
    tg_capture_live_describe(L->cap, desc, sizeof desc);
    if (o->cap.buffered)
        tg_log("listening on %s, %s, buffered mode (packets handed over within %d ms)",
               o->cap.iface, desc, TG_CAPTURE_READ_TIMEOUT_MS);
    else
        tg_log("listening on %s, %s, immediate mode", o->cap.iface, desc);
    int status = finish(L, loop(L));
    tg_analyzer_free(&a);
    L->a = NULL; /* both lived in this frame only */
    L->r = NULL;
    return status;
}

int tg_live_run(const struct tg_live_opts *o, const struct tg_config *cfg)
{
    struct live_run L;
    memset(&L, 0, sizeof L);
    enum tg_capture_result res = tg_capture_live_open(&o->cap, &L.cap);
    if (res != TG_CAP_OK)
        return res == TG_CAP_BAD_FILTER ? TG_EXIT_USAGE : TG_EXIT_INPUT;
    catch_signals();
    if (o->user && !tg_live_drop_privileges(o->user)) {
        tg_capture_live_close(L.cap);
        return TG_EXIT_USAGE;
    }
    int status = run_open(&L, o, cfg);
    tg_capture_live_close(L.cap);
    return status;
}
