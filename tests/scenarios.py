#!/usr/bin/env python3
"""Field-by-field checks of the records of the project's own captures.

Each capture in captures/ was made by captures/make-captures.sh with known
tools and options (captures/README.md). The values below come from that
recipe (who talked to whom, which versions, suites, names and certificates
were configured) and from tshark's reading of the capture, not from
tlsglass's output: if tlsglass reports anything else, the test fails.

A last check, the risk matrix, reads the risk codes from docs/risks.md and
fails unless each one is raised by some capture here, and absent from
another, as pinned by an exact `risks` expectation that tlsglass met.

usage: scenarios.py TLSGLASS [CAPTURES_DIR]
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "server.tlsglass.test"
C4, S4 = "10.77.0.1", "10.77.0.2"
LEAF = "CN=%s,O=tlsglass test" % NAME
INT = "CN=tlsglass Test Intermediate CA,O=tlsglass test"
ROOT = "CN=tlsglass Test Root CA,O=tlsglass test"
ECINT = "CN=tlsglass Test ECDSA Intermediate CA,O=tlsglass test"
ECROOT = "CN=tlsglass Test ECDSA Root CA,O=tlsglass test"

ANY = object()  # a key not checked in this session
T13 = "TLS_AES_256_GCM_SHA384"
T12 = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"

# The plain TLS 1.3 openssl session, which several link-layer variants share.
OPENSSL13 = {
    "client_ip": C4, "server_ip": S4, "server_port": 8443, "ip_version": 4,
    "state": "established", "version": "TLSv1.3", "cipher": T13, "cipher_id": 0x1302,
    "sni": NAME, "resumed": False, "hello_retry_request": False, "group": "x25519",
    "client_hello.record_version": "TLSv1.0", "client_hello.version": "TLSv1.2",
    "client_hello.supported_versions": ["TLSv1.3"], "client_hello.alpn": ["h2", "http/1.1"],
    "client_hello.key_share_groups": ["x25519"], "client_hello.sslv2_compatible": False,
    "server_hello.selected_version": "TLSv1.3", "server_hello.key_share_group": "x25519",
    "messages.types": ["client_hello", "server_hello", "change_cipher_spec",
                       "encrypted_handshake", "encrypted_handshake", "encrypted_handshake",
                       "encrypted_handshake", "change_cipher_spec", "encrypted_handshake"],
    "validation": None, "risks": None, "errors": [],
}

# A full TLS 1.2 handshake with the RSA chain (leaf + intermediate).
FULL12 = {
    "client_ip": C4, "server_ip": S4, "server_port": 8443, "state": "established",
    "version": "TLSv1.2", "cipher": T12, "sni": NAME, "resumed": False,
    "server_certificates.subject": [LEAF, INT], "server_certificates.issuer": [INT, ROOT],
    "server_certificates.key_type": ["rsa", "rsa"], "server_certificates.is_ca": [False, True],
    "server_certificates.0.san_dns": [NAME, "*.tlsglass.test"],
    "server_certificates.0.san_ip": [S4],
    "server_certificates.0.not_before": "2025-06-01T00:00:00.000000Z",
    "server_certificates.0.not_after": "2035-06-01T00:00:00.000000Z",
    "server_key_exchange.kex": "ecdhe", "group": "x25519",
    "client_key_exchange.kex": "ecdhe", "client_key_exchange.length": 32,
    # The test PKI's root is in no system store; the leaf is valid 10 years.
    "validation": "unable to get local issuer certificate",
    "risks": ["untrusted_chain", "certificate_validity_too_long"],
    "errors": [],
}

OPENSSL12 = dict(FULL12, cipher="TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", cipher_id=0xc02f)


def gnutls(version, cipher, group="secp256r1"):
    risks = ["untrusted_chain", "certificate_validity_too_long"]
    if version in ("TLSv1.0", "TLSv1.1"):
        risks.insert(0, "obsolete_version")
    return {"client_ip": C4, "server_ip": S4, "server_port": 8443, "state": "established",
            "version": version, "cipher": cipher, "sni": NAME, "group": group, "errors": [],
            "risks": None if version == "TLSv1.3" else risks}


# docs/risks.md's order, which is the order of a record's risks list.
RISK_ORDER = ["obsolete_version", "weak_cipher", "self_signed_certificate",
              "expired_certificate", "not_yet_valid", "untrusted_chain",
              "sni_certificate_mismatch", "missing_sni", "insecure_renegotiation", "weak_key",
              "sha1_signature", "certificate_validity_too_long", "fatal_alert",
              "compression_enabled"]


def leaf_risks(*extra):
    """The test leaf's findings in TLS 1.2 (its root is in no system store,
    it is valid 10 years), plus extra, in the record's order."""
    risks = ["untrusted_chain", "certificate_validity_too_long"] + list(extra)
    return [r for r in RISK_ORDER if r in risks]


# Full TLS 1.2 handshakes with a session ticket, with an RSA key exchange
# (no ServerKeyExchange) and with ECDHE.
RSA12_MESSAGES = ["client_hello", "server_hello", "certificate", "server_hello_done",
                  "client_key_exchange", "change_cipher_spec", "encrypted_handshake",
                  "new_session_ticket", "change_cipher_spec", "encrypted_handshake"]
ECDHE12_MESSAGES = ["client_hello", "server_hello", "certificate", "server_key_exchange",
                    "server_hello_done", "client_key_exchange", "change_cipher_spec",
                    "encrypted_handshake", "new_session_ticket", "change_cipher_spec",
                    "encrypted_handshake"]


def sni_session(host, mismatch):
    """One of sni-mismatch.pcap's sessions: the usual RSA chain, SNI host."""
    extra = ["sni_certificate_mismatch"] if mismatch else []
    return dict(FULL12, sni=host, cipher_id=0xc030,
                **{"client_hello.sni": host, "risks": leaf_risks(*extra)})


SCENARIOS = {
    "tls13-openssl.pcap": [OPENSSL13],
    "tls13-openssl.pcapng": [OPENSSL13],
    "tls13-openssl-nsec.pcap": [OPENSSL13],
    "sll.pcap": [OPENSSL13], "sll2.pcap": [OPENSSL13], "raw.pcap": [OPENSSL13],
    "raw-ipv4.pcap": [OPENSSL13], "null.pcap": [OPENSSL13],
    "tls12-openssl.pcap": [dict(OPENSSL12, **{
        "messages.types": ["client_hello", "server_hello", "certificate",
                           "server_key_exchange", "server_hello_done", "client_key_exchange",
                           "change_cipher_spec", "encrypted_handshake", "new_session_ticket",
                           "change_cipher_spec", "encrypted_handshake"]})],
    "vlan.pcap": [dict(OPENSSL12, vlan=[100])],
    "qinq.pcap": [dict(OPENSSL12, vlan=[200, 100])],
    "tls12-dhe.pcap": [dict(FULL12, cipher="TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                            **{"server_key_exchange.kex": "dhe",
                               "server_key_exchange.dh_bits": 2048,
                               "client_key_exchange.kex": "dhe",
                               "client_key_exchange.length": 256, "group": None})],
    "tls13-gnutls.pcap": [gnutls("TLSv1.3", T13)],
    "tls12-gnutls.pcap": [gnutls("TLSv1.2", T12)],
    "tls11-gnutls.pcap": [gnutls("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")],
    "tls10-gnutls.pcap": [gnutls("TLSv1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")],
    "curl-https.pcap": [dict(OPENSSL13, **{"client_hello.alpn": ["http/1.1"],
                                           "client_hello.supported_versions":
                                           ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1.0"],
                                           "messages.types": ANY})],
    "resumption-ticket12.pcap": [
        dict(FULL12, **{"client_hello.session_ticket": False}),
        {"state": "resumed", "resumed": True, "resumption": "ticket", "version": "TLSv1.2",
         "risks": None, "validation": None,
         "client_hello.session_ticket": True, "server_certificates": None,
         "messages.types": ["client_hello", "server_hello", "change_cipher_spec",
                            "encrypted_handshake", "change_cipher_spec",
                            "encrypted_handshake"]}],
    "resumption-sessionid12.pcap": [
        FULL12,
        {"state": "resumed", "resumed": True, "resumption": "session_id",
         "version": "TLSv1.2", "server_certificates": None,
         "messages.types": ["client_hello", "server_hello", "change_cipher_spec",
                            "encrypted_handshake", "change_cipher_spec",
                            "encrypted_handshake"]}],
    "resumption-psk13.pcap": [
        dict(OPENSSL13, **{"messages.types": ANY, "client_hello.alpn": ANY}),
        {"state": "resumed", "resumed": True, "resumption": "psk", "version": "TLSv1.3",
         "client_hello.pre_shared_key": True, "server_hello.pre_shared_key": True}],
    "early-data13.pcap": [
        {"state": "established", "resumed": False, "client_hello.early_data": False},
        {"state": "resumed", "resumption": "psk", "early_data": "offered",
         "client_hello.early_data": True}],
    "hrr13.pcap": [{"state": "established", "version": "TLSv1.3",
                    "hello_retry_request": True, "group": "secp256r1",
                    "retry_client_hello.key_share_groups": ["secp256r1"],
                    "messages.types": ["client_hello", "hello_retry_request",
                                       "change_cipher_spec", "change_cipher_spec",
                                       "client_hello", "server_hello",
                                       "encrypted_handshake", "encrypted_handshake",
                                       "encrypted_handshake", "encrypted_handshake",
                                       "encrypted_handshake"]}],
    "alert-version.pcap": [{"state": "failed", "version": None, "risks": ["fatal_alert"],
                            "alerts.from": ["server"], "alerts.level": ["fatal"],
                            "alerts.description": ["protocol_version"]}],
    "alert-unknown-ca.pcap": [
        {"state": "failed", "version": "TLSv1.2", "alerts.from": ["client"],
         "risks": ["untrusted_chain", "certificate_validity_too_long", "fatal_alert"],
         "alerts.description": ["unknown_ca"], "alerts.level": ["fatal"]},
        {"state": "failed", "version": "TLSv1.3", "alerts.from": ["client"],
         "risks": ["fatal_alert"], "validation": None,
         "alerts.description": ["unknown_ca"]}],
    "client-cert12.pcap": [dict(FULL12, **{
        "client_certificates.subject": ["CN=client.tlsglass.test,O=tlsglass test", INT],
        "certificate_request.ca_names": [ROOT],
        "certificate_request.certificate_types": ["rsa_sign", "dss_sign", "ecdsa_sign"]})],
    "client-cert13.pcap": [{"state": "established", "version": "TLSv1.3",
                            "client_certificates": None}],
    "ecdsa-chain3.pcap": [{"state": "established", "version": "TLSv1.2",
                           "cipher": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                           "server_certificates.subject": [LEAF, ECINT, ECROOT],
                           "server_certificates.key_type": ["ec", "ec", "ec"],
                           "server_certificates.curve": ["prime256v1"] * 3,
                           "server_certificates.self_signed": [False, False, True],
                           "validation": "self-signed certificate in certificate chain",
                           "risks": ["untrusted_chain", "certificate_validity_too_long"]}],
    "cert-expired.pcap": [{"server_certificates.0.not_after":
                           "2021-01-01T00:00:00.000000Z",
                           "risks": ["expired_certificate", "untrusted_chain"]}],
    "cert-selfsigned.pcap": [{"server_certificates.subject": [LEAF],
                              "server_certificates.self_signed": [True],
                              "validation": "self-signed certificate",
                              "risks": ["self_signed_certificate", "untrusted_chain",
                                        "certificate_validity_too_long"]}],
    "cert-weak-rsa1024.pcap": [{"server_certificates.key_bits": [1024, 2048],
                                "risks": ["untrusted_chain", "weak_key",
                                          "certificate_validity_too_long"]}],
    # --- one capture per risk that no other capture raises (issue 4) ---
    "cert-notyet.pcap": [dict(FULL12, cipher_id=0xc030, **{
        "server_certificates.0.not_before": "2040-01-01T00:00:00.000000Z",
        "server_certificates.0.not_after": "2040-12-31T00:00:00.000000Z",
        "server_certificates.signature_algorithm": ["sha256WithRSAEncryption"] * 2,
        # OpenSSL names the unknown issuer first; the date is a finding of
        # its own, and a 366-day leaf is not too long.
        "validation": "unable to get local issuer certificate",
        "risks": ["not_yet_valid", "untrusted_chain"]})],
    "cert-sha1.pcap": [dict(FULL12, cipher_id=0xc030, **{
        "server_certificates.signature_algorithm": ["sha1WithRSAEncryption",
                                                    "sha256WithRSAEncryption"],
        "risks": leaf_risks("sha1_signature")})],
    "cipher-3des.pcap": [dict(gnutls("TLSv1.2", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"), **{
        "cipher_id": 0xc012, "client_hello.cipher_suites": [0xc012],
        "server_key_exchange.kex": "ecdhe", "validation": "unable to get local issuer certificate",
        "server_certificates.subject": [LEAF, INT], "messages.types": ECDHE12_MESSAGES,
        "risks": leaf_risks("weak_cipher")})],
    "cipher-rc4-md5.pcap": [dict(gnutls("TLSv1.2", "TLS_RSA_WITH_RC4_128_MD5", None), **{
        "cipher_id": 0x0004, "client_hello.cipher_suites": [0x0004],
        "server_key_exchange": None, "client_key_exchange.kex": "rsa",
        "client_key_exchange.length": 256, "server_certificates.subject": [LEAF, INT],
        "messages.types": RSA12_MESSAGES, "risks": leaf_risks("weak_cipher")})],
    "cipher-null.pcap": [dict(FULL12, **{
        "cipher": "TLS_RSA_WITH_NULL_SHA256", "cipher_id": 0x003b,
        "client_hello.cipher_suites": [0x003b, 0x00ff], "group": None,
        "server_key_exchange": None, "server_key_exchange.kex": None,
        "client_key_exchange.kex": "rsa",
        "client_key_exchange.length": 256,
        # Under a NULL cipher the records after the CCS are in the clear (a
        # MAC follows the content): tshark reads both Finished messages and
        # both close_notify alerts. `messages` ends with the handshake.
        "messages.types": ["client_hello", "server_hello", "certificate", "server_hello_done",
                           "client_key_exchange", "change_cipher_spec", "finished",
                           "new_session_ticket", "change_cipher_spec", "finished"],
        "alerts.from": ["client", "server"], "alerts.level": ["warning", "warning"],
        "alerts.description": ["close_notify", "close_notify"],
        "risks": leaf_risks("weak_cipher")})],
    "cipher-anon.pcap": [{
        "client_ip": C4, "server_ip": S4, "state": "established", "version": "TLSv1.2",
        "cipher": "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "cipher_id": 0x00a6, "sni": NAME,
        "client_hello.cipher_suites": [0x00a6, 0x00ff], "server_certificates": None,
        "server_key_exchange.kex": "dh_anon", "server_key_exchange.dh_bits": 1024,
        "client_key_exchange.kex": "dh_anon", "client_key_exchange.length": 128,
        "group": None, "validation": None, "errors": [],
        "messages.types": ["client_hello", "server_hello", "server_key_exchange",
                           "server_hello_done", "client_key_exchange", "change_cipher_spec",
                           "encrypted_handshake", "new_session_ticket", "change_cipher_spec",
                           "encrypted_handshake"],
        # OpenSSL sizes anonymous DH for 80-bit security: a 1024-bit prime.
        "risks": ["weak_cipher", "weak_key"]}],
    "sni-mismatch.pcap": [sni_session("www.example.net", True),
                          sni_session("a.b.tlsglass.test", True),
                          sni_session("wild.tlsglass.test", False)],
    "reneg-client-none.pcap": [dict(gnutls("TLSv1.2", T12), **{
        "cipher_id": 0xc030, "client_hello.extensions": [5, 10, 11, 13, 22, 23, 35, 0, 28],
        "server_hello.extensions": [11, 35, 23], "messages.types": ECDHE12_MESSAGES,
        "validation": "unable to get local issuer certificate",
        "risks": leaf_risks("insecure_renegotiation")})],
    "reneg-server-none.pcap": [dict(FULL12, **{
        "cipher_id": 0xc030, "client_hello.extensions": [0, 11, 10, 35, 22, 23, 13],
        "server_hello.extensions": [11, 23, 35], "messages.types": ECDHE12_MESSAGES,
        "risks": leaf_risks("insecure_renegotiation")})],
    # Written by captures/tools/synth_compression.py: every value is fixed
    # there, except the certificates.
    "compression-deflate.pcap": [dict(FULL12, **{
        "ts": "2026-01-15T12:00:00.000000Z", "ts_end": "2026-01-15T12:00:00.006120Z",
        "client_port": 40100, "cipher": "TLS_RSA_WITH_AES_128_GCM_SHA256", "cipher_id": 0x009c,
        "client_hello.record_version": "TLSv1.0", "client_hello.version": "TLSv1.2",
        "client_hello.cipher_suites": [0x009c, 0x002f],
        "client_hello.compression_methods": [1, 0],
        "client_hello.extensions": [0, 13, 23, 65281], "client_hello.length": 100,
        "server_hello.compression_method": 1, "server_hello.extensions": [65281, 23],
        "server_hello.length": 81,
        "server_hello.session_id":
        "1698312917b96250549b4a53bb27ebc26d674239789f9cbb4a7e6fd97b0d0d9c",
        "server_key_exchange": None, "server_key_exchange.kex": None, "group": None,
        "client_key_exchange.kex": "rsa",
        "client_key_exchange.length": 256, "client_bytes": 496, "server_bytes": 2033,
        "client_packets": 10, "server_packets": 8, "alerts": None,
        "messages.types": ["client_hello", "server_hello", "certificate", "server_hello_done",
                           "client_key_exchange", "change_cipher_spec", "encrypted_handshake",
                           "change_cipher_spec", "encrypted_handshake"],
        "risks": leaf_risks("compression_enabled")})],
    "small-mss.pcap": [{"state": "established", "version": "TLSv1.3",
                        "client_hello.length": 1396, "errors": []}],
    "big-chain-frag.pcap": [dict(FULL12, **{
        "server_certificates.subject": [LEAF, INT, ROOT],
        "server_certificates.issuer": [INT, ROOT, ROOT],
        "server_certificates.key_type": ["rsa"] * 3,
        "server_certificates.is_ca": [False, True, True],
        "validation": "self-signed certificate in certificate chain"})],
    "ipv6.pcap": [{"client_ip": "fd77::1", "server_ip": "fd77::2", "ip_version": 6,
                   "state": "established", "version": "TLSv1.3"}],
    "loss-reorder.pcap": [{"client_ip": "10.77.1.1", "server_ip": "10.77.1.2",
                           "state": "established", "version": "TLSv1.2",
                           "server_certificates.subject": [LEAF, INT], "errors": [],
                           "reassembly.gaps": 0}],
    "gap.pcap": [{"version": "TLSv1.2", "errors": ["tcp_gap", "resync"],
                  "reassembly.gaps": 1, "server_certificates": None}],
    "midstream.pcap": [{"state": "established", "sni": NAME, "errors": ["midstream"]}],
    "midstream-after-ch.pcap": [{"state": "established", "client_hello": None,
                                 "version": "TLSv1.3", "client_ip": C4,
                                 "errors": ["midstream"]}],
    "multi.pcap": [{"client_port": 40000, "state": "established"},
                   {"client_port": 40000, "state": "established"}],
    "notls.pcap": [],
    "sslv2-hello.pcap": [{"client_hello.sslv2_compatible": True,
                          "client_hello.record_version": "SSLv2",
                          "client_hello.version": "TLSv1.0", "version": "TLSv1.0",
                          "cipher": "TLS_RSA_WITH_AES_128_CBC_SHA",
                          "risks": ["obsolete_version", "untrusted_chain", "missing_sni",
                                    "certificate_validity_too_long"],
                          "messages.types": ["client_hello", "server_hello", "certificate",
                                             "server_hello_done", "alert", "alert"]}],
    "truncated.pcap": [{"state": "incomplete", "client_hello.sni": NAME,
                        "errors": ["damaged_input"]}],
    "corrupt.pcap": [{"state": "incomplete", "client_hello.sni": NAME,
                      "errors": ["damaged_input"]}],
}

MISSING = object()


def lookup(record, path):
    """A dotted path; a list along the way maps the rest over its items,
    except where the next part is an index."""
    if path == "messages.types":
        return [m["type"] for m in record.get("messages", [])]
    node = record
    parts = path.split(".")
    for i, part in enumerate(parts):
        if isinstance(node, list):
            if part.isdigit():
                node = node[int(part)] if int(part) < len(node) else MISSING
                continue
            rest = ".".join(parts[i:])
            return [lookup(item, rest) for item in node]
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def documented_risks():
    """The risk codes docs/risks.md defines: its '### code' headings under
    '## The risks'."""
    codes, inside = [], False
    with open(os.path.join(HERE, "..", "docs", "risks.md")) as f:
        for line in f:
            if line.startswith("## "):
                inside = line.strip() == "## The risks"
            elif inside and line.startswith("### "):
                codes.append(line[4:].strip())
    return codes


def risk_matrix(passed_names):
    """Every documented risk has a capture that raises it and one that does
    not, counting only sessions whose exact risks list is pinned above and
    captures whose checks all passed. Returns the problems found."""
    codes = documented_risks()
    problems = []
    if codes != RISK_ORDER:
        problems.append("docs/risks.md lists %r, this file %r" % (codes, RISK_ORDER))
    raised = {c: [] for c in codes}
    spared = {c: [] for c in codes}
    for name in sorted(passed_names):
        for want in SCENARIOS[name]:
            if "risks" not in want or want["risks"] is ANY:
                continue
            have = want["risks"] or []
            for r in have:
                if r not in raised:
                    problems.append("%s: risk %r is not in docs/risks.md" % (name, r))
            for c in codes:
                (raised if c in have else spared)[c].append(name)
    for c in codes:
        if not raised[c]:
            problems.append("%s: no capture raises it" % c)
        if not spared[c]:
            problems.append("%s: no capture is free of it" % c)
        print("risk %-30s raised by %s" % (c, ", ".join(sorted(set(raised[c]))) or "-"))
    return problems


def main():
    tool = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "captures")
    passed = failed = 0
    passed_names = []
    on_disk = {n for n in os.listdir(root) if n.endswith((".pcap", ".pcapng"))}
    for name in sorted(on_disk - set(SCENARIOS)):
        print("FAIL %s: a capture with no expectations here" % name)
        failed += 1
    for name, sessions in sorted(SCENARIOS.items()):
        # nDPI's own risks are checked by tests/ndpi_check.py; here only ours.
        run = subprocess.run([tool, "--no-ndpi", "-r", os.path.join(root, name)],
                             capture_output=True,
                             text=True, timeout=120)
        records = [json.loads(line) for line in run.stdout.splitlines()]
        problems = []
        if len(records) != len(sessions):
            problems.append("%d records, expected %d" % (len(records), len(sessions)))
        for i, (want, got) in enumerate(zip(sessions, records)):
            for path, value in want.items():
                if value is ANY:
                    continue
                have = lookup(got, path)
                if value is None:
                    if have is not MISSING:
                        problems.append("#%d %s: %r, expected absent" % (i, path, have))
                elif have != value:
                    problems.append("#%d %s: %r, expected %r" % (
                        i, path, None if have is MISSING else have, value))
        if problems:
            failed += 1
            for p in problems:
                print("FAIL %s: %s" % (name, p))
        else:
            passed += 1
            passed_names.append(name)
    problems = risk_matrix(passed_names)
    for p in problems:
        print("FAIL risk matrix: %s" % p)
    if problems:
        failed += 1
    else:
        passed += 1
    print("scenarios: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
