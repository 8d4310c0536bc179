#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# `make bench`: prints the rows the bench parts wrote as one table.
# Usage: bench-table.py ROWS-FILE...
#
# Input, one per line (tab-separated):
#   figure  mailset  peer-name  peer  unit  target   a row
#   ## text                                          a section heading
#   # text                                           a note, printed after the table
# mailset and peer are numbers, "n/a" (not measured, peer missing) or words
# (yes/no). peer-name "-" means there is no peer. target:
#   <=peer       mailset at most the peer's figure
#   <=1.5*peer   mailset at most 1.5 times the peer's
#   <=N, =N      mailset at most N, exactly N
#   =WORD        mailset's figure is WORD (yes, no)
#   ""           none; anything else is printed as it is, without a verdict
# The verdict column says ok, over (a number above its target), miss (another
# word than the target's) or n/a (a figure is missing); the
# bench asserts nothing. Ratio = mailset / peer.
import re
import sys


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def ratio(m, p):
    a, b = num(m), num(p)
    if a is None or b is None:
        return ""
    if b == 0:
        return "=" if a == 0 else "-"
    r = a / b
    return "%.2f" % r if r < 10 else "%.1f" % r if r < 100 else "%.0f" % r


def judge(m, p, target):
    """(target as shown, verdict)"""
    if not target:
        return "", ""
    mv, pv = num(m), num(p)
    t = re.fullmatch(r"<=\s*(?:([0-9.]+)\s*\*\s*)?peer", target)
    if t:
        k = float(t.group(1) or 1)
        shown = "<= peer" if k == 1 else "<= %gx peer" % k
        if mv is None or pv is None:
            return shown, "n/a"
        return shown, "ok" if mv <= k * pv + 1e-9 else "over"
    t = re.fullmatch(r"(<=|=)\s*([0-9.]+)", target)
    if t:
        op, lim = t.group(1), float(t.group(2))
        shown = "%s %s" % (op, t.group(2))
        if mv is None:
            return shown.strip(), "n/a"
        ok = mv <= lim + 1e-9 if op == "<=" else abs(mv - lim) < 1e-9
        return shown.strip(), "ok" if ok else "over"
    t = re.fullmatch(r"=\s*([A-Za-z-]+)", target)
    if t:
        if m == "n/a":
            return t.group(1), "n/a"
        return t.group(1), "ok" if m == t.group(1) else "miss"
    return target, ""


def main():
    items, notes = [], []
    for path in sys.argv[1:]:
        try:
            f = open(path, errors="replace")
        except OSError:
            continue
        with f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                if line.startswith("##"):
                    items.append(("head", line[2:].strip()))
                elif line.startswith("#"):
                    notes.append(line[1:].strip())
                else:
                    cells = (line.split("\t") + [""] * 6)[:6]
                    fig, m, pname, p, unit, target = (c.strip() for c in cells)
                    if pname in ("", "-"):
                        pname, p = "-", ""
                    shown, verdict = judge(m, p, target)
                    items.append(("row", (fig, unit, m, pname, p, ratio(m, p), shown, verdict)))
    rows = [r for kind, r in items if kind == "row"]
    head = ("figure", "unit", "mailset", "peer", "peer's", "ratio", "target", "verdict")
    w = [max([len(head[i])] + [len(r[i]) for r in rows]) for i in range(len(head))]
    right = (False, False, True, False, True, True, False, False)

    def line(cells):
        out = []
        for i, c in enumerate(cells):
            out.append(c.rjust(w[i]) if right[i] else c.ljust(w[i]))
        return "  ".join(out).rstrip()

    total = len(line(head))
    print()
    print(line(head))
    print("-" * total)
    first = True
    for kind, r in items:
        if kind == "head":
            if not first:
                print()
            print(r)
        else:
            print(line(r))
        first = False
    print("-" * total)
    print("ratio = mailset / peer; target: what mailset should reach (not asserted); "
          "n/a: not measured or peer not installed")
    for n in notes:
        print("note: " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
