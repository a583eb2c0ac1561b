#!/usr/bin/env python3
"""Field-by-field checks of the records of the project's own captures.

Each capture in captures/ was made by captures/make-captures.sh with known
tools and options (captures/README.md). The values below come from that
recipe (who talked to whom, which versions, suites, names and certificates
were configured) and from tshark's reading of the capture, not from
tlsglass's output: if tlsglass reports anything else, the test fails.

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


def main():
    tool = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "captures")
    passed = failed = 0
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
    print("scenarios: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
