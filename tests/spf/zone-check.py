#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/spf/zone-check.py PORT CASES.json: the fixture itself. Asks the DNS
server on 127.0.0.1:PORT for the TXT records of every case's domain and
checks that its SPF record(s) come back as the corpus wrote them (strings
joined; a record longer than 255 characters split by dnsmasq), and that a
name outside the zone is REFUSED at once. Prints one line per problem; exit
status 1 when there is any."""
import json
import sys
import time

import dns.message
import dns.query
import dns.rcode


def ask(port, name, rdtype):
    # UDP, then TCP when the answer is truncated (the records over 512 bytes)
    return dns.query.udp_with_fallback(dns.message.make_query(name, rdtype), "127.0.0.1", port=port, timeout=3)[0]


def main():
    port = int(sys.argv[1])
    with open(sys.argv[2]) as f:
        cases = json.load(f)
    bad = 0
    for c in cases:
        if c["record"].startswith("("):
            continue
        r = ask(port, c["domain"], "TXT")
        got = sorted(b"".join(rd.strings).decode() for rrset in r.answer for rd in rrset)
        want = sorted(c["record"].split(" | "))
        if not all(w in got for w in want):
            print("%s: %s TXT is %r, expected %r" % (c["id"], c["domain"], got, want))
            bad += 1
        elif len(c["record"]) > 255 and max(len(s) for rrset in r.answer for rd in rrset for s in rd.strings) > 255:
            print("%s: a string over 255 characters" % c["id"])
            bad += 1
    t0 = time.time()
    r = ask(port, "x.refused.test", "A")
    if r.rcode() != dns.rcode.REFUSED or time.time() - t0 > 1:
        print("x.refused.test: %s after %.1f s, expected REFUSED at once"
              % (dns.rcode.to_text(r.rcode()), time.time() - t0))
        bad += 1
    r = ask(port, "nx.c001.spf.test", "A")
    if r.rcode() != dns.rcode.NXDOMAIN:
        print("nx.c001.spf.test: %s, expected NXDOMAIN" % dns.rcode.to_text(r.rcode()))
        bad += 1
    sys.exit(1 if bad else 0)


main()
