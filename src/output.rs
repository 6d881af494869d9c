//! The output: every generated file in memory, then written to disk in one go — into a
//! temporary folder beside the target, swapped in only when everything was written, so a
//! failed build never leaves a half-written or missing site.

use std::collections::{BTreeMap, BTreeSet};
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

    /// Writes everything to `out_dir`, replacing it only once all files are written.
    pub fn write_to(&self, out_dir: &Path) -> Result<()> {
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
