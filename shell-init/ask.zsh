# awesh ask for zsh: ask a question, get the suggested command into your edit line for review.
#
#   awesh_ask QUESTION...   (also `ask`, unless you already have an `ask` command)
#       Prints the answer and its risk label (on stderr) and pushes the suggested command with
#       `print -z`, so it is in the next edit line: review it, and run it yourself.
#   Alt-a
#       Replaces the current edit line (your question) with the suggested command, cursor at
#       the end (a zle widget editing BUFFER).
#
# Nothing is ever run for you. `awesh init` appends this file to its script, so the binary it
# found is used; sourced alone, set AWESH_BIN if awesh is not on PATH. Set AWESH_ASK_KEY before
# the init to bind another key (readline/bindkey syntax), or to empty for no key binding.
# Written to survive `setopt err_exit no_unset` in the user's shell.

# The command awesh offers is one line without control bytes; anything else (an awesh that
# predates that check, a broken pipe) is refused here too, before it reaches the edit line.
_awesh_ask_offerable() {
    if [[ $1 == *[[:cntrl:]]* ]]; then
        print -ru2 -- "awesh: not offering a command with control characters"
        return 1
    fi
}

awesh_ask() {
    local cmd
    cmd=$("${AWESH_BIN:-${__awesh_bin:-awesh}}" ask --command-only -- "$@") || return
    [[ -n $cmd ]] || return 0
    _awesh_ask_offerable "$cmd" || return
    print -rz -- "$cmd"
}

_awesh_ask_widget() {
    local question=${BUFFER-} cmd
    [[ -n $question ]] || return 0
    # zle owns the terminal: let the answer printed on stderr start on a fresh line.
    zle -I
    cmd=$("${AWESH_BIN:-${__awesh_bin:-awesh}}" ask --command-only -- "$question") || return 0
    [[ -n $cmd ]] || return 0
    _awesh_ask_offerable "$cmd" || return 0
    BUFFER=$cmd
    CURSOR=${#BUFFER}
}

if (( ! ${+commands[ask]} && ! ${+functions[ask]} && ! ${+aliases[ask]} )); then
    ask() { awesh_ask "$@"; }
fi

if [[ -o interactive && -n ${AWESH_ASK_KEY-'^[a'} ]]; then
    zle -N _awesh_ask_widget 2>/dev/null && bindkey "${AWESH_ASK_KEY-^[a}" _awesh_ask_widget
fi
