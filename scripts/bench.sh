#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: mailset next to the programs it is compared with (dialog,
# whiptail, git config, curl, swaks), all run here in the same run, printed
# as one table: figure, mailset, peer, ratio, target (ok/over). Asserts
# nothing: exits 0 unless it cannot run at all.
#
# Usage: scripts/bench.sh [PART...]   or   BENCH="PART..." make bench
#   start  `get` start to exit vs git config (scripts/bench-cli.py)
#   noop   a set that changes nothing: syscalls, inode, mtime (bench-cli.py)
#   size   check/get/set on 1k..300k-line files vs git config (bench-cli.py)
#   cli    = start noop size
#   tui    the editor in an 80x24 pty vs dialog --form, whiptail (bench-tui.py)
#   smtp   one test send vs curl and swaks, slow local server (bench-smtp.sh)
#   dns    the DNS check against a slow local resolver (bench-dns.sh)
# Default: all of them (about 2 minutes on an idle machine). The rows are
# kept in build/bench.tsv (format in scripts/bench-table.py).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/mailset"
py=/usr/bin/python3
export MAILSET_DATADIR="${MAILSET_DATADIR:-$top/share/mailset}"
export MAILSET_LOCALEDIR="${MAILSET_LOCALEDIR:-$top/build/locale}"

parts="$*"
[ -n "$parts" ] || parts=$(echo "${BENCH:-}" | tr ',' ' ')
[ -n "$parts" ] || parts="start noop size tui smtp dns"
list=""
for p in $parts; do
	case $p in
	cli) list="$list start noop size" ;;
	all) list="$list start noop size tui smtp dns" ;;
	start | noop | size | tui | smtp | dns) list="$list $p" ;;
	*) echo "bench: unknown part '$p' (start noop size cli tui smtp dns all)" >&2; exit 64 ;;
	esac
done

if [ ! -x "$bin" ]; then
	echo "bench: $bin is not built (make all)" >&2
	exit 1
fi
if [ ! -x "$py" ]; then
	echo "bench: $py is missing (Debian package python3)" >&2
	exit 1
fi

mkdir -p "$top/build"
rows="$top/build/bench.tsv"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$rows"
t0=$(date +%s)
for p in $list; do
	echo "bench: $p ($(( $(date +%s) - t0 )) s)" >&2
	case $p in
	start | noop | size) "$py" "$top/scripts/bench-cli.py" "$bin" "$p" ;;
	tui) "$py" "$top/scripts/bench-tui.py" "$bin" ;;
	smtp) bash "$top/scripts/bench-smtp.sh" "$bin" ;;
	dns) bash "$top/scripts/bench-dns.sh" "$bin" ;;
	esac > "$tmp/part"
	rc=$?
	cat "$tmp/part" >> "$rows"
	[ $rc -eq 0 ] || echo "# $p: the part stopped with status $rc; its figures may be missing" >> "$rows"
done
"$py" "$top/scripts/bench-table.py" "$rows"
echo "($(( $(date +%s) - t0 )) s; rows in ${rows#"$top/"}; one part: scripts/bench.sh PART or BENCH=PART make bench)"
exit 0
