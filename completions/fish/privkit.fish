# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_privkit_global_optspecs
    string join \n list install s/symlink hardlink man= f/force h/help V/version
end

function __fish_privkit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_privkit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_privkit_using_subcommand
    set -l cmd (__fish_privkit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c privkit -n "__fish_privkit_needs_command" -l man -d 'With --install, also write the man pages into MANDIR (a man1 directory, e.g. /usr/local/share/man/man1), one per applet name too' -r -f -a "(__fish_complete_directories)"
complete -c privkit -n "__fish_privkit_needs_command" -l list -d 'Print the applet names, one per line'
complete -c privkit -n "__fish_privkit_needs_command" -l install -d 'Create a link named after each applet in DIR'
complete -c privkit -n "__fish_privkit_needs_command" -s s -l symlink -d 'With --install, make symbolic links (the default)'
complete -c privkit -n "__fish_privkit_needs_command" -l hardlink -d 'With --install, make hard links'
complete -c privkit -n "__fish_privkit_needs_command" -s f -l force -d 'With --install, replace files that are not links to privkit (or its pages)'
complete -c privkit -n "__fish_privkit_needs_command" -s h -l help -d 'Print help'
complete -c privkit -n "__fish_privkit_needs_command" -s V -l version -d 'Print version'
complete -c privkit -n "__fish_privkit_needs_command" -a "kdbx-audit" -d 'Find reused, weak, breached and expired passwords in a KeePass database'
complete -c privkit -n "__fish_privkit_needs_command" -a "machine-id" -d 'Rotate /etc/machine-id and its D-Bus copy atomically, wipe caches'
complete -c privkit -n "__fish_privkit_needs_command" -a "macrand" -d 'Randomize, set or restore network interfaces\' MAC addresses (a better macchanger)'
complete -c privkit -n "__fish_privkit_needs_command" -a "mat-strip" -d 'Remove metadata from images and documents without touching their content'
complete -c privkit -n "__fish_privkit_needs_command" -a "qr-inspect" -d 'Decode QR codes in images and tell whether their payload is safe to open'
complete -c privkit -n "__fish_privkit_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l keyfile -d 'Key file, alone (with --no-password) or with the password' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l password-file -d 'Read the password from the first line of FILE (mode 600 or stricter)' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l min-score -d 'Report passwords whose zxcvbn score (0-4) is below N' -r
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l hibp -d 'Offline Have I Been Pwned file (SHA1HEX:COUNT lines, by hash or by prevalence)' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l max-kdf-seconds -d 'Refuse databases whose key derivation would take longer than N seconds here' -r
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l no-password -d 'The database is locked by the key file only'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l password-stdin -d 'Read the password as one line from standard input'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l include-recycle-bin -d 'Audit the entries in the recycle bin too'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l include-excluded -d 'Audit entries excluded from reports in KeePassXC too'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l include-history -d 'Audit history versions too (labelled with their date)'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -l json -d 'Print one JSON document'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -s V -l version -d 'Print version'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and not __fish_seen_subcommand_from rotate show check new help" -l json -d 'Print one JSON object instead of text'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and not __fish_seen_subcommand_from rotate show check new help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and not __fish_seen_subcommand_from rotate show check new help" -s V -l version -d 'Print version'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and not __fish_seen_subcommand_from rotate show check new help" -f -a "rotate" -d 'Write a new random id to /etc/machine-id and the D-Bus copy'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and not __fish_seen_subcommand_from rotate show check new help" -f -a "show" -d 'Print the current machine id'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and not __fish_seen_subcommand_from rotate show check new help" -f -a "check" -d 'Check the id: format, not all zeros, mode 0444, D-Bus copy consistent (exit 1 on a problem)'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and not __fish_seen_subcommand_from rotate show check new help" -f -a "new" -d 'Print a fresh random id; write nothing'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and not __fish_seen_subcommand_from rotate show check new help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from rotate" -l root -d 'Act on the system image under DIR instead of /' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from rotate" -l user -d 'With --wipe-cache, only this user\'s cache (repeatable)' -r
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from rotate" -l wipe-cache -d 'Also empty ~/.cache of root and of every user in ROOT/etc/passwd'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from rotate" -l no-dbus -d 'Leave ROOT/var/lib/dbus/machine-id alone'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from rotate" -s n -l dry-run -d 'Say what would be done, change nothing'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from rotate" -l json -d 'Print one JSON object instead of text'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from show" -l root -d 'Act on the system image under DIR instead of /' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON object instead of text'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from check" -l root -d 'Act on the system image under DIR instead of /' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from check" -l json -d 'Print one JSON object instead of text'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from new" -l json -d 'Print one JSON object instead of text'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Write a new random id to /etc/machine-id and the D-Bus copy'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the current machine id'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the id: format, not all zeros, mode 0444, D-Bus copy consistent (exit 1 on a problem)'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from help" -f -a "new" -d 'Print a fresh random id; write nothing'
complete -c privkit -n "__fish_privkit_using_subcommand machine-id; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s m -l mac -d 'Set exactly this address' -r
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s S -l stable -d 'A stable address for this interface and KEY (e.g. the network\'s name)' -r
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s l -l list -d 'Print the known vendors (whose name contains KEYWORD)' -r
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -l oui-file -d 'IEEE registry CSV to use instead of the built-in one' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -l state-dir -d 'Where --restore\'s original addresses are kept [default: /run/privkit/macrand]' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s s -l show -d 'Print the current and permanent address, with vendor names'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s r -l random -d 'Fully random, unicast, locally administered address (the default)'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s e -l ending -d 'Keep the vendor part (first 3 octets), randomize the rest'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s a -l another -d 'A random vendor of the same kind (wireless for a wireless interface)'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s A -d 'A random vendor of any kind'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s b -l bia -d 'With -r, -a or -A: look like a burned-in address (no locally-administered bit)'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s p -l permanent -d 'Back to the permanent (burned-in) address'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -l restore -d 'Put back the address from before privkit\'s first change since boot'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -l all -d 'Act on every interface (those without a MAC address are skipped)'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -l json -d 'One JSON object per interface'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -s V -l version -d 'Print version'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -s o -l output -d 'Write the cleaned file here (one input only; - for standard output); DIR/ (a trailing slash, or an existing directory): each cleaned file into DIR under its own name, with -r the input tree mirrored, an existing file never replaced unless --force' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -s j -l jobs -d 'Files cleaned in parallel; with fewer files than workers, --show and --check also read the parts of a document side by side [default: the number of cores]' -r
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l remove -d 'Also remove this document content, which may identify people (a comma-separated list): comments (Word, PowerPoint, Excel and OpenDocument comments with their anchors in the text; a workbook\'s notes drawing keeps the controls or pictures it also holds), changes (Word and OpenDocument tracked changes accepted: the text is the final text), notes (PowerPoint and OpenDocument speaker notes), annotations (PDF comments, highlights, stamps; links and form fields stay, where --remove-annotations drops them too), attachments (PDF embedded files), forms (PDF form field values; the fields stay, empty), hidden (OpenDocument hidden text, paragraphs and sections, shapes wholly off the page and white text on a white page, PowerPoint hidden slides with their notes, shapes and pictures wholly off the slide and white text on a white slide, Word text hidden by the run or its style and white text on the white page, hidden paragraph marks joined to the next paragraph; OpenDocument text hidden by a text style goes, by a paragraph style is refused), all-content (all of these). Without it, content is never changed' -r
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l unknown -d 'A document part, attachment or audio chunk mat-strip cannot check: abort (refuse the file), omit (leave it out) or keep (keep it, reported as unchecked); in archives (zip, tar) a member of an unknown kind is kept and reported as unchecked unless --unknown is given (abort then refuses the archive naming the member, omit leaves it out)' -r -f -a "abort\t''
omit\t''
keep\t''"
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l max-memory -d 'Memory all files being cleaned at once may hold (a file read whole, a document\'s inflated parts, standard input); a file that needs more is refused (65), one that must wait for others waits [default: 1536M] (suffixes K, M, G)' -r
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -s i -l inplace -d 'Replace each file with its cleaned version (atomically; other hard links to it keep the old content, and a warning says so)'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l force -d 'With -o DIR/: replace files that already exist there'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -s q -l quiet -d 'Print only errors, the files --check finds metadata in, and the summary'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l skip-unsupported -d 'Files of a format mat-strip does not know are reported (and counted in the summary) but do not change the exit status'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l show -d 'List the metadata found, grouped by what it gives away (location, identity, device, time, content, other), with GPS in decimal degrees and dates in ISO 8601; write nothing'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l check -d 'Write nothing; exit 1 if any file carries removable metadata, one line per file naming the categories found'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -s r -l recursive -d 'Clean the files in directories, recursively (skips X.cleaned.EXT beside X.EXT)'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l json -d 'One JSON object per file'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l no-orientation -d 'Drop the EXIF Orientation too (by default it is kept so photos stay upright)'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l strip-icc -d 'Drop ICC colour profiles too'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l remove-annotations -d 'PDF: drop every annotation of every page, links and form-field widgets included (blunter than --remove annotations, which drops only what reviewers add: comments, highlights, stamps)'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -l list-formats -d 'Print the supported formats and what is removed from each'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand mat-strip" -s V -l version -d 'Print version'
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l blocklist -d 'A DNS blocklist (hosts, domains, adblock or dnscrypt-proxy format)' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l allowlist -d 'A list of domains never to block, in the same formats' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l camera -d 'Scan from a video device until a code is seen (builds with the camera feature)' -r -F
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l timeout -d 'With --camera: give up after this long, exit 4 [default: 30]' -r
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l no-default-lists -d 'Do not read the lists in /etc/privkit and ~/.config/privkit'
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l json -d 'Print one JSON object per decoded code per line'
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l raw -d 'Print only the payloads, one per line'
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l no-escape -d 'With --raw: write payloads unescaped when standard output is not a terminal'
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l list-formats -d 'List the symbologies read, one per line, and exit'
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -l show-secrets -d 'Show Wi-Fi passwords and two-factor seeds instead of masking them'
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c privkit -n "__fish_privkit_using_subcommand qr-inspect" -s V -l version -d 'Print version'
complete -c privkit -n "__fish_privkit_using_subcommand help; and not __fish_seen_subcommand_from kdbx-audit machine-id macrand mat-strip qr-inspect help" -f -a "kdbx-audit" -d 'Find reused, weak, breached and expired passwords in a KeePass database'
complete -c privkit -n "__fish_privkit_using_subcommand help; and not __fish_seen_subcommand_from kdbx-audit machine-id macrand mat-strip qr-inspect help" -f -a "machine-id" -d 'Rotate /etc/machine-id and its D-Bus copy atomically, wipe caches'
complete -c privkit -n "__fish_privkit_using_subcommand help; and not __fish_seen_subcommand_from kdbx-audit machine-id macrand mat-strip qr-inspect help" -f -a "macrand" -d 'Randomize, set or restore network interfaces\' MAC addresses (a better macchanger)'
complete -c privkit -n "__fish_privkit_using_subcommand help; and not __fish_seen_subcommand_from kdbx-audit machine-id macrand mat-strip qr-inspect help" -f -a "mat-strip" -d 'Remove metadata from images and documents without touching their content'
complete -c privkit -n "__fish_privkit_using_subcommand help; and not __fish_seen_subcommand_from kdbx-audit machine-id macrand mat-strip qr-inspect help" -f -a "qr-inspect" -d 'Decode QR codes in images and tell whether their payload is safe to open'
complete -c privkit -n "__fish_privkit_using_subcommand help; and not __fish_seen_subcommand_from kdbx-audit machine-id macrand mat-strip qr-inspect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c privkit -n "__fish_privkit_using_subcommand help; and __fish_seen_subcommand_from machine-id" -f -a "rotate" -d 'Write a new random id to /etc/machine-id and the D-Bus copy'
complete -c privkit -n "__fish_privkit_using_subcommand help; and __fish_seen_subcommand_from machine-id" -f -a "show" -d 'Print the current machine id'
complete -c privkit -n "__fish_privkit_using_subcommand help; and __fish_seen_subcommand_from machine-id" -f -a "check" -d 'Check the id: format, not all zeros, mode 0444, D-Bus copy consistent (exit 1 on a problem)'
complete -c privkit -n "__fish_privkit_using_subcommand help; and __fish_seen_subcommand_from machine-id" -f -a "new" -d 'Print a fresh random id; write nothing'
complete -c privkit -n "__fish_privkit_using_subcommand kdbx-audit" -f -a '(for f in (commandline -ct)*; if test -d "$f"; echo "$f/"; else if string match -q -- "*.kdbx" "$f"; echo "$f"; end; end)'
complete -c privkit -n "__fish_privkit_using_subcommand macrand" -f -a "(string replace -r '^.*/' '' /sys/class/net/*)"
