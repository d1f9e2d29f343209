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
# Toggles for this shell only: `awesh_off` / `awesh_on` (everything), `awesh_off PART` /
# `awesh_on PART` for one part (`awesh_off git`, `awesh_on kube`; the parts are listed below).
#
# By default (bash 4.4+; `awesh init bash --no-serve` to opt out), the hook asks an `awesh serve`
# process that lives as long as this shell instead, over two pipes, with builtins only: no
# process per prompt. See "Serve mode" below.

# Filled in by `awesh init`: the binary's absolute path, single-quoted so spaces and quotes in it
# stay inert, the prompt mode (add | var | replace), serve mode (1, or empty for off), and the
# names of the parts that can be turned off, from awesh's one list of them.
__awesh_bin='@bin@'
__awesh_mode='@mode@'
__awesh_serve='@serve@'
__awesh_parts='@parts@'
# The parts that stand alone (status is a detail of git).
__awesh_roots='@roots@'
__awesh_version='@version@' # the server protocol this script speaks

# State, kept when the init is evaluated again (re-sourcing ~/.bashrc must not reset toggles or
# insert the segment twice). Empty means "on" / "not yet".
__awesh_off=${__awesh_off-}          # all of awesh off
__awesh_offs=${__awesh_offs-}        # the parts turned off, comma-separated
__awesh_none=${__awesh_none-}        # every part is off
__awesh_warned=${__awesh_warned-}    # the one warning has been printed
__awesh_base=${__awesh_base-}        # PS1 as you (or your theme) last set it
__awesh_made=${__awesh_made-}        # PS1 as the hook last set it
__awesh_ps1_key=${__awesh_ps1_key-}  # what it was made from: toggle, shell options, segment
AWESH_SEGMENT=${AWESH_SEGMENT-}      # the segment, for you to place; empty outside repos
AWESH_SEGMENT_TEXT=${AWESH_SEGMENT_TEXT-} # the same as plain text, exported for other tools
export AWESH_SEGMENT_TEXT
__awesh_text_of=${__awesh_text_of-}  # the segment AWESH_SEGMENT_TEXT was made from
__awesh_placed=${__awesh_placed-}    # you placed ${AWESH_SEGMENT} in PS1 yourself
__awesh_base_at=${__awesh_base_at-0} # where in __awesh_base the segment goes...
__awesh_base_sp=${__awesh_base_sp-0} # ...and whether a space follows it
__awesh_serve_w=${__awesh_serve_w-}         # fd the requests go to (empty: no server)
__awesh_serve_r=${__awesh_serve_r-}         # fd the replies come from
__awesh_serve_pid=${__awesh_serve_pid-}     # the server's process id
__awesh_serve_ver=${__awesh_serve_ver-}     # the version of the script that started it
__awesh_serve_id=${__awesh_serve_id-0}      # the last request's number
__awesh_serve_retry=${__awesh_serve_retry-0} # no new server before this $SECONDS
__awesh_serve_seg=${__awesh_serve_seg-}     # the last segment the server sent
__awesh_serve_reply=${__awesh_serve_reply-} # the last reply read
__awesh_serve_wait=${__awesh_serve_wait-}   # seconds to wait for a reply...
__awesh_serve_wait_for=${__awesh_serve_wait_for-} # ...worked out for this AWESH_TIMEOUT_MS and AWESH_SYNC_MS
__awesh_serve_wait_us=${__awesh_serve_wait_us-0}  # the same in microseconds
__awesh_serve_sync=${__awesh_serve_sync-}         # seconds to wait before a stale prompt...
__awesh_serve_sync_us=${__awesh_serve_sync_us-0}  # ...in microseconds
__awesh_serve_pending=${__awesh_serve_pending-0}  # requests whose reply is not read yet
__awesh_serve_since=${__awesh_serve_since-0}      # when the oldest of them began (microseconds)
__awesh_serve_fresh=${__awesh_serve_fresh-}       # the last reply read was the latest request's
__awesh_t=0                                        # scratch: the time now, in microseconds
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

# The compute hook, first in PROMPT_COMMAND (or bash-preexec's precmd_functions), so a theme's
# hook that reads $AWESH_SEGMENT (or the exported $AWESH_SEGMENT_TEXT, for starship and others
# that run a process) sees this prompt's value. bash itself restores $?, PIPESTATUS and $_ after PROMPT_COMMAND;
# returning the status we found keeps it right for every hook after this one.
__awesh_hook() {
    local __awesh_status=$?
    AWESH_SEGMENT=
    if [[ -n $__awesh_off || -n $__awesh_none ]]; then
        : # nothing to show: start no process at all
    elif [[ -n $__awesh_serve ]] && __awesh_serve_ask; then
        : # answered by `awesh serve`: no process started
    elif [[ ! -x $__awesh_bin ]]; then
        # Uninstalled after init: a stat per prompt, no "command not found" per prompt.
        __awesh_warn "$__awesh_bin is missing"
    else
        local __awesh_out __awesh_rc
        local -a __awesh_args=(prompt --shell bash)
        if [[ -n $__awesh_offs ]]; then __awesh_args+=(--off "$__awesh_offs"); fi
        # `exec`: with a redirection bash would otherwise fork twice (a subshell, then awesh).
        if __awesh_out=$(exec "$__awesh_bin" "${__awesh_args[@]}" 2>/dev/null); then
            AWESH_SEGMENT=$__awesh_out
        else
            __awesh_rc=$?
            __awesh_warn "\`awesh prompt\` failed (exit $__awesh_rc)"
        fi
    fi
    # The segment as text, for tools that run a process and escape it themselves (starship's
    # `env_var` module): without readline's \001/\002.
    # (Assigned only when the segment changed: an exported variable costs an environment update.)
    if [[ $AWESH_SEGMENT != "$__awesh_text_of" ]]; then
        __awesh_text_of=$AWESH_SEGMENT
        AWESH_SEGMENT_TEXT=${AWESH_SEGMENT//[$'\001\002']/}
    fi
    # Another tool installed after awesh (or `source`d again) may have put its hook outside
    # awesh's two: put them back first and last, for the next prompt (bash runs a copy of the
    # list it started with). The test in front is the common case, in order, at no call's cost.
    if [[ ${PROMPT_COMMAND-} == __awesh_hook ]]; then
        # No other hook: the insert step is this hook's end, saving a call per prompt (the test
        # is __awesh_ps1's own shortcut). A hook added later brings the insert hook back.
        if [[ $__awesh_mode != var && (${PS1-} != "$__awesh_made" || $__awesh_ps1_key != "$__awesh_off:$BASHOPTS:$AWESH_SEGMENT") ]]; then
            __awesh_ps1
        fi
    elif [[ ${PROMPT_COMMAND-} == __awesh_hook$'\n'*__awesh_insert ||
        (${PROMPT_COMMAND-} == __awesh_hook && ${PROMPT_COMMAND[*]} == *' '__awesh_insert) ||
        (${precmd_functions[0]-} == __awesh_hook && ${precmd_functions[*]} == *' '__awesh_insert) ]]; then
        :
    else
        # Out of place: put the hooks back for the next prompt, and insert now (a later hook
        # of this prompt may still redraw; the insert hook, if it runs, does nothing twice).
        __awesh_order
        __awesh_insert
    fi
    return "$__awesh_status"
}

# Puts the hooks back in place when they are not (called when the quick test above fails).
__awesh_order() {
    if __awesh_bp; then
        if ! __awesh_first "${precmd_functions[*]-}" || [[ ${precmd_functions[*]: -1} != __awesh_insert ]]; then
            __awesh_install
        fi
    elif [[ -n ${bash_preexec_imported-}${__bp_imported-} ]]; then
        : # bash-preexec installs itself at the first prompt; __awesh_install put us after that
    elif [[ -z ${PROMPT_COMMAND[*]+set} ]] || ! __awesh_first "${PROMPT_COMMAND[*]}" ||
        [[ ${PROMPT_COMMAND[*]} != *__awesh_insert ]]; then
        __awesh_install
    fi
}

# ---- Serve mode ----
# One `awesh serve` per shell, on two FIFOs made in a private temp folder, opened here on fds
# and deleted at once (as gitstatusd does): no file is left, and bash's single `coproc` stays
# yours. The request end is opened read-write, so a dead server can never SIGPIPE the shell.
# The server exits when this shell closes its fds (exit) or, failing that, when this shell is
# gone. On end of file, a wrong reply, or no reply within the full wait (the server's deadline
# plus 300 ms), that prompt falls back to `awesh prompt` and a new server is started; one that
# fails before its first answer is not replaced for 5 s.
#
# Stale prompts (issue 17): the hook waits for the reply at most AWESH_SYNC_MS (default 10 ms,
# never longer than the full wait; bash 5.0+, for $EPOCHREALTIME; older bash waits in full).
# When it has not come by then, the prompt shows the last segment the server sent, marked
# stale: followed by a dim `…` (the marker is $__awesh_stale, below; an empty last segment shows
# the marker alone). A stale segment is never shown without it, a fresh one never with it. bash
# cannot redraw a prompt by itself, so the late reply is read by the next prompt: every reply
# carries its request's number, and one for an older request is read and set aside (the server
# answers in order), never taken for a broken server. No process is started for any of this.

# Starts the server; false when it cannot (or may not yet) be started.
__awesh_serve_start() {
    local __awesh_line='' __awesh_fifo
    __awesh_serve_stop
    # Should this server fail before its first answer, the next start waits 5 s.
    __awesh_serve_retry=$((SECONDS + 5))
    # One process in all: the server makes its request FIFO (in a folder only you can enter)
    # and names it, with its pid, on its first line; replies come back through the pipe of the
    # process substitution. No mktemp, no mkfifo, no job (so no `[1] PID` or `Done` line).
    { exec {__awesh_serve_r}< <(exec "$__awesh_bin" serve --listen </dev/null 2>/dev/null); } 2>/dev/null ||
        { __awesh_serve_r='' && return 1; }
    if ! IFS= read -r -t 2 -u "$__awesh_serve_r" __awesh_line; then __awesh_line=''; fi
    __awesh_serve_pid=${__awesh_line%% *} __awesh_fifo=${__awesh_line#* }
    if [[ -z $__awesh_serve_pid || $__awesh_serve_pid == *[!0-9]* || ! -p $__awesh_fifo ]]; then
        __awesh_serve_stop kill
        return 1
    fi
    # Read and write: never waits, whatever the server is doing. The server removes the FIFO
    # once it has its end.
    { exec {__awesh_serve_w}<>"$__awesh_fifo"; } 2>/dev/null || :
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
    local __awesh_arg0=
    if [[ -n $__awesh_serve_w ]]; then { exec {__awesh_serve_w}>&-; } 2>/dev/null || :; fi
    if [[ -n $__awesh_serve_r ]]; then { exec {__awesh_serve_r}<&-; } 2>/dev/null || :; fi
    if [[ -n ${1-} && -n $__awesh_serve_pid ]]; then
        { IFS= read -r -d "" __awesh_arg0 </proc/"$__awesh_serve_pid"/cmdline; } 2>/dev/null || :
        if [[ $__awesh_arg0 == "$__awesh_bin" ]]; then
            builtin kill -KILL "$__awesh_serve_pid" 2>/dev/null || :
        fi
    fi
    __awesh_serve_w='' __awesh_serve_r='' __awesh_serve_pid='' __awesh_serve_pending=0
    unset __AWESH_SERVER
}

# Ends a server that failed (end of file, a wrong reply, hung) and starts a new one (unless the
# last one failed before answering, less than 5 s ago).
__awesh_serve_fail() {
    __awesh_serve_stop kill
    if ((SECONDS >= __awesh_serve_retry)); then __awesh_serve_start || :; fi
}

# The stale marker: a dim `…` after the last known segment (readline's \001 \002 around the colour).
__awesh_stale=$'\001\e[2m\002\xe2\x80\xa6\001\e[22m\002'

# Sets __awesh_t to the time now in microseconds ($EPOCHREALTIME, bash 5.0+; else whole seconds).
__awesh_now() {
    if [[ -n ${EPOCHREALTIME-} ]]; then
        __awesh_t=${EPOCHREALTIME/[.,]/}
    else
        __awesh_t=$((SECONDS * 1000000))
    fi
}

# After `exec bash` or `exec zsh` the new shell has the old one's process id and descriptors,
# but not its variables: the server the old shell started would wait, idle, until this process
# ends. End it: it is the one $__AWESH_SERVER names for this process id, when that is still an
# `awesh serve` of this binary whose parent is this shell.
__awesh_serve_orphan() {
    local __awesh_pid __awesh_arg0='' __awesh_stat=''
    if [[ -n $__awesh_serve_pid || ${__AWESH_SERVER-} != "$$ "* ]]; then return 0; fi
    __awesh_pid=${__AWESH_SERVER#* }
    unset __AWESH_SERVER
    if [[ $__awesh_pid == *[!0-9]* || -z $__awesh_pid ]]; then return 0; fi
    { IFS= read -r -d "" __awesh_arg0 </proc/"$__awesh_pid"/cmdline; } 2>/dev/null || :
    { IFS= read -r __awesh_stat </proc/"$__awesh_pid"/stat; } 2>/dev/null || :
    __awesh_stat=${__awesh_stat##*) } # state ppid ...
    __awesh_stat=${__awesh_stat#* }
    if [[ $__awesh_arg0 == "$__awesh_bin" && ${__awesh_stat%% *} == "$$" ]]; then
        builtin kill -KILL "$__awesh_pid" 2>/dev/null || :
    fi
}

# Asks the server for the segment; true and $AWESH_SEGMENT set when it answered within the
# synchronous budget, or (marked stale) when it is still working on it.
# Kept cheap, for this runs every prompt: one `printf` sends the working directory (by pid and
# $PWD), the toggles, and each variable awesh honours with its attributes (`${V@a}`; the server
# keeps only the exported ones, which are all `awesh prompt` would see; `${V+...}` keeps it
# safe under `set -u`). With `short=1` an unchanged segment comes back as `ID=` alone: bash
# reads a pipe one byte at a time.
__awesh_serve_ask() {
    local __awesh_rc __awesh_end __awesh_left
    if [[ -z $__awesh_serve_r ]]; then
        if ((SECONDS < __awesh_serve_retry)) || ! __awesh_serve_start; then return 1; fi
    fi
    # (`.` marks a value worked out, so an unset AWESH_TIMEOUT_MS differs from "not yet".)
    if [[ ${AWESH_TIMEOUT_MS-}.${AWESH_SYNC_MS-} != "$__awesh_serve_wait_for" ]]; then __awesh_serve_wait_set; fi
    __awesh_now
    # Hung: the oldest request owed has had the full wait and more.
    if ((__awesh_serve_pending > 0 && __awesh_t - __awesh_serve_since > __awesh_serve_wait_us)); then
        __awesh_serve_fail
        return 1
    fi
    __awesh_serve_id=$((__awesh_serve_id % 99 + 1)) __awesh_serve_reply=''
    if ! printf '%s\0' "id=$__awesh_serve_id" "pid=$$" "cwd=$PWD" shell=bash short=1 \
        "off=$__awesh_offs" \
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
        __awesh_serve_fail
        return 1
    fi
    if ((__awesh_serve_pending == 0)); then __awesh_serve_since=$__awesh_t; fi
    __awesh_serve_pending=$((__awesh_serve_pending + 1)) __awesh_serve_fresh=''
    __awesh_end=$((__awesh_t + __awesh_serve_sync_us)) __awesh_left=$__awesh_serve_sync
    # Replies owed for older requests come first (the server answers in order): read them and
    # set them aside, until this request's reply or the end of the budget.
    while :; do
        __awesh_serve_reply=''
        if IFS= read -r -d $'\x1e' -t "$__awesh_left" -u "$__awesh_serve_r" __awesh_serve_reply; then
            if ! __awesh_serve_take; then
                __awesh_serve_fail
                return 1
            fi
            if [[ -n $__awesh_serve_fresh ]]; then break; fi
        else
            __awesh_rc=$?
            # Not yet: a stale prompt now; the next prompt reads the reply.
            if ((__awesh_rc > 128 && __awesh_serve_sync_us < __awesh_serve_wait_us)); then break; fi
            __awesh_serve_fail # end of file, or no reply in the full wait
            return 1
        fi
        __awesh_now
        __awesh_t=$((__awesh_end - __awesh_t))
        # (Never 0: `read -t 0` only asks whether input is there.)
        if ((__awesh_t < 1000)); then __awesh_t=1000; fi
        printf -v __awesh_left '%d.%06d' $((__awesh_t / 1000000)) $((__awesh_t % 1000000))
    done
    AWESH_SEGMENT=$__awesh_serve_seg
    if [[ -n $__awesh_serve_fresh ]]; then
        __awesh_serve_retry=0 # it works: should it fail later, restart at once
    else
        AWESH_SEGMENT+=$__awesh_stale
    fi
}

# Takes $__awesh_serve_reply as the reply to the oldest request owed (numbers go 1 to 99 and
# round): $__awesh_serve_seg is then the last segment the server sent, which `ID=` refers to,
# and $__awesh_serve_fresh says whether it answers the latest request. False for any other reply.
__awesh_serve_take() {
    local __awesh_head=$(((__awesh_serve_id - __awesh_serve_pending + 99) % 99 + 1))
    case $__awesh_serve_reply in
        "$__awesh_head=") ;; # unchanged
        "$__awesh_head:"*) __awesh_serve_seg=${__awesh_serve_reply#*:} ;;
        *) return 1 ;;
    esac
    __awesh_now
    __awesh_serve_pending=$((__awesh_serve_pending - 1)) __awesh_serve_since=$__awesh_t __awesh_serve_fresh=''
    if ((__awesh_head == __awesh_serve_id)); then __awesh_serve_fresh=1; fi
}

# How long to wait for a reply: the server's own deadline (AWESH_TIMEOUT_MS, else 200 ms)
# plus 300 ms, in the seconds `read -t` takes; and how long before the prompt is drawn stale
# (AWESH_SYNC_MS, else 10 ms; at most the full wait, and the full wait without $EPOCHREALTIME).
# Worked out again only when the variables change.
__awesh_serve_wait_set() {
    local __awesh_ms=500 __awesh_sync=10
    __awesh_serve_wait_for=${AWESH_TIMEOUT_MS-}.${AWESH_SYNC_MS-}
    if [[ ${AWESH_TIMEOUT_MS-} =~ ^[0-9]{1,6}$ ]]; then
        __awesh_ms=$((10#$AWESH_TIMEOUT_MS + 300))
    fi
    if [[ ${AWESH_SYNC_MS-} =~ ^[0-9]{1,6}$ ]]; then
        __awesh_sync=$((10#$AWESH_SYNC_MS))
    fi
    if [[ -z ${EPOCHREALTIME-} ]] || ((__awesh_sync > __awesh_ms)); then __awesh_sync=$__awesh_ms; fi
    if ((__awesh_sync < 1)); then __awesh_sync=1; fi
    printf -v __awesh_serve_wait '%d.%03d' $((__awesh_ms / 1000)) $((__awesh_ms % 1000))
    printf -v __awesh_serve_sync '%d.%03d' $((__awesh_sync / 1000)) $((__awesh_sync % 1000))
    __awesh_serve_wait_us=$((__awesh_ms * 1000)) __awesh_serve_sync_us=$((__awesh_sync * 1000))
}

# ---- Placing the segment ----
# The insert hook runs after every other prompt hook, so a theme or framework that rebuilds PS1
# each prompt (starship, liquidprompt, bash-it) has already done so. When PS1 is not what the
# hook last made, you or a theme set it: that becomes the new base, and the segment is placed in
# it afresh; when it is, nothing is done (the common case costs two string compares).

# The insert hook, last in PROMPT_COMMAND (or bash-preexec's precmd_functions).
__awesh_insert() {
    # (Called inline by the compute hook too, after a test: there the status is not used.)
    # shellcheck disable=SC2319
    local __awesh_status=$?
    if [[ $__awesh_mode != var && (${PS1-} != "$__awesh_made" || $__awesh_ps1_key != "$__awesh_off:$BASHOPTS:$AWESH_SEGMENT") ]]; then
        __awesh_ps1
    fi
    return "$__awesh_status"
}

# Raw or written-out (`\e`, `\033`, `\E`) escape sequences at the end of a string: CSI (colours,
# cursor moves), OSC (titles, links) ended by BEL or ST, and character-set choices (`tput sgr0`
# writes `\e(B`). None of them takes a column.
__awesh_re_esc='('$'\e''|\\e|\\033|\\E)(\[[0-9;:?<=>!]*[ -/]*[@-~]|][^'$'\a\e'']*('$'\a''|'$'\e''\\|\\a|\\007)|[()*+][0-9A-Za-z@])$'
# A variable at the end of a string, whose value may be the prompt character.
__awesh_re_var='\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$'
# Characters that end prompts (one, or a run of the same one, as in `>>>`).
__awesh_chars=('\$' '$' '#' '%' '>' '❯' '➜' 'λ' '»' '›' '➤' '▶' '❱' '→' '⟩' '❭' '⮞' '✗' '✘' '⚡' '♪' '◆' '▸' '⇒' '⋊' '∴' '❮')

# Steps back from offset __awesh_i of __awesh_s over what takes no column: `\[...\]`, \001...\002,
# escape sequences, and (unless $1 is "zero") blanks. __awesh_ws: the offset of the leftmost
# blank passed (-1: none).
__awesh_skip() {
    local __awesh_h __awesh_p
    while ((__awesh_i > 0)); do
        __awesh_h=${__awesh_s:0:__awesh_i}
        case $__awesh_h in
            *' ' | *$'\t')
                if [[ ${1-} == zero ]]; then break; fi
                __awesh_i=$((__awesh_i - 1))
                __awesh_ws=$__awesh_i
                continue
                ;;
            *'\]') __awesh_p=${__awesh_h%'\['*} ;;
            *$'\002') __awesh_p=${__awesh_h%$'\001'*} ;;
            *)
                if [[ $__awesh_h =~ $__awesh_re_esc ]]; then
                    __awesh_p=${__awesh_h%"${BASH_REMATCH[0]}"}
                else
                    break
                fi
                ;;
        esac
        if [[ $__awesh_p == "$__awesh_h" ]]; then break; fi # no opening: visible text
        case ${__awesh_h:${#__awesh_p}} in
            # A carriage return or line feed inside moves the cursor: a line start.
            *'\r'* | *'\n'* | *$'\r'* | *$'\n'*) break ;;
        esac
        __awesh_i=${#__awesh_p}
    done
}

# True when a prompt character (or a run of one, or a variable holding one) ends at offset
# __awesh_i of __awesh_s; __awesh_i then moves to its start.
__awesh_char() {
    local __awesh_h=${__awesh_s:0:__awesh_i} __awesh_c __awesh_v __awesh_found=
    for __awesh_c in "${__awesh_chars[@]}"; do
        if [[ $__awesh_h == *"$__awesh_c" ]]; then __awesh_found=$__awesh_c && break; fi
    done
    if [[ -z $__awesh_found && $__awesh_h =~ $__awesh_re_var ]]; then
        # `${prompt_char}`: a prompt character when its value is one.
        __awesh_v=${!BASH_REMATCH[1]-}
        for __awesh_c in "${__awesh_chars[@]}"; do
            if [[ $__awesh_v == "$__awesh_c" ]]; then
                __awesh_h=${__awesh_h%"${BASH_REMATCH[0]}"}
                __awesh_i=${#__awesh_h}
                return 0
            fi
        done
        return 1
    fi
    if [[ -z $__awesh_found ]]; then return 1; fi
    while [[ $__awesh_h == *"$__awesh_found" ]]; do __awesh_h=${__awesh_h%"$__awesh_found"}; done
    __awesh_i=${#__awesh_h}
}

# Where the segment goes in the prompt string $1: sets __awesh_at (an offset) and __awesh_sp (1
# when a space must follow the segment). Before the final prompt character, keeping the blank
# in front of it on the far side (`~/src ❯ ` becomes `~/src:☸️x ❯ `); at the start of the input
# line (with a space) when the character begins a line; when no character is recognised, before
# the trailing blanks, or at the very end with a space, so typed text never touches it.
__awesh_where() {
    local __awesh_s=$1 __awesh_i=${#1} __awesh_ws=-1 __awesh_h
    __awesh_sp=0
    __awesh_skip
    if __awesh_char; then
        __awesh_ws=-1
        __awesh_skip zero
        __awesh_at=$__awesh_i
        __awesh_skip
        if ((__awesh_ws >= 0)); then
            __awesh_at=$__awesh_ws
            return 0
        fi
        __awesh_h=${__awesh_s:0:__awesh_at}
        # Nothing, a line break, or an expansion (which may come out empty) before the character.
        case $__awesh_h in
            '' | *'\n' | *$'\n' | *$'\r' | *'\]' | *$'\002' | *')' | *'}' | *'`') __awesh_sp=1 ;;
        esac
        return 0
    fi
    if ((__awesh_ws >= 0)); then
        __awesh_at=$__awesh_ws
    else
        __awesh_at=${#__awesh_s} __awesh_sp=1
    fi
}

# Keeps the segment in PS1, placed by __awesh_where in the prompt you or your theme set.
# shellcheck disable=SC2016 # '${AWESH_SEGMENT}' is meant literally: PS1 expands it later.
__awesh_ps1() {
    # Nothing to do when PS1 is still what we made, from the same segment and options.
    if [[ ${PS1-} == "$__awesh_made" && $__awesh_ps1_key == "$__awesh_off:$BASHOPTS:$AWESH_SEGMENT" ]]; then
        return 0
    fi
    __awesh_ps1_key=$__awesh_off:$BASHOPTS:$AWESH_SEGMENT
    local __awesh_piece __awesh_rest __awesh_at __awesh_sp
    if [[ ${PS1-} != "$__awesh_made" ]]; then
        __awesh_base=${PS1-}
        # Text we put in sits between two empty `\[\]` (zero width; never in the segment, whose
        # control bytes are made visible). A copy of an old prompt (a virtualenv's
        # `PS1="(venv) $PS1"`, and its `deactivate`) brings old text: take it out.
        while [[ $__awesh_base == *'\[\]'*'\[\]'* ]]; do
            __awesh_rest=${__awesh_base#*'\[\]'}
            __awesh_base=${__awesh_base%%'\[\]'*}${__awesh_rest#*'\[\]'}
        done
        __awesh_placed=
        if [[ $__awesh_base == *'${AWESH_SEGMENT}'* || $__awesh_base == *'${AWESH_SEGMENT:'* || $__awesh_base == *'$AWESH_SEGMENT'* ]]; then
            __awesh_placed=1 # placed by you
        else
            __awesh_where "$__awesh_base"
            __awesh_base_at=$__awesh_at __awesh_base_sp=$__awesh_sp
        fi
    fi
    if [[ -n $__awesh_off || -n $__awesh_placed ]]; then
        __awesh_made=$__awesh_base
        PS1=$__awesh_made
        return 0
    fi
    if shopt -q promptvars; then
        __awesh_piece='${AWESH_SEGMENT}'
        if ((__awesh_base_sp)); then __awesh_piece='${AWESH_SEGMENT:+$AWESH_SEGMENT }'; fi
    else
        # Without promptvars PS1 is only backslash-decoded: put the text itself in, `\` doubled.
        __awesh_piece=${AWESH_SEGMENT//\\/\\\\}
        if ((__awesh_base_sp)) && [[ -n $AWESH_SEGMENT ]]; then __awesh_piece+=' '; fi
    fi
    __awesh_made=${__awesh_base:0:__awesh_base_at}'\[\]'$__awesh_piece'\[\]'${__awesh_base:__awesh_base_at}
    PS1=$__awesh_made
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
    __awesh_off='' __awesh_none='' __awesh_warned=''
    __awesh_toggle ''
}

# Turns part $2 on or off ($1) in __awesh_offs, then works out __awesh_none (every part off, so
# the hook starts nothing: every part that stands alone is off). Part names are awesh's own, letters only.
__awesh_toggle() {
    local __awesh_p __awesh_list=,$__awesh_offs, __awesh_new=''
    if [[ -n $1 && (" $__awesh_parts " != *" $2 "* || $2 == *[!a-z]*) ]]; then
        printf '%s: unknown part %s (%s, or nothing for all)\n' "$3" "$2" "${__awesh_parts// /, }" >&2
        return 2
    fi
    # Rebuilt in the parts' own order, each at most once.
    __awesh_none=1
    for __awesh_p in $__awesh_parts; do
        if [[ $__awesh_p == "${2-}" && $1 == off || ($__awesh_p != "${2-}" || -z $1) && $__awesh_list == *,$__awesh_p,* ]]; then
            __awesh_new=$__awesh_new,$__awesh_p
        elif [[ " $__awesh_roots " == *" $__awesh_p "* ]]; then
            __awesh_none=''
        fi
    done
    __awesh_offs=${__awesh_new#,}
}

# Toggles kept by an older awesh's init in this shell carry over when ~/.bashrc is sourced again.
if [[ -n ${__awesh_no_git-} ]]; then __awesh_toggle off git awesh_off; fi
if [[ -n ${__awesh_no_kube-} ]]; then __awesh_toggle off kube awesh_off; fi
unset __awesh_no_git __awesh_no_kube

# Removes awesh's own hooks from PROMPT_COMMAND (lines of the string, or elements of the array;
# `;`-joined uses such as `other;__awesh_hook` too) and from precmd_functions, and nothing else.
__awesh_unhook() {
    local __awesh_k __awesh_e __awesh_line __awesh_out
    for __awesh_k in ${precmd_functions[@]+"${!precmd_functions[@]}"}; do
        case ${precmd_functions[__awesh_k]} in __awesh_hook | __awesh_insert) unset "precmd_functions[__awesh_k]" ;; esac
    done
    if [[ -n ${precmd_functions[*]+set} ]]; then precmd_functions=("${precmd_functions[@]}"); fi
    for __awesh_k in ${PROMPT_COMMAND[@]+"${!PROMPT_COMMAND[@]}"}; do
        __awesh_e=${PROMPT_COMMAND[__awesh_k]}
        if [[ $__awesh_e != *__awesh_* ]]; then continue; fi
        __awesh_out=
        while IFS= read -r __awesh_line || [[ -n $__awesh_line ]]; do
            __awesh_line=${__awesh_line//;__awesh_hook/}
            __awesh_line=${__awesh_line//;__awesh_insert/}
            __awesh_line=${__awesh_line//__awesh_hook;/}
            __awesh_line=${__awesh_line//__awesh_insert;/}
            case $__awesh_line in __awesh_hook | __awesh_insert | '') continue ;; esac
            __awesh_out+=${__awesh_out:+$'\n'}$__awesh_line
        done <<<"$__awesh_e"
        if ! __awesh_pc_array; then
            # A string stays one (assigning to element 0 would make it an array).
            # shellcheck disable=SC2178
            PROMPT_COMMAND=$__awesh_out
        elif [[ -n $__awesh_out ]]; then
            PROMPT_COMMAND[__awesh_k]=$__awesh_out
        else
            unset "PROMPT_COMMAND[__awesh_k]"
        fi
    done
    # Elements renumbered from 0, as an array that lost its first element needs.
    if __awesh_pc_array; then PROMPT_COMMAND=(${PROMPT_COMMAND[@]+"${PROMPT_COMMAND[@]}"}); fi
}

# Hooks that change the environment awesh reads (direnv's KUBECONFIG for a folder, mise's): they
# stay in front of the compute hook, so the prompt after a `cd` shows what they exported.
__awesh_env_hooks=(_direnv_hook _mise_hook __rtx_hook)

# True when in the hook list $1 (words joined by blanks, `;` or lines) the compute hook comes
# first but for the hooks above.
__awesh_first() {
    local __awesh_pre=${1%%__awesh_hook*} __awesh_h
    if [[ $1 != *__awesh_hook* ]]; then return 1; fi
    for __awesh_h in "${__awesh_env_hooks[@]}"; do __awesh_pre=${__awesh_pre//"$__awesh_h"/}; done
    [[ -z ${__awesh_pre//[$'; \n\t']/} ]]
}

# True when bash-preexec is loaded and installed: it runs precmd_functions from PROMPT_COMMAND.
__awesh_bp() {
    [[ -n ${bash_preexec_imported-}${__bp_imported-} && ${PROMPT_COMMAND[*]-} == *__bp_precmd_invoke_cmd* ]]
}

# True when PROMPT_COMMAND is an array that bash runs element by element (bash 5.1+).
__awesh_pc_array() {
    ((BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1))) &&
        [[ -n ${PROMPT_COMMAND[*]+set} && ${PROMPT_COMMAND@a} == *a* ]]
}

# Installs the two hooks, compute first and insert last, around every hook already there (which
# keep their order and see $?). Evaluated again, it first removes its own, so it never adds
# them twice, whichever tool was (re)loaded in between.
__awesh_install() {
    __awesh_unhook
    # bash-preexec owns PROMPT_COMMAND and must stay its last entry: use its hook list.
    local __awesh_n=0 __awesh_h __awesh_e
    if __awesh_bp; then
        while [[ -n ${precmd_functions[__awesh_n]-} ]]; do
            __awesh_e=${precmd_functions[__awesh_n]}
            for __awesh_h in "${__awesh_env_hooks[@]}"; do
                if [[ $__awesh_e == "$__awesh_h" ]]; then break; fi
            done
            if [[ $__awesh_e != "$__awesh_h" ]]; then break; fi
            __awesh_n=$((__awesh_n + 1))
        done
        precmd_functions=(${precmd_functions[@]+"${precmd_functions[@]:0:__awesh_n}"} __awesh_hook
            ${precmd_functions[@]+"${precmd_functions[@]:__awesh_n}"} __awesh_insert)
    elif [[ -n ${bash_preexec_imported-}${__bp_imported-} && -n ${__bp_install_string-} ]]; then
        # Loaded, but it installs itself at the first prompt, adding (and running) the function
        # `precmd` after every hook already listed. So for now: lines after its install line;
        # the compute hook moves into its list once it is installed.
        # shellcheck disable=SC2128,SC2178
        PROMPT_COMMAND="${PROMPT_COMMAND:+$PROMPT_COMMAND$'\n'}"__awesh_hook$'\n'__awesh_insert
    elif __awesh_pc_array; then
        # The array form (bash 5.1+), even of one element: elements of their own, so a tool
        # that looks for its own element (liquidprompt) still finds it as it left it.
        while [[ -n ${PROMPT_COMMAND[__awesh_n]-} ]]; do
            __awesh_e=${PROMPT_COMMAND[__awesh_n]}
            for __awesh_h in "${__awesh_env_hooks[@]}"; do
                if [[ $__awesh_e == "$__awesh_h" ]]; then break; fi
            done
            if [[ $__awesh_e != "$__awesh_h" ]]; then break; fi
            __awesh_n=$((__awesh_n + 1))
        done
        PROMPT_COMMAND=("${PROMPT_COMMAND[@]:0:__awesh_n}" __awesh_hook
            "${PROMPT_COMMAND[@]:__awesh_n}" __awesh_insert)
    elif [[ ${PROMPT_COMMAND-} == _direnv_hook* || ${PROMPT_COMMAND-} == _mise_hook* ]] &&
        __awesh_e=${PROMPT_COMMAND%%[$'; \n']*} && [[ " ${__awesh_env_hooks[*]} " == *" $__awesh_e "* ]]; then
        # A string that starts with an environment hook (direnv puts itself there with `;`):
        # compute right after it.
        # shellcheck disable=SC2128,SC2178
        PROMPT_COMMAND=$__awesh_e\;__awesh_hook${PROMPT_COMMAND#"$__awesh_e"}$'\n'__awesh_insert
    else
        # A string (or one-element array): lines of their own, so a trailing comment or `;` in
        # the existing command cannot swallow or break ours. Element 0 is the string in both.
        # shellcheck disable=SC2128,SC2178
        PROMPT_COMMAND=__awesh_hook${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND$'\n'__awesh_insert}
    fi
}

# Evaluated again with --no-serve: the server of the earlier init is no longer wanted. By
# another awesh (an upgrade): the running server may not speak this script's protocol.
if [[ -z $__awesh_serve && -n $__awesh_serve_w ]]; then __awesh_serve_stop; fi
if [[ -n $__awesh_serve_w && $__awesh_serve_ver != "$__awesh_version" ]]; then __awesh_serve_stop kill; fi
__awesh_serve_orphan
if [[ $__awesh_mode == replace ]]; then PS1='\w\$ '; fi
__awesh_install
