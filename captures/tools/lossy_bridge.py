#!/usr/bin/env python3
"""lossy_bridge.py - a user-space Ethernet bridge that loses and reorders.

The test machine's kernel has no netem qdisc, so packet loss and reordering
are made here instead: the script opens an AF_PACKET raw socket on each of
two interfaces (both in a namespace of their own, in promiscuous mode) and
copies every frame received on one to the other.  Frames the kernel reports
as PACKET_OUTGOING (our own transmissions) are ignored, so nothing loops.

Only TCP frames that carry payload ("data frames") are ever touched, and
only their first transmission: each direction remembers the (flow, sequence
number, length) of what it has seen, and a frame seen before (a TCP
retransmission) is always forwarded.  Data frames are numbered 0, 1, 2, ...
per direction, and the rules pick frames by that number, so a run is
deterministic given the same traffic:

  --drop DIR:M:R   drop data frame n of direction DIR when n % M == R
  --hold DIR:M:R   hold data frame n back and send it right after the next
                   data frame of the same direction (the two swap places),
                   or after --hold-ms milliseconds if none comes first

DIR is "a2b" (first interface to second) or "b2a".  Rules may repeat.
The bridge runs until SIGINT/SIGTERM, then flushes held frames and prints
what it did on stderr.  Needs CAP_NET_RAW (run as root).

Usage: lossy_bridge.py IF_A IF_B [--drop b2a:7:2] [--hold b2a:5:4]
                       [--hold-ms 40]
"""

import argparse
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1
PACKET_OUTGOING = 4


def open_port(ifname):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_ALL))
    sock.bind((ifname, 0))
    # struct packet_mreq: ifindex, type, address length, address[8].
    mreq = struct.pack("iHH8s", socket.if_nametoindex(ifname),
                       PACKET_MR_PROMISC, 0, b"")
    sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    return sock


def tcp_data(frame):
    """Return a key (flow, seq, len) for a TCP frame with payload, or None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack(">H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800 and len(ip) >= 20 and ip[9] == 6:
        ihl = (ip[0] & 0x0F) * 4
        flow, tcp = ip[12:20], ip[ihl:]
        length = struct.unpack(">H", ip[2:4])[0] - ihl
    elif ethertype == 0x86DD and len(ip) >= 40 and ip[6] == 6:
        flow, tcp = ip[8:40], ip[40:]
        length = struct.unpack(">H", ip[4:6])[0]
    else:
        return None
    if len(tcp) < 20:
        return None
    length -= (tcp[12] >> 4) * 4
    if length <= 0:
        return None
    return (flow + tcp[0:4], struct.unpack(">I", tcp[4:8])[0], length)


class Direction:
    """One way through the bridge, with its counters and rules."""

    def __init__(self, name, out_sock, drops, holds, hold_s):
        self.name = name
        self.out = out_sock
        self.drops = drops
        self.holds = holds
        self.hold_s = hold_s
        self.seen = set()
        self.count = 0
        self.held = None
        self.deadline = 0.0
        self.stats = {"forwarded": 0, "dropped": 0, "held": 0}

    def send(self, frame):
        self.out.send(frame)
        self.stats["forwarded"] += 1

    def release(self):
        if self.held is not None:
            self.send(self.held)
            self.held = None

    def handle(self, frame):
        key = tcp_data(frame)
        if key is None or key in self.seen:
            self.send(frame)
            return
        self.seen.add(key)
        n = self.count
        self.count += 1
        if any(n % m == r for m, r in self.drops):
            self.stats["dropped"] += 1
            log("%s: drop data frame #%d seq=%d len=%d"
                % (self.name, n, key[1], key[2]))
            return
        if self.held is None and any(n % m == r for m, r in self.holds):
            self.held = frame
            self.deadline = time.monotonic() + self.hold_s
            self.stats["held"] += 1
            log("%s: hold data frame #%d seq=%d len=%d"
                % (self.name, n, key[1], key[2]))
            return
        self.send(frame)
        self.release()


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def parse_rule(text):
    try:
        direction, mod, rem = text.split(":")
        mod, rem = int(mod), int(rem)
    except ValueError:
        raise argparse.ArgumentTypeError("rule must be DIR:M:R: " + text)
    if direction not in ("a2b", "b2a") or mod <= 0 or not 0 <= rem < mod:
        raise argparse.ArgumentTypeError("bad rule: " + text)
    return direction, mod, rem


def stop(_signum, _frame):
    raise SystemExit(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("if_a")
    ap.add_argument("if_b")
    ap.add_argument("--drop", type=parse_rule, action="append", default=[])
    ap.add_argument("--hold", type=parse_rule, action="append", default=[])
    ap.add_argument("--hold-ms", type=float, default=40.0)
    opts = ap.parse_args()

    sock_a, sock_b = open_port(opts.if_a), open_port(opts.if_b)
    dirs = {}
    for name, out in (("a2b", sock_b), ("b2a", sock_a)):
        drops = [(m, r) for d, m, r in opts.drop if d == name]
        holds = [(m, r) for d, m, r in opts.hold if d == name]
        dirs[name] = Direction(name, out, drops, holds, opts.hold_ms / 1e3)
    by_sock = {sock_a: dirs["a2b"], sock_b: dirs["b2a"]}

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log("bridging %s <-> %s" % (opts.if_a, opts.if_b))
    try:
        while True:
            waits = [d.deadline for d in dirs.values() if d.held is not None]
            timeout = None
            if waits:
                timeout = max(0.0, min(waits) - time.monotonic())
            ready, _, _ = select.select(list(by_sock), [], [], timeout)
            for sock in ready:
                frame, addr = sock.recvfrom(65535)
                if addr[2] != PACKET_OUTGOING:
                    by_sock[sock].handle(frame)
            now = time.monotonic()
            for d in dirs.values():
                if d.held is not None and now >= d.deadline:
                    d.release()
    finally:
        for d in dirs.values():
            d.release()
            log("%s: %d data frames, %s" % (d.name, d.count, d.stats))


if __name__ == "__main__":
    main()
