#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: open the editor on the demo configuration, with a local test
# SMTP server (aiosmtpd on 127.0.0.1, STARTTLS + AUTH, a CA of its own) so
# that the test send (F5) shows a real dialogue. The server stops when the
# editor exits. The demo file is a private copy (0600);
# `make run DEMO_RESET=1` starts again from the shipped example.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
# the build directory (make run B=...)
case ${B:-build} in /*) b=$B ;; *) b="$top/${B:-build}" ;; esac
export MAILSET_DATADIR="$top/share/mailset"
export MAILSET_LOCALEDIR="$b/locale"
demo_dir="$b/demo"
demo="$demo_dir/mail.ini"
bin="$b/mailset"
mkdir -p "$demo_dir"
if [ ! -f "$demo" ] || [ -n "${DEMO_RESET:-}" ]; then
	cp "$top/share/mailset/examples/mail.ini" "$demo"
	chmod 600 "$demo"
fi

"$top/scripts/make-test-certs.sh" "$demo_dir/certs" >/dev/null
ready="$demo_dir/smtpd.port"
rm -f "$ready"
# The server accepts the demo file's credentials; the password goes through
# a private file, never a command line.
umask 077
"$bin" -c "$demo" get --show-secret smtp.password > "$demo_dir/smtpd.pw"
/usr/bin/python3 "$top/scripts/test-smtpd.py" --host 127.0.0.1 --port 0 \
	--certs "$demo_dir/certs" --tls starttls \
	--user "$("$bin" -c "$demo" get smtp.username)" \
	--password-file "$demo_dir/smtpd.pw" \
	--maildir "$demo_dir/received" --ready-file "$ready" \
	--watch-pid $$ --max-seconds 0 >/dev/null 2>"$demo_dir/smtpd.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM HUP
i=0
while [ ! -s "$ready" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $server 2>/dev/null; then
		echo "make run: the demo SMTP server did not start; see $demo_dir/smtpd.log" >&2
		exit 69
	fi
	sleep 0.1
done
# The server has read the password: no copy of it stays outside the config.
rm -f "$demo_dir/smtpd.pw"
port=$(cat "$ready")
"$bin" -c "$demo" set smtp.host=127.0.0.1 "smtp.port=$port" "smtp.ca_file=$demo_dir/certs/ca.pem" >/dev/null

received="$demo_dir/received"
count() { find "$received" -name '*.eml' 2>/dev/null | wc -l; }
before=$(count)
# Said before the editor takes the screen, and again after it.
echo "Demo SMTP server: 127.0.0.1:$port. A test send (F5) lands in"
echo "  ${received#"$top"/}/NNN.eml (the message) and NNN.json (its envelope)."
if [ ! -t 0 ] || [ ! -t 1 ]; then
	# No terminal (a script, CI): show the command line at work instead.
	"$bin" -c "$demo" check
	"$bin" -c "$demo" test-send
	exit $?
fi
printf 'Press Enter to open the editor (Ctrl-C to stop) '
read -r _ || exit 0
rc=0
"$bin" -c "$demo" || rc=$?
echo "Messages received during this run: $(($(count) - before)), in ${received#"$top"/}/"
exit $rc
