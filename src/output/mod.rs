//! The output: every generated file in memory, then written to disk in one go, only after the
//! whole site rendered and its links checked.
//!
//! The output folder belongs to ernguide: every folder it writes holds a marker file
//! ([`MARKER`]), and [`claim`] refuses a folder that holds other files without it, unless the
//! author passes `--force`, and always refuses a folder that is (or holds) the site folder or
//! is one of its sources (`content/`, ...): replacing the sources is never what an author
//! wants. Nothing outside the output folder is ever written or deleted.
//!
//! A build is all or nothing: the new site is written into a temporary folder beside the output
//! (unchanged files are hard links to the previous output's, so a rebuild writes only what
//! changed and keeps their dates), then the two folders are swapped in one step (Linux
//! `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, and the next run puts the previous
//! output back if it was stopped between them). A build killed at any moment leaves the complete
//! old site or the complete new one; the next run removes the temporary folders it left.

mod claim;
mod folder;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub use claim::{absolute, claim, OutputRefused};
pub use folder::{write_atomic, Staged};

use crate::error::Result;

/// The file that marks a folder as written by ernguide (in the output folder's root).
pub const MARKER: &str = ".ernguide-output";

const MARKER_TEXT: &str =
    "This folder is written by ernguide: each build replaces everything in it.\n\
Do not keep your own files here.\n";

/// Generated files by relative path (`/`-separated), sorted: writing is deterministic.
/// Cloning shares the files' bytes (`serve` keeps the last good site while it rebuilds, and
/// hands each new one to the server, without copying the images).
#[derive(Debug, Default, Clone)]
pub struct Output {
    files: BTreeMap<String, Arc<Vec<u8>>>,
}

impl Output {
    pub fn new() -> Output {
        Output::default()
    }

    pub fn add(&mut self, rel: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(rel.into(), Arc::new(bytes.into()));
    }

    /// Removes a file (a page whose source was deleted); returns whether it was there.
    pub fn remove(&mut self, rel: &str) -> bool {
        self.files.remove(rel).is_some()
    }

    pub fn get(&self, rel: &str) -> Option<&[u8]> {
        self.files.get(rel).map(|b| b.as_slice())
    }

    pub fn contains(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Makes `out_dir` hold exactly these files (and the [`MARKER`]), all at once: writes a new
    /// folder beside it and swaps the two. Refuses an existing folder that is not ernguide's
    /// ([`claim`] adopts one when the author forces it).
    pub fn write_to(&self, out_dir: &Path) -> Result<()> {
        folder::replace(&self.files, out_dir)
    }

    /// Writes these files into `staged` (a new output folder that [`Staged::finish`] swaps
    /// in).
    pub fn write_into(&self, staged: &Staged) -> Result<()> {
        staged.write(&self.files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut all: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| {
                e.unwrap()
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        all.sort();
        all
    }

    pub(super) fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn rebuild_links_unchanged_files_and_drops_stale_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut o = Output::new();
        o.add("index.html", "home");
        o.add("g/a/index.html", "a");
        o.add("g/b/index.html", "b");
        o.add("old/x/index.html", "x");
        o.write_to(&out).unwrap();
        // An unchanged file keeps its inode (a hard link) and so its date.
        let ino =
            |p: &str| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(out.join(p)).unwrap());
        let (home, a) = (ino("index.html"), ino("g/a/index.html"));
        std::fs::write(out.join("stray.txt"), "left in our folder").unwrap();

        let mut o = Output::new();
        o.add("index.html", "home");
        o.add("g/a/index.html", "a, edited");
        o.add("g/b/index.html", "b");
        o.add("g/c/d/index.html", "new, deep");
        o.write_to(&out).unwrap();
        assert_eq!(ino("index.html"), home, "an unchanged file was rewritten");
        assert_ne!(ino("g/a/index.html"), a, "a changed file is a new file");
        assert_eq!(
            std::fs::read_to_string(out.join("g/a/index.html")).unwrap(),
            "a, edited"
        );
        assert_eq!(
            entries(&out),
            [
                "",
                MARKER,
                "g",
                "g/a",
                "g/a/index.html",
                "g/b",
                "g/b/index.html",
                "g/c",
                "g/c/d",
                "g/c/d/index.html",
                "index.html"
            ]
        );
        assert_eq!(
            names(dir.path()),
            ["public"],
            "temporary folders left behind"
        );
    }

    #[test]
    fn a_folder_where_a_file_goes_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("page.html/inner")).unwrap();
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(out.join("a"), "a file where a folder must go").unwrap();
        let mut o = Output::new();
        o.add("page.html", "page");
        o.add("a/index.html", "a");
        o.write_to(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("page.html")).unwrap(),
            "page"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "a"
        );
        assert_eq!(
            names(dir.path()),
            ["public"],
            "temporary folders left behind"
        );
    }

    #[test]
    fn a_foreign_folder_is_refused_and_left_intact() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let out = dir.path().join("victim");
        std::fs::create_dir_all(out.join("sub")).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        std::fs::write(out.join("sub/thesis.docx"), "mine too").unwrap();
        let mut o = Output::new();
        o.add("index.html", "new");

        let refused = claim(&out, &site, false).unwrap_err();
        assert!(refused.to_string().contains("--force"), "{refused}");
        let err = o.write_to(&out).unwrap_err();
        assert!(err.downcast_ref::<OutputRefused>().is_some(), "{err:#}");
        assert_eq!(entries(&out), ["", "notes.txt", "sub", "sub/thesis.docx"]);
        assert_eq!(names(dir.path()), ["site", "victim"]);

        // Forced: the folder is adopted, and the build replaces its contents.
        claim(&out, &site, true).unwrap();
        o.write_to(&out).unwrap();
        assert_eq!(entries(&out), ["", MARKER, "index.html"]);
        // Now it is ours: no --force needed any more.
        claim(&out, &site, false).unwrap();
    }
}
