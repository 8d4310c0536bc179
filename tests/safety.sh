#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/safety.sh - end-to-end tests of the safety promises and of hostile
# input: hang-up recovery (pane killed, SIGTERM, SIGHUP), the terminal left
# as it was after SIGINT/SIGTERM/SIGQUIT, one editor per file (FILE.lock,
# stale locks, `set` and `preset` honouring it), a file changed behind the
# editor's back (reload / overwrite / save elsewhere), TERM unset or
# unusable, LANG=C, bytes that are not UTF-8, a 10x3 terminal and a storm of
# resizes, 10 MB and 100 000-line files, values at every length limit and a
# password of every printable ASCII character.
#
# The editor runs in a private tmux server (tmux -L mailset-safety-PID, no
# configuration file), each test in its own session(s), as in tests/ui.sh
# (whose helpers are copied here: ui.sh runs its tests when sourced). Each
# mailset writes its pid to a file (the process can then be signalled) and
# its stderr to a file searched for sanitizer reports.
#
# Fixtures: tests/safety/mail.ini (the demo configuration; Japanese in
# comments and in basic.system_sender_name).
#
# Strings of the Japanese interface are looked up in the built catalogue
# (gettext), so that a reworded translation does not break the tests;
# safety_dialogs_translated_ja checks that the safety dialogs are translated.
#
# Timings (kill to exit, resizes, large files) are printed as "# ..." lines,
# never asserted beyond the two seconds a hang-up may take.
# ONLY=REGEX bash tests/safety.sh runs the tests whose names match
# (tests/lib.sh; SAFETY_ONLY, its old name, still works).

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/ui/tmux.sh
. "$(dirname "$0")/ui/tmux.sh"
: "${ONLY:=${SAFETY_ONLY:-}}"

SAFETY_DIR=$TESTS_DIR/safety
FIXTURE=$SAFETY_DIR/mail.ini

if ! command -v tmux >/dev/null 2>&1; then
	skip safety "tmux is not installed"
	exit 0
fi

HOST=$(uname -n)
ME=$(id -un)

TMUX_SOCK=mailset-safety-$$

safety_cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
	lib_cleanup
}
trap safety_cleanup EXIT

unset TMUX TMUX_PANE
if ! tm new-session -d -s keeper -x 80 -y 24 'exec sleep 100000' ';' \
	set-option -g status off ';' set-option -g remain-on-exit on; then
	echo "FAIL safety: cannot start a tmux server"
	exit 1
fi

# ---------------------------------------------------------------- helpers

S=          # the current tmux session
TAG=        # suffix of the current session's files: err$TAG, rc$TAG, pid$TAG
SESSIONS=() # "session:tag" of every session of the current test
UI_N=0
LANG_UI=en

# ui_start LANG COLS ROWS [-u VAR | VAR=VALUE...] -- [MAILSET ARGS...]
# Start mailset in a new session (TERM=xterm-256color, LANG=C.UTF-8 unless
# overridden). Files: $T_DIR/err$TAG (stderr), pid$TAG (mailset's pid, written
# just before exec), rc$TAG (the exit status, once it has ended).
# LSAN_OPTIONS=exitcode=0: a leak report does not change the exit status the
# tests check; the report itself still fails the test (ui_stop).
ui_start() {
	local lang=$1 cols=$2 rows=$3 unset=() envs=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		if [ "$1" = -u ]; then
			unset+=(-u "$2")
			shift 2
		else
			envs+=("$1")
			shift
		fi
	done
	shift
	UI_N=$((UI_N + 1))
	S=s$UI_N
	SESSIONS+=("$S:$TAG")
	ui_env_cmd "$lang" "${unset[@]}" -- "${envs[@]}" -- "$@" >"$T_DIR/cmd$TAG"
	{
		printf 'cd %q || exit 1\n' "$T_DIR"
		[ -n "$UI_UMASK" ] && printf 'umask %s\n' "$UI_UMASK"
		cat "$T_DIR/cmd$TAG"
		printf 'echo $? >%q && mv %q %q\n' "$T_DIR/rc$TAG.tmp" "$T_DIR/rc$TAG.tmp" "$T_DIR/rc$TAG"
		# The pane lives on, so that tmux reads the last bytes mailset wrote.
		printf 'exec sleep 60\n'
	} >"$T_DIR/run$TAG.sh"
	rm -f "$T_DIR/rc$TAG" "$T_DIR/pid$TAG"
	tm new-session -d -s "$S" -x "$cols" -y "$rows" "sh $T_DIR/run$TAG.sh"
}

# The command line that runs mailset (one line, for sh or bash):
# ui_env_cmd LANG [-u VAR...] -- [VAR=VALUE...] -- [MAILSET ARGS...]
ui_env_cmd() {
	local lang=$1 unset=() envs=()
	shift
	while [ "$1" != -- ]; do
		unset+=("$1")
		shift
	done
	shift
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	# The defaults, less what is to be unset.
	local defaults=(TERM=xterm-256color LANG=C.UTF-8) d keep=()
	for d in "${defaults[@]}"; do
		case " ${unset[*]} " in *" ${d%%=*} "*) ;; *) keep+=("$d") ;; esac
	done
	# shellcheck disable=SC2016
	printf '%q ' env -u NO_COLOR -u COLUMNS -u LINES -u LC_ALL -u LC_MESSAGES -u LC_CTYPE \
		-u MAILSET_CONFIG -u XDG_CONFIG_HOME "${unset[@]}" \
		"${keep[@]}" LANGUAGE="$lang" HOME="$HOME" \
		MAILSET_DATADIR="$MAILSET_DATADIR" MAILSET_LOCALEDIR="$MAILSET_LOCALEDIR" \
		ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" LSAN_OPTIONS=exitcode=0 \
		"${envs[@]}" sh -c 'echo $$ >"$0.pid.tmp" && mv "$0.pid.tmp" "$0" && exec "$@"' \
		"$T_DIR/pid$TAG" "$MAILSET" "$@"
	printf '2>%q\n' "$T_DIR/err$TAG"
}

# Switch the helpers to another session of the test: use_session SESSION TAG
use_session() {
	S=$1
	TAG=$2
}

# The session is gone or the process has ended: the last check of a test.
ui_stop_all() {
	local st s t i
	for st in "${SESSIONS[@]}"; do
		s=${st%%:*}
		t=${st#*:}
		tm kill-session -t "$s" >/dev/null 2>&1
		i=0
		while ! ms_gone "$t" && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		ms_gone "$t" || fail "mailset (session $s) still runs after its session was killed"
		sanitizer_check "$T_DIR/err$t" "mailset (tmux session $s)"
	done
	SESSIONS=()
}

# The pid of the session's mailset (waits for it to be written).
ms_pid() {
	local t=${1-$TAG} i=0
	while [ ! -s "$T_DIR/pid$t" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	cat "$T_DIR/pid$t" 2>/dev/null
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local st
	[ -n "$1" ] || return 1
	st=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# The session's mailset has ended (or never started).
ms_gone() {
	local t=${1-$TAG} p
	[ -e "$T_DIR/rc$t" ] && return 0
	p=$(cat "$T_DIR/pid$t" 2>/dev/null)
	[ -z "$p" ] && return 0
	! pid_alive "$p"
}

# wait_pid_gone PID SECONDS: sets GONE_MS (milliseconds it took, from the
# time in $KILL_T0 (date +%s%N)); fails the test when it is still there.
wait_pid_gone() {
	local pid=$1 limit=$(($2 * 1000)) now
	while :; do
		now=$(date +%s%N)
		GONE_MS=$(((now - KILL_T0) / 1000000))
		pid_alive "$pid" || return 0
		if [ "$GONE_MS" -gt $((limit + 3000)) ]; then
			break
		fi
		sleep 0.02
	done
	# what it is doing (a TracerPid is LeakSanitizer stopping the world at
	# exit), then it goes: nothing of a test may spin on after it
	local tracer
	tracer=$(awk '/^TracerPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	fail "mailset (pid $pid) still runs $GONE_MS ms after the signal (state $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null), tracer ${tracer:-none}, fds: $(ls -l "/proc/$pid/fd" 2>/dev/null | awk 'NR > 1 { print $NF }' | tr '\n' ' '))"
	kill -9 "$pid" ${tracer:+$([ "$tracer" != 0 ] && echo "$tracer")} 2>/dev/null
	return 1
}

# capture-pane shows ncurses' ACS line drawing as letters: capture with -e,
# draw the ACS runs as Unicode and drop every other escape sequence.



# wait_for TEXT [SECONDS]: poll the screen every 50 ms until TEXT shows.
wait_for() {
	local text=$1 n=$((${2:-8} * 20)) i=0 ended=
	while [ $i -lt $n ]; do
		screen
		grep -qF -- "$text" "$T_DIR/screen" && return 0
		if [ -e "$T_DIR/rc$TAG" ] && [ -z "$ended" ]; then
			ended=1
			n=$((i + 20))
		fi
		sleep 0.05
		i=$((i + 1))
	done
	if [ -n "$ended" ]; then
		fail "mailset exited ($(cat "$T_DIR/rc$TAG")) and '$text' did not show; screen: $(screen_flat) (stderr: $(head -c 300 "$T_DIR/err$TAG" | tr '\n' '|'))"
		return 1
	fi
	fail "timed out waiting for '$text'; screen: $(screen_flat)"
	return 1
}


# Until two captures 100 ms apart agree.

# wait_exit: until mailset has ended (8 s at most); its status in $RC.
wait_exit() {
	local n=160 i=0
	while [ ! -e "$T_DIR/rc$TAG" ] && [ $i -lt $n ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if [ ! -e "$T_DIR/rc$TAG" ]; then
		screen
		fail "mailset did not exit; screen: $(screen_flat)"
		RC=
		return 1
	fi
	RC=$(cat "$T_DIR/rc$TAG")
	sleep 0.05
	screen
	return 0
}

expect_running() {
	sleep 0.2
	ms_gone && fail "mailset exited ($(cat "$T_DIR/rc$TAG" 2>/dev/null)) but should still run"
	return 0
}





# The fixture with sed expressions applied, for comparisons.
fixture_with() {
	local out=$1
	shift
	sed "$@" "$FIXTURE" >"$out"
}

expect_no_file() {
	[ -e "$1" ] && fail "${2:-$1} exists: $(head -c 200 "$1" | tr '\n' '|')"
	return 0
}

# run_test NAME FUNCTION [ARGS...] (nothing when ONLY leaves NAME out)
run_test() {
	local name=$1
	shift
	begin "$name" || return 0
	S=
	TAG=
	SESSIONS=()
	LANG_UI=en
	UI_UMASK=
	"$@"
	ui_stop_all
	if [ -n "$T_WHY" ] && [ -n "$VERBOSE" ] && [ -f "$T_DIR/screen" ]; then
		sed 's/^/    screen: /' "$T_DIR/screen" >&2
	fi
	end
}

# tr_ MSGID: the message as the current interface language shows it (the
# built catalogue for ja; the msgid itself when it has no translation).
# ft JA EN: a dialog footer (made from the key table, which has both).
ft() {
	if [ "$LANG_UI" = ja ]; then printf '%s' "$1"; else printf '%s' "$2"; fi
}

tr_() {
	if [ "$LANG_UI" = ja ]; then
		LANGUAGE=ja LC_ALL=C.UTF-8 TEXTDOMAINDIR=$MAILSET_LOCALEDIR gettext -d mailset -- "$1"
	else
		printf '%s' "$1"
	fi
}

# tr_piece MSGID: the longest literal run of the translated format (between
# %-directives, blanks trimmed), to look for on the screen.
tr_piece() {
	tr_ "$1" | perl -CSD -ne 'my @p = split /%[-0-9.]*[a-z]+/; my $b = ""; for (@p) { s/^\s+|\s+$//g; $b = $_ if length > length $b } print $b'
}


label() { msg "$1" "$2"; }
KEYBAR_LAST='F10'

# A long status line may be cut at the edge: the first 30 characters.
first30() { printf '%s' "$1" | perl -CSD -ne 'print substr($_, 0, 30)'; }

now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }


sender_label() { label 'システムメール差出人' 'Sender display name'; }

# Type Japanese into the sender name (the third field of the first pane).
edit_sender_name_ja() {
	wait_for "$KEYBAR_LAST" || return 1
	keys Tab Tab
	wait_for 'ecforceお客様窓口' || return 1
	keys C-u
	wait_row_lacks "$(sender_label)" 'ecforceお客様窓口' || return 1
	type_text 'ショップ'
	wait_row_has "$(sender_label)" 'ショップ' || return 1
	wait_for "$(tr_ '* unsaved')" || return 1
}

# Replace the contact address (the first field) with TEXT.
edit_contact() {
	wait_for "$KEYBAR_LAST" || return 1
	keys C-u
	type_text "${1:-shop@example.jp}"
	wait_for "${1:-shop@example.jp}" || return 1
	wait_for "$(tr_ '* unsaved')" || return 1
}

# Replace the password (seventh Tab: the fourth field of the SMTP pane).
edit_password() {
	wait_for "$KEYBAR_LAST" || return 1
	keys Tab Tab Tab Tab Tab Tab Tab
	wait_for "$(label 'パスワード' 'Password')" || return 1
	sleep 0.1
	keys C-u
	type_text "$1"
	wait_for "$(tr_ '* unsaved')" || return 1
	screen
	not_on_screen "$1" "the form (the password in clear)"
}

# After a hang-up: FILE.recover 0600, the config as before, no lock.
expect_recovered() {
	local f=$1 before=$2
	if [ ! -e "$f.recover" ]; then
		fail "no $(basename "$f").recover after the hang-up (files: $(dir_list "$T_DIR"))"
		return 1
	fi
	expect_mode "$f.recover" 600
	expect_same "$before" "$f" "the config after the hang-up"
	expect_no_file "$f.lock" "the lock after the hang-up"
	head -n 1 "$f.recover" | grep -q '^mailset-recover' ||
		fail "the recovery file does not start with its magic line: $(head -c 100 "$f.recover")"
}

# Start an editor on F and take the recovery dialog's offer (r), then save
# with F2: WANT is a text the restored form shows.
restore_and_save() {
	local f=$1 want=$2
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$(tr_ 'Unsaved edits were recovered')" || return 1
	wait_for "$(ft '[R] この編集内容を復元  [D] 破棄' '[R] Restore these edits  [D] Discard them')" || return 1
	on_screen "$want" "the recovery dialog"
	keys r
	wait_gone "$(tr_ 'Unsaved edits were recovered')" || return 1
	wait_for "$want" || return 1
	wait_for "$(tr_ '* unsaved')" || return 1
	[ -e "$f.recover" ] || fail "the recovery file went before the edits were saved"
	keys F2
	wait_for "$(first30 "$(tr_piece 'Saved %s')")" || return 1
	wait_gone "$(tr_ '* unsaved')" || return 1
	expect_no_file "$f.recover" "the recovery file after F2"
	keys F10
	wait_exit || return 1
	expect_rc 0 "the editor after restoring"
	expect_no_file "$f.lock" "the lock after quitting"
}

# --------------------------------------------------- 1. pane killed (SIGHUP)

t_kill_pane_ja() {
	LANG_UI=ja
	local f=$T_DIR/mail.ini pid how=$1
	fixture "$f"
	cp "$f" "$T_DIR/before"
	ui_start ja 80 24 -- -c "$f"
	edit_sender_name_ja || return
	pid=$(ms_pid)
	[ -e "$f.lock" ] || fail "no lock while the editor runs"
	grep -qx "pid=$pid" "$f.lock" || fail "the lock does not hold the editor's pid $pid: $(tr '\n' '|' <"$f.lock")"
	if [ "$how" = dialog ]; then
		# The quit question is open when the line drops.
		keys F10
		wait_for "$(tr_ 'Unsaved changes')" || return
	fi
	KILL_T0=$(now_ns)
	if [ "$how" = session ]; then tm kill-session -t "$S"; else tm kill-pane -t "$S"; fi
	wait_pid_gone "$pid" 2 || return
	[ "$GONE_MS" -le 2000 ] || fail "the editor took $GONE_MS ms to go after the pane was killed"
	note "kill-$how: the editor was gone after $GONE_MS ms"
	expect_recovered "$f" "$T_DIR/before" || return
	grep -qx 'basic.system_sender_name=ショップ' "$f.recover" ||
		fail "the recovery file lacks the edit: $(tr '\n' '|' <"$f.recover")"
	sanitizer_check "$T_DIR/err" "the killed editor"
	TAG=2
	restore_and_save "$f" 'ショップ' || return
	fixture_with "$T_DIR/want" 's/^system_sender_name = ecforceお客様窓口$/system_sender_name = ショップ/'
	expect_same "$T_DIR/want" "$f" "the file after restoring and saving"
}

t_kill_pane_password() {
	LANG_UI=${1:-en}
	local f=$T_DIR/mail.ini pid pw='N3w-Secret!pw'
	fixture "$f"
	cp "$f" "$T_DIR/before"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	edit_password "$pw" || return
	pid=$(ms_pid)
	KILL_T0=$(now_ns)
	tm kill-session -t "$S"
	wait_pid_gone "$pid" 2 || return
	[ "$GONE_MS" -le 2000 ] || fail "the editor took $GONE_MS ms to go after the session was killed"
	expect_recovered "$f" "$T_DIR/before" || return
	grep -qx 'password-changed=1' "$f.recover" ||
		fail "the recovery file does not say the password changed: $(tr '\n' '|' <"$f.recover")"
	grep -qF 'N3w' "$f.recover" && fail "the recovery file holds the new password"
	grep -qF 'demo-password' "$f.recover" && fail "the recovery file holds the old password"
	grep -q '^smtp.password' "$f.recover" && fail "the recovery file has a smtp.password line"
	grep -rlF 'N3w-Secret' "$T_DIR" >"$T_DIR/leaks" && fail "the new password is in $(tr '\n' ' ' <"$T_DIR/leaks")"
	# The next start says it was changed but not kept; Discard drops the file.
	TAG=2
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$(tr_ 'Unsaved edits were recovered')" || return
	wait_for "$(first30 "$(tr_ 'changed, but not kept (type it again)')")" || return
	keys d
	wait_gone "$(tr_ 'Unsaved edits were recovered')" || return
	expect_no_file "$f.recover" "the recovery file after Discard"
	not_on_screen "$(tr_ '* unsaved')" "the title after Discard"
	keys F10
	wait_exit || return
	expect_rc 0
	expect_same "$T_DIR/before" "$f" "the config after Discard"
	expect_no_file "$f.lock" "the lock after quitting"
}

# ----------------------------------------- 2. SIGTERM / SIGHUP with edits

t_signal_recovery() {
	local sig=$1 f=$T_DIR/mail.ini pid want
	LANG_UI=$2
	UI_UMASK=$3
	fixture "$f"
	cp "$f" "$T_DIR/before"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	if [ "$LANG_UI" = ja ]; then
		edit_sender_name_ja || return
		want='ショップ'
	else
		edit_contact 'shop@example.jp' || return
		want='shop@example.jp'
	fi
	pid=$(ms_pid)
	KILL_T0=$(now_ns)
	kill -"$sig" "$pid"
	wait_pid_gone "$pid" 2 || return
	[ "$GONE_MS" -le 2000 ] || fail "the editor took $GONE_MS ms to end after SIG$sig"
	wait_exit || return
	[ "$RC" -ge 128 ] && fail "the editor died of the signal (exit status $RC) instead of handling it"
	note "SIG$sig with edits: exit status $RC after $GONE_MS ms"
	sanitizer_check "$T_DIR/err" "the editor after SIG$sig"
	expect_recovered "$f" "$T_DIR/before" || return
	TAG=2
	restore_and_save "$f" "$want" || return
	if [ "$LANG_UI" = ja ]; then
		fixture_with "$T_DIR/want" 's/^system_sender_name = ecforceお客様窓口$/system_sender_name = ショップ/'
	else
		fixture_with "$T_DIR/want" 's/^contact_email = support@example.com$/contact_email = shop@example.jp/'
	fi
	expect_same "$T_DIR/want" "$f" "the file after restoring and saving"
	expect_mode "$f" 600
}

# ------------------------------- 2b. idle signals: the terminal as it was

# mailset run from an interactive bash in the pane:
#   stty -g >before; mailset -c FILE; stty -g >after
# A signal at `set smtp.password`'s no-echo prompt leaves the terminal as
# it was (run from sh, which restores nothing itself, unlike bash -i).
t_prompt_signal() {
	local sig=$1 f=$T_DIR/mail.ini pid
	fixture "$f"
	cp "$f" "$T_DIR/before.ini"
	{
		printf 'stty -g >%q\n' "$T_DIR/stty.before"
		ui_env_cmd en -- -- -c "$f" set smtp.password
		printf 'echo $? >%q\n' "$T_DIR/rc.tmp"
		printf 'stty -g >%q\n' "$T_DIR/stty.after"
		printf 'mv %q %q\n' "$T_DIR/rc.tmp" "$T_DIR/rc"
		printf 'exec sleep 60\n'
	} >"$T_DIR/cmd.sh"
	UI_N=$((UI_N + 1))
	S=s$UI_N
	SESSIONS+=("$S:")
	rm -f "$T_DIR/rc" "$T_DIR/pid"
	tm new-session -d -s "$S" -x 80 -y 24 "sh $T_DIR/cmd.sh"
	# the prompt goes to stderr, which ui_env_cmd sends to a file
	local i=0
	while ! grep -qF '(not shown)' "$T_DIR/err" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -qF '(not shown)' "$T_DIR/err" || { fail "no password prompt: $(cat "$T_DIR/err")"; return; }
	pid=$(ms_pid)
	sleep 0.2
	kill -"$sig" "$pid"
	wait_exit || return
	if [ ! -s "$T_DIR/stty.before" ] || [ ! -s "$T_DIR/stty.after" ]; then
		fail "stty -g gave nothing"
	else
		cmp -s "$T_DIR/stty.before" "$T_DIR/stty.after" ||
			fail "SIG$sig at the password prompt left the terminal modes changed: stty -g before $(cat "$T_DIR/stty.before"), after $(cat "$T_DIR/stty.after")"
	fi
	expect_same "$T_DIR/before.ini" "$f" "the config"
	expect_no_file "$f.lock" "the lock after SIG$sig at the prompt"
}

t_idle_signal() {
	local sig=$1 f=$T_DIR/mail.ini pid
	fixture "$f"
	cp "$f" "$T_DIR/before.ini"
	{
		printf 'stty -g >%q\n' "$T_DIR/stty.before"
		ui_env_cmd en -- -- -c "$f"
		printf 'echo $? >%q\n' "$T_DIR/rc.tmp"
		printf 'stty -g >%q\n' "$T_DIR/stty.after"
		printf 'mv %q %q\n' "$T_DIR/rc.tmp" "$T_DIR/rc"
	} >"$T_DIR/cmd.sh"
	UI_N=$((UI_N + 1))
	S=s$UI_N
	SESSIONS+=("$S:")
	rm -f "$T_DIR/rc" "$T_DIR/pid"
	tm new-session -d -s "$S" -x 80 -y 24 \
		"env -i PATH=$PATH HOME=$HOME TERM=screen LANG=C.UTF-8 PS1='READY\$ ' bash --norc --noprofile -i"
	wait_for 'READY$' || return
	type_text ". $T_DIR/cmd.sh"
	keys Enter
	wait_for "$KEYBAR_LAST" || return
	wait_stable || return
	pid=$(ms_pid)
	KILL_T0=$(now_ns)
	kill -"$sig" "$pid"
	wait_pid_gone "$pid" 2 || return
	[ "$GONE_MS" -le 2000 ] || fail "the editor took $GONE_MS ms to end after SIG$sig"
	wait_exit || return
	[ "$RC" -ge 128 ] && fail "the editor died of SIG$sig (exit status $RC) instead of handling it"
	note "idle SIG$sig: exit status $RC after $GONE_MS ms"
	if [ ! -s "$T_DIR/stty.before" ] || [ ! -s "$T_DIR/stty.after" ]; then
		fail "stty -g gave nothing (before '$(cat "$T_DIR/stty.before" 2>/dev/null)', after '$(cat "$T_DIR/stty.after" 2>/dev/null)')"
	else
		cmp -s "$T_DIR/stty.before" "$T_DIR/stty.after" ||
			fail "the terminal modes changed: stty -g before $(cat "$T_DIR/stty.before"), after $(cat "$T_DIR/stty.after")"
	fi
	expect_no_file "$f.recover" "a recovery file after an idle SIG$sig"
	expect_no_file "$f.lock" "the lock after SIG$sig"
	expect_same "$T_DIR/before.ini" "$f" "the config"
	# The shell is usable: what it echoes shows up.
	# shellcheck disable=SC2016
	type_text 'echo alive-$((6*7))'
	keys Enter
	wait_for 'alive-42' 3
}

# ---------------------------------------------------- 3. one editor per file

t_two_editors() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini pid1 quitkey=$2
	fixture "$f"
	TAG=1
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	local s1=$S
	wait_for "$KEYBAR_LAST" || return
	pid1=$(ms_pid)
	TAG=2
	if [ "$quitkey" = q ]; then
		# Another spelling of the same file: a relative symbolic link.
		ln -s mail.ini "$T_DIR/link.ini"
		ui_start "$LANG_UI" 80 24 -- -c link.ini
	else
		ui_start "$LANG_UI" 80 24 -- -c "$f"
	fi
	local s2=$S
	wait_for "$(tr_ 'The file is in use')" || return
	wait_for "$(ft '[R] 読み取り専用で開く  [Q] 終了' '[R] Open read-only  [Q] Quit')" || return
	on_screen "$pid1" "the dialog (the holder's pid)"
	on_screen "$ME" "the dialog (the holder's user)"
	on_screen "$HOST" "the dialog (the holder's host)"
	grep -qx "pid=$pid1" "$f.lock" || fail "the lock does not hold the first editor's pid"
	if [ "$quitkey" = q ]; then
		keys q
		wait_exit || return
		expect_rc 0 "the second editor after [Q]"
	else
		keys r
		wait_gone "$(tr_ 'The file is in use')" || return
		wait_for "$KEYBAR_LAST" || return
		# marked, and typing is refused with the reason
		on_screen "$(tr_ 'read-only')" "the title of the read-only editor"
		type_text 'x'
		wait_for "$(first30 "$(tr_piece 'Read-only: %s is being edited by %s.')")" || return
		not_on_screen "$(tr_ '* unsaved')"
		keys F2
		wait_for "$(first30 "$(tr_piece 'Not saved: %s is being edited by %s (read-only here).')")" || return
		not_on_screen "$(first30 "$(tr_piece 'Saved %s')")"
		expect_same "$FIXTURE" "$f" "the file after F2 in the read-only editor"
		grep -qx "pid=$pid1" "$f.lock" || fail "the lock changed hands: $(tr '\n' '|' <"$f.lock")"
		keys F10
		wait_exit || return
		expect_rc 0 "the read-only editor"
		expect_no_file "$f.recover" "a recovery file from the read-only editor"
		[ -e "$f.lock" ] || fail "the read-only editor removed the first editor's lock"
	fi
	# The first one is undisturbed, then quits and lets go.
	use_session "$s1" 1
	expect_running
	keys F10
	wait_exit || return
	expect_rc 0 "the first editor"
	expect_no_file "$f.lock" "the lock after the first editor quit"
	# A new editor opens normally.
	TAG=3
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	wait_stable || return
	not_on_screen "$(tr_ 'The file is in use')" "the third editor"
	not_on_screen "$(tr_ 'A lock was left behind')" "the third editor"
	grep -qx "pid=$(ms_pid)" "$f.lock" 2>/dev/null || fail "the third editor holds no lock"
	edit_contact 'third@example.jp' || return
	keys F2
	wait_for "$(first30 "$(tr_piece 'Saved %s')")" || return
	keys F10
	wait_exit || return
	expect_rc 0
	fixture_with "$T_DIR/want" 's/^contact_email = support@example.com$/contact_email = third@example.jp/'
	expect_same "$T_DIR/want" "$f" "the file saved by the third editor"
	: "$s2"
}

# A pid that no process has any more.
dead_pid() {
	local p
	sh -c 'echo $$' >"$T_DIR/dead.pid"
	p=$(cat "$T_DIR/dead.pid")
	while pid_alive "$p"; do sleep 0.01; done
	echo "$p"
}

stale_lock() { # FILE
	printf 'pid=%s\nhost=%s\nuser=%s\nsince=%s\n' "$(dead_pid)" "$HOST" mailset-ghost \
		$(($(date +%s) - 3600)) >"$1.lock"
	chmod 600 "$1.lock"
}

# how = ghost: a lock written by hand (another user's name, a pid that has
# exited); how = kill9: the lock an editor killed with SIGKILL left behind.
t_stale_lock_editor() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini dead how=$2 who=mailset-ghost
	fixture "$f"
	if [ "$how" = kill9 ]; then
		TAG=0
		ui_start "$LANG_UI" 80 24 -- -c "$f"
		edit_contact 'lost@example.jp' || return
		dead=$(ms_pid)
		KILL_T0=$(now_ns)
		kill -KILL "$dead"
		wait_pid_gone "$dead" 2 || return
		[ -e "$f.lock" ] || { fail "SIGKILL left no lock (nothing to test)"; return; }
		expect_no_file "$f.recover" "a recovery file after SIGKILL"
		who=$ME
		TAG=
	else
		stale_lock "$f"
		dead=$(sed -n 's/^pid=//p' "$f.lock")
	fi
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$(tr_ 'A lock was left behind')" || return
	wait_for "$(ft '[B] 古いロックを削除して編集  [R] 読み取り専用  [Q] 終了' '[B] Remove the old lock and edit  [R] Read-only  [Q] Quit')" || return
	on_screen "$who" "the dialog (the old holder)"
	on_screen "$dead" "the dialog (the old pid)"
	keys b
	wait_gone "$(tr_ 'A lock was left behind')" || return
	grep -qx "pid=$(ms_pid)" "$f.lock" 2>/dev/null ||
		fail "after [B] the lock is not the editor's: $(tr '\n' '|' <"$f.lock" 2>/dev/null)"
	edit_contact 'shop@example.jp' || return
	keys F2
	wait_for "$(first30 "$(tr_piece 'Saved %s')")" || return
	keys F10
	wait_exit || return
	expect_rc 0
	fixture_with "$T_DIR/want" 's/^contact_email = support@example.com$/contact_email = shop@example.jp/'
	expect_same "$T_DIR/want" "$f" "the file saved after breaking the lock"
	expect_no_file "$f.lock" "the lock after quitting"
}

# A hang-up left edits (FILE.recover) and, say, a SIGKILL a lock: [B], then
# the recovered edits are offered.
t_stale_then_recovery() {
	LANG_UI=en
	local f=$T_DIR/mail.ini pid
	fixture "$f"
	cp "$f" "$T_DIR/before"
	TAG=0
	ui_start en 80 24 -- -c "$f"
	edit_contact 'shop@example.jp' || return
	pid=$(ms_pid)
	KILL_T0=$(now_ns)
	kill -TERM "$pid"
	wait_pid_gone "$pid" 2 || return
	expect_recovered "$f" "$T_DIR/before" || return
	stale_lock "$f"
	TAG=
	ui_start en 80 24 -- -c "$f"
	wait_for "$(tr_ 'A lock was left behind')" || return
	keys b
	wait_for "$(tr_ 'Unsaved edits were recovered')" || return
	on_screen 'shop@example.jp' "the recovery dialog"
	keys r
	wait_gone "$(tr_ 'Unsaved edits were recovered')" || return
	wait_for "$(tr_ '* unsaved')" || return
	keys F2
	wait_for "$(first30 "$(tr_piece 'Saved %s')")" || return
	keys F10
	wait_exit || return
	expect_rc 0
	fixture_with "$T_DIR/want" 's/^contact_email = support@example.com$/contact_email = shop@example.jp/'
	expect_same "$T_DIR/want" "$f" "the file"
	expect_no_file "$f.recover"
	expect_no_file "$f.lock"
}

# An empty lock file (a crash between creating the lock and writing it; the
# lock is not fsynced, so a power cut can leave it empty) names no process
# that could be alive: set and the editor treat it as stale, not as held
# forever by "? (pid 0 on ?)".
t_empty_lock() {
	LANG_UI=en
	local f=$T_DIR/mail.ini
	fixture "$f"
	: >"$f.lock"
	chmod 600 "$f.lock"
	ms -c "$f" set smtp.port=2526
	expect_rc 0 "mailset set with an empty lock file"
	expect_no_file "$f.lock" "the empty lock after set"
	: >"$f.lock"
	ui_start en 80 24 -- -c "$f"
	wait_for "$(tr_ 'A lock was left behind')" || return
	keys b
	wait_gone "$(tr_ 'A lock was left behind')" || return
	grep -qx "pid=$(ms_pid)" "$f.lock" 2>/dev/null || fail "after [B] the editor holds no lock"
	keys F10
	wait_exit || return
	expect_rc 0
}

# A read-only second editor with edits is hung up: it writes no recovery
# file (the file is the first editor's) and leaves the first one's lock.
t_read_only_hangup() {
	LANG_UI=en
	local f=$T_DIR/mail.ini pid1 pid2
	fixture "$f"
	TAG=1
	ui_start en 80 24 -- -c "$f"
	local s1=$S
	wait_for "$KEYBAR_LAST" || return
	pid1=$(ms_pid)
	TAG=2
	ui_start en 80 24 -- -c "$f"
	wait_for "$(tr_ 'The file is in use')" || return
	keys r
	wait_gone "$(tr_ 'The file is in use')" || return
	wait_for "$KEYBAR_LAST" || return
	type_text 'x'
	wait_for "$(first30 "$(tr_piece 'Read-only: %s is being edited by %s.')")" || return
	pid2=$(ms_pid)
	KILL_T0=$(now_ns)
	kill -HUP "$pid2"
	wait_pid_gone "$pid2" 2 || return
	expect_no_file "$f.recover" "a recovery file from the read-only editor"
	grep -qx "pid=$pid1" "$f.lock" 2>/dev/null ||
		fail "the first editor's lock is gone or changed: $(tr '\n' '|' <"$f.lock" 2>/dev/null)"
	expect_same "$FIXTURE" "$f" "the file"
	use_session "$s1" 1
	expect_running
	keys F10
	wait_exit || return
	expect_rc 0
	expect_no_file "$f.lock"
}

# A second hang-up while the recovery dialog waits for an answer: the
# recovered edits are still there for the start after.
t_hangup_at_recovery() {
	LANG_UI=ja
	local f=$T_DIR/mail.ini pid
	fixture "$f"
	cp "$f" "$T_DIR/before"
	TAG=0
	ui_start ja 80 24 -- -c "$f"
	edit_sender_name_ja || return
	pid=$(ms_pid)
	KILL_T0=$(now_ns)
	kill -TERM "$pid"
	wait_pid_gone "$pid" 2 || return
	expect_recovered "$f" "$T_DIR/before" || return
	cp "$f.recover" "$T_DIR/recover.1"
	TAG=1
	ui_start ja 80 24 -- -c "$f"
	wait_for "$(tr_ 'Unsaved edits were recovered')" || return
	pid=$(ms_pid)
	KILL_T0=$(now_ns)
	tm kill-session -t "$S"
	wait_pid_gone "$pid" 2 || return
	expect_same "$T_DIR/recover.1" "$f.recover" "the recovery file after a hang-up at its dialog"
	expect_no_file "$f.lock"
	expect_same "$T_DIR/before" "$f" "the config"
	TAG=2
	restore_and_save "$f" 'ショップ' || return
	fixture_with "$T_DIR/want" 's/^system_sender_name = ecforceお客様窓口$/system_sender_name = ショップ/'
	expect_same "$T_DIR/want" "$f" "the file after restoring and saving"
}

t_set_while_editing() {
	local f=$T_DIR/mail.ini pid
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	pid=$(ms_pid)
	ln -s mail.ini "$T_DIR/link.ini"
	ms -c "$T_DIR/./link.ini" set smtp.port=2526
	expect_rc 75 "mailset set (through a symbolic link) while an editor runs"
	expect_same "$FIXTURE" "$f" "the file after the refused set"
	ms -c "$f" set smtp.port=2526
	expect_rc 75 "mailset set while an editor runs"
	expect_err_has "$pid"
	expect_err_has "$ME"
	expect_same "$FIXTURE" "$f" "the file after the refused set"
	ms -c "$f" preset lolipop
	expect_rc 75 "mailset preset while an editor runs"
	expect_err_has "$pid"
	expect_same "$FIXTURE" "$f" "the file after the refused preset"
	ms_input 'other-password\n' -c "$f" set smtp.password
	expect_rc 75 "mailset set smtp.password while an editor runs"
	expect_same "$FIXTURE" "$f" "the file after the refused password"
	# a set that changes nothing needs no lock: it says so and exits 0
	local port
	ms -c "$f" get smtp.port
	port=$(cat "$T_DIR/out")
	ms -c "$f" set "smtp.port=$port"
	expect_rc 0 "a set of the value already there while an editor runs"
	expect_out_has "unchanged"
	expect_same "$FIXTURE" "$f" "the file after a set that changes nothing"
	grep -qx "pid=$pid" "$f.lock" || fail "the editor's lock changed: $(tr '\n' '|' <"$f.lock" 2>/dev/null)"
	keys F10
	wait_exit || return
	expect_rc 0
	expect_no_file "$f.lock"
	# Now it works.
	ms -c "$f" set smtp.port=2526
	expect_rc 0 "mailset set after the editor quit"
	expect_no_file "$f.lock" "the lock after set"
}

t_set_stale_lock() {
	local f=$T_DIR/mail.ini
	fixture "$f"
	stale_lock "$f"
	ms -c "$f" set smtp.port=2526
	expect_rc 0 "mailset set with a stale lock"
	expect_err_has 'mailset-ghost'
	expect_err_has 'no longer running'
	expect_no_file "$f.lock" "the lock after set"
	fixture_with "$T_DIR/want" 's/^port = 2525$/port = 2526/'
	expect_same "$T_DIR/want" "$f" "the file after set"
	stale_lock "$f"
	ms -c "$f" preset lolipop
	expect_rc 0 "mailset preset with a stale lock"
	expect_err_has 'mailset-ghost'
	expect_no_file "$f.lock" "the lock after preset"
	grep -qx 'host = smtp.lolipop.jp' "$f" || fail "the preset was not applied"
}

# ------------------------------------------------- 4. changed behind the back

# Open, let "someone else" change smtp.host (or the port: same size, same
# second), edit the contact address, F2: the dialog lists their change.
changed_setup() {
	local f=$1 theirs=$2
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return 1
	sed -i "$theirs" "$f"
	cp "$f" "$T_DIR/theirs"
	cmp -s "$FIXTURE" "$f" && { fail "sed changed nothing"; return 1; }
	edit_contact 'mine@example.jp' || return 1
	keys F2
	wait_for "$(tr_ 'Changed behind your back')" || return 1
	wait_for "$(ft '[R] 再読込(編集は維持)  [O] 上書き  [E] 別名で保存  [C] キャンセル' '[R] Reload, keep my edits  [O] Overwrite  [E] Elsewhere  [C] Cancel')" || return 1
}

t_changed_reload() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	changed_setup "$f" 's/^host = 127.0.0.1$/host = smtp.other.example/' || return
	on_screen '127.0.0.1 → smtp.other.example' "the dialog (what changed)"
	expect_row_has '127.0.0.1 → smtp.other.example' "$(label '送信サーバー名' 'SMTP server')"
	not_on_screen 'mine@example.jp →' "the dialog (my own edit listed as theirs)"
	keys r
	wait_gone "$(tr_ 'Changed behind your back')" || return
	wait_for "$(first30 "$(tr_ 'Reloaded: the file as it is now, with your edits on top. F2 saves.')")" || return
	on_screen 'mine@example.jp' "the form after reloading"
	on_screen "$(tr_ '* unsaved')" "the title after reloading"
	expect_same "$T_DIR/theirs" "$f" "the file after reloading (before F2)"
	keys F2
	wait_for "$(first30 "$(tr_piece 'Saved %s')")" || return
	keys F10
	wait_exit || return
	expect_rc 0
	fixture_with "$T_DIR/want" -e 's/^host = 127.0.0.1$/host = smtp.other.example/' \
		-e 's/^contact_email = support@example.com$/contact_email = mine@example.jp/'
	expect_same "$T_DIR/want" "$f" "the file after reload + F2 (theirs and mine)"
	# The host, shown in the SMTP pane, was theirs after the reload.
	ms -c "$f" get smtp.host
	expect_out 'smtp.other.example'
}

# Issue 15: values from the file reach the terminal escaped in the editor
# too: the bytes it writes (recorded by script(1)) hold no OSC title, no
# clear-screen of the file's and no right-to-left override, in the form,
# and in the changed-on-disk dialog.
t_editor_values_escaped() {
	local f=$T_DIR/mail.ini rlo=$'\xe2\x80\xae' run
	# run_script KEYS...: the editor on $f under script(1), each key
	# after a pause (the first after 2.5 s; "FILE" changes the file)
	run_script() {
		(
			sleep 2.5
			for k; do
				if [ "$k" = FILE ]; then
					sed -i "s/^contact_email = .*/contact_email = x"$'\e]0;pwned2\a'"${rlo}@example.jp/" "$f"
				else
					printf '%b' "$k"
				fi
				sleep 0.7
			done
			sleep 1
		) | env TERM=xterm-256color LANG=C.UTF-8 LANGUAGE=en \
			script -qfec "$(printf '%q ' "$MAILSET" -c "$f")" "$T_DIR/typescript.$run" \
			>/dev/null 2>&1
		[ -s "$T_DIR/typescript.$run" ] || fail "script recorded nothing"
		LC_ALL=C grep -qF $'\e]0;pwned' "$T_DIR/typescript.$run" &&
			fail "$run: the file's OSC title reached the terminal"
		grep -qF "$rlo" "$T_DIR/typescript.$run" && fail "$run: the file's U+202E reached the terminal raw"
	}
	# 1. in the form, F2's refusal and the quit dialog
	fixture "$f"
	sed -i "s/^system_sender_name = .*/system_sender_name = A"$'\e]0;pwned\a\e[2J'"B${rlo}C/" "$f"
	run=form
	run_script '\033OQ' 'x' '\033[21~' 'd'
	grep -qaF 'pwned' "$T_DIR/typescript.form" || fail "the value is not shown at all"
	grep -qaF 'U+001B' "$T_DIR/typescript.form" || fail "F2 did not refuse the control character"
	# 2. the changed-on-disk dialog, with the new value from the file
	fixture "$f"
	run=changed
	run_script 'a' FILE '\033OQ' 'c' '\033[21~' 'd'
	grep -qaF 'pwned2' "$T_DIR/typescript.changed" || fail "the changed-on-disk dialog did not show the new value"
	return 0
}

# A recovery file a hang-up could not put in place (FILE.recover another
# user's, in a sticky directory) is kept under its temporary name: the
# next editor says where.
t_kept_recovery_told() {
	local f=$T_DIR/mail.ini
	fixture "$f"
	printf 'mailset-recover 1\ntime=1\nbasic.contact_email=kept@example.jp\n' >"$f.recover.mailset-Ab12Cd"
	chmod 600 "$f.recover.mailset-Ab12Cd"
	ui_start en 200 24 -- -c "$f"
	wait_for 'recover.mailset-Ab12Cd: unsaved edits of an earlier session' || return
	keys F10
	wait_exit || return
	[ -e "$f.recover.mailset-Ab12Cd" ] || fail "the kept edits were removed"
}

# Issue 15: F4 shows the password for five seconds only, and on a terminal
# without an alternate screen (tmux's alternate-screen off, as GNU screen's
# default) nothing of it is left on the screen or in the scrollback after
# F10.
t_reveal_for_seconds() {
	LANG_UI=en
	local f=$T_DIR/mail.ini t0 ms
	fixture "$f"
	tm set-option -wg alternate-screen off
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || { tm set-option -wg alternate-screen on; return; }
	tm set-option -wg alternate-screen on
	keys Tab Tab Tab Tab Tab Tab Tab
	wait_for "$(label 'パスワード' 'Password')" || return
	not_on_screen 'demo-password' "the form before F4"
	keys F4
	t0=$(now_ns)
	wait_for 'demo-password' || return
	wait_gone 'demo-password' 10 || { fail "the password is still shown 10 s after F4"; return; }
	ms=$((($(now_ns) - t0) / 1000000))
	note "F4: the password was hidden again after $ms ms"
	[ "$ms" -ge 4000 ] || fail "the password was hidden after $ms ms, before its five seconds"
	keys F4
	wait_for 'demo-password' || return
	keys F10
	wait_exit || return
	expect_rc 0
	tm capture-pane -p -S -1000 -t "$S" >"$T_DIR/history"
	grep -qF 'demo-password' "$T_DIR/history" &&
		fail "the password is left on the screen or in the scrollback after F10: $(grep -nF demo-password "$T_DIR/history" | head -2)"
	return 0
}

# Issue 15: `set` racing an editor that saves. The editor holds the lock
# from its start to its end: every set meanwhile exits 75 naming it (never
# 0 with its change lost, never 74); the editor's saves are all in the file;
# once it has quit, set works again.
t_set_races_editor_save() {
	LANG_UI=en
	local f=$T_DIR/mail.ini pid i rc n75=0 other=
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	edit_contact 'mine@example.jp' || return
	pid=$(ms_pid)
	(
		for i in $(seq 1 12); do
			"$MAILSET" -c "$f" set "smtp.port=$((3000 + i))" >/dev/null 2>"$T_DIR/race.err.$i"
			echo "$i $?"
		done >"$T_DIR/race.rc"
	) &
	local racer=$!
	for i in 1 2 3; do
		keys F2
		wait_for "$(first30 "$(tr_piece 'Saved %s')")" || break
		keys C-u
		type_text "mine$i@example.jp"
		wait_for "mine$i@example.jp" || break
	done
	keys F2
	wait_for "$(first30 "$(tr_piece 'Saved %s')")"
	wait "$racer"
	while read -r i rc; do
		if [ "$rc" = 75 ]; then
			n75=$((n75 + 1))
			grep -qF "pid $pid" "$T_DIR/race.err.$i" ||
				fail "set $i exited 75 without naming the editor (pid $pid): $(head -c 200 "$T_DIR/race.err.$i")"
		else
			other="$other $i:$rc"
		fi
	done <"$T_DIR/race.rc"
	[ -z "$other" ] || fail "sets during the editor's life exited otherwise than 75:$other"
	[ "$n75" = 12 ] || fail "$n75 of 12 sets refused (file: $(cat "$T_DIR/race.rc" | tr '\n' ' '))"
	grep -qx 'contact_email = mine3@example.jp' "$f" || fail "the editor's last save is not in the file"
	grep -q '^port = 30' "$f" && fail "a refused set's port is in the file"
	keys F10
	wait_exit || return
	expect_rc 0
	ms -c "$f" set smtp.port=3100
	expect_rc 0
	grep -qx 'port = 3100' "$f" || fail "set after the editor quit did not save"
	grep -qx 'contact_email = mine3@example.jp' "$f" || fail "set after the editor lost its save"
}

# Issue 15: a second local user, in a shared (sticky, world-writable)
# directory, plants a lock directory, a recovery file, FILE.mine and a link
# at --save's path. Nothing is written past the lock; the editor neither
# offers their recovery file nor writes into it or FILE.mine (what it makes
# is new, root's, 0600: nothing the other user can read); --save never
# writes through the link or into their file. (The editor runs as root, the
# test's own user: an administrator with sudo.)
t_second_user() {
	LANG_UI=en
	local E d f pw='N3w-Secret!pw' victim
	lib_user || { fail "cannot create a user (useradd)"; return; }
	E=$LIB_USER
	chmod 711 "$T_DIR"
	d=$T_DIR/shared; mkdir "$d"; chmod 1777 "$d"
	f=$d/mail.ini
	fixture "$f"
	cp "$f" "$T_DIR/before"
	as_user "$E" true || { fail "cannot run as $E (setpriv)"; return; }

	# 1. a lock directory: exit 73, nothing written; the editor is read-only
	as_user "$E" mkdir "$f.lock"
	ms -c "$f" set smtp.port=2526
	expect_rc 73
	expect_err_has "cannot lock"
	expect_same "$T_DIR/before" "$f" "the config after set past a lock directory"
	ui_start en 80 24 -- -c "$f"
	wait_for "$(first30 "$(tr_piece 'Read-only: cannot lock %s (%s): %s.')")" || return
	keys F10
	wait_exit || return
	expect_same "$T_DIR/before" "$f" "the config after the read-only editor"
	rmdir "$f.lock"

	# 2. their recovery file is not offered, and a hang-up does not write
	# into it: the edits go to a new file of root's, mode 0600
	as_user "$E" sh -c 'printf "mailset-recover 1\ntime=1\nsmtp.host=evil.example\n" >"$1"; chmod 666 "$1"' \
		sh "$f.recover"
	TAG=1
	ui_start en 80 24 -- -c "$f"
	wait_for 'recover was not offered' || return
	not_on_screen "$(tr_ 'Unsaved edits were recovered')" "the screen (their recovery file offered)"
	not_on_screen 'evil.example' "the screen"
	edit_contact 'mine@example.jp' || return
	local pid
	pid=$(ms_pid)
	KILL_T0=$(now_ns)
	tm kill-session -t "$S"
	wait_pid_gone "$pid" 5 || return
	[ "$(stat -c %U "$f.recover")" = root ] || fail "the recovery file is $(stat -c %U "$f.recover")'s"
	expect_mode "$f.recover" 600
	grep -qx 'basic.contact_email=mine@example.jp' "$f.recover" ||
		fail "the recovery file lacks the edit: $(tr '\n' '|' <"$f.recover")"
	as_user "$E" cat "$f.recover" >/dev/null 2>&1 && fail "$E can read the recovery file"

	# 3. FILE.mine of theirs: the copy goes to a new file, never into theirs
	as_user "$E" sh -c 'echo planted >"$1"; chmod 666 "$1"' sh "$f.mine"
	TAG=2
	ui_start en 80 24 -- -c "$f"
	wait_for "$(tr_ 'Unsaved edits were recovered')" || return
	keys d
	wait_gone "$(tr_ 'Unsaved edits were recovered')" || return
	wait_for "$KEYBAR_LAST" || return
	sed -i 's/^host = 127.0.0.1$/host = smtp.other.example/' "$f"
	edit_password "$pw" || return
	keys F2
	wait_for "$(tr_ 'Changed behind your back')" || return
	keys e
	wait_for "$(tr_ 'Save your version elsewhere')" || return
	on_screen 'mail.ini.mine.2' "the suggestion (mail.ini.mine is theirs)"
	keys Enter
	wait_for "$(first30 "$(tr_piece 'Your version was saved to %s; %s was left as it is.')")" || return
	[ "$(cat "$f.mine")" = planted ] || fail "their mail.ini.mine was written"
	[ -f "$f.mine.2" ] || { fail "no copy at mail.ini.mine.2 ($(dir_list "$d"))"; return; }
	[ "$(stat -c %U:%a "$f.mine.2")" = root:600 ] ||
		fail "the copy is $(stat -c %U:%a "$f.mine.2"), not root:600"
	grep -qF "$pw" "$f.mine.2" || fail "the copy lacks my version's password"
	as_user "$E" cat "$f.mine.2" >/dev/null 2>&1 && fail "$E can read the copy with the password"
	keys F10
	wait_for "$(tr_ 'Unsaved changes')" || return
	keys d
	wait_exit || return
	local leaks
	leaks=$(grep -rlF "$pw" "$d" | grep -vx "$f.mine.2")
	[ -z "$leaks" ] || fail "the password is in $leaks"

	# 4. --save at their link, and at their file: refused, nothing written
	victim=$T_DIR/victim
	echo untouched >"$victim"
	as_user "$E" ln -s "$victim" "$d/dialogue.txt"
	ms -c "$f" test-send --save "$d/dialogue.txt"
	[ "$RC" -ne 0 ] || fail "test-send --save through a link exited 0"
	expect_err_has "symbolic link"
	[ "$(cat "$victim")" = untouched ] || fail "the link's target was written"
	as_user "$E" sh -c 'echo theirs >"$1"; chmod 666 "$1"' sh "$d/theirs.txt"
	ms -c "$f" test-send --save "$d/theirs.txt"
	expect_err_has "belongs to another user"
	[ "$(cat "$d/theirs.txt")" = theirs ] || fail "their file at --save was written"
	# ... and at their FIFO, read or not: refused, never a hang
	as_user "$E" mkfifo -m 666 "$d/pipe.txt"
	as_user "$E" sh -c 'exec 3<>"$1"; sleep 8' sh "$d/pipe.txt" &
	local reader=$!
	sleep 0.3
	timeout 20 "$MAILSET" -c "$f" test-send --save "$d/pipe.txt" >/dev/null 2>"$T_DIR/err"
	[ $? = 124 ] && fail "test-send --save at their FIFO hangs"
	expect_err_has "belongs to another user"
	kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null

	# 5. their link at the configuration's name, to a file of root's:
	# not followed, nothing written there
	cp "$T_DIR/before" "$T_DIR/roots.ini"; chmod 600 "$T_DIR/roots.ini"
	as_user "$E" ln -s "$T_DIR/roots.ini" "$d/link.ini"
	ms -c "$d/link.ini" set smtp.port=2600
	[ "$RC" != 0 ] || fail "set through their link exited 0"
	expect_err_has "symbolic link that $E made to a file that is not theirs"
	expect_same "$T_DIR/before" "$T_DIR/roots.ini" "root's file behind their link"

	# 6. their live lock whose words hold escape sequences: 75, named,
	# nothing raw
	cp "$f" "$T_DIR/before6"
	printf 'pid=1\nhost=h\033]0;pwned\007\nuser=u\033[2J\nsince=1\nlock=flock\n' |
		as_user "$E" sh -c 'cat >"$1"; chmod 644 "$1"' sh "$f.lock"
	as_user "$E" flock "$f.lock" sleep 8 &
	local holder=$!
	sleep 0.3
	ms -c "$f" set smtp.port=2600
	expect_rc 75
	expect_err_has 'u^[[2J (pid 1 on h^[]0;pwned^G'
	LC_ALL=C grep -q $'[\e\a]' "$T_DIR/err" && fail "the lock's words reached the terminal raw"
	kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
	rm -f "$f.lock"
	expect_same "$T_DIR/before6" "$f" "the config after set was refused"
}

t_changed_overwrite() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	# Same size, same second: only the content tells.
	changed_setup "$f" 's/^port = 2525$/port = 2526/' || return
	on_screen '2525 → 2526' "the dialog (what changed)"
	keys o
	wait_gone "$(tr_ 'Changed behind your back')" || return
	wait_for "$(first30 "$(tr_piece 'Saved %s')")" || return
	keys F10
	wait_exit || return
	expect_rc 0
	fixture_with "$T_DIR/want" 's/^contact_email = support@example.com$/contact_email = mine@example.jp/'
	expect_same "$T_DIR/want" "$f" "the file after Overwrite (mine only)"
}

t_changed_elsewhere() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini copy=$T_DIR/copy/mine.ini
	mkdir "$T_DIR/copy"
	# a FILE.mine made beforehand (by another user, say) is neither
	# suggested nor written into
	echo planted >"$f.mine"; chmod 666 "$f.mine"
	changed_setup "$f" 's/^host = 127.0.0.1$/host = smtp.other.example/' || return
	keys e
	wait_for "$(tr_ 'Save your version elsewhere')" || return
	wait_for "$(ft 'Enter このファイルに保存  Esc キャンセル' 'Enter Save a copy there  Esc Cancel')" || return
	on_screen 'mail.ini.mine.2' "the path field's suggestion (mail.ini.mine is there)"
	keys C-u
	type_text "$f.mine"
	keys Enter
	wait_for "$(first30 "$(tr_piece 'Not saved to %s: %s')")" || return
	on_screen 'exists already: give a new name' "the refusal's reason"
	[ "$(cat "$f.mine")" = planted ] || fail "the file at mail.ini.mine was written: $(head -c 80 "$f.mine")"
	expect_mode "$f.mine" 666
	keys F2
	wait_for "$(tr_ 'Changed behind your back')" || return
	keys e
	wait_for "$(tr_ 'Save your version elsewhere')" || return
	keys C-u
	type_text "$copy"
	wait_for 'copy/mine.ini' || return
	keys Enter
	wait_gone "$(tr_ 'Save your version elsewhere')" || return
	wait_for "$(first30 "$(tr_piece 'Your version was saved to %s; %s was left as it is.')")" || return
	if [ ! -f "$copy" ]; then
		fail "no copy at $copy (files: $(dir_list "$T_DIR/copy"))"
		return
	fi
	expect_mode "$copy" 600
	fixture_with "$T_DIR/want" 's/^contact_email = support@example.com$/contact_email = mine@example.jp/'
	expect_same "$T_DIR/want" "$copy" "the copy (my version)"
	expect_same "$T_DIR/theirs" "$f" "the original after saving elsewhere"
	keys F10
	wait_for "$(tr_ 'Unsaved changes')" || return
	keys d
	wait_exit || return
	expect_rc 0
	expect_same "$T_DIR/theirs" "$f" "the original after quitting"
	expect_no_file "$f.lock"
	expect_no_file "$f.recover"
}

t_changed_cancel() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	changed_setup "$f" 's/^host = 127.0.0.1$/host = smtp.other.example/' || return
	keys c
	wait_gone "$(tr_ 'Changed behind your back')" || return
	expect_running
	on_screen 'mine@example.jp' "the form after Cancel"
	on_screen "$(tr_ '* unsaved')" "the title after Cancel"
	expect_same "$T_DIR/theirs" "$f" "the file after Cancel"
	# Asked again on the next F2: Cancel changed nothing.
	keys F2
	wait_for "$(tr_ 'Changed behind your back')" || return
	keys c
	wait_gone "$(tr_ 'Changed behind your back')" || return
	keys F10
	wait_for "$(tr_ 'Unsaved changes')" || return
	keys d
	wait_exit || return
	expect_rc 0
	expect_same "$T_DIR/theirs" "$f" "the file after Discard"
}

# The file deleted behind the editor's back: F2 says so; Overwrite writes
# it again (mode 0600).
t_changed_deleted() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	edit_contact 'mine@example.jp' || return
	rm "$f"
	keys F2
	wait_for "$(tr_ 'Changed behind your back')" || return
	wait_for "$(first30 "$(tr_ 'It has been deleted.')")" || return
	keys o
	wait_gone "$(tr_ 'Changed behind your back')" || return
	wait_for "$(first30 "$(tr_piece 'Saved %s')")" || return
	keys F10
	wait_exit || return
	expect_rc 0
	fixture_with "$T_DIR/want" 's/^contact_email = support@example.com$/contact_email = mine@example.jp/'
	expect_same "$T_DIR/want" "$f" "the file written again after Overwrite"
	expect_mode "$f" 600
	expect_no_file "$f.lock"
}

# ---------------------------------------------------- 5. hostile terminals

t_bad_term() {
	local how=$1 f=$T_DIR/mail.ini
	fixture "$f"
	case $how in
	unset) ui_start en 80 24 -u TERM -- -c "$f" ;;
	empty) ui_start en 80 24 TERM= -- -c "$f" ;;
	*) ui_start en 80 24 TERM="$how" -- -c "$f" ;;
	esac
	wait_exit || return
	[ "$RC" -ne 0 ] || fail "mailset exited 0 with TERM $how"
	[ "$RC" -lt 128 ] || fail "mailset died of a signal ($RC) with TERM $how"
	grep -q 'TERM' "$T_DIR/err" || fail "the message does not mention TERM: '$(head -c 300 "$T_DIR/err")'"
	case $how in unset | empty) ;; *) expect_err_has "'$how'" ;; esac
	[ "$(wc -l <"$T_DIR/err")" -le 3 ] || fail "more than a short message on stderr: $(head -c 400 "$T_DIR/err" | tr '\n' '|')"
	sanitizer_check "$T_DIR/err" "mailset with TERM $how"
	expect_same "$FIXTURE" "$f" "the file"
	expect_no_file "$f.lock" "a lock left by the refused editor"
	expect_no_file "$f.recover"
}

# LANG=C (and LC_ALL=C): Japanese shows as Japanese, and a save of another
# field writes the Japanese bytes back unchanged.
t_lang_c() {
	local f=$T_DIR/mail.ini envs
	fixture "$f"
	if [ "$1" = lc_all ]; then
		envs=(LANG=C LC_ALL=C)
	else
		envs=(LANG=C)
	fi
	ui_start en 80 24 "${envs[@]}" -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	wait_for 'ecforceお客様窓口' || return
	expect_row_has 'Sender display name' 'ecforceお客様窓口'
	# Mojibake: UTF-8 read as Latin-1 or bytes shown as escapes.
	for bad in 'ã' 'Ã' '\343' 'M-c' '~C'; do
		not_on_screen "$bad" "the screen (mojibake)"
	done
	keys C-u
	type_text 'shop@example.jp'
	wait_for 'shop@example.jp' || return
	# Japanese typed in that locale is taken as characters too.
	keys Tab Tab C-u
	wait_row_lacks "$(sender_label)" 'ecforceお客様窓口' || return
	type_text '店舗'
	wait_for '店舗' || return
	keys BSpace
	wait_gone '店舗' || return
	expect_row_has 'Sender display name' '店'
	keys F2
	wait_for 'Saved' || return
	keys F10
	wait_exit || return
	expect_rc 0
	fixture_with "$T_DIR/want" -e 's/^contact_email = support@example.com$/contact_email = shop@example.jp/' \
		-e 's/^system_sender_name = ecforceお客様窓口$/system_sender_name = 店/'
	expect_same "$T_DIR/want" "$f" "the file saved under LANG=C"
}

# Bytes that are not UTF-8: a Latin-1 é and Shift_JIS シ (0x83 0x56) in a
# comment, in an unknown key and in basic.system_sender_name.
NONUTF8=$'; caf\xe9 \x83\x56\x83\x87\x83\x62\x83\x76 comment\n[basic]\ncontact_email = support@example.com\nsystem_email = noreply@example.com\nsystem_sender_name = Caf\xe9 \x83\x56\x83\x87\x83\x62\x83\x76\n\n[extra]\nnote = \xe9t\xe9 \x82\xa0 ; caf\xe9\n\n[smtp]\nhost = smtp.example.com\nport = 587\nusername = noreply@example.com\npassword = secret123\nauth = plain\ntls = on\n'

t_non_utf8_cli() {
	local f=$T_DIR/mail.ini
	printf '%s' "$NONUTF8" >"$f"
	chmod 600 "$f"
	cp "$f" "$T_DIR/before"
	ms -c "$f" check
	expect_rc 78 "check of a file with a value that is not UTF-8"
	expect_out_has 'basic.system_sender_name'
	expect_out_has 'not valid UTF-8'
	grep -F 'not valid UTF-8' "$T_DIR/out" | grep -qF ':5:' ||
		fail "check does not give the line (5): $(tr '\n' '|' <"$T_DIR/out")"
	grep -q 'extra\|note' "$T_DIR/out" && fail "check complains about the unknown key: $(tr '\n' '|' <"$T_DIR/out")"
	expect_same "$T_DIR/before" "$f" "the file after check"
	ms -c "$f" get basic.system_sender_name
	printf 'Caf\xe9 \x83\x56\x83\x87\x83\x62\x83\x76\n' >"$T_DIR/want.get"
	cmp -s "$T_DIR/want.get" "$T_DIR/out" || fail "get does not give the bytes as they are: $(od -c "$T_DIR/out" | head -3 | tr '\n' '|')"
	ms -c "$f" set smtp.host=mail.example.org
	expect_rc 0 "set of another key"
	grep -qx 'host = mail.example.org' "$f" || fail "the new host is not in the file"
	grep -v '^host = ' "$T_DIR/before" >"$T_DIR/before.rest"
	grep -v '^host = ' "$f" >"$T_DIR/after.rest"
	expect_same "$T_DIR/before.rest" "$T_DIR/after.rest" "the other lines after set"
	[ "$(wc -l <"$f")" = "$(wc -l <"$T_DIR/before")" ] || fail "the line count changed"
	# Setting the bad key itself replaces only its value.
	ms -c "$f" set basic.system_sender_name=Cafe
	expect_rc 0 "set of the bad key"
	grep -qx 'system_sender_name = Cafe' "$f" || fail "the name was not replaced"
	grep -v -e '^host = ' -e '^system_sender_name = ' "$T_DIR/before" >"$T_DIR/before.rest"
	grep -v -e '^host = ' -e '^system_sender_name = ' "$f" >"$T_DIR/after.rest"
	expect_same "$T_DIR/before.rest" "$T_DIR/after.rest" "the other lines after setting the name"
	ms -c "$f" check
	expect_rc 0 "check after the name was fixed"
	# Not UTF-8 given on the command line: refused, named.
	ms -c "$f" set basic.system_sender_name=$'Caf\xe9'
	expect_rc 65 "set of a value that is not UTF-8"
	expect_err_has 'basic.system_sender_name'
	expect_err_has 'UTF-8'
}

# The editor on a file with such bytes in a comment and an unknown key:
# saving another field leaves them byte for byte.
t_non_utf8_editor() {
	local f=$T_DIR/mail.ini
	printf '%s' "$NONUTF8" | sed 's/^system_sender_name = .*/system_sender_name = Cafe/' >"$f"
	chmod 600 "$f"
	cp "$f" "$T_DIR/before"
	ui_start en 80 24 -- -c "$f"
	edit_contact 'shop@example.jp' || return
	keys F2
	wait_for 'Saved' || return
	keys F10
	wait_exit || return
	expect_rc 0
	sed 's/^contact_email = .*/contact_email = shop@example.jp/' "$T_DIR/before" >"$T_DIR/want"
	expect_same "$T_DIR/want" "$f" "the file (bytes that are not UTF-8 kept)"
}

# The same with the bad bytes in the sender name itself: the editor opens,
# shows no raw bytes, and does not write the name back changed.
t_non_utf8_editor_value() {
	local f=$T_DIR/mail.ini
	printf '%s' "$NONUTF8" >"$f"
	chmod 600 "$f"
	cp "$f" "$T_DIR/before"
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	wait_stable || return
	expect_running
	tm capture-pane -p -t "$S" >"$T_DIR/raw"
	perl -ne 'exit 1 unless utf8::decode($_)' "$T_DIR/raw" ||
		fail "the pane holds text that is not UTF-8"
	grep -q 'Caf' "$T_DIR/screen" || fail "the sender name is not shown at all: $(screen_flat)"
	edit_contact 'shop@example.jp' || return
	keys F2
	sleep 0.5
	screen
	if grep -qF 'Saved' "$T_DIR/screen"; then
		# Saved: the name's bytes must be as they were.
		sed 's/^contact_email = .*/contact_email = shop@example.jp/' "$T_DIR/before" >"$T_DIR/want"
		expect_same "$T_DIR/want" "$f" "the file saved with a name that is not UTF-8"
		note "non-UTF-8 name in the editor: saved, bytes kept"
	else
		expect_same "$T_DIR/before" "$f" "the file after a refused save"
		on_screen 'Not saved' "the status after F2"
		note "non-UTF-8 name in the editor: save refused ($(grep -m1 'Not saved' "$T_DIR/screen" | sed 's/^ *//'))"
	fi
	keys F10
	wait_for 'Unsaved changes' || return
	keys d
	wait_exit || return
	expect_rc 0
}

# --------------------------------------------------- 5b. tiny terminal, resizes

t_tiny_and_resizes() {
	local f=$T_DIR/mail.ini i t0 t1 rows
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	edit_contact 'shop@example.jp' || return
	tm resize-window -t "$S" -x 10 -y 3
	sleep 0.3
	wait_stable || return
	expect_running
	[ "$(tm display-message -p -t "$S" '#{pane_width}x#{pane_height}')" = 10x3 ] ||
		fail "the pane is $(tm display-message -p -t "$S" '#{pane_width}x#{pane_height}'), not 10x3"
	rows=$(grep -c '[^[:space:]]' "$T_DIR/screen")
	[ "$rows" -ge 1 ] || fail "nothing at all on the 10x3 screen"
	grep -q 'shop@example.jp' "$T_DIR/screen" && fail "the form is drawn in 10x3: $(screen_flat)"
	# The start of "The terminal is too small: ..." wrapped into 10 columns.
	grep -q 'terminal' "$T_DIR/screen" || fail "the 10x3 screen does not say the terminal is too small: $(screen_flat)"
	note "10x3 shows: $(screen_flat)"
	# Keys typed meanwhile change nothing.
	type_text 'zz'
	expect_running
	t0=$(now_ns)
	for i in $(seq 1 50); do
		if [ $((i % 2)) = 0 ]; then
			tm resize-window -t "$S" -x 100 -y 30
		else
			tm resize-window -t "$S" -x 60 -y 20
		fi
		tm resize-window -t "$S" -x 80 -y 24
	done
	t1=$(now_ns)
	note "100 resizes took $(secs "$t0" "$t1") s"
	expect_running
	tm resize-window -t "$S" -x 80 -y 24
	wait_for 'shop@example.jp' || return
	wait_stable || return
	not_on_screen 'shop@example.jpzz'
	on_screen "$(tr_ '* unsaved')" "the title after the resizes"
	on_screen 'Sender display name' "the form after the resizes"
	keys F2
	wait_for 'Saved' || return
	keys F10
	wait_exit || return
	expect_rc 0
	fixture_with "$T_DIR/want" 's/^contact_email = support@example.com$/contact_email = shop@example.jp/'
	expect_same "$T_DIR/want" "$f" "the file after the resizes"
}

t_start_tiny() {
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 10 3 -- -c "$f"
	sleep 0.5
	wait_stable || return
	expect_running
	[ "$(grep -c '[^[:space:]]' "$T_DIR/screen")" -ge 1 ] || fail "nothing on the 10x3 screen"
	tm resize-window -t "$S" -x 80 -y 24
	wait_for "$KEYBAR_LAST" || return
	wait_for 'ecforceお客様窓口' || return
	keys F10
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f"
}

# ------------------------------------------------------- 5c. large files

# big_config KIND FILE: a valid configuration plus an [extra] section of
# unknown keys: 10 MB of 197-byte lines, or 100 000 lines in all.
big_config() {
	local kind=$1 f=$2
	printf '%s' "$VALID_INI" >"$f"
	if [ "$kind" = 10mb ]; then
		# shellcheck disable=SC2016
		perl -e 'print "\n[extra]\n"; my $v = "v" x 184; my ($n, $s) = (0, 0);
			while ($s < 10 * 1024 * 1024) { my $l = sprintf("k%07d = %s\n", $n++, $v); print $l; $s += length $l }' >>"$f"
	else
		local have
		have=$(wc -l <"$f")
		# shellcheck disable=SC2016
		perl -e 'my $n = shift; print "\n[extra]\n"; printf("key%06d = value %d ; note\n", $_, $_) for 1 .. $n - 2' \
			$((100000 - have)) >>"$f"
	fi
	chmod 600 "$f"
}

t_big() {
	local kind=$1 f=$T_DIR/mail.ini t0 t1 t2 t3 size lines
	big_config "$kind" "$f"
	cp "$f" "$T_DIR/before"
	size=$(stat -c %s "$f")
	lines=$(wc -l <"$f")
	if [ "$kind" = 10mb ]; then
		[ "$size" -ge 10485760 ] || fail "the file is only $size bytes"
	else
		[ "$lines" = 100000 ] || fail "the file has $lines lines"
	fi
	t0=$(now_ns)
	ms -c "$f" check
	t1=$(now_ns)
	expect_rc 0 "check"
	expect_out_has "$f: OK"
	ms -c "$f" set smtp.host=mail.example.org
	t2=$(now_ns)
	expect_rc 0 "set"
	grep -qx 'host = mail.example.org' "$f" || fail "the new host is not in the file"
	grep -v '^host = ' "$T_DIR/before" >"$T_DIR/before.rest"
	grep -v '^host = ' "$f" >"$T_DIR/after.rest"
	expect_same "$T_DIR/before.rest" "$T_DIR/after.rest" "the untouched lines"
	[ "$(diff "$T_DIR/before" "$f" | grep -c '^[<>]')" = 2 ] ||
		fail "diff shows more than one changed line: $(diff "$T_DIR/before" "$f" | head -6 | tr '\n' '|')"
	ms -c "$f" get smtp.host
	t3=$(now_ns)
	expect_out 'mail.example.org'
	note "$kind config ($size bytes, $lines lines): check $(secs "$t0" "$t1") s, set $(secs "$t1" "$t2") s, get $(secs "$t2" "$t3") s (ASan)"
}

# The editor on the 100 000-line file: opens, saves one field.
t_big_editor() {
	local f=$T_DIR/mail.ini t0 t1 t2
	big_config 100k "$f"
	cp "$f" "$T_DIR/before"
	t0=$(now_ns)
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" 20 || return
	t1=$(now_ns)
	edit_contact 'shop@example.jp' || return
	local t1b
	t1b=$(now_ns)
	keys F2
	wait_for 'Saved' 20 || return
	t2=$(now_ns)
	keys F10
	wait_exit || return
	expect_rc 0
	sed 's/^contact_email = .*/contact_email = shop@example.jp/' "$T_DIR/before" >"$T_DIR/want"
	expect_same "$T_DIR/want" "$f" "the 100 000-line file after a save"
	note "editor on 100 000 lines: open $(secs "$t0" "$t1") s, save $(secs "$t1b" "$t2") s (ASan, tmux polling)"
}

# -------------------------------------------------- 5d. length limits

# The longest value each key accepts and one byte more. One line holds
# 197 bytes: `key = value` leaves 197 - length("key = ") for the value.
room() { echo $((197 - ${#1} - 3)); }
rep() { perl -e 'print $ARGV[0] x $ARGV[1]' "$1" "$2"; }

# An address of exactly N bytes (64-byte local part, 63-byte labels).
address_of() {
	local n=$1 local_part dom rest
	local_part=$(rep a 64)
	rest=$((n - 65 - 3)) # less "local@" and ".jp"
	dom=
	while [ "$rest" -gt 64 ]; do
		dom="$dom$(rep b 63)."
		rest=$((rest - 64))
	done
	dom="$dom$(rep c "$rest").jp"
	printf '%s@%s' "$local_part" "$dom"
}

# A host name of exactly N bytes.
host_of() {
	local n=$1 h=
	while [ "$n" -gt 64 ]; do
		h="$h$(rep h 63)."
		n=$((n - 64))
	done
	printf '%s%s' "$h" "$(rep z "$n")"
}

# limit_case KEY GOOD BAD [WHY]: set KEY=GOOD works and get returns it;
# set KEY=BAD exits 65, names the key (and WHY) and changes nothing.
limit_case() {
	local key=$1 good=$2 bad=$3 why=$4 f=$T_DIR/mail.ini
	ms -c "$f" set "$key=$good"
	if [ "$RC" != 0 ]; then
		fail "set $key to ${#good} bytes exited $RC: $(head -c 300 "$T_DIR/err" | tr '\n' '|')"
		return
	fi
	ms -c "$f" get "$key"
	[ "$(cat "$T_DIR/out")" = "$good" ] || fail "get $key after setting ${#good} bytes gave $(wc -c <"$T_DIR/out") bytes"
	awk 'length($0) > 197 { exit 1 }' "$f" || fail "a line longer than 197 bytes after setting $key"
	cp "$f" "$T_DIR/ok"
	ms -c "$f" set "$key=$bad"
	[ "$RC" = 65 ] || fail "set $key to ${#bad} bytes exited $RC, expected 65"
	expect_err_has "$key"
	[ -n "$why" ] && expect_err_has "$why"
	expect_same "$T_DIR/ok" "$f" "the file after the refused $key"
	LIMITS+=("$key ${#good}")
}

t_length_limits() {
	local f=$T_DIR/mail.ini r v j
	mkvalid "$f"
	LIMITS=()
	r=$(room contact_email)
	limit_case basic.contact_email "$(address_of "$r")" "$(address_of $((r + 1)))" "at most $r bytes"
	r=$(room system_email)
	limit_case basic.system_email "$(address_of "$r")" "$(address_of $((r + 1)))" "at most $r bytes"
	# The name: 64 characters; in Japanese the line runs out first
	# (58 characters of 3 bytes + 2 ASCII = 176 bytes).
	limit_case basic.system_sender_name "$(rep n 64)" "$(rep n 65)" 'at most 64'
	r=$(room system_sender_name)
	j=$(rep 'あ' 58)
	[ $((58 * 3 + 2)) = "$r" ] || fail "room for the name is $r bytes, not 176"
	limit_case basic.system_sender_name "${j}xx" "${j}xxx" "at most $r bytes"
	# BCC wraps; one item must fit on a line after "bcc = " with its comma.
	r=$(($(room bcc) - 1))
	limit_case basic.bcc "$(address_of "$r")" "$(address_of $((r + 1)))" "at most $r"
	limit_case basic.bcc "x@example.com,$(address_of "$r"),y@example.com" "x@example.com,$(address_of $((r + 1)))" "at most $r"
	r=$(room host)
	limit_case smtp.host "$(host_of "$r")" "$(host_of $((r + 1)))" "at most $r bytes"
	limit_case smtp.port 65535 655350
	r=$(room username)
	limit_case smtp.username "$(rep u "$r")" "$(rep u $((r + 1)))" "at most $r bytes"
	r=$(room ca_file)
	v=/$(rep p $((r - 1)))
	limit_case smtp.ca_file "$v" "${v}p" "at most $r bytes"
	limit_case smtp.auth cram-md5 cram-md5x
	limit_case smtp.tls off offx
	limit_case options.sms_auth off offx
	limit_case options.twilio off offx
	# DKIM selectors: a comma-separated list (each selector a DNS label).
	r=$(room dkim_selectors)
	v=$(perl -e 'my $n = shift; my $s = ""; my $i = 0; $s .= ($i++ ? "," : "") . "sel$i" while length($s) < $n - 8; $s .= "," . ("x" x ($n - length($s) - 1)); print $s' "$r")
	limit_case dns.dkim_selectors "$v" "${v}x" "at most $r bytes"
	limit_case dns.server 255.255.255.255:65535 255.255.255.255:655350
	# notify_priority counts only with both options on.
	ms -c "$f" set options.sms_auth=on options.twilio=on
	expect_rc 0 "set options.sms_auth=on options.twilio=on"
	limit_case basic.notify_priority email emailx
	# The password, from standard input.
	r=$(room password)
	v=$(rep P "$r")
	cp "$f" "$T_DIR/ok"
	ms_input "$v\n" -c "$f" set smtp.password
	expect_rc 0 "set smtp.password of $r bytes"
	ms -c "$f" get --show-secret smtp.password
	[ "$(cat "$T_DIR/out")" = "$v" ] || fail "the $r-byte password did not come back"
	cp "$f" "$T_DIR/ok"
	ms_input "${v}P\n" -c "$f" set smtp.password
	expect_rc 65 "set smtp.password of $((r + 1)) bytes"
	expect_same "$T_DIR/ok" "$f" "the file after the refused password"
	grep -qF "${v}P" "$T_DIR/err" && fail "the refused password is echoed on stderr"
	LIMITS+=("smtp.password $r")
	ms -c "$f" check
	expect_rc 0 "check after every limit"
	note "longest values accepted: ${LIMITS[*]}"
}

# Every printable ASCII character, set from standard input, comes back.
t_password_ascii() {
	local f=$T_DIR/mail.ini pw
	mkvalid "$f"
	# 0x21..0x7e with a space after 'A' (not leading, trailing or before ';').
	pw=$(perl -e 'my $s = join "", map { chr } 0x21 .. 0x7e; $s =~ s/A/A /; print $s')
	[ ${#pw} = 95 ] || fail "the password has ${#pw} characters"
	printf '%s\n' "$pw" >"$T_DIR/pw"
	MS_STDIN=$T_DIR/pw ms -c "$f" set smtp.password
	expect_rc 0 "set smtp.password"
	grep -qF "$pw" "$T_DIR/err" && fail "the password is echoed on stderr"
	ms -c "$f" get --show-secret smtp.password
	expect_rc 0 "get --show-secret"
	printf '%s\n' "$pw" >"$T_DIR/want"
	cmp -s "$T_DIR/want" "$T_DIR/out" || fail "get --show-secret gave '$(cat "$T_DIR/out")', expected '$pw'"
	grep -qxF "password = $pw" "$f" || fail "the file lacks 'password = $pw': $(grep '^password' "$f")"
	ms -c "$f" check
	expect_rc 0 "check"
	ms -c "$f" get
	expect_nowhere "$pw"
	# Shapes the file cannot hold are refused (65, nothing written, the
	# value not echoed); '#' and '\' at the start are fine.
	local bad good
	for bad in ' lead' 'trail ' 'semi ;colon' ';first'; do
		cp "$f" "$T_DIR/ok"
		printf '%s\n' "$bad" >"$T_DIR/pw"
		MS_STDIN=$T_DIR/pw ms -c "$f" set smtp.password
		expect_rc 65 "set smtp.password '$bad'"
		expect_same "$T_DIR/ok" "$f" "the file after refusing '$bad'"
		grep -qF -- "${bad# }" "$T_DIR/err" && fail "the refused password '$bad' is echoed on stderr"
	done
	for good in '#first' '\first' '"quoted"' "it's"; do
		printf '%s\n' "$good" >"$T_DIR/pw"
		MS_STDIN=$T_DIR/pw ms -c "$f" set smtp.password
		expect_rc 0 "set smtp.password '$good'"
		ms -c "$f" get --show-secret smtp.password
		[ "$(cat "$T_DIR/out")" = "$good" ] || fail "password '$good' read back as '$(cat "$T_DIR/out")'"
	done
}

# -------------------------------------- translations of the safety dialogs

t_translated_ja() {
	LANG_UI=ja
	local f=$T_DIR/mail.ini id missing=()
	# (their footers come from the key table, in both languages)
	for id in 'The file is in use' 'A lock was left behind' 'Unsaved edits were recovered' \
		'Changed behind your back' 'Save your version elsewhere'; do
		[ "$(tr_ "$id")" = "$id" ] && missing+=("'$id'")
	done
	[ ${#missing[@]} = 0 ] || fail "no Japanese for ${missing[*]} in po/ja.po"
	fixture "$f"
	TAG=1
	ui_start ja 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	TAG=2
	ui_start ja 80 24 -- -c "$f"
	wait_for "$(ms_pid 1)" || return
	on_screen '使用中' "the Japanese lock dialog"
	keys q
	wait_exit
}

# ------------------------------------------------------------- the list

START=$(now_ns)

run_test hangup_kill_pane_ja_recovered t_kill_pane_ja pane
run_test hangup_kill_pane_quit_dialog_open t_kill_pane_ja dialog
run_test hangup_kill_session_password_not_kept t_kill_pane_password en
run_test hangup_sigterm_recovered_en t_signal_recovery TERM en
run_test hangup_sighup_recovered_ja_umask_000 t_signal_recovery HUP ja 000
run_test idle_sigint_terminal_restored t_idle_signal INT
run_test idle_sigterm_terminal_restored t_idle_signal TERM
run_test idle_sigquit_terminal_restored t_idle_signal QUIT
run_test password_prompt_sigint_echo_restored t_prompt_signal INT
run_test password_prompt_sigterm_echo_restored t_prompt_signal TERM

run_test lock_second_editor_read_only_ja t_two_editors ja r
run_test lock_second_editor_via_symlink_quit_en t_two_editors en q
run_test lock_stale_break_en t_stale_lock_editor en ghost
run_test lock_stale_after_sigkill_break_ja t_stale_lock_editor ja kill9
run_test lock_stale_then_recovery t_stale_then_recovery
run_test lock_empty_file_is_stale t_empty_lock
run_test hangup_read_only_editor_keeps_their_lock t_read_only_hangup
run_test hangup_at_recovery_dialog_keeps_file t_hangup_at_recovery
run_test lock_set_preset_while_editing t_set_while_editing
run_test lock_set_preset_stale t_set_stale_lock
run_test safety_dialogs_translated_ja t_translated_ja

run_test changed_on_disk_reload_ja t_changed_reload ja
run_test changed_on_disk_reload_en t_changed_reload en
run_test changed_on_disk_overwrite_same_size t_changed_overwrite en
run_test changed_on_disk_save_elsewhere t_changed_elsewhere en
run_test set_races_editor_save t_set_races_editor_save
run_test reveal_for_seconds_gone_at_exit t_reveal_for_seconds
run_test editor_values_escaped t_editor_values_escaped
run_test kept_recovery_told t_kept_recovery_told
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1; then
	want second_user_plants_files && skip second_user_plants_files "needs root and useradd"
else
	run_test second_user_plants_files t_second_user
fi
run_test changed_on_disk_cancel t_changed_cancel ja
run_test changed_on_disk_deleted_overwrite t_changed_deleted en

run_test term_unset t_bad_term unset
run_test term_empty t_bad_term empty
run_test term_dumb t_bad_term dumb
run_test term_bogus t_bad_term bogus-terminal-xyz
run_test lang_c_japanese_kept t_lang_c lang
run_test lc_all_c_japanese_kept t_lang_c lc_all
run_test non_utf8_check_and_set t_non_utf8_cli
run_test non_utf8_editor_bytes_kept t_non_utf8_editor
run_test non_utf8_editor_bad_value t_non_utf8_editor_value
run_test tiny_10x3_and_100_resizes t_tiny_and_resizes
run_test start_in_10x3 t_start_tiny
run_test big_config_10mb t_big 10mb
run_test big_config_100000_lines t_big 100k
run_test big_config_editor t_big_editor
run_test length_limits t_length_limits
run_test password_every_printable_ascii t_password_ascii

END=$(now_ns)
echo "# safety.sh took $(secs "$START" "$END") s"

finish
