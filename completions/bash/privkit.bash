_privkit() {
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
                cmd="privkit"
                ;;
            privkit,help)
                cmd="privkit__subcmd__help"
                ;;
            privkit,kdbx-audit)
                cmd="privkit__subcmd__kdbx__subcmd__audit"
                ;;
            privkit,machine-id)
                cmd="privkit__subcmd__machine__subcmd__id"
                ;;
            privkit,macrand)
                cmd="privkit__subcmd__macrand"
                ;;
            privkit,mat-strip)
                cmd="privkit__subcmd__mat__subcmd__strip"
                ;;
            privkit,qr-inspect)
                cmd="privkit__subcmd__qr__subcmd__inspect"
                ;;
            privkit__subcmd__help,help)
                cmd="privkit__subcmd__help__subcmd__help"
                ;;
            privkit__subcmd__help,kdbx-audit)
                cmd="privkit__subcmd__help__subcmd__kdbx__subcmd__audit"
                ;;
            privkit__subcmd__help,machine-id)
                cmd="privkit__subcmd__help__subcmd__machine__subcmd__id"
                ;;
            privkit__subcmd__help,macrand)
                cmd="privkit__subcmd__help__subcmd__macrand"
                ;;
            privkit__subcmd__help,mat-strip)
                cmd="privkit__subcmd__help__subcmd__mat__subcmd__strip"
                ;;
            privkit__subcmd__help,qr-inspect)
                cmd="privkit__subcmd__help__subcmd__qr__subcmd__inspect"
                ;;
            privkit__subcmd__help__subcmd__machine__subcmd__id,check)
                cmd="privkit__subcmd__help__subcmd__machine__subcmd__id__subcmd__check"
                ;;
            privkit__subcmd__help__subcmd__machine__subcmd__id,new)
                cmd="privkit__subcmd__help__subcmd__machine__subcmd__id__subcmd__new"
                ;;
            privkit__subcmd__help__subcmd__machine__subcmd__id,rotate)
                cmd="privkit__subcmd__help__subcmd__machine__subcmd__id__subcmd__rotate"
                ;;
            privkit__subcmd__help__subcmd__machine__subcmd__id,show)
                cmd="privkit__subcmd__help__subcmd__machine__subcmd__id__subcmd__show"
                ;;
            privkit__subcmd__machine__subcmd__id,check)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__check"
                ;;
            privkit__subcmd__machine__subcmd__id,help)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__help"
                ;;
            privkit__subcmd__machine__subcmd__id,new)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__new"
                ;;
            privkit__subcmd__machine__subcmd__id,rotate)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__rotate"
                ;;
            privkit__subcmd__machine__subcmd__id,show)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__show"
                ;;
            privkit__subcmd__machine__subcmd__id__subcmd__help,check)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__check"
                ;;
            privkit__subcmd__machine__subcmd__id__subcmd__help,help)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__help"
                ;;
            privkit__subcmd__machine__subcmd__id__subcmd__help,new)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__new"
                ;;
            privkit__subcmd__machine__subcmd__id__subcmd__help,rotate)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__rotate"
                ;;
            privkit__subcmd__machine__subcmd__id__subcmd__help,show)
                cmd="privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__show"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        privkit)
            opts="-s -f -h -V --list --install --symlink --hardlink --man --force --help --version kdbx-audit machine-id macrand mat-strip qr-inspect help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --man)
                    COMPREPLY=()
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o plusdirs
                    fi
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help)
            opts="kdbx-audit machine-id macrand mat-strip qr-inspect help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__kdbx__subcmd__audit)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__machine__subcmd__id)
            opts="rotate show check new"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__machine__subcmd__id__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__machine__subcmd__id__subcmd__new)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__machine__subcmd__id__subcmd__rotate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__machine__subcmd__id__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__macrand)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__mat__subcmd__strip)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__help__subcmd__qr__subcmd__inspect)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__kdbx__subcmd__audit)
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
        privkit__subcmd__machine__subcmd__id)
            opts="-h -V --json --help --version rotate show check new help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__check)
            opts="-h --root --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --root)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__help)
            opts="rotate show check new help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__new)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__rotate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__new)
            opts="-h --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__rotate)
            opts="-n -h --root --wipe-cache --user --no-dbus --dry-run --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --root)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__machine__subcmd__id__subcmd__show)
            opts="-h --root --json --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --root)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__macrand)
            opts="-s -r -e -a -A -b -m -p -S -l -h -V --show --random --ending --another --bia --mac --permanent --restore --stable --all --list --oui-file --state-dir --json --help --version"
            if [[ ${cur} == -* ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --mac)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -m)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stable)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -S)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --list)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -l)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --oui-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "$(command ls /sys/class/net 2>/dev/null)" -- "${cur}") )
            return 0
            ;;
        privkit__subcmd__mat__subcmd__strip)
            opts="-i -o -q -r -j -h -V --inplace --output --force --quiet --skip-unsupported --show --check --recursive --jobs --json --no-orientation --strip-icc --remove-annotations --remove --unknown --max-memory --list-formats --help --version"
            if [[ ${cur} == -* ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --jobs)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --remove)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --unknown)
                    COMPREPLY=($(compgen -W "abort omit keep" -- "${cur}"))
                    return 0
                    ;;
                --max-memory)
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
        privkit__subcmd__qr__subcmd__inspect)
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
    complete -F _privkit -o nosort -o bashdefault -o default privkit
else
    complete -F _privkit -o bashdefault -o default privkit
fi
