#!/usr/bin/env python3
"""Conformance run over the public captures in ../shared/captures.

For every capture listed in index.tsv:
  - tlsglass (the sanitizer build) must finish with no sanitizer report and
    an exit status of 0, or 4 where the capture is damaged;
  - the TLS-over-TCP sessions it reports must be the ones tshark sees: the
    same multiset of (client ip, client port, server ip, server port), the
    client being whoever sent the ClientHello (for a one-sided capture, the
    receiver of the ServerHello), and the same negotiated version where
    tshark decodes a ServerHello.
Where tshark and tlsglass disagree for a known reason (tshark not decoding
TLS on a port another dissector owns, TLS inside another protocol's framing,
...), tests/conformance-exceptions.tsv says so and gives the session count
tlsglass must produce instead.

usage: conformance.py TLSGLASS [CAPTURES_DIR]
Prints one line per disagreement and a closing "N passed, M failed" line.
"""
import collections
import concurrent.futures
import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

VERSIONS = {0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1",
            0x0303: "TLSv1.2", 0x0304: "TLSv1.3", 0x0002: "SSLv2"}


def last(field):
    """tshark lists outer then inner values of a tunnelled packet."""
    return field.split(",")[-1] if field else ""


def tshark_sessions(path):
    fields = ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst",
              "ipv6.dst", "tcp.dstport", "tls.handshake.type",
              "tls.handshake.version", "tls.handshake.extensions.supported_version",
              "frame.protocols"]
    cmd = ["tshark", "-n", "-r", path, "-Y",
           "tcp && (tls.handshake.type == 1 || tls.handshake.type == 2)", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300).stdout
    streams = {}
    for line in out.splitlines():
        col = line.split("\t")
        if len(col) < len(fields) or not col[0]:
            continue
        stream = col[0]
        # The innermost IP layer carries the TCP segment.
        layers = [p for p in col[10].split(":") if p in ("ip", "ipv6")]
        v6 = bool(layers) and layers[-1] == "ipv6"
        src = last(col[2]) if v6 else last(col[1])
        dst = last(col[5]) if v6 else last(col[4])
        sport, dport = last(col[3]), last(col[6])
        types = col[7].split(",")
        s = streams.setdefault(stream, {"tuple": None, "version": None})
        if "1" in types and s["tuple"] is None:
            s["tuple"] = (src, int(sport), dst, int(dport))
        if "2" in types:
            if s["tuple"] is None:
                s["tuple"] = (dst, int(dport), src, int(sport))
            if s["version"] is None:
                idx = types.index("2")
                hv = col[8].split(",")
                sv = [v for v in col[9].split(",") if v]
                v = sv[-1] if sv else (hv[idx] if idx < len(hv) else "")
                if v:
                    s["version"] = VERSIONS.get(int(v, 16), "0x%04x" % int(v, 16))
    return [s for s in streams.values() if s["tuple"]]


def check_capture(tool, path, rel, exception, damaged):
    """Problems found with one capture, as strings."""
    problems = []
    want_exit = (0,)
    if exception and exception[1] is not None:
        want_exit = (exception[1],)
    elif damaged:
        want_exit = (0, 4)
    run = subprocess.run([tool, "-r", path], capture_output=True, text=True, timeout=300)
    if "Sanitizer" in run.stderr or "runtime error" in run.stderr:
        problems.append("sanitizer: " + run.stderr.strip().splitlines()[0][:200])
    if run.returncode not in want_exit:
        problems.append("exit status %d: %s" % (run.returncode, run.stderr.strip()[:200]))
    ours = []
    for line in run.stdout.splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            problems.append("not JSON: " + line[:80])
            continue
        if r.get("transport") == "tcp":
            ours.append(r)
    if exception and exception[0] is not None:
        if len(ours) != exception[0]:
            problems.append("%d sessions, the exception list says %d (%s)" %
                            (len(ours), exception[0], exception[3]))
        return problems
    theirs = tshark_sessions(path)
    a = collections.Counter((r["client_ip"], r["client_port"], r["server_ip"],
                             r["server_port"]) for r in ours)
    b = collections.Counter(s["tuple"] for s in theirs)
    if a != b:
        problems.append("sessions differ: only tlsglass %s; only tshark %s" %
                        (sorted((a - b).elements())[:4], sorted((b - a).elements())[:4]))
        return problems
    if exception and "noversion" in exception[2]:
        return problems
    vers = {}
    for s in theirs:
        vers.setdefault(s["tuple"], set()).add(s["version"])
    for r in ours:
        t = (r["client_ip"], r["client_port"], r["server_ip"], r["server_port"])
        tv = vers.get(t, set()) - {None}
        if tv and r.get("version") not in tv:
            problems.append("%s version %s, tshark %s" % (t, r.get("version"), tv))
    return problems


def load_exceptions():
    ex = {}
    path = os.path.join(HERE, "conformance-exceptions.tsv")
    with open(path) as f:
        for row in csv.reader(f, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            # path, sessions ('=' as tshark sees them), exit status ('-' 0),
            # checks to skip, reason
            row += [""] * (5 - len(row))
            sessions = None if row[1] in ("", "=") else int(row[1])
            status = None if row[2] in ("", "-") else int(row[2])
            ex[row[0]] = (sessions, status, row[3], row[4])
    return ex


def main():
    tool = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "shared",
                                                               "captures")
    index = os.path.join(root, "index.tsv")
    exceptions = load_exceptions()
    passed = failed = 0
    if os.path.exists(index):
        with open(index) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
    elif os.path.isdir(root) and len(sys.argv) > 2:
        # A folder of our own captures: every file, tshark as the oracle.
        rows = [{"path": n, "features": ""} for n in sorted(os.listdir(root))
                if n.endswith((".pcap", ".pcapng"))]
    else:
        print("conformance: %s not found: skipped (CI has ../shared)" % index)
        return 0
    def check(row):
        rel = row["path"]
        path = os.path.join(root, rel)
        damaged = any(k in row["features"] for k in ("truncated/corrupt", "pcapng-multi-interface"))
        return rel, check_capture(tool, path, rel, exceptions.get(rel), damaged)

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for rel, problems in pool.map(check, rows):
            if problems:
                failed += 1
                for p in problems:
                    print("FAIL %s: %s" % (rel, p))
            else:
                passed += 1
    print("conformance: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
