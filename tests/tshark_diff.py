#!/usr/bin/env python3
"""Field-by-field comparison of tlsglass with tshark, session by session.

usage: tshark_diff.py TLSGLASS [DIR...]

DIR defaults to the project's captures/ and ../shared/captures. A DIR with
an index.tsv is read through it (every listed file); any other DIR gives
every .pcap/.pcapng in it. Only TLS over TCP is compared: QUIC and DTLS
sessions are left out on both sides.

For every capture, tlsglass runs once (NDJSON) and tshark's view comes
from tests/tshark_cache.py (one PDML run per capture, shared with
conformance.py and fingerprints.py through $TG_TSHARK_CACHE), plus any
per-capture tshark options from the known-differences file. Sessions are
keyed as in tests/conformance.py: tshark's tcp.stream, the innermost IP
layer, the client being the sender of the ClientHello (or, for a one-sided
capture, the receiver of the ServerHello). A tlsglass record and a tshark
stream are paired by their 4-tuple and their order within it.

Every code point is compared as the name tlsglass must write for it: the
tables in tests/tshark_cache.py are made from the IANA TLS registries,
independently of tlsglass's own tables, so a wrong name is a disagreement
too.

Certificates: the SHA-1 is computed here from the DER bytes tshark shows
(tls.handshake.certificate); the serial is compared as a signed integer
(tshark's x509af.serialNumber bytes, tlsglass's sign and magnitude). Subject
and issuer are compared loosely, RDN by RDN in tshark's tree (x509af.subject
/ x509af.issuer, x509if.RDNSequence_item, x509if.oid and the string under
it): tlsglass's RFC 4514 text is split on unescaped `,` and `+`, unescaped
(`\\c`, `\\HH` as UTF-8), reversed to DER order, and each attribute must have
the same value text and a type that names the same OID (short names from
RFC 4514 and OpenSSL, or the dotted OID; `#hex` values are compared with
tshark's DER of the value). Only attribute order, type spelling and escaping
are thus free.

The message sequences are the plaintext handshake messages per direction
(tlsglass `messages[]` without change_cipher_spec, alert and
encrypted_handshake; tshark's tls.handshake.type), a HelloRetryRequest
counting as `hello_retry_request` on both sides.

Prints, per field, how many comparisons were made (sessions where at least
one side had a value; certificates for the cert_* fields), how many agreed,
disagreed, and were explained; then every disagreement as
`FILE TUPLE FIELD: tlsglass=... tshark=...` (with `[known]` when
tests/tshark-known-differences.md explains it); then `N passed, M failed`
over captures (a capture passes when each of its disagreements is
explained). Captures that index.tsv shows without TLS over TCP are not run.
Exit status 1 when a disagreement is not explained, 2 on a usage error.
"""
import collections
import concurrent.futures
import csv
import json
import os
import shutil
import sys

import tshark_cache
from tshark_cache import NOT_HANDSHAKE

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWN_FILE = os.path.join(HERE, "tshark-known-differences.md")

# Distinguished name attribute types: OID -> names tlsglass may write
# (RFC 4514 section 3 and OpenSSL's short names), compared without case.
DN_TYPES = {
    "2.5.4.3": ("cn",), "2.5.4.6": ("c",), "2.5.4.7": ("l",), "2.5.4.8": ("st",),
    "2.5.4.9": ("street",), "2.5.4.10": ("o",), "2.5.4.11": ("ou",),
    "0.9.2342.19200300.100.1.25": ("dc",), "0.9.2342.19200300.100.1.1": ("uid",),
    "1.2.840.113549.1.9.1": ("emailaddress",), "2.5.4.5": ("serialnumber",),
    "2.5.4.4": ("sn",), "2.5.4.42": ("gn",), "2.5.4.12": ("title",),
    "2.5.4.13": ("description",), "2.5.4.15": ("businesscategory",),
    "2.5.4.17": ("postalcode",), "2.5.4.41": ("name",), "2.5.4.43": ("initials",),
    "2.5.4.46": ("dnqualifier",), "2.5.4.65": ("pseudonym",),
    "1.3.6.1.4.1.311.60.2.1.1": ("jurisdictionl",),
    "1.3.6.1.4.1.311.60.2.1.2": ("jurisdictionst",),
    "1.3.6.1.4.1.311.60.2.1.3": ("jurisdictionc",),
    "2.5.4.97": ("organizationidentifier",),
    "1.2.840.113549.1.9.2": ("unstructuredname",),
    "2.5.29.17": ("subjectaltname",),  # not an attribute type; seen in the wild
}


# The fields, in the order of the summary.
FIELDS = [
    "session", "sni", "ch_record_version", "ch_version", "supported_versions",
    "version", "hello_retry_request", "cipher", "ch_cipher_suites", "alpn_offered",
    "alpn_chosen", "supported_groups", "key_share_groups", "server_key_share",
    "signature_algorithms", "ch_extensions", "sh_extensions", "ch_compression",
    "sh_compression", "ch_session_id", "sh_session_id", "ch_random", "sh_random",
    "cert_count", "cert_subject", "cert_issuer", "cert_serial", "cert_sha1",
    "alerts", "messages_client", "messages_server",
]


# --- tlsglass side ----------------------------------------------------------

def tlsglass_sessions(tool, path):
    recs = []
    for line in tshark_cache.tlsglass(tool, path)[1].splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if r.get("type") == "tls" and r.get("transport") == "tcp" and not r.get("update"):
            recs.append(r)
    return recs


def unescape_4514(s):
    """RFC 4514 text -> [[(type, value bytes, is_hex)]] in the text's order."""
    rdns, avas = [], []
    typ, buf, in_value, i = "", bytearray(), False, 0
    hexform = False
    while i < len(s):
        ch = s[i]
        if not in_value:
            if ch == "=":
                in_value, hexform = True, s[i + 1:i + 2] == "#"
                if hexform:
                    i += 1
            else:
                typ += ch
            i += 1
            continue
        if ch == "\\" and i + 1 < len(s):
            nxt = s[i + 1:i + 3]
            if len(nxt) == 2 and all(c in "0123456789abcdefABCDEF" for c in nxt):
                buf.append(int(nxt, 16))
                i += 3
                continue
            buf += s[i + 1].encode()
            i += 2
            continue
        if ch in ",+":
            avas.append((typ.strip(), bytes(buf), hexform))
            typ, buf, in_value = "", bytearray(), False
            if ch == ",":
                rdns.append(avas)
                avas = []
            i += 1
            continue
        buf += ch.encode()
        i += 1
    if in_value or typ:
        avas.append((typ.strip(), bytes(buf), hexform))
    if avas:
        rdns.append(avas)
    return rdns


def dn_text(rdns):
    """tshark's name written most specific first, for the report."""
    if rdns is None:
        return None
    parts = []
    for rdn in reversed(rdns):
        parts.append("+".join("%s=%s" % (DN_TYPES.get(oid, (oid,))[0].upper()
                                         if oid in DN_TYPES else oid, text)
                              for oid, text, _ in rdn))
    return ",".join(parts)


def ava_agrees(mine, theirs):
    typ, raw, hexform = mine
    oid, text, der = theirs
    if typ != oid and typ.lower() not in DN_TYPES.get(oid, ()):
        return False
    if hexform:
        return raw.decode("ascii", "replace").lower() == (der or "")
    return raw.decode("utf-8", "replace") == text


def dn_agrees(ours, theirs):
    """Loose equality of tlsglass's RFC 4514 text and tshark's RDN list."""
    if ours is None or theirs is None:
        return ours is None and theirs is None
    mine = list(reversed(unescape_4514(ours)))
    if len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs):
        if len(a) != len(b):
            return False
        rest = list(b)
        for ava in a:
            match = next((x for x in rest if ava_agrees(ava, x)), None)
            if match is None:
                return False
            rest.remove(match)
    return True


def serial_of(s):
    if s is None:
        return None
    neg = s.startswith("-")
    v = int(s.lstrip("-") or "0", 16)
    return -v if neg else v


# --- comparison -------------------------------------------------------------

def tuple_label(t):
    def ep(ip, port):
        return ("[%s]:%d" if ":" in ip else "%s:%d") % (ip, port)
    return "%s>%s" % (ep(t[0], t[1]), ep(t[2], t[3]))


def show(v):
    if v is None:
        return "absent"
    if isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"))


def hello_checks(ours, theirs, retry):
    """(field, qualifier, tlsglass, tshark) for one pair of ClientHellos."""
    q = "retry" if retry else ""
    o = ours or {}
    t = theirs or {}
    out = [("sni", q, o.get("sni"), t.get("sni"))]
    if not retry:
        out.append(("ch_record_version", q, o.get("record_version"), t.get("record_version")))
    out += [
        ("ch_version", q, o.get("version"), t.get("version")),
        ("supported_versions", q, o.get("supported_versions"), t.get("supported_versions")),
        ("ch_cipher_suites", q, o.get("cipher_suites"), t.get("cipher_suites")),
        ("alpn_offered", q, o.get("alpn"), t.get("alpn")),
        ("supported_groups", q, o.get("supported_groups"), t.get("supported_groups")),
        ("key_share_groups", q, o.get("key_share_groups"), t.get("key_share_groups")),
        ("signature_algorithms", q, o.get("signature_algorithms"),
         t.get("signature_algorithms")),
        ("ch_extensions", q, o.get("extensions"), t.get("extensions")),
        ("ch_compression", q, o.get("compression_methods"), t.get("compression")),
        ("ch_session_id", q, o.get("session_id"), t.get("session_id")),
    ]
    if not t.get("sslv2") or t.get("random"):
        out.append(("ch_random", q, o.get("random"), t.get("random")))
    return out


def session_checks(r, s):
    out = []
    if r.get("client_hello") is not None or s["ch"] is not None:
        out += hello_checks(r.get("client_hello"), s["ch"], False)
    if r.get("retry_client_hello") is not None or s["ch2"] is not None:
        out += hello_checks(r.get("retry_client_hello"), s["ch2"], True)
    sh, tsh = r.get("server_hello"), s["sh"]
    if sh is not None or tsh is not None:
        o = sh or {}
        t = tsh or {}
        tv = t.get("selected_version") or t.get("version")
        out += [
            ("version", "", r.get("version"), tv),
            ("cipher", "", r.get("cipher_id"), t.get("cipher")),
            ("alpn_chosen", "", r.get("alpn"), t.get("alpn")),
            ("server_key_share", "", o.get("key_share_group"), t.get("key_share")),
            ("sh_extensions", "", o.get("extensions"), t.get("extensions")),
            ("sh_compression", "", o.get("compression_method"), t.get("compression")),
            ("sh_session_id", "", o.get("session_id"), t.get("session_id")),
            ("sh_random", "", o.get("random"), t.get("random")),
        ]
    if "hello_retry_request" in r or s["hrr"]:
        out.append(("hello_retry_request", "", r.get("hello_retry_request", False), s["hrr"]))
    for key, side in (("server_certificates", "server"), ("client_certificates", "client")):
        ours, theirs = r.get(key), s["certs"].get(side)
        if ours is None and theirs is None:
            continue
        out.append(("cert_count", side, None if ours is None else len(ours),
                    None if theirs is None else len(theirs)))
        for i, (c, tc) in enumerate(zip(ours or [], theirs or [])):
            q = "%s#%d" % (side, i)
            out.append(("cert_sha1", q, c.get("sha1"), tc["sha1"]))
            out.append(("cert_serial", q, c.get("serial"), tc["serial"]))
            for part in ("subject", "issuer"):
                mine, their = c.get(part), tc[part]
                out.append(("cert_" + part, q, mine, dn_text(their),
                            dn_agrees(mine, their)))
    alerts = ["%s:%s:%s" % (a["from"], a["level"], a["description"])
              for a in r.get("alerts", []) if not a.get("encrypted")]
    if alerts or s["alerts"]:
        out.append(("alerts", "", alerts, s["alerts"]))
    for side in ("client", "server"):
        ours = [m["type"] for m in r.get("messages", [])
                if m["from"] == side and m["type"] not in NOT_HANDSHAKE]
        theirs = s["messages"][side]
        if "too_many_messages" in r.get("errors", []):
            theirs = theirs[:len(ours)]
        if ours or theirs:
            out.append(("messages_" + side, "", ours, theirs))
    return out


def compare_capture(tool, path, rel, extra):
    """(rel, [(field, qualifier, tuple label, ours, theirs, agreed)], note)."""
    ours = tlsglass_sessions(tool, path)
    theirs, error = tshark_cache.sessions(path, extra)
    by_tuple = collections.defaultdict(lambda: [[], []])
    for r in sorted(ours, key=lambda r: r.get("ts", "")):
        t = (r["client_ip"], r["client_port"], r["server_ip"], r["server_port"])
        by_tuple[t][0].append(r)
    for s in theirs:
        by_tuple[s["tuple"]][1].append(s)
    results = []
    for t in sorted(by_tuple, key=str):
        mine, their = by_tuple[t]
        for i in range(max(len(mine), len(their))):
            label = tuple_label(t) + ("#%d" % (i + 1) if i else "")
            r = mine[i] if i < len(mine) else None
            s = their[i] if i < len(their) else None
            if r is None or s is None:
                results.append(("session", "", label, "present" if r else "absent",
                                "stream %d" % s["stream"] if s else "absent", False))
                continue
            results.append(("session", "", label, "present", "stream %d" % s["stream"], True))
            for check in session_checks(r, s):
                field, q, a, b = check[:4]
                if a is None and b is None:
                    continue
                if len(check) > 4:
                    agreed = check[4]
                elif field == "cert_serial":
                    agreed = serial_of(a) == b
                else:
                    agreed = a == b
                results.append((field, q, label, a, b, agreed))
    return rel, results, error


# --- known differences ------------------------------------------------------

def load_known():
    """Rows of the tables in tests/tshark-known-differences.md."""
    known, options = [], {}
    if not os.path.exists(KNOWN_FILE):
        return known, options
    header = None
    with open(KNOWN_FILE) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("|"):
                header = None
                continue
            cells = [c.strip().strip("`").strip() for c in line.strip("|").split("|")]
            if header is None:
                header = [c.lower() for c in cells]
                continue
            if all(set(c) <= set("-: ") for c in cells):
                continue
            row = dict(zip(header, cells))
            if "tshark option" in row:
                options.setdefault(row["capture"], []).extend(row["tshark option"].split())
            elif "field" in row:
                known.append(row)
    return known, options


def is_known(known, rel, label, field, q, a, b):
    for row in known:
        if row.get("capture") not in ("*", rel):
            continue
        if row.get("tuple", "*") not in ("*", label):
            continue
        if row.get("field") not in ("*", field, "%s(%s)" % (field, q)):
            continue
        if row.get("tlsglass", "*") not in ("*", show(a)):
            continue
        if row.get("tshark", "*") not in ("*", show(b)):
            continue
        return row
    return None


# --- driver -----------------------------------------------------------------

def tcp_tls_listed(row):
    """Whether an index.tsv row may hold TLS over TCP: it counts ClientHellos
    that are not QUIC's (DTLS ones are counted apart), or notes a ServerHello
    without one, or TLS on a port tshark gives to another dissector."""
    try:
        hellos = int(row["tls_clienthellos"] or 0) - int(row["quic_clienthellos"] or 0)
    except (KeyError, ValueError):
        return True
    features = row.get("features", "")
    return (hellos > 0 or "SH-without-CH" in features or
            "TLS-on-port-claimed-by-other-dissector" in features)


def capture_list(dirs):
    """[(path, name in reports, worth running)]."""
    out = []
    for d in dirs:
        index = os.path.join(d, "index.tsv")
        if os.path.exists(index):
            with open(index) as f:
                for row in csv.DictReader(f, delimiter="\t"):
                    out.append((os.path.join(d, row["path"]), row["path"],
                                tcp_tls_listed(row)))
        elif os.path.isdir(d):
            base = os.path.basename(os.path.normpath(d))
            for n in sorted(os.listdir(d)):
                if n.endswith((".pcap", ".pcapng")):
                    out.append((os.path.join(d, n), "%s/%s" % (base, n), True))
        else:
            print("tshark_diff: %s not found: skipped" % d)
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    tool = sys.argv[1]
    if not os.access(tool, os.X_OK) or shutil.which("tshark") is None:
        print("tshark_diff: %s is not executable, or tshark is not installed" % tool,
              file=sys.stderr)
        return 2
    dirs = sys.argv[2:] or [os.path.join(HERE, "..", "captures"),
                            os.path.join(HERE, "..", "..", "shared", "captures")]
    known, options = load_known()
    captures = capture_list(dirs)
    stats = collections.OrderedDict((f, [0, 0, 0, 0]) for f in FIELDS)
    lines = []
    passed = failed = skipped = 0
    used = set()

    def work(item):
        path, rel, listed = item
        if not listed and rel not in options:
            return rel, [], None
        return compare_capture(tool, path, rel, options.get(rel, []))

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for rel, results, error in pool.map(work, captures):
            if not results:
                skipped += 1
                continue
            bad = False
            if error:
                bad = True
                lines.append("%s - tshark: %s" % (rel, error))
            for field, q, label, a, b, agreed in results:
                st = stats[field]
                st[0] += 1
                if agreed:
                    st[1] += 1
                    continue
                st[2] += 1
                row = is_known(known, rel, label, field, q, a, b)
                name = "%s(%s)" % (field, q) if q else field
                text = "%s %s %s: tlsglass=%s tshark=%s" % (rel, label, name, show(a), show(b))
                if row:
                    used.add(id(row))
                    st[3] += 1
                    lines.append(text + " [known]")
                else:
                    bad = True
                    lines.append(text)
            if bad:
                failed += 1
            else:
                passed += 1
    print("%-22s %8s %8s %9s %6s" % ("field", "compared", "agreed", "disagreed", "known"))
    for f, (n, a, d, k) in stats.items():
        print("%-22s %8d %8d %9d %6d" % (f, n, a, d, k))
    for line in lines:
        print(line)
    ran = {rel for _, rel, _ in captures}
    for row in known:
        if id(row) not in used and row.get("capture") in ran:
            print("note: unused row of %s: %s %s %s" % (os.path.basename(KNOWN_FILE),
                                                          row.get("capture"), row.get("tuple"),
                                                          row.get("field")))
    print("%d captures without TLS over TCP skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
