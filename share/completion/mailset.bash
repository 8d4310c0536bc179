# bash completion for mailset(1)                        -*- shell-script -*-
# SPDX-License-Identifier: MIT
# Installed as $(datadir)/bash-completion/completions/mailset. The words
# come from the program itself (mailset --complete ...), so they follow
# its command table, its settings and the presets it has installed. The
# program is the one being completed (a path such as ./build/mailset
# works too), or $MAILSET_COMPLETE_PROGRAM.

_mailset()
{
	local ms=${MAILSET_COMPLETE_PROGRAM:-${COMP_WORDS[0]/#\~/$HOME}}
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' ended='' i w
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	# The command: the first word that is no option nor an option's value.
	# readline splits "--config=FILE" and "KEY=VALUE" at '=': a "=" word
	# and the one after it belong to the word before.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == = ]]; then
			((i++))
			continue
		fi
		if [[ -z $ended && $w == -* ]]; then
			case $w in
			--) ended=1 ;;
			-c | --config | --to | --host | --save | --selector | --server)
				[[ ${COMP_WORDS[i + 1]} == = ]] || ((i++)) ;;
			esac
			continue
		fi
		[[ -z $cmd ]] && cmd=$w
	done

	# A value after "OPTION=" (split off by readline, or not)
	local opt='' val=$cur
	if [[ $cur == = ]]; then
		opt=$prev val=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*} val=${cur#*=}
	fi
	[[ -z $opt && -z $ended ]] && opt=$prev && [[ $opt != -* ]] && opt=
	if [[ -n $opt ]]; then
		case $opt in
		-c | --config | --save)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$val")
			[[ $cur == --*=* ]] && COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
			return 0 ;;
		--to | --host | --selector | --server)
			return 0 ;; # a value of the user's
		esac
		[[ $cur == = || $prev == = ]] && return 0 # KEY=VALUE: the value is the user's
	fi

	local words
	if [[ -z $ended && $cur == -* ]]; then
		words=$("$ms" --complete options ${cmd:+"$cmd"} 2>/dev/null)
	elif [[ -z $cmd ]]; then
		words=$("$ms" --complete commands 2>/dev/null)
	else
		case $cmd in
		get) words=$("$ms" --complete keys 2>/dev/null) ;;
		set) words=$("$ms" --complete set-keys 2>/dev/null) ;;
		preset) words=$("$ms" --complete presets 2>/dev/null) ;;
		test-send | dns) words=$("$ms" --complete options "$cmd" 2>/dev/null) ;;
		*) return 0 ;;
		esac
	fi
	local IFS=$'\n'
	mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
	# "KEY=" and "--opt=": the value follows without a space
	if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2>/dev/null
	fi
	return 0
}
complete -F _mailset mailset
