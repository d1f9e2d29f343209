# awesh ask for fish: ask a question, get the suggested command into your command line for review.
#
#   awesh_ask QUESTION...   (also `ask`, unless you already have an `ask` command)
#       Prints the answer and its risk label (on stderr) and keeps the suggested command: press
#       Alt-a on the empty command line to get it there (fish lets only a key binding edit the
#       command line), review it, and run it yourself.
#   Alt-a
#       Replaces the current command line (your question) with the suggested command
#       (`commandline -r`).
#
# Nothing is ever run for you. `awesh init` appends this file to its script, so the binary it
# found is used; sourced alone, set AWESH_BIN if awesh is not on PATH. Set AWESH_ASK_KEY before
# the init to bind another key (`bind` syntax), or to empty for no key binding.

function __awesh_ask_bin
    if set -q AWESH_BIN
        printf '%s' $AWESH_BIN
    else if set -q __awesh_bin
        printf '%s' $__awesh_bin
    else
        printf awesh
    end
end

# The command awesh offers is one line without control bytes; anything else (an awesh that
# predates that check, a broken pipe) is refused here too, before it reaches the command line.
function __awesh_ask_offerable
    if string match -qr -- '[\x00-\x1f\x7f]' $argv[1]
        printf '%s\n' "awesh: not offering a command with control characters" >&2
        return 1
    end
end

function awesh_ask --description 'awesh: ask, and get the suggested command to edit'
    set -l bin (__awesh_ask_bin)
    set -l cmd ($bin ask --command-only -- $argv | string collect)
    or return
    test -n "$cmd"; or return 0
    __awesh_ask_offerable "$cmd"; or return
    # fish lets only a key binding edit the command line: Alt-a on an empty line brings it.
    set -g __awesh_ask_next $cmd
    printf 'awesh: press Alt-a to edit: %s\n' $cmd >&2
end

# Alt-a: with a question typed, replaces it with the suggested command; on an empty line, brings
# the command the last `awesh_ask` suggested.
function __awesh_ask_widget
    set -l question (commandline)
    if test -z "$question"
        if set -q __awesh_ask_next
            commandline -r -- $__awesh_ask_next
            set -e __awesh_ask_next
        end
        return 0
    end
    set -l bin (__awesh_ask_bin)
    set -l cmd ($bin ask --command-only -- "$question" | string collect)
    or begin
        commandline -f repaint
        return 0
    end
    test -n "$cmd"; and __awesh_ask_offerable "$cmd"; and commandline -r -- $cmd
    commandline -f repaint
end

if not type -q ask
    function ask --description 'awesh: ask, and get the suggested command to edit'
        awesh_ask $argv
    end
end

if status is-interactive
    set -l key \ea
    set -q AWESH_ASK_KEY; and set key $AWESH_ASK_KEY
    test -n "$key"; and bind $key __awesh_ask_widget
end
