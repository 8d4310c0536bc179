#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/ansible.sh - the Ansible module (share/mailset/ansible/library/
# mailset.py) run by a real ansible-playbook (-i localhost, -c local) on
# files under the test's directory, with the mailset under test ($MAILSET).
# One playbook per case: ansible starts slowly.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

CASES='first_run_password_hidden second_run_unchanged check_mode_diff bad_value_all_or_nothing install_and_doc'
if ! command -v ansible-playbook >/dev/null 2>&1; then
	for c in $CASES; do skip "$c" "ansible-playbook is not installed (scripts/deps.sh check installs ansible-core)"; done
	finish
fi
# The module talks to mailset through --json only.
probe=$TMPROOT/probe.ini
if ! "$MAILSET" -c "$probe" check --json 2>/dev/null | grep -q '"command"'; then
	echo "FAIL ansible: $MAILSET has no --json (the module needs it)"
	exit 1
fi

# Nothing of ansible's lands outside $TMPROOT.
export ANSIBLE_LOCAL_TEMP=$TMPROOT/ansible/local
export ANSIBLE_REMOTE_TEMP=$TMPROOT/ansible/remote
export ANSIBLE_LIBRARY=$REPO_DIR/share/mailset/ansible/library
export ANSIBLE_CONFIG=$TMPROOT/ansible/ansible.cfg
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
export ANSIBLE_STDOUT_CALLBACK=json
export ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_RETRY_FILES_ENABLED=0
mkdir -p "$ANSIBLE_LOCAL_TEMP" "$ANSIBLE_REMOTE_TEMP"
: >"$ANSIBLE_CONFIG"

PW="Ans1ble-pw-$$-$RANDOM-zq"
HOST=sv123.xserver.jp

# The program the module runs: records the process list and its own
# arguments and environment at the moment it runs, then runs $MAILSET.
# Sanitizer reports go to files ($T_DIR/san.*), not into the JSON.
make_bin() {
	cat >"$T_DIR/mailset-bin" <<EOF
#!/bin/bash
{ echo "== argv: \$*"; ps -eww -o args; echo "== environ"; tr '\\0' '\\n' </proc/\$\$/environ; } >>"$T_DIR/procs" 2>&1
exec "$MAILSET" "\$@"
EOF
	chmod 755 "$T_DIR/mailset-bin"
}

# play TASK_ARGS [ansible-playbook options...]: a playbook of one mailset
# task (TASK_ARGS: its arguments, YAML indented by 8) run on localhost;
# its JSON output in $T_DIR/play.out, stderr in $T_DIR/play.err, exit
# status in $PRC. The password is in a vars file, never on a command line.
play() {
	local args=$1
	shift
	make_bin
	printf 'vault_smtp_password: "%s"\n' "$PW" >"$T_DIR/vars.yml"
	cat >"$T_DIR/play.yml" <<EOF
- hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  vars_files:
    - $T_DIR/vars.yml
  environment:
    MAILSET_DATADIR: "$MAILSET_DATADIR"
    MAILSET_LOCALEDIR: "$MAILSET_LOCALEDIR"
    LANG: C
    ASAN_OPTIONS: "abort_on_error=0:detect_leaks=1:log_path=$T_DIR/san"
    UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1:log_path=$T_DIR/san"
  tasks:
    - name: mail settings
      register: r
      mailset:
        mailset_bin: $T_DIR/mailset-bin
$args
EOF
	timeout -k 5 120 ansible-playbook -i localhost, -c local "$@" "$T_DIR/play.yml" \
		>"$T_DIR/play.out" 2>"$T_DIR/play.err"
	PRC=$?
	[ "$PRC" -eq 124 ] && fail "ansible-playbook timed out"
	local s
	for s in "$T_DIR"/san.*; do
		[ -e "$s" ] && fail "sanitizer report from mailset: $(grep -m1 -E 'ERROR|runtime error' "$s")"
	done
	return 0
}

# pj EXPR: a Python expression over the playbook's JSON output: d (all of
# it), t (the mailset task's result), s (the stats of localhost).
pj() {
	/usr/bin/python3 - "$T_DIR/play.out" "$1" <<'EOF'
import json, sys
try:
    text = open(sys.argv[1]).read()
    # -v prints "Using ... as config file" first
    d = json.loads(text[text.index('{'):] if text.startswith('{') else text[text.index('\n{') + 1:])
    t = d['plays'][0]['tasks'][0]['hosts']['localhost']
    s = d['stats']['localhost']
    v = eval(sys.argv[2])
except Exception as e:
    v = 'pj error: %r' % e
print(v if isinstance(v, str) else json.dumps(v))
EOF
}

# expect_stats CHANGED FAILED: the play recap's counts.
expect_stats() {
	local got
	got=$(pj '"%d %d" % (s["changed"], s["failures"])')
	[ "$got" = "$1 $2" ] ||
		fail "changed/failed '$got', expected '$1 $2' (msg: $(pj 't.get("msg", "")' | head -c 300); stderr: $(head -c 300 "$T_DIR/play.err" | tr '\n' '|'))"
}

# expect_get KEY VALUE: mailset get on $f.
expect_get() {
	ms -c "$f" get "$1"
	[ "$(out)" = "$2" ] || fail "$1 is '$(out)', expected '$2'"
}

# file_id: inode and mtime (nanoseconds) of $f.
file_id() { stat -c '%i %y' "$f"; }

# The file the first run makes, made with the command line.
mkapplied() {
	ms -c "$f" preset xserver --host "$HOST"
	expect_rc 0 "mailset preset"
	ms -c "$f" set basic.contact_email=shop@example.jp smtp.username=shop@example.jp
	expect_rc 0 "mailset set"
	ms_input "$PW\n" -c "$f" set smtp.password
	expect_rc 0 "mailset set smtp.password"
}

FIRST_ARGS="        config: \$T_DIR/mail.ini
        preset: xserver
        preset_host: $HOST
        settings:
          basic.contact_email: shop@example.jp
          smtp.username: shop@example.jp
        password: \"{{ vault_smtp_password }}\""

# 1. A new file: preset, two settings and the password. The password is
# never in ansible's output (-v shows the results whole, --diff the diffs),
# never on a command line nor in mailset's environment.
if begin first_run_password_hidden; then
f=$T_DIR/mail.ini
play "${FIRST_ARGS//\$T_DIR/$T_DIR}" -v --diff
[ "$PRC" = 0 ] || fail "ansible-playbook exited $PRC"
expect_stats 1 0
[ "$(pj 't["changed"]')" = true ] || fail "the task did not report changed"
expect_get smtp.host "$HOST"
expect_get smtp.port 587
expect_get basic.contact_email shop@example.jp
expect_get smtp.username shop@example.jp
ms -c "$f" get --show-secret smtp.password
[ "$(out)" = "$PW" ] || fail "the password in the file is not the one given"
expect_mode "$f" 600
[ "$(pj 't["keys"]["smtp.host"]["after"]')" = "$HOST" ] || fail "keys: smtp.host after is '$(pj 't["keys"]["smtp.host"]["after"]')'"
[ "$(pj 't["keys"]["smtp.password"]["changed"]')" = true ] || fail "keys: smtp.password not reported changed"
pj 't["diff"]["prepared"]' >"$T_DIR/diff"
grep -q '^+.*contact_email *= *shop@example.jp' "$T_DIR/diff" || fail "the diff lacks contact_email: $(head -c 300 "$T_DIR/diff" | tr '\n' '|')"
grep -qF 'ansible-mailset.' "$T_DIR/diff" && fail "the diff names the private copy"
grep -qF -- "$PW" "$T_DIR/play.out" "$T_DIR/play.err" && fail "the password is in ansible-playbook's output"
# The recording program ran while the password was being set...
grep -q '^== argv: -c .* set smtp.password --json$' "$T_DIR/procs" ||
	fail "no record of 'set smtp.password --json': $(grep '^== argv' "$T_DIR/procs" | tr '\n' '|')"
grep -q 'ansible-playbook' "$T_DIR/procs" || fail "the process list records no ansible-playbook"
# ...and saw it in no process's arguments and not in its environment.
grep -qF -- "$PW" "$T_DIR/procs" && fail "the password is in the process list or mailset's environment: $(grep -F -- "$PW" "$T_DIR/procs" | head -c 200)"
for x in "$T_DIR"/mail.ini.*; do
	[ -e "$x" ] && fail "left behind: $x"
done
end; fi

# 2. The same run again: ok, and the file is not written (inode, mtime).
if begin second_run_unchanged; then
f=$T_DIR/mail.ini
mkapplied
before=$(file_id)
cp -p "$f" "$T_DIR/ref"
play "${FIRST_ARGS//\$T_DIR/$T_DIR}"
[ "$PRC" = 0 ] || fail "ansible-playbook exited $PRC"
expect_stats 0 0
[ "$(pj 't["changed"]')" = false ] || fail "the task reported changed"
[ "$(file_id)" = "$before" ] || fail "inode/mtime changed: '$before' -> '$(file_id)'"
expect_same "$T_DIR/ref" "$f"
end; fi

# 3. --check --diff with another value: changed and a diff, file untouched.
if begin check_mode_diff; then
f=$T_DIR/mail.ini
mkapplied
cp -p "$f" "$T_DIR/ref"
before=$(file_id)
play "        config: $f
        settings:
          basic.contact_email: office@example.jp
          basic.system_sender_name: 'Shop \$HOME ~x'
          smtp.port: 465" --check --diff
[ "$PRC" = 0 ] || fail "ansible-playbook exited $PRC"
expect_stats 1 0
pj 't["diff"]["prepared"]' >"$T_DIR/diff"
grep -q '^-.*contact_email *= *shop@example.jp' "$T_DIR/diff" || fail "the diff lacks the old contact_email: $(head -c 300 "$T_DIR/diff" | tr '\n' '|')"
grep -q '^+.*contact_email *= *office@example.jp' "$T_DIR/diff" || fail "the diff lacks the new contact_email: $(head -c 300 "$T_DIR/diff" | tr '\n' '|')"
grep -q '^+.*port *= *465' "$T_DIR/diff" || fail "the diff lacks the new port"
grep -qF '+system_sender_name = Shop $HOME ~x' "$T_DIR/diff" || fail "the diff lacks the sender name as given (no \$VAR expansion)"
grep -qF "$f" "$T_DIR/diff" || fail "the diff does not name $f"
grep -qF 'ansible-mailset.' "$T_DIR/diff" && fail "the diff names the private copy"
[ "$(pj 't["keys"]["basic.contact_email"]["after"]')" = office@example.jp ] ||
	fail "keys: basic.contact_email after is '$(pj 't["keys"]["basic.contact_email"]["after"]')'"
expect_same "$T_DIR/ref" "$f"
[ "$(file_id)" = "$before" ] || fail "inode/mtime changed in check mode"
end; fi

# 4. A preset that would change the host, then a bad port: the task fails
# with mailset's own message for smtp.port and the file stays as it was.
if begin bad_value_all_or_nothing; then
f=$T_DIR/mail.ini
mkapplied
cp -p "$f" "$T_DIR/ref"
# mailset's message for that value, from the command line (on a copy).
cp "$f" "$T_DIR/scratch.ini"
ms -c "$T_DIR/scratch.ini" set smtp.port=99999
expect_rc 65 "mailset set smtp.port=99999"
want_msg=$(grep -m1 '^smtp\.port: ' "$T_DIR/err")
[ -n "$want_msg" ] || fail "mailset set smtp.port=99999 printed no smtp.port message: $(err | head -c 200)"
play "        config: $f
        preset: xserver
        preset_host: sv999.xserver.jp
        settings:
          basic.contact_email: office@example.jp
          smtp.port: \"99999\"
        password: \"{{ vault_smtp_password }}-new\""
[ "$PRC" = 2 ] || fail "ansible-playbook exited $PRC, expected 2 (a failed task)"
expect_stats 0 1
msg=$(pj 't["msg"]')
[[ $msg == *"$want_msg"* ]] || fail "msg is '$msg', expected it to hold '$want_msg'"
[ "$(pj 't["rc"]')" = 65 ] || fail "rc is '$(pj 't["rc"]')', expected 65"
[ "$(pj '[e["key"] for e in t["errors"]]')" = '["smtp.port"]' ] || fail "errors are $(pj 't["errors"]')"
expect_same "$T_DIR/ref" "$f"
grep -qF -- "$PW" "$T_DIR/play.out" "$T_DIR/play.err" && fail "the password is in ansible-playbook's output"
end; fi

# 5. make install puts the module and its README in the data directory
# (install runs install-ansible), and ansible-doc reads its documentation.
if begin install_and_doc; then
dest=$T_DIR/dest
lib=$dest/usr/share/mailset/ansible/library
if ! (unset MAKEFLAGS MFLAGS MAKELEVEL; make -C "$REPO_DIR" install-ansible DESTDIR="$dest" PREFIX=/usr) >"$T_DIR/make.log" 2>&1; then
	fail "make install-ansible failed: $(tail -n 5 "$T_DIR/make.log" | tr '\n' '|')"
fi
expect_same "$REPO_DIR/share/mailset/ansible/library/mailset.py" "$lib/mailset.py"
expect_same "$REPO_DIR/share/mailset/ansible/README.md" "$dest/usr/share/mailset/ansible/README.md"
(unset MAKEFLAGS MFLAGS MAKELEVEL; make -n -C "$REPO_DIR" install DESTDIR="$dest" PREFIX=/usr) >"$T_DIR/make-n.log" 2>&1
grep -qF "$dest/usr/share/mailset/ansible/library/mailset.py" "$T_DIR/make-n.log" ||
	fail "make install does not install the module"
timeout -k 5 60 ansible-doc -M "$lib" mailset >"$T_DIR/doc" 2>"$T_DIR/doc.err" ||
	fail "ansible-doc failed: $(head -c 300 "$T_DIR/doc.err" | tr '\n' '|')"
for w in '= config' '- password' 'EXAMPLES:' 'RETURN VALUES:' 'preset_host: sv123.xserver.jp'; do
	grep -qF -- "$w" "$T_DIR/doc" || fail "ansible-doc mailset lacks '$w'"
done
end; fi

finish
