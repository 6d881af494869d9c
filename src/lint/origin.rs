//! Where something on a built page came from when no line of Markdown wrote it (the pages'
//! Markdown links and words are traced by the render; a theme's template writes the rest, and
//! minijinja does not map its output to template lines): a value of the site's data that the
//! page shows, at its own line (`content::positions::data_texts`), else a literal of the
//! theme's templates when exactly one template line has it. Read on the error path only, once
//! per lint run; nothing is guessed: when neither is certain the caller says line 0.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::content::positions::{data_texts, DataText};
use crate::content::Library;

/// A place: file and 1-based line.
pub(crate) type Place = (PathBuf, usize);

/// The data and template texts of a site, read when first asked for.
pub(crate) struct Origins<'l> {
    lib: &'l Library,
    data: OnceLock<Vec<DataText>>,
    templates: OnceLock<Vec<(PathBuf, String)>>,
    /// The templates' text as readers see it (Jinja and HTML tags blanked, lines kept).
    template_texts: OnceLock<Vec<(PathBuf, String)>>,
    /// Each language's catalogs with only their translations kept (lines kept), read when
    /// a page in that language is first looked at.
    translations: Mutex<HashMap<String, Arc<Vec<(PathBuf, String)>>>>,
}

impl<'l> Origins<'l> {
    pub fn new(lib: &'l Library) -> Origins<'l> {
        Origins {
            lib,
            data: OnceLock::new(),
            templates: OnceLock::new(),
            template_texts: OnceLock::new(),
            translations: Mutex::new(HashMap::new()),
        }
    }

    pub fn lib(&self) -> &'l Library {
        self.lib
    }

    fn data(&self) -> &[DataText] {
        self.data.get_or_init(|| data_texts(self.lib))
    }

    /// The first data value that is `value` (ASCII case ignored, as in addresses), at its line.
    pub fn value(&self, value: &str) -> Option<Place> {
        let value = value.trim();
        self.data()
            .iter()
            .find(|d| d.text.trim().eq_ignore_ascii_case(value))
            .map(|d| (d.file.clone(), d.line))
    }

    /// The data value with the internal word `word` (its `has_word`) whose whole text the page
    /// shows (its words in order in `shown`, the page's visible text), with more words than
    /// `word` (a value that is only the word, such as an id, says nothing of where the page got
    /// it); the one with the most words when several are shown, the first of those.
    pub fn shown_value(
        &self,
        shown: &str,
        word: &str,
        has_word: impl Fn(&str) -> bool,
    ) -> Option<Place> {
        let page = words(&crate::html::unescape(shown));
        let least = words(word).len() + 1;
        let mut best: Option<(usize, &DataText)> = None;
        for d in self.data().iter().filter(|d| has_word(&d.text)) {
            let value = words(&d.text);
            let n = value.len();
            if n >= least
                && best.is_none_or(|(m, _)| n > m)
                && page.windows(n).any(|w| w == value.as_slice())
            {
                best = Some((n, d));
            }
        }
        best.map(|(_, d)| (d.file.clone(), d.line))
    }

    /// The one line of the theme's templates (the site's own, else the built-in ones) that
    /// has `literal` outside Jinja comments; `None` when no line or several lines have it.
    pub fn template_literal(&self, literal: &str) -> Option<Place> {
        if literal.is_empty() {
            return None;
        }
        only_line(self.templates(), |l| l.contains(literal))
    }

    /// The one line of the theme's templates whose text, as readers see it (outside Jinja's
    /// `{{ }}` and `{% %}`, outside HTML tags and comments), `has_word` accepts (an internal
    /// word written literally in a template); `None` when no line or several lines do.
    pub fn template_word(&self, has_word: impl Fn(&str) -> bool) -> Option<Place> {
        let texts = self.template_texts.get_or_init(|| {
            self.templates()
                .iter()
                .map(|(file, text)| (file.clone(), blanked(text, TEMPLATE_MARKUP)))
                .collect()
        });
        only_line(texts, has_word)
    }

    /// The one translated line of `lang`'s catalogs (the theme's `i18n/<lang>.po`, then the
    /// site's) that `has_word` accepts: a `msgstr` line or a quoted line continuing one (a
    /// translation that a page in `lang` shows); `None` when no line or several lines do.
    pub fn translation(&self, lang: &str, has_word: impl Fn(&str) -> bool) -> Option<Place> {
        // (a poisoned lock still holds whole entries: each is inserted complete)
        let mut cache = (self.translations.lock()).unwrap_or_else(|e| e.into_inner());
        let texts = cache
            .entry(lang.to_string())
            .or_insert_with(|| Arc::new(self.read_translations(lang)))
            .clone();
        drop(cache);
        only_line(&texts, has_word)
    }

    /// `lang`'s catalogs (the theme's `i18n/<lang>.po`, then the site's), each with only its
    /// translations kept on their lines.
    fn read_translations(&self, lang: &str) -> Vec<(PathBuf, String)> {
        let rel = format!("{}/{lang}.po", crate::i18n::CATALOG_DIR);
        let theme = crate::theme::Theme::new(&self.lib.site_dir, &self.lib.config.theme);
        let mut texts = Vec::new();
        if let Ok(Some((bytes, origin))) = theme.get(&rel) {
            texts.push((
                PathBuf::from(origin),
                msgstr_lines(&String::from_utf8_lossy(&bytes)),
            ));
        }
        let site_po = self.lib.site_dir.join(&rel);
        if let Ok(text) = std::fs::read_to_string(&site_po) {
            texts.push((site_po, msgstr_lines(&text)));
        }
        texts
    }

    /// Each template of the theme with its Jinja comments blanked out (lines kept).
    fn templates(&self) -> &[(PathBuf, String)] {
        self.templates.get_or_init(|| {
            let theme = crate::theme::Theme::new(&self.lib.site_dir, &self.lib.config.theme);
            let own = self
                .lib
                .site_dir
                .join("themes")
                .join(&self.lib.config.theme)
                .join("templates");
            let mut names: Vec<String> = crate::theme::embedded_files()
                .iter()
                .filter(|(p, _)| p.starts_with("templates/"))
                .map(|(p, _)| p.to_string())
                .chain(
                    crate::input::walk_files(&own)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(_, rel)| format!("templates/{rel}")),
                )
                .collect();
            names.sort();
            names.dedup();
            names
                .iter()
                .filter_map(|rel| {
                    let (bytes, origin) = theme.get(rel).ok()??;
                    Some((
                        PathBuf::from(origin),
                        blanked(&String::from_utf8_lossy(&bytes), JINJA_COMMENTS),
                    ))
                })
                .collect()
        })
    }
}

/// The place of the one line of `texts` that `wanted` accepts; `None` when none or several do.
fn only_line(texts: &[(PathBuf, String)], wanted: impl Fn(&str) -> bool) -> Option<Place> {
    let mut found = texts.iter().flat_map(|(file, text)| {
        text.lines()
            .enumerate()
            .filter(|(_, l)| wanted(l))
            .map(|(i, _)| (file.clone(), i + 1))
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The PO file `po` with every line blanked that is not a translation (a `msgstr` line or a
/// quoted line continuing one), lines kept.
fn msgstr_lines(po: &str) -> String {
    let mut in_msgstr = false;
    let mut out = String::with_capacity(po.len());
    for line in po.lines() {
        let l = line.trim_start();
        if !l.starts_with('"') {
            in_msgstr = l.starts_with("msgstr");
        }
        if in_msgstr {
            out.push_str(l.strip_prefix("msgstr").unwrap_or(l));
        }
        out.push('\n');
    }
    out
}

/// Jinja comments: never shown.
const JINJA_COMMENTS: &[(&str, &str)] = &[("{#", "#}")];

/// What of a template (comments blanked already) readers never see as written, blanked in
/// this order: Jinja's `{{ }}` and `{% %}` (an expression shows its value, not its text),
/// HTML comments, `<script>` and `<style>` contents, tags with their attributes.
const TEMPLATE_MARKUP: &[(&str, &str)] = &[
    ("{{", "}}"),
    ("{%", "%}"),
    ("<!--", "-->"),
    ("<script", "</script>"),
    ("<style", "</style>"),
    ("<", ">"),
];

/// What of a built page readers never see as text: HTML comments, `<script>`, `<style>`
/// and `<template>` contents, tags with their attributes.
pub(crate) const PAGE_MARKUP: &[(&str, &str)] = &[
    ("<!--", "-->"),
    ("<script", "</script>"),
    ("<style", "</style>"),
    ("<template", "</template>"),
    ("<", ">"),
];

/// Jinja's comments, expressions and statements, as `(open, close)` pairs.
pub(crate) const JINJA: &[(&str, &str)] = &[("{#", "#}"), ("{{", "}}"), ("{%", "%}")];

/// `text` as readers see it: each span of `pairs` (one pair after the other, see [`spans`])
/// replaced by a space and the span's line breaks, so every line stays where it was.
pub(crate) fn blanked(text: &str, pairs: &[(&str, &str)]) -> String {
    let mut text = text.to_string();
    for &(open, close) in pairs {
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        for span in spans(&text, open, close) {
            out.push_str(&text[from..span.start]);
            out.push(' ');
            out.extend(text[span.clone()].chars().filter(|c| *c == '\n'));
            from = span.end;
        }
        out.push_str(&text[from..]);
        text = out;
    }
    text
}

/// The byte ranges of `text` from each `open` to the next `close` (both included; to the
/// end when no `close` follows), ASCII case ignored (`<SCRIPT` is `<script`).
pub(crate) fn spans(text: &str, open: &str, close: &str) -> Vec<Range<usize>> {
    // (ASCII lower case keeps every byte offset)
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(open) {
        let start = from + i;
        let end = lower[start + open.len()..]
            .find(close)
            .map_or(text.len(), |e| start + open.len() + e + close.len());
        found.push(start..end);
        from = end;
    }
    found
}

/// The words of `text` (as the search index splits them), lower case.
fn words(text: &str) -> Vec<String> {
    crate::search::words(text).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_blanked_and_lines_kept() {
        let t = "a {# x\ny #} b\nc {# z #}\n";
        assert_eq!(blanked(t, JINJA_COMMENTS), "a  \n b\nc  \n");
    }

    #[test]
    fn shown_text_keeps_only_what_readers_see_on_its_lines() {
        let t = "<p class=\"todo\">{{ todo }}\n{% if x > 1 %}Todo{% endif %}</p>\n\
                 <script>\nlet todo;\n</script><!-- todo -->done";
        let shown = blanked(t, TEMPLATE_MARKUP);
        assert_eq!(shown.lines().count(), t.lines().count());
        let with: Vec<usize> = shown
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("odo"))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(with, [1], "{shown:?}");
        assert!(shown.ends_with("done"));
    }

    #[test]
    fn spans_ignore_ascii_case_and_run_to_the_end_when_unclosed() {
        let t = "a<SCRIPT>x</Script>b<script>y";
        assert_eq!(spans(t, "<script", "</script>"), [1..19, 20..t.len()]);
        assert_eq!(blanked("é<B>é</b>", PAGE_MARKUP), "é é ");
    }

    #[test]
    fn only_translations_are_kept_on_their_lines() {
        let po = "# todo\nmsgctxt \"todo\"\nmsgid \"Todo\"\n\"todo\"\nmsgstr \"A\"\n\"todo\"\n\nmsgid \"b\"\nmsgstr \"todo\"\n";
        let kept = msgstr_lines(po);
        assert_eq!(kept.lines().count(), po.lines().count());
        let with: Vec<usize> = (kept.lines().enumerate())
            .filter(|(_, l)| l.contains("todo"))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(with, [6, 9], "{kept:?}");
    }

    #[test]
    fn words_in_lower_case() {
        assert_eq!(
            words("TODO: the seed-list, 2x"),
            ["todo", "the", "seed", "list", "2x"]
        );
    }
}
