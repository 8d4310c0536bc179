#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/spf/spfq-run.py SPFQ PORT CASES.json OUT.tsv [JOBS]: the C side of
the SPF differential test. Runs `SPFQ --server 127.0.0.1:PORT --batch` in
JOBS (default 4) processes, the cases dealt among them; each case gets a
resolver of its own inside spfq, so no answer is shared between cases.
LeakSanitizer checks each process at its exit.

OUT.tsv: "ID<TAB>RESULT<TAB>REASON" a case. RESULT is spfq's first line;
when spfq misbehaves it is one of: exit-N (a non-zero exit status), timeout,
sanitizer (an ASan/UBSan report on stderr), no-output."""
import concurrent.futures
import json
import subprocess
import sys

SAN = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer",
       "ERROR: UndefinedBehaviorSanitizer")


def chunk(spfq, server, cases):
    """One spfq --batch process for a list of cases (leak checking on: it
    costs once per process)."""
    feed = "".join("%s\t%s\t%s\t%s\n" % (c["id"], c["ip"], c["sender"], c["helo"])
                   for c in cases)
    try:
        p = subprocess.run([spfq, "--server", server, "--batch"], input=feed.encode(),
                           capture_output=True, timeout=30 + 2 * len(cases))
    except subprocess.TimeoutExpired:
        return [(c["id"], "timeout", "spfq --batch did not finish") for c in cases]
    err = p.stderr.decode("utf-8", "replace")
    got = {}
    for line in p.stdout.decode("utf-8", "replace").split("\n"):
        parts = line.split("\t")
        if len(parts) == 3:
            got[parts[0]] = (parts[1], parts[2])
    bad = None
    for s in SAN:
        if s in err:
            bad = ("sanitizer", next(l for l in err.split("\n") if s in l).strip())
    if not bad and p.returncode != 0:
        bad = ("exit-%d" % p.returncode, (err.strip().split("\n") or [""])[0])
    rows = []
    for c in cases:
        if bad:
            rows.append((c["id"],) + bad)
        elif c["id"] in got:
            rows.append((c["id"],) + got[c["id"]])
        else:
            rows.append((c["id"], "no-output", err.strip()[:200]))
    return rows


def main():
    spfq, port, cases_path, out_path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    jobs = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    with open(cases_path) as f:
        cases = json.load(f)
    server = "127.0.0.1:%s" % port
    parts = [cases[i::jobs] for i in range(jobs)]
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        results = list(ex.map(lambda part: chunk(spfq, server, part), parts))
    by_id = {r[0]: r for rows in results for r in rows}
    with open(out_path, "w") as out:
        for c in cases:
            i, r, why = by_id[c["id"]]
            out.write("%s\t%s\t%s\n" % (i, r, " ".join(why.split())))


main()
