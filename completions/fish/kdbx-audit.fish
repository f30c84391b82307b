complete -c kdbx-audit -l keyfile -d 'Key file, alone (with --no-password) or with the password' -r -F
complete -c kdbx-audit -l password-file -d 'Read the password from the first line of FILE (mode 600 or stricter)' -r -F
complete -c kdbx-audit -l min-score -d 'Report passwords whose zxcvbn score (0-4) is below N' -r
complete -c kdbx-audit -l hibp -d 'Offline Have I Been Pwned file (SHA1HEX:COUNT lines, by hash or by prevalence)' -r -F
complete -c kdbx-audit -l max-kdf-seconds -d 'Refuse databases whose key derivation would take longer than N seconds here' -r
complete -c kdbx-audit -l no-password -d 'The database is locked by the key file only'
complete -c kdbx-audit -l password-stdin -d 'Read the password as one line from standard input'
complete -c kdbx-audit -l include-recycle-bin -d 'Audit the entries in the recycle bin too'
complete -c kdbx-audit -l include-excluded -d 'Audit entries excluded from reports in KeePassXC too'
complete -c kdbx-audit -l include-history -d 'Audit history versions too (labelled with their date)'
complete -c kdbx-audit -l json -d 'Print one JSON document'
complete -c kdbx-audit -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdbx-audit -s V -l version -d 'Print version'
complete -c kdbx-audit -f -a '(for f in (commandline -ct)*; if test -d "$f"; echo "$f/"; else if string match -q -- "*.kdbx" "$f"; echo "$f"; end; end)'
