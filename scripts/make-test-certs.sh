#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/make-test-certs.sh DIR - the TLS certificates of the test SMTP server
# (scripts/test-smtpd.py --certs DIR), made with the openssl command.
#
# In DIR (created if missing):
#   ca.pem ca.key                 a test CA ("mailset test CA")
#   server.pem server.key         signed by the CA for DNS:localhost, IP:127.0.0.1
#                                 and IP:::1 (the good one)
#   wrongname.pem wrongname.key   signed by the CA for DNS:wrong.example only
#                                 (name mismatch)
#   untrusted.pem untrusted.key   self-signed, localhost names, not from the CA
#                                 (certificate not trusted)
#   expired.pem expired.key       signed by the CA, localhost names, valid only
#                                 in January 2020 (certificate expired)
# Keys are EC P-256, mode 0600; certificates 0644. Each of them has exactly
# one fault (or none), so a client test sees the one verdict it expects.
#
# Idempotent and fast: when every file is present and still right (the CA and
# the good certificates verify and are valid for another 30 days, the expired
# one verifies but for its date), nothing is done. Otherwise the whole set is
# made again, under a lock, so parallel callers are safe.
# Prints nothing on success; exit status 0, 64 usage, 69 openssl missing,
# 70 generation failed.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 DIR" >&2
	exit 64
fi
dir=$1
if ! command -v openssl >/dev/null 2>&1; then
	echo "$0: the openssl command is needed (apt-get install openssl)" >&2
	exit 69
fi
# Bump when the set changes, so that an old set is made again.
version=2

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
names="ca server wrongname untrusted expired"

# Everything present and right?
valid() {
	[ "$(cat "$dir/.version" 2>/dev/null)" = "$version" ] || return 1
	for n in $names; do
		[ -s "$dir/$n.pem" ] && [ -s "$dir/$n.key" ] || return 1
	done
	month=$((30 * 24 * 3600))
	for n in ca server wrongname untrusted; do
		openssl x509 -in "$dir/$n.pem" -noout -checkend "$month" >/dev/null 2>&1 || return 1
	done
	openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" "$dir/wrongname.pem" >/dev/null 2>&1 || return 1
	# Expired (and nothing else): verifies when dates are not checked.
	openssl x509 -in "$dir/expired.pem" -noout -checkend 0 >/dev/null 2>&1 && return 1
	openssl verify -no_check_time -CAfile "$dir/ca.pem" "$dir/expired.pem" >/dev/null 2>&1 || return 1
	openssl verify -CAfile "$dir/ca.pem" "$dir/untrusted.pem" >/dev/null 2>&1 && return 1
	return 0
}

# Quick answer without the lock when all is well.
if valid; then
	exit 0
fi

lockfile=$dir/.lock
if command -v flock >/dev/null 2>&1; then
	exec 9>"$lockfile"
	flock 9
	# Someone else may have made it meanwhile.
	if valid; then
		exit 0
	fi
fi

umask 077
work=$(mktemp -d "$dir/.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

cat >"$work/openssl.cnf" <<'EOF'
# Minimal configuration: no system defaults (they add CA:TRUE to req -x509).
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1

[wrongname_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:wrong.example

[untrusted_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1

# For `openssl ca`, which alone can set dates in the past (openssl 3.0's x509
# has no -not_before/-not_after).
[ca]
default_ca = testca
[testca]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = supplied
organizationName = optional
EOF

run() {
	if ! out=$("$@" 2>&1); then
		echo "$0: failed: $*" >&2
		printf '%s\n' "$out" >&2
		exit 70
	fi
}

cnf=$work/openssl.cnf
newkey="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
serial() { echo "0x$(openssl rand -hex 8)"; }

# The CA.
# shellcheck disable=SC2086
run openssl req -config "$cnf" -x509 $newkey -sha256 -days 3650 \
	-keyout "$work/ca.key" -out "$work/ca.pem" -set_serial "$(serial)" \
	-subj "/O=mailset tests/CN=mailset test CA" -extensions ca_ext

# Signed by the CA: the good one and the wrong name.
# shellcheck disable=SC2086
run openssl req -config "$cnf" -x509 $newkey -sha256 -days 3650 \
	-CA "$work/ca.pem" -CAkey "$work/ca.key" \
	-keyout "$work/server.key" -out "$work/server.pem" -set_serial "$(serial)" \
	-subj "/O=mailset tests/CN=localhost" -extensions server_ext
# shellcheck disable=SC2086
run openssl req -config "$cnf" -x509 $newkey -sha256 -days 3650 \
	-CA "$work/ca.pem" -CAkey "$work/ca.key" \
	-keyout "$work/wrongname.key" -out "$work/wrongname.pem" -set_serial "$(serial)" \
	-subj "/O=mailset tests/CN=wrong.example" -extensions wrongname_ext

# Self-signed, not from the CA.
# shellcheck disable=SC2086
run openssl req -config "$cnf" -x509 $newkey -sha256 -days 3650 \
	-keyout "$work/untrusted.key" -out "$work/untrusted.pem" -set_serial "$(serial)" \
	-subj "/O=untrusted tests/CN=localhost" -extensions untrusted_ext

# Expired: a request signed with `openssl ca` and explicit past dates.
mkdir "$work/newcerts"
: >"$work/index.txt"
openssl rand -hex 8 >"$work/serial"
# shellcheck disable=SC2086
run openssl req -config "$cnf" -new $newkey \
	-keyout "$work/expired.key" -out "$work/expired.csr" \
	-subj "/O=mailset tests/CN=localhost"
(
	cd "$work"
	run openssl ca -config "$cnf" -batch -notext -preserveDN \
		-cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \
		-startdate 20200101000000Z -enddate 20200201000000Z \
		-extensions server_ext
)

# Into place: keys 0600, certificates 0644; the version stamp last.
for n in $names; do
	chmod 600 "$work/$n.key"
	chmod 644 "$work/$n.pem"
	mv -f "$work/$n.key" "$dir/$n.key"
	mv -f "$work/$n.pem" "$dir/$n.pem"
done
echo "$version" >"$work/.version"
chmod 644 "$work/.version"
mv -f "$work/.version" "$dir/.version"

if ! valid; then
	echo "$0: the certificates made in $dir do not check out" >&2
	exit 70
fi
exit 0
