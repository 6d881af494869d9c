//! The search indexes of a site kept in parts, one per guide and step page, so that a rebuild
//! analyses only the pages it rendered again.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

use crate::content::Library;
use crate::pipeline::Built;
use crate::search::{self, IndexBuilder, PagePart, TermTable};

/// Each language's search index in parts, one per guide and step page (what
/// [`pipeline::search`] builds at once): a rebuild analyses only the pages rendered again and
/// puts the indexes together anew from the parts, whose terms are numbered in the language's
/// [`TermTable`] (no term is looked up or sorted again).
pub(super) struct SearchParts {
    default: String,
    others: Vec<String>,
    /// Language -> its terms and its pages' parts.
    parts: BTreeMap<String, Language>,
}

/// One language's index in parts.
#[derive(Default)]
struct Language {
    terms: TermTable,
    /// Page folder -> the page's part.
    pages: BTreeMap<String, PagePart<u32>>,
}

impl SearchParts {
    pub(super) fn new(lib: &Library) -> SearchParts {
        let default = lib.config.language.clone();
        let others = lib.config.languages.clone();
        let parts = std::iter::once(&default)
            .chain(&others)
            .map(|l| (l.clone(), Language::default()))
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
        let searchable: HashSet<&str> = built
            .pages
            .iter()
            .filter(|p| p.searchable)
            .map(|p| p.rel.as_str())
            .collect();
        let (default, others) = (&self.default, &self.others);
        let analysed: Vec<(&str, String, Option<PagePart>)> = rels
            .par_iter()
            .map(|rel| {
                let (lang, folder) = search::page_place(rel, default, others);
                let part = searchable
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
        let mut by_lang: BTreeMap<&str, Vec<(String, Option<PagePart>)>> = BTreeMap::new();
        for (lang, folder, part) in analysed {
            by_lang.entry(lang).or_default().push((folder, part));
        }
        let work: Vec<(&mut Language, Vec<(String, Option<PagePart>)>)> = (self.parts.iter_mut())
            .filter_map(|(lang, l)| Some((l, by_lang.remove(lang.as_str())?)))
            .collect();
        work.into_par_iter().for_each(|(l, pages)| {
            for (folder, part) in pages {
                match part {
                    Some(part) => l.pages.insert(folder, l.terms.number(part)),
                    None => l.pages.remove(&folder),
                };
            }
        });
    }

    /// Writes each language's `search/<lang>.js` into `built` from the parts.
    pub(super) fn write(&self, built: &mut Built) {
        let indexes: Vec<(String, String, search::IndexStats)> = self
            .parts
            .par_iter()
            .map(|(lang, l)| {
                let mut b = IndexBuilder::new(lang);
                for part in l.pages.values() {
                    b.add_numbered(part);
                }
                let (js, stats) = b.finish_numbered(&l.terms);
                (lang.clone(), js, stats)
            })
            .collect();
        built.search.clear();
        for (lang, js, stats) in indexes {
            built.output.add(crate::search::index_file(&lang), js);
            built.search.push((lang, stats));
        }
    }
}
