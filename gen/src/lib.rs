//! Renders privkit's man pages (man/) and shell completions (completions/) from the same clap
//! definitions the binary runs, in memory, so that a test can compare them with the committed
//! files and `cargo run -p privkit-gen` can rewrite them.

use std::path::PathBuf;

use clap::{Command, ValueHint};
use clap_complete::{Generator, Shell};
use privkit::applets::APPLETS;
use privkit::cli;

/// One generated file: its path relative to the workspace root, and its content.
pub struct Generated {
    pub path: PathBuf,
    pub content: Vec<u8>,
}

/// Every generated file, man pages first.
pub fn render() -> Vec<Generated> {
    let mut out = man_pages();
    out.extend(completions());
    out
}

/// The page `man APPLET` finds: a `.so` request for privkit-APPLET.1, so that a link such as
/// /usr/bin/mat-strip has its manual under the same name. man-db and mandoc resolve it against
/// the manual tree (`man1/` beside it), compressed or not.
fn applet_alias_pages() -> Vec<Generated> {
    APPLETS
        .iter()
        .map(|a| Generated {
            path: PathBuf::from("man").join(format!("{}.1", a.name)),
            content: format!(".so man1/privkit-{}.1\n", a.name).into_bytes(),
        })
        .collect()
}

/// privkit.1, and one page per applet and per applet subcommand (privkit-machine-id.1,
/// privkit-machine-id-rotate.1, ...), named as git names its pages.
fn man_pages() -> Vec<Generated> {
    fn walk(cmd: Command, out: &mut Vec<Generated>) {
        // clap's own `help` subcommand gets no page: privkit.1 describes `privkit help`.
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            .cloned()
        {
            walk(sub, out);
        }
        let parts = Parts {
            options: cmd.get_arguments().any(|a| !a.is_hide_set()),
            subcommands: cmd.get_subcommands().any(|s| !s.is_hide_set()),
            version: cmd.get_version().is_some(),
            extra: cmd
                .get_after_long_help()
                .or_else(|| cmd.get_after_help())
                .map(|t| t.to_string()),
        };
        let man = clap_mangen::Man::new(cmd)
            .source(format!("privkit {}", cli::VERSION))
            .date(MAN_DATE)
            .manual("privkit");
        let mut content = Vec::new();
        render_page(&man, &parts, &mut content).expect("rendering into memory cannot fail");
        out.push(Generated {
            path: PathBuf::from("man").join(man.get_filename()),
            content,
        });
    }
    let mut cmd = cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out);
    out.extend(applet_alias_pages());
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The date in the pages' title line; bump it with the version.
const MAN_DATE: &str = "2026-11-25";

/// clap_mangen's page, except that the after-help text becomes real sections: a line such as
/// `Examples:` starts a section, indented lines under `Examples` are kept as typed, and other
/// blocks become paragraphs.
fn render_page(man: &clap_mangen::Man, parts: &Parts, w: &mut Vec<u8>) -> std::io::Result<()> {
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    if parts.options {
        man.render_options_section(w)?;
    }
    if parts.subcommands {
        man.render_subcommands_section(w)?;
    }
    let extra = parts.extra.as_deref().map(sections).unwrap_or_default();
    w.extend_from_slice(extra.as_bytes());
    // Every page says what its exit codes mean: the applet's own section, or the table shared
    // by all applets (subcommand pages such as privkit-machine-id-rotate.1 have no after-help).
    if !extra.contains(".SH \"EXIT STATUS\"") {
        w.extend_from_slice(sections(&cli::exit_status_text()).as_bytes());
    }
    if parts.version {
        man.render_version_section(w)?;
    }
    Ok(())
}

/// Which sections a page has (clap_mangen's own `render` decides the same way).
struct Parts {
    options: bool,
    subcommands: bool,
    version: bool,
    extra: Option<String>,
}

fn sections(text: &str) -> String {
    let mut roff = String::new();
    for block in text.split("\n\n") {
        let mut lines = block.lines().filter(|l| !l.trim().is_empty()).peekable();
        let mut after_heading = false;
        if let Some(first) = lines.peek() {
            if !first.starts_with(' ') && first.ends_with(':') {
                let heading = first.trim_end_matches(':').to_uppercase();
                roff.push_str(&format!(".SH \"{}\"\n", section_name(&heading)));
                after_heading = true;
                lines.next();
            }
        }
        // A paragraph that starts "Exit codes: 0 ..., 1 ..." is the page's EXIT STATUS.
        let mut body: Vec<&str> = lines.collect();
        if let Some(rest) = body.first().and_then(|l| l.strip_prefix("Exit codes: ")) {
            roff.push_str(".SH \"EXIT STATUS\"\n");
            after_heading = true;
            body[0] = rest;
        }
        if body.is_empty() {
            continue;
        }
        if !after_heading {
            roff.push_str(".PP\n");
        }
        if body.iter().all(|l| l.starts_with("  ")) {
            // Indented lines (examples, tables) are kept as typed.
            roff.push_str(".nf\n");
            for line in body {
                roff.push_str(&format!("{}\n", roff_escape(line.trim())));
            }
            roff.push_str(".fi\n");
        } else {
            let joined: Vec<&str> = body.iter().map(|l| l.trim()).collect();
            roff.push_str(&format!("{}\n", roff_escape(&joined.join(" "))));
        }
    }
    roff
}

/// Help headings that have a conventional man page section name (man-pages(7)).
fn section_name(heading: &str) -> &str {
    match heading {
        "EXIT CODES" => "EXIT STATUS",
        other => other,
    }
}

/// Escapes text for a roff body line: backslashes, and a leading dot or quote.
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// What a positional argument completes to, where the applet's clap definition cannot say it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    /// Any file (mat-strip's and qr-inspect's inputs).
    Files,
    /// KeePass databases: `*.kdbx`, and directories to reach them.
    Kdbx,
    /// Network interface names, read from /sys/class/net when completing.
    Interfaces,
}

/// (applet, argument id, hint): the positional arguments that complete to something other than
/// flags. clap_complete knows files (ValueHint::FilePath) but neither a glob nor a dynamic list,
/// so those two are written into each shell's script below.
const HINTS: &[(&str, &str, Hint)] = &[
    ("kdbx-audit", "database", Hint::Kdbx),
    ("macrand", "interfaces", Hint::Interfaces),
    ("mat-strip", "files", Hint::Files),
    ("qr-inspect", "images", Hint::Files),
];

fn hints_for(applet: &str) -> impl Iterator<Item = (&'static str, Hint)> + '_ {
    HINTS
        .iter()
        .filter(move |(a, _, _)| *a == applet)
        .map(|(_, id, hint)| (*id, *hint))
}

/// Sets the value hints of one applet's command (the applet as run, or as `privkit APPLET`).
fn with_hints(mut cmd: Command, applet: &str) -> Command {
    for (id, hint) in hints_for(applet) {
        let value_hint = match hint {
            Hint::Files | Hint::Kdbx => ValueHint::FilePath,
            Hint::Interfaces => ValueHint::Other,
        };
        cmd = cmd.mut_arg(id, |a| a.value_hint(value_hint));
    }
    cmd
}

/// bash, zsh and fish completions for `privkit` and for each applet's link name.
fn completions() -> Vec<Generated> {
    let mut privkit = cli::command();
    for applet in APPLETS {
        privkit = privkit.mut_subcommand(applet.name, |sub| with_hints(sub, applet.name));
    }
    let mut commands = vec![("privkit".to_string(), privkit)];
    commands.extend(
        APPLETS
            .iter()
            .map(|a| (a.name.to_string(), with_hints(cli::applet_command(a), a.name))),
    );
    let mut out = Vec::new();
    for (name, cmd) in commands {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut cmd = cmd.clone();
            let mut content = Vec::new();
            clap_complete::generate(shell, &mut cmd, &name, &mut content);
            let script = String::from_utf8(content).expect("clap_complete writes UTF-8");
            let script = match shell {
                Shell::Bash => bash_hints(&bash_case_labels(&script), &name),
                Shell::Zsh if name == "privkit" => zsh_hints(&zsh_without_dir(&script)),
                Shell::Zsh => zsh_hints(&script),
                Shell::Fish => fish_hints(script, &name),
                _ => script,
            };
            let dir = PathBuf::from("completions").join(shell.to_string());
            out.push(Generated {
                path: dir.join(shell.file_name(&name)),
                content: script.into_bytes(),
            });
        }
    }
    out
}

/// clap_complete names a command `machine__id` where it sets `cmd` but
/// `machine__subcmd__id__subcmd__rotate` in the case labels that read it, when the binary's
/// own name holds a dash: `machine-id rotate --<TAB>` then matched no label and completed
/// nothing. Each label is rewritten to the name that `cmd` is actually set to.
fn bash_case_labels(script: &str) -> String {
    let normal = |name: &str| name.replace("__subcmd__", "__");
    let set: Vec<&str> = script
        .lines()
        .filter_map(|l| l.trim().strip_prefix("cmd=\"")?.strip_suffix('"'))
        .collect();
    let mut out = String::with_capacity(script.len());
    for line in script.lines() {
        let trimmed = line.trim();
        let label = trimmed.strip_suffix(')').filter(|l| {
            line.starts_with("        ")
                && !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match label.and_then(|l| set.iter().find(|s| normal(s) == normal(l) && **s != l)) {
            Some(fixed) => out.push_str(&line.replace(trimmed, &format!("{fixed})"))),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// In the block of each hinted applet (`mat__strip)` in mat-strip.bash,
/// `privkit__subcmd__mat__subcmd__strip)` in privkit.bash) a word that is not a flag, and not
/// the value of a flag, completes to the hint instead of the flag list.
fn bash_hints(script: &str, bin: &str) -> String {
    let normal = |name: &str| name.replace("__subcmd__", "__");
    let mut out = String::with_capacity(script.len());
    let mut current: Option<Hint> = None;
    for line in script.lines() {
        if let Some(label) = line.strip_prefix("        ").and_then(|l| l.strip_suffix(')')) {
            if !label.starts_with(' ') {
                current = APPLETS.iter().find_map(|a| {
                    let own = a.name.replace('-', "__");
                    let wanted = if bin == "privkit" {
                        format!("privkit__{own}")
                    } else if bin == a.name {
                        own
                    } else {
                        return None;
                    };
                    (normal(label) == wanted)
                        .then(|| hints_for(a.name).next().map(|(_, h)| h))
                        .flatten()
                });
            }
        }
        let Some(hint) = current else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        if line.starts_with("            if [[ ${cur} == -* || ${COMP_CWORD} -eq ") {
            out.push_str("            if [[ ${cur} == -* ]] ; then\n");
        } else if line == "            COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )" {
            out.push_str(match hint {
                Hint::Files => {
                    "            compopt -o filenames 2>/dev/null\n            \
                     COMPREPLY=( $(compgen -f -- \"${cur}\") )\n"
                }
                Hint::Kdbx => {
                    "            compopt -o filenames 2>/dev/null\n            \
                     COMPREPLY=( $(compgen -d -- \"${cur}\") $(compgen -f -X '!*.kdbx' -- \"${cur}\") )\n"
                }
                Hint::Interfaces => {
                    "            COMPREPLY=( $(compgen -W \"$(command ls /sys/class/net 2>/dev/null)\" \
                     -- \"${cur}\") )\n"
                }
            });
            current = None;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// privkit's optional DIR (meaningful after --install only) is its first positional, so zsh
/// took `privkit macrand` for DIR=macrand and offered applet names again. The DIR spec is
/// dropped and the applet is then the first word of `$line`, not the second.
fn zsh_without_dir(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.lines() {
        if line.starts_with("'::dir -- ") {
            continue;
        }
        out.push_str(&line.replace("$line[2]", "$line[1]"));
        out.push('\n');
    }
    out
}

/// zsh: `_files -g` for databases, zsh's own `_net_interfaces` for interfaces.
fn zsh_hints(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.lines() {
        let mut line = line.to_string();
        for (_, id, hint) in HINTS {
            if !line.starts_with(&format!("'*::{id} -- ")) && !line.starts_with(&format!("':{id} -- ")) {
                continue;
            }
            let action = match hint {
                Hint::Files => continue,
                Hint::Kdbx => "_files -g \"*.kdbx(-.)\"",
                Hint::Interfaces => "_net_interfaces",
            };
            for from in [":_files' \\", ":_default' \\", ":' \\"] {
                line = line.replace(from, &format!(":{action}' \\"));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// fish offers files for positional arguments by default; databases and interfaces get their
/// own candidates (and no other files).
fn fish_hints(mut script: String, bin: &str) -> String {
    for applet in APPLETS {
        let condition = if bin == "privkit" {
            format!("-n \"__fish_privkit_using_subcommand {}\" ", applet.name)
        } else if bin == applet.name {
            String::new()
        } else {
            continue;
        };
        for (_, hint) in hints_for(applet.name) {
            let args = match hint {
                Hint::Files => continue,
                // __fish_complete_suffix only puts *.kdbx first; other files stay offered.
                Hint::Kdbx => {
                    "-f -a '(for f in (commandline -ct)*; if test -d \"$f\"; echo \"$f/\"; \
                     else if string match -q -- \"*.kdbx\" \"$f\"; echo \"$f\"; end; end)'"
                }
                Hint::Interfaces => "-f -a \"(string replace -r '^.*/' '' /sys/class/net/*)\"",
            };
            script.push_str(&format!("complete -c {bin} {condition}{args}\n"));
        }
    }
    script
}
