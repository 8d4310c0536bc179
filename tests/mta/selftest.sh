#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/mta/selftest.sh - self-test of the real-MTA harness (tests/mta/mta.sh):
# starts the private Postfix + Dovecot, proves with Python's smtplib
# (tests/mta/probe.py, not mailset) that every listener behaves as mta.sh
# says, that accepted mail is delivered into the sink and that the logs hold
# no password; stops everything on exit, even after a failure.
# Prints PASS / FAIL / SKIP lines (tests/lib.sh). The replies Postfix gave go
# to stderr, a block per case. Needs root and the Debian packages postfix and
# dovecot-core (scripts/deps.sh check). MTA_KEEP=1 keeps the work directory.

here=$(cd "$(dirname "$0")" && pwd)
# lib.sh insists on a built mailset, which this test never runs.
if [ -z "${MAILSET:-}" ] && [ ! -x "$here/../../build/asan/mailset" ]; then
	MAILSET=/bin/true
fi
# shellcheck source=tests/lib.sh
. "$here/../lib.sh"
# shellcheck source=tests/mta/mta.sh
. "$here/mta.sh"
set -u
VERBOSE=${VERBOSE:-}
MTA_KEEP=${MTA_KEEP:-}

PY=/usr/bin/python3
PROBE=$here/probe.py

missing=
[ -x /usr/sbin/postfix ] || missing="$missing postfix"
[ -x /usr/sbin/dovecot ] || missing="$missing dovecot-core"
[ -x "$PY" ] || missing="$missing python3"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
if [ -n "$missing" ]; then
	skip mta "needs the Debian packages:$missing"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	skip mta "Postfix and Dovecot are started as root only"
	exit 0
fi

W=$TMPROOT/mta
mkdir -p "$W/secret" "$W/probe"
chmod 700 "$W/secret"
USER_NAME=shop-user@mailset-shop.example
# Spaces, symbols and a colon (the passwd-file separator).
PW='p@ss w0rd!#x:1'
PW_WRONG='wr0ng pass!#y'
printf '%s\n' "$PW" >"$W/secret/pw"
printf '%s\n' "$PW_WRONG" >"$W/secret/wrong"
chmod 600 "$W/secret/pw" "$W/secret/wrong"

# shellcheck disable=SC2317 # called by the EXIT trap
selftest_cleanup() {
	mta_stop
	if [ -n "$MTA_KEEP" ]; then
		echo "mta selftest: files kept in $W" >&2
		return
	fi
	lib_cleanup
}
trap selftest_cleanup EXIT

# secs T0 T1: the seconds between two $EPOCHREALTIME values.
secs() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

t0=$EPOCHREALTIME
begin mta-start
mta_start "$W/srv" "$USER_NAME" "$W/secret/pw" 2>"$W/start.err" ||
	fail "mta_start: $(tr '\n' ' ' <"$W/start.err")"
started=$T_WHY
end
t1=$EPOCHREALTIME
echo "mta selftest: mta_start took $(secs "$t0" "$t1") s" >&2
cat "$W/start.err" >&2
if [ -n "$started" ]; then
	finish
fi

# probe CASE PORT: run probe.py; its stdout in $W/probe/CASE.out, the
# dialogue (stderr) both kept and shown on our stderr.
probe() {
	local c=$1 port=$2 out
	out=$W/probe/$c.out
	"$PY" "$PROBE" "$c" --port "$port" --ca "$MTA_CA_FILE" --user "$USER_NAME" \
		--passfile "$W/secret/pw" --wrongpassfile "$W/secret/wrong" --token "tok-$c-$$" \
		>"$out" 2>"$W/probe/$c.err"
	sed 's/^/    /' "$W/probe/$c.err" >&2
	if ! grep -qx OK "$out"; then
		fail "$(grep -m1 '^FAIL' "$out" || echo "probe.py $c: no result ($(tail -n 1 "$W/probe/$c.err"))")"
		return 1
	fi
}

# delivered CASE: the message probe.py queued for CASE is in the sink.
delivered() {
	local tok=tok-$1-$$ end=$((SECONDS + 10))
	until mta_mail_files | xargs -r grep -l -F -- "Subject: mta selftest $tok" 2>/dev/null | grep -q .; do
		if [ "$SECONDS" -ge "$end" ]; then
			fail "the message of $1 was not delivered in 10 s (sink: $(mta_mails) files)"
			return 1
		fi
		sleep 0.05
	done
}

# --- one test per listener ---------------------------------------------------------
begin mta-submission
probe submission "$MTA_PORT_SUBMISSION" && delivered submission
end

begin mta-submission-login-cram-md5
probe mechanisms "$MTA_PORT_SUBMISSION"
end

begin mta-submission-wrong-password
probe wrongpw "$MTA_PORT_SUBMISSION"
end

begin mta-encryptonly_plain
probe encryptonly_plain "$MTA_PORT_ENCRYPTONLY_PLAIN"
end

if [ -n "$MTA_PORT_SMTPS" ]; then
	begin mta-smtps
	probe smtps "$MTA_PORT_SMTPS" && delivered smtps
	end
else
	skip mta-smtps "127.0.0.1:465 cannot be bound: $(grep -m1 465 "$W/start.err")"
fi

begin mta-noauth
probe noauth "$MTA_PORT_NOAUTH" && delivered noauth
end

begin mta-loginonly
probe loginonly "$MTA_PORT_LOGINONLY"
end

begin mta-plainonly
probe plainonly "$MTA_PORT_PLAINONLY"
end

begin mta-mismatch_rcpt
probe mismatch_rcpt "$MTA_PORT_MISMATCH_RCPT"
end

begin mta-mismatch_mail
probe mismatch_mail "$MTA_PORT_MISMATCH_MAIL"
end

begin mta-rcptrefused
probe rcptrefused "$MTA_PORT_RCPTREFUSED"
end

begin mta-multiline
probe multiline "$MTA_PORT_MULTILINE"
end

begin mta-reject554
probe reject554 "$MTA_PORT_REJECT554"
end

begin mta-defer450
probe defer450 "$MTA_PORT_DEFER450"
end

begin mta-authrequired
probe authrequired "$MTA_PORT_AUTHREQUIRED"
end

# --- the harness itself --------------------------------------------------------------
begin mta-only-accepted-mail-delivered
mta_settle 10 || fail "the queue did not settle"
n=$(mta_mails)
want=3
[ -n "$MTA_PORT_SMTPS" ] && want=4
[ "$n" -eq "$want" ] || fail "$n messages in the sink, expected $want: $(mta_mail_files | tr '\n' ' ')"
end

begin mta-logs-no-password
# The forms a password leaks in (plain, base64, the AUTH PLAIN string) go
# into a pattern file: grep -f keeps them off grep's command line.
{
	printf '%s\n' "$PW" "$PW_WRONG"
	printf '%s' "$PW" | base64 -w 0
	echo
	printf '\0%s\0%s' "$USER_NAME" "$PW" | base64 -w 0
	echo
} >"$W/secret/leaks"
for f in $(mta_logs); do
	[ -s "$f" ] || fail "log $f is empty or missing"
	grep -qF -f "$W/secret/leaks" "$f" && fail "$f holds a password (in one of its forms)"
done
# The Dovecot log says why the wrong password failed (and not with it).
grep -q 'Password mismatch' "$MTA_DIR/log/dovecot.log" ||
	fail "no 'Password mismatch' in the Dovecot log"
end

begin mta-loopback-only
# Every socket of the Postfix and Dovecot processes is on 127.0.0.1.
procs=$( { _mta_pids_of "$MTA_POSTFIX_PID"; _mta_pids_of "$MTA_DOVECOT_PID"; } | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
others=$(ss -Hltnup 2>/dev/null | grep -E "pid=(${procs//,/|})," | awk '{print $5}' | grep -v '^127\.0\.0\.1:' || true)
[ -z "$others" ] || fail "listening beyond 127.0.0.1: $others"
end

begin mta-stop
t0=$EPOCHREALTIME
procs=$( { _mta_pids_of "$MTA_POSTFIX_PID"; _mta_pids_of "$MTA_DOVECOT_PID"; } | tr -s ' \n' ' ')
mta_stop || fail "mta_stop failed"
t1=$EPOCHREALTIME
for p in $procs; do
	_mta_alive "$p" && fail "process $p still runs after mta_stop"
done
echo "mta selftest: mta_stop took $(secs "$t0" "$t1") s" >&2
end

finish
