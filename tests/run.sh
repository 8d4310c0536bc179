#!/bin/bash
# tests/run.sh CHECKTEST... - run the Check unit tests named on the command
# line ($TESTBIN/NAME), then every tests/*.sh but this file and lib.sh, and
# add up the results. The last line is "N passed, N failed" (", N skipped"
# when a test could not run here); the exit status is non-zero when anything
# failed, crashed, printed a sanitizer report or printed no result at all.
#
# Environment (set by `make check`): MAILSET, TESTBIN, MAILSET_DATADIR,
# MAILSET_LOCALEDIR, MAILSET_B and MAILSET_BA (the build directories, as
# make's B and BA; tests that build, fuzz.sh and valgrind.sh, build there).
# VERBOSE=1 shows the stderr of failing shell tests.
# T="NAME NAME..." or T=NAME,NAME (`make check T="smtp check_verdict"`)
#   runs only the named tests: a Check program's name or a tests/NAME.sh
#   script's; a name that is neither is a failure.
# ONLY=REGEX (`make check T=smtp ONLY=starttls`) runs only the shell-suite
#   cases whose names match (tests/lib.sh: want, begin); a suite with no
#   matching case prints nothing. Check programs cannot be filtered by case:
#   with ONLY set they run only when T names them.
# Each test's time is printed after it ("# time NAME 12.3 s") and in a table
# before the last line.

export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Property tests save thousands of files: give Check room under ASan.
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-300}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# Defaults for a run outside `make check` (after `make all asan`).
: "${TESTBIN:=$repo/build/asan/tests}"
: "${MAILSET:=$repo/build/asan/mailset}"
: "${MAILSET_DATADIR:=$repo/share/mailset}"
: "${MAILSET_LOCALEDIR:=$repo/build/locale}"
# The build directories: from make (B, BA), else derived from the above.
: "${MAILSET_BA:=${TESTBIN%/tests}}"
: "${MAILSET_B:=${MAILSET_LOCALEDIR%/locale}}"
MAILSET_SRCDIR=$repo
export MAILSET TESTBIN MAILSET_DATADIR MAILSET_LOCALEDIR MAILSET_SRCDIR MAILSET_B MAILSET_BA

passed=0
failed=0
skipped=0
logdir=$(mktemp -d "${TMPDIR:-/tmp}/mailset-run.XXXXXX")
trap 'rm -rf "$logdir"' EXIT

# T: names separated by commas or blanks.
read -r -a t_names <<<"${T//,/ }"
# wanted NAME: true when T is unset or names NAME.
wanted() {
	local t
	[ ${#t_names[@]} -eq 0 ] && return 0
	for t in "${t_names[@]}"; do
		[ "$t" = "$1" ] && return 0
	done
	return 1
}

# A name in T that is no test is a typo: say so rather than run nothing.
for t in "${t_names[@]}"; do
	case " $* " in *" $t "*) continue ;; esac
	case $t in run | lib) ;; *) [ -f "$here/$t.sh" ] && continue ;; esac
	echo "FAIL T: no test named '$t' (a Check program: $*; or a tests/NAME.sh)"
	failed=$((failed + 1))
done

export ONLY
if [ -n "${ONLY:-}" ]; then
	[[ "" =~ $ONLY ]]
	if [ $? -eq 2 ]; then
		echo "FAIL ONLY: '$ONLY' is not an extended regular expression"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

# Seconds since the epoch, with tenths; timing NAME START: one line, and a
# row of the table printed at the end.
now() { date +%s.%N; }
timings=()
timing() {
	local s
	s=$(awk -v a="$2" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	echo "# time $1 $s s"
	timings+=("$s $1")
}
t_start=$(now)

sanitized() {
	grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: UndefinedBehaviorSanitizer' "$1"
}

# --- Check unit tests ------------------------------------------------------
for name in "$@"; do
	wanted "$name" || continue
	if [ -n "${ONLY:-}" ] && [ ${#t_names[@]} -eq 0 ]; then
		continue # ONLY filters shell-suite cases: a Check program runs when T names it
	fi
	bin=$TESTBIN/$name
	log=$logdir/$name.log
	if [ ! -x "$bin" ]; then
		echo "FAIL $name: $bin not built"
		failed=$((failed + 1))
		continue
	fi
	t0=$(now)
	"$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	timing "$name" "$t0"
	summary=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
	if [ -z "$summary" ]; then
		echo "FAIL $name: no Check summary (exit status $rc)"
		failed=$((failed + 1))
		continue
	fi
	n=$(sed -E 's/.*Checks: ([0-9]+),.*/\1/' <<<"$summary")
	f=$(sed -E 's/.*Failures: ([0-9]+),.*/\1/' <<<"$summary")
	e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$summary")
	passed=$((passed + n - f - e))
	failed=$((failed + f + e))
	if [ "$n" -eq 0 ]; then
		echo "FAIL $name: ran no checks"
		failed=$((failed + 1))
	fi
	if sanitized "$log"; then
		echo "FAIL $name: sanitizer report"
		failed=$((failed + 1))
	fi
	if [ "$rc" -ne 0 ] && [ $((f + e)) -eq 0 ]; then
		echo "FAIL $name: exit status $rc with no failed check"
		failed=$((failed + 1))
	fi
done

# --- shell tests -------------------------------------------------------------
for script in "$here"/*.sh; do
	base=$(basename "$script" .sh)
	case $base in run | lib) continue ;; esac
	wanted "$base" || continue
	log=$logdir/$base.log
	t0=$(now)
	bash "$script" >"$log" 2>"$logdir/$base.err"
	rc=$?
	cat "$log"
	timing "$base" "$t0"
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	s=$(grep -c '^SKIP ' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ $((p + f + s)) -eq 0 ] && [ -n "${ONLY:-}" ] && [ "$rc" -eq 0 ]; then
		: # no case of this suite matches ONLY
	elif [ $((p + f + s)) -eq 0 ]; then
		echo "FAIL $base: printed no result (exit status $rc)"
		sed 's/^/    /' "$logdir/$base.err" | head -20
		failed=$((failed + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $base: exit status $rc"
		sed 's/^/    /' "$logdir/$base.err" | head -20
		failed=$((failed + 1))
	fi
	if [ -s "$logdir/$base.err" ] && { [ -n "$VERBOSE" ] || [ "$f" -gt 0 ]; }; then
		sed 's/^/    stderr: /' "$logdir/$base.err" | head -40
	fi
done

if [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "FAIL run: no test ran (T='${T:-}' ONLY='${ONLY:-}')"
	failed=1
fi

# The table: slowest first, then the whole run.
if [ ${#timings[@]} -gt 1 ]; then
	echo "# seconds per test, slowest first:"
	printf '%s\n' "${timings[@]}" | sort -rn | awk '{ printf "#   %7.1f  %s\n", $1, $2 }'
	timing total "$t_start"
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ $((passed + skipped)) -gt 0 ]
