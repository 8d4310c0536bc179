#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/completion.sh - the shell completion files (share/completion/)
# driven for real: bash runs the completion function as readline would,
# with COMP_WORDS and COMP_CWORD, and the function asks the built program
# (mailset --complete ...); zsh loads _mailset with compinit.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# as in tests/cli.sh, which checks them against mailset --complete
ALL_KEYS='basic.contact_email basic.system_email basic.system_sender_name basic.bcc basic.notify_priority smtp.host smtp.port smtp.username smtp.password smtp.auth smtp.tls smtp.ca_file options.sms_auth options.twilio'
PRESET_IDS='onamae sakura xserver lolipop muumuu google exchange-online'

BASH_COMPLETION=$REPO_DIR/share/completion/mailset.bash
ZSH_COMPLETION_DIR=$REPO_DIR/share/completion

# The program is found as "mailset" on PATH, as for a user.
BIN_DIR=$TMPROOT/bin
mkdir -p "$BIN_DIR"
ln -s "$MAILSET" "$BIN_DIR/mailset"

# complete WORD...: the words readline would have split, the last being
# the one completed; the replies, one a line, in $T_DIR/out.
complete_words() {
	local words
	printf -v words '%q ' "$@"
	PATH=$BIN_DIR:$PATH timeout 60 bash --norc --noprofile -c "
		source '$BASH_COMPLETION' || exit 1
		f=\$(complete -p mailset | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
		COMP_WORDS=($words)
		COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
		COMP_LINE=\"\${COMP_WORDS[*]}\"
		COMP_POINT=\${#COMP_LINE}
		\$f mailset \"\${COMP_WORDS[COMP_CWORD]}\" \"\${COMP_WORDS[COMP_CWORD-1]}\"
		printf '%s\n' \"\${COMPREPLY[@]}\"" >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
	sanitizer_check "$T_DIR/err" "completion of $*"
	[ "$RC" -eq 0 ] || fail "completing '$*' exited $RC: $(head -c 200 "$T_DIR/err")"
	[ -s "$T_DIR/err" ] && fail "completing '$*' wrote on stderr: $(head -c 200 "$T_DIR/err")"
	return 0
}

has() { grep -qxF -- "$1" "$T_DIR/out" || fail "completing '$2' lacks '$1' (got: $(tr '\n' ' ' <"$T_DIR/out"))"; }
lacks() { grep -qxF -- "$1" "$T_DIR/out" && fail "completing '$2' offers '$1'"; return 0; }

if begin bash_registered; then
PATH=$BIN_DIR:$PATH bash --norc --noprofile -c "source '$BASH_COMPLETION' && complete -p mailset" >"$T_DIR/out" 2>"$T_DIR/err"
grep -q -- "-F _mailset mailset" "$T_DIR/out" || fail "complete -p mailset: '$(cat "$T_DIR/out" "$T_DIR/err")'"
end; fi

if begin bash_commands; then
complete_words mailset s
has set "mailset s"
lacks check "mailset s"
complete_words mailset ""
for c in check get set presets preset test-send dns; do has "$c" "mailset ''"; done
complete_words mailset -c /etc/x.ini te
has test-send "mailset -c FILE te"
end; fi

if begin bash_keys; then
complete_words mailset set smtp.
n=0
for k in $ALL_KEYS; do
	case $k in
	smtp.password) has smtp.password "mailset set smtp."; n=$((n + 1)) ;; # read from stdin: no '='
	smtp.*) has "$k=" "mailset set smtp."; n=$((n + 1)) ;;
	esac
done
[ "$(grep -c . "$T_DIR/out")" -eq "$n" ] || fail "mailset set smtp. offers $(tr '\n' ' ' <"$T_DIR/out"), expected the $n smtp keys"
complete_words mailset get smtp.h
has smtp.host "mailset get smtp.h"
[ "$(grep -c . "$T_DIR/out")" -eq 1 ] || fail "mailset get smtp.h: $(tr '\n' ' ' <"$T_DIR/out")"
complete_words mailset -c f.ini get basic.b
has basic.bcc "mailset -c f.ini get basic.b"
# after KEY= readline has split at '=': the value is the user's
complete_words mailset set smtp.host = ""
[ -s "$T_DIR/out" ] && [ -n "$(tr -d '\n' <"$T_DIR/out")" ] && fail "mailset set smtp.host= offers $(tr '\n' ' ' <"$T_DIR/out")"
end; fi

if begin bash_presets; then
complete_words mailset preset x
has xserver "mailset preset x"
complete_words mailset preset ""
for id in $PRESET_IDS; do has "$id" "mailset preset ''"; done
end; fi

if begin bash_options; then
complete_words mailset test-send --
for o in --to= --save= --probe --help --config=; do has "$o" "mailset test-send --"; done
complete_words mailset dns --se
has --selector= "mailset dns --se"
has --server= "mailset dns --se"
complete_words mailset dns ""
has --selector= "mailset dns ''"
complete_words mailset get smtp.host --c
has --config= "mailset get smtp.host --c"
complete_words mailset --
has --help "mailset --"
has --version "mailset --"
# files after -c and --save
mkdir -p "$T_DIR/d" && : >"$T_DIR/d/mail.ini"
complete_words mailset -c "$T_DIR/d/ma"
has "$T_DIR/d/mail.ini" "mailset -c DIR/ma"
complete_words mailset test-send --save "$T_DIR/d/m"
has "$T_DIR/d/mail.ini" "mailset test-send --save DIR/m"
complete_words mailset get --config = "$T_DIR/d/m"
has "$T_DIR/d/mail.ini" "mailset get --config=DIR/m"
# no key after a value option
complete_words mailset preset xserver --host ""
[ -n "$(tr -d '\n' <"$T_DIR/out")" ] && fail "mailset preset xserver --host offers $(tr '\n' ' ' <"$T_DIR/out")"
end; fi

if ! command -v zsh >/dev/null; then
	skip zsh_loads "zsh is not installed (apt-get install zsh)"
elif begin zsh_loads; then
PATH=$BIN_DIR:$PATH timeout 60 zsh -f -c "
	fpath=('$ZSH_COMPLETION_DIR' \$fpath)
	autoload -Uz compinit && compinit -u -D || exit 1
	[[ \${_comps[mailset]} == _mailset ]] || { print -u2 \"mailset completes with '\${_comps[mailset]}'\"; exit 1; }
	autoload +X _mailset || exit 1
	print ok" >"$T_DIR/out" 2>"$T_DIR/err"
RC=$?
expect_rc 0 "zsh -f compinit"
expect_out ok
[ -s "$T_DIR/err" ] && fail "zsh wrote: $(head -c 300 "$T_DIR/err")"
end; fi

# zsh_complete WORD...: run _mailset as compsys would at the last word,
# with compadd and _describe replaced by stubs that print the candidates
# (unfiltered: compsys itself keeps those that fit the prefix); "-S ''"
# candidates (no space after them) are printed with a trailing '~'.
zsh_complete() {
	PATH=$BIN_DIR:$PATH timeout 60 zsh -f -c '
		compadd() {
			local nospace=
			while [[ $1 == -* ]]; do
				case $1 in --) shift; break ;; -S) [[ -z $2 ]] && nospace="~"; shift ;; esac
				shift
			done
			local w; for w in "$@"; do print -r -- "$w$nospace"; done
		}
		_describe() { print -rl -- ${(P)${@[-1]}}; }
		_files() { print -r -- "(files)"; }
		_message() { :; }
		compset() { :; }
		words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}
		source "'"$ZSH_COMPLETION_DIR/_mailset"'"' zsh "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
	sanitizer_check "$T_DIR/err" "zsh completion of $*"
	[ -s "$T_DIR/err" ] && fail "zsh completing '$*' wrote: $(head -c 300 "$T_DIR/err")"
	return 0
}

if ! command -v zsh >/dev/null; then
	skip zsh_words "zsh is not installed (apt-get install zsh)"
elif begin zsh_words; then
zsh_complete mailset ""
for c in check get set presets preset test-send dns; do has "$c" "zsh: mailset ''"; done
zsh_complete mailset set smtp.
has "smtp.host=~" "zsh: mailset set smtp."
has "smtp.password" "zsh: mailset set smtp."
zsh_complete mailset -c f.ini get smtp.h
has smtp.host "zsh: mailset -c f.ini get smtp.h"
zsh_complete mailset preset x
has xserver "zsh: mailset preset x"
zsh_complete mailset test-send --
has "--to=~" "zsh: mailset test-send --"
has "--probe" "zsh: mailset test-send --"
zsh_complete mailset test-send --save ""
has "(files)" "zsh: mailset test-send --save"
end; fi

finish
