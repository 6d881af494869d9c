//! The kinds of page and the URL scheme: the only place that says where a page goes.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::origin::PageLink;
use crate::content::{Guide, Library, Step};

/// A page of the site.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Page<'a> {
    Home,
    NotFound,
    /// A guide's overview.
    Guide(&'a Guide),
    /// A step of a guide (index into its steps).
    Step(&'a Guide, usize),
    /// A guide's links and contacts.
    Links(&'a Guide),
    /// A guide's practice sandbox.
    Sandbox(&'a Guide),
    /// A guide's slide deck (for trainers).
    Slides(&'a Guide),
    /// A guide's printable handout.
    Print(&'a Guide),
    /// The accessibility statement.
    Accessibility,
}

impl Page<'_> {
    /// Where the page goes in the output.
    pub fn rel(&self) -> String {
        match *self {
            Page::Home => "index.html".into(),
            Page::NotFound => "404.html".into(),
            Page::Guide(g) => guide_rel(&g.slug),
            Page::Step(g, i) => step_rel(&g.slug, &g.steps[i].slug),
            Page::Links(g) => format!("{}/links/index.html", g.slug),
            Page::Sandbox(g) => format!("{}/sandbox/index.html", g.slug),
            Page::Slides(g) => format!("{}/slides/index.html", g.slug),
            Page::Print(g) => format!("{}/print/index.html", g.slug),
            Page::Accessibility => "accessibility/index.html".into(),
        }
    }

    /// Whether the page goes into the search index: a guide's overview and its steps. The
    /// whole-guide pages (handout, slides) repeat them, so a search never lands there.
    pub fn searchable(&self) -> bool {
        matches!(self, Page::Guide(_) | Page::Step(..))
    }
}

/// Every page of the library, in site order (home, 404, then each guide's pages).
pub(crate) fn all_pages(lib: &Library) -> Vec<Page<'_>> {
    let mut pages = vec![Page::Home, Page::NotFound];
    for g in &lib.guides {
        pages.push(Page::Guide(g));
        pages.extend((0..g.steps.len()).map(|i| Page::Step(g, i)));
        pages.push(Page::Links(g));
        pages.push(Page::Sandbox(g));
        pages.push(Page::Slides(g));
        pages.push(Page::Print(g));
    }
    pages.push(Page::Accessibility);
    pages
}

/// The output path of a guide's overview.
pub(crate) fn guide_rel(slug: &str) -> String {
    format!("{slug}/index.html")
}

/// The output path of a step page.
pub(crate) fn step_rel(guide: &str, step: &str) -> String {
    format!("{guide}/{step}/index.html")
}

/// Relative URL from a page at `depth` folders below the root to the root (`../../`).
pub(crate) fn root_prefix(depth: usize) -> String {
    "../".repeat(depth)
}

/// A step's page, relative to a page at `from_depth` inside the guide (0 = the guide's own
/// folder, 1 = a step folder).
pub(crate) fn step_url(step: &Step, from_depth: usize) -> String {
    format!("{}{}/index.html", root_prefix(from_depth), step.slug)
}

/// The sandbox route (`#/screen?scenario=...`) a step links to, if any.
pub(crate) fn sandbox_route(step: &Step) -> Option<String> {
    step.meta
        .sandbox
        .as_ref()
        .map(|screen| match &step.meta.scenario {
            Some(sc) => format!("#/{screen}?scenario={sc}"),
            None => format!("#/{screen}"),
        })
}

/// A generated HTML page and the source it came from (for error messages).
#[derive(Debug, Clone)]
pub(crate) struct PageInfo {
    pub rel: String,
    pub source: PathBuf,
    /// The image files (`images/...`) the page shows.
    pub images: Vec<String>,
    /// The fragments of `content/shared/` the page's Markdown includes, at any depth (recorded
    /// while it rendered).
    pub includes: BTreeSet<String>,
    /// The links written in the page's Markdown, with the source line of each (the lint
    /// reports a broken one there).
    pub links: Vec<PageLink>,
    /// Whether the search index has the page ([`Page::searchable`]).
    pub searchable: bool,
}

/// Which pages to render.
#[derive(Debug, Default)]
pub(crate) enum Selection {
    All,
    #[default]
    Nothing,
    Some {
        /// Every page of these guides.
        guides: BTreeSet<String>,
        /// These pages (output paths).
        pages: BTreeSet<String>,
    },
}

impl Selection {
    /// Whether the page at output path `rel` is selected.
    pub fn wants(&self, rel: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Nothing => false,
            Selection::Some { guides, pages } => {
                let wants = |r: &str| {
                    pages.contains(r) || r.split_once('/').is_some_and(|(g, _)| guides.contains(g))
                };
                // A page in another language (`de/<guide>/...`) as its original.
                wants(rel)
                    || rel
                        .split_once('/')
                        .is_some_and(|(l, rest)| l.len() == 2 && wants(rest))
            }
        }
    }
}
