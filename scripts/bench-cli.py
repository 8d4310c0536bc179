#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# `make bench`, command-line parts, each next to `git config` on the same
# file, the runs interleaved (mailset, git, git, mailset, ...) so that load
# drifting during the run hits both. Rows on stdout for bench-table.py
# (`figure TAB mailset TAB peer-name TAB peer TAB unit TAB target`);
# progress on stderr.
# Usage: bench-cli.py path/to/mailset PART...   PART: start, size, noop
#
#   start  `mailset -c FILE get smtp.host`, start to exit, vs
#          `git config -f FILE smtp.host`, on the demo file; median of 21.
#   size   check, get, set (a real change, on a fresh copy each time) and a
#          no-op set (the value the file already has) on files of 1k, 10k,
#          100k and 300k lines (the demo file plus an [extra] section of
#          `keyN = value number N ; comment` lines), each vs git config on
#          the same file; medians. Then how the time grows: ms per 10k
#          lines between 100k and 300k lines, and that divided by the same
#          between 10k and 100k (1.00: linear). Peak RSS of check (GNU time).
#   noop   a no-op set under `strace -f -y`: write, fsync/fdatasync and
#          rename calls on the configuration file (and on a temporary file
#          renamed onto it), the same on other files (the lock), and whether
#          the file's inode and mtime stayed the same.
#
# git refuses `_` in key names (`bad config line`), so git reads a twin of
# each file in which the key names have `-` instead: same size, same lines.
# Asserts nothing; git missing gives "n/a".
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from benchrow import emit, med  # noqa: E402

SIZES = [(1000, "1k", 11), (10000, "10k", 7), (100000, "100k", 7), (300000, "300k", 5)]
START_RUNS = 21
NEW = "NewValue"
DEVNULL = os.open(os.devnull, os.O_RDWR)


def log(msg):
    print("bench cli: " + msg, file=sys.stderr, flush=True)


def which(prog):
    return shutil.which(prog)


def run(argv, env):
    """Wall-clock ms from spawn to exit, or None when it fails."""
    fa = [(os.POSIX_SPAWN_DUP2, DEVNULL, 0), (os.POSIX_SPAWN_DUP2, DEVNULL, 1),
          (os.POSIX_SPAWN_DUP2, DEVNULL, 2)]
    t0 = time.perf_counter()
    try:
        pid = os.posix_spawn(argv[0], argv, env, file_actions=fa)
    except OSError:
        return None
    _, status = os.waitpid(pid, 0)
    t1 = time.perf_counter()
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    return (t1 - t0) * 1000.0


KEY = re.compile(r"^(\s*)([A-Za-z][A-Za-z0-9_]*)(\s*=)", re.M)


def git_twin(text):
    """The same file with `_` in key names written `-` (git's rule)."""
    return KEY.sub(lambda m: m.group(1) + m.group(2).replace("_", "-") + m.group(3), text)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)


class Bench:
    def __init__(self, mailset, top, tmp):
        self.mailset, self.top, self.tmp = mailset, top, tmp
        self.git = which("git")
        self.env = dict(os.environ)
        self.env.setdefault("MAILSET_DATADIR", os.path.join(top, "share", "mailset"))
        self.env.setdefault("MAILSET_LOCALEDIR", os.path.join(top, "build", "locale"))
        # git must read only the file it is given
        self.genv = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
                         HOME=tmp)
        with open(os.path.join(top, "share", "mailset", "examples", "mail.ini"),
                  encoding="utf-8") as f:
            self.example = re.sub(r"(?m)^password = .*", "password = bench-password", f.read())
        self.notes = []
        self.failed = set()

    def m(self, *args):
        return run([self.mailset] + list(args), self.env)

    def g(self, *args):
        if not self.git:
            return None
        return run([self.git, "config"] + list(args), self.genv)

    # The floor under check/get: Debian's libinih alone reading the file
    # (read it, ini_parse_string with a handler that does nothing), as a
    # program of its own. mailset must read every file through it (SPEC).
    INIH_ONLY = r"""
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
static int nothing(void *u, const char *s, const char *n, const char *v, int l)
{ (void)u; (void)s; (void)n; (void)v; (void)l; return 1; }
int main(int argc, char **argv)
{
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	if (!f || fseek(f, 0, SEEK_END) < 0) return 66;
	long n = ftell(f); rewind(f);
	char *b = malloc((size_t)n + 1);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) return 74;
	b[n] = 0;
	return ini_parse_string(b, nothing, NULL) ? 65 : 0;
}
"""

    def inih_only(self):
        """The inih-only reader, built once; None when it cannot be."""
        if not hasattr(self, "_inih"):
            src, exe = os.path.join(self.tmp, "inih-only.c"), os.path.join(self.tmp, "inih-only")
            with open(src, "w") as f:
                f.write(self.INIH_ONLY)
            cc = os.environ.get("CC") or "cc"
            r = subprocess.run([cc, "-O2", "-DINI_HANDLER_LINENO=1", "-o", exe, src, "-linih"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self._inih = exe if r.returncode == 0 else None
        return self._inih

    def files(self, name, text):
        """(mailset's file, git's twin), written afresh."""
        f = os.path.join(self.tmp, name + ".ini")
        g = os.path.join(self.tmp, name + ".git.ini")
        write(f, text)
        write(g, git_twin(text))
        return f, g

    def pair(self, rep, fm, fg, label):
        """One run of each, in an order that alternates with rep."""
        out = {}
        for who in (("m", "g") if rep % 2 == 0 else ("g", "m")):
            t = fm() if who == "m" else fg()
            if t is None and (label, who) not in self.failed and (who == "m" or self.git):
                self.failed.add((label, who))
                self.notes.append("%s: %s failed (non-zero exit); its figure is n/a"
                                  % (label, "mailset" if who == "m" else "git config"))
            out[who] = t
        return out["m"], out["g"]

    # -- start -------------------------------------------------------------
    def start(self):
        log("get smtp.host on the demo file, %d runs each" % START_RUNS)
        f, g = self.files("start", self.example)
        ms, gs = [], []
        self.m("-c", f, "get", "smtp.host")  # warm-up, not counted
        self.g("-f", g, "smtp.host")
        for rep in range(START_RUNS):
            a, b = self.pair(rep, lambda: self.m("-c", f, "get", "smtp.host"),
                             lambda: self.g("-f", g, "smtp.host"), "get (demo file)")
            ms.append(a)
            gs.append(b)
        print("## Command line: start to exit (median of %d, interleaved)" % START_RUNS)
        lines = self.example.count("\n")
        emit("get smtp.host, demo file (%d lines)" % lines, med(ms), "git config", med(gs),
             "ms", "<=1.5*peer")

    # -- size --------------------------------------------------------------
    def size(self):
        value = self.example_value()
        ops = [
            ("check", "git config --list"),
            ("get smtp.host", "git config KEY"),
            ("set, a change", "git config KEY VALUE"),
            ("set, no change", "git config KEY SAME"),
        ]
        res = {op: {} for op, _ in ops}
        fastest = {op: {} for op, _ in ops}
        rss, inih = {}, {}
        for n, tag, reps in SIZES:
            log("%s lines: check, get, set, no-op set, %d runs each" % (tag, reps))
            text = self.example + "[extra]\n" + "".join(
                "key%d = value number %d ; comment\n" % (i, i) for i in range(n))
            f, g = self.files("size", text)
            fw, gw = f + ".work", g + ".work"

            def fresh():
                shutil.copyfile(f, fw)
                os.chmod(fw, 0o600)
                shutil.copyfile(g, gw)

            runs = {op: ([], []) for op, _ in ops}
            floor = []
            sname, sgit = "basic.system_sender_name", "basic.system-sender-name"
            self.m("-c", f, "check")  # warm-up, not counted: page cache, libraries
            self.g("-f", g, "--list")
            for rep in range(reps):
                fresh()
                a, b = self.pair(rep, lambda: self.m("-c", f, "check"),
                                 lambda: self.g("-f", g, "--list"), "check")
                runs["check"][0].append(a)
                runs["check"][1].append(b)
                a, b = self.pair(rep, lambda: self.m("-c", f, "get", "smtp.host"),
                                 lambda: self.g("-f", g, "smtp.host"), "get")
                runs["get smtp.host"][0].append(a)
                runs["get smtp.host"][1].append(b)
                a, b = self.pair(rep, lambda: self.m("-c", fw, "set", "%s=%s" % (sname, NEW)),
                                 lambda: self.g("-f", gw, sgit, NEW), "set")
                runs["set, a change"][0].append(a)
                runs["set, a change"][1].append(b)
                fresh()
                a, b = self.pair(rep, lambda: self.m("-c", fw, "set", "%s=%s" % (sname, value)),
                                 lambda: self.g("-f", gw, sgit, value), "no-op set")
                runs["set, no change"][0].append(a)
                runs["set, no change"][1].append(b)
                if self.inih_only():
                    floor.append(run([self.inih_only(), f], self.env))
            inih[n] = med(floor)
            for op, _ in ops:
                res[op][n] = (med(runs[op][0]), med(runs[op][1]))
                fastest[op][n] = tuple(min((x for x in runs[op][i] if x is not None), default=None)
                                       for i in (0, 1))
            rss[n] = (self.rss([self.mailset, "-c", f, "check"], self.env),
                      self.rss([self.git, "config", "-f", g, "--list"], self.genv)
                      if self.git else None)
        print("## Command line on big files: start to exit, ms (median; git on the same "
              "file, key names with '-')")
        for op, peer in ops:
            for n, tag, reps in SIZES:
                a, b = res[op][n]
                emit("%s, %s lines" % (op, tag), a, peer, b, "ms", "<=peer")
            # growth: ms per 10k lines on the last stretch, and how it compares
            # with the one before (1.00: the time grows in a straight line).
            # From the fastest run of each size: a load spike during one size
            # would bend the line more than the program does.
            def slope(who, lo, hi):
                x, y = fastest[op][lo][who], fastest[op][hi][who]
                if x is None or y is None:
                    return None
                return (y - x) / ((hi - lo) / 10000.0)

            def bend(who):
                s1, s2 = slope(who, 10000, 100000), slope(who, 100000, 300000)
                if s1 is None or s2 is None or s1 <= 0:
                    return None
                return s2 / s1

            emit("%s: growth 100k..300k" % op, slope(0, 100000, 300000), peer,
                 slope(1, 100000, 300000), "ms/10k", "", 2)
            emit("%s: linearity" % op, bend(0), peer, bend(1),
                 "x", "1 = linear", 2)
        for n, tag, reps in SIZES:
            emit("libinih alone reads the file, %s lines" % tag, inih[n], "git config --list",
                 res["check"][n][1], "ms", "")
        for n, tag, reps in SIZES:
            a, b = rss[n]
            emit("peak RSS of check, %s lines" % tag, a / 1024.0 if a else None,
                 "git config --list", b / 1024.0 if b else None, "MB", "")
        print("# command line: sizes are the demo file plus N lines of 'keyN = value number N "
              "; comment' (300k lines = %.1f MB); set runs on a fresh copy each time; "
              "'no change' sets the value the file has; git config gets a twin with '-' for '_' "
              "in key names (git refuses '_'); growth: ms per 10k more lines between 100k and "
              "300k; linearity: that growth / the growth between 10k and 100k (1.00: the "
              "time is a straight line in the size); both from the fastest run of each size, "
              "the least disturbed by load" % (len(self.last_text_bytes()) / 1e6))

    def last_text_bytes(self):
        try:
            with open(os.path.join(self.tmp, "size.ini"), "rb") as f:
                return f.read()
        except OSError:
            return b""

    def example_value(self):
        m = re.search(r"(?m)^system_sender_name = (.*)$", self.example)
        return m.group(1).strip() if m else "Bench"

    def rss(self, argv, env):
        """Peak RSS in kB under GNU time (its own child, so the figure is
        the program's, not a forked Python's), or None."""
        if not os.access("/usr/bin/time", os.X_OK) or not argv[0]:
            return None
        try:
            r = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        try:
            return int(r.stderr.decode(errors="replace").strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None

    # -- noop --------------------------------------------------------------
    def noop(self):
        log("a no-op set under strace")
        strace = which("strace")
        value = self.example_value()
        print("## A set that changes nothing (1k lines; strace -f -y)")
        text = self.example + "[extra]\n" + "".join(
            "key%d = value number %d ; comment\n" % (i, i) for i in range(1000))
        got = {}
        for who in ("mailset", "git config"):
            d = os.path.join(self.tmp, "noop-" + who.replace(" ", "-"))
            os.makedirs(d, exist_ok=True)
            f = os.path.join(d, "mail.ini")
            if who == "mailset":
                write(f, text)
                argv, env = [self.mailset, "-c", f, "set",
                             "basic.system_sender_name=%s" % value], self.env
            else:
                if not self.git:
                    got[who] = None
                    continue
                write(f, git_twin(text))
                argv, env = [self.git, "config", "-f", f, "basic.system-sender-name",
                             value], self.genv
            old = time.time() - 3600  # an old mtime: any write shows
            os.utime(f, (old, old))
            st0 = os.stat(f)
            with open(f, "rb") as fh:
                before = fh.read()
            counts = None
            if strace:
                out = os.path.join(self.tmp, "noop.strace")
                r = subprocess.run([strace, "-f", "-qq", "-y", "-o", out, "-e",
                                    "trace=write,writev,pwrite64,pwritev,pwritev2,fsync,"
                                    "fdatasync,sync_file_range,syncfs,sync,rename,renameat,"
                                    "renameat2", "--"] + argv, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if r.returncode == 0:
                    counts = self.syscalls(out, f)
                else:
                    self.notes.append("no-op set: %s under strace exited %d"
                                      % (who, r.returncode))
            else:
                r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            st1 = os.stat(f)
            with open(f, "rb") as fh:
                after = fh.read()
            got[who] = dict(counts or {},
                            inode="yes" if st1.st_ino == st0.st_ino else "no",
                            mtime="yes" if st1.st_mtime_ns == st0.st_mtime_ns else "no",
                            bytes="yes" if after == before else "no")
            if counts is None:
                for k in ("write", "fsync", "rename", "other_write", "other_fsync"):
                    got[who][k] = None
        m, g = got["mailset"], got["git config"] or {}
        rows = [
            ("write() on the file", "write", "calls", ""),
            ("fsync() on the file or its dir", "fsync", "calls", "=0"),
            ("rename() onto the file", "rename", "calls", "=0"),
            ("write() on other files", "other_write", "calls", ""),
            ("fsync() on other files", "other_fsync", "calls", ""),
            ("inode unchanged", "inode", "", "=yes"),
            ("mtime unchanged", "mtime", "", "=yes"),
            ("bytes unchanged", "bytes", "", "=yes"),
        ]
        for label, key, unit, target in rows:
            emit("no-op set: " + label, m.get(key), "git config", g.get(key), unit, target, 0)
        print("# no-op set: 'the file' includes a temporary file renamed onto it "
              "(mailset's .NAME.XXXXXX, git's NAME.lock); 'other files': the rest of its "
              "directory (mailset's lock file NAME.lock)")
        if not strace:
            self.notes.append("strace is not installed: no syscall counts")

    @staticmethod
    def syscalls(out, config):
        """Counts from `strace -f -y` output: calls on the config file, a
        file renamed onto it, or its directory; and on other files there."""
        config = os.path.realpath(config)
        d = os.path.dirname(config)
        lines = []
        with open(out, errors="replace") as f:
            for line in f:
                m = re.match(r"\s*\d+\s+(\w+)\((.*)", line)
                if m:
                    lines.append((m.group(1), m.group(2)))
        onto = {config}
        renames = 0
        for name, args in lines:
            if name.startswith("rename"):
                paths = re.findall(r'"([^"]*)"', args)
                if len(paths) >= 2:
                    src, dst = paths[0], paths[-1]
                    if os.path.basename(dst) == os.path.basename(config):
                        renames += 1
                        onto.add(os.path.join(d, os.path.basename(src)))
        c = dict(write=0, fsync=0, rename=renames, other_write=0, other_fsync=0)
        for name, args in lines:
            fd = re.match(r"\d+<([^>]*)>", args)
            path = fd.group(1) if fd else None
            if name.startswith(("write", "pwrite")):
                if path in onto:
                    c["write"] += 1
                elif path and os.path.dirname(path) == d:
                    c["other_write"] += 1
            elif name in ("fsync", "fdatasync", "sync_file_range", "syncfs", "sync"):
                if path in onto or path == d or name == "sync":
                    c["fsync"] += 1
                elif path and os.path.dirname(path) == d:
                    c["other_fsync"] += 1
        return c


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if len(sys.argv) < 2:
        print("usage: bench-cli.py MAILSET [start] [size] [noop]", file=sys.stderr)
        return 64
    mailset = os.path.abspath(sys.argv[1])
    parts = sys.argv[2:] or ["start", "size", "noop"]
    tmp = tempfile.mkdtemp(prefix="mailset-bench-cli.")
    b = Bench(mailset, top, tmp)
    if not b.git:
        b.notes.append("git is not installed: its figures are n/a")
    try:
        for part in parts:
            getattr(b, part)()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for n in b.notes:
        print("# command line: " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
