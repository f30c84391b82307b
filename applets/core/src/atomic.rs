//! Atomic file writes: a temporary file in the destination's directory, flushed, renamed into
//! place, then the directory flushed. A reader sees the old file or the new one, never half of
//! one; on any error, on SIGINT/SIGTERM/SIGHUP, or after a crash (on the next run) nothing is
//! left behind but the original.
//!
//! The two flushes are what make a write survive a power loss, and they cost more than the
//! write itself (a 500 MB file waits for the disk; 2,000 small files wait 4,000 times). A writer
//! whose file loses nothing in a crash — a new copy made beside an original that stays as it
//! was — may turn them off with [`AtomicFile::set_durable`]: the rename still guarantees that
//! no process ever sees half a file under the final name; after a power loss such a file can
//! only be missing or empty, and the run that made it can be repeated. Anything that replaces
//! a file (machine-id, a cleaning in place) keeps them.
//!
//! Temporary files are named `.privkit-PID-XXXXXX.tmp`. Every live one is in a process-wide
//! list: a signal thread (installed with the first file) removes them before the process dies
//! of the signal, and a commit renames under the same lock, so a signal sees either the
//! finished file in place or no temporary at all. What a killed run (SIGKILL, power loss) left
//! is removed by the next run that writes into the same directory, but only files it can prove
//! are such leftovers: the name pattern, owned by the same user, older than this run, and
//! their process gone.

use std::collections::BTreeSet;
use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::SystemTime;

use tempfile::NamedTempFile;

const PREFIX: &str = ".privkit-";
const SUFFIX: &str = ".tmp";

/// A file being written. Write to [`AtomicFile::file`], then [`AtomicFile::commit`]; dropping it
/// uncommitted removes the temporary file.
pub struct AtomicFile {
    /// Present until committed (taken by [`AtomicFile::commit`]).
    temp: Option<NamedTempFile>,
    dest: PathBuf,
    /// Whether commit flushes the data and the directory (see the module's comment).
    durable: bool,
}

impl AtomicFile {
    /// Starts writing `dest`. The temporary file is created in the same directory (a rename
    /// is only atomic within one filesystem) with a hidden name and mode 0600 until committed.
    /// Errors name neither the temporary file nor an OS error number: the caller reports them
    /// against `dest`.
    pub fn create(dest: impl AsRef<Path>) -> io::Result<AtomicFile> {
        let dest = dest.as_ref().to_path_buf();
        let dir = parent_dir(&dest);
        install_signal_cleanup();
        remove_stale_once(dir);
        let temp = create_temp(dir)?;
        live().push(temp.path().to_path_buf());
        Ok(AtomicFile {
            temp: Some(temp),
            dest,
            durable: true,
        })
    }

    fn temp(&self) -> &NamedTempFile {
        self.temp
            .as_ref()
            .expect("an AtomicFile holds its temporary file until committed")
    }

    pub fn file(&mut self) -> &mut File {
        self.temp
            .as_mut()
            .expect("an AtomicFile holds its temporary file until committed")
            .as_file_mut()
    }

    /// The destination this file will replace.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Sets the mode the file will have once in place.
    pub fn set_mode(&mut self, mode: u32) -> io::Result<()> {
        self.temp()
            .as_file()
            .set_permissions(Permissions::from_mode(mode))
    }

    /// Whether [`AtomicFile::commit`] waits for the disk (the default). Only for a file whose
    /// loss in a power cut costs nothing that cannot be made again: see the module's comment.
    pub fn set_durable(&mut self, durable: bool) {
        self.durable = durable;
    }

    /// Flushes the data, renames the file over the destination and flushes the directory entry
    /// (the flushes only when durable). A symbolic link at the destination is replaced, never
    /// written through.
    pub fn commit(mut self) -> io::Result<()> {
        if self.durable {
            self.temp().as_file().sync_all()?;
        }
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        let temp_path = temp.path().to_path_buf();
        {
            // Held across the rename: the signal thread either runs before it (and removes the
            // temporary file) or after it (and finds nothing of ours to remove).
            let mut live = live();
            live.retain(|p| *p != temp_path);
            if let Err(e) = temp.persist(&self.dest) {
                // Dropping the returned file unlinks the temporary; the lock is still held.
                drop(e.file);
                return Err(without_temp_path(e.error));
            }
        }
        if self.durable {
            sync_dir(parent_dir(&self.dest))?;
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Uncommitted: forget the list entry, then the NamedTempFile unlinks the file.
        if let Some(temp) = self.temp.take() {
            let path = temp.path().to_path_buf();
            let mut live = live();
            live.retain(|p| *p != path);
            drop(temp);
        }
    }
}

/// Writes `contents` to `dest` atomically with the given mode.
pub fn write(dest: impl AsRef<Path>, contents: &[u8], mode: u32) -> io::Result<()> {
    let mut file = AtomicFile::create(dest)?;
    file.file().write_all(contents)?;
    file.set_mode(mode)?;
    file.commit()
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// fsync on a directory makes a rename in it durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Creates `.privkit-PID-XXXXXX.tmp` in `dir`: mode 0600, never through a link, never over an
/// existing file. The name's letters come from core's random source rather than tempfile's
/// generator, which panics when the kernel's source fails (the failure is an error here).
fn create_temp(dir: &Path) -> io::Result<NamedTempFile> {
    use std::os::unix::fs::OpenOptionsExt;
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..16 {
        let mut random = [0u8; 6];
        crate::random::fill(&mut random).map_err(|e| io::Error::other(e.message().to_string()))?;
        let letters: String = random
            .iter()
            .map(|b| LETTERS[*b as usize % LETTERS.len()] as char)
            .collect();
        let path = dir.join(format!("{PREFIX}{}-{letters}{SUFFIX}", std::process::id()));
        match fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&path)
        {
            Ok(file) => {
                return Ok(NamedTempFile::from_parts(
                    file,
                    tempfile::TempPath::try_from_path(path)?,
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// tempfile adds ` at path "/etc/.privkit-1234-AbCdEf.tmp"` to its errors: users are told about
/// the file they asked for, not about a name they never chose.
fn without_temp_path(err: io::Error) -> io::Error {
    let text = err.to_string();
    match text.find(" at path ") {
        Some(cut) => match err.raw_os_error() {
            Some(code) => io::Error::from_raw_os_error(code),
            None => io::Error::new(err.kind(), text[..cut].to_string()),
        },
        None => err,
    }
}

/// The temporary files this process has open.
fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    // A panic while the lock was held cannot leave the list inconsistent (push/retain only).
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// On SIGINT, SIGTERM or SIGHUP: remove every live temporary file, then die of the signal as
/// the default action would (so the parent sees the right status). The handler itself only
/// wakes a thread (signal-hook's self-pipe); the unlinking happens on that thread, where locks
/// and allocation are allowed.
fn install_signal_cleanup() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("privkit-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let live = live();
                    for path in live.iter() {
                        let _ = fs::remove_file(path);
                    }
                    // The lock stays held: no commit may rename a file we just removed.
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
    });
}

/// Removes the leftovers of killed runs in `dir`, once per directory and process.
fn remove_stale_once(dir: &Path) {
    // Not a HashSet: std seeds its hasher from getrandom and panics when that fails, and a
    // failing random source must stay an error (see `create_temp`).
    static SEEN: Mutex<Option<BTreeSet<PathBuf>>> = Mutex::new(None);
    static STARTED: Mutex<Option<SystemTime>> = Mutex::new(None);
    let started = *STARTED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(process_start);
    {
        let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
        if !seen.get_or_insert_with(BTreeSet::new).insert(dir.to_path_buf()) {
            return;
        }
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    let uid = rustix::process::geteuid().as_raw();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(stale_name_pid) else {
            continue;
        };
        // Not ours to judge: another user's file, a link, anything newer than this run, or a
        // process that is still alive.
        let Ok(meta) = entry.metadata() else { continue };
        let older = meta.modified().is_ok_and(|m| m < started);
        if meta.file_type().is_file()
            && meta.uid() == uid
            && older
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The PID in a name `.privkit-PID-XXXXXX.tmp`, if the name is exactly that.
fn stale_name_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    let well_formed = !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && random.len() == 6
        && random.bytes().all(|b| b.is_ascii_alphanumeric());
    if well_formed {
        pid.parse().ok()
    } else {
        None
    }
}

/// When this process started (the modification time of /proc/self is its start), or now.
fn process_start() -> SystemTime {
    fs::metadata("/proc/self")
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn write_replaces_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        fs::write(&dest, "old").unwrap();
        write(&dest, b"new\n", 0o444).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"new\n");
        assert_eq!(fs::metadata(&dest).unwrap().mode() & 0o7777, 0o444);
        assert_eq!(entries(dir.path()), ["f"]);
        assert!(live().is_empty() || !live().iter().any(|p| p.starts_with(dir.path())));
    }

    #[test]
    fn dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        {
            let mut f = AtomicFile::create(&dest).unwrap();
            f.file().write_all(b"partial").unwrap();
        }
        assert!(entries(dir.path()).is_empty());
        assert!(!live().iter().any(|p| p.starts_with(dir.path())));
    }

    #[test]
    fn a_link_at_the_destination_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, "keep").unwrap();
        let dest = dir.path().join("dest");
        std::os::unix::fs::symlink(&target, &dest).unwrap();
        write(&dest, b"new", 0o644).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        assert!(fs::symlink_metadata(&dest).unwrap().file_type().is_file());
    }

    #[test]
    fn errors_do_not_name_the_temporary_file() {
        let err = match AtomicFile::create("/nonexistent-privkit-dir/f") {
            Err(e) => e,
            Ok(_) => panic!("created a file in a missing directory"),
        };
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(!err.to_string().contains(".privkit-"), "{err}");
    }

    #[test]
    fn stale_names_are_recognised_exactly() {
        assert_eq!(stale_name_pid(".privkit-123-AbC9xZ.tmp"), Some(123));
        for name in [
            ".privkit-AbC9xZ.tmp",
            ".privkit-12-abc.tmp",
            "privkit-1-AbC9xZ.tmp",
            ".privkit--AbC9xZ.tmp",
        ] {
            assert_eq!(stale_name_pid(name), None, "{name}");
        }
    }

    #[test]
    fn leftovers_of_dead_runs_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        // PID 2^22 + 1 is above Linux's pid_max limit: never a live process.
        let dead = dir.path().join(".privkit-4194305-AbCdEf.tmp");
        let alive = dir
            .path()
            .join(format!(".privkit-{}-AbCdEf.tmp", std::process::id()));
        let other = dir.path().join(".privkit-AbCdEf.tmp");
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for path in [&dead, &alive, &other] {
            fs::write(path, "x").unwrap();
            File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        write(dir.path().join("out"), b"new", 0o644).unwrap();
        assert_eq!(
            entries(dir.path()),
            [
                format!(".privkit-{}-AbCdEf.tmp", std::process::id()),
                ".privkit-AbCdEf.tmp".into(),
                "out".into()
            ]
        );
    }

    /// Run by `a_signal_removes_the_temporary_file` in a child process: starts a write and
    /// waits to be killed.
    #[test]
    #[ignore = "a child process of another test"]
    fn child_writer_waiting_for_a_signal() {
        let Some(dir) = std::env::var_os("PRIVKIT_ATOMIC_CHILD_DIR") else {
            return;
        };
        let mut file = AtomicFile::create(Path::new(&dir).join("out")).unwrap();
        file.file().write_all(&[0u8; 1 << 16]).unwrap();
        fs::write(Path::new(&dir).join("ready"), "").unwrap();
        std::thread::sleep(std::time::Duration::from_secs(60));
    }

    #[test]
    fn a_signal_removes_the_temporary_file() {
        use std::os::unix::process::ExitStatusExt;
        for signal in [
            rustix::process::Signal::TERM,
            rustix::process::Signal::INT,
            rustix::process::Signal::HUP,
        ] {
            let dir = tempfile::tempdir().unwrap();
            let mut child = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "atomic::tests::child_writer_waiting_for_a_signal",
                    "--ignored",
                    "--nocapture",
                ])
                .env("PRIVKIT_ATOMIC_CHILD_DIR", dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let ready = dir.path().join("ready");
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while !ready.exists() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            assert!(ready.exists(), "the child never started writing");
            assert!(entries(dir.path()).iter().any(|n| n.starts_with(".privkit-")));
            let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
            rustix::process::kill_process(pid, signal).unwrap();
            let status = child.wait().unwrap();
            assert_eq!(status.signal(), Some(signal.as_raw()), "{status:?}");
            assert_eq!(entries(dir.path()), ["ready"], "after {signal:?}");
        }
    }
}
