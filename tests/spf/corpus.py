#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/spf/corpus.py OUTDIR: write the SPF differential corpus.

OUTDIR/dnsmasq.conf  the zone (every name under spf.test, the reverse zones
                     in-addr.arpa and ip6.arpa, all local: nothing upstream)
OUTDIR/cases.json    one object per case: id, cat (category), record (the
                     domain's SPF TXT as published, for messages), ip, sender,
                     helo, want (the result by a plain reading of RFC 7208),
                     dev (set when pyspf is known to differ from that reading:
                     why), note.

Every case has its own domain cNNN.spf.test and the names under it; a few
shared names live under spf.test itself. Names outside spf.test (e.g.
*.refused.test) are REFUSED by dnsmasq at once: the quick temperror cases.

Client addresses: 192.0.2.10 and 2001:db8::10 by default. The ptr and %{p}
cases use addresses of their own (203.0.113.N, 2001:db8:ffff::N) so that no
other case's host-record adds PTR records for them (dnsmasq makes a PTR for
the first --host-record of an address unless a --ptr-record names it).
"""
import json
import os
import sys

Z = "spf.test"
IP4 = "192.0.2.10"
IP6 = "2001:db8::10"
OTHER4 = "192.0.2.99"
OTHER6 = "2001:db8:1::99"
REFUSED = "refused.test"   # outside every local zone: REFUSED

CASES = []
SHARED = []     # zone lines not tied to one case
_ptr_n = [0]


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rev4(ip):
    return ".".join(reversed(ip.split("."))) + ".in-addr.arpa"


def rev6(ip):
    import ipaddress
    x = ipaddress.IPv6Address(ip).exploded.replace(":", "")
    return ".".join(reversed(x)) + ".ip6.arpa"


def nib(ip):
    import ipaddress
    return ".".join(ipaddress.IPv6Address(ip).exploded.replace(":", ""))


def ptr_ip(v6=False):
    """A client address no other case uses."""
    _ptr_n[0] += 1
    n = _ptr_n[0]
    return "2001:db8:ffff::%x" % n if v6 else "203.0.113.%d" % n


class Case:
    def __init__(self, cat, want, rec=None, ip=IP4, note="", dev=None,
                 local="user", helo=None):
        self.n = len(CASES) + 1
        self.id = "case%03d" % self.n
        self.d = "c%03d.%s" % (self.n, Z)
        self.cat, self.want, self.note, self.dev = cat, want, note, dev
        self.ip = ip
        self.sender = "%s@%s" % (local, self.d)
        self.helo = helo if helo is not None else "helo." + self.d
        self.lines = []
        self.record = None
        CASES.append(self)
        if rec is not None:
            self.spf(*rec) if isinstance(rec, tuple) else self.spf(rec)

    def h(self, label):
        return "%s.%s" % (label, self.d)

    def txt(self, name, *strings):
        self.lines.append("txt-record=%s,%s" % (name, ",".join(q(s) for s in strings)))
        return self

    def spf(self, *strings, name=None):
        """The domain's record (strings of one TXT record)."""
        if name is None:
            name = self.d
            if self.record is None:
                self.record = "".join(strings)
            else:
                self.record += " | " + "".join(strings)
        return self.txt(name, *strings)

    def a(self, name, *ips):
        for ip in ips:
            self.lines.append("host-record=%s,%s" % (name, ip))
        return self

    def mx(self, name, host, pref=10):
        self.lines.append("mx-host=%s,%s,%d" % (name, host, pref))
        return self

    def ptr(self, ip, *names):
        r = rev6(ip) if ":" in ip else rev4(ip)
        for n in names:
            self.lines.append("ptr-record=%s,%s" % (r, n))
        return self

    def cname(self, alias, target):
        self.lines.append("cname=%s,%s" % (alias, target))
        return self

    def json(self):
        return {"id": self.id, "cat": self.cat, "domain": self.sender.split("@", 1)[1],
                "record": self.record if self.record is not None else "(none)",
                "ip": self.ip, "sender": self.sender, "helo": self.helo,
                "want": self.want, "dev": self.dev, "note": self.note}


def C(*a, **k):
    return Case(*a, **k)


# ------------------------------------------------------------ all, qualifiers
C("all", "pass", "v=spf1 all")
C("all", "pass", "v=spf1 +all")
C("all", "fail", "v=spf1 -all")
C("all", "softfail", "v=spf1 ~all")
C("all", "neutral", "v=spf1 ?all")
C("all", "neutral", "v=spf1", note="no terms at all")
C("all", "fail", "v=spf1 -all", ip=IP6)
C("all", "softfail", "v=spf1 ~all", ip=IP6)
C("all", "neutral", "v=spf1 ?all ip4:192.0.2.10", note="all ends the evaluation")

# ------------------------------------------------------------------- ip4
C("ip4", "pass", "v=spf1 ip4:192.0.2.10 -all")
C("ip4", "fail", "v=spf1 ip4:192.0.2.11 -all")
C("ip4", "pass", "v=spf1 ip4:192.0.2.0/24 -all")
C("ip4", "fail", "v=spf1 ip4:192.0.2.0/29 -all", note=".10 is outside .0/29")
C("ip4", "pass", "v=spf1 ip4:192.0.2.8/29 -all")
C("ip4", "pass", "v=spf1 ip4:192.0.0.0/16 ~all")
C("ip4", "pass", "v=spf1 ip4:0.0.0.0/0 -all")
C("ip4", "pass", "v=spf1 ip4:192.0.2.11/31 -all", note="host bits set in the network")
C("ip4", "pass", "v=spf1 ip4:192.0.2.10/32 -all")
C("ip4", "fail", "v=spf1 -ip4:192.0.2.10 +all")
C("ip4", "softfail", "v=spf1 ~ip4:192.0.2.10 +all")
C("ip4", "neutral", "v=spf1 ?ip4:192.0.2.10 -all")
C("ip4", "pass", "v=spf1 +ip4:192.0.2.10 -all")
C("ip4", "fail", "v=spf1 ip4:0.0.0.0/0 -all", ip=IP6, note="ip4 never matches an IPv6 client")
C("ip4", "pass", "v=spf1 ip4:198.51.100.1 ip4:198.51.100.2 ip4:192.0.2.10 -all")

# ------------------------------------------------------------------- ip6
C("ip6", "pass", "v=spf1 ip6:2001:db8::10 -all", ip=IP6)
C("ip6", "fail", "v=spf1 ip6:2001:db8::11 -all", ip=IP6)
C("ip6", "pass", "v=spf1 ip6:2001:db8::/32 -all", ip=IP6)
C("ip6", "fail", "v=spf1 ip6:2001:db8:1::/48 -all", ip=IP6)
C("ip6", "pass", "v=spf1 ip6:2001:DB8::10 -all", ip=IP6, note="upper-case hex")
C("ip6", "pass", "v=spf1 ip6:::/0 -all", ip=IP6)
C("ip6", "fail", "v=spf1 ip6:::/0 -all", note="ip6 never matches an IPv4 client")
C("ip6", "pass", "v=spf1 ip6:2001:db8::11/127 -all", ip=IP6)
C("ip6", "fail", "v=spf1 -ip6:2001:db8::/64 +all", ip=IP6)
C("ip6", "pass", "v=spf1 ip6:2001:db8:0:0:0:0:0:10 -all", ip=IP6)
C("ip6", "fail", "v=spf1 ip6:::ffff:192.0.2.10 -all", note="IPv4 client, IPv4-mapped ip6")
C("ip6", "softfail", "v=spf1 ~ip6:2001:db8::/64 ?all", ip=IP6)

# --------------------------------------------------------------------- a
c = C("a", "pass", "v=spf1 a -all"); c.a(c.d, IP4)
c = C("a", "fail", "v=spf1 a -all"); c.a(c.d, OTHER4)
c = C("a", "pass"); c.spf("v=spf1 a:host.%s -all" % c.d); c.a(c.h("host"), IP4)
c = C("a", "pass", "v=spf1 a/24 -all"); c.a(c.d, OTHER4)
c = C("a", "pass"); c.spf("v=spf1 a:host.%s/24 -all" % c.d); c.a(c.h("host"), OTHER4)
c = C("a", "fail", "v=spf1 a/30 -all"); c.a(c.d, OTHER4)
c = C("a", "pass", "v=spf1 a//64 -all", ip=IP6); c.a(c.d, "2001:db8::99")
c = C("a", "fail", "v=spf1 a//64 -all", note="/32 for IPv4"); c.a(c.d, OTHER4)
c = C("a", "pass", "v=spf1 a/24//64 -all", ip=IP6); c.a(c.d, OTHER4, "2001:db8::99")
c = C("a", "fail", "v=spf1 a/24//128 -all", ip=IP6); c.a(c.d, IP4, "2001:db8::99")
c = C("a", "pass", "v=spf1 a -all", ip=IP6); c.a(c.d, IP6)
c = C("a", "fail", "v=spf1 a -all", ip=IP6, note="only an A record"); c.a(c.d, IP4)
c = C("a", "pass", "v=spf1 a -all"); c.a(c.d, OTHER4, "198.51.100.7", IP4)
c = C("a", "pass"); c.spf("v=spf1 a:alias.%s -all" % c.d); c.a(c.h("host"), IP4); c.cname(c.h("alias"), c.h("host"))
c = C("a", "fail"); c.spf("v=spf1 a:nx.%s -all" % c.d)
c = C("a", "fail", "v=spf1 -a +all"); c.a(c.d, IP4)
c = C("a", "softfail", "v=spf1 ~a +all"); c.a(c.d, IP4)
c = C("a", "neutral", "v=spf1 ?a -all"); c.a(c.d, IP4)
c = C("a", "pass", "v=spf1 a/0 -all"); c.a(c.d, "10.9.8.7")
c = C("a", "pass"); c.spf("v=spf1 a:HOST.%s -all" % c.d.upper()); c.a(c.h("host"), IP4)
c = C("a", "pass"); c.spf("v=spf1 a:host.%s. -all" % c.d, ); c.a(c.h("host"), IP4)

# -------------------------------------------------------------------- mx
c = C("mx", "pass", "v=spf1 mx -all"); c.mx(c.d, c.h("mx1")); c.a(c.h("mx1"), IP4)
c = C("mx", "fail", "v=spf1 mx -all"); c.mx(c.d, c.h("mx1")); c.a(c.h("mx1"), OTHER4)
c = C("mx", "pass", "v=spf1 mx/24 -all"); c.mx(c.d, c.h("mx1")); c.a(c.h("mx1"), OTHER4)
c = C("mx", "pass"); c.spf("v=spf1 mx:other.%s -all" % c.d); c.mx(c.h("other"), c.h("mx1")); c.a(c.h("mx1"), IP4)
c = C("mx", "pass"); c.spf("v=spf1 mx:other.%s/24 -all" % c.d); c.mx(c.h("other"), c.h("mx1")); c.a(c.h("mx1"), OTHER4)
c = C("mx", "pass", "v=spf1 mx//64 -all", ip=IP6); c.mx(c.d, c.h("mx1")); c.a(c.h("mx1"), "2001:db8::1")
c = C("mx", "pass", "v=spf1 mx -all", ip=IP6); c.mx(c.d, c.h("mx1")); c.a(c.h("mx1"), OTHER4, IP6)
c = C("mx", "fail", "v=spf1 mx -all", note="the MX host has no address"); c.mx(c.d, c.h("mx1"))
c = C("mx", "fail", "v=spf1 mx -all", note="no MX"); c.a(c.d, IP4)
c = C("mx", "pass", "v=spf1 mx -all", note="second MX matches")
c.mx(c.d, c.h("mx1"), 10); c.mx(c.d, c.h("mx2"), 20); c.a(c.h("mx1"), OTHER4); c.a(c.h("mx2"), IP4)
c = C("mx", "fail", "v=spf1 -mx +all"); c.mx(c.d, c.h("mx1")); c.a(c.h("mx1"), IP4)
c = C("mx", "softfail", "v=spf1 ~mx +all"); c.mx(c.d, c.h("mx1")); c.a(c.h("mx1"), IP4)
c = C("mx", "pass", "v=spf1 mx -all", note="the MX host is the domain itself"); c.mx(c.d, c.d); c.a(c.d, IP4)

# ------------------------------------------------------------------- ptr
ip = ptr_ip(); c = C("ptr", "pass", "v=spf1 ptr -all", ip=ip); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), ip)
ip = ptr_ip(); c = C("ptr", "fail", "v=spf1 ptr -all", ip=ip, note="PTR name does not point back"); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), OTHER4)
ip = ptr_ip(); c = C("ptr", "pass", "v=spf1 ptr -all", ip=ip, note="PTR name is the domain"); c.ptr(ip, c.d); c.a(c.d, ip)
ip = ptr_ip(); c = C("ptr", "fail", "v=spf1 ptr -all", ip=ip, note="no PTR")
ip = ptr_ip(); c = C("ptr", "fail", "v=spf1 ptr -all", ip=ip, note="validated name elsewhere")
c.ptr(ip, "mail.elsewhere." + c.d.replace(".", "-") + "." + Z); c.a("mail.elsewhere." + c.d.replace(".", "-") + "." + Z, ip)
ip = ptr_ip(); c = C("ptr", "pass", ip=ip); c.spf("v=spf1 ptr:sub.%s -all" % c.d); c.ptr(ip, "mail.sub." + c.d); c.a("mail.sub." + c.d, ip)
ip = ptr_ip(); c = C("ptr", "fail", ip=ip, note="ptr:sub but the name is not under sub"); c.spf("v=spf1 ptr:sub.%s -all" % c.d); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), ip)
ip = ptr_ip(True); c = C("ptr", "pass", "v=spf1 ptr -all", ip=ip); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), ip)
ip = ptr_ip(True); c = C("ptr", "fail", "v=spf1 ptr -all", ip=ip, note="v6, only an A record"); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), "192.0.2.200")
ip = ptr_ip(); c = C("ptr", "pass", "v=spf1 ptr -all", ip=ip, note="second PTR name validates")
c.ptr(ip, c.h("bad"), c.h("good")); c.a(c.h("bad"), OTHER4); c.a(c.h("good"), ip)
ip = ptr_ip(); c = C("ptr", "fail", "v=spf1 -ptr +all", ip=ip); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), ip)
ip = ptr_ip(); c = C("ptr", "neutral", "v=spf1 ?ptr -all", ip=ip); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), ip)
ip = ptr_ip(); c = C("ptr", "pass", "v=spf1 ptr -all", ip=ip, note="12 PTR names, all valid (only 10 looked at)")
for i in range(12):
    c.ptr(ip, c.h("p%d" % i)); c.a(c.h("p%d" % i), ip)
ip = ptr_ip(); c = C("ptr", "fail", "v=spf1 ptr -all", ip=ip, note="11 PTR names, none valid")
for i in range(11):
    c.ptr(ip, c.h("p%d" % i)); c.a(c.h("p%d" % i), OTHER4)
ip = ptr_ip(); c = C("ptr", "fail", "v=spf1 ptr -all", ip=ip, note="3 PTR names without address records",
                     dev="pyspf counts each empty A query of a PTR name as a void lookup (3 > 2: permerror); RFC 7208 4.6.4 counts terms")
for i in range(3):
    c.ptr(ip, c.h("p%d" % i))

# ---------------------------------------------------------------- exists
c = C("exists", "pass"); c.spf("v=spf1 exists:e.%s -all" % c.d); c.a(c.h("e"), "127.0.0.2")
c = C("exists", "fail"); c.spf("v=spf1 exists:e.%s -all" % c.d)
c = C("exists", "pass", ip=IP6, note="exists asks A even for IPv6"); c.spf("v=spf1 exists:e.%s -all" % c.d); c.a(c.h("e"), "127.0.0.2")
c = C("exists", "fail", ip=IP6, note="only AAAA"); c.spf("v=spf1 exists:e.%s -all" % c.d); c.a(c.h("e"), "2001:db8::2")
c = C("exists", "fail"); c.spf("v=spf1 -exists:e.%s +all" % c.d); c.a(c.h("e"), "127.0.0.2")
c = C("exists", "softfail"); c.spf("v=spf1 ~exists:e.%s +all" % c.d); c.a(c.h("e"), "127.0.0.2")
c = C("exists", "fail", note="name with a TXT only"); c.spf("v=spf1 exists:e.%s -all" % c.d); c.txt(c.h("e"), "hello")

# --------------------------------------------------------------- include
c = C("include", "pass"); c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 ip4:192.0.2.10 -all", name=c.h("i"))
c = C("include", "fail", note="included fail: no match"); c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 -all", name=c.h("i"))
c = C("include", "neutral", note="included fail: no match"); c.spf("v=spf1 include:i.%s ?all" % c.d); c.spf("v=spf1 -all", name=c.h("i"))
c = C("include", "fail", note="included softfail: no match"); c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 ~all", name=c.h("i"))
c = C("include", "softfail", note="included neutral: no match"); c.spf("v=spf1 include:i.%s ~all" % c.d); c.spf("v=spf1 ?all", name=c.h("i"))
c = C("include", "pass", note="included neutral, then ip4"); c.spf("v=spf1 include:i.%s ip4:192.0.2.10 -all" % c.d); c.spf("v=spf1", name=c.h("i"))
c = C("include", "temperror", note="included temperror"); c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 a:x.%s -all" % REFUSED, name=c.h("i"))
c = C("include", "permerror", note="included permerror"); c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 ip4:300.1.1.1 -all", name=c.h("i"))
c = C("include", "permerror", note="included domain has TXT but no SPF"); c.spf("v=spf1 include:i.%s -all" % c.d); c.txt(c.h("i"), "not spf")
c = C("include", "permerror", note="included domain does not exist"); c.spf("v=spf1 include:nx.%s -all" % c.d)
c = C("include", "permerror", note="included domain has only an A"); c.spf("v=spf1 include:i.%s +all" % c.d); c.a(c.h("i"), IP4)
c = C("include", "fail", note="-include of a pass"); c.spf("v=spf1 -include:i.%s +all" % c.d); c.spf("v=spf1 +all", name=c.h("i"))
c = C("include", "softfail"); c.spf("v=spf1 ~include:i.%s +all" % c.d); c.spf("v=spf1 ip4:192.0.2.0/24", name=c.h("i"))
c = C("include", "neutral"); c.spf("v=spf1 ?include:i.%s -all" % c.d); c.spf("v=spf1 ip4:192.0.2.0/24", name=c.h("i"))
c = C("include", "pass", note="a in the included record means the included domain")
c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 a -all", name=c.h("i")); c.a(c.h("i"), IP4); c.a(c.d, OTHER4)
c = C("include", "pass", note="the include's own redirect")
c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 redirect=r.%s" % c.d, name=c.h("i")); c.spf("v=spf1 ip4:192.0.2.10 -all", name=c.h("r"))
c = C("include", "permerror", note="include of itself")
c.spf("v=spf1 include:%s -all" % c.d)
c = C("include", "permerror", note="include loop a -> b -> a")
c.spf("v=spf1 include:b.%s -all" % c.d); c.spf("v=spf1 include:%s -all" % c.d, name=c.h("b"))
c = C("include", "pass", note="second include passes")
c.spf("v=spf1 include:i1.%s include:i2.%s -all" % (c.d, c.d)); c.spf("v=spf1 -all", name=c.h("i1")); c.spf("v=spf1 +all", name=c.h("i2"))
c = C("include", "pass", ip=IP6); c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 ip6:2001:db8::/64 -all", name=c.h("i"))
c = C("include", "pass", note="included record's exp is ignored")
c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 ip4:192.0.2.10 -all exp=e.%s" % c.d, name=c.h("i")); c.txt(c.h("e"), "inner")
c = C("include", "permerror", note="include: via a two-record domain")
c.spf("v=spf1 include:i.%s -all" % c.d); c.spf("v=spf1 +all", name=c.h("i")); c.spf("v=spf1 -all", name=c.h("i"))

# -------------------------------------------------------------- redirect
c = C("redirect", "pass"); c.spf("v=spf1 redirect=r.%s" % c.d); c.spf("v=spf1 ip4:192.0.2.10 -all", name=c.h("r"))
c = C("redirect", "fail"); c.spf("v=spf1 redirect=r.%s" % c.d); c.spf("v=spf1 ip4:192.0.2.11 -all", name=c.h("r"))
c = C("redirect", "fail", note="all before: redirect ignored"); c.spf("v=spf1 -all redirect=r.%s" % c.d); c.spf("v=spf1 +all", name=c.h("r"))
c = C("redirect", "pass", note="a match before: redirect ignored"); c.spf("v=spf1 ip4:192.0.2.10 redirect=r.%s" % c.d); c.spf("v=spf1 -all", name=c.h("r"))
c = C("redirect", "permerror", note="redirect target without SPF"); c.spf("v=spf1 redirect=r.%s" % c.d); c.txt(c.h("r"), "no spf here")
c = C("redirect", "permerror", note="redirect target NXDOMAIN"); c.spf("v=spf1 redirect=nx.%s" % c.d)
c = C("redirect", "permerror", note="redirect target has a syntax error"); c.spf("v=spf1 redirect=r.%s" % c.d); c.spf("v=spf1 ip4:1.2.3 -all", name=c.h("r"))
c = C("redirect", "temperror"); c.spf("v=spf1 redirect=r.%s" % REFUSED)
c = C("redirect", "pass", note="redirect chain"); c.spf("v=spf1 redirect=r1.%s" % c.d); c.spf("v=spf1 redirect=r2.%s" % c.d, name=c.h("r1")); c.spf("v=spf1 ip4:192.0.2.0/24 -all", name=c.h("r2"))
c = C("redirect", "pass", note="macro in redirect"); c.spf("v=spf1 redirect=_spf.%{d}"); c.spf("v=spf1 ip4:192.0.2.10 -all", name="_spf." + c.d)
c = C("redirect", "pass", note="a in the target means the target domain")
c.spf("v=spf1 redirect=r.%s" % c.d); c.spf("v=spf1 a -all", name=c.h("r")); c.a(c.h("r"), IP4); c.a(c.d, OTHER4)
c = C("redirect", "pass", note="include before redirect")
c.spf("v=spf1 include:i.%s redirect=r.%s" % (c.d, c.d)); c.spf("v=spf1 -all", name=c.h("i")); c.spf("v=spf1 +all", name=c.h("r"))
c = C("redirect", "softfail", note="redirect before the mechanisms in the text")
c.spf("v=spf1 redirect=r.%s ip4:192.0.2.11" % c.d); c.spf("v=spf1 ~all", name=c.h("r"))
c = C("redirect", "neutral", note="target has no mechanisms"); c.spf("v=spf1 redirect=r.%s" % c.d); c.spf("v=spf1", name=c.h("r"))
c = C("redirect", "pass", ip=IP6); c.spf("v=spf1 redirect=r.%s" % c.d); c.spf("v=spf1 ip6:2001:db8::10 -all", name=c.h("r"))
c = C("redirect", "pass", note="REDIRECT= in capitals",
      dev="pyspf compares modifier names case-sensitively: REDIRECT= is an unknown modifier, ignored (neutral); RFC 7208 4.6.1 names are case-insensitive")
c.spf("v=spf1 REDIRECT=r.%s" % c.d); c.spf("v=spf1 +all", name=c.h("r"))

# ------------------------------------------------------------------- exp
EXPTEXT = "%{i} is not one of %{d}'s servers (sender %{s}, helo %{h}, %{l} at %{o}, %{v}) %% %_ %-"
c = C("exp", "fail"); c.spf("v=spf1 -all exp=e.%s" % c.d); c.txt(c.h("e"), EXPTEXT)
c = C("exp", "fail", ip=IP6); c.spf("v=spf1 -all exp=e.%s" % c.d); c.txt(c.h("e"), EXPTEXT)
c = C("exp", "fail", note="c r t in exp text"); c.spf("v=spf1 -all exp=e.%s" % c.d); c.txt(c.h("e"), "%{c} %{r} %{t} %{ir}.%{v}.arpa %{d2} %{l-}")
c = C("exp", "fail", note="exp target without TXT"); c.spf("v=spf1 -all exp=e.%s" % c.d)
c = C("exp", "fail", note="exp target with two TXT"); c.spf("v=spf1 -all exp=e.%s" % c.d); c.txt(c.h("e"), "one"); c.txt(c.h("e"), "two")
c = C("exp", "fail", note="macro in the exp domain"); c.spf("v=spf1 -all exp=%{l}.e.%{d}"); c.txt("user.e." + c.d, "no")
c = C("exp", "pass", note="exp with a pass"); c.spf("v=spf1 +all exp=e.%s" % c.d); c.txt(c.h("e"), "never shown")
c = C("exp", "softfail"); c.spf("v=spf1 ~all exp=e.%s" % c.d); c.txt(c.h("e"), "soft %{i}")
c = C("exp", "fail", note="bad macro in the explanation text: exp ignored"); c.spf("v=spf1 -all exp=e.%s" % c.d); c.txt(c.h("e"), "bad %{x} macro")
c = C("exp", "fail", note="exp target REFUSED: ignored"); c.spf("v=spf1 -all exp=e.%s" % REFUSED)
c = C("exp", "fail", note="explanation in several strings"); c.spf("v=spf1 -all exp=e.%s" % c.d); c.txt(c.h("e"), "part one, ", "part two %{i}")
c = C("exp", "fail", note="exp before the mechanisms"); c.spf("v=spf1 exp=e.%s ip4:192.0.2.11 -all" % c.d); c.txt(c.h("e"), "x")
c = C("exp", "fail", note="exp of a redirect target"); c.spf("v=spf1 redirect=r.%s exp=e.%s" % (c.d, c.d)); c.spf("v=spf1 -all exp=e2.%s" % c.d, name=c.h("r")); c.txt(c.h("e"), "outer"); c.txt(c.h("e2"), "target's")

# ---------------------------------------------------------------- macros
# exists:<macro...>.m.<domain> with an A record only for the right expansion.
def mcase(spec, expansion, want="pass", ip=IP4, local="user", helo=None, note=None, dev=None):
    c = C("macro", want, ip=ip, local=local, helo=helo, note=note or spec, dev=dev)
    if helo is not None and "%s" in helo:
        c.helo = helo % c.d
    c.spf("v=spf1 exists:%s -all" % spec.replace("$D", c.d))
    if expansion is not None:
        c.a(expansion.replace("$D", c.d), "127.0.0.2")
    return c


mcase("%{i}.m.$D", "192.0.2.10.m.$D")
mcase("%{ir}.m.$D", "10.2.0.192.m.$D")
mcase("%{ir}.%{v}.m.$D", "10.2.0.192.in-addr.m.$D")
mcase("%{i}.m.$D", nib(IP6) + ".m.$D", ip=IP6)
mcase("%{ir}.%{v}.m.$D", ".".join(reversed(nib(IP6).split("."))) + ".ip6.m.$D", ip=IP6)
mcase("%{v}.m.$D", "ip6.m.$D", ip=IP6)
mcase("%{i2r}.m.$D", "0.192.m.$D", note="%{i2r}: reversed, two right-hand parts")
mcase("%{i1}.m.$D", "10.m.$D")
mcase("%{l}.m.$D", "user.m.$D")
mcase("%{l}.m.$D", "first-last.m.$D", local="first-last")
mcase("%{l-}.m.$D", "first.last.m.$D", local="first-last")
mcase("%{lr-}.m.$D", "last.first.m.$D", local="first-last")
mcase("%{l1r-}.m.$D", "first.m.$D", local="first-last")
mcase("%{l+}.m.$D", "a.b.m.$D", local="a+b")
mcase("%{l-_}.m.$D", "a.b.c.m.$D", local="a-b_c", note="two delimiters")
mcase("%{o}.m.$D", "$D.m.$D")
mcase("x.%{d}", "x.$D")
mcase("%{d2}.m.$D", "spf.test.m.$D")
mcase("%{d1}.m.$D", "test.m.$D")
c = mcase("%{dr}.m.$D", None); c.a("test.spf.%s.m.%s" % (c.d.split(".")[0], c.d), "127.0.0.2")
c = mcase("%{d2r}.m.$D", None); c.a("spf.%s.m.%s" % (c.d.split(".")[0], c.d), "127.0.0.2")
mcase("%{s2.}.m.$D", "spf.test.m.$D", note="%{s2.}: the sender split at dots")
c = mcase("%{s}.m.$D", None, note="%{s}: the whole sender"); c.a("user@%s.m.%s" % (c.d, c.d), "127.0.0.2")
mcase("%{h}.m.$D", "helo.$D.m.$D")
mcase("%{h}", "mail.$D", helo="mail.%s")
mcase("%{h2}.m.$D", "spf.test.m.$D")
mcase("a%%b.m.$D", "a%b.m.$D", note="%% in a domain")
mcase("a%-b.m.$D", "a%20b.m.$D", note="%- in a domain")
mcase("%{L}.m.$D", "a%3Db.m.$D", local="a=b", note="upper-case macro: URL-escaped")
c = mcase("%{S}.m.$D", None, note="upper-case s: the @ escaped"); c.a("user%%40%s.m.%s" % (c.d, c.d), "127.0.0.2")
mcase("%{i}.m.$D", None, want="fail", note="the expansion is not there")
mcase("%{d}.%{i}.m.$D", "$D.192.0.2.10.m.$D", want="pass")
ip = ptr_ip(); c = mcase("%{p}.m.$D", "mail.$D.m.$D", ip=ip, note="%{p}: the validated PTR name"); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), ip)
ip = ptr_ip(); c = mcase("%{p}.m.$D", "unknown.m.$D", ip=ip, note="%{p} without PTR: unknown")
ip = ptr_ip(); c = mcase("%{p}.m.$D", "unknown.m.$D", ip=ip, note="%{p} with an unvalidated PTR: unknown"); c.ptr(ip, c.h("mail")); c.a(c.h("mail"), OTHER4)
# %{o} and %{d} after a redirect: d follows the redirect, o stays the sender's
c = C("macro", "pass", note="%{d} and %{o} after redirect"); c.spf("v=spf1 redirect=r.%s" % c.d)
c.spf("v=spf1 exists:%{d}.chk.%{o} -all", name=c.h("r")); c.a("r.%s.chk.%s" % (c.d, c.d), "127.0.0.2")
c = C("macro", "pass", note="%{d} in an include"); c.spf("v=spf1 include:i.%s -all" % c.d)
c.spf("v=spf1 exists:%{d1r}.%{o} -all", name=c.h("i")); c.a("i.%s" % c.d, "127.0.0.2")
c = C("macro", "pass", note="unknown modifier with every escape"); c.spf("v=spf1 foo=%{l}%%%_%-%{ir} ip4:192.0.2.10 -all")
c = C("macro", "pass", note="macro in a:"); c.spf("v=spf1 a:%{l}.%{d} -all"); c.a("user." + c.d, IP4)
c = C("macro", "pass", note="macro in mx"); c.spf("v=spf1 mx:%{d} -all"); c.mx(c.d, c.h("mx")); c.a(c.h("mx"), IP4)
c = C("macro", "pass", note="macro-expanded name over 253 characters loses its left label")
long = "x" * 60
c.spf("v=spf1 exists:%{l}.%{l}.%{l}.%{l}.m.%{d} -all")
c.sender = long + "@" + c.d
c.a("%s.%s.%s.m.%s" % (long, long, long, c.d), "127.0.0.2")
c = C("macro", "pass", note="%{h-}: rejoined with dots", helo=None,
      dev="pyspf rejoins the parts of a macro other than l and s with the original delimiters (hel-o stays hel-o); RFC 7208 7.3 rejoins with '.'")
c.helo = "hel-o." + c.d
c.spf("v=spf1 exists:%{h-}.m.%{d} -all"); c.a("hel.o.%s.m.%s" % (c.d, c.d), "127.0.0.2")

# --------------------------------------------------------- syntax errors
for rec, note, ip in [
    ("v=spf1 ipv4:192.0.2.10 -all", "ipv4: is no mechanism", IP4),
    ("v=spf1 ip:192.0.2.10 -all", "ip: is no mechanism", IP4),
    ("v=spf1 foo -all", "unknown mechanism", IP4),
    ("v=spf1 -all foo", "unknown mechanism after all", IP4),
    ("v=spf1 ip4:192.0.2.10 bogus -all", "unknown mechanism after a match", IP4),
    ("v=spf1 ip4:192.0.2.10/33 -all", "ip4 /33", IP4),
    ("v=spf1 ip6:2001:db8::/129 -all", "ip6 /129", IP6),
    ("v=spf1 ip6:2001:db8::/129 -all", "ip6 /129 (IPv4 client)", IP4),
    ("v=spf1 ip4: -all", "empty ip4:", IP4),
    ("v=spf1 ip4 -all", "ip4 without address", IP4),
    ("v=spf1 ip6: -all", "empty ip6:", IP6),
    ("v=spf1 ip4:192.0.2.256 -all", "octet 256", IP4),
    ("v=spf1 ip4:192.0.2 -all", "three octets", IP4),
    ("v=spf1 ip4:192.0.2.010 -all", "leading zero", IP4),
    ("v=spf1 ip4:192.0.2.0/024 -all", "leading zero in CIDR", IP4),
    ("v=spf1 ip4:192.0.2.10//64 -all", "dual CIDR on ip4", IP4),
    ("v=spf1 ip4:2001:db8::1 -all", "IPv6 in ip4", IP4),
    ("v=spf1 ip6:192.0.2.10 -all", "IPv4 in ip6", IP6),
    ("v=spf1 ip6:2001:db8::zz -all", "bad hex", IP6),
    ("v=spf1 ip6:2001:db8:::1 -all", "three colons", IP6),
    ("v=spf1 a/33 -all", "a/33", IP4),
    ("v=spf1 a//129 -all", "a//129", IP6),
    ("v=spf1 mx/33 -all", "mx/33", IP4),
    ("v=spf1 mx//129 -all", "mx//129", IP6),
    ("v=spf1 a/-1 -all", "negative CIDR", IP4),
    ("v=spf1 a: -all", "a: empty domain", IP4),
    ("v=spf1 a:foo -all", "a: single label", IP4),
    ("v=spf1 a:foo.123 -all", "a: numeric top label", IP4),
    ("v=spf1 a:192.0.2.10 -all", "a: an address", IP4),
    ("v=spf1 mx:foo.example:25 -all", "mx: with a port", IP4),
    ("v=spf1 exists -all", "exists without domain", IP4),
    ("v=spf1 exists: -all", "exists: empty", IP4),
    ("v=spf1 include -all", "include without domain", IP4),
    ("v=spf1 include: -all", "include: empty", IP4),
    ("v=spf1 ptr/24 -all", "ptr with CIDR", IP4),
    ("v=spf1 -all/8", "all with CIDR", IP4),
    ("v=spf1 -all:foo.example", "all with an argument", IP4),
    ("v=spf1 =all", "qualifier =", IP4),
    ("v=spf1 ++all", "two qualifiers", IP4),
    ("v=spf1 !all", "qualifier !", IP4),
    ("v=spf1 -all redirect=a.spf.test redirect=b.spf.test", "redirect twice", IP4),
    ("v=spf1 -all exp=a.spf.test exp=b.spf.test", "exp twice", IP4),
    ("v=spf1 redirect= -all", "redirect empty", IP4),
    ("v=spf1 -all exp=", "exp empty", IP4),
    ("v=spf1 -all 1foo=bar", "modifier name starting with a digit", IP4),
    ("v=spf1 -all _foo=bar", "modifier name starting with _", IP4),
    ("v=spf1 -all =bar", "modifier without name", IP4),
    ("v=spf1 -all fo:o=bar", "modifier name with a colon", IP4),
    ("v=spf1 junk", "v=spf1 then junk", IP4),
    ("v=spf1 a:foo.spf.test, -all", "comma", IP4),
    ("v=spf1 exists:%{x}.spf.test -all", "macro %{x}", IP4),
    ("v=spf1 exists:%{}.spf.test -all", "macro %{}", IP4),
    ("v=spf1 exists:%a.spf.test -all", "% then a letter", IP4),
    ("v=spf1 exists:foo.spf.test%", "trailing %", IP4),
    ("v=spf1 exists:%{c}.spf.test -all", "%{c} outside exp", IP4),
    ("v=spf1 exists:%{r}.spf.test -all", "%{r} outside exp", IP4),
    ("v=spf1 exists:%{t}.spf.test -all", "%{t} outside exp", IP4),
    ("v=spf1 a:%{x}.spf.test -all", "bad macro in a:", IP4),
    ("v=spf1 -all exp=%{x}.spf.test", "bad macro in exp=", IP4),
    ("v=spf1 -all redirect=%{x}.spf.test", "bad macro in redirect=", IP4),
    ("v=spf1 -all foo=%{x}", "bad macro in an unknown modifier", IP4),
    ("v=spf1 include:foo.spf.test/24 -all", "include with CIDR", IP4),
    ("v=spf1 ip4:192.0.2.10\t-all", "tab between terms", IP4),
]:
    C("syntax", "permerror", rec, ip=ip, note=note)
C("syntax", "fail", "v=spf1 -all foo.bar-x_y=baz", note="valid unknown modifier name: ignored")
C("syntax", "fail", "v=spf1 -all moo=", note="empty unknown modifier: ignored")
C("syntax", "pass", "v=spf1 +all redirect=nx.spf.test", note="unused redirect to nowhere")
C("syntax", "fail", "v=spf1 -all foo=1 foo=2", note="unknown modifier twice",
  dev="pyspf rejects any modifier given twice (permerror); RFC 7208 6 limits only redirect and exp, unknown modifiers are ignored")
C("syntax", "permerror", "v=spf1 exists:%{i.spf.test -all", note="unterminated macro",
  dev="pyspf leaves an unterminated %{ as text (the name is then not found: fail); RFC 7208 7.1: a syntax error")
C("syntax", "permerror", "v=spf1 exists:%{s.@}.m.spf.test -all", note="'@' as a macro delimiter",
  dev="pyspf accepts any non-alphanumeric delimiter; RFC 7208 7.1 allows only . - + , / _ =")

# ------------------------------------------------------------ the record
C("record", "none", note="NXDOMAIN: nothing at the domain")
c = C("record", "none", note="TXT but no SPF"); c.txt(c.d, "google-site-verification=abc"); c.a(c.d, IP4)
c = C("record", "none", note="only an A record"); c.a(c.d, IP4)
c = C("record", "none", note="only an MX"); c.mx(c.d, c.h("mx"))
c = C("record", "permerror", ("v=spf1 +all",)); c.spf("v=spf1 -all")
c = C("record", "permerror", ("v=spf1 ip4:192.0.2.10 -all",), note="two records the same but for a space"); c.spf("v=spf1 ip4:192.0.2.10  -all")
c = C("record", "fail", "v=spf1 -all", note="plus other TXT"); c.txt(c.d, "v=DKIM1; not spf"); c.txt(c.d, "spf2.0/pra +all")
C("record", "pass", ("v=spf1 ip4:192.0.2.10", " -all"), note="two strings joined")
C("record", "pass", ("v=spf1 ip4:192.0.", "2.10 -all"), note="split inside a term")
C("record", "pass", ("v=spf1 ", "ip4:192.0.2.10", " ", "-all"), note="four strings")
C("record", "permerror", ("v=spf1 ip4:192.0.2.10", "-all"), note="strings joined as they are: ip4:192.0.2.10-all")
C("record", "pass", "v=spf1 " + " ".join("ip4:198.51.100.%d" % i for i in range(1, 40)) + " ip4:192.0.2.10 -all",
  note="a record over 255 characters (dnsmasq splits it)")
C("record", "pass", "V=SPF1 IP4:192.0.2.10 -ALL", note="capitals")
C("record", "pass", "v=SPF1 Ip4:192.0.2.10 -All", note="mixed case")
c = C("record", "pass", "v=spf1 A -all"); c.a(c.d, IP4)
c = C("record", "pass", note="INCLUDE: in capitals")
c.spf("v=spf1 INCLUDE:I.%s -ALL" % c.d.upper()); c.spf("v=spf1 Ip4:192.0.2.10", name=c.h("i"))
C("record", "pass", "v=spf1  ip4:192.0.2.10   -all  ", note="several spaces, trailing spaces")
C("record", "none", " v=spf1 +all", note="leading space")
C("record", "none", "v=spf10 +all", note="v=spf10 is not SPF")
C("record", "none", "v=spf1junk +all", note="v=spf1junk is not SPF")
C("record", "none", "v=spf1\t+all", note="tab after the version")
C("record", "none", "spf2.0/mfrom +all", note="Sender ID")
c = C("record", "fail", "v=spf1 -all", note="v=spf10 next to v=spf1"); c.spf("v=spf10 +all")
c = C("record", "pass", note="the domain is a CNAME"); c.cname(c.d, c.h("real")); c.spf("v=spf1 ip4:192.0.2.10 -all", name=c.h("real")); c.record = "(CNAME) v=spf1 ip4:192.0.2.10 -all"
c = C("record", "pass", "v=spf1 ip4:192.0.2.10 -all", note="sender domain in capitals"); c.sender = "user@" + c.d.upper()
C("record", "pass", "v=spf1 ip4:192.0.2.10 -all ", note="trailing space")
C("record", "temperror", note="the domain is REFUSED"); CASES[-1].sender = "user@c.%s" % REFUSED; CASES[-1].record = "(REFUSED)"

# ---------------------------------------------------------------- limits
def hosts(c, n, prefix="h", ip=OTHER4):
    names = [c.h("%s%d" % (prefix, i)) for i in range(1, n + 1)]
    for nm in names:
        c.a(nm, ip)
    return names


c = C("limits", "pass", note="10 lookups, the 10th matches"); hs = hosts(c, 10); c.a(hs[-1], IP4)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " -all")
c = C("limits", "permerror", note="11 lookups, the 11th would match"); hs = hosts(c, 11); c.a(hs[-1], IP4)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " -all")
c = C("limits", "pass", note="10 lookups then ip4"); hs = hosts(c, 10)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " ip4:192.0.2.10 -all")
c = C("limits", "permerror", note="11 lookups then ip4"); hs = hosts(c, 11)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " ip4:192.0.2.10 -all")
c = C("limits", "pass", note="15 terms, the 3rd matches"); hs = hosts(c, 15); c.a(hs[2], IP4)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " -all")
c = C("limits", "pass", note="30 ip4 terms: no lookups")
c.spf("v=spf1 " + " ".join("ip4:198.51.100.%d" % i for i in range(1, 30)) + " ip4:192.0.2.10 -all")
for want, extra, note in (("pass", "", "10 mixed lookups (a mx exists include ptr) then ip4"),
                          ("permerror", " a:%s", "11 mixed lookups then ip4")):
    ip = ptr_ip()
    c = C("limits", want, ip=ip, note=note)
    hs = hosts(c, 4); c.mx(c.h("m1"), c.h("h1")); c.mx(c.h("m2"), c.h("h2"))
    c.spf("v=spf1 -all", name=c.h("i1")); c.spf("v=spf1 -all", name=c.h("i2"))
    c.spf("v=spf1 a:%s a:%s mx:%s mx:%s exists:nx.%s include:%s include:%s ptr a:%s a:%s%s ip4:%s -all" % (
        hs[0], hs[1], c.h("m1"), c.h("m2"), c.d, c.h("i1"), c.h("i2"), hs[2], hs[3], extra.replace("%s", hs[0]), ip))


def chain(c, depth, last="v=spf1 ip4:192.0.2.10 -all"):
    c.spf("v=spf1 include:i1.%s -all" % c.d)
    for i in range(1, depth):
        c.spf("v=spf1 include:i%d.%s -all" % (i + 1, c.d), name=c.h("i%d" % i))
    c.spf(last, name=c.h("i%d" % depth))


c = C("limits", "pass", note="include chain of depth 10"); chain(c, 10)
c = C("limits", "permerror", note="include chain of depth 11"); chain(c, 11)
c = C("limits", "pass", note="include chain of depth 9"); chain(c, 9)
c = C("limits", "pass", note="include (1) + 9 a in it, then ip4 at the top")
hs = hosts(c, 9); c.spf("v=spf1 include:i.%s ip4:192.0.2.10 -all" % c.d)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " ?all", name=c.h("i"))
c = C("limits", "permerror", note="include (1) + 10 a in it, then ip4 at the top")
hs = hosts(c, 10); c.spf("v=spf1 include:i.%s ip4:192.0.2.10 -all" % c.d)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " ?all", name=c.h("i"))
c = C("limits", "pass", note="9 a + redirect = 10"); hs = hosts(c, 9)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " redirect=r.%s" % c.d); c.spf("v=spf1 ip4:192.0.2.10 -all", name=c.h("r"))
c = C("limits", "permerror", note="10 a + redirect = 11"); hs = hosts(c, 10)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " redirect=r.%s" % c.d); c.spf("v=spf1 ip4:192.0.2.10 -all", name=c.h("r"))
c = C("limits", "pass", note="10 a, ip4 matches, an unused redirect",
      dev="pyspf counts redirect= when it parses the record, used or not (11: permerror); RFC 7208 4.6.4 counts it when it is evaluated")
hs = hosts(c, 10)
c.spf("v=spf1 " + " ".join("a:" + h for h in hs) + " ip4:192.0.2.10 redirect=r.%s" % c.d); c.spf("v=spf1 -all", name=c.h("r"))
c = C("limits", "pass", note="mx with 10 names, the last matches")
for i in range(1, 11):
    c.mx(c.d, c.h("mx%d" % i), i); c.a(c.h("mx%d" % i), IP4 if i == 10 else OTHER4)
c.spf("v=spf1 mx -all")
c = C("limits", "permerror", note="mx with 11 names")
for i in range(1, 12):
    c.mx(c.d, c.h("mx%d" % i), i); c.a(c.h("mx%d" % i), OTHER4)
c.spf("v=spf1 mx -all")
c = C("limits", "permerror", note="mx with 11 names, the first matches")
for i in range(1, 12):
    c.mx(c.d, c.h("mx%d" % i), i); c.a(c.h("mx%d" % i), IP4 if i == 1 else OTHER4)
c.spf("v=spf1 mx -all")
c = C("limits", "fail", note="mx with 3 names without addresses",
      dev="pyspf counts each empty A query of an MX host as a void lookup (3 > 2: permerror); RFC 7208 4.6.4 counts terms")
for i in range(1, 4):
    c.mx(c.d, c.h("mx%d" % i), i)
c.spf("v=spf1 mx -all")
c = C("limits", "pass", note="2 void lookups (NXDOMAIN), then ip4"); c.spf("v=spf1 a:nx1.%s a:nx2.%s ip4:192.0.2.10 -all" % (c.d, c.d))
c = C("limits", "permerror", note="3 void lookups (NXDOMAIN), then ip4"); c.spf("v=spf1 a:nx1.%s a:nx2.%s a:nx3.%s ip4:192.0.2.10 -all" % (c.d, c.d, c.d))
c = C("limits", "permerror", note="3 void exists"); c.spf("v=spf1 exists:nx1.%s exists:nx2.%s exists:nx3.%s +all" % (c.d, c.d, c.d))
c = C("limits", "pass", note="2 void exists"); c.spf("v=spf1 exists:nx1.%s exists:nx2.%s +all" % (c.d, c.d))
c = C("limits", "permerror", note="3 void lookups (NODATA)")
c.txt(c.h("t1"), "x"); c.txt(c.h("t2"), "x"); c.txt(c.h("t3"), "x")
c.spf("v=spf1 a:t1.%s a:t2.%s mx:t3.%s +all" % (c.d, c.d, c.d))
c = C("limits", "permerror", note="void lookups add up across include")
c.spf("v=spf1 a:nx1.%s include:i.%s +all" % (c.d, c.d)); c.spf("v=spf1 a:nx2.%s a:nx3.%s ?all" % (c.d, c.d), name=c.h("i"))
c = C("limits", "pass", note="2 void (AAAA of v4-only names) for IPv6", ip=IP6)
c.a(c.h("v1"), OTHER4); c.a(c.h("v2"), OTHER4); c.spf("v=spf1 a:v1.%s a:v2.%s ip6:2001:db8::/64 -all" % (c.d, c.d))
c = C("limits", "permerror", note="3 void (AAAA of v4-only names) for IPv6", ip=IP6)
c.a(c.h("v1"), OTHER4); c.a(c.h("v2"), OTHER4); c.a(c.h("v3"), OTHER4)
c.spf("v=spf1 a:v1.%s a:v2.%s a:v3.%s ip6:2001:db8::/64 -all" % (c.d, c.d, c.d))
c = C("limits", "pass", note="a void lookup after the match is never made")
c.spf("v=spf1 a:nx1.%s a:nx2.%s ip4:192.0.2.10 a:nx3.%s -all" % (c.d, c.d, c.d))
c = C("limits", "pass", note="ptr with 10 valid names, the 10th is the match")
ip = ptr_ip(); c.ip = ip
c.spf("v=spf1 ptr:good.%s -all" % c.d)
c.ptr(ip, c.h("p.good"))
for i in range(9):
    c.ptr(ip, c.h("p%d" % i)); c.a(c.h("p%d" % i), ip)
c.a(c.h("p.good"), ip)

# ---------------------------------------------------------- temperror
c = C("temperror", "temperror"); c.spf("v=spf1 a:x.%s -all" % REFUSED)
c = C("temperror", "temperror"); c.spf("v=spf1 mx:x.%s -all" % REFUSED)
c = C("temperror", "temperror"); c.spf("v=spf1 exists:x.%s -all" % REFUSED)
c = C("temperror", "temperror", note="MX host REFUSED"); c.spf("v=spf1 mx -all"); c.mx(c.d, "mx." + REFUSED)
c = C("temperror", "pass", note="a match before the failing lookup"); c.spf("v=spf1 ip4:192.0.2.10 a:x.%s -all" % REFUSED)

# ------------------------------------------------------------- write


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    ids = set()
    for c in CASES:
        assert c.d not in ids
        ids.add(c.d)
    with open(os.path.join(out, "dnsmasq.conf"), "w") as f:
        f.write("# generated by tests/spf/corpus.py\n")
        for z in (Z, "in-addr.arpa", "ip6.arpa"):
            f.write("local=/%s/\n" % z)
        for line in SHARED:
            f.write(line + "\n")
        for c in CASES:
            f.write("# %s %s\n" % (c.id, c.cat))
            for line in c.lines:
                f.write(line + "\n")
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump([c.json() for c in CASES], f, indent=0)
    cats = {}
    for c in CASES:
        cats[c.cat] = cats.get(c.cat, 0) + 1
    print(len(CASES), " ".join("%s=%d" % kv for kv in cats.items()))


if __name__ == "__main__":
    main()
