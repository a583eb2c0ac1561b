#!/usr/bin/env python3
"""pcap_edit.py - damage an Ethernet pcap on purpose, to make test inputs.

Reads a classic pcap file (Ethernet, IPv4 or IPv6, TCP), selects records by
what they carry, and writes an edited copy.  Only the Python 3 standard
library is used.  The selections count "data frames": TCP segments with a
non-empty payload, first transmissions only (a segment whose sequence
number and length were already seen in the same direction is a
retransmission and is not counted).

Commands:

  drop IN OUT --sport P --nth N[,N...]
      Delete the N-th data frames (0-based) sent from TCP port P; models
      packets the capture missed (the endpoints still saw them, so the
      ACKs in the file cover bytes that are not there).

  keep-from IN OUT --nth N [--after]
      Delete every record before the N-th data frame of the file (any
      direction), so the flow is picked up mid-connection.  With --after
      the N-th data frame itself is deleted too.

  offset IN --sport P --nth N
      Print the file offset of the middle of that data frame's packet
      bytes (a place to cut the file with head -c).

  corrupt IN OUT --sport P --nth N [--caplen C]
      Overwrite that record's captured-length field with C (default
      0x7ffffff0), leaving every byte after it untouched.
"""

import argparse
import struct
import sys

MAGIC_USEC = 0xA1B2C3D4
MAGIC_NSEC = 0xA1B23C4D


class Capture:
    """A classic pcap file held in memory: header plus record list."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.blob = f.read()
        for endian in ("<", ">"):
            magic = struct.unpack(endian + "I", self.blob[:4])[0]
            if magic in (MAGIC_USEC, MAGIC_NSEC):
                break
        else:
            sys.exit("%s: not a classic pcap file" % path)
        self.endian = endian
        self.header = self.blob[:24]
        linktype = struct.unpack(endian + "I", self.blob[20:24])[0]
        if linktype & 0xFFFF != 1:
            sys.exit("%s: link type %d, expected Ethernet" % (path, linktype))
        # Each record: (offset of its 16-byte header, packet bytes).
        self.records = []
        off = 24
        while off + 16 <= len(self.blob):
            incl = struct.unpack(endian + "I", self.blob[off + 8:off + 12])[0]
            if off + 16 + incl > len(self.blob):
                sys.exit("%s: record cut short at offset %d" % (path, off))
            self.records.append((off, self.blob[off + 16:off + 16 + incl]))
            off += 16 + incl

    def raw_record(self, index):
        off, data = self.records[index]
        return self.blob[off:off + 16 + len(data)]

    def write(self, path, indexes):
        with open(path, "wb") as f:
            f.write(self.header)
            for i in indexes:
                f.write(self.raw_record(i))


def tcp_segment(frame):
    """Return (sport, seq, payload_len, flow_key) or None if not TCP."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack(">H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800 and len(ip) >= 20:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        if ip[9] != 6:
            return None
        src, dst, tcp, ip_payload = ip[12:16], ip[16:20], ip[ihl:], total - ihl
    elif ethertype == 0x86DD and len(ip) >= 40:
        if ip[6] != 6:
            return None
        plen = struct.unpack(">H", ip[4:6])[0]
        src, dst, tcp, ip_payload = ip[8:24], ip[24:40], ip[40:], plen
    else:
        return None
    if len(tcp) < 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", tcp[:8])
    data_len = ip_payload - (tcp[12] >> 4) * 4
    return sport, seq, data_len, (src, sport, dst, dport)


def data_frames(cap, sport=None):
    """Record indexes of first-transmission data frames, in file order."""
    seen = set()
    out = []
    for i, (_, frame) in enumerate(cap.records):
        seg = tcp_segment(frame)
        if seg is None or seg[2] <= 0:
            continue
        key = (seg[3], seg[1], seg[2])
        if key in seen:
            continue
        seen.add(key)
        if sport is None or seg[0] == sport:
            out.append(i)
    return out


def pick(cap, sport, nths):
    frames = data_frames(cap, sport)
    for n in nths:
        if n >= len(frames):
            sys.exit("only %d data frames from port %s" % (len(frames), sport))
    return [frames[n] for n in nths]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["drop", "keep-from", "offset",
                                        "corrupt"])
    ap.add_argument("infile")
    ap.add_argument("outfile", nargs="?")
    ap.add_argument("--sport", type=int)
    ap.add_argument("--nth", required=True,
                    type=lambda s: [int(x) for x in s.split(",")])
    ap.add_argument("--after", action="store_true")
    ap.add_argument("--caplen", type=lambda s: int(s, 0), default=0x7FFFFFF0)
    opts = ap.parse_args()
    if opts.command != "offset" and opts.outfile is None:
        sys.exit("%s needs an output file" % opts.command)
    cap = Capture(opts.infile)
    everything = range(len(cap.records))

    if opts.command == "drop":
        gone = set(pick(cap, opts.sport, opts.nth))
        cap.write(opts.outfile, [i for i in everything if i not in gone])
        print("%s: dropped records %s" % (opts.outfile,
                                          sorted(i + 1 for i in gone)))
    elif opts.command == "keep-from":
        first = pick(cap, None, opts.nth[:1])[0] + (1 if opts.after else 0)
        cap.write(opts.outfile, range(first, len(cap.records)))
        print("%s: kept records %d..%d" % (opts.outfile, first + 1,
                                           len(cap.records)))
    elif opts.command == "offset":
        index = pick(cap, opts.sport, opts.nth[:1])[0]
        off, data = cap.records[index]
        print(off + 16 + len(data) // 2)
    else:
        index = pick(cap, opts.sport, opts.nth[:1])[0]
        off, _ = cap.records[index]
        blob = bytearray(cap.blob)
        struct.pack_into(cap.endian + "I", blob, off + 8, opts.caplen)
        with open(opts.outfile, "wb") as f:
            f.write(blob)
        print("%s: record %d caplen set to %#x" % (opts.outfile, index + 1,
                                                    opts.caplen))


if __name__ == "__main__":
    main()
