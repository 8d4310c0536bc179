#!/usr/bin/python3
# SPDX-License-Identifier: MIT
r"""A real SMTP server on the loopback interface, for mailset's tests and demo.

Run it with /usr/bin/python3: Debian's python3-aiosmtpd (1.4.3) belongs to
that interpreter, not to another python3 that may come first on PATH.

    /usr/bin/python3 scripts/test-smtpd.py --port 0 --certs DIR \
        --user u@example.com --password secret --maildir M --log L \
        --ready-file R

Built on aiosmtpd's UnthreadedController and SMTP classes: STARTTLS (or
implicit TLS, or none), AUTH PLAIN / LOGIN / CRAM-MD5, and the faults the
tests need (silence, dropped connections, rejected senders and recipients,
Gmail's app-password refusal, escape sequences in replies, slow replies).
Run with --help for the options. It only ever listens on loopback addresses,
stops on SIGTERM / SIGINT / SIGHUP, and by itself after --max-seconds.

The --log file has one line per line received from the client, as
"CONN > LINE" (the line as received without its CR LF; AUTH arguments and
the answers to 334 challenges included, so the log holds credentials; only
control characters, bytes that are not UTF-8 and the backslash are written
as \xNN so that the log stays text), and
connection events as "CONN * EVENT" (connect, tls, data, drop, close). The
message text itself is not logged: it goes to --maildir.

Exit status: 0 after a stop (signal, --max-seconds, --watch-pid), 64 bad
usage, 69 cannot listen (address in use, no IPv6) or aiosmtpd missing.
"""

import argparse
import asyncio
import asyncio.sslproto
import fnmatch
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import signal
import ssl
import sys
import traceback
import warnings

try:
    from aiosmtpd.controller import UnthreadedController
    from aiosmtpd.smtp import (MISSING, SMTP, AuthResult, LoginPassword,
                               TLSSetupException)
except ImportError as _err:  # pragma: no cover
    sys.stderr.write(
        "test-smtpd: cannot import aiosmtpd (%s).\n"
        "Install python3-aiosmtpd (apt-get install python3-aiosmtpd) and run "
        "this script with /usr/bin/python3 (this is %s).\n"
        % (_err, sys.executable))
    sys.exit(69)

EX_USAGE = 64
EX_UNAVAILABLE = 69

MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5")
CERT_NAMES = ("server", "wrongname", "untrusted", "expired")
SERVER_NAME = "localhost"
IDENT = "ESMTP mailset test server"

# Gmail's answer to a normal password on an account with 2-step verification.
GOOGLE_534 = (
    "534-5.7.9 Application-specific password required. For more "
    "information, go to\r\n"
    "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor "
    "x1-20020a170902 - gsmtp")

# Replies that a terminal must not interpret (--evil-banner): clear screen,
# cursor home, window title, bell, an 8-bit CSI (U+009B in UTF-8), red
# colour, one byte that is not UTF-8, a right-to-left override (U+202E)
# and a line separator (U+2028).
EVIL_GREETING = (b"220 localhost ESMTP \x1b[2J\x1b[H\x1b]0;pwned\x07 evil\x07"
                 b" \xc2\x9b31m \x1b[31mred\xff \xe2\x80\xaeydaer\xe2\x80\xa8 ready")
EVIL_EHLO_FIRST = "localhost greets you \x1b[2J\x1b]0;pwned\x07\x07 \x1b[5mblink"
EVIL_EHLO_EXTRA = "X-EVIL \x1b]0;pwned\x07\x1b[31m\u009b1m\udcff"


def fail_usage(msg):
    sys.stderr.write("test-smtpd: %s\n" % msg)
    sys.exit(EX_USAGE)


class State:
    """What every connection shares: configuration, log file, counters."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.conn_count = 0
        self.connections = set()
        self.logfile = None
        if cfg.log:
            self.logfile = open(cfg.log, "ab", buffering=0)
        self.next_mail = 1
        if cfg.maildir:
            os.makedirs(cfg.maildir, exist_ok=True)
            for name in os.listdir(cfg.maildir):
                m = re.fullmatch(r"(\d+)\.(eml|json)", name)
                if m:
                    self.next_mail = max(self.next_mail, int(m.group(1)) + 1)

    def log(self, conn, kind, data):
        if self.logfile is None:
            return
        if isinstance(data, bytes):
            data = data.decode("utf-8", "surrogateescape")
        self.logfile.write(b"%d %s %s\n" % (conn, kind, escape(data)))

    def save(self, data, meta):
        """Write NNN.eml (bytes as received) then NNN.json; return NNN."""
        n = self.next_mail
        self.next_mail += 1
        base = os.path.join(self.cfg.maildir, "%03d" % n)
        for suffix, content in ((".eml", data),
                                (".json", (json.dumps(meta, indent=1,
                                                      ensure_ascii=False)
                                           + "\n").encode("utf-8",
                                                          "surrogateescape"))):
            tmp = base + suffix + ".tmp"
            with open(tmp, "wb") as f:
                f.write(content)
            os.replace(tmp, base + suffix)
        return "%03d" % n


def escape(text):
    """Printable ASCII and UTF-8 as they are; C0 controls, DEL, the backslash
    and bytes that are not UTF-8 as \\xNN, C1 controls as \\u00NN: the log
    stays text."""
    out = []
    for ch in text:
        c = ord(ch)
        if 0xDC80 <= c <= 0xDCFF:           # a byte that was not UTF-8
            out.append("\\x%02x" % (c - 0xDC00))
        elif c < 0x20 or c == 0x7F or ch == "\\":
            out.append("\\x%02x" % c)
        elif 0x80 <= c < 0xA0:              # C1 controls, as U+0080..U+009F
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    return "".join(out).encode("utf-8")


def matches(address, patterns):
    a = (address or "").lower()
    return any(fnmatch.fnmatchcase(a, p.lower()) for p in patterns)


def tls_info(transport):
    if transport is None:
        return None
    obj = transport.get_extra_info("ssl_object")
    if obj is None:
        return None
    cipher = obj.cipher()
    return "%s %s" % (obj.version(), cipher[0] if cipher else "?")


class Handler:
    """aiosmtpd handler hooks: EHLO keywords, sender and recipient rules,
    the stored message and its queue id."""

    def __init__(self, state):
        self.state = state
        self.cfg = state.cfg

    async def handle_EHLO(self, server, session, envelope, hostname,
                          responses):
        # With a 5-argument EHLO hook aiosmtpd no longer records the name
        # itself (and MAIL then answers "503 send HELO first").
        session.host_name = hostname
        out = []
        for r in responses:
            text = r[4:]
            if text.startswith("AUTH"):
                mechs = [m for m in self.cfg.mechs if m in server._auth_methods]
                if not mechs:
                    continue
                # --auth-old-form: the pre-RFC 4954 "AUTH=" line alone
                text = ("AUTH=" if self.cfg.auth_old_form else "AUTH ") + " ".join(mechs)
            out.append(text)
        if self.cfg.evil_banner:
            out[0] = EVIL_EHLO_FIRST
            out.insert(1, EVIL_EHLO_EXTRA)
        return ["250%s%s" % ("-" if i < len(out) - 1 else " ", t)
                for i, t in enumerate(out)]

    async def handle_MAIL(self, server, session, envelope, address,
                          mail_options):
        if matches(address, self.cfg.reject_from):
            return "553 5.7.1 Sender rejected"
        return MISSING  # aiosmtpd then records the sender and says 250 OK

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if matches(address, self.cfg.reject_rcpt):
            return "550 5.1.1 User unknown"
        return MISSING

    async def handle_DATA(self, server, session, envelope):
        qid = secrets.token_hex(6).upper()
        data = envelope.original_content or b""
        saved = None
        if self.cfg.maildir:
            login = getattr(session.auth_data, "login", None)
            meta = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "helo": session.host_name,
                "mail_options": list(envelope.mail_options),
                "rcpt_options": list(envelope.rcpt_options),
                "auth_user": (login.decode("utf-8", "surrogateescape")
                              if isinstance(login, bytes) else login),
                "tls": tls_info(server.transport),
                "queue_id": qid,
                "size": len(data),
            }
            saved = self.state.save(data, meta)
        server.log_event("data %d bytes, queued as %s%s" % (
            len(data), qid, ", saved as %s.eml" % saved if saved else ""))
        return "250 2.0.0 Ok: queued as %s" % qid



class TestSMTP(SMTP):
    """aiosmtpd's SMTP with the log, the faults and CRAM-MD5."""

    def __init__(self, handler, state, **kwargs):
        super().__init__(handler, **kwargs)
        self.state = state
        self.cfg = state.cfg
        state.conn_count += 1
        self.conn = state.conn_count
        self._pending = []          # lines of a multi-line reply not yet sent
        self._greeted = False
        self._in_data = False
        self._after_334 = False
        self._linebuf = b""
        self._dropped = False
        self._stalled = False
        self._connect_logged = False
        self._closed_logged = False

    # -- log -------------------------------------------------------------
    def log_event(self, text):
        self.state.log(self.conn, b"*", text)

    def _on_line(self, line):
        """A complete line from the client: "drop" (close now), "stall"
        (never answer again) or None."""
        drop, stall = self.cfg.drop_after, self.cfg.stall_after
        if self._in_data:
            if line == b".\r\n":
                self._in_data = False
                return "drop" if drop == "EOD" else "stall" if stall == "EOD" else None
            return None
        self.state.log(self.conn, b">", line.rstrip(b"\r\n"))
        if self._after_334:
            # An answer to a challenge, not a command.
            self._after_334 = False
            return None
        verb = line.strip().split(b" ", 1)[0].upper()
        if drop and verb == drop.encode():
            return "drop"
        if stall and verb == stall.encode():
            return "stall"
        return None

    def data_received(self, data):
        if self._dropped or self._stalled:
            return
        old = len(self._linebuf)
        buf = self._linebuf + data
        pos = 0
        while True:
            # aiosmtpd reads commands up to LF, message lines up to CR LF.
            nl = buf.find(b"\r\n" if self._in_data else b"\n", pos)
            if nl < 0:
                break
            end = nl + (2 if self._in_data else 1)
            act = self._on_line(buf[pos:end])
            if act:
                before = pos - old
                if before > 0:
                    super().data_received(data[:before])
                if act == "drop":
                    self.drop("after %s" % self.cfg.drop_after)
                else:
                    # Connected and silent from here on: the client times out.
                    self._stalled = True
                    self.log_event("stall after %s" % self.cfg.stall_after)
                return
            pos = end
        self._linebuf = buf[pos:]
        if len(self._linebuf) > 1 << 20:
            self._linebuf = b""
        super().data_received(data)

    def drop(self, why):
        """Close the connection at once, without a reply."""
        self._dropped = True
        self.log_event("drop %s" % why)
        for t in (self.transport, self._original_transport):
            if t is not None:
                t.abort()

    # -- connection --------------------------------------------------------
    def log_connect(self, transport):
        if self._connect_logged:
            return
        self._connect_logged = True
        peer = transport.get_extra_info("peername")
        self.log_event("connect %s" % (
            "[%s]:%d" % peer[:2] if peer and ":" in peer[0] else
            "%s:%d" % peer[:2] if peer else "?"))

    def log_close(self):
        if not self._closed_logged:
            self._closed_logged = True
            self.log_event("close")

    def connection_made(self, transport):
        starttls = self._original_transport is not None
        if starttls:
            self._linebuf = b""  # as aiosmtpd drops plaintext sent after it
        super().connection_made(transport)
        if not starttls:
            self.state.connections.add(self)
            self.log_connect(transport)
        info = tls_info(transport)
        if info:
            self.log_event("tls %s" % info)

    def connection_lost(self, error):
        self.state.connections.discard(self)
        self.log_close()
        super().connection_lost(error)

    async def handle_exception(self, error):
        # A failed STARTTLS handshake (the client refused the certificate)
        # lands here. Keep stderr quiet unless --verbose.
        if isinstance(error, TLSSetupException):
            self.log_event("tls failed: %s" % (error.__cause__ or error))
        else:
            self.log_event("error: %r" % error)
        if self.cfg.verbose:
            traceback.print_exception(type(error), error, error.__traceback__)
        return "421 4.3.0 Server error: %s" % type(error).__name__

    async def _handle_client(self):
        if self.cfg.silent:
            # Accept, read (so that the log shows anything sent), never answer.
            try:
                while not self._reader.at_eof():
                    if not await self._reader.read(4096):
                        break
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            return
        if self.cfg.drop_after == "CONNECT":
            self.drop("after CONNECT")
            return
        await super()._handle_client()

    # -- replies -----------------------------------------------------------
    async def push(self, status):
        """Send one reply. A multi-line reply pushed line by line (EHLO) is
        held until its last line, so that --delay is paid once per reply and
        the reply leaves in one write."""
        if isinstance(status, str):
            status = status.encode("utf-8", "surrogateescape")
        lines = status.split(b"\r\n")
        self._pending.extend(lines)
        last = lines[-1]
        if last[3:4] == b"-":
            return
        reply, self._pending = self._pending, []
        if self._dropped or self.transport is None:
            return
        if self.cfg.delay:
            await asyncio.sleep(self.cfg.delay / 1000.0)
            if self._dropped or self.transport is None or \
                    self.transport.is_closing():
                return
        if not self._greeted:
            self._greeted = True
            if self.cfg.evil_banner and reply[0].startswith(b"220 "):
                reply = [EVIL_GREETING]
        if last.startswith(b"354"):
            self._in_data = True
        if last.startswith(b"334"):
            self._after_334 = True
        try:
            self._writer.write(b"".join(r + b"\r\n" for r in reply))
            await self._writer.drain()
        except (ConnectionError, RuntimeError):
            pass

    # -- CRAM-MD5 (aiosmtpd 1.4.3 has PLAIN and LOGIN only) -----------------
    async def auth_CRAM__MD5(self, _, args):
        if len(args) > 1:
            await self.push("501 5.5.2 CRAM-MD5 takes no initial response")
            return AuthResult(success=False, handled=True)
        challenge = "<%d.%s@%s>" % (os.getpid(), secrets.token_hex(8),
                                    SERVER_NAME)
        answer = await self.challenge_auth(challenge)
        if answer is MISSING:
            return AuthResult(success=False, handled=True)
        try:
            login, digest = answer.rsplit(b" ", 1)
        except ValueError:
            await self.push("501 5.5.2 Can't split auth value")
            return AuthResult(success=False, handled=True)
        user, password = self.cfg.user_b, self.cfg.password_b
        ok = False
        if user is not None:
            want = hmac.new(password, challenge.encode(), "md5").hexdigest()
            ok = (hmac.compare_digest(login, user)
                  and hmac.compare_digest(digest.lower(), want.encode()))
        return AuthResult(success=ok, handled=False,
                          auth_data=LoginPassword(login, b""))


class ImplicitTLS(asyncio.sslproto.SSLProtocol):
    """TLS from the first byte around one TestSMTP, as asyncio does for a
    server socket with ssl=, but with the connection and a failed handshake
    in the log (asyncio's own SSL server shows the protocol neither)."""

    def __init__(self, loop, smtp, ctx):
        waiter = loop.create_future()
        super().__init__(loop, smtp, ctx, waiter, server_side=True)
        self._smtp = smtp
        waiter.add_done_callback(self._handshake_done)

    def connection_made(self, transport):
        self._smtp.log_connect(transport)
        super().connection_made(transport)

    def _handshake_done(self, fut):
        if not fut.cancelled() and fut.exception() is not None:
            self._smtp.log_event("tls failed: %s" % fut.exception())
            self._smtp.log_close()


class TestController(UnthreadedController):
    state = None
    implicit_tls = None  # the SSLContext with --tls implicit

    def _create_server(self):
        if self.implicit_tls is None:
            return super()._create_server()

        def protocol():
            return ImplicitTLS(self.loop, self._factory_invoker(),
                               self.implicit_tls)
        return self.loop.create_server(protocol, host=self.hostname,
                                       port=self.port)

    def factory(self):
        try:
            return TestSMTP(self.handler, self.state, loop=self.loop,
                            **self.SMTP_kwargs)
        except Exception:
            traceback.print_exc()
            raise


def make_authenticator(cfg):
    def authenticator(server, session, envelope, mechanism, auth_data):
        login, password = auth_data.login, auth_data.password
        if cfg.google_app_password and not re.fullmatch(rb"[A-Za-z]{16}",
                                                        password):
            return AuthResult(success=False, handled=False, message=GOOGLE_534)
        ok = (cfg.user_b is not None
              and hmac.compare_digest(login, cfg.user_b)
              and hmac.compare_digest(password, cfg.password_b))
        # success False, handled False: aiosmtpd answers
        # "535 5.7.8 Authentication credentials invalid".
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return authenticator


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="test-smtpd.py",
        description="Loopback SMTP server for mailset's tests (aiosmtpd).",
        epilog="Run with /usr/bin/python3. Listens on loopback only.")
    p.add_argument("--host", default="127.0.0.1",
                   help="loopback address to listen on: 127.0.0.1 (default), "
                        "::1, any 127.x.y.z, or localhost (= 127.0.0.1)")
    p.add_argument("--port", type=int, default=0,
                   help="TCP port; 0 (default) picks a free one. The port is "
                        "printed on stdout either way")
    p.add_argument("--certs", metavar="DIR",
                   help="certificate directory made by "
                        "scripts/make-test-certs.sh (needed unless --tls none)")
    p.add_argument("--cert", choices=CERT_NAMES, default="server",
                   help="which certificate to present (default server)")
    p.add_argument("--tls", choices=("starttls", "implicit", "none"),
                   default="starttls",
                   help="starttls (default): STARTTLS offered and required "
                        "before MAIL, AUTH only after it; implicit: TLS from "
                        "the first byte (port 465 style); none: no TLS at all "
                        "(AUTH offered in clear text)")
    p.add_argument("--auth-mechs", default="PLAIN,LOGIN", metavar="LIST",
                   help="comma-separated mechanisms to offer, in this order, "
                        "from PLAIN, LOGIN, CRAM-MD5 (default PLAIN,LOGIN)")
    p.add_argument("--auth-old-form", action="store_true",
                   help="announce the mechanisms only as 'AUTH=PLAIN LOGIN', the "
                        "form of servers older than RFC 4954")
    p.add_argument("--user", help="the only valid user name; with it AUTH is "
                                  "offered and required before MAIL")
    p.add_argument("--password", help="the only valid password (with --user)")
    p.add_argument("--password-file", metavar="FILE",
                   help="read the password from the first line of FILE, so that "
                        "it is not on a command line")
    p.add_argument("--google-app-password", action="store_true",
                   help="like Gmail with 2-step verification: a password that "
                        "is not exactly 16 letters gets 534-5.7.9 "
                        "Application-specific password required")
    p.add_argument("--reject-rcpt", action="append", default=[],
                   metavar="PATTERN",
                   help="RCPT TO matching this fnmatch pattern (case-"
                        "insensitive) gets 550 5.1.1 User unknown; repeatable")
    p.add_argument("--reject-from", action="append", default=[],
                   metavar="PATTERN",
                   help="MAIL FROM matching the pattern gets 553 5.7.1 Sender "
                        "rejected; repeatable")
    p.add_argument("--silent", action="store_true",
                   help="accept connections and never send a byte (not even "
                        "a TLS handshake with --tls implicit)")
    p.add_argument("--drop-after", metavar="CMD",
                   help="close the connection, without a reply, right after "
                        "receiving command CMD (EHLO, STARTTLS, AUTH, MAIL, "
                        "RCPT, DATA, QUIT...); CONNECT: right after accepting, "
                        "before the greeting; EOD: after the end of the "
                        "message (the lone dot), before the 250, message not "
                        "saved")
    p.add_argument("--stall-after", metavar="CMD",
                   help="after receiving command CMD (as --drop-after, EOD "
                        "included) keep the connection open and never answer "
                        "again")
    p.add_argument("--evil-banner", action="store_true",
                   help="greeting and EHLO reply carry escape sequences, BEL, "
                        "an 8-bit CSI and a non-UTF-8 byte")
    p.add_argument("--delay", type=int, default=0, metavar="MS",
                   help="wait MS milliseconds before every reply (a multi-line "
                        "reply counts once), greeting included")
    p.add_argument("--maildir", metavar="DIR",
                   help="save each accepted message as DIR/NNN.eml (bytes as "
                        "received, CR LF kept) and DIR/NNN.json (mail_from, "
                        "rcpt_tos, helo, mail_options, rcpt_options, "
                        "auth_user, tls, queue_id, size)")
    p.add_argument("--log", metavar="FILE",
                   help="append 'CONN > LINE' for each line received "
                        "(credentials included) and 'CONN * EVENT' for "
                        "connect, tls, data, drop, close")
    p.add_argument("--ready-file", metavar="FILE",
                   help="write the port number here once listening (atomic; "
                        "removed on exit)")
    p.add_argument("--pidfile", metavar="FILE",
                   help="write the process id here (removed on exit)")
    p.add_argument("--max-seconds", type=float, default=600, metavar="S",
                   help="exit by itself after this many seconds (default 600; "
                        "0 = never)")
    p.add_argument("--watch-pid", type=int, metavar="PID",
                   help="exit when process PID is gone (make run: the editor)")
    p.add_argument("--verbose", action="store_true",
                   help="aiosmtpd's own log and tracebacks on stderr")
    cfg = p.parse_args(argv)

    host = cfg.host
    if host == "localhost":
        host = "127.0.0.1"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        fail_usage("--host must be a loopback IP address, not %r" % cfg.host)
    if not addr.is_loopback:
        fail_usage("refusing to listen on %s: loopback addresses only" % host)
    cfg.host = str(addr)
    if not 0 <= cfg.port <= 65535:
        fail_usage("--port out of range")
    if cfg.delay < 0:
        fail_usage("--delay must be >= 0")
    if cfg.max_seconds < 0:
        fail_usage("--max-seconds must be >= 0")

    mechs = [m.strip().upper() for m in cfg.auth_mechs.split(",") if m.strip()]
    for m in mechs:
        if m not in MECHANISMS:
            fail_usage("unknown AUTH mechanism %r (known: %s)"
                       % (m, ", ".join(MECHANISMS)))
    cfg.mechs = list(dict.fromkeys(mechs))

    if cfg.password_file is not None:
        with open(cfg.password_file, encoding="utf-8") as f:
            cfg.password = f.readline().rstrip("\r\n")
    if (cfg.user is None) != (cfg.password is None):
        fail_usage("--user and --password go together")
    cfg.user_b = cfg.user.encode("utf-8") if cfg.user is not None else None
    cfg.password_b = (cfg.password.encode("utf-8")
                      if cfg.password is not None else None)
    if cfg.user is not None and not cfg.mechs:
        fail_usage("--user needs at least one --auth-mechs mechanism")

    if cfg.drop_after:
        cfg.drop_after = cfg.drop_after.strip().upper()
        if not re.fullmatch(r"[A-Z]+", cfg.drop_after):
            fail_usage("--drop-after takes a command name, CONNECT or EOD")
    if cfg.stall_after:
        cfg.stall_after = cfg.stall_after.strip().upper()
        if not re.fullmatch(r"[A-Z]+", cfg.stall_after):
            fail_usage("--stall-after takes a command name or EOD")

    cfg.cert_file = cfg.key_file = None
    if cfg.tls != "none":
        if not cfg.certs:
            fail_usage("--tls %s needs --certs DIR (scripts/make-test-certs.sh"
                       " DIR makes them)" % cfg.tls)
        cfg.cert_file = os.path.join(cfg.certs, cfg.cert + ".pem")
        cfg.key_file = os.path.join(cfg.certs, cfg.cert + ".key")
        for f in (cfg.cert_file, cfg.key_file):
            if not os.path.isfile(f):
                fail_usage("%s is missing (run scripts/make-test-certs.sh %s)"
                           % (f, cfg.certs))
    return cfg


def write_atomic(path, text):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    cfg = parse_args(argv)
    warnings.simplefilter("ignore")  # "AUTH without TLS" etc.: on purpose
    logging.getLogger("mail.log").setLevel(
        logging.DEBUG if cfg.verbose else logging.CRITICAL)
    if cfg.verbose:
        logging.basicConfig(stream=sys.stderr, level=logging.DEBUG,
                            format="test-smtpd: %(message)s")

    state = State(cfg)
    ctx = None
    if cfg.tls != "none":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            ctx.load_cert_chain(cfg.cert_file, cfg.key_file)
        except (OSError, ssl.SSLError) as e:
            fail_usage("cannot load %s: %s" % (cfg.cert_file, e))

    auth = bool(cfg.user)
    kwargs = dict(
        server_hostname=SERVER_NAME,
        ident=IDENT,
        auth_required=auth,
        authenticator=make_authenticator(cfg),
        auth_exclude_mechanism=[m for m in MECHANISMS
                                if not auth or m not in cfg.mechs],
    )
    implicit_tls = None
    if cfg.tls == "starttls":
        kwargs.update(tls_context=ctx, require_starttls=True,
                      auth_require_tls=True)
    elif cfg.tls == "implicit":
        # aiosmtpd judges "TLS" by STARTTLS alone: with TLS on the socket it
        # would never offer AUTH unless auth_require_tls is off.
        kwargs.update(auth_require_tls=False)
        implicit_tls = None if cfg.silent else ctx
    else:
        kwargs.update(auth_require_tls=False)

    loop = asyncio.new_event_loop()

    def on_loop_error(loop, context):
        # Failed TLS handshakes on the implicit-TLS socket and the like.
        if cfg.verbose:
            loop.default_exception_handler(context)
    loop.set_exception_handler(on_loop_error)

    ctrl = TestController(Handler(state), hostname=cfg.host, port=cfg.port,
                          loop=loop, **kwargs)
    ctrl.state = state
    ctrl.implicit_tls = implicit_tls
    try:
        ctrl.begin()
    except OSError as e:
        sys.stderr.write("test-smtpd: cannot listen on %s port %d: %s\n"
                         % (cfg.host, cfg.port, e.strerror or e))
        return EX_UNAVAILABLE
    port = ctrl.server.sockets[0].getsockname()[1]

    created = []
    if cfg.pidfile:
        write_atomic(cfg.pidfile, "%d\n" % os.getpid())
        created.append(cfg.pidfile)
    try:
        sys.stdout.write("%d\n" % port)
        sys.stdout.flush()
    except (BrokenPipeError, OSError):
        pass
    if cfg.ready_file:
        write_atomic(cfg.ready_file, "%d\n" % port)
        created.append(cfg.ready_file)

    why = []

    def stop(reason):
        if not why:
            why.append(reason)
        loop.stop()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop, signal.Signals(sig).name)
    if cfg.max_seconds:
        loop.call_later(cfg.max_seconds, stop,
                        "--max-seconds %g reached" % cfg.max_seconds)
    if cfg.watch_pid:
        def watch():
            try:
                os.kill(cfg.watch_pid, 0)
            except ProcessLookupError:
                stop("process %d is gone" % cfg.watch_pid)
                return
            except PermissionError:
                pass
            loop.call_later(0.5, watch)
        watch()

    try:
        loop.run_forever()
    finally:
        for conn in list(state.connections):
            if conn.transport is not None:
                conn.transport.abort()
        try:
            ctrl.end()
        except Exception:
            pass
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            loop.run_until_complete(
                asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()
        for f in created:
            try:
                os.unlink(f)
            except OSError:
                pass
        if why and why[0].startswith("--max") or \
                why and why[0].startswith("process"):
            sys.stderr.write("test-smtpd: stopping: %s\n" % why[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
