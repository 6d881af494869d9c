//! A library in another language: the same guides, steps, networks and data, with every
//! translatable text replaced by its translation before anything renders. The renderer then
//! renders it like the English one (`render(&Library, &Selection)`), into `/<lang>/`.
//!
//! Per page, the share of translated units decides: at or above the site's threshold the
//! page's Markdown gets its translations (missing units stay English, marked); below it the
//! page keeps its English sources (and includes the English copies of shared fragments,
//! `@en/<name>`), and shows one banner.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::translate::{translate_data, translate_network, FragmentShare};
use super::units::Unit;
use super::{
    english_includes, page_share, rel_ctx, translate_markdown, translate_sandbox, translate_text,
    translate_units, Catalog, Share, DATA_CTX, ENGLISH_INCLUDE_PREFIX,
};
use crate::content::shared::{Fragment, Shared};
use crate::content::Library;

/// A language's version of the library and what the pages need to know about it.
pub(crate) struct Translated {
    pub lib: Library,
    /// Share of translated units per page source file (guide overview or step).
    pub shares: HashMap<PathBuf, Share>,
    /// Pages shown in English (under the threshold), by source file.
    pub english_pages: HashSet<PathBuf>,
}

/// The library in the catalog's language (see the module doc), the units of its sources from
/// `units` (made for `lib`, shared by every language).
pub(crate) fn translate_library(
    lib: &Library,
    catalog: &Catalog,
    threshold: f64,
    units: &SourceUnits,
) -> Translated {
    translate(lib, catalog, threshold, None, units)
}

/// The translation units of each page source (a guide's overview or a step) of a library,
/// found on first use and then the same for every language: by source file, each with the
/// English body it is of (a body that is not that one has its units found on its own).
pub(crate) struct SourceUnits<'a>(FxHashMap<&'a Path, (&'a str, OnceLock<Vec<Unit>>)>);

impl<'a> SourceUnits<'a> {
    pub fn new(lib: &'a Library) -> SourceUnits<'a> {
        let sources = (lib.guides.iter())
            .flat_map(|g| std::iter::once(&g.source).chain(g.steps.iter().map(|s| &s.source)));
        SourceUnits(
            sources
                .map(|s| (s.file.as_path(), (s.body.as_str(), OnceLock::new())))
                .collect(),
        )
    }

    /// The units of `body`, the English body of the page source `file`.
    fn of(&self, file: &Path, body: &str) -> Cow<'_, [Unit]> {
        match self.0.get(file) {
            Some((known, units)) if *known == body => {
                Cow::Borrowed(units.get_or_init(|| super::units::units(body, 0)))
            }
            _ => Cow::Owned(super::units::units(body, 0)),
        }
    }
}

/// What a translation can take from an earlier one (`serve`'s rebuild after guide files
/// changed): the earlier translation, of a library with the same shared fragments, data,
/// networks and configuration, and which guides are unchanged since (by slug).
pub(crate) struct Reuse<'a> {
    pub earlier: &'a Translated,
    pub unchanged: &'a (dyn Fn(&str) -> bool + Sync),
}

/// The library in the catalog's language, taking from `reuse` what did not change.
pub(crate) fn translate(
    lib: &Library,
    catalog: &Catalog,
    threshold: f64,
    reuse: Option<Reuse>,
    units: &SourceUnits,
) -> Translated {
    let site = &lib.site_dir;
    let shared = &lib.shared;
    // Each fragment's share once, when a page first needs it (by name: the first of a name,
    // as `Shared::get` finds it): a rebuild that reuses most guides needs few.
    type Lazy<'f> = (&'f Fragment, OnceLock<Option<FragmentShare>>);
    let mut fragment_shares: HashMap<&str, Lazy> = HashMap::new();
    for (name, f) in &shared.fragments {
        fragment_shares
            .entry(name.as_str())
            .or_insert_with(|| (f, OnceLock::new()));
    }
    let fragment_shares = &fragment_shares;
    let fragment = |name: &str| -> Option<&FragmentShare> {
        let (f, share) = fragment_shares.get(name)?;
        share
            .get_or_init(|| {
                let text = f.text.as_ref().ok()?;
                Some(FragmentShare::new(catalog, &rel_ctx(site, &f.file), text))
            })
            .as_ref()
    };
    let mut out = lib.clone();
    let mut shares = HashMap::new();
    let mut english_pages = HashSet::new();
    let under = |s: &Share| s.total > 0 && (s.translated as f64) < threshold * s.total as f64;

    // One page (a guide's overview or a step) from `file`: its share; its front-matter texts
    // and Markdown translated, or, under the threshold, its includes pointing at the English
    // fragments.
    let page = |file: &PathBuf, texts: Vec<&mut String>, body: &mut String| {
        let ctx = rel_ctx(site, file);
        let front: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
        // (the body's units found once, for its share and its translation, and for every
        // language)
        let us = units.of(file, body);
        let share = page_share(catalog, &ctx, &front, body, &us, &fragment);
        let english = under(&share);
        if english {
            *body = english_includes(body);
        } else {
            for t in texts {
                *t = translate_text(catalog, &ctx, t).to_string();
            }
            *body = translate_units(catalog, &ctx, body, &us);
        }
        (file.clone(), share, english)
    };
    // Each guide on its own thread (a large site has thousands of units per language).
    let per_guide: Vec<Vec<(PathBuf, Share, bool)>> = out
        .guides
        .par_iter_mut()
        .map(|g| {
            let mut pages = Vec::with_capacity(g.steps.len() + 1);
            let earlier = reuse
                .as_ref()
                .filter(|r| (r.unchanged)(&g.slug))
                .and_then(|r| r.earlier.lib.guide_arc(&g.slug).map(|t| (t, r.earlier)));
            if let Some((t, earlier)) = earlier {
                let files =
                    std::iter::once(&t.source.file).chain(t.steps.iter().map(|s| &s.source.file));
                for file in files {
                    if let Some(share) = earlier.shares.get(file) {
                        pages.push((file.clone(), *share, earlier.english_pages.contains(file)));
                    }
                }
                *g = t.clone();
                return pages;
            }
            // the translation's own copy of the guide
            let g = Arc::make_mut(g);
            let mut texts = vec![&mut g.meta.title, &mut g.meta.summary];
            texts.extend(g.meta.shortcuts.iter_mut().map(|s| &mut s.label));
            pages.push(page(&g.source.file, texts, &mut g.source.body));
            for step in &mut g.steps {
                let texts = vec![&mut step.meta.title, &mut step.meta.summary];
                pages.push(page(&step.source.file, texts, &mut step.source.body));
            }
            pages
        })
        .collect();
    for (file, share, english) in per_guide.into_iter().flatten() {
        if english {
            english_pages.insert(file.clone());
        }
        shares.insert(file, share);
    }

    if let Some(r) = reuse {
        // What else is translated is the earlier translation's (the same sources).
        let earlier = &r.earlier.lib;
        out.shared = earlier.shared.clone();
        out.config = earlier.config.clone();
        out.data = earlier.data.clone();
        out.networks = earlier.networks.clone();
        return Translated {
            lib: out,
            shares,
            english_pages,
        };
    }
    // Shared fragments: translated under their own names, English under `@en/<name>`.
    let mut fragments = Vec::with_capacity(shared.fragments.len() * 2);
    for (name, f) in &shared.fragments {
        let ctx = rel_ctx(site, &f.file);
        let text = f
            .text
            .as_ref()
            .map(|t| translate_markdown(catalog, &ctx, t))
            .map_err(Clone::clone);
        fragments.push((
            name.clone(),
            Fragment {
                file: f.file.clone(),
                text,
            },
        ));
    }
    for (name, f) in &shared.fragments {
        fragments.push((
            format!("{ENGLISH_INCLUDE_PREFIX}{name}"),
            Fragment {
                file: f.file.clone(),
                text: f
                    .text
                    .as_ref()
                    .map(|t| english_includes(t))
                    .map_err(Clone::clone),
            },
        ));
    }
    out.shared = Arc::new(Shared {
        dir: shared.dir.clone(),
        fragments,
    });

    let tr = |s: &mut String| {
        if let Some(t) = catalog.get(DATA_CTX, s) {
            *s = t.to_string();
        }
    };
    tr(&mut out.config.title);
    tr(&mut out.config.description);
    for c in &mut out.config.contacts {
        tr(&mut c.name);
        tr(&mut c.purpose);
    }
    let mut data = translate_data(&lib.data, catalog);
    // The typed flow, through JSON: only its guidance texts change (the mock screens keep
    // the real products' English labels).
    data.sandbox = lib.data.sandbox.as_ref().map(|flow| {
        serde_json::to_value(flow)
            .ok()
            .and_then(|json| serde_json::from_value(translate_sandbox(&json, catalog)).ok())
            .unwrap_or_else(|| flow.clone())
    });
    out.data = Arc::new(data);
    for n in out.networks.values_mut() {
        *n = translate_network(n, catalog);
    }
    Translated {
        lib: out,
        shares,
        english_pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_found_once_for_the_body_they_are_kept_for() {
        let body = "# Title\n\nA paragraph.\n";
        let file = Path::new("content/guides/g/01-step.md");
        let units = SourceUnits([(file, (body, OnceLock::new()))].into_iter().collect());
        let texts = |us: &[Unit]| us.iter().map(|u| u.text.clone()).collect::<Vec<_>>();
        let first = units.of(file, body);
        assert!(matches!(first, Cow::Borrowed(_)));
        assert_eq!(texts(&first), ["Title", "A paragraph."]);
        // the second language gets the same units, not found again
        let again = units.of(file, body);
        assert!(std::ptr::eq(again.as_ptr(), first.as_ptr()));
        // another body under that file's name (not the library's): its own units
        let other = units.of(file, "Another paragraph.\n\nAnd one more.\n");
        assert!(matches!(other, Cow::Owned(_)));
        assert_eq!(texts(&other), ["Another paragraph.", "And one more."]);
        let unknown = units.of(Path::new("content/guides/g/02-step.md"), body);
        assert!(matches!(unknown, Cow::Owned(_)));
        assert_eq!(texts(&unknown), ["Title", "A paragraph."]);
    }
}
