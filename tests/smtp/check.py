#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/smtp/check.py - checks of tests/smtp.sh that are easier in Python.

    check.py message EML JSON --name N --from ADDR --to ADDR --helo NAME
             [--rcpt ADDR]... [--body-has TEXT]...
        The message as the test server received it (NNN.eml, bytes as
        received) and its envelope (NNN.json).
    check.py delivered FILE --name N --from ADDR --to ADDR [--body-has TEXT]...
        A message as an MTA delivered it (a Maildir file, LF line endings,
        the MTA's own trace fields on top): the same checks of mailset's
        header fields and body, without the envelope.
    check.py safe FILE...
        No raw ESC, BEL, 0x9b byte (nor any C1 control), valid UTF-8.
    check.py secrets SECRETS FILE...
        SECRETS holds lines "user<TAB>password": no FILE may contain any
        password plain, base64 of the password alone, or base64 of
        "\\0user\\0password" (nor "user\\0user\\0password"). The secrets are
        read from a file so that they are never on a command line.
    check.py has-secret SECRETS FILE
        The opposite, as a control: FILE does contain one of the forms.

Each problem is printed on one line on stdout; exit status 1 when there is
any, 0 when there is none (has-secret: 0 when found).
"""

import base64
import email
import email.header
import email.policy
import json
import re
import sys

problems = []


def problem(text):
    problems.append(text)


def check_message(argv, delivered=False):
    import argparse
    p = argparse.ArgumentParser(prog="check.py message")
    p.add_argument("eml")
    if not delivered:
        p.add_argument("json")
    p.add_argument("--name", required=True)
    p.add_argument("--from", dest="from_", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--helo", required=not delivered)
    p.add_argument("--rcpt", action="append", default=[])
    p.add_argument("--body-has", action="append", default=[])
    a = p.parse_args(argv)

    with open(a.eml, "rb") as f:
        raw = f.read()
    if delivered:
        # A Maildir file keeps lines with LF; the MTA's fields come first.
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        meta = {"mail_from": a.from_, "rcpt_tos": a.rcpt, "helo": a.helo}
    else:
        with open(a.json, encoding="utf-8") as f:
            meta = json.load(f)

    # Envelope.
    if meta.get("mail_from") != a.from_:
        problem("envelope sender %r, expected %r" % (meta.get("mail_from"), a.from_))
    if meta.get("rcpt_tos") != a.rcpt:
        problem("envelope recipients %r, expected %r" % (meta.get("rcpt_tos"), a.rcpt))
    if meta.get("helo") != a.helo:
        problem("EHLO name %r, expected %r" % (meta.get("helo"), a.helo))

    # Line endings: CR LF only.
    if not raw.endswith(b"\r\n"):
        problem("the message does not end with CR LF")
    for i, line in enumerate(raw.split(b"\r\n"), 1):
        if b"\n" in line:
            problem("bare LF in line %d: %r" % (i, line[:60]))
            break
        if b"\r" in line:
            problem("bare CR in line %d: %r" % (i, line[:60]))
            break

    head, sep, _ = raw.partition(b"\r\n\r\n")
    if not sep:
        problem("no blank line between header and body")
    try:
        head.decode("ascii")
    except UnicodeDecodeError:
        problem("the header is not plain ASCII (RFC 2047 not applied)")
    # Unfold, then one entry per field.
    fields = re.split(rb"\r\n(?![ \t])", head)
    names = [f.split(b":", 1)[0].strip().lower() for f in fields]
    for must in (b"from", b"to", b"subject", b"date", b"message-id", b"mime-version"):
        if names.count(must) != 1:
            problem("%d %r header fields, expected 1" % (names.count(must), must.decode()))
    # mailset's own fields: lines of at most 78 characters (RFC 5322 2.1.1).
    for f in fields:
        name = f.split(b":", 1)[0].strip().lower()
        if name in (b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                    b"content-type", b"content-transfer-encoding"):
            for line in f.split(b"\r\n"):
                if len(line) > 78:
                    problem("%s line of %d characters: %r" % (name.decode(), len(line), line[:50]))
    if b"bcc" in names or b"resent-bcc" in names:
        problem("the message has a Bcc header")
    bcc_only = [r for r in a.rcpt if r != a.to]
    for r in bcc_only:
        if r.encode().lower() in head.lower():
            problem("BCC recipient %s appears in the header" % r)

    # Encoded words: at most 75 characters each.
    # Each one whole UTF-8 characters (never a character split in two).
    for w in re.findall(rb"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=", head):
        if len(w) > 75:
            problem("encoded word of %d characters: %r" % (len(w), w[:40]))
        charset, enc, text = w[2:-2].split(b"?")
        if enc.upper() == b"B":
            try:
                base64.b64decode(text, validate=True).decode(charset.decode())
            except (ValueError, LookupError) as e:
                problem("encoded word %r does not decode on its own: %s" % (w[:40], e))

    compat = email.message_from_bytes(raw, policy=email.policy.compat32)
    raw_from = compat.get("From", "")
    decoded = str(email.header.make_header(email.header.decode_header(raw_from)))
    want = "%s <%s>" % (a.name, a.from_)
    if decoded != want:
        problem("From decodes to %r, expected %r (raw %r)" % (decoded, want, raw_from))

    # The address parser too. Its display name keeps the blanks between
    # adjacent encoded words, which RFC 2047 6.2 says to ignore (and
    # decode_header above does): compare names only when they are one word.
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    frm = msg["From"]
    if frm is None or len(frm.addresses) != 1:
        problem("From does not parse as one address: %r" % raw_from)
    else:
        ad = frm.addresses[0]
        one_word = len(re.findall(r"=\?", raw_from)) == 1
        if (one_word and ad.display_name != a.name) or ad.addr_spec != a.from_:
            problem("From parses as %r <%s>, expected %r <%s>"
                    % (ad.display_name, ad.addr_spec, a.name, a.from_))
    to = msg["To"]
    if to is None or [x.addr_spec for x in to.addresses] != [a.to]:
        problem("To is %r, expected %s" % (compat.get("To"), a.to))
    if msg.get_content_type() != "text/plain":
        problem("content type %s" % msg.get_content_type())
    if (msg.get_content_charset() or "").lower() != "utf-8":
        problem("charset %r" % msg.get_content_charset())
    if (msg.get("Content-Transfer-Encoding") or "").lower() != "base64":
        problem("transfer encoding %r" % msg.get("Content-Transfer-Encoding"))
    try:
        body = msg.get_payload(decode=True).decode("utf-8")
    except (UnicodeDecodeError, AttributeError) as e:
        problem("body does not decode to UTF-8 text: %s" % e)
        body = ""
    for t in a.body_has:
        if t not in body:
            problem("body lacks %r" % t)
    if "{{" in body or "}}" in body:
        problem("body keeps a placeholder: %r" % body[body.find("{{") - 10:][:60])
    if "\n" in body.replace("\r\n", ""):
        problem("body has a bare LF after decoding")


def check_safe(files):
    for name in files:
        with open(name, "rb") as f:
            data = f.read()
        for byte, what in ((b"\x1b", "ESC"), (b"\x07", "BEL"), (b"\x9b", "0x9b")):
            n = data.count(byte)
            if n:
                problem("%s: %d raw %s byte(s)" % (name, n, what))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            problem("%s: not UTF-8 (%s)" % (name, e))
            continue
        c1 = [c for c in text if 0x80 <= ord(c) < 0xA0]
        if c1:
            problem("%s: C1 control character(s) %r" % (name, c1[:3]))
        other = [c for c in text if ord(c) < 0x20 and c not in "\n"]
        if other:
            problem("%s: control character(s) %r" % (name, other[:3]))
        # bidi marks, embeddings, overrides, isolates; line separators
        bidi = [c for c in text if c in "\u061c\u200e\u200f\u2028\u2029\u202a\u202b"
                "\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
        if bidi:
            problem("%s: bidi control(s) or line separator(s) raw %r" % (name, bidi[:3]))


def forms(secrets_file):
    out = []
    with open(secrets_file, "rb") as f:
        for line in f.read().splitlines():
            if not line:
                continue
            user, _, pw = line.partition(b"\t")
            b = lambda x: base64.b64encode(x).rstrip(b"=")
            out.append((b"plain password of " + user, pw))
            out.append((b"base64 password of " + user, b(pw)))
            out.append((b"base64 \\0user\\0password of " + user,
                        b(b"\0" + user + b"\0" + pw)))
            out.append((b"base64 user\\0user\\0password of " + user,
                        b(user + b"\0" + user + b"\0" + pw)))
    return out


def hits(secrets_file, name):
    with open(name, "rb") as f:
        data = f.read()
    return [what.decode() for what, form in forms(secrets_file) if form in data]


def check_secrets(secrets_file, files):
    if not forms(secrets_file):
        problem("no secrets to look for")
    for name in files:
        for what in hits(secrets_file, name):
            problem("%s holds the %s" % (name, what))


def main(argv):
    if not argv:
        sys.stderr.write(__doc__)
        return 64
    cmd, rest = argv[0], argv[1:]
    if cmd == "message":
        check_message(rest)
    elif cmd == "delivered":
        check_message(rest, delivered=True)
    elif cmd == "safe":
        check_safe(rest)
    elif cmd == "secrets":
        check_secrets(rest[0], rest[1:])
    elif cmd == "has-secret":
        return 0 if hits(rest[0], rest[1]) else 1
    else:
        sys.stderr.write("check.py: unknown command %r\n" % cmd)
        return 64
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
