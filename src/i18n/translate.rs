//! Putting translations in: UI strings for templates, Markdown sources (before Jinja) with
//! their units translated or marked English, the sandbox flow, the reference data, and the
//! rendered HTML's untranslated markers and generated labels.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use super::messages::sandbox_texts;
use super::screen_text::{ENGLISH_END, ENGLISH_START};
use super::units::{self, Rendering, UNTRANSLATED_END, UNTRANSLATED_START};
use super::{include_names, Catalog, Share, DATA_CTX, SANDBOX_CTX, UI_CTX};
use crate::html::{contains, Edits};

/// A UI string in the catalog's language (the English text if untranslated).
pub fn ui<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog.get(UI_CTX, id).unwrap_or(id)
}

/// The template function `t(msgid, name=value, ...)`: the UI string in the catalog's language,
/// HTML-escaped, `**bold**` as `<strong>`, then each `{name}` replaced by its value (escaped
/// unless the value is already safe HTML).
/// This is that HTML before its placeholders are filled ([`fill_placeholders`]): the same for
/// every call of a string, so the page templates keep it per string.
pub fn ui_template(catalog: &Catalog, id: &str) -> String {
    let text = ui(catalog, id);
    let escaped = crate::templates::html_escape(text);
    let mut html = String::with_capacity(escaped.len() + 16);
    let mut open = false;
    let mut rest = escaped.as_str();
    while let Some(i) = rest.find("**") {
        html.push_str(&rest[..i]);
        html.push_str(if open { "</strong>" } else { "<strong>" });
        open = !open;
        rest = &rest[i + 2..];
    }
    html.push_str(rest);
    if open {
        html.push_str("</strong>");
    }
    html
}

/// Each `{name}` of `html` (a [`ui_template`]) replaced by its value, escaped unless the value is
/// already safe HTML.
pub fn fill_placeholders(mut html: String, args: &[(&str, minijinja::Value)]) -> String {
    for (name, value) in args {
        let rendered = if value.is_safe() {
            value.to_string()
        } else {
            crate::templates::html_escape(&value.to_string())
        };
        html = html.replace(&format!("{{{name}}}"), &rendered);
    }
    html
}

/// The hidden text of a figure's link to its full-size image (`images/html.rs`).
pub const FULL_SIZE: &str = "open the full-size image";

/// Puts the generator's own English labels of rendered Markdown (admonition titles, the table
/// region, the figures' full-size links) into the catalog's language: the changes, into `edits`
/// (the render step makes them in one copy with the other changes of a translated page).
pub(crate) fn markdown_label_edits(html: &str, catalog: &Catalog, edits: &mut Edits) {
    // One search for the admonitions' titles (not one per label): this runs on every page
    // of every other language.
    const TITLE: &str = "<p class=\"admonition-title\">";
    for at in memchr::memmem::find_iter(html.as_bytes(), TITLE) {
        let (before, after) = (&html[..at], &html[at + TITLE.len()..]);
        let label = ["Note", "Tip", "Important", "Warning", "Caution"]
            .into_iter()
            .find(|l| {
                after.strip_prefix(l).is_some_and(|a| a.starts_with("</p>"))
                    && (before.strip_suffix("\">"))
                        .and_then(|b| b.strip_suffix(l))
                        .is_some_and(|b| b.ends_with("aria-label=\""))
            });
        let Some(label) = label else {
            continue;
        };
        let t = ui(catalog, label);
        if t != label {
            let t = crate::templates::html_escape(t);
            // (the length of `aria-label="{label}">`)
            let start = at - ("aria-label=\"".len() + label.len() + "\">".len());
            let end = at + TITLE.len() + label.len() + "</p>".len();
            let to = format!("aria-label=\"{t}\"><p class=\"admonition-title\">{t}</p>");
            edits.replace(start, end - start, to);
        }
    }
    let t = ui(catalog, FULL_SIZE);
    if t != FULL_SIZE && contains(html, "<span class=\"eg-vh\"> (") {
        let t = crate::templates::html_escape(t);
        edits.replace_all(
            html,
            &format!("<span class=\"eg-vh\"> ({FULL_SIZE})</span>"),
            format!("<span class=\"eg-vh\"> ({t})</span>"),
        );
    }
    let t = ui(catalog, "Table");
    if t != "Table" {
        edits.replace_all(
            html,
            "role=\"region\" aria-label=\"Table\"",
            format!(
                "role=\"region\" aria-label=\"{}\"",
                crate::templates::html_escape(t)
            ),
        );
    }
}

/// The sandbox flow with its guidance texts translated (others unchanged).
pub fn translate_sandbox(flow: &Json, catalog: &Catalog) -> Json {
    let mut out = flow.clone();
    let tr = |v: &mut Json| {
        if let Some(s) = v.as_str() {
            if let Some(t) = catalog.get(SANDBOX_CTX, s) {
                *v = Json::String(t.to_string());
            }
        }
    };
    for (path, _) in sandbox_texts(flow) {
        let mut cur = Some(&mut out);
        let parts: Vec<&str> = path.split('.').collect();
        // hints keys contain '/', never '.'; scenario ids select an array element.
        let mut i = 0;
        while i < parts.len() {
            let part = parts[i];
            cur = match cur {
                Some(Json::Array(items)) => {
                    if i > 0 && parts[i - 1] == "scenarios" {
                        items
                            .iter_mut()
                            .find(|s| s.get("id").and_then(Json::as_str) == Some(part))
                    } else {
                        part.parse::<usize>().ok().and_then(|n| items.get_mut(n))
                    }
                }
                Some(Json::Object(map)) => map.get_mut(part),
                _ => None,
            };
            i += 1;
        }
        if let Some(v) = cur {
            tr(v);
        }
    }
    out
}

/// The reference data with its prose texts in the catalog's language.
pub(crate) fn translate_data(
    data: &crate::content::Data,
    catalog: &Catalog,
) -> crate::content::Data {
    let mut d = data.clone();
    let tr = |s: &mut String| {
        if let Some(t) = catalog.get(DATA_CTX, s) {
            *s = t.to_string();
        }
    };
    for f in &mut d.facts {
        tr(&mut f.text);
    }
    // A method's note is the portal's advice; its label and description are EU Login's own
    // screen texts and stay English.
    for m in &mut d.eu_login.methods {
        tr(&mut m.note);
    }
    for l in &mut d.links {
        tr(&mut l.title);
        tr(&mut l.description);
    }
    d
}

/// A network with its wording and approval time in the catalog's language.
pub(crate) fn translate_network(
    network: &crate::content::Network,
    catalog: &Catalog,
) -> crate::content::Network {
    let mut n = network.clone();
    for s in [&mut n.wording.two_factor, &mut n.approval_time] {
        if let Some(t) = catalog.get(DATA_CTX, s) {
            *s = t.to_string();
        }
    }
    n
}

/// Translates a Markdown source (before Jinja) whose units have context `ctx`: translated
/// units in the catalog's language, the others in English between the untranslated markers.
pub fn translate_markdown(catalog: &Catalog, ctx: &str, body: &str) -> String {
    translate_units(catalog, ctx, body, &units::units(body, 0))
}

/// [`translate_markdown`] with the units of `body` found already.
pub fn translate_units(catalog: &Catalog, ctx: &str, body: &str, us: &[units::Unit]) -> String {
    units::translate(body, us, |u| match catalog.get(ctx, &u.text) {
        Some(t) => Rendering::Translated(t),
        None => Rendering::English,
    })
}

/// The share of a Markdown source's units that `catalog` translates.
pub fn markdown_share(catalog: &Catalog, ctx: &str, body: &str) -> Share {
    units_share(catalog, ctx, &units::units(body, 0))
}

/// The share of `us` that `catalog` translates.
fn units_share(catalog: &Catalog, ctx: &str, us: &[units::Unit]) -> Share {
    Share {
        translated: us
            .iter()
            .filter(|u| catalog.get(ctx, &u.text).is_some())
            .count(),
        total: us.len(),
    }
}

/// The include-name prefix of the English copies of shared fragments (used by pages shown in
/// English because they are under the translation threshold).
pub const ENGLISH_INCLUDE_PREFIX: &str = "@en/";

/// A Markdown source whose `{% include "x" %}` point at the English copies (`@en/x`).
pub fn english_includes(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 16);
    let mut rest = body;
    while let Some(i) = rest.find("{%") {
        let after = &rest[i..];
        let end = after.find("%}").map_or(after.len(), |e| e + 2);
        let tag = &after[..end];
        out.push_str(&rest[..i]);
        let inner = tag[2..].trim_start_matches('-').trim_start();
        let quote = inner
            .strip_prefix("include")
            .map(str::trim_start)
            .filter(|a| a.starts_with(['"', '\'']))
            .and_then(|a| tag.find(a));
        match quote {
            Some(q) if !tag[q + 1..].starts_with(ENGLISH_INCLUDE_PREFIX) => {
                out.push_str(&tag[..q + 1]);
                out.push_str(ENGLISH_INCLUDE_PREFIX);
                out.push_str(&tag[q + 1..]);
            }
            _ => out.push_str(tag),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The share of a page's units that `catalog` translates: its own front-matter texts and
/// Markdown units, and those of the shared fragments it includes (recursively, each once).
/// `fragment(name)` gives a fragment's context and text.
/// A shared fragment's own share, and the fragments it includes (worked out once per
/// language, not once per page that includes it).
pub struct FragmentShare {
    pub share: Share,
    pub includes: Vec<String>,
}

impl FragmentShare {
    pub fn new(catalog: &Catalog, ctx: &str, text: &str) -> FragmentShare {
        FragmentShare {
            share: markdown_share(catalog, ctx, text),
            includes: include_names(text),
        }
    }
}

pub fn page_share<'f>(
    catalog: &Catalog,
    ctx: &str,
    front: &[&str],
    body: &str,
    body_units: &[units::Unit],
    fragment: &dyn Fn(&str) -> Option<&'f FragmentShare>,
) -> Share {
    let mut share = Share {
        translated: front
            .iter()
            .filter(|t| !t.trim().is_empty() && catalog.get(ctx, t).is_some())
            .count(),
        total: front.iter().filter(|t| !t.trim().is_empty()).count(),
    };
    share.add(units_share(catalog, ctx, body_units));
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = include_names(body);
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(f) = fragment(&name) {
            share.add(f.share);
            queue.extend(f.includes.iter().cloned());
        }
    }
    share
}

/// Whether `html` has one of the four markers that [`mark_untranslated`] turns into HTML: one
/// search for their common first two bytes (U+2E20 to U+2E23 are `E2 B8 A0` to `E2 B8 A3`).
fn has_marker(html: &str) -> bool {
    let bytes = html.as_bytes();
    memchr::memmem::find_iter(bytes, b"\xE2\xB8")
        .any(|i| matches!(bytes.get(i + 2), Some(0xA0..=0xA3)))
}

/// A front-matter text in the catalog's language (English if untranslated).
pub fn translate_text<'a>(catalog: &'a Catalog, ctx: &str, text: &'a str) -> &'a str {
    catalog.get(ctx, text).unwrap_or(text)
}

/// Turns the untranslated-block markers of rendered HTML into `<span lang="en">` with a small
/// marker saying so (`mark`: "not yet translated" in the page's language, already plain text).
/// Markers inside a tag (an attribute value such as a figure's `alt`) are dropped and the
/// element gets `lang="en"` instead. The English screen-text markers
/// ([`super::screen_text::ENGLISH_START`]) become `<span lang="en">` without the marker.
pub fn mark_untranslated<'h>(html: &'h str, mark: &str) -> std::borrow::Cow<'h, str> {
    if !has_marker(html) {
        return std::borrow::Cow::Borrowed(html);
    }
    let open = "<span lang=\"en\" class=\"eg-untranslated\">";
    let close = format!(
        "</span> <small class=\"eg-untranslated-mark\">({})</small>",
        crate::templates::html_escape(mark)
    );
    let bytes = html.as_bytes();
    // Only the markers are looked at (a page has few; the tags around them are found from
    // each marker), and the page is copied once.
    let mut removed = Vec::new();
    let mut tags = Vec::new();
    let mut edits = Edits::default();
    for at in memchr::memmem::find_iter(bytes, b"\xE2\xB8") {
        let Some(c) = html[at..].chars().next() else {
            continue;
        };
        // Inside a tag when the last `<` or `>` before the marker is a `<`.
        let tag = memchr::memrchr2(b'<', b'>', &bytes[..at]).filter(|&i| bytes[i] == b'<');
        match (c, tag) {
            (UNTRANSLATED_START | UNTRANSLATED_END | ENGLISH_START | ENGLISH_END, Some(start)) => {
                removed.push((at, c.len_utf8()));
                // the tag gets `lang="en"` after its name if a `>` closes it (before any `<`)
                let closed = memchr::memchr2(b'<', b'>', &bytes[at..])
                    .is_some_and(|i| bytes[at + i] == b'>');
                if closed && tags.last() != Some(&start) {
                    tags.push(start);
                }
            }
            (UNTRANSLATED_START, None) => edits.replace(at, c.len_utf8(), open),
            (UNTRANSLATED_END, None) => edits.replace(at, c.len_utf8(), close.clone()),
            (ENGLISH_START, None) => edits.replace(at, c.len_utf8(), "<span lang=\"en\">"),
            (ENGLISH_END, None) => edits.replace(at, c.len_utf8(), "</span>"),
            _ => {}
        }
    }
    // (an insertion at a dropped marker's place goes first: added before the removals)
    for start in tags {
        let name_end = (bytes[start + 1..].iter())
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(html.len(), |i| start + 1 + i);
        edits.insert(name_end, " lang=\"en\"");
    }
    for (at, len) in removed {
        edits.replace(at, len, "");
    }
    edits.apply(html)
}

#[cfg(test)]
mod tests {
    use super::super::catalog::test_catalog;
    use super::super::messages::sandbox_messages;
    use super::*;

    #[test]
    fn every_marker_starts_with_the_byte_the_marker_scan_looks_for() {
        for m in [
            UNTRANSLATED_START,
            UNTRANSLATED_END,
            ENGLISH_START,
            ENGLISH_END,
        ] {
            let bytes = m.to_string().into_bytes();
            assert_eq!(bytes[..2], [0xE2, 0xB8], "{m:?}");
            assert!((0xA0..=0xA3).contains(&bytes[2]), "{m:?}");
        }
        // and text with other characters that start with those bytes is left alone
        let html = "<p>a \u{2013} b \u{2019} \u{2E00} \u{2E24}</p>";
        assert_eq!(mark_untranslated(html, "x"), html);
        let marked = format!("<p>\u{2013}{UNTRANSLATED_START}Hi{UNTRANSLATED_END}</p>");
        assert_eq!(
            mark_untranslated(&marked, "x"),
            "<p>\u{2013}<span lang=\"en\" class=\"eg-untranslated\">Hi</span> <small class=\"eg-untranslated-mark\">(x)</small></p>"
        );
    }

    #[test]
    fn english_includes_rewrites_include_names() {
        assert_eq!(
            english_includes("a {% include \"x/y.md\" %} b {%- include 'z.md' -%} {% if a %}"),
            "a {% include \"@en/x/y.md\" %} b {%- include '@en/z.md' -%} {% if a %}"
        );
    }

    #[test]
    fn untranslated_markers_become_lang_en() {
        let html = format!("<p>{UNTRANSLATED_START}Hello <b>x</b>{UNTRANSLATED_END}</p>");
        assert_eq!(
            mark_untranslated(&html, "noch nicht übersetzt"),
            "<p><span lang=\"en\" class=\"eg-untranslated\">Hello <b>x</b></span> <small class=\"eg-untranslated-mark\">(noch nicht übersetzt)</small></p>"
        );
    }

    #[test]
    fn english_screen_text_becomes_lang_en_without_a_mark() {
        use super::super::screen_text::english_marked;
        let html = format!(
            "<li><strong>HP</strong>: {}</li><img alt=\"{}\">",
            english_marked("healthcare professional"),
            english_marked("a screen")
        );
        assert_eq!(
            mark_untranslated(&html, "nicht übersetzt"),
            "<li><strong>HP</strong>: <span lang=\"en\">healthcare professional</span></li><img lang=\"en\" alt=\"a screen\">"
        );
    }

    #[test]
    fn english_attributes_put_lang_on_their_element() {
        let html = format!(
            "<figure><img src=\"a.png\" alt=\"{UNTRANSLATED_START}The form{UNTRANSLATED_END}\"><figcaption><span class=\"c\">{UNTRANSLATED_START}A caption{UNTRANSLATED_END}</span></figcaption></figure><p>Ein Satz.</p>"
        );
        assert_eq!(
            mark_untranslated(&html, "nicht übersetzt"),
            "<figure><img lang=\"en\" src=\"a.png\" alt=\"The form\"><figcaption><span class=\"c\"><span lang=\"en\" class=\"eg-untranslated\">A caption</span> <small class=\"eg-untranslated-mark\">(nicht übersetzt)</small></span></figcaption></figure><p>Ein Satz.</p>"
        );
    }

    #[test]
    fn markers_in_a_tag_are_dropped_and_lang_goes_once_after_its_name() {
        let (s, e) = (UNTRANSLATED_START, UNTRANSLATED_END);
        // two markers in one tag, a marker right after the name, and text markers after it
        let html = format!("<img{s} alt=\"{s}A{e}\" title=\"{s}B{e}\"><p>{s}C{e}</p>");
        assert_eq!(
            mark_untranslated(&html, "x"),
            "<img lang=\"en\" alt=\"A\" title=\"B\"><p><span lang=\"en\" class=\"eg-untranslated\">C</span> <small class=\"eg-untranslated-mark\">(x)</small></p>"
        );
        // a tag that a `<` interrupts, or that never closes, gets no `lang`
        let broken = format!("<a title=\"{s}A <b>x{e}</b> <i title=\"{s}");
        assert_eq!(
            mark_untranslated(&broken, "x"),
            "<a title=\"A <b>x</span> <small class=\"eg-untranslated-mark\">(x)</small></b> <i title=\""
        );
    }

    #[test]
    fn generated_labels_are_put_in_the_page_language() {
        let cat = test_catalog(
            "msgctxt \"ui\"\nmsgid \"Note\"\nmsgstr \"Hinweis\"\n\nmsgctxt \"ui\"\nmsgid \"Warning\"\nmsgstr \"Warnung & so\"\n\nmsgctxt \"ui\"\nmsgid \"Table\"\nmsgstr \"Tabelle\"\n",
        );
        let title =
            |l: &str| format!("<div aria-label=\"{l}\"><p class=\"admonition-title\">{l}</p>");
        let html = format!(
            "{}{}{}<p class=\"admonition-title\">Note</p><div role=\"region\" aria-label=\"Table\">",
            title("Note"),
            title("Tip"),
            title("Warning")
        );
        let mut edits = Edits::default();
        markdown_label_edits(&html, &cat, &mut edits);
        assert_eq!(
            edits.apply(&html),
            format!(
                "{}{}{}<p class=\"admonition-title\">Note</p><div role=\"region\" aria-label=\"Tabelle\">",
                title("Hinweis"),
                title("Tip"),
                title("Warnung &amp; so")
            )
        );
    }

    #[test]
    fn sandbox_texts_translate_in_place() {
        let flow: Json = serde_json::json!({
            "hints": {"a": "Click \"Next\".", "b": {"saas": "S {ern}", "cpms2": "C"}},
            "scenarios": [{"id": "new-user", "label": "New user"}],
            "emails": {"x": {"body": ["Dear {name},", "(Practice e-mail.)"]}},
            "labels": {"next": "Next"}
        });
        let ms = sandbox_messages(&flow, "data/sandbox.yaml");
        let ids: Vec<&str> = ms.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "Click \"Next\".",
                "C",
                "S {ern}",
                "New user",
                "(Practice e-mail.)"
            ]
        );
        let cat = test_catalog(
            "msgctxt \"sandbox\"\nmsgid \"S {ern}\"\nmsgstr \"S-de {ern}\"\n\nmsgctxt \"sandbox\"\nmsgid \"New user\"\nmsgstr \"Neu\"\n\nmsgctxt \"sandbox\"\nmsgid \"(Practice e-mail.)\"\nmsgstr \"(Übungs-E-Mail.)\"\n",
        );
        let t = translate_sandbox(&flow, &cat);
        assert_eq!(t["hints"]["b"]["saas"], "S-de {ern}");
        assert_eq!(t["hints"]["a"], "Click \"Next\".");
        assert_eq!(t["scenarios"][0]["label"], "Neu");
        assert_eq!(t["emails"]["x"]["body"][1], "(Übungs-E-Mail.)");
        assert_eq!(t["emails"]["x"]["body"][0], "Dear {name},");
        assert_eq!(t["labels"]["next"], "Next");
    }
}
