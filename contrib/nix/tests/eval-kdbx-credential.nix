# Evaluates module.nix with the stub lib for a password-only database audited with an encrypted
# credential (kdbxAudit.passwordCredential, no key file):
#   nix-instantiate --eval --strict --json contrib/nix/tests/eval-kdbx-credential.nix
# prints the privkit-kdbx-audit service's serviceConfig.
let
  lib = import ./stub-lib.nix;
  package = "/nix/store/privkit";
  self = { packages.x86_64-linux.default = package; };
  module = import ../module.nix self;
  config = {
    programs.privkit = { enable = false; inherit package; blocklists = [ ]; allowlists = [ ]; };
    services.privkit = {
      machineId = { rotateOnShutdown = false; wipeCache = false; users = [ ]; };
      macrand = { interfaces = [ ]; mode = "random"; stableKey = "privkit"; };
      kdbxAudit = {
        enable = true;
        database = "/home/alice/Passwords.kdbx";
        keyFile = null;
        passwordCredential = "/etc/credstore.encrypted/kdbx-audit-password";
        hibpFile = null;
        onCalendar = "weekly";
      };
    };
  };
  pkgs = { stdenv.hostPlatform.system = "x86_64-linux"; coreutils = "/nix/store/coreutils"; };
in
(module { inherit config lib pkgs; }).config.systemd.services.privkit-kdbx-audit.serviceConfig
