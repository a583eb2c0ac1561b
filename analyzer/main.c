/*
 * main.c - the tlsglass command: options, the run, and the exit status.
 *
 * Exit status:
 *   0  every input was read to its end and every record written
 *   1  usage error: a bad option or filter expression; nothing was read
 *   2  an input could not be opened or is not a capture file (the others
 *      were still read)
 *   3  resource failure: out of memory, or the records could not be written
 *   4  the run finished, but an input was damaged (truncated or corrupt
 *      file, unsupported link type): records of what was read were written
 */
#include "analyzer.h"
#include "capture.h"
#include "log.h"
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

enum { EXIT_USAGE = 1, EXIT_INPUT = 2, EXIT_RESOURCE = 3, EXIT_DAMAGED = 4 };

struct options {
    const char **inputs;
    size_t n_inputs;
    const char *output;
    char *filter;
    bool pretty;
    struct tg_config cfg;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tlsglass -r FILE [-r FILE...] [-w FILE] [--pretty] [options] [expression]\n"
            "\n"
            "Reads pcap/pcapng captures and writes one JSON line per TLS session.\n"
            "\n"
            "  -r FILE             read a capture file; repeat for several files, read in\n"
            "                      order as one timeline; '-' reads standard input\n"
            "  -w FILE             write records to FILE (default: standard output)\n"
            "  -F FILE             read the filter expression from FILE\n"
            "  expression          a BPF filter (pcap-filter(7)), as with tcpdump\n"
            "  --pretty            indent records for reading\n"
            "  --max-flows N       flows tracked at once (default %u); the oldest idle\n"
            "                      flow is ended early, with \"evicted\" in its errors\n"
            "  --idle-timeout S    end a flow idle for S seconds (default %lld)\n"
            "  --close-delay S     end a flow S seconds after FIN/RST (default %lld)\n"
            "  --no-ndpi           do not classify flows with nDPI (no app_protocol)\n"
            "  --ca-file FILE      trust store for validating server chains (PEM)\n"
            "  --ca-path DIR       trust store directory (c_rehash layout); the default\n"
            "                      is the system's store (/etc/ssl/certs)\n"
            "  --emit=end          one record per session, when it ends (default)\n"
            "  --emit=handshake    a record when the handshake completes or fails, and\n"
            "                      a final one with \"update\": true when the flow ends\n"
            "  -h, --help          this text\n"
            "  -V, --version       version and library versions\n"
            "\n"
            "Exit status: 0 ok; 1 usage error; 2 an input could not be opened;\n"
            "3 out of memory or output not writable; 4 an input was damaged.\n",
            TG_FLOW_DEFAULT_MAX, (long long)(TG_FLOW_DEFAULT_IDLE_US / 1000000),
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
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

enum { OPT_PRETTY = 256, OPT_MAX_FLOWS, OPT_IDLE, OPT_CLOSE, OPT_EMIT, OPT_NO_NDPI,
       OPT_CA_FILE, OPT_CA_PATH };

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
    else
        o->cfg.close_delay_us = v * 1000000;
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        {"pretty", no_argument, NULL, OPT_PRETTY},
        {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"close-delay", required_argument, NULL, OPT_CLOSE},
        {"emit", required_argument, NULL, OPT_EMIT},
        {"no-ndpi", no_argument, NULL, OPT_NO_NDPI},
        {"ca-file", required_argument, NULL, OPT_CA_FILE},
        {"ca-path", required_argument, NULL, OPT_CA_PATH},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    const char *filter_file = NULL;
    while ((c = getopt_long(argc, argv, "r:w:F:hV", longs, NULL)) != -1) {
        switch (c) {
        case 'r':
            o->inputs[o->n_inputs++] = optarg;
            break;
        case 'w':
            o->output = optarg;
            break;
        case 'F':
            filter_file = optarg;
            break;
        case OPT_PRETTY:
            o->pretty = true;
            break;
        case OPT_NO_NDPI:
            o->cfg.no_ndpi = true;
            break;
        case OPT_CA_FILE:
            o->cfg.ca_file = optarg;
            break;
        case OPT_CA_PATH:
            o->cfg.ca_path = optarg;
            break;
        case OPT_EMIT:
            if (strcmp(optarg, "end") != 0 && strcmp(optarg, "handshake") != 0) {
                tg_log("--emit takes end or handshake, not %s", optarg);
                return EXIT_USAGE;
            }
            o->cfg.emit_handshake = strcmp(optarg, "handshake") == 0;
            break;
        case OPT_MAX_FLOWS:
        case OPT_IDLE:
        case OPT_CLOSE:
            if (parse_long_number(c, o))
                return EXIT_USAGE;
            break;
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
    if (o->n_inputs == 0) {
        tg_log("no input: give a capture file with -r (see --help)");
        return EXIT_USAGE;
    }
    if (filter_file) {
        o->filter = read_filter_file(filter_file);
        if (!o->filter) {
            tg_log("%s: cannot read the filter file", filter_file);
            return EXIT_USAGE;
        }
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
    int status = 0;
    for (size_t i = 0; i < o->n_inputs && !report.failed; i++) {
        enum tg_capture_result r = tg_capture_file(&a, o->inputs[i], o->filter);
        if (r == TG_CAP_UNREADABLE || r == TG_CAP_BAD_FILTER)
            status = status == EXIT_RESOURCE ? status : EXIT_INPUT;
        else if (r == TG_CAP_DAMAGED && status == 0)
            status = EXIT_DAMAGED;
    }
    tg_analyzer_finish(&a);
    tg_analyzer_free(&a);
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
    /* A closed output pipe shows as EPIPE on write, handled in run(). */
    signal(SIGPIPE, SIG_IGN);
    tg_config_defaults(&o.cfg);
    o.inputs = calloc((size_t)argc, sizeof *o.inputs);
    if (!o.inputs)
        return EXIT_RESOURCE;
    int rc = parse_options(argc, argv, &o);
    if (rc == 0)
        rc = run(&o);
    free(o.filter);
    free(o.inputs);
    return rc;
}
