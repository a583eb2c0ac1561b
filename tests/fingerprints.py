#!/usr/bin/env python3
"""JA3, JA3S and JA4 of tlsglass against other tools, capture by capture.

For every capture in the project's captures/ and in ../shared/captures
(index.tsv lists those), tlsglass's records are compared, TCP session by
TCP session (client ip, client port, server ip, server port), with:

  tshark     tls.handshake.ja3 / ja3_full and ja3s / ja3s_full (tshark 4.0
             computes them for every TLS-over-TCP hello it dissects); the
             first ClientHello gives the record's ja3 / ja3_string, a second
             one (after a HelloRetryRequest) retry_client_hello.ja3, the
             first ServerHello that is not a HelloRetryRequest ja3s /
             ja3s_string. Sessions tshark does not see as TLS on the default
             ports are retried with `-d tcp.port==PORT,tls`. tshark runs
             through tests/tshark_cache.py: once per capture, shared with
             conformance.py and tshark_diff.py ($TG_TSHARK_CACHE).
  .ja4-python.json   FoxIO's ja4.py: JA4.1 / JA4_r.1 (and .2) per stream;
  .ja4-rust.snap     FoxIO's Rust ja4: ja4 per stream;
  .arkime.test.json  Arkime: tls.ja3 / ja3string, ja3s / ja3sstring, ja4 /
                     ja4_r per session (sets: Arkime keeps each value once);
  .suricata.*.test.yaml  suricata-verify checks on tls.ja3.hash,
                     tls.ja3.string, tls.ja3s.hash, tls.ja3s.string, tls.ja4:
                     each value must be in some record of the capture;
  .ja3-zeek.ssl.log  salesforce's Zeek ja3 script: the ja3 column.

QUIC (JA4 'q') and DTLS values are skipped: tlsglass reads TLS over TCP.
A disagreement listed in tests/known-differences.md (the other tool is
wrong there, and the file says why) is reported as known, not failed. A
session tlsglass does not report at all is skipped when the capture is in
tests/conformance-exceptions.tsv (which says why tlsglass and tshark see
different sessions there), and failed otherwise.

usage: fingerprints.py TLSGLASS [CAPTURE_DIR...]
Prints one line per disagreement, a count per oracle and a closing
"N passed, M failed" line; exits non-zero when something failed.
"""
import collections
import concurrent.futures
import csv
import glob
import json
import os
import re
import sys

import yaml

import tshark_cache

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "captures")
KNOWN = os.path.join(HERE, "known-differences.md")
EXCEPTIONS = os.path.join(HERE, "conformance-exceptions.tsv")
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
FP_KEYS = ("ja3", "ja3_string", "ja3s", "ja3s_string", "ja4", "ja4_r")


# ------------------------------------------------------------ tlsglass side

def tlsglass_records(tool, path):
    """Session records by (client ip, client port, server ip, server port),
    each list in the order the sessions started."""
    out = tshark_cache.tlsglass(tool, path)[1]
    by_tuple = collections.defaultdict(list)
    for line in out.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("type") != "tls" or rec.get("transport") != "tcp":
            continue
        t = (rec["client_ip"], rec["client_port"], rec["server_ip"], rec["server_port"])
        by_tuple[t].append(rec)
    for recs in by_tuple.values():
        recs.sort(key=lambda r: r["ts"])
    return by_tuple


def fingerprints(rec):
    """The record's fingerprint values, the retry ClientHello's under retry_*."""
    fp = {k: rec[k] for k in FP_KEYS if k in rec}
    retry = rec.get("retry_client_hello") or {}
    for k in ("ja3", "ja4"):
        if k in retry:
            fp["retry_" + k] = retry[k]
    return fp


# ----------------------------------------------------------------- results

class Results:
    def __init__(self, known):
        self.known = known
        self.counts = collections.defaultdict(lambda: [0, 0, 0, 0])  # pass fail known skip
        self.lines = []

    def skip(self, capture, oracle, field, theirs, where, why):
        self.counts[oracle][3] += 1
        self.lines.append("skip   %s %s %s %s: theirs %r (%s)"
                          % (capture, oracle, where, field, theirs, why))

    def check(self, capture, oracle, field, theirs, ours, where, hint=""):
        c = self.counts[oracle]
        if ours == theirs:
            c[0] += 1
            return
        why = self.known_reason(capture, oracle, field, theirs)
        if why:
            c[2] += 1
            self.lines.append("known  %s %s %s %s: theirs %r ours %r (%s)"
                              % (capture, oracle, where, field, theirs, ours, why))
            return
        c[1] += 1
        self.lines.append("FAIL   %s %s %s %s: theirs %r ours %r%s"
                          % (capture, oracle, where, field, theirs, ours, hint))

    def known_reason(self, capture, oracle, field, theirs):
        for k in self.known:
            if (k["capture"] == capture and k["oracle"] == oracle and k["field"] == field
                    and k["value"] in ("*", str(theirs))):
                return k["why"][:60]
        return None

    def merge(self, other):
        for o, c in other.counts.items():
            for i in range(4):
                self.counts[o][i] += c[i]
        self.lines += other.lines


def load_known(path):
    """Rows of the table in known-differences.md: | `capture` | oracle |
    field | `their value` or * | why |."""
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not cells[0].startswith("`"):
            continue
        rows.append({"capture": cells[0].strip("`"), "oracle": cells[1], "field": cells[2],
                     "value": cells[3].strip("`"), "why": cells[4]})
    return rows


def load_exceptions(path):
    """Captures tests/conformance-exceptions.tsv explains."""
    caps = set()
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                caps.add(line.split("\t")[0])
    return caps


EXCEPTED = load_exceptions(EXCEPTIONS)


def missing_hint(rec, field):
    """Why a record may lack a fingerprint, to read next to a failure."""
    if rec is None:
        return " (no tlsglass session)"
    hello = "server_hello" if field.startswith("ja3s") else "client_hello"
    if field.startswith("retry_"):
        hello = "retry_client_hello"
    if hello not in rec:
        return " (tlsglass has no %s in this session)" % hello
    return ""


def compare_session(res, capture, oracle, records, t, theirs, index=0):
    """theirs: {field: value} for the index-th session on tuple t."""
    recs = records.get(t, [])
    where = "%s:%s->%s:%s" % t
    rec = recs[index] if index < len(recs) else None
    ours = fingerprints(rec) if rec else {}
    for field, value in theirs.items():
        if rec is None and capture in EXCEPTED:
            res.skip(capture, oracle, field, value, where,
                     "no tlsglass session: see tests/conformance-exceptions.tsv")
            continue
        res.check(capture, oracle, field, value, ours.get(field), where,
                  missing_hint(rec, field) if field not in ours else "")


# ------------------------------------------------------------------- tshark

def tshark_streams(path, ports=()):
    """Per TCP stream with a hello: its id, 4-tuple, and tshark's JA3 of each
    ClientHello and JA3S of each ServerHello that is not a HelloRetryRequest,
    in order (tests/tshark_cache.py: one run shared with the other tests)."""
    options = []
    for p in ports:
        options += ["-d", "tcp.port==%d,tls" % p]
    got, _ = tshark_cache.sessions(path, options)
    streams = []
    for s in got:
        ch = [{"ja3": h["ja3"], "ja3_string": h["ja3_full"]}
              for h in s["hellos"] if h["type"] == 1 and h["ja3"]]
        sh = [{"ja3s": h["ja3s"], "ja3s_string": h["ja3s_full"]}
              for h in s["hellos"] if h["type"] == 2 and h["ja3s"] and not h["hrr"]]
        if ch or sh:
            streams.append({"id": s["stream"], "tuple": s["tuple"], "ch": ch, "sh": sh})
    return streams


def compare_tshark(res, capture, path, records):
    streams = tshark_streams(path)
    seen = {s["tuple"] for s in streams}
    ports = sorted({t[3] for t in records if t not in seen})
    if ports:
        streams += [s for s in tshark_streams(path, ports) if s["tuple"] not in seen]
    nth = collections.Counter()
    for s in sorted(streams, key=lambda s: s["id"]):
        t = s["tuple"]
        i = nth[t]
        nth[t] += 1
        theirs = {}
        if s["ch"]:
            theirs.update(s["ch"][0])
        if len(s["ch"]) > 1 and has_retry(records, t, i):
            theirs["retry_ja3"] = s["ch"][1]["ja3"]
        if s["sh"]:
            theirs.update(s["sh"][0])
        compare_session(res, capture, "tshark", records, t, theirs, i)


def has_retry(records, t, i):
    recs = records.get(t, [])
    return i < len(recs) and "retry_client_hello" in recs[i]


# ------------------------------------------------------- published outputs

def compare_ja4_python(res, capture, path, records):
    for e in json.load(open(path)):
        t = (e["src"], int(e["srcport"]), e["dst"], int(e["dstport"]))
        theirs = {}
        for n, prefix in (("1", ""), ("2", "retry_")):
            ja4 = e.get("JA4." + n)
            if not ja4 or not ja4.startswith("t"):
                continue
            theirs[prefix + "ja4"] = ja4
            if not prefix and "JA4_r." + n in e:
                theirs["ja4_r"] = e["JA4_r." + n]
        if theirs:
            compare_session(res, capture, "ja4-python", records, t, theirs)


def compare_ja4_rust(res, capture, path, records):
    doc = open(path).read().split("---\n")
    for e in yaml.safe_load(doc[2]) or []:
        if e.get("transport") != "tcp" or "ja4" not in e:
            continue
        t = (e["src"], int(e["src_port"]), e["dst"], int(e["dst_port"]))
        compare_session(res, capture, "ja4-rust", records, t, {"ja4": e["ja4"]})


def compare_arkime(res, capture, path, records):
    """Arkime keeps each value of a session once: compare sets. Its strings
    also cover a retry ClientHello, whose strings tlsglass does not write."""
    names = {"ja3": "ja3", "ja3string": "ja3_string", "ja3s": "ja3s",
             "ja3sstring": "ja3s_string", "ja4": "ja4", "ja4_r": "ja4_r"}
    for sess in json.load(open(path)).get("sessions3", []):
        b = sess["body"]
        tls = b.get("tls") or {}
        if b.get("ipProtocol") != 6 or not tls:
            continue
        t = (b["source"]["ip"], b["source"]["port"], b["destination"]["ip"],
             b["destination"]["port"])
        ours = collections.defaultdict(set)
        retries = 0
        for r in records.get(t, []):
            retries += "retry_client_hello" in r
            for k, v in fingerprints(r).items():
                ours[k.replace("retry_", "")].add(v)
        for theirs_key, field in names.items():
            if theirs_key not in tls:
                continue
            theirs = sorted(set(tls[theirs_key]))
            mine = sorted(ours.get(field, set()))
            if field in ("ja3_string", "ja4_r") and retries and set(mine) <= set(theirs) \
                    and len(theirs) - len(mine) <= retries:
                mine = theirs
            res.check(capture, "arkime", field, theirs, mine, "%s:%s->%s:%s" % t)


SURICATA_KEYS = {"tls.ja3.hash": "ja3", "tls.ja3.string": "ja3_string",
                 "tls.ja3s.hash": "ja3s", "tls.ja3s.string": "ja3s_string", "tls.ja4": "ja4"}


def compare_suricata(res, capture, path, records):
    doc = yaml.safe_load(open(path)) or {}
    req = doc.get("requires") or {}
    if str(req.get("lt-version", "")) == "8":
        return  # a Suricata 7 variant of a test also kept in its Suricata 8 form
    values = set()
    for chk in doc.get("checks") or []:
        match = (chk.get("filter") or {}).get("match") or {}
        for key, field in SURICATA_KEYS.items():
            if key in match:
                values.add((field, str(match[key])))
    ours = collections.defaultdict(set)
    for recs in records.values():
        for r in recs:
            for k, v in fingerprints(r).items():
                ours[k.replace("retry_", "")].add(v)
    for field, value in sorted(values):
        res.check(capture, "suricata", field, value,
                  value if value in ours[field] else None, "any session")


def compare_zeek_ja3(res, capture, path, records):
    fields = None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
            continue
        if line.startswith("#") or not fields:
            continue
        row = dict(zip(fields, line.split("\t")))
        if row.get("ja3", "-") in ("-", ""):
            continue
        t = (row["id.orig_h"], int(row["id.orig_p"]), row["id.resp_h"], int(row["id.resp_p"]))
        compare_session(res, capture, "zeek-ja3", records, t, {"ja3": row["ja3"]})


ORACLES = [(".ja4-python.json", compare_ja4_python), (".ja4-rust.snap", compare_ja4_rust),
           (".arkime.test.json", compare_arkime), (".ja3-zeek.ssl.log", compare_zeek_ja3)]


# -------------------------------------------------------------------- driver

def captures_in(d):
    index = os.path.join(d, "index.tsv")
    if os.path.exists(index):
        with open(index, newline="") as f:
            return [os.path.join(d, r["path"]) for r in csv.DictReader(f, delimiter="\t")]
    return sorted(glob.glob(os.path.join(d, "*.pcap")) + glob.glob(os.path.join(d, "*.pcapng")))


def run_capture(tool, path, label, known):
    res = Results(known)
    records = tlsglass_records(tool, path)
    compare_tshark(res, label, path, records)
    for suffix, fn in ORACLES:
        if os.path.exists(path + suffix):
            fn(res, label, path + suffix, records)
    for f in sorted(glob.glob(glob.escape(path) + ".suricata.*.test.yaml")):
        compare_suricata(res, label, f, records)
    return res


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tool = sys.argv[1]
    dirs = sys.argv[2:] or [os.path.join(ROOT, "captures"), SHARED]
    known = load_known(KNOWN)
    jobs = []
    for d in dirs:
        if not os.path.isdir(d):
            print("%s: not found, skipped" % d)
            continue
        indexed = os.path.exists(os.path.join(d, "index.tsv"))
        base = os.path.abspath(d) if indexed else ROOT
        for p in captures_in(d):
            jobs.append((p, os.path.relpath(os.path.abspath(p), base)))
    total = Results(known)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(4, os.cpu_count() or 4)) as ex:
        for res in ex.map(lambda j: run_capture(tool, j[0], j[1], known), jobs):
            total.merge(res)
    for line in sorted(total.lines):
        print(line)
    passed = failed = nknown = nskip = 0
    for oracle, (p, f, k, sk) in sorted(total.counts.items()):
        print("%-10s %5d agree, %3d disagree, %3d known differences, %3d skipped"
              % (oracle, p, f, k, sk))
        passed, failed, nknown, nskip = passed + p, failed + f, nknown + k, nskip + sk
    print("%d known differences (tests/known-differences.md) counted as passed; "
          "%d values skipped (sessions tlsglass rightly does not report)" % (nknown, nskip))
    print("%d passed, %d failed" % (passed + nknown, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
