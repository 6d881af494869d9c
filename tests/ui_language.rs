//! The theme speaks the reader's language (issue 14): every UI string of the page templates is
//! translated into German and Italian, the German and Italian pages of the bundled portal show
//! no English sentence outside an element marked `lang="en"` (made by a template, or English
//! data inside translated content), and the mock screens' labels quoted in translated text are
//! marked `lang="en"` (WCAG 3.1.2).

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::{repo_root, walk, TestSite};

/// The bundled portal, built once for this file's tests.
fn bundled() -> &'static TestSite {
    static SITE: OnceLock<TestSite> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = TestSite::bundled();
        site.build().success();
        site
    })
}

/// The literal ids of `t("...")` / `t('...')` calls in the theme's templates.
fn template_ids() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (rel, bytes) in walk(&repo_root().join("themes/default/templates")) {
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{rel} is not UTF-8"));
        let mut rest = text.as_str();
        while let Some(i) = rest.find("t(") {
            let before = rest[..i].chars().last();
            rest = &rest[i + 2..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let trimmed = rest.trim_start();
            let Some(quote) = trimmed.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let body = &trimmed[1..];
            let mut id = String::new();
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => id.extend(chars.next()),
                    c if c == quote => break,
                    c => id.push(c),
                }
            }
            ids.insert(id);
        }
    }
    ids
}

/// The msgids of context "ui" that a theme catalog translates (non-empty msgstr).
fn catalog_ids(lang: &str) -> BTreeSet<String> {
    let path = repo_root().join(format!("themes/default/i18n/{lang}.po"));
    let po = std::fs::read_to_string(&path).unwrap();
    let unquote = |line: &str| -> String {
        let s = line.trim();
        let s = &s[1..s.len() - 1];
        s.replace("\\\"", "\"").replace("\\\\", "\\")
    };
    let mut ids = BTreeSet::new();
    let mut id = None;
    for line in po.lines() {
        if let Some(rest) = line.strip_prefix("msgid ") {
            id = Some(unquote(rest));
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            if let Some(id) = id.take() {
                if !unquote(rest).is_empty() {
                    ids.insert(id);
                }
            }
        }
    }
    ids
}

#[test]
fn every_template_string_is_translated_into_german_and_italian() {
    let ids = template_ids();
    assert!(ids.len() > 100, "only {} t() calls found", ids.len());
    assert!(ids.contains("Print this guide"));
    for lang in ["de", "it"] {
        let have = catalog_ids(lang);
        let missing: Vec<&String> = ids.iter().filter(|id| !have.contains(*id)).collect();
        assert!(missing.is_empty(), "{lang}.po lacks: {missing:#?}");
    }
}

/// English function words: a text with two or more of them reads as an English sentence
/// (none is a German or Italian word).
const ENGLISH: &[&str] = &[
    "the", "and", "your", "this", "with", "you", "of", "to", "is", "not", "for", "page", "step",
    "slide", "slides", "guide", "print", "or", "at", "from", "can", "has", "on", "by",
];

/// Text of `html` outside `<script>`, `<style>`, code, elements marked `lang="en"` and, unless
/// `content`, the Markdown that translators translate (`eg-prose`, slide bodies and notes);
/// one string per text run.
fn page_text(html: &str, content: bool) -> Vec<String> {
    // (tag, skipped) per open element
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        let skipped = stack.last().is_some_and(|(_, s)| *s);
        if !skipped && !text.trim().is_empty() {
            out.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(at) = stack.iter().rposition(|(t, _)| *t == name) {
                stack.truncate(at);
            }
            continue;
        }
        let name: String = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "area"
                | "base"
                | "br"
                | "col"
                | "embed"
                | "hr"
                | "img"
                | "input"
                | "link"
                | "meta"
                | "source"
                | "track"
                | "wbr"
                | "path"
                | "rect"
                | "circle"
        ) {
            continue;
        }
        let skip = skipped
            || matches!(
                name.as_str(),
                "script" | "style" | "code" | "pre" | "kbd" | "svg"
            )
            || tag.contains("lang=\"en\"")
            || !content
                && [
                    "eg-prose",
                    "eg-slide-body",
                    "eg-slide-notes",
                    "eg-slide-lead",
                    "eg-figure",
                ]
                .iter()
                .any(|c| tag.contains(&format!("class=\"{c}")) || tag.contains(&format!(" {c}\"")));
        stack.push((name, skip));
    }
    out
}

/// English quoted in translated text that nothing marks yet: the title of a video that the real
/// CPMS login page links to, which no mock screen shows (so it is not screen text). Known and
/// reported; any other English text fails the scan.
const KNOWN_UNMARKED: &[&str] = &["\"Getting Set-Up and Logged In to CPMS\""];

fn english_words(text: &str) -> usize {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| ENGLISH.contains(&w.to_ascii_lowercase().as_str()))
        .count()
}

#[test]
fn german_and_italian_pages_show_no_english_text_outside_lang_en() {
    let site = bundled();
    for lang in ["de", "it"] {
        let mut pages = 0;
        let mut found = BTreeSet::new();
        for (rel, bytes) in walk(&site.out().join(lang)) {
            // the practice screens keep the real products' English labels (issue 14, item 2)
            if !rel.ends_with(".html") || rel.contains("sandbox/") {
                continue;
            }
            pages += 1;
            let html = String::from_utf8(bytes).unwrap();
            for text in page_text(&html, true) {
                if english_words(&text) >= 2
                    && !text.starts_with("http")
                    && !KNOWN_UNMARKED.iter().any(|k| text.contains(k))
                {
                    found.insert(format!("{lang}/{rel}: {text}"));
                }
            }
        }
        assert!(pages > 200, "{lang}: only {pages} pages");
        // one line per distinct text (the same template text repeats on many pages)
        let mut seen = BTreeSet::new();
        let distinct: Vec<&String> = found
            .iter()
            .filter(|f| seen.insert(f.split_once(": ").map(|(_, t)| t.to_string())))
            .collect();
        assert!(
            distinct.is_empty(),
            "English text outside lang=\"en\" on {lang} pages:\n{distinct:#?}"
        );
    }
}

#[test]
fn the_scan_finds_english_outside_lang_en() {
    let html = "<html lang=\"de\"><body><p>Print this guide now</p><p lang=\"en\">Print this guide</p>\
                <div class=\"eg-prose\"><p>The guide to the page</p></div><p>Diese Anleitung</p></body></html>";
    let texts = page_text(html, false);
    let english: Vec<&String> = texts.iter().filter(|t| english_words(t) >= 2).collect();
    assert_eq!(english, vec!["Print this guide now"]);
    // with the content: a profile's description after a label, not marked English
    let html = "<div class=\"eg-prose\"><ul><li><strong lang=\"en\">HP</strong>: healthcare professional available to participate in or lead panels</li>\
                <li><strong lang=\"en\">Researcher</strong>: <span lang=\"en\">can create or consult queries</span></li></ul></div>";
    let texts = page_text(html, true);
    let english: Vec<&String> = texts.iter().filter(|t| english_words(t) >= 2).collect();
    assert_eq!(
        english,
        vec![": healthcare professional available to participate in or lead panels"]
    );
}

/// The `<strong>` elements of `html` with their attributes and text (no nested tags).
fn bold(html: &str) -> Vec<(String, String)> {
    html.split("<strong")
        .skip(1)
        .filter_map(|s| {
            let (attrs, rest) = s.split_once('>')?;
            let text = rest.split_once("</strong>")?.0;
            (!text.contains('<')).then(|| (attrs.to_string(), text.to_string()))
        })
        .collect()
}

#[test]
fn quoted_screen_labels_are_english_and_german_words_are_not() {
    let site = bundled();
    let de = site.read("de/paedcan/request-access/index.html");
    let b = bold(&de);
    for label in [
        "Request access",
        "Step 3 : select an access profile",
        "HP",
        "Italy",
    ] {
        assert!(
            b.contains(&(" lang=\"en\"".into(), label.into())),
            "{label} in bold without lang=\"en\": {b:?}"
        );
    }
    assert!(
        b.contains(&(String::new(), "Versuchen Sie zuerst CPMS 2.0.".into())),
        "{b:?}"
    );
    assert!(b
        .iter()
        .all(|(a, t)| a.is_empty() || !t.starts_with("Sie ")));
    // a profile's description (screen text inside a translated list item)
    assert!(de.contains(
        "<strong lang=\"en\">HP</strong>: <span lang=\"en\">healthcare professional available to participate in or lead panels</span>"
    ));
    // a verification method's description quoted in a German sentence
    let signin = site.read("de/paedcan/first-login/index.html");
    assert!(signin.contains(
        "<span lang=\"en\">Generate a one-time-password with the EU Login Mobile app.</span>"
    ));
    // the screen texts come from the flow and the data: a network's thematic areas, a
    // screen's sentence quoted; the e-mail languages are each in their own language
    let focus = site.read("de/paedcan-cpms2/clinical-focus/index.html");
    assert!(
        focus.contains("<li lang=\"en\">Solid Tumour</li>"),
        "thematic area"
    );
    assert!(focus.contains(
        "<span lang=\"en\">\"Please enter some information about yourself and your areas of expertise.\"</span>"
    ));
    let create = site.read("de/paedcan/create-eu-login/index.html");
    let b = bold(&create);
    assert!(b.contains(&(String::new(), "Deutsch (de)".into())), "{b:?}");
    assert!(
        b.contains(&(" lang=\"en\"".into(), "Proceed".into())),
        "{b:?}"
    );
    // English pages carry neither the attribute nor the markers
    let en = site.read("paedcan/request-access/index.html");
    assert!(
        en.contains("<strong>HP</strong>: healthcare professional"),
        "English page"
    );
    assert!(!en.contains('\u{2E22}') && !en.contains('\u{2E23}'));
}
