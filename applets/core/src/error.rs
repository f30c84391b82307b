//! The one error type applets return: an exit code, the thing it is about, and a message.

use std::fmt;
use std::io;
use std::path::Path;

use crate::escape::escape;
use crate::Code;

/// An error that ends the processing of one item (or of the whole run). Displayed as
/// `SUBJECT: message`, with the subject escaped so that a hostile file name cannot drive the
/// terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: Code,
    /// What could not be done to the subject ("cannot write"), shown before it.
    action: Option<&'static str>,
    subject: Option<String>,
    message: String,
    quiet: bool,
}

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Error {
            code,
            action: None,
            subject: None,
            message: message.into(),
            quiet: false,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(Code::Usage, message)
    }

    pub fn data(message: impl Into<String>) -> Self {
        Error::new(Code::DataErr, message)
    }

    /// Names what the error is about (usually a path); shown before the message.
    pub fn about(mut self, subject: impl AsRef<Path>) -> Self {
        self.subject = Some(subject.as_ref().to_string_lossy().into_owned());
        self
    }

    /// An error while reading an input: a missing file is 66, a refused one 77.
    pub fn reading(path: impl AsRef<Path>, err: &io::Error) -> Self {
        let code = match err.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Code::NoInput,
            io::ErrorKind::PermissionDenied => Code::NoPerm,
            io::ErrorKind::IsADirectory => Code::NoInput,
            _ => Code::IoErr,
        };
        Error::new(code, io_message(err)).about(path)
    }

    /// An error while creating or replacing an output: a refused one is 77, a read-only
    /// filesystem or a full disk 74, anything else that stops the file from existing 73.
    /// Shown as `cannot write PATH: permission denied (run as root)`: the hint is added when a
    /// user other than root is refused a path that root owns.
    pub fn writing(path: impl AsRef<Path>, err: &io::Error) -> Self {
        let path = path.as_ref();
        let code = match err.kind() {
            io::ErrorKind::PermissionDenied => Code::NoPerm,
            io::ErrorKind::ReadOnlyFilesystem
            | io::ErrorKind::StorageFull
            | io::ErrorKind::QuotaExceeded
            | io::ErrorKind::ResourceBusy => Code::IoErr,
            io::ErrorKind::Interrupted | io::ErrorKind::UnexpectedEof | io::ErrorKind::Other => Code::IoErr,
            _ => Code::CantCreate,
        };
        let mut message = lowercase_first(&io_message(err));
        if code == Code::NoPerm && needs_root(path) {
            message.push_str(" (run as root)");
        }
        let mut error = Error::new(code, message).about(path);
        error.action = Some("cannot write");
        error
    }

    /// Stdout was closed by the reader (`privkit ... | head`): the run ends quietly with 0,
    /// as a pipeline expects.
    pub fn broken_pipe() -> Self {
        Error {
            code: Code::Ok,
            action: None,
            subject: None,
            message: String::new(),
            quiet: true,
        }
    }

    /// True for an error that must end the run without a message.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    pub fn code(&self) -> Code {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// Adds context in front of the message: `rotate: Read-only file system`.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(action) = self.action {
            write!(f, "{action} ")?;
        }
        match &self.subject {
            Some(subject) => write!(f, "{}: {}", escape(subject), escape(&self.message)),
            None => write!(f, "{}", escape(&self.message)),
        }
    }
}

impl std::error::Error for Error {}

/// "Permission denied" reads as "permission denied" after "cannot write PATH: ".
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(|c| c.is_lowercase()) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

/// True when this process is not root and the path (or the directory it would be created in)
/// belongs to root: running as root is then the likely fix.
fn needs_root(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if rustix::process::geteuid().is_root() {
        return false;
    }
    let owner = std::fs::symlink_metadata(path).or_else(|_| {
        std::fs::metadata(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )
    });
    owner.is_ok_and(|m| m.uid() == 0)
}

/// The system's text for an I/O error, without Rust's " (os error N)" suffix.
pub fn io_message(err: &io::Error) -> String {
    let text = err.to_string();
    match text.rfind(" (os error ") {
        Some(cut) if text.ends_with(')') => text[..cut].to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_map_to_sysexits() {
        let missing = io::Error::from_raw_os_error(2);
        let e = Error::reading("/nope", &missing);
        assert_eq!(e.code(), Code::NoInput);
        assert_eq!(e.to_string(), "/nope: No such file or directory");
        let rofs = io::Error::from_raw_os_error(30);
        assert_eq!(
            Error::writing("/x/y", &rofs).to_string(),
            "cannot write /x/y: read-only file system"
        );
        assert_eq!(Error::writing("/x", &rofs).code(), Code::IoErr);
        let acces = io::Error::from_raw_os_error(13);
        assert_eq!(Error::writing("/x", &acces).code(), Code::NoPerm);
        assert_eq!(Error::reading("/x", &acces).code(), Code::NoPerm);
    }

    #[test]
    fn subject_is_escaped() {
        let e = Error::data("bad").about("evil\x1b[2Jname");
        assert_eq!(e.to_string(), "evil\\x1b[2Jname: bad");
    }
}
