#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/cli.sh - the command line as HACKING.md specifies it: every
# subcommand, its output and its exit status (sysexits.h).

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

ALL_KEYS='basic.contact_email basic.system_email basic.system_sender_name basic.bcc basic.notify_priority smtp.host smtp.port smtp.username smtp.password smtp.auth smtp.tls smtp.ca_file options.sms_auth options.twilio'
PRESET_IDS='onamae sakura xserver lolipop muumuu google exchange-online'

# --- check --------------------------------------------------------------

if begin check_valid_ok; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" check
expect_rc 0
[ "$(tail -n 1 "$T_DIR/out")" = "$f: OK" ] || fail "last line of stdout is '$(tail -n 1 "$T_DIR/out")', expected '$f: OK'"
end; fi

if begin check_invalid_port; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i 's/^port = 587$/port = 99999/' "$f"
ms -c "$f" check
expect_rc 78
expect_out_has "$f:10: smtp.port: "
expect_nowhere "$f: OK"
end; fi

if begin check_invalid_address; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i 's/^contact_email = .*/contact_email = not-an-address/' "$f"
ms -c "$f" check
expect_rc 78
expect_out_has "$f:3: basic.contact_email: "
end; fi

if begin check_sender_name_special; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i 's/^system_sender_name = .*/system_sender_name = Shop [Tokyo]/' "$f"
ms -c "$f" check
expect_rc 78
expect_out_has "$f:5: basic.system_sender_name: "
end; fi

if begin check_reports_every_error; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i -e 's/^port = 587$/port = 0/' -e 's/^auth = plain$/auth = kerberos/' "$f"
ms -c "$f" check
expect_rc 78
expect_out_has "$f:10: smtp.port: "
expect_out_has "$f:13: smtp.auth: "
end; fi

if begin check_warning_only_ok; then
# A duplicate key is a warning on the earlier line; the last one wins.
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i 's/^host = smtp.example.com$/host = old.example.com\nhost = smtp.example.com/' "$f"
ms -c "$f" check
expect_rc 0
expect_out_has "$f:9: smtp.host: warning: "
[ "$(tail -n 1 "$T_DIR/out")" = "$f: OK" ] || fail "last line is '$(tail -n 1 "$T_DIR/out")', expected '$f: OK'"
ms -c "$f" get smtp.host
expect_out "smtp.example.com"
end; fi

if begin check_warnings_format; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i -e 's/^tls = on$/tls = off/' -e 's/^bcc =$/bcc = copy@example.com,copy@example.com/' "$f"
ms -c "$f" check
expect_rc 0
expect_out_has "$f:14: smtp.tls: warning: "
expect_out_has "$f:6: basic.bcc: warning: "
[ "$(tail -n 1 "$T_DIR/out")" = "$f: OK" ] || fail "last line is '$(tail -n 1 "$T_DIR/out")', expected '$f: OK'"
expect_out_has "unencrypted"
end; fi

# Port 465 is TLS from the start: tls = off there is no plaintext warning.
if begin check_tls_off_port_465; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i -e 's/^tls = on$/tls = off/' -e 's/^port = 587$/port = 465/' "$f"
ms -c "$f" check
expect_rc 0
expect_out_has "smtp.tls: warning: port 465 is TLS from the start"
grep -q unencrypted "$T_DIR/out" && fail "the plaintext warning on port 465: $(out | tr '\n' '|')"
end; fi

# A provider's template host, filled in wrongly (admin guide: sv◯◯◯.xserver.jp,
# mail◯◯◯.onamae.ne.jp): an error for check, set and preset alike.
if begin check_template_hosts; then
f=$T_DIR/mail.ini
for bad in 'svsv12345.xserver.jp:written twice' 'mail.onamae.ne.jp:server number is missing' \
	   'sv1234:sv1234.xserver.jp or sv1234.xbiz.ne.jp' 'sv◯◯◯.xserver.jp:type your server number' \
	   'svabc.xserver.jp:digits only'; do
	mkvalid "$f"
	sed -i "s/^host = .*/host = ${bad%%:*}/" "$f"
	ms -c "$f" check
	expect_rc 78 "check ${bad%%:*}"
	expect_out_has "$f:9: smtp.host: "
	expect_out_has "${bad#*:}"
	expect_nowhere "$f: OK"
done
mkvalid "$f"
sed -i "s/^host = .*/host = sv12345.xserver.jp/" "$f"
ms -c "$f" check
expect_rc 0
end; fi

if begin set_template_host_refused; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.host=svsv12345.xserver.jp
expect_rc 65
expect_err_has "smtp.host: 'sv' is written twice; the server name is sv12345.xserver.jp"
expect_same "$T_DIR/orig.ini" "$f"
ms -c "$f" preset xserver --host svsv12345.xserver.jp
expect_rc 65
expect_err_has "written twice"
expect_same "$T_DIR/orig.ini" "$f"
ms -c "$f" preset onamae --host mail.onamae.ne.jp
expect_rc 65
expect_err_has "server number is missing"
expect_same "$T_DIR/orig.ini" "$f"
ms -c "$f" set smtp.host=sv12345.xserver.jp
expect_rc 0
end; fi

# Exchange Online typed by hand: the preset's refusal, everywhere.
if begin check_exchange_online_error; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" preset exchange-online
expect_rc 65
why=$(head -n 1 "$T_DIR/err"); why=${why#mailset: }
sed -i "s/^host = .*/host = smtp.office365.com/" "$f"
ms -c "$f" check
expect_rc 78
expect_out_has "$f:9: smtp.host: $why"
expect_nowhere "$f: OK"
mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.host=SMTP.Office365.com
expect_rc 65
expect_err_has "smtp.host: $why"
expect_same "$T_DIR/orig.ini" "$f"
end; fi

# auth plain/login with no password: a warning, check still OK.
if begin check_empty_password_warns; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i "s/^password = .*/password =/" "$f"
for a in plain login cram-md5; do
	sed -i "s/^auth = .*/auth = $a/" "$f"
	ms -c "$f" check
	expect_rc 0 "auth $a"
	expect_out_has "smtp.password: warning: empty, while the authentication method is $a"
	expect_out_has "$f: OK"
done
sed -i "s/^auth = .*/auth = none/" "$f"
ms -c "$f" check
expect_rc 0
grep -q 'smtp.password' "$T_DIR/out" && fail "auth none: $(tr '\n' '|' <"$T_DIR/out")"
end; fi

# Typed with the Japanese input on: full-width separators and digits.
if begin set_fullwidth_refused; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.port=５８７
expect_rc 65
expect_err_has "half-width digits: 587"
ms -c "$f" set basic.bcc=a@example.com、b@example.com
expect_rc 65
expect_err_has "half-width comma"
ms -c "$f" set basic.bcc=a@example.com，b@example.com
expect_rc 65
expect_err_has "half-width comma"
expect_same "$T_DIR/orig.ini" "$f"
end; fi

# The live check measures a Google app password as it is saved.
if begin check_app_password_with_spaces; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i -e "s/^host = .*/host = smtp.gmail.com/" -e "s/^password = .*/password = abcd efgh ijkl mnop/" "$f"
ms -c "$f" check
expect_rc 0
grep -q 'app password' "$T_DIR/out" && fail "16 letters in groups warned about: $(tr '\n' '|' <"$T_DIR/out")"
sed -i "s/^password = .*/password = abcd efgh ijkl mno/" "$f"
ms -c "$f" check
expect_rc 0
expect_out_has "this one has 15 characters, not counting the spaces"
end; fi

if begin check_broken_line; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i '3i this line has no equals sign' "$f"
ms -c "$f" check
expect_rc 78
expect_any_has "$f:3:"
expect_nowhere "$f: OK"
end; fi

# HACKING: a line longer than 199 bytes including its line ending is rejected.
if begin check_line_too_long; then
f=$T_DIR/mail.ini; mkvalid "$f"
long="; $(head -c 197 /dev/zero | tr '\0' x)"   # 199 bytes + LF
sed -i "4i $long" "$f"
ms -c "$f" check
expect_rc 78
expect_any_has "$f:4:"
end; fi

if begin check_line_198_ok; then
f=$T_DIR/mail.ini; mkvalid "$f"
long="; $(head -c 196 /dev/zero | tr '\0' x)"   # 198 bytes + LF
sed -i "4i $long" "$f"
ms -c "$f" check
expect_rc 0
expect_out_has "$f: OK"
end; fi

if begin check_nul_byte; then
f=$T_DIR/mail.ini
printf '[basic]\ncontact_email = support@example.com\nsystem_email = no\0reply@example.com\n' >"$f"
chmod 600 "$f"
ms -c "$f" check
expect_rc 78
expect_any_has "$f:3:"
end; fi

if begin check_multiline_host; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i 's/^host = smtp.example.com$/host = smtp.example.com\n  smtp2.example.com/' "$f"
ms -c "$f" check
expect_rc 78
expect_out_has "$f:9: smtp.host: "
end; fi

if begin check_multiline_bcc_ok; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i 's/^bcc =$/bcc = a@example.com,\n  b@example.com/' "$f"
ms -c "$f" check
expect_rc 0
expect_out_has "$f: OK"
end; fi

if begin check_missing_file; then
ms -c "$T_DIR/nope.ini" check
expect_rc 66
expect_err_nonempty
[ -e "$T_DIR/nope.ini" ] && fail "check created the file"
end; fi

# --- get ----------------------------------------------------------------

if begin get_value; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" get smtp.host
expect_rc 0
expect_out "smtp.example.com"
ms -c "$f" get basic.system_sender_name
expect_out "Example Shop"
end; fi

if begin get_empty_value; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" get basic.bcc
expect_rc 0
expect_out ""
end; fi

if begin get_defaults; then
f=$T_DIR/mail.ini
mkfile "$f" '[basic]\ncontact_email = support@example.com\n'
ms -c "$f" get smtp.port;             expect_rc 0; expect_out 587
ms -c "$f" get smtp.auth;             expect_out plain
ms -c "$f" get smtp.tls;              expect_out on
ms -c "$f" get basic.notify_priority; expect_out email
ms -c "$f" get options.sms_auth;      expect_out off
ms -c "$f" get options.twilio;        expect_out off
end; fi

if begin get_last_duplicate_wins; then
f=$T_DIR/mail.ini
mkfile "$f" '[smtp]\nport = 25\nport = 2525\n'
ms -c "$f" get smtp.port
expect_rc 0
expect_out 2525
end; fi

if begin get_all_masks_password; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" get
expect_rc 0
for k in $ALL_KEYS; do
	grep -q "^$k = \\?" "$T_DIR/out" || fail "get lists no line for $k"
done
expect_out_has "smtp.host = smtp.example.com"
expect_out_has "smtp.port = 587"
expect_out_has "smtp.password = ********"
expect_nowhere secret123
end; fi

if begin get_password_refused; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" get smtp.password
expect_rc 77
expect_out_empty
expect_err_nonempty
expect_nowhere secret123
end; fi

if begin get_password_show_secret; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" get --show-secret smtp.password
expect_rc 0
expect_out secret123
end; fi

if begin get_unknown_key; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" get smtp.nosuchkey
expect_rc 64
expect_out_empty
expect_err_nonempty
ms -c "$f" get nosection
expect_rc 64
end; fi

if begin get_missing_file; then
ms -c "$T_DIR/nope.ini" get smtp.host
expect_rc 66
expect_out_empty
end; fi

if begin get_broken_file; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i '9i garbage' "$f"
ms -c "$f" get smtp.host
expect_rc 78
expect_any_has "$f:9:"
end; fi

# --- set ----------------------------------------------------------------

if begin set_one_key; then
mkdir "$T_DIR/cfg"
f=$T_DIR/cfg/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
sed 's/^port = 587$/port = 465/' "$f" >"$T_DIR/want.ini"
ms -c "$f" set smtp.port=465
expect_rc 0
expect_same "$T_DIR/want.ini" "$f"
d=$(diff "$T_DIR/orig.ini" "$f")
[ "$d" = "$(printf '10c10\n< port = 587\n---\n> port = 465')" ] || fail "diff against the original: $(echo "$d" | tr '\n' '|')"
ms -c "$f" get smtp.port
expect_out 465
[ "$(dir_list "$T_DIR/cfg")" = "mail.ini " ] || fail "directory holds: $(dir_list "$T_DIR/cfg")"
end; fi

# A set or preset that changes nothing leaves the file alone (issue 13):
# same inode, mtime, ctime, mode and bytes, and says so. The file's times
# are put a day back first, so that a rewrite cannot hide in the clock's
# granularity.
file_state() { stat -c '%i %y %z %a %s' "$1"; }
age() { touch -d '-1 day' "$1"; }

if begin set_noop_leaves_file; then
mkdir "$T_DIR/cfg"
f=$T_DIR/cfg/mail.ini; mkvalid "$f"; age "$f"
cp -p "$f" "$T_DIR/orig.ini"
before=$(file_state "$f")
# normalised first (PLAIN is plain), then compared
ms -c "$f" set 'basic.system_sender_name=Example Shop' smtp.port=587 smtp.auth=PLAIN basic.bcc=
expect_rc 0
expect_out "$f: unchanged: basic.system_sender_name is already 'Example Shop'
$f: unchanged: smtp.port is already '587'
$f: unchanged: smtp.auth is already 'plain'
$f: unchanged: basic.bcc is already ''"
[ "$(file_state "$f")" = "$before" ] || fail "inode, times, mode or size changed: '$before' -> '$(file_state "$f")'"
expect_same "$T_DIR/orig.ini" "$f"
[ "$(dir_list "$T_DIR/cfg")" = "mail.ini " ] || fail "directory holds: $(dir_list "$T_DIR/cfg")"
MS_ENV=(LANG=C.UTF-8 LANGUAGE=ja); ms -c "$f" set smtp.port=587; MS_ENV=()
expect_rc 0
expect_out "$f: 変更なし: smtp.port はすでに '587' です"
[ "$(file_state "$f")" = "$before" ] || fail "inode, times, mode or size changed (LANGUAGE=ja)"
end; fi

if begin set_noop_password; then
f=$T_DIR/mail.ini; mkvalid "$f"; age "$f"
before=$(file_state "$f")
ms_input 'secret123\n' -c "$f" set smtp.password
expect_rc 0
expect_out "$f: unchanged: smtp.password already holds that value (not shown)"
expect_nowhere secret123
[ "$(file_state "$f")" = "$before" ] || fail "inode, times, mode or size changed"
end; fi

if begin preset_noop_leaves_file; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" preset xserver --host sv123.xserver.jp
expect_rc 0
expect_out_has "$f: applied "
age "$f"
cp -p "$f" "$T_DIR/applied.ini"
before=$(file_state "$f")
ms -c "$f" preset xserver --host sv123.xserver.jp
expect_rc 0
expect_out_has "$f: unchanged: Xserver is already applied: host sv123.xserver.jp, port 587"
grep -q ': applied ' "$T_DIR/out" && fail "a preset that changed nothing says 'applied'"
[ -n "$(sed -n 2p "$T_DIR/out")" ] || fail "the preset's hints are not printed"
[ "$(file_state "$f")" = "$before" ] || fail "inode, times, mode or size changed: '$before' -> '$(file_state "$f")'"
expect_same "$T_DIR/applied.ini" "$f"
end; fi

if begin set_change_still_writes; then
f=$T_DIR/mail.ini; mkvalid "$f"; age "$f"
chmod 640 "$f"
before=$(file_state "$f")
ino=$(stat -c %i "$f")
# one value the same, one new: the file is written, nothing says unchanged
ms -c "$f" set smtp.port=587 smtp.host=mail.example.net
expect_rc 0
expect_out_empty
[ "$(stat -c %i "$f")" != "$ino" ] || fail "the file was not replaced (same inode)"
[ "$(stat -c %Y "$f")" -ge "$(date -d '-1 hour' +%s)" ] || fail "mtime not renewed"
expect_mode "$f" 640
ms -c "$f" get smtp.host; expect_out mail.example.net
end; fi

# Under strace: a no-op set makes no fsync, rename or chmod, and opens for
# writing nothing but its lock; the same trace of a real set shows the
# save's steps, so the test cannot pass by seeing nothing.
if begin set_noop_syscalls; then
if [ ! -x /usr/bin/strace ]; then
	fail "/usr/bin/strace is not installed"
else
f=$T_DIR/mail.ini; mkvalid "$f"
calls=write,fsync,fdatasync,sync_file_range,rename,renameat,renameat2,openat,open,creat,chmod,fchmod,fchmodat,chown,fchown,fchownat,truncate,ftruncate,link,linkat,unlink,unlinkat
# LeakSanitizer cannot stop the world under ptrace: leaks are the other
# cases' business (they run this very command)
strace_set() {
	ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 timeout -k 5 60 /usr/bin/strace -f -y \
		-e trace=$calls -o "$1" "$MAILSET" -c "$f" set "$2" \
		</dev/null >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
	sanitizer_check "$T_DIR/err" "mailset set under strace"
}
strace_set "$T_DIR/noop.log" 'basic.system_sender_name=Example Shop'
expect_rc 0
expect_out_has 'unchanged: basic.system_sender_name'
log=$T_DIR/noop.log
# the trace saw the command: it read the file; and it did nothing else:
# no lock (there is nothing to write), no flush, no rename, no write
grep -qE "openat\(.*\"[^\"]*mail\.ini\", O_RDONLY" "$log" || fail "the trace shows no read of the file"
bad=$(grep -E '(link|linkat|unlink|unlinkat)\(' "$log")
[ -z "$bad" ] || fail "a no-op set linked or unlinked (a lock?): $(echo "$bad" | head -2 | tr '\n' '|')"
bad=$(grep -E '(fsync|fdatasync|sync_file_range)\(' "$log")
[ -z "$bad" ] || fail "a no-op set flushed: $(echo "$bad" | head -2 | tr '\n' '|')"
bad=$(grep -E '(rename|renameat|renameat2)\(' "$log")
[ -z "$bad" ] || fail "a no-op set renamed: $(echo "$bad" | head -2 | tr '\n' '|')"
bad=$(grep -E '(open|openat|creat)\(.*(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC)' "$log" | grep -v '"/dev/null"')
[ -z "$bad" ] || fail "a no-op set opened for writing: $(echo "$bad" | head -2 | tr '\n' '|')"
bad=$(grep -E '(chmod|fchmod|fchmodat|chown|fchown|fchownat|truncate|ftruncate)\(' "$log")
[ -z "$bad" ] || fail "a no-op set changed a file's mode, owner or size: $(echo "$bad" | head -2 | tr '\n' '|')"
bad=$(grep -E '^[0-9]+ +write\([0-9]+<' "$log" | grep -vE '^[0-9]+ +write\((1|2)<')
[ -z "$bad" ] || fail "a no-op set wrote: $(echo "$bad" | head -2 | tr '\n' '|')"
# the control: a real change is seen doing all of it
strace_set "$T_DIR/real.log" 'basic.system_sender_name=Other Shop'
expect_rc 0
grep -qE "rename\(\"[^\"]*/\.mail\.ini\.mailset-[A-Za-z0-9]{6}\", \"[^\"]*/mail\.ini\"\)" "$T_DIR/real.log" ||
	fail "the trace of a real set shows no rename into place"
grep -E 'fsync\(' "$T_DIR/real.log" | grep -qE '<[^>]*/\.mail\.ini\.mailset-[A-Za-z0-9]{6}>' ||
	fail "the trace of a real set shows no fsync of the new file"
grep -qE "link\(\"[^\"]*mail\.ini\.lock\.[^\"]*\", \"[^\"]*mail\.ini\.lock\"" "$T_DIR/real.log" ||
	fail "the trace of a real set shows no lock taken"
fi
end; fi

if begin set_several_keys; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -e 's/^port = 587$/port = 2525/' -e 's/^host = .*/host = mail.example.net/' "$f" >"$T_DIR/want.ini"
ms -c "$f" set smtp.host=mail.example.net smtp.port=2525
expect_rc 0
expect_same "$T_DIR/want.ini" "$f"
end; fi

if begin set_bad_among_good; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.port=465 'smtp.host=bad host name' basic.contact_email=not-an-address
expect_rc 65
expect_err_has "smtp.host: "
expect_err_has "basic.contact_email: "
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin set_bad_port; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
for v in 0 65536 -1 abc 58x7 ''; do
	ms -c "$f" set "smtp.port=$v"
	expect_rc 65 "set smtp.port='$v'"
	expect_err_has "smtp.port: "
done
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin set_unwritable_value; then
# Values inih could not read back are refused with a reason.
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
for v in 'user ;comment' "$(printf 'a\tb')"; do
	ms -c "$f" set "smtp.username=$v"
	expect_rc 65 "set smtp.username='$v'"
	expect_err_has "smtp.username: "
done
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin set_normalises; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" set 'basic.bcc=a@example.com , b@example.com,c@example.com' smtp.auth=LOGIN smtp.tls=Off
expect_rc 0
ms -c "$f" get basic.bcc; expect_out 'a@example.com,b@example.com,c@example.com'
ms -c "$f" get smtp.auth; expect_out login
ms -c "$f" get smtp.tls;  expect_out off
grep -qx 'auth = login' "$f" || fail "file lacks 'auth = login'"
end; fi

if begin set_cross_field_warning; then
f=$T_DIR/mail.ini
mkfile "$f" '[basic]\ncontact_email = support@example.com\nsystem_email = noreply@example.com\n\n[smtp]\nhost = smtp.example.com\nauth = none\n'
ms -c "$f" set smtp.auth=plain
expect_rc 0
expect_err_has "smtp.username"
ms -c "$f" get smtp.auth
expect_out plain
end; fi

if begin set_unknown_key; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.port=465 smtp.nosuch=1
expect_rc 64
expect_err_nonempty
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin set_without_equals; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.port
expect_rc 64
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin set_broken_file; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i '3i garbage without equals' "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.port=465
expect_rc 78
expect_any_has "$f:3:"
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin set_long_line_file_untouched; then
f=$T_DIR/mail.ini; mkvalid "$f"
printf 'note = %0194d\n' 0 >>"$f"                  # 201 bytes
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.port=465
expect_rc 78
expect_any_has "$f:15:"
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin set_password_on_command_line; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" set smtp.password=Hunter2Secret
expect_rc 64
expect_nowhere Hunter2Secret
expect_same "$T_DIR/orig.ini" "$f"
ms -c "$f" set smtp.port=465 smtp.password=Hunter2Secret
expect_rc 64
expect_nowhere Hunter2Secret
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin set_password_stdin; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms_input 'pw\n' -c "$f" set smtp.password
expect_rc 0
ms -c "$f" get --show-secret smtp.password
expect_rc 0
expect_out pw
end; fi

if begin set_password_stdin_not_echoed; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms_input 'Tr0ub4dor&3-horse\nsecond line\n' -c "$f" set smtp.password
expect_rc 0
expect_nowhere 'Tr0ub4dor&3-horse'
ms -c "$f" get --show-secret smtp.password
expect_out 'Tr0ub4dor&3-horse'
grep -q 'second line' "$f" && fail "more than the first line was stored"
end; fi

if begin set_creates_file_0600; then
f=$T_DIR/new.ini
ms -c "$f" set smtp.host=smtp.example.com
expect_rc 0
expect_mode "$f" 600
ms -c "$f" get smtp.host
expect_out smtp.example.com
end; fi

if begin set_new_file_content; then
f=$T_DIR/new.ini
ms -c "$f" set smtp.port=2525 smtp.host=smtp.example.com
expect_rc 0
printf '[smtp]\nhost = smtp.example.com\nport = 2525\n' >"$T_DIR/want.ini"
expect_same "$T_DIR/want.ini" "$f"
end; fi

if begin set_bad_value_creates_nothing; then
ms -c "$T_DIR/new.ini" set smtp.port=0
expect_rc 65
[ -e "$T_DIR/new.ini" ] && fail "a file was created"
[ "$(dir_list "$T_DIR")" = "err out " ] || fail "directory holds: $(dir_list "$T_DIR")"
end; fi

if begin set_missing_directory; then
ms -c "$T_DIR/nosuchdir/mail.ini" set smtp.host=smtp.example.com
expect_rc 73
expect_err_has "$T_DIR/nosuchdir"
[ -e "$T_DIR/nosuchdir" ] && fail "the directory of a -c path was created"
end; fi

if begin get_no_configuration; then
MS_ENV=(HOME="$T_DIR/emptyhome"); mkdir "$T_DIR/emptyhome"
ms get smtp.host; MS_ENV=()
expect_rc 66
expect_out_empty
expect_err_has "$T_DIR/emptyhome/.config/mailset/mail.ini"
end; fi

if begin set_keeps_mode_0640; then
f=$T_DIR/mail.ini; mkvalid "$f"
chmod 640 "$f"
warn="mailset: $f: warning: readable by group or others (mode 0640); it holds the SMTP password: chmod 600 $f"
ms -c "$f" set smtp.port=465
expect_rc 0
expect_mode "$f" 640
expect_err_has "$warn"
ms -c "$f" get smtp.port
expect_out 465
expect_err_has "$warn"
end; fi

if begin no_warning_for_0600; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" get smtp.port
expect_rc 0
grep -q 'readable by group or others' "$T_DIR/err" && fail "warned about a 0600 file"
end; fi

# --- presets ------------------------------------------------------------

if begin presets_list; then
ms presets
expect_rc 0
n=$(grep -c . "$T_DIR/out")
[ "$n" -eq 7 ] || fail "presets printed $n lines, expected 7"
for id in $PRESET_IDS; do
	c=$(grep -c "^${id}[[:space:]]" "$T_DIR/out")
	[ "$c" -eq 1 ] || fail "preset $id listed $c times"
done
grep "^xserver[[:space:]]" "$T_DIR/out" | grep -q 'xserver\.jp' || fail "xserver line lacks its host"
grep "^google[[:space:]]" "$T_DIR/out" | grep -q 'smtp\.gmail\.com' || fail "google line lacks smtp.gmail.com"
grep "^lolipop[[:space:]]" "$T_DIR/out" | grep -q 'smtp\.lolipop\.jp' || fail "lolipop line lacks smtp.lolipop.jp"
grep "^muumuu[[:space:]]" "$T_DIR/out" | grep -q 'smtp\.muumuu-mail\.com' || fail "muumuu line lacks its host"
grep "^exchange-online[[:space:]]" "$T_DIR/out" | grep -q 'smtp\.office365\.com' || fail "exchange-online line lacks smtp.office365.com"
end; fi

if begin presets_japanese_names; then
ms presets
cp "$T_DIR/out" "$T_DIR/en"
MS_ENV=(LANG=C.UTF-8 LANGUAGE=ja); ms presets; MS_ENV=()
expect_rc 0
cmp -s "$T_DIR/en" "$T_DIR/out" && fail "LANGUAGE=ja lists the same names as English"
LC_ALL=C grep -q "$(printf '[\200-\377]')" "$T_DIR/out" || fail "no non-ASCII name with LANGUAGE=ja"
end; fi

if begin preset_needs_host; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" preset xserver
expect_rc 64
expect_err_nonempty
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin preset_xserver_host; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i -e 's/^port = 587$/port = 465/' -e 's/^auth = plain$/auth = login/' -e 's/^tls = on$/tls = off/' "$f"
ms -c "$f" preset xserver --host sv123.xserver.jp
expect_rc 0
[ -s "$T_DIR/out" ] || fail "no notes printed"
ms -c "$f" get smtp.host; expect_out sv123.xserver.jp
ms -c "$f" get smtp.port; expect_out 587
ms -c "$f" get smtp.auth; expect_out plain
ms -c "$f" get smtp.tls;  expect_out on
ms -c "$f" get basic.contact_email; expect_out support@example.com
end; fi

if begin preset_by_name; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" preset 'Google Workspace'
expect_rc 0
ms -c "$f" get smtp.host; expect_out smtp.gmail.com
end; fi

if begin preset_unknown; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" preset nosuchprovider
[ "$RC" -eq 0 ] && fail "unknown preset accepted"
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin preset_host_mismatch_warns; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" preset xserver --host mail.example.org
expect_rc 0
expect_err_nonempty
ms -c "$f" get smtp.host; expect_out mail.example.org
end; fi

if begin preset_exchange_online_refused; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" preset exchange-online
expect_rc 65
expect_err_nonempty
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin preset_google_app_password; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" preset google
expect_rc 0
ms -c "$f" get smtp.host; expect_out smtp.gmail.com
ms_input 'abcd efgh ijkl mnop\n' -c "$f" set smtp.password
expect_rc 0
ms -c "$f" get --show-secret smtp.password
expect_out abcdefghijklmnop
end; fi

# --- usage, help, version -------------------------------------------------

if begin unknown_command; then
ms frobnicate
expect_rc 64
expect_out_empty
expect_err_nonempty
end; fi

if begin unknown_option; then
ms --frobnicate check
expect_rc 64
expect_err_nonempty
end; fi

if begin extra_arguments; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" check extra;            expect_rc 64 "check extra"
ms -c "$f" get smtp.host smtp.port; expect_rc 64 "get with two keys"
ms presets extra;                  expect_rc 64 "presets extra"
ms -c "$f" set;                    expect_rc 64 "set without KEY=VALUE"
ms -c "$f" preset;                 expect_rc 64 "preset without NAME"
ms -c;                             expect_rc 64 "-c without FILE"
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin help; then
ms --help
expect_rc 0
for w in check get set presets preset; do
	grep -qw -- "$w" "$T_DIR/out" || fail "--help does not mention '$w'"
done
ms -h
expect_rc 0
end; fi

if begin version; then
ms --version
expect_rc 0
expect_out_has 0.1.0
grep -qi ncurses "$T_DIR/out" || fail "--version does not name ncurses"
grep -qi libcurl "$T_DIR/out" || fail "--version does not name libcurl"
grep -q OpenSSL "$T_DIR/out" || fail "--version does not name OpenSSL"
ms -V
expect_rc 0
end; fi

if begin command_help; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms --complete commands
cmds=$(out)
[ -n "$cmds" ] || fail "--complete commands printed nothing"
for c in $cmds; do
	for h in --help -h; do
		MS_ENV=(MAILSET_CONFIG=$T_DIR/nope.ini); ms "$c" "$h"; MS_ENV=()
		expect_rc 0 "mailset $c $h"
		[ -s "$T_DIR/err" ] && fail "mailset $c $h wrote on stderr: $(head -c 200 "$T_DIR/err")"
		head -n1 "$T_DIR/out" | grep -q "^Usage: mailset .*$c" || fail "mailset $c $h: first line '$(head -n1 "$T_DIR/out")'"
		expect_out_has "-h, --help"
	done
	cp "$T_DIR/out" "$T_DIR/want.help"
	ms help "$c"
	expect_rc 0 "mailset help $c"
	cmp -s "$T_DIR/want.help" "$T_DIR/out" || fail "mailset help $c differs from mailset $c -h"
done
# each command's options, from the table
ms test-send --help
expect_out_has "mailset [-c FILE] test-send --probe [--save FILE]"
for o in "--to ADDR" "--save FILE" "--probe"; do expect_out_has "  $o "; done
ms dns --help
for o in "--selector S" "--server ADDR[:PORT]"; do expect_out_has "  $o "; done
ms get --help
expect_out_has "  --show-secret "
grep -q -- "--probe" "$T_DIR/out" && fail "get --help names test-send's --probe"
ms preset --help
expect_out_has "  --host HOST "
ms presets --help
grep -q -- "--config" "$T_DIR/out" && fail "presets --help offers -c, which it does not read"
# before the command, after it, and the general help
ms -c "$f" get --help;  expect_rc 0; expect_out_has "--show-secret"
ms --help get;          expect_rc 0; expect_out_has "--show-secret"
ms help;                expect_rc 0; expect_out_has "Commands:"
ms help chek;           expect_rc 64; expect_err_has "did you mean 'check'?"
end; fi

if begin options_after_command; then
f=$T_DIR/mail.ini; mkvalid "$f"
MS_ENV=(MAILSET_CONFIG=$T_DIR/nope.ini)
ms get smtp.host -c "$f";        expect_rc 0 "get KEY -c FILE"; expect_out smtp.example.com
ms get smtp.host --config "$f";  expect_rc 0 "get KEY --config FILE"; expect_out smtp.example.com
ms get --config="$f" smtp.host;  expect_rc 0 "get --config=FILE KEY"; expect_out smtp.example.com
ms get smtp.host "-c$f";         expect_rc 0 "get KEY -cFILE"; expect_out smtp.example.com
# a value that starts with '-' stays a value
ms set basic.system_sender_name=-x -c "$f"; expect_rc 0 "set KEY=-x -c FILE"
ms -c "$f" get basic.system_sender_name;    expect_out "-x"
ms set -c "$f" basic.system_sender_name=-h; expect_rc 0 "set KEY=-h"
ms -c "$f" get basic.system_sender_name;    expect_out "-h"
# a command option's value is the command's, not a global option
ms preset xserver --host -h -c "$f"
expect_rc 65 "preset --host -h"
grep -q "^Usage" "$T_DIR/out" && fail "--host -h was taken for --help"
expect_err_has "smtp.host: "
# -- ends the options: what follows is the command's
ms -c "$f" get -- -c
expect_rc 64 "get -- -c"
expect_err_has "get: unknown option '-c'"
ms get smtp.host -c
expect_rc 64 "get KEY -c (no FILE)"
expect_err_has "-c needs a file name"
MS_ENV=()
end; fi

if begin did_you_mean_command; then
ms chek
expect_rc 64
expect_out_empty
expect_err_has "mailset: 'chek' is not a command; did you mean 'check'?"
expect_err_has "Try 'mailset --help'."
ms gte smtp.host;  expect_rc 64; expect_err_has "did you mean 'get'?"
ms presset xserver; expect_rc 64; expect_err_has "did you mean 'preset'?"
ms tset-send;      expect_rc 64; expect_err_has "did you mean 'test-send'?"
ms frobnicate
expect_rc 64
expect_err_has "'frobnicate' is not a command"
grep -q "did you mean" "$T_DIR/err" && fail "a suggestion for frobnicate: $(head -c 200 "$T_DIR/err")"
end; fi

if begin did_you_mean_key; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig.ini"
ms -c "$f" get smtp.hots
expect_rc 64 "get smtp.hots"
expect_out_empty
expect_err_has "unknown key 'smtp.hots'; did you mean 'smtp.host'?"
ms -c "$f" set smtp.prot=465
expect_rc 64 "set smtp.prot=465"
expect_err_has "unknown key 'smtp.prot'; did you mean 'smtp.port'?"
ms -c "$f" set basic.contact_emial=a@example.com
expect_err_has "did you mean 'basic.contact_email'?"
ms -c "$f" get host
expect_rc 64 "get host"
expect_err_has "did you mean 'smtp.host'?"
ms -c "$f" get nothing.like.it
expect_rc 64
expect_err_has "'mailset get' lists the keys"
grep -q "did you mean" "$T_DIR/err" && fail "a suggestion for nothing.like.it"
expect_same "$T_DIR/orig.ini" "$f"
end; fi

if begin errors_on_stderr; then
f=$T_DIR/mail.ini; mkvalid "$f"
for s in foo '[::1' '::1]:53' 1.2.3.4:0 127.0.0.1:99999; do
	ms -c "$f" dns --server "$s"
	expect_rc 64 "dns --server $s"
	expect_out_empty
	expect_err_has "--server '$s'"
	case $s in *:0 | *:99999) expect_err_has "port" ;; *) expect_err_has "[::1]:5353" ;; esac
done
# what preset needs, with the error, on stderr
ms -c "$f" preset xserver
expect_rc 64
expect_out_empty
expect_err_has "needs --host"
end; fi

if begin stdout_write_error; then
f=$T_DIR/mail.ini; mkvalid "$f"
for args in "-c $f get smtp.host" "-c $f get" "--help" "get --help" "presets" "-c $f check"; do
	# shellcheck disable=SC2086
	timeout 60 "$MAILSET" $args >/dev/full 2>"$T_DIR/err"
	RC=$?
	sanitizer_check "$T_DIR/err" "mailset $args"
	expect_rc 74 "mailset $args >/dev/full"
	expect_err_has "mailset: write error: No space left on device"
done
# nothing to write: a closed stdout is no error
timeout 60 "$MAILSET" -c "$f" set smtp.port=465 >&- 2>"$T_DIR/err"
RC=$?
expect_rc 0 "set with stdout closed"
# a reader that went away is not an error to report
timeout 60 "$MAILSET" --help 2>"$T_DIR/err" | true
grep -q "write error" "$T_DIR/err" && fail "a closed pipe gave: $(cat "$T_DIR/err")"
end; fi

if begin complete_queries; then
MS_ENV=(MAILSET_CONFIG=$T_DIR/nope.ini HOME=/nonexistent)
ms --complete commands
expect_rc 0
expect_out "$(printf '%s\n' check get set presets preset test-send dns)"
ms --complete keys
expect_rc 0
for k in $ALL_KEYS; do grep -qx "$k" "$T_DIR/out" || fail "--complete keys lacks $k"; done
ms --complete set-keys
expect_rc 0
grep -qx "smtp.host=" "$T_DIR/out" || fail "--complete set-keys lacks smtp.host="
grep -qx "smtp.password" "$T_DIR/out" || fail "--complete set-keys offers smtp.password= (the password on a command line)"
ms --complete presets
expect_rc 0
expect_out "$(printf '%s\n' $PRESET_IDS)"
ms --complete options test-send
expect_rc 0
for o in --to= --save= --probe -c --config= --help; do grep -qx -- "$o" "$T_DIR/out" || fail "options test-send lacks $o"; done
ms --complete options presets
grep -qx -- "-c" "$T_DIR/out" && fail "options presets offers -c"
ms --complete options
for o in -c --config= --help --version --wizard; do grep -qx -- "$o" "$T_DIR/out" || fail "options lacks $o"; done
[ -e "$T_DIR/nope.ini" ] && fail "--complete created the configuration file"
ms --complete options chek;  expect_rc 64
ms --complete nonsense;      expect_rc 64
MS_ENV=()
ms --help
grep -q -- "--complete" "$T_DIR/out" && fail "--help shows --complete"
end; fi

# --- configuration path -----------------------------------------------------

mk_host() { mkdir -p "$(dirname "$1")"; mkfile "$1" "[smtp]\nhost = $2\n"; }

if begin config_c_beats_env; then
mk_host "$T_DIR/a.ini" a.example.com
mk_host "$T_DIR/b.ini" b.example.com
mk_host "$T_DIR/xdg/mailset/mail.ini" c.example.com
MS_ENV=(MAILSET_CONFIG="$T_DIR/b.ini" XDG_CONFIG_HOME="$T_DIR/xdg")
ms -c "$T_DIR/a.ini" get smtp.host;       expect_rc 0; expect_out a.example.com
ms --config "$T_DIR/a.ini" get smtp.host; expect_rc 0; expect_out a.example.com
MS_ENV=()
end; fi

if begin config_env_beats_xdg; then
mk_host "$T_DIR/b.ini" b.example.com
mk_host "$T_DIR/xdg/mailset/mail.ini" c.example.com
MS_ENV=(MAILSET_CONFIG="$T_DIR/b.ini" XDG_CONFIG_HOME="$T_DIR/xdg")
ms get smtp.host; MS_ENV=()
expect_rc 0
expect_out b.example.com
end; fi

if begin config_xdg; then
mk_host "$T_DIR/xdg/mailset/mail.ini" c.example.com
mk_host "$T_DIR/home/.config/mailset/mail.ini" d.example.com
MS_ENV=(XDG_CONFIG_HOME="$T_DIR/xdg" HOME="$T_DIR/home")
ms get smtp.host; MS_ENV=()
expect_rc 0
expect_out c.example.com
end; fi

if begin config_home_fallback; then
mk_host "$T_DIR/home/.config/mailset/mail.ini" d.example.com
MS_ENV=(HOME="$T_DIR/home")
ms get smtp.host; MS_ENV=()
expect_rc 0
expect_out d.example.com
end; fi

if begin config_xdg_created_private; then
mkdir -p "$T_DIR/xdg"
MS_ENV=(XDG_CONFIG_HOME="$T_DIR/xdg")
ms set smtp.host=smtp.example.com; MS_ENV=()
expect_rc 0
expect_mode "$T_DIR/xdg/mailset" 700
expect_mode "$T_DIR/xdg/mailset/mail.ini" 600
grep -qx 'host = smtp.example.com' "$T_DIR/xdg/mailset/mail.ini" 2>/dev/null || fail "new file lacks 'host = smtp.example.com'"
end; fi

# --- language ---------------------------------------------------------------

if begin japanese_messages; then
f=$T_DIR/mail.ini; mkvalid "$f"
MS_ENV=(LANGUAGE=en); ms -c "$f" set smtp.port=0; MS_ENV=()
expect_rc 65
cp "$T_DIR/err" "$T_DIR/err.en"
MS_ENV=(LANG=C.UTF-8 LANGUAGE=ja); ms -c "$f" set smtp.port=0; MS_ENV=()
expect_rc 65
expect_err_has "smtp.port: "
cmp -s "$T_DIR/err.en" "$T_DIR/err" && fail "LANGUAGE=ja gives the same message as LANGUAGE=en: $(head -c 200 "$T_DIR/err")"
LC_ALL=C grep -q "$(printf '[\200-\377]')" "$T_DIR/err" || fail "LANGUAGE=ja message has no non-ASCII byte"
end; fi

if begin japanese_from_lang; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" set smtp.port=0
cp "$T_DIR/err" "$T_DIR/err.en"
MS_ENV=(LANG=ja_JP.UTF-8); ms -c "$f" set smtp.port=0; MS_ENV=()
expect_rc 65
cmp -s "$T_DIR/err.en" "$T_DIR/err" && fail "LANG=ja_JP.UTF-8 gives the English message"
end; fi

# gettext's rules: LANGUAGE wins over any locale but C (or POSIX) named as
# such; a Japanese locale that is not installed still gives Japanese.
if begin locale_rules; then
MS_ENV=(-u LANG -u LANGUAGE); ms --help; MS_ENV=()
cp "$T_DIR/out" "$T_DIR/en"
head -n1 "$T_DIR/en" | grep -q '^Usage: ' || fail "no locale: --help starts '$(head -n1 "$T_DIR/en")'"
while IFS='|' read -r want envs; do
	read -r -a e <<<"$envs"
	MS_ENV=(-u LANG -u LANGUAGE -u LC_ALL -u LC_MESSAGES "${e[@]}"); ms --help; MS_ENV=()
	expect_rc 0 "$envs mailset --help"
	if [ "$want" = en ]; then
		cmp -s "$T_DIR/en" "$T_DIR/out" || fail "$envs: not English: $(head -n1 "$T_DIR/out")"
	else
		cmp -s "$T_DIR/en" "$T_DIR/out" && fail "$envs: English, not Japanese"
		LC_ALL=C grep -q "$(printf '[\200-\377]')" "$T_DIR/out" || fail "$envs: no Japanese in --help"
	fi
done <<'CASES'
en|LC_ALL=C LANGUAGE=ja
en|LC_ALL=POSIX LANGUAGE=ja
en|LANG=C LANGUAGE=ja
en|LC_MESSAGES=C LANG=ja_JP.UTF-8 LANGUAGE=ja
en|LANG=en_US.UTF-8
ja|LANG=ja_JP.UTF-8
ja|LANGUAGE=ja LANG=ja_JP.UTF-8
ja|LANG=en_US.UTF-8 LANGUAGE=ja
ja|LANG=C.UTF-8 LANGUAGE=ja
ja|LC_ALL=ja_JP.UTF-8 LANG=C
en|LANG=ja_JP.UTF-8 LANGUAGE=en
CASES
end; fi

# --- I/O failures (need root for mount) -----------------------------------------

if [ "$(id -u)" -ne 0 ]; then
	skip set_full_disk "not root"
	skip set_read_only_fs "not root"
	skip get_permission_denied "not root"
else
	if begin set_full_disk; then
	d=$T_DIR/full; mkdir "$d"
	if ! mount -t tmpfs -o size=16k tmpfs "$d" 2>"$T_DIR/mount.err"; then
		fail "cannot mount tmpfs: $(cat "$T_DIR/mount.err")"
	else
		LIB_MOUNTS+=("$d")
		mkvalid "$d/mail.ini"
		cp "$d/mail.ini" "$T_DIR/orig.ini"
		dd if=/dev/zero of="$d/fill" bs=1k 2>/dev/null
		ms -c "$d/mail.ini" set 'basic.system_sender_name=A much longer sender name for this shop'
		expect_rc 74
		expect_err_has "No space left on device"
		expect_err_has "$d/"
		expect_same "$T_DIR/orig.ini" "$d/mail.ini"
		[ "$(dir_list "$d")" = "fill mail.ini " ] || fail "left behind in the directory: $(dir_list "$d")"
		umount "$d"
	fi
	end; fi

	if begin set_read_only_fs; then
	d=$T_DIR/ro; mkdir "$d"
	if ! mount -t tmpfs -o size=64k tmpfs "$d" 2>"$T_DIR/mount.err"; then
		fail "cannot mount tmpfs: $(cat "$T_DIR/mount.err")"
	else
		LIB_MOUNTS+=("$d")
		mkvalid "$d/mail.ini"
		cp "$d/mail.ini" "$T_DIR/orig.ini"
		mount -o remount,ro "$d"
		ms -c "$d/mail.ini" set smtp.port=465
		case $RC in 73 | 74) ;; *) fail "set on a read-only file system exited $RC, expected 73 or 74" ;; esac
		expect_err_has "Read-only file system"
		expect_same "$T_DIR/orig.ini" "$d/mail.ini"
		[ "$(dir_list "$d")" = "mail.ini " ] || fail "directory holds: $(dir_list "$d")"
		umount "$d"
	fi
	end; fi

	if setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$MAILSET" 2>/dev/null; then
		if begin get_permission_denied; then
		f=$T_DIR/mail.ini; mkvalid "$f"   # 0600 root: unreadable for nobody
		timeout 60 setpriv --reuid=nobody --regid=nogroup --clear-groups "$MAILSET" -c "$f" get smtp.host \
			</dev/null >"$T_DIR/out" 2>"$T_DIR/err"
		RC=$?
		sanitizer_check "$T_DIR/err" "get as nobody"
		expect_rc 77
		expect_out_empty
		expect_err_has "$f"
		end; fi
	else
		skip get_permission_denied "user nobody cannot run $MAILSET"
	fi
fi

# --- install and manual pages ---------------------------------------------------

if begin make_install; then
dest=$T_DIR/dest
if ! (unset MAKEFLAGS MFLAGS MAKELEVEL; make -C "$REPO_DIR" install DESTDIR="$dest" PREFIX=/usr) >"$T_DIR/make.log" 2>&1; then
	fail "make install failed: $(tail -n 5 "$T_DIR/make.log" | tr '\n' '|')"
fi
for p in usr/bin/mailset usr/libexec/mailset/mailset-smtp usr/libexec/mailset/mailset-dns \
	usr/share/man/man1/mailset.1 usr/share/man/man5/mailset.ini.5 \
	usr/share/man/ja/man1/mailset.1 usr/share/man/ja/man5/mailset.ini.5 \
	usr/share/locale/ja/LC_MESSAGES/mailset.mo \
	usr/share/bash-completion/completions/mailset usr/share/zsh/vendor-completions/_mailset; do
	[ -f "$dest/$p" ] || fail "make install did not install /$p"
done
# the Japanese pages where man -L ja looks, as they are in man/ja
for p in man1/mailset.1 man5/mailset.ini.5; do
	[ -f "$dest/usr/share/man/ja/$p" ] && ! cmp -s "$REPO_DIR/man/ja/$p" "$dest/usr/share/man/ja/$p" &&
		fail "/usr/share/man/ja/$p differs from man/ja/$p"
done
cmp -s "$REPO_DIR/share/completion/mailset.bash" "$dest/usr/share/bash-completion/completions/mailset" ||
	fail "the installed bash completion is not share/completion/mailset.bash"
cmp -s "$REPO_DIR/share/completion/_mailset" "$dest/usr/share/zsh/vendor-completions/_mailset" ||
	fail "the installed zsh completion is not share/completion/_mailset"
for id in $PRESET_IDS; do
	[ -f "$dest/usr/share/mailset/presets/$id.ini" ] || fail "preset $id.ini not installed"
done
[ -x "$dest/usr/bin/mailset" ] || fail "installed mailset is not executable"
if [ -x "$dest/usr/bin/mailset" ]; then
	MAILSET_DATADIR=$dest/usr/share/mailset "$dest/usr/bin/mailset" presets >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "installed mailset presets exited $rc"
	n=$(grep -c . "$T_DIR/out")
	[ "$n" -eq 7 ] || fail "installed mailset lists $n presets, expected 7"
	strings "$dest/usr/bin/mailset" | grep -qF /usr/share/mailset ||
		fail "installed binary does not contain the path /usr/share/mailset (built for $(strings "$dest/usr/bin/mailset" | grep -m1 '/share/mailset'))"
	strings "$dest/usr/bin/mailset" | grep -qxF /usr/libexec/mailset ||
		fail "installed binary does not look for its helpers in /usr/libexec/mailset"
	# the helpers where the package puts them: --version asks mailset-smtp
	MAILSET_LIBEXECDIR=$dest/usr/libexec/mailset "$dest/usr/bin/mailset" --version >"$T_DIR/out" 2>&1
	grep -q "libcurl .*OpenSSL" "$T_DIR/out" || fail "installed mailset --version: $(tr '\n' '|' <"$T_DIR/out")"
	# no network library in the program itself
	ldd "$dest/usr/bin/mailset" | grep -Eq 'libcurl|libssl|libcrypto' &&
		fail "installed mailset links $(ldd "$dest/usr/bin/mailset" | grep -Eo 'libcurl|libssl|libcrypto' | sort -u | tr '\n' ' ')"
fi
end; fi

MAN_PAGES="man/mailset.1 man/mailset.ini.5 man/ja/man1/mailset.1 man/ja/man5/mailset.ini.5"
if begin man_pages_lint; then
if ! command -v mandoc >/dev/null; then
	fail "mandoc not installed"
else
	(cd "$REPO_DIR" && mandoc -T lint -W warning $MAN_PAGES) >"$T_DIR/lint" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || fail "mandoc -T lint exited $rc: $(head -c 300 "$T_DIR/lint" | tr '\n' '|')"
	[ -s "$T_DIR/lint" ] && fail "mandoc -T lint: $(head -c 300 "$T_DIR/lint" | tr '\n' '|')"
fi
end; fi

# --json: one document on stdout for every command; the fields the man
# page documents; messages in English whatever the locale.
if begin json_check_get_presets; then
f=$T_DIR/mail.ini; mkvalid "$f"
sed -i 's/^port = 587/port = 99999/; s/^auth = plain/auht = plain/' "$f"
MS_ENV=(LANG=ja_JP.UTF-8 LANGUAGE=ja)
ms -c "$f" check --json
expect_rc 78
json_expect 'd["command"] == "check" and d["ok"] is False and d["exit"] == 78' \
	'd["file"] == sys.argv[1].rsplit("/", 1)[0] + "/mail.ini" or d["file"].endswith("/mail.ini")' \
	'any(e["key"] == "smtp.port" and e["line"] == 10 and "65535" in e["message"] for e in d["errors"])' \
	'any(w["key"] == "smtp.auht" and w["line"] == 13 and "unknown key" in w["message"] for w in d["warnings"])'
mkvalid "$f"
ms -c "$f" get --json
expect_rc 0
json_expect 'd["values"]["smtp.host"] == "smtp.example.com"' 'd["values"]["smtp.password"] == "********"' \
	'len(d["values"]) > 10 and d["errors"] == [] and d["ok"] is True'
ms -c "$f" get smtp.port --json
json_expect 'd["values"] == {"smtp.port": "587"}'
ms -c "$f" get smtp.hots --json
expect_rc 64
json_expect 'd["ok"] is False and d["exit"] == 64' 'd["errors"][0]["message"].startswith("unknown key")'
ms -c "$f" get smtp.password --json
expect_rc 77
json_expect '"--show-secret" in d["errors"][0]["message"]' '"secret123" not in json.dumps(d)'
ms presets --json
expect_rc 0
json_expect 'any(p["name"] == "xserver" and p["needs_host"] and p["supported"] and p["port"] == "587" for p in d["presets"])' \
	'any(p["name"] == "exchange-online" and not p["supported"] for p in d["presets"])' \
	'all(ord(c) < 0x3000 for p in d["presets"] for c in p["title"])'
MS_ENV=()
end; fi

if begin json_set_reports_change_and_noop; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" set smtp.port=2525 basic.system_sender_name=Shop --json
expect_rc 0
json_expect 'd["command"] == "set" and d["changed"] is True and d["dry_run"] is False' \
	'"-port = 587\n+port = 2525\n" in d["diff"]' \
	'"-system_sender_name = Example Shop\n+system_sender_name = Shop\n" in d["diff"]' \
	'{k["key"]: (k["before"], k["after"], k["changed"]) for k in d["keys"]} == {"smtp.port": ("587", "2525", True), "basic.system_sender_name": ("Example Shop", "Shop", True)}'
ms -c "$f" get smtp.port
expect_out 2525
before=$(stat -c '%i %Y %Z' "$f")
ms -c "$f" set smtp.port=2525 --json
expect_rc 0
json_expect 'd["changed"] is False and d["diff"] == "" and d["keys"][0]["changed"] is False'
[ "$(stat -c '%i %Y %Z' "$f")" = "$before" ] || fail "a no-op set --json touched the file"
cp "$f" "$T_DIR/orig"
ms -c "$f" set smtp.port=99999 basic.contact_email=x@example.org --json
expect_rc 65
json_expect 'd["ok"] is False and d["changed"] is False' \
	'[e["key"] for e in d["errors"]] == ["smtp.port"]' '"65535" in d["errors"][0]["message"]'
expect_same "$T_DIR/orig" "$f"
ms_input 'n3w-pass\n' -c "$f" set smtp.password --json
expect_rc 0
json_expect 'd["changed"] is True and d["keys"][0]["before"] == "********"' \
	'"+password = ******** (new)" in d["diff"]' '"n3w-pass" not in json.dumps(d) and "secret123" not in json.dumps(d)'
ms -c "$f" get --show-secret smtp.password
expect_out n3w-pass
end; fi

# --dry-run: the diff of what a save would write, and nothing written.
# GNU patch is the judge: the diff applied to a copy gives the file a
# real set writes.
if begin set_dry_run_diff_applies; then
f=$T_DIR/mail.ini; mkvalid "$f"
printf '\n[extra]\nkeep = me\n' >>"$f"
# CRLF lines and a tab next to a changed line: kept as they are in the
# diff (they are no controls to escape there), so that it still applies
sed -i 's/$/\r/; s/^port = \(.*\)\r$/;\tthe port\r\nport = \1\r/' "$f"
cp "$f" "$T_DIR/orig"; cp "$f" "$T_DIR/copy.ini"
touch -d '2001-01-01' "$f"
before=$(stat -c '%i %Y' "$f")
ms -c "$f" set smtp.port=465 basic.bcc=a@example.org,b@example.org dns.dkim_selectors=s1 --dry-run
expect_rc 0
expect_same "$T_DIR/orig" "$f"
[ "$(stat -c '%i %Y' "$f")" = "$before" ] || fail "--dry-run touched the file"
[ -e "$f.lock" ] && fail "--dry-run left a lock"
head -n 2 "$T_DIR/out" >"$T_DIR/head"
printf -- '--- %s\n+++ %s\n' "$f" "$f" >"$T_DIR/wanthead"
expect_same "$T_DIR/wanthead" "$T_DIR/head" "the diff's header"
cp "$T_DIR/out" "$T_DIR/d.diff"
patch -s "$T_DIR/copy.ini" <"$T_DIR/d.diff" >"$T_DIR/patch.out" 2>&1 ||
	fail "patch refused the diff: $(head -c 200 "$T_DIR/patch.out")"
ms -c "$f" set smtp.port=465 basic.bcc=a@example.org,b@example.org dns.dkim_selectors=s1
expect_rc 0
expect_same "$f" "$T_DIR/copy.ini" "the file patched with the --dry-run diff"
ms -c "$f" set smtp.port=465 --dry-run
expect_rc 0
expect_out "$f: unchanged: smtp.port is already '465'"
ms_input 'hidden-pw\n' -c "$f" set smtp.password --dry-run
grep -q 'hidden-pw\|secret123' "$T_DIR/out" && fail "the password is in the diff"
expect_out_has "+password = ******** (new)"
end; fi

if begin preset_dry_run_json; then
f=$T_DIR/mail.ini; mkvalid "$f"
cp "$f" "$T_DIR/orig"
ms -c "$f" preset xserver --host sv123.xserver.jp --dry-run --json
expect_rc 0
json_expect 'd["command"] == "preset" and d["preset"] == "xserver" and d["changed"] is True and d["dry_run"] is True' \
	'"+host = sv123.xserver.jp" in d["diff"]' \
	'[k["key"] for k in d["keys"]] == ["smtp.host", "smtp.port", "smtp.auth", "smtp.tls"]'
expect_same "$T_DIR/orig" "$f"
ms -c "$f" preset xserver --json
expect_rc 64
json_expect 'd["errors"][0]["key"] == "smtp.host" and "--host" in d["errors"][0]["message"]'
expect_same "$T_DIR/orig" "$f"
end; fi

# --wait: a set waits for an editor's lock instead of exiting 75.
if begin set_wait_for_lock; then
f=$T_DIR/mail.ini; mkvalid "$f"
sleep 30 &
holder=$!
printf 'pid=%s\nhost=%s\nuser=test\nsince=%s\n' "$holder" "$(hostname)" "$(date +%s)" >"$f.lock"
ms -c "$f" set smtp.port=2526 --wait 0
expect_rc 75
ms -c "$f" set smtp.port=2526 --wait x
expect_rc 64
expect_err_has "--wait needs a number of seconds"
( sleep 1; rm -f "$f.lock" ) &
t0=$(date +%s%N)
ms -c "$f" set smtp.port=2526 --wait 20
t1=$(date +%s%N)
expect_rc 0
ms -c "$f" get smtp.port
expect_out 2526
[ $(((t1 - t0) / 1000000)) -ge 700 ] || fail "set --wait did not wait for the lock"
printf 'pid=%s\nhost=%s\nuser=test\nsince=%s\n' "$holder" "$(hostname)" "$(date +%s)" >"$f.lock"
ms -c "$f" set smtp.port=2527 --wait 1 --json
expect_rc 75
json_expect 'd["exit"] == 75 and "being edited" in d["errors"][0]["message"]'
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
rm -f "$f.lock"
end; fi

# Parallel sets on different keys: each one that says it saved has its
# change in the file; every other one exits 75 naming the holder. (A holder
# used to remove the lock temporaries of runs still taking the lock, which
# then wrote without it: changes lost with exit 0.)
if begin concurrent_sets_lose_nothing; then
f=$T_DIR/mail.ini
keys=(basic.contact_email basic.system_email basic.system_sender_name basic.bcc smtp.host
	smtp.port smtp.username smtp.auth smtp.tls smtp.ca_file dns.server dns.dkim_selectors
	options.sms_auth options.twilio)
saved=0 refused=0
for r in $(seq 1 20); do
	mkvalid "$f"
	vals=("a$r@example.jp" "b$r@example.jp" "Name$r" "c$r@example.jp" "h$r.example.jp"
		"25$((r % 10))0" "u$r@example.jp" plain on /etc/ssl/certs/ca-certificates.crt
		"127.0.0.$r" "s$r" on on)
	for i in "${!keys[@]}"; do
		("$MAILSET" -c "$f" set "${keys[$i]}=${vals[$i]}" >"$T_DIR/out$i" 2>"$T_DIR/err$i"
			echo $? >"$T_DIR/rc$i") &
	done
	wait
	for i in "${!keys[@]}"; do
		rc=$(cat "$T_DIR/rc$i")
		case $rc in
		0)
			saved=$((saved + 1))
			got=$("$MAILSET" -c "$f" get "${keys[$i]}" 2>&1)
			[ "$got" = "${vals[$i]}" ] ||
				fail "round $r: set ${keys[$i]}=${vals[$i]} exited 0, but the file holds '$got'" ;;
		75)
			refused=$((refused + 1))
			# the holder named (a run that read the file before
			# another saved it runs again under the lock: not 75)
			grep -q 'is being edited by .*(pid [0-9]' "$T_DIR/err$i" ||
				fail "round $r: exit 75 without the holder: $(cat "$T_DIR/err$i")" ;;
		*) fail "round $r: set ${keys[$i]} exited $rc: $(cat "$T_DIR/err$i")" ;;
		esac
	done
	leftover=$(find "$T_DIR" -maxdepth 1 -name '*mail.ini.*' ! -name '*.lock' | head -3)
	[ -z "$leftover" ] || fail "round $r left temporaries: $leftover"
	[ -e "$f.lock" ] && fail "round $r left the lock"
done
note "14 parallel sets x 20 rounds: $saved saved (each one in the file), $refused refused with 75"
[ "$saved" -ge 20 ] || fail "only $saved of 280 sets saved"
end; fi

# test-send --save never writes through a symbolic link, and a file it
# overwrites ends mode 0600 (it may hold the server's replies).
if begin test_send_save_no_link; then
f=$T_DIR/mail.ini; mkvalid "$f"
ms -c "$f" set smtp.host=127.0.0.1 smtp.port=1
echo 'not yours' >"$T_DIR/victim"
ln -s victim "$T_DIR/link"
ms -c "$f" test-send --save "$T_DIR/link"
expect_err_has "cannot save the transcript: it is a symbolic link"
[ "$(cat "$T_DIR/victim")" = 'not yours' ] || fail "test-send --save wrote through a link"
echo old >"$T_DIR/mine"; chmod 666 "$T_DIR/mine"
ms -c "$f" test-send --save "$T_DIR/mine"
[ "$(stat -c %a "$T_DIR/mine")" = 600 ] || fail "the saved dialogue is mode $(stat -c %a "$T_DIR/mine")"
grep -q 'port 1' "$T_DIR/mine" || fail "the saved dialogue lacks the connection: $(head -3 "$T_DIR/mine")"
end; fi

# Killed with SIGABRT while it holds the password (a test send waiting on
# a server that never answers), neither mailset nor its helper leaves a
# core dump holding it. The plain build: ASan builds keep ptrace for
# LeakSanitizer. (core_pattern "core" here writes into the working
# directory; a piped one is the system's.)
if begin no_core_holds_password; then
f=$T_DIR/mail.ini; mkvalid "$f"
pw='Core-Dump-Secret-7x'
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >"$T_DIR/port" &
silent=$!
for _ in $(seq 50); do [ -s "$T_DIR/port" ] && break; sleep 0.1; done
ms -c "$f" set smtp.host=127.0.0.1 "smtp.port=$(cat "$T_DIR/port")"
ms_input "$pw\n" -c "$f" set smtp.password
expect_rc 0
mkdir "$T_DIR/cwd"
plain=${MAILSET_B:-$MAILSET_SRCDIR/build}/mailset
(cd "$T_DIR/cwd" && ulimit -c unlimited && exec "$plain" -c "$f" test-send >/dev/null 2>&1) &
pid=$!
sleep 1.5
kill -ABRT $(pgrep -P "$pid") "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
sleep 0.5
kill "$silent" 2>/dev/null; wait "$silent" 2>/dev/null
cores=$(find "$T_DIR/cwd" -name 'core*' 2>/dev/null)
for c in $cores; do
	grep -qaF "$pw" "$c" && fail "the core dump $c holds the password"
done
note "killed with SIGABRT: $(echo $cores | wc -w) core files in its working directory"
end; fi

# A lock that cannot be removed (a directory; another user's file in a
# sticky directory) is a lock: nothing is written past it.
if begin lock_unremovable_writes_nothing; then
f=$T_DIR/mail.ini; mkvalid "$f"; cp "$f" "$T_DIR/before"
mkdir "$f.lock"
ms -c "$f" set smtp.port=2526
[ "$RC" = 73 ] || [ "$RC" = 75 ] || fail "set past a lock directory exited $RC: $(cat "$T_DIR/err")"
expect_err_has "$f.lock"
expect_err_has "nothing was changed"
cmp -s "$f" "$T_DIR/before" || fail "set wrote past a lock directory"
ms -c "$f" preset lolipop --json
[ "$RC" = 73 ] || [ "$RC" = 75 ] || fail "preset past a lock directory exited $RC"
json_expect '"nothing was changed" in d["errors"][0]["message"]'
cmp -s "$f" "$T_DIR/before" || fail "preset wrote past a lock directory"
rmdir "$f.lock"
end; fi

# The Japanese pages as lintian formats them (man-db loads groff's ja.tmac
# for a page under ja/, which breaks lines between Japanese characters),
# and through groff alone: no warning at all, 80 columns wide.
if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
	skip man_pages_ja_groff "man or groff not installed"
elif begin man_pages_ja_groff; then
	for f in man/ja/man1/mailset.1 man/ja/man5/mailset.ini.5; do
		(cd "$REPO_DIR" && env -i PATH="$PATH" LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$f") >/dev/null 2>"$T_DIR/lint"
		[ -s "$T_DIR/lint" ] && fail "man --warnings $f: $(head -c 300 "$T_DIR/lint" | tr '\n' '|')"
		(cd "$REPO_DIR" && preconv -e UTF-8 "$f" | groff -mja -Tutf8 -mandoc -ww -z) >"$T_DIR/lint" 2>&1
		[ -s "$T_DIR/lint" ] && fail "groff -ww $f: $(head -c 300 "$T_DIR/lint" | tr '\n' '|')"
		# the same page, only the translation: as many lines as groff makes of it
		n=$(cd "$REPO_DIR" && LC_ALL=C.UTF-8 MANWIDTH=80 man -E UTF-8 -l "$f" 2>/dev/null | grep -c .)
		[ "$n" -gt 50 ] || fail "man -l $f renders $n lines"
	done
end; fi

# Values and key names from the file reach a terminal escaped: ESC, CSI,
# BEL, CR and U+202E (right-to-left override) shown as ^[, ^G, ^M, \u202E.
# Into a pipe, get gives the bytes as they are (a script wants the value).
if begin file_text_escaped; then
f=$T_DIR/mail.ini; mkvalid "$f"
rlo=$'\xe2\x80\xae' # U+202E, as bytes (LANG=C here)
evil="Shop"$'\e[2J\e]0;pwned\a\r'"${rlo}gnp.exe"
sed -i "s/^system_sender_name = .*/system_sender_name = $evil/" "$f"
printf '[basic]\n' >>"$f"  # a second run of the section, for the unknown key
printf 'ev\e[31mil%s = 1\n' "$rlo" >>"$f"
ms -c "$f" check
[ "$RC" = 0 ] || [ "$RC" = 78 ] || fail "check exited $RC"
LC_ALL=C grep -q $'[\e\a\r]' "$T_DIR/out" && fail "check printed a control character raw: $(od -c "$T_DIR/out" | head -4 | tr '\n' '|')"
grep -qF "$rlo" "$T_DIR/out" && fail "check printed U+202E raw"
expect_out_has 'ev^[[31mil\u202E'
ms -c "$f" get basic.system_sender_name
printf '%s\n' "$evil" >"$T_DIR/want"
expect_same "$T_DIR/want" "$T_DIR/out" "get into a pipe"
# on a terminal (script(1) gives it one)
script -qec "$(printf '%q ' "$MAILSET" -c "$f" get basic.system_sender_name)" /dev/null \
	>"$T_DIR/tty.out" 2>&1 </dev/null
LC_ALL=C grep -q $'[\e\a]' "$T_DIR/tty.out" && fail "get printed a control character raw to a terminal: $(od -c "$T_DIR/tty.out" | head -4 | tr '\n' '|')"
grep -qF "$rlo" "$T_DIR/tty.out" && fail "get printed U+202E raw to a terminal"
grep -qF 'Shop^[[2J^[]0;pwned^G^M\u202Egnp.exe' "$T_DIR/tty.out" ||
	fail "get on a terminal: $(od -c "$T_DIR/tty.out" | head -4 | tr '\n' '|')"
# a comment and a value in set --dry-run's diff, a value in "unchanged"
sed -i "/^port = /i ; note "$'\e]0;pwned\a'"$rlo" "$f"
ms -c "$f" set smtp.port=2600 --dry-run
LC_ALL=C grep -q $'[\e\a]' "$T_DIR/out" && fail "set --dry-run printed a control character raw: $(od -c "$T_DIR/out" | grep -m1 033)"
grep -qF "$rlo" "$T_DIR/out" && fail "set --dry-run printed U+202E raw"
grep -qF '^[]0;pwned^G\u202E' "$T_DIR/out" || fail "set --dry-run does not show the comment escaped"
ms -c "$f" set "smtp.username=a${rlo}b@example.jp"
ms -c "$f" set "smtp.username=a${rlo}b@example.jp"
expect_rc 0
grep -qF "$rlo" "$T_DIR/out" && fail "set's 'unchanged' printed U+202E raw"
expect_out_has 'a\u202Eb@example.jp'
end; fi


# A configuration that is not a file: a FIFO does not hang get, set or
# check (no writer ever comes), /dev/zero and a directory are named for
# what they are; nothing is written.
if begin config_not_a_file; then
mkfifo "$T_DIR/fifo"
for cmd in get check "set smtp.port=2526"; do
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	MS_STDIN=/dev/null timeout 20 "$MAILSET" -c "$T_DIR/fifo" $cmd >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
	ms_t=$((($(date +%s%N) - t0) / 1000000))
	[ "$RC" = 124 ] && fail "$cmd on a FIFO hangs"
	[ "$RC" = 0 ] && fail "$cmd on a FIFO exited 0"
	expect_err_has "named pipe (FIFO), not a file"
	[ "$ms_t" -lt 10000 ] || fail "$cmd on a FIFO took $ms_t ms"
done
[ -p "$T_DIR/fifo" ] || fail "the FIFO was replaced"
ms -c /dev/zero get smtp.host
[ "$RC" != 0 ] || fail "get on /dev/zero exited 0"
expect_err_has "/dev/zero: it is a device, not a file"
ms -c "$T_DIR" check
expect_err_has "it is a directory, not a file"
end; fi


# A save replaces the file by rename: a hard link's other names keep the
# old contents, and set says so; a link to a file that does not exist is
# not replaced by a file (refused, named, nothing written).
if begin links_said_not_cut; then
f=$T_DIR/mail.ini; mkvalid "$f"
ln "$f" "$T_DIR/other.ini"
ms -c "$f" set smtp.port=2526
expect_rc 0
expect_err_has "had 2 names (hard links)"
grep -qx 'port = 2526' "$f" || fail "the change is not in the file"
ln -s "$T_DIR/nowhere/x.ini" "$T_DIR/dl.ini"
ms -c "$T_DIR/dl.ini" set smtp.host=b.example
[ "$RC" != 0 ] || fail "set through a link to nothing exited 0"
expect_err_has "symbolic link to $T_DIR/nowhere/x.ini, which does not exist"
[ -L "$T_DIR/dl.ini" ] || fail "the link was replaced"
end; fi


# A set that read the file before another writer saved it is not refused:
# under the lock it reads the file again and applies its change on top.
# Here it reads, waits (--wait) for a lock held with flock(1), and the file
# changes meanwhile; the password it read from stdin and its JSON document
# are not doubled or lost.
if begin set_replays_on_changed_file; then
f=$T_DIR/mail.ini; mkvalid "$f"
for json in "" --json; do
	mkvalid "$f"
	printf 'pid=1\nhost=%s\nuser=holder\nsince=%s\nlock=flock\n' "$(hostname)" "$(date +%s)" >"$f.lock"
	flock "$f.lock" sleep 30 &
	holder=$!
	sleep 0.3
	printf 'N3w-pw\n' | "$MAILSET" -c "$f" set smtp.port=2600 smtp.password --wait 20 $json \
		>"$T_DIR/out" 2>"$T_DIR/err" &
	setter=$!
	sleep 1.5   # it has read the file and waits for the lock
	sed -i 's/^contact_email = .*/contact_email = other@example.jp/' "$f"
	kill "$holder"; wait "$holder" 2>/dev/null
	rm -f "$f.lock"
	wait "$setter"; RC=$?
	expect_rc 0
	grep -qx 'port = 2600' "$f" || fail "$json: the set's port is not in the file"
	grep -qx 'password = N3w-pw' "$f" || fail "$json: the set's password is not in the file"
	grep -qx 'contact_email = other@example.jp' "$f" || fail "$json: the other writer's change was lost"
	if [ -n "$json" ]; then
		json_expect 'd["exit"] == 0 and d["changed"] is True' \
			'[k["key"] for k in d["keys"]] == ["smtp.port", "smtp.password"]' \
			'd["errors"] == []'
	fi
	[ -e "$f.lock" ] && fail "the lock is left"
done
end; fi


# A stale lock that something holds a shared flock() on for a while (another
# run judging it, here flock(1)) is not broken under it: that holder is
# waited for (--wait), then the lock goes and the set saves; without --wait
# it is 75, never 73.
if begin stale_lock_with_reader_waits; then
f=$T_DIR/mail.ini; mkvalid "$f"
printf 'pid=999999\nhost=%s\nuser=gone\nsince=1\nlock=flock\n' "$(hostname)" >"$f.lock"
flock -s "$f.lock" sleep 2 &
reader=$!
sleep 0.3
ms -c "$f" set smtp.port=2601
expect_rc 75
ms -c "$f" set smtp.port=2602 --wait 10
expect_rc 0
grep -qx 'port = 2602' "$f" || fail "the set after the reader went did not save"
[ "$(grep -c 'removing the lock' "$T_DIR/err")" -le 1 ] || fail "the break was said more than once: $(cat "$T_DIR/err")"
wait "$reader"
[ -e "$f.lock" ] && fail "the lock is left"
# something that makes an empty FILE.lock again and again (flock(1) on
# it): 0 or 75 ("keeps being made again"), never 73
(while :; do flock -s "$f.lock" true; done) &
maker=$!
for i in 1 2 3 4 5; do
	ms -c "$f" set "smtp.port=261$i"
	case $RC in
	0) grep -qx "port = 261$i" "$f" || fail "set $i exited 0 without its port in the file" ;;
	75) grep -qE 'keeps being made again|is being edited by' "$T_DIR/err" ||
		fail "set $i: 75 without why: $(cat "$T_DIR/err")" ;;
	*) fail "set $i against a lock made again and again exited $RC: $(cat "$T_DIR/err")" ;;
	esac
done
kill "$maker"; wait "$maker" 2>/dev/null
rm -f "$f.lock"
end; fi

finish
