//! The search index: one per language, built at build time and shipped as a classic script
//! (`search/<lang>.js`, so it loads from `file://` where `fetch` does not work).
//!
//! Documents are sections: a page's text up to its first `##` heading, then each `##` heading
//! with its text (results link to the heading's anchor). Words are folded (lower case,
//! accents removed) and stemmed at build time with the language's Snowball stemmer
//! (`rust-stemmers`); English text inside other languages' pages (quoted screen labels in
//! bold, untranslated blocks) is also stemmed as English, so "Manage my mobile devices" finds
//! the German step. The browser matches query words against stems by prefix
//! (`themes/default/static/search.js`); no stemmer runs in JavaScript.
//!
//! Format (version 2), compact because over `file://` nothing is compressed:
//! - `s`: distinct strings (page titles, headings, anchors, URL segments) joined by `\n`;
//! - `p`: per page, varints: title, number of URL segments, the segments (string indices);
//! - `c`: the sections, numbered so that the same part of a step in every guide and network
//!   is together (sorted by anchor, heading, page): per group of sections with the same
//!   anchor and heading, varints: count, heading, anchor, then each section's page as a delta;
//! - `t`: the sorted stems (in UTF-16 order), front-coded: one character `'0' + shared prefix
//!   length` (UTF-16 units), then the rest, joined by `,`;
//! - `d`: per stem, its sections as runs of consecutive numbers, joined by `,`: per run the
//!   varint `2 * gap + (1 if longer than one)`, then for a longer run `length - 2`.
//!
//! A varint is base-32 digits, least significant first, in the alphabet [`index::VARINT`]: the
//! first 32 characters end a number, the last 32 continue it.
//!
//! The near-duplicate steps of the networks' guides make long runs: the 10,000-page benchmark's
//! index is a tenth of the size of one with a delta per section.

mod index;
mod text;

use std::collections::BTreeMap;

use rayon::prelude::*;

pub(crate) use index::words;
pub use index::{IndexBuilder, IndexStats, PagePart, TermTable};
pub use text::page_content;
use text::sections;

/// Parts of a language's pages analysed in parallel (each stems its words once).
const PARTS: usize = 16;

/// Where the page at output path `rel` belongs: its language (its first folder if that is one
/// of `others`, else `default`) and its folder inside that language's root.
pub fn page_place<'a>(rel: &'a str, default: &'a str, others: &[String]) -> (&'a str, String) {
    let (lang, inner) = match rel.split_once('/') {
        Some((first, rest)) if others.iter().any(|l| l == first) => (first, rest),
        _ => (default, rel),
    };
    let folder = inner.strip_suffix("index.html").unwrap_or(inner);
    (lang, folder.trim_end_matches('/').to_string())
}

/// Builds each language's index from the rendered pages: `pages` are (output path, HTML) of
/// guide and step pages; a page belongs to the language of its first folder if that is one of
/// `others`, else to `default`. Returns `search/<lang>.js` files and their sizes.
pub fn build_indexes<'a>(
    pages: impl Iterator<Item = (&'a str, &'a str)>,
    default: &str,
    others: &[String],
) -> Vec<(String, String, IndexStats)> {
    let pages: Vec<(&str, &str)> = pages.collect();
    let texts: Vec<(&str, PageText)> = (pages.par_iter())
        .filter_map(|&(rel, html)| Some((rel, PageText::read(html)?)))
        .collect();
    build_indexes_from_texts(
        texts.iter().map(|(rel, text)| (*rel, text)),
        default,
        others,
    )
}

/// What the index reads of a page: its title and its sections (a build keeps this of each
/// page it has written, not the page).
pub struct PageText {
    title: String,
    sections: Vec<text::Section>,
}

impl PageText {
    /// The text of a guide or step page's HTML (`None` for a page without content).
    pub fn read(html: &str) -> Option<PageText> {
        page_content(html).map(|(title, content)| PageText {
            title,
            sections: sections(content),
        })
    }
}

/// The output file of language `lang`'s search index.
pub fn index_file(lang: &str) -> String {
    format!("search/{lang}.js")
}

/// The output files of [`build_indexes_from_texts`]: [`index_file`] of each language.
pub fn index_files(default: &str, others: &[String]) -> Vec<String> {
    std::iter::once(default)
        .chain(others.iter().map(String::as_str))
        .map(index_file)
        .collect()
}

/// [`build_indexes`] from the pages' texts: `pages` are (output path, text).
pub fn build_indexes_from_texts<'a>(
    pages: impl Iterator<Item = (&'a str, &'a PageText)>,
    default: &str,
    others: &[String],
) -> Vec<(String, String, IndexStats)> {
    let mut docs: BTreeMap<String, Vec<(String, &PageText)>> = BTreeMap::new();
    docs.entry(default.to_string()).or_default();
    for l in others {
        docs.entry(l.clone()).or_default();
    }
    for (rel, text) in pages {
        let (lang, folder) = page_place(rel, default, others);
        docs.entry(lang.to_string())
            .or_default()
            .push((folder, text));
    }
    docs.into_par_iter()
        .map(|(lang, mut pages)| {
            pages.sort_by(|a, b| a.0.cmp(&b.0));
            // Consecutive parts analysed in parallel, each by its own builder, then put
            // together in order.
            let part = pages.len().div_ceil(PARTS).max(1);
            let parts: Vec<IndexBuilder> = pages
                .par_chunks(part)
                .map(|chunk| {
                    let mut b = IndexBuilder::new(&lang);
                    for (folder, text) in chunk {
                        b.add_sections(folder, &text.title, &text.sections);
                    }
                    b
                })
                .collect();
            let mut parts = parts.into_iter();
            let mut b = parts.next().unwrap_or_else(|| IndexBuilder::new(&lang));
            for p in parts {
                b.append(p);
            }
            let (js, stats) = b.finish();
            (lang, js, stats)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_index_per_language_from_the_rendered_pages() {
        let page = |h1: &str, body: &str| {
            format!("<main><h1>{h1}</h1><div class=\"eg-prose\">{body}</div></main>")
        };
        let en = page("Sign in", "<h2 id=\"do-it\">Do it</h2><p>Press Next.</p>");
        let de = page(
            "Anmelden",
            "<h2 id=\"do-it\">Los</h2><p>Drücken Sie <strong>Next</strong>.</p>",
        );
        let pages = [
            ("net/sign-in/index.html", en.as_str()),
            ("de/net/sign-in/index.html", de.as_str()),
            ("links/index.html", "<p>no content</p>"),
        ];
        let built = build_indexes(
            pages.into_iter(),
            "en",
            &["de".to_string(), "it".to_string()],
        );
        let langs: Vec<&str> = built.iter().map(|(l, _, _)| l.as_str()).collect();
        assert_eq!(langs, ["de", "en", "it"]);
        let (_, de_js, de_stats) = &built[0];
        assert_eq!((de_stats.pages, de_stats.sections), (1, 1));
        // The page's folder without the language; the English label as an English stem.
        assert!(de_js.contains(r"Anmelden\nnet\nsign-in\n"), "{de_js}");
        assert!(de_js.contains("druck") && de_js.contains("next"), "{de_js}");
        assert_eq!(built[2].2.pages, 0);
        // A page's text is its title and its sections (the page without content has none).
        let text = PageText::read(&de).unwrap();
        assert_eq!(text.title, "Anmelden");
        let anchors: Vec<&str> = text.sections.iter().map(|s| s.anchor.as_str()).collect();
        assert_eq!(anchors, ["do-it"]);
        assert!(PageText::read("<p>no content</p>").is_none());
        // Built from per-page parts with numbered terms (as `serve` does), the index is the
        // same, also when the table holds terms no part uses (a page's text before an edit).
        let mut table = TermTable::default();
        let part = |html: &str| {
            let (title, content) = page_content(html).unwrap();
            IndexBuilder::new("de").page_part("net/sign-in", &title, content)
        };
        let old = page(
            "Alt",
            "<h2 id=\"x\">Zuvor</h2><p>Ältere Wörter, zuerst.</p>",
        );
        table.number(part(&old));
        let numbered = table.number(part(&de));
        let mut b = IndexBuilder::new("de");
        b.add_numbered(&numbered);
        let (js, stats) = b.finish_numbered(&table);
        assert_eq!(&js, de_js);
        assert_eq!(&stats, de_stats);
    }
}
