#!/usr/bin/env python3
"""tlsglass's app_protocol against nDPI's own regression results.

For every capture under ../shared/captures/ntop_nDPI that has a .ndpi.out
beside it, runs tlsglass and compares the `app_protocol` of each TLS session
record with the protocol ndpiReader printed for the same TCP flow (its
`[proto: 91.126/TLS.Google]` field, names only: protocol ids differ between
nDPI versions; a tunnel prefix like "VXLAN:" is dropped). Flows are matched
on their two endpoints, either way round.

The .ndpi.out files were written by a newer nDPI (2024-10 code) than the
4.2 that tlsglass links, which knows applications, host names and
addresses 4.2 does not. Each such difference is a row of the table in
tests/known-differences.md (capture | oracle | field | their value | why):

  | `ntop_nDPI/CAPTURE` | ndpi.out | app_protocol | `NAME` | why ... |

where NAME is the name the .ndpi.out gives (`*`: any): every flow of that
capture that the .ndpi.out names NAME may differ. A session passes when the
names agree or its difference is listed; any other difference fails,
printed with a suggested row whose reason is a first guess ("app unknown
to nDPI 4.2" when the .ndpi.out names a protocol the installed libndpi does
not have; "4.2 takes the app from the server address" when tlsglass's name
is the .ndpi.out's plus the app it printed apart as [IP: ...]). Records with
no flow in the .ndpi.out are counted, not judged.

usage: ndpi_check.py TLSGLASS [CAPTURES_DIR] [--known FILE] [--suggest]
Prints agreement figures and a closing "N passed, M failed" line; exits 1
when a session failed. --suggest prints only the rows to add.
"""
import collections
import concurrent.futures
import ctypes
import ctypes.util
import glob
import ipaddress
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_DIR = os.path.join(ROOT, "..", "shared", "captures", "ntop_nDPI")
DEFAULT_KNOWN = os.path.join(HERE, "known-differences.md")

FLOW_LINE = re.compile(
    r"^\s*\d+\s+TCP\s+(\S+)\s+(?:<->|->|<-)\s+(\S+)\s+(?:\[[^\]]*\])*?\[proto:\s*([^\]]+)\]")


def endpoint(text):
    """'1.2.3.4:443' or '[2001:db8::1]:443' -> (normalized ip, port)."""
    m = re.match(r"^\[(.+)\]:(\d+)$", text) or re.match(r"^([^:]+):(\d+)$", text)
    if not m:
        return None
    try:
        return (str(ipaddress.ip_address(m.group(1))), int(m.group(2)))
    except ValueError:
        return None


def show(ep):
    ip, port = ep
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def proto_name(field):
    """'CAPWAP:91.239/TLS.GoogleServices' -> 'TLS.GoogleServices'."""
    name = field.split("/", 1)[1] if "/" in field else field
    return name.strip()


IP_FIELD = re.compile(r"\[IP:\s*\d+/([^\]]+)\]")


def ndpi_flows(path):
    """Endpoint pair -> (name, name by address) of the TCP flows in a
    .ndpi.out, in order."""
    flows = collections.defaultdict(list)
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = FLOW_LINE.match(line)
            if not m:
                continue
            a, b = endpoint(m.group(1)), endpoint(m.group(2))
            by_ip = IP_FIELD.search(line)
            if a and b:
                flows[frozenset((a, b))].append(
                    (proto_name(m.group(3)), by_ip.group(1) if by_ip else ""))
    return flows


def tlsglass_records(tool, capture):
    run = subprocess.run([tool, "-r", capture], capture_output=True, text=True, timeout=600)
    records = []
    for line in run.stdout.splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if r.get("type") == "tls" and r.get("transport") == "tcp" and not r.get("update"):
            records.append(r)
    return run.returncode, records


def ndpi42_names():
    """Protocol names of the installed libndpi, or None if it cannot be asked."""
    lib_path = ctypes.util.find_library("ndpi")
    if not lib_path:
        return None
    try:
        lib = ctypes.CDLL(lib_path)
        lib.ndpi_init_detection_module.restype = ctypes.c_void_p
        lib.ndpi_init_detection_module.argtypes = [ctypes.c_uint32]
        lib.ndpi_get_num_supported_protocols.restype = ctypes.c_uint
        lib.ndpi_get_num_supported_protocols.argtypes = [ctypes.c_void_p]
        lib.ndpi_get_proto_name.restype = ctypes.c_char_p
        lib.ndpi_get_proto_name.argtypes = [ctypes.c_void_p, ctypes.c_uint16]
        lib.ndpi_exit_detection_module.argtypes = [ctypes.c_void_p]
        mod = lib.ndpi_init_detection_module(0)
        if not mod:
            return None
        names = set()
        for i in range(lib.ndpi_get_num_supported_protocols(mod)):
            n = lib.ndpi_get_proto_name(mod, i)
            if n:
                names.add(n.decode())
        lib.ndpi_exit_detection_module(mod)
        return names
    except (OSError, AttributeError):
        return None


def load_known(path):
    """{(capture, their value or '*')} from the table's ndpi.out rows."""
    known = set()
    if not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.lstrip().startswith("|"):
                continue
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            if len(cells) >= 4 and cells[1] == "ndpi.out" and cells[2] == "app_protocol":
                known.add((cells[0], cells[3]))
    return known


def guess_reason(expected, by_ip, got, names):
    parts = expected.split(".")
    if names is not None and any(p not in names for p in parts):
        missing = [p for p in parts if p not in names]
        return f"app unknown to nDPI 4.2 ({', '.join(missing)})"
    if got == "-":
        return "no app_protocol"
    if by_ip and by_ip != "Unknown" and got == f"{expected}.{by_ip}":
        return f"4.2 takes the app from the server address ({by_ip}); newer nDPI shows it apart"
    e_master, g_master = parts[0], got.split(".")[0]
    if e_master == g_master or expected.startswith(got + ".") or got.startswith(expected + "."):
        return "same protocol, other app (4.2's host and address lists)"
    return "other protocol"


def check_capture(tool, out_path):
    capture = out_path[: -len(".ndpi.out")]
    if not os.path.exists(capture):
        return None
    status, records = tlsglass_records(tool, capture)
    return capture, status, records, ndpi_flows(out_path)


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    suggest = "--suggest" in argv
    known_path = DEFAULT_KNOWN
    if "--known" in argv:
        i = argv.index("--known")
        known_path = argv[i + 1]
        args.remove(known_path)
    if not args:
        print(__doc__)
        return 2
    tool = args[0]
    cap_dir = args[1] if len(args) > 1 else DEFAULT_DIR
    outs = sorted(glob.glob(os.path.join(cap_dir, "*.ndpi.out")))
    if not outs:
        print(f"no .ndpi.out files under {cap_dir}")
        return 2
    known = load_known(known_path)
    names = ndpi42_names()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as ex:
        results = [r for r in ex.map(lambda p: check_capture(tool, p), outs) if r]

    count = collections.Counter()
    used = set()
    failures = []
    suggested = collections.OrderedDict()
    for capture, status, records, flows in results:
        base = os.path.basename(capture)
        rel = f"{os.path.basename(os.path.normpath(cap_dir))}/{base}"
        if status not in (0, 4):
            failures.append(f"FAIL {rel}: tlsglass exited with status {status}")
            count["failed"] += 1
        taken = collections.Counter()
        for r in records:
            client = (str(ipaddress.ip_address(r["client_ip"])), r["client_port"])
            server = (str(ipaddress.ip_address(r["server_ip"])), r["server_port"])
            key = frozenset((client, server))
            if key not in flows:
                count["unmatched"] += 1
                continue
            lst = flows[key]
            expected, by_ip = lst[min(taken[key], len(lst) - 1)]
            taken[key] += 1
            got = r.get("app_protocol", "-")
            count["compared"] += 1
            count["has_app"] += got != "-"
            if got == expected:
                count["exact"] += 1
                count["passed"] += 1
                continue
            if got.split(".")[0] == expected.split(".")[0]:
                count["same_master"] += 1
            for k in ((rel, expected), (rel, "*")):
                if k in known:
                    used.add(k)
                    count["known"] += 1
                    count["passed"] += 1
                    break
            else:
                count["failed"] += 1
                failures.append(f"DIFF {rel}: server {show(server)}: .ndpi.out {expected}, "
                                f"tlsglass {got}")
                why = guess_reason(expected, by_ip, got, names)
                suggested.setdefault((rel, expected, why), collections.Counter())[got] += 1

    rows = []
    for (rel, expected, why), gots in suggested.items():
        ours = ", ".join(f"{g} x{n}" if n > 1 else g for g, n in gots.items())
        rows.append(f"| `{rel}` | ndpi.out | app_protocol | `{expected}` | {why} "
                    f"(tlsglass: {ours}) |")
    if suggest:
        print("\n".join(rows))
        return 0
    for line in failures:
        print(line)
    if rows:
        print("rows to add to tests/known-differences.md if these are nDPI version differences:")
        print("\n".join(rows))
    for k in sorted(known - used):
        print(f"note: known difference no longer seen: {k[0]} {k[1]}")
    n = count["compared"]
    pct = (lambda x: f"{100.0 * x / n:.1f}%") if n else (lambda x: "-")
    print(f"captures: {len(results)}; TLS records compared with a .ndpi.out flow: {n}; "
          f"without one: {count['unmatched']}")
    print(f"app_protocol present: {count['has_app']} ({pct(count['has_app'])})")
    master = count["exact"] + count["same_master"]
    print(f"agreement: exact name {count['exact']} ({pct(count['exact'])}); "
          f"same master protocol (the part before the dot) {master} ({pct(master)}); "
          f"listed differences {count['known']}")
    if names is None:
        print("note: could not ask libndpi for its protocol names")
    print(f"{count['passed']} passed, {count['failed']} failed")
    return 1 if count["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
