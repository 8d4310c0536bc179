#!/bin/sh
# `make run`: show mailset on the demo configuration, from the build tree.
# The demo file is copied so that it is private (0600) and can be changed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
export MAILSET_DATADIR="$top/share/mailset"
export MAILSET_LOCALEDIR="$top/build/locale"
demo="$top/build/demo/mail.ini"
mkdir -p "$top/build/demo"
if [ ! -f "$demo" ]; then
	cp "$top/share/mailset/examples/mail.ini" "$demo"
	chmod 600 "$demo"
fi
bin="$top/build/mailset"
run() {
	printf '\n$ mailset -c %s %s\n' "build/demo/mail.ini" "$*"
	"$bin" -c "$demo" "$@" || printf '(exit status %d)\n' "$?"
}
"$bin" --version
run check
run get
run get smtp.host
run presets
printf '\nThe demo configuration is %s; try for example\n' "$demo"
printf '  build/mailset -c %s set basic.system_sender_name=...\n' "build/demo/mail.ini"
