#!/usr/bin/env python3
"""Conformance run over the public captures in ../shared/captures.

For every capture listed in index.tsv:
  - tlsglass (the sanitizer build) must finish with no sanitizer report and
    an exit status of 0, or 4 where the capture is damaged;
  - the TLS-over-TCP sessions it reports must be the ones tshark sees: the
    same multiset of (client ip, client port, server ip, server port), the
    client being whoever sent the ClientHello (for a one-sided capture, the
    receiver of the ServerHello), and the same negotiated version where
    tshark decodes a ServerHello. tshark's view comes from
    tests/tshark_cache.py, which runs it once per capture for this test,
    fingerprints.py and tshark_diff.py ($TG_TSHARK_CACHE).
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
import sys

import tshark_cache

HERE = os.path.dirname(os.path.abspath(__file__))


def tshark_sessions(path):
    """[{"tuple", "version"}] per TCP stream with a hello, as tshark sees the
    capture (tests/tshark_cache.py: one run shared with the other tests)."""
    got, _ = tshark_cache.sessions(path)
    out = []
    for s in got:
        sh = s["sh"] or {}
        out.append({"tuple": s["tuple"], "version": sh.get("selected_version") or
                    sh.get("version")})
    return out


def check_capture(tool, path, rel, exception, damaged):
    """Problems found with one capture, as strings."""
    problems = []
    want_exit = (0,)
    if exception and exception[1] is not None:
        want_exit = (exception[1],)
    elif damaged:
        want_exit = (0, 4)
    status, stdout, stderr = tshark_cache.tlsglass(tool, path, timeout=300)
    if "Sanitizer" in stderr or "runtime error" in stderr:
        problems.append("sanitizer: " + stderr.strip().splitlines()[0][:200])
    if status not in want_exit:
        problems.append("exit status %d: %s" % (status, stderr.strip()[:200]))
    ours = []
    for line in stdout.splitlines():
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
