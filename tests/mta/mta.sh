# SPDX-License-Identifier: MIT
# tests/mta/mta.sh - a real Postfix 3.7 with Dovecot 2.3 SASL as a test server
# for `mailset test-send` (sourced by bash tests; needs root and the Debian
# packages postfix and dovecot-core: scripts/deps.sh check).
#
#   mta_start DIR USER PASSFILE   start both in the empty work directory DIR
#   mta_stop                      stop both, wait until every process is gone
#   mta_wait_mails N [SECONDS]    wait until N messages are delivered (10 s)
#   mta_settle [SECONDS]          wait until the queue is empty (10 s)
#   mta_mails / mta_mail_files    count / list the delivered messages
#   mta_logs                      the paths of the Postfix and Dovecot logs
#
# Everything is private to DIR: configuration, queue, certificates, logs and
# delivered mail. Nothing under /etc/postfix, /etc/dovecot or /var/lib/dovecot
# is read or written, no system service is involved, and every listener is on
# 127.0.0.1. No message can leave: there is no smtp/lmtp/local transport in
# master.cf, every accepted message goes to the virtual(8) agent, which writes
# it into one Maildir, DIR/mail/sink/ (new/ holds the messages).
#
# After mta_start, one port per case (see the master.cf below for what each
# one does): MTA_PORT_SUBMISSION MTA_PORT_SMTPS (465, or empty when 465 cannot
# be bound) MTA_PORT_NOAUTH MTA_PORT_LOGINONLY MTA_PORT_PLAINONLY
# MTA_PORT_MISMATCH_RCPT MTA_PORT_MISMATCH_MAIL MTA_PORT_RCPTREFUSED
# MTA_PORT_REJECT554 MTA_PORT_DEFER450 MTA_PORT_ENCRYPTONLY_PLAIN (the
# submission port) MTA_PORT_AUTHREQUIRED MTA_PORT_MULTILINE, and
# MTA_PORT_DOVECOT_AUTH (Dovecot's auth service, for Postfix only).
# Also: MTA_DIR, MTA_CA_FILE (the CA of the server certificate: mailset's
# ca_file), MTA_HOSTNAME (the name in every greeting), MTA_USER, MTA_SINK.
#
# Delivered messages: one file per recipient, as virtual(8) wrote it, with
# Return-Path, X-Original-To, Delivered-To and Received (TLS, "Authenticated
# sender: LOGIN") added on top; Postfix also adds Message-Id and Date when the
# client sent none. The server certificate is DIR/certs/server.pem
# (scripts/make-test-certs.sh: localhost, 127.0.0.1, ::1). Logs: DIR/log/.
#
# The password is read from PASSFILE through a pipe, never from a command line
# or the environment; it is stored only base64-encoded in DIR/dovecot/passwd
# (mode 0600), the passwd-file Dovecot needs. Dovecot logs no passwords
# (auth_verbose_passwords = no), so the logs can be searched for leaks.

# shellcheck shell=bash

MTA_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MTA_REPO_DIR=$(cd "$MTA_LIB_DIR/../.." && pwd)
MTA_HOSTNAME=mta-test.mailset.example
MTA_DIR=
MTA_USER=
MTA_SINK=
MTA_CA_FILE=
# The master processes, known once started (their children are found at stop).
MTA_POSTFIX_PID=
MTA_DOVECOT_PID=
# The test domains: mail to them (and to any domain, once authenticated) is
# delivered to the sink; refused.example is refused by the rcptrefused cases.
MTA_DOMAINS="mailset-shop.example mailset-dest.example example.com"

_mta_err() {
	echo "mta: $*" >&2
}

# _mta_free_ports N: N distinct free TCP ports on 127.0.0.1, one a line. The
# sockets are all bound at once (so the ports differ) and closed again; the
# ports are taken by Postfix and Dovecot a moment later.
_mta_free_ports() {
	/usr/bin/python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
    s.close()
EOF
}

# _mta_port_free PORT: nothing listens on 127.0.0.1:PORT and it can be bound.
_mta_port_free() {
	/usr/bin/python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.close()
EOF
}

# _mta_listening PORT: a socket listens on 127.0.0.1:PORT (checked without
# connecting, which would start an smtpd and put noise into the log).
_mta_listening() {
	[ -n "$(ss -Hltn "src 127.0.0.1 and sport = :$1" 2>/dev/null)" ]
}

# _mta_greeting PORT: the first reply line of a plaintext listener (empty on
# timeout). It proves that smtpd really starts with its configuration: a
# broken -o setting shows only when a client connects ("421 4.3.0 Server
# configuration error" or a dropped connection).
_mta_greeting() {
	# In a subshell: fd 7 stays the caller's, and a failed connection cannot
	# end the calling shell.
	(
		exec 7<>"/dev/tcp/127.0.0.1/$1" || exit 0
		IFS= read -r -t 5 line <&7
		printf 'QUIT\r\n' >&7
		printf '%s\n' "${line%$'\r'}"
	) 2>/dev/null
}

# _mta_pids_of PID: PID and its children (Postfix and Dovecot start every
# process of theirs from the master process, so one level is all).
_mta_pids_of() {
	echo "$1"
	ps -o pid= --ppid "$1" 2>/dev/null
}

# _mta_alive PID: the process runs. A zombie counts as gone: the masters
# run in the background, so their reaper is init, which may take seconds.
_mta_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# _mta_kill_tree PID NAME: SIGTERM to the master and its children at once,
# then up to 10 s for every one of them to exit; SIGKILL to what is left.
# (Postfix's master passes SIGTERM on by itself, but Dovecot's takes 1.5 s to
# exit and leaves anvil, log, auth and stats running for seconds more.)
_mta_kill_tree() {
	local pid=$1 name=$2 p
	local -a pids alive
	[ -n "$pid" ] || return 0
	_mta_alive "$pid" || return 0
	# shellcheck disable=SC2207 # numbers only
	pids=($(_mta_pids_of "$pid"))
	kill -TERM "${pids[@]}" 2>/dev/null
	for _ in $(seq 200); do
		alive=()
		for p in "${pids[@]}"; do
			_mta_alive "$p" && alive+=("$p")
		done
		[ "${#alive[@]}" -eq 0 ] && return 0
		sleep 0.05
	done
	_mta_err "$name processes did not stop in 10 s, killed: ${alive[*]}"
	kill -KILL "${alive[@]}" 2>/dev/null
	return 1
}

_mta_write_dovecot() {
	local d=$MTA_DIR/dovecot auth_port=$1
	cat >"$d/dovecot.conf" <<EOF
# tests/mta/mta.sh: a private Dovecot that only authenticates (SASL) for the
# test Postfix; no IMAP, POP3 or LMTP. Every path is inside the work directory.
protocols =
listen = 127.0.0.1
base_dir = $d/run
# The default state_dir, /var/lib/dovecot, keeps a list of instances.
state_dir = $d/state
instance_name = mailset-mta-$(basename "$MTA_DIR")
log_path = $MTA_DIR/log/dovecot.log
ssl = no
# Postfix decides where AUTH is allowed (smtpd_tls_auth_only per listener);
# the link from Postfix to Dovecot is loopback.
disable_plaintext_auth = no
# {PLAIN} passwords: CRAM-MD5 needs the plain text on the server.
auth_mechanisms = plain login cram-md5
# Failures are logged with the reason, never with the password tried.
auth_verbose = yes
auth_verbose_passwords = no
auth_debug = no
auth_debug_passwords = no
# A test run fails logins on purpose. Dovecot would answer each failure after
# 2 s, and then hold up every later login from 127.0.0.1 (the address Postfix
# reports) for up to 15 s: its anvil "auth penalty". Without the penalty
# socket (mode 0: not created) the auth process silently does without.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
passdb {
  driver = passwd-file
  args = $d/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=/nonexistent
}
service auth {
  inet_listener postfix {
    address = 127.0.0.1
    port = $auth_port
  }
}
EOF
}

# _mta_write_postfix AUTHPORT: main.cf and master.cf; the case ports come
# from MTA_PORT_* (MTA_PORT_SMTPS may be empty).
_mta_write_postfix() {
	local p=$MTA_DIR/postfix auth_port=$1
	cat >"$p/main.cf" <<EOF
# tests/mta/mta.sh: a private Postfix on 127.0.0.1 for the mailset tests.
compatibility_level = 3.6
queue_directory = $MTA_DIR/queue
data_directory = $MTA_DIR/data
# postfix-files and dynamicmaps.cf would be read from here: none are needed
# (only built-in map types are used), and /etc/postfix stays untouched.
meta_directory = $p
maillog_file = $MTA_DIR/log/postfix.log
# Postfix writes its log only below these prefixes (default /var /dev/stdout).
maillog_file_prefixes = $MTA_DIR/log
myhostname = $MTA_HOSTNAME
mydomain = mailset.example
myorigin = \$myhostname
smtpd_banner = \$myhostname ESMTP Postfix (mailset test MTA)
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
biff = no
append_dot_mydomain = no
readme_directory = no

# Delivery: every accepted message, whatever its domain, is written by
# virtual(8) into the Maildir $MTA_DIR/mail/sink/ as nobody. There is no
# smtp, lmtp or local service in master.cf, so nothing can be relayed.
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
virtual_mailbox_domains = $MTA_DOMAINS
virtual_mailbox_base = $MTA_DIR/mail
virtual_mailbox_maps = static:sink/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_transport = virtual
relay_transport = virtual
default_transport = virtual
local_transport = error:5.1.1 local delivery is disabled in the test MTA
smtp_dns_support_level = disabled
fast_flush_domains =

# The submission policy every case starts from (each master.cf entry
# overrides what its case changes): STARTTLS required, AUTH only after it,
# only authenticated clients may send.
smtpd_tls_cert_file = $MTA_DIR/certs/server.pem
smtpd_tls_key_file = $MTA_DIR/certs/server.key
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:$auth_port
smtpd_sasl_authenticated_header = yes
smtpd_client_restrictions =
smtpd_sender_restrictions =
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
smtpd_delay_reject = yes

# Used by single cases (texthash: needs no postmap).
mta_sender_owners = texthash:$p/sender_owners
mta_refused_rcpt = texthash:$p/refused_rcpt
mta_rcptrefused_restrictions = check_recipient_access \$mta_refused_rcpt, permit_sasl_authenticated, reject
EOF

	# The sender of the mismatch cases belongs to someone else.
	cat >"$p/sender_owners" <<'EOF'
noreply@mailset-shop.example someone-else@mailset-shop.example
EOF
	cat >"$p/refused_rcpt" <<'EOF'
refused.example REJECT Recipient refused by the mailset test MTA
EOF

	# One smtpd per case. Every service runs unchrooted (column 5 "n"): the
	# queue, certificates and Dovecot are reached by their real paths.
	# syslog_name makes each case recognisable in the log.
	# shellcheck disable=SC2016 # $names are Postfix's, expanded by Postfix
	{
		cat <<'EOF'
# tests/mta/mta.sh: the services of the private Postfix (no smtp, lmtp or
# local delivery: see main.cf).
# service type  private unpriv  chroot  wakeup  maxproc command + args
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
		_mta_smtpd submission "$MTA_PORT_SUBMISSION"
		if [ -n "$MTA_PORT_SMTPS" ]; then
			# Implicit TLS: mailset uses it only on port 465.
			_mta_smtpd smtps "$MTA_PORT_SMTPS" smtpd_tls_wrappermode=yes
		fi
		# No AUTH is ever offered, yet mail to the test domains is
		# accepted: a client that skips its login without saying so gets
		# its message through here. (smtpd insists on a relay restriction;
		# the test domains are virtual mailbox domains, so
		# reject_unauth_destination lets them pass.)
		_mta_smtpd noauth "$MTA_PORT_NOAUTH" smtpd_tls_security_level=may \
			smtpd_sasl_auth_enable=no smtpd_relay_restrictions=reject_unauth_destination \
			smtpd_recipient_restrictions=permit
		_mta_smtpd loginonly "$MTA_PORT_LOGINONLY" smtpd_sasl_mechanism_filter=login
		_mta_smtpd plainonly "$MTA_PORT_PLAINONLY" smtpd_sasl_mechanism_filter=plain
		# The sender is owned by another login. With smtpd_delay_reject=yes
		# (the default) the sender restriction is applied at RCPT, with
		# "no" at MAIL FROM.
		_mta_smtpd mismatch_rcpt "$MTA_PORT_MISMATCH_RCPT" 'smtpd_sender_login_maps=$mta_sender_owners' \
			smtpd_sender_restrictions=reject_sender_login_mismatch smtpd_delay_reject=yes
		_mta_smtpd mismatch_mail "$MTA_PORT_MISMATCH_MAIL" 'smtpd_sender_login_maps=$mta_sender_owners' \
			smtpd_sender_restrictions=reject_sender_login_mismatch smtpd_delay_reject=no
		_mta_smtpd rcptrefused "$MTA_PORT_RCPTREFUSED" 'smtpd_recipient_restrictions=$mta_rcptrefused_restrictions'
		# With smtpd_delay_reject=no the client restrictions run at
		# connect, and Postfix sends their reply instead of the 220
		# greeting, keeps the connection and answers everything but
		# QUIT with "503 5.7.0 Error: access denied for
		# localhost[127.0.0.1]". The greetings (Postfix 3.7.11):
		#   554 5.7.1 <localhost[127.0.0.1]>: Client host rejected: Access denied
		#   450 4.3.2 <localhost[127.0.0.1]>: Client host rejected: Try again later
		_mta_smtpd reject554 "$MTA_PORT_REJECT554" smtpd_client_restrictions=reject smtpd_delay_reject=no
		_mta_smtpd defer450 "$MTA_PORT_DEFER450" smtpd_client_restrictions=defer smtpd_delay_reject=no
		# What a client without login meets: AUTH offered (also before
		# STARTTLS), TLS optional, unauthenticated mail refused at RCPT.
		_mta_smtpd authrequired "$MTA_PORT_AUTHREQUIRED" smtpd_tls_security_level=may smtpd_tls_auth_only=no
		# rcptrefused with a two-line footer: multi-line 5xx replies.
		# The footer starts a new reply line, and \n another one.
		_mta_smtpd multiline "$MTA_PORT_MULTILINE" 'smtpd_recipient_restrictions=$mta_rcptrefused_restrictions' \
			'{ smtpd_reject_footer = Footer line one of the mailset test MTA.\nFooter line two. }'
	} >"$p/master.cf"
	# Postfix waits (0.3 s at a time) while a configuration file is less
	# than a second old, in case an editor is still writing it.
	touch -d '-2 seconds' "$p/main.cf" "$p/master.cf" "$p/sender_owners" "$p/refused_rcpt"
}

# _mta_smtpd CASE PORT [NAME=VALUE...]: the master.cf entry of one case.
_mta_smtpd() {
	local name=$1 port=$2 o
	shift 2
	printf '127.0.0.1:%s inet n - n - - smtpd\n' "$port"
	printf '  -o syslog_name=postfix/%s\n' "$name"
	for o in "$@"; do
		printf '  -o %s\n' "$o"
	done
}

# The queue as `postfix set-permissions` would make it (that command needs
# postfix-files from /etc/postfix): root owns the top, the postfix user the
# rest, the postdrop group may drop mail into maildrop and use public.
_mta_make_queue() {
	local q=$MTA_DIR/queue d
	mkdir -m 755 "$q" "$q/pid" || return 1
	for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
		install -d -m 700 -o postfix -g root "$q/$d" || return 1
	done
	install -d -m 730 -o postfix -g postdrop "$q/maildrop" || return 1
	install -d -m 710 -o postfix -g postdrop "$q/public" || return 1
	install -d -m 700 -o postfix -g root "$MTA_DIR/data" || return 1
}

# mta_start DIR USER PASSFILE
mta_start() {
	if [ $# -ne 3 ]; then
		_mta_err "usage: mta_start DIR USER PASSFILE"
		return 64
	fi
	local dir=$1 user=$2 passfile=$3 c v auth_port pw64 deadline g name want
	local -a plist
	if [ -n "$MTA_POSTFIX_PID$MTA_DOVECOT_PID" ]; then
		_mta_err "already started in $MTA_DIR (mta_stop first)"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		_mta_err "Postfix and Dovecot need root to start"
		return 1
	fi
	for c in /usr/sbin/postfix /usr/lib/postfix/sbin/master /usr/sbin/dovecot /usr/bin/python3 openssl ss; do
		command -v "$c" >/dev/null 2>&1 || { _mta_err "$c is missing (scripts/deps.sh check)"; return 1; }
	done
	for c in postfix dovecot; do
		id -u "$c" >/dev/null 2>&1 || { _mta_err "no $c user (scripts/deps.sh check)"; return 1; }
	done
	case $user in *:* | *[[:space:]]* | '')
		_mta_err "unusable login '$user' (no colon or space)"
		return 1 ;;
	esac
	if [ ! -r "$passfile" ]; then
		_mta_err "cannot read the password file $passfile"
		return 1
	fi
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd)
	if [ -n "$(ls -A "$dir")" ]; then
		_mta_err "$dir is not empty"
		return 1
	fi
	# The postfix, dovecot and nobody users must reach their parts of DIR:
	# every directory above it must be searchable by others.
	local up=$dir
	while up=$(dirname "$up") && [ "$up" != / ]; do
		if [ "$(( $(stat -c '0%a' "$up") & 1 ))" -eq 0 ]; then
			_mta_err "$up is not searchable by other users (chmod o+x), which Postfix and Dovecot need"
			return 1
		fi
	done
	MTA_DIR=$dir
	MTA_USER=$user
	MTA_SINK=$dir/mail/sink
	# Search but no listing for others.
	chmod 711 "$dir"
	mkdir -m 755 "$dir/postfix" "$dir/log"
	mkdir -m 711 "$dir/dovecot"
	install -d -m 700 -o nobody -g nogroup "$dir/mail"
	_mta_make_queue || { _mta_err "cannot make the Postfix queue in $dir/queue"; return 1; }

	if ! "$MTA_REPO_DIR/scripts/make-test-certs.sh" "$dir/certs" 2>"$dir/log/certs.err"; then
		_mta_err "make-test-certs.sh failed: $(head -c 300 "$dir/log/certs.err")"
		return 1
	fi
	MTA_CA_FILE=$dir/certs/ca.pem

	# Ports: Dovecot's auth service and every case (smtps: 465 or nothing).
	# shellcheck disable=SC2207 # numbers only
	plist=($(_mta_free_ports 13)) || true
	if [ "${#plist[@]}" -ne 13 ]; then
		_mta_err "could not find free ports on 127.0.0.1"
		return 1
	fi
	auth_port=${plist[0]}
	MTA_PORT_DOVECOT_AUTH=$auth_port
	MTA_PORT_SUBMISSION=${plist[1]}
	MTA_PORT_NOAUTH=${plist[2]}
	MTA_PORT_LOGINONLY=${plist[3]}
	MTA_PORT_PLAINONLY=${plist[4]}
	MTA_PORT_MISMATCH_RCPT=${plist[5]}
	MTA_PORT_MISMATCH_MAIL=${plist[6]}
	MTA_PORT_RCPTREFUSED=${plist[7]}
	MTA_PORT_REJECT554=${plist[8]}
	MTA_PORT_DEFER450=${plist[9]}
	MTA_PORT_AUTHREQUIRED=${plist[10]}
	MTA_PORT_MULTILINE=${plist[11]}
	# The same listener: a client with TLS off meets "530 5.7.0 Must issue
	# a STARTTLS command first" there.
	MTA_PORT_ENCRYPTONLY_PLAIN=$MTA_PORT_SUBMISSION
	MTA_PORT_SMTPS=465
	if ! _mta_port_free 465; then
		MTA_PORT_SMTPS=
		_mta_err "127.0.0.1:465 cannot be bound ($(ss -Hltnp 'sport = :465' 2>/dev/null | head -n 1 | tr -s ' ' || true)): the smtps case is left out, MTA_PORT_SMTPS is empty"
	fi
	export MTA_DIR MTA_USER MTA_SINK MTA_CA_FILE MTA_HOSTNAME MTA_PORT_DOVECOT_AUTH \
		MTA_PORT_SUBMISSION MTA_PORT_SMTPS MTA_PORT_NOAUTH MTA_PORT_LOGINONLY MTA_PORT_PLAINONLY \
		MTA_PORT_MISMATCH_RCPT MTA_PORT_MISMATCH_MAIL MTA_PORT_RCPTREFUSED MTA_PORT_REJECT554 \
		MTA_PORT_DEFER450 MTA_PORT_ENCRYPTONLY_PLAIN MTA_PORT_AUTHREQUIRED MTA_PORT_MULTILINE

	# --- Dovecot ------------------------------------------------------------
	# The password goes from the file through pipes into the passwd-file,
	# base64-encoded ({PLAIN.b64}) so that any character (a colon too) is
	# safe. The auth process runs as the dovecot user and reads it.
	pw64=$(head -n 1 "$passfile" | tr -d '\r\n' | base64 -w 0)
	(
		umask 077
		printf '%s:{PLAIN.b64}%s::::::\n' "$user" "$pw64" >"$dir/dovecot/passwd"
	)
	pw64=
	chown dovecot:dovecot "$dir/dovecot/passwd"
	chmod 600 "$dir/dovecot/passwd"
	_mta_write_dovecot "$auth_port"
	if ! /usr/sbin/dovecot -c "$dir/dovecot/dovecot.conf" 2>"$dir/log/dovecot.start"; then
		_mta_err "dovecot did not start: $(head -c 500 "$dir/log/dovecot.start")"
		return 1
	fi
	MTA_DOVECOT_PID=$(cat "$dir/dovecot/run/master.pid" 2>/dev/null)

	# --- Postfix --------------------------------------------------------------
	_mta_write_postfix "$auth_port"
	# postconf reports unknown parameters and syntax slips without starting.
	if ! postconf -c "$dir/postfix" -n >/dev/null 2>"$dir/log/postconf.err" || [ -s "$dir/log/postconf.err" ]; then
		_mta_err "Postfix configuration: $(head -c 500 "$dir/log/postconf.err")"
		mta_stop
		return 1
	fi
	# master -w: wait until the master is up, then return (the master stays
	# in the background). `postfix start` would also work but its
	# postfix-script checks read /etc/postfix/postfix-files.
	if ! /usr/lib/postfix/sbin/master -c "$dir/postfix" -w 2>"$dir/log/postfix.start"; then
		_mta_err "postfix did not start: $(head -c 500 "$dir/log/postfix.start") $(tail -n 5 "$dir/log/postfix.log" 2>/dev/null)"
		mta_stop
		return 1
	fi
	MTA_POSTFIX_PID=$(tr -d ' ' 2>/dev/null <"$dir/queue/pid/master.pid")

	# --- every listener up (15 s) -----------------------------------------
	deadline=$((SECONDS + 15))
	for v in DOVECOT_AUTH SUBMISSION SMTPS NOAUTH LOGINONLY PLAINONLY MISMATCH_RCPT MISMATCH_MAIL \
		RCPTREFUSED REJECT554 DEFER450 AUTHREQUIRED MULTILINE; do
		name=MTA_PORT_$v
		[ -n "${!name}" ] || continue
		until _mta_listening "${!name}"; do
			if [ "$SECONDS" -ge "$deadline" ]; then
				_mta_err "nothing listens on 127.0.0.1:${!name} ($name) after 15 s; logs: $dir/log"
				mta_stop
				return 1
			fi
			sleep 0.05
		done
	done
	# Each plaintext smtpd answers as its case says it should.
	for v in SUBMISSION NOAUTH LOGINONLY PLAINONLY MISMATCH_RCPT MISMATCH_MAIL RCPTREFUSED REJECT554 \
		DEFER450 AUTHREQUIRED MULTILINE; do
		name=MTA_PORT_$v
		case $v in REJECT554) want=554 ;; DEFER450) want=4 ;; *) want=220 ;; esac
		g=$(_mta_greeting "${!name}")
		case $g in
		"$want"*) ;;
		*)
			_mta_err "$name (127.0.0.1:${!name}) greets with '$g', expected $want...; logs: $dir/log"
			mta_stop
			return 1
			;;
		esac
	done
	return 0
}

# mta_stop: both masters and all their children gone (the work directory
# stays for a look). Safe to call twice, or after a failed mta_start.
mta_stop() {
	local rc=0
	[ -n "$MTA_DIR" ] || return 0
	# A master started but not yet recorded (mta_start failed half-way).
	[ -n "$MTA_POSTFIX_PID" ] || MTA_POSTFIX_PID=$(tr -d ' ' 2>/dev/null <"$MTA_DIR/queue/pid/master.pid")
	[ -n "$MTA_DOVECOT_PID" ] || MTA_DOVECOT_PID=$(cat "$MTA_DIR/dovecot/run/master.pid" 2>/dev/null)
	_mta_kill_tree "$MTA_POSTFIX_PID" postfix || rc=1
	_mta_kill_tree "$MTA_DOVECOT_PID" dovecot || rc=1
	MTA_POSTFIX_PID=
	MTA_DOVECOT_PID=
	return $rc
}

# mta_mail_files: the delivered messages, one path a line, oldest first
# (Maildir names start with the delivery time).
mta_mail_files() {
	[ -n "$MTA_SINK" ] || return 0
	find "$MTA_SINK/new" "$MTA_SINK/cur" -type f -printf '%f\t%p\n' 2>/dev/null | sort | cut -f 2
}

mta_mails() {
	mta_mail_files | wc -l
}

# mta_wait_mails N [SECONDS]: delivery follows the 250 reply by a moment;
# wait until there are at least N messages.
mta_wait_mails() {
	local want=$1 end=$((SECONDS + ${2:-10}))
	until [ "$(mta_mails)" -ge "$want" ]; do
		if [ "$SECONDS" -ge "$end" ]; then
			_mta_err "$(mta_mails) messages delivered, not $want, after ${2:-10} s"
			return 1
		fi
		sleep 0.05
	done
}

# mta_settle [SECONDS]: wait until no message waits in the queue (incoming,
# active, maildrop), so that mta_mails is final. Fails when a message was
# deferred (a delivery problem: see the Postfix log).
mta_settle() {
	local end=$((SECONDS + ${1:-10})) q=$MTA_DIR/queue
	while [ -n "$(find "$q/incoming" "$q/active" "$q/maildrop" -type f 2>/dev/null | head -n 1)" ]; do
		if [ "$SECONDS" -ge "$end" ]; then
			_mta_err "the queue did not empty in ${1:-10} s"
			return 1
		fi
		sleep 0.05
	done
	if [ -n "$(find "$q/deferred" -type f 2>/dev/null | head -n 1)" ]; then
		_mta_err "deferred messages in $q/deferred (see $MTA_DIR/log/postfix.log)"
		return 1
	fi
}

# mta_logs: the Postfix log, then the Dovecot log.
mta_logs() {
	[ -n "$MTA_DIR" ] || return 0
	printf '%s\n' "$MTA_DIR/log/postfix.log" "$MTA_DIR/log/dovecot.log"
}
