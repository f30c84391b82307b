# The privkit package: the binary, one link per applet, man pages (under each applet name too),
# shell completions, the file manager entries and the systemd units (for reference; the NixOS
# module declares its own).
#
# applets: which applets to build (cargo features), e.g.
#   privkit.override { applets = [ "mat-strip" "qr-inspect" ]; }
# The links, man pages and completions follow the set (`privkit --list`).
{ lib, rustPlatform, installShellFiles
, applets ? [ "kdbx-audit" "machine-id" "macrand" "mat-strip" "qr-inspect" ]
}:

rustPlatform.buildRustPackage {
  pname = "privkit";
  version = "0.1.0";

  src = lib.cleanSource ../..;
  cargoLock.lockFile = ../../Cargo.lock;

  cargoBuildFlags = [ "--package" "privkit" ];
  buildNoDefaultFeatures = true;
  buildFeatures = applets;
  nativeBuildInputs = [ installShellFiles ];

  # The end-to-end tests need root, network namespaces and the peer tools (exiftool, zbarimg,
  # keepassxc-cli, ...): they run in the project's CI, not in the build sandbox.
  doCheck = false;

  postInstall = ''
    for applet in $($out/bin/privkit --list); do
      ln -s privkit "$out/bin/$applet"
    done
    # privkit.1 and, per built applet, privkit-APPLET[-SUB].1 and APPLET.1 (a .so request).
    for page in man/*.1; do
      name=$(basename "$page" .1)
      name=''${name#privkit-}
      for applet in privkit $($out/bin/privkit --list); do
        case "$name" in "$applet" | "$applet"-*) installManPage "$page"; break ;; esac
      done
    done
    for applet in $($out/bin/privkit --list); do
      installShellCompletion --bash completions/bash/$applet.bash
      installShellCompletion --zsh completions/zsh/_$applet
      installShellCompletion --fish completions/fish/$applet.fish
    done
    installShellCompletion --bash completions/bash/privkit.bash
    installShellCompletion --zsh completions/zsh/_privkit
    installShellCompletion --fish completions/fish/privkit.fish
    # "Remove metadata" in file managers (see README.md, "Desktop"), pointed at this package.
    install -Dm755 contrib/desktop/remove-metadata "$out/share/privkit/desktop/remove-metadata"
    install -Dm644 contrib/desktop/thunar-uca.xml "$out/share/privkit/desktop/thunar-uca.xml"
    install -Dm755 contrib/desktop/privkit-remove-metadata.desktop \
      "$out/share/kio/servicemenus/privkit-remove-metadata.desktop"
    substituteInPlace "$out/share/privkit/desktop/remove-metadata" \
      --replace-fail 'privkit=''${PRIVKIT:-privkit}' "privkit=\''${PRIVKIT:-$out/bin/privkit}"
    substituteInPlace "$out/share/kio/servicemenus/privkit-remove-metadata.desktop" \
      "$out/share/privkit/desktop/thunar-uca.xml" \
      --replace-fail /usr/share/privkit "$out/share/privkit"
    install -Dm644 -t "$out/lib/systemd/system" contrib/systemd/*.service contrib/systemd/*.timer
    substituteInPlace "$out"/lib/systemd/system/* --replace-quiet /usr/bin/privkit "$out/bin/privkit"
  '';

  meta = {
    description = "Privacy toolkit: metadata stripping, machine-id rotation, MAC randomization, QR inspection, KeePass audit";
    license = lib.licenses.gpl3Plus;
    mainProgram = "privkit";
    platforms = lib.platforms.linux;
  };
}
