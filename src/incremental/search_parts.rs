//! The search indexes of a site kept in parts, one per guide and step page, so that a rebuild
//! analyses only the pages it rendered again.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

use crate::content::Library;
use crate::pipeline::Built;
use crate::search::{self, IndexBuilder, PagePart};

/// Each language's search index in parts, one per guide and step page (what
/// [`pipeline::search`] builds at once): a rebuild analyses only the pages rendered again and
/// puts the indexes together anew from the parts.
pub(super) struct SearchParts {
    default: String,
    others: Vec<String>,
    /// Language -> page folder -> the page's part.
    parts: BTreeMap<String, BTreeMap<String, PagePart>>,
}

impl SearchParts {
    pub(super) fn new(lib: &Library) -> SearchParts {
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
    pub(super) fn update(&mut self, built: &Built, rels: &[&str]) {
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
    pub(super) fn write(&self, built: &mut Built) {
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
