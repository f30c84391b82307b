//! Renders privkit's man pages (man/) and shell completions (completions/) from the same clap
//! definitions the binary runs, in memory, so that a test can compare them with the committed
//! files and `cargo run -p privkit-gen` can rewrite them.

use std::path::PathBuf;

use clap::Command;
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

/// privkit.1, and one page per applet and per applet subcommand (privkit-machine-id.1,
/// privkit-machine-id-rotate.1, ...), named as git names its pages.
fn man_pages() -> Vec<Generated> {
    fn walk(cmd: Command, out: &mut Vec<Generated>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
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
    if let Some(extra) = &parts.extra {
        w.extend_from_slice(sections(extra).as_bytes());
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
                roff.push_str(&format!(
                    ".SH \"{}\"\n",
                    first.trim_end_matches(':').to_uppercase()
                ));
                after_heading = true;
                lines.next();
            }
        }
        let body: Vec<&str> = lines.collect();
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

/// Escapes text for a roff body line: backslashes, and a leading dot or quote.
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// bash, zsh and fish completions for `privkit` and for each applet's link name.
fn completions() -> Vec<Generated> {
    let mut commands = vec![("privkit".to_string(), cli::command())];
    commands.extend(
        APPLETS
            .iter()
            .map(|a| (a.name.to_string(), cli::applet_command(a))),
    );
    let mut out = Vec::new();
    for (name, cmd) in commands {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut cmd = cmd.clone();
            let mut content = Vec::new();
            clap_complete::generate(shell, &mut cmd, &name, &mut content);
            let dir = PathBuf::from("completions").join(shell.to_string());
            out.push(Generated {
                path: dir.join(shell.file_name(&name)),
                content,
            });
        }
    }
    out
}
