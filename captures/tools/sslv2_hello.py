#!/usr/bin/env python3
"""sslv2_hello.py - send an SSLv2-compatible ClientHello, read the answer.

OpenSSL 3 and GnuTLS clients can no longer send a ClientHello in the SSL 2.0
record format, but servers still accept one that asks for TLS (RFC 5246
Appendix E.2, RFC 6101 Appendix E).  This client builds it by hand:

  record header, 2 bytes: high bit set, then the 15-bit length of the rest
  msg_type         u8   1 = CLIENT-HELLO
  version          u16  highest version the client supports (0x0301 here)
  cipher_spec_len  u16  a multiple of 3
  session_id_len   u16  0
  challenge_len    u16  16..32
  cipher_specs     3 bytes each; TLS suites are written as 0x00 + the
                   2-byte TLS code, SSL 2.0 kinds use the first byte
  challenge        becomes the right-aligned client random in TLS

It then reads the server's TLS records until the ServerHelloDone (or an
alert, or the end of the stream), prints what it got, and leaves politely:
a warning user_canceled alert followed by close_notify, as a client that
gave up after seeing the server's certificate would.  It completes no key
exchange (that would need RSA and AES, which the standard library lacks).

Usage: sslv2_hello.py HOST PORT
"""

import socket
import struct
import sys

# (code, name) offered, most preferred first.
CIPHER_SPECS = [
    (0x00002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x000035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0x00000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0700C0, "SSL2_DES_192_EDE3_CBC_WITH_MD5"),
    (0x010080, "SSL2_RC4_128_WITH_MD5"),
    (0x0000FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
]
# A fixed challenge keeps the capture reproducible byte for byte.
CHALLENGE = bytes(range(0x40, 0x60))
HANDSHAKE_NAMES = {2: "ServerHello", 11: "Certificate",
                   12: "ServerKeyExchange", 13: "CertificateRequest",
                   14: "ServerHelloDone"}


def client_hello():
    specs = b"".join(struct.pack(">I", code)[1:] for code, _ in CIPHER_SPECS)
    body = struct.pack(">BHHHH", 1, 0x0301, len(specs), 0, len(CHALLENGE))
    body += specs + CHALLENGE
    return struct.pack(">H", 0x8000 | len(body)) + body


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_server_flight(sock):
    """Print the server's records; stop after ServerHelloDone or alert."""
    pending = b""
    while True:
        head = read_exact(sock, 5)
        if head is None:
            print("server closed the connection")
            return
        ctype, version, length = struct.unpack(">BHH", head)
        body = read_exact(sock, length)
        if body is None:
            print("server closed the connection mid-record")
            return
        print("record type %d version %#06x length %d"
              % (ctype, version, length))
        if ctype == 21:
            print("  alert level %d description %d" % (body[0], body[1]))
            return
        if ctype != 22:
            continue
        pending += body
        while len(pending) >= 4:
            mtype = pending[0]
            mlen = struct.unpack(">I", b"\x00" + pending[1:4])[0]
            if len(pending) < 4 + mlen:
                break
            print("  handshake %s (%d), %d bytes"
                  % (HANDSHAKE_NAMES.get(mtype, "?"), mtype, mlen))
            if mtype == 2:
                suite = struct.unpack(">H", pending[4 + 2 + 32 + 1 +
                                                   pending[4 + 34]:][:2])[0]
                print("    version %#06x cipher suite %#06x"
                      % (struct.unpack(">H", pending[4:6])[0], suite))
            pending = pending[4 + mlen:]
            if mtype == 14:
                return


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[-1])
    host, port = sys.argv[1], int(sys.argv[2])
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(client_hello())
        read_server_flight(sock)
        # Two TLS 1.0 alert records: warning user_canceled, close_notify.
        sock.sendall(struct.pack(">BHHBB", 21, 0x0301, 2, 1, 90) +
                     struct.pack(">BHHBB", 21, 0x0301, 2, 1, 0))
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(4096):
            pass


if __name__ == "__main__":
    main()
