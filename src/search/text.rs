//! The text of rendered pages for the search index: a page's content and title, its sections
//! (split at the `##` headings), their plain text and the English inside them (bold screen
//! labels, untranslated blocks), and folding (lower case, accents removed).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use crate::html::{find, find_byte};
use crate::i18n::units::{UNTRANSLATED_END, UNTRANSLATED_START};

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

/// Plain text of an HTML fragment: tags dropped, entities decoded. Also returns the text of
/// `<strong>` elements and of untranslated (English) blocks, which is indexed as English too.
pub fn html_text(html: &str) -> (String, String) {
    let mut text = String::with_capacity(html.len());
    let mut english = String::new();
    let mut strong = 0usize;
    let mut untranslated = 0usize;
    let mut open_spans = 0usize;
    let mut english_spans = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = find_byte(after, b'>').map_or(after.len(), |e| e + 1);
            let tag = &after[..end.saturating_sub(1)];
            let bare = tag.trim_start_matches('/');
            let name = &bare[..bare.bytes().take_while(u8::is_ascii_alphanumeric).count()];
            let is = |n: &str| name.eq_ignore_ascii_case(n);
            if is("strong") || is("b") {
                if tag.starts_with('/') {
                    strong = strong.saturating_sub(1);
                } else {
                    strong += 1;
                }
            } else if is("span") {
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
            } else if is("small") && tag.contains("eg-untranslated-mark") {
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
        let next = find_byte(rest, b'<').unwrap_or(rest.len());
        let chunk = &rest[..next];
        rest = &rest[next..];
        let decoded = decode_entities(chunk);
        if !decoded.contains([UNTRANSLATED_START, UNTRANSLATED_END]) {
            text.push_str(&decoded);
            if strong > 0 || untranslated > 0 {
                english.push_str(&decoded);
            }
            continue;
        }
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

fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = find_byte(rest, b'&') {
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
    Cow::Owned(out)
}

/// One section of a page: the text under a `##` heading (or before the first one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Empty for the page's top.
    pub anchor: String,
    pub heading: String,
    /// The plain text, the heading's words included.
    pub text: String,
    /// The English inside it (see [`html_text`]).
    pub english: String,
}

/// Splits a page's content HTML at its top-level headings with an id: `<h2 id="...">`, or
/// `<h3 id="...">` where the page's `##` sub-steps are `h3` (under the page's `h1` and the
/// theme's own `h2`s). A top without text is left out.
pub fn sections(html: &str) -> Vec<Section> {
    let level = if html.contains("<h2 id=\"") { "2" } else { "3" };
    let open = format!("<h{level} id=\"");
    let close_tag = format!("</h{level}>");
    let mut out = Vec::new();
    let mut rest = html;
    let mut anchor = String::new();
    let mut heading = String::new();
    let mut body = String::new();
    let mut finish = |anchor: String, heading: String, body: &str| {
        let (text, english) = html_text(body);
        if !anchor.is_empty() || !text.trim().is_empty() {
            out.push(Section {
                anchor,
                heading,
                text,
                english,
            });
        }
    };
    while let Some(i) = find(rest, &open) {
        let after = &rest[i + open.len()..];
        let Some(q) = find_byte(after, b'"') else {
            break;
        };
        let Some(close) = find(after, &close_tag) else {
            break;
        };
        body.push_str(&rest[..i]);
        let inner_start = after[..close].find('>').map_or(close, |g| g + 1);
        let (heading_text, _) = html_text(&after[inner_start..close]);
        finish(
            std::mem::replace(&mut anchor, decode_entities(&after[..q]).into_owned()),
            std::mem::replace(
                &mut heading,
                heading_text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            &body,
        );
        body.clear();
        // The heading's words belong to its section.
        body.push_str(&after[inner_start..close]);
        body.push(' ');
        rest = &after[close + close_tag.len()..];
    }
    body.push_str(rest);
    finish(anchor, heading, &body);
    out
}

/// The content of a rendered guide or step page: the inside of its `<div class="eg-prose">`
/// (nested `div`s included), and its `<h1>` text.
pub fn page_content(html: &str) -> Option<(String, &str)> {
    let start = find(html, "<div class=\"eg-prose\">")? + "<div class=\"eg-prose\">".len();
    let mut depth = 1usize;
    let mut at = start;
    let end = loop {
        let next_open = find(&html[at..], "<div").map(|i| at + i);
        let next_close = find(&html[at..], "</div>").map(|i| at + i)?;
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
    fn splits_sections_and_finds_english_labels() {
        let html = "<p>Intro &amp; more</p>\n<h2 id=\"open-the-form\">Formular <em>öffnen</em></h2>\n<p>Klicken Sie auf <strong>Manage my mobile devices</strong>.</p>\n<h2 id=\"x\">Zwei</h2><p>b</p>";
        let s = sections(html);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].text.trim(), "Intro & more");
        assert_eq!(s[1].anchor, "open-the-form");
        assert_eq!(s[1].heading, "Formular öffnen");
        assert!(s[1].text.contains("Klicken Sie auf"), "{}", s[1].text);
        assert!(s[1].text.contains("öffnen"), "{}", s[1].text);
        assert_eq!(s[1].english.trim(), "Manage my mobile devices");
        // A top without text is left out; a heading without its end ends the splitting.
        let s = sections("\n<h2 id=\"a\">A</h2><p>x</p><h2 id=\"b\">B");
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].anchor, "a");
        assert!(s[0].text.contains('x') && s[0].text.contains('B'), "{s:?}");
    }
}
