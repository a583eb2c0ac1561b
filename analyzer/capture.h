/*
 * capture.h - packets from capture files (pcap and pcapng, through libpcap)
 * into the analyzer. The only module that includes libpcap.
 */
#ifndef TG_CAPTURE_H
#define TG_CAPTURE_H

#include "analyzer.h"

#include <stdbool.h>
#include <stddef.h>

enum tg_capture_result {
    TG_CAP_OK,          /* read to its end */
    TG_CAP_UNREADABLE,  /* could not be opened, or is not a capture file */
    TG_CAP_DAMAGED,     /* read until it broke off, or an unsupported link type */
    TG_CAP_BAD_FILTER,  /* the filter does not compile for this file */
};

/* Reads one file ("-" is standard input) through the optional BPF filter. */
enum tg_capture_result tg_capture_file(struct tg_analyzer *a, const char *path,
                                       const char *filter);

/* Checks a BPF expression against Ethernet; false with a message if bad. */
bool tg_capture_filter_ok(const char *filter, char *err, size_t errlen);

/* libpcap's version string. */
const char *tg_capture_lib_version(void);

#endif
