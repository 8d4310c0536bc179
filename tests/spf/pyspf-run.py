#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/spf/pyspf-run.py PORT CASES.json OUT.tsv: the reference side of the
SPF differential test. Every case goes through pyspf (Debian's python3-spf,
RFC 7208) with its defaults (spf.query(...).check(): strict, the default
timeouts), asking the DNS server on 127.0.0.1:PORT only: dnspython's default
resolver is replaced by one that knows no other server.

OUT.tsv: one line a case, "ID<TAB>RESULT<TAB>EXPLANATION" (tabs and newlines
in the explanation become spaces). Exit 2 when pyspf does not use the test
server (a name only the test server knows is not found through pyspf)."""
import json
import sys
import warnings

warnings.simplefilter("ignore")   # dns.resolver.query is deprecated

import dns.resolver  # noqa: E402
import spf  # noqa: E402


def main():
    port, cases_path, out_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    r.port = port
    r.timeout = 3
    r.lifetime = 5
    dns.resolver.default_resolver = r
    if spf.DNSLookup is not spf.DNSLookup_dnspython:
        print("pyspf-run: pyspf does not use dnspython", file=sys.stderr)
        sys.exit(2)

    with open(cases_path) as f:
        cases = json.load(f)

    # Proof that pyspf asks the test server: the first case's record exists
    # nowhere else.
    probe = cases[0]
    got = spf.query(i=probe["ip"], s=probe["sender"], h=probe["helo"]).dns_spf(probe["domain"])
    if got != probe["record"]:
        print("pyspf-run: pyspf did not get %s's record from 127.0.0.1:%d (got %r)"
              % (probe["domain"], port, got), file=sys.stderr)
        sys.exit(2)

    with open(out_path, "w") as out:
        for c in cases:
            try:
                res, _code, exp = spf.query(i=c["ip"], s=c["sender"], h=c["helo"]).check()
            except Exception as x:  # pyspf itself failed: show it, never hide it
                res, exp = "exception", "%s: %s" % (type(x).__name__, x)
            exp = " ".join(str(exp).split())
            out.write("%s\t%s\t%s\n" % (c["id"], res, exp))


main()
