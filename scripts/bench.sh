#!/bin/sh
# `make bench`: how load, validation and save scale with the file's size.
# Prints figures; asserts nothing (targets are judged by a person).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/mailset"
export MAILSET_DATADIR="$top/share/mailset"
export MAILSET_LOCALEDIR="$top/build/locale"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
rss() { # peak RSS in kB of a command, when GNU time is there
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
	else
		echo "-"
	fi
}

printf '%-10s %10s %10s %10s %10s %12s\n' lines bytes check_ms set_ms noop_cmp peak_rss_kB
# up to about 10 MB (300 000 lines of some 35 bytes)
for n in 1000 10000 100000 300000; do
	f="$tmp/mail-$n.ini"
	{
		sed 's/^password = .*/password = bench-password/' "$top/share/mailset/examples/mail.ini"
		printf '[extra]\n'
		awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "key%d = value number %d ; comment\n", i, i }'
	} > "$f"
	chmod 600 "$f"
	cp "$f" "$f.orig"
	t0=$(now); "$bin" -c "$f" check >/dev/null; t1=$(now)
	"$bin" -c "$f" set basic.system_sender_name=Bench >/dev/null
	t2=$(now)
	"$bin" -c "$f" set basic.system_sender_name=Bench >/dev/null
	t3=$(now)
	same=$(cmp -s "$f" "$f.orig" && echo same || echo changed)
	printf '%-10s %10s %10s %10s %10s %12s\n' "$(wc -l < "$f")" "$(wc -c < "$f")" \
		"$(ms "$t0" "$t1")" "$(ms "$t2" "$t3")" "$same" "$(rss "$bin" -c "$f" check)"
done
echo "(set_ms: a set that changes nothing; noop_cmp: the file after a real set, vs the original - 'changed' is expected)"
/usr/bin/python3 "$top/scripts/bench-tui.py" "$top/build/mailset"
"$top/scripts/bench-smtp.sh"
"$top/scripts/bench-dns.sh"
