/*
 * ipfrag.h - reassembly of IPv4 and IPv6 fragments into whole datagrams.
 *
 * decode.c hands over each fragment (TG_DEC_FRAGMENT) as a struct
 * tg_packet: addresses, and in `frag` the id, byte offset, more-fragments
 * flag, upper-layer protocol and payload. This module collects the
 * payloads of one datagram and, when they cover it from byte 0 to the end
 * given by the last fragment, returns the whole upper-layer payload (the
 * transport segment) for the analyzer to decode as if it came unfragmented.
 *
 * A datagram is identified (RFC 791 3.2, RFC 8200 4.5) by IP version,
 * source, destination, identification and, for IPv4 only, the protocol;
 * IPv6 takes the upper-layer protocol from the fragment at offset 0. The
 * VLAN tags are part of the key too, as in the flow table, so that equal
 * private addresses on two VLANs never mix.
 *
 * Policy (each case counted in struct tg_ipfrag_stats):
 *   - IPv6 overlapping fragments drop the whole datagram (RFC 5722), and
 *     its later fragments are ignored until its timeout; an exact
 *     duplicate (same offset, length and bytes) is only ignored.
 *   - IPv4 overlaps: first data wins. Bytes already held are kept and only
 *     the holes are filled from the new fragment (RFC 791 allows overlaps;
 *     a router may fragment a datagram again on another path).
 *   - A second last fragment giving another end, or data past the end,
 *     drops the datagram like an IPv6 overlap.
 *   - A non-last fragment whose length is not a multiple of 8 is dropped
 *     for IPv6 (RFC 8200 4.5) and cut to a multiple of 8 for IPv4 (RFC 791
 *     places every later fragment on an 8-octet boundary). An empty
 *     non-last fragment, or an offset not a multiple of 8, is dropped.
 *   - A fragment reaching past the maximum datagram size is dropped alone.
 *   - An IPv6 atomic fragment (offset 0, no more; RFC 6946) is returned at
 *     once, whole, apart from any other fragment.
 *   - Caps: a new datagram beyond max_datagrams evicts the oldest; bytes
 *     beyond max_bytes evict the oldest datagrams holding bytes, and if
 *     this one alone is too big, drop it; more than max_fragments pieces
 *     drop the datagram. Datagrams expire `timeout_us` after their first
 *     fragment (packet time), like Linux's ipfrag_time.
 *
 * Memory: the held payload bytes never pass max_bytes; besides them each
 * datagram in progress costs one small record plus one small header per
 * piece (at most max_fragments), and the table keeps one output buffer of
 * max_datagram bytes, allocated at the first completion. Nothing is
 * allocated for a packet that is not a fragment.
 */
#ifndef TG_IPFRAG_H
#define TG_IPFRAG_H

#include "../dissectors/reader.h"
#include "../dissectors/status.h"
#include "decode.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TG_IPFRAG_DEFAULT_DATAGRAMS 4096u                  /* in progress at once */
#define TG_IPFRAG_DEFAULT_BYTES ((size_t)16 * 1024 * 1024) /* payload bytes held */
#define TG_IPFRAG_MAX_DATAGRAM 65535u   /* IPv4 total length; IPv6 payload length, no jumbo */
#define TG_IPFRAG_DEFAULT_FRAGMENTS 64u /* pieces held per datagram */
#define TG_IPFRAG_DEFAULT_TIMEOUT_US (30 * 1000000LL) /* Linux ipfrag_time */

/* Upper bounds that tg_ipfrag_init clamps the caps to. */
#define TG_IPFRAG_LIMIT_DATAGRAMS (1u << 20)
#define TG_IPFRAG_LIMIT_FRAGMENTS 8192u /* 65535 bytes in 8-byte pieces */

struct tg_ipfrag_caps {
    size_t max_datagrams;   /* datagrams in progress, 1..TG_IPFRAG_LIMIT_DATAGRAMS */
    size_t max_bytes;       /* payload bytes held by all datagrams */
    uint32_t max_datagram;  /* largest datagram, 1..TG_IPFRAG_MAX_DATAGRAM: IPv4 total
                               length with the header, IPv6 fragmentable part */
    uint32_t max_fragments; /* pieces per datagram, 1..TG_IPFRAG_LIMIT_FRAGMENTS */
    int64_t timeout_us;     /* packet time from the first fragment, at least 1 */
};

struct tg_ipfrag_stats {
    uint64_t fragments;    /* calls to tg_ipfrag_add */
    uint64_t completed;    /* datagrams reassembled and returned */
    uint64_t atomic;       /* IPv6 atomic fragments returned whole (RFC 6946) */
    uint64_t duplicates;   /* fragments with nothing new, agreeing with what is held */
    uint64_t v4_overlaps;  /* IPv4 fragments overlapping held bytes, not duplicates */
    uint64_t v6_overlaps;  /* IPv6 datagrams dropped for overlapping fragments */
    uint64_t inconsistent; /* datagrams dropped: two ends, or data past the end */
    uint64_t malformed;    /* fragments dropped: offset or length not fit */
    uint64_t too_big;      /* fragments dropped: past max_datagram */
    uint64_t after_drop;   /* fragments of a dropped datagram, ignored */
    uint64_t timeouts;     /* datagrams expired incomplete */
    uint64_t datagram_cap; /* datagrams evicted to make room for a new one */
    uint64_t byte_cap;     /* datagrams evicted or dropped for max_bytes */
    uint64_t fragment_cap; /* datagrams dropped for max_fragments */
    uint64_t nomem;        /* fragments lost to a failed allocation */
};

struct tg_ipfrag_dgram; /* a datagram in progress (private) */

struct tg_ipfrag {
    struct tg_ipfrag_caps caps;
    struct tg_ipfrag_dgram **buckets;
    size_t n_buckets;                        /* a power of two */
    uint64_t seed;                           /* of the hash */
    struct tg_ipfrag_dgram *oldest, *newest; /* in order of creation */
    size_t datagrams;                        /* in progress (dropped ones included) */
    size_t bytes;                            /* payload bytes held */
    size_t pieces;                           /* pieces held, all datagrams */
    uint8_t *out;                            /* max_datagram bytes, once needed */
    struct tg_ipfrag_stats stats;
};

/* The defaults above. */
void tg_ipfrag_caps_default(struct tg_ipfrag_caps *c);

/* `caps` NULL means the defaults; out-of-range caps are clamped. */
enum tg_status tg_ipfrag_init(struct tg_ipfrag *t,
                              const struct tg_ipfrag_caps *caps) TG_WARN_UNUSED;

/*
 * One fragment (tg_decode returned TG_DEC_FRAGMENT for p) seen at time `ts`
 * in microseconds. First expires what is older than the timeout. Returns
 *   TG_OK           the datagram is whole: *out is its upper-layer payload
 *                   and *protocol its protocol (p's addresses, IP version
 *                   and VLANs are the datagram's); *out stays valid until
 *                   the next call to tg_ipfrag_add, _expire or _free;
 *   TG_E_SHORT      the fragment is held, the datagram not yet whole;
 *   TG_E_MALFORMED  the fragment was dropped (malformed, too big, a
 *                   duplicate, an overlap, part of a dropped datagram);
 *   TG_E_LIMIT      a cap dropped it (and its datagram);
 *   TG_E_NOMEM      an allocation failed; the fragment was lost.
 * Only TG_OK sets *out and *protocol. p's payload may lie in the previous
 * *out (a fragmented packet tunnelled inside a reassembled one). The caller
 * passes only fragments the snaplen did not cut: a cut last fragment would
 * give a wrong end.
 */
enum tg_status tg_ipfrag_add(struct tg_ipfrag *t, const struct tg_packet *p, int64_t ts,
                             struct tg_view *out, uint8_t *protocol) TG_WARN_UNUSED;

/*
 * Frees the datagrams whose first fragment is `timeout_us` or more before
 * now, walking from the oldest created and stopping at the first one still
 * young: when a capture's time goes backwards, some are freed a bit later.
 */
void tg_ipfrag_expire(struct tg_ipfrag *t, int64_t now);

/*
 * Bytes the table takes from malloc now, about: held payload, the records
 * of datagrams and pieces, the hash table and the output buffer. Counted
 * against --max-memory with the flows' (docs/limits.md).
 */
size_t tg_ipfrag_memory(const struct tg_ipfrag *t);

/* Frees everything; the table may be initialised again. */
void tg_ipfrag_free(struct tg_ipfrag *t);

/* Walks the whole table checking its invariants (for tests and fuzzing). */
bool tg_ipfrag_consistent(const struct tg_ipfrag *t);

#endif
