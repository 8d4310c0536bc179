#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# tests/ui/ptybytes.py - what the editor writes to its terminal, key by key.
#
# Usage: ptybytes.py COLSxROWS [--strace LOG] KEY... -- PROGRAM ARGS...
#
# Runs PROGRAM in a pseudo-terminal of that size (the caller sets TERM and
# the rest of the environment), reads its first frame (until 300 ms pass
# without a byte), then sends each KEY and reads the answer the same way
# (150 ms). KEY is a name (Tab, BSpace, F10, Space, Enter) or text to type.
# With --strace, PROGRAM runs under `strace -f -e trace=write -o LOG` and the
# first line also gives how many write()s to the terminal the first frame
# took. Prints one line per step:
#   first bytes=N [writes=W] cursor=R
#   key NAME bytes=N cursor=R rows=ROW:BYTES,... moved=0|1
# rows: the bytes each screen row got (0-based; escape sequences count for
# the row the cursor is on after them); moved=1 when the output scrolled,
# inserted, deleted or cleared lines (the layout moved instead of cells
# being rewritten in place). The sequences tracked are those curses sends
# for TERM=xterm-256color. Standard library only; every wait is bounded.

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

KEYS = {"Tab": b"\t", "BSpace": b"\x7f", "Enter": b"\r", "Space": b" ",
        "F9": b"\x1b[20~", "F10": b"\x1b[21~", "Escape": b"\x1b", "NPage": b"\x1b[6~", "Down": b"\x1b[B"}
CSI = re.compile(rb"\x1b\[([0-9;?>]*)([ -/]*)([@-~])")


class Screen:
    """Follows the cursor row through curses' output."""

    def __init__(self, rows):
        self.rows, self.row = rows, 0

    def feed(self, data):
        """Returns ({row: bytes}, moved) for this piece of output."""
        per, moved, i = {}, False, 0
        while i < len(data):
            start, c = i, data[i]
            if c == 0x1b:
                m = CSI.match(data, i)
                if m:
                    i = m.end()
                    params = [int(p) if p.isdigit() else 0
                              for p in m.group(1).decode().lstrip("?>").split(";")]
                    n = params[0] or 1
                    fin = m.group(3)
                    if fin in (b"H", b"f"):
                        self.row = max(params[0], 1) - 1 if m.group(1) else 0
                    elif fin == b"d":
                        self.row = n - 1
                    elif fin == b"A":
                        self.row -= n
                    elif fin in (b"B", b"e"):
                        self.row += n
                    elif fin == b"r":
                        # a scrolling region other than the whole screen
                        full = not m.group(1) or params[:2] in ([1, self.rows], [0, 0])
                        moved = moved or not full
                    elif fin in (b"S", b"T", b"L", b"M", b"J") and not m.group(1).startswith(b"?"):
                        moved = True
                elif data[i + 1:i + 2] == b"]":  # OSC ... BEL or ST
                    end = data.find(b"\x07", i)
                    st = data.find(b"\x1b\\", i)
                    ends = [e for e in (end, st) if e >= 0]
                    i = (min(ends) + (1 if min(ends) == end else 2)) if ends else len(data)
                elif data[i + 1:i + 2] in (b"(", b")"):
                    i += 3
                elif data[i + 1:i + 2] in (b"M", b"D", b"E"):
                    moved = True
                    i += 2
                else:
                    i += 2
            elif c == 0x0a:
                self.row += 1
                i += 1
            else:
                i += 1
            self.row = min(max(self.row, 0), self.rows - 1)
            per[self.row] = per.get(self.row, 0) + (i - start)
        return per, moved


def main():
    args = sys.argv[1:]
    cols, rows = (int(v) for v in args.pop(0).split("x"))
    log = None
    if args and args[0] == "--strace":
        args.pop(0)
        log = args.pop(0)
    sep = args.index("--")
    keys, argv = args[:sep], args[sep + 1:]
    if log:
        argv = ["strace", "-f", "-e", "trace=write", "-s", "0", "-o", log] + argv
    pid, fd = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    screen = Screen(rows)
    deadline = time.monotonic() + 60

    def collect(quiet, first_wait):
        out, start, last = b"", time.monotonic(), None
        while time.monotonic() < deadline:
            now = time.monotonic()
            wait = first_wait - (now - start) if last is None else quiet - (now - last)
            if wait <= 0:
                break
            if not select.select([fd], [], [], wait)[0]:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
            last = time.monotonic()
        return out

    try:
        first = collect(0.3, 10.0)
        screen.feed(first)
        first_row = screen.row
        steps = []
        for k in keys:
            os.write(fd, KEYS.get(k, k.encode()))
            out = collect(0.15, 3.0)
            per, moved = screen.feed(out)
            steps.append("key %s bytes=%d cursor=%d rows=%s moved=%d" % (
                k, len(out), screen.row,
                ",".join("%d:%d" % kv for kv in sorted(per.items())), moved))
        # quit; d: discard, when the quit question asks
        for k in (KEYS["F10"], b"d"):
            if os.waitpid(pid, os.WNOHANG)[0]:
                pid = 0
                break
            try:
                os.write(fd, k)
            except OSError:
                break
            collect(0.15, 1.0)
    finally:
        for _ in range(60):
            if not pid or os.waitpid(pid, os.WNOHANG)[0]:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    line = "first bytes=%d cursor=%d" % (len(first), first_row)
    if log:
        # the write()s to the terminal that made up the first frame
        sizes = []
        with open(log) as f:
            for entry in f:
                m = re.search(r"write\(1, .*\)\s+=\s+(\d+)", entry)
                if m:
                    sizes.append(int(m.group(1)))
        total, writes = 0, 0
        for s in sizes:
            if total >= len(first):
                break
            total += s
            writes += 1
        line += " writes=%d" % writes
    print(line)
    for s in steps:
        print(s)


if __name__ == "__main__":
    main()
