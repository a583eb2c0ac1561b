/*
 * capture.h - packets from capture files (pcap and pcapng) and from live
 * interfaces, through libpcap, into the analyzer. The only module that
 * includes libpcap.
 */
#ifndef TG_CAPTURE_H
#define TG_CAPTURE_H

#include "analyzer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum tg_capture_result {
    TG_CAP_OK,         /* read to its end */
    TG_CAP_UNREADABLE, /* could not be opened, or is not a capture file */
    TG_CAP_DAMAGED,    /* read until it broke off, or an unsupported link type */
    TG_CAP_BAD_FILTER, /* the filter does not compile for this file */
};

/* Called every `every_us` of capture time while a file is read (offline
 * statistics records). `next_us` 0 starts the count at the first packet. */
struct tg_capture_tick {
    int64_t every_us;
    int64_t next_us;
    int64_t last_us; /* the latest packet's time */
    void (*fn)(void *ctx, int64_t ts);
    void *ctx;
};

/* Reads one file ("-" is standard input) through the optional BPF filter. */
enum tg_capture_result tg_capture_file(struct tg_analyzer *a, const char *path, const char *filter);

/* The same, calling tick->fn as capture time passes (tick may be NULL). */
enum tg_capture_result tg_capture_file_ticks(struct tg_analyzer *a, const char *path,
                                             const char *filter, struct tg_capture_tick *tick);

/* Checks a BPF expression against Ethernet; false with a message if bad. */
bool tg_capture_filter_ok(const char *filter, char *err, size_t errlen);

/* libpcap's version string. */
const char *tg_capture_lib_version(void);

/* ---------------------------------------------------------------- live */

#define TG_CAPTURE_DEFAULT_SNAPLEN 262144
#define TG_CAPTURE_READ_TIMEOUT_MS 100 /* libpcap's buffering timeout */
/* The kernel buffer without -B. In immediate mode Linux libpcap uses a ring
 * of fixed-size slots, each as large as the largest packet (64 KiB when the
 * interface offloads segmentation, the snaplen on "any"): libpcap's 2 MiB
 * would hold a few dozen packets. */
#define TG_CAPTURE_DEFAULT_BUFFER_KIB 32768

struct tg_capture_live_opts {
    const char *iface;  /* a name from tg_capture_list, or "any" */
    const char *filter; /* BPF expression or NULL */
    int snaplen;        /* 0: TG_CAPTURE_DEFAULT_SNAPLEN */
    int buffer_kib;     /* kernel buffer in KiB; 0: TG_CAPTURE_DEFAULT_BUFFER_KIB */
    bool no_promisc;
    bool buffered; /* not immediate: packets come in blocks, every 100 ms */
};

/* Counters from pcap_stats, kept in 64 bits across libpcap's 32-bit ones. */
struct tg_capture_counts {
    uint64_t received;          /* passed the filter */
    uint64_t dropped_kernel;    /* no room in the kernel buffer */
    uint64_t dropped_interface; /* dropped by the interface or its driver */
};

struct tg_live_capture;

/* Opens and activates the interface, in immediate mode (unless buffered)
 * and non-blocking,
 * with the filter set. TG_CAP_UNREADABLE (no such interface, no
 * permission, unsupported link type) or TG_CAP_BAD_FILTER with a message
 * logged; *out is set on TG_CAP_OK. */
enum tg_capture_result tg_capture_live_open(const struct tg_capture_live_opts *o,
                                            struct tg_live_capture **out) TG_WARN_UNUSED;

/* A descriptor to poll for input, and the longest wait libpcap allows
 * before tg_capture_live_read must be called anyway (-1: none). */
int tg_capture_live_fd(const struct tg_live_capture *c);
int tg_capture_live_max_wait_ms(struct tg_live_capture *c);

/* "link-type EN10MB (Ethernet), snapshot length 262144 bytes" */
void tg_capture_live_describe(const struct tg_live_capture *c, char *buf, size_t len);

/* Hands the waiting packets, at most `max`, to the analyzer without
 * blocking; the number read, or -1 if the capture broke (logged). */
int tg_capture_live_read(struct tg_live_capture *c, struct tg_analyzer *a, int max);

/* Samples pcap_stats into the 64-bit counters; false if unavailable. */
bool tg_capture_live_counts(struct tg_live_capture *c, struct tg_capture_counts *out);

void tg_capture_live_close(struct tg_live_capture *c);

/* Prints the interfaces libpcap can open, one a line; false on error. */
bool tg_capture_list(FILE *out);

#endif
