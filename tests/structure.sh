#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/structure.sh - the editor's layers, read off the compiled objects
# (nm), so a call that crosses them fails here whatever its spelling:
#   0  term keys lineedit job logview   (no editor state)
#   1  editor                           (the core)
#   2  dialog                           (the frame)
#   3  form wizard testpane dnspane safety picker bcclist (never call each other)
#   4  ui                               (the loop: knows every screen)
# A module may use what is defined in its own layer's module or below,
# never above, and no screen module another's. Also: no dialog-kind switch,
# no cast in a draw function.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

OBJ=$(dirname "$MAILSET")/obj/ui
SRC=$REPO_DIR/src/ui

declare -A LAYER=(
	[term]=0 [keys]=0 [lineedit]=0 [job]=0 [logview]=0
	[editor]=1 [dialog]=2
	[form]=3 [wizard]=3 [testpane]=3 [dnspane]=3 [safety]=3 [picker]=3 [bcclist]=3
	[ui]=4
)

# symbol -> the module that defines it
declare -A OWNER
for m in "${!LAYER[@]}"; do
	[ -f "$OBJ/$m.o" ] || continue
	while read -r sym; do
		OWNER[$sym]=$m
	done < <(nm --defined-only -g "$OBJ/$m.o" | awk '{print $3}')
done

if begin every_ui_module_has_a_layer; then
for f in "$OBJ"/*.o; do
	m=$(basename "$f" .o)
	[ -f "$SRC/$m.c" ] || continue # left in the build directory by a removed module
	[ -n "${LAYER[$m]}" ] || fail "src/ui/$m.c has no layer in tests/structure.sh"
done
[ "${#OWNER[@]}" -gt 50 ] || fail "only ${#OWNER[@]} symbols found in $OBJ"
end; fi

if begin no_call_up_or_across; then
for m in "${!LAYER[@]}"; do
	[ -f "$OBJ/$m.o" ] || { fail "$OBJ/$m.o is not built"; continue; }
	while read -r sym; do
		o=${OWNER[$sym]}
		[ -z "$o" ] || [ "$o" = "$m" ] && continue
		if [ "${LAYER[$o]}" -gt "${LAYER[$m]}" ]; then
			fail "$m.c (layer ${LAYER[$m]}) uses $sym of $o.c (layer ${LAYER[$o]})"
		elif [ "${LAYER[$m]}" = 3 ] && [ "${LAYER[$o]}" = 3 ]; then
			fail "screen $m.c uses $sym of screen $o.c: ask ui.c (editor_request)"
		fi
	done < <(nm -u "$OBJ/$m.o" | awk '{print $2}')
done
end; fi

if begin the_check_sees_a_planted_call; then
# the same check on a module that calls across: it must object
cat > "$T_DIR/bad.c" <<'EOF'
void picker_open(void *ed);
void bad(void *ed);
void bad(void *ed) { picker_open(ed); }
EOF
cc -c -o "$T_DIR/bad.o" "$T_DIR/bad.c" || fail "cannot compile the planted module"
found=
while read -r sym; do
	[ "${OWNER[$sym]}" = picker ] && found=1
done < <(nm -u "$T_DIR/bad.o" | awk '{print $2}')
[ -n "$found" ] || fail "a call to picker_open() was not seen"
end; fi

if begin no_dialog_kind_switch; then
if grep -n 'DLG_' "$SRC"/*.c "$REPO_DIR"/include/mailset/ui/*.h >"$T_DIR/out"; then
	fail "dialog kinds are back: $(head -1 "$T_DIR/out")"
fi
end; fi

if begin draw_functions_cast_nothing; then
# a function whose name has "draw" in it: no (type *) cast in its body
awk '
	/^[a-z].*draw[a-z_]*\(/ && !/;$/ { indraw = 1; name = $0 }
	indraw && /\((const )?(struct|char|void|wchar_t)[a-z_ ]*\*+\)/ { print FILENAME ": " $0; bad = 1 }
	indraw && /^}/ { indraw = 0 }
	END { exit bad }
' "$SRC"/*.c >"$T_DIR/out" || fail "a cast in a draw function: $(head -1 "$T_DIR/out")"
end; fi

# The network code is the helpers' (mailset-smtp, mailset-dns): the
# program that opens the editor and runs check, get, set and preset loads no
# network library. ldd lists what the dynamic loader maps, indirect ones
# too; the same check on the SMTP helper must find libcurl.
NET_LIBS='libcurl|libssl|libcrypto|libcares|libpsl|libnghttp2|libssh2|libldap|libgssapi|libbrotli|libzstd'
net_libs_of() { ldd "$1" | grep -Eo "$NET_LIBS" | sort -u | tr '\n' ' '; }
if begin program_loads_no_network_library; then
libs=$(net_libs_of "$MAILSET")
[ -z "$libs" ] || fail "$MAILSET loads $libs"
helper=$(dirname "$MAILSET")/libexec/mailset-smtp
if [ ! -x "$helper" ]; then
	fail "$helper is not built"
else
	case " $(net_libs_of "$helper") " in
	*" libcurl "*) ;;
	*) fail "the check finds no libcurl in $helper either: it cannot see one" ;;
	esac
fi
# and at run time: what a plain command opens
if command -v strace >/dev/null; then
	printf '[smtp]\nhost = mail.example.com\n' >"$T_DIR/mail.ini"
	chmod 600 "$T_DIR/mail.ini"
	strace -f -e trace=openat -o "$T_DIR/trace" "$MAILSET" -c "$T_DIR/mail.ini" get smtp.host >/dev/null 2>&1
	grep -Eq "$NET_LIBS" "$T_DIR/trace" && fail "mailset get opens $(grep -Eo "$NET_LIBS" "$T_DIR/trace" | sort -u | tr '\n' ' ')"
	grep -q 'libinih' "$T_DIR/trace" || fail "the trace of mailset get shows no library opened at all: $(head -c 300 "$T_DIR/trace")"
fi
end; fi

finish
