#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/deb.sh - the Debian package of the working tree: built from a copy
# of the tracked files as they are on disk (scripts/build-deb.sh, as `make
# deb`: dpkg-buildpackage -us -uc -b, DEB_BUILD_OPTIONS=nocheck parallel=2),
# linted clean (lintian: no error, no warning), hardened (blhc on the build
# log), installed under /usr only, and the installed program run from a
# scratch root (dpkg -x) with its data, messages and helpers found there.

# shellcheck source=tests/lib.sh
LIB_NO_MAILSET=1 . "$(dirname "$0")/lib.sh"

VERSION=$(sed -n 's/^VERSION *= *//p' "$REPO_DIR/Makefile")
OUT=$TMPROOT/out
ROOT=$TMPROOT/root
DEB=
BUILD_RC=

# The build is every case's set-up: done once, when some case wants it.
if want deb_builds_and_lints_clean deb_hardening_flags deb_depends_on_ca_certificates \
	deb_installs_under_usr deb_compiled_in_paths_are_usr deb_version deb_presets \
	deb_japanese_messages deb_lintian_gate_bites; then
	for tool in dpkg-buildpackage dh lintian blhc; do
		command -v "$tool" >/dev/null ||
			echo "FAIL deb: $tool is missing (scripts/deps.sh deb installs it)"
	done
	BUILD_RC=0
	t0=$SECONDS
	DEB_BUILD_OPTIONS="nocheck parallel=2" "$REPO_DIR/scripts/build-deb.sh" "$OUT" \
		>"$TMPROOT/build-deb.out" 2>"$TMPROOT/build-deb.err" || BUILD_RC=$?
	echo "# deb: built and linted in $((SECONDS - t0)) s (exit $BUILD_RC)"
	DEB=$(ls "$OUT"/mailset_"$VERSION"_*.deb 2>/dev/null | head -n 1)
	[ -n "$DEB" ] && mkdir -p "$ROOT" && dpkg -x "$DEB" "$ROOT"
fi

# need_deb: fail the current case when there is no package to look at.
need_deb() {
	[ -n "$DEB" ] && return 0
	fail "no mailset_${VERSION}_*.deb built (build-deb.sh exit $BUILD_RC: $(tail -n 5 "$TMPROOT/build-deb.err" | tr '\n' '|'))"
	return 1
}

# inroot ARGS...: the packaged mailset, finding everything in the scratch root.
inroot() {
	timeout -k 5 60 env MAILSET_DATADIR="$ROOT/usr/share/mailset" \
		MAILSET_LOCALEDIR="$ROOT/usr/share/locale" \
		MAILSET_LIBEXECDIR="$ROOT/usr/libexec/mailset" \
		"$ROOT/usr/bin/mailset" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
}

if begin deb_builds_and_lints_clean; then
	case $BUILD_RC in
	0) ;;
	2)
		fail "lintian reports errors or warnings (lines below)"
		sed 's/^/    lintian: /' "$OUT/lintian.txt"
		;;
	*) fail "the package did not build (exit $BUILD_RC): $(tail -n 8 "$TMPROOT/build-deb.err" | tr '\n' '|')" ;;
	esac
	need_deb
	[ -f "$OUT/mailset_${VERSION}_$(dpkg --print-architecture).changes" ] || fail "no .changes"
	# the package's version is the Makefile's (native: no Debian revision)
	v=$(cd "$REPO_DIR" && dpkg-parsechangelog -S Version)
	[ "$v" = "$VERSION" ] || fail "debian/changelog says $v, the Makefile $VERSION"
	end
fi

if begin deb_hardening_flags; then
	if [ -s "$OUT/build.log" ]; then
		blhc "$OUT/build.log" >"$T_DIR/blhc" 2>&1 ||
			fail "blhc: $(head -c 400 "$T_DIR/blhc" | tr '\n' '|')"
		# every compile and link of the program and its helpers is in the log
		n_cc=$(grep -cE '^cc .* -c -o build/obj/' "$OUT/build.log")
		n_src=$(cd "$REPO_DIR" && ls src/*.c src/ui/*.c src/libexec/*.c | wc -l)
		[ "$n_cc" -eq "$n_src" ] || fail "$n_cc compile lines in the log for $n_src sources (V=1?)"
		for f in -D_FORTIFY_SOURCE=2 -fstack-protector-strong; do
			n=$(grep -E '^cc .* -c -o build/obj/' "$OUT/build.log" | grep -c -- "$f")
			[ "$n" -eq "$n_cc" ] || fail "$f on $n of $n_cc compile lines"
		done
		n_ld=$(grep -E '^cc .* -o build/(mailset|libexec/mailset-[a-z]+) ' "$OUT/build.log" | grep -c -- '-Wl,-z,relro')
		[ "$n_ld" -eq 3 ] || fail "-Wl,-z,relro on $n_ld of the 3 links"
		# blhc can object: the same log without FORTIFY must fail
		sed 's/ -D_FORTIFY_SOURCE=2//' "$OUT/build.log" >"$T_DIR/planted.log"
		blhc "$T_DIR/planted.log" >/dev/null 2>&1 && fail "blhc passes a log without -D_FORTIFY_SOURCE=2"
	else
		fail "no build log"
	fi
	end
fi

if begin deb_depends_on_ca_certificates; then
	if need_deb; then
		dep=$(dpkg-deb -f "$DEB" Depends)
		[[ ", $dep," =~ ,\ ca-certificates[\ ,] ]] || fail "Depends is '$dep': no ca-certificates"
		[[ $dep == *libcurl4* ]] || fail "Depends is '$dep': no libcurl4 (shlibs)"
	fi
	end
fi

if begin deb_installs_under_usr; then
	if need_deb; then
		dpkg-deb -c "$DEB" | awk '{ print $6 }' >"$T_DIR/files"
		for f in ./usr/bin/mailset ./usr/libexec/mailset/mailset-smtp ./usr/libexec/mailset/mailset-dns \
			./usr/share/mailset/presets/xserver.ini ./usr/share/mailset/test-mail.txt \
			./usr/share/locale/ja/LC_MESSAGES/mailset.mo ./usr/share/man/man1/mailset.1.gz \
			./usr/share/man/man5/mailset.ini.5.gz ./usr/share/doc/mailset/copyright \
			./usr/share/mailset/ansible/library/mailset.py \
			./usr/share/bash-completion/completions/mailset \
			./usr/share/zsh/vendor-completions/_mailset; do
			grep -qxF "$f" "$T_DIR/files" || fail "$f is not in the package"
		done
		grep -E '^\./usr/local|^\./(etc|opt|home)/' "$T_DIR/files" >"$T_DIR/bad" &&
			fail "outside /usr: $(tr '\n' ' ' <"$T_DIR/bad")"
		# the Japanese manual pages, when the tree has them
		for m in "$REPO_DIR"/man/ja/man1/*.1 "$REPO_DIR"/man/ja/man5/*.5; do
			[ -f "$m" ] || continue
			s=$(basename "$(dirname "$m")")
			grep -qxF "./usr/share/man/ja/$s/$(basename "$m").gz" "$T_DIR/files" ||
				fail "man/ja/$s/$(basename "$m") is not in the package"
		done
	fi
	end
fi

if begin deb_compiled_in_paths_are_usr; then
	if need_deb; then
		for p in /usr/share/mailset /usr/share/locale /usr/libexec/mailset; do
			grep -qaF "$p" "$ROOT/usr/bin/mailset" || fail "usr/bin/mailset does not name $p"
		done
		for b in usr/bin/mailset usr/libexec/mailset/mailset-smtp usr/libexec/mailset/mailset-dns; do
			grep -qaF /usr/local "$ROOT/$b" && fail "$b names /usr/local"
		done
	fi
	end
fi

if begin deb_version; then
	if need_deb; then
		inroot --version
		[ "$RC" = 0 ] || fail "mailset --version exited $RC: $(head -c 200 "$T_DIR/err")"
		[ "$(head -n 1 "$T_DIR/out")" = "mailset $VERSION" ] ||
			fail "first line '$(head -n 1 "$T_DIR/out")', expected 'mailset $VERSION'"
		# the libcurl version comes from the packaged helper
		grep -qE '^  libcurl  [0-9]' "$T_DIR/out" || fail "no libcurl version: '$(tr '\n' '|' <"$T_DIR/out")'"
	fi
	end
fi

if begin deb_presets; then
	if need_deb; then
		inroot presets
		[ "$RC" = 0 ] || fail "mailset presets exited $RC: $(head -c 200 "$T_DIR/err")"
		n=0
		for f in "$REPO_DIR"/share/mailset/presets/*.ini; do
			p=$(basename "$f" .ini)
			n=$((n + 1))
			grep -qE "^$p " "$T_DIR/out" || fail "preset $p not listed: '$(tr '\n' '|' <"$T_DIR/out")'"
		done
		[ "$n" -ge 5 ] || fail "only $n presets in the tree"
		grep -q 'Xserver' "$T_DIR/out" || fail "no Xserver preset name"
	fi
	end
fi

if begin deb_japanese_messages; then
	if need_deb; then
		LANGUAGE=ja LANG=C.UTF-8 inroot presets
		[ "$RC" = 0 ] || fail "LANGUAGE=ja mailset presets exited $RC"
		grep -q 'エックスサーバー\|さくら\|お名前' "$T_DIR/out" ||
			fail "no Japanese preset names: '$(head -c 300 "$T_DIR/out" | tr '\n' '|')'"
	fi
	end
fi

if begin deb_lintian_gate_bites; then
	# the package with a file under /usr/local: lintian must refuse it
	if need_deb; then
		dpkg-deb -R "$DEB" "$T_DIR/pkg"
		mkdir -p "$T_DIR/pkg/usr/local/bin"
		printf '#!/bin/sh\n' >"$T_DIR/pkg/usr/local/bin/planted"
		chmod 755 "$T_DIR/pkg/usr/local/bin/planted"
		dpkg-deb --root-owner-group -b "$T_DIR/pkg" "$T_DIR/planted.deb" >/dev/null 2>&1 ||
			fail "could not repack the package"
		lintian --fail-on error,warning "$T_DIR/planted.deb" >"$T_DIR/lint" 2>&1 &&
			fail "lintian passes a package with /usr/local/bin/planted"
		grep -q 'usr/local' "$T_DIR/lint" || fail "lintian did not name usr/local: $(head -c 300 "$T_DIR/lint" | tr '\n' '|')"
	fi
	end
fi

finish
