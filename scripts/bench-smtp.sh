#!/bin/bash
# SPDX-License-Identifier: MIT
# `make bench`, SMTP part: one test send against a local server that waits
# a fixed time before every reply (scripts/test-smtpd.py --delay), for
# mailset, curl's CLI (default and --sasl-ir) and swaks, the clients
# interleaved (a different order each round), BENCH_SMTP_RUNS rounds. Each
# send is also made to a second server that does not wait: the client's own
# time (start-up, TLS, a loaded machine), taken off before counting.
# Round trips = server replies waited for ((median slow - median fast) /
# delay, rounded) + 1 for the TCP connect + 1 for the TLS 1.3 handshake
# (neither is delayed by the server).
# Rows on stdout for scripts/bench-table.py (figure TAB mailset TAB
# peer-name TAB peer TAB unit TAB target); asserts nothing. A missing or
# failing client gives n/a and a note. The password is a throwaway value
# known only to this local test server (the server reads it from a file).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin="${1:-$top/build/mailset}"
export MAILSET_DATADIR="${MAILSET_DATADIR:-$top/share/mailset}"
export MAILSET_LOCALEDIR="${MAILSET_LOCALEDIR:-$top/build/locale}"
delay=${BENCH_SMTP_DELAY:-200}
runs=${BENCH_SMTP_RUNS:-3}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
say() { echo "bench smtp: $*" >&2; }

echo "## SMTP test send: local server holding each reply ${delay} ms (STARTTLS, AUTH PLAIN); medians of $runs"
if ! "$top/scripts/make-test-certs.sh" "$tmp/certs" >/dev/null 2>&1; then
	echo "# smtp: no test certificates (openssl?): not measured"
	exit 0
fi
printf 'bench-pass\n' > "$tmp/pw"
for srv in slow fast; do
	d=$delay
	[ $srv = fast ] && d=0
	/usr/bin/python3 "$top/scripts/test-smtpd.py" --port 0 --certs "$tmp/certs" --tls starttls \
		--user bench@example.com --password-file "$tmp/pw" --delay "$d" \
		--ready-file "$tmp/$srv.port" --max-seconds 300 >/dev/null 2>"$tmp/smtpd.$srv.err" &
	pids+=($!)
done
for _ in $(seq 100); do [ -s "$tmp/slow.port" ] && [ -s "$tmp/fast.port" ] && break; sleep 0.1; done
if [ ! -s "$tmp/slow.port" ] || [ ! -s "$tmp/fast.port" ]; then
	echo "# smtp: the test server did not start (python3-aiosmtpd?): not measured"
	exit 0
fi
ca="$tmp/certs/ca.pem"

config() { # $1: file, $2: bcc list, $3: port
	cat > "$1" <<INI
[basic]
contact_email = to@example.com
system_email = from@example.com
system_sender_name = Bench
bcc = $2
[smtp]
host = 127.0.0.1
port = $3
username = bench@example.com
password = bench-pass
auth = plain
tls = on
ca_file = $ca
INI
	chmod 600 "$1"
}
printf 'machine 127.0.0.1 login bench@example.com password bench-pass\n' > "$tmp/netrc"
chmod 600 "$tmp/netrc"
printf 'From: <from@example.com>\r\nTo: <to@example.com>\r\nSubject: bench\r\n\r\nbench\r\n' > "$tmp/msg.eml"

have_swaks=1
command -v swaks >/dev/null || have_swaks=0
clients=(mailset curl curl-ir swaks)

# one send by client $1 for case $2 (bcc addresses in $tmp/$2.bcc) to
# server $3 (slow or fast); prints the elapsed ms, or nothing after a
# failure (and a note once)
send() {
	local who=$1 case=$2 srv=$3 t0 t1 rc port
	port=$(cat "$tmp/$srv.port")
	local -a bcc rcpt
	read -r -a bcc < "$tmp/$case.bcc"
	rcpt=(--mail-rcpt to@example.com)
	for b in "${bcc[@]}"; do rcpt+=(--mail-rcpt "$b"); done
	local to="to@example.com"
	for b in "${bcc[@]}"; do to="$to,$b"; done
	t0=$(date +%s%N)
	case $who in
	mailset) "$bin" -c "$tmp/$case.$srv.ini" test-send ;;
	curl) curl -s --url "smtp://127.0.0.1:$port/example.com" --ssl-reqd --cacert "$ca" \
		--netrc-file "$tmp/netrc" --mail-from from@example.com "${rcpt[@]}" \
		--upload-file "$tmp/msg.eml" ;;
	curl-ir) curl -s --sasl-ir --url "smtp://127.0.0.1:$port/example.com" --ssl-reqd \
		--cacert "$ca" --netrc-file "$tmp/netrc" --mail-from from@example.com \
		"${rcpt[@]}" --upload-file "$tmp/msg.eml" ;;
	swaks) [ "$have_swaks" = 1 ] || return 0
		swaks --server "127.0.0.1:$port" --tls --tls-verify --tls-ca-path "$ca" \
		--auth PLAIN --auth-user bench@example.com --auth-password bench-pass \
		--from from@example.com --to "$to" --data "@$tmp/msg.eml" --helo example.com ;;
	esac >"$tmp/out" 2>&1
	rc=$?
	t1=$(date +%s%N)
	if [ $rc -ne 0 ]; then
		if [ ! -e "$tmp/$who.$case.$srv.failed" ]; then
			: > "$tmp/$who.$case.$srv.failed"
			echo "# smtp: $who failed ($rc) on '$case' ($srv server): $(grep -v '^ *$' "$tmp/out" | tail -n 1 | cut -c1-120)" >> "$tmp/notes"
		fi
		return 0
	fi
	echo $(( (t1 - t0) / 1000000 ))
}

median() { # numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
trips() { # median ms on the slow server, on the fast one -> round trips
	if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; else
		awk -v s="$1" -v f="$2" -v d="$delay" 'BEGIN { printf "%d", (s - f) / d + 0.5 + 2 }'
	fi
}

cases=(one bcc3)
: > "$tmp/one.bcc"
echo "b1@example.com b2@example.com b3@example.com" > "$tmp/bcc3.bcc"
for srv in slow fast; do
	config "$tmp/one.$srv.ini" "" "$(cat "$tmp/$srv.port")"
	config "$tmp/bcc3.$srv.ini" "b1@example.com,b2@example.com,b3@example.com" "$(cat "$tmp/$srv.port")"
done
for case in "${cases[@]}"; do
	n=$runs
	[ "$case" = bcc3 ] && n=1 # deterministic enough; keeps the part short
	say "$case: $n round(s) of ${clients[*]}"
	for ((r = 0; r < n; r++)); do
		# rotate the order each round so that no client always goes first
		for ((i = 0; i < ${#clients[@]}; i++)); do
			who=${clients[$(( (i + r) % ${#clients[@]} ))]}
			send "$who" "$case" slow >> "$tmp/$who.$case.slow.ms"
			send "$who" "$case" fast >> "$tmp/$who.$case.fast.ms"
		done
	done
done

name() {
	case $1 in
	curl) echo "curl" ;;
	curl-ir) echo "curl --sasl-ir" ;;
	swaks) echo "swaks" ;;
	esac
}
for case in "${cases[@]}"; do
	label="1 recipient"
	[ "$case" = bcc3 ] && label="1 recipient + 3 BCC"
	m=$(median < "$tmp/mailset.$case.slow.ms")
	mt=$(trips "$m" "$(median < "$tmp/mailset.$case.fast.ms")")
	for who in curl-ir curl swaks; do
		pt=$(trips "$(median < "$tmp/$who.$case.slow.ms")" "$(median < "$tmp/$who.$case.fast.ms")")
		[ "$who" = swaks ] && [ "$have_swaks" = 0 ] && pt=n/a
		target=""
		[ "$who" = curl-ir ] && target="<=peer"
		printf 'test send, %s: round trips\t%s\t%s\t%s\ttrips\t%s\n' "$label" "$mt" \
			"$(name "$who")" "$pt" "$target"
	done
	if [ "$case" = one ]; then
		for who in curl-ir curl swaks; do
			p=$(median < "$tmp/$who.$case.slow.ms")
			[ "$who" = swaks ] && [ "$have_swaks" = 0 ] && p=n/a
			printf 'test send, %s: time\t%s\t%s\t%s\tms\t\n' "$label" "$m" "$(name "$who")" "$p"
		done
	fi
done
[ -e "$tmp/notes" ] && cat "$tmp/notes"
echo "# smtp: round trips = (median time - median time against a server that does not wait) / ${delay} ms + 2 (TCP connect, TLS handshake); time: against the waiting server; curl --sasl-ir is the libcurl floor (12 for one recipient, one more per extra recipient; QUIT counted)"
[ "$have_swaks" = 1 ] || echo "# smtp: swaks is not installed"
exit 0
