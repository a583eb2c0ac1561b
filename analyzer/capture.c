/*
 * capture.c - capture files and live interfaces through libpcap.
 *
 * Files are opened with fopen and a 1 MiB stdio buffer handed to
 * pcap_fopen_offline: libpcap reads offline files through stdio, and the
 * default 4 KiB buffer makes the read itself the largest cost.
 * Timestamps are asked for in microseconds; libpcap scales nanosecond files.
 *
 * Live interfaces are opened with pcap_create and pcap_set_* before
 * pcap_activate, in immediate mode (each packet is handed over as it
 * arrives, not when a kernel block fills; --buffered turns it off) and
 * non-blocking, so the caller polls the selectable descriptor with its own
 * timeout and reads what is waiting in bounded batches.
 */
#include "capture.h"

#include "decode.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
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
            (void)fclose(*fp); /* opened for reading: nothing is lost */
        *fp = NULL;
    }
    return p;
}

/* Calls the tick function when capture time passes the next mark. */
static void tick(struct tg_capture_tick *t, int64_t ts)
{
    if (!t)
        return;
    t->last_us = ts;
    if (t->every_us <= 0 || !t->fn)
        return;
    if (t->next_us == 0) {
        t->next_us = ts + t->every_us;
        return;
    }
    if (ts < t->next_us)
        return;
    t->fn(t->ctx, ts);
    t->next_us += t->every_us * ((ts - t->next_us) / t->every_us + 1);
}

/* The packet loop; returns the result for the file. */
static enum tg_capture_result read_packets(struct tg_analyzer *a, pcap_t *p, const char *path,
                                           struct tg_capture_tick *t)
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
        tick(t, ts);
        tg_analyzer_packet(a, dlt, ts, frame, h->len);
    }
    if (rc == PCAP_ERROR_BREAK || rc == 0)
        return TG_CAP_OK;
    if (rc == PCAP_ERROR) {
        tg_log_where(path, n + 1);
        /* Always said, however many input problems the rate limit hid. */
        tg_log("%s:%llu: capture file damaged, reading stops here: %s", path,
               (unsigned long long)n + 1, pcap_geterr(p));
        tg_analyzer_note_damage(a);
        return TG_CAP_DAMAGED;
    }
    return TG_CAP_OK; /* PCAP_ERROR_EOF (-2) */
}

enum tg_capture_result tg_capture_file(struct tg_analyzer *a, const char *path, const char *filter)
{
    return tg_capture_file_ticks(a, path, filter, NULL);
}

enum tg_capture_result tg_capture_file_ticks(struct tg_analyzer *a, const char *path,
                                             const char *filter, struct tg_capture_tick *ticks)
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
        set_filter(p, name, filter) ? read_packets(a, p, name, ticks) : TG_CAP_BAD_FILTER;
    pcap_close(p); /* closes fp too */
    free(buf);
    return res;
}

/* ------------------------------------------------------------------ live */

struct tg_live_capture {
    pcap_t *p;
    int dlt;
    const char *iface;
    uint64_t n;            /* packets handed over, for log lines */
    struct tg_analyzer *a; /* during a read only */
    struct pcap_stat last; /* libpcap's 32-bit counters at the last sample */
    struct tg_capture_counts total;
};

/* Explains an activation failure or warning in words a user can act on. */
static void explain_activate(pcap_t *p, const char *iface, int rc)
{
    const char *why = pcap_geterr(p);
    switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        tg_log("%s: no such interface (tlsglass -D lists them)", iface);
        return;
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
        tg_log("%s: permission denied: capturing needs root or the capabilities "
               "CAP_NET_RAW and CAP_NET_ADMIN (%s)",
               iface, why);
        return;
    case PCAP_ERROR_IFACE_NOT_UP:
        tg_log("%s: the interface is down", iface);
        return;
    default:
        break;
    }
    if (rc > 0)
        tg_log("%s: warning: %s%s%s", iface, pcap_statustostr(rc), why[0] ? ": " : "", why);
    else
        tg_log("%s: cannot capture: %s%s%s", iface, pcap_statustostr(rc), why[0] ? ": " : "", why);
}

/* The pcap_set_* calls that must come before activation. */
static bool configure(pcap_t *p, const struct tg_capture_live_opts *o)
{
    int snaplen = o->snaplen > 0 ? o->snaplen : TG_CAPTURE_DEFAULT_SNAPLEN;
    bool ok = pcap_set_snaplen(p, snaplen) == 0 && pcap_set_promisc(p, !o->no_promisc) == 0 &&
              pcap_set_timeout(p, TG_CAPTURE_READ_TIMEOUT_MS) == 0 &&
              pcap_set_immediate_mode(p, !o->buffered) == 0 &&
              pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO) == 0;
    int kib = o->buffer_kib > 0 ? o->buffer_kib : TG_CAPTURE_DEFAULT_BUFFER_KIB;
    if (ok)
        ok = pcap_set_buffer_size(p, kib > INT_MAX / 1024 ? INT_MAX : kib * 1024) == 0;
    if (!ok)
        tg_log("%s: cannot set capture options: %s", o->iface, pcap_geterr(p));
    return ok;
}

/* Activates p; false (logged) on an error, warnings only logged. */
static bool activate(pcap_t *p, const char *iface)
{
    int rc = pcap_activate(p);
    if (rc != 0)
        explain_activate(p, iface, rc);
    return rc >= 0;
}

static enum tg_capture_result finish_open(pcap_t *p, const struct tg_capture_live_opts *o)
{
    int dlt = pcap_datalink(p);
    if (!tg_decode_supports(dlt)) {
        const char *name = pcap_datalink_val_to_name(dlt);
        tg_log("%s: unsupported link type %d (%s)", o->iface, dlt, name ? name : "unknown");
        return TG_CAP_UNREADABLE;
    }
    if (!set_filter(p, o->iface, o->filter))
        return TG_CAP_BAD_FILTER;
    char err[PCAP_ERRBUF_SIZE] = "";
    if (pcap_setnonblock(p, 1, err) != 0 || pcap_get_selectable_fd(p) < 0) {
        tg_log("%s: cannot poll the capture: %s", o->iface, err[0] ? err : "no descriptor");
        return TG_CAP_UNREADABLE;
    }
    return TG_CAP_OK;
}

enum tg_capture_result tg_capture_live_open(const struct tg_capture_live_opts *o,
                                            struct tg_live_capture **out)
{
    char err[PCAP_ERRBUF_SIZE] = "";
    *out = NULL;
    struct tg_live_capture *c = calloc(1, sizeof *c);
    if (!c) {
        tg_log("%s: out of memory", o->iface);
        return TG_CAP_UNREADABLE;
    }
    c->p = pcap_create(o->iface, err);
    if (!c->p) {
        tg_log("%s: cannot capture: %s", o->iface, err);
        free(c);
        return TG_CAP_UNREADABLE;
    }
    enum tg_capture_result res = TG_CAP_UNREADABLE;
    if (configure(c->p, o) && activate(c->p, o->iface))
        res = finish_open(c->p, o);
    if (res != TG_CAP_OK) {
        pcap_close(c->p);
        free(c);
        return res;
    }
    c->dlt = pcap_datalink(c->p);
    c->iface = o->iface;
    *out = c;
    return TG_CAP_OK;
}

int tg_capture_live_fd(const struct tg_live_capture *c)
{
    return pcap_get_selectable_fd(c->p);
}

int tg_capture_live_max_wait_ms(struct tg_live_capture *c)
{
    const struct timeval *tv = pcap_get_required_select_timeout(c->p);
    if (!tv)
        return -1;
    int64_t ms = (int64_t)tv->tv_sec * 1000 + tv->tv_usec / 1000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

void tg_capture_live_describe(const struct tg_live_capture *c, char *buf, size_t len)
{
    const char *name = pcap_datalink_val_to_name(c->dlt);
    const char *desc = pcap_datalink_val_to_description(c->dlt);
    snprintf(buf, len, "link-type %s (%s), snapshot length %d bytes", name ? name : "?",
             desc ? desc : "?", pcap_snapshot(c->p));
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct tg_live_capture *c = (struct tg_live_capture *)user;
    tg_log_where(c->iface, ++c->n);
    int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + (int64_t)h->ts.tv_usec;
    struct tg_view frame = {data, h->caplen};
    tg_analyzer_packet(c->a, c->dlt, ts, frame, h->len);
}

int tg_capture_live_read(struct tg_live_capture *c, struct tg_analyzer *a, int max)
{
    c->a = a;
    int n = pcap_dispatch(c->p, max, on_packet, (u_char *)c);
    c->a = NULL;
    if (n == PCAP_ERROR) {
        tg_log("%s: capture stopped: %s", c->iface, pcap_geterr(c->p));
        return -1;
    }
    return n < 0 ? 0 : n; /* PCAP_ERROR_BREAK: nothing was asked to break */
}

bool tg_capture_live_counts(struct tg_live_capture *c, struct tg_capture_counts *out)
{
    struct pcap_stat s;
    if (pcap_stats(c->p, &s) != 0)
        return false;
    /* Differences of unsigned 32-bit counters survive one wrap. */
    c->total.received += (u_int)(s.ps_recv - c->last.ps_recv);
    c->total.dropped_kernel += (u_int)(s.ps_drop - c->last.ps_drop);
    c->total.dropped_interface += (u_int)(s.ps_ifdrop - c->last.ps_ifdrop);
    c->last = s;
    *out = c->total;
    return true;
}

void tg_capture_live_close(struct tg_live_capture *c)
{
    if (!c)
        return;
    pcap_close(c->p);
    free(c);
}

/* tcpdump's way of showing an interface's flags. */
static void print_flags(FILE *out, bpf_u_int32 flags)
{
    fprintf(out, " [%s", flags & PCAP_IF_UP ? "Up" : "Down");
    if (flags & PCAP_IF_RUNNING)
        fputs(", Running", out);
    if (flags & PCAP_IF_LOOPBACK)
        fputs(", Loopback", out);
    if (flags & PCAP_IF_WIRELESS)
        fputs(", Wireless", out);
    fputs("]", out);
}

bool tg_capture_list(FILE *out)
{
    char err[PCAP_ERRBUF_SIZE] = "";
    pcap_if_t *all = NULL;
    if (pcap_findalldevs(&all, err) != 0) {
        tg_log("cannot list interfaces: %s", err);
        return false;
    }
    int i = 0;
    for (pcap_if_t *d = all; d; d = d->next) {
        fprintf(out, "%d.%s", ++i, d->name);
        if (d->description)
            fprintf(out, " (%s)", d->description);
        print_flags(out, d->flags);
        fputc('\n', out);
    }
    if (i == 0)
        tg_log("no interface can be captured on (capturing needs root or CAP_NET_RAW)");
    pcap_freealldevs(all);
    return true;
}
