#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# `make bench`, terminal part: what the editor costs as an SSH link sees it,
# next to dialog and whiptail measured the same way in the same run.
# Usage: bench-tui.py [path/to/mailset]   (scripts/bench.sh tui runs it)
#
# Each program runs in a fresh 80x24 pseudo-terminal; every byte it writes
# to the terminal is what sshd would send. The peers:
#   - `dialog --form`: a form with the editor's first eleven fields (labels
#     and values of the demo file), the closest dialog has to the editor;
#   - `whiptail --inputbox`: whiptail has no form; one entry is its nearest.
# Figures (rows on stdout, `figure TAB mailset TAB peer-name TAB peer TAB
# unit TAB target`, for scripts/bench-table.py; progress on stderr):
#   - first frame: fork to the last byte of the first burst (the burst ends
#     after FIRST_QUIET without a byte); median of LAUNCHES launches, the
#     programs interleaved (mailset, dialog, whiptail, then the next round
#     in another order) so that load drifting during the run hits all;
#   - peak RSS, start + quit: VmHWM of the program (/proc/PID/status), read
#     at the first frame and every few ms while it quits; median;
#   - write() calls of the first frame: a separate launch under
#     `strace -f -ttt -y`, counting write/writev/pwrite64 calls on the
#     terminal made before the first quit key; median of WRITE_LAUNCHES;
#   - bytes per typed character: 40 characters typed one at a time into the
#     first field, each answer read until KEY_QUIET without a byte;
#   - bytes per move to the next field: mailset Tab, dialog --form Down
#     (Tab there leaves the form for the buttons), whiptail Tab (entry and
#     buttons: it has nothing else), MOVES times;
#   - CPU and bytes over IDLE idle seconds (/proc/PID/stat utime+stime);
#   - keystroke echo while a test send waits on a slow server (mailset only).
# Asserts nothing. A missing program gives "n/a". Every wait has a limit;
# the whole part stops itself after BUDGET seconds. Standard library only:
# run with /usr/bin/python3.

import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from benchrow import emit, med  # noqa: E402

ROWS, COLS = 24, 80
LAUNCHES = 7
WRITE_LAUNCHES = 3
FIRST_QUIET = 0.100     # end of the first frame: this long without a byte
STRACE_QUIET = 0.300    # the same under strace, which slows the program
KEY_QUIET = 0.080       # end of the answer to a key
KEY_FIRST_WAIT = 0.300  # a key that gets no answer at all costs this long
START_WAIT = 5.0        # a program that shows nothing for this long: n/a
IDLE = 3.0
QUIT_WAIT = 2.0
BUDGET = 150            # seconds for the whole part, then what is left is killed

# The same 40 characters for every program; the Japanese ones are 3 bytes of
# UTF-8 each, written in one piece as an input method would.
TEXT = ("Shop 日本語 desk " + "abcdefghijklmnopqrstuvwxyz")[:40]
MOVES = 10
VERBOSE = os.environ.get("BENCH_TUI_VERBOSE") == "1"  # list every keystroke's bytes

# Terminal queries a real terminal would answer: a program waiting for the
# answer must not stall the measurement.
QUERIES = {b"\x1b[6n": b"\x1b[1;1R", b"\x1b[c": b"\x1b[?1;2c", b"\x1b[0c": b"\x1b[?1;2c"}

F9 = b"\x1b[20~"
F10 = b"\x1b[21~"
ESC = b"\x1b"
DOWN = b"\x1bOB"  # what xterm sends for Down once the program has sent smkx

# dialog --form: the demo file's Basic and SMTP fields, laid out as the
# editor shows them (label column 32 wide, value 40 wide, long values scroll).
DIALOG_FIELDS = [
    ("Contact email", "support@example.com"),
    ("System mail sender", "noreply@example.com"),
    ("Sender display name (optional)", "ecforce desk"),
    ("BCC for automatic mail", ""),
    ("SMTP server", "127.0.0.1"),
    ("Port", "2525"),
    ("User name", "noreply@example.com"),
    ("Authentication", "plain"),
    ("TLS", "on"),
    ("CA file", ""),
    ("Notification priority", "email"),
]


def dialog_form_args():
    args = ["--form", "Outgoing mail settings", "20", "78", str(len(DIALOG_FIELDS))]
    for i, (label, value) in enumerate(DIALOG_FIELDS, 1):
        args += [label, str(i), "1", value, str(i), "33", "40", "200"]
    return args


class OutOfTime(Exception):
    pass


LIVE = []  # sessions not yet reaped, killed if the run runs out of time


def log(msg):
    print("bench tui: " + msg, file=sys.stderr, flush=True)


class Session:
    """One program in its own pseudo-terminal; reads the master side."""

    def __init__(self, argv, env):
        self.t0 = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # child: the slave is fds 0-2 and the controlling tty
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.eof = False
        self.status = None
        self.tail = b""
        self.first_byte = None
        self.peak_kb = None
        LIVE.append(self)

    def write(self, data):
        try:
            os.write(self.fd, data)
        except OSError:
            self.eof = True

    def collect(self, quiet, first_wait, limit):
        """Read until `quiet` s pass without a byte after the first one (or
        `first_wait` s without any). Returns (bytes, time of the last byte)."""
        start = time.monotonic()
        n, last = 0, None
        self.first_byte = None
        while not self.eof:
            now = time.monotonic()
            if now - start >= limit:
                break
            wait = first_wait - (now - start) if last is None else quiet - (now - last)
            if wait <= 0:
                break
            if not select.select([self.fd], [], [], min(wait, limit - (now - start)))[0]:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # EIO: the slave side is closed
                data = b""
            if not data:
                self.eof = True
                break
            last = time.monotonic()
            if not n:
                self.first_byte = last
            n += len(data)
            self.answer(data)
        return n, last

    def drain(self, seconds):
        """Read (and count) whatever comes for `seconds`, sending nothing."""
        end = time.monotonic() + seconds
        n = 0
        while not self.eof:
            left = end - time.monotonic()
            if left <= 0:
                break
            if select.select([self.fd], [], [], left)[0]:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    self.eof = True
                    break
                n += len(data)
                self.answer(data)
        return n

    def answer(self, data):
        buf = self.tail + data
        for q, a in QUERIES.items():
            if q in buf:
                self.write(a)
        self.tail = buf[-8:]

    def alive(self):
        if self.status is not None:
            return False
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.status = -1
            return False
        if pid == 0:
            return True
        self.status = status
        return False

    def cpu_seconds(self):
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # fields[0] is field 3 (state): utime and stime are fields 14, 15
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def sample_rss(self):
        """VmHWM (the process's own peak RSS; ru_maxrss would include the
        forked Python's before exec), kept as the largest seen."""
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        kb = int(line.split()[1])
                        if self.peak_kb is None or kb > self.peak_kb:
                            self.peak_kb = kb
                        break
        except (OSError, ValueError, IndexError):
            pass
        return self.peak_kb

    def quit(self, steps):
        """Send the quit keys one step at a time while the program lives,
        sampling its peak RSS, then wait QUIT_WAIT s; kill it if it is still
        there. Returns how it ended."""
        for keys in steps:
            if not self.alive():
                break
            self.sample_rss()
            self.write(keys)
            end = time.monotonic() + 0.2
            while self.alive() and time.monotonic() < end:
                self.sample_rss()
                self.drain(0.005)
        end = time.monotonic() + QUIT_WAIT
        while self.alive() and time.monotonic() < end:
            self.sample_rss()
            self.drain(0.005)
        how = "quit by keys"
        if self.alive():
            how = "killed (still running %.0f s after the quit keys)" % QUIT_WAIT
            self.kill()
        self.close()
        return how

    def kill(self):
        for sig, wait in ((signal.SIGTERM, 0.5), (signal.SIGKILL, 1.0)):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
            end = time.monotonic() + wait
            while self.alive() and time.monotonic() < end:
                self.drain(0.02)
            if not self.alive():
                return

    def close(self):
        if self.alive():
            self.kill()
        try:
            os.close(self.fd)
        except OSError:
            pass
        if self in LIVE:
            LIVE.remove(self)

    def exit_text(self):
        s = self.status
        if s is None or s < 0:
            return "ended"
        if os.WIFEXITED(s):
            return "exited with status %d" % os.WEXITSTATUS(s)
        if os.WIFSIGNALED(s):
            return "killed by signal %d" % os.WTERMSIG(s)
        return "ended"


class Program:
    def __init__(self, name, path, args, quit_steps, move, prepare):
        self.name, self.path, self.args = name, path, args
        self.quit_steps, self.move, self.prepare = quit_steps, move, prepare
        self.first_ms, self.first_bytes, self.peak_kb, self.writes = [], [], [], []
        self.fig = {}
        self.broken = None if path else "not installed"

    def argv(self):
        return [self.path] + self.args


def start(p, env, quiet, argv=None):
    """Launch and read the first frame. Returns (session, bytes, last) or
    None after marking the program broken."""
    p.prepare()
    s = Session(argv or p.argv(), env)
    n, last = s.collect(quiet, START_WAIT, START_WAIT + 5.0)
    if s.eof:  # the terminal closed: let the exit status arrive
        end = time.monotonic() + 1.0
        while s.alive() and time.monotonic() < end:
            time.sleep(0.01)
    if last is None or s.eof or not s.alive():
        p.broken = ("showed nothing in %.0f s" % START_WAIT if last is None else
                    "%s before showing a screen (%d bytes)" % (s.exit_text(), n))
        s.close()
        return None
    return s, n, last


def first_frame(p, env, notes, launch):
    got = start(p, env, FIRST_QUIET)
    if got is None:
        return
    s, n, last = got
    p.first_ms.append((last - s.t0) * 1000.0)
    p.first_bytes.append(n)
    s.sample_rss()
    how = s.quit(p.quit_steps)
    if s.peak_kb is not None:
        p.peak_kb.append(s.peak_kb)
    if how != "quit by keys" and launch == 0:
        notes.append("%s: first-frame launch %s" % (p.name, how))


def count_writes(p, env, strace, tmp, notes):
    """write() calls on the terminal up to the first frame, under strace."""
    out = os.path.join(tmp, "strace.out")
    argv = [strace, "-f", "-qq", "-ttt", "-y", "-o", out,
            "-e", "trace=write,writev,pwrite64", "-e", "signal=none", "--"] + p.argv()
    got = start(p, env, STRACE_QUIET, argv)
    if got is None:
        p.broken = None  # the program itself may be fine: only this figure is lost
        notes.append("%s: did not show a screen under strace" % p.name)
        return
    s = got[0]
    t_quit = time.time()
    s.quit(p.quit_steps)
    n = 0
    try:
        with open(out, errors="replace") as f:
            for line in f:
                parts = line.split(None, 2)
                if len(parts) < 3 or "</dev/pts/" not in parts[2].split(",", 1)[0]:
                    continue
                if not parts[2].startswith(("write(", "writev(", "pwrite64(")):
                    continue
                try:
                    if float(parts[1]) < t_quit:
                        n += 1
                except ValueError:
                    pass
    except OSError:
        return
    p.writes.append(n)


def interact(p, env, notes):
    """Type, move between fields, idle: one launch."""
    got = start(p, env, FIRST_QUIET)
    if got is None:
        return
    s = got[0]
    typed = []
    for ch in TEXT:
        s.write(ch.encode("utf-8"))
        typed.append(s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2.0)[0])
    if VERBOSE:
        notes.append("%s: bytes per typed character: %s" % (p.name, " ".join(map(str, typed))))
    p.fig["type_med"] = statistics.median(typed)
    p.fig["type_max"] = max(typed)
    silent = sum(1 for b in typed if b == 0)
    if silent:
        notes.append("%s: %d of %d typed characters got no output at all"
                     % (p.name, silent, len(typed)))
    moves = []
    for _ in range(MOVES):
        s.write(p.move)
        moves.append(s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2.0)[0])
    if VERBOSE:
        notes.append("%s: bytes per move: %s" % (p.name, " ".join(map(str, moves))))
    p.fig["move_med"] = statistics.median(moves)
    p.fig["move_max"] = max(moves)
    if p.name == "mailset":
        # the same moves with the fields' help text hidden (F9, for a slow
        # link): what a move itself costs
        s.write(F9)
        s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2.0)
        hidden = []
        for _ in range(MOVES):
            s.write(p.move)
            hidden.append(s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2.0)[0])
        p.fig["move_hidden_med"] = statistics.median(hidden)
        if VERBOSE:
            notes.append("mailset: bytes per move, help hidden: %s" % " ".join(map(str, hidden)))
    if s.alive():
        c0 = s.cpu_seconds()
        idle_bytes = s.drain(IDLE)
        c1 = s.cpu_seconds()
        if c0 is not None and c1 is not None:
            p.fig["idle_cpu"] = c1 - c0
        p.fig["idle_bytes"] = idle_bytes
    else:
        notes.append("%s: %s while being measured" % (p.name, s.exit_text()))
    how = s.quit(p.quit_steps)
    if how != "quit by keys":
        notes.append("%s: %s" % (p.name, how))


def echo_during_send(mailset, env, top, tmp):
    """Keystrokes typed while a test send talks to a slow server (500 ms per
    reply): milliseconds from each key to the first byte of its echo."""
    certs = os.path.join(tmp, "certs")
    port_file = os.path.join(tmp, "slow.port")
    pw = os.path.join(tmp, "slow.pw")
    with open(pw, "w") as f:
        f.write("bench-pass\n")
    if subprocess.call([os.path.join(top, "scripts", "make-test-certs.sh"), certs],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        return None, "echo during a send: no certificates (openssl?)"
    server = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(top, "scripts", "test-smtpd.py"), "--port", "0",
         "--certs", certs, "--user", "bench@example.com", "--password-file", pw,
         "--delay", "500", "--ready-file", port_file, "--max-seconds", "60"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(port_file) and os.path.getsize(port_file):
                break
            time.sleep(0.1)
        else:
            return None, "echo during a send: the test server did not start"
        port = open(port_file).read().strip()
        ini = os.path.join(tmp, "slow.ini")
        with open(ini, "w") as f:
            f.write("[basic]\ncontact_email = to@example.com\nsystem_email = from@example.com\n"
                    "[smtp]\nhost = 127.0.0.1\nport = %s\nusername = bench@example.com\n"
                    "password = bench-pass\nauth = plain\ntls = on\nca_file = %s/ca.pem\n"
                    % (port, certs))
        os.chmod(ini, 0o600)
        s = Session([mailset, "-c", ini], env)
        s.collect(FIRST_QUIET, START_WAIT, 10)
        s.write(b"\x1b[15~")          # F5: the test send pane
        s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2)
        s.write(b"\r")                # send: about 5 s against this server
        s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2)
        s.write(b"\x1b[5~")           # PgUp twice: the SMTP pane, host field
        s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2)
        s.write(b"\x1b[5~")
        s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2)
        lat = []
        for ch in "abcdefghij":
            t0 = time.monotonic()
            s.write(ch.encode())
            n, last = s.collect(KEY_QUIET, 1.0, 2)
            if n and s.first_byte is not None:
                lat.append((s.first_byte - t0) * 1000.0)
        s.quit([F10, b"d"])
        s.close()
        if not lat:
            return None, "echo during a send: no echo seen"
        return (statistics.median(lat), max(lat)), None
    finally:
        server.terminate()
        server.wait()


def which(prog):
    for d in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep) + ["/usr/bin", "/bin"]:
        p = os.path.join(d, prog)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    mailset = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(top, "build", "mailset")
    example = os.path.join(top, "share", "mailset", "examples", "mail.ini")

    # The caller's environment goes through (MAILSET_LIBEXECDIR and the
    # like); only what would change the screen is pinned.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LC_") and k not in ("LINES", "COLUMNS", "LANGUAGE", "NO_COLOR")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8")
    env.setdefault("MAILSET_DATADIR", os.path.join(top, "share", "mailset"))
    env.setdefault("MAILSET_LOCALEDIR", os.path.join(top, "build", "locale"))

    tmp = tempfile.mkdtemp(prefix="mailset-bench-tui.")
    ini = os.path.join(tmp, "mail.ini")

    def fresh_ini():
        try:
            shutil.copyfile(example, ini)
            os.chmod(ini, 0o600)
        except OSError:
            pass

    def nothing():
        pass

    programs = [
        Program("mailset", mailset if os.access(mailset, os.X_OK) else None, ["-c", ini],
                [F10, b"d"], b"\t", fresh_ini),
        Program("dialog --form", which("dialog"), dialog_form_args(), [ESC, ESC], DOWN, nothing),
        Program("whiptail --inputbox", which("whiptail"),
                ["--inputbox", "Contact email", "8", "60", "support@example.com"],
                [ESC, ESC], b"\t", nothing),
    ]
    m, dlg, wt = programs
    strace = which("strace")
    notes = []

    def out_of_time(signum, frame):
        raise OutOfTime()

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(BUDGET)
    try:
        log("first frames and peak RSS, %d launches each, interleaved" % LAUNCHES)
        for launch in range(LAUNCHES):
            k = launch % len(programs)
            order = programs[k:] + programs[:k]
            if launch % 2:
                order.reverse()
            for p in order:
                if not p.broken:
                    first_frame(p, env, notes, launch)
        if strace:
            log("write() calls of the first frame, under strace")
            for launch in range(WRITE_LAUNCHES):
                for p in (programs if launch % 2 == 0 else programs[::-1]):
                    if not p.broken:
                        count_writes(p, env, strace, tmp, notes)
        else:
            notes.append("strace is not installed: no write() counts")
        log("typing, field moves, idle")
        for p in programs:
            if not p.broken:
                interact(p, env, notes)
        log("keystroke echo during a test send")
        if not m.broken:
            tmp2 = tempfile.mkdtemp(prefix="mailset-bench-send.")
            try:
                echo, why = echo_during_send(mailset, env, top, tmp2)
            finally:
                shutil.rmtree(tmp2, ignore_errors=True)
            if why:
                notes.append(why)
        else:
            echo = None
    except OutOfTime:
        echo = None
        notes.append("tui part stopped after %d s: figures left n/a were not measured" % BUDGET)
    finally:
        signal.alarm(0)
        for s in list(LIVE):
            s.close()
        shutil.rmtree(tmp, ignore_errors=True)

    for p in programs:
        if p.broken:
            notes.append("%s: %s; not measured" % (p.name, p.broken))

    def pair(figure, get, unit, targets, digits=1, peers=(dlg, wt)):
        """One row per peer; targets: the target of each row."""
        for peer, target in zip(peers, targets):
            emit(figure, get(m), peer.name, get(peer), unit, target, digits)

    print("## Editor in an 80x24 pty (TERM=xterm-256color, LANG=C.UTF-8; "
          "bytes are what an SSH link carries; medians)")
    pair("first frame", lambda p: med(p.first_ms), "ms", ("<=peer", ""))
    pair("first frame, bytes", lambda p: med(p.first_bytes), "B", ("", ""), 0)
    pair("first frame, write() calls", lambda p: med(p.writes), "calls", ("", ""), 0,
         peers=(wt, dlg))
    pair("peak RSS, start + quit", lambda p: med(p.peak_kb) / 1024.0 if p.peak_kb else None,
         "MB", ("<=1.5*peer", ""))
    pair("bytes per typed character, median", lambda p: p.fig.get("type_med"), "B", ("=1", ""), 0)
    pair("bytes per typed character, max", lambda p: p.fig.get("type_max"), "B", ("", ""), 0)
    pair("bytes per field move, median", lambda p: p.fig.get("move_med"), "B",
         ("<=peer", ""), 0)
    pair("bytes per field move, max", lambda p: p.fig.get("move_max"), "B",
         ("", ""), 0)
    emit("bytes per field move, help text hidden (F9), median", m.fig.get("move_hidden_med"),
         dlg.name, dlg.fig.get("move_med"), "B", "<=peer", 0)
    pair("CPU over %g idle s" % IDLE, lambda p: p.fig.get("idle_cpu"), "s", ("=0", ""), 2)
    pair("bytes over %g idle s" % IDLE, lambda p: p.fig.get("idle_bytes"), "B", ("=0", ""), 0)
    emit("echo of a key during a test send, median", echo[0] if echo else None, "-", None,
         "ms", "<=50")
    emit("echo of a key during a test send, max", echo[1] if echo else None, "-", None, "ms", "")
    print("# editor: typed %d characters one at a time (%r) into the first field; %d moves: "
          "mailset Tab, dialog --form Down (its Tab goes to the buttons), whiptail Tab "
          "(entry and buttons: it has no form); dialog --form has %d fields"
          % (len(TEXT), TEXT, MOVES, len(DIALOG_FIELDS)))
    if echo:
        print("# editor: the echo figures: keys typed in the SMTP pane while the test send "
              "waits on a server that holds each reply 500 ms")
    for n in notes:
        print("# editor: " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
