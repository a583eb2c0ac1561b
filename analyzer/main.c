/*
 * main.c - the tlsglass command: options, the run, and the exit status.
 *
 * Exit status:
 *   0  every input was read to its end and every record written; live: the
 *      capture was stopped by SIGINT/SIGTERM, or the reader of the output
 *      pipe went away (EPIPE)
 *   1  usage error: a bad option or filter expression, or -Z could not be
 *      honoured; nothing was read
 *   2  an input could not be opened or is not a capture file (the others
 *      were still read); live: no such interface, or no permission
 *   3  resource failure: out of memory, or the records could not be written
 *      (a full disk, /dev/full, a file that cannot be reopened on SIGHUP)
 *   4  the run finished, but an input was damaged (truncated or corrupt
 *      file, unsupported link type; live: the capture broke off): records
 *      of what was read were written
 */
#include "analyzer.h"
#include "capture.h"
#include "jsonmem.h"
#include "live.h"
#include "log.h"
#include "pool.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TG_VERSION
#define TG_VERSION "0.1"
#endif

enum {
    EXIT_USAGE = TG_EXIT_USAGE,
    EXIT_INPUT = TG_EXIT_INPUT,
    EXIT_RESOURCE = TG_EXIT_RESOURCE,
    EXIT_DAMAGED = TG_EXIT_DAMAGED
};

struct options {
    const char **inputs;
    size_t n_inputs;
    const char *output;
    char *filter;
    bool pretty;
    int emit; /* -1 not given, 0 end, 1 handshake */
    int64_t stats_interval_us;
    int immediate;            /* -1 not given, 0 --buffered, 1 --immediate */
    struct tg_live_opts live; /* live.cap.iface set: a live capture */
    struct tg_config cfg;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tlsglass -r FILE [-r FILE...] [-w FILE] [--pretty] [options] [expression]\n"
            "       tlsglass -i IFACE [-w FILE] [-s SNAPLEN] [-p] [-B KIB] [-Z USER] [options]\n"
            "                [expression]\n"
            "       tlsglass -D\n"
            "\n"
            "Reads pcap/pcapng captures, or captures on an interface, and writes one JSON\n"
            "line per TLS session.\n"
            "\n"
            "  -r FILE             read a capture file; repeat for several files, read in\n"
            "                      order as one timeline; '-' reads standard input\n"
            "  -i IFACE            capture on an interface ('any': all of them) until\n"
            "                      SIGINT or SIGTERM; SIGHUP reopens the -w file, SIGUSR1\n"
            "                      prints statistics (docs/live.md)\n"
            "  -D, --list-interfaces  list the interfaces that can be captured on\n"
            "  -s SNAPLEN          bytes kept of each packet (default and 0: %d)\n"
            "  -p                  do not put the interface in promiscuous mode\n"
            "  -B KIB              kernel capture buffer in KiB (default %d)\n"
            "  --immediate         hand each packet over as it arrives, not in blocks\n"
            "                      (the default: blocks at least every 100 ms, which\n"
            "                      costs less CPU and drops far less under load)\n"
            "  -Z USER             become USER once the capture is open (not root)\n"
            "  -w FILE             write records to FILE (default: standard output)\n"
            "  -f EXPRESSION       the BPF filter, as one argument\n"
            "  -F FILE             read the filter expression from FILE\n"
            "  expression          a BPF filter (pcap-filter(7)), as with tcpdump\n"
            "  --pretty            indent records for reading\n"
            "  --max-flows N       flows tracked at once (default %u); the oldest idle\n"
            "                      flow is ended early, with \"evicted\" in its errors\n"
            "  --max-memory SIZE   memory for flows, reassembly, sessions and fragments,\n"
            "                      e.g. 256M or 2G (default 1G, least 16M); past it the\n"
            "                      oldest idle flows are evicted (docs/limits.md)\n"
            "  --idle-timeout S    end a flow idle for S seconds (default %lld)\n"
            "  --close-delay S     end a flow S seconds after FIN/RST (default %lld)\n"
            "  --no-ndpi           do not classify flows with nDPI (no app_protocol)\n"
            "  --threads N         analyse in N worker threads, flows shared out by\n"
            "                      their addresses and ports (default 1; docs/threads.md)\n"
            "  --ca-file FILE      trust store for validating server chains (PEM)\n"
            "  --ca-path DIR       trust store directory (c_rehash layout); the default\n"
            "                      is the system's store (/etc/ssl/certs)\n"
            "  --emit=end          one record per session, when it ends (default for -r)\n"
            "  --emit=handshake    a record when the handshake completes or fails, and\n"
            "                      a final one with \"update\": true when the flow ends\n"
            "                      (default for -i)\n"
            "  --stats-interval S  a {\"type\": \"stats\"} record every S seconds (wall\n"
            "                      clock with -i, capture time with -r) and at the end\n"
            "  -h, --help          this text\n"
            "  -V, --version       version and library versions\n"
            "\n"
            "Exit status: 0 ok; 1 usage error; 2 an input or interface could not be\n"
            "opened; 3 out of memory or output not writable; 4 an input was damaged.\n",
            TG_CAPTURE_DEFAULT_SNAPLEN, TG_CAPTURE_DEFAULT_BUFFER_KIB, TG_FLOW_DEFAULT_MAX,
            (long long)(TG_FLOW_DEFAULT_IDLE_US / 1000000),
            (long long)(TG_FLOW_DEFAULT_CLOSE_US / 1000000));
}

static bool parse_number(const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Joins the trailing arguments into one filter expression. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    if (!s)
        return NULL;
    size_t off = 0;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        memcpy(s + off, argv[i], n);
        off += n;
        s[off++] = i + 1 < argc ? ' ' : '\0';
    }
    return s;
}

static char *read_filter_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 65536);
    size_t n = buf ? fread(buf, 1, 65535, f) : 0;
    (void)fclose(f); /* opened for reading: nothing is lost */
    if (buf)
        buf[n] = '\0';
    return buf;
}

enum {
    OPT_PRETTY = 256,
    OPT_MAX_FLOWS,
    OPT_IDLE,
    OPT_CLOSE,
    OPT_EMIT,
    OPT_NO_NDPI,
    OPT_CA_FILE,
    OPT_CA_PATH,
    OPT_STATS,
    OPT_BUFFERED,
    OPT_IMMEDIATE,
    OPT_MAX_MEMORY,
    OPT_THREADS
};

/* --max-memory: bytes, or a number with K, M, G or T (powers of 1024). */
static int parse_memory(struct options *o)
{
    static const char units[] = "KMGT";
    char *end;
    errno = 0;
    unsigned long long v = strtoull(optarg, &end, 10);
    int shift = 0;
    if (*end) {
        const char *u = strchr(units, *end & ~0x20);
        shift = u && *u && end[1] == '\0' ? 10 * (int)(u - units + 1) : -1;
    }
    if (errno || end == optarg || optarg[0] == '-' || shift < 0 || v > (SIZE_MAX >> shift) ||
        (v << shift) < TG_MIN_MAX_MEMORY) {
        tg_log("--max-memory: a size of at least 16M, like 256M or 2G: %s", optarg);
        return EXIT_USAGE;
    }
    o->cfg.max_memory = (size_t)(v << shift);
    return 0;
}

static int parse_long_number(int opt, struct options *o)
{
    long long v;
    if (!parse_number(optarg, 1, opt == OPT_MAX_FLOWS ? 100000000LL : 86400LL * 365, &v)) {
        tg_log("bad number: %s", optarg);
        return EXIT_USAGE;
    }
    if (opt == OPT_MAX_FLOWS)
        o->cfg.max_flows = (size_t)v;
    else if (opt == OPT_IDLE)
        o->cfg.idle_timeout_us = v * 1000000;
    else if (opt == OPT_STATS)
        o->stats_interval_us = v * 1000000;
    else
        o->cfg.close_delay_us = v * 1000000;
    return 0;
}

/* -s and -B: a positive int within [min, max]. */
static int parse_int(const char *what, long long min, long long max, int *out)
{
    long long v;
    if (!parse_number(optarg, min, max, &v)) {
        tg_log("%s: not a number from %lld to %lld: %s", what, min, max, optarg);
        return EXIT_USAGE;
    }
    *out = (int)v;
    return 0;
}

/* Options of a live capture; -1 if c is not one of them. */
static int parse_live_option(int c, struct options *o)
{
    switch (c) {
    case 'i':
        o->live.cap.iface = optarg;
        return 0;
    case 's':
        return parse_int("-s", 0, TG_CAPTURE_DEFAULT_SNAPLEN, &o->live.cap.snaplen);
    case 'B':
        return parse_int("-B", 1, INT_MAX / 1024, &o->live.cap.buffer_kib);
    case 'p':
        o->live.cap.no_promisc = true;
        return 0;
    case 'Z':
        o->live.user = optarg;
        return 0;
    case OPT_BUFFERED: /* the default; kept for older command lines */
        o->immediate = 0;
        return 0;
    case OPT_IMMEDIATE:
        o->immediate = 1;
        return 0;
    case 'D':
        exit(tg_capture_list(stdout) ? 0 : EXIT_INPUT);
    default:
        return -1;
    }
}

static int parse_emit(struct options *o)
{
    if (strcmp(optarg, "end") != 0 && strcmp(optarg, "handshake") != 0) {
        tg_log("--emit takes end or handshake, not %s", optarg);
        return EXIT_USAGE;
    }
    o->emit = strcmp(optarg, "handshake") == 0;
    return 0;
}

/* One option; -F and -f are kept for take_filter. */
static int parse_option(int c, struct options *o, const char **filter_file, const char **expr)
{
    int rc = parse_live_option(c, o);
    if (rc >= 0)
        return rc;
    switch (c) {
    case 'r':
        o->inputs[o->n_inputs++] = optarg;
        return 0;
    case 'w':
        o->output = optarg;
        return 0;
    case 'F':
        *filter_file = optarg;
        return 0;
    case 'f':
        *expr = optarg;
        return 0;
    case OPT_PRETTY:
        o->pretty = true;
        return 0;
    case OPT_NO_NDPI:
        o->cfg.no_ndpi = true;
        return 0;
    case OPT_CA_FILE:
        o->cfg.ca_file = optarg;
        return 0;
    case OPT_CA_PATH:
        o->cfg.ca_path = optarg;
        return 0;
    case OPT_EMIT:
        return parse_emit(o);
    case OPT_MAX_MEMORY:
        return parse_memory(o);
    case OPT_THREADS: {
        int n;
        if (parse_int("--threads", 1, TG_POOL_MAX_THREADS, &n) != 0)
            return EXIT_USAGE;
        o->cfg.threads = (unsigned)n;
        return 0;
    }
    case OPT_MAX_FLOWS:
    case OPT_IDLE:
    case OPT_CLOSE:
    case OPT_STATS:
        return parse_long_number(c, o);
    case 'h':
        usage(stdout);
        exit(0);
    case 'V':
        printf("tlsglass %s (%s)\n", TG_VERSION, tg_capture_lib_version());
        exit(0);
    default:
        usage(stderr);
        return EXIT_USAGE;
    }
}

/* The filter from -F, -f or the trailing arguments (one of them). */
static int take_filter(struct options *o, const char *filter_file, const char *expr, int argc,
                       char **argv)
{
    int sources = (filter_file != NULL) + (expr != NULL) + (optind < argc);
    if (sources > 1) {
        tg_log("give the filter once: with -F, -f or as the trailing arguments");
        return EXIT_USAGE;
    }
    if (filter_file) {
        o->filter = read_filter_file(filter_file);
        if (!o->filter) {
            tg_log("%s: cannot read the filter file", filter_file);
            return EXIT_USAGE;
        }
    } else if (expr) {
        o->filter = strdup(expr);
    } else if (optind < argc) {
        o->filter = join_args(argc - optind, argv + optind);
    }
    char err[512];
    if (!tg_capture_filter_ok(o->filter, err, sizeof err)) {
        tg_log("bad filter expression: %s", err);
        return EXIT_USAGE;
    }
    return 0;
}

/* Checks that the options make one run: files or an interface. */
static int check_inputs(struct options *o)
{
    bool live = o->live.cap.iface != NULL;
    if (live && o->n_inputs > 0) {
        tg_log("-i and -r do not go together: capture on an interface or read files");
        return EXIT_USAGE;
    }
    if (!live && o->n_inputs == 0) {
        tg_log("no input: give a capture file with -r or an interface with -i (see --help)");
        return EXIT_USAGE;
    }
    bool live_only = o->live.user || o->live.cap.snaplen || o->live.cap.buffer_kib ||
                     o->live.cap.no_promisc || o->immediate >= 0;
    if (!live && live_only) {
        tg_log("-s, -B, -p, -Z, --immediate and --buffered apply to a live capture (-i)");
        return EXIT_USAGE;
    }
    o->live.cap.buffered = o->immediate != 1;
    /* Live records are written as handshakes end, unless --emit=end. */
    o->cfg.emit_handshake = o->emit < 0 ? live : o->emit == 1;
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        {"pretty", no_argument, NULL, OPT_PRETTY},
        {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
        {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"close-delay", required_argument, NULL, OPT_CLOSE},
        {"emit", required_argument, NULL, OPT_EMIT},
        {"no-ndpi", no_argument, NULL, OPT_NO_NDPI},
        {"ca-file", required_argument, NULL, OPT_CA_FILE},
        {"ca-path", required_argument, NULL, OPT_CA_PATH},
        {"stats-interval", required_argument, NULL, OPT_STATS},
        {"list-interfaces", no_argument, NULL, 'D'},
        {"buffered", no_argument, NULL, OPT_BUFFERED},
        {"immediate", no_argument, NULL, OPT_IMMEDIATE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    const char *filter_file = NULL;
    const char *expr = NULL;
    while ((c = getopt_long(argc, argv, "r:w:F:f:i:s:B:pZ:DhV", longs, NULL)) != -1) {
        int rc = parse_option(c, o, &filter_file, &expr);
        if (rc)
            return rc;
    }
    int rc = check_inputs(o);
    return rc ? rc : take_filter(o, filter_file, expr, argc, argv);
}

/*
 * The process is about to exit, every record written: the kernel takes the
 * memory back at once, while freeing nDPI's tables piece by piece costs a
 * fifth of the instructions of a run on a small file. So the release build
 * only stops the worker threads; sanitizer builds free everything, so that
 * leak checking still sees every real leak.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TG_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TG_FREE_AT_EXIT 1
#endif
#endif

static void end_analyzer(struct tg_analyzer *a)
{
#ifdef TG_FREE_AT_EXIT
    tg_analyzer_free(a);
#else
    tg_analyzer_stop(a);
#endif
}

/* Offline statistics records, by capture time. */
static void stats_tick(void *ctx, int64_t ts)
{
    tg_live_stats_record(ctx, ts, false);
}

static int read_inputs(struct options *o, struct tg_analyzer *a, struct tg_report *report)
{
    struct tg_live_stats stats = {0};
    if (o->stats_interval_us > 0)
        tg_live_stats_attach(&stats, a, report, NULL);
    struct tg_capture_tick tick = {
        .every_us = o->stats_interval_us, .fn = stats_tick, .ctx = &stats};
    int status = 0;
    for (size_t i = 0; i < o->n_inputs && !report->failed; i++) {
        enum tg_capture_result r = tg_capture_file_ticks(a, o->inputs[i], o->filter, &tick);
        if (r == TG_CAP_UNREADABLE || r == TG_CAP_BAD_FILTER)
            status = status == EXIT_RESOURCE ? status : EXIT_INPUT;
        else if (r == TG_CAP_DAMAGED && status == 0)
            status = EXIT_DAMAGED;
    }
    tg_analyzer_finish(a);
    if (o->stats_interval_us > 0)
        tg_live_stats_record(&stats, tick.last_us, true);
    return status;
}

static int run(struct options *o)
{
    struct tg_report report;
    if (tg_report_open(&report, o->output, o->pretty) != TG_OK) {
        tg_log("%s: cannot write: %s", o->output ? o->output : "-", strerror(errno));
        return EXIT_RESOURCE;
    }
    struct tg_analyzer a;
    if (tg_analyzer_init(&a, &o->cfg, &report) != TG_OK) {
        tg_log("out of memory");
        enum tg_status ignored = tg_report_close(&report);
        (void)ignored;
        return EXIT_RESOURCE;
    }
    int status = read_inputs(o, &a, &report);
    end_analyzer(&a);
    if (tg_log_suppressed())
        tg_log("%llu further input problems were not shown",
               (unsigned long long)tg_log_suppressed());
    if (tg_report_close(&report) != TG_OK) {
        if (report.write_errno == EPIPE)
            return status;
        tg_log("writing records failed: %s", strerror(report.write_errno));
        return EXIT_RESOURCE;
    }
    return status;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    o.emit = -1;
    o.immediate = -1;
    /* A closed output pipe shows as EPIPE on write, handled in run(). */
    signal(SIGPIPE, SIG_IGN);
    tg_jsonmem_init(); /* cJSON's memory for records: before any cJSON call */
    tg_config_defaults(&o.cfg);
    o.inputs = calloc((size_t)argc, sizeof *o.inputs);
    if (!o.inputs)
        return EXIT_RESOURCE;
    int rc = parse_options(argc, argv, &o);
    if (rc == 0) {
        char err[512];
        o.cfg.validator = tg_validator_new(o.cfg.ca_file, o.cfg.ca_path, err, sizeof err);
        if (!o.cfg.validator) {
            tg_log("%s", err);
            rc = EXIT_USAGE;
        }
    }
    if (rc == 0 && o.live.cap.iface) {
        o.live.cap.filter = o.filter;
        o.live.output = o.output;
        o.live.pretty = o.pretty;
        o.live.stats_interval_us = o.stats_interval_us;
        rc = tg_live_run(&o.live, &o.cfg);
    } else if (rc == 0) {
        rc = run(&o);
    }
    tg_validator_free(o.cfg.validator);
    free(o.filter);
    free(o.inputs);
    return rc;
}
