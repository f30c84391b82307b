//! `cargo run -p privkit-gen`: rewrites man/ and completions/ at the workspace root (or under
//! the directory given as the only argument).

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    for dir in ["man", "completions"] {
        let dir = root.join(dir);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
    }
    for file in privkit_gen::render() {
        let dest = root.join(&file.path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&dest, &file.content)?;
        println!("{}", file.path.display());
    }
    Ok(())
}
