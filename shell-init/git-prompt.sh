# awesh's drop-in for git's contrib/completion/git-prompt.sh: the same `__git_ps1` function,
# the same arguments and the same GIT_PS1_* variables and bash.* config keys, producing the
# same string, with one `awesh git-ps1` process per prompt instead of git's several `git`
# processes (and never running git). Written for awesh; it shares no code with git's script.
#
# Use it as you would use git's (for bash or zsh):
#
#     . /path/to/awesh/shell-init/git-prompt.sh
#     PS1='[\u@\h \W$(__git_ps1 " (%s)")]\$ '                # bash, command substitution
#     setopt PROMPT_SUBST; PS1='%n@%m %c$(__git_ps1 " (%s)")%# '   # zsh, command substitution
#     PROMPT_COMMAND='__git_ps1 "\u@\h:\w" "\\\$ "'           # bash, PS1 mode (sets PS1)
#     precmd () { __git_ps1 "%n" ":%~$ " "|%s" }              # zsh, PS1 mode
#
# `__git_ps1 [FORMAT]` prints the status through the printf FORMAT (default " (%s)");
# `__git_ps1 PRE POST [FORMAT]` sets PS1 to PRE, the formatted status, POST. In PS1 mode, when
# the shell expands PS1 (bash's promptvars, zsh's PROMPT_SUBST), the branch name is kept in
# $__git_ps1_branch_name (and the upstream's in $__git_ps1_upstream_name) and PS1 refers to
# it, so a branch called `$(rm -rf ~)` is shown, never run. $? is kept.
#
# The binary is $AWESH_BIN when set, else `awesh` from PATH.
#
# Where awesh cannot be sure of git's answer it says so instead of guessing: a marker followed
# by `?` means "unknown": `*?` (unstaged changes not decided, e.g. a same-size edit within
# the index's timestamp), `+?`, `%?`, `|CONFLICT?`, `<?>` or `|u?` (upstream counts not known),
# and `(1a2b3c4...?)` for a detached HEAD named in a GIT_PS1_DESCRIBE_STYLE awesh does not
# compute. What is not done natively (and so shows as unknown):
#   - GIT_PS1_DESCRIBE_STYLE=contains and branch (name-rev's walk); the default style (a tag
#     exactly at HEAD), tag and describe are computed as git describe does;
#   - the SVN upstream (GIT_PS1_SHOWUPSTREAM=svn, or an svn-remote.*.url configured) once
#     HEAD's first-parent history has a `git-svn-id:` line; without one awesh does what git's
#     script does (@{upstream}, or nothing for the `svn` option);
#   - the `legacy` upstream option in a shell that does not split words on newlines (zsh
#     without SH_WORD_SPLIT, an IFS without one), where git's own count comes out wrong.
# GIT_PS1_HIDE_IF_PWD_IGNORED reads the ignore files as git does; where one cannot be read (or
# the index is split) the prompt is shown.
# Config is read as git reads it (system file /etc/gitconfig or $GIT_CONFIG_SYSTEM, global,
# repository, worktree, includes), without running git.

# shellcheck shell=bash
# shellcheck disable=SC2059 # FORMAT is the caller's printf format, by __git_ps1's definition.

# Whether this shell's printf can assign to a variable (bash 3.1+, zsh 5.3+).
__awesh_ps1_printf_v=
printf -v __awesh_ps1_printf_v -- '%s' yes >/dev/null 2>&1

__git_ps1 ()
{
	local __awesh_ps1_rc=$?
	local __awesh_ps1_fmt=' (%s)' __awesh_ps1_pc='' __awesh_ps1_exp=--expanded
	local __awesh_ps1_ifs='' __awesh_ps1_zsh='' __awesh_ps1_out='' __awesh_ps1_s=''

	case $# in
	0 | 1)
		[ -z "${1-}" ] || __awesh_ps1_fmt=$1
		;;
	2 | 3)
		__awesh_ps1_pc=--pcmode
		[ -z "${3-}" ] || __awesh_ps1_fmt=$3
		# A plain prompt first: outside a repository it stays so.
		PS1=$1$2
		;;
	*)
		return "$__awesh_ps1_rc"
		;;
	esac

	# Does the shell expand parameters in PS1? Then names must stay out of it. Unknown shells
	# are taken to expand it (POSIX shells do), the safe answer.
	if [ -n "${ZSH_VERSION-}" ]; then
		__awesh_ps1_zsh=--zsh
		eval '[[ -o PROMPT_SUBST ]]' || __awesh_ps1_exp=
		# zsh splits unquoted words only with SH_WORD_SPLIT (GIT_PS1_SHOWUPSTREAM's options).
		if eval '[[ -o SH_WORD_SPLIT ]]'; then
			__awesh_ps1_ifs=--ifs=${IFS-$' \t\n'}
		fi
	else
		if [ -n "${BASH_VERSION-}" ] && ! shopt -q promptvars; then
			__awesh_ps1_exp=
		fi
		__awesh_ps1_ifs=--ifs=${IFS-$' \t\n'}
	fi

	# Each GIT_PS1_* variable goes over only when set, so unset and empty stay apart.
	__awesh_ps1_out=$(command "${AWESH_BIN:-awesh}" git-ps1 -- \
		${__awesh_ps1_zsh:+"$__awesh_ps1_zsh"} ${__awesh_ps1_pc:+"$__awesh_ps1_pc"} \
		${__awesh_ps1_pc:+${__awesh_ps1_exp:+"$__awesh_ps1_exp"}} \
		${__awesh_ps1_ifs:+"$__awesh_ps1_ifs"} \
		${GIT_PS1_SHOWDIRTYSTATE+"GIT_PS1_SHOWDIRTYSTATE=$GIT_PS1_SHOWDIRTYSTATE"} \
		${GIT_PS1_SHOWSTASHSTATE+"GIT_PS1_SHOWSTASHSTATE=$GIT_PS1_SHOWSTASHSTATE"} \
		${GIT_PS1_SHOWUNTRACKEDFILES+"GIT_PS1_SHOWUNTRACKEDFILES=$GIT_PS1_SHOWUNTRACKEDFILES"} \
		${GIT_PS1_SHOWUPSTREAM+"GIT_PS1_SHOWUPSTREAM=$GIT_PS1_SHOWUPSTREAM"} \
		${GIT_PS1_SHOWCONFLICTSTATE+"GIT_PS1_SHOWCONFLICTSTATE=$GIT_PS1_SHOWCONFLICTSTATE"} \
		${GIT_PS1_DESCRIBE_STYLE+"GIT_PS1_DESCRIBE_STYLE=$GIT_PS1_DESCRIBE_STYLE"} \
		${GIT_PS1_HIDE_IF_PWD_IGNORED+"GIT_PS1_HIDE_IF_PWD_IGNORED=$GIT_PS1_HIDE_IF_PWD_IGNORED"} \
		${GIT_PS1_STATESEPARATOR+"GIT_PS1_STATESEPARATOR=$GIT_PS1_STATESEPARATOR"} \
		${GIT_PS1_SHOWCOLORHINTS+"GIT_PS1_SHOWCOLORHINTS=$GIT_PS1_SHOWCOLORHINTS"} \
		${GIT_PS1_COMPRESSSPARSESTATE+"GIT_PS1_COMPRESSSPARSESTATE=$GIT_PS1_COMPRESSSPARSESTATE"} \
		${GIT_PS1_OMITSPARSESTATE+"GIT_PS1_OMITSPARSESTATE=$GIT_PS1_OMITSPARSESTATE"} \
		${GIT_PS1_COLOR_PRE+"GIT_PS1_COLOR_PRE=$GIT_PS1_COLOR_PRE"} \
		${GIT_PS1_COLOR_POST+"GIT_PS1_COLOR_POST=$GIT_PS1_COLOR_POST"})
	# Nothing printed: not in a repository, or nothing git would show.
	[ -n "$__awesh_ps1_out" ] || return "$__awesh_ps1_rc"
	# Only single-quoted assignments (awesh git-ps1 writes them): names are data here.
	eval "$__awesh_ps1_out"

	if [ -z "$__awesh_ps1_pc" ]; then
		printf -- "$__awesh_ps1_fmt" "$__awesh_ps1_s"
	elif [ "$__awesh_ps1_printf_v" = yes ]; then
		printf -v __awesh_ps1_s -- "$__awesh_ps1_fmt" "$__awesh_ps1_s"
		PS1=$1$__awesh_ps1_s$2
	else
		__awesh_ps1_s=$(printf -- "$__awesh_ps1_fmt" "$__awesh_ps1_s")
		PS1=$1$__awesh_ps1_s$2
	fi
	return "$__awesh_ps1_rc"
}
