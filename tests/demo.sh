#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/demo.sh - `make run` (scripts/run-demo.sh) in a real terminal
# (tmux): it says where the demo server's mail lands before the editor
# takes the screen, opens the editor on Enter, and counts what arrived
# after it. Its build directory is a private one, linked to the tested
# binary, so the suite touches no build/demo of anyone's.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SOCK=mailset-demo-$$
tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -J -t demo 2>/dev/null; }
# wait_screen TEXT [SECONDS]: true once TEXT is on the screen.
wait_screen() {
	local i
	for ((i = 0; i < ${2:-20} * 10; i++)); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

if ! command -v tmux >/dev/null; then
	skip make_run_says_where_mail_lands "tmux is not installed"
elif begin make_run_says_where_mail_lands; then
	b=$T_DIR/b
	mkdir -p "$b"
	ln -s "$MAILSET" "$b/mailset"
	ln -s "$MAILSET_LOCALEDIR" "$b/locale"
	tm -f /dev/null new-session -d -s demo -x 80 -y 24 \
		"B='$b' LANG=C.UTF-8 sh '$REPO_DIR/scripts/run-demo.sh'; echo \"demo exited \$?\"; sleep 60"
	if ! wait_screen 'Press Enter to open the editor'; then
		fail "no 'Press Enter' before the editor: $(screen | grep . | tr '\n' '|')"
	else
		# said before the editor, and the editor not open yet
		screen | grep -qF "lands in" || fail "where the mail lands is not said first"
		screen | grep -qF "$b/demo/received/NNN.eml" ||
			fail "the received directory is not named: $(screen | grep . | tr '\n' '|')"
		screen | grep -qF 'Basic settings' && fail "the editor opened without Enter"
		tm send-keys -t demo Enter
		wait_screen 'Basic settings' || fail "Enter did not open the editor"
		tm send-keys -t demo F10
		wait_screen 'Messages received during this run: 0' ||
			fail "no count after the editor: $(screen | grep . | tr '\n' '|')"
		wait_screen 'demo exited 0' 5 || fail "run-demo.sh did not exit 0"
	fi
	tm kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
end; fi

finish
