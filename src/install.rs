//! `privkit --install DIR`: one link per applet, never clobbering a file that is not ours.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use privkit_core::{escape, output, Code, Error, Outcome};

use crate::applets::APPLETS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Symbolic,
    Hard,
}

mod pages {
    include!(concat!(env!("OUT_DIR"), "/man_pages.rs"));
}
pub use pages::MAN_PAGES;

/// Creates the links; reports each on stdout, each refusal on stderr, and carries on. With
/// `man`, also writes the man pages there (a `man1` directory): privkit.1, privkit-APPLET.1 and
/// APPLET.1, so that `man mat-strip` finds the page of the link named mat-strip.
pub fn install(dir: &Path, kind: LinkKind, force: bool, man: Option<&Path>) -> Result<Outcome, Error> {
    let mut outcome = install_links(dir, kind, force)?;
    if let Some(man) = man {
        outcome.merge(install_man(man, force)?.code());
    }
    Ok(outcome)
}

fn install_links(dir: &Path, kind: LinkKind, force: bool) -> Result<Outcome, Error> {
    let exe = std::env::current_exe().and_then(fs::canonicalize).map_err(|e| {
        Error::new(
            Code::IoErr,
            format!(
                "cannot find the privkit executable: {}",
                privkit_core::error::io_message(&e)
            ),
        )
    })?;
    let dir_meta = fs::metadata(dir).map_err(|e| Error::writing(dir, &e))?;
    if !dir_meta.is_dir() {
        return Err(Error::new(Code::CantCreate, "not a directory").about(dir));
    }
    let target = link_target(dir, &exe);
    let mut outcome = Outcome::OK;
    for applet in APPLETS {
        let dest = dir.join(applet.name);
        match install_one(&dest, &exe, &target, kind, force) {
            Ok(done) => output::line(format_args!("{}: {done}", escape(&dest.display().to_string())))?,
            Err(e) => {
                output::report("", &e);
                outcome.merge(e.code());
            }
        }
    }
    Ok(outcome)
}

/// A link in the executable's own directory points to it by name, so the pair can be moved
/// together; elsewhere it points to the absolute path.
fn link_target(dir: &Path, exe: &Path) -> PathBuf {
    let same_dir = fs::canonicalize(dir).ok().as_deref() == exe.parent();
    match exe.file_name() {
        Some(name) if same_dir => PathBuf::from(name),
        _ => exe.to_path_buf(),
    }
}

fn install_one(dest: &Path, exe: &Path, target: &Path, kind: LinkKind, force: bool) -> Result<String, Error> {
    let existing = match fs::symlink_metadata(dest) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::writing(dest, &e)),
    };
    let described = match kind {
        LinkKind::Symbolic => format!("-> {}", target.display()),
        LinkKind::Hard => format!("hard link to {}", exe.display()),
    };
    let Some(meta) = existing else {
        make_link(exe, target, dest, kind).map_err(|e| link_error(dest, &e))?;
        return Ok(format!("created ({described})"));
    };
    let ours = ours(dest, &meta, exe);
    if ours == Some(kind) {
        return Ok("already installed".into());
    }
    if ours.is_none() && !force {
        return Err(Error::new(
            Code::CantCreate,
            "exists and is not a link to privkit; not replaced (use --force)",
        )
        .about(dest));
    }
    if meta.is_dir() {
        return Err(Error::new(Code::CantCreate, "is a directory; not replaced").about(dest));
    }
    // Replace atomically: make the new link beside it, then rename it over.
    let temp = dest.with_file_name(format!(
        ".{}.privkit-install-{}",
        dest.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let _ = fs::remove_file(&temp);
    make_link(exe, target, &temp, kind).map_err(|e| link_error(dest, &e))?;
    if let Err(e) = fs::rename(&temp, dest) {
        let _ = fs::remove_file(&temp);
        return Err(Error::writing(dest, &e));
    }
    Ok(format!("replaced ({described})"))
}

/// Whether `dest` already is a privkit link, and of which kind: a symlink that resolves to this
/// executable or names a file called `privkit`, or a hard link to this executable.
fn ours(dest: &Path, meta: &fs::Metadata, exe: &Path) -> Option<LinkKind> {
    if meta.file_type().is_symlink() {
        let resolves_to_exe = fs::canonicalize(dest).ok().as_deref() == Some(exe);
        let names_privkit = fs::read_link(dest)
            .ok()
            .and_then(|t| t.file_name().map(|n| n == "privkit"))
            == Some(true);
        return (resolves_to_exe || names_privkit).then_some(LinkKind::Symbolic);
    }
    let exe_meta = fs::metadata(exe).ok()?;
    (meta.is_file() && meta.dev() == exe_meta.dev() && meta.ino() == exe_meta.ino()).then_some(LinkKind::Hard)
}

fn make_link(exe: &Path, target: &Path, at: &Path, kind: LinkKind) -> io::Result<()> {
    match kind {
        LinkKind::Symbolic => std::os::unix::fs::symlink(target, at),
        LinkKind::Hard => fs::hard_link(exe, at),
    }
}

fn link_error(dest: &Path, err: &io::Error) -> Error {
    if err.raw_os_error() == Some(18) {
        // EXDEV
        return Error::new(
            Code::CantCreate,
            "cannot hard-link across filesystems; use --symlink",
        )
        .about(dest);
    }
    Error::writing(dest, err)
}

/// Writes each embedded page into `dir`, created if missing (atomically, mode 0644). A file already there is
/// replaced only if it is a privkit page (or with --force); one with the same content is left.
fn install_man(dir: &Path, force: bool) -> Result<Outcome, Error> {
    // A user's manual tree (~/.cargo/share/man/man1) usually does not exist yet; man-db finds it
    // once it does (beside a bin directory on PATH).
    fs::create_dir_all(dir).map_err(|e| Error::writing(dir, &e))?;
    let dir_meta = fs::metadata(dir).map_err(|e| Error::writing(dir, &e))?;
    if !dir_meta.is_dir() {
        return Err(Error::new(Code::CantCreate, "not a directory").about(dir));
    }
    let mut outcome = Outcome::OK;
    for (name, content) in MAN_PAGES {
        let dest = dir.join(name);
        match install_page(&dest, content, force) {
            Ok(done) => output::line(format_args!("{}: {done}", escape(&dest.display().to_string())))?,
            Err(e) => {
                output::report("", &e);
                outcome.merge(e.code());
            }
        }
    }
    Ok(outcome)
}

fn install_page(dest: &Path, content: &[u8], force: bool) -> Result<&'static str, Error> {
    let existing = match fs::symlink_metadata(dest) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::writing(dest, &e)),
    };
    if let Some(meta) = &existing {
        if !meta.is_file() {
            return Err(
                Error::new(Code::CantCreate, "exists and is not a regular file; not replaced").about(dest),
            );
        }
        // Read no more than one byte past our page: enough to tell equal from different.
        let mut old = Vec::new();
        fs::File::open(dest)
            .and_then(|f| f.take(content.len() as u64 + 1).read_to_end(&mut old))
            .map_err(|e| Error::writing(dest, &e))?;
        if old == content {
            return Ok("already installed");
        }
        let ours = old.starts_with(b".so man1/privkit-") || contains(&old, b"\n.TH privkit");
        if !ours && !force {
            return Err(Error::new(
                Code::CantCreate,
                "exists and is not a privkit man page; not replaced (use --force)",
            )
            .about(dest));
        }
    }
    privkit_core::atomic::write(dest, content, 0o644).map_err(|e| Error::writing(dest, &e))?;
    Ok(if existing.is_some() { "replaced" } else { "created" })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
