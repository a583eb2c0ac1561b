#!/usr/bin/env python3
"""tshark's view of a capture, made once and shared by the tests.

tests/conformance.py, tests/fingerprints.py and tests/tshark_diff.py all
compare tlsglass with tshark, capture by capture. Running tshark is the
dearest part of them (then tlsglass under ASan), so each capture is
dissected once (per set of extra options) and the summary is kept as JSON
in the directory named by the environment variable TG_TSHARK_CACHE
(tests/run.sh makes one with mktemp -d and removes it at exit). Without
TG_TSHARK_CACHE nothing is kept. tlsglass(tool, path) does the same for
`TOOL -r FILE`: its exit status, stdout and stderr.

One run: `tshark -n -r FILE -o tcp.reassemble_out_of_order:TRUE [OPTIONS]
-Y "tcp && (tls.handshake.type || tls.alert_message.level)" -T pdml -J
"ip ipv6 tcp tls"`: only the frames with a plaintext handshake message or
alert over TCP, only the ip/ipv6/tcp/tls layers. PDML rather than `-T
fields` because the checks need the tree: which extension a value sits in,
which certificate an issuer belongs to, which record carried a message.

sessions(path, options) gives, per TCP stream that carries a hello, a dict:
  stream    tshark's tcp.stream
  tuple     (client ip, client port, server ip, server port): the innermost
            IP layer; the client sends the ClientHello (for a one-sided
            capture: receives the ServerHello)
  ch, ch2   the first ClientHello, and the one after a HelloRetryRequest:
            record_version, sslv2, version, random, session_id,
            cipher_suites, compression, extensions, sni, supported_versions,
            supported_groups, key_share_groups, signature_algorithms, alpn,
            ja3, ja3_full (code points as IANA names, see the tables below)
  sh        the first ServerHello that is not a HelloRetryRequest: version,
            random, session_id, cipher, compression, extensions,
            selected_version, key_share, alpn, hrr, ja3s, ja3s_full
  hellos    every hello in order: {"type": 1 or 2, "hrr", "ja3"/"ja3_full"
            or "ja3s"/"ja3s_full"} (what tshark computed, "" when nothing)
  hrr       a HelloRetryRequest was seen
  certs     {"client"|"server": [{"sha1", "serial", "subject", "issuer"}]}:
            the first Certificate message of each side
  alerts    ["side:level:description"] of the plaintext alerts
  messages  {"client": [...], "server": [...]}: the plaintext handshake
            message types in order
and an error text (or None) when tshark failed.
"""
import hashlib
import json
import os
import subprocess
import tempfile
import threading
import xml.etree.ElementTree as ET

TSHARK_TIMEOUT = 300  # seconds for one capture
FILTER = "tcp && (tls.handshake.type || tls.alert_message.level)"
CACHE_VERSION = 1  # part of every key: bump when the summary changes

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
# SSLv2 message types (draft-hickman-netscape-ssl-00): the two hellos have
# TLS names, the rest keep an sslv2_ prefix.
SSLV2_TYPES = {0: "sslv2_error", 1: "client_hello", 2: "sslv2_client_master_key",
               3: "sslv2_client_finished", 4: "server_hello", 5: "sslv2_server_verify",
               6: "sslv2_server_finished", 7: "sslv2_request_certificate",
               8: "sslv2_client_certificate"}



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
    ch["ja3"] = shown(hs, "tls.handshake.ja3")
    ch["ja3_full"] = shown(hs, "tls.handshake.ja3_full")
    return ch


def shown(elem, name):
    """The show text of a child field, "" when tshark did not add it."""
    e = kid(elem, name)
    return e.get("show", "") if e is not None else ""


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
    sh["ja3s"] = shown(hs, "tls.handshake.ja3s")
    sh["ja3s_full"] = shown(hs, "tls.handshake.ja3s_full")
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
    s = {"tuple": tup, "ch": None, "ch2": None, "sh": None, "hrr": False, "hellos": [],
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
            s["hellos"].append({"type": 1, "ja3": ev["ch"]["ja3"],
                                "ja3_full": ev["ch"]["ja3_full"]})
        elif "sh" in ev:
            s["hellos"].append({"type": 2, "hrr": ev["sh"]["hrr"], "ja3s": ev["sh"]["ja3s"],
                                "ja3s_full": ev["sh"]["ja3s_full"]})
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


# --- the run and the cache --------------------------------------------------

def tshark_command(path, options):
    return (["tshark", "-n", "-r", path, "-o", "tcp.reassemble_out_of_order:TRUE"] +
            list(options) + ["-Y", FILTER, "-T", "pdml", "-J", "ip ipv6 tcp tls"])


def run_tshark(path, options):
    """(sessions, error) from a fresh tshark run."""
    proc = subprocess.Popen(tshark_command(path, options), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    watchdog = threading.Timer(TSHARK_TIMEOUT, proc.kill)
    watchdog.start()
    streams = {}
    error = None
    try:
        for _, elem in ET.iterparse(proc.stdout, events=("end",)):
            if elem.tag == "packet":
                packet_events(elem, streams)
                elem.clear()
    except ET.ParseError as e:
        error = "tshark PDML: %s" % e
    proc.stdout.close()
    proc.wait()
    watchdog.cancel()
    if proc.returncode < 0:
        error = "tshark killed after %d s" % TSHARK_TIMEOUT
    sessions = []
    for stream in sorted(streams):
        s = summarize_tshark(streams[stream])
        if s:
            s["stream"] = stream
            sessions.append(s)
    return sessions, error


def cache_file(path, options):
    """The cache entry of (capture, options), or None without a cache."""
    d = os.environ.get("TG_TSHARK_CACHE")
    if not d or not os.path.isdir(d):
        return None
    st = os.stat(path)
    key = json.dumps([CACHE_VERSION, os.path.abspath(path), st.st_size, st.st_mtime_ns,
                      list(options)])
    return os.path.join(d, hashlib.sha256(key.encode()).hexdigest() + ".json")


def cached(entry, make, keep=lambda value: True):
    """The JSON value in cache entry `entry` (a path, or None: no cache), made
    by make() and kept when it is not there yet."""
    if entry and os.path.exists(entry):
        with open(entry) as f:
            return json.load(f)
    value = make()
    if entry and keep(value):
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(entry))
        with os.fdopen(fd, "w") as f:
            json.dump(value, f)
        os.replace(tmp, entry)  # whole entries only, for concurrent readers
    return value


def sessions(path, options=()):
    """(sessions, error) of a capture, from the cache when it has them."""
    got, error = cached(cache_file(path, options), lambda: list(run_tshark(path, options)),
                        lambda value: value[1] is None)
    for s in got:
        s["tuple"] = tuple(s["tuple"])  # JSON gave a list
    return got, error


def tlsglass(tool, path, timeout=600):
    """(exit status, stdout, stderr) of `TOOL -r PATH`: the three tests read
    the same records, so the tool runs once per capture too (keyed by the
    binary's path, size and time as well)."""
    st = os.stat(tool)
    key = ["tlsglass", os.path.abspath(tool), st.st_size, st.st_mtime_ns]

    def run():
        r = subprocess.run([tool, "-r", path], capture_output=True, text=True, timeout=timeout)
        return [r.returncode, r.stdout, r.stderr]
    return tuple(cached(cache_file(path, key), run))
