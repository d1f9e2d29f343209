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
#
# With `awesh init bash --serve` (bash 4.4+), the hook asks an `awesh serve` process that lives as
# long as this shell instead, over two pipes, with builtins only: no process per prompt. See
# "Serve mode" below.

# Filled in by `awesh init`: the binary's absolute path, single-quoted so spaces and quotes in it
# stay inert, the prompt mode (add | var | replace), and serve mode (1, or empty for off).
__awesh_bin='@bin@'
__awesh_mode='@mode@'
__awesh_serve='@serve@'

# State, kept when the init is evaluated again (re-sourcing ~/.bashrc must not reset toggles or
# insert the segment twice). Empty means "on" / "not yet".
__awesh_off=${__awesh_off-}          # all of awesh off
__awesh_no_git=${__awesh_no_git-}    # git part off
__awesh_no_kube=${__awesh_no_kube-}  # kube part off
__awesh_warned=${__awesh_warned-}    # the one warning has been printed
__awesh_base=${__awesh_base-}        # PS1 as you (or your theme) last set it
__awesh_made=${__awesh_made-}        # PS1 as the hook last set it
__awesh_ps1_key=${__awesh_ps1_key-}  # what it was made from: toggle, shell options, segment
AWESH_SEGMENT=${AWESH_SEGMENT-}      # the segment, for you to place; empty outside repos
__awesh_serve_w=${__awesh_serve_w-}         # fd the requests go to (empty: no server)
__awesh_serve_r=${__awesh_serve_r-}         # fd the replies come from
__awesh_serve_pid=${__awesh_serve_pid-}     # the server's process id
__awesh_serve_id=${__awesh_serve_id-0}      # the last request's number
__awesh_serve_retry=${__awesh_serve_retry-0} # no new server before this $SECONDS
__awesh_serve_seg=${__awesh_serve_seg-}     # the last segment the server sent
__awesh_serve_reply=${__awesh_serve_reply-} # the last reply read
__awesh_serve_wait=${__awesh_serve_wait-}   # seconds to wait for a reply...
__awesh_serve_wait_for=${__awesh_serve_wait_for-} # ...worked out for this AWESH_TIMEOUT_MS
# Serve mode needs `${var@a}` (4.4) and fractional `read -t`; older bash keeps `awesh prompt`.
if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
    __awesh_serve=
fi

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
    local __awesh_status=$?
    AWESH_SEGMENT=
    if [[ -n $__awesh_off || (-n $__awesh_no_git && -n $__awesh_no_kube) ]]; then
        : # nothing to show: start no process at all
    elif [[ -n $__awesh_serve ]] && __awesh_serve_ask; then
        : # answered by `awesh serve`: no process started
    elif [[ ! -x $__awesh_bin ]]; then
        # Uninstalled after init: a stat per prompt, no "command not found" per prompt.
        __awesh_warn "$__awesh_bin is missing"
    else
        local __awesh_out __awesh_rc
        local -a __awesh_args=(prompt --shell bash)
        if [[ -n $__awesh_no_git ]]; then __awesh_args+=(--no-git); fi
        if [[ -n $__awesh_no_kube ]]; then __awesh_args+=(--no-kube); fi
        # `exec`: with a redirection bash would otherwise fork twice (a subshell, then awesh).
        if __awesh_out=$(exec "$__awesh_bin" "${__awesh_args[@]}" 2>/dev/null); then
            AWESH_SEGMENT=$__awesh_out
        else
            __awesh_rc=$?
            __awesh_warn "\`awesh prompt\` failed (exit $__awesh_rc)"
        fi
    fi
    # (The first test is __awesh_ps1's own shortcut, saving a call on most prompts.)
    if [[ $__awesh_mode != var && (${PS1-} != "$__awesh_made" || $__awesh_ps1_key != "$__awesh_off:$BASHOPTS:$AWESH_SEGMENT") ]]; then
        __awesh_ps1
    fi
    return "$__awesh_status"
}

# ---- Serve mode ----
# One `awesh serve` per shell, on two FIFOs made in a private temp folder, opened here on fds
# and deleted at once (as gitstatusd does): no file is left, and bash's single `coproc` stays
# yours. The request end is opened read-write, so a dead server can never SIGPIPE the shell.
# The server exits when this shell closes its fds (exit) or, failing that, when this shell is
# gone. On a timeout, end of file or a wrong reply, that prompt falls back to `awesh prompt`
# and a new server is started; one that fails before its first answer is not replaced for 5 s.

# Starts the server; false when it cannot (or may not yet) be started.
__awesh_serve_start() {
    local __awesh_dir __awesh_last
    __awesh_serve_stop
    # Should this server fail before its first answer, the next start waits 5 s.
    __awesh_serve_retry=$((SECONDS + 5))
    __awesh_dir=$(command mktemp -d "${TMPDIR:-/tmp}/awesh-serve.XXXXXXXXXX" 2>/dev/null) || return 1
    if ! command mkfifo -m 600 "$__awesh_dir/req" "$__awesh_dir/rep" 2>/dev/null; then
        command rm -rf -- "$__awesh_dir"
        return 1
    fi
    # The server blocks opening its ends until this shell opens the others, just below. Braces
    # with 2>/dev/null: no `[1] PID` line; disown: no `Done` line, not counted in `\j`.
    __awesh_last=${!-}
    { "$__awesh_bin" serve <"$__awesh_dir/req" >"$__awesh_dir/rep" 2>/dev/null & } 2>/dev/null
    if [[ ${!-} == "$__awesh_last" ]]; then
        # No process was started (out of processes): opening the FIFOs would wait forever.
        command rm -rf -- "$__awesh_dir"
        return 1
    fi
    __awesh_serve_pid=$!
    disown "$__awesh_serve_pid" 2>/dev/null || :
    { exec {__awesh_serve_w}<>"$__awesh_dir/req" {__awesh_serve_r}<"$__awesh_dir/rep"; } 2>/dev/null || :
    command rm -rf -- "$__awesh_dir"
    if [[ -z $__awesh_serve_w || -z $__awesh_serve_r ]]; then
        __awesh_serve_stop kill
        return 1
    fi
}

# Closes this shell's ends (the server then exits). With an argument, also kills the server if
# it still runs (it stopped answering); its command line is checked first, so a process that
# took its number after it exited is never touched.
__awesh_serve_stop() {
    local __awesh_arg0=
    if [[ -n $__awesh_serve_w ]]; then { exec {__awesh_serve_w}>&-; } 2>/dev/null || :; fi
    if [[ -n $__awesh_serve_r ]]; then { exec {__awesh_serve_r}<&-; } 2>/dev/null || :; fi
    if [[ -n ${1-} && -n $__awesh_serve_pid ]]; then
        { IFS= read -r -d "" __awesh_arg0 </proc/"$__awesh_serve_pid"/cmdline; } 2>/dev/null || :
        if [[ $__awesh_arg0 == "$__awesh_bin" ]]; then
            builtin kill -KILL "$__awesh_serve_pid" 2>/dev/null || :
        fi
    fi
    __awesh_serve_w='' __awesh_serve_r='' __awesh_serve_pid=''
}

# Asks the server for the segment; true and $AWESH_SEGMENT set when it answered in time.
# Kept cheap, for this runs every prompt: one `printf` sends the working directory (by pid and
# $PWD), the toggles, and each variable awesh honours with its attributes (`${V@a}`; the server
# keeps only the exported ones, which are all `awesh prompt` would see; `${V+...}` keeps it
# safe under `set -u`). With `short=1` an unchanged segment comes back as `ID=` alone: bash
# reads a pipe one byte at a time.
__awesh_serve_ask() {
    if [[ -z $__awesh_serve_r ]]; then
        if ((SECONDS < __awesh_serve_retry)) || ! __awesh_serve_start; then return 1; fi
    fi
    __awesh_serve_id=$((__awesh_serve_id % 99 + 1)) __awesh_serve_reply=''
    # (`.` marks a value worked out, so an unset AWESH_TIMEOUT_MS differs from "not yet".)
    if [[ ${AWESH_TIMEOUT_MS-}. != "$__awesh_serve_wait_for" ]]; then __awesh_serve_wait_set; fi
    if printf '%s\0' "id=$__awesh_serve_id" "pid=$$" "cwd=$PWD" shell=bash short=1 \
        "no-git=$__awesh_no_git" "no-kube=$__awesh_no_kube" \
        "${HOME+${HOME@a}}/HOME=${HOME-}" \
        "${KUBECONFIG+${KUBECONFIG@a}}/KUBECONFIG=${KUBECONFIG-}" \
        "${GIT_DIR+${GIT_DIR@a}}/GIT_DIR=${GIT_DIR-}" \
        "${GIT_WORK_TREE+${GIT_WORK_TREE@a}}/GIT_WORK_TREE=${GIT_WORK_TREE-}" \
        "${GIT_CEILING_DIRECTORIES+${GIT_CEILING_DIRECTORIES@a}}/GIT_CEILING_DIRECTORIES=${GIT_CEILING_DIRECTORIES-}" \
        "${GIT_DISCOVERY_ACROSS_FILESYSTEM+${GIT_DISCOVERY_ACROSS_FILESYSTEM@a}}/GIT_DISCOVERY_ACROSS_FILESYSTEM=${GIT_DISCOVERY_ACROSS_FILESYSTEM-}" \
        "${AWESH_TIMEOUT_MS+${AWESH_TIMEOUT_MS@a}}/AWESH_TIMEOUT_MS=${AWESH_TIMEOUT_MS-}" \
        "${AWESH_CACHE_DIR+${AWESH_CACHE_DIR@a}}/AWESH_CACHE_DIR=${AWESH_CACHE_DIR-}" \
        "${AWESH_CONFIG+${AWESH_CONFIG@a}}/AWESH_CONFIG=${AWESH_CONFIG-}" \
        "${XDG_CACHE_HOME+${XDG_CACHE_HOME@a}}/XDG_CACHE_HOME=${XDG_CACHE_HOME-}" \
        "${XDG_CONFIG_HOME+${XDG_CONFIG_HOME@a}}/XDG_CONFIG_HOME=${XDG_CONFIG_HOME-}" \
        '' 1>&"$__awesh_serve_w"; then
        IFS= read -r -d $'\x1e' -t "$__awesh_serve_wait" -u "$__awesh_serve_r" __awesh_serve_reply || :
    fi
    case $__awesh_serve_reply in
        "$__awesh_serve_id=") ;; # unchanged
        "$__awesh_serve_id:"*) __awesh_serve_seg=${__awesh_serve_reply#*:} ;;
        *)
            # No answer in time, end of file, or a wrong one: start afresh (unless the last
            # server failed before answering, less than 5 s ago); this prompt falls back.
            __awesh_serve_stop kill
            if ((SECONDS >= __awesh_serve_retry)); then __awesh_serve_start || :; fi
            return 1
            ;;
    esac
    AWESH_SEGMENT=$__awesh_serve_seg
    __awesh_serve_retry=0 # it works: should it fail later, restart at once
}

# How long to wait for a reply: the server's own deadline (AWESH_TIMEOUT_MS, else 200 ms)
# plus 300 ms, in the seconds `read -t` takes; worked out again only when the variable changes.
__awesh_serve_wait_set() {
    local __awesh_ms=500
    __awesh_serve_wait_for=${AWESH_TIMEOUT_MS-}.
    if [[ ${AWESH_TIMEOUT_MS-} =~ ^[0-9]{1,6}$ ]]; then
        __awesh_ms=$((10#$AWESH_TIMEOUT_MS + 300))
    fi
    printf -v __awesh_serve_wait '%d.%03d' $((__awesh_ms / 1000)) $((__awesh_ms % 1000))
}

# Keeps `${AWESH_SEGMENT}` in PS1. When PS1 is not what the hook last made, you or a theme set
# it: that becomes the new base, so later changes to PS1 are kept, not overwritten.
# shellcheck disable=SC2016 # '${AWESH_SEGMENT}' is meant literally: PS1 expands it later.
__awesh_ps1() {
    # Nothing to do when PS1 is still what we made, from the same segment and options.
    if [[ ${PS1-} == "$__awesh_made" && $__awesh_ps1_key == "$__awesh_off:$BASHOPTS:$AWESH_SEGMENT" ]]; then
        return 0
    fi
    __awesh_ps1_key=$__awesh_off:$BASHOPTS:$AWESH_SEGMENT
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
    # Evaluated again without --serve: the server of the earlier init is no longer wanted.
    if [[ -z $__awesh_serve && -n $__awesh_serve_w ]]; then __awesh_serve_stop; fi
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
