#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/mta/probe.py - one check of a tests/mta/mta.sh listener, made with
Python's smtplib (a real SMTP client that is not mailset).

    probe.py CASE --port N --ca FILE --user LOGIN --passfile FILE [--token T]

The password is read from --passfile (first line), never from the command
line. Prints "OK" (and "QUEUED T" when a message was accepted with the Subject
token T) or "FAIL why" on stdout; exit status 0 / 1. Every reply of the
server goes to stderr as it came ("S: 250-..." lines), with the commands sent
("C: ..."; AUTH data shown as <hidden>), so that the replies of a real
Postfix can be read off a run.
"""

import argparse
import smtplib
import socket
import ssl
import sys

HOST = "127.0.0.1"
SENDER = "noreply@mailset-shop.example"
RCPT = "support@mailset-shop.example"
RCPT2 = "orders@mailset-dest.example"
REFUSED = "nobody@refused.example"
TIMEOUT = 10


class Fail(Exception):
    pass


def log(line):
    print(line, file=sys.stderr, flush=True)


class Logging:
    """Logs every command and reply; hides what AUTH sends."""

    hide = False

    def putcmd(self, cmd, args=""):
        if cmd.upper() == "AUTH":
            parts = args.split(None, 1)
            log("C: AUTH " + parts[0] + (" <hidden>" if len(parts) > 1 else ""))
        elif self.hide:
            log("C: <hidden>")
        else:
            log("C: " + (cmd + " " + args if args else cmd))
        super().putcmd(cmd, args)

    def getreply(self):
        code, msg = super().getreply()
        lines = msg.decode("utf-8", "replace").split("\n") if msg else [""]
        for i, line in enumerate(lines):
            sep = "-" if i < len(lines) - 1 else " "
            log("S: %d%s%s" % (code, sep, line))
        return code, msg

    def auth(self, mechanism, authobject, *, initial_response_ok=True):
        # The continuation lines (base64 of the login and password) are
        # commands too: hide them, but not the AUTH verb itself.
        try:
            return super().auth(mechanism, self._hiding(authobject),
                                initial_response_ok=initial_response_ok)
        finally:
            self.hide = False

    def _hiding(self, authobject):
        def wrapped(challenge=None):
            self.hide = True
            return authobject(challenge) if challenge is not None else authobject()
        return wrapped


class SMTP(Logging, smtplib.SMTP):
    pass


class SMTP_SSL(Logging, smtplib.SMTP_SSL):
    pass


def text(msg):
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


def expect(what, got_code, got_msg, want):
    """want: a reply code prefix such as "250" or "5"."""
    if not str(got_code).startswith(want):
        raise Fail("%s: got %s %s, expected %s" % (what, got_code, text(got_msg).replace("\n", " | "), want))


def connect(args, implicit=False):
    """A connection and its greeting (code, text), without EHLO."""
    if implicit:
        s = SMTP_SSL(context=args.ctx, timeout=TIMEOUT)
    else:
        s = SMTP(timeout=TIMEOUT)
    # The name the certificate is checked against (smtplib sets it only when
    # the constructor connects).
    s._host = HOST
    log("-- connect %s:%d%s" % (HOST, args.port, " (implicit TLS)" if implicit else ""))
    # connect() returns the greeting; the constructor would raise on a non-220.
    code, msg = s.connect(HOST, args.port)
    return s, code, msg


def greet(args, implicit=False):
    s, code, msg = connect(args, implicit)
    expect("greeting", code, msg, "220")
    if "mta-test.mailset.example" not in text(msg):
        raise Fail("greeting lacks the test host name: %s" % text(msg))
    expect("EHLO", *s.ehlo("client.mailset.example"), "250")
    return s


def starttls(s, args):
    expect("STARTTLS", *s.starttls(context=args.ctx), "220")
    expect("EHLO after STARTTLS", *s.ehlo("client.mailset.example"), "250")


def auth_mechs(s):
    return sorted(s.esmtp_features.get("auth", "").upper().split())


def login(s, args, mech="PLAIN", password=None):
    """AUTH with one mechanism; returns the reply (no exception on 535)."""
    pw = args.password if password is None else password
    s.user, s.password = args.user, pw
    obj = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login, "CRAM-MD5": s.auth_cram_md5}[mech]
    try:
        return s.auth(mech, obj, initial_response_ok=True)
    except smtplib.SMTPAuthenticationError as e:
        return e.smtp_code, e.smtp_error


def send(s, args, rcpts=(RCPT,)):
    """MAIL, RCPT..., DATA with the token in the Subject; 250 expected."""
    expect("MAIL FROM", *s.mail(SENDER), "250")
    for r in rcpts:
        expect("RCPT TO " + r, *s.rcpt(r), "250")
    body = ("From: Mailset Shop <%s>\r\nTo: <%s>\r\nSubject: mta selftest %s\r\n"
            "\r\nA message of tests/mta/selftest.sh (%s).\r\n" % (SENDER, rcpts[0], args.token, args.case))
    expect("DATA", *s.data(body.encode()), "250")
    print("QUEUED %s" % args.token)


def quit(s):
    try:
        s.quit()
    except (smtplib.SMTPException, OSError):
        s.close()


# --- the cases ------------------------------------------------------------------

def case_submission(args):
    s = greet(args)
    if auth_mechs(s):
        raise Fail("AUTH offered before STARTTLS: %s" % auth_mechs(s))
    if not s.has_extn("starttls"):
        raise Fail("no STARTTLS offered")
    starttls(s, args)
    if auth_mechs(s) != ["CRAM-MD5", "LOGIN", "PLAIN"]:
        raise Fail("AUTH after STARTTLS is %s, expected CRAM-MD5 LOGIN PLAIN" % auth_mechs(s))
    expect("AUTH PLAIN", *login(s, args), "235")
    send(s, args, (RCPT, RCPT2))
    quit(s)


def case_mechanisms(args):
    """LOGIN and CRAM-MD5 work too (Dovecot has the plain password)."""
    for mech in ("LOGIN", "CRAM-MD5"):
        s = greet(args)
        starttls(s, args)
        expect("AUTH " + mech, *login(s, args, mech), "235")
        quit(s)


def case_wrongpw(args):
    with open(args.wrongpassfile, encoding="utf-8") as f:
        wrong = f.readline().rstrip("\r\n")
    s = greet(args)
    starttls(s, args)
    expect("AUTH PLAIN (wrong password)", *login(s, args, "PLAIN", wrong), "535")
    quit(s)


def case_encryptonly_plain(args):
    s = greet(args)
    expect("MAIL FROM without TLS", *s.mail(SENDER), "530")
    quit(s)


def case_smtps(args):
    s = greet(args, implicit=True)
    if s.has_extn("starttls"):
        raise Fail("STARTTLS offered inside implicit TLS")
    if auth_mechs(s) != ["CRAM-MD5", "LOGIN", "PLAIN"]:
        raise Fail("AUTH is %s" % auth_mechs(s))
    expect("AUTH PLAIN", *login(s, args), "235")
    send(s, args)
    quit(s)


def case_noauth(args):
    s = greet(args)
    starttls(s, args)
    if s.has_extn("auth"):
        raise Fail("AUTH offered: %s" % auth_mechs(s))
    send(s, args)
    quit(s)


def only_mech(mech):
    def case(args):
        s = greet(args)
        starttls(s, args)
        if auth_mechs(s) != [mech]:
            raise Fail("AUTH is %s, expected %s only" % (auth_mechs(s), mech))
        expect("AUTH " + mech, *login(s, args, mech), "235")
        quit(s)
    return case


def case_mismatch_rcpt(args):
    s = greet(args)
    starttls(s, args)
    expect("AUTH PLAIN", *login(s, args), "235")
    expect("MAIL FROM", *s.mail(SENDER), "250")
    code, msg = s.rcpt(RCPT)
    expect("RCPT TO", code, msg, "553")
    if not text(msg).startswith("5.7.1 <%s>: Sender address rejected: not owned by user" % SENDER):
        raise Fail("RCPT reply text: %s" % text(msg))
    quit(s)


def case_mismatch_mail(args):
    s = greet(args)
    starttls(s, args)
    expect("AUTH PLAIN", *login(s, args), "235")
    code, msg = s.mail(SENDER)
    expect("MAIL FROM", code, msg, "553")
    if "not owned by user" not in text(msg):
        raise Fail("MAIL reply text: %s" % text(msg))
    quit(s)


def case_rcptrefused(args, multiline=False):
    s = greet(args)
    starttls(s, args)
    expect("AUTH PLAIN", *login(s, args), "235")
    expect("MAIL FROM", *s.mail(SENDER), "250")
    code, msg = s.rcpt(REFUSED)
    expect("RCPT TO " + REFUSED, code, msg, "5")
    lines = text(msg).split("\n")
    if multiline and len(lines) < 3:
        raise Fail("a reply of %d line(s), expected 3" % len(lines))
    if not multiline and len(lines) != 1:
        raise Fail("a reply of %d lines, expected 1" % len(lines))
    expect("RCPT TO " + RCPT, *s.rcpt(RCPT), "250")
    quit(s)


def connect_refused(want):
    def case(args):
        s, code, msg = connect(args)
        expect("greeting", code, msg, want)
        # What follows a refused greeting (Postfix keeps the connection).
        try:
            s.ehlo_or_helo_if_needed()
        except smtplib.SMTPException as e:
            log("-- after the greeting: %r" % (e,))
        try:
            s.mail(SENDER)
        except smtplib.SMTPException as e:
            log("-- MAIL: %r" % (e,))
        quit(s)
    return case


def case_authrequired(args):
    s = greet(args)
    if not s.has_extn("starttls"):
        raise Fail("no STARTTLS offered")
    if not auth_mechs(s):
        raise Fail("no AUTH offered before STARTTLS")
    expect("MAIL FROM", *s.mail(SENDER), "250")
    expect("RCPT TO (not logged in)", *s.rcpt(RCPT), "5")
    quit(s)


CASES = {
    "submission": case_submission,
    "mechanisms": case_mechanisms,
    "wrongpw": case_wrongpw,
    "encryptonly_plain": case_encryptonly_plain,
    "smtps": case_smtps,
    "noauth": case_noauth,
    "loginonly": only_mech("LOGIN"),
    "plainonly": only_mech("PLAIN"),
    "mismatch_rcpt": case_mismatch_rcpt,
    "mismatch_mail": case_mismatch_mail,
    "rcptrefused": case_rcptrefused,
    "multiline": lambda a: case_rcptrefused(a, multiline=True),
    "reject554": connect_refused("554"),
    "defer450": connect_refused("4"),
    "authrequired": case_authrequired,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--passfile", required=True)
    p.add_argument("--wrongpassfile")
    p.add_argument("--token", default="-")
    args = p.parse_args()
    with open(args.passfile, encoding="utf-8") as f:
        args.password = f.readline().rstrip("\r\n")
    args.ctx = ssl.create_default_context(cafile=args.ca)
    log("== %s (port %d)" % (args.case, args.port))
    try:
        CASES[args.case](args)
    except Fail as e:
        print("FAIL %s" % e)
        return 1
    except (smtplib.SMTPException, OSError, ssl.SSLError, socket.timeout) as e:
        print("FAIL %s: %r" % (args.case, e))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
