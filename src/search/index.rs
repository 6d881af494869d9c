//! One language's index: words to terms (stemmed, folded), sections to their terms, and the
//! compact script that the browser decodes (format in `search/mod.rs`).

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use rust_stemmers::{Algorithm, Stemmer};

use super::text::{fold, Section};

/// Varint digits: 0-31 end a number, 32-63 continue it. JSON- and JS-string-safe.
pub const VARINT: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyz_$WXYZ";

/// The longest shared prefix (in UTF-16 units) that front coding records: one character
/// `'0' + shared`, at most `'Z'`.
const MAX_SHARED: usize = 42;

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

/// Words of a text: runs of letters and digits (also how `lint::origin` compares texts).
/// (What `text.split(|c: char| !c.is_alphanumeric())` gives without its empty pieces, an
/// ASCII byte tested without decoding it: the search reads every word of every page.)
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    Words { text, at: 0 }
}

/// [`words`]' iterator: the words of `text` from byte `at` on.
struct Words<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Iterator for Words<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let bytes = self.text.as_bytes();
        let mut start = None;
        let mut i = self.at;
        while let Some(&b) = bytes.get(i) {
            let (alphanumeric, len) = if b.is_ascii() {
                (b.is_ascii_alphanumeric(), 1)
            } else {
                let c = self.text[i..].chars().next()?;
                (c.is_alphanumeric(), c.len_utf8())
            };
            match start {
                None if alphanumeric => start = Some(i),
                Some(s) if !alphanumeric => {
                    self.at = i + len;
                    return Some(&self.text[s..i]);
                }
                _ => {}
            }
            i += len;
        }
        self.at = bytes.len();
        start.map(|s| &self.text[s..])
    }
}

/// Interned strings: the index's terms, or its table of titles, headings and URL segments.
#[derive(Default)]
struct Interned {
    list: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interned {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }
}

/// Words to terms of one language (stemmed, then folded), with a cache of the words seen.
struct Analyzer {
    stemmer: Option<Stemmer>,
    cache: HashMap<String, u32>,
}

impl Analyzer {
    fn new(lang: &str) -> Analyzer {
        Analyzer {
            stemmer: algorithm(lang).map(Stemmer::create),
            cache: HashMap::default(),
        }
    }

    /// The term of a word as it appears in the text.
    fn term(&mut self, word: &str, terms: &mut Interned) -> u32 {
        if let Some(&t) = self.cache.get(word) {
            return t;
        }
        let lower = word.to_lowercase();
        let stemmed = match &self.stemmer {
            Some(s) if !lower.chars().any(|c| c.is_ascii_digit()) => s.stem(&lower).into_owned(),
            _ => lower.clone(),
        };
        let mut t = fold(&stemmed);
        if t.is_empty() {
            t = fold(&lower);
        }
        // Folding may spell out a character with punctuation (compatibility forms); the
        // format joins terms with commas.
        t.retain(char::is_alphanumeric);
        let id = terms.id(&t);
        self.cache.insert(word.to_string(), id);
        id
    }
}

pub(super) fn push_varint(out: &mut String, mut n: u32) {
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
/// `T` is how a term is named: by its text, or by its number in a [`TermTable`].
pub struct PagePart<T = String> {
    path: String,
    title: String,
    sections: Vec<(String, String, Vec<T>)>,
    words: usize,
}

/// Terms by number, kept across builds (`serve` keeps one table per language): the parts it
/// keeps name their terms by number ([`TermTable::number`]), so an index put together from
/// them ([`IndexBuilder::add_numbered`], [`IndexBuilder::finish_numbered`]) looks no term up
/// and sorts none. Terms no part uses any more stay in the table and out of the index.
#[derive(Default)]
pub struct TermTable {
    terms: Interned,
    /// Every term's number, in the order the index lists terms (see [`sort_terms`]).
    sorted: Vec<u32>,
}

impl TermTable {
    /// `part` with its terms numbered in this table.
    pub fn number(&mut self, part: PagePart) -> PagePart<u32> {
        let known = self.terms.list.len();
        let sections = (part.sections.into_iter())
            .map(|(heading, anchor, terms)| {
                let mut ids: Vec<u32> = terms.iter().map(|t| self.terms.id(t)).collect();
                ids.sort_unstable();
                (heading, anchor, ids)
            })
            .collect();
        if self.terms.list.len() > known {
            self.sorted
                .extend(known as u32..self.terms.list.len() as u32);
            // sorted already up to the new terms: the sort merges them in
            sort_terms(&mut self.sorted, &self.terms.list);
        }
        PagePart {
            path: part.path,
            title: part.title,
            sections,
            words: part.words,
        }
    }
}

/// Term numbers in the order the index lists the terms: as JavaScript compares strings (UTF-16
/// units), for its binary search.
fn sort_terms(ids: &mut [u32], terms: &[String]) {
    ids.sort_by(|&a, &b| {
        let (a, b) = (&terms[a as usize], &terms[b as usize]);
        a.encode_utf16().cmp(b.encode_utf16())
    });
}

/// A string for the table joined by newlines.
fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\n', '\r']) {
        s.replace(['\n', '\r'], " ").into()
    } else {
        s.into()
    }
}

/// A section as the builder keeps it: string ids and its terms (sorted, distinct).
struct SectionRow {
    page: u32,
    heading: u32,
    anchor: u32,
    terms: Range<usize>,
}

/// Builds one language's index, page by page.
pub struct IndexBuilder {
    lang: String,
    analyzer: Analyzer,
    english: Option<Analyzer>,
    terms: Interned,
    strings: Interned,
    /// Per page: its title and URL segments (string ids).
    pages: Vec<(u32, Vec<u32>)>,
    sections: Vec<SectionRow>,
    section_terms: Vec<u32>,
    words: usize,
}

impl IndexBuilder {
    pub fn new(lang: &str) -> IndexBuilder {
        IndexBuilder {
            lang: lang.to_string(),
            analyzer: Analyzer::new(lang),
            english: (lang != "en").then(|| Analyzer::new("en")),
            terms: Interned::default(),
            strings: Interned::default(),
            pages: Vec::new(),
            sections: Vec::new(),
            section_terms: Vec::new(),
            words: 0,
        }
    }

    /// Adds a page: `path` is its folder relative to the language's root (`paedcan/sign-in`,
    /// `""` for the root), `title` its title (also indexed), `html` its content HTML.
    #[cfg(test)]
    pub fn add_page(&mut self, path: &str, title: &str, html: &str) {
        self.add_sections(path, title, &super::text::sections(html));
    }

    /// Adds a page from its [`sections`](super::text::sections) (see
    /// [`IndexBuilder::add_page`]).
    pub fn add_sections(&mut self, path: &str, title: &str, secs: &[Section]) {
        let (page, title_id) = self.add_page_row(path, title);
        let mut found = Vec::new();
        for (i, sec) in secs.iter().enumerate() {
            let (heading, anchor) = self.heading_anchor(title_id, &sec.heading, &sec.anchor);
            self.words += self.analyse(sec, if i == 0 { title } else { "" }, &mut found);
            self.push_section(page, heading, anchor, &found);
        }
    }

    /// A page's part of the index, analysed (what [`IndexBuilder::add_page`] adds; `serve`
    /// keeps each page's between rebuilds, numbered by [`TermTable::number`], and analyses only the
    /// pages rendered again).
    pub fn page_part(&mut self, path: &str, title: &str, html: &str) -> PagePart {
        let mut part = PagePart {
            path: path.to_string(),
            title: title.to_string(),
            sections: Vec::new(),
            words: 0,
        };
        let mut found = Vec::new();
        for (i, sec) in super::text::sections(html).into_iter().enumerate() {
            part.words += self.analyse(&sec, if i == 0 { title } else { "" }, &mut found);
            let terms = found
                .iter()
                .map(|&t| self.terms.list[t as usize].clone())
                .collect();
            let heading = if sec.anchor.is_empty() {
                title.to_string()
            } else {
                sec.heading
            };
            part.sections.push((heading, sec.anchor, terms));
        }
        part
    }

    /// Adds a page from its part with numbered terms ([`TermTable::number`]); the index is
    /// finished with [`IndexBuilder::finish_numbered`] and the same table.
    pub fn add_numbered(&mut self, part: &PagePart<u32>) {
        let (page, title_id) = self.add_page_row(&part.path, &part.title);
        for (heading, anchor, terms) in &part.sections {
            let (heading, anchor) = self.heading_anchor(title_id, heading, anchor);
            self.push_section(page, heading, anchor, terms);
        }
        self.words += part.words;
    }

    /// Adds the pages `other` analysed (a builder of the same language, given the pages that
    /// follow this one's: builders of consecutive parts analyse in parallel), exactly as if
    /// they had been added here: its strings and terms take this one's numbers in the order
    /// it met them.
    pub fn append(&mut self, other: IndexBuilder) {
        let strings: Vec<u32> = (other.strings.list.iter())
            .map(|s| self.strings.id(s))
            .collect();
        let terms: Vec<u32> = (other.terms.list.iter())
            .map(|t| self.terms.id(t))
            .collect();
        let first_page = self.pages.len() as u32;
        for (title, segs) in other.pages {
            let segs = segs.iter().map(|&s| strings[s as usize]).collect();
            self.pages.push((strings[title as usize], segs));
        }
        for row in other.sections {
            let start = self.section_terms.len();
            let found = &other.section_terms[row.terms];
            (self.section_terms).extend(found.iter().map(|&t| terms[t as usize]));
            self.sections.push(SectionRow {
                page: first_page + row.page,
                heading: strings[row.heading as usize],
                anchor: strings[row.anchor as usize],
                terms: start..self.section_terms.len(),
            });
        }
        self.words += other.words;
    }

    /// A new page's number and its title's string id.
    fn add_page_row(&mut self, path: &str, title: &str) -> (u32, u32) {
        let page = self.pages.len() as u32;
        let title_id = self.strings.id(&clean(title));
        let segs = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| self.strings.id(&clean(s)))
            .collect();
        self.pages.push((title_id, segs));
        (page, title_id)
    }

    /// String ids of a section's heading (the page's title for its top) and anchor.
    fn heading_anchor(&mut self, title_id: u32, heading: &str, anchor: &str) -> (u32, u32) {
        let heading = if anchor.is_empty() {
            title_id
        } else {
            self.strings.id(&clean(heading))
        };
        (heading, self.strings.id(&clean(anchor)))
    }

    /// A section's distinct terms into `found` (sorted): the words of its text and of
    /// `title_words`, and its English as English. Returns the number of words read.
    fn analyse(&mut self, sec: &Section, title_words: &str, found: &mut Vec<u32>) -> usize {
        found.clear();
        let mut count = 0;
        for w in words(&sec.text).chain(words(title_words)) {
            count += 1;
            found.push(self.analyzer.term(w, &mut self.terms));
        }
        if let Some(en) = self.english.as_mut() {
            found.extend(words(&sec.english).map(|w| en.term(w, &mut self.terms)));
        }
        found.sort_unstable();
        found.dedup();
        count
    }

    fn push_section(&mut self, page: u32, heading: u32, anchor: u32, terms: &[u32]) {
        let start = self.section_terms.len();
        self.section_terms.extend_from_slice(terms);
        self.sections.push(SectionRow {
            page,
            heading,
            anchor,
            terms: start..self.section_terms.len(),
        });
    }

    /// The script `search/<lang>.js` and its sizes.
    pub fn finish(mut self) -> (String, IndexStats) {
        let terms = std::mem::take(&mut self.terms.list);
        let mut sorted: Vec<u32> = (0..terms.len() as u32).collect();
        sort_terms(&mut sorted, &terms);
        self.write(&terms, &sorted)
    }

    /// [`IndexBuilder::finish`] for pages added by [`IndexBuilder::add_numbered`] with terms
    /// numbered in `table`.
    pub fn finish_numbered(self, table: &TermTable) -> (String, IndexStats) {
        self.write(&table.terms.list, &table.sorted)
    }

    /// The script and its sizes: `terms` by number, `sorted` their numbers in the index's
    /// order; a term in no section is left out.
    fn write(self, terms: &[String], sorted: &[u32]) -> (String, IndexStats) {
        // Sections with the same anchor and heading (the same step's part in every guide and
        // network) get neighbouring numbers, so a term's sections form long runs.
        let mut order: Vec<usize> = (0..self.sections.len()).collect();
        order.sort_by_key(|&s| {
            let r = &self.sections[s];
            (r.anchor, r.heading, r.page)
        });
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); terms.len()];
        for (k, &s) in order.iter().enumerate() {
            for &t in &self.section_terms[self.sections[s].terms.clone()] {
                postings[t as usize].push(k as u32);
            }
        }
        let mut c = String::new();
        for group in order.chunk_by(|&a, &b| {
            let (a, b) = (&self.sections[a], &self.sections[b]);
            (a.anchor, a.heading) == (b.anchor, b.heading)
        }) {
            let first = &self.sections[group[0]];
            push_varint(&mut c, group.len() as u32);
            push_varint(&mut c, first.heading);
            push_varint(&mut c, first.anchor);
            let mut last = 0;
            for &s in group {
                push_varint(&mut c, self.sections[s].page - last);
                last = self.sections[s].page;
            }
        }
        let mut p = String::new();
        for (title, segs) in &self.pages {
            push_varint(&mut p, *title);
            push_varint(&mut p, segs.len() as u32);
            for &s in segs {
                push_varint(&mut p, s);
            }
        }
        let mut t = String::new();
        let mut d = String::new();
        let mut prev = "";
        let mut used = 0;
        for &term in sorted {
            let secs = &postings[term as usize];
            if secs.is_empty() {
                continue;
            }
            if used > 0 {
                t.push(',');
                d.push(',');
            }
            used += 1;
            let text = terms[term as usize].as_str();
            front_code(&mut t, prev, text);
            prev = text;
            push_runs(&mut d, secs);
        }
        let json_str = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        // `</` cannot end the script early: the file is loaded by src, but keep it safe to
        // inline too.
        let strings = json_str(&self.strings.list.join("\n")).replace("</", "<\\/");
        let js = format!(
            "(window.__ernSearch=window.__ernSearch||{{}})[{lang}]={{v:2,s:{strings},p:{p},c:{c},t:{t},d:{d}}};\n",
            lang = json_str(&self.lang),
            p = json_str(&p),
            c = json_str(&c),
            t = json_str(&t),
            d = json_str(&d),
        );
        let stats = IndexStats {
            bytes: js.len(),
            words: self.words,
            terms: used,
            sections: self.sections.len(),
            pages: self.pages.len(),
        };
        (js, stats)
    }
}

/// `text` after `prev`: one character `'0' + shared prefix length` in UTF-16 units (never
/// splitting a character), then the rest.
fn front_code(out: &mut String, prev: &str, text: &str) {
    let mut units = 0;
    let mut bytes = 0;
    for (a, b) in prev.chars().zip(text.chars()) {
        if a != b || units + a.len_utf16() > MAX_SHARED {
            break;
        }
        units += a.len_utf16();
        bytes += a.len_utf8();
    }
    out.push((b'0' + units as u8) as char);
    out.push_str(&text[bytes..]);
}

/// Ascending section numbers as runs: per run, the varint `2 * gap + (1 if longer than one)`
/// (gap: numbers skipped since the last run), then for a longer run the varint `length - 2`.
fn push_runs(out: &mut String, secs: &[u32]) {
    let mut next = 0;
    let mut i = 0;
    while i < secs.len() {
        let start = secs[i];
        let mut end = i;
        while end + 1 < secs.len() && secs[end + 1] == secs[end] + 1 {
            end += 1;
        }
        let long = end > i;
        push_varint(out, 2 * (start - next) + u32::from(long));
        if long {
            push_varint(out, (end - i - 1) as u32);
        }
        next = secs[end] + 1;
        i = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(a: &mut Analyzer, terms: &mut Interned, word: &str) -> String {
        let id = a.term(word, terms);
        terms.list[id as usize].clone()
    }

    #[test]
    fn words_are_the_runs_of_letters_and_digits() {
        for text in [
            "",
            "  ",
            "Create an account",
            "(ERN-RND) – Ärzte 2, naïve café…größe",
            "Zwei-Faktor-Authentifizierung: «Weiter» 2FA ①½ x²",
            "日本語 テキスト",
            "end.",
            "ß",
            "a\u{0301}b \u{1F600} c",
        ] {
            let expected: Vec<&str> = (text.split(|c: char| !c.is_alphanumeric()))
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(words(text).collect::<Vec<_>>(), expected, "{text}");
        }
    }

    #[test]
    fn stems_at_build_time() {
        let mut terms = Interned::default();
        let mut de = Analyzer::new("de");
        assert_eq!(
            term(&mut de, &mut terms, "Anmeldungen"),
            term(&mut de, &mut terms, "anmeldung")
        );
        let mut it = Analyzer::new("it");
        assert_eq!(
            term(&mut it, &mut terms, "registrazione"),
            term(&mut it, &mut terms, "registrazioni")
        );
        let mut pl = Analyzer::new("pl");
        assert_eq!(term(&mut pl, &mut terms, "Rejestracja"), "rejestracja");
        assert_eq!(term(&mut de, &mut terms, "Größe"), "gross");
    }

    #[test]
    fn appending_parts_is_adding_their_pages() {
        let pages = [
            (
                "g/a",
                "Sign in",
                "<h2 id=\"x\">Do it</h2><p>Open the page and sign in.</p>",
            ),
            ("g/b", "Create", "<p>Create an account; open the page.</p>"),
            (
                "h/a",
                "Sign in",
                "<h2 id=\"x\">Do it</h2><p>Signing in, then more words.</p>",
            ),
            (
                "h/c",
                "Other",
                "<h2 id=\"y\">Else</h2><p>New words here, and create.</p>",
            ),
        ];
        for lang in ["en", "de"] {
            let mut whole = IndexBuilder::new(lang);
            for (path, title, html) in pages {
                whole.add_page(path, title, html);
            }
            for split in 0..=pages.len() {
                let mut first = IndexBuilder::new(lang);
                let mut rest = IndexBuilder::new(lang);
                for (k, (path, title, html)) in pages.iter().enumerate() {
                    let b = if k < split { &mut first } else { &mut rest };
                    b.add_page(path, title, html);
                }
                first.append(rest);
                let mut again = IndexBuilder::new(lang);
                for (path, title, html) in pages {
                    again.add_page(path, title, html);
                }
                assert_eq!(first.finish(), again.finish(), "{lang}, split at {split}");
            }
            assert!(whole.finish().1.terms > 5);
        }
    }

    #[test]
    fn runs_and_front_coding() {
        let mut d = String::new();
        push_runs(&mut d, &[0, 1, 2, 3, 7, 9, 10]);
        // Run 0-3: 2*0+1, length 4-2; 7 alone: 2*3; run 9-10: 2*1+1, 0.
        assert_eq!(d, "12630");
        let mut t = String::new();
        front_code(&mut t, "anmeld", "anmerk");
        front_code(&mut t, "a\u{1F600}b", "a\u{1F600}c");
        assert_eq!(t, "4rk3c");
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
        assert!(js.starts_with("(window.__ernSearch=window.__ernSearch||{})[\"de\"]={v:2,"));
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

    #[test]
    fn the_same_part_of_every_guide_forms_runs() {
        let mut b = IndexBuilder::new("en");
        for g in 0..40 {
            b.add_page(
                &format!("g{g}/sign-in"),
                "Sign in",
                &format!("<p>Guide {g}</p><h2 id=\"do-it\">Do it</h2><p>Press Next.</p>"),
            );
        }
        let (js, stats) = b.finish();
        assert_eq!(stats.sections, 80);
        // "press" is in the 40 "Do it" sections, which are numbered 0-39: one run.
        let d_start = js.find(",d:\"").unwrap() + 4;
        let t_start = js.find(",t:\"").unwrap() + 4;
        let terms: Vec<&str> = js[t_start..]
            .split('"')
            .next()
            .unwrap()
            .split(',')
            .collect();
        let runs: Vec<&str> = js[d_start..]
            .split('"')
            .next()
            .unwrap()
            .split(',')
            .collect();
        let mut prev = String::new();
        let mut press = None;
        for (i, t) in terms.iter().enumerate() {
            let shared = (t.as_bytes()[0] - b'0') as usize;
            prev = format!("{}{}", &prev[..shared], &t[1..]);
            if prev == "press" {
                press = Some(runs[i]);
            }
        }
        // Do-it sections come after the tops (anchor ""): gap 40, one run of 40.
        let mut want = String::new();
        push_varint(&mut want, 2 * 40 + 1);
        push_varint(&mut want, 38);
        assert_eq!(press, Some(want.as_str()));
        assert!(stats.bytes < 1200, "{} bytes: {js}", stats.bytes);
    }
}
