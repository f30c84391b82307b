# The privkit package: the binary, one link per applet, man pages, shell completions and the
# systemd units (for reference; the NixOS module declares its own).
{ lib, rustPlatform, installShellFiles }:

rustPlatform.buildRustPackage {
  pname = "privkit";
  version = "0.1.0";

  src = lib.cleanSource ../..;
  cargoLock.lockFile = ../../Cargo.lock;

  cargoBuildFlags = [ "--package" "privkit" ];
  nativeBuildInputs = [ installShellFiles ];

  # The end-to-end tests need root, network namespaces and the peer tools (exiftool, zbarimg,
  # keepassxc-cli, ...): they run in the project's CI, not in the build sandbox.
  doCheck = false;

  postInstall = ''
    for applet in $($out/bin/privkit --list); do
      ln -s privkit "$out/bin/$applet"
    done
    installManPage man/*.1
    installShellCompletion --bash completions/bash/*.bash
    installShellCompletion --zsh completions/zsh/_*
    installShellCompletion --fish completions/fish/*.fish
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
