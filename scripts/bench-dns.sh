#!/bin/bash
# SPDX-License-Identifier: MIT
# `make bench`, DNS part: how long one `mailset dns` takes when every answer
# is held back 200 ms (scripts/dns-delay.py in front of a dnsmasq serving a
# complete zone), in round trips (elapsed / delay) and as mailset counts
# them (MAILSET_DNS_STATS=1); median of BENCH_DNS_RUNS runs. No peer: no
# other tool checks the same records. Rows on stdout for
# scripts/bench-table.py; asserts nothing. Target: at most 4 round trips.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin="${1:-$top/build/mailset}"
export MAILSET_DATADIR="${MAILSET_DATADIR:-$top/share/mailset}"
export MAILSET_LOCALEDIR="${MAILSET_LOCALEDIR:-$top/build/locale}"
delay=${BENCH_DNS_DELAY:-200}
runs=${BENCH_DNS_RUNS:-3}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
echo "## DNS check of a complete zone (MX, SPF with include, a and mx, PTR, DKIM, DMARC; answers held $delay ms); median of $runs"
command -v dnsmasq >/dev/null || { echo "# dns: dnsmasq-base is not installed: not measured"; exit 0; }
echo "bench dns: $runs run(s)" >&2
port() { echo $((30000 + RANDOM % 20000)); }
key=$(openssl genrsa 2048 2>/dev/null | openssl rsa -pubout -outform DER 2>/dev/null | base64 -w0)
z=bench.test
cat >"$tmp/zone.conf" <<ZONE
local=/$z/
local=/0.0.127.in-addr.arpa/
mx-host=$z,mx.$z,10
host-record=mx.$z,127.0.0.2
host-record=smtp.$z,127.0.0.1
ptr-record=1.0.0.127.in-addr.arpa,smtp.$z
txt-record=$z,"v=spf1 include:_spf.$z -all"
txt-record=_spf.$z,"v=spf1 a:smtp.$z mx -all"
txt-record=sel._domainkey.$z,"v=DKIM1; k=rsa; p=${key:0:200}","${key:200}"
txt-record=_dmarc.$z,"v=DMARC1; p=reject; rua=mailto:d@$z"
ZONE
up=$(port)
dnsmasq --keep-in-foreground --port="$up" --listen-address=127.0.0.1 --bind-interfaces \
	--no-resolv --no-hosts --conf-file="$tmp/zone.conf" 2>"$tmp/dnsmasq.err" &
pids+=($!)
front=$(port)
/usr/bin/python3 "$top/scripts/dns-delay.py" --listen "$front" --upstream "$up" \
	--delay "$delay" --ready-file "$tmp/ready" &
pids+=($!)
for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.05; done
printf '[basic]\nsystem_email = noreply@%s\n[smtp]\nhost = smtp.%s\n[dns]\nserver = 127.0.0.1:%s\ndkim_selectors = sel\n' \
	"$z" "$z" "$front" >"$tmp/mail.ini"
chmod 600 "$tmp/mail.ini"
[ -e "$tmp/ready" ] || { echo "# dns: the delaying forwarder did not start: not measured"; exit 0; }
: > "$tmp/ms"
for ((r = 0; r < runs; r++)); do
	t0=$(date +%s%N)
	MAILSET_DNS_STATS=1 "$bin" -c "$tmp/mail.ini" dns >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 )) >> "$tmp/ms"
done
ms=$(sort -n "$tmp/ms" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
# "mailset: dns: 9 questions, 3 round trips"
stats=$(sed -n 's/^mailset: dns: //p' "$tmp/err")
q=$(echo "$stats" | sed -n 's/.*\b\([0-9][0-9]*\) questions\?.*/\1/p')
rt=$(echo "$stats" | sed -n 's/.*\b\([0-9][0-9]*\) round trips\?.*/\1/p')
printf 'dns check: time\t%s\t-\t\tms\t\n' "$ms"
printf 'dns check: round trips, elapsed / delay\t%s\t-\t\ttrips\t<=4\n' \
	"$(awk -v ms="$ms" -v d="$delay" 'BEGIN { printf "%.1f", ms / d }')"
printf 'dns check: round trips, counted by mailset\t%s\t-\t\ttrips\t<=4\n' "${rt:-n/a}"
printf 'dns check: questions asked\t%s\t-\t\tquestions\t\n' "${q:-n/a}"
[ "$rc" = 0 ] || echo "# dns: mailset dns exited $rc (the zone is complete: 0 expected): $(head -c 200 "$tmp/out" | tr '\n' ' ')"
[ -n "$stats" ] || echo "# dns: no MAILSET_DNS_STATS line on stderr"
exit 0
