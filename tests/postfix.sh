#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/postfix.sh - `mailset test-send` against a real Postfix 3.7 with
# Dovecot 2.3 SASL (tests/mta/mta.sh: private configuration, 127.0.0.1,
# one smtpd per case, delivery into a Maildir the test reads). The oracle is
# the MTA: what it delivered, what it logged, what it answered. Each case
# checks the exit status, the verdict (the last line of stdout) and whether
# a message was delivered; none may say "sent" unless the message was
# accepted after a successful login (or with auth = none). Last, every
# output of the run and the Postfix and Dovecot logs are searched for the
# password in its plain and base64 forms.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/mta/mta.sh
. "$TESTS_DIR/mta/mta.sh"

PY=/usr/bin/python3
CHECK=$TESTS_DIR/smtp/check.py

missing=
command -v /usr/sbin/postconf >/dev/null 2>&1 || missing="$missing postfix"
command -v /usr/sbin/dovecot >/dev/null 2>&1 || missing="$missing dovecot-core"
[ -x "$PY" ] || missing="$missing python3"
if [ -n "$missing" ]; then
	skip postfix "needs the Debian packages:$missing (scripts/deps.sh check)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	skip postfix "Postfix's master must start as root"
	exit 0
fi

W=$TMPROOT/pf
mkdir -p "$W/cfg" "$W/secret" "$W/out"
chmod 700 "$W/cfg" "$W/secret"
# shellcheck disable=SC2317 # called by the EXIT trap
pf_cleanup() {
	mta_stop >/dev/null 2>&1
	if [ -n "$PF_KEEP" ]; then
		echo "postfix.sh: files kept in $W" >&2
		return
	fi
	lib_cleanup
}
trap pf_cleanup EXIT

unset ALL_PROXY all_proxy http_proxy https_proxy HTTPS_PROXY smtp_proxy smtps_proxy
export NO_PROXY='*' no_proxy='*'
export MAILSET_SMTP_TIMEOUT=5

CONTACT=support@mailset-shop.example
SYSTEM=noreply@mailset-shop.example
NAME=ショップ窓口テスト株式会社オンラインストア本店お問い合わせ係
USER_NAME=shop-user@mailset-shop.example
PW='Pf p@ss w0rd!#x'
PW_WRONG='Pf wr0ng pass!#y'
printf '%s\n' "$PW" >"$W/secret/pw"
printf '%s\t%s\n' "$USER_NAME" "$PW" "$USER_NAME" "$PW_WRONG" >"$W/secret/all"
chmod 600 "$W/secret/pw" "$W/secret/all"

if ! mta_start "$W/mta" "$USER_NAME" "$W/secret/pw" 2>"$W/mta.err"; then
	echo "FAIL postfix-start: $(head -c 400 "$W/mta.err" | tr '\n' '|')"
	exit 1
fi

# conf CASE PORT: $W/cfg/CASE.ini (0600). C_PASS C_AUTH C_TLS C_BCC override.
conf() {
	cat >"$W/cfg/$1.ini" <<EOF
[basic]
contact_email = $CONTACT
system_email = ${C_SYSTEM-$SYSTEM}
system_sender_name = $NAME
bcc = ${C_BCC-}

[smtp]
host = 127.0.0.1
port = $2
username = $USER_NAME
password = ${C_PASS-$PW}
auth = ${C_AUTH-plain}
tls = ${C_TLS-on}
ca_file = $MTA_CA_FILE
EOF
	chmod 600 "$W/cfg/$1.ini"
}

# send CASE [ARGS]: mailset test-send; outputs kept for the secret scan.
send() {
	local c=$1
	shift
	BEFORE=$(mta_mails)
	ms -c "$W/cfg/$c.ini" test-send "$@"
	cp "$T_DIR/out" "$W/out/$c.out"
	cp "$T_DIR/err" "$W/out/$c.err"
	VERDICT=$(tail -n 1 "$T_DIR/out")
}

# expect_delivered N: N more messages (one per recipient) reached the sink.
expect_delivered() {
	local want=$((BEFORE + $1))
	if [ "$1" -gt 0 ]; then
		mta_wait_mails "$want" 10 || true
	else
		mta_settle 5 || true
	fi
	local n
	n=$(mta_mails)
	[ "$n" = "$want" ] || fail "the MTA delivered $((n - BEFORE)) message(s), expected $1"
}

out_has() {
	grep -qaF -- "$1" "$T_DIR/out" || fail "stdout lacks '$1'"
}
out_lacks() {
	grep -qaF -- "$1" "$T_DIR/out" && fail "stdout has '$1'"
	return 0
}

PFLOG=$(mta_logs | head -n 1)

# --- sent: STARTTLS, AUTH PLAIN, the message as Postfix delivered it ----------
if begin postfix-sent-starttls-plain; then
C_BCC=bcc1@mailset-dest.example conf sent "$MTA_PORT_SUBMISSION"
send sent
expect_exit 0
qid=$(sed -n 's/.*S: 250 2.0.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' "$T_DIR/out")
[ -n "$qid" ] || fail "no 'queued as' in the dialogue"
expect_verdict ok "queue id $qid"
expect_delivered 2
grep -qF "$qid: " "$PFLOG" || fail "the Postfix log does not know queue id $qid"
out_has "C: STARTTLS"
out_has "C: AUTH PLAIN ********"
out_has "S: 235 2.7.0 Authentication successful"
out_has "C: QUIT"
f=$(grep -lF "Delivered-To: $CONTACT" $(mta_mail_files) | tail -n 1)
if [ -z "$f" ]; then
	fail "no delivered message for $CONTACT"
elif ! "$PY" "$CHECK" delivered "$f" --name "$NAME" --from "$SYSTEM" --to "$CONTACT" \
	--body-has "$CONTACT" --body-has "$SYSTEM" >"$T_DIR/check" 2>&1; then
	fail "delivered message: $(head -c 400 "$T_DIR/check" | tr '\n' '|')"
fi
grep -q 'sasl_method=PLAIN, sasl_username=shop-user@mailset-shop.example' "$PFLOG" ||
	fail "Postfix did not log the PLAIN login"
end; fi

# An IDN sender domain: the envelope, the EHLO name and every header in
# A-labels, to a server that offers SMTPUTF8 but is not asked to use it.
if begin postfix-sent-idn-sender; then
C_SYSTEM=noreply@日本語.example conf idn "$MTA_PORT_SUBMISSION"
send idn
expect_exit 0
expect_verdict ok "queue id"
expect_delivered 1
out_has "C: EHLO xn--wgv71a119e.example"
out_has "C: MAIL FROM:<noreply@xn--wgv71a119e.example>"
grep -qF "from=<noreply@xn--wgv71a119e.example>" "$PFLOG" || fail "Postfix logged another sender"
f=$(ls -t $(mta_mail_files) | head -n 1)
if ! "$PY" "$CHECK" delivered "$f" --name "$NAME" --from noreply@xn--wgv71a119e.example \
	--to "$CONTACT" --body-has "$CONTACT" >"$T_DIR/check" 2>&1; then
	fail "delivered message: $(head -c 400 "$T_DIR/check" | tr '\n' '|')"
fi
end; fi

if begin postfix-sent-login; then
C_AUTH=login conf login "$MTA_PORT_LOGINONLY"
send login
expect_exit 0
expect_verdict ok "queue id"
expect_delivered 1
out_has "C: AUTH LOGIN"
end; fi

if begin postfix-sent-cram-md5; then
C_AUTH=cram-md5 conf cram "$MTA_PORT_SUBMISSION"
send cram
expect_exit 0
expect_verdict ok "queue id"
expect_delivered 1
out_has "C: AUTH CRAM-MD5"
end; fi

if [ -n "$MTA_PORT_SMTPS" ]; then
	if begin postfix-sent-implicit-tls; then
	conf smtps "$MTA_PORT_SMTPS"
	send smtps
	expect_exit 0
	expect_verdict ok "queue id"
	expect_delivered 1
	out_lacks "C: STARTTLS"
	end; fi
else
	skip postfix-sent-implicit-tls "127.0.0.1:465 is taken"
fi

# --- the login is tested, or nothing is sent ------------------------------------
if begin postfix-wrong-password; then
C_PASS=$PW_WRONG conf wrongpw "$MTA_PORT_SUBMISSION"
send wrongpw
expect_exit 77
expect_verdict fail "refused the user name or password" "535 5.7.8"
expect_delivered 0
out_lacks "C: MAIL FROM"
end; fi

# Postfix offers no AUTH at all: a wrong password must not pass for sent.
if begin postfix-no-auth-offered; then
C_PASS=$PW_WRONG conf noauth "$MTA_PORT_NOAUTH"
send noauth
expect_exit 78
expect_verdict fail "offers no login" "not tested" "nothing was sent"
verdict_lacks "sent:"
expect_delivered 0
out_lacks "C: MAIL FROM"
out_has "C: QUIT"
end; fi

if begin postfix-no-auth-offered-auth-none; then
C_AUTH=none conf noauthnone "$MTA_PORT_NOAUTH"
send noauthnone
expect_exit 0
expect_verdict ok "queue id"
expect_delivered 1
out_lacks "C: AUTH"
end; fi

if begin postfix-only-login-offered; then
C_AUTH=plain conf mech1 "$MTA_PORT_LOGINONLY"
send mech1
expect_exit 78
expect_verdict fail "PLAIN" "only LOGIN" "set the authentication method to LOGIN"
verdict_lacks "refused the user name"
expect_delivered 0
out_lacks "C: AUTH"
out_lacks "C: MAIL FROM"
end; fi

if begin postfix-only-plain-offered; then
C_AUTH=login conf mech2 "$MTA_PORT_PLAINONLY"
send mech2
expect_exit 78
expect_verdict fail "only PLAIN" "set the authentication method to PLAIN"
expect_delivered 0
out_lacks "C: AUTH"
end; fi

if begin postfix-cram-md5-not-offered; then
C_AUTH=cram-md5 conf mech3 "$MTA_PORT_LOGINONLY"
send mech3
expect_exit 78
expect_verdict fail "CRAM-MD5" "set the authentication method to LOGIN"
expect_delivered 0
end; fi

# tls = off against the submission port: AUTH is offered only after
# STARTTLS (smtpd_tls_auth_only), and MAIL without TLS gets 530 5.7.0.
if begin postfix-tls-off-auth-after-tls; then
C_TLS=off conf tlsoff "$MTA_PORT_ENCRYPTONLY_PLAIN"
send tlsoff
expect_exit 78
expect_verdict fail "set TLS to on" "nothing was sent"
verdict_lacks "sender"
expect_delivered 0
out_lacks "C: MAIL FROM"
end; fi

if begin postfix-tls-off-must-starttls; then
C_TLS=off C_AUTH=none conf tlsoffnone "$MTA_PORT_ENCRYPTONLY_PLAIN"
send tlsoffnone
expect_exit 78
expect_verdict fail "set TLS to on" "530 5.7.0 Must issue a STARTTLS command first"
verdict_lacks "refused the sender"
expect_delivered 0
end; fi

if begin postfix-auth-none-login-required; then
C_AUTH=none conf authreq "$MTA_PORT_AUTHREQUIRED"
send authreq
expect_exit 78
expect_verdict fail "set the authentication method" "554 5.7.1"
verdict_lacks "every recipient"
expect_delivered 0
end; fi

# --- the sender --------------------------------------------------------------------
if begin postfix-sender-not-owned-at-rcpt; then
conf mmrcpt "$MTA_PORT_MISMATCH_RCPT"
send mmrcpt
expect_exit 65
expect_verdict fail "refused the sender $SYSTEM" "not owned by user $USER_NAME" "553 5.7.1"
verdict_lacks "every recipient"
expect_delivered 0
out_lacks "C: DATA"
end; fi

if begin postfix-sender-not-owned-at-mail; then
conf mmmail "$MTA_PORT_MISMATCH_MAIL"
send mmmail
expect_exit 65
expect_verdict fail "refused the sender $SYSTEM" "not owned by user"
expect_delivered 0
out_lacks "C: RCPT"
end; fi

# --- recipients ---------------------------------------------------------------------
if begin postfix-recipient-refused-others-sent; then
C_BCC=nobody@refused.example,bcc2@mailset-dest.example conf rcpt1 "$MTA_PORT_RCPTREFUSED"
send rcpt1
expect_exit 65
expect_verdict fail "Sent to 2 of 3" "nobody@refused.example" "Recipient refused by the mailset test MTA"
verdict_lacks "bcc2@"
expect_delivered 2
end; fi

if begin postfix-only-recipient-refused; then
conf rcpt2 "$MTA_PORT_RCPTREFUSED"
send rcpt2 --to nobody@refused.example
expect_exit 65
expect_verdict fail "refused every recipient" "nobody@refused.example" "554 5.7.1"
expect_delivered 0
out_lacks "C: DATA"
end; fi

# Every line of a multi-line refusal reaches the verdict.
if begin postfix-multiline-reply; then
conf multi "$MTA_PORT_MULTILINE"
send multi --to nobody@refused.example
expect_exit 65
expect_verdict fail "Recipient refused by the mailset test MTA" "Footer line one" "Footer line two"
expect_delivered 0
end; fi

# --- refused at connect -----------------------------------------------------------------
if begin postfix-client-rejected-554; then
conf r554 "$MTA_PORT_REJECT554"
send r554
expect_exit 69
expect_verdict fail "refused this machine" "554 5.7.1" "Client host rejected"
verdict_lacks "try again"
expect_delivered 0
end; fi

if begin postfix-client-deferred-450; then
conf d450 "$MTA_PORT_DEFER450"
send d450
expect_exit 75
expect_verdict fail "for now" "450 4.3.2"
expect_delivered 0
end; fi

# Japanese: the verdict and the phase are translated.
if begin postfix-japanese-verdict; then
conf ja "$MTA_PORT_REJECT554"
MS_ENV=(LANGUAGE=ja LANG=ja_JP.UTF-8)
send ja --save "$W/out/ja.save"
MS_ENV=()
expect_exit 69
# kana in the verdict and in the phase of the saved dialogue
japanese() {
	"$PY" -c 'import re, sys; sys.exit(0 if re.search("[\u3040-\u30ff]", sys.argv[1]) else 1)' "$1"
}
japanese "$VERDICT" || fail "verdict '$VERDICT' is not in Japanese"
phase=$(grep -a '^(' "$W/out/ja.save" | tail -n 1)
japanese "$phase" || fail "the phase line '$phase' is not in Japanese"
end; fi

# --- --probe: the login without a message --------------------------------------------------
if begin postfix-probe-ok; then
conf probe "$MTA_PORT_SUBMISSION"
send probe --probe
expect_exit 0
expect_verdict ok "login work" "nothing was sent"
expect_delivered 0
out_has "S: 235 2.7.0 Authentication successful"
out_has "C: QUIT"
out_lacks "C: MAIL FROM"
end; fi

if begin postfix-probe-wrong-password; then
C_PASS=$PW_WRONG conf probewrong "$MTA_PORT_SUBMISSION"
send probewrong --probe
expect_exit 77
expect_verdict fail "refused the user name or password"
expect_delivered 0
end; fi

if begin postfix-probe-no-auth; then
conf probenoauth "$MTA_PORT_NOAUTH"
send probenoauth --probe
expect_exit 78
expect_verdict fail "offers no login"
end; fi

# --- a wrong password is never "sent", whatever the listener ----------------------------------
if begin postfix-wrong-password-never-sent; then
for p in SUBMISSION SMTPS NOAUTH LOGINONLY PLAINONLY MISMATCH_RCPT MISMATCH_MAIL RCPTREFUSED \
	REJECT554 DEFER450 AUTHREQUIRED MULTILINE; do
	v=MTA_PORT_$p
	[ -n "${!v}" ] || continue
	for a in plain login cram-md5; do
		for t in on off; do
			C_PASS=$PW_WRONG C_AUTH=$a C_TLS=$t conf "w-$p-$a-$t" "${!v}"
			send "w-$p-$a-$t"
			if [ "$RC" = 0 ]; then
				fail "$p auth=$a tls=$t with a wrong password: exit 0 ($VERDICT)"
			fi
			case $VERDICT in "✓ "*) fail "$p auth=$a tls=$t: '$VERDICT'" ;; esac
		done
	done
done
expect_delivered 0
end; fi

# --- the password, in any form, in anything mailset or the servers wrote --------------------------
if begin postfix-no-password-anywhere; then
mta_settle 5 || true
find "$W/out" -type f -print0 >"$T_DIR/files"
mta_logs | tr '\n' '\0' >>"$T_DIR/files"
n=$(tr -cd '\0' <"$T_DIR/files" | wc -c)
# Every case ran and left its files (not so when ONLY picks some).
[ -n "${ONLY:-}" ] || [ "$n" -ge 60 ] || fail "only $n files to search"
if ! xargs -0 "$PY" "$CHECK" secrets "$W/secret/all" <"$T_DIR/files" >"$T_DIR/check" 2>&1; then
	fail "$(head -c 400 "$T_DIR/check" | tr '\n' '|')"
fi
end; fi

finish
