#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/smtpd-selftest.sh - self-test of the test SMTP server
# (scripts/test-smtpd.py) and its certificates (scripts/make-test-certs.sh),
# driven with the curl command. Uses tests/lib.sh for its cases (begin, fail,
# end, ONLY) but not mailset: it runs without mailset built.
# All traffic stays on 127.0.0.1 (and ::1); every server is killed on exit.

# shellcheck source=tests/lib.sh
LIB_NO_MAILSET=1 . "$(dirname "$0")/lib.sh"

repo=$REPO_DIR
PY=/usr/bin/python3
SMTPD=$repo/scripts/test-smtpd.py
MKCERTS=$repo/scripts/make-test-certs.sh

missing=
[ -x "$PY" ] && "$PY" -c 'import aiosmtpd' 2>/dev/null || missing="$missing python3-aiosmtpd"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
if [ -n "$missing" ]; then
	skip smtpd-selftest "needs the Debian packages:$missing"
	exit 0
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/mailset-smtpd.XXXXXX")
PIDS=()
declare -A PID PORT
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$W"
	lib_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# No proxy and no ~/.curlrc may get in the way.
unset ALL_PROXY all_proxy http_proxy https_proxy HTTPS_PROXY NO_PROXY no_proxy
CERTS=$W/certs
CA=$CERTS/ca.pem

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# start NAME ARGS...: a server in the background with its files under
# $W/NAME.*; its pid in ${PID[NAME]}.
start() {
	local n=$1
	shift
	mkdir -p "$W/$n.mail"
	"$PY" "$SMTPD" --ready-file "$W/$n.ready" --pidfile "$W/$n.pid" \
		--log "$W/$n.log" --maildir "$W/$n.mail" --max-seconds 60 "$@" \
		>"$W/$n.out" 2>"$W/$n.err" &
	PIDS+=($!)
	PID[$n]=$!
}
# wait_ready NAME: wait (5 s at most) for the ready file; prints the port.
wait_ready() {
	for _ in $(seq 100); do
		if [ -s "$W/$1.ready" ]; then
			cat "$W/$1.ready"
			return 0
		fi
		sleep 0.05
	done
	echo "server $1 did not start: $(head -c 300 "$W/$1.err" | tr '\n' '|')" >&2
	return 1
}

# send NAME URL CURLARGS...: curl with a bounded time; verbose output in
# $W/NAME.curl, status in RC.
send() {
	local n=$1 url=$2
	shift 2
	timeout -k 2 15 curl -q -sS -v --noproxy '*' --max-time 10 --url "$url" \
		--upload-file "$W/msg" "$@" >"$W/$n.curl" 2>&1
	RC=$?
}
curl_has() { grep -qaF -- "$2" "$W/$1.curl" || fail "curl output lacks '$2' (exit $RC): $(grep -aE '^(<|curl:)' "$W/$1.curl" | tail -3 | tr '\n' '|')"; }
log_has() { grep -qaF -- "$2" "$W/$1.log" || fail "$1 log lacks '$2': $(tr '\n' '|' <"$W/$1.log" | head -c 300)"; }
log_lacks() { grep -qaF -- "$2" "$W/$1.log" && fail "$1 log has '$2'"; return 0; }
expect_rc() { [ "$RC" = "$1" ] || fail "curl exited $RC, expected $1: $(grep -aE '^(<|curl:)' "$W/$2.curl" | tail -3 | tr '\n' '|')"; }

# The message: CRLF lines, a leading dot (curl stuffs it, the server must
# unstuff it), UTF-8, trailing blanks.
printf 'From: a@example.com\r\nTo: b@example.com\r\nSubject: selftest\r\n\r\nhello\r\n.leading dot\r\n\xe3\x81\x82 utf-8 \r\n\r\nend\r\n' >"$W/msg"

# --- certificates ------------------------------------------------------------
# Made whatever ONLY says: the servers need them.
t0=$(now_ms)
"$MKCERTS" "$CERTS" 2>"$W/certs.err"
certs_rc=$?
t1=$(now_ms)
if begin certs-made; then
[ "$certs_rc" = 0 ] || fail "make-test-certs.sh failed: $(head -c 300 "$W/certs.err")"
for f in ca server wrongname untrusted expired; do
	[ -s "$CERTS/$f.pem" ] || fail "$f.pem missing"
	[ "$(stat -c %a "$CERTS/$f.key" 2>/dev/null)" = 600 ] || fail "$f.key is not mode 600"
done
[ $((t1 - t0)) -lt 5000 ] || fail "took $((t1 - t0)) ms"
end; fi

if begin certs-reused; then
before=$(stat -c %Y.%i "$CERTS/server.pem" "$CERTS/ca.key" | tr '\n' ' ')
"$MKCERTS" "$CERTS" || fail "second run failed"
after=$(stat -c %Y.%i "$CERTS/server.pem" "$CERTS/ca.key" | tr '\n' ' ')
[ "$before" = "$after" ] || fail "a valid set was made again"
rm -f "$CERTS/wrongname.key"
"$MKCERTS" "$CERTS" || fail "third run failed"
[ -s "$CERTS/wrongname.key" ] || fail "a missing key was not made again"
end; fi

if begin certs-faults; then
v() { openssl verify -CAfile "$CA" "$@" 2>&1; }
v -verify_hostname localhost "$CERTS/server.pem" | grep -q ': OK$' || fail "server.pem not valid for localhost"
v -verify_ip 127.0.0.1 "$CERTS/server.pem" | grep -q ': OK$' || fail "server.pem not valid for 127.0.0.1"
v -verify_ip ::1 "$CERTS/server.pem" | grep -q ': OK$' || fail "server.pem not valid for ::1"
v "$CERTS/wrongname.pem" | grep -q ': OK$' || fail "wrongname.pem not from the CA"
v -verify_hostname localhost "$CERTS/wrongname.pem" | grep -q 'hostname mismatch' || fail "wrongname.pem valid for localhost"
v "$CERTS/untrusted.pem" | grep -q 'self-signed' || fail "untrusted.pem is trusted"
v "$CERTS/expired.pem" | grep -q 'has expired' || fail "expired.pem has not expired"
end; fi

# --- servers (started together, to save time) ---------------------------------
U=(--user user@example.com --password 's3cret pass')
start main --certs "$CERTS" "${U[@]}" --auth-mechs PLAIN,LOGIN,CRAM-MD5 \
	--reject-rcpt 'nobody*@example.com' --reject-from 'spammer@*'
start none --tls none "${U[@]}"
start implicit --tls implicit --certs "$CERTS" "${U[@]}"
start untrusted --tls implicit --certs "$CERTS" --cert untrusted "${U[@]}"
start google --certs "$CERTS" --user me@gmail.com --password abcdefghijklmnop --google-app-password
start silent --silent --tls none
start drop --drop-after MAIL --tls none "${U[@]}"
start evil --evil-banner --tls none
start fast --tls none
start slow --tls none --delay 150
start term --tls none
for n in main none implicit untrusted google silent drop evil fast slow term; do
	p=$(wait_ready "$n") || {
		echo "FAIL server-start-$n: $(head -c 300 "$W/$n.err" | tr '\n' '|')"
		exit 1
	}
	PORT[$n]=$p
done

if begin server-prints-port; then
[ "$(head -n 1 "$W/main.out")" = "${PORT[main]}" ] || fail "stdout '$(head -c 50 "$W/main.out")' is not the port ${PORT[main]}"
[ "$(cat "$W/main.pid")" = "${PID[main]}" ] || fail "pidfile does not hold ${PID[main]}"
end; fi

SMTP=(--ssl-reqd --cacert "$CA" --mail-from a@example.com --mail-rcpt b@example.com)

# next_eml NAME: the file the next message to server NAME goes to (001.eml,
# 002.eml...), whichever cases ran before.
next_eml() {
	local f=("$W/$1.mail"/*.eml)
	[ -e "${f[0]}" ] || f=()
	printf '%s/%s.mail/%03d.eml' "$W" "$1" $((${#f[@]} + 1))
}

if begin starttls-plain-delivered; then
eml=$(next_eml main)
send plain "smtp://127.0.0.1:${PORT[main]}" "${SMTP[@]}" --user 'user@example.com:s3cret pass' --login-options AUTH=PLAIN
expect_rc 0 plain
curl_has plain "< 250 2.0.0 Ok: queued as "
grep -qaE '^< 250 2\.0\.0 Ok: queued as [0-9A-F]{12}.?$' "$W/plain.curl" || fail "queue id is not 12 hex digits"
cmp -s "$W/msg" "$eml" || fail "${eml##*/} is not the message as sent (CRLF, dot, UTF-8)"
"$PY" - "${eml%.eml}.json" <<'EOF' || fail "${eml##*/}: $(tr '\n' ' ' <"${eml%.eml}.json")"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["mail_from"] == "a@example.com", m
assert m["rcpt_tos"] == ["b@example.com"], m
assert m["helo"], m
assert m["auth_user"] == "user@example.com", m
assert m["tls"].startswith("TLS"), m
EOF
log_has main "> STARTTLS"
log_has main "> AUTH PLAIN"
end; fi

if begin starttls-login; then
eml=$(next_eml main)
send login "smtp://127.0.0.1:${PORT[main]}" "${SMTP[@]}" --user 'user@example.com:s3cret pass' --login-options AUTH=LOGIN
expect_rc 0 login
curl_has login "> AUTH LOGIN"
curl_has login "< 235 2.7.0 Authentication successful"
[ -s "$eml" ] || fail "no ${eml##*/}"
end; fi

if begin starttls-cram-md5; then
send cram "smtp://127.0.0.1:${PORT[main]}" "${SMTP[@]}" --user 'user@example.com:s3cret pass' --login-options AUTH=CRAM-MD5
expect_rc 0 cram
curl_has cram "> AUTH CRAM-MD5"
curl_has cram "< 235 2.7.0"
end; fi

if begin auth-offered-after-tls-only; then
send offered "smtp://127.0.0.1:${PORT[main]}" "${SMTP[@]}" --user 'user@example.com:s3cret pass' --login-options AUTH=PLAIN
curl_has offered "< 250-AUTH PLAIN LOGIN CRAM-MD5"
# Before STARTTLS (the first EHLO reply) there is no AUTH line.
sed -n '1,/^> STARTTLS/p' "$W/offered.curl" | grep -qa '^< 250.AUTH' && fail "AUTH offered before STARTTLS"
end; fi

if begin wrong-password-535; then
send wrong "smtp://127.0.0.1:${PORT[main]}" "${SMTP[@]}" --user 'user@example.com:wrong' --login-options AUTH=PLAIN
expect_rc 67 wrong
curl_has wrong "< 535 5.7.8 Authentication credentials invalid"
end; fi

if begin wrong-user-535; then
send wronguser "smtp://127.0.0.1:${PORT[main]}" "${SMTP[@]}" --user 'other@example.com:s3cret pass' --sasl-ir
[ "$RC" != 0 ] || fail "curl succeeded"
curl_has wronguser "< 535 5.7.8"
end; fi

if begin reject-rcpt-550; then
send rcpt "smtp://127.0.0.1:${PORT[main]}" "${SMTP[@]}" --mail-rcpt nobody1@example.com --mail-rcpt c@example.com \
	--mail-rcpt-allowfails --user 'user@example.com:s3cret pass'
expect_rc 0 rcpt
curl_has rcpt "< 550 5.1.1 User unknown"
last=$(cd "$W/main.mail" && printf '%s\n' ./*.json | sort | tail -n 1)
"$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["rcpt_tos"]==["b@example.com","c@example.com"], m' \
	"$W/main.mail/$last" 2>/dev/null || fail "$last: $(tr '\n' ' ' <"$W/main.mail/$last")"
end; fi

if begin reject-from-553; then
send from "smtp://127.0.0.1:${PORT[main]}" --ssl-reqd --cacert "$CA" --mail-from spammer@example.org \
	--mail-rcpt b@example.com --user 'user@example.com:s3cret pass'
[ "$RC" != 0 ] || fail "curl succeeded"
curl_has from "< 553 5.7.1 Sender rejected"
end; fi

if begin tls-none-no-auth-sent; then
send none "smtp://127.0.0.1:${PORT[none]}" "${SMTP[@]}" --user 'user@example.com:s3cret pass'
expect_rc 64 none
curl_has none "STARTTLS not supported"
log_has none "> EHLO"
log_lacks none "> AUTH"
log_lacks none "> STARTTLS"
# The server does offer AUTH in clear text: a client that goes on without
# TLS would send its credentials.
curl_has none "< 250-AUTH PLAIN LOGIN"
end; fi

if begin implicit-tls; then
send implicit "smtps://127.0.0.1:${PORT[implicit]}" "${SMTP[@]}" --user 'user@example.com:s3cret pass'
expect_rc 0 implicit
curl_has implicit "< 220 localhost ESMTP"
curl_has implicit "< 250 2.0.0 Ok: queued as"
grep -qa '^< 250.STARTTLS' "$W/implicit.curl" && fail "STARTTLS offered inside implicit TLS"
log_has implicit "* tls TLS"
[ -s "$W/implicit.mail/001.eml" ] || fail "no 001.eml"
end; fi

if begin untrusted-cert-refused; then
send untrusted "smtps://127.0.0.1:${PORT[untrusted]}" "${SMTP[@]}" --user 'user@example.com:s3cret pass'
expect_rc 60 untrusted
log_has untrusted "* tls failed"
log_lacks untrusted "> AUTH"
end; fi

if begin google-app-password-534; then
send google "smtp://127.0.0.1:${PORT[google]}" "${SMTP[@]}" --user 'me@gmail.com:my normal password' --sasl-ir
[ "$RC" != 0 ] || fail "curl succeeded"
curl_has google "< 534-5.7.9 Application-specific password required"
send google2 "smtp://127.0.0.1:${PORT[google]}" "${SMTP[@]}" --user 'me@gmail.com:abcdefghijklmnop' --sasl-ir
expect_rc 0 google2
end; fi

if begin silent-server; then
t0=$(now_ms)
send silent "smtp://127.0.0.1:${PORT[silent]}" --max-time 1 --mail-from a@example.com --mail-rcpt b@example.com
t1=$(now_ms)
expect_rc 28 silent
grep -qa '^< ' "$W/silent.curl" && fail "the server answered: $(grep -a '^< ' "$W/silent.curl" | head -1)"
[ $((t1 - t0)) -lt 3000 ] || fail "curl took $((t1 - t0)) ms"
log_has silent "* connect 127.0.0.1:"
end; fi

if begin drop-after-mail; then
send drop "smtp://127.0.0.1:${PORT[drop]}" --max-time 5 --mail-from a@example.com --mail-rcpt b@example.com
expect_rc 56 drop
grep -qa '^< 250 OK' "$W/drop.curl" && fail "MAIL was answered"
log_has drop "> MAIL FROM:<a@example.com>"
log_has drop "* drop after MAIL"
end; fi

if begin evil-banner; then
send evil "smtp://127.0.0.1:${PORT[evil]}" --mail-from a@example.com --mail-rcpt b@example.com
expect_rc 0 evil
esc=$(printf '\033')
bel=$(printf '\007')
grep -a '^< 220 ' "$W/evil.curl" | grep -qaF "${esc}[2J" || fail "no ESC [2J in the greeting"
grep -a '^< 220 ' "$W/evil.curl" | grep -qaF "${esc}]0;pwned${bel}" || fail "no OSC title in the greeting"
grep -a '^< 250-' "$W/evil.curl" | grep -qaF "$esc" || fail "no ESC in the EHLO reply"
end; fi

if begin delay-per-reply; then
# A clear-text send gets 7 replies: greeting, EHLO, MAIL, RCPT, DATA, end of
# data, QUIT. 150 ms each: the slow send takes 1050 ms at least (sleeps are
# never shorter), about 1050 ms more than the fast one (a loaded machine,
# run.sh runs two tests at a time, slows either, hence the bounds).
t0=$(now_ms)
send fast "smtp://127.0.0.1:${PORT[fast]}" --mail-from a@example.com --mail-rcpt b@example.com
t1=$(now_ms)
send slow "smtp://127.0.0.1:${PORT[slow]}" --mail-from a@example.com --mail-rcpt b@example.com
t2=$(now_ms)
expect_rc 0 slow
extra=$(((t2 - t1) - (t1 - t0)))
if [ $((t2 - t1)) -lt 1050 ] || [ "$extra" -ge 1700 ]; then
	fail "the slow send took $((t2 - t1)) ms, the delay added $extra ms, expected about 1050"
fi
end; fi

if "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	if begin ipv6-loopback; then
	start v6 --host ::1 --certs "$CERTS" "${U[@]}"
	if p6=$(wait_ready v6); then
		send v6 "smtp://[::1]:$p6" "${SMTP[@]}" --user 'user@example.com:s3cret pass'
		expect_rc 0 v6
		curl_has v6 'matched cert'"'"'s IP address'
		log_has v6 "* connect [::1]:"
	else
		fail "server on ::1 did not start"
	fi
	end; fi
else
	skip ipv6-loopback "no IPv6 loopback here"
fi

if begin loopback-only; then
for h in 0.0.0.0 :: 192.0.2.1 example.com; do
	timeout 10 "$PY" "$SMTPD" --tls none --host "$h" --port 0 >/dev/null 2>"$W/host.err"
	rc=$?
	[ "$rc" = 64 ] || fail "--host $h: exit $rc, expected 64"
done
end; fi

if begin sigterm-stops; then
kill -TERM "${PID[term]}"
for _ in $(seq 40); do
	kill -0 "${PID[term]}" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "${PID[term]}" 2>/dev/null; then
	fail "still running 2 s after SIGTERM"
else
	wait "${PID[term]}"
	rc=$?
	[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM"
	[ -e "$W/term.pid" ] && fail "pidfile left behind"
	[ -e "$W/term.ready" ] && fail "ready file left behind"
fi
end; fi

if begin max-seconds-stops; then
t0=$(now_ms)
timeout 10 "$PY" "$SMTPD" --tls none --max-seconds 0.5 >/dev/null 2>"$W/max.err"
rc=$?
t1=$(now_ms)
[ "$rc" = 0 ] || fail "exit $rc"
[ $((t1 - t0)) -lt 5000 ] || fail "took $((t1 - t0)) ms"
end; fi

if begin servers-quiet; then
for n in main none implicit untrusted google silent drop evil fast slow; do
	[ -s "$W/$n.err" ] && fail "$n wrote to stderr: $(head -c 200 "$W/$n.err" | tr '\n' '|')"
done
end; fi

finish
