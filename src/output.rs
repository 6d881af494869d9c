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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Context, Result};

/// The file that marks a folder as written by ernguide (in the output folder's root).
pub const MARKER: &str = ".ernguide-output";

const MARKER_TEXT: &str =
    "This folder is written by ernguide: each build replaces everything in it.\n\
Do not keep your own files here.\n";

/// What a site folder holds that a build never replaces, whatever the options: an output
/// folder that is one of them or inside one is refused.
const SOURCES: &[&str] = &[
    "site.toml",
    "content",
    "themes",
    "screenshots",
    "i18n",
    ".git",
];

/// Why an output folder is not written (exit code 2: the command line asks for something unsafe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputRefused {
    pub out_dir: PathBuf,
    pub reason: String,
}

impl fmt::Display for OutputRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to write the site into {}: {}",
            self.out_dir.display(),
            self.reason
        )
    }
}

impl std::error::Error for OutputRefused {}

/// Checks that the site at `site_dir` may be written into `out_dir` before anything is built:
/// refuses an output folder that is or holds the site folder, or is (inside) one of its
/// [`SOURCES`], even with `force`; and, unless `force`, a file or an existing folder with files
/// in it but no [`MARKER`]. With `force`, an existing folder is adopted: it gets the marker,
/// and the build replaces its contents.
pub fn claim(out_dir: &Path, site_dir: &Path, force: bool) -> Result<(), OutputRefused> {
    let refuse = |reason: String| OutputRefused {
        out_dir: out_dir.to_path_buf(),
        reason,
    };
    let out_abs = absolute(out_dir);
    if let Ok(site_abs) = site_dir.canonicalize() {
        let sources = if site_abs.starts_with(&out_abs) {
            let what = if site_abs == out_abs { "is" } else { "holds" };
            Some(format!("it {what} the site folder {}", site_dir.display()))
        } else {
            out_abs
                .strip_prefix(&site_abs)
                .ok()
                .and_then(|rel| rel.components().next())
                .map(|first| first.as_os_str().to_string_lossy().into_owned())
                .filter(|first| SOURCES.contains(&first.as_str()))
                .map(|first| format!("it is the site's {first} or inside it"))
        };
        if let Some(what) = sources {
            return Err(refuse(format!(
                "{what}, and a build replaces everything in its output folder (your sources \
                 too; --force does not change this). Choose another folder, for example \
                 --out public"
            )));
        }
    }
    let meta = match std::fs::symlink_metadata(&out_abs) {
        Ok(m) => m,
        Err(_) => return Ok(()), // does not exist yet: the build creates it
    };
    if !meta.is_dir() && !out_abs.is_dir() {
        if force {
            return Ok(());
        }
        return Err(refuse(
            "it is a file, not a folder. Choose another name, or pass --force to replace it".into(),
        ));
    }
    if is_ours_or_empty(&out_abs) {
        return Ok(());
    }
    if force {
        return std::fs::write(out_abs.join(MARKER), MARKER_TEXT).map_err(|e| {
            refuse(format!(
                "cannot write {}: {e}",
                out_dir.join(MARKER).display()
            ))
        });
    }
    Err(refuse(format!(
        "it holds files that ernguide did not write (it has no {MARKER} file), and a build \
         replaces everything in it. Choose an empty or new folder, or pass --force to replace \
         its contents"
    )))
}

/// Whether `dir` holds the marker, or nothing at all.
fn is_ours_or_empty(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
        || std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

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
        let out = absolute(out_dir);
        let (parent, name) = match (out.parent(), out.file_name()) {
            (Some(p), Some(n)) => (p.to_path_buf(), n.to_string_lossy().into_owned()),
            _ => {
                return Err(OutputRefused {
                    out_dir: out_dir.to_path_buf(),
                    reason: "it has no parent folder to build beside".into(),
                }
                .into())
            }
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        clean_leftovers(&parent, &name, &out)?;
        let previous = match std::fs::symlink_metadata(&out) {
            Ok(m) if m.is_dir() => {
                if !is_ours_or_empty(&out) {
                    return Err(OutputRefused {
                        out_dir: out_dir.to_path_buf(),
                        reason: format!(
                            "it holds files that ernguide did not write (it has no {MARKER} file)"
                        ),
                    }
                    .into());
                }
                Some(out.clone())
            }
            Ok(_) => None,
            Err(_) => None,
        };
        let tmp = parent.join(format!(
            "{}{}-{}",
            leftover_prefix(&name, "tmp"),
            std::process::id(),
            next_seq()
        ));
        std::fs::create_dir(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        if let Err(e) = self.write_all(&tmp, previous.as_deref()) {
            let _ = remove_ours(&tmp);
            return Err(e);
        }
        if let Err(e) = swap_in(&tmp, &out, &parent, &name) {
            let _ = remove_ours(&tmp);
            return Err(e).with_context(|| format!("moving the new site into {}", out.display()));
        }
        Ok(())
    }

    /// Writes the marker and every file into the new folder `dir`; a file whose bytes equal
    /// the same file of `previous` (the current output) is a hard link to it.
    fn write_all(&self, dir: &Path, previous: Option<&Path>) -> Result<()> {
        let marker = dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT)
            .with_context(|| format!("writing {}", marker.display()))?;
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
            let bytes = bytes.as_slice();
            let path = dir.join(rel);
            if let Some(old) = previous.map(|p| p.join(rel)) {
                if same_contents(&old, bytes) && std::fs::hard_link(&old, &path).is_ok() {
                    return Ok(());
                }
            }
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
        })
    }
}

/// The leftover folders of a run for output folder `name` start with this
/// (`.public.ernguide-tmp-<pid>-<n>`, `.public.ernguide-old-<pid>-<n>`).
fn leftover_prefix(name: &str, kind: &str) -> String {
    format!(".{name}.ernguide-{kind}-")
}

fn next_seq() -> u64 {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Puts the new folder `tmp` in place of `out`: one atomic exchange where the system has it,
/// else two renames (the previous output waits under an `-old-` name in between, and
/// [`clean_leftovers`] puts it back if the run stops there). The previous output is removed.
fn swap_in(tmp: &Path, out: &Path, parent: &Path, name: &str) -> Result<()> {
    let exists = std::fs::symlink_metadata(out).is_ok();
    if !exists {
        return std::fs::rename(tmp, out).with_context(|| format!("renaming {}", tmp.display()));
    }
    if exchange(tmp, out).is_ok() {
        // `tmp` now holds the previous output (a file only when forced over one).
        return if tmp.is_dir() {
            remove_ours(tmp)
        } else {
            std::fs::remove_file(tmp)
        }
        .with_context(|| format!("removing {}", tmp.display()));
    }
    let old = parent.join(format!(
        "{}{}-{}",
        leftover_prefix(name, "old"),
        std::process::id(),
        next_seq()
    ));
    std::fs::rename(out, &old)
        .with_context(|| format!("moving the previous {} aside", out.display()))?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e).with_context(|| format!("renaming {}", tmp.display()));
    }
    if old.is_dir() {
        remove_ours(&old).with_context(|| format!("removing {}", old.display()))
    } else {
        std::fs::remove_file(&old).with_context(|| format!("removing {}", old.display()))
    }
}

/// Swaps two paths in one step (`renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Removes what earlier runs for output folder `name` left beside it when they were stopped:
/// temporary folders, and puts back a previous output that was moved aside when `out` is
/// missing. Only folders of a process that is gone, and only ernguide's (holding the marker,
/// or empty) are touched.
fn clean_leftovers(parent: &Path, name: &str, out: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let tmp_prefix = leftover_prefix(name, "tmp");
    let old_prefix = leftover_prefix(name, "old");
    let mut leftovers: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let (rest, is_old) = if let Some(rest) = file_name.strip_prefix(&tmp_prefix) {
            (rest, false)
        } else if let Some(rest) = file_name.strip_prefix(&old_prefix) {
            (rest, true)
        } else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        let path = entry.path();
        if process_alive(pid) || !path.is_dir() || !is_ours_or_empty(&path) {
            continue;
        }
        leftovers.push((path, is_old));
    }
    for (path, is_old) in leftovers {
        if is_old && std::fs::symlink_metadata(out).is_err() {
            std::fs::rename(&path, out).with_context(|| {
                format!("restoring the previous output from {}", path.display())
            })?;
        } else {
            remove_ours(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// Whether a process with this id runs (never true for a stopped run of ours: ids are only
/// reused after a long while). This process counts as running.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        false
    }
}

/// `path` made absolute, with its parent's symlinks resolved (the path need not exist).
pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    match (
        abs.parent().and_then(|d| d.canonicalize().ok()),
        abs.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => abs,
    }
}

/// Whether the file at `path` holds exactly `bytes` (its size is checked before reading it).
fn same_contents(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// Removes a folder ernguide wrote (never follows symlinks: `remove_dir_all` removes a link,
/// not its target), its entries in parallel and its [`MARKER`] last: a run stopped half-way
/// leaves a folder that still says it is ernguide's, so the next run's [`clean_leftovers`]
/// may remove it.
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?
        .filter(|e| e.as_ref().map_or(true, |e| e.file_name() != MARKER))
        .collect::<std::io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
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

    fn names(dir: &Path) -> Vec<String> {
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

    #[test]
    fn the_site_folder_or_a_parent_of_it_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        for out in [site.clone(), dir.path().to_path_buf(), site.join(".")] {
            let err = claim(&out, &site, false).unwrap_err();
            assert!(err.reason.contains("the site folder"), "{err}");
        }
        // Neither --force nor a marker makes the site folder an output folder.
        for out in [site.clone(), dir.path().to_path_buf()] {
            let err = claim(&out, &site, true).unwrap_err();
            assert!(err.reason.contains("--force does not"), "{err}");
        }
        std::fs::write(site.join(MARKER), MARKER_TEXT).unwrap();
        assert!(claim(&site, &site, false).is_err());
        assert!(claim(&site, &site, true).is_err());
        // Nor a link to the site folder.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&site, &link).unwrap();
        assert!(claim(&link, &site, true).is_err());
        assert!(claim(&link.join("content"), &site, true).is_err());
        // The sources inside the site neither.
        for out in [
            site.join("content"),
            site.join("content/shared"),
            site.join("site.toml"),
        ] {
            let err = claim(&out, &site, true).unwrap_err();
            assert!(err.reason.contains("the site's"), "{err}");
        }
        // New, empty and own folders are fine, also inside the site.
        claim(&site.join("public"), &site, false).unwrap();
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        claim(&dir.path().join("empty"), &site, false).unwrap();
        std::fs::write(dir.path().join("file"), "x").unwrap();
        assert!(claim(&dir.path().join("file"), &site, false).is_err());
    }

    #[test]
    fn leftovers_of_a_stopped_run_are_removed_and_a_moved_output_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A pid that is not running: larger than any pid_max.
        let dead = 4_194_305 + 7;
        let tmp = dir.path().join(format!(".public.ernguide-tmp-{dead}-0"));
        std::fs::create_dir_all(tmp.join("half")).unwrap();
        std::fs::write(tmp.join(MARKER), MARKER_TEXT).unwrap();
        let empty = dir.path().join(format!(".public.ernguide-tmp-{dead}-1"));
        std::fs::create_dir_all(&empty).unwrap();
        // Stopped between the two renames: the previous output waits under its -old- name.
        let old = dir.path().join(format!(".public.ernguide-old-{dead}-2"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(old.join("index.html"), "previous").unwrap();
        // Not ours (no marker): never touched.
        let foreign = dir.path().join(format!(".public.ernguide-tmp-{dead}-3"));
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "x").unwrap();

        clean_leftovers(dir.path(), "public", &out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        let mut want = vec![foreign.file_name().unwrap().to_string_lossy().into_owned()];
        want.push("public".into());
        assert_eq!(names(dir.path()), want);

        let mut o = Output::new();
        o.add("index.html", "new");
        o.write_to(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
    }
}
