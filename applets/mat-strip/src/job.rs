//! Cleaning, showing or checking one file.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use privkit_core::atomic::AtomicFile;
use privkit_core::{Code, Error};

use crate::engine::budget::Budget;
use crate::engine::ctx::{Ctx, Purpose};
use crate::engine::source::Source;
use crate::engine::workers::Idle;
use crate::engine::{self, Options};
use crate::registry::{self, REGISTRY};
use crate::report::{FileReport, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write STEM.cleaned.EXT (or the --output path).
    Clean,
    /// Replace the input.
    InPlace,
    Show,
    Check,
}

/// Where the input comes from and the cleaned file goes.
#[derive(Debug, Clone)]
pub struct Job {
    /// `-` for standard input.
    pub input: PathBuf,
    /// None: beside the input. `-`: standard output.
    pub output: Option<PathBuf>,
    /// `output` is this input's name under `-o DIR/`: never written over an existing file
    /// unless `force`, and its directories are made as needed (the input tree mirrored).
    pub into_dir: bool,
    /// --force: an existing file under `-o DIR/` is replaced.
    pub force: bool,
}

/// Runs one file's job; a panic in it (a bug: no input should cause one) becomes that file's
/// failure with exit 70, and the batch goes on. Unwinding drops the job's temporary file, so
/// nothing is left behind.
pub fn caught(input: &Path, job: impl FnOnce() -> Result<FileReport, Error>) -> FileReport {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)) {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => FileReport::failed(input, e),
        Err(payload) => {
            let message = privkit_core::internal::panic_message(payload.as_ref());
            FileReport::failed(input, Error::new(Code::Software, message).about(input))
        }
    }
}

/// `idle`: the run's workers with no file left, lent to --show and --check (see
/// containers/zip/inspect.rs).
pub fn run(
    job: &Job,
    mode: Mode,
    opts: &Options,
    budget: &Arc<Budget>,
    idle: &Arc<Idle>,
) -> Result<FileReport, Error> {
    let is_stdin = job.input.as_os_str() == "-";
    let purpose = match mode {
        Mode::Show | Mode::Check => Purpose::Inspect,
        Mode::Clean | Mode::InPlace => Purpose::Plan,
    };
    let mut cx = Ctx::with_budget(*opts, purpose, &REGISTRY, Arc::clone(budget)).with_idle(Arc::clone(idle));
    let (src, meta) = if is_stdin {
        (read_stdin(&mut cx)?, None)
    } else {
        let (file, meta) = open_input(&job.input)?;
        (
            Source::file(file, meta.len()).map_err(|e| Error::reading(&job.input, &e))?,
            Some(meta),
        )
    };
    let subject = if is_stdin {
        Path::new("standard input")
    } else {
        job.input.as_path()
    };
    let about = |e: Error| e.about(subject);
    let format = match registry::detect_past_tags(&src, src.head_bytes()) {
        Ok(format) => format,
        // Not a format mat-strip knows: told apart from a failure for the summary and
        // --skip-unsupported.
        Err(e) => return Ok(FileReport::unsupported(&job.input, about(e))),
    };
    let cleaned = engine::clean(format, &src, &mut cx).map_err(about)?;
    let dirty = !cleaned.removed.is_empty();
    // A member kept unchecked is a finding: the file cannot be called clean.
    let unchecked = !cleaned.members.unchecked.is_empty();
    for note in &cx.notes {
        let subject = subject.to_string_lossy();
        privkit_core::output::warn(
            crate::APPLET,
            format_args!("{}: {note}", privkit_core::escape(&subject)),
        );
    }
    let mut report = FileReport::new(
        &job.input,
        format.name(),
        if dirty { Status::Cleaned } else { Status::Clean },
    );
    report.removed = cleaned.removed;
    report.kept = cleaned.members.kept;
    report.unchecked = cleaned.members.unchecked;
    // A member kept unchecked is a finding: the file cannot be called clean.
    report.code = if unchecked { Code::Findings } else { Code::Ok };
    match mode {
        Mode::Show => report.status = Status::Shown,
        Mode::Check => {
            report.status = if dirty || unchecked {
                Status::Dirty
            } else {
                Status::Clean
            };
            report.code = if dirty || unchecked {
                Code::Findings
            } else {
                Code::Ok
            };
        }
        Mode::InPlace if is_stdin => write_stdout(&cleaned.plan, &src)?,
        Mode::InPlace => {
            if dirty {
                // Through a symlink, the file it points to is what gets cleaned; renaming over
                // the link would replace it and leave the real file dirty.
                let real = fs::canonicalize(&job.input).map_err(|e| Error::reading(&job.input, &e))?;
                // The link may have been pointed elsewhere since the input was opened (at a
                // device node, say): only the file that was read is replaced.
                let opened = meta.as_ref().map(|m| (m.dev(), m.ino()));
                match fs::symlink_metadata(&real) {
                    Ok(m) if m.is_file() && Some((m.dev(), m.ino())) == opened => {}
                    _ => {
                        return Err(Error::new(
                            Code::CantCreate,
                            "changed while it was being cleaned; left as it is",
                        )
                        .about(&job.input))
                    }
                }
                write_file(&cleaned.plan, &src, &real, meta.as_ref(), true)?;
                warn_other_links(&job.input, meta.as_ref());
            }
            report.output = Some(job.input.display().to_string());
        }
        Mode::Clean => {
            let dest = match &job.output {
                Some(p) if p.as_os_str() == "-" => None,
                Some(p) => Some(p.clone()),
                None if is_stdin => None,
                None => Some(crate::naming::cleaned_path(&job.input)),
            };
            match dest {
                None => write_stdout(&cleaned.plan, &src)?,
                // A name privkit made up itself: whatever was planted there (a link to a
                // device or a terminal, a FIFO) is never opened.
                Some(dest) if job.output.is_none() => {
                    refuse_special_entry(&dest)?;
                    let same = same_file(&dest, &job.input);
                    write_file(&cleaned.plan, &src, &dest, meta.as_ref(), same)?;
                    report.output = Some(dest.display().to_string());
                }
                // A name under -o DIR/: made up like a derived one, and an existing file there
                // is another file's, kept unless --force.
                Some(dest) if job.into_dir => {
                    write_into_dir(&cleaned.plan, &src, &dest, job, meta.as_ref())?;
                    report.output = Some(dest.display().to_string());
                }
                // Only a device or FIFO named with -o is written into.
                Some(dest) if is_special(&dest) => {
                    write_special(&cleaned.plan, &src, &dest)?;
                    report.output = Some(dest.display().to_string());
                }
                Some(dest) => {
                    let same = !is_stdin && same_file(&dest, &job.input);
                    write_file(&cleaned.plan, &src, &dest, meta.as_ref(), same)?;
                    report.output = Some(dest.display().to_string());
                }
            }
        }
    }
    Ok(report)
}

/// `-i` replaced the file under one name; other hard links to the old inode keep the old
/// content, which the user must know (the cleaned file is a new inode, renamed in).
fn warn_other_links(input: &Path, meta: Option<&fs::Metadata>) {
    if let Some(n) = meta.map(|m| m.nlink()).filter(|&n| n > 1) {
        privkit_core::output::warn(
            crate::APPLET,
            format_args!(
                "{}: {} other hard link{} to it still {} the old content",
                privkit_core::escape(&input.to_string_lossy()),
                n - 1,
                if n == 2 { "" } else { "s" },
                if n == 2 { "has" } else { "have" }
            ),
        );
    }
}

/// Writes `dest` under `-o DIR/`, making its directories; an existing entry is refused (73)
/// unless --force, and even then a FIFO or device is never opened.
fn write_into_dir(
    plan: &crate::engine::plan::Plan,
    src: &Source,
    dest: &Path,
    job: &Job,
    meta: Option<&fs::Metadata>,
) -> Result<(), Error> {
    match fs::symlink_metadata(dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::writing(dest, &e)),
        Ok(_) if !job.force => {
            return Err(Error::new(Code::CantCreate, "exists (--force replaces it)").about(dest))
        }
        Ok(_) => refuse_special_entry(dest)?,
    }
    if job.force {
        make_parent(dest)?;
        let same = same_file(dest, &job.input);
        return write_file(plan, src, dest, meta, same);
    }
    // The check above only saves the work when the name is taken already; what guarantees
    // no-clobber is the link below, which fails if anything appeared there meanwhile (another
    // run racing for the same name, say).
    // A new name beside an untouched input: nothing is lost if a power cut takes it, so it is
    // not flushed to disk (see write_file).
    // The mirrored directory is made only when the file cannot be made in it: asking first
    // (mkdir, then stat when it exists) would cost two system calls for every file of a tree.
    let unnamed = match unnamed_file(dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            make_parent(dest)?;
            unnamed_file(dest)
        }
        other => other,
    };
    if let Some(mut out) = unnamed.map_err(|e| Error::writing(dest, &e))? {
        return write_and_link(&mut out, plan, src, dest, meta);
    }
    make_parent(dest)?;
    let mut out = AtomicFile::create(dest).map_err(|e| Error::writing(dest, &e))?;
    write_and_link(out.file(), plan, src, dest, meta)
    // `out` is dropped uncommitted: the temporary name goes, the file stays under `dest`.
}

/// Makes the directories `dest` goes in (under -o DIR/, the input tree mirrored).
fn make_parent(dest: &Path) -> Result<(), Error> {
    match dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => fs::create_dir_all(parent).map_err(|e| Error::writing(parent, &e)),
        None => Ok(()),
    }
}

/// A file with no name yet in `dest`'s directory (O_TMPFILE), for a new output: it gets its
/// name in one step when finished (`link_noclobber`), and a run killed before that leaves
/// nothing behind, as the kernel frees an unnamed file when it is closed. One change to the
/// directory instead of three (a temporary name created, linked, removed): in a batch of small
/// files the directory changes cost more than the cleaning. None where the filesystem has no
/// O_TMPFILE (the caller then uses a named temporary file).
fn unnamed_file(dest: &Path) -> io::Result<Option<File>> {
    use rustix::fs::{Mode, OFlags};
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match rustix::fs::openat(
        rustix::fs::CWD,
        dir,
        OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    ) {
        Ok(fd) => Ok(Some(File::from(fd))),
        Err(rustix::io::Errno::OPNOTSUPP | rustix::io::Errno::ISDIR | rustix::io::Errno::INVAL) => Ok(None),
        Err(e) => Err(io::Error::from(e)),
    }
}

/// Writes the plan into a file not yet under `dest` (unnamed, or a temporary name), then
/// names it `dest` unless that name is taken.
fn write_and_link(
    out: &mut File,
    plan: &crate::engine::plan::Plan,
    src: &Source,
    dest: &Path,
    meta: Option<&fs::Metadata>,
) -> Result<(), Error> {
    let fail = |e: io::Error| Error::writing(dest, &e);
    plan.write_to_file(src, out).map_err(fail)?;
    if let Some(meta) = meta {
        out.set_permissions(fs::Permissions::from_mode(meta.permissions().mode() & 0o777))
            .map_err(fail)?;
    }
    link_noclobber(out, dest)
}

/// Gives the finished temporary file the name `dest` only if that name is free, in one step:
/// link(2) never replaces an entry (unlike rename(2)), so a check-then-rename race cannot
/// overwrite a file that appeared after the check. The file is reached through
/// /proc/self/fd: an unnamed file has no other path, and a temporary's name belongs to core's
/// AtomicFile.
fn link_noclobber(file: &File, dest: &Path) -> Result<(), Error> {
    use std::os::fd::AsRawFd;
    let by_fd = format!("/proc/self/fd/{}", file.as_raw_fd());
    match rustix::fs::linkat(
        rustix::fs::CWD,
        by_fd.as_str(),
        rustix::fs::CWD,
        dest,
        rustix::fs::AtFlags::SYMLINK_FOLLOW,
    ) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::EXIST) => {
            Err(Error::new(Code::CantCreate, "exists (--force replaces it)").about(dest))
        }
        Err(e) => Err(Error::writing(dest, &io::Error::from(e))),
    }
}

/// Standard input, sniffed from its first bytes: data of no supported format is refused at
/// once (`head -c 1500M /dev/zero | mat-strip -` does not wait for 1.5 GB), and what is buffered
/// is charged to the memory budget and capped by it.
fn read_stdin(cx: &mut Ctx) -> Result<Source, Error> {
    let fail = |e: io::Error| Error::reading("standard input", &e);
    let mut input = io::stdin().lock();
    let mut head = Vec::with_capacity(SNIFF);
    (&mut input)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(fail)?;
    registry::detect(&head).map_err(|e| e.about("standard input"))?;
    let limit = cx.budget_limit();
    let mut data = head;
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = input.read(&mut chunk).map_err(fail)?;
        if n == 0 {
            break;
        }
        // Charged as it grows, so that the budget is never overdrawn by one big buffer.
        cx.charge(n as u64).map_err(|e| e.about("standard input"))?;
        if data.len() as u64 + n as u64 > limit {
            return Err(
                Error::data("larger than the memory budget (see --max-memory)").about("standard input")
            );
        }
        data.extend_from_slice(&chunk[..n]);
    }
    Ok(Source::Memory(data))
}

/// How much of standard input is read before deciding whether it is worth reading on.
const SNIFF: usize = 4096;

/// Opens an input that must be a regular file: a FIFO or a device is refused at once (66), never
/// waited on.
fn open_input(path: &Path) -> Result<(File, fs::Metadata), Error> {
    privkit_core::input::open_regular_with_metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::InvalidInput if path.is_dir() => {
            Error::new(Code::NoInput, "is a directory (use -r to clean what is in it)").about(path)
        }
        io::ErrorKind::InvalidInput => Error::new(Code::NoInput, e.to_string()).about(path),
        _ => Error::reading(path, &e),
    })
}

/// A derived output name (`X.cleaned.EXT`) holding a FIFO, device or socket: refused (73), as
/// someone put it there on purpose. A symlink is fine: the rename replaces the link itself.
fn refuse_special_entry(dest: &Path) -> Result<(), Error> {
    match fs::symlink_metadata(dest) {
        Ok(m) if !m.is_file() && !m.is_symlink() && !m.is_dir() => Err(Error::new(
            Code::CantCreate,
            "exists and is not a regular file; remove it first",
        )
        .about(dest)),
        _ => Ok(()),
    }
}

/// An output that exists and is not a regular file: a device (`-o /dev/null`), a FIFO, a
/// terminal. Writing one "atomically" would rename a regular file over it, replacing
/// /dev/null itself (found when a benchmark did just that and every later `2>/dev/null` on the
/// machine wrote into a file).
fn is_special(dest: &Path) -> bool {
    fs::metadata(dest).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes straight into a device or FIFO, which has no partial state to protect.
fn write_special(plan: &crate::engine::plan::Plan, src: &Source, dest: &Path) -> Result<(), Error> {
    let fail = |e: io::Error| Error::writing(dest, &e);
    let mut out = fs::OpenOptions::new().write(true).open(dest).map_err(fail)?;
    plan.write_to(src, &mut out).map_err(fail)?;
    out.flush().map_err(fail)
}

fn write_stdout(plan: &crate::engine::plan::Plan, src: &Source) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    plan.write_to(src, &mut out).map_err(|e| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Error::broken_pipe()
        } else {
            Error::writing("standard output", &e)
        }
    })
}

/// Writes atomically; the new file gets the input's permission bits, and when it replaces the
/// input, its owner too (as far as this process may set it).
///
/// Flushed to disk (file and directory) only when it replaces a file: cleaning in place, or an
/// existing output name. A new `NAME.cleaned.EXT` beside an input that stays as it was loses
/// nothing in a power cut (the run can be repeated), and the flushes cost more than the
/// cleaning itself (2,000 MP3s: 4,000 waits for the disk; a 500 MB WAV: the whole write) —
/// exiftool, mat2 and cp do not flush either. The rename keeps it atomic all the same.
fn write_file(
    plan: &crate::engine::plan::Plan,
    src: &Source,
    dest: &Path,
    meta: Option<&fs::Metadata>,
    replacing_input: bool,
) -> Result<(), Error> {
    let durable = replacing_input || fs::symlink_metadata(dest).is_ok();
    if !durable {
        if let Some(mut out) = unnamed_file(dest).map_err(|e| Error::writing(dest, &e))? {
            // Another run may take the name meanwhile: then it is replaced as any existing
            // output is, below.
            match write_and_link(&mut out, plan, src, dest, meta) {
                Err(e) if fs::symlink_metadata(dest).is_ok() && e.code() == Code::CantCreate => {}
                done => return done,
            }
        }
    }
    let fail = |e: io::Error| Error::writing(dest, &e);
    let mut out = AtomicFile::create(dest).map_err(fail)?;
    out.set_durable(durable);
    plan.write_to_file(src, out.file()).map_err(fail)?;
    if let Some(meta) = meta {
        out.set_mode(meta.permissions().mode() & 0o777).map_err(fail)?;
        if replacing_input {
            // Keeps a file cleaned in place by root owned by whoever owned it.
            let _ = std::os::unix::fs::fchown(out.file(), Some(meta.uid()), Some(meta.gid()));
        }
    }
    out.file().flush().map_err(fail)?;
    out.commit().map_err(fail)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic while a file is being written is that file's failure (70), with its temporary
    /// file gone.
    #[test]
    fn a_panic_is_the_file_s_failure_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.jpg");
        let report = caught(&input, || {
            let mut out = AtomicFile::create(dir.path().join("a.cleaned.jpg")).unwrap();
            out.file().write_all(b"partial").unwrap();
            let offset = std::hint::black_box(9usize);
            let _ = b"short"[offset];
            unreachable!()
        });
        assert_eq!(report.code, Code::Software);
        assert_eq!(report.status, Status::Error);
        let error = report.error.unwrap().message().to_string();
        assert!(error.contains("internal error"), "{error}");
        assert!(error.contains("please report"), "{error}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
