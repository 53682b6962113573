# bash completion for synthembed-cli: subcommands and options are read from the program's own
# --help, so completion follows whatever the installed version offers.
_synthembed_cli_help_words() {
    # $@: command path (program and subcommands); prints subcommand names and --options.
    "$@" --help 2>/dev/null | awk '
        /^Subcommands:/ { sub_ = 1; next }
        /^[A-Z]/        { sub_ = 0 }
        sub_ && /^  [a-z]/ { print $1 }
        { while (match($0, /--[a-z][a-z0-9-]*/)) { print substr($0, RSTART, RLENGTH); $0 = substr($0, RSTART + RLENGTH) } }
    ' | sort -u
}
_synthembed_cli() {
    local cur prev words cword
    _init_completion || return
    case $prev in
        --db|--output|--input|--index|-o|-i) _filedir; return ;;
        --model|--data|--resume)            _filedir -d; return ;;
    esac
    local path=("${words[0]}") i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -*) ;;
            *) [[ ${words[i-1]} == --* ]] && continue; path+=("${words[i]}") ;;
        esac
    done
    COMPREPLY=($(compgen -W "$(_synthembed_cli_help_words "${path[@]}")" -- "$cur"))
}
complete -F _synthembed_cli synthembed-cli
