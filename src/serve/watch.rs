//! Watches the site's sources (`content/`, `themes/`, `screenshots/`, `i18n/`, `site.toml`) with
//! notify-debouncer-full and hands batches of changed source files to the rebuild loop; the
//! rebuild classifies them ([`ChangeKind`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache,
};

use crate::error::{anyhow, Result};
use crate::incremental::ChangeKind;

/// How long a file must be quiet before its change is reported: editors write a file in
/// several steps. Measured with inotify on this project's machine: `sed -i` and an atomic save
/// (write a temporary file, rename it) within one millisecond; vim truncates and writes the
/// file within 0.2 ms, then, after its fsync (5-12 ms), changes attributes and closes it. So
/// the content is complete within a millisecond or two, and a late event (vim's attributes)
/// only rebuilds again without changing the output (no reload). A change caught half-written
/// fails the rebuild, or reloads a page that the next event's rebuild corrects. The file is
/// reported 10-12.5 ms after its last event (the debouncer checks every quarter of this).
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// Folders watched recursively, relative to the site folder (the site folder itself is watched
/// without recursion, for `site.toml` and for these folders appearing).
const WATCHED_DIRS: &[&str] = &["content", "themes", "screenshots", "i18n"];

pub struct Watcher {
    debouncer: Debouncer<notify_debouncer_full::notify::RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    /// The site folder, absolute with symlinks resolved (how events name paths).
    root: PathBuf,
    /// Paths never reported (the output folder, when it is inside the site).
    ignore: Vec<PathBuf>,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching the site at `site_dir`; changes under `ignore` (e.g. the output folder)
    /// are not reported.
    pub fn new(site_dir: &Path, ignore: &[PathBuf]) -> Result<Watcher> {
        let root = site_dir
            .canonicalize()
            .map_err(|e| anyhow!("cannot watch {}: {e}", site_dir.display()))?;
        let (tx, events) = std::sync::mpsc::channel();
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx)
            .map_err(|e| anyhow!("cannot watch {}: {e}", site_dir.display()))?;
        debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| anyhow!("cannot watch {}: {e}", root.display()))?;
        let ignore = ignore.iter().map(|p| crate::output::absolute(p)).collect();
        let mut w = Watcher {
            debouncer,
            events,
            root,
            ignore,
            watched: BTreeSet::new(),
        };
        w.watch_new_dirs()?;
        Ok(w)
    }

    /// Forgets the watch of each source folder named in `moved` (a folder moved away, deleted or
    /// put back keeps no working watch), so [`Watcher::watch_new_dirs`] watches it anew.
    fn forget_moved_dirs(&mut self, moved: &BTreeSet<PathBuf>) {
        for path in moved {
            if self.watched.remove(path) {
                // Fails when the watch is gone already; either way it is made anew.
                let _ = self.debouncer.unwatch(path);
            }
        }
    }

    /// Watches the source folders that exist and are not watched yet.
    fn watch_new_dirs(&mut self) -> Result<()> {
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                self.debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| anyhow!("cannot watch {}: {e}", path.display()))?;
                self.watched.insert(path);
            }
        }
        Ok(())
    }

    /// Blocks until source files change; returns them (absolute, sorted, no duplicates).
    /// Batches already waiting when the first is read are merged (a later one is the next
    /// rebuild's). `None` when the watcher stopped.
    pub fn next_changes(&mut self) -> Option<Vec<PathBuf>> {
        loop {
            let first = self.events.recv().ok()?;
            let mut paths = BTreeSet::new();
            let mut moved = BTreeSet::new();
            self.collect(first, &mut paths, &mut moved);
            loop {
                match self.events.try_recv() {
                    Ok(more) => self.collect(more, &mut paths, &mut moved),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return None,
                }
            }
            self.forget_moved_dirs(&moved);
            if let Err(e) = self.watch_new_dirs() {
                eprintln!("warning: {e:#}");
            }
            if !paths.is_empty() {
                return Some(paths.into_iter().collect());
            }
        }
    }

    fn collect(
        &self,
        batch: DebounceEventResult,
        into: &mut BTreeSet<PathBuf>,
        moved: &mut BTreeSet<PathBuf>,
    ) {
        match batch {
            Ok(events) => {
                into.extend(source_paths(&self.root, &self.ignore, &events));
                moved.extend(moved_dirs(&self.root, &events));
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching files: {e}");
                }
            }
        }
    }
}

/// The watched source folders (`content`, ...) that `events` name themselves: created,
/// removed or renamed (moved away, or back).
pub fn moved_dirs(root: &Path, events: &[DebouncedEvent]) -> Vec<PathBuf> {
    events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_)))
        .flat_map(|e| e.paths.iter())
        .filter(|p| {
            p.parent() == Some(root)
                && p.file_name()
                    .is_some_and(|n| WATCHED_DIRS.iter().any(|d| n == std::ffi::OsStr::new(d)))
        })
        .cloned()
        .collect()
}

/// The site source files that `events` created, modified, renamed or removed: reads are
/// dropped, and so are paths outside `root`, under an `ignore` prefix, or that are no source
/// ([`ChangeKind::Ignored`]: editor swap files, the output folder, ...).
pub fn source_paths(root: &Path, ignore: &[PathBuf], events: &[DebouncedEvent]) -> Vec<PathBuf> {
    events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_)))
        .flat_map(|e| e.paths.iter())
        .filter(|p| !ignore.iter().any(|i| p.starts_with(i)))
        .filter(|p| {
            p.strip_prefix(root)
                .is_ok_and(|rel| ChangeKind::of(rel) != ChangeKind::Ignored)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_debouncer_full::notify::event::{
        AccessKind, CreateKind, DataChange, Event, ModifyKind, RemoveKind,
    };
    use std::time::Instant;

    fn ev(kind: EventKind, path: &str) -> DebouncedEvent {
        DebouncedEvent::new(
            Event::new(kind).add_path(PathBuf::from(path)),
            Instant::now(),
        )
    }

    #[test]
    fn keeps_source_changes_only() {
        let root = Path::new("/site");
        let events = [
            ev(
                EventKind::Modify(ModifyKind::Data(DataChange::Content)),
                "/site/content/guides/demo/01-a.md",
            ),
            ev(
                EventKind::Access(AccessKind::Read),
                "/site/content/shared/read-only.md",
            ),
            ev(
                EventKind::Create(CreateKind::File),
                "/site/content/guides/demo/.01-a.md.swp",
            ),
            ev(
                EventKind::Create(CreateKind::File),
                "/site/content/public/index.html",
            ),
            ev(
                EventKind::Remove(RemoveKind::File),
                "/site/content/shared/old.md",
            ),
            ev(EventKind::Modify(ModifyKind::Any), "/site/site.toml"),
            ev(
                EventKind::Modify(ModifyKind::Any),
                "/site/public/index.html",
            ),
            ev(
                EventKind::Modify(ModifyKind::Any),
                "/elsewhere/content/data/x.yaml",
            ),
        ];
        let got = source_paths(root, &[PathBuf::from("/site/content/public")], &events);
        assert_eq!(
            got,
            vec![
                PathBuf::from("/site/content/guides/demo/01-a.md"),
                PathBuf::from("/site/content/shared/old.md"),
                PathBuf::from("/site/site.toml"),
            ]
        );
    }
}
