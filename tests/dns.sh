#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/dns.sh - `mailset dns` and the editor's DNS pane against a real DNS
# server: Debian's dnsmasq on 127.0.0.1, serving a zone this script makes
# (one server, one subdomain of shop.test per case; --local=/shop.test/ makes
# every other name there NXDOMAIN). DKIM keys are made here with openssl.
#
# Each case checks the exit status, the verdict word on the line of the
# record it is about (OK / MISSING / WRONG / CANNOT TELL), the reason or
# suggestion, and the closing sentence. Then: a server that never answers
# (bounded time), nothing listening, the [dns] keys of the configuration,
# and the DNS pane in tmux (its saved report equals `mailset dns`).
#
# DNS_KEEP=1 keeps the zone and the server's log.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/ui/tmux.sh
. "$(dirname "$0")/ui/tmux.sh"

DNSMASQ=/usr/sbin/dnsmasq
PY=/usr/bin/python3

now_ms() { echo $(($(date +%s%N) / 1000000)); }
T_START=$(now_ms)

missing=
[ -x "$DNSMASQ" ] || missing="$missing dnsmasq-base"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
[ -x "$PY" ] || missing="$missing python3"
if [ -n "$missing" ]; then
	skip dns "needs the Debian packages:$missing"
	exit 0
fi

W=$TMPROOT/dns
mkdir -p "$W/zone"

DNS_PID=
SILENT_PID=
TMUX_SOCK=mailset-dns-test-$$
TMUX_STARTED=

# shellcheck disable=SC2317 # called by the EXIT trap
dns_cleanup() {
	if [ -n "$TMUX_STARTED" ]; then
		tm kill-server >/dev/null 2>&1
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
	fi
	[ -n "$DNS_PID" ] && kill "$DNS_PID" 2>/dev/null
	[ -n "$SILENT_PID" ] && kill "$SILENT_PID" 2>/dev/null
	[ -n "$RAW_PID" ] && kill "$RAW_PID" 2>/dev/null
	[ -n "$DNS_PID" ] && wait "$DNS_PID" 2>/dev/null
	[ -n "$RAW_PID" ] && wait "$RAW_PID" 2>/dev/null
	[ -n "$SILENT_PID" ] && wait "$SILENT_PID" 2>/dev/null
	if [ -n "$DNS_KEEP" ]; then
		echo "dns.sh: files kept in $W" >&2
		return
	fi
	lib_cleanup
}
trap dns_cleanup EXIT

Z=shop.test

# --------------------------------------------------------------- DKIM keys

# dkim_pub BITS: the base64 DER SubjectPublicKeyInfo of a new RSA key.
dkim_pub() {
	openssl genrsa "$1" 2>/dev/null | openssl rsa -pubout -outform DER 2>/dev/null | base64 -w0
}
K2048=$(dkim_pub 2048)
K512=$(dkim_pub 512)
# RFC 8463: an Ed25519 DKIM key is the raw 32-byte public key in base64.
KED=$(openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout -outform DER 2>/dev/null |
	tail -c 32 | base64 -w0)
if [ ${#K2048} -lt 300 ] || [ ${#K512} -lt 80 ] || [ ${#KED} -ne 44 ]; then
	echo "FAIL dns: openssl did not make the DKIM keys"
	exit 1
fi

# ------------------------------------------------------------------- zone

C=$W/zone/dnsmasq.conf
{
	echo "local=/$Z/"
	# mx NAME HOST PREF / a NAME ADDR / txt NAME "string","string"...
	mx() { echo "mx-host=$1.$Z,$2,$3"; }
	a() { echo "host-record=$1,$2"; }
	txt() {
		local name=$1
		shift
		local out="" s
		for s in "$@"; do out="$out,\"$s\""; done
		echo "txt-record=$name$out"
	}
	spf_ok='v=spf1 ip4:127.0.0.1 -all'
	# A 2048-bit key is ~400 characters: several strings of at most 255.
	dkim_split() { txt "$1._domainkey.$2.$Z" "v=DKIM1; k=rsa; p=${K2048:0:150}" "${K2048:150:200}" "${K2048:350}"; }

	# ok: complete and correct
	mx ok mx.ok.$Z 10
	a mx.ok.$Z 127.0.0.2
	txt ok.$Z "$spf_ok"
	txt ok.$Z "google-site-verification=abc123"
	dkim_split sel ok
	txt _dmarc.ok.$Z "v=DMARC1; p=reject; rua=mailto:dmarc@ok.$Z"

	# nospf: DKIM and DMARC only
	mx nospf mx.ok.$Z 10
	dkim_split sel nospf
	txt _dmarc.nospf.$Z "v=DMARC1; p=quarantine; rua=mailto:dmarc@nospf.$Z"

	# bare: an MX and nothing else
	mx bare mx.ok.$Z 10

	# nomx: SPF and DKIM but no MX
	txt nomx.$Z "$spf_ok"
	dkim_split sel nomx

	# twospf: two SPF records
	mx twospf mx.ok.$Z 10
	txt twospf.$Z "$spf_ok"
	txt twospf.$Z "v=spf1 a -all"

	# evil: an SPF record with a line break that would forge a report
	# line, a carriage return, a right-to-left override, ESC with a CSI
	# and an OSC sequence (dnsmasq turns \r, \n and \e into the bytes;
	# BEL it cannot serve: raw.$Z has it, from tests/dns/raw-txt.py)
	mx evil mx.ok.$Z 10
	txt evil.$Z 'v=spf1 ip4:192.0.2.1 \e[2J\e]0;pwned \r\nSPF            OK        forged ‮ -all'
	# wrongip: SPF that does not cover 127.0.0.1
	mx wrongip mx.ok.$Z 10
	txt wrongip.$Z "v=spf1 ip4:192.0.2.1 -all"

	# chain11: 11 nested includes (one more than RFC 7208 allows)
	mx chain11 mx.ok.$Z 10
	txt chain11.$Z "v=spf1 include:c1.chain11.$Z -all"
	for i in $(seq 1 10); do txt "c$i.chain11.$Z" "v=spf1 include:c$((i + 1)).chain11.$Z -all"; done
	txt c11.chain11.$Z "$spf_ok"
	# chain10: 10 nested includes, the most RFC 7208 allows
	mx chain10 mx.ok.$Z 10
	txt chain10.$Z "v=spf1 include:c1.chain10.$Z -all"
	for i in $(seq 1 9); do txt "c$i.chain10.$Z" "v=spf1 include:c$((i + 1)).chain10.$Z -all"; done
	txt c10.chain10.$Z "$spf_ok"

	# mech: a, mx and a named SMTP host, all resolved through the server
	mx mech mx.mech.$Z 10
	a mx.mech.$Z 127.0.0.8
	a relay.mech.$Z 127.0.0.9
	txt mech.$Z "v=spf1 mx a:relay.mech.$Z -all"
	# redir: redirect= to a CIDR range
	mx redir mx.ok.$Z 10
	txt redir.$Z "v=spf1 redirect=_spf.redir.$Z"
	txt _spf.redir.$Z "v=spf1 ip4:127.0.0.0/24 -all"
	# macro: exists with %{i}, evaluated for the SMTP server's address
	mx macro mx.ok.$Z 10
	txt macro.$Z "v=spf1 exists:%{i}.spf.macro.$Z -all"
	a 127.0.0.1.spf.macro.$Z 127.0.0.2
	# the false OKs of issue 10: each is a permerror for pyspf
	mx typo mx.ok.$Z 10
	txt typo.$Z "v=spf1 ipv4:127.0.0.1 -all"
	mx cidr33 mx.ok.$Z 10
	txt cidr33.$Z "v=spf1 ip4:127.0.0.1/33 -all"
	mx void3 mx.ok.$Z 10
	txt void3.$Z "v=spf1 a:v1.void3.$Z a:v2.void3.$Z a:v3.void3.$Z ip4:127.0.0.1 -all"
	# two records, one with an include the suggestion must keep
	mx twoinc mx.ok.$Z 10
	txt twoinc.$Z "v=spf1 include:_spf.partner.$Z ~all"
	txt twoinc.$Z "v=spf1 ip4:192.0.2.1 -all"
	txt _spf.partner.$Z "v=spf1 ip4:198.51.100.0/24 -all"
	# reverse DNS: the SMTP server 127.0.0.5 has none; 127.0.0.6 one that
	# does not resolve back
	echo "local=/0.0.127.in-addr.arpa/"
	echo "ptr-record=6.0.0.127.in-addr.arpa,nowhere.$Z"
	echo "ptr-record=1.0.0.127.in-addr.arpa,smtp-out.$Z"
	a smtp-out.$Z 127.0.0.1
	echo "ptr-record=200.0.0.127.in-addr.arpa,smtp200.$Z"
	a smtp200.$Z 127.0.0.200

	# keys: DKIM keys good and bad
	mx keys mx.ok.$Z 10
	txt keys.$Z "$spf_ok"
	dkim_split sel keys
	txt short._domainkey.keys.$Z "v=DKIM1; k=rsa; p=$K512"
	txt bad._domainkey.keys.$Z "v=DKIM1; k=rsa; p=PART1" "PART2"
	txt gone._domainkey.keys.$Z "v=DKIM1; k=rsa; p="
	txt ed._domainkey.keys.$Z "v=DKIM1; k=ed25519; p=$KED"
	# tags that make a good key useless (RFC 6376 3.6.1, RFC 8301)
	txt testing._domainkey.keys.$Z "v=DKIM1; k=ed25519; t=y; p=$KED"
	txt sha1._domainkey.keys.$Z "v=DKIM1; k=ed25519; h=sha1; p=$KED"
	txt svc._domainkey.keys.$Z "v=DKIM1; k=ed25519; s=tlsrpt; p=$KED"
	txt both._domainkey.keys.$Z "v=DKIM1; k=ed25519; h=sha1:sha256; s=email; t=s; p=$KED"

	# nodmarc / dmarcnone
	mx nodmarc mx.ok.$Z 10
	txt nodmarc.$Z "$spf_ok"
	dkim_split sel nodmarc
	mx dmarcnone mx.ok.$Z 10
	txt dmarcnone.$Z "$spf_ok"
	dkim_split sel dmarcnone
	txt _dmarc.dmarcnone.$Z "v=DMARC1; p=none; rua=mailto:x@dmarcnone.$Z"

	# g: Google Workspace's MX; the DKIM key at the preset's selector
	mx g aspmx.l.google.com 1
	mx g alt1.aspmx.l.google.com 5
	dkim_split google g
	txt _dmarc.g.$Z "v=DMARC1; p=none; rua=mailto:x@g.$Z"

	# DMARC under a real public suffix (co.jp): the organisational domain
	# example.co.jp says p=reject; shop. has no record of its own, own. has
	# one; example2.co.jp says sp=none for its subdomains
	echo "local=/example.co.jp/"
	echo "local=/example2.co.jp/"
	for d in shop.example.co.jp own.example.co.jp sub.example2.co.jp; do
		echo "mx-host=$d,mx.ok.$Z,10"
		txt "$d" "$spf_ok"
	done
	txt _dmarc.example.co.jp "v=DMARC1; p=reject; rua=mailto:dmarc@example.co.jp"
	txt _dmarc.own.example.co.jp "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.co.jp"
	txt _dmarc.example2.co.jp "v=DMARC1; p=reject; sp=none; rua=mailto:d@example2.co.jp"
	# a broken rua= and pct=
	mx badrua mx.ok.$Z 10
	txt badrua.$Z "$spf_ok"
	txt _dmarc.badrua.$Z "v=DMARC1; p=reject; rua=dmarc@badrua.$Z"
	mx badpct mx.ok.$Z 10
	txt badpct.$Z "$spf_ok"
	txt _dmarc.badpct.$Z "v=DMARC1; p=none; pct=150"

	# the お名前.com preset's mail. and ml-cp. A records: one present
	mx onamae mx01.onamae.ne.jp 10
	txt onamae.$Z "$spf_ok"
	a mail.onamae.$Z 127.0.0.3
} >"$C"

# The fixture itself: the split DKIM record really is several strings.
# txt_strings PORT NAME: the number of strings of NAME's first TXT record.
txt_strings() { "$PY" "$TESTS_DIR/dns/txt-strings.py" "$@"; }

# ----------------------------------------------------------------- servers

# start_py NAME ARGS...: /usr/bin/python3 ARGS, where @PORT@ is a free port
# and @READY@ a file the program makes once it listens; a few ports are
# tried. Sets PY_PORT and PY_PID; its stderr is $W/NAME.err.
start_py() {
	local name=$1 i a args
	shift
	for _ in 1 2 3 4 5 6; do
		PY_PORT=$(free_port)
		rm -f "$W/$name.ready"
		args=()
		for a; do
			a=${a//@PORT@/$PY_PORT}
			args+=("${a//@READY@/$W/$name.ready}")
		done
		"$PY" "${args[@]}" 2>"$W/$name.err" &
		PY_PID=$!
		for i in $(seq 1 100); do
			[ -e "$W/$name.ready" ] && return 0
			kill -0 "$PY_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill "$PY_PID" 2>/dev/null
		wait "$PY_PID" 2>/dev/null
		PY_PID=
	done
	return 1
}

# start_silent: a UDP socket on 127.0.0.1:$SILENT_PORT that reads nothing.
start_silent() {
	start_py silent -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()
time.sleep(120)
' @PORT@ @READY@ || return 1
	SILENT_PORT=$PY_PORT SILENT_PID=$PY_PID
}

# raw.$Z: tests/dns/raw-txt.py on 127.0.0.1:$RAW_PORT (a record with the
# bytes dnsmasq cannot serve); dnsmasq forwards there.
RAW_PID=
if ! start_py raw "$TESTS_DIR/dns/raw-txt.py" @PORT@ @READY@ "raw.$Z"; then
	echo "FAIL dns: tests/dns/raw-txt.py did not start: $(head -c 300 "$W/raw.err")"
	exit 1
fi
RAW_PORT=$PY_PORT RAW_PID=$PY_PID
echo "server=/raw.$Z/127.0.0.1#$RAW_PORT" >>"$C"

start_dnsmasq "$C" "$W/zone" dns || exit 1
SRV=127.0.0.1:$DNS_PORT

# ------------------------------------------------------------------ helpers

# conf FILE DOMAIN [SMTP_HOST] [EXTRA INI TEXT]: a configuration, mode 0600.
conf() {
	local host=127.0.0.1
	[ $# -ge 3 ] && host=$3
	{
		printf '[basic]\ncontact_email = support@%s\nsystem_email = noreply@%s\n' "$2" "$2"
		printf '\n[smtp]\nhost = %s\n' "$host"
		[ -n "$4" ] && printf '%b' "$4"
	} >"$1"
	chmod 600 "$1"
}

# dns DOMAIN [SMTP_HOST] -- [ARGS...]: `mailset dns` for a domain of the zone.
dns() {
	local f=$T_DIR/mail.ini
	if [ $# -ge 2 ] && [ "$2" != -- ]; then
		conf "$f" "$1" "$2"
		shift 2
	else
		conf "$f" "$1"
		shift
	fi
	[ "$1" = -- ] && shift
	ms -c "$f" dns --server "$SRV" "$@"
}

# row WHAT VERDICT [TEXT]: the report line of WHAT ("SPF", "DKIM sel", ...)
# shows VERDICT in the verdict column, and TEXT on that line or on the
# indented lines that follow it (its reason, "add: ...").
row() {
	local block
	block=$(awk -v w="$1" '
		found && /^ / { print; next }
		found { exit }
		substr($0, 1, 15) == sprintf("%-14s ", w) { found = 1; print }' "$T_DIR/out")
	if [ -z "$block" ]; then
		fail "no '$1' line in the report: $(head -c 400 "$T_DIR/out" | tr '\n' '|')"
		return 0
	fi
	local word
	word=$(head -n 1 <<<"$block" | cut -c16-27 | sed 's/ *$//')
	[ "$word" = "$2" ] || fail "$1 is '$word', expected '$2': $(tr '\n' '|' <<<"$block")"
	if [ -n "$3" ]; then
		grep -qF -- "$3" <<<"$block" || fail "the $1 lines lack '$3': $(tr '\n' '|' <<<"$block")"
	fi
	return 0
}

# The last line of the report (the verdict sentence) starts with TEXT.
verdict() {
	local last
	last=$(tail -n 1 "$T_DIR/out")
	case $last in
	"$1"*) ;;
	*) fail "the verdict is '$last', expected '$1...'" ;;
	esac
}

no_row() {
	grep -q "^$1 " "$T_DIR/out" && fail "the report has a '$1' line"
	return 0
}

# ------------------------------------------------------------------ fixture

if begin fixture_dkim_record_is_split; then
n=$(txt_strings "$DNS_PORT" sel._domainkey.ok.$Z 2>"$T_DIR/py.err")
[ "$n" = 3 ] || fail "the DKIM TXT record of ok.$Z has '$n' strings, expected 3 ($(head -c 200 "$T_DIR/py.err"))"
end; fi

# -------------------------------------------------------------- the cases

if begin complete_records_ready; then
dns ok.$Z -- --selector sel
expect_rc 0
expect_out_has "DNS check of ok.$Z (asked: $SRV)"
row MX OK "10 mx.ok.$Z"
row SPF OK "it authorises the SMTP server 127.0.0.1 (127.0.0.1)"
row "DKIM sel" OK "RSA 2048-bit key"
row DMARC OK "policy reject"
verdict "Ready: SPF, DKIM and DMARC are in order"
expect_nowhere "add:"
expect_nowhere "Provider:"
[ -s "$T_DIR/err" ] && fail "stderr: $(head -c 200 "$T_DIR/err")"
end; fi

# A record's bytes never reach the report raw, nor forge one of its lines:
# evil.$Z from dnsmasq (ESC, CSI, OSC, CR/LF, U+202E), raw.$Z from
# raw-txt.py behind it (the same with BEL and a C1 CSI).
no_raw_controls() { # FILE WHAT
	LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1" &&
		fail "$2 has a control character raw: $(LC_ALL=C grep -n $'[\x01-\x09\x0b-\x1f\x7f]' "$1" | od -c | head -3 | tr '\n' '|')"
	grep -q $'\xe2\x80\xae' "$1" && fail "$2 has the right-to-left override raw"
	grep -q $'\xc2\x9b' "$1" && fail "$2 has a C1 CSI raw"
	grep -q '^SPF  *OK  *forged' "$1" && fail "the record forged a line of $2: $(grep -n forged "$1")"
}
for d in evil raw; do
	if begin "record_controls_escaped_$d"; then
	dns $d.$Z -- --selector sel
	row SPF WRONG
	no_raw_controls "$T_DIR/out" "the report"
	grep -qF '^M^J' "$T_DIR/out" || fail "the report does not show the record's line break: $(grep -F 'spf1 ip4:192.0.2.1' "$T_DIR/out")"
	grep -qF '\u202E' "$T_DIR/out" || fail "the report does not show the override as \\u202E"
	grep -qF '^[[2J^[]0;pwned' "$T_DIR/out" || fail "the report does not show ESC as ^[: $(grep -F 'spf1 ip4:192.0.2.1' "$T_DIR/out")"
	if [ $d = raw ]; then
		grep -qF 'pwned^G' "$T_DIR/out" || fail "the report does not show BEL as ^G"
		grep -qF '\u009B31m' "$T_DIR/out" || fail "the report does not show the C1 CSI as \\u009B"
	fi
	end; fi
done

# The configuration's own words in the report (a DKIM selector, the
# domain): shown safe too, in the report and the verdict.
if begin config_words_escaped_in_report; then
conf "$T_DIR/mail.ini" ok.$Z 127.0.0.1 "\n[dns]\ndkim_selectors = sel, s1\033]0;pwned\007x\n"
ms -c "$T_DIR/mail.ini" dns --server "$SRV"
no_raw_controls "$T_DIR/out" "the report"
grep -qF 'DKIM s1^[]0;pwned^Gx' "$T_DIR/out" || fail "the selector is not shown escaped: $(grep -a DKIM "$T_DIR/out" | head -3)"
LC_ALL=C grep -q $'[\e\a]' "$T_DIR/err" && fail "stderr has a control character raw"
end; fi

if begin no_spf_dkim_ok; then
dns nospf.$Z -- --selector sel
expect_rc 0
row SPF MISSING "no SPF record"
row SPF MISSING "add: nospf.$Z TXT \"v=spf1 ip4:127.0.0.1 ~all\""
row "DKIM sel" OK "RSA 2048-bit key"
row DMARC OK "policy quarantine"
verdict "Ready for ordinary volumes"
end; fi

if begin no_spf_named_host_suggests_a; then
dns nospf.$Z smtp.nospf.$Z -- --selector sel
expect_rc 0
row SPF MISSING "add: nospf.$Z TXT \"v=spf1 a:smtp.nospf.$Z ~all\""
end; fi

if begin no_spf_no_dkim_not_ready; then
dns bare.$Z -- --selector sel
expect_rc 65
row MX OK
row SPF MISSING "v=spf1 ip4:127.0.0.1 ~all"
row "DKIM sel" MISSING "sel._domainkey.bare.$Z"
row DMARC MISSING "v=DMARC1"
verdict "Not ready: Gmail requires SPF or DKIM"
end; fi

if begin no_mx_not_ready; then
dns nomx.$Z -- --selector sel
expect_rc 65
row MX MISSING "no MX record"
row SPF OK
row "DKIM sel" OK
verdict "Not ready: the domain has no MX record"
end; fi

if begin two_spf_records_wrong; then
dns twospf.$Z -- --selector sel
expect_rc 65
row SPF WRONG "2 SPF records"
row SPF WRONG "Replace them with one record"
row SPF WRONG "add: twospf.$Z TXT \"v=spf1 a ip4:127.0.0.1 -all\""
verdict "Not ready"
end; fi

# The merged record keeps the other record's include: (issue 10, 5).
if begin two_spf_records_merge_keeps_include; then
dns twoinc.$Z -- --selector sel
expect_rc 65
# (the records come in either order: the first one's "all" is kept)
row SPF WRONG "include:_spf.partner.$Z"
add=$(grep -F 'add: twoinc' "$T_DIR/out")
for t in include:_spf.partner.$Z ip4:192.0.2.1 ip4:127.0.0.1; do
	[[ $add == *" $t "* ]] || fail "the merged record lacks $t: $add"
done
end; fi

if begin spf_not_covering_smtp_host; then
dns wrongip.$Z -- --selector sel
expect_rc 65
row SPF WRONG "v=spf1 ip4:192.0.2.1 -all"
row SPF WRONG "does not authorise the SMTP server 127.0.0.1"
row SPF WRONG "the result is fail"
row SPF WRONG "add: wrongip.$Z TXT \"v=spf1 ip4:192.0.2.1 ip4:127.0.0.1 -all\""
verdict "Not ready"
end; fi

# Issue 10, 1: each of these was judged OK; pyspf says permerror.
for c in "typo ipv4:127.0.0.1" "cidr33 ip4:127.0.0.1/33" "void3 more than 2 lookups found nothing"; do
	set -- $c
	zone=$1
	shift
	if begin "spf_permerror_$zone"; then
	dns "$zone.$Z" -- --selector sel
	expect_rc 65
	row SPF WRONG "permerror"
	row SPF WRONG "$*"
	verdict "Not ready"
	end; fi
done

if begin spf_include_chain_11_lookups_wrong; then
dns chain11.$Z -- --selector sel
expect_rc 65
row SPF WRONG "more than 10"
verdict "Not ready"
end; fi

if begin spf_include_chain_10_lookups_ok; then
dns chain10.$Z -- --selector sel
expect_rc 0
row SPF OK "authorises the SMTP server 127.0.0.1"
end; fi

if begin spf_a_mechanism_named_smtp_host; then
dns mech.$Z relay.mech.$Z -- --selector sel
expect_rc 0
row SPF OK "it authorises the SMTP server relay.mech.$Z (127.0.0.9)"
end; fi

if begin spf_mx_mechanism; then
dns mech.$Z 127.0.0.8 -- --selector sel
expect_rc 0
row SPF OK "(127.0.0.8)"
end; fi

if begin spf_a_mechanism_other_host_wrong; then
dns mech.$Z 127.0.0.7 -- --selector sel
expect_rc 65
row SPF WRONG "does not authorise the SMTP server 127.0.0.7"
end; fi

if begin spf_redirect_cidr; then
dns redir.$Z 127.0.0.200 -- --selector sel
expect_rc 0
row SPF OK "(127.0.0.200)"
end; fi

# Issue 10, 2: exists with a macro is evaluated, not "cannot tell".
if begin spf_macro_exists_evaluated; then
dns macro.$Z -- --selector sel
expect_rc 0
row SPF OK "pass"
end; fi

if begin spf_empty_smtp_host_cannot_tell; then
dns ok.$Z "" -- --selector sel
expect_rc 0
row SPF "CANNOT TELL" "no SMTP server is set"
row "DKIM sel" OK
end; fi

if begin dkim_split_over_strings_ok; then
dns keys.$Z -- --selector sel
expect_rc 0
row "DKIM sel" OK "RSA 2048-bit key"
row "DKIM sel" OK "v=DKIM1; k=rsa; p=${K2048:0:20}"
end; fi

if begin dkim_512_bit_too_short; then
dns keys.$Z -- --selector short
expect_rc 0
row "DKIM short" WRONG "RSA 512-bit key: too short"
verdict "Ready for ordinary volumes"
end; fi

if begin dkim_512_only_key_not_ready; then
dns keys.$Z 192.0.2.99 -- --selector short
expect_rc 65
row SPF WRONG
row "DKIM short" WRONG "too short"
verdict "Not ready"
end; fi

if begin dkim_unreadable_key_wrong; then
dns keys.$Z -- --selector bad
row "DKIM bad" WRONG "cannot be read"
end; fi

if begin dkim_revoked_key_wrong; then
dns keys.$Z -- --selector gone
row "DKIM gone" WRONG "revoked"
end; fi

if begin dkim_ed25519_key_ok; then
dns keys.$Z -- --selector ed
row "DKIM ed" OK "Ed25519"
end; fi

if begin dkim_several_selectors; then
dns keys.$Z -- --selector sel --selector=short --selector nothere
expect_rc 0
row "DKIM sel" OK
row "DKIM short" WRONG
row "DKIM nothere" MISSING "nothere._domainkey.keys.$Z"
end; fi

if begin dkim_no_selector_cannot_tell; then
dns keys.$Z
expect_rc 0
row DKIM "CANNOT TELL" "--selector"
end; fi

if begin no_dmarc_missing; then
dns nodmarc.$Z -- --selector sel
expect_rc 0
row DMARC MISSING "no DMARC record at _dmarc.nodmarc.$Z"
row DMARC MISSING "add: _dmarc.$Z TXT \"v=DMARC1; p=none; rua=mailto:support@nodmarc.$Z\""
verdict "Ready for ordinary volumes"
end; fi

if begin dmarc_suggestion_without_contact_email; then
# No contact address: the suggested record must still be usable (no empty
# mailto: URI).
mkfile "$T_DIR/mail.ini" "[basic]\nsystem_email = noreply@nodmarc.$Z\n\n[smtp]\nhost = 127.0.0.1\n"
ms -c "$T_DIR/mail.ini" dns --server "$SRV" --selector sel
row DMARC MISSING "v=DMARC1; p=none"
grep -qF 'rua=mailto:"' "$T_DIR/out" && fail "suggests an empty rua=mailto: $(grep -F 'rua=' "$T_DIR/out")"
end; fi

if begin dmarc_p_none_ok; then
dns dmarcnone.$Z -- --selector sel
expect_rc 0
row DMARC OK "policy none"
row DMARC OK "v=DMARC1; p=none; rua=mailto:x@dmarcnone.$Z"
verdict "Ready: SPF, DKIM and DMARC are in order"
end; fi

# Issue 10, 3: a subdomain under an organisational domain (Public Suffix
# List: co.jp) with p=reject inherits it; nothing weaker is suggested.
if begin dmarc_inherited_from_organisational_domain; then
dns shop.example.co.jp -- --selector sel
row DMARC OK "no DMARC record at _dmarc.shop.example.co.jp itself"
row DMARC OK "p=reject (from example.co.jp)"
grep -q 'p=none' "$T_DIR/out" && fail "suggests p=none under p=reject: $(grep -n 'p=none' "$T_DIR/out")"
end; fi

if begin dmarc_subdomain_own_record_wins; then
dns own.example.co.jp -- --selector sel
row DMARC OK "policy quarantine"
row DMARC OK "v=DMARC1; p=quarantine"
end; fi

if begin dmarc_sp_none_under_reject; then
dns sub.example2.co.jp -- --selector sel
row DMARC OK "sp=none (p=reject at example2.co.jp)"
end; fi

if begin dmarc_bad_rua_wrong; then
dns badrua.$Z -- --selector sel
row DMARC WRONG "rua=dmarc@badrua.$Z"
end; fi

if begin dmarc_bad_pct_wrong; then
dns badpct.$Z -- --selector sel
row DMARC WRONG "pct=150"
end; fi

# Issue 10, 4: a key that may not be used is not OK.
if begin dkim_tags_testing_sha1_service; then
dns keys.$Z -- --selector testing --selector sha1 --selector svc --selector both
row "DKIM testing" WRONG "t=y"
row "DKIM sha1" WRONG "h=sha1"
row "DKIM svc" WRONG "s=tlsrpt"
row "DKIM both" OK "Ed25519"
end; fi

# Issue 10, 6: reverse DNS of the SMTP server's address.
if begin ptr_forward_confirmed_ok; then
dns ok.$Z -- --selector sel
row PTR OK "127.0.0.1 -> smtp-out.$Z"
end; fi

if begin ptr_missing_not_ready; then
dns ok.$Z 127.0.0.5 -- --selector sel
expect_rc 65
row PTR WRONG "has no reverse DNS"
verdict "Not ready: Gmail requires reverse DNS"
end; fi

if begin ptr_not_forward_confirmed; then
dns ok.$Z 127.0.0.6 -- --selector sel
expect_rc 65
row PTR WRONG "nowhere.$Z does not resolve back to 127.0.0.6"
end; fi

# Issue 10, 7: the guide's provider knowledge.
if begin provider_onamae_a_records; then
dns onamae.$Z mail001.onamae.ne.jp -- --selector sel
row "A mail" OK "127.0.0.3"
row "A ml-cp" MISSING "ml-cp.onamae.$Z"
end; fi

if begin provider_lolipop_dkim_not_needed; then
dns ok.$Z smtp.lolipop.jp --
row DKIM "-" "not needed with"
no_row "DKIM sel"
end; fi

# Issue 10, 9: a question the server refuses spoils only what needs it.
if begin refused_question_spoils_only_its_record; then
dns ok.$Z smtp.elsewhere.example -- --selector sel
row MX OK "10 mx.ok.$Z"
row SPF "CANNOT TELL" "could not be read"
row "DKIM sel" OK "RSA 2048-bit key"
row DMARC OK "policy reject"
end; fi

# Issue 10, 8: IPv6 servers are accepted; every question goes out once and
# together (at most 4 waits for this zone).
if begin server_ipv6_syntax_and_round_trips; then
ms -c "$T_DIR/none.ini" dns --server "[::1]:1"
grep -qF "not a DNS server address" "$T_DIR/err" && fail "[::1]:1 refused as an address: $(err)"
conf "$T_DIR/mail.ini" ok.$Z
MS_ENV=(MAILSET_DNS_STATS=1)
ms -c "$T_DIR/mail.ini" dns --server "$SRV" --selector sel
MS_ENV=()
expect_rc 0
rt=$(sed -n 's/^mailset: dns: \([0-9]*\) questions, \([0-9]*\) round trips$/\2/p' "$T_DIR/err")
[ -n "$rt" ] || fail "no statistics line: $(err)"
[ -n "$rt" ] && [ "$rt" -le 4 ] || fail "the check waited $rt times (at most 4): $(err)"
end; fi

if begin nxdomain; then
dns nx.$Z -- --selector sel
expect_rc 65
row MX MISSING "does not exist"
no_row SPF
verdict "nx.$Z does not exist in DNS"
end; fi

if begin no_system_email; then
mkfile "$T_DIR/mail.ini" '[smtp]\nhost = 127.0.0.1\n'
ms -c "$T_DIR/mail.ini" dns --server "$SRV"
expect_rc 65
verdict "Set the system mail sender first"
end; fi

if begin provider_google_offers_preset; then
dns g.$Z "" --
expect_rc 0
row MX OK "1 aspmx.l.google.com, 5 alt1.aspmx.l.google.com"
row "DKIM google" OK "RSA 2048-bit key"
expect_out_has "looks like Google Workspace (from its mail server (MX) aspmx.l.google.com)"
expect_out_has "'mailset preset google'"
end; fi

if begin provider_google_no_offer_when_smtp_set; then
dns g.$Z 127.0.0.1 --
expect_out_has "looks like Google Workspace"
expect_nowhere "'mailset preset google'"
end; fi

if begin provider_from_smtp_host; then
dns ok.$Z smtp.gmail.com -- --selector sel
expect_out_has "looks like Google Workspace (from the SMTP server smtp.gmail.com)"
expect_nowhere "'mailset preset"
end; fi

# ----------------------------------------------------- the [dns] settings

if begin config_dns_server_and_selectors; then
dns ok.$Z -- --selector sel
cp "$T_DIR/out" "$T_DIR/want.out"
conf "$T_DIR/k.ini" ok.$Z 127.0.0.1 "\n[dns]\nserver = $SRV\ndkim_selectors = nothere, sel\n"
ms -c "$T_DIR/k.ini" dns
expect_rc 0
row "DKIM nothere" MISSING
row "DKIM sel" OK
grep -v nothere "$T_DIR/out" >"$T_DIR/got.out"
expect_same "$T_DIR/want.out" "$T_DIR/got.out" "the report with [dns] keys"
# --selector replaces the configured selectors
ms -c "$T_DIR/k.ini" dns --selector sel
expect_same "$T_DIR/want.out" "$T_DIR/out" "the report with [dns] server and --selector"
end; fi

if begin option_server_beats_config; then
conf "$T_DIR/k.ini" ok.$Z 127.0.0.1 "\n[dns]\nserver = 127.0.0.1:1\n"
ms -c "$T_DIR/k.ini" dns --server="$SRV" --selector sel
expect_rc 0
expect_out_has "(asked: $SRV)"
end; fi

# ------------------------------------------------------------- usage

if begin usage_unknown_option; then
dns ok.$Z -- --bogus
expect_rc 64
expect_out_empty
end; fi

if begin usage_selector_without_value; then
dns ok.$Z -- --selector
expect_rc 64
end; fi

if begin bad_server_address; then
conf "$T_DIR/mail.ini" ok.$Z
ms -c "$T_DIR/mail.ini" dns --server not-an-address
# a usage error, on stderr, before any question (tests/cli.sh errors_on_stderr)
expect_rc 64
expect_out_empty
expect_err_has "--server 'not-an-address': write an IPv4 or IPv6 address"
end; fi

# ------------------------------------------------- servers that do not answer

SILENT_OK=
start_silent && SILENT_OK=1

if [ -n "$SILENT_OK" ]; then
	if begin silent_server_bounded_time; then
	conf "$T_DIR/mail.ini" ok.$Z
	t0=$(now_ms)
	ms -c "$T_DIR/mail.ini" dns --server "127.0.0.1:$SILENT_PORT" --selector sel
	took=$(($(now_ms) - t0))
	expect_rc 75
	verdict "The DNS server (127.0.0.1:$SILENT_PORT) did not answer"
	[ "$took" -lt 10000 ] || fail "took $took ms (at most 10 s)"
	SILENT_MS=$took
	end; fi
else
	echo "FAIL silent_server_bounded_time: cannot bind a UDP port for the silent server"
	LIB_FAILED=$((LIB_FAILED + 1))
fi

# A port that was free a moment ago: nothing listens there.
NOPORT=$("$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

if begin nothing_listening; then
conf "$T_DIR/mail.ini" ok.$Z
t0=$(now_ms)
ms -c "$T_DIR/mail.ini" dns --server "127.0.0.1:$NOPORT" --selector sel
took=$(($(now_ms) - t0))
case $RC in 69 | 75) ;; *) fail "exit $RC, expected 69 or 75" ;; esac
verdict "The DNS server (127.0.0.1:$NOPORT) did not answer"
[ "$took" -lt 10000 ] || fail "took $took ms (at most 10 s)"
REFUSED_MS=$took
REFUSED_RC=$RC
end; fi

# ------------------------------------------------------------ the DNS pane
#
# The editor in tmux (helpers as in tests/ui.sh): a private server, no
# configuration file, TERM=xterm-256color, LANG=C.UTF-8, 80x24.

S=
UI_N=0

# ui_start LANGUAGE -- MAILSET ARGS...: a new session; the exit status goes
# dns --json: each record's verdict, what was found and the record to add.
if begin json_records; then
dns bare.$Z -- --selector sel --json
json_expect 'd["command"] == "dns" and d["exit"] == 65 and d["ok"] is False' \
	'any(r["record"] == "SPF" and r["verdict"] == "missing" and "v=spf1 ip4:127.0.0.1 ~all" in r["suggestion"] for r in d["records"])' \
	'any(r["record"] == "MX" and r["verdict"] == "ok" for r in d["records"])' \
	'd["verdict"] and d["report"][-1] == d["verdict"]'
dns ok.$Z -- --selector sel --json
expect_rc 0
json_expect 'd["ok"] is True and all(r["verdict"] in ("ok", "info") for r in d["records"])' \
	'any(r["record"] == "DKIM sel" and "2048" in r["found"] + r["reason"] for r in d["records"])'
end; fi

# to $T_DIR/rc when mailset ends.
ui_start() {
	local lang=$1
	shift 2
	UI_N=$((UI_N + 1))
	S=t$UI_N
	{
		printf 'cd %q || exit 1\n' "$T_DIR"
		printf '%q ' env -u NO_COLOR -u COLUMNS -u LINES -u LC_ALL -u LC_MESSAGES \
			-u MAILSET_CONFIG -u XDG_CONFIG_HOME \
			TERM=xterm-256color LANG=C.UTF-8 LANGUAGE="$lang" HOME="$HOME" \
			MAILSET_DATADIR="$MAILSET_DATADIR" MAILSET_LOCALEDIR="$MAILSET_LOCALEDIR" \
			ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" LSAN_OPTIONS=exitcode=0 \
			"$MAILSET" "$@"
		printf '2>%q\n' "$T_DIR/err"
		printf 'echo $? >%q && mv %q %q\n' "$T_DIR/rc.tmp" "$T_DIR/rc.tmp" "$T_DIR/rc"
		printf 'exec sleep 60\n'
	} >"$T_DIR/run.sh"
	rm -f "$T_DIR/rc"
	tm new-session -d -s "$S" -x 80 -y 24 "sh $T_DIR/run.sh"
}


# The pane's text, ncurses' line drawing as Unicode, escapes removed.
screen() {
	# shellcheck disable=SC2016
	tm capture-pane -p -e -t "$S" 2>/dev/null | perl -CSD -Mutf8 -0777 -ne '
		s/\e\[[0-9;:?]*[ -\/]*[@-~]//g;
		s/\e[()][0-9A-Za-z]//g;
		my ($acs, $o) = (0, "");
		for my $c (split //) {
			if ($c eq "\x0e") { $acs = 1; next }
			if ($c eq "\x0f") { $acs = 0; next }
			$c =~ tr/lqkxjmtuvwn~a/┌─┐│┘└├┤┴┬┼·▒/ if $acs;
			$o .= $c;
		}
		print $o;' >"$T_DIR/screen"
}

screen_flat() { sed 's/  */ /g' "$T_DIR/screen" | tr '\n' '|' | head -c 1200; }

# wait_for TEXT [SECONDS]
wait_for() {
	local text=$1 n=$((${2:-8} * 20)) i=0
	while [ $i -lt $n ]; do
		screen
		grep -qF -- "$text" "$T_DIR/screen" && return 0
		[ -e "$T_DIR/rc" ] && break
		sleep 0.05
		i=$((i + 1))
	done
	fail "'$text' did not show; screen: $(screen_flat) (stderr: $(head -c 300 "$T_DIR/err" | tr '\n' '|'))"
	return 1
}

wait_exit() {
	local i=0
	while [ ! -e "$T_DIR/rc" ] && [ $i -lt 160 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if [ ! -e "$T_DIR/rc" ]; then
		screen
		fail "mailset did not exit; screen: $(screen_flat)"
		return 1
	fi
	RC=$(cat "$T_DIR/rc")
}



# pane_conf FILE SERVER: a whole configuration for ok.shop.test with the
# [dns] keys set.
pane_conf() {
	conf "$1" "${PANE_DOMAIN:-ok.$Z}" 127.0.0.1 "port = 587\\nusername = noreply@ok.$Z\\nauth = none\\ntls = on\\n\\n[dns]\\nserver = $2\\ndkim_selectors = sel\\n"
}

# t_pane LANGUAGE NAVIGATION...: open the DNS pane, check, wait for the
# verdict, save; the saved report equals `mailset dns` in the same language.
t_pane() {
	local lang=$1 f=$T_DIR/mail.ini
	shift
	pane_conf "$f" "$SRV"
	# what the command prints, in the pane's language
	MS_ENV=(LANG=C.UTF-8 LANGUAGE="$lang")
	ms -c "$f" dns
	MS_ENV=()
	expect_rc "${PANE_RC:-0}" "mailset dns"
	cp "$T_DIR/out" "$T_DIR/cli.txt"
	# the verdict's first bytes (wrapping never cuts that short a start)
	local want
	want=$(tail -n 1 "$T_DIR/cli.txt" | head -c 24)
	ui_start "$lang" -- -c "$f"
	wait_for F10 || return
	keys "$@"
	wait_for "127.0.0.1:$DNS_PORT" || return
	keys Enter
	wait_for "$want" 10 || return
	wait_for "DMARC" || return
	keys s
	wait_for "mailset-dns-" || return
	local saved n
	n=$(find "$T_DIR" -maxdepth 1 -name 'mailset-dns-*.txt' | wc -l)
	saved=$(find "$T_DIR" -maxdepth 1 -name 'mailset-dns-*.txt' | head -n 1)
	if [ "$n" != 1 ]; then
		fail "$n saved reports next to the configuration, expected 1"
	else
		expect_mode "$saved" 600
		diff "$T_DIR/cli.txt" "$saved" >"$T_DIR/diff" ||
			fail "the saved report differs from 'mailset dns': $(head -8 "$T_DIR/diff" | tr '\n' '|')"
	fi
	keys F10
	wait_exit || return
	expect_rc 0 "the editor"
}

# raw.$Z's record (ESC, BEL, CSI, OSC, CR/LF, U+202E, C1 CSI) in the pane:
# the saved report equals the command's, and neither it nor the screen has
# them raw or a forged line.
t_pane_raw() {
	PANE_DOMAIN=raw.$Z PANE_RC=65 t_pane en PPage
	local saved
	saved=$(find "$T_DIR" -maxdepth 1 -name 'mailset-dns-*.txt' | head -n 1)
	[ -n "$saved" ] || return
	no_raw_controls "$saved" "the saved report"
	grep -qF 'pwned^G' "$saved" || fail "the saved report does not show BEL as ^G"
	grep -q '^[│ ]*SPF  *OK  *forged' "$T_DIR/screen" && fail "the pane shows a forged line"
}

# The check runs in a child: the editor answers while the server is silent,
# and Esc stops the check at once.
t_pane_silent() {
	local f=$T_DIR/mail.ini
	pane_conf "$f" "127.0.0.1:$SILENT_PORT"
	ui_start en -- -c "$f"
	wait_for F10 || return
	keys PPage
	wait_for "127.0.0.1:$SILENT_PORT" || return
	keys Enter
	wait_for "Asking the DNS..." || return
	# the panes still move while the child waits
	keys PPage
	wait_for "Test send" 1 || return
	keys NPage
	wait_for "Asking the DNS" 1 || return
	local t0 took
	t0=$(now_ms)
	keys Escape
	wait_for "[S] Save" 2 || return
	took=$(($(now_ms) - t0))
	[ "$took" -le 1000 ] || fail "the check stopped only after $took ms"
	grep -q "stopped" "$T_DIR/screen" || fail "no sign of the stop; screen: $(screen_flat)"
	grep -q "test send" "$T_DIR/screen" && fail "the DNS pane speaks of a test send: $(screen_flat)"
	# checked again, the report comes within the bounded time
	keys Tab
	t0=$(now_ms)
	keys Enter
	wait_for "did not answer" 10 || return
	took=$(($(now_ms) - t0))
	[ "$took" -lt 10000 ] || fail "the report came after $took ms"
	keys F10
	wait_exit || return
	expect_rc 0 "the editor"
}

if command -v tmux >/dev/null 2>&1; then
	unset TMUX TMUX_PANE
	if tm new-session -d -s keeper -x 80 -y 24 'exec sleep 100000' ';' \
		set-option -g status off ';' set-option -g remain-on-exit on; then
		TMUX_STARTED=1
		run_test pane_report_saved_equals_command_en_pgup t_pane en PPage
		run_test pane_report_saved_equals_command_en_pgdn4 t_pane en NPage NPage NPage NPage
		run_test pane_report_saved_equals_command_ja t_pane ja PPage
		run_test pane_raw_record_escaped t_pane_raw
		if [ -n "$SILENT_OK" ]; then
			run_test pane_silent_server_no_freeze_esc t_pane_silent
		fi
	else
		echo "FAIL pane: cannot start a tmux server"
		LIB_FAILED=$((LIB_FAILED + 1))
	fi
else
	skip pane "tmux is not installed"
fi

echo "# dns.sh: silent server ${SILENT_MS:-?} ms, nothing listening ${REFUSED_MS:-?} ms (exit ${REFUSED_RC:-?})" >&2

echo "# dns.sh took $(($(now_ms) - T_START)) ms" >&2
finish
