//! Where a cleaned file goes: `STEM.cleaned.EXT` beside the input, keeping the extension's case
//! and any Unicode in the name (`Holiday Photo ÉTÉ.JPEG` -> `Holiday Photo ÉTÉ.cleaned.JPEG`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub fn cleaned_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().unwrap_or(input.as_os_str());
    let mut name = OsString::from(stem);
    name.push(".cleaned");
    if let Some(ext) = input.extension() {
        name.push(".");
        name.push(ext);
    }
    input.with_file_name(name)
}

/// Files this tool wrote (`*.cleaned.*`), skipped by --recursive.
pub fn is_cleaned_output(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.contains(".cleaned.") || n.ends_with(".cleaned")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            cleaned_path(Path::new("a/photo.jpg")),
            Path::new("a/photo.cleaned.jpg")
        );
        assert_eq!(
            cleaned_path(Path::new("Holiday Photo ÉTÉ.JPEG")),
            Path::new("Holiday Photo ÉTÉ.cleaned.JPEG")
        );
        assert_eq!(
            cleaned_path(Path::new("archive.tar.gz")),
            Path::new("archive.tar.cleaned.gz")
        );
        assert_eq!(cleaned_path(Path::new("README")), Path::new("README.cleaned"));
        assert_eq!(cleaned_path(Path::new(".hidden")), Path::new(".hidden.cleaned"));
        assert!(is_cleaned_output(Path::new("x/photo.cleaned.jpg")));
        assert!(!is_cleaned_output(Path::new("x/photo.jpg")));
    }
}
