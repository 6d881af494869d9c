//! Incremental rebuilds (for `serve`): a [`Site`] keeps the loaded [`Library`] and the rendered
//! site in memory, and [`Site::rebuild`] takes the files that changed, renders again only the
//! pages that depend on them and merges those into the last good site. The stages are the
//! build's own (load -> render -> check links); a failed rebuild changes nothing.
//!
//! What depends on what:
//! - a step's Markdown body -> that step's page; a guide's `_index.md` body -> its overview page;
//! - front matter, or a step added, removed or renamed -> every page of that guide (step titles
//!   and numbers are in its navigation), or every page when the home page's list of guides changes;
//! - a fragment in `content/shared/` -> every page that included it while it rendered, directly
//!   or through other fragments (recorded by the content templates, `PageInfo::includes`);
//! - `site.toml`, `content/data/`, `content/networks/`, `themes/`, `screenshots/` -> every page.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde_json::json;

use crate::content::{Guide, Library};
use crate::error::Result;
use crate::i18n::site::LanguageSet;
use crate::images::Encode;
use crate::lint::links::LinkIndex;
use crate::output::Output;
use crate::pipeline::{self, timing, Built, Warning};
use crate::render::page::{guide_rel, step_rel};
use crate::render::{PageInfo, Selection};
use crate::search::{self, IndexBuilder, PagePart};

/// What a changed path (relative to the site folder) is, for deciding what to rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// `site.toml`
    Config,
    /// `content/data/**`
    Data,
    /// `content/networks/**`
    Network,
    /// `themes/**` (templates and static files)
    Theme,
    /// `screenshots/**`
    Screenshots,
    /// `i18n/**` (translation catalogs)
    Translations,
    /// `content/shared/<name>`: a fragment, named as `{% include %}` names it.
    Shared(String),
    /// `content/guides/<slug>/<file>` (`file` is empty for the guide folder itself).
    Guide { slug: String, file: String },
    /// Anything else under `content/`.
    OtherContent,
    /// Not a source of the site: editor backups and swap files, hidden files, other folders.
    Ignored,
}

impl ChangeKind {
    /// Classifies a path relative to the site folder.
    pub fn of(rel: &Path) -> ChangeKind {
        let parts: Vec<&str> = match rel
            .components()
            .map(|c| match c {
                Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
        {
            Some(p) if !p.is_empty() => p,
            _ => return ChangeKind::Ignored,
        };
        if parts.iter().any(|p| is_scratch_name(p)) {
            return ChangeKind::Ignored;
        }
        match parts.as_slice() {
            ["site.toml"] => ChangeKind::Config,
            ["themes", ..] => ChangeKind::Theme,
            ["screenshots", ..] => ChangeKind::Screenshots,
            ["i18n", ..] => ChangeKind::Translations,
            ["content", "data", ..] => ChangeKind::Data,
            ["content", "networks", ..] => ChangeKind::Network,
            ["content", "shared", rest @ ..] if !rest.is_empty() => {
                ChangeKind::Shared(rest.join("/"))
            }
            ["content", "guides", slug, rest @ ..] => ChangeKind::Guide {
                slug: (*slug).to_string(),
                file: rest.join("/"),
            },
            ["content", ..] => ChangeKind::OtherContent,
            _ => ChangeKind::Ignored,
        }
    }

    /// Whether the change may affect every page (then the whole site is loaded and rendered).
    pub fn affects_everything(&self) -> bool {
        matches!(
            self,
            ChangeKind::Config
                | ChangeKind::Data
                | ChangeKind::Network
                | ChangeKind::Theme
                | ChangeKind::Screenshots
                | ChangeKind::Translations
                | ChangeKind::OtherContent
        )
    }
}

/// Editor scratch files and hidden files: `.file.md.swp`, `file.md~`, `#file.md#`, vim's `4913`.
fn is_scratch_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".crdownload"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

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

/// Each language's search index in parts, one per guide and step page (what
/// [`pipeline::search`] builds at once): a rebuild analyses only the pages rendered again and
/// puts the indexes together anew from the parts.
struct SearchParts {
    default: String,
    others: Vec<String>,
    /// Language -> page folder -> the page's part.
    parts: BTreeMap<String, BTreeMap<String, PagePart>>,
}

impl SearchParts {
    fn new(lib: &Library) -> SearchParts {
        let default = lib.config.language.clone();
        let others = lib.config.languages.clone();
        let parts = std::iter::once(&default)
            .chain(&others)
            .map(|l| (l.clone(), BTreeMap::new()))
            .collect();
        SearchParts {
            default,
            others,
            parts,
        }
    }

    /// Analyses the pages `rels` of `built` again (a page no longer there, or not a guide or
    /// step page, leaves the index).
    fn update(&mut self, built: &Built, rels: &[&str]) {
        let md: HashSet<&str> = built
            .pages
            .iter()
            .filter(|p| p.source.extension().is_some_and(|x| x == "md"))
            .map(|p| p.rel.as_str())
            .collect();
        let (default, others) = (&self.default, &self.others);
        let analysed: Vec<(&str, String, Option<PagePart>)> = rels
            .par_iter()
            .map(|rel| {
                let (lang, folder) = search::page_place(rel, default, others);
                let part = md
                    .contains(rel)
                    .then(|| built.output.get(rel))
                    .flatten()
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .and_then(search::page_content)
                    .map(|(title, content)| {
                        IndexBuilder::new(lang).page_part(&folder, &title, content)
                    });
                (lang, folder, part)
            })
            .collect();
        for (lang, folder, part) in analysed {
            let Some(pages) = self.parts.get_mut(lang) else {
                continue;
            };
            match part {
                Some(part) => pages.insert(folder, part),
                None => pages.remove(&folder),
            };
        }
    }

    /// Writes each language's `search/<lang>.js` into `built` from the parts.
    fn write(&self, built: &mut Built) {
        let indexes: Vec<(String, String, search::IndexStats)> = self
            .parts
            .par_iter()
            .map(|(lang, pages)| {
                let mut b = IndexBuilder::new(lang);
                for part in pages.values() {
                    b.add_part(part);
                }
                let (js, stats) = b.finish();
                (lang.clone(), js, stats)
            })
            .collect();
        built.search.clear();
        for (lang, js, stats) in indexes {
            built.output.add(format!("search/{lang}.js"), js);
            built.search.push((lang, stats));
        }
    }
}

/// A loaded and rendered site that can be rebuilt from a list of changed files.
pub struct Site {
    site_dir: PathBuf,
    /// `site_dir`, absolute and with symlinks resolved, to recognise the paths a watcher reports.
    canonical_dir: PathBuf,
    lib: Library,
    /// The site's languages: catalogs and translated libraries (only changed guides are
    /// translated again).
    langs: LanguageSet,
    rendered: Built,
    /// The pages' ids and links, to check only the links a rebuild can have broken.
    links: LinkIndex,
    /// The search indexes in parts, to analyse only the pages a rebuild rendered.
    search: SearchParts,
    warnings: Vec<Warning>,
    /// Changes (relative to the site folder) not yet built successfully: a failed rebuild's
    /// changes are built again with the next one.
    pending: BTreeSet<PathBuf>,
}

/// A whole site rendered, indexed and linted: what [`Site`] keeps.
struct Whole {
    lib: Library,
    langs: LanguageSet,
    rendered: Built,
    links: LinkIndex,
    search: SearchParts,
    warnings: Vec<Warning>,
}

impl Whole {
    /// Loads, renders, indexes and link-checks the site at `site_dir`, like `build` without
    /// writing.
    fn build(site_dir: &Path) -> Result<Whole> {
        let lib = pipeline::load(site_dir)?;
        let t = Instant::now();
        let langs = LanguageSet::load(&lib)?;
        timing("languages", t);
        let t = Instant::now();
        let part = crate::render::render_in(&lib, &langs, &Selection::All)?;
        timing("render", t);
        let mut output = part.output;
        pipeline::static_files(&lib, part.has_code, &mut output)?;
        pipeline::images(&lib, part.image_jobs, Encode::Full, &mut output)?;
        let mut rendered = Built {
            output,
            pages: part.pages,
            search: Vec::new(),
        };
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
        Ok(Whole {
            lib,
            langs,
            rendered,
            links,
            search,
            warnings,
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
    if let Some(first) = links.problems(lib, built, check).into_iter().next() {
        return Err(first.into());
    }
    Ok(crate::lint::stale::stale_content_warnings(lib))
}

impl Site {
    /// Loads, renders and link-checks the site at `site_dir`, like `build` without writing.
    pub fn load(site_dir: &Path) -> Result<Site> {
        let whole = Whole::build(site_dir)?;
        Ok(Site {
            site_dir: site_dir.to_path_buf(),
            canonical_dir: canonical(site_dir),
            lib: whole.lib,
            langs: whole.langs,
            rendered: whole.rendered,
            links: whole.links,
            search: whole.search,
            warnings: whole.warnings,
            pending: BTreeSet::new(),
        })
    }

    pub fn output(&self) -> &Output {
        &self.rendered.output
    }

    pub(crate) fn pages(&self) -> &[PageInfo] {
        &self.rendered.pages
    }

    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
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
    /// created, modified or deleted. On error the site is left as it was, and the changes are
    /// kept for the next rebuild.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildStats> {
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
                pages: self.rendered.pages.len(),
                ..RebuildStats::default()
            })
        } else if kinds.iter().any(ChangeKind::affects_everything) {
            self.rebuild_all()
        } else {
            self.rebuild_some(&kinds)
        };
        if result.is_ok() {
            self.pending.clear();
        }
        result
    }

    /// Loads and renders everything again.
    fn rebuild_all(&mut self) -> Result<RebuildStats> {
        let whole = Whole::build(&self.site_dir)?;
        let old = &self.rendered.output;
        let new = &whole.rendered.output;
        let (changed, removed) = output_diff(old, new, old.files().chain(new.files()).map(|f| f.0));
        let stats = RebuildStats {
            full: true,
            rendered: whole.rendered.pages.iter().map(|p| p.rel.clone()).collect(),
            changed,
            removed,
            pages: whole.rendered.pages.len(),
        };
        self.lib = whole.lib;
        self.langs = whole.langs;
        self.rendered = whole.rendered;
        self.links = whole.links;
        self.search = whole.search;
        self.warnings = whole.warnings;
        Ok(stats)
    }

    /// Renders the pages that depend on guide files or shared fragments, and merges them into
    /// the site: only their links, and the links into them, are checked again, and only their
    /// part of the search indexes is analysed again. The site's files are shared with the
    /// last good site (a clone of [`Output`] copies no bytes), which stays as it was if a step
    /// fails.
    fn rebuild_some(&mut self, kinds: &[ChangeKind]) -> Result<RebuildStats> {
        // Guide sources and shared fragments are read and validated with the rest of the
        // library (a few ms); only rendering is selective.
        let new = pipeline::load(&self.site_dir)?;
        let lib = &new;
        let selection = if guide_list(lib) != guide_list(&self.lib) {
            Selection::All
        } else {
            select_pages(&self.lib, lib, &self.rendered.pages, kinds)
        };
        // Only guide files and shared fragments changed (anything else rebuilds everything), so
        // the static files are those of the last build; only the highlight CSS may be new.
        // The catalogs are the last build's (a catalog change rebuilds everything); the guides
        // are translated again if they changed, every guide if a shared fragment changed (a
        // page's translated share counts its fragments).
        let t = Instant::now();
        let unchanged: BTreeSet<&str> = lib
            .guides
            .iter()
            .filter(|g| self.lib.guide(&g.slug).map(guide_key) == Some(guide_key(g)))
            .map(|g| g.slug.as_str())
            .collect();
        let is_unchanged = |slug: &str| unchanged.contains(slug);
        let shared_changed = kinds.iter().any(|k| matches!(k, ChangeKind::Shared(_)));
        let langs = self.langs.update(
            lib,
            (!shared_changed).then_some(&is_unchanged as &(dyn Fn(&str) -> bool + Sync)),
        );
        timing("languages", t);
        let t = Instant::now();
        let rendered = crate::render::render_in(lib, &langs, &selection)?;
        timing("render", t);
        let mut part_output = rendered.output;
        if rendered.has_code && !self.rendered.output.contains("static/highlight.css") {
            pipeline::static_files(lib, true, &mut part_output)?;
        }
        pipeline::images(lib, rendered.image_jobs, Encode::Full, &mut part_output)?;

        let t = Instant::now();
        let mut output = self.rendered.output.clone();
        // Output files written or removed, and pages rendered again or gone.
        let mut touched: BTreeSet<String> = BTreeSet::new();
        let mut redone: Vec<String> = Vec::new();
        let mut pages = Vec::with_capacity(self.rendered.pages.len());
        for p in &self.rendered.pages {
            if selection.wants(&p.rel) {
                // a page not rendered again is gone (a step removed or renamed)
                output.remove(&p.rel);
                touched.insert(p.rel.clone());
                redone.push(p.rel.clone());
            } else {
                pages.push(p.clone());
            }
        }
        for (rel, bytes) in part_output.files() {
            output.add(rel, bytes);
            touched.insert(rel.to_string());
        }
        let rendered_pages = rendered.pages;
        let rendered: Vec<String> = rendered_pages.iter().map(|p| p.rel.clone()).collect();
        redone.extend(rendered.iter().cloned());
        pages.extend(rendered_pages);
        // Image files no page shows any more (a figure changed or was removed) go too.
        let shown: HashSet<&str> = pages
            .iter()
            .flat_map(|p| p.images.iter().map(String::as_str))
            .collect();
        let orphans: Vec<String> = output
            .files()
            .map(|(rel, _)| rel)
            .filter(|rel| rel.starts_with("images/") && !shown.contains(rel))
            .map(String::from)
            .collect();
        for rel in &orphans {
            output.remove(rel);
            touched.insert(rel.clone());
        }
        let mut merged = Built {
            output,
            pages,
            search: Vec::new(),
        };
        redone.sort();
        redone.dedup();
        let redone: Vec<&str> = redone.iter().map(String::as_str).collect();
        timing("merge", t);

        let t = Instant::now();
        let mut search = std::mem::replace(&mut self.search, SearchParts::new(lib));
        search.update(&merged, &redone);
        search.write(&mut merged);
        for lang in std::iter::once(&lib.config.language).chain(&lib.config.languages) {
            touched.insert(format!("search/{lang}.js"));
        }
        timing("search", t);

        let t = Instant::now();
        let mut links = std::mem::take(&mut self.links);
        links.update(&merged, &redone);
        // A page's links can break when it changed, or when a file it links to changed its
        // ids (a page) or is gone.
        let check = links.affected(
            redone
                .iter()
                .copied()
                .chain(orphans.iter().map(String::as_str)),
        );
        let linted = lint(lib, &merged, &links, &check);
        timing("lint", t);
        let warnings = match linted {
            Ok(w) => w,
            Err(e) => {
                // The index goes back to the last good site's pages.
                links.update(&self.rendered, &redone);
                search.update(&self.rendered, &redone);
                self.links = links;
                self.search = search;
                return Err(e);
            }
        };
        let (changed, removed) = output_diff(
            &self.rendered.output,
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
        self.lib = new;
        self.langs = langs;
        self.rendered = merged;
        self.links = links;
        self.search = search;
        self.warnings = warnings;
        Ok(stats)
    }
}

fn canonical(dir: &Path) -> PathBuf {
    dir.canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// What the home page and every page's navigation show of the guides: if this changes, every
/// page is rendered again.
fn guide_list(lib: &Library) -> serde_json::Value {
    lib.guides
        .iter()
        .map(|g| json!([g.slug, g.meta, g.steps.len()]))
        .collect()
}

/// Everything of a guide that its translation is made from.
fn guide_key(g: &Guide) -> serde_json::Value {
    json!([
        g.slug,
        g.meta,
        g.template,
        g.source.file,
        g.source.text,
        g.steps
            .iter()
            .map(|s| json!([s.slug, s.number, s.meta, s.source.file, s.source.text]))
            .collect::<Vec<_>>()
    ])
}

/// What every page of one guide shows of its steps (titles, numbers, sandbox links).
fn guide_shape(g: &Guide) -> serde_json::Value {
    g.steps
        .iter()
        .map(|s| json!([s.slug, s.number, s.meta, s.source.file]))
        .collect()
}

/// Pages that depend on the changed guide files and fragments; `old` is the library the current
/// pages (`rendered`) were rendered from, `new` the one to render with (the same when no guide
/// changed).
fn select_pages(
    old: &Library,
    new: &Library,
    rendered: &[PageInfo],
    kinds: &[ChangeKind],
) -> Selection {
    let mut guides = BTreeSet::new();
    let mut pages = BTreeSet::new();
    for g in &new.guides {
        if old.guide(&g.slug).map(guide_shape) != Some(guide_shape(g)) {
            guides.insert(g.slug.clone());
        }
    }
    let mut fragments = BTreeSet::new();
    for kind in kinds {
        match kind {
            ChangeKind::Guide { slug, file } => {
                let Some(g) = new.guide(slug) else { continue };
                if file == "_index.md" {
                    pages.insert(guide_rel(slug));
                }
                for s in &g.steps {
                    if s.source.file.file_name().and_then(|n| n.to_str()) == Some(file.as_str()) {
                        pages.insert(step_rel(slug, &s.slug));
                    }
                }
            }
            ChangeKind::Shared(name) => {
                fragments.insert(name.clone());
            }
            _ => {}
        }
    }
    // Each page recorded the fragments it included while it rendered (at any depth, with
    // computed names resolved); a target may be a folder of fragments (deleted or renamed as a
    // whole).
    if !fragments.is_empty() {
        let reaches = |name: &String| {
            fragments.iter().any(|t| {
                name == t
                    || name
                        .strip_prefix(t.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
        };
        for p in rendered {
            if p.includes.iter().any(reaches) {
                pages.insert(p.rel.clone());
            }
        }
    }
    // A guide's slides and handout are made from all its pages.
    let derived: BTreeSet<String> = pages
        .iter()
        .filter_map(|p| p.split_once('/').map(|(g, _)| g))
        .flat_map(|g| {
            [
                format!("{g}/slides/index.html"),
                format!("{g}/print/index.html"),
            ]
        })
        .collect();
    pages.extend(derived);
    if guides.is_empty() && pages.is_empty() {
        Selection::Nothing
    } else {
        Selection::Some { guides, pages }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changes() {
        let k = |p: &str| ChangeKind::of(Path::new(p));
        assert_eq!(k("site.toml"), ChangeKind::Config);
        assert_eq!(k("content/data/links.yaml"), ChangeKind::Data);
        assert_eq!(k("content/networks/demo/network.yaml"), ChangeKind::Network);
        assert_eq!(k("themes/default/templates/step.html"), ChangeKind::Theme);
        assert_eq!(k("screenshots/eul-create.png"), ChangeKind::Screenshots);
        assert_eq!(
            k("content/shared/eu-login/create.md"),
            ChangeKind::Shared("eu-login/create.md".into())
        );
        assert_eq!(
            k("content/guides/demo/02-request-access.md"),
            ChangeKind::Guide {
                slug: "demo".into(),
                file: "02-request-access.md".into()
            }
        );
        assert_eq!(
            k("content/guides/demo"),
            ChangeKind::Guide {
                slug: "demo".into(),
                file: String::new()
            }
        );
        assert_eq!(k("content/README.md"), ChangeKind::OtherContent);
        assert_eq!(k("content/shared"), ChangeKind::OtherContent);
        for ignored in [
            "public/index.html",
            "README.md",
            "",
            "../content/data/x.yaml",
            "content/guides/demo/.02-request-access.md.swp",
            "content/guides/demo/02-request-access.md~",
            "content/shared/#request.md#",
            "content/guides/demo/4913",
            "content/.git/HEAD",
        ] {
            assert_eq!(k(ignored), ChangeKind::Ignored, "{ignored}");
        }
        assert_eq!(k("i18n/de.po"), ChangeKind::Translations);
        assert!(k("i18n/de.po").affects_everything());
        assert!(k("content/data/erns.yaml").affects_everything());
        assert!(!k("content/shared/a.md").affects_everything());
        assert!(!k("content/guides/demo/_index.md").affects_everything());
    }
}
