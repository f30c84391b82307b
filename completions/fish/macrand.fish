complete -c macrand -s m -l mac -d 'Set exactly this address' -r
complete -c macrand -s S -l stable -d 'A stable address for this interface and KEY (e.g. the network\'s name)' -r
complete -c macrand -s l -l list -d 'Print the known vendors (whose name contains KEYWORD)' -r
complete -c macrand -l oui-file -d 'IEEE registry CSV to use instead of the built-in one' -r -F
complete -c macrand -l state-dir -d 'Where --restore\'s original addresses are kept [default: /run/privkit/macrand]' -r -F
complete -c macrand -s s -l show -d 'Print the current and permanent address, with vendor names'
complete -c macrand -s r -l random -d 'Fully random, unicast, locally administered address (the default)'
complete -c macrand -s e -l ending -d 'Keep the vendor part (first 3 octets), randomize the rest'
complete -c macrand -s a -l another -d 'A random vendor of the same kind (wireless for a wireless interface)'
complete -c macrand -s A -d 'A random vendor of any kind'
complete -c macrand -s b -l bia -d 'With -r, -a or -A: look like a burned-in address (no locally-administered bit)'
complete -c macrand -s p -l permanent -d 'Back to the permanent (burned-in) address'
complete -c macrand -l restore -d 'Put back the address from before privkit\'s first change since boot'
complete -c macrand -l all -d 'Act on every interface (those without a MAC address are skipped)'
complete -c macrand -l json -d 'One JSON object per interface'
complete -c macrand -s h -l help -d 'Print help (see more with \'--help\')'
complete -c macrand -s V -l version -d 'Print version'
complete -c macrand -f -a "(string replace -r '^.*/' '' /sys/class/net/*)"
