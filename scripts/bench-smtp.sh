#!/bin/bash
# `make bench`, SMTP part: round trips for one test send, counted against a
# server that waits a fixed time before every reply, for mailset, curl's
# CLI (default and --sasl-ir) and swaks, side by side. Round trips = server
# replies waited for (elapsed / delay) + 1 for the TCP connect + 1 for the
# TLS 1.3 handshake (neither is delayed by the server).
# Prints figures; asserts nothing. The password is a throwaway bench value.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/mailset"
export MAILSET_DATADIR="$top/share/mailset" MAILSET_LOCALEDIR="$top/build/locale"
delay=${BENCH_SMTP_DELAY:-200}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

"$top/scripts/make-test-certs.sh" "$tmp/certs" >/dev/null || exit 0
printf 'bench-pass\n' > "$tmp/pw"
/usr/bin/python3 "$top/scripts/test-smtpd.py" --port 0 --certs "$tmp/certs" --tls starttls \
	--user bench@example.com --password-file "$tmp/pw" --delay "$delay" \
	--ready-file "$tmp/port" --max-seconds 300 >/dev/null 2>"$tmp/smtpd.err" &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
if [ ! -s "$tmp/port" ]; then
	echo "bench-smtp: the test server did not start (python3-aiosmtpd?)"
	exit 0
fi
port=$(cat "$tmp/port")
ca="$tmp/certs/ca.pem"

config() { # $1: bcc list
	cat > "$tmp/mail.ini" <<INI
[basic]
contact_email = to@example.com
system_email = from@example.com
system_sender_name = Bench
bcc = $1
[smtp]
host = 127.0.0.1
port = $port
username = bench@example.com
password = bench-pass
auth = plain
tls = on
ca_file = $ca
INI
	chmod 600 "$tmp/mail.ini"
}
printf 'machine 127.0.0.1 login bench@example.com password bench-pass\n' > "$tmp/netrc"
chmod 600 "$tmp/netrc"
printf 'From: <from@example.com>\r\nTo: <to@example.com>\r\nSubject: bench\r\n\r\nbench\r\n' > "$tmp/msg.eml"

# round trips of one command, from its wall-clock time
rt() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >"$tmp/out" 2>&1
	local rc=$?
	t1=$(date +%s%N)
	if [ $rc -ne 0 ]; then
		echo "failed($rc)"
		return
	fi
	echo $(( ( (t1 - t0) / 1000000 + delay / 2 ) / delay + 2 ))
}

rcpts() { local a=(--mail-rcpt to@example.com); for b in "$@"; do a+=(--mail-rcpt "$b"); done; echo "${a[@]}"; }
swaks_to() { local IFS=,; echo "to@example.com${*:+,$*}"; }

row() { # label, then the bcc addresses
	local label=$1
	shift
	config "$(IFS=,; echo "$*")"
	local m c ci s
	m=$(rt "$bin" -c "$tmp/mail.ini" test-send)
	# shellcheck disable=SC2046
	c=$(rt curl -s --url "smtp://127.0.0.1:$port/example.com" --ssl-reqd --cacert "$ca" \
		--netrc-file "$tmp/netrc" --mail-from from@example.com $(rcpts "$@") \
		--upload-file "$tmp/msg.eml")
	# shellcheck disable=SC2046
	ci=$(rt curl -s --sasl-ir --url "smtp://127.0.0.1:$port/example.com" --ssl-reqd \
		--cacert "$ca" --netrc-file "$tmp/netrc" --mail-from from@example.com \
		$(rcpts "$@") --upload-file "$tmp/msg.eml")
	if command -v swaks >/dev/null; then
		s=$(rt swaks --server "127.0.0.1:$port" --tls --tls-verify --tls-ca-path "$ca" \
			--auth PLAIN --auth-user bench@example.com --auth-password bench-pass \
			--from from@example.com --to "$(swaks_to "$@")" --data "$tmp/msg.eml" \
			--helo example.com)
	else
		s=n/a
	fi
	printf '%-34s %8s %10s %14s %8s\n' "$label" "$m" "$c" "$ci" "$s"
}

echo
echo "SMTP round trips for one send (STARTTLS + AUTH PLAIN; server delay ${delay} ms per reply)"
printf '%-34s %8s %10s %14s %8s\n' "" mailset curl "curl --sasl-ir" swaks
row "1 recipient (QUIT counted)"
row "1 recipient + 3 BCC" b1@example.com b2@example.com b3@example.com
echo "(target: mailset at the libcurl floor, 12 for one recipient and one more per extra recipient)"
