#!/usr/bin/env python3
"""summarize.py - what tshark sees in each capture, one line per TLS stream.

For every file given, runs tshark (reading each file the way tshark reads
it, so the link-layer variants are checked too) and prints, per TCP stream
that carries a TLS ClientHello (or, for plain-TCP files, per TCP stream):
client IP:port, server IP:port, ClientHellos seen, the negotiated version
(supported_versions in the ServerHello if present, else the ServerHello's
legacy version) and cipher suite, whether the server sent a Certificate
message in the clear, and any cleartext alerts.  tshark's own complaints
(truncated or corrupt files) are shown too.

Usage: summarize.py FILE...
"""

import os
import subprocess
import sys

VERSIONS = {"0x0300": "SSL3.0", "0x0301": "TLS1.0", "0x0302": "TLS1.1",
            "0x0303": "TLS1.2", "0x0304": "TLS1.3", "0x0002": "SSL2.0"}
SUITES = {
    "0x1301": "TLS_AES_128_GCM_SHA256",
    "0x1302": "TLS_AES_256_GCM_SHA384",
    "0x1303": "TLS_CHACHA20_POLY1305_SHA256",
    "0xc02f": "ECDHE_RSA_AES_128_GCM_SHA256",
    "0xc030": "ECDHE_RSA_AES_256_GCM_SHA384",
    "0xc02b": "ECDHE_ECDSA_AES_128_GCM_SHA256",
    "0xc02c": "ECDHE_ECDSA_AES_256_GCM_SHA384",
    "0x009f": "DHE_RSA_AES_256_GCM_SHA384",
    "0x009e": "DHE_RSA_AES_128_GCM_SHA256",
    "0xc013": "ECDHE_RSA_AES_128_CBC_SHA",
    "0xc014": "ECDHE_RSA_AES_256_CBC_SHA",
    "0x002f": "RSA_AES_128_CBC_SHA",
    "0x0035": "RSA_AES_256_CBC_SHA",
    "0xcca8": "ECDHE_RSA_CHACHA20_POLY1305",
}
FIELDS = ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst",
          "ipv6.dst", "tcp.dstport", "tls.handshake.type",
          "tls.handshake.version", "tls.handshake.extensions.supported_version",
          "tls.handshake.ciphersuite", "tls.alert_message.desc",
          "tls.record.content_type"]


def tshark_rows(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=;", "-Y", "tcp"]
    for f in FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True)
    rows = [dict(zip(FIELDS, line.split("\t")))
            for line in res.stdout.splitlines()]
    return rows, res.stderr.strip()


def summarize(path):
    rows, err = tshark_rows(path)
    streams = {}
    for r in rows:
        st = streams.setdefault(r["tcp.stream"], {
            "ends": None, "ch": 0, "sh": 0, "ver": "", "suite": "",
            "cert": False, "alerts": [], "tls": False})
        src = r["ip.src"] or "[%s]" % r["ipv6.src"]
        dst = r["ip.dst"] or "[%s]" % r["ipv6.dst"]
        if st["ends"] is None:
            st["ends"] = (src + ":" + r["tcp.srcport"],
                          dst + ":" + r["tcp.dstport"])
        types = [t for t in r["tls.handshake.type"].split(";") if t]
        if r["tls.record.content_type"]:
            st["tls"] = True
        if "1" in types:
            st["ch"] += types.count("1")
            if st["ch"] == types.count("1"):
                # The side sending the first ClientHello is the client.
                st["ends"] = (src + ":" + r["tcp.srcport"],
                              dst + ":" + r["tcp.dstport"])
        if "2" in types:
            st["sh"] += types.count("2")
            sv = r["tls.handshake.extensions.supported_version"]
            ver = sv.split(";")[-1] if sv else \
                r["tls.handshake.version"].split(";")[-1]
            st["ver"] = VERSIONS.get(ver, ver)
            suite = r["tls.handshake.ciphersuite"].split(";")[-1]
            st["suite"] = SUITES.get(suite, suite)
        if "11" in types:
            st["cert"] = True
        if r["tls.alert_message.desc"]:
            st["alerts"] += r["tls.alert_message.desc"].split(";")
    tls = {k: v for k, v in streams.items() if v["ch"]}
    print("== %s: %d TCP streams, %d with a ClientHello"
          % (os.path.basename(path), len(streams), len(tls)))
    for k, st in sorted(streams.items(), key=lambda kv: int(kv[0])):
        if tls and not st["ch"]:
            kind = "TLS records, no ClientHello" if st["tls"] else "no TLS"
            print("   stream %s %s -> %s: %s" % (k, st["ends"][0],
                                                 st["ends"][1], kind))
            continue
        if not tls:
            print("   stream %s %s -> %s: no TLS" % (k, *st["ends"]))
            continue
        line = "   stream %s %s -> %s: CH=%d SH=%d %s %s" % (
            k, st["ends"][0], st["ends"][1], st["ch"], st["sh"],
            st["ver"] or "-", st["suite"] or "-")
        if st["cert"]:
            line += " cert"
        if st["alerts"]:
            line += " alerts=" + ",".join(st["alerts"])
        print(line)
    for line in err.splitlines():
        if "Running as user" not in line:
            print("   tshark: " + line)


def main():
    for path in sys.argv[1:]:
        summarize(path)


if __name__ == "__main__":
    main()
