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
# No serve mode: fish keeps no descriptor open between commands and its `read` has no timeout,
# so a server that stopped answering would hang the prompt. `--serve` and `--no-serve` are accepted and ignored.

# Filled in by `awesh init`: the binary's absolute path, single-quoted, the prompt mode (add |
# var | replace), serve mode (unused here), and the names of the parts that can be turned off,
# from awesh's one list of them.
set -g __awesh_bin '@bin@'
set -g __awesh_mode '@mode@'
set -g __awesh_serve '@serve@'
set -g __awesh_parts (string split ' ' -- '@parts@')
set -g __awesh_roots (string split ' ' -- '@roots@') # the parts that stand alone
set -g __awesh_version '@version@' # unused: fish has no serve mode

# State, kept when the init is sourced again (re-sourcing config.fish must not reset toggles).
set -q __awesh_off; or set -g __awesh_off ''
set -q __awesh_offs; or set -g __awesh_offs # the parts turned off (a list)
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
    else
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
    set -gx AWESH_SEGMENT_TEXT "$AWESH_SEGMENT"
    # A theme that defined fish_prompt again since the last prompt: wrap it again, now.
    if test "$__awesh_mode" = add; and not __awesh_wrapped
        __awesh_wrap
    end
end

# Sets $status to its argument (so the original prompt sees the status the command left).
function __awesh_status
    return $argv[1]
end

# True when fish_prompt is awesh's wrapper.
function __awesh_wrapped
    functions -q __awesh_orig_fish_prompt; or return 1
    set -l details (functions --details --verbose fish_prompt 2>/dev/null)
    test "$details[5]" = 'awesh: your prompt, with the segment'
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
        # Run the original with the status and pipestatus the command left.
        set -l __awesh_pipe (string join ' | ' -- '__awesh_status '$__awesh_ps)
        set -l out (eval $__awesh_pipe; __awesh_status $__awesh_st; __awesh_orig_fish_prompt | string collect -N)
        set -l lines (string split \n -- "$out")
        if test -n "$__awesh_off"; or test -z "$AWESH_SEGMENT"
            printf '%s' "$out"
            return
        end
        set -l last (__awesh_place "$lines[-1]" "$AWESH_SEGMENT")
        if test (count $lines) -gt 1
            printf '%s\n' $lines[1..-2]
        end
        printf '%s' "$last"
    end
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
