# Evaluates module.nix with the stub lib and a configuration that turns every option on:
#   nix-instantiate --eval --strict --json contrib/nix/tests/eval-module.nix
# prints the NixOS configuration the module produces (services, timers, /etc entries).
let
  lib = import ./stub-lib.nix;
  package = "/nix/store/privkit";
  self = { packages.x86_64-linux.default = package; };
  module = import ../module.nix self;
  config = {
    programs.privkit = {
      enable = true;
      inherit package;
      blocklists = [ "/lists/oisd-domainswild.txt" "/lists/hosts" ];
      allowlists = [ "/lists/allow.txt" ];
    };
    services.privkit = {
      machineId = { rotateOnShutdown = true; wipeCache = true; users = [ "alice" ]; };
      macrand = { interfaces = [ "wlp2s0" "enp0s31f6" ]; mode = "stable"; stableKey = "home wifi"; };
      kdbxAudit = {
        enable = true;
        database = "/home/alice/Passwords.kdbx";
        keyFile = "/home/alice/.keys/passwords.keyx";
        hibpFile = null;
        onCalendar = "weekly";
      };
    };
  };
  pkgs = { stdenv.hostPlatform.system = "x86_64-linux"; coreutils = "/nix/store/coreutils"; };
  evaluated = module { inherit config lib pkgs; };
in
{
  config = evaluated.config;
  options = builtins.attrNames evaluated.options.services.privkit;
}
