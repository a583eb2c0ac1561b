/*
 * capture.c - offline capture files through libpcap.
 *
 * Files are opened with fopen and a 1 MiB stdio buffer handed to
 * pcap_fopen_offline: libpcap reads offline files through stdio, and the
 * default 4 KiB buffer makes the read itself the largest cost.
 * Timestamps are asked for in microseconds; libpcap scales nanosecond files.
 */
#include "capture.h"

#include "decode.h"
#include "log.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TG_STDIO_BUFFER (1u << 20)

const char *tg_capture_lib_version(void)
{
    return pcap_lib_version();
}

bool tg_capture_filter_ok(const char *filter, char *err, size_t errlen)
{
    if (!filter)
        return true;
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
    if (!p) {
        snprintf(err, errlen, "cannot check the filter");
        return false;
    }
    struct bpf_program prog;
    bool ok = pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0;
    if (ok)
        pcap_freecode(&prog);
    else
        snprintf(err, errlen, "%s", pcap_geterr(p));
    pcap_close(p);
    return ok;
}

static bool set_filter(pcap_t *p, const char *path, const char *filter)
{
    if (!filter)
        return true;
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        tg_log("%s: bad filter: %s", path, pcap_geterr(p));
        return false;
    }
    bool ok = pcap_setfilter(p, &prog) == 0;
    if (!ok)
        tg_log("%s: cannot set filter: %s", path, pcap_geterr(p));
    pcap_freecode(&prog);
    return ok;
}

static pcap_t *open_file(const char *path, FILE **fp, char *buf)
{
    char err[PCAP_ERRBUF_SIZE] = "";
    bool is_stdin = strcmp(path, "-") == 0;
    *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!*fp) {
        tg_log("%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    setvbuf(*fp, buf, _IOFBF, TG_STDIO_BUFFER);
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(*fp, PCAP_TSTAMP_PRECISION_MICRO, err);
    if (!p) {
        tg_log("%s: not a readable capture file: %s", is_stdin ? "standard input" : path, err);
        if (!is_stdin)
            fclose(*fp);
        *fp = NULL;
    }
    return p;
}

/* The packet loop; returns the result for the file. */
static enum tg_capture_result read_packets(struct tg_analyzer *a, pcap_t *p, const char *path)
{
    int dlt = pcap_datalink(p);
    if (!tg_decode_supports(dlt)) {
        const char *name = pcap_datalink_val_to_name(dlt);
        tg_log("%s: unsupported link type %d (%s): file skipped", path, dlt,
               name ? name : "unknown");
        return TG_CAP_DAMAGED;
    }
    uint64_t n = 0;
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = 0;
    while (!a->report->failed && (rc = pcap_next_ex(p, &h, &data)) == 1) {
        tg_log_where(path, ++n);
        int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + (int64_t)h->ts.tv_usec;
        struct tg_view frame = {data, h->caplen};
        tg_analyzer_packet(a, dlt, ts, frame, h->len);
    }
    if (rc == PCAP_ERROR_BREAK || rc == 0)
        return TG_CAP_OK;
    if (rc == PCAP_ERROR) {
        tg_log_where(path, n + 1);
        tg_log_input("capture file damaged, reading stops here: %s", pcap_geterr(p));
        tg_flows_note_damage(&a->flows);
        return TG_CAP_DAMAGED;
    }
    return TG_CAP_OK; /* PCAP_ERROR_EOF (-2) */
}

enum tg_capture_result tg_capture_file(struct tg_analyzer *a, const char *path,
                                       const char *filter)
{
    char *buf = malloc(TG_STDIO_BUFFER);
    if (!buf) {
        tg_log("%s: out of memory", path);
        return TG_CAP_UNREADABLE;
    }
    FILE *fp = NULL;
    pcap_t *p = open_file(path, &fp, buf);
    if (!p) {
        free(buf);
        return TG_CAP_UNREADABLE;
    }
    const char *name = strcmp(path, "-") == 0 ? "-" : path;
    enum tg_capture_result res =
        set_filter(p, name, filter) ? read_packets(a, p, name) : TG_CAP_BAD_FILTER;
    pcap_close(p); /* closes fp too */
    free(buf);
    return res;
}
