# awesh for fish: put `awesh init fish | source` in ~/.config/fish/config.fish. `awesh init fish`
# prints this file with the values below filled in; everything else is plain fish (3.1 and
# later; tested on 3.6).
#
# Before each prompt (the `fish_prompt` event, which fish emits before it calls the prompt
# function) a handler runs `awesh prompt` once and keeps the result in $AWESH_SEGMENT (and in
# the exported $AWESH_SEGMENT_TEXT, for prompts that run a program, such as starship). By
# default your `fish_prompt` is wrapped: the original is kept as `__awesh_orig_fish_prompt`, run
# with the status and pipestatus your command left, and the segment is put into its last line
# right before the final prompt character (`>`, `❯`, `$`, `#`...), past colours and blanks, or
# before the trailing blanks when there is none. A theme that defines `fish_prompt` again later
# (tide, `fish_config prompt choose`) is wrapped again at the next prompt. fish prints what the
# prompt function writes as it is, so a branch called `(touch pwned)` is text; `awesh prompt
# --shell fish` shows control bytes as `^[` and writes configured styles as raw SGR sequences,
# which fish measures as taking no columns (as it does `set_color`'s).
#
# Toggles for this shell only: `awesh_off` / `awesh_on` (everything), `awesh_off PART` /
# `awesh_on PART` for one part (`awesh_off git`, `awesh_on kube`; the parts are listed below).
#
# By default (`awesh init fish --no-serve` to opt out) each prompt is answered by an `awesh
# serve` this shell started, with no process per prompt. fish keeps no descriptor open between
# commands and its `read` has no timeout, so a FIFO could hang the prompt (opening one waits for
# a peer, forever if the server has died); instead the two talk through regular files in a
# folder only you can enter (under $XDG_RUNTIME_DIR, else /dev/shm, $TMPDIR or /tmp): the hook
# writes the request to `req` (one `printf`), the server, woken by inotify, renames its answer
# over `reply`, and the hook reads `reply` until it holds the answer to this request's number:
# a few reads, each a few microseconds, while the server works. A server that has not answered
# within 1,000 reads (some 20 ms) leaves that prompt to `awesh prompt`, and after three
# such prompts in a row (or once it is gone) it is replaced. Reads and writes of regular files
# never wait on the server, whatever state it is in.

# Filled in by `awesh init`: the binary's absolute path, single-quoted, the prompt mode (add |
# var | replace), serve mode (1, or empty for off), and the names of the parts that can be turned off,
# from awesh's one list of them.
set -g __awesh_bin '@bin@'
set -g __awesh_mode '@mode@'
set -g __awesh_serve '@serve@'
set -g __awesh_parts (string split ' ' -- '@parts@')
set -g __awesh_roots (string split ' ' -- '@roots@') # the parts that stand alone
set -g __awesh_version '@version@' # the server protocol this script speaks

# State, kept when the init is sourced again (re-sourcing config.fish must not reset toggles).
set -q __awesh_off; or set -g __awesh_off ''
set -q __awesh_offs; or set -g __awesh_offs # the parts turned off (a list)
# The same, comma-separated, as the server is told.
function __awesh_offs_join --on-variable __awesh_offs
    set -g __awesh_offs_sent (string join , -- $__awesh_offs)
end
__awesh_offs_join
set -q __awesh_warned; or set -g __awesh_warned ''
set -q AWESH_SEGMENT; or set -g AWESH_SEGMENT ''
set -q AWESH_SEGMENT_TEXT; or set -gx AWESH_SEGMENT_TEXT ''

# Prints one short warning per shell (until `awesh_on`), never one per prompt.
function __awesh_warn
    if test -z "$__awesh_warned"
        set -g __awesh_warned 1
        printf 'awesh: %s; prompt segment left out (`awesh_on` retries)\n' $argv[1] >&2
    end
end

# The compute step, before the prompt function runs. fish gives an event handler the status of
# the last command and restores it afterwards, so the prompt still sees it.
function __awesh_compute --on-event fish_prompt
    set -g AWESH_SEGMENT ''
    if test -n "$__awesh_off"; or not __awesh_any_root_on
        # nothing to show: start no process at all
    else if not test -x "$__awesh_bin"
        # Uninstalled after init: a stat per prompt, no "command not found" per prompt.
        __awesh_warn "$__awesh_bin is missing"
    else if test -n "$__awesh_serve"; and __awesh_serve_send
        # Asked the server: no process started. A prompt that reads the segment itself waits
        # for the answer now; the wrapper of yours (add mode) takes it once your prompt has run,
        # so the server works meanwhile.
        if test "$__awesh_mode" != add
            __awesh_serve_take; or __awesh_plain
        end
    else
        __awesh_plain
    end
    set -gx AWESH_SEGMENT_TEXT "$AWESH_SEGMENT"
    # A theme that defined fish_prompt again since the last prompt: wrap it again, now. Only
    # code can do that, so after Enter on an empty line (no command ran) nothing is looked at.
    if test "$__awesh_mode" = add -a -n "$__awesh_ran"; and not __awesh_wrapped
        __awesh_wrap
    end
    set -g __awesh_ran ''
end

# A command line ran (fish emits nothing for an empty one).
function __awesh_postexec --on-event fish_postexec
    set -g __awesh_ran 1
end
set -g __awesh_ran 1

# The segment from one `awesh prompt` (no server, or it did not answer in time).
function __awesh_plain
    set -l args prompt --shell fish
    set -q __awesh_offs[1]; and set -a args --off (string join , -- $__awesh_offs)
    set -l out ("$__awesh_bin" $args 2>/dev/null | string collect -N)
    set -l rc $pipestatus[1]
    if test $rc -eq 0
        set -g AWESH_SEGMENT "$out"
    else
        __awesh_warn "`awesh prompt` failed (exit $rc)"
    end
end

# Sets $status to its argument (so the original prompt sees the status the command left).
function __awesh_status
    return $argv[1]
end

# True when fish_prompt is awesh's wrapper.
function __awesh_wrapped
    functions -q __awesh_orig_fish_prompt; or return 1
    # (A pipe between builtins: no command substitution, the cheaper by some 70 µs a prompt.)
    functions --details --verbose fish_prompt 2>/dev/null | string match -q -- 'awesh: your prompt, with the segment'
end

# Where the segment ($argv[2]) goes in the last line of a prompt ($argv[1]): before the final
# prompt character past colours and blanks, keeping the blank in front of the character on the
# far side; at the start of the line (with a space) when the character starts it; else before
# the trailing blanks, or at the end with a space.
function __awesh_place
    set -l line $argv[1]
    set -l seg $argv[2]
    # Escape sequences (CSI, OSC ended by BEL or ST, character-set choices such as the `\e(B` of
    # `tput sgr0`), and prompt characters.
    set -l esc '(?:\e\[[0-9;:?<=>!]*[ -/]*[@-~]|\e\][^\a\e]*(?:\a|\e\\\\)|\e[()*+][0-9A-Za-z@])'
    set -l chars '(?:[$#%>❯➜λ»›➤▶❱→⟩❭⮞✗✘⚡♪◆▸⇒⋊∴❮])+'
    # The text, the blanks and colours after it, the character's own colours, the character,
    # and what follows it.
    set -l m (string match -r -- "^(.*?)((?:\s|$esc)*?)((?:$esc)*)($chars)((?:\s|$esc)*)\$" $line)
    if test (count $m) -eq 6
        set -l gap (string match -r -- "^((?:$esc)*)(.*)\$" $m[3])
        if test -n "$gap[3]"
            # A blank before the character: the segment goes before the blank.
            printf '%s' $m[2] $gap[2] $seg $gap[3] $m[4] $m[5] $m[6]
        else if test -z "$m[2]"
            # The character starts the line.
            printf '%s' $m[3] $seg ' ' $m[4] $m[5] $m[6]
        else
            printf '%s' $m[2] $m[3] $seg $m[4] $m[5] $m[6]
        end
        return
    end
    set -l m (string match -r -- "^(.*?)((?:\s|$esc)*)\$" $line)
    set -l gap (string match -r -- "^((?:$esc)*)(.*)\$" $m[3])
    if test -n "$gap[3]"
        printf '%s' $m[2] $gap[2] $seg $gap[3]
    else
        printf '%s' $line $seg ' '
    end
end

# Wraps the current fish_prompt (loading it first if it is autoloaded).
function __awesh_wrap
    functions -q fish_prompt; or return
    functions -e __awesh_orig_fish_prompt
    functions -c fish_prompt __awesh_orig_fish_prompt
    function fish_prompt --description 'awesh: your prompt, with the segment'
        set -l __awesh_st $status
        set -l __awesh_ps $pipestatus
        # Run the original with the status and pipestatus the command left (a pipeline of
        # statuses, built and evaluated only when the command was a pipeline).
        set -l out
        if set -q __awesh_ps[2]
            set -l __awesh_pipe (string join ' | ' -- '__awesh_status '$__awesh_ps)
            set out (eval $__awesh_pipe; __awesh_status $__awesh_st; __awesh_orig_fish_prompt | string collect -N)
        else
            set out (__awesh_status $__awesh_ps[1]; __awesh_status $__awesh_st; __awesh_orig_fish_prompt | string collect -N)
        end
        # The server's answer to the request the compute step sent.
        if set -q __awesh_pending[1]
            __awesh_serve_take; or __awesh_plain
            set -gx AWESH_SEGMENT_TEXT "$AWESH_SEGMENT"
        end
        if test -n "$__awesh_off"; or test -z "$AWESH_SEGMENT"
            printf '%s' "$out"
            return
        end
        # (Split only when there is more than one line: a command substitution costs.)
        set -l lines "$out"
        string match -q -- '*'\n'*' "$out"; and set lines (string split \n -- "$out")
        # Placed again only when the line or the segment changed since the last prompt.
        if test "$lines[-1]" != "$__awesh_placed_line" -o "$AWESH_SEGMENT" != "$__awesh_placed_seg"
            set -g __awesh_placed_line $lines[-1]
            set -g __awesh_placed_seg $AWESH_SEGMENT
            set -g __awesh_placed (__awesh_place "$lines[-1]" "$AWESH_SEGMENT")
        end
        if set -q lines[2]
            printf '%s\n' $lines[1..-2]
        end
        printf '%s' "$__awesh_placed"
    end
end

# ---- Serve ----
# State, kept when the init is sourced again: the server's folder and pid, the version of the
# script that started it, the last request's number, the prompts in a row it missed, and how
# many prompts to wait before starting another after one that never answered.
set -q __awesh_serve_dir; or set -g __awesh_serve_dir ''
set -q __awesh_serve_pid; or set -g __awesh_serve_pid ''
set -q __awesh_serve_ver; or set -g __awesh_serve_ver ''
set -q __awesh_serve_id; or set -g __awesh_serve_id 1
set -q __awesh_serve_misses; or set -g __awesh_serve_misses 0
set -q __awesh_serve_wait; or set -g __awesh_serve_wait 0
set -g __awesh_pending # the number of the request sent for this prompt, until its answer is taken
# Request numbers: after N comes $__awesh_ids[N] (1 to 99, then 1 again), with no `math`.
set -g __awesh_ids 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99 1

# The variables awesh reads (the same list as `awesh prompt`'s), sent when exported, as a child
# process would see them: a list joined by spaces, a path variable's by colons. Worked out again
# only when one of them changes, not at every prompt.
set -g __awesh_serve_names HOME KUBECONFIG GIT_DIR GIT_WORK_TREE GIT_CEILING_DIRECTORIES GIT_DISCOVERY_ACROSS_FILESYSTEM AWESH_TIMEOUT_MS AWESH_CACHE_DIR AWESH_CONFIG XDG_CACHE_HOME XDG_CONFIG_HOME
function __awesh_serve_fields --on-variable HOME --on-variable KUBECONFIG --on-variable GIT_DIR --on-variable GIT_WORK_TREE --on-variable GIT_CEILING_DIRECTORIES --on-variable GIT_DISCOVERY_ACROSS_FILESYSTEM --on-variable AWESH_TIMEOUT_MS --on-variable AWESH_CACHE_DIR --on-variable AWESH_CONFIG --on-variable XDG_CACHE_HOME --on-variable XDG_CONFIG_HOME
    set -g __awesh_serve_vars
    for v in $__awesh_serve_names
        set -qx $v; and set -ga __awesh_serve_vars "$v=$$v"
    end
end
__awesh_serve_fields

# Starts a server in a new folder (its first answer, `0:`, says it is ready; until then prompts
# use `awesh prompt`).
function __awesh_serve_start
    __awesh_serve_stop
    set -l base /tmp
    for b in "$XDG_RUNTIME_DIR" /dev/shm "$TMPDIR"
        if test -n "$b" -a -d "$b" -a -w "$b"
            set base $b
            break
        end
    end
    set -g __awesh_serve_dir $base/awesh-fish.$fish_pid.(random)
    "$__awesh_bin" serve --mailbox $__awesh_serve_dir </dev/null >/dev/null 2>/dev/null &
    set -g __awesh_serve_pid $last_pid
    disown $last_pid 2>/dev/null
    set -g __awesh_serve_ver $__awesh_version
    set -g __awesh_serve_misses 0
    # Should this server never answer, the next waits 20 prompts.
    set -g __awesh_serve_wait 20
    # Exported, so that a fish this one becomes with `exec` can stop it (below).
    set -gx __AWESH_SERVER "$fish_pid $__awesh_serve_pid $__awesh_serve_dir"
end

# Ends the server $argv[2] whose folder is $argv[1]: asks it to stop (it removes its folder),
# or with `kill` (one that is not answering) kills it if it is still this binary's. The folder
# of one that is gone is removed here (one process, only then).
function __awesh_serve_bye
    set -l dir $argv[1]
    string match -q -- '*/awesh-fish.*' $dir; or return
    test -e "$dir/reply"; and printf '%s\0' stop=1 '' >$dir/req
    if test "$argv[3]" = kill -a -n "$argv[2]"
        set -l arg0
        read -z arg0 </proc/$argv[2]/cmdline 2>/dev/null
        test "$arg0" = "$__awesh_bin"; and command kill -KILL $argv[2] 2>/dev/null
        command rm -rf -- $dir
    else if test -n "$argv[2]"; and not test -d /proc/$argv[2]
        command rm -rf -- $dir
    end
end

# Stops this shell's server; `kill` as for __awesh_serve_bye.
function __awesh_serve_stop
    test -n "$__awesh_serve_dir"; and __awesh_serve_bye $__awesh_serve_dir "$__awesh_serve_pid" $argv[1]
    set -g __awesh_serve_dir ''
    set -g __awesh_serve_pid ''
    set -e __AWESH_SERVER
end

# Leaving fish: its server goes at once (it would anyway, seeing its parent gone).
function __awesh_serve_exit --on-event fish_exit
    __awesh_serve_stop
end

# Sends the server this prompt's request (its number in $__awesh_pending); false when there is
# no server ready to ask.
function __awesh_serve_send
    set -g __awesh_pending
    if test -z "$__awesh_serve_dir" -o "$__awesh_serve_ver" != "$__awesh_version"; or not test -d /proc/$__awesh_serve_pid
        # None yet, one started by another awesh's script (start one now), or one that is gone
        # (at once if it had answered, else after the wait).
        if test "$__awesh_serve_ver" = "$__awesh_version" -a $__awesh_serve_wait -gt 0
            set -g __awesh_serve_wait (math $__awesh_serve_wait - 1)
            return 1
        end
        __awesh_serve_start
        return 1
    end
    set -l dir $__awesh_serve_dir
    # Not ready yet.
    test -e $dir/reply; or return 1
    set -l id $__awesh_ids[$__awesh_serve_id]
    set -g __awesh_serve_id $id
    printf '%s\0' id=$id pid=$fish_pid cwd=$PWD shell=fish "off=$__awesh_offs_sent" $__awesh_serve_vars '' >$dir/req
    set -g __awesh_pending $id
end

# Takes the answer to the pending request: true and $AWESH_SEGMENT set when it came in time.
function __awesh_serve_take
    set -l id $__awesh_pending
    set -g __awesh_pending
    test -n "$id"; or return 1
    set -l dir $__awesh_serve_dir
    # At most 1,000 reads, by loops over short literal lists (expanding a long list costs more
    # than the reads).
    for a in 0 1 2 3 4 5 6 7 8 9
        for b in 0 1 2 3 4 5 6 7 8 9
            for c in 0 1 2 3 4 5 6 7 8 9
                read -z -l reply <$dir/reply
                if string match -qr -- "^$id:(?<__awesh_got>[^\x1e]*)\x1e" $reply
                    set -g AWESH_SEGMENT $__awesh_got
                    set -g __awesh_serve_misses 0
                    set -g __awesh_serve_wait 0
                    return 0
                end
            end
        end
    end
    set -g __awesh_serve_misses (math $__awesh_serve_misses + 1)
    if test $__awesh_serve_misses -ge 3
        __awesh_serve_stop kill
    end
    return 1
end

# A fish that replaced another with `exec` has the same pid but none of its variables: the
# server the old one started would idle until this fish exits. Stop it now.
if set -q __AWESH_SERVER; and test -z "$__awesh_serve_dir"
    set -l old (string split -m 2 ' ' -- $__AWESH_SERVER)
    test "$old[1]" = "$fish_pid"; and __awesh_serve_bye "$old[3]" "$old[2]"
    set -e __AWESH_SERVER
end

# `awesh_off` turns all of awesh off in this shell (the prompt is yours again, and no process
# runs); `awesh_off PART` leaves out one part.
function awesh_off
    if test -z "$argv[1]"
        set -g __awesh_off 1
    else if contains -- $argv[1] $__awesh_parts
        contains -- $argv[1] $__awesh_offs; or set -ga __awesh_offs $argv[1]
    else
        printf 'awesh_off: unknown part %s (%s, or nothing for all)\n' $argv[1] (string join ', ' -- $__awesh_parts) >&2
        return 2
    end
end

# `awesh_on` turns everything back on (and allows the warning again); `awesh_on PART` brings
# back one part.
function awesh_on
    if test -z "$argv[1]"
        set -g __awesh_offs
    else if contains -- $argv[1] $__awesh_parts
        set -l at (contains -i -- $argv[1] $__awesh_offs); and set -e __awesh_offs[$at]
    else
        printf 'awesh_on: unknown part %s (%s, or nothing for all)\n' $argv[1] (string join ', ' -- $__awesh_parts) >&2
        return 2
    end
    set -g __awesh_off ''
    set -g __awesh_warned ''
end

# True when some part that stands alone is on (else nothing would be shown).
function __awesh_any_root_on
    for p in $__awesh_roots
        contains -- $p $__awesh_offs; or return 0
    end
    return 1
end

# Toggles kept by an older awesh's init in this shell carry over when config.fish is sourced again.
set -q __awesh_no_git; and test -n "$__awesh_no_git"; and awesh_off git
set -q __awesh_no_kube; and test -n "$__awesh_no_kube"; and awesh_off kube
set -e __awesh_no_git __awesh_no_kube

switch $__awesh_mode
    case replace
        function fish_prompt --description 'awesh: the directory, the segment'
            printf '%s%s> ' (prompt_pwd) "$AWESH_SEGMENT"
        end
    case add
        __awesh_wrapped; or __awesh_wrap
end
