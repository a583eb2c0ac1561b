/*
 * decode.c - link, network and transport headers, all through the cursor.
 *
 * Wire layouts, in short:
 *   Ethernet II: dst(6) src(6) ethertype(2); a tag (0x8100 802.1Q, 0x88a8
 *     802.1ad, 0x9100 old QinQ) is TCI(2) then the next ethertype(2), the
 *     VLAN id being TCI's low 12 bits. MPLS (0x8847/0x8848): 4-byte labels
 *     until the bottom-of-stack bit, then IP told by its version nibble.
 *     PPPoE session (0x8864): ver/type(1) code(1) session(2) length(2), then
 *     a PPP protocol(2).
 *   Linux SLL: pkttype(2) hatype(2) halen(2) addr(8) protocol(2).
 *   Linux SLL2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
 *     halen(1) addr(8).
 *   BSD NULL: address family (4) in the capturing host's byte order; LOOP:
 *     the same in network order. AF_INET is 2; AF_INET6 is 10, 24, 28 or 30
 *     depending on the OS.
 *   PPP: optional 0xff 0x03, then protocol (1 or 2 bytes): 0x21 IPv4,
 *     0x57 IPv6.
 *   IPv4 (RFC 791): ver/ihl, tos, total length, id, flags/fragment offset,
 *     ttl, protocol, checksum, src, dst, options up to ihl*4.
 *   IPv6 (RFC 8200): ver/class/flow(4), payload length, next header, hop
 *     limit, src(16), dst(16), then extension headers: hop-by-hop (0),
 *     routing (43), destination options (60) as {next, len in 8-octet units
 *     not counting the first 8}; fragment (44) as {next, reserved,
 *     offset/flags(2), id(4)}; AH (51) with its length in 4-octet units
 *     minus 2.
 *   Tunnels followed to the inner packet: IP in IP (4, 41), GRE (47),
 *     VXLAN (UDP 4789), GENEVE (UDP 6081), GTP-U (UDP 2152).
 *   TCP (RFC 9293): sport, dport, seq, ack, data offset/flags, window,
 *     checksum, urgent pointer, options up to data offset*4.
 */
#include "decode.h"

#include <string.h>

enum {
    DLT_NULL_ = 0,
    DLT_EN10MB_ = 1,
    DLT_PPP_ = 9,
    DLT_RAW_ = 12,
    DLT_RAW_OPENBSD_ = 14,
    DLT_PPP_SERIAL_ = 50,
    DLT_LOOP_ = 108,
    DLT_LINUX_SLL_ = 113,
    DLT_IPV4_ = 228,
    DLT_IPV6_ = 229,
    DLT_LINUX_SLL2_ = 276,
};

enum {
    ETH_IPV4 = 0x0800,
    ETH_IPV6 = 0x86dd,
    ETH_8021Q = 0x8100,
    ETH_8021AD = 0x88a8,
    ETH_QINQ_OLD = 0x9100,
    ETH_MPLS_UC = 0x8847,
    ETH_MPLS_MC = 0x8848,
    ETH_PPPOE_SESSION = 0x8864,
    ETH_TEB = 0x6558, /* transparent Ethernet bridging: an Ethernet frame */
    PPP_IPV4 = 0x0021,
    PPP_IPV6 = 0x0057,
    IPPROTO_TCP_ = 6,
    IPPROTO_UDP_ = 17,
    IPPROTO_IPIP_ = 4,
    IPPROTO_IPV6_ = 41,
    IPPROTO_GRE_ = 47,
    UDP_VXLAN = 4789,
    UDP_GENEVE = 6081,
    UDP_GTP_U = 2152,
};

#define TG_MAX_TUNNELS 4 /* nested encapsulations followed */

#define TG_MAX_TAGS 8 /* tags walked before a frame is called malformed */

static enum tg_decode_result read_error(const struct tg_rd *r, bool cut)
{
    return r->err == TG_RD_SHORT && cut ? TG_DEC_TRUNCATED : TG_DEC_MALFORMED;
}

static enum tg_decode_result decode_tcp(struct tg_rd *r, bool cut, struct tg_packet *out)
{
    out->sport = tg_rd_u16(r);
    out->dport = tg_rd_u16(r);
    out->seq = tg_rd_u32(r);
    out->ack = tg_rd_u32(r);
    uint8_t off = tg_rd_u8(r);
    out->flags = tg_rd_u8(r);
    tg_rd_skip(r, 6); /* window, checksum, urgent pointer */
    size_t hlen = (size_t)(off >> 4) * 4;
    if (r->err)
        return read_error(r, cut);
    if (hlen < 20)
        return TG_DEC_MALFORMED;
    tg_rd_skip(r, hlen - 20);
    if (r->err)
        return read_error(r, cut);
    out->payload = tg_rd_rest(r);
    out->payload_cut = cut;
    return TG_DEC_TCP;
}

/*
 * From here to by_ethertype the decoders call each other for tunnels (IP in
 * IP, GRE, UDP tunnels, each reaching IP again). The recursion is bounded:
 * every cycle passes through decode_transport, which adds one to `depth` and
 * stops at TG_MAX_TUNNELS; VLAN tags and MPLS labels are loops capped by
 * TG_MAX_TAGS.
 */
/* NOLINTBEGIN(misc-no-recursion): bounded by depth < TG_MAX_TUNNELS, see above */
static enum tg_decode_result decode_ip(struct tg_view ip, bool cut, struct tg_packet *out,
                                       int depth);
static enum tg_decode_result by_ethertype(struct tg_rd *r, uint16_t type, bool cut,
                                          struct tg_packet *out, int depth);

/* GRE (RFC 2784, RFC 2890): flags/version(2), protocol(2), then a 4-byte
 * word each for checksum (C), key (K) and sequence (S) when flagged. */
static enum tg_decode_result decode_gre(struct tg_rd *r, bool cut, struct tg_packet *out, int depth)
{
    uint16_t flags = tg_rd_u16(r);
    uint16_t proto = tg_rd_u16(r);
    if (flags & 0x0007)
        return TG_DEC_OTHER; /* GRE version 1 (PPTP) and others */
    size_t extra =
        ((flags & 0x8000) ? 4u : 0u) + ((flags & 0x2000) ? 4u : 0u) + ((flags & 0x1000) ? 4u : 0u);
    tg_rd_skip(r, extra);
    if (r->err)
        return read_error(r, cut);
    if (proto == ETH_TEB) {
        tg_rd_skip(r, 12);
        proto = tg_rd_u16(r);
        if (r->err)
            return read_error(r, cut);
    }
    return by_ethertype(r, proto, cut, out, depth);
}

/* Inner Ethernet frame of VXLAN (RFC 7348: 8-byte header) or GENEVE
 * (RFC 8926: ver/opt len(1), flags(1), protocol(2), VNI(3), reserved(1),
 * options of opt len * 4 bytes). */
static enum tg_decode_result decode_udp_tunnel(struct tg_rd *r, uint16_t port, bool cut,
                                               struct tg_packet *out, int depth)
{
    uint16_t proto = ETH_TEB;
    if (port == UDP_VXLAN) {
        tg_rd_skip(r, 8);
    } else if (port == UDP_GENEVE) {
        uint8_t optlen = tg_rd_u8(r) & 0x3f;
        tg_rd_skip(r, 1);
        proto = tg_rd_u16(r);
        tg_rd_skip(r, 4 + (size_t)optlen * 4);
    } else { /* GTP-U (3GPP TS 29.281) */
        uint8_t flags = tg_rd_u8(r);
        uint8_t type = tg_rd_u8(r);
        tg_rd_skip(r, 6);
        if (r->err)
            return read_error(r, cut);
        if ((flags & 0xe0) != 0x20 || type != 255)
            return TG_DEC_OTHER;
        if (flags & 0x07) {
            tg_rd_skip(r, 3);
            uint8_t next = tg_rd_u8(r);
            for (int i = 0; next && i < TG_MAX_TAGS; i++) {
                uint8_t words = tg_rd_u8(r);
                if (words == 0)
                    return TG_DEC_MALFORMED;
                tg_rd_skip(r, (size_t)words * 4 - 2);
                next = tg_rd_u8(r);
            }
        }
        if (r->err)
            return read_error(r, cut);
        return decode_ip(tg_rd_rest(r), cut, out, depth);
    }
    if (proto == ETH_TEB) {
        tg_rd_skip(r, 12);
        proto = tg_rd_u16(r);
    }
    if (r->err)
        return read_error(r, cut);
    return by_ethertype(r, proto, cut, out, depth);
}

static enum tg_decode_result decode_udp(struct tg_rd *r, bool cut, struct tg_packet *out, int depth)
{
    uint16_t sport = tg_rd_u16(r);
    uint16_t dport = tg_rd_u16(r);
    tg_rd_skip(r, 4);
    if (r->err)
        return read_error(r, cut);
    static const uint16_t tunnels[] = {UDP_VXLAN, UDP_GENEVE, UDP_GTP_U};
    for (size_t i = 0; i < sizeof tunnels / sizeof tunnels[0]; i++)
        if (dport == tunnels[i] || sport == tunnels[i])
            return decode_udp_tunnel(r, tunnels[i], cut, out, depth);
    return TG_DEC_OTHER;
}

static enum tg_decode_result decode_transport(struct tg_rd *r, uint8_t proto, bool cut,
                                              struct tg_packet *out, int depth)
{
    if (proto == IPPROTO_TCP_)
        return decode_tcp(r, cut, out);
    if (depth >= TG_MAX_TUNNELS)
        return TG_DEC_OTHER;
    switch (proto) {
    case IPPROTO_IPIP_:
    case IPPROTO_IPV6_:
        return decode_ip(tg_rd_rest(r), cut, out, depth + 1);
    case IPPROTO_GRE_:
        return decode_gre(r, cut, out, depth + 1);
    case IPPROTO_UDP_:
        return decode_udp(r, cut, out, depth + 1);
    default:
        return TG_DEC_OTHER;
    }
}

/* An address read as a view of 4 or 16 bytes into a 16-byte field, the rest
 * zero. The caller has checked the read; the length test also keeps a
 * failed read's {NULL, 0} away from memcpy. */
static void put_addr(uint8_t field[16], struct tg_view addr)
{
    memset(field, 0, 16);
    if (addr.len > 0 && addr.len <= 16)
        memcpy(field, addr.p, addr.len);
}

static enum tg_decode_result decode_ipv4(struct tg_view ip, bool cut, struct tg_packet *out,
                                         int depth)
{
    struct tg_rd r = tg_rd_of(ip);
    uint8_t vihl = tg_rd_u8(&r);
    tg_rd_skip(&r, 1);
    uint16_t total = tg_rd_u16(&r);
    uint16_t id = tg_rd_u16(&r);
    uint16_t frag = tg_rd_u16(&r);
    tg_rd_skip(&r, 1);
    uint8_t proto = tg_rd_u8(&r);
    tg_rd_skip(&r, 2);
    struct tg_view src = tg_rd_bytes(&r, 4);
    struct tg_view dst = tg_rd_bytes(&r, 4);
    size_t ihl = (size_t)(vihl & 0x0f) * 4;
    if (r.err)
        return read_error(&r, cut);
    if (total == 0 && !cut)
        total = (uint16_t)(ip.len > 0xffff ? 0xffff : ip.len); /* TSO: length left 0 */
    if (vihl >> 4 != 4 || ihl < 20 || total < ihl)
        return TG_DEC_MALFORMED;
    /* The datagram is `total` bytes; what follows it is link padding. */
    struct tg_rd whole = tg_rd_of(ip);
    struct tg_rd dgram;
    bool short_dgram = total > tg_rd_left(&whole);
    if (!short_dgram) {
        dgram = tg_rd_sub(&whole, total);
    } else if (cut) {
        dgram = whole;
    } else {
        return TG_DEC_MALFORMED;
    }
    out->ip = tg_rd_peek(&dgram, tg_rd_left(&dgram));
    struct tg_view header = tg_rd_bytes(&dgram, ihl);
    if (dgram.err)
        return read_error(&dgram, cut);
    out->ip_version = 4;
    put_addr(out->src, src);
    put_addr(out->dst, dst);
    uint16_t offset = (uint16_t)(frag & 0x1fff);
    bool more = (frag & 0x2000) != 0;
    if (offset || more) {
        out->frag.id = id;
        out->frag.offset = (uint32_t)offset * 8;
        out->frag.more = more;
        out->frag.protocol = proto;
        out->frag.data = tg_rd_rest(&dgram);
        out->frag.ip_header = header;
        out->frag.cut = short_dgram;
        return TG_DEC_FRAGMENT;
    }
    return decode_transport(&dgram, proto, cut, out, depth);
}

static bool ipv6_ext_header(uint8_t nh)
{
    return nh == 0 || nh == 43 || nh == 60 || nh == 51 || nh == 135 || nh == 139 || nh == 140;
}

static enum tg_decode_result decode_ipv6(struct tg_view ip, bool cut, struct tg_packet *out,
                                         int depth)
{
    struct tg_rd r = tg_rd_of(ip);
    uint8_t ver = tg_rd_u8(&r);
    tg_rd_skip(&r, 3);
    uint16_t plen = tg_rd_u16(&r);
    uint8_t nh = tg_rd_u8(&r);
    tg_rd_skip(&r, 1);
    struct tg_view src = tg_rd_bytes(&r, 16);
    struct tg_view dst = tg_rd_bytes(&r, 16);
    if (r.err)
        return read_error(&r, cut);
    if (ver >> 4 != 6)
        return TG_DEC_MALFORMED;
    struct tg_rd body;
    bool short_dgram = plen > tg_rd_left(&r);
    if (plen == 0 || short_dgram) {
        if (plen != 0 && !cut)
            return TG_DEC_MALFORMED;
        body = tg_rd_sub(&r, tg_rd_left(&r)); /* jumbogram or snaplen cut */
    } else {
        body = tg_rd_sub(&r, plen);
    }
    struct tg_rd whole = tg_rd_of(ip);
    out->ip = tg_rd_bytes(&whole, tg_rd_offset(&r)); /* header and body */
    out->ip_version = 6;
    put_addr(out->src, src);
    put_addr(out->dst, dst);
    for (int hops = 0; ipv6_ext_header(nh) && hops < 16; hops++) {
        uint8_t next = tg_rd_u8(&body);
        uint8_t len = tg_rd_u8(&body);
        size_t total = nh == 51 ? ((size_t)len + 2) * 4 : ((size_t)len + 1) * 8;
        tg_rd_skip(&body, total - 2);
        nh = next;
    }
    if (nh == 44) {
        uint8_t next = tg_rd_u8(&body);
        tg_rd_skip(&body, 1);
        uint16_t offflags = tg_rd_u16(&body);
        uint32_t id = tg_rd_u32(&body);
        if (body.err)
            return read_error(&body, cut);
        out->frag.id = id;
        out->frag.offset = (uint32_t)(offflags & 0xfff8);
        out->frag.more = (offflags & 1) != 0;
        out->frag.protocol = next;
        out->frag.data = tg_rd_rest(&body);
        out->frag.ip_header.p = NULL;
        out->frag.ip_header.len = 0;
        out->frag.cut = short_dgram;
        return TG_DEC_FRAGMENT;
    }
    if (body.err)
        return read_error(&body, cut);
    return decode_transport(&body, nh, cut, out, depth);
}

static enum tg_decode_result decode_ip(struct tg_view ip, bool cut, struct tg_packet *out,
                                       int depth)
{
    uint8_t ver = tg_view_at(ip, 0) >> 4;
    if (ip.len == 0)
        return cut ? TG_DEC_TRUNCATED : TG_DEC_MALFORMED;
    if (ver == 4)
        return decode_ipv4(ip, cut, out, depth);
    if (ver == 6)
        return decode_ipv6(ip, cut, out, depth);
    return TG_DEC_OTHER;
}

enum tg_decode_result tg_decode_ip(struct tg_view ip, bool cut, struct tg_packet *out)
{
    return decode_ip(ip, cut, out, 0);
}

static enum tg_decode_result decode_mpls(struct tg_rd *r, bool cut, struct tg_packet *out,
                                         int depth)
{
    for (int i = 0; i < TG_MAX_TAGS; i++) {
        uint32_t label = tg_rd_u32(r);
        if (r->err)
            return read_error(r, cut);
        if (label & 0x100) /* bottom of stack */
            return decode_ip(tg_rd_rest(r), cut, out, depth);
    }
    return TG_DEC_MALFORMED;
}

static enum tg_decode_result decode_ppp_proto(struct tg_rd *r, uint16_t proto, bool cut,
                                              struct tg_packet *out, int depth)
{
    if (proto == PPP_IPV4 || proto == PPP_IPV6)
        return decode_ip(tg_rd_rest(r), cut, out, depth);
    return TG_DEC_OTHER;
}

static enum tg_decode_result by_ethertype(struct tg_rd *r, uint16_t type, bool cut,
                                          struct tg_packet *out, int depth)
{
    for (int tags = 0; tags < TG_MAX_TAGS; tags++) {
        switch (type) {
        case ETH_IPV4:
        case ETH_IPV6:
            return decode_ip(tg_rd_rest(r), cut, out, depth);
        case ETH_8021Q:
        case ETH_8021AD:
        case ETH_QINQ_OLD: {
            uint16_t tci = tg_rd_u16(r);
            type = tg_rd_u16(r);
            if (r->err)
                return read_error(r, cut);
            if (out->n_vlan < TG_MAX_VLANS)
                out->vlan[out->n_vlan++] = (uint16_t)(tci & 0x0fff);
            continue;
        }
        case ETH_MPLS_UC:
        case ETH_MPLS_MC:
            return decode_mpls(r, cut, out, depth);
        case ETH_PPPOE_SESSION: {
            tg_rd_skip(r, 6);
            uint16_t proto = tg_rd_u16(r);
            if (r->err)
                return read_error(r, cut);
            return decode_ppp_proto(r, proto, cut, out, depth);
        }
        default:
            return TG_DEC_OTHER;
        }
    }
    return TG_DEC_MALFORMED;
}
/* NOLINTEND(misc-no-recursion) */

static enum tg_decode_result decode_null(struct tg_rd *r, bool network_order, bool cut,
                                         struct tg_packet *out)
{
    uint32_t af = network_order ? tg_rd_u32(r) : tg_rd_u32le(r);
    if (r->err)
        return read_error(r, cut);
    /* NULL is in the capturing host's order: accept either. */
    uint32_t swapped = (af >> 24) | ((af >> 8) & 0xff00) | ((af << 8) & 0xff0000) | (af << 24);
    if (!network_order && af > 0xffff)
        af = swapped;
    switch (af) {
    case 2:
    case 10:
    case 24:
    case 28:
    case 30:
        return decode_ip(tg_rd_rest(r), cut, out, 0);
    default:
        return TG_DEC_OTHER;
    }
}

static enum tg_decode_result decode_ppp(struct tg_rd *r, bool cut, struct tg_packet *out)
{
    struct tg_view head = tg_rd_peek(r, 2);
    if (head.len == 2 && tg_view_at(head, 0) == 0xff && tg_view_at(head, 1) == 0x03)
        tg_rd_skip(r, 2);
    uint16_t proto = tg_rd_u8(r);
    if (!(proto & 1)) /* protocol field not compressed to one byte */
        proto = (uint16_t)(proto << 8 | tg_rd_u8(r));
    if (r->err)
        return read_error(r, cut);
    return decode_ppp_proto(r, proto, cut, out, 0);
}

enum tg_decode_result tg_decode(int dlt, struct tg_view frame, uint32_t wire_len,
                                struct tg_packet *out)
{
    struct tg_rd r = tg_rd_of(frame);
    bool cut = frame.len < wire_len;
    out->n_vlan = 0;
    switch (dlt) {
    case DLT_EN10MB_: {
        tg_rd_skip(&r, 12);
        uint16_t type = tg_rd_u16(&r);
        if (r.err)
            return read_error(&r, cut);
        return by_ethertype(&r, type, cut, out, 0);
    }
    case DLT_LINUX_SLL_: {
        tg_rd_skip(&r, 14);
        uint16_t type = tg_rd_u16(&r);
        if (r.err)
            return read_error(&r, cut);
        return by_ethertype(&r, type, cut, out, 0);
    }
    case DLT_LINUX_SLL2_: {
        uint16_t type = tg_rd_u16(&r);
        tg_rd_skip(&r, 18);
        if (r.err)
            return read_error(&r, cut);
        return by_ethertype(&r, type, cut, out, 0);
    }
    case DLT_RAW_:
    case DLT_RAW_OPENBSD_:
    case DLT_IPV4_:
    case DLT_IPV6_:
        return decode_ip(frame, cut, out, 0);
    case DLT_NULL_:
        return decode_null(&r, false, cut, out);
    case DLT_LOOP_:
        return decode_null(&r, true, cut, out);
    case DLT_PPP_:
    case DLT_PPP_SERIAL_:
        return decode_ppp(&r, cut, out);
    default:
        return TG_DEC_UNSUPPORTED;
    }
}

enum tg_decode_result tg_decode_transport(uint8_t proto, struct tg_view segment, bool cut,
                                          struct tg_packet *out)
{
    struct tg_rd r = tg_rd_of(segment);
    out->ip.p = NULL; /* a rebuilt datagram has no captured IP packet */
    out->ip.len = 0;
    return decode_transport(&r, proto, cut, out, 0);
}

bool tg_decode_supports(int dlt)
{
    return tg_decode_link_name(dlt)[0] != '?';
}

const char *tg_decode_link_name(int dlt)
{
    switch (dlt) {
    case DLT_NULL_:
        return "NULL";
    case DLT_EN10MB_:
        return "EN10MB";
    case DLT_PPP_:
        return "PPP";
    case DLT_RAW_:
    case DLT_RAW_OPENBSD_:
        return "RAW";
    case DLT_PPP_SERIAL_:
        return "PPP_SERIAL";
    case DLT_LOOP_:
        return "LOOP";
    case DLT_LINUX_SLL_:
        return "LINUX_SLL";
    case DLT_IPV4_:
        return "IPV4";
    case DLT_IPV6_:
        return "IPV6";
    case DLT_LINUX_SLL2_:
        return "LINUX_SLL2";
    default:
        return "?";
    }
}
