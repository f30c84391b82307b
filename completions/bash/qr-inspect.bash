_qr__inspect() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="qr__inspect"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        qr__inspect)
            opts="-h -V --blocklist --allowlist --no-default-lists --json --raw --no-escape --list-formats --show-secrets --camera --timeout --help --version"
            if [[ ${cur} == -* ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --blocklist)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allowlist)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --camera)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            compopt -o filenames 2>/dev/null
            COMPREPLY=( $(compgen -f -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _qr__inspect -o nosort -o bashdefault -o default qr-inspect
else
    complete -F _qr__inspect -o bashdefault -o default qr-inspect
fi
