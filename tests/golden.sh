#!/bin/bash
# tests/golden.sh - INI round trips pinned by golden files.
#
# tests/golden/NAME.ini       the file before
# tests/golden/NAME.args      one KEY=VALUE per line, given to `mailset set`
#                             (empty: no change; `check` must leave the file
#                             as it is)
# tests/golden/NAME.expected  the file after, written by hand from the writer
#                             rules of HACKING.md
# Each case also runs the same `set` a second time: setting values a file
# already holds must leave it byte for byte as it is.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

show_diff() {
	# cat -A makes CR, BOM and missing final newlines visible.
	diff -u <(cat -A "$1") <(cat -A "$2") | head -40 | sed 's/^/    /'
}

n=0
for ini in "$TESTS_DIR"/golden/*.ini; do
	name=$(basename "$ini" .ini)
	args_file=$TESTS_DIR/golden/$name.args
	expected=$TESTS_DIR/golden/$name.expected
	n=$((n + 1))
	begin "golden_$name" || continue
	if [ ! -f "$args_file" ] || [ ! -f "$expected" ]; then
		fail "missing $name.args or $name.expected"
		end
		continue
	fi
	mkdir "$T_DIR/cfg"
	f=$T_DIR/cfg/mail.ini
	cp "$ini" "$f"
	chmod 600 "$f"
	mapfile -t args <"$args_file"
	if [ "${#args[@]}" -eq 0 ]; then
		ms -c "$f" check
		expect_same "$ini" "$f" "file after check"
	else
		ms -c "$f" set "${args[@]}"
		expect_rc 0 "set $(printf '%s ' "${args[@]}" | head -c 200)"
		if ! cmp -s "$expected" "$f"; then
			fail "result differs from $name.expected"
			show_diff "$expected" "$f"
		fi
		expect_mode "$f" 600
		[ "$(dir_list "$T_DIR/cfg")" = "mail.ini " ] || fail "directory holds: $(dir_list "$T_DIR/cfg")"
		cp "$f" "$T_DIR/first"
		ms -c "$f" set "${args[@]}"
		expect_rc 0 "second set"
		if ! cmp -s "$T_DIR/first" "$f"; then
			fail "setting the same values again changed the file"
			show_diff "$T_DIR/first" "$f"
		fi
	fi
	# The file reads back as the values set.
	for a in "${args[@]}"; do
		key=${a%%=*}
		ms -c "$f" get "$key"
		if [ "$RC" -ne 0 ]; then
			fail "get $key exited $RC"
			continue
		fi
		got=$(cat "$T_DIR/out")
		want=${a#*=}
		[ "$key" = basic.bcc ] && want=$(printf '%s' "$want" | sed 's/[[:blank:]]*,[[:blank:]]*/,/g')
		[ "$got" = "$want" ] || fail "get $key prints '$got', expected '$want'"
	done
	end
done
[ "$n" -gt 0 ] || { echo "FAIL golden: no golden files"; exit 1; }

finish
