#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/dns/txt-strings.py PORT NAME: ask the DNS server on 127.0.0.1:PORT
(over TCP) for the TXT records of NAME and print how many character-strings
the first one has. tests/dns.sh checks its own fixture with it: a DKIM key
split over several strings really is served that way."""
import socket
import struct
import sys

T_TXT = 16


def query(port, name):
    q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", T_TXT, 1)
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(struct.pack(">H", len(q)) + q)

        def recv(n):
            b = b""
            while len(b) < n:
                c = s.recv(n - len(b))
                if not c:
                    raise SystemExit("txt-strings: short answer")
                b += c
            return b

        return recv(struct.unpack(">H", recv(2))[0])


def skip_name(m, p):
    while True:
        if m[p] >= 0xC0:
            return p + 2
        if m[p] == 0:
            return p + 1
        p += m[p] + 1


def main():
    m = query(int(sys.argv[1]), sys.argv[2])
    answers = struct.unpack(">H", m[6:8])[0]
    p = skip_name(m, 12) + 4  # the question: name, type, class
    for _ in range(answers):
        p = skip_name(m, p)
        typ, _cls, _ttl, rdlen = struct.unpack(">HHIH", m[p:p + 10])
        p += 10
        if typ == T_TXT:
            rd, n, i = m[p:p + rdlen], 0, 0
            while i < len(rd):
                i += rd[i] + 1
                n += 1
            print(n)
            return
        p += rdlen
    raise SystemExit("txt-strings: no TXT record")


main()
