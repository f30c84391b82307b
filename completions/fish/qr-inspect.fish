complete -c qr-inspect -l blocklist -d 'A DNS blocklist (hosts, domains, adblock or dnscrypt-proxy format)' -r -F
complete -c qr-inspect -l allowlist -d 'A list of domains never to block, in the same formats' -r -F
complete -c qr-inspect -l camera -d 'Scan from a video device until a code is seen (builds with the camera feature)' -r -F
complete -c qr-inspect -l timeout -d 'With --camera: give up after this long, exit 4 [default: 30]' -r
complete -c qr-inspect -l no-default-lists -d 'Do not read the lists in /etc/privkit and ~/.config/privkit'
complete -c qr-inspect -l json -d 'Print one JSON object per decoded code per line'
complete -c qr-inspect -l raw -d 'Print only the payloads, one per line'
complete -c qr-inspect -l no-escape -d 'With --raw: write payloads unescaped when standard output is not a terminal'
complete -c qr-inspect -l list-formats -d 'List the symbologies read, one per line, and exit'
complete -c qr-inspect -l show-secrets -d 'Show Wi-Fi passwords and two-factor seeds instead of masking them'
complete -c qr-inspect -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qr-inspect -s V -l version -d 'Print version'
