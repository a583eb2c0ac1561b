/*
 * decode.h - from a captured frame to the TCP segment inside it.
 *
 * Link layers: Ethernet II with any stack of 802.1Q / 802.1ad / QinQ tags,
 * MPLS label stacks and PPPoE sessions; Linux cooked capture v1 and v2;
 * raw IP (DLT_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6); BSD NULL and LOOP;
 * PPP (HDLC-like framing). Network: IPv4 with options, IPv6 with its
 * extension headers. Transport: TCP (UDP is recognised and passed over).
 */
#ifndef TG_DECODE_H
#define TG_DECODE_H

#include "../dissectors/reader.h"

#include <stdbool.h>
#include <stdint.h>

#define TG_MAX_VLANS 2 /* tags kept; deeper stacks are decoded but not kept */

enum tg_decode_result {
    TG_DEC_TCP = 0,     /* a TCP segment: all fields filled */
    TG_DEC_OTHER,       /* not TCP over IP (ARP, UDP, ICMP...): ignored */
    TG_DEC_FRAGMENT,    /* an IP fragment: `frag` filled */
    TG_DEC_TRUNCATED,   /* headers cut by the snaplen */
    TG_DEC_MALFORMED,   /* headers inconsistent */
    TG_DEC_UNSUPPORTED, /* link type not supported */
};

/* TCP flag bits, RFC 9293 3.1. */
#define TG_TCP_FIN 0x01
#define TG_TCP_SYN 0x02
#define TG_TCP_RST 0x04
#define TG_TCP_PSH 0x08
#define TG_TCP_ACK 0x10

/* An IP fragment, for tg_ipfrag. */
struct tg_fragment {
    uint32_t id;              /* IPv4: 16-bit id; IPv6: 32-bit identification */
    uint32_t offset;          /* bytes */
    bool more;                /* more fragments follow */
    uint8_t protocol;         /* upper-layer protocol */
    struct tg_view data;      /* fragment payload */
    struct tg_view ip_header; /* the header to rebuild a whole packet (IPv4) */
    bool cut;                 /* the snaplen cut this fragment: unusable */
};

struct tg_packet {
    uint8_t ip_version; /* 4 or 6 */
    uint8_t flags;      /* TCP flags */
    uint8_t n_vlan;
    uint16_t vlan[TG_MAX_VLANS]; /* outer first */
    uint8_t src[16], dst[16];    /* IPv4 in the first 4 bytes, rest zero */
    uint16_t sport, dport;
    uint32_t seq, ack;
    struct tg_view ip;       /* the innermost IP packet from its header on, as
                                captured, link padding left out; empty for a
                                datagram rebuilt from fragments */
    struct tg_view payload;  /* TCP payload as captured */
    bool payload_cut;        /* the snaplen cut the payload */
    struct tg_fragment frag; /* when TG_DEC_FRAGMENT */
};

/*
 * Decodes one frame of link type `dlt` (a pcap DLT_ value). `wire_len` is the
 * frame's length on the wire, to tell a snaplen cut from a malformed length.
 */
enum tg_decode_result tg_decode(int dlt, struct tg_view frame, uint32_t wire_len,
                                struct tg_packet *out);

/* Decodes an IP packet (v4 or v6, by its first nibble), e.g. a reassembled one. */
enum tg_decode_result tg_decode_ip(struct tg_view ip, bool cut, struct tg_packet *out);

/* Decodes a transport segment of protocol `proto` (e.g. a reassembled
 * datagram's payload) into out, whose ip_version, src, dst and VLANs the
 * caller has already set. */
enum tg_decode_result tg_decode_transport(uint8_t proto, struct tg_view segment, bool cut,
                                          struct tg_packet *out);

/* True when tg_decode knows the link type. */
bool tg_decode_supports(int dlt);

/* The link type's name for messages, e.g. "EN10MB". */
const char *tg_decode_link_name(int dlt);

#endif
