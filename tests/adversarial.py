#!/usr/bin/env python3
"""tests/adversarial.py - hostile captures for the resource caps (docs/limits.md).

Usage: adversarial.py OUTDIR SCALE [SCENARIO...]
       adversarial.py check OUTDIR SCENARIO RECORDS STDERR STATUS

The first form writes OUTDIR/<scenario>.pcap for each scenario (all when
none is named), and OUTDIR/<scenario>.json with what the capture holds.
SCALE multiplies the sizes: 1 is the full size of issue 6 (a 1M-SYN flood,
100k flows each holding an out-of-order gap...), 1/32 the CI size. Python 3
standard library only; the output is the same on every run (a fixed seed,
fixed timestamps).

The second form (used by tests/adversarial.sh) checks what tlsglass made of
one capture: its NDJSON output (with the final stats record), its stderr
and exit status against the scenario's facts; prints one line per problem
and exits 1 if there was any.

Scenarios:
  syn_flood      SYNs from distinct client ports and addresses, nothing else:
                 the flow table fills; the flow and memory caps end flows.
  ooo_gap        TLS flows: a ClientHello, then the server's bytes past a
                 hole that is never filled (no ACKs to skip it): buffered
                 out-of-order data in every flow, until the caps refuse it.
  hs_stream      TLS flows whose server sends 16 KB handshake records of a
                 Certificate message that never completes (declared at the
                 256 KiB cap), and one flow whose message declares 16 MB
                 (over the cap) followed by a long stream of such records.
  max_records    Records of the largest accepted body (2^14 + 2048 bytes):
                 a padded ClientHello filling one, a ~200 KB Certificate
                 message across many, application data; then one record a
                 byte over the limit (malformed_record, resync).
  overlap        Handshake segments sent out of order and again with other
                 bytes in the overlaps (conflicting retransmissions).
  snaplen        Whole handshakes captured with a 128-byte snaplen: every
                 payload cut.
  corrupt_caplen A record header whose captured length is absurd, half way.
  corrupt_trunc  The file ends in the middle of a record, half way through
                 the flows (a capture cut by a full disk).
"""
import json
import os
import random
import struct
import sys

LINKTYPE_ETHERNET = 1
TS0 = 1_700_000_000  # capture start, seconds
SERVER = bytes([192, 0, 2, 1])  # TEST-NET-1

# Full sizes (SCALE 1).
FULL = {
    "syn_flood": 1_000_000,  # SYNs
    "ooo_gap": 100_000,  # flows
    "hs_stream": 2_000,  # flows (plus one long stream)
    "max_records": 2_000,  # flows
    "overlap": 100_000,  # flows
    "snaplen": 100_000,  # flows
    "corrupt_caplen": 100_000,  # flows
    "corrupt_trunc": 100_000,  # flows
}

MAX_RECORD_BODY = 16384 + 2048  # analyzer/tlsframe.h TG_MAX_RECORD_BODY
MAX_HS_MESSAGE = 256 * 1024  # analyzer/tlsframe.h TG_MAX_HS_MESSAGE
OOO_BYTES = 8192  # out-of-order bytes per flow in ooo_gap
SEG = 16000  # payload bytes per TCP segment (an IPv4 packet stays < 64 KiB)


# ----------------------------------------------------------------- pcap


class Pcap:
    """A classic pcap file (microsecond timestamps, Ethernet)."""

    def __init__(self, path, snaplen=262144):
        self.f = open(path, "wb", buffering=1 << 20)
        self.snaplen = snaplen
        self.count = 0
        self.us = 0
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, LINKTYPE_ETHERNET))

    def tick(self, us=1):
        self.us += us

    def frame(self, frame, caplen=None, wirelen=None):
        """Writes one record; returns its packet number (1-based)."""
        wire = len(frame) if wirelen is None else wirelen
        data = frame[: min(len(frame), self.snaplen if caplen is None else caplen)]
        sec, usec = divmod(self.us, 1_000_000)
        self.f.write(struct.pack("<IIII", TS0 + sec, usec, len(data), wire))
        self.f.write(data)
        self.count += 1
        self.us += 1
        return self.count

    def raw(self, data):
        self.f.write(data)

    def close(self):
        self.f.close()


ETH = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def tcp_frame(src, dst, sport, dport, flags, seq, ack, payload=b""):
    """Ethernet + IPv4 + TCP (checksums left zero: tlsglass does not check them)."""
    total = 20 + 20 + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, src, dst)
    tcp = struct.pack(
        "!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0
    )
    return ETH + ip + tcp + payload


def client_addr(i):
    """Distinct client (address, port) pairs: 10.x.y.z, ports 1024 on."""
    host = i // 60000
    return bytes([10, (host >> 16) & 255, (host >> 8) & 255, host & 255]), 1024 + i % 60000


# ------------------------------------------------------------------ TLS


def record(ctype, body, version=0x0303):
    return struct.pack("!BHH", ctype, version, len(body)) + body


def handshake(htype, body):
    return struct.pack("!B", htype) + len(body).to_bytes(3, "big") + body


def ext(etype, body):
    return struct.pack("!HH", etype, len(body)) + body


def client_hello_body(i, pad_to=0):
    sni = b"host%d.example" % i
    name = b"\x00" + struct.pack("!H", len(sni)) + sni
    exts = ext(0, struct.pack("!H", len(name)) + name)
    exts += ext(10, b"\x00\x04\x00\x1d\x00\x17")  # supported_groups
    exts += ext(13, b"\x00\x04\x04\x03\x08\x04")  # signature_algorithms
    fixed = b"\x03\x03" + random.randbytes(32) + b"\x00" + b"\x00\x04\xc0\x2f\x13\x01" + b"\x01\x00"
    if pad_to:  # a padding extension (RFC 7685) up to a body of pad_to bytes
        room = pad_to - len(fixed) - 2 - len(exts) - 4
        exts += ext(21, bytes(room))
    return fixed + struct.pack("!H", len(exts)) + exts


def client_hello(i, pad_to=0):
    return record(22, handshake(1, client_hello_body(i, pad_to)), 0x0301)


def server_hello_msg():
    body = b"\x03\x03" + random.randbytes(32) + b"\x00" + b"\xc0\x2f" + b"\x00"
    return handshake(2, body)


class Conn:
    """One TCP connection: a client (index i) to SERVER:443, with sequence numbers."""

    def __init__(self, pcap, i, cseq=1000, sseq=500000):
        self.p = pcap
        self.ca, self.cp = client_addr(i)
        self.seq = [cseq, sseq]  # next sequence number: client, server

    def send(self, side, flags, payload=b"", seq=None, **kw):
        """side 0 client, 1 server. seq None: the next byte (and advance)."""
        s = self.seq[side] if seq is None else seq
        ack = self.seq[1 - side]
        if side == 0:
            fr = tcp_frame(self.ca, SERVER, self.cp, 443, flags, s, ack, payload)
        else:
            fr = tcp_frame(SERVER, self.ca, 443, self.cp, flags, s, ack, payload)
        if seq is None:
            self.seq[side] += len(payload) + (1 if flags & (SYN | FIN) else 0)
        return self.p.frame(fr, **kw)

    def open(self):
        self.send(0, SYN)
        self.send(1, SYN | ACK)
        self.send(0, ACK)

    def stream(self, side, data, **kw):
        for k in range(0, len(data), SEG):
            self.send(side, PSH | ACK, data[k : k + SEG], **kw)

    def close(self):
        self.send(0, FIN | ACK)
        self.send(1, FIN | ACK)
        self.send(0, ACK)


# ------------------------------------------------------------ scenarios


def syn_flood(p, n):
    for i in range(n):
        ca, cp = client_addr(i)
        p.frame(tcp_frame(ca, SERVER, cp, 443, SYN, i * 7919, 0))
    return {"packets": n, "sessions": 0}


def ooo_gap(p, n):
    junk = random.randbytes(OOO_BYTES)
    for i in range(n):
        c = Conn(p, i)
        c.open()
        c.send(0, PSH | ACK, client_hello(i))
        hole = 1000 + i % 1000  # the server's first bytes never arrive
        c.send(1, PSH | ACK, junk, seq=c.seq[1] + hole)
    return {"packets": p.count, "sessions": n}


def hs_stream(p, n):
    """n flows, each a Certificate message at the cap that never completes,
    then one flow streaming 16 KB records of an over-cap message."""
    chunk = random.randbytes(16384)
    per_flow = MAX_HS_MESSAGE // 16384 - 1  # one record short of the end
    for i in range(n + 1):
        c = Conn(p, i)
        c.open()
        c.send(0, PSH | ACK, client_hello(i))
        last = i == n
        declared = (1 << 24) - 1 if last else MAX_HS_MESSAGE
        first = server_hello_msg() + b"\x0b" + declared.to_bytes(3, "big")
        c.send(1, PSH | ACK, record(22, first))
        for _ in range(n * per_flow if last else per_flow):
            c.send(1, PSH | ACK, record(22, chunk))
    return {"packets": p.count, "sessions": n + 1}


def max_records(p, n):
    cert = random.randbytes(200_000)
    cert_msg = handshake(11, (len(cert) + 3).to_bytes(3, "big") + len(cert).to_bytes(3, "big") + cert)
    server_flight = server_hello_msg() + cert_msg + handshake(14, b"")
    records = b"".join(
        record(22, server_flight[k : k + MAX_RECORD_BODY])
        for k in range(0, len(server_flight), MAX_RECORD_BODY)
    )
    app = b"".join(record(23, random.randbytes(MAX_RECORD_BODY)) for _ in range(4))
    over = record(23, bytes(MAX_RECORD_BODY + 1))
    for i in range(n):
        c = Conn(p, i)
        c.open()
        ch = client_hello(i, pad_to=MAX_RECORD_BODY - 4)
        assert len(ch) == 5 + MAX_RECORD_BODY
        c.stream(0, ch)
        c.stream(1, records)
        c.stream(1, app + over + app)
        c.close()
    return {"packets": p.count, "sessions": n}


def overlap(p, n):
    for i in range(n):
        c = Conn(p, i)
        c.open()
        ch = client_hello(i)
        base = c.seq[0]
        a, b = len(ch) // 3, 2 * len(ch) // 3
        # the middle first, then the start reaching into it with other bytes,
        # then the end reaching back into it with other bytes, then all again
        c.send(0, PSH | ACK, ch[a:b], seq=base + a)
        c.send(0, PSH | ACK, ch[:a] + bytes(b - a - 8), seq=base)
        c.send(0, PSH | ACK, b"\xff" * 8 + ch[b:], seq=base + b - 8)
        c.send(0, PSH | ACK, bytes(len(ch)), seq=base)
        c.seq[0] = base + len(ch)
        c.send(1, PSH | ACK, record(22, server_hello_msg()))
        c.close()
    return {"packets": p.count, "sessions": n}


def snaplen(p, n):
    flight = record(22, server_hello_msg() + handshake(11, bytes(3000)) + handshake(14, b""))
    for i in range(n):
        c = Conn(p, i)
        c.open()
        c.send(0, PSH | ACK, client_hello(i))
        for k in range(0, len(flight), 1448):
            c.send(1, PSH | ACK, flight[k : k + 1448])
        c.close()
    return {"packets": p.count, "sessions": n}


def complete_flows(p, n, stop_at=None):
    """n short TLS flows one after the other; calls stop_at(i) before flow i,
    which returns True to stop writing. Returns flows written whole."""
    for i in range(n):
        if stop_at and stop_at(i):
            return i
        c = Conn(p, i)
        c.open()
        c.send(0, PSH | ACK, client_hello(i))
        c.send(1, PSH | ACK, record(22, server_hello_msg() + handshake(14, b"")))
        c.close()
    return n


def corrupt_caplen(p, n):
    def stop(i):
        if i < n // 2:
            return False
        # an absurd captured length: the reader cannot go on
        p.raw(struct.pack("<IIII", TS0 + p.us // 1_000_000, 0, 0x7FFFFFF0, 0x7FFFFFF0))
        p.raw(bytes(64))
        return True

    whole = complete_flows(p, n, stop)
    return {"packets": p.count, "sessions": whole, "damaged_packet": p.count + 1}


def corrupt_trunc(p, n):
    whole = complete_flows(p, n, lambda i: i >= n // 2)
    # a record header promising 200 bytes, and only 10 of them
    p.raw(struct.pack("<IIII", TS0 + p.us // 1_000_000, 0, 200, 200) + bytes(10))
    return {"packets": p.count, "sessions": whole, "damaged_packet": p.count + 1}


SCENARIOS = {
    "syn_flood": syn_flood,
    "ooo_gap": ooo_gap,
    "hs_stream": hs_stream,
    "max_records": max_records,
    "overlap": overlap,
    "snaplen": snaplen,
    "corrupt_caplen": corrupt_caplen,
    "corrupt_trunc": corrupt_trunc,
}


def make(outdir, name, scale):
    random.seed(name)
    n = max(1, round(FULL[name] * scale))
    path = os.path.join(outdir, name + ".pcap")
    p = Pcap(path, snaplen=128 if name == "snaplen" else 262144)
    facts = SCENARIOS[name](p, n)
    p.close()
    facts.update({"scenario": name, "size": n, "bytes": os.path.getsize(path)})
    with open(os.path.join(outdir, name + ".json"), "w") as f:
        json.dump(facts, f)
    return facts


# --------------------------------------------------------------- checks


def has_error(rec, name):
    return name in rec.get("errors", [])


def expect_all(recs, what, pred):
    bad = [r for r in recs if not pred(r)]
    return ["%d of %d records without %s (first: %s)" % (len(bad), len(recs), what, json.dumps(bad[0])[:300])] if bad else []


def check_scenario(name, facts, recs, stats):
    """Problems with the records of one scenario, as strings."""
    n = facts["size"]
    sessions = facts["sessions"]
    out = []
    if name.startswith("corrupt"):
        want = {"host%d.example" % i for i in range(sessions)}
        got = {r.get("sni") for r in recs}
        if not want <= got:
            out.append("%d sessions before the damage have no record" % len(want - got))
    elif len(recs) != sessions:
        out.append("%d records for %d sessions" % (len(recs), sessions))
    if name == "syn_flood" and stats.get("flows_created") != n:
        out.append("flows_created %s, want %d" % (stats.get("flows_created"), n))
    if name == "ooo_gap":
        out += expect_all(recs, "tcp_gap or reassembly_limit",
                          lambda r: has_error(r, "tcp_gap") or has_error(r, "reassembly_limit"))
    if name == "hs_stream":
        big = [r for r in recs if has_error(r, "handshake_message_too_large")]
        if len(big) != 1:
            out.append("%d records with handshake_message_too_large, want 1" % len(big))
    if name == "max_records":
        out += expect_all(recs, "malformed_record", lambda r: has_error(r, "malformed_record"))
        out += expect_all(recs, "a ClientHello", lambda r: "client_hello" in r)
    if name == "overlap":
        out += expect_all(recs, "its own SNI (first data wins)",
                          lambda r: r.get("sni", "").startswith("host"))
        out += expect_all(recs, "reassembly.overlaps", lambda r: r.get("reassembly", {}).get("overlaps", 0) > 0)
    if name == "snaplen":
        out += expect_all(recs, "truncated_capture", lambda r: has_error(r, "truncated_capture"))
    evicted = sum(has_error(r, "evicted") for r in recs)
    caps = stats.get("caps", {})
    tls_evicted = caps.get("flows_evicted_memory", 0) + caps.get("flows_evicted_flow_cap", 0)
    if name != "syn_flood" and "caps" in stats and evicted != tls_evicted:
        out.append("%d records with evicted, %d flows evicted" % (evicted, tls_evicted))
    return out


def check(outdir, name, records_path, stderr_path, status):
    with open(os.path.join(outdir, name + ".json")) as f:
        facts = json.load(f)
    recs, stats = [], {}
    with open(records_path) as f:
        for line in f:
            o = json.loads(line)
            if o.get("type") == "tls":
                recs.append(o)
            elif o.get("type") == "stats":
                stats = o
    with open(stderr_path, errors="replace") as f:
        err = f.read()
    problems = []
    damaged = name.startswith("corrupt")
    if status != (4 if damaged else 0):
        problems.append("exit status %d, want %d" % (status, 4 if damaged else 0))
    for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        if bad in err:
            problems.append("sanitizer: " + err[err.index(bad):][:200])
    if damaged:
        where = "%s:%d:" % (os.path.join(outdir, name + ".pcap"), facts["damaged_packet"])
        if where not in err:
            problems.append("no message naming %s in: %s" % (where, err[:300]))
    problems += check_scenario(name, facts, recs, stats)
    caps = {k: v for k, v in stats.get("caps", {}).items() if v}
    print("  %s: %d records, %d evicted; caps %s" % (name, len(recs), sum(has_error(r, "evicted") for r in recs), json.dumps(caps)))
    for p in problems:
        print("  FAIL %s: %s" % (name, p))
    return 1 if problems else 0


def main(argv):
    if len(argv) == 7 and argv[1] == "check":
        sys.exit(check(argv[2], argv[3], argv[4], argv[5], int(argv[6])))
    if len(argv) < 3:
        sys.exit(__doc__)
    outdir = argv[1]
    num, _, den = argv[2].partition("/")
    scale = float(num) / float(den or 1)
    names = argv[3:] or list(SCENARIOS)
    for name in names:
        if name not in SCENARIOS:
            sys.exit("unknown scenario %s (one of %s)" % (name, ", ".join(SCENARIOS)))
    os.makedirs(outdir, exist_ok=True)
    for name in names:
        facts = make(outdir, name, scale)
        print("%-15s %8d units %10d packets %12d bytes" % (name, facts["size"], facts["packets"], facts["bytes"]))


if __name__ == "__main__":
    main(sys.argv)
