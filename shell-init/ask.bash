# awesh ask for bash: ask a question, get the suggested command into your edit line for review.
#
#   awesh_ask QUESTION...   (also `ask`, unless you already have an `ask` command)
#       Prints the answer and its risk label (on stderr) and adds the suggested command to the
#       history: press Up to get it in the edit line, review it, and run it yourself.
#   Alt-a
#       Replaces the current edit line (your question) with the suggested command, cursor at
#       the end, through a readline `bind -x` widget editing READLINE_LINE.
#
# Nothing is ever run for you. `awesh init` appends this file to its script, so the binary it
# found is used; sourced alone, set AWESH_BIN if awesh is not on PATH. Set AWESH_ASK_KEY before
# the init to bind another key (readline/bindkey syntax), or to empty for no key binding.
# Written to survive `set -eu` in the user's shell.

# The command awesh offers is one line without control bytes; anything else (an awesh that
# predates that check, a broken pipe) is refused here too, before it reaches the edit line.
_awesh_ask_offerable() {
    case $1 in
        *[[:cntrl:]]*) printf '%s\n' "awesh: not offering a command with control characters" >&2; return 1 ;;
    esac
}

awesh_ask() {
    local cmd
    cmd=$("${AWESH_BIN:-${__awesh_bin:-awesh}}" ask --command-only -- "$@") || return
    [ -n "$cmd" ] || return 0
    _awesh_ask_offerable "$cmd" || return
    # `history -s` puts the command where Up finds it; it is a no-op when history is off.
    history -s -- "$cmd"
    printf '%s\n' "awesh: press Up to edit: $cmd" >&2
}

_awesh_ask_widget() {
    local question=${READLINE_LINE-} cmd
    [ -n "$question" ] || return 0
    cmd=$("${AWESH_BIN:-${__awesh_bin:-awesh}}" ask --command-only -- "$question") || return 0
    [ -n "$cmd" ] || return 0
    _awesh_ask_offerable "$cmd" || return 0
    READLINE_LINE=$cmd
    READLINE_POINT=${#cmd}
}

if ! type ask >/dev/null 2>&1; then
    ask() { awesh_ask "$@"; }
fi

# Key bindings only where readline is in use (an interactive shell).
if [[ $- == *i* && -n ${AWESH_ASK_KEY-\\ea} ]]; then
    bind -x "\"${AWESH_ASK_KEY-\\ea}\": _awesh_ask_widget" 2>/dev/null || true
fi
