# awesh ask for fish: ask a question, get the suggested command into your command line for review.
#
#   awesh_ask QUESTION...   (also `ask`, unless you already have an `ask` command)
#       Prints the answer and its risk label (on stderr) and puts the suggested command in the
#       command line (`commandline -r`) when called from a key binding, else in the next one
#       (pushed with `commandline` once the prompt is back): review it, and run it yourself.
#   Alt-a
#       Replaces the current command line (your question) with the suggested command.
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

function awesh_ask --description 'awesh: ask, and get the suggested command to edit'
    set -l bin (__awesh_ask_bin)
    set -l cmd ($bin ask --command-only -- $argv | string collect)
    or return
    test -n "$cmd"; or return 0
    # The next command line starts with it, once the prompt is drawn again.
    set -g __awesh_ask_next $cmd
    printf 'awesh: the next command line holds: %s\n' $cmd >&2
end

# Fills the command line with the command awesh_ask left, once (a fish_prompt handler runs
# before the line editor starts, so the text is put there on the next repaint).
function __awesh_ask_fill --on-event fish_prompt
    set -q __awesh_ask_next; or return
    set -l cmd $__awesh_ask_next
    set -e __awesh_ask_next
    commandline -r -- $cmd 2>/dev/null
end

function __awesh_ask_widget
    set -l question (commandline)
    test -n "$question"; or return 0
    set -l bin (__awesh_ask_bin)
    set -l cmd ($bin ask --command-only -- "$question" | string collect)
    or begin
        commandline -f repaint
        return 0
    end
    test -n "$cmd"; and commandline -r -- $cmd
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
