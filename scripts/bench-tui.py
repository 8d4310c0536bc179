#!/usr/bin/python3
# `make bench`, terminal part: what the editor costs as an SSH link sees it.
# Usage: bench-tui.py [path/to/mailset]
#
# Each program runs in a fresh 80x24 pseudo-terminal; every byte it writes
# to the terminal is what sshd would send. Measured the same way for mailset,
# `dialog --inputbox` and `whiptail --inputbox`, printed side by side:
#   - time to first frame: fork to the last byte of the first burst (the
#     burst ends after 100 ms without a byte); median of 5 launches;
#   - bytes per typed character: 40 characters typed one at a time, each
#     answer read until 50 ms without a byte;
#   - bytes per move between fields: Tab, 10 times, read the same way;
#   - CPU time over 5 idle seconds (/proc/PID/stat utime+stime);
#   - peak RSS (/proc/PID/status VmHWM) just before quitting.
# Prints figures and asserts nothing: targets are judged by a person. A
# missing program shows "n/a". Every wait has a limit; the whole run stops
# itself well under 2 minutes. Standard library only: run with /usr/bin/python3.

import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

ROWS, COLS = 24, 80
LAUNCHES = 5
FIRST_QUIET = 0.100     # end of the first frame: this long without a byte
KEY_QUIET = 0.050       # end of the answer to a key
KEY_FIRST_WAIT = 0.300  # a key that gets no answer at all costs this long
START_WAIT = 5.0        # a program that shows nothing for this long: n/a
IDLE = 5.0
QUIT_WAIT = 2.0
BUDGET = 110            # seconds for the whole run, then whatever is left is killed

# The same 40 characters for every program; the Japanese ones are 3 bytes of
# UTF-8 each, written in one piece as an input method would.
TEXT = ("Shop 日本語 desk " + "abcdefghijklmnopqrstuvwxyz")[:40]
MOVES = 10
VERBOSE = os.environ.get("BENCH_TUI_VERBOSE") == "1"  # list every keystroke's bytes

# Terminal queries a real terminal would answer: a program waiting for the
# answer must not stall the measurement.
QUERIES = {b"\x1b[6n": b"\x1b[1;1R", b"\x1b[c": b"\x1b[?1;2c", b"\x1b[0c": b"\x1b[?1;2c"}


class OutOfTime(Exception):
    pass


LIVE = []  # sessions not yet reaped, killed if the run runs out of time


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
        self.rusage = None
        self.tail = b""
        self.first_byte = None
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
            pid, status, ru = os.wait4(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.status = -1
            return False
        if pid == 0:
            return True
        self.status, self.rusage = status, ru
        return False

    def cpu_seconds(self):
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # fields[0] is field 3 (state): utime and stime are fields 14, 15
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def peak_rss_kb(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
        return None

    def quit(self, steps):
        """Send the quit keys one step at a time while the program lives,
        then wait QUIT_WAIT s; kill it if it is still there. Returns how it ended."""
        for keys in steps:
            if not self.alive():
                break
            self.write(keys)
            self.collect(KEY_QUIET, KEY_FIRST_WAIT, 1.0)
        end = time.monotonic() + QUIT_WAIT
        while self.alive() and time.monotonic() < end:
            self.drain(0.05)
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


def measure(name, argv, env, quit_steps, prepare, result, notes):
    """Fills result (figure -> number) for one program; notes get oddities."""
    first, first_bytes = [], []
    for launch in range(LAUNCHES):
        prepare()
        s = Session(argv, env)
        n, last = s.collect(FIRST_QUIET, START_WAIT, START_WAIT + 5.0)
        if s.eof:  # the terminal closed: let the exit status arrive
            end = time.monotonic() + 1.0
            while s.alive() and time.monotonic() < end:
                time.sleep(0.01)
        if last is None or s.eof or not s.alive():
            text = "showed nothing in %.0f s" % START_WAIT if last is None else \
                "%s before showing a screen (%d bytes)" % (s.exit_text(), n)
            s.close()
            notes.append("%s: %s; not measured" % (name, text))
            result.clear()
            return
        first.append((last - s.t0) * 1000.0)
        first_bytes.append(n)
        result["first_ms"] = statistics.median(first)
        result["first_bytes"] = statistics.median(first_bytes)
        if launch < LAUNCHES - 1:
            how = s.quit(quit_steps)
            if how != "quit by keys" and launch == 0:
                notes.append("%s: first-frame launch %s" % (name, how))
            continue

        # The last launch goes on: typing, moving, idling.
        typed = []
        for ch in TEXT:
            s.write(ch.encode("utf-8"))
            typed.append(s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2.0)[0])
        if VERBOSE:
            notes.append("%s: bytes per typed character: %s" % (name, " ".join(map(str, typed))))
        if typed:
            result["type_med"] = statistics.median(typed)
            result["type_max"] = max(typed)
            silent = sum(1 for b in typed if b == 0)
            if silent:
                notes.append("%s: %d of %d typed characters got no output at all"
                             % (name, silent, len(typed)))
        moves = []
        for _ in range(MOVES):
            s.write(b"\t")
            moves.append(s.collect(KEY_QUIET, KEY_FIRST_WAIT, 2.0)[0])
        if VERBOSE:
            notes.append("%s: bytes per move: %s" % (name, " ".join(map(str, moves))))
        result["move_med"] = statistics.median(moves)
        result["move_max"] = max(moves)
        if s.alive():
            c0 = s.cpu_seconds()
            idle_bytes = s.drain(IDLE)
            c1 = s.cpu_seconds()
            if c0 is not None and c1 is not None:
                result["idle_cpu"] = c1 - c0
            result["idle_bytes"] = idle_bytes
            kb = s.peak_rss_kb()
            if kb is not None:
                result["rss_mb"] = kb / 1024.0
        else:
            notes.append("%s: %s while being measured" % (name, s.exit_text()))
        how = s.quit(quit_steps)
        if how != "quit by keys":
            notes.append("%s: %s" % (name, how))
        if s.rusage is not None and "rss_mb" not in result:
            result["rss_mb"] = s.rusage.ru_maxrss / 1024.0


ROWS_SHOWN = [  # key, label, format, mailset target
    ("first_ms", "time to first frame, ms (median of 5)", "%.1f", "<= 50"),
    ("first_bytes", "bytes of the first frame (median)", "%.0f", ""),
    ("type_med", "bytes per typed character, median", "%.0f", "<= 3"),
    ("type_max", "bytes per typed character, max", "%.0f", ""),
    ("move_med", "bytes per move between fields, median", "%.0f", ""),
    ("move_max", "bytes per move between fields, max", "%.0f", ""),
    ("idle_cpu", "CPU over 5 idle seconds, s", "%.2f", "0.00"),
    ("idle_bytes", "bytes written over 5 idle seconds", "%.0f", ""),
    ("rss_mb", "peak RSS, MB", "%.1f", "<= 12"),
]


def echo_during_send(mailset, env, top, tmp):
    """Keystrokes typed while a test send talks to a slow server (500 ms per
    reply): milliseconds from each key to the first byte of its echo."""
    import subprocess
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
            if n and last is not None:
                # the first byte came at most KEY_QUIET before the last
                lat.append(first_byte_ms(s, t0))
        s.quit([b"\x1b[21~", b"d"])
        s.close()
        if not lat:
            return None, "echo during a send: no echo seen"
        return (statistics.median(lat), max(lat)), None
    finally:
        server.terminate()
        server.wait()


def first_byte_ms(session, t0):
    return (session.first_byte - t0) * 1000.0 if session.first_byte else float("nan")


def table(names, results):
    head = "%-40s" % "" + "".join("%11s" % n for n in names) + "%16s" % "mailset target"
    lines = [head]
    for key, label, fmt, target in ROWS_SHOWN:
        cells = []
        for n in names:
            v = results[n].get(key)
            cells.append("%11s" % ("n/a" if v is None else fmt % v))
        lines.append("%-40s" % label + "".join(cells) + "%16s" % target)
    return "\n".join(lines)


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

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LC_") and k not in ("LINES", "COLUMNS", "LANGUAGE", "NO_COLOR")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8",
               MAILSET_DATADIR=os.path.join(top, "share", "mailset"),
               MAILSET_LOCALEDIR=os.path.join(top, "build", "locale"))

    tmp = tempfile.mkdtemp(prefix="mailset-bench-tui.")
    ini = os.path.join(tmp, "mail.ini")

    def fresh_ini():
        try:
            shutil.copyfile(example, ini)
            os.chmod(ini, 0o600)
        except OSError:
            pass

    esc2 = [b"\x1b", b"\x1b"]
    programs = [
        ("mailset", mailset if os.access(mailset, os.X_OK) else None, ["-c", ini],
         [b"\x1b[21~", b"d"], fresh_ini),
        ("dialog", which("dialog"), ["--inputbox", "Contact email", "8", "60", "support@example.com"],
         esc2, lambda: None),
        ("whiptail", which("whiptail"), ["--inputbox", "Contact email", "8", "60", "support@example.com"],
         esc2, lambda: None),
    ]
    names = [p[0] for p in programs]
    results = {n: {} for n in names}
    notes = []

    def out_of_time(signum, frame):
        raise OutOfTime()

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(BUDGET)
    try:
        for name, path, args, quit_steps, prepare in programs:
            if path is None:
                notes.append("%s: not installed" % name)
                continue
            measure(name, [path] + args, env, quit_steps, prepare, results[name], notes)
    except OutOfTime:
        notes.append("stopped after %d s: the figures left blank were not measured" % BUDGET)
    finally:
        signal.alarm(0)
        for s in list(LIVE):
            s.close()
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("Terminal: %dx%d pseudo-terminal, TERM=xterm-256color, LANG=C.UTF-8; "
          "bytes are what an SSH link carries" % (COLS, ROWS))
    print(table(names, results))
    print("(typed, one character at a time: %r, %d characters; %d Tab presses; "
          "dialog/whiptail: --inputbox 8 60)" % (TEXT, len(TEXT), MOVES))
    if os.access(mailset, os.X_OK):
        tmp2 = tempfile.mkdtemp(prefix="mailset-bench-send.")
        try:
            figs, why = echo_during_send(mailset, env, top, tmp2)
        finally:
            shutil.rmtree(tmp2, ignore_errors=True)
        if figs:
            print("keystroke echo while a test send waits on a slow server (500 ms/reply): "
                  "median %.1f ms, max %.1f ms (target <= 50)" % figs)
        else:
            notes.append(why)
    for n in notes:
        print("note: " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
