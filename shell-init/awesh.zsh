# awesh for zsh: put `eval "$(awesh init zsh)"` in ~/.zshrc. `awesh init zsh` prints this file
# with the two values below filled in; everything else is plain zsh, safe under any user options
# (the functions run under `emulate -L zsh`).
#
# Once per prompt a precmd hook runs `awesh prompt` (the one process a prompt costs) and keeps
# the result in $AWESH_SEGMENT. By default it also puts the segment into your PROMPT right
# before its final `%# ` (or at its end): as text when PROMPT_SUBST is off (zsh's default), as
# `${AWESH_SEGMENT}` when it is on. With PROMPT_SUBST on you can place `${AWESH_SEGMENT}` in
# PROMPT or RPROMPT yourself; awesh then leaves them alone. `awesh prompt --shell zsh` doubles
# `%` and wraps colours in `%{ %}`; zsh does not run `$(...)` found in a parameter's value, so
# a branch called `$(touch${IFS}pwned)` is shown, never run.
#
# Toggles for this shell only: `awesh_off` / `awesh_on` (everything), `awesh_off kube`,
# `awesh_off git`, `awesh_on kube`, `awesh_on git`.

# Filled in by `awesh init`: the binary's absolute path, single-quoted so spaces and quotes in it
# stay inert, and the prompt mode (add | var | replace).
typeset -g __awesh_bin='@bin@'
typeset -g __awesh_mode='@mode@'

# State, kept when the init is evaluated again (re-sourcing ~/.zshrc must not reset toggles or
# insert the segment twice). Empty means "on" / "not yet".
typeset -g __awesh_off=${__awesh_off-}          # all of awesh off
typeset -g __awesh_no_git=${__awesh_no_git-}    # git part off
typeset -g __awesh_no_kube=${__awesh_no_kube-}  # kube part off
typeset -g __awesh_warned=${__awesh_warned-}    # the one warning has been printed
typeset -g __awesh_base=${__awesh_base-}        # PROMPT as you (or your theme) last set it
typeset -g __awesh_made=${__awesh_made-}        # PROMPT as the hook last set it
typeset -g AWESH_SEGMENT=${AWESH_SEGMENT-}      # the segment, for you to place

# Prints one short warning per shell (until `awesh_on`), never one per prompt.
__awesh_warn() {
    if [[ -z $__awesh_warned ]]; then
        __awesh_warned=1
        print -ru2 -- "awesh: $1; prompt segment left out (\`awesh_on\` retries)"
    fi
}

# The precmd hook. zsh restores $? and $pipestatus after precmd hooks itself.
__awesh_precmd() {
    # The user's options decide how PROMPT is read, so look at them before `emulate`.
    local subst=0 bang=0
    [[ -o prompt_subst ]] && subst=1
    [[ -o prompt_bang ]] && bang=1
    emulate -L zsh
    local out rc
    local -a args=(prompt --shell zsh)
    [[ -n $__awesh_no_git ]] && args+=(--no-git)
    [[ -n $__awesh_no_kube ]] && args+=(--no-kube)
    AWESH_SEGMENT=
    if [[ -n $__awesh_off || ( -n $__awesh_no_git && -n $__awesh_no_kube ) ]]; then
        : # nothing to show: start no process at all
    elif [[ ! -x $__awesh_bin ]]; then
        # Uninstalled after init: a stat per prompt, no "command not found" per prompt.
        __awesh_warn "$__awesh_bin is missing"
    elif out=$("$__awesh_bin" "${args[@]}" 2>/dev/null); then
        # With PROMPT_BANG a `!` in PROMPT (or in what it expands to) is the history number.
        (( bang )) && out=${out//'!'/'!!'}
        AWESH_SEGMENT=$out
    else
        rc=$?
        __awesh_warn "\`awesh prompt\` failed (exit $rc)"
    fi
    [[ $__awesh_mode == var ]] || __awesh_prompt $subst
}

# Keeps the segment in PROMPT. When PROMPT is not what the hook last made, you or a theme set
# it: that becomes the new base, so later changes to PROMPT are kept, not overwritten.
__awesh_prompt() {
    emulate -L zsh
    local piece tail
    if [[ $PROMPT != "$__awesh_made" ]]; then
        __awesh_base=$PROMPT
        # Text we put in sits between two empty `%{%}` (zero width; never in the segment, whose
        # `%` are doubled). A copy of an old prompt (a virtualenv's `PROMPT="(venv) $PROMPT"`,
        # and its `deactivate`) brings old text along: take it out.
        if [[ $__awesh_base == *'%{%}'*'%{%}'* ]]; then
            __awesh_base=${__awesh_base%%'%{%}'*}${${__awesh_base#*'%{%}'}#*'%{%}'}
        fi
    fi
    if [[ -n $__awesh_off ]]; then
        piece=
    elif (( $1 )); then
        if [[ $__awesh_base$RPROMPT == *('${AWESH_SEGMENT}'|'$AWESH_SEGMENT')* ]]; then
            piece= # placed by you
        else
            piece='${AWESH_SEGMENT}'
        fi
    else
        # Without PROMPT_SUBST only `%` escapes are read, and the segment has those doubled.
        piece="%{%}$AWESH_SEGMENT%{%}"
    fi
    __awesh_made=$__awesh_base$piece
    for tail in '%(!.#.$) ' '%# ' '%#' '%% ' '❯ ' '$ ' '# ' '> '; do
        if [[ $__awesh_base == *"$tail" ]]; then
            __awesh_made=${__awesh_base%"$tail"}$piece$tail
            break
        fi
    done
    PROMPT=$__awesh_made
}

# `awesh_off` turns all of awesh off in this shell (the prompt is yours again, and no process
# runs); `awesh_off git` / `awesh_off kube` leave out one part.
awesh_off() {
    case ${1-} in
        '') __awesh_off=1 ;;
        git) __awesh_no_git=1 ;;
        kube) __awesh_no_kube=1 ;;
        *)
            print -ru2 -- "awesh_off: unknown part $1 (git, kube, or nothing for all)"
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
            print -ru2 -- "awesh_on: unknown part $1 (git, kube, or nothing for all)"
            return 2
            ;;
    esac
    __awesh_off='' __awesh_warned=''
}

[[ $__awesh_mode == replace ]] && PROMPT='%~%# '
# add-zsh-hook appends after the hooks already there and never adds the same function twice.
autoload -Uz add-zsh-hook
add-zsh-hook precmd __awesh_precmd
