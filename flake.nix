{
  description = "privkit: metadata stripping, machine-id rotation, MAC randomization, QR inspection and KeePass audit in one binary";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      # nix build .#  /  nix profile install git+file:///path/to/your/clone/of/privkit
      packages = forAllSystems (pkgs: {
        default = pkgs.callPackage ./contrib/nix/package.nix { };
        privkit = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      });

      overlays.default = final: prev: {
        privkit = final.callPackage ./contrib/nix/package.nix { };
      };

      # imports = [ privkit.nixosModules.default ];  then the options in contrib/nix/module.nix
      nixosModules.default = import ./contrib/nix/module.nix self;
    };
}
