#!/usr/bin/env python3
"""tlsglass against Zeek's ssl.log baselines in ../shared/captures.

For every capture with a `.zeek.ssl.log` (and `.ja3-zeek.ssl.log`) beside it,
each Zeek row (a TCP connection; QUIC rows are left out) is matched to the
tlsglass record of the same connection (client ip/port, server ip/port, in
order) and these columns are compared: version, cipher, curve (our `group`),
server_name (`sni`), resumed, established (our state established/resumed),
next_protocol (`alpn`), last_alert (the description of the last alert).
Differences Zeek is known to make, or that are Zeek's error, are listed with
their reason in tests/zeek-known-differences.md and skipped. Rows that the
capture's .zeek.quic.log lists are QUIC connections, which tlsglass does not
read yet, and are left out.

usage: zeek_check.py TLSGLASS [CAPTURES_DIR]
Closes with "N passed, M failed" (one test per capture).
"""
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

ZEEK_VERSIONS = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLSv10": "TLSv1.0",
                 "TLSv11": "TLSv1.1", "TLSv12": "TLSv1.2", "TLSv13": "TLSv1.3",
                 "DTLSv10": "DTLSv1.0", "DTLSv12": "DTLSv1.2", "DTLSv13": "DTLSv1.3"}


def read_log(path):
    fields, rows = None, []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                fields = line.split("\t")[1:]
            elif line.startswith("#") or not line or fields is None:
                continue
            else:
                rows.append(dict(zip(fields, line.split("\t"))))
    return rows


def zeek_version(v):
    if v in ZEEK_VERSIONS:
        return ZEEK_VERSIONS[v]
    m = re.match(r"unknown-(\d+)$", v)
    return "0x%04x" % int(m.group(1)) if m else v


def expected(row):
    """What tlsglass should say, column by column, or None where Zeek has
    nothing to say ('-')."""
    def val(k):
        v = row.get(k, "-")
        return None if v in ("-", "(empty)") else v
    return {
        "version": zeek_version(val("version")) if val("version") else None,
        "cipher": val("cipher"),
        "curve": val("curve"),
        "server_name": val("server_name"),
        "resumed": None if val("resumed") is None else val("resumed") == "T",
        "established": None if val("established") is None else val("established") == "T",
        "next_protocol": val("next_protocol"),
        "last_alert": val("last_alert"),
    }


def ours(r):
    alerts = [a.get("description") for a in r.get("alerts", []) if not a.get("encrypted")]
    return {
        "version": r.get("version"),
        "cipher": r.get("cipher"),
        "curve": r.get("group"),
        "server_name": r.get("sni"),
        "resumed": r.get("resumed", False),
        "established": r["state"] in ("established", "resumed"),
        "next_protocol": r.get("alpn"),
        "last_alert": alerts[-1] if alerts else None,
    }


def load_known():
    """Rows of the table in zeek-known-differences.md: capture | column | reason."""
    known = set()
    path = os.path.join(HERE, "zeek-known-differences.md")
    with open(path) as f:
        for line in f:
            if line.startswith("| ") and "---" not in line:
                cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
                if len(cells) >= 2 and cells[0] != "capture":
                    known.add((cells[0], cells[1]))
    return known


def main():
    tool = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "shared",
                                                               "captures")
    if not os.path.isdir(root):
        print("zeek: %s not found: skipped (CI has ../shared)" % root)
        return 0
    known = load_known()
    passed = failed = 0
    agree = collections.Counter()
    total = collections.Counter()
    for folder in sorted(os.listdir(root)):
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".zeek.ssl.log") or name.endswith(".ja3-zeek.ssl.log"):
                continue
            capture = name[: -len(".zeek.ssl.log")]
            rel = folder + "/" + capture
            quic_log = os.path.join(d, capture + ".zeek.quic.log")
            quic = set()
            if os.path.exists(quic_log):
                quic = {(q["id.orig_h"], q["id.orig_p"], q["id.resp_h"], q["id.resp_p"])
                        for q in read_log(quic_log)}
            rows = [r for r in read_log(os.path.join(d, name))
                    if (r["id.orig_h"], r["id.orig_p"], r["id.resp_h"], r["id.resp_p"])
                    not in quic]
            if not rows:
                continue
            run = subprocess.run([tool, "-r", os.path.join(d, capture)], capture_output=True,
                                 text=True, timeout=300)
            records = collections.defaultdict(list)
            for line in run.stdout.splitlines():
                r = json.loads(line)
                records[(r["client_ip"], r["client_port"], r["server_ip"],
                         r["server_port"])].append(r)
            problems = []
            for row in rows:
                key = (row["id.orig_h"], int(row["id.orig_p"]), row["id.resp_h"],
                       int(row["id.resp_p"]))
                if not records.get(key):
                    if (rel, "session") not in known:
                        problems.append("%s: no tlsglass record" % (key,))
                    continue
                r = records[key].pop(0)
                want, have = expected(row), ours(r)
                for col, w in want.items():
                    if w is None:
                        continue
                    total[col] += 1
                    if have[col] == w or (rel, col) in known:
                        agree[col] += 1
                    else:
                        problems.append("%s %s: tlsglass=%r zeek=%r" % (key, col, have[col], w))
            if problems:
                failed += 1
                for p in problems:
                    print("FAIL %s: %s" % (rel, p))
            else:
                passed += 1
    for col in sorted(total):
        print("zeek %-14s %d/%d agree" % (col, agree[col], total[col]))
    print("zeek: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
