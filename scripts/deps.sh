#!/bin/sh
# SPDX-License-Identifier: MIT
# Make sure the Debian packages a target needs are installed.
# Usage: scripts/deps.sh build|check|run|bench|deb
# As root, installs what is missing with apt-get; otherwise prints the exact
# apt-get line and fails, so that `make` stops before a confusing error.
set -eu

build="gcc make pkg-config libncurses-dev libcurl4-openssl-dev libssl-dev libinih-dev libidn2-dev gettext libc-ares-dev libpsl-dev publicsuffix"
# The demo and the tests run a real SMTP server (aiosmtpd, certificates
# made with openssl); the tests also compare with curl's CLI.
server="python3 python3-aiosmtpd openssl"
# tests/mta/ runs a private Postfix with Dovecot SASL on 127.0.0.1; the system
# instances of both stay unconfigured and stopped (see the install below).
mta="postfix dovecot-core"
# `make deb` and tests/deb.sh build the Debian package and lint it (blhc
# reads the build log for the hardening flags).
deb="dpkg-dev debhelper lintian blhc git"
# tests/ansible.sh runs the Ansible module (share/mailset/ansible) with ansible-playbook.
check="$deb check libsubunit-dev mandoc tmux curl ansible-core dnsmasq-base valgrind clang libclang-rt-14-dev python3-spf python3-dnspython $server $mta"
# A real provider's certificate is verified against the system CAs.
run="$server ca-certificates"
# `make bench` runs the peers it compares with (dialog, whiptail, git config,
# curl, swaks; swaks needs Net::SSLeay for STARTTLS), counts syscalls with
# strace, peak RSS with GNU time, and answers DNS from dnsmasq.
bench="dialog whiptail git curl swaks libnet-ssleay-perl strace time dnsmasq-base $server"

case "${1:-build}" in
build) want="$build" ;;
check) want="$build $check" ;;
run)   want="$build $run" ;;
bench) want="$build $bench" ;;
deb)   want="$build $deb" ;;
*) echo "usage: $0 build|check|run|bench|deb" >&2; exit 64 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "Installing missing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# The machine's own mail setup is not ours: Postfix must not write an
	# /etc/postfix/main.cf that turns it into a mail server, and no package
	# may start a system service (dovecot-core's postinst would start the
	# system dovecot). A policy-rc.d that exits 101 makes invoke-rc.d refuse
	# every start; one already there is the administrator's and stays.
	echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		trap 'rm -f "$policy"' EXIT
		trap 'exit 130' INT TERM
		printf '#!/bin/sh\n# scripts/deps.sh: no service starts while packages install\nexit 101\n' >"$policy"
		chmod 755 "$policy"
	fi
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
	exit 0
fi
echo "mailset needs these Debian packages:$missing" >&2
echo "Install them with:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
