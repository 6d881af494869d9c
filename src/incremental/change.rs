//! What a change is and what it affects: [`ChangeKind`] classifies a changed path, and
//! [`select_pages`] chooses the pages to render again from the recorded dependencies.
//!
//! What depends on what:
//! - a step's Markdown body -> that step's page; a guide's `_index.md` body -> its overview page;
//! - front matter, or a step added, removed or renamed -> every page of that guide (step titles
//!   and numbers are in its navigation), or every page when the home page's list of guides changes;
//! - a fragment in `content/shared/` -> every page that included it while it rendered, directly
//!   or through other fragments (recorded by the content templates, `PageInfo::includes`);
//! - `site.toml`, `content/data/`, `content/networks/`, `themes/`, `screenshots/`, `i18n/` ->
//!   every page.
//!
//! A guide's slides and handout are made from all its steps: they are rendered again with any
//! of its pages (each step's part is kept by [`crate::render::TrainerCache`]).

use std::collections::BTreeSet;
use std::path::{Component, Path};
use std::sync::Arc;

use serde_json::json;

use crate::content::{Guide, Library};
use crate::render::page::{guide_rel, step_rel};
use crate::render::{PageInfo, Selection};

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

/// Whether the home page and every page's navigation show the same of the guides of `a` and
/// `b` (if not, every page is rendered again). A guide a rebuild kept is the same.
pub(super) fn same_guide_list(a: &Library, b: &Library) -> bool {
    let entry = |g: &Guide| json!([g.slug, g.meta, g.steps.len()]);
    a.guides.len() == b.guides.len()
        && a.guides
            .iter()
            .zip(&b.guides)
            .all(|(x, y)| Arc::ptr_eq(x, y) || entry(x) == entry(y))
}

/// Whether guide `slug` of `old` is the same as `new` for `key`: kept by the rebuild (not read
/// again), or read again with the same `key`.
pub(super) fn same_guide<K: PartialEq>(
    old: &Library,
    new: &Arc<Guide>,
    key: impl Fn(&Guide) -> K,
) -> bool {
    old.guide_arc(&new.slug)
        .is_some_and(|o| Arc::ptr_eq(o, new) || key(o) == key(new))
}

/// Everything of a guide that its translation is made from.
pub(super) fn guide_key(g: &Guide) -> serde_json::Value {
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
pub(super) fn select_pages(
    old: &Library,
    new: &Library,
    rendered: &[PageInfo],
    kinds: &[ChangeKind],
) -> Selection {
    let mut guides = BTreeSet::new();
    let mut pages = BTreeSet::new();
    for g in &new.guides {
        if !same_guide(old, g, guide_shape) {
            guides.insert(g.slug.clone());
        }
    }
    let mut fragments = BTreeSet::new();
    for kind in kinds {
        match kind {
            ChangeKind::Guide { slug, file } => {
                // the guide of that folder, or each network's guide made from it (a template)
                let made_from = |g: &&Arc<Guide>| {
                    &g.slug == slug || g.template.as_deref() == Some(slug.as_str())
                };
                for g in new.guides.iter().filter(made_from) {
                    if file == "_index.md" {
                        pages.insert(guide_rel(&g.slug));
                    }
                    for s in &g.steps {
                        let name = s.source.file.file_name().and_then(|n| n.to_str());
                        if name == Some(file.as_str()) {
                            pages.insert(step_rel(&g.slug, &s.slug));
                        }
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
