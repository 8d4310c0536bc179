#!/bin/bash
# tests/run.sh CHECKTEST... - run the Check unit tests named on the command
# line ($TESTBIN/NAME), then every tests/*.sh but this file and lib.sh, and
# add up the results. The last line is "N passed, N failed" (", N skipped"
# when a test could not run here); the exit status is non-zero when anything
# failed, crashed, printed a sanitizer report or printed no result at all.
#
# Environment (set by `make check`): MAILSET, TESTBIN, MAILSET_DATADIR,
# MAILSET_LOCALEDIR. VERBOSE=1 shows the stderr of failing shell tests.
# T=NAME[,NAME...] (`make check T=smtp,check_verdict`) runs only the named
# tests: a Check program's name or a tests/NAME.sh script's.

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
MAILSET_SRCDIR=$repo
export MAILSET MAILSET_DATADIR MAILSET_LOCALEDIR MAILSET_SRCDIR

passed=0
failed=0
skipped=0
logdir=$(mktemp -d "${TMPDIR:-/tmp}/mailset-run.XXXXXX")
trap 'rm -rf "$logdir"' EXIT

# wanted NAME: true when T is unset or names NAME.
wanted() {
	[ -z "${T:-}" ] && return 0
	case ",$T," in *",$1,"*) return 0 ;; esac
	return 1
}

sanitized() {
	grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: UndefinedBehaviorSanitizer' "$1"
}

# --- Check unit tests ------------------------------------------------------
for name in "$@"; do
	wanted "$name" || continue
	bin=$TESTBIN/$name
	log=$logdir/$name.log
	if [ ! -x "$bin" ]; then
		echo "FAIL $name: $bin not built"
		failed=$((failed + 1))
		continue
	fi
	"$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
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
	bash "$script" >"$log" 2>"$logdir/$base.err"
	rc=$?
	cat "$log"
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	s=$(grep -c '^SKIP ' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ $((p + f + s)) -eq 0 ]; then
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

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ $((passed + skipped)) -gt 0 ]
