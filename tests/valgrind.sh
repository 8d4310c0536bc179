#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/valgrind.sh - the Check unit tests under valgrind (issue 5: "a
# valgrind pass over the unit tests; zero reports").
#
# valgrind and AddressSanitizer do not mix, so the unit tests are built again
# without sanitizers into $B/valgrind/ (B: make's build directory, from
# MAILSET_B; build by default): the very commands the Makefile runs for
# $BA/tests/* (asked with `make -n -B V=1`), with gcc, -O0 and no -fsanitize
# options. Each test binary then runs in one process
# (CK_FORK=no) under
#   valgrind --error-exitcode=99 --leak-check=full
#            --errors-for-leak-kinds=definite,indirect --track-fds=no -q
# PASS valgrind-NAME when valgrind reports nothing and every check passed.
# SKIP when valgrind is not installed.
#
# Environment: MAILSET_PROP_N (default 40) candidates per field for
# check_property; MAILSET_UI_KEY_STEP (default 7) for check_ui; VALGRIND_TESTS="check_a check_b" to run only those (or
# ONLY=valgrind-check_a, which leaves out the building of the others too).

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	skip valgrind "valgrind is not installed (Debian package valgrind)"
	exit 0
fi
CC=${VALGRIND_CC:-gcc}
if ! command -v "$CC" >/dev/null 2>&1; then
	skip valgrind "$CC is not installed"
	exit 0
fi

cd "$REPO_DIR" || exit 1
B=${MAILSET_B:-build}
BA=${MAILSET_BA:-$B/asan}
VB=$B/valgrind
LOG=$TMPROOT/valgrind
mkdir -p "$VB" "$LOG"

if [ -n "$VALGRIND_TESTS" ]; then
	read -r -a tests <<<"$VALGRIND_TESTS"
else
	tests=()
	for f in tests/check_*.c; do
		t=${f#tests/}
		tests+=("${t%.c}")
	done
fi
[ "${#tests[@]}" -gt 0 ] || {
	echo "FAIL valgrind: no tests/check_*.c"
	exit 1
}
# Only what ONLY wants is built and run.
wanted=()
for t in "${tests[@]}"; do
	want "valgrind-$t" && wanted+=("$t")
done
[ "${#wanted[@]}" -gt 0 ] || exit 0
tests=("${wanted[@]}")

# --- build ------------------------------------------------------------------------
# The commands make would run for the sanitised unit tests, rewritten.
[ -f "$B/paths.h" ] || make --no-print-directory -s B="$B" BA="$BA" "$B/paths.h"
targets=()
for t in "${tests[@]}"; do
	targets+=("$BA/tests/$t")
done
if ! make -n -B V=1 CC="$CC" B="$B" BA="$BA" --no-print-directory "${targets[@]}" >"$LOG/make-n" 2>"$LOG/make-n.err"; then
	echo "FAIL valgrind-build: make -n: $(head -c 300 "$LOG/make-n.err" | tr '\n' '|')"
	exit 1
fi
re_escape() { printf '%s' "$1" | sed 's/[][\\.*^$#+?(){}|]/\\&/g'; }
sed -E -e "s#$(re_escape "$BA")/#$VB/#g" \
	-e 's/ -fsanitize=[^ ]+//g; s/ -fno-sanitize-recover=[^ ]+//g' \
	-e 's/ -O[0-3sgz]?( |$)/ -O0\1/g' \
	"$LOG/make-n" | grep -E "^$CC( .*)? -o $VB/(obj|tests)/" >"$LOG/cmds"
grep -q -- '-fsanitize' "$LOG/cmds" && {
	echo "FAIL valgrind-build: a sanitizer option survived the rewrite: $(grep -m1 -- -fsanitize "$LOG/cmds")"
	exit 1
}

# out_of CMD: the file after -o.
out_of() {
	local prev='' w
	for w in $1; do
		[ "$prev" = -o ] && {
			echo "$w"
			return
		}
		prev=$w
	done
}

# stale OBJ CMD: true when OBJ must be made again: missing, made by another
# command, or older than a file its dependency file (-MMD) names.
stale() {
	local obj=$1 cmd=$2 dep
	[ -f "$obj" ] && [ -f "$obj.cmd" ] && [ -f "${obj%.o}.d" ] || return 0
	[ "$(cat "$obj.cmd")" = "$cmd" ] || return 0
	for dep in $(sed -E 's/\\$//; s/^[^:]*:( |$)//; /^$/d' "${obj%.o}.d" | tr -s ' ' '\n' | sort -u); do
		case $dep in *:) continue ;; esac
		[ "$dep" -nt "$obj" ] && return 0
	done
	return 1
}

jobs=$(nproc 2>/dev/null || echo 2)
compile_failed=
nbuilt=0
while IFS= read -r cmd; do
	case $cmd in *" -c "*) ;; *) continue ;; esac
	obj=$(out_of "$cmd")
	stale "$obj" "$cmd" || continue
	mkdir -p "$(dirname "$obj")"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	(if eval "$cmd" 2>"$obj.err"; then
		printf '%s' "$cmd" >"$obj.cmd"
		[ -s "$obj.err" ] || rm -f "$obj.err"
	else
		rm -f "$obj" "$obj.cmd"
	fi) &
	nbuilt=$((nbuilt + 1))
done <"$LOG/cmds"
wait
while IFS= read -r cmd; do
	case $cmd in *" -c "*) ;; *) continue ;; esac
	obj=$(out_of "$cmd")
	if [ ! -f "$obj" ]; then
		compile_failed=yes
		echo "FAIL valgrind-build: $obj: $(head -c 400 "$obj.err" 2>/dev/null | tr '\n' '|')"
	fi
done <"$LOG/cmds"
[ -n "$compile_failed" ] && exit 1

# Link every test (cheap), so a binary never lags behind its objects.
while IFS= read -r cmd; do
	case $cmd in *" -c "*) continue ;; esac
	bin=$(out_of "$cmd")
	mkdir -p "$(dirname "$bin")"
	if ! eval "$cmd" 2>"$LOG/link.err"; then
		echo "FAIL valgrind-build: linking $bin: $(head -c 400 "$LOG/link.err" | tr '\n' '|')"
		exit 1
	fi
done <"$LOG/cmds"

# --- run ---------------------------------------------------------------------------
# shellcheck disable=SC2054 # the comma belongs to the option
VG=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
	--track-fds=no -q)
export CK_FORK=no
export MAILSET_PROP_N=${MAILSET_PROP_N:-40}
# check_ui opens an editor per key: every 7th key here (each state starting
# at another), all of them in the sanitised run
export MAILSET_UI_KEY_STEP=${MAILSET_UI_KEY_STEP:-7}
export MAILSET_SRCDIR=${MAILSET_SRCDIR:-$REPO_DIR}
export MAILSET
unset ASAN_OPTIONS

for t in "${tests[@]}"; do
	bin=$VB/tests/$t
	log=$LOG/$t.log
	begin "valgrind-$t" || continue
	if [ ! -x "$bin" ]; then
		fail "$bin was not built"
		end
		continue
	fi
	t0=$SECONDS
	"${VG[@]}" "$bin" >"$log" 2>&1
	rc=$?
	secs=$((SECONDS - t0))
	# With -q valgrind prints nothing but its reports, as ==PID== lines.
	# A check that failed in this single process abandoned its memory:
	# that failure is named first.
	summary=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$log" | tail -n 1)
	if [ -z "$summary" ]; then
		fail "no Check summary (exit $rc): $(grep -v '^==' "$log" | tail -n 3 | tr '\n' '|')"
	elif ! [[ $summary == 100%:* ]]; then
		fail "checks failed without sanitizers: $summary; $(grep -m2 -E ':[FE]:' "$log" | tr '\n' '|')"
	fi
	if [ "$rc" -eq 99 ] || grep -qE '^==[0-9]+== ' "$log"; then
		fail "valgrind report (exit $rc): $(grep -m3 -E '^==[0-9]+== [^ =]' "$log" | tr '\n' '|')"
		grep -E '^==[0-9]+==' "$log" | head -60 | sed 's/^/    /' >&2
	elif [ "$rc" -ne 0 ]; then
		fail "exit status $rc"
	fi
	T_NAME="valgrind-$t (${secs}s)"
	end
done

finish
