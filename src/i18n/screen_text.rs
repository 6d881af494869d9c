//! What stays English on a page in another language (issue 14, WCAG 3.1.2 "language of parts"):
//! the texts of the mock screens of EU Login, SAAS and CPMS, which translated guides quote in
//! English ("Klicken Sie auf **Create an account** (Konto erstellen)").
//!
//! [`ScreenText`] is every text those screens show, collected from where the screens get it:
//! the sandbox flow (its mock-screen labels, screen titles, site names, lists, e-mail links and
//! the example person; not the sandbox's own translated labels, [`SANDBOX_OWN_LABELS`]) and the
//! reference data the screens list (verification methods, access profiles, countries,
//! institutions, ERNs, each network's thematic areas, guest access and menu wording), and the
//! English names guides quote beside them (each network's helpdesk).
//!
//! After a page in another language is rendered, [`ScreenText::mark`] gives `lang="en"` to each
//! `<strong>` and `<li>` whose whole text is one of them (a quoted label, a listed thematic
//! area): exact matches only, so a German word in bold is left alone unless it is a screen's
//! label. Longer screen texts that guides print inside a sentence (a profile's or a method's
//! description) are put between [`ENGLISH_START`] and [`ENGLISH_END`] by the content templates'
//! data functions, and become `<span lang="en">` with the untranslated markers
//! ([`super::mark_untranslated`]).

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

use serde_json::Value as Json;

use super::messages::SANDBOX_OWN_LABELS;
use crate::content::Library;
use crate::html::{find, find_byte, Edits};

/// Opens English screen text printed inside translated Markdown (see the module's text). A
/// Unicode punctuation character, like [`super::units::UNTRANSLATED_START`].
pub const ENGLISH_START: char = '\u{2E22}';
/// Closes English screen text (see [`ENGLISH_START`]).
pub const ENGLISH_END: char = '\u{2E23}';

/// `text` between the English markers.
pub fn english_marked(text: &str) -> String {
    format!("{ENGLISH_START}{text}{ENGLISH_END}")
}

/// The texts of the mock screens, compared by [`key`].
#[derive(Debug, Default)]
pub(crate) struct ScreenText {
    texts: FxHashSet<String>,
    /// Every text, joined by spaces.
    corpus: String,
    /// Where each run of letters and digits of the corpus starts in it (byte offsets): a
    /// quick test, and where a quote can be found.
    runs: FxHashMap<String, Vec<usize>>,
}

/// The elements whose whole text may be a screen text (name, closing tag).
const ELEMENTS: &[(&str, &str)] = &[("strong", "</strong>"), ("li", "</li>")];

impl ScreenText {
    /// Every screen text of `lib` (the library as loaded, in English).
    pub fn new(lib: &Library) -> ScreenText {
        let mut st = ScreenText::default();
        if let Some(flow) = &lib.data.sandbox {
            if let Some(labels) = flow.labels.as_object() {
                for (k, v) in labels {
                    // The e-mail languages are each in its own language ("Deutsch (de)").
                    if !SANDBOX_OWN_LABELS.contains(&k.as_str())
                        && k != "dialogs"
                        && k != "email_langs"
                    {
                        st.add_json(v);
                    }
                }
            }
            for s in flow.screens.values() {
                st.add_json(&s.title);
            }
            for v in [&flow.sites, &flow.saas, &flow.cpms2, &flow.sample] {
                st.add_json(v);
            }
            st.add_json(&flow.targets);
            if let Some(emails) = flow.emails.as_object() {
                for e in emails.values() {
                    st.add_json(&e["subject"]);
                    for line in e["body"].as_array().into_iter().flatten() {
                        st.add_json(&line["link"]);
                    }
                }
            }
        }
        let d = &lib.data;
        for m in &d.eu_login.methods {
            st.add(&m.label);
            st.add(&m.description);
        }
        for p in &d.profiles {
            st.add(&p.name);
            st.add(&p.description);
            st.add(&p.status);
        }
        for c in &d.countries {
            st.add(c);
        }
        for e in &d.erns {
            st.add(&format!("{} - {}", e.code, e.name));
        }
        for n in lib.networks.values() {
            for c in &n.countries {
                st.add(&c.name);
                for i in &c.institutions {
                    st.add(&format!("{} - {}", i.code, i.name));
                }
            }
            for a in &n.thematic_areas {
                st.add(a);
            }
            if let Some(g) = &n.guest_access {
                st.add(&format!("{} {}", g.code, g.label));
            }
            if let Some(h) = &n.helpdesk {
                st.add(&h.name);
            }
            st.add(&n.wording.preferences_menu);
            st.add(&n.wording.comment_hint);
            st.add(&n.wording.profession_example);
        }
        st
    }

    fn add(&mut self, text: &str) {
        let k = key(text);
        if !k.is_empty() && k.chars().any(char::is_alphabetic) {
            let at = self.corpus.len();
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for (i, run) in runs_at(&joined) {
                self.runs.entry(run.to_string()).or_default().push(at + i);
            }
            self.corpus.push_str(&joined);
            self.corpus.push(' ');
            self.texts.insert(k);
        }
    }

    /// Whether `text` quotes the screens: a run of words made of parts of screen texts (whole
    /// words; a screen's adjacent labels read as one sentence), one of them at least three
    /// words long (a shorter quote, such as "(CPMS 2.0)", is left alone).
    fn quotes(&self, text: &str) -> bool {
        // Most quotes on a translated page are not the screens': their first word is not in
        // the corpus (the loop below would stop there), found without making a key.
        let first = text
            .trim_start_matches(decoration)
            .split_whitespace()
            .next();
        if !first.is_some_and(|w| alphanumeric_runs(w).all(|r| self.runs.contains_key(r))) {
            return false;
        }
        let q = key(text);
        let words: Vec<&str> = q.split(' ').collect();
        if words.len() < 3 {
            return false;
        }
        let (mut i, mut longest) = (0, 0);
        while i < words.len() {
            // the longest run from word i found in the corpus (a run not found does not
            // grow into one that is)
            let mut j = i;
            while j < words.len() && self.in_corpus(&words[i..=j].join(" ")) {
                j += 1;
            }
            if j == i {
                return false;
            }
            longest = longest.max(j - i);
            i = j;
        }
        longest >= 3
    }

    /// Whether `words` occur in the corpus as whole words.
    fn in_corpus(&self, words: &str) -> bool {
        // Found at word boundaries, each run of letters and digits of `words` is one of the
        // corpus's: most quotes of translated text fail this test, without a search.
        if !alphanumeric_runs(words).all(|w| self.runs.contains_key(w)) {
            return false;
        }
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        let found_at = |i: usize| {
            self.corpus
                .get(i..)
                .is_some_and(|rest| rest.starts_with(words))
                && boundary(self.corpus[..i].chars().next_back())
                && boundary(self.corpus[i + words.len()..].chars().next())
        };
        // Found, the first run of `words` is a whole run of the corpus: only where one of
        // those starts can `words` be (no search through the whole corpus).
        match runs_at(words).next() {
            Some((offset, first)) => (self.runs.get(first).into_iter().flatten())
                .any(|&at| at >= offset && found_at(at - offset)),
            None => self.corpus.match_indices(words).any(|(i, _)| found_at(i)),
        }
    }

    /// Every string inside `v` (lists and maps too).
    fn add_json(&mut self, v: &Json) {
        match v {
            Json::String(s) => self.add(s),
            Json::Array(items) => items.iter().for_each(|i| self.add_json(i)),
            Json::Object(map) => map.values().for_each(|i| self.add_json(i)),
            _ => {}
        }
    }

    /// Whether `html` (the text of an element, HTML-escaped) is a screen text.
    pub fn contains(&self, html: &str) -> bool {
        self.texts.contains(&key(&unescape(html)))
    }

    /// `html` (a page in another language) with `lang="en"` on each `<strong>` and `<li>`
    /// whose whole text is a screen text, and each quote of a screen's text in `"..."` or
    /// `(...)` inside `<span lang="en">`; nothing inside an element that is English already.
    /// The page itself when nothing is marked (most pages: no copy).
    ///
    /// One walk from tag to tag; the text between two tags is searched for the next tag and
    /// the quotes' openings at once, and a tag is `lang="en"` when one of the page's
    /// ` lang="en"` (found first, in one search of the page) starts inside it.
    pub fn mark<'h>(&self, html: &'h str) -> Cow<'h, str> {
        let mut out = Edits::default();
        let bytes = html.as_bytes();
        let langs: Vec<usize> = memchr::memmem::find_iter(bytes, LANG_EN).collect();
        let mut next_lang = 0;
        // The element marked `lang="en"` that the text is in: its name and how many elements
        // of that name are open inside it.
        let mut english: Option<(&str, usize)> = None;
        // (byte offsets: `<`, `>` and the names' ASCII letters are whole characters)
        let mut pos = 0;
        loop {
            let next = if english.is_none() {
                self.mark_text_to_tag(html, pos, &mut out)
            } else {
                find_byte(&html[pos..], b'<').map(|f| pos + f)
            };
            let Some(lt) = next else {
                // (the text after the last tag is searched even inside an English element)
                if english.is_some() {
                    self.mark_text(&html[pos..], pos, &mut out);
                }
                break;
            };
            let gt = find_byte(&html[lt..], b'>').map_or(html.len(), |g| lt + g + 1);
            // (a ` lang="en"` is inside the tag when it starts there: it has no `>`)
            let lang_en = || {
                while langs.get(next_lang).is_some_and(|&at| at < lt) {
                    next_lang += 1;
                }
                langs.get(next_lang).is_some_and(|&at| at < gt)
            };
            pos = self.after_tag(html, lt..gt, &mut english, lang_en, &mut out);
        }
        out.apply(html)
    }

    /// The walk of [`ScreenText::mark`] at the tag `html[tag]`: the English element it opens
    /// or closes (`lang_en` says whether it has ` lang="en"`, asked only of a tag that could
    /// open one), `lang="en"` on a `<strong>` or `<li>` whose whole text is a screen text, and
    /// script and style content skipped. Gives where the walk goes on.
    fn after_tag<'h>(
        &self,
        html: &'h str,
        tag: std::ops::Range<usize>,
        english: &mut Option<(&'h str, usize)>,
        lang_en: impl FnOnce() -> bool,
        out: &mut Edits,
    ) -> usize {
        let gt = tag.end;
        let tag = &html[tag];
        let mut pos = gt;
        let closing = tag.starts_with("</");
        let name_at = if closing { 2 } else { 1 };
        let after = tag.as_bytes().get(name_at..).unwrap_or_default();
        let name_len = (after.iter())
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        let name = tag.get(name_at..name_at + name_len).unwrap_or_default();
        match english.as_mut() {
            Some((n, depth)) if *n == name => {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        *english = None;
                    }
                } else if !tag.ends_with("/>") {
                    *depth += 1;
                }
            }
            Some(_) => {}
            None if !closing && !VOID.contains(&name) && lang_en() => {
                *english = Some((name, 1));
            }
            None => {}
        }
        // (`tag` is `<name>` exactly: compared without making that text for every tag)
        if english.is_none() && !closing && tag.len() == name.len() + 2 && tag.ends_with('>') {
            if let Some(text) = self.whole_text(name, &html[pos..]) {
                out.insert(gt - 1, " lang=\"en\"");
                pos += text.len();
            }
        }
        // script and style content is not text
        if !closing && (name == "script" || name == "style") {
            let closer = if name == "script" {
                "</script>"
            } else {
                "</style>"
            };
            pos += find(&html[pos..], closer).unwrap_or(html.len() - pos);
        }
        pos
    }

    /// Marks the quotes of screen text in the text from byte `pos` of `html` to the next tag,
    /// as [`ScreenText::mark_text`] does, and gives where that tag starts (`None`: the text
    /// runs to the end of the page).
    fn mark_text_to_tag(&self, html: &str, pos: usize, out: &mut Edits) -> Option<usize> {
        let bytes = html.as_bytes();
        let mut at = pos;
        loop {
            let open = at + memchr::memchr3(b'<', b'"', b'(', &bytes[at..])?;
            if bytes[open] == b'<' {
                return Some(open);
            }
            let close = if bytes[open] == b'"' { b'"' } else { b')' };
            let found = open + 1 + memchr::memchr2(close, b'<', &bytes[open + 1..])?;
            if bytes[found] == b'<' {
                // a quote not closed before the tag: the rest of this text is not searched
                return Some(found);
            }
            let end = found + 1;
            if self.quotes(&unescape(&html[open + 1..found])) {
                out.insert(open, "<span lang=\"en\">");
                out.insert(end, "</span>");
                at = end;
            } else {
                at = open + 1;
            }
        }
    }

    /// The text after `<name>` when `name` is one of [`ELEMENTS`], the element holds only
    /// text, and that text is a screen text.
    fn whole_text<'h>(&self, name: &str, after: &'h str) -> Option<&'h str> {
        let close = ELEMENTS.iter().find(|(n, _)| *n == name)?.1;
        let text = &after[..find_byte(after, b'<')?];
        (after[text.len()..].starts_with(close) && self.contains(text)).then_some(text)
    }
}

impl ScreenText {
    /// [`ScreenText::mark`] as it was written first: each text between two tags searched
    /// twice (for the next tag, then for quotes), each tag's `=`s looked at for `lang="en"`.
    /// The reference of the tests.
    #[cfg(test)]
    fn mark_tag_by_tag<'h>(&self, html: &'h str) -> Cow<'h, str> {
        let mut out = Edits::default();
        // The element marked `lang="en"` that the text is in: its name and how many elements
        // of that name are open inside it.
        let mut english: Option<(&str, usize)> = None;
        // (byte offsets: `<`, `>` and the names' ASCII letters are whole characters)
        let mut pos = 0;
        while let Some(found) = find_byte(&html[pos..], b'<') {
            let lt = pos + found;
            if english.is_none() {
                self.mark_text(&html[pos..lt], pos, &mut out);
            }
            let gt = find_byte(&html[lt..], b'>').map_or(html.len(), |g| lt + g + 1);
            let lang_en = || has_lang_en(&html.as_bytes()[lt..gt]);
            pos = self.after_tag(html, lt..gt, &mut english, lang_en, &mut out);
        }
        self.mark_text(&html[pos..], pos, &mut out);
        out.apply(html)
    }
}

/// What makes an element English: [`ScreenText::mark`] looks for it once per page.
const LANG_EN: &[u8] = b" lang=\"en\"";

/// Whether a tag has ` lang="en"` in it, looked for at each `=` of the tag
/// ([`ScreenText::mark_tag_by_tag`]'s test).
#[cfg(test)]
fn has_lang_en(tag: &[u8]) -> bool {
    memchr::memchr_iter(b'=', tag)
        .any(|i| tag[..i].ends_with(b" lang") && tag[i + 1..].starts_with(b"\"en\""))
}

/// Elements without content.
const VOID: &[&str] = &[
    "img", "input", "br", "hr", "meta", "link", "source", "wbr", "area",
];

impl ScreenText {
    /// Marks the quotes of screen text in one text run (HTML-escaped, no tag) that starts at
    /// byte `base` of the page.
    fn mark_text(&self, text: &str, base: usize, out: &mut Edits) {
        let bytes = text.as_bytes();
        let mut at = 0;
        // (a byte search: both are ASCII)
        while let Some(found) = memchr::memchr2(b'"', b'(', &bytes[at..]) {
            let open = at + found;
            let close = if bytes[open] == b'"' { b'"' } else { b')' };
            let Some(len) = find_byte(&text[open + 1..], close) else {
                break;
            };
            let end = open + 1 + len + 1;
            if self.quotes(&unescape(&text[open + 1..end - 1])) {
                out.insert(base + open, "<span lang=\"en\">");
                out.insert(base + end, "</span>");
                at = end;
            } else {
                at = open + 1;
            }
        }
    }
}

/// A text as compared: entities decoded, spaces collapsed, and without the decoration that a
/// screen adds or a guide leaves out (a label's `:` or `*`, a button's arrows, `Next >`).
fn key(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    joined
        .trim_start_matches(decoration)
        .trim_end_matches(decoration)
        .to_string()
}

/// What [`key`] takes off a text's ends: spaces and a screen's decoration.
fn decoration(c: char) -> bool {
    matches!(c, ':' | '.' | '*' | '>' | '←' | '→') || c.is_whitespace()
}

/// The runs of letters and digits of `text`, each with its byte offset.
fn runs_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            chars.next();
        }
        Some((start, &text[start..end]))
    })
}

/// The runs of letters and digits of `text`.
fn alphanumeric_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The text of HTML without tags: the five entities the page escapes decoded.
fn unescape(html: &str) -> std::borrow::Cow<'_, str> {
    if !html.contains('&') {
        return std::borrow::Cow::Borrowed(html);
    }
    std::borrow::Cow::Owned(
        html.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_en_is_found_as_a_substring_search_finds_it() {
        let finder = memchr::memmem::Finder::new(" lang=\"en\"");
        for tag in [
            "<span lang=\"en\">",
            "<p class=\"x\" lang=\"en\">",
            "<p lang=\"de\">",
            "<p xml:lang=\"en\">",
            "<p data-lang=\"en\">",
            "<p lang=\"en-GB\">",
            "<p lang=en>",
            "<p title=\"a=b\" lang=\"en\"/>",
            "<p lang=\"en\"",
            "<p lang=",
            "= lang=\"en\"",
            "<a href=\"x?lang=en\">",
            "<p>",
        ] {
            let expected = finder.find(tag.as_bytes()).is_some();
            assert_eq!(has_lang_en(tag.as_bytes()), expected, "{tag}");
        }
    }

    fn screen(texts: &[&str]) -> ScreenText {
        let mut st = ScreenText::default();
        for t in texts {
            st.add(t);
        }
        st
    }

    #[test]
    fn quoted_labels_get_lang_en_and_german_words_do_not() {
        let st = screen(&[
            "Create an account",
            "Next",
            "Help & Support",
            "*Organisations",
        ]);
        let html = "<p>Klicken Sie auf <strong>Create an account</strong> (Konto erstellen), \
                    dann <strong>Next &gt;</strong>. <strong>Wichtig:</strong> <strong>Help &amp; Support</strong>, \
                    <strong>Organisations</strong> <strong>Next <em>x</em></strong></p><ul><li>Next</li><li>Weiter</li></ul>";
        assert_eq!(
            st.mark(html),
            "<p>Klicken Sie auf <strong lang=\"en\">Create an account</strong> (Konto erstellen), \
             dann <strong lang=\"en\">Next &gt;</strong>. <strong>Wichtig:</strong> <strong lang=\"en\">Help &amp; Support</strong>, \
             <strong lang=\"en\">Organisations</strong> <strong>Next <em>x</em></strong></p><ul><li lang=\"en\">Next</li><li>Weiter</li></ul>"
        );
        assert_eq!(st.mark("<p>nichts</p>"), "<p>nichts</p>");
    }

    #[test]
    fn runs_have_their_offsets() {
        let runs: Vec<(usize, &str)> = runs_at("(ERN-RND) – Ärzte 2").collect();
        assert_eq!(runs, [(1, "ERN"), (5, "RND"), (14, "Ärzte"), (21, "2")]);
        assert_eq!(runs_at(" - ").count(), 0);
    }

    #[test]
    fn a_quote_is_found_wherever_its_first_word_is_in_the_corpus() {
        let st = screen(&["Log in", "Log in to EU Login now", "an EU Login account"]);
        assert!(st.in_corpus("EU Login account"));
        assert!(st.in_corpus("in to EU"));
        assert!(st.in_corpus("Log in"));
        assert!(!st.in_corpus("U Login"), "whole words only");
        assert!(!st.in_corpus("Login accounts"));
        assert!(
            st.in_corpus("now an"),
            "adjacent texts read as one sentence"
        );
    }

    #[test]
    fn quotes_of_screen_sentences_get_lang_en() {
        let st = screen(&[
            "here",
            "To access this system, you need an EU Login account.",
            "ERN-RND - Neurological Diseases",
            "Click",
            "to create one, if needed",
        ]);
        let html = "<p>Die Seite sagt (\"To access this system, you need an EU Login account. Click here\") \
                    und \"Sie brauchen ein Konto\" (Konto erstellen) für ERN-RND (ERN-RND - Neurological Diseases) \
                    \"need an EU\" \"ccess this system\" \"Click here\" \"to create one, in Italia\"</p><script>let a = \"here\";</script>\
                    <div lang=\"en\"><div><p>(To access this system,)</p></div><p><strong>Click</strong></p></div><p><strong>Click</strong></p>";
        assert_eq!(
            st.mark(html),
            "<p>Die Seite sagt (<span lang=\"en\">\"To access this system, you need an EU Login account. Click here\"</span>) \
             und \"Sie brauchen ein Konto\" (Konto erstellen) für ERN-RND <span lang=\"en\">(ERN-RND - Neurological Diseases)</span> \
             <span lang=\"en\">\"need an EU\"</span> \"ccess this system\" \"Click here\" \"to create one, in Italia\"</p><script>let a = \"here\";</script>\
             <div lang=\"en\"><div><p>(To access this system,)</p></div><p><strong>Click</strong></p></div><p><strong lang=\"en\">Click</strong></p>"
        );
    }

    #[test]
    fn one_walk_marks_what_the_tag_by_tag_walk_marked() {
        // Pages made of pieces that each take a branch of the walk: tags (English, void,
        // self-closing, unclosed, script and style), whole screen texts, quotes closed and
        // not, entities, at random (a fixed-seed generator: the same pages every run).
        let st = screen(&[
            "Create an account",
            "Next",
            "Log in to EU Login now",
            "Help & Support",
        ]);
        const PIECES: &[&str] = &[
            "<p>",
            "</p>",
            "<strong>",
            "</strong>",
            "<li>",
            "</li>",
            "<ul>",
            "</ul>",
            "<div lang=\"en\">",
            "</div>",
            "<div>",
            "<span lang=\"en\">",
            "</span>",
            "<img lang=\"en\" src=\"x\">",
            "<br/>",
            "<div lang=\"en\"/>",
            "<p lang=\"de\">",
            "<a href=\"x\" title=\"(Next)\" lang=\"en\">",
            "</a>",
            "<script>",
            "</script>",
            "<style>",
            "</style>",
            "<",
            ">",
            "\"",
            "(",
            ")",
            "Create an account",
            "Next",
            "Log in to EU Login now",
            "in to EU",
            "Help &amp; Support",
            "&quot;",
            " ",
            "\n",
            "Konto erstellen",
            "Weiter",
            " lang=\"en\"",
            "= ",
            "x",
            "<strong>Next</strong>",
            "<li>Create an account</li>",
            "<strong>Weiter</strong>",
            "\"Log in to EU Login now\"",
            "(in to EU Login)",
            "<li>Help &amp; Support:</li>",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut marked = 0;
        for _ in 0..20_000 {
            let len = next(40);
            let html: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            let (new, old) = (st.mark(&html), st.mark_tag_by_tag(&html));
            assert_eq!(new, old, "{html}");
            marked += usize::from(matches!(new, Cow::Owned(_)));
        }
        // (the pages do take the marking branches)
        assert!(marked > 5_000, "{marked}");
    }
}
