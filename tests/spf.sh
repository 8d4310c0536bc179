#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/spf.sh - the SPF evaluator (src/spf.c) against pyspf, the RFC 7208
# reference implementation (Debian's python3-spf), case by case.
#
# tests/spf/corpus.py writes a corpus (300+ cases: every mechanism and
# qualifier, redirect, exp, macros, syntax errors, the processing limits,
# record selection, DNS failures) and the zone that serves it; dnsmasq serves
# the zone on 127.0.0.1 and a free port, every name under spf.test and the
# reverse zones local (nothing goes upstream; names outside are REFUSED: the
# quick temperror cases). Then:
#   spf-zone-served                dnsmasq serves every case's record
#   spf-pyspf-uses-test-server     pyspf asks that server, no other
#   spf-corpus-expectations        pyspf gives the corpus's expected results
#                                  (but for the cases marked as pyspf's known
#                                  deviations from RFC 7208, see corpus.py)
#   spf-pyspf-covers-all-results   all 7 results occur
#   spf-differential-control       the comparison catches a wrong result
#   spf-differential               $TESTBIN/spfq agrees with pyspf on every
#                                  case (SKIP while spfq is not built); on a
#                                  "dev" case the RFC reading is accepted too
#
# SPF_KEEP=1 keeps the corpus, the results and the server's log.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

DNSMASQ=/usr/sbin/dnsmasq
PY=/usr/bin/python3
: "${TESTBIN:=$REPO_DIR/build/asan/tests}"
SPFQ=$TESTBIN/spfq
SPF_DIR=$TESTS_DIR/spf

now_ms() { echo $(($(date +%s%N) / 1000000)); }
T_START=$(now_ms)

missing=
[ -x "$DNSMASQ" ] || missing="$missing dnsmasq-base"
if [ ! -x "$PY" ]; then
	missing="$missing python3"
else
	"$PY" -c 'import dns.resolver' 2>/dev/null || missing="$missing python3-dnspython"
	"$PY" -c 'import warnings; warnings.simplefilter("ignore"); import spf' 2>/dev/null || missing="$missing python3-spf"
fi
if [ -n "$missing" ]; then
	skip spf "needs the Debian packages:$missing"
	exit 0
fi

W=$TMPROOT/spf
mkdir -p "$W"
DNS_PID=

# shellcheck disable=SC2317 # called by the EXIT trap
spf_cleanup() {
	if [ -n "$DNS_PID" ]; then
		kill "$DNS_PID" 2>/dev/null
		wait "$DNS_PID" 2>/dev/null
	fi
	if [ -n "$SPF_KEEP" ]; then
		echo "spf.sh: files kept in $W" >&2
		return
	fi
	lib_cleanup
}
trap spf_cleanup EXIT

# ------------------------------------------------------------ the corpus

if ! "$PY" "$SPF_DIR/corpus.py" "$W" >"$W/corpus.out" 2>"$W/corpus.err"; then
	echo "FAIL spf: tests/spf/corpus.py failed: $(head -c 300 "$W/corpus.err" | tr '\n' '|')"
	exit 1
fi
read -r N_CASES CATEGORIES <"$W/corpus.out"

# ----------------------------------------------------------------- server

start_dnsmasq "$W/dnsmasq.conf" "$W" spf || exit 1

# ------------------------------------------------------------------ tests

if begin spf-zone-served; then
"$PY" "$SPF_DIR/zone-check.py" "$DNS_PORT" "$W/cases.json" >"$T_DIR/out" 2>"$T_DIR/err" ||
	fail "$(cat "$T_DIR/out" "$T_DIR/err" | head -3 | tr '\n' '|')"
end; fi

# The other cases need pyspf's results (and spf-differential mailset's).
want spf-pyspf-uses-test-server spf-corpus-expectations spf-pyspf-covers-all-results \
	spf-differential-control spf-differential || finish
T_PY=$(now_ms)
"$PY" "$SPF_DIR/pyspf-run.py" "$DNS_PORT" "$W/cases.json" "$W/pyspf.tsv" 2>"$W/pyspf.err"
PY_RC=$?
T_PY=$(($(now_ms) - T_PY))

if begin spf-pyspf-uses-test-server; then
[ "$PY_RC" = 0 ] || fail "pyspf-run.py exited $PY_RC: $(head -c 300 "$W/pyspf.err" | tr '\n' '|')"
end; fi
if [ "$PY_RC" != 0 ]; then
	echo "FAIL spf-differential: no pyspf results"
	finish
fi

if begin spf-corpus-expectations; then
"$PY" "$SPF_DIR/compare.py" "$W/cases.json" "$W/pyspf.tsv" --want 3 >"$T_DIR/out" 2>"$T_DIR/err" ||
	fail "$(awk 'NR == 1 { printf "%d of %d cases: ", $2, $1; next } { printf "%s; ", $0 }' "$T_DIR/out")$(head -c 200 "$T_DIR/err")"
end; fi

if begin spf-pyspf-covers-all-results; then
for r in none neutral pass fail softfail temperror permerror; do
	n=$(cut -f2 "$W/pyspf.tsv" | grep -cx "$r")
	[ "$n" -gt 0 ] || fail "pyspf never gave $r"
	COUNTS="$COUNTS $r=$n"
done
others=$(cut -f2 "$W/pyspf.tsv" | grep -cvxE 'none|neutral|pass|fail|softfail|temperror|permerror')
if [ "$others" -ne 0 ] || [ "$(wc -l <"$W/pyspf.tsv")" -ne "$N_CASES" ]; then
	fail "pyspf results: $others not one of the 7, $(wc -l <"$W/pyspf.tsv") lines for $N_CASES cases: $(grep -vP '\t(none|neutral|pass|fail|softfail|temperror|permerror)\t' "$W/pyspf.tsv" | head -2 | tr '\n' '|')"
fi
end; fi

# The comparison itself: pyspf against pyspf with one pass turned into fail
# and one permerror into neutral must find exactly those two.
if begin spf-differential-control; then
awk -F'\t' -v OFS='\t' '
	!p && $2 == "pass" { $2 = "fail"; p = 1 }
	!e && $2 == "permerror" { $2 = "neutral"; e = 1 }
	{ print }' "$W/pyspf.tsv" >"$T_DIR/wrong.tsv"
"$PY" "$SPF_DIR/compare.py" "$W/cases.json" "$W/pyspf.tsv" "$T_DIR/wrong.tsv" >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
[ "$rc" = 1 ] || fail "compare.py exited $rc for two wrong results, expected 1"
[ "$(head -n 1 "$T_DIR/out")" = "$N_CASES 2" ] || fail "compare.py found '$(head -n 1 "$T_DIR/out")', expected '$N_CASES 2'"
grep -q ': mailset fail (.*) pyspf pass (' "$T_DIR/out" || fail "the wrong fail is not shown: $(tr '\n' '|' <"$T_DIR/out" | head -c 300)"
"$PY" "$SPF_DIR/compare.py" "$W/cases.json" "$W/pyspf.tsv" "$W/pyspf.tsv" >"$T_DIR/out" 2>&1 ||
	fail "pyspf does not agree with itself: $(head -c 300 "$T_DIR/out")"
end; fi

T_MS=0
if ! want spf-differential; then
	:
elif [ ! -x "$SPFQ" ]; then
	skip spf-differential "spfq not built"
	echo "# spf.sh: no $SPFQ" >&2
else
	T_MS=$(now_ms)
	"$PY" "$SPF_DIR/spfq-run.py" "$SPFQ" "$DNS_PORT" "$W/cases.json" "$W/mailset.tsv" 4 2>"$W/spfq.err"
	MS_RC=$?
	T_MS=$(($(now_ms) - T_MS))
	if begin spf-differential; then
	if [ "$MS_RC" != 0 ]; then
		fail "spfq-run.py exited $MS_RC: $(head -c 300 "$W/spfq.err" | tr '\n' '|')"
	else
		"$PY" "$SPF_DIR/compare.py" "$W/cases.json" "$W/pyspf.tsv" "$W/mailset.tsv" 5 >"$W/compare.out" 2>"$W/compare.err"
		rc=$?
		# the deviation notes (which reading mailset chose) go to stderr
		grep '^# ' "$W/compare.err" >&2
		if [ "$rc" != 0 ]; then
			read -r n k <"$W/compare.out"
			if [ -n "$k" ] && [ "$k" -gt 0 ] 2>/dev/null; then
				fail "$k of $n disagree: $(sed -n '2,4p' "$W/compare.out" | paste -sd'|' | sed 's/|/ ;; /g')"
				sed -n '2,$p' "$W/compare.out" | sed 's/^/# disagree: /' >&2
			else
				fail "compare.py exited $rc: $(head -c 300 "$W/compare.err" | tr '\n' '|')"
			fi
		fi
	fi
	end; fi
fi

echo "# spf.sh: $N_CASES cases ($CATEGORIES); pyspf:$COUNTS" >&2
echo "# spf.sh: pyspf ${T_PY} ms, spfq ${T_MS} ms, took $(($(now_ms) - T_START)) ms" >&2
finish
