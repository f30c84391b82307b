# Just enough of nixpkgs' lib to evaluate module.nix without nixpkgs (which the test machine
# does not have): options become plain records, mkIf/mkMerge plain conditionals and merges.
# NixOS's real module system (type checking, priorities, option merging) is not reproduced.
rec {
  mkEnableOption = description: { _type = "option"; default = false; inherit description; };
  mkOption = attrs: attrs // { _type = "option"; };
  mkIf = cond: value: if cond then value else { };
  mkMerge = builtins.foldl' recursiveUpdate { };
  mkDefault = value: value;
  recursiveUpdate = a: b:
    a // builtins.mapAttrs
      (name: value:
        if builtins.isAttrs value && builtins.isAttrs (a.${name} or null)
        then recursiveUpdate a.${name} value
        else value)
      b;
  types = {
    package = "package";
    path = "path";
    str = "str";
    bool = "bool";
    listOf = t: "listOf ${t}";
    nullOr = t: "nullOr ${t}";
    enum = values: "enum";
  };
  literalExpression = text: text;
  listToAttrs = builtins.listToAttrs;
  nameValuePair = name: value: { inherit name value; };
  imap0 = f: list: builtins.genList (i: f i (builtins.elemAt list i)) (builtins.length list);
  concatStringsSep = builtins.concatStringsSep;
  optional = cond: x: if cond then [ x ] else [ ];
  optionals = cond: xs: if cond then xs else [ ];
  escapeShellArg = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";
}
