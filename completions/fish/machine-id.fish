# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_machine_id_global_optspecs
    string join \n json h/help V/version
end

function __fish_machine_id_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_machine_id_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_machine_id_using_subcommand
    set -l cmd (__fish_machine_id_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c machine-id -n "__fish_machine_id_needs_command" -l json -d 'Print one JSON object instead of text'
complete -c machine-id -n "__fish_machine_id_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c machine-id -n "__fish_machine_id_needs_command" -s V -l version -d 'Print version'
complete -c machine-id -n "__fish_machine_id_needs_command" -f -a "rotate" -d 'Write a new random id to /etc/machine-id and the D-Bus copy'
complete -c machine-id -n "__fish_machine_id_needs_command" -f -a "show" -d 'Print the current machine id'
complete -c machine-id -n "__fish_machine_id_needs_command" -f -a "check" -d 'Check the id: format, not all zeros, mode 0444, D-Bus copy consistent (exit 1 on a problem)'
complete -c machine-id -n "__fish_machine_id_needs_command" -f -a "new" -d 'Print a fresh random id; write nothing'
complete -c machine-id -n "__fish_machine_id_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c machine-id -n "__fish_machine_id_using_subcommand rotate" -l root -d 'Act on the system image under DIR instead of /' -r -F
complete -c machine-id -n "__fish_machine_id_using_subcommand rotate" -l user -d 'With --wipe-cache, only this user\'s cache (repeatable)' -r
complete -c machine-id -n "__fish_machine_id_using_subcommand rotate" -l wipe-cache -d 'Also empty ~/.cache of root and of every user in ROOT/etc/passwd'
complete -c machine-id -n "__fish_machine_id_using_subcommand rotate" -l no-dbus -d 'Leave ROOT/var/lib/dbus/machine-id alone'
complete -c machine-id -n "__fish_machine_id_using_subcommand rotate" -s n -l dry-run -d 'Say what would be done, change nothing'
complete -c machine-id -n "__fish_machine_id_using_subcommand rotate" -l json -d 'Print one JSON object instead of text'
complete -c machine-id -n "__fish_machine_id_using_subcommand rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c machine-id -n "__fish_machine_id_using_subcommand show" -l root -d 'Act on the system image under DIR instead of /' -r -F
complete -c machine-id -n "__fish_machine_id_using_subcommand show" -l json -d 'Print one JSON object instead of text'
complete -c machine-id -n "__fish_machine_id_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c machine-id -n "__fish_machine_id_using_subcommand check" -l root -d 'Act on the system image under DIR instead of /' -r -F
complete -c machine-id -n "__fish_machine_id_using_subcommand check" -l json -d 'Print one JSON object instead of text'
complete -c machine-id -n "__fish_machine_id_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c machine-id -n "__fish_machine_id_using_subcommand new" -l json -d 'Print one JSON object instead of text'
complete -c machine-id -n "__fish_machine_id_using_subcommand new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c machine-id -n "__fish_machine_id_using_subcommand help; and not __fish_seen_subcommand_from rotate show check new help" -f -a "rotate" -d 'Write a new random id to /etc/machine-id and the D-Bus copy'
complete -c machine-id -n "__fish_machine_id_using_subcommand help; and not __fish_seen_subcommand_from rotate show check new help" -f -a "show" -d 'Print the current machine id'
complete -c machine-id -n "__fish_machine_id_using_subcommand help; and not __fish_seen_subcommand_from rotate show check new help" -f -a "check" -d 'Check the id: format, not all zeros, mode 0444, D-Bus copy consistent (exit 1 on a problem)'
complete -c machine-id -n "__fish_machine_id_using_subcommand help; and not __fish_seen_subcommand_from rotate show check new help" -f -a "new" -d 'Print a fresh random id; write nothing'
complete -c machine-id -n "__fish_machine_id_using_subcommand help; and not __fish_seen_subcommand_from rotate show check new help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
