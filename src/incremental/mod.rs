//! Incremental rebuilds (for `serve`): a [`Site`] keeps the loaded [`Library`] and the rendered
//! site in memory, and [`Site::rebuild`] takes the files that changed, renders again only the
//! pages that depend on them and merges those into the last good site. The stages are the
//! build's own (load -> render -> static files -> images -> search -> lint links); a failed
//! rebuild changes nothing.
//!
//! - this module: the site kept ([`Whole`]) and the rebuild;
//! - [`change`]: what a changed path is, and which pages depend on it;
//! - [`search_parts`]: the search indexes in per-page parts.

mod change;
mod search_parts;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::content::Library;
use crate::error::Result;
use crate::i18n::site::LanguageSet;
use crate::images::Encode;
use crate::lint::links::LinkIndex;
use crate::output::Output;
use crate::pipeline::{self, timing, Built, Warning};
use crate::render::{PageInfo, Selection, TrainerCache};
pub use change::ChangeKind;
use change::{guide_key, same_guide, same_guide_list, select_pages};
use search_parts::SearchParts;

/// What a rebuild did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RebuildStats {
    /// The whole site was loaded and rendered again.
    pub full: bool,
    /// Output paths of the pages rendered again.
    pub rendered: Vec<String>,
    /// Output files that are new or differ (pages, images, static files).
    pub changed: Vec<String>,
    /// Output files that no longer exist (a step was removed or renamed, ...).
    pub removed: Vec<String>,
    /// Pages in the site after the rebuild.
    pub pages: usize,
}

impl RebuildStats {
    /// Whether the output changed (open pages should reload).
    pub fn changed_output(&self) -> bool {
        !self.changed.is_empty() || !self.removed.is_empty()
    }
}

/// Of the output files `touched` (written or removed by a rebuild), those of `new` that are not
/// in `old` or differ, and those of `old` missing from `new` (each list sorted).
fn output_diff<'a>(
    old: &Output,
    new: &Output,
    touched: impl Iterator<Item = &'a str>,
) -> (Vec<String>, Vec<String>) {
    let touched: BTreeSet<&str> = touched.collect();
    let changed = touched
        .iter()
        .filter(|rel| {
            new.get(rel)
                .is_some_and(|bytes| old.get(rel) != Some(bytes))
        })
        .map(|rel| rel.to_string())
        .collect();
    let removed = touched
        .iter()
        .filter(|rel| old.contains(rel) && !new.contains(rel))
        .map(|rel| rel.to_string())
        .collect();
    (changed, removed)
}

/// A loaded and rendered site that can be rebuilt from a list of changed files.
pub struct Site {
    site_dir: PathBuf,
    /// `site_dir`, absolute and with symlinks resolved, to recognise the paths a watcher reports.
    canonical_dir: PathBuf,
    /// The last good site.
    whole: Whole,
    /// Changes (relative to the site folder) not yet built successfully: a failed rebuild's
    /// changes are built again with the next one.
    pending: BTreeSet<PathBuf>,
}

/// A whole site loaded, rendered, indexed and linted, with what a rebuild reuses.
struct Whole {
    lib: Library,
    /// The site's languages: catalogs and translated libraries (only changed guides are
    /// translated again).
    langs: LanguageSet,
    rendered: Built,
    /// The pages' ids and links, to check only the links a rebuild can have broken.
    links: LinkIndex,
    /// The search indexes in parts, to analyse only the pages a rebuild rendered.
    search: SearchParts,
    /// Each step's part of its guide's slides and handout, to render only the edited steps'.
    trainer: TrainerCache,
    /// How many pages show each image file: a rebuild drops the files no page shows any more
    /// by looking only at the pages it replaced.
    shown: HashMap<String, usize>,
    warnings: Vec<Warning>,
    /// Pages rendered since the search indexes and content warnings were last brought up to
    /// date ([`Site::finish`]).
    unfinished: BTreeSet<String>,
}

impl Whole {
    /// Loads, renders, indexes and link-checks the site at `site_dir`: `build`'s steps without
    /// writing.
    fn build(site_dir: &Path) -> Result<Whole> {
        let lib = pipeline::load(site_dir)?;
        let langs = pipeline::languages(&lib)?;
        let trainer = TrainerCache::default();
        let (mut rendered, _) =
            pipeline::assemble(&lib, &langs, &Selection::All, Encode::Full, Some(&trainer))?;
        let t = Instant::now();
        let mut search = SearchParts::new(&lib);
        let all: Vec<&str> = rendered.pages.iter().map(|p| p.rel.as_str()).collect();
        search.update(&rendered, &all);
        search.write(&mut rendered);
        timing("search", t);
        let t = Instant::now();
        let links = LinkIndex::new(&rendered);
        let check = rendered.pages.iter().map(|p| p.rel.clone()).collect();
        let warnings = lint(&lib, &rendered, &links, &check)?;
        timing("lint", t);
        let shown = shown_images(&rendered.pages, HashMap::new());
        Ok(Whole {
            lib,
            langs,
            rendered,
            links,
            search,
            trainer,
            shown,
            warnings,
            unfinished: BTreeSet::new(),
        })
    }
}

/// The link check of the pages `check` (the other pages' links cannot have changed), and the
/// content warnings.
fn lint(
    lib: &Library,
    built: &Built,
    links: &LinkIndex,
    check: &HashSet<String>,
) -> Result<Vec<Warning>> {
    check_links(lib, built, links, check)?;
    Ok(crate::lint::stale::stale_content_warnings(lib))
}

/// The link check of the pages `check`: the first problem is the error.
fn check_links(
    lib: &Library,
    built: &Built,
    links: &LinkIndex,
    check: &HashSet<String>,
) -> Result<()> {
    match links.problems(lib, built, check).into_iter().next() {
        Some(first) => Err(first.into()),
        None => Ok(()),
    }
}

impl Site {
    /// Loads, renders and link-checks the site at `site_dir`, like `build` without writing.
    pub fn load(site_dir: &Path) -> Result<Site> {
        Ok(Site {
            site_dir: site_dir.to_path_buf(),
            canonical_dir: canonical(site_dir),
            whole: Whole::build(site_dir)?,
            pending: BTreeSet::new(),
        })
    }

    pub fn output(&self) -> &Output {
        &self.whole.rendered.output
    }

    pub(crate) fn pages(&self) -> &[PageInfo] {
        &self.whole.rendered.pages
    }

    pub fn warnings(&self) -> &[Warning] {
        &self.whole.warnings
    }

    /// `path` (absolute, or relative to the current folder) relative to the site folder, or
    /// `None` if it is outside.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        if let Ok(rel) = path.strip_prefix(&self.site_dir) {
            return Some(rel.to_path_buf());
        }
        let abs = std::path::absolute(path).ok()?;
        if let Ok(rel) = abs.strip_prefix(&self.canonical_dir) {
            return Some(rel.to_path_buf());
        }
        // A deleted file cannot be canonicalized: its nearest existing folder can.
        let existing = abs
            .ancestors()
            .skip(1)
            .find_map(|a| Some((a, a.canonicalize().ok()?)))?;
        let rest = abs.strip_prefix(existing.0).ok()?;
        let rel = existing.1.strip_prefix(&self.canonical_dir).ok()?;
        Some(rel.join(rest))
    }

    /// Rebuilds after `changed` files (absolute, or relative to the current folder) were
    /// created, modified or deleted: [`Site::rebuild_pages`], then [`Site::finish`]. On error
    /// the site is left as it was, and the changes are kept for the next rebuild.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildStats> {
        let mut stats = self.rebuild_pages(changed)?;
        stats.changed.extend(self.finish());
        stats.changed.sort();
        Ok(stats)
    }

    /// Brings the search indexes and the content warnings up to date with the pages the last
    /// rebuilds rendered ([`Site::rebuild_pages`] leaves them behind); returns the output files
    /// that changed (`search/<lang>.js`).
    pub fn finish(&mut self) -> Vec<String> {
        let whole = &mut self.whole;
        if whole.unfinished.is_empty() {
            return Vec::new();
        }
        let t = Instant::now();
        let redone = std::mem::take(&mut whole.unfinished);
        let redone: Vec<&str> = redone.iter().map(String::as_str).collect();
        let before = whole.rendered.output.clone();
        whole.search.update(&whole.rendered, &redone);
        whole.search.write(&mut whole.rendered);
        let lib = &whole.lib;
        let files = crate::search::index_files(&lib.config.language, &lib.config.languages);
        let (changed, _) = output_diff(
            &before,
            &whole.rendered.output,
            files.iter().map(String::as_str),
        );
        timing("search", t);
        whole.warnings = crate::lint::stale::stale_content_warnings(lib);
        changed
    }

    /// [`Site::rebuild`] without [`Site::finish`]: the pages are up to date (a page open in a
    /// browser can reload), the search indexes are the last rebuild's until `finish`.
    pub fn rebuild_pages(&mut self, changed: &[PathBuf]) -> Result<RebuildStats> {
        let rels: Vec<PathBuf> = changed.iter().filter_map(|p| self.relative(p)).collect();
        self.pending.extend(rels);
        let kinds: Vec<ChangeKind> = self
            .pending
            .iter()
            .map(|p| ChangeKind::of(p))
            .filter(|k| *k != ChangeKind::Ignored)
            .collect();
        let result = if kinds.is_empty() {
            Ok(RebuildStats {
                pages: self.whole.rendered.pages.len(),
                ..RebuildStats::default()
            })
        } else if kinds.iter().any(ChangeKind::affects_everything) {
            self.rebuild_all()
        } else {
            self.rebuild_some(&kinds)
        };
        match result {
            Ok(_) => self.pending.clear(),
            // What a failed rebuild rendered may rest on sources it could not build with:
            // the slides and handouts are made anew next time.
            Err(_) => self.whole.trainer = TrainerCache::default(),
        }
        result
    }

    /// Loads and renders everything again.
    fn rebuild_all(&mut self) -> Result<RebuildStats> {
        let whole = Whole::build(&self.site_dir)?;
        let old = &self.whole.rendered.output;
        let new = &whole.rendered.output;
        let (changed, removed) = output_diff(old, new, old.files().chain(new.files()).map(|f| f.0));
        let stats = RebuildStats {
            full: true,
            rendered: whole.rendered.pages.iter().map(|p| p.rel.clone()).collect(),
            changed,
            removed,
            pages: whole.rendered.pages.len(),
        };
        drop_later(std::mem::replace(&mut self.whole, whole));
        Ok(stats)
    }

    /// Renders the pages that depend on guide files or shared fragments, and merges them into
    /// the site: only their links, and the links into them, are checked again, and only their
    /// part of the search indexes is analysed again. The site's files are shared with the
    /// last good site (a clone of [`Output`] copies no bytes), which stays as it was if a step
    /// fails.
    fn rebuild_some(&mut self, kinds: &[ChangeKind]) -> Result<RebuildStats> {
        // Only guide files and shared fragments changed (anything else rebuilds everything):
        // those are read and validated again, the rest of the library is the last build's.
        let t = Instant::now();
        let shared_changed = kinds.iter().any(|k| matches!(k, ChangeKind::Shared(_)));
        let changed_guides: BTreeSet<String> = kinds
            .iter()
            .filter_map(|k| match k {
                ChangeKind::Guide { slug, .. } => Some(slug.clone()),
                _ => None,
            })
            .collect();
        let new = self
            .whole
            .lib
            .reload_guides(&changed_guides, shared_changed)?;
        timing("load", t);
        let lib = &new;
        let old = &self.whole;
        let selection = if !same_guide_list(lib, &old.lib) {
            Selection::All
        } else {
            select_pages(&old.lib, lib, &old.rendered.pages, kinds)
        };
        // A step's slides and handout part is kept while only guide bodies change: a shared
        // fragment, or a guide's steps or front matter (another guide's `step_url()` may
        // name them), may change what any step expands to.
        let shape_same = match &selection {
            Selection::Nothing => true,
            Selection::Some { guides, .. } => guides.is_empty(),
            Selection::All => false,
        };
        if shared_changed || !shape_same {
            self.whole.trainer = TrainerCache::default();
        }
        let old = &self.whole;
        // Only guide files and shared fragments changed (anything else rebuilds everything), so
        // the static files are those of the last build; only the highlight CSS may be new.
        // The catalogs are the last build's (a catalog change rebuilds everything); the guides
        // are translated again if they changed, every guide if a shared fragment changed (a
        // page's translated share counts its fragments).
        let t = Instant::now();
        let unchanged: BTreeSet<&str> = lib
            .guides
            .iter()
            .filter(|g| same_guide(&old.lib, g, guide_key))
            .map(|g| g.slug.as_str())
            .collect();
        let is_unchanged = |slug: &str| unchanged.contains(slug);
        let langs = old.langs.update(
            lib,
            (!shared_changed).then_some(&is_unchanged as &(dyn Fn(&str) -> bool + Sync)),
        );
        timing("languages", t);
        let rendered = pipeline::render(lib, &langs, &selection, Some(&old.trainer))?;
        // (the figure blocks kept are those of this rebuild's pages: an edited block's old
        // text goes)
        langs.figures.forget_unused_blocks();
        let mut part_output = rendered.output;
        if rendered.has_code && !old.rendered.output.contains("static/highlight.css") {
            pipeline::static_files(lib, true, &mut part_output)?;
        }
        pipeline::images(lib, rendered.image_jobs, Encode::Full, &mut part_output)?;

        let t = Instant::now();
        let mut output = old.rendered.output.clone();
        // Output files written or removed, and pages rendered again or gone.
        let mut touched: BTreeSet<String> = BTreeSet::new();
        let mut redone: Vec<String> = Vec::new();
        // The last good site's page records are moved, not copied, and put back if the
        // rebuild fails (`restore_pages`).
        let old_pages = std::mem::take(&mut self.whole.rendered.pages);
        let mut pages = Vec::with_capacity(old_pages.len());
        let mut replaced = Vec::new();
        for (i, p) in old_pages.into_iter().enumerate() {
            if selection.wants(&p.rel) {
                // a page not rendered again is gone (a step removed or renamed)
                output.remove(&p.rel);
                touched.insert(p.rel.clone());
                redone.push(p.rel.clone());
                replaced.push((i, p));
            } else {
                pages.push(p);
            }
        }
        let kept = pages.len();
        for (rel, bytes) in part_output.files() {
            output.add(rel, bytes);
            touched.insert(rel.to_string());
        }
        let rendered_pages = rendered.pages;
        let rendered: Vec<String> = rendered_pages.iter().map(|p| p.rel.clone()).collect();
        redone.extend(rendered.iter().cloned());
        // Image files no page shows any more (a figure changed or was removed) go too.
        let mut shown = self.whole.shown.clone();
        for img in replaced.iter().flat_map(|(_, p)| &p.images) {
            if let Some(n) = shown.get_mut(img) {
                *n = n.saturating_sub(1);
            }
        }
        let mut shown = shown_images(&rendered_pages, shown);
        pages.extend(rendered_pages);
        let orphans: Vec<String> = (shown.iter())
            .filter(|(rel, n)| **n == 0 && output.contains(rel))
            .map(|(rel, _)| rel.clone())
            .collect();
        shown.retain(|_, n| *n > 0);
        for rel in &orphans {
            output.remove(rel);
            touched.insert(rel.clone());
        }
        let merged = Built {
            output,
            pages,
            search: Vec::new(),
        };
        redone.sort();
        redone.dedup();
        let redone: Vec<&str> = redone.iter().map(String::as_str).collect();
        timing("merge", t);

        let t = Instant::now();
        let mut links = std::mem::take(&mut self.whole.links);
        links.update(&merged, &redone);
        // A page's links can break when it changed, or when a file it links to changed its
        // ids (a page) or is gone.
        let check = links.affected(
            redone
                .iter()
                .copied()
                .chain(orphans.iter().map(String::as_str)),
        );
        // The content warnings are brought up to date by `finish`, with the search indexes.
        let linted = check_links(lib, &merged, &links, &check);
        timing("lint", t);
        if let Err(e) = linted {
            self.whole.rendered.pages = restore_pages(merged.pages, kept, replaced);
            // The index goes back to the last good site's pages.
            links.update(&self.whole.rendered, &redone);
            self.whole.links = links;
            return Err(e);
        }
        let (changed, removed) = output_diff(
            &self.whole.rendered.output,
            &merged.output,
            touched.iter().map(String::as_str),
        );
        let stats = RebuildStats {
            full: false,
            rendered,
            changed,
            removed,
            pages: merged.pages.len(),
        };
        let trainer = std::mem::take(&mut self.whole.trainer);
        let search = std::mem::replace(&mut self.whole.search, SearchParts::new(&new));
        let warnings = std::mem::take(&mut self.whole.warnings);
        let mut unfinished = std::mem::take(&mut self.whole.unfinished);
        unfinished.extend(redone.iter().map(|r| r.to_string()));
        let last = std::mem::replace(
            &mut self.whole,
            Whole {
                lib: new,
                langs,
                rendered: merged,
                links,
                search,
                trainer,
                shown,
                warnings,
                unfinished,
            },
        );
        drop_later(last);
        Ok(stats)
    }
}

/// `counts` with the image files each of `pages` shows counted once more.
fn shown_images(pages: &[PageInfo], mut counts: HashMap<String, usize>) -> HashMap<String, usize> {
    for img in pages.iter().flat_map(|p| &p.images) {
        *counts.entry(img.clone()).or_default() += 1;
    }
    counts
}

/// The page records as they were before a rebuild: the first `kept` of `merged` (in their
/// order) with each `replaced` one back at its place.
fn restore_pages(
    mut merged: Vec<PageInfo>,
    kept: usize,
    replaced: Vec<(usize, PageInfo)>,
) -> Vec<PageInfo> {
    merged.truncate(kept);
    let mut kept = merged.into_iter();
    let mut replaced = replaced.into_iter().peekable();
    let mut pages = Vec::with_capacity(kept.len() + replaced.len());
    loop {
        let next = match replaced.peek() {
            Some((i, _)) if *i == pages.len() => replaced.next().map(|(_, p)| p),
            _ => kept.next().or_else(|| replaced.next().map(|(_, p)| p)),
        };
        match next {
            Some(p) => pages.push(p),
            None => return pages,
        }
    }
}

/// Frees the last site on a thread of its own: a few ms of freeing (its library, translations
/// and page records) that the reload need not wait for.
fn drop_later(last: Whole) {
    let freeing = std::thread::Builder::new().name("ernguide-free".into());
    // Without a thread, `last` is freed here, when the failed spawn drops the closure.
    let _ = freeing.spawn(move || drop(last));
}

fn canonical(dir: &Path) -> PathBuf {
    dir.canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(rel: &str) -> PageInfo {
        PageInfo {
            rel: rel.into(),
            source: PathBuf::new(),
            images: Vec::new(),
            includes: BTreeSet::new(),
            links: Vec::new(),
            searchable: true,
        }
    }

    #[test]
    fn a_failed_rebuild_puts_the_page_records_back_in_their_order() {
        let rels = |v: &[PageInfo]| v.iter().map(|p| p.rel.clone()).collect::<Vec<_>>();
        // a b c d e, of which b and e were replaced; merged: a c d (kept), then x (new)
        let merged = vec![page("a"), page("c"), page("d"), page("x")];
        let back = restore_pages(merged, 3, vec![(1, page("b")), (4, page("e"))]);
        assert_eq!(rels(&back), ["a", "b", "c", "d", "e"]);
        let back = restore_pages(vec![page("x")], 0, vec![(0, page("a")), (1, page("b"))]);
        assert_eq!(rels(&back), ["a", "b"]);
    }

    #[test]
    fn images_are_counted_per_page() {
        let mut a = page("a");
        a.images = vec!["images/x.png".into(), "images/y.png".into()];
        let mut b = page("b");
        b.images = vec!["images/x.png".into()];
        let counts = shown_images(&[a, b], HashMap::new());
        assert_eq!(counts.get("images/x.png"), Some(&2));
        assert_eq!(counts.get("images/y.png"), Some(&1));
    }
}
