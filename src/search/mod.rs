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
//! Format (version 1), compact because over `file://` nothing is compressed:
//! - `s`: distinct strings (page titles, headings, anchors, URL segments) joined by `\n`;
//! - `p`: per page, varints: title, number of URL segments, the segments (string indices);
//! - `c`: per section, varints: page delta, heading, anchor (string indices);
//! - `t`: the sorted stems, front-coded: one character `'0' + shared prefix length`, then the
//!   rest, joined by `,`;
//! - `d`: per stem, its sections as delta-encoded varints, joined by `,`.
//!
//! A varint is base-32 digits, least significant first, in the alphabet [`VARINT`]: the
//! first 32 characters end a number, the last 32 continue it.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use crate::i18n::units::{UNTRANSLATED_END, UNTRANSLATED_START};

/// Varint digits: 0-31 end a number, 32-63 continue it. JSON- and JS-string-safe.
pub const VARINT: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyz_$WXYZ";

/// The folded form of a text: lower case, accents removed (NFKD without combining marks),
/// a few letters spelled out (ß -> ss).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Words of a text (letters and digits), in lower case, not folded.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
}

/// The Snowball stemmer for a language, if `rust-stemmers` has one.
pub fn algorithm(lang: &str) -> Option<Algorithm> {
    Some(match lang {
        "da" => Algorithm::Danish,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "en" => Algorithm::English,
        "es" => Algorithm::Spanish,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "sv" => Algorithm::Swedish,
        _ => return None,
    })
}

/// Stems and folds words, with a cache.
struct Analyzer {
    stemmer: Option<Stemmer>,
    cache: HashMap<String, String>,
}

impl Analyzer {
    fn new(lang: &str) -> Analyzer {
        Analyzer {
            stemmer: algorithm(lang).map(Stemmer::create),
            cache: HashMap::new(),
        }
    }

    fn term(&mut self, word: &str) -> String {
        if let Some(t) = self.cache.get(word) {
            return t.clone();
        }
        let stemmed = match &self.stemmer {
            Some(s) if !word.chars().any(|c| c.is_ascii_digit()) => s.stem(word).into_owned(),
            _ => word.to_string(),
        };
        let t = fold(&stemmed);
        let t = if t.is_empty() { fold(word) } else { t };
        self.cache.insert(word.to_string(), t.clone());
        t
    }
}

/// Interns strings into the index's string table.
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        // The table is joined by newlines.
        let clean = s.replace(['\n', '\r'], " ");
        let i = self.list.len() as u32;
        self.list.push(clean);
        self.ids.insert(s.to_string(), i);
        i
    }
}

fn push_varint(out: &mut String, mut n: u32) {
    loop {
        let digit = n & 31;
        n >>= 5;
        if n == 0 {
            out.push(VARINT[digit as usize] as char);
            return;
        }
        out.push(VARINT[(digit + 32) as usize] as char);
    }
}

/// Plain text of an HTML fragment: tags dropped, entities decoded. Also returns the text of
/// `<strong>` elements and of untranslated (English) blocks, which is indexed as English too.
fn html_text(html: &str) -> (String, String) {
    let mut text = String::with_capacity(html.len());
    let mut english = String::new();
    let mut strong = 0usize;
    let mut untranslated = 0usize;
    let mut open_spans = 0usize;
    let mut english_spans = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').map_or(after.len(), |e| e + 1);
            let tag = &after[..end.saturating_sub(1)];
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name == "strong" || name == "b" {
                if tag.starts_with('/') {
                    strong = strong.saturating_sub(1);
                } else {
                    strong += 1;
                }
            } else if name == "span" {
                // Untranslated blocks of a rendered page: `<span lang="en" ...>`.
                if tag.starts_with('/') {
                    if english_spans > 0 && open_spans == english_spans {
                        english_spans -= 1;
                        untranslated = untranslated.saturating_sub(1);
                    }
                    open_spans = open_spans.saturating_sub(1);
                } else {
                    open_spans += 1;
                    if tag.contains("lang=\"en\"") {
                        english_spans = open_spans;
                        untranslated += 1;
                    }
                }
            } else if name == "small" && tag.contains("eg-untranslated-mark") {
                // The "not yet translated" marker is not content.
                let close = rest.find("</small>").map_or(rest.len(), |i| i + 8);
                rest = &rest[close..];
                text.push(' ');
                continue;
            }
            text.push(' ');
            if strong > 0 || untranslated > 0 {
                english.push(' ');
            }
            rest = &after[end.min(after.len())..];
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        let chunk = &rest[..next];
        rest = &rest[next..];
        let decoded = decode_entities(chunk);
        for c in decoded.chars() {
            match c {
                UNTRANSLATED_START => untranslated += 1,
                UNTRANSLATED_END => {
                    untranslated = untranslated.saturating_sub(1);
                    english.push(' ');
                }
                c => {
                    text.push(c);
                    if strong > 0 || untranslated > 0 {
                        english.push(c);
                    }
                }
            }
        }
    }
    (text, english)
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &after[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "middot" => Some('·'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                _ => ent
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One section of a page: the text under a `##` heading (or before the first one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Empty for the page's top.
    pub anchor: String,
    pub heading: String,
    pub html: String,
}

/// Splits a page's content HTML at its top-level headings with an id: `<h2 id="...">`, or
/// `<h3 id="...">` where the page's `##` sub-steps are `h3` (under the page's `h1` and the
/// theme's own `h2`s).
pub fn sections(html: &str) -> Vec<Section> {
    let level = if html.contains("<h2 id=\"") { "2" } else { "3" };
    let open = format!("<h{level} id=\"");
    let close_tag = format!("</h{level}>");
    let mut out = Vec::new();
    let mut rest = html;
    let mut current = Section {
        anchor: String::new(),
        heading: String::new(),
        html: String::new(),
    };
    while let Some(i) = rest.find(&open) {
        current.html.push_str(&rest[..i]);
        let after = &rest[i + open.len()..];
        let Some(q) = after.find('"') else {
            break;
        };
        let anchor = decode_entities(&after[..q]);
        let Some(close) = after.find(&close_tag) else {
            break;
        };
        let inner_start = after[..close].find('>').map_or(close, |g| g + 1);
        let (heading_text, _) = html_text(&after[inner_start..close]);
        out.push(std::mem::replace(
            &mut current,
            Section {
                anchor,
                heading: heading_text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                html: String::new(),
            },
        ));
        // The heading's words belong to its section.
        current.html.push_str(&after[inner_start..close]);
        current.html.push(' ');
        rest = &after[close + close_tag.len()..];
    }
    current.html.push_str(rest);
    out.push(current);
    out.retain(|s| !s.anchor.is_empty() || !html_text(&s.html).0.trim().is_empty());
    out
}

/// Sizes of a built index (for the benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexStats {
    pub bytes: usize,
    /// Words read from the pages (every occurrence).
    pub words: usize,
    pub terms: usize,
    pub sections: usize,
    pub pages: usize,
}

impl IndexStats {
    pub fn bytes_per_word(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.bytes as f64 / self.words as f64
        }
    }
}

/// One page's part of an index: its folder, title and sections (heading, anchor, terms).
pub struct PagePart {
    path: String,
    title: String,
    sections: Vec<(String, String, Vec<String>)>,
    words: usize,
}

/// Builds one language's index, page by page.
pub struct IndexBuilder {
    lang: String,
    analyzer: Analyzer,
    english: Option<Analyzer>,
    strings: Strings,
    pages: String,
    page_count: u32,
    sections: String,
    section_count: u32,
    last_section_page: u32,
    postings: BTreeMap<String, Vec<u32>>,
    words: usize,
}

impl IndexBuilder {
    pub fn new(lang: &str) -> IndexBuilder {
        IndexBuilder {
            lang: lang.to_string(),
            analyzer: Analyzer::new(lang),
            english: (lang != "en").then(|| Analyzer::new("en")),
            strings: Strings::default(),
            pages: String::new(),
            page_count: 0,
            sections: String::new(),
            section_count: 0,
            last_section_page: 0,
            postings: BTreeMap::new(),
            words: 0,
        }
    }

    /// Adds a page: `path` is its folder relative to the language's root (`paedcan/sign-in`,
    /// `""` for the root), `title` its title (also indexed), `html` its content HTML.
    pub fn add_page(&mut self, path: &str, title: &str, html: &str) {
        let part = self.page_part(path, title, html);
        self.add_part(&part);
    }

    /// A page's part of the index, analysed (what [`IndexBuilder::add_page`] adds; `serve`
    /// keeps each page's between rebuilds and analyses only the pages rendered again).
    pub fn page_part(&mut self, path: &str, title: &str, html: &str) -> PagePart {
        let mut part = PagePart {
            path: path.to_string(),
            title: title.to_string(),
            sections: Vec::new(),
            words: 0,
        };
        for (i, sec) in sections(html).into_iter().enumerate() {
            let heading = if sec.anchor.is_empty() {
                title.to_string()
            } else {
                sec.heading.clone()
            };
            let (mut text, english) = html_text(&sec.html);
            if i == 0 {
                text.push(' ');
                text.push_str(title);
            }
            let mut terms: HashSet<String> = HashSet::new();
            for w in words(&text) {
                part.words += 1;
                terms.insert(self.analyzer.term(&w));
            }
            if let Some(en) = self.english.as_mut() {
                for w in words(&english) {
                    terms.insert(en.term(&w));
                }
            }
            part.sections
                .push((heading, sec.anchor, terms.into_iter().collect()));
        }
        part
    }

    /// Adds a page from its part ([`IndexBuilder::page_part`]).
    pub fn add_part(&mut self, part: &PagePart) {
        let page = self.page_count;
        self.page_count += 1;
        let title_id = self.strings.id(&part.title);
        push_varint(&mut self.pages, title_id);
        let segs: Vec<&str> = part.path.split('/').filter(|s| !s.is_empty()).collect();
        push_varint(&mut self.pages, segs.len() as u32);
        for s in segs {
            let id = self.strings.id(s);
            push_varint(&mut self.pages, id);
        }
        for (heading, anchor, terms) in &part.sections {
            let id = self.section_count;
            self.section_count += 1;
            push_varint(&mut self.sections, page - self.last_section_page);
            self.last_section_page = page;
            let h = self.strings.id(heading);
            push_varint(&mut self.sections, h);
            let a = self.strings.id(anchor);
            push_varint(&mut self.sections, a);
            for t in terms {
                match self.postings.get_mut(t.as_str()) {
                    Some(list) => list.push(id),
                    None => {
                        self.postings.insert(t.clone(), vec![id]);
                    }
                }
            }
        }
        self.words += part.words;
    }

    /// The script `search/<lang>.js` and its sizes.
    pub fn finish(self) -> (String, IndexStats) {
        let mut t = String::new();
        let mut d = String::new();
        let mut prev = String::new();
        for (i, (term, secs)) in self.postings.iter().enumerate() {
            if i > 0 {
                t.push(',');
                d.push(',');
            }
            let shared = prev
                .chars()
                .zip(term.chars())
                .take_while(|(a, b)| a == b)
                .count()
                .min(42);
            t.push((b'0' + shared as u8) as char);
            t.extend(term.chars().skip(shared));
            prev = term.clone();
            let mut last = 0;
            for (j, &s) in secs.iter().enumerate() {
                push_varint(&mut d, if j == 0 { s } else { s - last });
                last = s;
            }
        }
        let json_str = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        // `</` cannot end the script early: the file is loaded by src, but keep it safe to
        // inline too.
        let strings = json_str(&self.strings.list.join("\n")).replace("</", "<\\/");
        let js = format!(
            "(window.__ernSearch=window.__ernSearch||{{}})[{lang}]={{v:1,s:{strings},p:{p},c:{c},t:{t},d:{d}}};\n",
            lang = json_str(&self.lang),
            p = json_str(&self.pages),
            c = json_str(&self.sections),
            t = json_str(&t),
            d = json_str(&d),
        );
        let stats = IndexStats {
            bytes: js.len(),
            words: self.words,
            terms: self.postings.len(),
            sections: self.section_count as usize,
            pages: self.page_count as usize,
        };
        (js, stats)
    }
}

/// The content of a rendered guide or step page: the inside of its `<div class="eg-prose">`
/// (nested `div`s included), and its `<h1>` text.
pub fn page_content(html: &str) -> Option<(String, &str)> {
    let start = html.find("<div class=\"eg-prose\">")? + "<div class=\"eg-prose\">".len();
    let mut depth = 1usize;
    let mut at = start;
    let end = loop {
        let next_open = html[at..].find("<div").map(|i| at + i);
        let next_close = html[at..].find("</div>").map(|i| at + i)?;
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                at = o + 4;
            }
            _ => {
                depth -= 1;
                if depth == 0 {
                    break next_close;
                }
                at = next_close + 6;
            }
        }
    };
    let h1 = html.find("<h1")?;
    let h1_text_start = h1 + html[h1..].find('>')? + 1;
    let h1_end = h1_text_start + html[h1_text_start..].find("</h1>")?;
    let (title, _) = html_text(&html[h1_text_start..h1_end]);
    Some((
        title.split_whitespace().collect::<Vec<_>>().join(" "),
        &html[start..end],
    ))
}

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
    let mut docs: BTreeMap<String, Vec<(String, String, &'a str)>> = BTreeMap::new();
    docs.entry(default.to_string()).or_default();
    for l in others {
        docs.entry(l.clone()).or_default();
    }
    for (rel, html) in pages {
        let (lang, folder) = page_place(rel, default, others);
        if let Some((title, content)) = page_content(html) {
            docs.entry(lang.to_string())
                .or_default()
                .push((folder, title, content));
        }
    }
    docs.into_iter()
        .map(|(lang, mut pages)| {
            pages.sort_by(|a, b| a.0.cmp(&b.0));
            let mut b = IndexBuilder::new(&lang);
            for (folder, title, content) in &pages {
                b.add_page(folder, title, content);
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
    fn reads_the_content_of_a_rendered_page() {
        let page = "<main><h1>Zwei <em>Faktoren</em></h1><div class=\"eg-prose\"><p>A</p><div class=\"eg-table\"><table></table></div><p>B <span lang=\"en\" class=\"eg-untranslated\">Click <strong>Next</strong></span> <small class=\"eg-untranslated-mark\">(noch nicht übersetzt)</small></p></div><nav>x</nav></main>";
        let (title, content) = page_content(page).unwrap();
        assert_eq!(title, "Zwei Faktoren");
        assert!(
            content.ends_with("(noch nicht übersetzt)</small></p>"),
            "{content}"
        );
        let (text, english) = html_text(content);
        assert!(!text.contains("übersetzt"), "{text}");
        assert_eq!(
            english.split_whitespace().collect::<Vec<_>>(),
            vec!["Click", "Next"]
        );
    }

    #[test]
    fn folds_accents_and_sharp_s() {
        assert_eq!(fold("Zürich Straße ÉLÈVE"), "zurich strasse eleve");
    }

    #[test]
    fn stems_at_build_time() {
        let mut de = Analyzer::new("de");
        assert_eq!(de.term("anmeldungen"), de.term("anmeldung"));
        let mut it = Analyzer::new("it");
        assert_eq!(it.term("registrazione"), it.term("registrazioni"));
        let mut pl = Analyzer::new("pl");
        assert_eq!(pl.term("rejestracja"), "rejestracja");
    }

    #[test]
    fn splits_sections_and_finds_english_labels() {
        let html = "<p>Intro &amp; more</p>\n<h2 id=\"open-the-form\">Formular <em>öffnen</em></h2>\n<p>Klicken Sie auf <strong>Manage my mobile devices</strong>.</p>\n<h2 id=\"x\">Zwei</h2><p>b</p>";
        let s = sections(html);
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].anchor, "open-the-form");
        assert_eq!(s[1].heading, "Formular öffnen");
        let (text, english) = html_text(&s[1].html);
        assert!(text.contains("Klicken Sie auf"));
        assert_eq!(english.trim(), "Manage my mobile devices");
    }

    #[test]
    fn index_is_compact_and_decodable() {
        let mut b = IndexBuilder::new("de");
        b.add_page(
            "paedcan/two-factor",
            "Zwei-Faktor-Authentifizierung",
            "<p>Einleitung</p><h2 id=\"app\">App hinzufügen</h2><p>Öffnen Sie <strong>Manage my mobile devices</strong>.</p>",
        );
        let (js, stats) = b.finish();
        assert!(js.starts_with("(window.__ernSearch=window.__ernSearch||{})[\"de\"]={v:1,"));
        assert_eq!(stats.sections, 2);
        assert_eq!(stats.pages, 1);
        // English stems of the quoted label are there, and the German folded stem.
        for t in ["devic", "manag", "offn"] {
            assert!(js.contains(t), "{t} in {js}");
        }
        let mut v = String::new();
        push_varint(&mut v, 1000);
        assert_eq!(v.len(), 2);
    }
}
