//! The totals at the end of a batch (`cleaned 44, already clean 2, unsupported 1, failed 0`),
//! on standard error after the per-file lines, with the failed and unsupported files named
//! again so that they are not lost among two thousand lines.

use std::io::Write;

use privkit_core::escape;

use crate::job::Mode;
use crate::report::{FileReport, Status};

#[derive(Debug, Default)]
pub struct Summary {
    /// Cleaned (written without what it carried), found dirty by --check, or shown.
    done: usize,
    clean: usize,
    skipped: usize,
    unsupported: Vec<String>,
    failed: Vec<String>,
}

impl Summary {
    pub fn add(&mut self, r: &FileReport) {
        match r.status {
            Status::Cleaned | Status::Dirty | Status::Shown => self.done += 1,
            Status::Clean => self.clean += 1,
            Status::Skipped => self.skipped += 1,
            Status::Unsupported => self.unsupported.push(r.input.clone()),
            Status::Error => self.failed.push(r.input.clone()),
        }
    }

    pub fn skipped(&mut self, n: usize) {
        self.skipped += n;
    }

    /// The totals line, in the words of the mode.
    pub fn line(&self, mode: Mode) -> String {
        let (done, clean) = match mode {
            Mode::Clean | Mode::InPlace => ("cleaned", "already clean"),
            Mode::Check => ("metadata found", "clean"),
            Mode::Show => ("shown", "no metadata"),
        };
        let mut line = format!(
            "{done} {}, {clean} {}, unsupported {}, failed {}",
            self.done,
            self.clean,
            self.unsupported.len(),
            self.failed.len()
        );
        if self.skipped > 0 {
            line.push_str(&format!(", skipped {}", self.skipped));
        }
        line
    }

    /// Writes the totals and the files that need attention to standard error.
    pub fn print(&self, mode: Mode) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", self.line(mode));
        for (what, list) in [("failed", &self.failed), ("unsupported", &self.unsupported)] {
            for input in list {
                let _ = writeln!(err, "  {what}: {}", escape(input));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use privkit_core::Error;
    use std::path::Path;

    #[test]
    fn counts_each_status_in_the_mode_s_words() {
        let mut s = Summary::default();
        s.add(&FileReport::new(Path::new("a"), "JPEG", Status::Cleaned));
        s.add(&FileReport::new(Path::new("b"), "PNG", Status::Clean));
        s.add(&FileReport::unsupported(
            Path::new("c.txt"),
            Error::data("unsupported format"),
        ));
        s.add(&FileReport::failed(Path::new("d.jpg"), Error::data("truncated")));
        assert_eq!(
            s.line(Mode::Clean),
            "cleaned 1, already clean 1, unsupported 1, failed 1"
        );
        assert_eq!(
            s.line(Mode::Check),
            "metadata found 1, clean 1, unsupported 1, failed 1"
        );
        assert_eq!(s.failed, ["d.jpg"]);
        assert_eq!(s.unsupported, ["c.txt"]);
    }
}
