#!/usr/bin/env python3
"""pcap_relink.py - rewrite an Ethernet capture into another link layer.

Reads a classic pcap file (either byte order, microsecond or nanosecond
magic) whose link type is Ethernet (LINKTYPE_ETHERNET, 1) and writes a new
classic pcap file (little-endian, same timestamp precision) in which every
frame has been re-encapsulated.  Only the Python 3 standard library is used.

Modes (link type numbers are from the tcpdump.org LINKTYPE registry):

  vlan   Ethernet, one 802.1Q tag (TPID 0x8100) inserted after the MAC
         addresses; VID from --vid (default 100).            LINKTYPE 1
  qinq   Ethernet, two tags: outer 802.1ad (TPID 0x88a8, VID --outer-vid,
         default 200) then inner 802.1Q (TPID 0x8100, VID --vid).  LINKTYPE 1
  sll    Linux "cooked" v1 header (16 bytes):                 LINKTYPE 113
           packet type u16, ARPHRD type u16 (1 = Ethernet), address length
           u16 (6), address 8 bytes (source MAC, zero padded), protocol u16
           (the EtherType); all big-endian.
  sll2   Linux "cooked" v2 header (20 bytes):                 LINKTYPE 276
           protocol u16, reserved u16, interface index u32, ARPHRD u16,
           packet type u8, address length u8, address 8 bytes; big-endian.
  raw    bare IP packet (version taken from the first nibble). LINKTYPE 101
  ipv4   bare IPv4 packet; non-IPv4 frames are dropped.       LINKTYPE 228
  ipv6   bare IPv6 packet; non-IPv6 frames are dropped.       LINKTYPE 229
  null   BSD loopback: a 4-byte address family in the byte order of the
         writing host (here: little-endian, as the file header), 2 for IPv4,
         24 for IPv6 (the NetBSD/OpenBSD value); then the IP packet.
                                                              LINKTYPE 0

For the modes without an Ethernet header, frames whose EtherType is neither
IPv4 nor IPv6 (ARP, for instance) are dropped.  For sll/sll2 the packet type
is 4 (outgoing) when the frame's source MAC equals --local-mac and 0 (to us)
otherwise, as a capture on the host owning --local-mac would have seen it.

Usage: pcap_relink.py MODE IN.pcap OUT.pcap [--vid N] [--outer-vid N]
                      [--local-mac aa:bb:cc:dd:ee:ff] [--ifindex N]
"""

import argparse
import struct
import sys

LINKTYPE = {"vlan": 1, "qinq": 1, "sll": 113, "sll2": 276,
            "raw": 101, "ipv4": 228, "ipv6": 229, "null": 0}

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
TPID_8021Q = 0x8100
TPID_8021AD = 0x88A8

MAGIC_USEC = 0xA1B2C3D4
MAGIC_NSEC = 0xA1B23C4D


def read_pcap(path):
    """Return (magic, snaplen, linktype, [(sec, frac, orig_len, data)])."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 24:
        sys.exit("%s: too short for a pcap header" % path)
    for endian in ("<", ">"):
        magic = struct.unpack(endian + "I", blob[:4])[0]
        if magic in (MAGIC_USEC, MAGIC_NSEC):
            break
    else:
        sys.exit("%s: not a classic pcap file" % path)
    _, _, _, _, _, snaplen, linktype = struct.unpack(endian + "IHHiIII",
                                                     blob[:24])
    records = []
    off = 24
    while off + 16 <= len(blob):
        sec, frac, incl, orig = struct.unpack(endian + "IIII",
                                              blob[off:off + 16])
        off += 16
        if off + incl > len(blob):
            sys.exit("%s: record cut short at offset %d" % (path, off))
        records.append((sec, frac, orig, blob[off:off + incl]))
        off += incl
    return magic, snaplen, linktype & 0xFFFF, records


def write_pcap(path, magic, snaplen, linktype, records):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen,
                            linktype))
        for sec, frac, orig, data in records:
            f.write(struct.pack("<IIII", sec, frac, len(data), orig))
            f.write(data)


def parse_mac(text):
    parts = text.split(":")
    if len(parts) != 6:
        sys.exit("bad MAC address: %s" % text)
    return bytes(int(p, 16) for p in parts)


def vlan_tag(tpid, vid):
    # Tag Control Information: priority 0, DEI 0, 12-bit VLAN id.
    return struct.pack(">HH", tpid, vid & 0x0FFF)


def relink(mode, frame, opts):
    """Return the re-encapsulated frame, or None to drop it."""
    if len(frame) < 14:
        return None
    dst, src = frame[0:6], frame[6:12]
    ethertype = struct.unpack(">H", frame[12:14])[0]
    payload = frame[14:]
    if mode == "vlan":
        return dst + src + vlan_tag(TPID_8021Q, opts.vid) + frame[12:]
    if mode == "qinq":
        return (dst + src + vlan_tag(TPID_8021AD, opts.outer_vid) +
                vlan_tag(TPID_8021Q, opts.vid) + frame[12:])
    if mode in ("sll", "sll2"):
        outgoing = opts.local_mac is not None and src == opts.local_mac
        pkttype = 4 if outgoing else 0
        addr = src + b"\x00\x00"
        if mode == "sll":
            return struct.pack(">HHH", pkttype, 1, 6) + addr + \
                struct.pack(">H", ethertype) + payload
        return struct.pack(">HHIHBB", ethertype, 0, opts.ifindex, 1,
                           pkttype, 6) + addr + payload
    if ethertype not in (ETH_IPV4, ETH_IPV6):
        return None
    if mode == "raw":
        return payload
    if mode == "ipv4":
        return payload if ethertype == ETH_IPV4 else None
    if mode == "ipv6":
        return payload if ethertype == ETH_IPV6 else None
    if mode == "null":
        family = 2 if ethertype == ETH_IPV4 else 24
        return struct.pack("<I", family) + payload
    raise ValueError(mode)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=sorted(LINKTYPE))
    ap.add_argument("infile")
    ap.add_argument("outfile")
    ap.add_argument("--vid", type=int, default=100)
    ap.add_argument("--outer-vid", type=int, default=200)
    ap.add_argument("--local-mac", type=parse_mac, default=None)
    ap.add_argument("--ifindex", type=int, default=2)
    opts = ap.parse_args()

    magic, snaplen, linktype, records = read_pcap(opts.infile)
    if linktype != 1:
        sys.exit("%s: link type %d, expected Ethernet (1)"
                 % (opts.infile, linktype))
    out = []
    for sec, frac, orig, data in records:
        new = relink(opts.mode, data, opts)
        if new is None:
            continue
        # Keep the untruncated length consistent with the header change.
        out.append((sec, frac, orig + len(new) - len(data), new))
    write_pcap(opts.outfile, magic, snaplen + 8, LINKTYPE[opts.mode], out)
    print("%s: %d of %d frames written as %s (linktype %d)"
          % (opts.outfile, len(out), len(records), opts.mode,
             LINKTYPE[opts.mode]))


if __name__ == "__main__":
    main()
