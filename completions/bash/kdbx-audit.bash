_kdbx__audit() {
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
                cmd="kdbx__audit"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        kdbx__audit)
            opts="-h -V --keyfile --no-password --password-file --password-stdin --min-score --hibp --include-recycle-bin --include-excluded --max-kdf-seconds --include-history --json --help --version"
            if [[ ${cur} == -* ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --keyfile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --min-score)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hibp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-kdf-seconds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            compopt -o filenames 2>/dev/null
            COMPREPLY=( $(compgen -d -- "${cur}") $(compgen -f -X '!*.kdbx' -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _kdbx__audit -o nosort -o bashdefault -o default kdbx-audit
else
    complete -F _kdbx__audit -o bashdefault -o default kdbx-audit
fi
