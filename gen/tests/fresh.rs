//! The committed man pages and completions must be exactly what the current clap definitions
//! produce. When this fails, run `cargo run -p privkit-gen` and commit the result.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn committed(dir: &Path, root: &Path, out: &mut BTreeSet<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            committed(&path, root, out);
        } else {
            out.insert(path.strip_prefix(root).unwrap().to_path_buf());
        }
    }
}

#[test]
fn man_pages_and_completions_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let generated = privkit_gen::render();
    let mut stale = Vec::new();
    for file in &generated {
        match std::fs::read(root.join(&file.path)) {
            Ok(on_disk) if on_disk == file.content => {}
            Ok(_) => stale.push(format!("{} differs", file.path.display())),
            Err(_) => stale.push(format!("{} is missing", file.path.display())),
        }
    }
    let mut on_disk = BTreeSet::new();
    committed(&root.join("man"), &root, &mut on_disk);
    committed(&root.join("completions"), &root, &mut on_disk);
    let expected: BTreeSet<PathBuf> = generated.iter().map(|f| f.path.clone()).collect();
    for extra in on_disk.difference(&expected) {
        stale.push(format!("{} is no longer generated", extra.display()));
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `cargo run -p privkit-gen`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn every_applet_has_a_page_and_completions() {
    let paths: Vec<String> = privkit_gen::render()
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert!(paths.contains(&"man/privkit.1".to_string()));
    for applet in privkit::applets::APPLETS {
        let name = applet.name;
        for want in [
            format!("man/privkit-{name}.1"),
            format!("completions/bash/{name}.bash"),
            format!("completions/zsh/_{name}"),
            format!("completions/fish/{name}.fish"),
        ] {
            assert!(paths.contains(&want), "{want} is not generated");
        }
    }
}
