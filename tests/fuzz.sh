#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/fuzz.sh - the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
#
#   tests/fuzz.sh            (make check, through tests/run.sh) for each
#                            harness: every file of its corpus
#                            tests/fuzz/corpus/NAME (seeds and the crashes
#                            found so far) once, as a regression test: no
#                            timed fuzzing here (that is `make fuzz`).
#                            Prints "PASS NAME (N inputs)" or "FAIL NAME:
#                            why" (the corpus file and the first line of the
#                            report), or "SKIP fuzz: why" without
#                            clang/libFuzzer. Builds with `make fuzz-build`
#                            first (a no-op when nothing changed). ONLY=REGEX
#                            (tests/lib.sh) picks harnesses by name.
#   tests/fuzz.sh --long SECONDS [NAME...]
#                            (make fuzz) for each harness: the corpus files
#                            once (crashing ones are reported as KNOWN and
#                            left out), then SECONDS of fuzzing on
#                            $B/fuzz/corpus/NAME, which keeps what it
#                            finds; crashes in $B/fuzz/crashes/. Does not
#                            build.
#   tests/fuzz.sh --probe    exit status: can FUZZ_CC build a libFuzzer
#                            program?
#
# Environment: MAILSET_B (make's B, the build directory: build), FUZZ_CC
# (clang), FUZZ_PARALLEL (harnesses at once in the regression run; 2),
# FUZZ_TIMEOUT (seconds per input in --long; 10), FUZZ_FLAGS (more
# libFuzzer flags for --long).

# shellcheck source=tests/lib.sh
LIB_NO_MAILSET=1 . "$(dirname "$0")/lib.sh"
here=$TESTS_DIR
repo=$REPO_DIR
cc=${FUZZ_CC:-clang}
parallel=${FUZZ_PARALLEL:-2}
B=${MAILSET_B:-build}
FZ=$B/fuzz

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Can cc build and link a libFuzzer program with ASan and UBSan?
probe() {
	local d rc
	command -v "$cc" >/dev/null 2>&1 || return 1
	d=$(mktemp -d "${TMPDIR:-/tmp}/mailset-fuzzprobe.XXXXXX") || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$d/p.c"
	"$cc" -fsanitize=fuzzer,address,undefined -o "$d/p" "$d/p.c" >/dev/null 2>&1 &&
		"$d/p" -runs=1 >/dev/null 2>&1
	rc=$?
	rm -rf "$d"
	return $rc
}

# The first line that says what went wrong in a libFuzzer log.
why() {
	grep -a -m1 -E '^fuzz_[a-z0-9]+: |ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:|ERROR: libFuzzer' \
		"$1" | sed -E 's/^==[0-9]+== ?//' | cut -c1-200
}

# regress BIN DIR LOG: run every file of DIR once, in as few processes as
# possible. Prints "FILE<TAB>why" for each file that crashes.
regress() {
	local bin=$1 dir=$2 log=$3 files rest crashed i
	files=("$dir"/*)
	[ -e "${files[0]}" ] || return 0
	while [ ${#files[@]} -gt 0 ]; do
		if timeout -k 5 300 "$bin" -timeout=5 -rss_limit_mb=2048 "${files[@]}" >"$log" 2>&1; then
			return 0
		fi
		crashed=$(grep -a '^Running: ' "$log" | tail -n 1 | sed 's/^Running: //')
		printf '%s\t%s\n' "$crashed" "$(why "$log")"
		rest=()
		for ((i = 0; i < ${#files[@]}; i++)); do
			if [ "${files[i]}" = "$crashed" ]; then
				rest=("${files[@]:i+1}")
				break
			fi
		done
		[ -z "$crashed" ] && return 0 # no file named: give up rather than loop
		files=("${rest[@]}")
	done
}

names_from_tree() {
	local src
	for src in "$repo"/tests/fuzz/fuzz_*.c; do
		[ -e "$src" ] && basename "$src" .c
	done
}

# ---------------------------------------------------------------- --long
long_run() {
	local secs=$1 n bin work known failed="" k f
	shift
	local names=("$@")
	[ ${#names[@]} -eq 0 ] && mapfile -t names < <(names_from_tree)
	cd "$repo" || exit 1
	mkdir -p "$FZ/crashes" "$FZ/log"
	for n in "${names[@]}"; do
		bin=$FZ/$n
		work=$FZ/corpus/$n
		if [ ! -x "$bin" ]; then
			echo "  FUZZ    $n: $bin is not built (make fuzz-build)"
			failed="$failed $n"
			continue
		fi
		mkdir -p "$work"
		cp tests/fuzz/corpus/"$n"/* "$work"/ 2>/dev/null
		known=$(regress "$bin" "$work" "$FZ/log/$n.regress.log")
		if [ -n "$known" ]; then
			while IFS=$'\t' read -r f k; do
				echo "  KNOWN   $n: $f: $k"
				rm -f "$f" # kept in tests/fuzz/corpus; out of the way here
			done <<<"$known"
		fi
		echo "  FUZZ    $n ($secs s, log $FZ/log/$n.log)"
		if timeout -k 10 $((secs + 120)) "$bin" -max_total_time="$secs" \
			-timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$FZ/crashes/$n-" ${FUZZ_FLAGS:-} \
			"$work" >"$FZ/log/$n.log" 2>&1; then
			grep -E '^(Done|stat::new_units_added)' "$FZ/log/$n.log" | sed 's/^/          /'
			[ -n "$known" ] && failed="$failed $n"
		else
			failed="$failed $n"
			echo "          $(why "$FZ/log/$n.log")"
			grep -a -o -E 'Test unit written to .*' "$FZ/log/$n.log" | sed 's/^/          /'
		fi
	done
	if [ -n "$failed" ]; then
		echo "  fuzz: FAILED:$failed"
		echo "  minimise a crash: $FZ/NAME -minimize_crash=1 -runs=20000 -artifact_prefix=DIR/ FILE"
		echo "  (smallest DIR/minimized-from-*), then keep it in tests/fuzz/corpus/NAME/"
		return 1
	fi
	return 0
}

case ${1:-} in
--probe)
	probe
	exit $?
	;;
--long)
	shift
	long_run "$@"
	exit $?
	;;
esac

# ------------------------------------------------------ make check's run
if ! probe; then
	skip fuzz "$cc with libFuzzer not found (Debian: apt-get install clang libclang-rt-14-dev)"
	exit 0
fi

cd "$repo" || exit 1
mapfile -t all < <(names_from_tree)
if [ ${#all[@]} -eq 0 ]; then
	echo "FAIL fuzz: no harness in tests/fuzz/"
	exit 1
fi
names=()
for n in "${all[@]}"; do
	want "$n" && names+=("$n")
done
[ ${#names[@]} -gt 0 ] || exit 0

# Build (or check that the build is current), outside make's jobserver;
# -f fuzz.mk as well, which works whether or not the Makefile includes it.
mkdir -p "$B"
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s \
	-f Makefile -f tests/fuzz/fuzz.mk B="$B" "${names[@]/#/$FZ/}" \
	FUZZ_CC="$cc" >"$B/fuzz-build.log" 2>&1; then
	echo "FAIL fuzz-build: make fuzz-build failed ($B/fuzz-build.log)"
	tail -n 30 "$B/fuzz-build.log" >&2
	exit 1
fi

case $FZ in /*) out=$FZ/check ;; *) out=$repo/$FZ/check ;; esac
rm -rf "$out"
mkdir -p "$out"

# One harness over its corpus, each file once (no timed fuzzing: that is
# `make fuzz`). Writes $out/NAME.result.
run_one() {
	local n=$1 bin=$FZ/$1 seeds=tests/fuzz/corpus/$1 known first count files
	if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
		echo "FAIL $n: no seed corpus in $seeds" >"$out/$n.result"
		return
	fi
	local inputs=("$seeds"/*)
	files=${#inputs[@]}
	known=$(regress "$bin" "$seeds" "$out/$n.regress.log")
	if [ -n "$known" ]; then
		count=$(wc -l <<<"$known")
		first=$(head -n 1 <<<"$known" | sed 's/\t/ (/; s/$/)/')
		if [ "$count" -gt 1 ]; then
			first="$first, and $((count - 1)) more"
		fi
		echo "FAIL $n: $first" >"$out/$n.result"
		sed 's/^/    /' <<<"$known" >"$out/$n.details"
		return
	fi
	# Every file ran: libFuzzer names each one it executes.
	local ran
	ran=$(grep -a -c '^Executed ' "$out/$n.regress.log")
	if [ "$ran" -ne "$files" ]; then
		echo "FAIL $n: $ran of the $files corpus files ran (${out#"$repo"/}/$n.regress.log)" >"$out/$n.result"
		return
	fi
	echo "PASS $n ($files inputs)" >"$out/$n.result"
}

running=0
for n in "${names[@]}"; do
	run_one "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$parallel" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

failed=0
for n in "${names[@]}"; do
	if [ -s "$out/$n.result" ]; then
		cat "$out/$n.result"
	else
		echo "FAIL $n: no result"
	fi
	if ! grep -q '^PASS ' "$out/$n.result" 2>/dev/null; then
		failed=$((failed + 1))
		[ -s "$out/$n.details" ] && sed "s/^/$n: /" "$out/$n.details" >&2
	fi
done
[ "$failed" -eq 0 ]
