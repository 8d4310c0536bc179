#!/bin/sh
# `make run`: open the editor on the demo configuration, from the build tree.
# The demo file is copied so that it is private (0600) and can be changed;
# `make run DEMO_RESET=1` starts again from the shipped example.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
export MAILSET_DATADIR="$top/share/mailset"
export MAILSET_LOCALEDIR="$top/build/locale"
demo="$top/build/demo/mail.ini"
mkdir -p "$top/build/demo"
if [ ! -f "$demo" ] || [ -n "${DEMO_RESET:-}" ]; then
	cp "$top/share/mailset/examples/mail.ini" "$demo"
	chmod 600 "$demo"
fi
if [ ! -t 0 ] || [ ! -t 1 ]; then
	# No terminal (a script, CI): show the command line at work instead.
	"$top/build/mailset" -c "$demo" check
	exec "$top/build/mailset" -c "$demo" get
fi
exec "$top/build/mailset" -c "$demo"
