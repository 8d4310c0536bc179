# SPDX-License-Identifier: MIT
# tests/lib.sh - helpers for the command-line tests (sourced by bash).
#
# A test is:   if begin NAME; then ...commands and expect_* checks...; end; fi
# (a case function run by a runner does `begin "$name" || return 0`).
# end prints "PASS NAME" or "FAIL NAME: first reason" (run.sh counts them).
# skip NAME WHY prints "SKIP NAME: WHY" (counted apart, never as a pass).
#
# ONLY=REGEX (`make check ONLY=starttls`, or `ONLY=... bash tests/X.sh`):
# only the cases whose names match REGEX (bash =~, an extended regular
# expression, unanchored) run; begin returns false for the others and skip
# says nothing about them. `want NAME...` asks the same question, e.g. to
# leave out the set-up only some cases need. Set-up failures (a server that
# does not start) are reported whatever ONLY says.
#
# ms ARGS...   runs $MAILSET with stdin from $MS_STDIN (default /dev/null),
#              stdout in $T_DIR/out, stderr in $T_DIR/err, status in $RC.
#              A sanitizer report on stderr fails the current test.

# shellcheck shell=bash

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd)

# Set by `make check`; these defaults serve a direct `bash tests/cli.sh`.
: "${MAILSET:=$REPO_DIR/build/asan/mailset}"
: "${MAILSET_DATADIR:=$REPO_DIR/share/mailset}"
: "${MAILSET_LOCALEDIR:=$REPO_DIR/build/locale}"
export MAILSET_DATADIR MAILSET_LOCALEDIR
case $MAILSET in /*) ;; *) MAILSET=$PWD/$MAILSET ;; esac
# LIB_NO_MAILSET=1: a suite that does not run mailset (smtpd-selftest.sh).
if [ -z "${LIB_NO_MAILSET:-}" ] && [ ! -x "$MAILSET" ]; then
	echo "FAIL $(basename "$0" .sh): $MAILSET is not built"
	exit 1
fi

export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/mailset-test.XXXXXX")
chmod 755 "$TMPROOT"
LIB_MOUNTS=()
LIB_USERS=()
lib_cleanup() {
	local m u
	for m in "${LIB_MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for u in "${LIB_USERS[@]}"; do
		pkill -KILL -u "$u" 2>/dev/null
		userdel "$u" 2>/dev/null
	done
	rm -rf "$TMPROOT"
}

# lib_user: make a local user of its own (no home, no login) for this run,
# removed at exit; its name is in $LIB_USER. Needs root and useradd. (Not
# in $(...): the list of users to remove is this shell's.)
lib_user() {
	LIB_USER=mst$$x${#LIB_USERS[@]}
	useradd -M -r -U -s /usr/sbin/nologin -d /nonexistent "$LIB_USER" >/dev/null 2>&1 || return 1
	LIB_USERS+=("$LIB_USER")
}

# as_user USER CMD...: run CMD as USER (its own group only).
as_user() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$u" --clear-groups "$@"
}
trap lib_cleanup EXIT
trap 'exit 130' INT TERM

# A predictable environment: English, no configuration from the caller.
unset MAILSET_CONFIG XDG_CONFIG_HOME LANGUAGE LC_ALL LC_MESSAGES
export LANG=C
export HOME=$TMPROOT/home
mkdir -p "$HOME"
umask 022

T_NAME=
T_WHY=
T_DIR=
RC=
MS_STDIN=/dev/null

# note TEXT...: a figure for the log ("# TEXT"), never a verdict.
note() { echo "# $*"; }

# want NAME...: true when ONLY is unset or matches one of the NAMEs.
want() {
	[ -z "${ONLY:-}" ] && return 0
	local n
	for n; do
		[[ $n =~ $ONLY ]] && return 0
	done
	return 1
}

# begin NAME: start the case NAME; false (and nothing to end) when ONLY
# leaves it out.
begin() {
	T_NAME=
	want "$1" || return 1
	T_NAME=$1
	T_WHY=
	T_DIR=$(mktemp -d "$TMPROOT/t.XXXXXX")
	chmod 755 "$T_DIR"
}

fail() {
	[ -z "$T_WHY" ] && T_WHY=$*
	return 0
}

end() {
	[ -n "$T_NAME" ] || return 0 # not begun (left out by ONLY)
	if [ -z "$T_WHY" ]; then
		echo "PASS $T_NAME"
	else
		echo "FAIL $T_NAME: $T_WHY"
		LIB_FAILED=$((LIB_FAILED + 1))
		if [ -n "$VERBOSE" ] && [ -f "$T_DIR/err" ]; then
			sed 's/^/    stderr: /' "$T_DIR/err" | head -20
		fi
	fi
	rm -rf "$T_DIR"
	T_NAME=
}

LIB_FAILED=0
# Last line of a test script: its exit status says whether anything failed.
finish() {
	[ "$LIB_FAILED" -eq 0 ]
	exit $?
}

skip() {
	want "$1" || return 0
	echo "SKIP $1: $2"
}

# Run mailset. Extra environment: prefix the call with `env VAR=... ` via
# MS_ENV (an array), e.g. MS_ENV=(MAILSET_CONFIG=/x); ms get smtp.host
MS_ENV=()
ms() {
	timeout -k 5 60 env "${MS_ENV[@]}" "$MAILSET" "$@" \
		<"$MS_STDIN" >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
	if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
		fail "mailset $* timed out"
	fi
	sanitizer_check "$T_DIR/err" "mailset $*"
	return 0
}

# ms with the given text (printf %b format) on standard input.
ms_input() {
	local text=$1
	shift
	printf '%b' "$text" >"$T_DIR/stdin"
	MS_STDIN=$T_DIR/stdin ms "$@"
	MS_STDIN=/dev/null
}

sanitizer_check() {
	if grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: UndefinedBehaviorSanitizer' "$1" 2>/dev/null; then
		fail "sanitizer report from $2: $(grep -m1 -E 'ERROR|runtime error' "$1")"
		# Keep the report visible in the log.
		sed 's/^/    /' "$1" | head -40 >&2
	fi
}

out() { cat "$T_DIR/out"; }
err() { cat "$T_DIR/err"; }

expect_rc() {
	[ "$RC" = "$1" ] || fail "${2:-mailset} exited $RC, expected $1 (stderr: $(head -c 300 "$T_DIR/err" | tr '\n' '|'))"
}

# Exact standard output (a trailing newline is implied, as in printf '%s\n').
expect_out() {
	printf '%s\n' "$1" >"$T_DIR/want"
	cmp -s "$T_DIR/want" "$T_DIR/out" ||
		fail "stdout is '$(head -c 300 "$T_DIR/out" | tr '\n' '|')', expected '$(tr '\n' '|' <"$T_DIR/want")'"
}

expect_out_empty() {
	[ -s "$T_DIR/out" ] && fail "stdout not empty: '$(head -c 200 "$T_DIR/out" | tr '\n' '|')'"
	return 0
}

expect_err_nonempty() {
	[ -s "$T_DIR/err" ] || fail "nothing on stderr"
}

# Fixed-string searches.
expect_out_has() {
	grep -qF -- "$1" "$T_DIR/out" || fail "stdout lacks '$1' (got '$(head -c 300 "$T_DIR/out" | tr '\n' '|')')"
}
expect_err_has() {
	grep -qF -- "$1" "$T_DIR/err" || fail "stderr lacks '$1' (got '$(head -c 300 "$T_DIR/err" | tr '\n' '|')')"
}
expect_any_has() {
	cat "$T_DIR/out" "$T_DIR/err" | grep -qF -- "$1" ||
		fail "output lacks '$1' (got '$(cat "$T_DIR/out" "$T_DIR/err" | head -c 300 | tr '\n' '|')')"
}
expect_nowhere() {
	cat "$T_DIR/out" "$T_DIR/err" | grep -qF -- "$1" && fail "output contains '$1'"
	return 0
}

# test-send: the verdict is the last line of stdout, kept in $VERDICT.
# expect_exit N: mailset's exit status, with the verdict in the reason.
expect_exit() {
	[ "$RC" = "$1" ] || fail "mailset exited $RC, expected $1 (verdict: '$VERDICT'; stderr: '$(head -c 200 "$T_DIR/err" | tr '\n' '|')')"
}

# expect_verdict ok|fail PHRASE...: the verdict line starts with ✓ (ok) or
# ✗ (fail) and holds each phrase (case does not matter).
expect_verdict() {
	local want=$1 mark p
	shift
	[ "$want" = ok ] && mark=✓ || mark=✗
	case $VERDICT in
	"$mark "*) ;;
	*) fail "verdict line '$VERDICT' does not start with $mark" ;;
	esac
	for p in "$@"; do
		[[ ${VERDICT,,} == *"${p,,}"* ]] || fail "verdict '$VERDICT' lacks '$p'"
	done
}

# verdict_lacks PHRASE: the verdict does not hold PHRASE.
verdict_lacks() {
	[[ ${VERDICT,,} == *"${1,,}"* ]] && fail "verdict '$VERDICT' holds '$1'"
	return 0
}

# free_port: a port number to try (the caller retries when it is taken).
free_port() { echo $((20000 + (RANDOM * 32768 + RANDOM) % 40000)); }

# start_dnsmasq CONF DIR WHO: a private dnsmasq on 127.0.0.1 that serves
# CONF only (no upstream servers, no hosts file); its pid file, log and
# stderr in DIR. Sets DNS_PORT and DNS_PID; a few ports are tried. WHO
# names the test in the FAIL line printed when it cannot start.
start_dnsmasq() {
	local conf=$1 dir=$2 who=$3 i
	for _ in 1 2 3 4 5 6; do
		DNS_PORT=$(free_port)
		rm -f "$dir/pid"
		"${DNSMASQ:-/usr/sbin/dnsmasq}" --keep-in-foreground --port="$DNS_PORT" \
			--listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
			--conf-file="$conf" --pid-file="$dir/pid" --log-facility="$dir/log" \
			2>"$dir/err" &
		DNS_PID=$!
		for i in $(seq 1 60); do
			kill -0 "$DNS_PID" 2>/dev/null || break
			[ -s "$dir/pid" ] && return 0
			sleep 0.05
		done
		if kill -0 "$DNS_PID" 2>/dev/null; then
			kill "$DNS_PID"
			wait "$DNS_PID" 2>/dev/null
			DNS_PID=
			echo "FAIL $who: dnsmasq did not start (no pid file)"
			return 1
		fi
		wait "$DNS_PID" 2>/dev/null
		DNS_PID=
		grep -q 'in use' "$dir/err" || break
	done
	echo "FAIL $who: dnsmasq did not start: $(head -c 300 "$dir/err" | tr '\n' '|')"
	return 1
}

# Files.
expect_same() {
	cmp -s "$1" "$2" || fail "${3:-$2} differs from ${1}: $(diff "$1" "$2" | head -8 | tr '\n' '|')"
}
expect_mode() {
	local m
	m=$(stat -c %a "$1" 2>/dev/null)
	[ "$m" = "$2" ] || fail "mode of $1 is '$m', expected $2"
}

# The only entries of a directory, sorted, as one line.
dir_list() {
	(cd "$1" && LC_ALL=C ls -A | tr '\n' ' ')
}

# Write a file from printf-%b text with mode 0600.
mkfile() {
	printf '%b' "$2" >"$1"
	chmod 600 "$1"
}

# A valid configuration used by many tests.
VALID_INI='; mailset test configuration
[basic]
contact_email = support@example.com
system_email = noreply@example.com
system_sender_name = Example Shop
bcc =

[smtp]
host = smtp.example.com
port = 587
username = noreply@example.com
password = secret123
auth = plain
tls = on
'
mkvalid() {
	printf '%s' "$VALID_INI" >"$1"
	chmod 600 "$1"
}

# json_expect EXPR...: stdout is one strict JSON document (python3 -m
# json.tool reads it) and each Python expression EXPR over it (d) is true.
json_expect() {
	if ! /usr/bin/python3 -m json.tool "$T_DIR/out" >/dev/null 2>"$T_DIR/json.err"; then
		fail "stdout is not one JSON document ($(head -c 120 "$T_DIR/json.err")): $(head -c 200 "$T_DIR/out" | tr '\n' '|')"
		return 0
	fi
	local e
	for e; do
		/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T_DIR/out" "$e" 2>/dev/null ||
			fail "JSON: not ($e): $(head -c 400 "$T_DIR/out")"
	done
}
