#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/ui.sh - end-to-end tests of the editor: the real (sanitised) binary
# in a real terminal, tmux, driven with send-keys and read with capture-pane.
#
# Each test runs mailset in its own tmux session of a private server
# (tmux -L mailset-test-PID, no configuration file), with stderr redirected
# to a file that is searched for sanitizer reports after the process ends.
#
# Files: tests/ui/mail.ini        the fixture (a copy of the demo file)
#        tests/ui/expected/*.ini  what a file must hold after a scenario
#        tests/ui/screens/*.txt   golden first screens: the plain text of the
#                                 pane (line drawing as Unicode, see
#                                 screen_text), trailing blanks ignored, the
#                                 file path on the title line masked (@FILE@)
# UPDATE_SCREENS=1 bash tests/ui.sh rewrites the golden screens: read every
# one of them before committing it.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/ui/tmux.sh
. "$(dirname "$0")/ui/tmux.sh"

UI_DIR=$TESTS_DIR/ui
FIXTURE=$UI_DIR/mail.ini

if ! command -v tmux >/dev/null 2>&1; then
	skip ui "tmux is not installed"
	exit 0
fi

TMUX_SOCK=mailset-test-$$

ui_cleanup() {
	tm kill-server >/dev/null 2>&1
	lib_cleanup
}
trap ui_cleanup EXIT

# A keeper session holds the server (and its options) between tests; no
# status line, so that a pane is as large as its window.
unset TMUX TMUX_PANE
if ! tm new-session -d -s keeper -x 80 -y 24 'exec sleep 100000' ';' \
	set-option -g status off ';' set-option -g remain-on-exit on; then
	echo "FAIL ui: cannot start a tmux server"
	exit 1
fi

# ---------------------------------------------------------------- helpers

S=       # the current test's tmux session
UI_N=0

# ui_start LANG COLS ROWS [VAR=VALUE...] -- [MAILSET ARGS...]
# Start mailset in a new session, TERM=xterm-256color unless a TERM=... is
# given. The exit status is written to $T_DIR/rc when the process ends.
# LSAN_OPTIONS=exitcode=0: a leak report does not change the exit status the
# tests check; the report itself still fails the test (ui_stop).
ui_start() {
	local lang=$1 cols=$2 rows=$3 envs=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	UI_N=$((UI_N + 1))
	S=t$UI_N
	{
		printf 'cd %q || exit 1\n' "$T_DIR"
		printf '%q ' env -u NO_COLOR -u COLUMNS -u LINES -u LC_ALL -u LC_MESSAGES \
			-u MAILSET_CONFIG -u XDG_CONFIG_HOME \
			TERM=xterm-256color LANG=C.UTF-8 LANGUAGE="$lang" HOME="$HOME" \
			MAILSET_DATADIR="$MAILSET_DATADIR" MAILSET_LOCALEDIR="$MAILSET_LOCALEDIR" \
			ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" LSAN_OPTIONS=exitcode=0 \
			"${envs[@]}" "$MAILSET" "$@"
		printf '2>%q\n' "$T_DIR/err"
		printf 'echo $? >%q && mv %q %q\n' "$T_DIR/rc.tmp" "$T_DIR/rc.tmp" "$T_DIR/rc"
		# The pane lives on (until ui_stop kills the session), so that tmux
		# reads the last bytes mailset wrote before the pane could die.
		printf 'exec sleep 60\n'
	} >"$T_DIR/run.sh"
	rm -f "$T_DIR/rc"
	tm new-session -d -s "$S" -x "$cols" -y "$rows" "sh $T_DIR/run.sh"
}





# wait_for TEXT [SECONDS]: poll the screen every 50 ms until TEXT shows.
# Once mailset has ended, what it printed last gets one more second.
wait_for() {
	local text=$1 n=$((${2:-8} * 20)) i=0 ended=
	while [ $i -lt $n ]; do
		screen
		grep -qF -- "$text" "$T_DIR/screen" && return 0
		if [ -e "$T_DIR/rc" ] && [ -z "$ended" ]; then
			ended=1
			n=$((i + 20))
		fi
		sleep 0.05
		i=$((i + 1))
	done
	if [ -n "$ended" ]; then
		fail "mailset exited ($(cat "$T_DIR/rc")) and '$text' did not show; screen: $(screen_flat) (stderr: $(head -c 300 "$T_DIR/err" | tr '\n' '|'))"
		return 1
	fi
	fail "timed out waiting for '$text'; screen: $(screen_flat)"
	return 1
}



# wait_exit: until mailset has ended (8 s at most); its status in $RC.
wait_exit() {
	local n=160 i=0
	while [ ! -e "$T_DIR/rc" ] && [ $i -lt $n ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if [ ! -e "$T_DIR/rc" ]; then
		screen
		fail "mailset did not exit; screen: $(screen_flat)"
		RC=
		return 1
	fi
	RC=$(cat "$T_DIR/rc")
	# What is left on the terminal (remain-on-exit keeps the pane).
	sleep 0.05
	screen
	return 0
}

# The process is still running a moment later.
expect_running() {
	sleep 0.2
	[ -e "$T_DIR/rc" ] && fail "mailset exited ($(cat "$T_DIR/rc")) but should still run"
	return 0
}



# The screen row (0-based) holding TEXT, first match.
row_of() {
	local r
	r=$(grep -nF -m1 -- "$1" "$T_DIR/screen" | cut -d: -f1)
	[ -n "$r" ] && echo $((r - 1))
}

cursor_row() { tm display-message -p -t "$S" '#{cursor_y}'; }
cursor_col() { tm display-message -p -t "$S" '#{cursor_x}'; }

# expect_cursor_col N [WHAT]
expect_cursor_col() {
	local got
	got=$(cursor_col)
	[ "$got" = "$1" ] || fail "${2:-the cursor} is in column $got, expected $1"
}

# The cursor is on the row showing TEXT.
expect_cursor_on() {
	local want got
	want=$(row_of "$1")
	got=$(cursor_row)
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		fail "cursor on row $got, expected row ${want:-?} ('$1'); screen: $(screen_flat)"
	fi
}



expect_file() {
	cmp -s "$UI_DIR/expected/$2.ini" "$1" ||
		fail "$(basename "$1") differs from expected/$2.ini: $(diff "$UI_DIR/expected/$2.ini" "$1" | head -8 | tr '\n' '|')"
}

# Plain text of the screen for a golden file: trailing blanks removed, the
# file path on the title line replaced by @FILE@.
normalize_screen() {
	sed -e '1s|/[^ ]*|@FILE@|' -e '1s|@FILE@  *|@FILE@ |' -e 's/[[:space:]]*$//' "$1"
}

expect_golden() {
	local g=$UI_DIR/screens/$1.txt
	normalize_screen "$T_DIR/screen" >"$T_DIR/screen.norm"
	if [ -n "$UPDATE_SCREENS" ]; then
		cp "$T_DIR/screen.norm" "$g"
		echo "# wrote $g" >&2
		return 0
	fi
	if [ ! -f "$g" ]; then
		fail "no golden screen $g (UPDATE_SCREENS=1 writes it)"
		return 0
	fi
	sed -e 's/[[:space:]]*$//' "$g" >"$T_DIR/golden.norm"
	diff -u "$T_DIR/golden.norm" "$T_DIR/screen.norm" >"$T_DIR/screen.diff" ||
		fail "screen differs from screens/$1.txt: $(grep '^[-+][^-+]' "$T_DIR/screen.diff" | head -6 | tr '\n' '|')"
}



KEYBAR_LAST='F10'

# ------------------------------------------------------- 1. first screen

t_first_screen() {
	local lang=$1 cols=$2 rows=$3 f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$lang" "$cols" "$rows" -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	wait_stable || return
	[ "$(tm display-message -p -t "$S" '#{pane_width}x#{pane_height}')" = "${cols}x$rows" ] ||
		fail "the pane is $(tm display-message -p -t "$S" '#{pane_width}x#{pane_height}'), expected ${cols}x$rows"
	expect_golden "first_${lang}_${cols}x$rows"
	keys F10
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f" "the file after quitting"
}

# ------------------------------------------------------- 2. edit fields

t_edit_sender_name() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini label
	label=$(msg 'システムメール差出人' 'Sender display name')
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys Tab Tab
	wait_for 'ecforceお客様窓口' || return
	sleep 0.1
	screen
	expect_cursor_on "$label"
	keys C-u
	# (the help line's example keeps the name: look at the field's row)
	wait_row_lacks "$label" 'ecforceお客様窓口' || return
	local col0
	col0=$(cursor_col)
	type_text 'ショップ窓口'
	wait_row_has "$label" 'ショップ窓口' || return
	expect_cursor_on "$label"
	# Six wide characters: twelve columns; ← and → step over one each.
	expect_cursor_col $((col0 + 12)) "the cursor after typing 'ショップ窓口'"
	keys Left Left
	sleep 0.1
	expect_cursor_col $((col0 + 8)) "the cursor after ← ←"
	keys Right Right
	sleep 0.1
	expect_cursor_col $((col0 + 12)) "the cursor after → →"
	type_text 'a;'
	# (the help line also says which symbols are not allowed)
	wait_for "$(msg "8 文字目の ';' は使えません" "character 8 ';' is not allowed")" || return
	keys F2
	wait_for "$(msg '保存できません' 'Not saved')" || return
	expect_same "$FIXTURE" "$f" "the file after a refused save"
	on_screen "$(msg '* 未保存' '* unsaved')" "the title (dirty marker)"
	keys BSpace BSpace
	wait_gone "$(msg "8 文字目" "character 8")" || return
	expect_row_has "$label" 'ショップ窓口'
	keys F2
	wait_for "$(msg '保存しました' 'Saved')" || return
	wait_gone "$(msg '* 未保存' '* unsaved')" || return
	keys F10
	wait_exit || return
	expect_rc 0
	expect_file "$f" edit_sender_name
	expect_mode "$f" 600
}

# Home and End as tmux and GNU screen send them under TERM=xterm-256color
# (\e[1~ and \e[4~, not the terminfo's \eOH/\eOF), and as xterm does: the
# cursor goes to the field's start and end, nothing is typed.
t_home_end_sequences() {
	local f=$T_DIR/mail.ini label seq
	label=$(msg 'システムメール差出人' 'Sender display name')
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys Tab Tab
	wait_for 'ecforceお客様窓口' || return
	keys C-u
	wait_row_lacks "$label" 'ecforceお客様窓口' || return
	type_text 'abc'
	wait_row_has "$label" 'abc' || return
	for seq in '1b 5b 31 7e' '1b 4f 48' '1b 5b 37 7e'; do # Home: tmux/screen, xterm, rxvt
		tm send-keys -t "$S" -H $seq
		type_text 'X'
		wait_row_has "$label" 'Xabc' || { fail "Home as $seq: $(screen_flat)"; return; }
		keys BSpace
		wait_row_has "$label" ' abc' || return
		for end in '1b 5b 34 7e' '1b 4f 46' '1b 5b 38 7e'; do # End
			tm send-keys -t "$S" -H $end
			type_text 'Y'
			wait_row_has "$label" 'abcY' || { fail "End as $end: $(screen_flat)"; return; }
			keys BSpace
			wait_row_lacks "$label" 'abcY' || return
			tm send-keys -t "$S" -H $seq
		done
	done
	not_on_screen '[1~' "the field (a sequence typed as text)"
	not_on_screen '[4~' "the field (a sequence typed as text)"
	keys F10
	wait_for "$(msg '未保存の変更' 'Unsaved changes')" || return
	keys d
	wait_exit || return
}

# An invalid field elsewhere: F2 refuses and the cursor goes to it.
t_save_refused_focus() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini label
	label=$(msg 'お問合わせメールアドレス' 'Contact email')
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys C-u
	type_text 'support at example'
	wait_for 'support at example' || return
	keys Tab Tab Tab
	wait_for 'ecforce' || return
	sleep 0.1
	screen
	expect_cursor_on "$(msg '自動送信メールのBCC' 'BCC for automatic mail')"
	keys F2
	wait_for "$(msg '保存できません' 'Not saved'): $label" || return
	sleep 0.1
	expect_cursor_on 'support at example'
	expect_same "$FIXTURE" "$f" "the file after a refused save"
	keys F10
	wait_for "$(msg '[D] 破棄して終了' '[D] Discard and quit')" || return
	keys d
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f" "the file after Discard"
}

# ------------------------------------------------------------- 3. preset

t_preset_xserver() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F3
	wait_for "$(msg 'メールサーバーのプリセット' 'Provider presets')" || return
	wait_for 'Xserver' || return
	keys Down Down
	wait_for '> Xserver' || return
	[ "$(grep -c '> ' "$T_DIR/screen")" = 1 ] || fail "more than one line is marked selected"
	keys Enter
	wait_for "$(msg 'サーバーパネル' 'Server Panel')" || return
	on_screen 'sv◯◯◯.xserver.jp' "the notes"
	keys Escape
	wait_gone "$(msg 'サーバーパネル' 'Server Panel')" || return
	on_screen 'sv◯◯◯.xserver.jp' "the SMTP pane"
	type_text '123'
	wait_for 'sv123.xserver.jp' || return
	not_on_screen '◯'
	expect_cursor_on 'sv123.xserver.jp'
	keys F2
	wait_for "$(msg '保存しました' 'Saved')" || return
	keys F10
	wait_exit || return
	expect_rc 0
	expect_file "$f" preset_xserver
}

# --------------------------------------------------------- 4. quitting

# An edit of the contact address, seen on the screen.
edit_contact() {
	wait_for "$KEYBAR_LAST" || return 1
	keys C-u
	type_text 'shop@example.jp'
	wait_for 'shop@example.jp' || return 1
	wait_for "$(msg '* 未保存' '* unsaved')" || return 1
}

t_quit_cancel_discard() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini quitkey=$2
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	edit_contact || return
	keys "$quitkey"
	wait_for "$(msg '未保存の変更' 'Unsaved changes')" || return
	on_screen "$(msg '[S] 保存して終了' '[S] Save and quit')"
	keys c
	wait_gone "$(msg '[S] 保存して終了' '[S] Save and quit')" || return
	expect_running
	on_screen 'shop@example.jp' "the form after Cancel"
	on_screen "$(msg '* 未保存' '* unsaved')" "the title after Cancel"
	keys "$quitkey"
	wait_for "$(msg '[S] 保存して終了' '[S] Save and quit')" || return
	keys d
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f" "the file after Discard"
}

t_quit_save() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	edit_contact || return
	keys F10
	wait_for "$(msg '[S] 保存して終了' '[S] Save and quit')" || return
	keys s
	wait_exit || return
	expect_rc 0
	expect_file "$f" quit_save
	# The last status is repeated on the terminal after the editor ends.
	wait_for "mailset: $(msg '保存しました:' 'Saved') $f"
}

t_quit_clean() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini quitkey=$2
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys Tab Tab
	keys "$quitkey"
	wait_exit || return
	expect_rc 0
	not_on_screen "$(msg '未保存の変更' 'Unsaved changes')"
	expect_same "$FIXTURE" "$f" "the file"
}

# An edit typed back to the original value is no change: no question.
t_quit_edit_undone() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	type_text 'x'
	wait_for 'support@example.comx' || return
	wait_for "$(msg '* 未保存' '* unsaved')" || return
	keys BSpace
	wait_gone "$(msg '* 未保存' '* unsaved')" || return
	keys F10
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f" "the file"
}

# A save with nothing to write leaves the file alone (issue 13): F2 at
# once, then Ctrl-S after an edit typed back. The file's times are put a
# day back, so that a rewrite cannot hide in the clock's granularity.
t_save_noop() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini before
	fixture "$f"
	touch -d '-1 day' "$f"
	before=$(stat -c '%i %y %z %a %s' "$f")
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F2
	wait_for "$(msg '保存するものはありません:' 'Nothing to save:')" || return
	not_on_screen "$(msg '保存しました' 'Saved')"
	[ "$(stat -c '%i %y %z %a %s' "$f")" = "$before" ] || fail "F2 rewrote the file"
	type_text 'x'
	wait_for 'support@example.comx' || return
	keys BSpace
	wait_gone 'support@example.comx' || return
	keys C-s
	wait_for "$(msg '保存するものはありません:' 'Nothing to save:')" || return
	keys F10
	wait_exit || return
	expect_rc 0
	[ "$(stat -c '%i %y %z %a %s' "$f")" = "$before" ] ||
		fail "the file's inode, times, mode or size changed: '$before' -> '$(stat -c '%i %y %z %a %s' "$f")'"
	expect_same "$FIXTURE" "$f" "the file"
}

# ------------------------------------------------------------ 5. resize

t_resize() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	edit_contact || return
	tm resize-window -t "$S" -x 60 -y 20
	wait_for "$(msg '小さすぎ' 'too small')" || return
	on_screen '80x22' "the too-small screen"
	on_screen '60x20' "the too-small screen"
	not_on_screen 'shop@example.jp'
	# Keys typed meanwhile change nothing.
	type_text 'zz'
	expect_running
	tm resize-window -t "$S" -x 80 -y 24
	wait_gone "$(msg '小さすぎ' 'too small')" || return
	wait_for 'shop@example.jp' || return
	not_on_screen 'shop@example.jpzz'
	on_screen "$(msg '* 未保存' '* unsaved')" "the title after the resize"
	keys F2
	wait_for "$(msg '保存しました' 'Saved')" || return
	keys F10
	wait_exit || return
	expect_rc 0
	expect_file "$f" quit_save
}

# A dialog open across a resize is laid out again and still works.
t_resize_dialog() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	edit_contact || return
	keys F10
	wait_for "$(msg '[S] 保存して終了' '[S] Save and quit')" || return
	tm resize-window -t "$S" -x 60 -y 20
	wait_for "$(msg '小さすぎ' 'too small')" || return
	tm resize-window -t "$S" -x 120 -y 40
	wait_for "$(msg '[S] 保存して終了' '[S] Save and quit')" || return
	keys s
	wait_exit || return
	expect_rc 0
	expect_file "$f" quit_save
}

# ------------------------------------------------------------ 6. wizard

# The wizard's steps, by the title on its first line ("(N/M): TITLE").
WZ_PATTERN='(1/'
WZ_ADDRESSES='): メールアドレス'
WZ_NAME='): 差出人名'
WZ_PROVIDER='): メールサーバー(SMTP)の事業者'
WZ_SERVER='): 送信サーバー'
WZ_LOGIN='): ユーザー名とパスワード'
WZ_TEST='): 送信テスト'
WZ_SAVE='): 確認して保存'

# From the start of the wizard to step 3 (sender name) with pattern 2.
wizard_to_name() {
	wait_for "$WZ_PATTERN" || return 1
	wait_for '2. お問い合わせ専用' || return 1
	keys Down
	wait_for '▸ (●) 2. お問い合わせ専用' || return 1
	keys Enter
	wait_for "$WZ_ADDRESSES" || return 1
	type_text 'info@shop.example.jp'
	wait_for 'info@shop.example.jp' || return 1
	keys Tab
	wait_for 'noreply@shop.example.jp' || return 1
	expect_row_has 'noreply@shop.example.jp' 'システムメール送信元'
	expect_row_has 'info@shop.example.jp' 'お問合わせメールアドレス'
	expect_cursor_on 'noreply@shop.example.jp'
	keys Enter
	wait_for "$WZ_NAME" || return 1
}

t_wizard_save() {
	local f=$T_DIR/new/mail.ini
	mkdir "$T_DIR/new"
	ui_start ja 80 24 -- -c "$f"
	wizard_to_name || return
	type_text 'ショップ窓口'
	wait_for 'ショップ窓口' || return
	keys Enter
	wait_for "$WZ_PROVIDER" || return
	wait_for 'Xserver' || return
	keys Down Down
	wait_for '▸ Xserver' || return
	keys Enter
	wait_for "$WZ_SERVER" || return
	wait_for 'sv◯◯◯.xserver.jp' || return
	on_screen 'サーバーパネル' "the server step (the preset's notes)"
	expect_row_has 'ポート番号' '587'
	expect_row_has '認証方式' 'PLAIN'
	expect_row_has 'TLS認証' '有効'
	type_text '123'
	wait_for 'sv123.xserver.jp' || return
	keys Enter Enter Enter Enter
	wait_for "$WZ_LOGIN" || return
	wait_for 'noreply@shop.example.jp' || return
	expect_row_has 'noreply@shop.example.jp' 'ユーザー名'
	keys Enter
	type_text 'Pass-word-123'
	wait_for '*************' || return
	not_on_screen 'Pass-word-123'
	keys Enter
	# The test send step: Enter would send (to a real provider): PgDn skips.
	wait_for "$WZ_TEST" || return
	keys NPage
	wait_for "$WZ_SAVE" || return
	on_screen 'sv123.xserver.jp' "the summary"
	on_screen 'ショップ窓口' "the summary"
	on_screen '********' "the summary"
	not_on_screen 'Pass-word-123'
	[ -e "$f" ] && fail "the file exists before the last step"
	keys Enter
	wait_for '保存しました' || return
	wait_for "$KEYBAR_LAST" || return
	expect_mode "$f" 600
	expect_file "$f" wizard_pattern2_xserver
	keys F10
	wait_exit || return
	expect_rc 0
	expect_mode "$f" 600
	expect_file "$f" wizard_pattern2_xserver
}

t_wizard_back() {
	local f=$T_DIR/mail.ini
	ui_start ja 80 24 -- -c "$f"
	wizard_to_name || return
	type_text 'ショップ窓口'
	wait_for 'ショップ窓口' || return
	keys PPage
	wait_for "$WZ_ADDRESSES" || return
	on_screen 'info@shop.example.jp' "step 2 after PgUp"
	on_screen 'noreply@shop.example.jp' "step 2 after PgUp"
	keys PPage
	wait_for "$WZ_PATTERN" || return
	on_screen '▸ (●) 2. お問い合わせ専用' "step 1 after PgUp (the pattern chosen)"
	keys Enter
	wait_for "$WZ_ADDRESSES" || return
	on_screen 'info@shop.example.jp' "step 2 again"
	keys Enter Enter
	wait_for "$WZ_NAME" || return
	on_screen 'ショップ窓口' "step 3 again"
	keys Escape
	wait_for '初期設定を中止しますか' || return
	keys y
	wait_exit || return
	expect_rc 0
	[ -e "$f" ] && fail "the file was created"
	return 0
}

t_wizard_escape() {
	local f=$T_DIR/mail.ini answer=$1
	ui_start ja 80 24 -- -c "$f"
	wizard_to_name || return
	type_text 'ショップ窓口'
	wait_for 'ショップ窓口' || return
	keys Escape
	wait_for '初期設定を中止しますか' || return
	on_screen '[Y] 初期設定を中止' "the question"
	if [ "$answer" = n ]; then
		keys n
		wait_gone '初期設定を中止しますか' || return
		expect_running
		on_screen "$WZ_NAME" "the wizard after 'n'"
		on_screen 'ショップ窓口' "the wizard after 'n'"
		type_text '2'
		wait_for 'ショップ窓口2' || return
		keys C-q
		wait_for '初期設定を中止しますか' || return
	fi
	keys y
	wait_exit || return
	expect_rc 0
	[ -e "$f" ] && fail "the file was created"
	[ "$(dir_list "$T_DIR" | tr ' ' '\n' | grep -c mail)" = 0 ] ||
		fail "files left in the directory: $(dir_list "$T_DIR")"
	return 0
}

# -------------------------------------------------------- 7. terminals

t_bad_term() {
	local term=$1 f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 80 24 TERM="$term" -- -c "$f"
	wait_exit || return
	[ "$RC" -ne 0 ] || fail "mailset exited 0 with TERM=$term"
	[ "$RC" -lt 128 ] || fail "mailset died of a signal ($RC) with TERM=$term"
	[ "$RC" = 69 ] || fail "exit status $RC, expected 69 (EX_UNAVAILABLE)"
	expect_err_has "'$term'"
	expect_err_has "TERM"
	expect_same "$FIXTURE" "$f" "the file"
}

t_no_color() {
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 80 24 NO_COLOR=1 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	wait_stable || return
	normalize_screen "$T_DIR/screen" >"$T_DIR/screen.norm"
	sed -e 's/[[:space:]]*$//' "$UI_DIR/screens/first_en_80x24.txt" >"$T_DIR/golden.norm" 2>/dev/null
	cmp -s "$T_DIR/screen.norm" "$T_DIR/golden.norm" ||
		fail "the NO_COLOR screen differs from screens/first_en_80x24.txt: $(diff "$T_DIR/golden.norm" "$T_DIR/screen.norm" | grep '^[<>]' | head -4 | tr '\n' '|')"
	# Attributes only: no foreground or background colour anywhere.
	tm capture-pane -p -e -t "$S" >"$T_DIR/screen.esc"
	if grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;|48;|9[0-7]|10[0-7])[;m]' "$T_DIR/screen.esc"; then
		fail "colours used with NO_COLOR=1: $(grep -oE $'\e\\[[0-9;]*m' "$T_DIR/screen.esc" | sort -u | tr -d '\033' | tr '\n' ' ')"
	fi
	grep -qE $'\e\\[([0-9;]*;)?7[;m]' "$T_DIR/screen.esc" ||
		fail "no reverse video with NO_COLOR=1 (title and key bar should be reverse)"
	keys F10
	wait_exit || return
	expect_rc 0
}

# With colours (the default), the same screen uses them: NO_COLOR above
# is a real difference.
t_color() {
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	wait_stable || return
	tm capture-pane -p -e -t "$S" >"$T_DIR/screen.esc"
	grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7])[;m]' "$T_DIR/screen.esc" ||
		fail "no colour on the screen with TERM=xterm-256color"
	keys F10
	wait_exit || return
	expect_rc 0
}

# ------------------------------------------------------------- 8. help

t_help() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini line
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F1
	wait_for "$(msg 'キー一覧' 'Keys')" || return
	wait_for 'F10 / Ctrl-Q' || return
	for line in 'F2 / Ctrl-S' 'F10 / Ctrl-Q' 'F3 ' 'Esc / Ctrl-C'; do
		on_screen "$line" "the help"
	done
	expect_row_has 'F10 / Ctrl-Q' "$(msg '終了します' 'Quit')"
	expect_row_has 'F2 / Ctrl-S' "$(msg '保存します' 'Save')"
	keys Escape
	wait_gone 'F10 / Ctrl-Q' || return
	expect_running
	on_screen 'support@example.com' "the form after Esc"
	keys F10
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f" "the file"
}

# ------------------------------------------------- test send from the panel

SMTPD=$REPO_DIR/scripts/test-smtpd.py
# this run's own files (servers' ports, passwords, certificates): never
# shared with another run, never outside the test's temporary directory
WORK=$TMPROOT/work
mkdir -p "$WORK"
CERTS=$WORK/certs
SERVERS=()
send_cleanup() {
	for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; done
	ui_cleanup
}
trap send_cleanup EXIT

# start_smtpd NAME ARGS...: a test server on 127.0.0.1; its port in $PORT.
start_smtpd() {
	local name=$1 ready=$WORK/$1.port
	shift
	"$REPO_DIR/scripts/make-test-certs.sh" "$CERTS" >/dev/null 2>&1 || return 1
	printf 'p@ss w0rd!#x\n' >"$WORK/$name.pw"
	/usr/bin/python3 "$SMTPD" --port 0 --certs "$CERTS" --user shop@example.com \
		--password-file "$WORK/$name.pw" --ready-file "$ready" --max-seconds 120 \
		"$@" >/dev/null 2>"$WORK/$name.err" &
	SERVERS+=($!)
	local i=0
	while [ ! -s "$ready" ] && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(cat "$ready" 2>/dev/null)
	[ -n "$PORT" ] || { fail "the test SMTP server did not start: $(head -c 300 "$WORK/$name.err")"; return 1; }
}

send_config() { # FILE PORT
	cat >"$1" <<INI
[basic]
contact_email = support@example.com
system_email = noreply@example.com
system_sender_name = ショップ窓口
[smtp]
host = 127.0.0.1
port = $2
username = shop@example.com
password = p@ss w0rd!#x
auth = plain
tls = on
ca_file = $CERTS/ca.pem
INI
	chmod 600 "$1"
}

t_send_panel() {
	local lang=$1 f=$T_DIR/mail.ini
	LANG_UI=$lang
	start_smtpd "ok-$lang" --maildir "$T_DIR/received" || return
	send_config "$f" "$PORT"
	ui_start "$lang" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F5
	wait_for "$(msg 宛先 Recipient)" || return
	keys Enter
	# the dialogue appears line by line, then the verdict
	wait_for "C MAIL FROM:<noreply@example.com>" || return
	wait_for "queued as" || return
	wait_for "✓" || return
	not_on_screen "p@ss" "the password"
	# scrolled back, the AUTH line shows, redacted
	local i=0
	screen
	while ! grep -qF "C AUTH PLAIN ********" "$T_DIR/screen" && [ $i -lt 40 ]; do
		keys Up
		sleep 0.05
		screen
		i=$((i + 1))
	done
	on_screen "C AUTH PLAIN ********" || fail "scrolling the dialogue never showed AUTH PLAIN ********: $(screen_flat)"
	not_on_screen "p@ss" "the password"
	ls "$T_DIR/received"/*.eml >/dev/null 2>&1 || fail "the server received no message"
	# s saves the dialogue next to the configuration file
	keys s
	wait_for "mailset-test-send-" || return
	local saved
	saved=$(ls "$T_DIR"/mailset-test-send-*.txt 2>/dev/null | head -n 1)
	if [ -z "$saved" ]; then
		fail "no saved dialogue in $T_DIR"
	else
		[ "$(stat -c %a "$saved")" = 600 ] || fail "the saved dialogue is mode $(stat -c %a "$saved")"
		grep -q "queued as" "$saved" || fail "the saved dialogue lacks the server's answer"
		grep -q "p@ss" "$saved" && fail "the saved dialogue holds the password"
		grep -q "$(printf 'p@ss w0rd!#x' | base64)" "$saved" && fail "the saved dialogue holds the base64 password"
	fi
	keys F10
	wait_exit || return
	expect_rc 0
}

# F6 from any pane: the test pane opens and logs in without sending; then a
# server without the configured login method is named, not "sent".
t_probe() {
	local lang=$1 f=$T_DIR/mail.ini
	LANG_UI=$lang
	start_smtpd "probe-$lang" --maildir "$T_DIR/received" || return
	send_config "$f" "$PORT"
	ui_start "$lang" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F6
	wait_for "S 235" || return
	wait_for "C QUIT" || return
	wait_for "✓" || return
	not_on_screen "C MAIL FROM" "a MAIL FROM"
	not_on_screen "p@ss" "the password"
	ls "$T_DIR/received"/*.eml >/dev/null 2>&1 && fail "the probe delivered a message"
	keys F10
	wait_exit || return
	expect_rc 0
}

t_probe_mech() {
	local lang=$1 f=$T_DIR/mail.ini
	LANG_UI=$lang
	start_smtpd "login-$lang" --auth-mechs LOGIN || return
	send_config "$f" "$PORT"
	ui_start "$lang" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F6
	wait_for "✗" || return
	on_screen "LOGIN" || fail "the verdict does not name LOGIN: $(screen_flat)"
	not_on_screen "C AUTH" "an AUTH command"
	keys F10
	wait_exit || return
	expect_rc 0
}

t_send_cancel() {
	local f=$T_DIR/mail.ini
	LANG_UI=en
	start_smtpd silent --silent || return
	send_config "$f" "$PORT"
	ui_start en 80 24 MAILSET_SMTP_TIMEOUT=60 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F5
	wait_for "Recipient" || return
	keys Enter
	wait_for "Connected to" || return
	wait_for "Sending..." || return
	local t0 t1
	t0=$(date +%s%N)
	keys Escape
	wait_for "Cancelled" 2 || return
	t1=$(date +%s%N)
	local ms=$(( (t1 - t0) / 1000000 ))
	[ "$ms" -le 1000 ] || fail "the send stopped only after $ms ms"
	# control is back: the panes respond at once
	keys PPage
	wait_for "Contract options" 1 || return
	keys F10
	wait_exit || return
	expect_rc 0
}

# The network code runs in the helper mailset-smtp, not in the editor: the
# editor maps neither libcurl nor OpenSSL (nor c-ares, libpsl), the helper
# does (which proves the check sees them), the helper's command line and
# environment hold no password, and a helper that crashes in the middle of
# a send leaves the editor running with its unsaved edits.
NET_LIBS='libcurl|libssl|libcrypto|libcares|libpsl|libnghttp2|libssh2|libldap|libgssapi'
t_net_wall() {
	local f=$T_DIR/mail.ini
	LANG_UI=en
	start_smtpd wall --silent || return
	send_config "$f" "$PORT"
	ui_start en 80 24 MAILSET_SMTP_TIMEOUT=60 -- -c "$f"
	edit_contact || return
	local pane ed helper
	pane=$(tm display-message -p -t "$S" '#{pane_pid}')
	ed=$(pgrep -P "$pane" | head -n 1)
	[ -n "$ed" ] && [ -r "/proc/$ed/maps" ] || { fail "cannot find the editor's process"; return; }
	grep -Eq "$NET_LIBS" "/proc/$ed/maps" &&
		fail "the editor maps $(grep -Eo "$NET_LIBS" "/proc/$ed/maps" | sort -u | tr '\n' ' ')"
	keys F5
	wait_for "Recipient" || return
	keys Enter
	wait_for "Connected to" || return
	helper=$(pgrep -P "$ed" | head -n 1)
	[ -n "$helper" ] || { fail "no helper process under the editor"; return; }
	[ "$(basename "$(readlink "/proc/$helper/exe")")" = mailset-smtp ] ||
		fail "the editor's child is $(readlink "/proc/$helper/exe"), not mailset-smtp"
	grep -q libcurl "/proc/$helper/maps" || fail "the helper does not map libcurl"
	grep -Eq "$NET_LIBS" "/proc/$ed/maps" && fail "the editor maps a network library during the send"
	tr '\0' '\n' <"/proc/$helper/cmdline" | grep -qF 'w0rd' && fail "the helper's command line holds the password"
	tr '\0' '\n' <"/proc/$helper/environ" | grep -qF 'w0rd' && fail "the helper's environment holds the password"
	# the network process dies (SIGKILL: a sanitised build would turn a
	# SIGSEGV into its own report and exit): the editor says so and keeps
	# the edits
	kill -KILL "$helper"
	wait_for "(Killed)" || return
	expect_running
	keys F10
	wait_for "[S] Save and quit" || return
	on_screen "shop@example.jp" "the quit question's list of changes"
	keys s
	wait_exit || return
	expect_rc 0
	grep -q '^contact_email = shop@example.jp' "$f" || fail "the edit was not saved after the helper crashed"
}


# ------------------------------------------------- real data at 80 columns

# A 38-character address: its start shows, with "…" where it is cut; the
# focused field shows "…" on the side that is cut.
t_long_value() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini long=customer-support@my-shop-example.co.jp
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys C-u
	type_text "$long"
	# (the frame after Ctrl-U alone may come first: wait for the text)
	wait_for '.co.jp' || return
	on_screen "$(msg '* 未保存' '* unsaved')" "the title"
	grep -qE '…[^ ]*\.co\.jp' "$T_DIR/screen" || fail "the focused value's cut start has no …: $(screen_flat)"
	keys Down
	wait_for "customer-support@my-sh" || return
	grep -qE 'customer-support@my-sh[^ ]*…' "$T_DIR/screen" ||
		fail "the value's cut end has no …: $(screen_flat)"
	keys F10
	wait_for "$(msg '[S] 保存して終了' '[S] Save and quit')" || return
	keys d
	wait_exit
}

# Three addresses pasted into the BCC: three addresses, the server and port
# untouched, the focus still on the BCC.
t_paste_bcc() {
	LANG_UI=en
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys Down Down Down
	wait_for '▸BCC' || return
	printf 'a@shop-example.jp\nb@shop-example.jp\nc@shop-example.jp\n' >"$T_DIR/paste"
	tm load-buffer "$T_DIR/paste"
	tm paste-buffer -p -t "$S"
	wait_for '* unsaved' || return
	on_screen '▸BCC' "the focus after the paste"
	keys F2
	wait_for 'Saved' || return
	grep -qx 'bcc = a@shop-example.jp,b@shop-example.jp,c@shop-example.jp' "$f" ||
		fail "bcc: $(grep '^bcc' "$f")"
	grep -qx 'host = 127.0.0.1' "$f" || fail "host: $(grep '^host' "$f")"
	grep -qx 'port = 2525' "$f" || fail "port: $(grep '^port' "$f")"
	# elsewhere a pasted line break is left out, and said so
	keys Up Up Up
	tm load-buffer "$T_DIR/paste"
	tm paste-buffer -p -t "$S"
	wait_for 'line breaks of the pasted text were left out' || return
	keys F10
	wait_for '[S] Save and quit' || return
	keys d
	wait_exit
}

# 80x22 (a terminal with a tmux or screen status line): the editor works.
t_small_80x22() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$LANG_UI" 80 22 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	not_on_screen "$(msg '小さすぎ' 'too small')"
	keys NPage
	wait_for "$(msg 'TLS認証' 'TLS')" || return
	keys F10
	wait_exit || return
	expect_rc 0
}

# Esc puts the focused field back as it is in the file.
t_esc_reverts() {
	LANG_UI=en
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	edit_contact || return
	keys Escape
	wait_gone '* unsaved' || return
	on_screen 'support@example.com' "the field after Esc"
	on_screen 'back to the saved value' "the status after Esc"
	keys F10
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f" "the file"
}

# The quit question lists what would be saved; the arrows choose a button
# and Enter presses it.
t_quit_lists_changes() {
	LANG_UI=$1
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start "$LANG_UI" 80 24 -- -c "$f"
	edit_contact || return
	keys F10
	wait_for "support@example.com → shop@example.jp" || return
	# Save and quit is chosen first; → → chooses Cancel
	keys Right Right Enter
	wait_gone "$(msg '未保存の変更' 'Unsaved changes')" || return
	expect_running
	keys F10
	wait_for "$(msg '[D] 破棄して終了' '[D] Discard and quit')" || return
	keys Right Enter
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f" "the file after Discard"
}

# The wizard on an existing file starts from its values: Enter through the
# provider step keeps the server and port.
t_wizard_existing() {
	LANG_UI=en
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 80 24 -- -c "$f" --wizard
	wait_for 'Choose a common setup' || return
	keys Enter Enter Enter Enter
	wait_for 'Mail provider' || return
	grep -q '▸ Other' "$T_DIR/screen" || fail "the provider chosen is not 'Other': $(screen_flat)"
	keys Enter
	wait_for 'SMTP server' || return
	on_screen '127.0.0.1' "the server after the provider step"
	on_screen '2525' "the port after the provider step"
	keys Escape
	wait_for 'Quit the setup' || return
	keys y
	wait_exit || return
	expect_same "$FIXTURE" "$f" "the file"
}

# The BCC list (F7 on the BCC field): an address added, one deleted, each
# checked; the field and the file get the list.
t_bcc_list() {
	LANG_UI=en
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys Down Down Down
	wait_for 'F7 BCC list' || return
	keys F7
	wait_for 'no address yet' || return
	keys a
	type_text 'not an address'
	keys Enter
	wait_for 'not an address:' || return
	keys C-u
	type_text 'a@shop-example.jp'
	keys Enter
	wait_for '▸ a@shop-example.jp' || return
	keys a
	type_text 'b@shop-example.jp'
	keys Enter
	wait_for '▸ b@shop-example.jp' || return
	keys Up d
	wait_gone 'a@shop-example.jp' || return
	keys Escape
	wait_gone 'The BCC list' 2>/dev/null
	keys F2
	wait_for 'Saved' || return
	grep -qx 'bcc = b@shop-example.jp' "$f" || fail "bcc: $(grep '^bcc' "$f")"
	keys F10
	wait_exit || return
	expect_rc 0
}

# The shop-like test (F8): a message to the customer and a notification to
# the contact address, both delivered; then the guide's checks by hand.
t_shop_test() {
	local f=$T_DIR/mail.ini
	LANG_UI=en
	start_smtpd shop --maildir "$T_DIR/received" || return
	send_config "$f" "$PORT"
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F5
	wait_for 'Recipient' || return
	keys C-u
	type_text 'customer@example.net'
	keys F8
	wait_for '2/2 (to the contact address)' 20 || return
	wait_for '✓' || return
	local n
	n=$(ls "$T_DIR/received"/*.eml 2>/dev/null | wc -l)
	[ "$n" = 2 ] || fail "the server received $n messages, not 2"
	grep -l 'customer@example.net' "$T_DIR/received"/*.eml >/dev/null ||
		fail "no message to the customer"
	grep -l 'To: <support@example.com>' "$T_DIR/received"/*.eml >/dev/null ||
		fail "no notification to the contact address"
	keys s
	wait_for "mailset-test-send-" || return
	grep -q 'password reset' "$T_DIR"/mailset-test-send-*.txt ||
		fail "the saved report lacks the guide's checks"
	keys F10
	wait_exit || return
	expect_rc 0
}

# Hosts in the shape of a provider's template are checked against it, as
# they are typed.
t_template_hosts() {
	LANG_UI=en
	local f=$T_DIR/mail.ini
	fixture "$f"
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys NPage
	wait_for '▸SMTP server' || return
	keys C-u
	type_text 'svsv12345.xserver.jp'
	wait_for 'written twice' || return
	keys C-u
	type_text 'mail.onamae.ne.jp'
	wait_for 'server number is missing' || return
	keys C-u
	type_text 'sv12345.xserver.jp'
	wait_gone 'server number is missing' || return
	not_on_screen 'written twice'
	keys Escape
	wait_for '127.0.0.1' || return
	keys F10
	wait_exit || return
	expect_rc 0
	expect_same "$FIXTURE" "$f" "the file"
}

# The guide's setup 3 (a BCC to a helpdesk) is added to 1 or 2 with Space:
# the addresses step then asks for the BCC too.
t_wizard_setup3() {
	LANG_UI=en
	local f=$T_DIR/new.ini
	ui_start en 80 24 -- -c "$f"
	wait_for 'Choose a common setup' || return
	keys Down Down
	wait_for '▸ [ ] 3.' || return
	keys Space
	wait_for '▸ [x] 3.' || return
	on_screen '(●) 2.' "setup 2 kept while 3 is added"
	keys Enter
	wait_for 'Mail addresses' || return
	on_screen 'BCC for automatic mail' "the addresses step with setup 3"
	keys Escape
	wait_for 'Quit the setup' || return
	keys y
	wait_exit || return
	[ -e "$f" ] && fail "an abandoned setup left $f"
}

# ------------------------------------------- what goes to the terminal

# ptybytes RUN... -- ARGS: tests/ui/ptybytes.py on mailset at 80x24 (English),
# its stderr in $T_DIR/err; the steps in $T_DIR/steps.
ptybytes() {
	local args=()
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	env -u NO_COLOR -u COLUMNS -u LINES -u LC_ALL -u LC_MESSAGES TERM=xterm-256color \
		LANG=C.UTF-8 LANGUAGE=en HOME="$HOME" MAILSET_DATADIR="$MAILSET_DATADIR" \
		MAILSET_LOCALEDIR="$MAILSET_LOCALEDIR" \
		/usr/bin/python3 "$UI_DIR/ptybytes.py" 80x24 "${args[@]}" -- \
		sh -c 'exec "$@" 2>"$0"' "$T_DIR/err" "$MAILSET" "$@" >"$T_DIR/steps" ||
		fail "ptybytes.py failed: $(head -c 300 "$T_DIR/steps")"
}

# The 0-based row of the first line of a golden screen that holds TEXT.
golden_row() {
	local n
	n=$(grep -nF -m1 -- "$2" "$UI_DIR/screens/$1.txt" | cut -d: -f1)
	echo $((${n:-0} - 1))
}

# Field value of a step line: step_field N NAME (N: 0 the first frame).
step_field() {
	sed -n "$(($1 + 1))p" "$T_DIR/steps" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# Curses sends what changed on the screen, no more: a keystroke in a field
# costs its echo; a message appearing (or going) as a key is typed takes the
# rows kept for messages and leaves the fields below where they are; a move
# between two fields of a section rewrites those two rows and the help,
# nothing else, and scrolls nothing. Byte counts are deterministic for a
# given curses: the bounds are three times what the editor sends now.
t_output_bytes() {
	local f=$T_DIR/mail.ini g=first_en_80x24 foot n prev rows r b rb other bytes
	fixture "$f"
	ptybytes x y Space BSpace Tab Tab Tab Tab Tab Tab Tab -- -c "$f"
	sanitizer_check "$T_DIR/err" "mailset (ptybytes.py)"
	[ -n "$T_WHY" ] && return
	# the footer: the rows under the box
	foot=$(($(golden_row $g '└') + 1))
	[ "$(step_field 0 cursor)" = "$(golden_row $g 'Contact email')" ] ||
		fail "the first frame leaves the cursor on row $(step_field 0 cursor), not on the contact address"
	[ "$(step_field 2 bytes)" -le 3 ] ||
		fail "a typed character cost $(step_field 2 bytes) bytes (1 is its echo)"
	# 3: a space makes the address invalid, 4: Backspace makes it valid again
	for n in 3 4; do
		[ "$(step_field $n moved)" = 0 ] && [ -n "$(step_field $n rows)" ] ||
			fail "step $n ($(sed -n "$((n + 1))p" "$T_DIR/steps")): the screen scrolled or nothing was written"
		rows=$(step_field $n rows)
		for other in 'System mail sender' 'Sender display name' 'BCC for automatic mail'; do
			r=$(golden_row $g "$other")
			case ",$rows" in *",$r:"*)
				fail "a message appearing or going while typing in the contact address rewrote the row of '$other' (row $r): $(sed -n "$((n + 1))p" "$T_DIR/steps")" ;;
			esac
		done
	done
	# 5-7: Basic settings, 8: to the SMTP settings, 9-11: SMTP settings
	prev=$(step_field 4 cursor)
	for n in 5 6 7 8 9 10 11; do
		if [ $n != 8 ]; then
			[ "$(step_field $n moved)" = 0 ] ||
				fail "Tab $((n - 4)): the screen scrolled: $(sed -n "$((n + 1))p" "$T_DIR/steps")"
			bytes=0
			for rb in $(step_field $n rows | tr ',' ' '); do
				r=${rb%:*} b=${rb#*:}
				[ "$r" -ge "$foot" ] && continue
				bytes=$((bytes + b))
				[ "$r" = "$prev" ] || [ "$r" = "$(step_field $n cursor)" ] ||
					fail "Tab $((n - 4)) from row $prev to row $(step_field $n cursor) rewrote row $r: $(sed -n "$((n + 1))p" "$T_DIR/steps")"
			done
			[ "$bytes" -le 378 ] ||
				fail "Tab $((n - 4)) sent $bytes bytes for the two fields' rows (at most 378, 3 x 126)"
		fi
		[ "$(step_field $n bytes)" -lt "$(step_field 0 bytes)" ] ||
			fail "Tab $((n - 4)) sent $(step_field $n bytes) bytes, as much as a whole screen"
		prev=$(step_field $n cursor)
	done
}

# F9 hides the fields' help text (a slow link): a move between two fields
# then costs its two rows, less than dialog --form's move (113 bytes in
# make bench); F9 again shows the help of the field the cursor is on.
t_help_hidden() {
	local f=$T_DIR/mail.ini n rb bytes
	fixture "$f"
	ptybytes F9 Tab Tab Tab F9 -- -c "$f"
	sanitizer_check "$T_DIR/err" "mailset (ptybytes.py)"
	[ -n "$T_WHY" ] && return
	# Tab 3 comes to the BCC field, whose F7 the key bar then shows: the
	# bar's row (23) is not the move's
	for n in 2 3 4; do
		bytes=0
		for rb in $(step_field $n rows | tr ',' ' '); do
			[ "${rb%:*}" = 23 ] || bytes=$((bytes + ${rb#*:}))
		done
		[ "$bytes" -gt 0 ] && [ "$bytes" -le 113 ] ||
			fail "with the help hidden, Tab $((n - 1)) sent $bytes bytes (dialog --form: 113): $(sed -n "$((n + 1))p" "$T_DIR/steps")"
	done
	[ "$(step_field 5 bytes)" -gt 113 ] ||
		fail "F9 again sent only $(step_field 5 bytes) bytes: the help text did not come back"
	# what the screen says, in tmux
	LANG_UI=en
	ui_start en 80 24 -- -c "$f"
	wait_for "$KEYBAR_LAST" || return
	keys F9
	wait_for "help text is hidden: F9 shows it" || return
	keys Tab
	wait_for "▸System mail sender" || return
	not_on_screen "From address of the mail the shop sends" "the hidden help"
	keys F9
	wait_for "From address of the mail the shop sends" || return
	keys F10
	wait_exit || return
	expect_rc 0
}

# The first frame in a few write()s: ncurses 6.4 flushes at every cursor
# move until its screen has been through endwin(); term_open() sees to it.
t_first_frame_writes() {
	local f=$T_DIR/mail.ini w
	fixture "$f"
	# LeakSanitizer cannot run under strace's ptrace: this launch only counts
	ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 ptybytes --strace "$T_DIR/strace" -- -c "$f"
	w=$(step_field 0 writes)
	if [ -z "$w" ] || [ "$w" = 0 ]; then
		fail "no write() counted under strace: $(head -c 300 "$T_DIR/strace")"
		return
	fi
	[ "$w" -le 8 ] || fail "the first frame took $w write()s to the terminal (at most 8)"
	sanitizer_check "$T_DIR/err" "mailset (ptybytes.py under strace)"
}

# ------------------------------------------------------------- the list

START=$(date +%s.%N)

for lang in ja en; do
	for size in 80x22 80x24 120x40; do
		run_test "first_screen_${lang}_$size" t_first_screen "$lang" "${size%x*}" "${size#*x}"
	done
done

run_test edit_sender_name_ja t_edit_sender_name ja
run_test edit_sender_name_en t_edit_sender_name en
run_test home_end_sequences t_home_end_sequences
run_test save_refused_focus_to_bad_field t_save_refused_focus en

run_test preset_xserver_ja t_preset_xserver ja
run_test preset_xserver_en t_preset_xserver en

run_test quit_dialog_cancel_then_discard t_quit_cancel_discard ja F10
run_test quit_dialog_cancel_then_discard_en t_quit_cancel_discard en F10
run_test quit_dialog_save t_quit_save ja
run_test quit_dialog_save_en t_quit_save en
run_test quit_clean_f10_no_dialog t_quit_clean ja F10
run_test quit_ctrl_q_dialog t_quit_cancel_discard ja C-q
run_test quit_clean_ctrl_q_no_dialog t_quit_clean en C-q
run_test quit_edit_undone_no_dialog t_quit_edit_undone en
run_test save_noop_ja t_save_noop ja
run_test save_noop_en t_save_noop en

run_test resize_too_small_ja t_resize ja
run_test resize_too_small_en t_resize en
run_test resize_with_dialog_open t_resize_dialog en

run_test wizard_ja_pattern2_xserver_save t_wizard_save
run_test wizard_ja_back_keeps_values t_wizard_back
run_test wizard_ja_escape_no_goes_on t_wizard_escape n
run_test wizard_ja_escape_yes_quits t_wizard_escape y

run_test term_dumb t_bad_term dumb
run_test term_bogus t_bad_term bogus
run_test no_color t_no_color
run_test color_by_default t_color

run_test help_f1_ja t_help ja
run_test help_f1_en t_help en

run_test send_panel_ja t_send_panel ja
run_test send_panel_en t_send_panel en
run_test send_cancel_silent_server t_send_cancel
run_test network_helper_wall t_net_wall
run_test probe_f6_ja t_probe ja
run_test probe_f6_en t_probe en
run_test probe_f6_login_only_ja t_probe_mech ja

run_test long_value_marked_ja t_long_value ja
run_test long_value_marked_en t_long_value en
run_test paste_three_lines_into_bcc t_paste_bcc
run_test usable_at_80x22_ja t_small_80x22 ja
run_test usable_at_80x22_en t_small_80x22 en
run_test esc_reverts_field t_esc_reverts
run_test quit_lists_changes_ja t_quit_lists_changes ja
run_test quit_lists_changes_en t_quit_lists_changes en
run_test wizard_existing_keeps_values t_wizard_existing
run_test bcc_list_add_delete t_bcc_list
run_test shop_like_test_two_messages t_shop_test
run_test template_shaped_hosts_refused t_template_hosts
run_test wizard_setup3_added_to_2 t_wizard_setup3
run_test output_bytes_per_key t_output_bytes
run_test help_hidden_f9 t_help_hidden
if strace -f -o /dev/null true >/dev/null 2>&1; then
	run_test first_frame_writes t_first_frame_writes
else
	skip first_frame_writes "strace is not installed or may not trace here"
fi

END=$(date +%s.%N)
echo "# ui.sh took $(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }') s" >&2

finish
