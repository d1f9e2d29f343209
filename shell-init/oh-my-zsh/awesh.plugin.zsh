# The oh-my-zsh plugin: copy this folder to $ZSH_CUSTOM/plugins/awesh and add awesh to
# plugins=(...). It is `awesh init zsh`, run when the plugin loads; where in the list it stands
# does not matter (awesh computes before the theme's hooks and inserts after them).
if (( $+commands[awesh] )); then
    eval "$(awesh init zsh ${=AWESH_INIT_ARGS:-})"
fi
