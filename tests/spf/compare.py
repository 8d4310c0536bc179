#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/spf/compare.py CASES.json PYSPF.tsv MAILSET.tsv [SHOW]: compare the
two sides case by case. A case agrees only when mailset's result equals
pyspf's: pyspf is the oracle, also for the cases marked "dev" in the corpus
(where pyspf reads RFC 7208 its own way; mailset follows it, see the top of
src/spf.c), whose notes are printed on stderr.

stdout, first line: "N K" (cases, disagreements); then one line for each of
the first SHOW (default 5) disagreements:
  caseNNN record '...' ip ... sender ... : mailset X (reason) pyspf Y (explanation)
Exit 0 when all agree, 1 when any disagree, 2 on a malformed input.

compare.py CASES.json PYSPF.tsv --want [SHOW]: the corpus's own check: pyspf
gives the expected result ("want") for every case but the "dev" ones, where
it must still differ (else the note is stale)."""
import json
import sys


def load(path):
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                print("compare: malformed line in %s: %r" % (path, line), file=sys.stderr)
                sys.exit(2)
            rows[parts[0]] = (parts[1], parts[2])
    return rows


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    py = load(sys.argv[2])
    show = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    if sys.argv[3] == "--want":
        bad = []
        for c in cases:
            p = py.get(c["id"], ("missing", "no pyspf result"))
            if (p[0] == c["want"]) == bool(c.get("dev")):
                bad.append("%s record '%s' ip %s: pyspf %s (%s), corpus expects %s%s"
                           % (c["id"], c["record"], c["ip"], p[0], p[1], c["want"],
                              " (marked as a pyspf deviation)" if c.get("dev") else ""))
        print(len(cases), len(bad))
        for b in bad[:show]:
            print(b)
        sys.exit(1 if bad else 0)
    ms = load(sys.argv[3])
    show = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    bad = []
    for c in cases:
        p = py.get(c["id"], ("missing", "no pyspf result"))
        m = ms.get(c["id"], ("missing", "no mailset result"))
        ok = m[0] == p[0]
        if ok and c.get("dev") and p[0] != c["want"]:
            print("# %s: mailset follows pyspf (%s), RFC 7208 reading %s: %s"
                  % (c["id"], m[0], c["want"], c["dev"]), file=sys.stderr)
        if not ok:
            bad.append("%s record '%s' ip %s sender %s helo %s : mailset %s (%s) pyspf %s (%s)"
                       % (c["id"], c["record"], c["ip"], c["sender"], c["helo"],
                          m[0], m[1], p[0], p[1]))
    print(len(cases), len(bad))
    for b in bad[:show]:
        print(b)
    sys.exit(1 if bad else 0)


main()
