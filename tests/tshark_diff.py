#!/usr/bin/env python3
"""Field-by-field comparison of tlsglass with tshark, session by session.

usage: tshark_diff.py TLSGLASS [DIR...]

DIR defaults to the project's captures/ and ../shared/captures. A DIR with
an index.tsv is read through it (every listed file); any other DIR gives
every .pcap/.pcapng in it. Only TLS over TCP is compared: QUIC and DTLS
sessions are left out on both sides.

For every capture, tlsglass runs once (NDJSON) and tshark runs once (`-T
pdml`, only the frames with a plaintext handshake message or alert over TCP,
only the ip/ipv6/tcp/tls layers, `tcp.reassemble_out_of_order` on, plus any
per-capture options from the known-differences file). PDML rather than
`-T fields` because several checks need the tree: which extension a value
sits in, which certificate an issuer belongs to, which record carried a
message. Sessions are keyed as in tests/conformance.py: tshark's tcp.stream,
the innermost IP layer, the client being the sender of the ClientHello (or,
for a one-sided capture, the receiver of the ServerHello). A tlsglass record
and a tshark stream are paired by their 4-tuple and their order within it.

Every code point is compared as the name tlsglass must write for it: the
tables below are made from the IANA TLS registries, independently of
tlsglass's own tables, so a wrong name is a disagreement too.

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
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWN_FILE = os.path.join(HERE, "tshark-known-differences.md")
TSHARK_TIMEOUT = 300  # seconds for one capture

# The random of a HelloRetryRequest (RFC 8446 section 4.1.3): SHA-256 of
# "HelloRetryRequest".
HRR_RANDOM = hashlib.sha256(b"HelloRetryRequest").hexdigest()

# --- IANA names (TLS Parameters registry group) -----------------------------

VERSIONS = {0x0002: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1",
            0x0303: "TLSv1.2", 0x0304: "TLSv1.3", 0xfeff: "DTLSv1.0",
            0xfefd: "DTLSv1.2", 0xfefc: "DTLSv1.3"}

# TLS Supported Groups.
GROUPS = {
    1: "sect163k1", 2: "sect163r1", 3: "sect163r2", 4: "sect193r1", 5: "sect193r2",
    6: "sect233k1", 7: "sect233r1", 8: "sect239k1", 9: "sect283k1", 10: "sect283r1",
    11: "sect409k1", 12: "sect409r1", 13: "sect571k1", 14: "sect571r1",
    15: "secp160k1", 16: "secp160r1", 17: "secp160r2", 18: "secp192k1",
    19: "secp192r1", 20: "secp224k1", 21: "secp224r1", 22: "secp256k1",
    23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 26: "brainpoolP256r1",
    27: "brainpoolP384r1", 28: "brainpoolP512r1", 29: "x25519", 30: "x448",
    31: "brainpoolP256r1tls13", 32: "brainpoolP384r1tls13",
    33: "brainpoolP512r1tls13", 34: "GC256A", 35: "GC256B", 36: "GC256C",
    37: "GC256D", 38: "GC512A", 39: "GC512B", 40: "GC512C", 41: "curveSM2",
    256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096", 259: "ffdhe6144",
    260: "ffdhe8192", 512: "MLKEM512", 513: "MLKEM768", 514: "MLKEM1024",
    4587: "SecP256r1MLKEM768", 4588: "X25519MLKEM768", 4589: "SecP384r1MLKEM1024",
    25497: "X25519Kyber768Draft00", 25498: "SecP256r1Kyber768Draft00",
    65281: "arbitrary_explicit_prime_curves", 65282: "arbitrary_explicit_char2_curves",
}

# TLS SignatureScheme.
SIGNATURE_SCHEMES = {
    0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1",
    0x0401: "rsa_pkcs1_sha256", 0x0501: "rsa_pkcs1_sha384", 0x0601: "rsa_pkcs1_sha512",
    0x0403: "ecdsa_secp256r1_sha256", 0x0503: "ecdsa_secp384r1_sha384",
    0x0603: "ecdsa_secp521r1_sha512",
    0x0420: "rsa_pkcs1_sha256_legacy", 0x0520: "rsa_pkcs1_sha384_legacy",
    0x0620: "rsa_pkcs1_sha512_legacy",
    0x0704: "eccsi_sha256", 0x0705: "iso_ibs1", 0x0706: "iso_ibs2",
    0x0707: "iso_chinese_ibs", 0x0708: "sm2sig_sm3",
    0x0709: "gostr34102012_256a", 0x070a: "gostr34102012_256b",
    0x070b: "gostr34102012_256c", 0x070c: "gostr34102012_256d",
    0x070d: "gostr34102012_512a", 0x070e: "gostr34102012_512b",
    0x070f: "gostr34102012_512c",
    0x0804: "rsa_pss_rsae_sha256", 0x0805: "rsa_pss_rsae_sha384",
    0x0806: "rsa_pss_rsae_sha512", 0x0807: "ed25519", 0x0808: "ed448",
    0x0809: "rsa_pss_pss_sha256", 0x080a: "rsa_pss_pss_sha384",
    0x080b: "rsa_pss_pss_sha512",
    0x081a: "ecdsa_brainpoolP256r1tls13_sha256",
    0x081b: "ecdsa_brainpoolP384r1tls13_sha384",
    0x081c: "ecdsa_brainpoolP512r1tls13_sha512",
    0x0840: "gostr34102012_256", 0x0841: "gostr34102012_512",
    0x0904: "mldsa44", 0x0905: "mldsa65", 0x0906: "mldsa87",
}
# TLS 1.2 HashAlgorithm x SignatureAlgorithm pairs (RFC 5246 section 7.4.1.4.1)
# that the SignatureScheme registry leaves out are named "<sig>_<hash>", as
# docs/record.md says.
for _h, _hn in ((1, "md5"), (2, "sha1"), (3, "sha224"), (4, "sha256"), (5, "sha384"),
                (6, "sha512")):
    for _s, _sn in ((1, "rsa_pkcs1"), (2, "dsa"), (3, "ecdsa")):
        SIGNATURE_SCHEMES.setdefault(_h << 8 | _s, "%s_%s" % (_sn, _hn))

# TLS Alerts (the _RESERVED suffixes of the registry left off).
ALERTS = {
    0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
    21: "decryption_failed", 22: "record_overflow", 30: "decompression_failure",
    40: "handshake_failure", 41: "no_certificate", 42: "bad_certificate",
    43: "unsupported_certificate", 44: "certificate_revoked",
    45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter",
    48: "unknown_ca", 49: "access_denied", 50: "decode_error", 51: "decrypt_error",
    52: "too_many_cids_requested", 60: "export_restriction",
    70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
    86: "inappropriate_fallback", 90: "user_canceled", 100: "no_renegotiation",
    109: "missing_extension", 110: "unsupported_extension",
    111: "certificate_unobtainable", 112: "unrecognized_name",
    113: "bad_certificate_status_response", 114: "bad_certificate_hash_value",
    115: "unknown_psk_identity", 116: "certificate_required", 117: "general_error",
    120: "no_application_protocol", 121: "ech_required",
}
ALERT_LEVELS = {1: "warning", 2: "fatal"}

# TLS HandshakeType (67: NPN's next_protocol, outside the registry).
HANDSHAKE_TYPES = {
    0: "hello_request", 1: "client_hello", 2: "server_hello",
    3: "hello_verify_request", 4: "new_session_ticket", 5: "end_of_early_data",
    6: "hello_retry_request", 8: "encrypted_extensions",
    9: "request_connection_id", 10: "new_connection_id", 11: "certificate",
    12: "server_key_exchange", 13: "certificate_request", 14: "server_hello_done",
    15: "certificate_verify", 16: "client_key_exchange",
    17: "client_certificate_request", 20: "finished", 21: "certificate_url",
    22: "certificate_status", 23: "supplemental_data", 24: "key_update",
    25: "compressed_certificate", 26: "ekt_key", 67: "next_protocol",
    254: "message_hash",
}
NOT_HANDSHAKE = ("change_cipher_spec", "alert", "encrypted_handshake")

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

# SSLv2 message types (draft-hickman-netscape-ssl-00): the two hellos have
# TLS names, the rest keep an sslv2_ prefix.
SSLV2_TYPES = {0: "sslv2_error", 1: "client_hello", 2: "sslv2_client_master_key",
               3: "sslv2_client_finished", 4: "server_hello", 5: "sslv2_server_verify",
               6: "sslv2_server_finished", 7: "sslv2_request_certificate",
               8: "sslv2_client_certificate"}

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


def name_of(table, code):
    return table.get(code, "0x%04x" % code)


def printable(raw):
    """Wire text as tlsglass shows it: bytes outside printable ASCII as '?'."""
    return "".join(chr(b) if 0x20 <= b < 0x7f else "?" for b in raw)


# --- PDML helpers -----------------------------------------------------------

def kids(elem, name):
    return [e for e in elem if e.tag == "field" and e.get("name") == name]


def kid(elem, name):
    for e in elem:
        if e.tag == "field" and e.get("name") == name:
            return e
    return None


def first(elem, name):
    """The shallowest descendant field called name (breadth first)."""
    level = list(elem)
    while level:
        for e in level:
            if e.tag == "field" and e.get("name") == name:
                return e
        level = [c for e in level for c in e]
    return None


def every(elem, name):
    return [e for e in elem.iter("field") if e.get("name") == name]


def num(e):
    s = e.get("show", "")
    return int(s, 16) if s.startswith("0x") else int(s)


def hexval(e):
    return (e.get("value") or "").lower() if e is not None else None


def extensions(hs):
    """[(type, element)] of a hello's extensions, in order."""
    out = []
    for e in hs:
        if e.tag == "field" and e.get("name") == "":
            t = kid(e, "tls.handshake.extension.type")
            if t is not None:
                out.append((num(t), e))
    return out


def parse_ch(hs, record_version, sslv2):
    ch = {"record_version": record_version, "sslv2": sslv2}
    v = kid(hs, "tls.handshake.version")
    ch["version"] = name_of(VERSIONS, num(v)) if v is not None else None
    r = kid(hs, "tls.handshake.random")
    ch["random"] = hexval(r)
    sid = kid(hs, "tls.handshake.session_id")
    ch["session_id"] = hexval(sid) if sid is not None else ""
    cs = every(hs, "tls.handshake.cipherspec" if sslv2 else "tls.handshake.ciphersuite")
    ch["cipher_suites"] = [int(hexval(c), 16) for c in cs]
    ch["compression"] = None if sslv2 else [num(c) for c in every(hs, "tls.handshake.comp_method")]
    exts = extensions(hs)
    has_block = kid(hs, "tls.handshake.extensions_length") is not None
    ch["extensions"] = [t for t, _ in exts] if has_block else None
    for key in ("sni", "supported_versions", "supported_groups", "key_share_groups",
                "signature_algorithms", "alpn"):
        ch[key] = None
    for t, e in exts:
        if t == 0 and ch["sni"] is None:
            types = every(e, "tls.handshake.extensions_server_name_type")
            names = every(e, "tls.handshake.extensions_server_name")
            for ty, nm in zip(types, names):
                if num(ty) == 0:
                    ch["sni"] = printable(bytes.fromhex(hexval(nm)))
                    break
        elif t == 43:
            ch["supported_versions"] = [name_of(VERSIONS, num(x)) for x in
                                        every(e, "tls.handshake.extensions.supported_version")]
        elif t == 10:
            ch["supported_groups"] = [name_of(GROUPS, num(x)) for x in
                                      every(e, "tls.handshake.extensions_supported_group")]
        elif t in (51, 40):  # 40: key_share up to TLS 1.3 draft 22
            ch["key_share_groups"] = [name_of(GROUPS, num(x)) for x in
                                      every(e, "tls.handshake.extensions_key_share_group")]
        elif t == 13:
            ch["signature_algorithms"] = [name_of(SIGNATURE_SCHEMES, num(x)) for x in
                                          every(e, "tls.handshake.sig_hash_alg")]
        elif t == 16:
            ch["alpn"] = [printable(bytes.fromhex(hexval(x))) for x in
                          every(e, "tls.handshake.extensions_alpn_str")] or None
    return ch


def parse_sh(hs):
    sh = {}
    v = kid(hs, "tls.handshake.version")
    sh["version"] = name_of(VERSIONS, num(v)) if v is not None else None
    sh["random"] = hexval(kid(hs, "tls.handshake.random"))
    sid = kid(hs, "tls.handshake.session_id")
    sh["session_id"] = hexval(sid) if sid is not None else ""
    c = kid(hs, "tls.handshake.ciphersuite")
    sh["cipher"] = num(c) if c is not None else None
    cm = kid(hs, "tls.handshake.comp_method")
    sh["compression"] = num(cm) if cm is not None else None
    exts = extensions(hs)
    sh["extensions"] = [t for t, _ in exts]
    sh["selected_version"] = sh["key_share"] = sh["alpn"] = None
    for t, e in exts:
        if t == 43:
            x = first(e, "tls.handshake.extensions.supported_version")
            if x is not None:
                sh["selected_version"] = name_of(VERSIONS, num(x))
        elif t in (51, 40):
            x = first(e, "tls.handshake.extensions_key_share_group")
            if x is None:
                x = first(e, "tls.handshake.extensions_key_share_selected_group")
            if x is not None:
                sh["key_share"] = name_of(GROUPS, num(x))
        elif t == 16:
            x = first(e, "tls.handshake.extensions_alpn_str")
            if x is not None:
                sh["alpn"] = printable(bytes.fromhex(hexval(x)))
    sh["hrr"] = sh["random"] == HRR_RANDOM
    return sh


STRING_CODECS = {"x509sat.uTF8String": "utf-8", "x509sat.bMPString": "utf-16-be",
                 "x509sat.universalString": "utf-32-be"}


def parse_name(name_elem):
    """[[(oid, text or None, der hex)]] in DER order, from x509af.subject/issuer."""
    rdns = []
    if name_elem is None:
        return None
    for rdn in every(name_elem, "x509if.RDNSequence_item"):
        avas = []
        for ava in kids(rdn, "x509if.RelativeDistinguishedName_item_element"):
            oid = kid(ava, "x509if.oid")
            rest = [e for e in ava if e.tag == "field" and e is not oid]
            text, der = None, None
            if rest:
                der = hexval(rest[0])
                # the innermost field under the value, tshark's notes aside
                leaf = [e for e in rest[0].iter("field")
                        if not e.get("name", "").startswith("_ws")][-1]
                raw = bytes.fromhex(hexval(leaf) or "")
                text = raw.decode(STRING_CODECS.get(leaf.get("name"), "latin-1"), "replace")
            avas.append((oid.get("show") if oid is not None else "?", text, der))
        rdns.append(avas)
    return rdns


def parse_certificates(hs):
    certs = []
    for c in every(hs, "tls.handshake.certificate"):
        der = bytes.fromhex(hexval(c))
        cert = {"sha1": hashlib.sha1(der).hexdigest(), "serial": None,
                "subject": parse_name(first(c, "x509af.subject")),
                "issuer": parse_name(first(c, "x509af.issuer"))}
        s = first(c, "x509af.serialNumber")
        if s is not None and hexval(s):
            cert["serial"] = int.from_bytes(bytes.fromhex(hexval(s)), "big", signed=True)
        certs.append(cert)
    return certs


def record_events(rec, src, dst, out):
    """Appends the plaintext handshake messages and alerts of one tls.record."""
    rv = kid(rec, "tls.record.version")
    rversion = name_of(VERSIONS, num(rv)) if rv is not None else None
    sslv2 = rec.get("showname", "").startswith("SSLv2")
    if sslv2:
        t = kid(rec, "tls.handshake.type")
        if t is not None:
            ev = {"src": src, "dst": dst, "kind": "hs", "type": num(t), "sslv2": True}
            if num(t) == 1:
                ev["ch"] = parse_ch(rec, "SSLv2", True)
            out.append(ev)
        return
    for hs in kids(rec, "tls.handshake"):
        t = kid(hs, "tls.handshake.type")
        if t is None:
            continue  # encrypted
        ev = {"src": src, "dst": dst, "kind": "hs", "type": num(t), "sslv2": False}
        if ev["type"] == 1:
            ev["ch"] = parse_ch(hs, rversion, False)
        elif ev["type"] == 2:
            ev["sh"] = parse_sh(hs)
        elif ev["type"] == 11:
            ev["certs"] = parse_certificates(hs)
        out.append(ev)
    for al in kids(rec, "tls.alert_message"):
        lv, de = kid(al, "tls.alert_message.level"), kid(al, "tls.alert_message.desc")
        if lv is not None and de is not None:
            out.append({"src": src, "dst": dst, "kind": "alert",
                        "level": name_of(ALERT_LEVELS, num(lv)),
                        "desc": name_of(ALERTS, num(de))})


def packet_events(pkt, streams):
    ip = None
    tcp = None
    for proto in pkt:
        if proto.tag != "proto":
            continue
        n = proto.get("name")
        if n in ("ip", "ipv6"):
            s, d = first(proto, n + ".src"), first(proto, n + ".dst")
            if s is not None and d is not None:
                ip = (s.get("show"), d.get("show"))
        elif n == "tcp" and ip is not None:
            st = first(proto, "tcp.stream")
            sp, dp = first(proto, "tcp.srcport"), first(proto, "tcp.dstport")
            if st is not None and sp is not None and dp is not None:
                tcp = (int(st.get("show")), (ip[0], num(sp)), (ip[1], num(dp)))
        elif n == "tls" and tcp is not None:
            events = streams.setdefault(tcp[0], [])
            for rec in kids(proto, "tls.record"):
                record_events(rec, tcp[1], tcp[2], events)


def tshark_sessions(path, extra):
    """{stream: session summary} as tshark sees the capture."""
    cmd = ["tshark", "-n", "-r", path, "-o", "tcp.reassemble_out_of_order:TRUE"]
    cmd += extra + ["-Y", "tcp && (tls.handshake.type || tls.alert_message.level)",
                    "-T", "pdml", "-J", "ip ipv6 tcp tls"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    watchdog = threading.Timer(TSHARK_TIMEOUT, proc.kill)
    watchdog.start()
    streams = {}
    try:
        for _, elem in ET.iterparse(proc.stdout, events=("end",)):
            if elem.tag == "packet":
                packet_events(elem, streams)
                elem.clear()
    except ET.ParseError as e:
        streams.setdefault("error", "tshark PDML: %s" % e)
    proc.stdout.close()
    proc.wait()
    watchdog.cancel()
    error = streams.pop("error", None)
    if proc.returncode < 0:
        error = "tshark killed after %d s" % TSHARK_TIMEOUT
    sessions = []
    for stream in sorted(streams):
        s = summarize_tshark(streams[stream])
        if s:
            s["stream"] = stream
            sessions.append(s)
    return sessions, error


def summarize_tshark(events):
    tup = None
    for ev in events:
        if ev["kind"] == "hs" and ev["type"] == 1:
            tup = ev["src"] + ev["dst"]
            break
        if ev["kind"] == "hs" and ev["type"] == 2 and not ev["sslv2"]:
            tup = ev["dst"] + ev["src"]
            break
    if tup is None:
        return None
    client = tup[:2]
    s = {"tuple": tup, "ch": None, "ch2": None, "sh": None, "hrr": False,
         "certs": {}, "alerts": [], "messages": {"client": [], "server": []}}
    for ev in events:
        side = "client" if ev["src"] == client else "server"
        if ev["kind"] == "alert":
            s["alerts"].append("%s:%s:%s" % (side, ev["level"], ev["desc"]))
            continue
        name = name_of(HANDSHAKE_TYPES, ev["type"])
        if ev.get("sh") and ev["sh"]["hrr"]:
            name = "hello_retry_request"
        if ev["sslv2"]:
            name = SSLV2_TYPES.get(ev["type"], "sslv2_%d" % ev["type"])
        s["messages"][side].append(name)
        if "ch" in ev:
            if s["ch"] is None:
                s["ch"] = ev["ch"]
            elif s["hrr"] and s["ch2"] is None:
                s["ch2"] = ev["ch"]
        elif "sh" in ev:
            if ev["sh"]["hrr"]:
                s["hrr"] = True
            elif s["sh"] is None:
                s["sh"] = ev["sh"]
        elif "certs" in ev and side not in s["certs"]:
            s["certs"][side] = ev["certs"]
        if ev["type"] == 6:
            s["hrr"] = True
    return s


# --- tlsglass side ----------------------------------------------------------

def tlsglass_sessions(tool, path):
    run = subprocess.run([tool, "-r", path], capture_output=True, text=True, timeout=600)
    recs = []
    for line in run.stdout.splitlines():
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
    theirs, error = tshark_sessions(path, extra)
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
