# SPDX-License-Identifier: MIT
# tests/ui/tmux.sh - helpers shared by the tests that drive mailset in tmux
# (tests/ui.sh, tests/safety.sh, tests/dns.sh). Sourced, not run: the caller
# sets TMUX_SOCK, T_DIR, S and, where used, LANG_UI and FIXTURE; a script may
# define its own version of a helper after sourcing this file.

tm() { LC_ALL=C.UTF-8 tmux -u -L "$TMUX_SOCK" -f /dev/null "$@"; }

keys() { tm send-keys -t "$S" "$@"; }

# capture-pane -p shows the DEC line-drawing characters of ncurses' ACS
# (TERM=xterm-256color) as the letters that select them (lqqk...): capture
# with -e instead, draw the ACS runs (between SO and SI) as Unicode box
# characters and drop every other escape sequence.
screen_text() {
	# shellcheck disable=SC2016
	perl -CSD -Mutf8 -0777 -ne '
		s/\e\[[0-9;:?]*[ -\/]*[@-~]//g;
		s/\e[()][0-9A-Za-z]//g;
		my ($acs, $o) = (0, "");
		for my $c (split //) {
			if ($c eq "\x0e") { $acs = 1; next }
			if ($c eq "\x0f") { $acs = 0; next }
			$c =~ tr/lqkxjmtuvwn~a/┌─┐│┘└├┤┴┬┼·▒/ if $acs;
			$o .= $c;
		}
		print $o;'
}

screen() {
	tm capture-pane -p -e -t "$S" 2>/dev/null | screen_text >"$T_DIR/screen"
}

# One line per screen row, for a failure message.
screen_flat() {
	sed 's/  */ /g' "$T_DIR/screen" | tr '\n' '|' | head -c 1200
}

# wait_gone TEXT [SECONDS]: until TEXT is no longer on the screen.
wait_gone() {
	local text=$1 n=$((${2:-8} * 20)) i=0
	while [ $i -lt $n ]; do
		screen
		grep -qF -- "$text" "$T_DIR/screen" || return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "'$text' is still on the screen; screen: $(screen_flat)"
	return 1
}

# Until two captures 100 ms apart agree (a frame may be drawn in pieces).
wait_stable() {
	local i=0
	screen
	cp "$T_DIR/screen" "$T_DIR/screen.prev"
	while [ $i -lt 40 ]; do
		sleep 0.1
		screen
		cmp -s "$T_DIR/screen" "$T_DIR/screen.prev" && return 0
		cp "$T_DIR/screen" "$T_DIR/screen.prev"
		i=$((i + 1))
	done
	fail "the screen never settled"
	return 1
}

# Literal text. tmux takes an argument ending in ';' for a command
# separator: such a ';' is sent escaped.
type_text() {
	local t=$1
	case $t in *';') t=${t%;}'\;' ;; esac
	tm send-keys -t "$S" -l -- "$t"
}

on_screen() {
	grep -qF -- "$1" "$T_DIR/screen" || fail "${2:-screen} lacks '$1'; screen: $(screen_flat)"
}

not_on_screen() {
	grep -qF -- "$1" "$T_DIR/screen" && fail "${2:-screen} shows '$1'; screen: $(screen_flat)"
	return 0
}

# The screen row holding TEXT also holds WANT.
expect_row_has() {
	local line
	line=$(grep -F -m1 -- "$1" "$T_DIR/screen")
	case $line in
	*"$2"*) ;;
	*) fail "the row of '$1' is '$line', expected it to show '$2'" ;;
	esac
}

# Messages in both languages.
msg() {
	if [ "$LANG_UI" = ja ]; then echo "$1"; else echo "$2"; fi
}

# A fresh copy of the fixture, mode 0600.
fixture() {
	cp "$FIXTURE" "$1"
	chmod 600 "$1"
}

# run_test NAME FUNCTION [ARGS...]: one test, one tmux session (none when
# ONLY leaves NAME out).
run_test() {
	local name=$1
	shift
	begin "$name" || return 0
	S=
	"$@"
	[ -n "$S" ] && ui_stop
	if [ -n "$T_WHY" ] && [ -n "$VERBOSE" ] && [ -f "$T_DIR/screen" ]; then
		sed 's/^/    screen: /' "$T_DIR/screen" >&2
	fi
	end
}

# The session is gone or the process has ended: the last check of a test.
ui_stop() {
	tm kill-session -t "$S" >/dev/null 2>&1
	local i=0
	while [ ! -e "$T_DIR/rc" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	sanitizer_check "$T_DIR/err" "mailset (tmux session $S)"
}

# wait_row_has LABEL TEXT [SECONDS]: until the screen row that holds LABEL
# also holds TEXT (TEXT showing elsewhere, in the help line say, is not it).
wait_row_has() {
	local n=$((${3:-8} * 20)) i=0
	while [ $i -lt $n ]; do
		screen
		grep -F -- "$1" "$T_DIR/screen" | grep -qF -- "$2" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "the row of '$1' never showed '$2'; screen: $(screen_flat)"
	return 1
}

# wait_row_lacks LABEL TEXT [SECONDS]: until the screen row that holds LABEL
# no longer holds TEXT (TEXT may stay elsewhere, in the help line say).
wait_row_lacks() {
	local n=$((${3:-8} * 20)) i=0
	while [ $i -lt $n ]; do
		screen
		grep -F -- "$1" "$T_DIR/screen" | grep -qF -- "$2" || return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "the row of '$1' still holds '$2'; screen: $(screen_flat)"
	return 1
}
