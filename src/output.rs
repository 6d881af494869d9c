//! The output: every generated file in memory, then written to disk in one go, only after the
//! whole site rendered and its links checked. A new output folder is written beside the target
//! and swapped in when complete; an existing one is updated in place — unchanged files are left
//! alone, each changed file is replaced atomically (temporary file + rename), stale files are
//! removed — which is much cheaper for a rebuild than writing and deleting every file again.
//! Either way no file is ever half-written; if the update in place fails, the whole folder is
//! written anew and swapped in instead.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Context, Result};

/// Generated files by relative path (`/`-separated), sorted: writing is deterministic.
#[derive(Debug, Default, Clone)]
pub struct Output {
    files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    pub fn new() -> Output {
        Output::default()
    }

    pub fn add(&mut self, rel: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(rel.into(), bytes.into());
    }

    /// Removes a file (a page whose source was deleted); returns whether it was there.
    pub fn remove(&mut self, rel: &str) -> bool {
        self.files.remove(rel).is_some()
    }

    pub fn get(&self, rel: &str) -> Option<&[u8]> {
        self.files.get(rel).map(Vec::as_slice)
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

    /// Writes everything to `out_dir`: updates an existing folder in place (only what changed),
    /// or writes a new one beside it and swaps it in.
    pub fn write_to(&self, out_dir: &Path) -> Result<()> {
        if out_dir.is_dir() && self.update_in_place(out_dir).is_ok() {
            return Ok(());
        }
        self.replace_whole(out_dir)
    }

    /// Makes the existing `out_dir` hold exactly these files: writes the files whose bytes
    /// differ (each atomically), removes the others. Fails on anything unexpected (a folder
    /// where a file goes, say); the caller then replaces the whole folder.
    fn update_in_place(&self, out_dir: &Path) -> Result<()> {
        let mut existing_files: HashSet<String> = HashSet::new();
        let mut existing_dirs: Vec<String> = Vec::new();
        for entry in walkdir::WalkDir::new(out_dir).min_depth(1) {
            let entry = entry.with_context(|| format!("reading {}", out_dir.display()))?;
            let rel = entry
                .path()
                .strip_prefix(out_dir)
                .with_context(|| format!("reading {}", entry.path().display()))?
                .to_string_lossy()
                .replace('\\', "/");
            if entry.file_type().is_dir() {
                existing_dirs.push(rel);
            } else {
                existing_files.insert(rel);
            }
        }
        // Folders the output needs ("a", "a/b" for "a/b/index.html").
        let mut needed: HashSet<&str> = HashSet::new();
        for rel in self.files.keys() {
            let mut end = rel.len();
            while let Some(i) = rel[..end].rfind('/') {
                if !needed.insert(&rel[..i]) {
                    break;
                }
                end = i;
            }
        }
        let missing: BTreeSet<&str> = needed
            .iter()
            .copied()
            .filter(|d| !out_dir.join(d).is_dir())
            .collect();
        for d in &missing {
            let p = out_dir.join(d);
            std::fs::create_dir_all(&p).with_context(|| format!("creating {}", p.display()))?;
        }
        self.files.par_iter().try_for_each(|(rel, bytes)| {
            let path = out_dir.join(rel);
            if existing_files.contains(rel.as_str()) && same_contents(&path, bytes) {
                return Ok(());
            }
            write_atomic(&path, bytes)
        })?;
        existing_files
            .par_iter()
            .filter(|rel| !self.files.contains_key(rel.as_str()))
            .try_for_each(|rel| {
                let path = out_dir.join(rel);
                std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))
            })?;
        // Stale folders, deepest first (their files are gone by now).
        existing_dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for d in existing_dirs
            .iter()
            .filter(|d| !needed.contains(d.as_str()))
        {
            let path = out_dir.join(d);
            std::fs::remove_dir(&path).with_context(|| format!("removing {}", path.display()))?;
        }
        Ok(())
    }

    /// Writes everything into a new folder beside `out_dir`, then swaps it in.
    fn replace_whole(&self, out_dir: &Path) -> Result<()> {
        let parent = match out_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.tmp-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).with_context(|| format!("removing {}", tmp.display()))?;
        }
        let result = self.write_all(&tmp);
        if let Err(e) = result {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        if out_dir.exists() {
            std::fs::rename(out_dir, &old)
                .with_context(|| format!("moving the previous {} aside", out_dir.display()))?;
        }
        if let Err(e) = std::fs::rename(&tmp, out_dir) {
            // put the previous output back
            if old.exists() {
                let _ = std::fs::rename(&old, out_dir);
            }
            return Err(e)
                .with_context(|| format!("moving the new site into {}", out_dir.display()));
        }
        if old.exists() {
            remove_dir_all_parallel(&old).with_context(|| format!("removing {}", old.display()))?;
        }
        Ok(())
    }

    fn write_all(&self, dir: &Path) -> Result<()> {
        // Each folder once, then the files in parallel (the kernel's part of writing thousands
        // of small files is most of the cost).
        let folders: BTreeSet<PathBuf> = self
            .files
            .keys()
            .filter_map(|rel| dir.join(rel).parent().map(Path::to_path_buf))
            .collect();
        folders.par_iter().try_for_each(|p| {
            std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))
        })?;
        self.files.par_iter().try_for_each(|(rel, bytes)| {
            let path = dir.join(rel);
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
        })
    }
}

/// Whether the file at `path` holds exactly `bytes` (its size is checked before reading it).
fn same_contents(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// `std::fs::remove_dir_all`, with the folder's entries removed in parallel.
fn remove_dir_all_parallel(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<std::fs::DirEntry> =
        std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// Writes one file atomically (temporary file + rename). The temporary name is unique per
/// process and call, so concurrent writers of the same path (threads, or builds sharing an
/// image cache) never mix their bytes: the last rename wins, with whole contents.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let tmp = parent.join(format!(
        ".{}.tmp-{}-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id(),
        SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", tmp.display()));
    }
    std::fs::rename(&tmp, path)
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_in_place_writes_only_changes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut o = Output::new();
        o.add("index.html", "home");
        o.add("g/a/index.html", "a");
        o.add("g/b/index.html", "b");
        o.add("old/x/index.html", "x");
        o.write_to(&out).unwrap();
        // Mark the files: an unchanged file keeps its inode and its mtime.
        let ino =
            |p: &str| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(out.join(p)).unwrap());
        let (home, a) = (ino("index.html"), ino("g/a/index.html"));
        std::fs::write(out.join("stray.txt"), "not ours").unwrap();

        let mut o = Output::new();
        o.add("index.html", "home");
        o.add("g/a/index.html", "a, edited");
        o.add("g/b/index.html", "b");
        o.add("g/c/d/index.html", "new, deep");
        o.write_to(&out).unwrap();
        assert_eq!(ino("index.html"), home, "an unchanged file was rewritten");
        assert_ne!(
            ino("g/a/index.html"),
            a,
            "a changed file is replaced by a new one (atomic rename)"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("g/a/index.html")).unwrap(),
            "a, edited"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("g/c/d/index.html")).unwrap(),
            "new, deep"
        );
        assert!(!out.join("stray.txt").exists());
        assert!(!out.join("old").exists(), "a stale folder is removed");
        let mut all: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| {
                e.unwrap()
                    .path()
                    .strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        all.sort();
        assert_eq!(
            all,
            [
                "",
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
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary folders left behind");
    }

    #[test]
    fn a_folder_where_a_file_goes_falls_back_to_replacing_everything() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("page.html/inner")).unwrap();
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
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary folders left behind");
    }

    #[test]
    fn swap_replaces_whole_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("stale.html"), "old").unwrap();
        let mut o = Output::new();
        o.add("index.html", "new");
        o.add("a/b/index.html", "deep");
        o.write_to(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "deep"
        );
        assert!(!out.join("stale.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary folders left behind");
    }
}
