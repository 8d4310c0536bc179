#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/oom.sh - every allocation of a command fails in turn (issue 5,
# item 7). $MAILSET is built with -DMAILSET_FAULTS: MAILSET_FAIL_ALLOC=N
# makes its Nth allocation fail, and the program runs its out-of-memory hook
# (the command line's removes its lock), says "out of memory" and exits 71.
#
# For check, get, set, preset and test-send (against the real test server),
# a sample of N until the command completes (below). Each run, in a fresh
# copy of the configuration's directory, must:
#   - exit 71 (the last one: exactly as a normal run, same stdout),
#   - print no sanitizer report, and "out of memory" on stderr,
#   - leave the configuration byte-identical to the original or to the
#     version a normal run saves (never anything else),
#   - leave nothing else in the directory: no .mail.ini.mailset-XXXXXX temporary
#     file, no mail.ini.lock.
#
# The sample: every N up to OOM_DENSE (default 16: start-up, the command
# line, the first reads), then every OOM_STEP-th (default 8) until a run
# completes, then every N between the last run that ran out of memory and
# that one: so the last allocations of the command (its save, its output)
# are all failed, the command's allocation count M is exact, and no stretch
# of OOM_STEP allocations in between, whatever phase it belongs to, goes
# unfailed. About a fifth of the runs of the whole sweep. OOM_FULL=1 fails
# every N (OOM_STEP=1), as `make check OOM_FULL=1 T=oom` does.
# A PASS/FAIL line per command says M and which N were run.
# OOM_JOBS runs (default twice the CPUs) go at a time, each in its own
# directory, with the same relative -c mail.ini so that stdout compares.
# OOM_MAX (default 5000) bounds N.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
OOM_MAX=${OOM_MAX:-5000}
OOM_DENSE=${OOM_DENSE:-16}
OOM_STEP=${OOM_STEP:-8}
[ -n "${OOM_FULL:-}" ] && [ "$OOM_FULL" != 0 ] && OOM_STEP=1
[ "$OOM_STEP" -ge 1 ] 2>/dev/null || OOM_STEP=1

unset MAILSET_FAIL_ALLOC
unset ALL_PROXY all_proxy http_proxy https_proxy HTTPS_PROXY smtp_proxy smtps_proxy
export NO_PROXY='*' no_proxy='*'
export MAILSET_SMTP_TIMEOUT=3

ORIG_INI='; oom.sh configuration
[basic]
contact_email = support@example.com
system_email = noreply@example.com
system_sender_name = Example Shop   ; the sender
bcc = audit@example.com

[smtp]
host = smtp.example.com
port = 587
username = noreply@example.com
password = secret123
auth = plain
tls = on
'

W=$TMPROOT/oom
mkdir -p "$W"

# run_one DIR N SLOT ARGS...: in DIR, mailset -c mail.ini ARGS with the
# Nth allocation failing (N = 0: none); stdout, stderr and the exit status
# in SLOT.out, SLOT.err, SLOT.rc. The relative -c keeps stdout the same in
# every directory.
run_one() {
	local dir=$1 n=$2 slot=$3
	shift 3
	(
		cd "$dir" || exit 1
		[ "$n" -gt 0 ] && export MAILSET_FAIL_ALLOC=$n
		exec timeout -k 5 30 "$MAILSET" -c mail.ini "$@" </dev/null >"$slot.out" 2>"$slot.err"
	)
	echo $? >"$slot.rc"
}

# fresh DIR: DIR holding only mail.ini, the original (mode 0600).
fresh() {
	rm -rf "$1"
	mkdir -p "$1"
	cp "$W/orig.ini" "$1/mail.ini"
	chmod 600 "$1/mail.ini"
}

# only_config DIR: true when DIR holds mail.ini and nothing else (no
# temporary file, no lock). Globs, not ls: this runs thousands of times.
shopt -s dotglob nullglob
only_config() {
	local entries
	shopt -s dotglob nullglob # .mail.ini.mailset-XXXXXX too
	entries=("$1"/*)
	shopt -u dotglob nullglob
	[ "${#entries[@]}" -eq 1 ] && [ "${entries[0]}" = "$1/mail.ini" ]
}

SAN_RE='AddressSanitizer|runtime error|LeakSanitizer|UndefinedBehaviorSanitizer'
# Runs at a time: each is mostly the sanitised binary starting up.
JOBS=${OOM_JOBS:-$(($(nproc 2>/dev/null || echo 1) * 2))}
[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=1

# judge NAME DIR SLOT: the verdict on one run with an allocation failing,
# in WHY (empty: right); RC its exit status. DIR is made fresh again when
# the run changed it.
judge() {
	local name=$1 dir=$2 slot=$3 err='' cfg='' changed=''
	read -r RC <"$slot.rc"
	WHY=
	IFS= read -r -d '' err <"$slot.err"
	if [[ $err =~ $SAN_RE ]]; then
		WHY="sanitizer report: $(grep -m1 -E "$SAN_RE" "$slot.err")"
	elif [ "$RC" = 71 ]; then
		[[ $err == *"out of memory"* ]] ||
			WHY="exit 71 without 'out of memory' on stderr: $(head -c 200 "$slot.err" | tr '\n' '|')"
	elif [ "$RC" != 0 ]; then
		WHY="exit $RC (a normal run: 0): $(head -c 200 "$slot.err" | tr '\n' '|')"
	elif [ "$name" != test-send ] && ! cmp -s "$slot.out" "$W/$name.ref.out"; then
		WHY="completed, but stdout differs from a normal run's: $(diff "$W/$name.ref.out" "$slot.out" | head -4 | tr '\n' '|')"
	fi
	# Compared in the shell (the file holds no NUL byte): no cmp per run.
	IFS= read -r -d '' cfg <"$dir/mail.ini"
	if [ "$cfg" != "$ORIG_TEXT" ]; then
		changed=yes
		if [ -z "$WHY" ] && [ "$cfg" != "$REF_TEXT" ]; then
			WHY="the configuration is neither the original nor the saved version: $(diff "$W/orig.ini" "$dir/mail.ini" | head -6 | tr '\n' '|')"
		fi
		# out of memory after the save: said so, not "nothing was saved"
		if [ -z "$WHY" ] && [ "$RC" = 71 ] && [[ $err != *"was saved (the change is in it)"* ]]; then
			WHY="saved, then out of memory, but stderr does not say it was saved: $(head -c 200 "$slot.err" | tr '\n' '|')"
		fi
	elif [ -z "$WHY" ] && [ "$RC" = 71 ] && [[ $err == *"was saved (the change is in it)"* ]]; then
		WHY="says the change was saved, but the file is the original"
	fi
	if ! only_config "$dir"; then
		changed=yes
		[ -z "$WHY" ] && WHY="left in the directory: $(dir_list "$dir" | sed 's/\(^\| \)mail\.ini / /')"
	fi
	[ -n "$changed" ] && fresh "$dir"
	return 0
}

# run_batch NAME ARGS...: the runs for the N in BATCH (at most JOBS), at
# once, each in its own directory; then each judged, in order: RAN, NBAD,
# BAD, FINAL (the lowest N that completed) and LAST (the highest N below it
# that ran out of memory: past the end of a command the count may differ a
# little from run to run, as in test-send) updated.
run_batch() {
	local name=$1 dir=$W/$1 slot=$W/$1.slot j
	shift
	local -a pids=()
	for ((j = 0; j < ${#BATCH[@]}; j++)); do
		run_one "$dir.$j" "${BATCH[j]}" "$slot.$j" "$@" &
		pids+=($!)
	done
	wait "${pids[@]}"
	for ((j = 0; j < ${#BATCH[@]}; j++)); do
		judge "$name" "$dir.$j" "$slot.$j"
		RAN=$((RAN + 1))
		if [ -n "$WHY" ]; then
			NBAD=$((NBAD + 1))
			[ "${#BAD[@]}" -lt 6 ] && BAD+=("N=${BATCH[j]}: $WHY")
		fi
		if [ "$RC" = 71 ]; then
			if [ "${BATCH[j]}" -gt "$LAST" ] && { [ -z "$FINAL" ] || [ "${BATCH[j]}" -lt "$FINAL" ]; }; then
				LAST=${BATCH[j]}
			fi
		elif [ -z "$FINAL" ] || [ "${BATCH[j]}" -lt "$FINAL" ]; then
			FINAL=${BATCH[j]}
		fi
	done
}

# oom NAME ARGS...: the sample of N for `mailset ARGS` (see the top), JOBS
# values of N at a time.
oom() {
	local name=$1
	shift
	local dir=$W/$name slot=$W/$name.slot n=0 j lo
	BATCH=() RAN=0 NBAD=0 BAD=() LAST=0 FINAL=
	begin "oom-$name" || return 0

	# The reference: a normal run.
	fresh "$dir.0"
	run_one "$dir.0" 0 "$slot.0" "$@"
	read -r RC <"$slot.0.rc"
	cp "$dir.0/mail.ini" "$W/$name.ref.ini"
	cp "$slot.0.out" "$W/$name.ref.out"
	if grep -qE "$SAN_RE" "$slot.0.err"; then
		fail "normal run: sanitizer report: $(grep -m1 -E "$SAN_RE" "$slot.0.err")"
	elif [ "$RC" != 0 ]; then
		fail "normal run exited $RC: $(head -c 200 "$slot.0.err" | tr '\n' '|')"
	elif ! only_config "$dir.0"; then
		fail "normal run left: $(dir_list "$dir.0")"
	elif [ "$name" = set ] || [ "$name" = set-new-keys ] || [ "$name" = preset ]; then
		cmp -s "$W/$name.ref.ini" "$W/orig.ini" && fail "normal run did not change the configuration"
	fi
	if [ -n "$T_WHY" ]; then
		end
		return
	fi

	IFS= read -r -d '' ORIG_TEXT <"$W/orig.ini"
	IFS= read -r -d '' REF_TEXT <"$W/$name.ref.ini"
	for ((j = 0; j < JOBS; j++)); do
		fresh "$dir.$j"
	done
	# Every N up to OOM_DENSE, then every OOM_STEP-th, until one completes.
	while [ -z "$FINAL" ] && [ "$n" -lt "$OOM_MAX" ]; do
		BATCH=()
		while [ "${#BATCH[@]}" -lt "$JOBS" ] && [ "$n" -lt "$OOM_MAX" ]; do
			if [ "$n" -lt "$OOM_DENSE" ]; then
				n=$((n + 1))
			else
				n=$((n + OOM_STEP))
				[ "$n" -gt "$OOM_MAX" ] && n=$OOM_MAX
			fi
			BATCH+=("$n")
		done
		run_batch "$name" "$@"
	done
	# Then every N between the last that ran out of memory and the first
	# that completed (not run yet): the command's last allocations.
	if [ -n "$FINAL" ]; then
		lo=$LAST
		n=$((lo + 1))
		while [ "$n" -lt "$FINAL" ]; do
			BATCH=()
			while [ "${#BATCH[@]}" -lt "$JOBS" ] && [ "$n" -lt "$FINAL" ]; do
				if [ "$n" -gt "$OOM_DENSE" ] && [ $(((n - OOM_DENSE) % OOM_STEP)) -ne 0 ]; then
					BATCH+=("$n")
				fi
				n=$((n + 1))
			done
			[ "${#BATCH[@]}" -gt 0 ] && run_batch "$name" "$@"
		done
	fi

	local info="$LAST allocation(s); $RAN run(s), failing"
	if [ "$OOM_STEP" -gt 1 ] && [ "$LAST" -gt "$OOM_DENSE" ]; then
		info="$info N=1-$OOM_DENSE, every ${OOM_STEP}th"
		[ $((lo + 1)) -le "$LAST" ] && info="$info, $((lo + 1))-$LAST"
	else
		info="$info every N"
	fi
	if [ -z "$FINAL" ]; then
		fail "still out of memory at N=$OOM_MAX (OOM_MAX)"
	elif [ "$LAST" -eq 0 ]; then
		fail "completed with the first allocation failing: MAILSET_FAIL_ALLOC has no effect (not a MAILSET_FAULTS build?)"
	fi
	if [ "$NBAD" -gt 0 ]; then
		local IFS=';'
		fail "$NBAD of $RAN run(s) wrong: ${BAD[*]}"
	fi
	T_NAME="oom-$name ($info)"
	end
}

printf '%s' "$ORIG_INI" >"$W/orig.ini"
chmod 600 "$W/orig.ini"

oom check check
oom get get
oom get-key get smtp.host
oom set set 'basic.system_sender_name=Nouvelle Boutique'
oom set-new-keys set smtp.ca_file=/etc/ssl/certs/ca-certificates.crt options.sms_auth=on
oom preset preset xserver --host sv1.xserver.jp

# --- test-send against the real test server ----------------------------------
# (oom-test-send-received checks what oom-test-send sent: it runs with it.)
want oom-test-send || finish
missing=
[ -x "$PY" ] && "$PY" -c 'import aiosmtpd' 2>/dev/null || missing="$missing python3-aiosmtpd"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
if [ -n "$missing" ]; then
	skip oom-test-send "needs the Debian packages:$missing"
	finish
fi

S=$W/srv
mkdir -p "$S/mail"
chmod 700 "$S"
SRV_PID=
# shellcheck disable=SC2317 # called by the EXIT trap
oom_cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	lib_cleanup
}
trap oom_cleanup EXIT

# The server: a FAIL line when it cannot start (whatever ONLY says).
srv_why=
if ! "$REPO_DIR/scripts/make-test-certs.sh" "$S/certs" 2>"$S/certs.err"; then
	srv_why="make-test-certs.sh: $(head -c 300 "$S/certs.err" | tr '\n' '|')"
else
	printf '%s\n' 'oom-pass word!' >"$S/pw"
	chmod 600 "$S/pw"
	"$PY" "$REPO_DIR/scripts/test-smtpd.py" --port 0 --certs "$S/certs" \
		--user noreply@example.com --password-file "$S/pw" --ready-file "$S/ready" \
		--maildir "$S/mail" --log "$S/log" --max-seconds 120 --watch-pid $$ \
		>"$S/stdout" 2>"$S/stderr" &
	SRV_PID=$!
	for _ in $(seq 300); do
		[ -s "$S/ready" ] && break
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.05
	done
	[ -s "$S/ready" ] || srv_why="the test server did not start: $(head -c 300 "$S/stderr" | tr '\n' '|')"
fi
if [ -n "$srv_why" ]; then
	echo "FAIL oom-test-send-server: $srv_why"
	exit 1
fi

ORIG_INI="; oom.sh test-send configuration
[basic]
contact_email = support@example.com
system_email = noreply@example.com
system_sender_name = Example Shop
bcc = audit@example.com

[smtp]
host = 127.0.0.1
port = $(cat "$S/ready")
username = noreply@example.com
password = oom-pass word!
auth = plain
tls = on
ca_file = $S/certs/ca.pem
"
printf '%s' "$ORIG_INI" >"$W/orig.ini"
chmod 600 "$W/orig.ini"
oom test-send test-send

# The normal run and the last one reached the server; the runs that ran
# out of memory may have sent a message too, but at least those two did.
if begin oom-test-send-received; then
nmail=$(find "$S/mail" -name '*.eml' | wc -l)
[ "$nmail" -ge 2 ] || fail "the server saved $nmail message(s), expected at least 2"
end; fi

finish
