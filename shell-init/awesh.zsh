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
# Toggles for this shell only: `awesh_off` / `awesh_on` (everything), `awesh_off PART` /
# `awesh_on PART` for one part (`awesh_off git`, `awesh_on kube`; the parts are listed below).
#
# By default (`awesh init zsh --no-serve` to opt out), the hook asks an `awesh serve` process
# that lives as long as this shell instead, over two pipes, with builtins only: no process per
# prompt. See "Serve mode" below.

# Filled in by `awesh init`: the binary's absolute path, single-quoted so spaces and quotes in it
# stay inert, the prompt mode (add | var | replace), serve mode (1, or empty for off), and the
# names of the parts that can be turned off, from awesh's one list of them.
typeset -g __awesh_bin='@bin@'
typeset -g __awesh_mode='@mode@'
typeset -g __awesh_serve='@serve@'
typeset -g __awesh_parts='@parts@'
# The parts that stand alone (status is a detail of git).
typeset -g __awesh_roots='@roots@'
typeset -g __awesh_version='@version@' # the server protocol this script speaks

# State, kept when the init is evaluated again (re-sourcing ~/.zshrc must not reset toggles or
# insert the segment twice). Empty means "on" / "not yet".
typeset -g __awesh_off=${__awesh_off-}          # all of awesh off
typeset -g __awesh_offs=${__awesh_offs-}        # the parts turned off, comma-separated
typeset -g __awesh_none=${__awesh_none-}        # every part is off
typeset -g __awesh_warned=${__awesh_warned-}    # the one warning has been printed
typeset -g __awesh_base=${__awesh_base-}        # PROMPT as you (or your theme) last set it
typeset -g __awesh_made=${__awesh_made-}        # PROMPT as the hook last set it
typeset -g __awesh_prompt_key=${__awesh_prompt_key-} # what it was made from: toggle, options, segment
typeset -g AWESH_SEGMENT=${AWESH_SEGMENT-}      # the segment, for you to place
typeset -gx AWESH_SEGMENT_TEXT=${AWESH_SEGMENT_TEXT-} # the same as plain text, exported
typeset -g __awesh_text_of=${__awesh_text_of-}  # the segment AWESH_SEGMENT_TEXT was made from
typeset -g __awesh_placed=${__awesh_placed-}    # you placed ${AWESH_SEGMENT} yourself
typeset -gi __awesh_base_at=${__awesh_base_at-0} # where in __awesh_base the segment goes...
typeset -gi __awesh_base_sp=${__awesh_base_sp-0} # ...and whether a space follows it
typeset -gi __awesh_sched=0                       # zsh/sched is there: insert after all hooks
typeset -gi __awesh_status=0                      # the last command's status, for `sched`
typeset -g __awesh_serve_w=${__awesh_serve_w-}          # fd the requests go to (empty: none)
typeset -g __awesh_serve_r=${__awesh_serve_r-}          # fd the replies come from
typeset -g __awesh_serve_pid=${__awesh_serve_pid-}      # the server's process id
typeset -g __awesh_serve_ver=${__awesh_serve_ver-}      # the version of the script that started it
typeset -gi __awesh_serve_id=${__awesh_serve_id-0}      # the last request's number
typeset -gi __awesh_serve_retry=${__awesh_serve_retry-0} # no new server before this $SECONDS
typeset -g __awesh_serve_seg=${__awesh_serve_seg-}      # the last segment the server sent
typeset -g __awesh_serve_wait=${__awesh_serve_wait-}    # seconds to wait for a reply...
typeset -g __awesh_serve_wait_for=${__awesh_serve_wait_for-} # ...worked out for this AWESH_TIMEOUT_MS
typeset -g __awesh_serve_sync=${__awesh_serve_sync-}    # seconds to wait before a stale prompt...
typeset -g __awesh_serve_sync_for=${__awesh_serve_sync_for-} # ...worked out for this AWESH_SYNC_MS
typeset -gi __awesh_serve_pending=${__awesh_serve_pending-0} # requests whose reply is not read yet
typeset -gF __awesh_serve_since=${__awesh_serve_since-0} # when the oldest of them began (EPOCHREALTIME)
typeset -g __awesh_serve_buf=${__awesh_serve_buf-}      # bytes read past the last whole reply
typeset -g __awesh_serve_fresh=${__awesh_serve_fresh-}  # the last reply read was the latest request's
typeset -g __awesh_serve_watch=${__awesh_serve_watch-}  # the fd the `zle -F` handler is on
typeset -gi __awesh_async=0                              # zsh/system and zsh/datetime are there

# Prints one short warning per shell (until `awesh_on`), never one per prompt.
__awesh_warn() {
    if [[ -z $__awesh_warned ]]; then
        __awesh_warned=1
        print -ru2 -- "awesh: $1; prompt segment left out (\`awesh_on\` retries)"
    fi
}

# The compute hook, first in precmd_functions, so a theme's hook that reads $AWESH_SEGMENT (or
# the exported $AWESH_SEGMENT_TEXT, for starship and others that run a process) sees this
# prompt's value. zsh restores $? and $pipestatus after precmd hooks itself.
__awesh_precmd() {
    # The user's options decide how PROMPT is read, so look at them before `emulate`.
    __awesh_status=$?
    local subst=0 bang=0
    [[ -o prompt_subst ]] && subst=1
    [[ -o prompt_bang ]] && bang=1
    emulate -L zsh
    AWESH_SEGMENT=
    if [[ -n $__awesh_off || -n $__awesh_none ]]; then
        : # nothing to show: start no process at all
    elif [[ -n $__awesh_serve ]] && __awesh_serve_ask; then
        : # answered by `awesh serve` (or marked stale, see "Serve mode"): no process started
    else
        __awesh_run
    fi
    # With PROMPT_BANG a `!` in PROMPT (or in what it expands to) is the history number.
    (( bang )) && AWESH_SEGMENT=${AWESH_SEGMENT//'!'/'!!'}
    __awesh_text
    # Put the hooks back in order should another tool have gone in front or behind (for the
    # next prompt: zsh runs a copy of the list). A theme that puts itself last every prompt
    # (powerlevel10k) wins that: then insert from `sched`, which zsh runs after every precmd
    # hook, just before it draws the prompt (at a price: `sched` leaves $pipestatus holding
    # only the last status; the theme's own segment for awesh avoids both).
    if [[ $precmd_functions[1] == __awesh_precmd && $precmd_functions[-1] == __awesh_insert ]]; then
        : # in order: the common case, at no call's cost
    elif [[ $#precmd_functions == 1 && $precmd_functions[1] == __awesh_precmd ]] ||
        { [[ $precmd_functions[-1] == __awesh_precmd ]] && __awesh_first }; then
        # No other hook (but direnv's kind) after this one: the insert step is this hook's end,
        # saving a call per prompt (the test is __awesh_prompt's own shortcut). A hook added
        # later brings the insert hook back.
        [[ $__awesh_mode == var || ( ${PROMPT-} == "$__awesh_made" &&
            $__awesh_prompt_key == "$__awesh_off:$subst:$AWESH_SEGMENT:${RPROMPT-}" ) ]] ||
            __awesh_prompt $subst
    elif [[ $precmd_functions[-1] != __awesh_insert ]] || ! __awesh_first; then
        __awesh_install
        if [[ $__awesh_mode != var ]] && (( __awesh_sched )) && ! __awesh_native; then
            sched +0 __awesh_insert
        else
            __awesh_insert
        fi
    fi
}

# Sets $AWESH_SEGMENT from one `awesh prompt` process: without a server, or when it failed.
__awesh_run() {
    emulate -L zsh
    local out rc
    if [[ ! -x $__awesh_bin ]]; then
        # Uninstalled after init: a stat per prompt, no "command not found" per prompt.
        __awesh_warn "$__awesh_bin is missing"
        return
    fi
    local -a args=(prompt --shell zsh)
    [[ -n $__awesh_offs ]] && args+=(--off $__awesh_offs)
    if out=$("$__awesh_bin" "${args[@]}" 2>/dev/null); then
        AWESH_SEGMENT=$out
    else
        rc=$?
        __awesh_warn "\`awesh prompt\` failed (exit $rc)"
    fi
}

# The segment as text, for tools that run a process and escape it themselves (starship's
# `env_var` module): `%%` and `%{ %}` read.
# (Assigned only when the segment changed: an exported variable costs an environment update.)
__awesh_text() {
    if [[ $AWESH_SEGMENT != "$__awesh_text_of" ]]; then
        __awesh_text_of=$AWESH_SEGMENT
        AWESH_SEGMENT_TEXT=$AWESH_SEGMENT
        [[ $AWESH_SEGMENT == *%* ]] && AWESH_SEGMENT_TEXT=${(%)AWESH_SEGMENT}
    fi
}

# True when the theme shows the segment itself: awesh is one of powerlevel10k's (or 9k's)
# prompt elements, or a section of spaceship's.
__awesh_native() {
    (( ${#${(@M)POWERLEVEL9K_LEFT_PROMPT_ELEMENTS:#awesh}} + ${#${(@M)POWERLEVEL9K_RIGHT_PROMPT_ELEMENTS:#awesh}} +
        ${#${(@M)SPACESHIP_PROMPT_ORDER:#awesh}} + ${#${(@M)SPACESHIP_RPROMPT_ORDER:#awesh}} ))
}

# The insert hook, last in precmd_functions: keeps the segment in PROMPT. Also run from `sched`
# (above), and by the `zle` wrapper below when a theme redraws its prompt asynchronously. It
# returns the status the last command left, which from `sched` is what the prompt's `%?` sees.
__awesh_insert() {
    local subst=0
    [[ -o prompt_subst ]] && subst=1
    # (__awesh_prompt's own shortcut, saving a call on most prompts.)
    [[ $__awesh_mode == var || ( ${PROMPT-} == "$__awesh_made" &&
        $__awesh_prompt_key == "$__awesh_off:$subst:$AWESH_SEGMENT:${RPROMPT-}" ) ]] ||
        __awesh_prompt $subst
    return $__awesh_status
}

# ---- Serve mode ----
# One `awesh serve` per shell, on two FIFOs made in a private temp folder, opened here on fds
# and deleted at once (as gitstatusd does): no file is left, and zsh's single `coproc` stays
# yours. The request end is opened read-write, so a dead server can never SIGPIPE the shell.
# The server exits when this shell closes its fds (exit) or, failing that, when this shell is
# gone. On end of file, a wrong reply, or no reply within the full wait (the server's deadline
# plus 300 ms), that prompt falls back to `awesh prompt` and a new server is started; one that
# fails before its first answer is not replaced for 5 s.
#
# Asynchronous redraw (issue 17): the hook waits for the reply at most AWESH_SYNC_MS (default
# 10 ms, never longer than the full wait). When it has not come by then, the prompt is drawn
# with the last segment the server sent, marked stale: followed by a dim `…` (the marker is
# $__awesh_stale, below; an empty last segment shows the marker alone). A stale segment is never
# shown without it, a fresh one never with it. A `zle -F` handler on the reply descriptor then
# reads the reply as soon as it comes and, if it is the latest request's, puts the fresh segment
# in and redraws (`zle reset-prompt`); the handler is removed when no reply is owed. A reply
# that comes while a command runs is read by the next prompt. Every reply carries its request's
# number: a late one for an older request is read and set aside (the server answers in order),
# never taken for a broken server. No process is started for any of this.

# Starts the server; false when it cannot (or may not yet) be started.
__awesh_serve_start() {
    emulate -L zsh
    local line='' fifo
    __awesh_serve_stop
    # Should this server fail before its first answer, the next start waits 5 s.
    __awesh_serve_retry=$(( SECONDS + 5 ))
    # One process in all: the server makes its request FIFO (in a folder only you can enter)
    # and names it, with its pid, on its first line; replies come back through the pipe of the
    # process substitution. No mktemp, no mkfifo, no job (so no job line, no `Done`, no "you
    # have running jobs" at exit).
    { exec {__awesh_serve_r}< <(exec $__awesh_bin serve --listen </dev/null 2>/dev/null) } 2>/dev/null ||
        { __awesh_serve_r='' && return 1 }
    IFS= read -r -t 2 -u $__awesh_serve_r line || line=''
    __awesh_serve_pid=${line%% *} fifo=${line#* }
    if [[ $__awesh_serve_pid != <-> || ! -p $fifo ]]; then
        __awesh_serve_stop kill
        return 1
    fi
    # Read and write: never waits, whatever the server is doing. The server removes the FIFO
    # once it has its end.
    { exec {__awesh_serve_w}<>$fifo } 2>/dev/null
    if [[ -z $__awesh_serve_w ]]; then
        __awesh_serve_stop kill
        return 1
    fi
    __awesh_serve_ver=$__awesh_version
    # Exported, so that a shell this one becomes with `exec` can end this server (below).
    export __AWESH_SERVER="$$ $__awesh_serve_pid"
}

# Closes this shell's ends (the server then exits). With an argument, also kills the server if
# it still runs (it stopped answering); its command line is checked first, so a process that
# took its number after it exited is never touched.
__awesh_serve_stop() {
    emulate -L zsh
    local arg0=
    [[ -n $__awesh_serve_w ]] && { exec {__awesh_serve_w}>&- } 2>/dev/null
    [[ -n $__awesh_serve_r ]] && { exec {__awesh_serve_r}<&- } 2>/dev/null
    if [[ -n ${1-} && -n $__awesh_serve_pid ]]; then
        { IFS= read -r -d "" arg0 </proc/$__awesh_serve_pid/cmdline } 2>/dev/null
        [[ $arg0 == "$__awesh_bin" ]] && builtin kill -KILL $__awesh_serve_pid 2>/dev/null
    fi
    __awesh_serve_unwatch
    __awesh_serve_w='' __awesh_serve_r='' __awesh_serve_pid=''
    __awesh_serve_pending=0 __awesh_serve_buf=''
    unset __AWESH_SERVER
    return 0
}

# Ends a server that failed (end of file, a wrong reply, hung) and starts a new one (unless the
# last one failed before answering, less than 5 s ago).
__awesh_serve_fail() {
    __awesh_serve_stop kill
    (( SECONDS >= __awesh_serve_retry )) && __awesh_serve_start
    return 0
}

# The stale marker: a dim `…` after the last known segment (zsh's `%{ %}` around the colour).
typeset -g __awesh_stale=$'%{\e[2m%}\xe2\x80\xa6%{\e[22m%}'

# After `exec zsh` or `exec bash` the new shell has the old one's process id and descriptors,
# but not its variables: the server the old shell started would wait, idle, until this process
# ends. End it: it is the one $__AWESH_SERVER names for this process id, when that is still an
# `awesh serve` of this binary whose parent is this shell.
__awesh_serve_orphan() {
    emulate -L zsh
    local pid arg0='' stat=''
    [[ -z $__awesh_serve_pid && ${__AWESH_SERVER-} == "$$ "* ]] || return 0
    pid=${__AWESH_SERVER#* }
    unset __AWESH_SERVER
    [[ $pid == <-> ]] || return 0
    { IFS= read -r -d "" arg0 </proc/$pid/cmdline } 2>/dev/null
    { IFS= read -r stat </proc/$pid/stat } 2>/dev/null
    stat=${stat##*\) } # state ppid ...
    stat=${stat#* }
    [[ $arg0 == "$__awesh_bin" && ${stat%% *} == $$ ]] && builtin kill -KILL $pid 2>/dev/null
    return 0
}

# Asks the server for the segment; true and $AWESH_SEGMENT set when it answered within the
# synchronous budget, or (marked stale) when it is still working on it.
# Kept cheap, for this runs every prompt: one `print` sends the working directory (by pid and
# $PWD), the toggles, and each variable awesh honours with its type (`${(t)V}`; the server keeps
# only the exported ones, which are all `awesh prompt` would see). With `short=1` an unchanged
# segment comes back as `ID=` alone.
__awesh_serve_ask() {
    emulate -L zsh
    local reply=''
    integer rc
    if [[ -z $__awesh_serve_r ]]; then
        (( SECONDS >= __awesh_serve_retry )) && __awesh_serve_start || return 1
    fi
    if [[ -z $__awesh_serve_wait || ${AWESH_TIMEOUT_MS-} != "$__awesh_serve_wait_for" ||
        ${AWESH_SYNC_MS-} != "$__awesh_serve_sync_for" ]]; then
        # The server's own deadline (AWESH_TIMEOUT_MS, else 200 ms) plus 300 ms.
        __awesh_serve_wait_for=${AWESH_TIMEOUT_MS-}
        __awesh_serve_wait=0.5
        [[ $__awesh_serve_wait_for == <0-999999> ]] &&
            (( __awesh_serve_wait = (__awesh_serve_wait_for + 300) / 1000.0 ))
        # How long the prompt waits before it is drawn stale: AWESH_SYNC_MS, else 10 ms, at
        # most the full wait. Without sysread and EPOCHREALTIME, the full wait (as before).
        __awesh_serve_sync_for=${AWESH_SYNC_MS-}
        __awesh_serve_sync=0.01
        [[ $__awesh_serve_sync_for == <0-999999> ]] &&
            (( __awesh_serve_sync = __awesh_serve_sync_for / 1000.0 ))
        (( ! __awesh_async || __awesh_serve_sync > __awesh_serve_wait )) &&
            __awesh_serve_sync=$__awesh_serve_wait
    fi
    # Hung: the oldest request owed has had the full wait and more.
    if (( __awesh_serve_pending && __awesh_async &&
        EPOCHREALTIME - __awesh_serve_since > __awesh_serve_wait )); then
        __awesh_serve_fail
        return 1
    fi
    __awesh_serve_id=$(( __awesh_serve_id % 99 + 1 ))
    if ! print -rN -u $__awesh_serve_w -- id=$__awesh_serve_id pid=$$ cwd=$PWD shell=zsh short=1 \
        off=$__awesh_offs \
        "${(t)HOME}/HOME=${HOME-}" \
        "${(t)KUBECONFIG}/KUBECONFIG=${KUBECONFIG-}" \
        "${(t)GIT_DIR}/GIT_DIR=${GIT_DIR-}" \
        "${(t)GIT_WORK_TREE}/GIT_WORK_TREE=${GIT_WORK_TREE-}" \
        "${(t)GIT_CEILING_DIRECTORIES}/GIT_CEILING_DIRECTORIES=${GIT_CEILING_DIRECTORIES-}" \
        "${(t)GIT_DISCOVERY_ACROSS_FILESYSTEM}/GIT_DISCOVERY_ACROSS_FILESYSTEM=${GIT_DISCOVERY_ACROSS_FILESYSTEM-}" \
        "${(t)AWESH_TIMEOUT_MS}/AWESH_TIMEOUT_MS=${AWESH_TIMEOUT_MS-}" \
        "${(t)AWESH_CACHE_DIR}/AWESH_CACHE_DIR=${AWESH_CACHE_DIR-}" \
        "${(t)AWESH_CONFIG}/AWESH_CONFIG=${AWESH_CONFIG-}" \
        "${(t)XDG_CACHE_HOME}/XDG_CACHE_HOME=${XDG_CACHE_HOME-}" \
        "${(t)XDG_CONFIG_HOME}/XDG_CONFIG_HOME=${XDG_CONFIG_HOME-}" \
        '' 2>/dev/null; then
        __awesh_serve_fail
        return 1
    fi
    (( __awesh_serve_pending++ )) || __awesh_serve_since=${EPOCHREALTIME:-0}
    __awesh_serve_fresh=''
    # Replies owed for older requests come first (the server answers in order): read them
    # and set them aside, until this request's reply or the end of the budget.
    local -F left=$__awesh_serve_sync end=$(( ${EPOCHREALTIME:-0} + __awesh_serve_sync ))
    while :; do
        __awesh_serve_next $left
        rc=$?
        if (( rc == 0 )); then
            __awesh_serve_take || { __awesh_serve_fail; return 1 }
            [[ -n $__awesh_serve_fresh ]] && break
        elif (( rc == 4 && __awesh_serve_sync < __awesh_serve_wait )); then
            break # not yet: a stale prompt now, the fresh one when the reply comes
        else
            __awesh_serve_fail # end of file, or no reply in the full wait
            return 1
        fi
        if (( __awesh_async )); then
            (( left = end - EPOCHREALTIME ))
            (( left >= 0 )) || left=0
        fi
    done
    AWESH_SEGMENT=$__awesh_serve_seg
    if [[ -n $__awesh_serve_fresh ]]; then
        __awesh_serve_retry=0 # it works: should it fail later, restart at once
        __awesh_serve_unwatch
    else
        AWESH_SEGMENT+=$__awesh_stale
        __awesh_serve_watchit
    fi
    return 0
}

# Reads one reply (without its end byte) into the caller's $reply, waiting at most $1 seconds:
# status 0, 4 when none came in time, 5 at end of file (or anything but a reply). `sysread`
# takes what the pipe holds in one call (a reply is one write, and several may wait); without
# zsh/system, `read` (which cannot tell the end of file from a timeout).
__awesh_serve_next() {
    local chunk=''
    integer rc
    while [[ $__awesh_serve_buf != *$'\x1e'* ]]; do
        (( $#__awesh_serve_buf < 65536 )) || return 5
        if (( __awesh_async )); then
            sysread -t $1 -s 4096 -i $__awesh_serve_r chunk 2>/dev/null
            rc=$?
            (( rc == 0 )) || return $(( rc == 4 ? 4 : 5 ))
            __awesh_serve_buf+=$chunk
        else
            IFS= read -r -d $'\x1e' -t $1 -u $__awesh_serve_r chunk 2>/dev/null || return 4
            __awesh_serve_buf+=$chunk$'\x1e'
        fi
    done
    reply=${__awesh_serve_buf%%$'\x1e'*}
    __awesh_serve_buf=${__awesh_serve_buf#*$'\x1e'}
    return 0
}

# Takes $reply as the reply to the oldest request owed (numbers go 1 to 99 and round):
# $__awesh_serve_seg is then the last segment the server sent, which `ID=` refers to, and
# $__awesh_serve_fresh says whether it answers the latest request. False for any other reply.
__awesh_serve_take() {
    integer head=$(( (__awesh_serve_id - __awesh_serve_pending + 99) % 99 + 1 ))
    case $reply in
        ($head=) ;; # unchanged
        ($head:*) __awesh_serve_seg=${reply#*:} ;;
        (*) return 1 ;;
    esac
    (( __awesh_serve_pending-- ))
    __awesh_serve_since=${EPOCHREALTIME:-0}
    __awesh_serve_fresh=
    (( head == __awesh_serve_id )) && __awesh_serve_fresh=1
    return 0
}

# Puts the handler on the reply descriptor, in an interactive shell with zle (once).
__awesh_serve_watchit() {
    [[ -o zle && $__awesh_serve_watch != "$__awesh_serve_r" ]] || return 0
    __awesh_serve_unwatch
    builtin zle -F $__awesh_serve_r __awesh_serve_late 2>/dev/null && __awesh_serve_watch=$__awesh_serve_r
    return 0
}

# Takes the handler off.
__awesh_serve_unwatch() {
    [[ -n $__awesh_serve_watch ]] || return 0
    builtin zle -F $__awesh_serve_watch 2>/dev/null
    __awesh_serve_watch=''
    return 0
}

# The `zle -F` handler: zle saw the reply descriptor readable while it waited for a key. Reads
# every reply there; the latest request's replaces the stale segment and the prompt is drawn
# again. At end of file (or a wrong reply) the server is replaced and the segment comes from
# `awesh prompt`, as at a prompt.
__awesh_serve_late() {
    # Outside `emulate`: the insert hook reads the user's own options.
    local bang=0
    [[ -o prompt_bang ]] && bang=1
    __awesh_serve_late_read || return 0
    (( bang )) && AWESH_SEGMENT=${AWESH_SEGMENT//'!'/'!!'}
    __awesh_text
    __awesh_insert
    builtin zle && zle .reset-prompt
    return 0
}

# The handler's reading: true when $AWESH_SEGMENT was set afresh.
__awesh_serve_late_read() {
    emulate -L zsh
    local reply=''
    integer rc
    while (( __awesh_serve_pending )); do
        __awesh_serve_next 0
        rc=$?
        (( rc == 4 )) && return 1 # nothing more yet
        if (( rc == 0 )) && __awesh_serve_take; then
            [[ -n $__awesh_serve_fresh ]] || continue
            AWESH_SEGMENT=$__awesh_serve_seg
            __awesh_serve_retry=0
        else
            __awesh_serve_fail
            AWESH_SEGMENT=
            [[ -n $__awesh_off || -n $__awesh_none ]] || __awesh_run
        fi
        __awesh_serve_unwatch
        return 0
    done
    __awesh_serve_unwatch
    return 1
}

# ---- Placing the segment ----
# When PROMPT is not what the hook last made, you or a theme set it: that becomes the new base,
# and the segment is placed in it afresh (themes such as powerlevel10k rebuild PROMPT each
# prompt); when it is, nothing is done.

# Characters that end prompts (one, or a run of the same one, as in `>>>`); `%#` is zsh's own.
typeset -ga __awesh_chars=('%#' '%%' '$' '#' '>' '❯' '➜' 'λ' '»' '›' '➤' '▶' '❱' '→' '⟩' '❭' '⮞' '✗' '✘' '⚡' '♪' '◆' '▸' '⇒' '⋊' '∴' '❮')
# Raw escape sequences at the end of a string: CSI (colours, cursor moves), OSC (titles, links)
# ended by BEL or ST, and character-set choices (`tput sgr0` writes `\e(B`). None takes a column.
typeset -g __awesh_re_esc=$'\e(\\[[0-9;:?<=>!]*[ -/]*[@-~]|][^\a\e]*(\a|\e\\\\)|[()*+][0-9A-Za-z@])$'

# Steps back from offset i of s (both the caller's) over what takes no column: `%{...%}`,
# `%F{...}`, `%f`, `%K{...}`, `%k`, `%B`, `%b`, `%U`, `%u`, `%S`, `%s`, escape sequences, a
# `%(x.a.b)` whose branches take none, and (unless $1 is "zero") blanks; ws becomes the offset
# of the leftmost blank passed.
__awesh_zskip() {
    local h p
    integer n
    while (( i > 0 )); do
        h=$s[1,i]
        case $h in
            (*[' '$'\t'])
                [[ $1 == zero ]] && break
                (( i-- , ws = i ))
                continue
                ;;
            (*'%}')
                p=${h%'{'*}
                [[ $p == *'%' ]] || break          # `%1{x%}` shows x: visible
                # A carriage return or line feed inside moves the cursor: a line start.
                [[ $h[$#p+1,-1] == *[$'\r\n']* ]] && break
                p=$p[1,-2]
                ;;
            (*'%'[FK]'{'*'}')
                p=${h%'{'*}
                [[ $p == *'%'[FK] ]] || break
                p=$p[1,-3]
                ;;
            (*'%'[fkbBuUsS])
                # An escape only after an odd run of `%` (`%%k` is a literal `%` and `k`).
                p=$h[1,-2] n=0
                while [[ $p == *'%' ]]; do
                    p=$p[1,-2]
                    (( n++ ))
                done
                (( n % 2 )) || break
                p=$h[1,-3]
                ;;
            (*')')
                __awesh_zcond $h || break
                [[ $kind == zero ]] || break
                p=$h[1,start-1]
                ;;
            (*)
                if [[ $h =~ $__awesh_re_esc ]]; then
                    p=${h%$MATCH}
                else
                    break
                fi
                ;;
        esac
        i=$#p
    done
}

# When $1 ends with a `%(x.a.b)` prompt conditional: start becomes the offset of its `%`, and
# kind "zero" (neither branch takes a column), "char" (each branch is a prompt character, as
# in `%(!.#.$)`) or "text".
__awesh_zcond() {
    local h=$1 body sep c a b
    integer depth=0 k n=$#1
    # Back to the matching `(`; `%)` and `%(` inside are literal parentheses.
    for (( k = n; k > 0; k-- )); do
        c=$h[k]
        [[ $h[k-1] == '%' && $c == [\(\)] && $h[k-2] != '%' && ( $c == ')' || $h[k+1] != [0-9!?#a-zA-Z] ) ]] && { (( k-- )); continue }
        if [[ $c == ')' ]]; then
            (( depth++ ))
        elif [[ $c == '(' ]] && (( --depth == 0 )); then
            break
        fi
    done
    (( k > 0 )) || return 1
    body=$h[k+1,-2]
    # `%(` or `%3(`: a conditional; anything else (`$(...)`, text) is not.
    [[ $h[1,k-1] =~ '%-?[0-9]*$' ]] || return 1
    start=$(( k - $#MATCH ))
    # The condition (digits and a letter), then the separator, then the two branches.
    [[ $body =~ '^-?[0-9]*.' ]] || return 1
    body=${body#$MATCH}
    sep=$body[1]
    body=$body[2,-1]
    __awesh_zsplit $body $sep || return 1
    __awesh_zkind $a
    local ka=$kind
    __awesh_zkind $b
    if [[ $ka == zero && $kind == zero ]]; then
        kind=zero
    elif [[ $ka == char && $kind == char ]]; then
        kind=char
    else
        kind=text
    fi
}

# Splits $1 at the first $2 outside parentheses and braces, into a and b (the caller's).
__awesh_zsplit() {
    local body=$1 c
    integer depth=0 k
    for (( k = 1; k <= $#body; k++ )); do
        c=$body[k]
        if [[ $c == '%' ]]; then
            (( k++ ))
            continue
        fi
        case $c in
            ([\({]) (( depth++ )) ;;
            ([\)}]) (( depth-- )) ;;
        esac
        if [[ $c == "$2" ]] && (( depth == 0 )); then
            a=$body[1,k-1] b=$body[k+1,-1]
            return 0
        fi
    done
    return 1
}

# What a conditional's branch $1 is: "zero", "char" (blanks around one prompt char) or "text".
__awesh_zkind() {
    local s=$1
    integer i=$#1 ws=-1
    __awesh_zskip
    if (( i == 0 )); then
        kind=zero
    elif __awesh_zchar && { __awesh_zskip; (( i == 0 )) }; then
        kind=char
    else
        kind=text
    fi
}

# True when a prompt character (a run of one, `%1{x%}`, a `%(!.#.$)`, or a parameter holding
# one, such as pure's `${prompt_pure_state[prompt]}`) ends at offset i of s; i moves to its
# start.
__awesh_zchar() {
    local h=$s[1,i] c found= v start kind
    if [[ $h == *'%}' && ${h%'{'*} == *'%'<1-9> ]]; then
        # `%1{➜%}`: the character inside.
        v=${${h##*'{'}%'%}'}
        (( ${__awesh_chars[(Ie)$v]} )) || return 1
        h=${h%'%'<1-9>'{'*}
        i=$#h
        return 0
    fi
    if [[ $h == *')' ]] && __awesh_zcond $h; then
        [[ $kind == char ]] || return 1
        i=$(( start - 1 ))
        return 0
    fi
    if [[ $h =~ '\$\{?([A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?)\}?$' ]]; then
        v=${(P)match[1]}
        (( ${__awesh_chars[(Ie)$v]} )) || return 1
        h=${h%$MATCH}
        i=$#h
        return 0
    fi
    for c in $__awesh_chars; do
        if [[ $h == *$c ]]; then
            found=$c
            break
        fi
    done
    [[ -n $found ]] || return 1
    [[ $found == '%%' || $h != *'%%'$found ]] || [[ $found != ('#'|'%') ]] || return 1
    while [[ $h == *$found ]]; do
        h=${h%$found}
    done
    i=$#h
}

# Where the segment goes in the prompt string $1: sets at (an offset) and sp (1 when a space
# must follow it), both the caller's. Before the final prompt character, with the blank in
# front of it kept on the far side (`~/src ❯ ` becomes `~/src:☸️x ❯ `); at the start of the
# input line (with a space) when the character begins a line; when no character is
# recognised, before the trailing blanks, or at the very end with a space, so typed text never
# touches it.
__awesh_where() {
    local s=$1 h
    integer i=$#1 ws=-1
    sp=0
    __awesh_zskip
    if __awesh_zchar; then
        __awesh_zskip zero
        at=$i ws=-1
        __awesh_zskip
        if (( ws >= 0 )); then
            at=$(( ws ))
            return 0
        fi
        h=$s[1,at]
        # Nothing, a line break, or an expansion (which may come out empty) before the character.
        [[ -z $h || $h == *($'\n'|$'\r'|')'|'}'|'`') ]] && sp=1
        return 0
    fi
    if (( ws >= 0 )); then
        at=$ws
    else
        at=$#s sp=1
    fi
}

# Keeps the segment in PROMPT, placed by __awesh_where in the prompt you or your theme set.
# $1 is 1 when PROMPT_SUBST is on.
__awesh_prompt() {
    emulate -L zsh
    # Nothing to do when PROMPT is still what we made, from the same segment and options.
    [[ $PROMPT == "$__awesh_made" && $__awesh_prompt_key == "$__awesh_off:$1:$AWESH_SEGMENT:$RPROMPT" ]] &&
        return 0
    __awesh_prompt_key=$__awesh_off:$1:$AWESH_SEGMENT:$RPROMPT
    local piece at sp
    if [[ $PROMPT != "$__awesh_made" ]]; then
        __awesh_base=$PROMPT
        # Text we put in sits between two empty `%{%}` (zero width; never in the segment, whose
        # `%` are doubled). A copy of an old prompt (a virtualenv's `PROMPT="(venv) $PROMPT"`,
        # and its `deactivate`) brings old text along: take it out.
        while [[ $__awesh_base == *'%{%}'*'%{%}'* ]]; do
            __awesh_base=${__awesh_base%%'%{%}'*}${${__awesh_base#*'%{%}'}#*'%{%}'}
        done
        __awesh_placed=
        if (( $1 )) && [[ $__awesh_base$RPROMPT == *('${AWESH_SEGMENT}'|'${AWESH_SEGMENT:'|'$AWESH_SEGMENT')* ]]; then
            __awesh_placed=1 # placed by you
        elif __awesh_native; then
            __awesh_placed=1 # placed by the theme
        else
            __awesh_where $__awesh_base
            __awesh_base_at=$at __awesh_base_sp=$sp
        fi
    fi
    if [[ -n $__awesh_off || -n $__awesh_placed ]]; then
        __awesh_made=$__awesh_base
        PROMPT=$__awesh_made
        return 0
    fi
    if (( $1 )); then
        piece='${AWESH_SEGMENT}'
        (( __awesh_base_sp )) && piece='${AWESH_SEGMENT:+$AWESH_SEGMENT }'
    else
        # Without PROMPT_SUBST only `%` escapes are read, and the segment has those doubled.
        piece=$AWESH_SEGMENT
        (( __awesh_base_sp )) && [[ -n $AWESH_SEGMENT ]] && piece+=' '
    fi
    __awesh_made=$__awesh_base[1,__awesh_base_at]'%{%}'$piece'%{%}'$__awesh_base[__awesh_base_at+1,-1]
    PROMPT=$__awesh_made
}

# `awesh_off` turns all of awesh off in this shell (the prompt is yours again, and no process
# runs); `awesh_off PART` leaves out one part.
awesh_off() {
    if [[ -z ${1-} ]]; then
        __awesh_off=1
    else
        __awesh_toggle off "$1" awesh_off
    fi
}

# `awesh_on` turns everything back on (and allows the warning again); `awesh_on PART` brings
# back one part.
awesh_on() {
    if [[ -z ${1-} ]]; then
        __awesh_offs=''
    else
        __awesh_toggle on "$1" awesh_on || return
    fi
    __awesh_off='' __awesh_warned=''
    __awesh_toggle ''
}

# Turns part $2 on or off ($1) in __awesh_offs, then works out __awesh_none (every part off, so
# the hook starts nothing: every part that stands alone is off). Part names are awesh's own, letters only.
__awesh_toggle() {
    emulate -L zsh
    local p list=,$__awesh_offs, new=''
    if [[ -n $1 && ( " $__awesh_parts " != *" $2 "* || $2 == *[^a-z]* ) ]]; then
        print -ru2 -- "$3: unknown part $2 (${__awesh_parts// /, }, or nothing for all)"
        return 2
    fi
    # Rebuilt in the parts' own order, each at most once.
    __awesh_none=1
    for p in ${=__awesh_parts}; do
        if [[ $p == "${2-}" && $1 == off || ( $p != "${2-}" || -z $1 ) && $list == *,$p,* ]]; then
            new=$new,$p
        elif [[ " $__awesh_roots " == *" $p "* ]]; then
            __awesh_none=''
        fi
    done
    __awesh_offs=${new#,}
    return 0
}

# Toggles kept by an older awesh's init in this shell carry over when ~/.zshrc is sourced again.
[[ -n ${__awesh_no_git-} ]] && __awesh_toggle off git awesh_off
[[ -n ${__awesh_no_kube-} ]] && __awesh_toggle off kube awesh_off
unset __awesh_no_git __awesh_no_kube

# Hooks that change the environment awesh reads (direnv's KUBECONFIG for a folder, mise's): they
# stay in front of the compute hook, so the prompt after a `cd` shows what they exported.
typeset -ga __awesh_env_hooks=(_direnv_hook _mise_hook _rtx_hook)

# Puts the compute hook first in precmd_functions but for the hooks above, and the insert hook
# last, whatever was added since (and never twice); with no other hook, the compute hook
# inserts at its own end.
__awesh_install() {
    emulate -L zsh
    local -a rest=(${precmd_functions:#(__awesh_precmd|__awesh_insert)}) env=()
    while (( $#rest )) && (( ${__awesh_env_hooks[(Ie)$rest[1]]} )); do
        env+=($rest[1])
        shift rest
    done
    if (( $#rest )); then
        precmd_functions=($env __awesh_precmd $rest __awesh_insert)
    else
        precmd_functions=($env __awesh_precmd)
    fi
}

# True when the compute hook is first in precmd_functions but for the hooks above.
__awesh_first() {
    emulate -L zsh
    local f
    for f in $precmd_functions; do
        [[ $f == __awesh_precmd ]] && return 0
        (( ${__awesh_env_hooks[(Ie)$f]} )) || return 1
    done
    return 1
}

# ---- Segments for themes that place their own ----
# powerlevel10k (and 9k): add `awesh` to POWERLEVEL9K_LEFT_PROMPT_ELEMENTS (or RIGHT); awesh
# then leaves PROMPT alone. Colour: POWERLEVEL9K_AWESH_FOREGROUND. The compute hook runs before
# p10k's, so the element shows this prompt's value.
prompt_awesh() {
    [[ -n $AWESH_SEGMENT ]] && p10k segment -f "${POWERLEVEL9K_AWESH_FOREGROUND:-6}" -t "$AWESH_SEGMENT"
}
# Instant prompt replays a recording from an earlier shell, before awesh has looked at anything:
# a context from then may be wrong now, so it shows no awesh element (the real one follows).
instant_prompt_awesh() { :; }

# spaceship: add `awesh` to SPACESHIP_PROMPT_ORDER. Drawn with the prompt, not in the async
# worker (which would see the value of an earlier prompt). Colour: SPACESHIP_AWESH_COLOR.
typeset -g SPACESHIP_AWESH_ASYNC=${SPACESHIP_AWESH_ASYNC-false}
spaceship_awesh() {
    [[ -n $AWESH_SEGMENT ]] || return 0
    spaceship::section --color "${SPACESHIP_AWESH_COLOR:-cyan}" "$AWESH_SEGMENT"
}

# Evaluated again with --no-serve: the server of the earlier init is no longer wanted. By
# another awesh (an upgrade): the running server may not speak this script's protocol.
[[ -z $__awesh_serve && -n $__awesh_serve_w ]] && __awesh_serve_stop
[[ -n $__awesh_serve_w && $__awesh_serve_ver != "$__awesh_version" ]] && __awesh_serve_stop kill
__awesh_serve_orphan
[[ $__awesh_mode == replace ]] && PROMPT='%~%# '
zmodload zsh/sched 2>/dev/null && __awesh_sched=1
# For the asynchronous redraw: `sysread` (tells end of file from a timeout) and $EPOCHREALTIME.
zmodload -F zsh/system b:sysread 2>/dev/null && zmodload -F zsh/datetime p:EPOCHREALTIME 2>/dev/null &&
    __awesh_async=1
# Themes that draw asynchronously (spaceship, pure, powerlevel10k) set PROMPT again and call
# `zle reset-prompt` outside any hook: put the segment back just before zle redraws. Only when
# no other `zle` function is there; the builtin does the rest, with its status.
if (( ! ${+functions[zle]} )) || [[ ${functions[zle]} == *__awesh_insert* ]]; then
    zle() {
        [[ ( $1 == reset-prompt || $1 == .reset-prompt ) && $__awesh_mode != var ]] && __awesh_insert
        builtin zle "$@"
    }
fi
__awesh_install
# powerlevel10k without awesh among its elements: say once (per user) how to place it natively.
() {
    emulate -L zsh
    local mark=${XDG_CACHE_HOME:-$HOME/.cache}/awesh/p10k-hint
    if (( $+functions[p10k] )) && ! __awesh_native && [[ ! -e $mark ]]; then
        print -ru2 -- "awesh: powerlevel10k found; for a native segment add awesh to POWERLEVEL9K_LEFT_PROMPT_ELEMENTS (this is said once)"
        command mkdir -p -- ${mark:h} 2>/dev/null && : >>| $mark 2>/dev/null
    fi
    return 0
}
