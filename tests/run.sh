#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/run.sh CHECKTEST... - run the Check unit tests named on the command
# line ($TESTBIN/NAME) and every tests/*.sh but this file and lib.sh, and
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
# TEST_JOBS=N: tests run N at a time (default: the CPUs, at most 2; 1 runs
#   them one after the other). Most suites spend their time waiting (servers,
#   tmux, time-outs), so two at a time nearly halve a run. Each test's output
#   is printed whole when it ends, followed by "# time NAME 12.3 s"; a table
#   of the times comes before the last line. The slowest tests of the last
#   whole run (kept in $MAILSET_B/test-times) start first. smtp and postfix
#   both want 127.0.0.1:465: they never run at the same time.

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
trap 'exit 130' INT TERM

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

now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_start=$(now)

sanitized() {
	grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: UndefinedBehaviorSanitizer' "$1"
}

# Each test writes its report (what it printed, then the verdicts run.sh
# adds) to $logdir/NAME.report and "PASSED FAILED SKIPPED SECONDS CPU" to
# $logdir/NAME.counts (CPU: user and system seconds of the test and of the
# processes it waited for, servers included).

# timed CPUFILE COMMAND...: COMMAND, its CPU seconds written to CPUFILE.
timed() {
	local TIMEFORMAT='%U %S' out=$1
	shift
	{ time "$@" 2>&3 3>&-; } 3>&2 2>"$out.time"
	local rc=$?
	awk 'END { printf "%.1f", $1 + $2 }' "$out.time" >"$out"
	return $rc
}

# check_one NAME: a Check program.
check_one() {
	local name=$1 bin=$TESTBIN/$1 log=$logdir/$1.log t0 rc summary n f e
	local p=0 bad=0
	t0=$(now)
	if [ ! -x "$bin" ]; then
		echo "FAIL $name: $bin not built"
		echo "0 1 0 0" >"$logdir/$name.counts"
		return
	fi
	timed "$logdir/$name.cpu" "$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	summary=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
	if [ -z "$summary" ]; then
		echo "FAIL $name: no Check summary (exit status $rc)"
		bad=1
	else
		n=$(sed -E 's/.*Checks: ([0-9]+),.*/\1/' <<<"$summary")
		f=$(sed -E 's/.*Failures: ([0-9]+),.*/\1/' <<<"$summary")
		e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$summary")
		p=$((n - f - e))
		bad=$((f + e))
		if [ "$n" -eq 0 ]; then
			echo "FAIL $name: ran no checks"
			bad=$((bad + 1))
		fi
		if sanitized "$log"; then
			echo "FAIL $name: sanitizer report"
			bad=$((bad + 1))
		fi
		if [ "$rc" -ne 0 ] && [ $((f + e)) -eq 0 ]; then
			echo "FAIL $name: exit status $rc with no failed check"
			bad=$((bad + 1))
		fi
	fi
	echo "$p $bad 0 $(secs_since "$t0") $(cat "$logdir/$name.cpu")" >"$logdir/$name.counts"
}

# suite_one NAME: tests/NAME.sh.
suite_one() {
	local base=$1 log=$logdir/$1.log err=$logdir/$1.err t0 rc p f s
	t0=$(now)
	timed "$logdir/$base.cpu" bash "$here/$base.sh" >"$log" 2>"$err"
	rc=$?
	cat "$log"
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	s=$(grep -c '^SKIP ' "$log")
	if [ $((p + f + s)) -eq 0 ] && [ -n "${ONLY:-}" ] && [ "$rc" -eq 0 ]; then
		: # no case of this suite matches ONLY
	elif [ $((p + f + s)) -eq 0 ]; then
		echo "FAIL $base: printed no result (exit status $rc)"
		sed 's/^/    /' "$err" | head -20
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $base: exit status $rc"
		sed 's/^/    /' "$err" | head -20
		f=$((f + 1))
	fi
	if [ -s "$err" ] && { [ -n "$VERBOSE" ] || [ "$f" -gt 0 ]; }; then
		sed 's/^/    stderr: /' "$err" | head -40
	fi
	echo "$p $f $s $(secs_since "$t0") $(cat "$logdir/$base.cpu")" >"$logdir/$base.counts"
}

# --- what to run ---------------------------------------------------------------
checks=()
for name in "$@"; do
	wanted "$name" || continue
	if [ -n "${ONLY:-}" ] && [ ${#t_names[@]} -eq 0 ]; then
		continue # ONLY filters shell-suite cases: a Check program runs when T names it
	fi
	checks+=("$name")
done
suites=()
for script in "$here"/*.sh; do
	base=$(basename "$script" .sh)
	case $base in run | lib) continue ;; esac
	wanted "$base" || continue
	suites+=("$base")
done

# Jobs: one test each, but for tests that must not overlap (one job runs
# them in turn). Longest first, by the last whole run's times.
declare -A kind last_secs
for n in "${checks[@]}"; do kind[$n]=check; done
for n in "${suites[@]}"; do kind[$n]=suite; done
case $MAILSET_B in /*) times_file=$MAILSET_B/test-times ;; *) times_file=$repo/$MAILSET_B/test-times ;; esac
if [ -r "$times_file" ]; then
	while read -r s n; do
		[ -n "$n" ] && last_secs[$n]=$s
	done <"$times_file"
fi
jobs_list=()
declare -A in_chain
for chain in "smtp postfix"; do
	members=()
	for n in $chain; do
		[ -n "${kind[$n]:-}" ] && members+=("$n") && in_chain[$n]=1
	done
	[ ${#members[@]} -gt 0 ] && jobs_list+=("${members[*]}")
done
for n in "${suites[@]}" "${checks[@]}"; do
	[ -n "${in_chain[$n]:-}" ] || jobs_list+=("$n")
done
# job_secs "A B": the last run's seconds of A and B together (0: unknown).
job_secs() {
	local n
	for n in $1; do
		echo "${last_secs[$n]:-0}"
	done | awk '{ s += $1 } END { printf "%.1f", s }'
}
mapfile -t jobs_list < <(for j in "${jobs_list[@]}"; do printf '%s\t%s\n' "$(job_secs "$j")" "$j"; done |
	sort -t$'\t' -k1,1 -rn -s | cut -f2-)

njobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ -z "${TEST_JOBS:-}" ] && [ "$njobs" -gt 2 ] && njobs=2
[ "$njobs" -ge 1 ] 2>/dev/null || njobs=1
# wait -n -p needs bash 5.1.
if [ "${BASH_VERSINFO[0]}" -lt 5 ] || { [ "${BASH_VERSINFO[0]}" -eq 5 ] && [ "${BASH_VERSINFO[1]}" -lt 1 ]; }; then
	njobs=1
fi

# run_job "A B": the tests of one job, in turn.
run_job() {
	local n
	for n in $1; do
		if [ "${kind[$n]}" = check ]; then
			check_one "$n" >"$logdir/$n.report"
		else
			suite_one "$n" >"$logdir/$n.report"
		fi
	done
}

timings=()
cpu_total=0
# report "A B": print what the job's tests printed and add up their counts.
report() {
	local n p f s secs cpu
	for n in $1; do
		cat "$logdir/$n.report"
		if read -r p f s secs cpu <"$logdir/$n.counts" 2>/dev/null; then
			:
		else
			echo "FAIL $n: no result (run.sh)"
			p=0 f=1 s=0 secs=0 cpu=0
		fi
		echo "# time $n $secs s (cpu ${cpu:-?} s)"
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
		timings+=("$secs $n ${cpu:-?}")
		cpu_total=$(awk -v a="$cpu_total" -v b="${cpu:-0}" 'BEGIN { printf "%.1f", a + b }')
	done
}

# --- the run -------------------------------------------------------------------
declare -A job_of
running=0
for j in "${jobs_list[@]}"; do
	if [ "$njobs" -eq 1 ]; then
		run_job "$j"
		report "$j"
		continue
	fi
	run_job "$j" &
	job_of[$!]=$j
	running=$((running + 1))
	while [ "$running" -ge "$njobs" ]; do
		wait -n -p done_pid
		[ $? -eq 127 ] && break 2 # no child left: cannot happen
		[ -n "${job_of[$done_pid]:-}" ] || continue
		report "${job_of[$done_pid]}"
		unset "job_of[$done_pid]"
		running=$((running - 1))
	done
done
while [ "$running" -gt 0 ]; do
	wait -n -p done_pid
	[ $? -eq 127 ] && break
	[ -n "${job_of[$done_pid]:-}" ] || continue
	report "${job_of[$done_pid]}"
	unset "job_of[$done_pid]"
	running=$((running - 1))
done

if [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "FAIL run: no test ran (T='${T:-}' ONLY='${ONLY:-}')"
	failed=1
fi

# The table: slowest first, then the whole run. A whole run (no ONLY) keeps
# its times for the next run's order.
if [ ${#timings[@]} -gt 1 ]; then
	echo "# seconds per test, slowest first ($njobs at a time), and CPU seconds:"
	printf '%s\n' "${timings[@]}" | sort -rn | awk '{ printf "#   %7.1f %7s  %s\n", $1, $3, $2 }'
	echo "# time total $(secs_since "$t_start") s (cpu $cpu_total s)"
fi
if [ -z "${ONLY:-}" ] && [ ${#timings[@]} -gt 0 ] && mkdir -p "$(dirname "$times_file")" 2>/dev/null; then
	for t in "${timings[@]}"; do
		read -r s n _ <<<"$t"
		last_secs[$n]=$s
	done
	for n in "${!last_secs[@]}"; do
		echo "${last_secs[$n]} $n"
	done | sort -rn >"$times_file.tmp" && mv "$times_file.tmp" "$times_file"
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ $((passed + skipped)) -gt 0 ]
