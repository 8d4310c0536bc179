#!/usr/bin/python3
"""tests/spf/spfq-run.py SPFQ PORT CASES.json OUT.tsv [JOBS]: the C side of
the SPF differential test. Runs `SPFQ --server 127.0.0.1:PORT IP SENDER HELO`
for every case, JOBS (default 4) at a time, each bounded to 30 s.

LeakSanitizer's exit check doubles the cost of a run (~70 ms to ~145 ms
here): it is on for every third case only, for all with SPF_LEAKS=all.

OUT.tsv: "ID<TAB>RESULT<TAB>REASON" a case. RESULT is spfq's first line;
when spfq misbehaves it is one of: exit-N (a non-zero exit status), timeout,
sanitizer (an ASan/UBSan report on stderr), no-output."""
import concurrent.futures
import json
import os
import re
import subprocess
import sys

SAN = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer",
       "ERROR: UndefinedBehaviorSanitizer")


def one(spfq, server, c, leaks):
    env = dict(os.environ)
    asan = re.sub(r"(^|:)detect_leaks=[^:]*", "", env.get("ASAN_OPTIONS", "")).strip(":")
    env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "detect_leaks=%d" % leaks
    try:
        p = subprocess.run([spfq, "--server", server, c["ip"], c["sender"], c["helo"]],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30, env=env)
    except subprocess.TimeoutExpired:
        return c["id"], "timeout", "no answer in 30 s"
    out = p.stdout.decode("utf-8", "replace").split("\n")
    err = p.stderr.decode("utf-8", "replace")
    reason = out[1] if len(out) > 1 else ""
    for s in SAN:
        if s in err:
            line = next(l for l in err.split("\n") if s in l)
            return c["id"], "sanitizer", line.strip()
    if p.returncode != 0:
        return c["id"], "exit-%d" % p.returncode, (err.strip().split("\n") or [""])[0]
    if not out[0]:
        return c["id"], "no-output", err.strip()[:200]
    return c["id"], out[0].strip(), reason


def main():
    spfq, port, cases_path, out_path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    jobs = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    with open(cases_path) as f:
        cases = json.load(f)
    server = "127.0.0.1:%s" % port
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        every = os.environ.get("SPF_LEAKS") == "all"
        rows = list(ex.map(lambda ic: one(spfq, server, ic[1], int(every or ic[0] % 3 == 0)),
                           enumerate(cases)))
    with open(out_path, "w") as out:
        for i, r, why in rows:
            out.write("%s\t%s\t%s\n" % (i, r, " ".join(why.split())))


main()
