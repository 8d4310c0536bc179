#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/build-deb.sh OUTDIR - build the Debian package of the working tree
# and lint it (`make deb`, tests/deb.sh).
#
# The tracked files, as they are on disk (edits not yet committed included;
# files not yet added to git are not), are copied to a scratch directory
# and built there with `dpkg-buildpackage -us -uc -b`, so the tree's own
# build/ is left alone. OUTDIR then holds mailset_*.deb, .changes and
# .buildinfo, build.log (dpkg-buildpackage's output, every compile and link
# line in it: debian/rules builds with V=1) and lintian.txt (lintian -I on
# the .changes: the .deb and the .buildinfo too).
#
# Exit status: 0 built and lintian reports no error or warning; 1 the build
# failed (the end of build.log is printed); 2 lintian reported an error or a
# warning (its lines are printed). DEB_BUILD_OPTIONS is passed on (default
# "nocheck parallel=2").
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 64; }
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
version=$(sed -n 's/^VERSION *= *//p' "$top/Makefile")

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mailset-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
src=$scratch/mailset-$version
mkdir "$src"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked files deleted on disk are left out; tar keeps modes and links.
	(cd "$top" && git ls-files -z | xargs -0 sh -c 'for f; do [ -e "$f" ] || [ -L "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$src"
else
	(cd "$top" && tar --exclude=./build -cf - .) | tar -xf - -C "$src"
fi

rm -f "$out"/mailset[_-]* "$out/build.log" "$out/lintian.txt"
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck parallel=2}"
# A calling make's flags (make -s check: no command lines in the log for
# blhc to read; -j) are not the package build's.
unset MAKEFLAGS MFLAGS MAKELEVEL
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	echo "dpkg-buildpackage failed; the end of $out/build.log:" >&2
	tail -n 30 "$out/build.log" >&2
	exit 1
fi
# mailset_* and mailset-dbgsym_*
for f in "$scratch"/mailset[_-]*; do
	[ -f "$f" ] && mv "$f" "$out/"
done
changes=$(ls "$out"/mailset_*.changes)

# -I: the info tags are in lintian.txt too (cheap ones get fixed); only
# errors and warnings fail. Its note that root should not run it is left
# out (`make check` runs as root on a CI machine).
rc=0
lintian -I --fail-on error,warning "$changes" >"$out/lintian.raw" 2>&1 || rc=$?
grep -v '^running with root privileges is not recommended!$' "$out/lintian.raw" >"$out/lintian.txt" || :
rm -f "$out/lintian.raw"
if [ "$rc" -ne 0 ]; then
	echo "lintian reports errors or warnings on $changes (exit $rc):" >&2
	cat "$out/lintian.txt" >&2
	exit 2
fi
ls "$out"/mailset[_-]*
