# awesh for bash: put `eval "$(awesh init bash)"` in ~/.bashrc. `awesh init bash` prints this
# file with the two values below filled in; everything else is plain bash, written for bash 3.2
# (macOS) and later (tested on 5.x) and safe under `set -eu`.
#
# Once per prompt the hook runs `awesh prompt` (the one process a prompt costs), keeps the
# result in $AWESH_SEGMENT and, by default, inserts `${AWESH_SEGMENT}` into your PS1 right
# before its final `\$ ` (or at its end). Put `${AWESH_SEGMENT}` in PS1 yourself to choose the
# place; awesh then leaves PS1 alone. Text that PS1 gets from a variable is not expanded again,
# so a branch called `$(touch${IFS}pwned)` is shown, never run; `awesh prompt --shell bash`
# already shows control bytes as `^[` and wraps colours in \001/\002 for readline.
#
# Toggles for this shell only: `awesh_off` / `awesh_on` (everything), `awesh_off kube`,
# `awesh_off git`, `awesh_on kube`, `awesh_on git`.

# Filled in by `awesh init`: the binary's absolute path, single-quoted so spaces and quotes in it
# stay inert, and the prompt mode (add | var | replace).
__awesh_bin='@bin@'
__awesh_mode='@mode@'

# State, kept when the init is evaluated again (re-sourcing ~/.bashrc must not reset toggles or
# insert the segment twice). Empty means "on" / "not yet".
__awesh_off=${__awesh_off-}          # all of awesh off
__awesh_no_git=${__awesh_no_git-}    # git part off
__awesh_no_kube=${__awesh_no_kube-}  # kube part off
__awesh_warned=${__awesh_warned-}    # the one warning has been printed
__awesh_base=${__awesh_base-}        # PS1 as you (or your theme) last set it
__awesh_made=${__awesh_made-}        # PS1 as the hook last set it
AWESH_SEGMENT=${AWESH_SEGMENT-}      # the segment, for you to place; empty outside repos

# Prints one short warning per shell (until `awesh_on`), never one per prompt.
__awesh_warn() {
    if [[ -z $__awesh_warned ]]; then
        __awesh_warned=1
        printf "awesh: %s; prompt segment left out (\`awesh_on\` retries)\n" "$1" >&2
    fi
}

# The PROMPT_COMMAND hook. bash itself restores $?, PIPESTATUS and $_ after PROMPT_COMMAND;
# returning the status we found keeps it right for any hook placed after this one in the same
# string, and for bash-preexec's precmd_functions.
__awesh_hook() {
    local __awesh_status=$? __awesh_out __awesh_rc
    local -a __awesh_args=(prompt --shell bash)
    if [[ -n $__awesh_no_git ]]; then __awesh_args+=(--no-git); fi
    if [[ -n $__awesh_no_kube ]]; then __awesh_args+=(--no-kube); fi
    AWESH_SEGMENT=
    if [[ -n $__awesh_off || (-n $__awesh_no_git && -n $__awesh_no_kube) ]]; then
        : # nothing to show: start no process at all
    elif [[ ! -x $__awesh_bin ]]; then
        # Uninstalled after init: a stat per prompt, no "command not found" per prompt.
        __awesh_warn "$__awesh_bin is missing"
    # `exec`: with a redirection bash would otherwise fork twice (a subshell, then awesh).
    elif __awesh_out=$(exec "$__awesh_bin" "${__awesh_args[@]}" 2>/dev/null); then
        AWESH_SEGMENT=$__awesh_out
    else
        __awesh_rc=$?
        __awesh_warn "\`awesh prompt\` failed (exit $__awesh_rc)"
    fi
    if [[ $__awesh_mode != var ]]; then __awesh_ps1; fi
    return "$__awesh_status"
}

# Keeps `${AWESH_SEGMENT}` in PS1. When PS1 is not what the hook last made, you or a theme set
# it: that becomes the new base, so later changes to PS1 are kept, not overwritten.
# shellcheck disable=SC2016 # '${AWESH_SEGMENT}' is meant literally: PS1 expands it later.
__awesh_ps1() {
    local __awesh_piece='${AWESH_SEGMENT}' __awesh_tail __awesh_rest
    if [[ ${PS1-} != "$__awesh_made" ]]; then
        __awesh_base=${PS1-}
        # Text we put in (without promptvars) sits between two empty `\[\]` (zero width; never
        # in the segment, whose control bytes are made visible). A copy of an old prompt (a
        # virtualenv's `PS1="(venv) $PS1"`, and its `deactivate`) brings old text: take it out.
        if [[ $__awesh_base == *'\[\]'*'\[\]'* ]]; then
            __awesh_rest=${__awesh_base#*'\[\]'}
            __awesh_base=${__awesh_base%%'\[\]'*}${__awesh_rest#*'\[\]'}
        fi
    fi
    if [[ -n $__awesh_off ]]; then
        __awesh_piece=
    elif [[ $__awesh_base == *'${AWESH_SEGMENT}'* || $__awesh_base == *'$AWESH_SEGMENT'* ]]; then
        __awesh_piece= # placed by you
    elif ! shopt -q promptvars; then
        # Without promptvars PS1 is only backslash-decoded: put the text itself in, `\` doubled.
        __awesh_piece='\[\]'${AWESH_SEGMENT//\\/\\\\}'\[\]'
    fi
    __awesh_made=$__awesh_base$__awesh_piece
    for __awesh_tail in '\$ ' '\$' '$ ' '# ' '> '; do
        if [[ $__awesh_base == *"$__awesh_tail" ]]; then
            __awesh_made=${__awesh_base%"$__awesh_tail"}$__awesh_piece$__awesh_tail
            break
        fi
    done
    PS1=$__awesh_made
}

# `awesh_off` turns all of awesh off in this shell (the prompt is yours again, and no process
# runs); `awesh_off git` / `awesh_off kube` leave out one part.
awesh_off() {
    case ${1-} in
        '') __awesh_off=1 ;;
        git) __awesh_no_git=1 ;;
        kube) __awesh_no_kube=1 ;;
        *)
            printf 'awesh_off: unknown part %s (git, kube, or nothing for all)\n' "$1" >&2
            return 2
            ;;
    esac
}

# `awesh_on` turns everything back on (and allows the warning again); `awesh_on git` /
# `awesh_on kube` bring back one part.
awesh_on() {
    case ${1-} in
        '') __awesh_no_git='' __awesh_no_kube='' ;;
        git) __awesh_no_git= ;;
        kube) __awesh_no_kube= ;;
        *)
            printf 'awesh_on: unknown part %s (git, kube, or nothing for all)\n' "$1" >&2
            return 2
            ;;
    esac
    __awesh_off='' __awesh_warned=''
}

# Installs the hook once, after every hook already there, so they keep their order and see $?.
__awesh_install() {
    local __awesh_cmd
    if [[ $__awesh_mode == replace ]]; then PS1='\w\$ '; fi
    # bash-preexec owns PROMPT_COMMAND and must stay its last entry: use its hook list.
    if [[ -n ${bash_preexec_imported-}${__bp_imported-} ]]; then
        for __awesh_cmd in ${precmd_functions[@]+"${precmd_functions[@]}"}; do
            if [[ $__awesh_cmd == __awesh_hook ]]; then return 0; fi
        done
        precmd_functions+=(__awesh_hook)
        return 0
    fi
    for __awesh_cmd in ${PROMPT_COMMAND[@]+"${PROMPT_COMMAND[@]}"}; do
        if [[ $__awesh_cmd == *__awesh_hook* ]]; then return 0; fi
    done
    if [[ -n ${PROMPT_COMMAND[*]+set} ]] && ((${#PROMPT_COMMAND[@]} > 1)); then
        # The array form (bash 5.1+): one more element.
        PROMPT_COMMAND+=(__awesh_hook)
    else
        # A string (or one-element array): a new line, so a trailing comment or `;` in the
        # existing command cannot swallow or break ours. Element 0 is the string in both forms.
        # shellcheck disable=SC2128,SC2178
        PROMPT_COMMAND="${PROMPT_COMMAND:+$PROMPT_COMMAND$'\n'}__awesh_hook"
    fi
}
__awesh_install
