#!/bin/bash
# tests/fuzz.sh - run every libFuzzer harness (tests/fuzz/fuzz_*.c) over its
# corpus (tests/fuzz/corpus/NAME, which holds the crashes found so far) and
# fuzz on for a few seconds: "PASS NAME", "FAIL NAME: why", or "SKIP fuzz:
# why" when clang with libFuzzer is not installed.
#
# Builds the harnesses with `make fuzz-build` when needed (`make check`
# has usually done it through `make fuzz-check-build`: then this is a
# no-op). Crashing inputs are kept in build/fuzz/check/.
#
# Environment: FUZZ_CC (clang), FUZZ_CHECK_SECONDS (8 per harness),
# FUZZ_PARALLEL (harnesses at once; 2).
# `tests/fuzz.sh --probe` only says (exit status) whether FUZZ_CC can build
# a libFuzzer program; the Makefile asks it.

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cc=${FUZZ_CC:-clang}
seconds=${FUZZ_CHECK_SECONDS:-8}
parallel=${FUZZ_PARALLEL:-2}

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

if [ "${1:-}" = --probe ]; then
	probe
	exit $?
fi

if ! probe; then
	echo "SKIP fuzz: $cc with libFuzzer not found (Debian: apt-get install clang libclang-rt-14-dev)"
	exit 0
fi

cd "$repo" || exit 1
names=()
for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] && names+=("$(basename "$src" .c)")
done
if [ ${#names[@]} -eq 0 ]; then
	echo "FAIL fuzz: no harness in tests/fuzz/"
	exit 1
fi

# Build (or check that the build is current). Not part of make's jobserver.
# -f fuzz.mk as well: works before the top Makefile includes it.
mkdir -p "$repo/build"
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s \
	-f Makefile -f tests/fuzz/fuzz.mk fuzz-build \
	FUZZ_CC="$cc" >"$repo/build/fuzz-build.log" 2>&1; then
	echo "FAIL fuzz-build: make fuzz-build failed (build/fuzz-build.log)"
	tail -n 30 "$repo/build/fuzz-build.log" >&2
	exit 1
fi

out=$repo/build/fuzz/check
rm -rf "$out"
mkdir -p "$out"
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# One harness: its corpus (copied, so that what it finds stays out of git)
# and a few seconds of fuzzing. Writes $out/NAME.result.
run_one() {
	local n=$1 bin=build/fuzz/$1 seeds=tests/fuzz/corpus/$1 rc
	local work=$out/corpus/$n
	mkdir -p "$work"
	if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
		echo "FAIL $n: no seed corpus in $seeds" >"$out/$n.result"
		return
	fi
	cp "$seeds"/* "$work"/
	timeout -k 5 $((seconds + 60)) "$bin" -max_total_time="$seconds" -timeout=5 \
		-rss_limit_mb=2048 -artifact_prefix="$out/$n-" "$work" >"$out/$n.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "PASS $n" >"$out/$n.result"
		return
	fi
	local art why from="" f sum
	art=$(ls "$out/$n-"* 2>/dev/null | head -n 1)
	why=$(grep -m1 -E '^fuzz_[a-z0-9]+: |ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:|ERROR: libFuzzer' \
		"$out/$n.log" | sed -E 's/^==[0-9]+==//' | cut -c1-200)
	if [ -n "$art" ]; then
		sum=$(sha1sum "$art" | cut -d' ' -f1)
		for f in "$seeds"/*; do
			if [ "$(sha1sum "$f" | cut -d' ' -f1)" = "$sum" ]; then
				from=" = $f"
				break
			fi
		done
		echo "FAIL $n: ${art#"$repo"/}$from (${why:-exit status $rc})" >"$out/$n.result"
	else
		echo "FAIL $n: exit status $rc, no crash file (${why:-see ${out#"$repo"/}/$n.log})" >"$out/$n.result"
	fi
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
		grep -E '^fuzz_[a-z0-9]+: |ERROR|SUMMARY|runtime error|^    #[0-9]' "$out/$n.log" 2>/dev/null |
			head -n 20 | sed "s/^/    $n: /" >&2
	fi
done
[ "$failed" -eq 0 ]
