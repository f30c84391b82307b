#!/bin/sh
# Checks that a .deb built by `cargo deb` holds what the package promises: the binary, one
# symlink per applet, a man page per command and per applet name, the file manager entries, completions for three shells, the systemd units
# and the examples. Run by .ci/run after `cargo deb`.
#
#   contrib/debian/check-contents.sh target/debian/privkit_*.deb
set -eu
deb=${1:?usage: check-contents.sh PACKAGE.deb}
contents=$(dpkg-deb --contents "$deb")
missing=0
want() { # a regular expression that some line of the listing must match
  if ! printf '%s\n' "$contents" | grep -Eq "$1"; then
    echo "missing from $deb: $1" >&2
    missing=1
  fi
}
cd "$(dirname "$0")/../.."
want '^-rwxr-xr-x .* \./usr/bin/privkit$'
for applet in $(ls contrib/debian/links); do
  want "^lrwxrwxrwx .* \./usr/bin/$applet -> privkit$"
  want "\./usr/share/bash-completion/completions/$applet\.bash$"
  want "\./usr/share/zsh/vendor-completions/_$applet$"
  want "\./usr/share/fish/vendor_completions\.d/$applet\.fish$"
done
for page in man/*.1; do
  want "\./usr/share/man/man1/$(basename "$page")(\.gz)?$"
done
for applet in $(ls contrib/debian/links); do
  want "\./usr/share/man/man1/$applet\.1(\.gz)?$"
done
want '^-rwxr-xr-x .* \./usr/share/privkit/desktop/remove-metadata$'
want '\./usr/share/privkit/desktop/thunar-uca\.xml$'
want '\./usr/share/kio/servicemenus/privkit-remove-metadata\.desktop$'
want '\./usr/share/kservices5/ServiceMenus/privkit-remove-metadata\.desktop$'
for unit in contrib/systemd/*; do
  want "\./usr/lib/systemd/system/$(basename "$unit")$"
done
for example in contrib/examples/*; do
  want "\./usr/share/doc/privkit/examples/$(basename "$example")$"
done
dpkg-deb --field "$deb" Package Version Architecture Depends
[ "$missing" -eq 0 ] && echo "$deb: contents as expected ($(printf '%s\n' "$contents" | wc -l) entries)"
exit "$missing"
