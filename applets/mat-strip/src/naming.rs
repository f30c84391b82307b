//! Where a cleaned file goes: `STEM.cleaned.EXT` beside the input, keeping the extension's case
//! and any Unicode in the name (`Holiday Photo ÉTÉ.JPEG` -> `Holiday Photo ÉTÉ.cleaned.JPEG`).

use std::collections::{HashMap, HashSet};
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

/// Of the names in one directory, those --recursive skips: exactly the outputs this tool would
/// write for another name in the list (`X.cleaned.EXT` beside `X.EXT`), each with the input it
/// belongs to. A name that only looks like an output (`holiday.cleaned.png` alone) is a file to
/// clean or check like any other: renaming a file must not get it past `--check -r`.
pub fn sibling_outputs(names: &[OsString]) -> HashMap<OsString, OsString> {
    let present: HashSet<&OsString> = names.iter().collect();
    let mut outputs = HashMap::new();
    for name in names {
        let out = cleaned_path(Path::new(name)).into_os_string();
        if &out != name && present.contains(&out) {
            outputs.insert(out, name.clone());
        }
    }
    outputs
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
    }

    #[test]
    fn only_outputs_of_siblings_are_skipped() {
        let names: Vec<OsString> = [
            "a.jpg",
            "a.cleaned.jpg",
            "b.cleaned.png",
            "README",
            "README.cleaned",
            "c.cleaned.jpg",
            "c.JPG",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let skipped = sibling_outputs(&names);
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert_eq!(skipped[&OsString::from("a.cleaned.jpg")], "a.jpg");
        assert_eq!(skipped[&OsString::from("README.cleaned")], "README");
    }
}
