//! Embeds every file of `themes/default/` into the binary as one table:
//! `THEME_FILES: &[(&str, &[u8])]`, sorted by path.

use std::io::Write;
use std::path::Path;

fn main() {
    // Read at run time, not with env!(): a build script binary compiled in another checkout
    // (a copied target/ folder) would otherwise embed that checkout's theme.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("themes/default");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries: Vec<(String, String)> = Vec::new();
    let walk = if root.is_dir() {
        walkdir::WalkDir::new(&root)
            .sort_by_file_name()
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => panic!("reading themes/default: {e}"),
        };
        if !entry.file_type().is_file() {
            // A new file changes its folder, not the theme's root: watch every folder.
            println!("cargo:rerun-if-changed={}", entry.path().display());
            continue;
        }
        println!("cargo:rerun-if-changed={}", entry.path().display());
        let rel = entry
            .path()
            .strip_prefix(&root)
            .expect("walkdir yields paths under its root")
            .to_string_lossy()
            .replace('\\', "/");
        entries.push((rel, entry.path().display().to_string()));
    }
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("theme_files.rs");
    let mut f = std::fs::File::create(&out).expect("create theme_files.rs");
    writeln!(f, "pub static THEME_FILES: &[(&str, &[u8])] = &[").expect("write");
    for (rel, abs) in entries {
        writeln!(f, "    ({rel:?}, include_bytes!({abs:?})),").expect("write");
    }
    writeln!(f, "];").expect("write");
}
