#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/dns/raw-txt.py PORT READY ZONE: an authoritative DNS server on
127.0.0.1:PORT (UDP and TCP) for ZONE, with dnspython, for the one thing
dnsmasq will not serve: a TXT record holding any byte (dnsmasq has escapes
for ESC, CR and LF, none for BEL). tests/dns.sh has dnsmasq forward ZONE
here (server=/ZONE/127.0.0.1#PORT), so mailset still asks dnsmasq.

ZONE's TXT record is an SPF record with ESC, BEL, a CSI sequence, an OSC
title, CR/LF followed by a forged report line, U+202E and a C1 CSI; its MX
points at mx.ok.shop.test. Every other question about ZONE gets an empty
answer (NOERROR), anything else REFUSED. READY is created once listening."""
import socket
import socketserver
import sys
import threading

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

RECORD = (b"v=spf1 ip4:192.0.2.1 \x07\x1b[2J\x1b]0;pwned\x07\r\n"
          b"SPF            OK        forged \xe2\x80\xae \xc2\x9b31m -all")


def answer(wire, zone):
    q = dns.message.from_wire(wire)
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    if not q.question:
        r.set_rcode(dns.rcode.FORMERR)
        return r.to_wire()
    qs = q.question[0]
    if not qs.name.is_subdomain(zone):
        r.set_rcode(dns.rcode.REFUSED)
    elif qs.name == zone and qs.rdtype == dns.rdatatype.TXT:
        rr = dns.rrset.RRset(zone, dns.rdataclass.IN, dns.rdatatype.TXT)
        rr.update_ttl(60)
        rr.add(dns.rdata.from_wire(dns.rdataclass.IN, dns.rdatatype.TXT,
                                   bytes([len(RECORD[:255])]) + RECORD[:255], 0,
                                   len(RECORD[:255]) + 1))
        r.answer.append(rr)
    elif qs.name == zone and qs.rdtype == dns.rdatatype.MX:
        r.answer.append(dns.rrset.from_text(zone, 60, "IN", "MX",
                                            "10 mx.ok.shop.test."))
    return r.to_wire()


class UDP(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(answer(data, self.server.zone), self.client_address)


class TCP(socketserver.BaseRequestHandler):
    def handle(self):
        n = self.request.recv(2)
        if len(n) < 2:
            return
        want = int.from_bytes(n, "big")
        data = b""
        while len(data) < want:
            c = self.request.recv(want - len(data))
            if not c:
                return
            data += c
        out = answer(data, self.server.zone)
        self.request.sendall(len(out).to_bytes(2, "big") + out)


def main():
    port, ready, zone = int(sys.argv[1]), sys.argv[2], dns.name.from_text(sys.argv[3])
    socketserver.UDPServer.allow_reuse_address = True
    socketserver.TCPServer.allow_reuse_address = True
    u = socketserver.UDPServer(("127.0.0.1", port), UDP)
    t = socketserver.ThreadingTCPServer(("127.0.0.1", port), TCP)
    u.zone = t.zone = zone
    threading.Thread(target=t.serve_forever, daemon=True).start()
    open(ready, "w").close()
    u.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except (OSError, socket.error) as e:
        sys.exit("raw-txt: %s" % e)
