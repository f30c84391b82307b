# NixOS module for privkit. With the flake:
#
#   inputs.privkit.url = "github:OWNER/privkit";
#   nixosConfigurations.laptop = nixpkgs.lib.nixosSystem {
#     modules = [ privkit.nixosModules.default ./configuration.nix ];
#   };
#
# and in configuration.nix the options below (services.privkit.*, programs.privkit.*).
self:
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkEnableOption mkOption mkIf mkMerge mkDefault types;
  prog = config.programs.privkit;
  cfg = config.services.privkit;
  exe = "${prog.package}/bin/privkit";
  # kdbx-audit: a key file, a password credential, or both (`or null`: the options' defaults).
  keyFile = cfg.kdbxAudit.keyFile or null;
  passwordCredential = cfg.kdbxAudit.passwordCredential or null;

  # Read-only, no network, no new privileges: what every privkit unit starts from.
  hardening = {
    NoNewPrivileges = true;
    ProtectSystem = "strict";
    PrivateTmp = true;
    ProtectKernelTunables = true;
    ProtectKernelModules = true;
    ProtectControlGroups = true;
    SystemCallArchitectures = "native";
    LockPersonality = true;
    MemoryDenyWriteExecute = true;
  };

  listFiles = dir: files:
    lib.listToAttrs (lib.imap0
      (i: file: lib.nameValuePair "privkit/${dir}/${toString i}-${baseNameOf (toString file)}" { source = file; })
      files);

  anyService = cfg.machineId.rotateOnShutdown || cfg.macrand.interfaces != [ ] || cfg.kdbxAudit.enable;
in
{
  options = {
    programs.privkit = {
      enable = mkEnableOption "privkit (the binary, its applet commands mat-strip, qr-inspect, ..., man pages and completions)";

      package = mkOption {
        type = types.package;
        default = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
        defaultText = lib.literalExpression "privkit.packages.\${system}.default";
        description = "The privkit package.";
      };

      blocklists = mkOption {
        type = types.listOf types.path;
        default = [ ];
        example = lib.literalExpression ''[ "''${pkgs.fetchurl { url = "https://big.oisd.nl/domainswild"; hash = "..."; }}" ]'';
        description = ''
          DNS blocklists qr-inspect checks every host against (hosts, oisd domains or wildcards,
          adblock or dnscrypt-proxy blocked_names format), linked into /etc/privkit/blocklists.
          The same file dnscrypt-proxy uses can be given here.
        '';
      };

      allowlists = mkOption {
        type = types.listOf types.path;
        default = [ ];
        description = "Domains never to block, linked into /etc/privkit/allowlists.";
      };
    };

    services.privkit = {
      machineId = {
        rotateOnShutdown = mkEnableOption "a new /etc/machine-id (and D-Bus copy) at every shutdown";

        wipeCache = mkOption {
          type = types.bool;
          default = false;
          description = "Also empty ~/.cache of root and of every user when the id is rotated.";
        };

        users = mkOption {
          type = types.listOf types.str;
          default = [ ];
          example = [ "alice" ];
          description = "With wipeCache, only these users' caches (all users when empty).";
        };
      };

      macrand = {
        interfaces = mkOption {
          type = types.listOf types.str;
          default = [ ];
          example = [ "wlp2s0" ];
          description = "Interfaces whose MAC address is replaced before the network comes up.";
        };

        mode = mkOption {
          type = types.enum [ "random" "stable" ];
          default = "random";
          description = ''
            random: a new address at every boot. stable: the same address for an interface until
            the machine id is rotated (derived from it, the interface and stableKey).
          '';
        };

        stableKey = mkOption {
          type = types.str;
          default = "privkit";
          description = "With mode = \"stable\": the key the address is derived from.";
        };
      };

      kdbxAudit = {
        enable = mkEnableOption "a weekly audit of a KeePass database (findings go to the journal)";

        database = mkOption {
          type = types.str;
          example = "/home/alice/Passwords.kdbx";
          description = "The database (a path string: it must not be copied into the Nix store).";
        };

        keyFile = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "/home/alice/.keys/passwords.keyx";
          description = "Its key file (alone, or with the password of passwordCredential).";
        };

        passwordCredential = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "/etc/credstore.encrypted/kdbx-audit-password";
          description = ''
            The database password as a systemd credential encrypted with
            `systemd-creds encrypt --name=kdbx-audit-password - FILE` (first line of its
            content), loaded with LoadCredentialEncrypted= and read by kdbx-audit from
            $CREDENTIALS_DIRECTORY/kdbx-audit-password. Null: the key file alone opens it.
          '';
        };

        hibpFile = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "An offline Have I Been Pwned SHA-1 file (ordered by hash, or by prevalence: read whole).";
        };

        onCalendar = mkOption {
          type = types.str;
          default = "weekly";
          description = "When to run (systemd.time(7) calendar event).";
        };
      };
    };
  };

  config = mkMerge [
    (mkIf (prog.enable || anyService) {
      environment.systemPackages = [ prog.package ];
    })

    (mkIf (prog.blocklists != [ ] || prog.allowlists != [ ]) {
      environment.etc = listFiles "blocklists" prog.blocklists // listFiles "allowlists" prog.allowlists;
    })

    (mkIf cfg.machineId.rotateOnShutdown {
      # Started at boot, it acts when it is stopped at shutdown: then nothing is left running
      # that would keep using the old id.
      systemd.services.privkit-machine-id-rotate = {
        description = "Rotate the machine id at shutdown (privkit)";
        documentation = [ "man:privkit-machine-id(1)" ];
        wantedBy = [ "multi-user.target" ];
        after = [ "local-fs.target" "systemd-journald.service" ];
        unitConfig.RequiresMountsFor = [ "/etc" "/var/lib/dbus" ];
        serviceConfig = hardening // {
          Type = "oneshot";
          RemainAfterExit = true;
          ExecStart = "${pkgs.coreutils}/bin/true";
          ExecStop = lib.concatStringsSep " " ([ exe "machine-id" "rotate" ]
            ++ lib.optional cfg.machineId.wipeCache "--wipe-cache"
            ++ map (u: "--user ${lib.escapeShellArg u}") cfg.machineId.users);
          TimeoutStopSec = 60;
          ReadWritePaths = [ "/etc" "/var/lib/dbus" "-/root" "-/home" ];
          PrivateNetwork = true;
          RestrictAddressFamilies = "AF_UNIX";
          CapabilityBoundingSet = [ "CAP_DAC_OVERRIDE" "CAP_FOWNER" "CAP_CHOWN" ];
        };
      };
    })

    (mkIf (cfg.macrand.interfaces != [ ]) {
      systemd.services = lib.listToAttrs (map
        (iface: lib.nameValuePair "privkit-macrand-${iface}" {
          description = "Randomize the MAC address of ${iface} (privkit)";
          documentation = [ "man:privkit-macrand(1)" ];
          wantedBy = [ "multi-user.target" ];
          bindsTo = [ "sys-subsystem-net-devices-${iface}.device" ];
          after = [ "sys-subsystem-net-devices-${iface}.device" ];
          wants = [ "network-pre.target" ];
          before = [ "network-pre.target" ];
          serviceConfig = hardening // {
            Type = "oneshot";
            RemainAfterExit = true;
            ExecStart =
              if cfg.macrand.mode == "stable"
              then "${exe} macrand --stable ${lib.escapeShellArg cfg.macrand.stableKey} ${iface}"
              else "${exe} macrand --random ${iface}";
            RuntimeDirectory = "privkit/macrand";
            RuntimeDirectoryPreserve = true;
            CapabilityBoundingSet = [ "CAP_NET_ADMIN" ];
            AmbientCapabilities = [ "CAP_NET_ADMIN" ];
            ProtectHome = true;
            RestrictAddressFamilies = [ "AF_INET" "AF_UNIX" "AF_NETLINK" ];
          };
        })
        cfg.macrand.interfaces);

      # NetworkManager would otherwise set its own address when it connects: keep privkit's.
      networking.networkmanager.wifi.macAddress = mkDefault "preserve";
      networking.networkmanager.ethernet.macAddress = mkDefault "preserve";
    })

    (mkIf cfg.kdbxAudit.enable {
      # Unattended, something must open the database without a terminal.
      assertions = [{
        assertion = keyFile != null || passwordCredential != null;
        message = "services.privkit.kdbxAudit: set keyFile, passwordCredential or both";
      }];
      systemd.services.privkit-kdbx-audit = {
        description = "Audit a KeePass database for weak, reused and breached passwords (privkit)";
        documentation = [ "man:privkit-kdbx-audit(1)" ];
        serviceConfig = hardening // {
          Type = "oneshot";
          ExecStart = lib.concatStringsSep " " ([ exe "kdbx-audit" ]
            ++ lib.optionals (passwordCredential == null) [ "--no-password" ]
            ++ lib.optionals (keyFile != null) [ "--keyfile" (lib.escapeShellArg keyFile) ]
            ++ lib.optionals (cfg.kdbxAudit.hibpFile != null) [ "--hibp" (lib.escapeShellArg cfg.kdbxAudit.hibpFile) ]
            ++ [ (lib.escapeShellArg cfg.kdbxAudit.database) ]);
          # 1 = findings: the audit did its job.
          SuccessExitStatus = 1;
          ProtectHome = "read-only";
          PrivateNetwork = true;
          PrivateDevices = true;
          CapabilityBoundingSet = [ "CAP_DAC_READ_SEARCH" ];
          RestrictAddressFamilies = "AF_UNIX";
          Nice = 10;
          IOSchedulingClass = "idle";
        } // (if passwordCredential != null then {
          LoadCredentialEncrypted = "kdbx-audit-password:${passwordCredential}";
        } else { });
      };
      systemd.timers.privkit-kdbx-audit = {
        wantedBy = [ "timers.target" ];
        timerConfig = {
          OnCalendar = cfg.kdbxAudit.onCalendar;
          Persistent = true;
          RandomizedDelaySec = "1h";
        };
      };
    })
  ];
}
