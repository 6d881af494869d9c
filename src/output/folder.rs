//! The folders on disk: a new site written beside the output and swapped in, what a stopped
//! run left removed. Removing thousands of folders is waiting, not work (on ext4 mounted with
//! `discard`, removing one folder waits about 3 ms while hundreds at once take no longer than
//! one): it runs on a pool of many threads of its own ([`on_io_threads`]), not on the rendering
//! threads (one per core).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::claim::{absolute, is_ours_or_empty, OutputRefused};
use super::{MARKER, MARKER_TEXT};
use crate::error::{Context, Result};

/// A pool of threads of its own (`None` if its threads could not be made).
fn pool(threads: usize, name: &'static str) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("ernguide-{name}-{i}"))
        .build()
        .ok()
}

/// Runs `f` on `pool` (on the current pool if it could not be made).
fn install<T: Send>(pool: &Option<rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Runs `f` on the threads that remove the previous output: far more than cores, since each
/// mostly waits for the file system.
fn on_io_threads<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    install(POOL.get_or_init(|| pool(64, "io")), f)
}

/// Makes `out_dir` hold exactly `files` (and the [`MARKER`]), all at once: writes a new folder
/// beside it and swaps the two. Refuses an existing folder that is not ernguide's.
pub(super) fn replace(files: &BTreeMap<String, Arc<Vec<u8>>>, out_dir: &Path) -> Result<()> {
    let staged = Staged::begin(out_dir)?;
    staged.write(files)?;
    staged.finish()
}

/// The new output folder while it is written beside the output: [`Staged::finish`] swaps it
/// in; dropped unfinished (a later step failed), it is removed and the output stays as it was.
pub struct Staged {
    tmp: PathBuf,
    out: PathBuf,
    parent: PathBuf,
    name: String,
    /// The current output, whose unchanged files the new one links to.
    previous: Option<PathBuf>,
    /// The output's parent folders that [`Staged::begin`] made (the innermost first): a build
    /// that fails removes them again (the pages are written while they render, so a failed
    /// render comes after this folder was made).
    made: Vec<PathBuf>,
    finished: bool,
}

impl Staged {
    /// Makes the new folder (with its marker) beside `out_dir`, after removing what stopped
    /// runs left there. Refuses an existing folder that is not ernguide's.
    pub fn begin(out_dir: &Path) -> Result<Staged> {
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
        let made: Vec<PathBuf> = (parent.ancestors())
            .take_while(|a| std::fs::symlink_metadata(a).is_err())
            .map(Path::to_path_buf)
            .collect();
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
        let staged = Staged {
            tmp,
            out,
            parent,
            name,
            previous,
            made,
            finished: false,
        };
        let marker = staged.tmp.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT)
            .with_context(|| format!("writing {}", marker.display()))?;
        Ok(staged)
    }

    /// Writes `files` into the new folder (more may follow); a file whose bytes equal the same
    /// file of the current output is a hard link to it.
    pub(super) fn write(&self, files: &BTreeMap<String, Arc<Vec<u8>>>) -> Result<()> {
        write_all(files, &self.tmp, self.previous.as_deref())
    }

    /// Writes one file into the new folder, its folders made as needed (a build writes each
    /// page so, as soon as it is rendered); as in [`Staged::write`], a file whose bytes equal
    /// the same file of the current output is a hard link to it.
    pub fn write_file(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if let Some(folder) = Path::new(rel).parent() {
            let folder = self.tmp.join(folder);
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        write_one(&self.tmp, rel, bytes, self.previous.as_deref())
    }

    /// Puts the new folder in place of the output (the previous output is removed).
    pub fn finish(mut self) -> Result<()> {
        self.finished = true;
        if let Err(e) = swap_in(&self.tmp, &self.out, &self.parent, &self.name) {
            let _ = remove_ours(&self.tmp);
            return Err(e)
                .with_context(|| format!("moving the new site into {}", self.out.display()));
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.finished {
            let _ = remove_ours(&self.tmp);
            // (a folder that is not empty any more stays)
            for folder in &self.made {
                let _ = std::fs::remove_dir(folder);
            }
        }
    }
}

/// Writes every file into the new folder `dir`; a file whose bytes equal the same file of
/// `previous` (the current output) is a hard link to it.
fn write_all(
    files: &BTreeMap<String, Arc<Vec<u8>>>,
    dir: &Path,
    previous: Option<&Path>,
) -> Result<()> {
    // Each folder once, then the files.
    let folders: BTreeSet<PathBuf> = files
        .keys()
        .filter_map(|rel| dir.join(rel).parent().map(Path::to_path_buf))
        .collect();
    // On the rendering threads: creating files takes the file system's locks, and more
    // threads than cores made a fresh build's writing slower, not faster.
    folders.par_iter().try_for_each(|p| {
        std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))
    })?;
    files
        .par_iter()
        .try_for_each(|(rel, bytes)| write_one(dir, rel, bytes, previous))
}

/// Writes the file `rel` into the new folder `dir` (its folder exists); when its bytes equal
/// the same file of `previous` (the current output), it is a hard link to that file.
fn write_one(dir: &Path, rel: &str, bytes: &[u8], previous: Option<&Path>) -> Result<()> {
    let path = dir.join(rel);
    if let Some(old) = previous.map(|p| p.join(rel)) {
        if same_contents(&old, bytes) && std::fs::hard_link(&old, &path).is_ok() {
            return Ok(());
        }
    }
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
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
    on_io_threads(|| entries.par_iter().try_for_each(remove_entry))?;
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}

/// Removes a file, a link or a folder with everything in it (its entries in parallel; a link
/// is removed, never followed).
fn remove_entry(entry: &std::fs::DirEntry) -> std::io::Result<()> {
    if !entry.file_type()?.is_dir() {
        return std::fs::remove_file(entry.path());
    }
    let path = entry.path();
    let entries: Vec<std::fs::DirEntry> =
        std::fs::read_dir(&path)?.collect::<std::io::Result<_>>()?;
    entries.par_iter().try_for_each(remove_entry)?;
    std::fs::remove_dir(&path)
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
    use super::super::tests::names;
    use super::super::Output;
    use super::*;

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
