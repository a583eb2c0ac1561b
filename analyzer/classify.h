/*
 * classify.h - application classification by nDPI (Debian 12's libndpi 4.2),
 * the only part of tlsglass that sees nDPI. Callers hold opaque pointers.
 *
 * One detection module per run (about 8 MB of memory, ~60 million
 * instructions to build), built when the first flow state is asked for, so
 * that a run with no TLS flow does not pay for it. A flow gets an nDPI flow
 * state when it turns out to be TLS; the flow table feeds it the flow's IP
 * packets, from the IP header on, until tg_ndpi_feed says nDPI has decided
 * (the application is known and nDPI wants no more packets, e.g. the server
 * certificate was seen), or TG_NDPI_MAX_PACKETS packets were fed, or the
 * caller has seen enough. It then copies the verdict out with
 * tg_ndpi_result and frees the state: tg_ndpi_result on an undecided flow
 * makes nDPI give up and guess, as ndpiReader does at the end of a capture.
 *
 * Memory per flow while it is fed: the state (tg_ndpi_flow_size(), 712
 * bytes with nDPI 4.2) plus what nDPI hangs on it, counted as it is
 * allocated (tg_ndpi_flow_memory): for TLS mainly the part of a record it
 * holds until the record is whole, and the certificate's names.
 */
#ifndef TG_CLASSIFY_H
#define TG_CLASSIFY_H

#include "../dissectors/reader.h"
#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Packets fed to one flow before nDPI is made to decide. ndpiReader allows
 * 80 TCP packets from the SYN on; feeding starts at the first TLS hello, and
 * nDPI 4.2 is done with a TLS flow after the server's certificate. */
#define TG_NDPI_MAX_PACKETS 32u

/* Room for "master.app" such as "TLS.Google": nDPI 4.2's longest protocol
 * name has 20 characters, so a pair takes at most 42 bytes. */
#define TG_NDPI_NAME_CAP 48u

struct tg_ndpi;      /* the detection module */
struct tg_ndpi_flow; /* one flow's detection state */

/* nDPI's verdict on a flow, kept after its state is freed. */
struct tg_ndpi_result {
    char app[TG_NDPI_NAME_CAP]; /* as ndpiReader prints it: "TLS.Google", "TLS" */
    uint64_t risks;             /* bit n set: nDPI risk n (see tg_ndpi_risk_next) */
    bool done;                  /* filled by tg_ndpi_result */
};

/* NULL when out of memory. The module itself is built by the first
 * tg_ndpi_flow_new. */
struct tg_ndpi *tg_ndpi_new(void);
void tg_ndpi_free(struct tg_ndpi *m);

/* A zeroed flow state (a few hundred bytes), or NULL when out of memory or
 * when the detection module could not be built (then never again). */
struct tg_ndpi_flow *tg_ndpi_flow_new(struct tg_ndpi *m);

/* Frees the state and what nDPI allocated for it; NULL is fine. */
void tg_ndpi_flow_free(struct tg_ndpi_flow *f);

/*
 * One packet of the flow, either direction, as an IPv4 or IPv6 packet from
 * its header on (not a fragment; the view may end early if the snaplen cut
 * it). Time in microseconds. True once nDPI has decided: stop feeding and
 * take the result. An empty or oversized view is ignored.
 */
bool tg_ndpi_feed(struct tg_ndpi *m, struct tg_ndpi_flow *f, struct tg_view ip, int64_t ts_us);

/* The verdict so far: if nDPI has not decided, it gives up now and guesses
 * (by port and address). Call at most once per flow, then free the flow. */
void tg_ndpi_result(struct tg_ndpi *m, struct tg_ndpi_flow *f, struct tg_ndpi_result *out);

/*
 * Iterates over a risk bit set: returns the name of the lowest risk in
 * *risks and clears it, NULL when none is left. Names are nDPI's own risk
 * identifiers in lower case without their NDPI_ prefix, e.g.
 * "tls_selfsigned_certificate" for NDPI_TLS_SELFSIGNED_CERTIFICATE. Bits
 * this build of nDPI has no risk for (it never sets them) are skipped.
 */
const char *tg_ndpi_risk_next(uint64_t *risks);

/* The name of risk bit n, NULL when this build of nDPI has none. */
const char *tg_ndpi_risk_name(unsigned n);

/* bytes of one flow state (what tg_ndpi_flow_new allocates) */
size_t tg_ndpi_flow_size(void);

/* Bytes a flow state holds now: itself and what nDPI allocated for it. */
size_t tg_ndpi_flow_memory(const struct tg_ndpi_flow *f);

/*
 * Packing (flow.h: cold flows), as for sessions (session.h): a state
 * waiting for its flow's next packet may be kept as the packed bytes of
 * its struct, what nDPI hung on it staying where it is.
 */
#define TG_NDPI_FLOW_MAX 1024u /* tg_ndpi_flow_size() is no more */
#define TG_NDPI_PACKED_MAX TG_ARENA_PACKED_MAX(TG_NDPI_FLOW_MAX)

/* Packs f into out (room for TG_NDPI_PACKED_MAX bytes): the length. */
size_t tg_ndpi_flow_pack(const struct tg_ndpi_flow *f, uint8_t *out);

/* After tg_ndpi_flow_pack: frees f's struct alone. */
void tg_ndpi_flow_release(struct tg_ndpi_flow *f);

/* The state packed in `in`, in a struct of its own; NULL when out of memory. */
struct tg_ndpi_flow *tg_ndpi_flow_unpack(const uint8_t *in, size_t len);

/* Frees what the state packed in `in` holds. */
void tg_ndpi_flow_free_packed(const uint8_t *in, size_t len);

#endif
