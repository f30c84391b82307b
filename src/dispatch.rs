//! Picks the applet, hands it argv, and turns its result into an exit code. Nothing else.

use std::ffi::OsString;
use std::path::Path;

use privkit_core::{output, Code, Error};

use crate::applets::{self, Applet, APPLETS};
use crate::cli;
use crate::install::{self, LinkKind};

/// Runs privkit on a full argv (argv[0] included) and returns the exit code.
pub fn run(args: Vec<OsString>) -> u8 {
    let invoked = args
        .first()
        .and_then(|a| Path::new(a).file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("privkit");
    if let Some(applet) = applets::find(invoked) {
        return run_applet(applet, applet.name.to_string(), args);
    }
    match args.get(1).and_then(|a| a.to_str()) {
        // `privkit help [APPLET [SUBCOMMAND]]` is clap's help subcommand of `privkit`.
        Some("help") => run_privkit(args),
        Some(first) if !first.starts_with('-') => match applets::find(first) {
            Some(applet) => run_applet(applet, format!("privkit {}", applet.name), args[1..].to_vec()),
            None => unknown_applet(first),
        },
        _ => run_privkit(args),
    }
}

fn run_applet(applet: &Applet, bin_name: String, args: Vec<OsString>) -> u8 {
    let cmd = cli::applet_command(applet).bin_name(bin_name);
    let matches = match cmd.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return clap_exit(&e),
    };
    finish(applet.name, (applet.run)(&matches).map(|o| o.code()))
}

fn run_privkit(args: Vec<OsString>) -> u8 {
    let mut cmd = cli::command();
    let matches = match cmd.try_get_matches_from_mut(args) {
        Ok(m) => m,
        Err(e) => return clap_exit(&e),
    };
    if matches.get_flag("list") {
        let listed = APPLETS.iter().try_for_each(|a| output::line(a.name));
        return finish("", listed.map(|()| Code::Ok));
    }
    if let Some(dir) = matches.get_one::<std::path::PathBuf>("dir") {
        let kind = if matches.get_flag("hardlink") {
            LinkKind::Hard
        } else {
            LinkKind::Symbolic
        };
        return finish(
            "",
            install::install(
                dir,
                kind,
                matches.get_flag("force"),
                matches.get_one::<std::path::PathBuf>("man").map(|p| p.as_path()),
            )
            .map(|o| o.code()),
        );
    }
    // No applet and no action: the overview, as --help gives it.
    finish("", output::line(cmd.render_help()).map(|()| Code::Ok))
}

fn finish(applet: &str, result: Result<Code, Error>) -> u8 {
    match result {
        Ok(code) => code.as_u8(),
        Err(e) => {
            output::report(applet, &e);
            e.code().as_u8()
        }
    }
}

/// Prints clap's own message; help and version exit 0, every usage error 64 (clap's 2 means
/// "blocked" here). A usage error quotes argv, which may be a hostile file name (`mat-strip *`
/// in a folder holding `--\e]0;x.jpg`): it is escaped line by line, keeping clap's own line
/// breaks.
fn clap_exit(err: &clap::Error) -> u8 {
    if !err.use_stderr() {
        let _ = err.print();
        return Code::Ok.as_u8();
    }
    eprint!("{}", escape_lines(&err.render().to_string()));
    Code::Usage.as_u8()
}

/// Escapes each line of a multi-line message on its own, so that the message's own newlines
/// stay newlines while a newline inside a quoted argument could not have split it (clap quotes
/// arguments on one line; an argument's own newline becomes `\n` here as it is in a line).
fn escape_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        out.push_str(&privkit_core::escape(body));
        out.push_str(newline);
    }
    out
}

fn unknown_applet(name: &str) -> u8 {
    let shown = privkit_core::escape(name);
    if applets::ALL_NAMES.contains(&name) {
        eprintln!(
            "privkit: applet '{shown}' is not built into this binary (cargo feature \"{shown}\"); see privkit --list"
        );
        return Code::Usage.as_u8();
    }
    let suggestion = APPLETS
        .iter()
        .map(|a| (strsim::damerau_levenshtein(name, a.name), a.name))
        .filter(|(d, a)| *d <= (a.len() / 3).max(2))
        .min()
        .map(|(_, a)| format!(" (did you mean '{a}'?)"))
        .unwrap_or_default();
    eprintln!("privkit: unknown applet '{shown}'{suggestion}; see privkit --list");
    Code::Usage.as_u8()
}

#[cfg(test)]
mod tests {
    use super::escape_lines;

    #[test]
    fn escape_lines_keeps_the_message_lines() {
        assert_eq!(
            escape_lines("error: unexpected argument '--\x1b]0;x\x07'\n\nUsage: a\n"),
            "error: unexpected argument '--\\x1b]0;x\\x07'\n\nUsage: a\n"
        );
        assert_eq!(escape_lines("no newline \u{202e}"), "no newline \\u{202e}");
    }
}
