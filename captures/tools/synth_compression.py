#!/usr/bin/env python3
"""synth_compression.py - write a pcap of a TLS 1.2 session that uses DEFLATE.

No TLS stack on the test machine can still negotiate TLS-level compression
(Debian's OpenSSL 3 is built without zlib, GnuTLS removed it in 3.6), so
this program writes the capture itself.  Everything in it is fixed except
the certificates, which are read from the PEM files given (the run's PKI).

The file is a classic pcap (microsecond, LINKTYPE_ETHERNET) of one TCP
connection between the test network's addresses, client 10.77.0.1:40100
(MAC 02:77:00:00:00:01) and server 10.77.0.2:8443 (MAC 02:77:00:00:00:02):

   1  C->S  SYN (MSS 1460)
   2  S->C  SYN/ACK (MSS 1460)
   3  C->S  ACK
   4  C->S  ClientHello: TLS 1.2, suites TLS_RSA_WITH_AES_128_GCM_SHA256
            (0x009c) and TLS_RSA_WITH_AES_128_CBC_SHA (0x002f),
            compression_methods [1 (DEFLATE, RFC 3749), 0 (null)],
            extensions server_name (server.tlsglass.test),
            signature_algorithms, extended_master_secret,
            renegotiation_info (empty)
   5  S->C  ACK
   6+ S->C  ServerHello (0x009c, compression_method 1, extensions
            renegotiation_info and extended_master_secret), Certificate
            (the --cert files, in order), ServerHelloDone: one record per
            message, the bytes cut into segments of at most 1448 bytes
      C->S  ACK
      C->S  ClientKeyExchange (256 bytes standing for an RSA-encrypted
            premaster secret), ChangeCipherSpec, Finished (40 opaque bytes:
            8-byte explicit nonce, 16 bytes of compressed-then-encrypted
            verify_data, 16-byte tag), one segment
      S->C  ChangeCipherSpec, Finished (40 opaque bytes), one segment
      C->S  application_data (opaque), S->C application_data (opaque),
            each acknowledged
      C->S  FIN/ACK, S->C FIN/ACK, C->S ACK

Sequence and acknowledgement numbers follow the bytes exactly; the IPv4
header and TCP checksums are correct.  The opaque bytes (randoms, session
id, key exchange, encrypted records) come from SHA-256 of fixed labels, so
two runs with the same certificates give the same file.

Usage: synth_compression.py --cert LEAF.pem [--cert CA.pem ...]
                            [--time UNIX_SECONDS] OUT.pcap
"""

import argparse
import base64
import hashlib
import re
import struct

CMAC = bytes.fromhex("027700000001")
SMAC = bytes.fromhex("027700000002")
CIP = bytes([10, 77, 0, 1])
SIP = bytes([10, 77, 0, 2])
CPORT, SPORT = 40100, 8443
MSS = 1448  # payload bytes per segment, as on the test veth (MTU 1500)
SNI = b"server.tlsglass.test"
# 2026-01-15T12:00:00Z: inside the test leaf's validity (2025-06 to 2035-06).
DEFAULT_TIME = 1768478400

TLS12 = 0x0303
TLS10 = 0x0301
CT_CCS, CT_HANDSHAKE, CT_APPDATA = 20, 22, 23
HS_CLIENT_HELLO, HS_SERVER_HELLO, HS_CERTIFICATE = 1, 2, 11
HS_SERVER_HELLO_DONE, HS_CLIENT_KEY_EXCHANGE = 14, 16
EXT_SERVER_NAME, EXT_SIGNATURE_ALGORITHMS = 0, 13
EXT_EXTENDED_MASTER_SECRET, EXT_RENEGOTIATION_INFO = 23, 0xFF01
SUITE = 0x009C  # TLS_RSA_WITH_AES_128_GCM_SHA256
COMPRESSION_DEFLATE, COMPRESSION_NULL = 1, 0
# rsa_pss_rsae_sha256, rsa_pkcs1_sha256, ecdsa_secp256r1_sha256,
# rsa_pkcs1_sha384, rsa_pkcs1_sha512
SIG_ALGS = [0x0804, 0x0401, 0x0403, 0x0501, 0x0601]


def opaque(label, n):
    """n bytes that look random but are fixed by label."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"tlsglass synth %s %d" % (label.encode(), i)).digest()
        i += 1
    return out[:n]


# ------------------------------------------------------------- TLS bytes --

def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def vec24(b):
    return u24(len(b)) + b


def ext(code, body):
    return u16(code) + vec16(body)


def handshake(msg_type, body):
    return u8(msg_type) + vec24(body)


def record(content_type, body, version=TLS12):
    return u8(content_type) + u16(version) + vec16(body)


def client_hello():
    sni = vec16(u8(0) + vec16(SNI))  # server_name_list: host_name
    exts = (ext(EXT_SERVER_NAME, sni)
            + ext(EXT_SIGNATURE_ALGORITHMS, vec16(b"".join(u16(a) for a in SIG_ALGS)))
            + ext(EXT_EXTENDED_MASTER_SECRET, b"")
            + ext(EXT_RENEGOTIATION_INFO, vec8(b"")))
    body = (u16(TLS12) + opaque("client random", 32) + vec8(b"")
            + vec16(u16(SUITE) + u16(0x002F))
            + vec8(bytes([COMPRESSION_DEFLATE, COMPRESSION_NULL]))
            + vec16(exts))
    return record(CT_HANDSHAKE, handshake(HS_CLIENT_HELLO, body), TLS10)


def server_flight(certs):
    exts = ext(EXT_RENEGOTIATION_INFO, vec8(b"")) + ext(EXT_EXTENDED_MASTER_SECRET, b"")
    hello = (u16(TLS12) + opaque("server random", 32) + vec8(opaque("session id", 32))
             + u16(SUITE) + u8(COMPRESSION_DEFLATE) + vec16(exts))
    chain = b"".join(vec24(der) for der in certs)
    return (record(CT_HANDSHAKE, handshake(HS_SERVER_HELLO, hello))
            + record(CT_HANDSHAKE, handshake(HS_CERTIFICATE, vec24(chain)))
            + record(CT_HANDSHAKE, handshake(HS_SERVER_HELLO_DONE, b"")))


def client_finish():
    kex = handshake(HS_CLIENT_KEY_EXCHANGE, vec16(opaque("encrypted premaster", 256)))
    return (record(CT_HANDSHAKE, kex) + record(CT_CCS, b"\x01")
            + record(CT_HANDSHAKE, opaque("client finished", 40)))


def server_finish():
    return record(CT_CCS, b"\x01") + record(CT_HANDSHAKE, opaque("server finished", 40))


# ------------------------------------------------------- TCP/IP framing --

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10


class Connection:
    """Both ends of one TCP connection; frames() gives what was sent."""

    def __init__(self, start):
        self.t = start * 1000000  # microseconds
        self.seq = {"c": 0x1D7A5000, "s": 0x6B3C9000}
        self.ack = {"c": 0, "s": 0}
        self.ip_id = {"c": 0x4000, "s": 0x7000}
        self.out = []

    def send(self, side, flags, payload=b"", options=b"", delay=100):
        self.t += delay
        if side == "c":
            src, dst, sport, dport, smac, dmac = CIP, SIP, CPORT, SPORT, CMAC, SMAC
        else:
            src, dst, sport, dport, smac, dmac = SIP, CIP, SPORT, CPORT, SMAC, CMAC
        other = "s" if side == "c" else "c"
        ack = self.ack[side] if flags & ACK else 0
        hlen = 20 + len(options)
        tcp = struct.pack("!HHIIBBHHH", sport, dport, self.seq[side], ack, (hlen // 4) << 4,
                          flags, 64240, 0, 0) + options + payload
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + u16(checksum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), self.ip_id[side], 0x4000,
                         64, 6, 0, src, dst)
        ip = ip[:10] + u16(checksum(ip)) + ip[12:]
        self.ip_id[side] += 1
        self.out.append((self.t, dmac + smac + u16(0x0800) + ip + tcp))
        self.seq[side] = (self.seq[side] + len(payload)
                          + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        self.ack[other] = self.seq[side]

    def data(self, side, payload, delay=500):
        """Send payload in MSS-sized segments, the last with PSH; delay is
        the microseconds before the first."""
        chunks = [payload[i:i + MSS] for i in range(0, len(payload), MSS)]
        for n, chunk in enumerate(chunks):
            last = n == len(chunks) - 1
            self.send(side, ACK | (PSH if last else 0), chunk, delay=delay if n == 0 else 20)


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for t, frame in frames:
            sec, usec = divmod(t, 1000000)
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


def read_pem_certs(path):
    text = open(path).read()
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----",
                        text, re.S)
    if not blocks:
        raise SystemExit("%s: no certificate" % path)
    return [base64.b64decode("".join(b.split())) for b in blocks]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cert", action="append", required=True,
                    help="PEM file; leaf first, then the rest of the chain")
    ap.add_argument("--time", type=int, default=DEFAULT_TIME,
                    help="time of the first packet, Unix seconds")
    ap.add_argument("out")
    args = ap.parse_args()
    certs = [der for path in args.cert for der in read_pem_certs(path)]

    mss = b"\x02\x04" + u16(1460)
    c = Connection(args.time)
    c.send("c", SYN, options=mss, delay=0)
    c.send("s", SYN | ACK, options=mss)
    c.send("c", ACK)
    c.data("c", client_hello())
    c.send("s", ACK)
    c.data("s", server_flight(certs), delay=1200)
    c.send("c", ACK)
    c.data("c", client_finish(), delay=1100)
    c.data("s", server_finish(), delay=900)
    c.send("c", ACK)
    c.data("c", record(CT_APPDATA, opaque("client data", 64)), delay=300)
    c.send("s", ACK)
    c.data("s", record(CT_APPDATA, opaque("server data", 64)), delay=200)
    c.send("c", ACK)
    c.send("c", FIN | ACK, delay=1000)
    c.send("s", FIN | ACK)
    c.send("c", ACK)
    write_pcap(args.out, c.out)


if __name__ == "__main__":
    main()
