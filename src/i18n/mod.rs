//! Translations: what is translatable (messages), the catalogs that translate it, and how a
//! page in another language is made from them.
//!
//! - Content: block-level [`units`] of every guide and shared Markdown file, read before Jinja
//!   runs, so one translation of a shared step serves every network; plus the front matter's
//!   `title`, `summary` and shortcut labels. Context (`msgctxt`): the file's path in the site.
//! - UI: the theme's strings, written in templates as `t("...")` (context `ui`). The theme
//!   ships catalogs for them (`themes/default/i18n/<lang>.po`); a site's catalog overrides.
//! - Sandbox: the practice sandbox's guidance texts (hints, method explanations, milestones,
//!   scenario names, the e-mails' practice notes), by their English text (context `sandbox`).
//!   Mock screens keep the real products' English labels.
//!
//! Catalogs: `<site>/i18n/<lang>.po` (gettext PO via `polib`, see [`catalog`]); the template
//! `<site>/i18n/messages.pot` is written by `ernguide i18n extract` ([`extract`]).

pub mod catalog;
pub(crate) mod library;
pub mod pages;
pub(crate) mod site;
pub mod units;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

pub use catalog::{Catalog, Message, Status};
use units::{Rendering, UNTRANSLATED_END, UNTRANSLATED_START};

use crate::content::Library;
use crate::error::{Context, Result};
use crate::theme::Theme;

/// Context of the theme's UI strings.
pub const UI_CTX: &str = "ui";
/// Context of the sandbox's guidance texts.
pub const SANDBOX_CTX: &str = "sandbox";
/// The site's catalogs folder.
pub const CATALOG_DIR: &str = "i18n";
/// The template written by `ernguide i18n extract`.
pub const TEMPLATE_FILE: &str = "i18n/messages.pot";

/// The official EU languages: code, name in the language itself, English name.
pub const LANGUAGES: &[(&str, &str, &str)] = &[
    ("bg", "Български", "Bulgarian"),
    ("cs", "Čeština", "Czech"),
    ("da", "Dansk", "Danish"),
    ("de", "Deutsch", "German"),
    ("el", "Ελληνικά", "Greek"),
    ("en", "English", "English"),
    ("es", "Español", "Spanish"),
    ("et", "Eesti", "Estonian"),
    ("fi", "Suomi", "Finnish"),
    ("fr", "Français", "French"),
    ("ga", "Gaeilge", "Irish"),
    ("hr", "Hrvatski", "Croatian"),
    ("hu", "Magyar", "Hungarian"),
    ("it", "Italiano", "Italian"),
    ("lt", "Lietuvių", "Lithuanian"),
    ("lv", "Latviešu", "Latvian"),
    ("mt", "Malti", "Maltese"),
    ("nl", "Nederlands", "Dutch"),
    ("pl", "Polski", "Polish"),
    ("pt", "Português", "Portuguese"),
    ("ro", "Română", "Romanian"),
    ("sk", "Slovenčina", "Slovak"),
    ("sl", "Slovenščina", "Slovenian"),
    ("sv", "Svenska", "Swedish"),
];

/// The name of a language in that language (`de` -> `Deutsch`).
pub fn own_name(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|l| l.0 == code).map(|l| l.1)
}

/// A file's path relative to the site folder, with `/` (the context of its units).
pub fn rel_ctx(site_dir: &Path, file: &Path) -> String {
    file.strip_prefix(site_dir)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `{% include "name" %}` targets of a Markdown source.
pub fn include_names(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("{%") {
        let after = &rest[i + 2..];
        let end = after.find("%}").unwrap_or(after.len());
        let tag = after[..end].trim().trim_start_matches('-').trim();
        if let Some(arg) = tag.strip_prefix("include") {
            let arg = arg.trim();
            let q = arg.chars().next();
            if let Some(q @ ('"' | '\'')) = q {
                if let Some(close) = arg[1..].find(q) {
                    out.push(arg[1..1 + close].to_string());
                }
            }
        }
        rest = &after[end.min(after.len())..];
    }
    out
}

fn unit_messages(site_dir: &Path, file: &Path, body: &str, body_line: usize) -> Vec<Message> {
    let ctx = rel_ctx(site_dir, file);
    units::units(body, body_line.saturating_sub(1))
        .into_iter()
        .map(|u| Message {
            source: format!("{ctx}:{}", u.line),
            ctx: ctx.clone(),
            id: u.text,
            comment: String::new(),
        })
        .collect()
}

fn front_message(site_dir: &Path, file: &Path, field: &str, text: &str) -> Option<Message> {
    if text.trim().is_empty() {
        return None;
    }
    let ctx = rel_ctx(site_dir, file);
    Some(Message {
        source: format!("{ctx}:{}", front_line(file, field)),
        ctx,
        id: text.to_string(),
        comment: format!("front matter: {field}"),
    })
}

/// The line of `field:` in a file's front matter (1 if not found).
fn front_line(file: &Path, field: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    crate::content::data::line_of(&text, &format!("{field}:")).max(1)
}

/// The content messages: every guide's front matter and units, then every shared file's.
pub(crate) fn content_messages(lib: &Library) -> Vec<Message> {
    let site = &lib.site_dir;
    let mut out = Vec::new();
    for g in &lib.guides {
        let f = &g.source.file;
        out.extend(front_message(site, f, "title", &g.meta.title));
        out.extend(front_message(site, f, "summary", &g.meta.summary));
        for s in &g.meta.shortcuts {
            out.extend(front_message(site, f, "label", &s.label));
        }
        out.extend(unit_messages(site, f, &g.source.body, g.source.body_line));
        for step in &g.steps {
            let f = &step.source.file;
            out.extend(front_message(site, f, "title", &step.meta.title));
            out.extend(front_message(site, f, "summary", &step.meta.summary));
            out.extend(unit_messages(
                site,
                f,
                &step.source.body,
                step.source.body_line,
            ));
        }
    }
    for (_, f) in &lib.shared.fragments {
        if let Ok(body) = &f.text {
            if f.file.extension().is_some_and(|x| x == "md") {
                out.extend(unit_messages(site, &f.file, body, 1));
            }
        }
    }
    out
}

/// The `t("...")` strings of a template.
pub fn ui_strings(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = template.as_bytes();
    let mut from = 0;
    while let Some(rel) = template[from..].find("t(") {
        let at = from + rel;
        from = at + 2;
        // `t(` as a whole name (not `set(`, `cont(`).
        if at > 0 {
            let prev = bytes[at - 1];
            if prev.is_ascii_alphanumeric() || prev == b'_' || prev == b'.' {
                continue;
            }
        }
        let rest = &template[at + 2..];
        let Some(q @ ('"' | '\'')) = rest.chars().next() else {
            continue;
        };
        let mut s = String::new();
        let mut escaped = false;
        let mut closed = false;
        for c in rest[1..].chars() {
            if escaped {
                s.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                closed = true;
                break;
            } else {
                s.push(c);
            }
        }
        if closed && !s.is_empty() {
            out.push(s);
        }
    }
    out
}

/// UI strings that the generator itself writes (not templates): the untranslated marker, the
/// admonition titles and the table region label of rendered Markdown.
pub const GENERATED_UI: &[&str] = &[
    "not yet translated",
    "Note",
    "Tip",
    "Important",
    "Warning",
    "Caution",
    "Table",
];

/// A UI string in the catalog's language (the English text if untranslated).
pub fn ui<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog.get(UI_CTX, id).unwrap_or(id)
}

/// The template function `t(msgid, name=value, ...)`: the UI string in the catalog's language,
/// HTML-escaped, `**bold**` as `<strong>`, then each `{name}` replaced by its value (escaped
/// unless the value is already safe HTML).
pub fn ui_html(catalog: &Catalog, id: &str, args: &[(&str, minijinja::Value)]) -> String {
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

/// Puts the generator's own English labels of rendered Markdown (admonition titles, the table
/// region) into the catalog's language.
pub fn localize_markdown_labels(html: &str, catalog: &Catalog) -> String {
    let mut out = html.to_string();
    for label in ["Note", "Tip", "Important", "Warning", "Caution"] {
        let t = ui(catalog, label);
        if t == label {
            continue;
        }
        let t = crate::templates::html_escape(t);
        out = out.replace(
            &format!("aria-label=\"{label}\"><p class=\"admonition-title\">{label}</p>"),
            &format!("aria-label=\"{t}\"><p class=\"admonition-title\">{t}</p>"),
        );
    }
    let t = ui(catalog, "Table");
    if t != "Table" {
        out = out.replace(
            "role=\"region\" aria-label=\"Table\"",
            &format!(
                "role=\"region\" aria-label=\"{}\"",
                crate::templates::html_escape(t)
            ),
        );
    }
    out
}

/// The UI messages of the theme's templates (site overrides included), deduplicated.
pub fn ui_messages(theme: &Theme) -> Result<Vec<Message>> {
    ui_messages_with(theme, None)
}

/// [`ui_messages`], with the site's own theme folder (`<site>/themes/<name>/`) for templates
/// that only the site has.
pub(crate) fn ui_messages_with(theme: &Theme, site_theme: Option<&Path>) -> Result<Vec<Message>> {
    let mut names: BTreeSet<String> = crate::theme::embedded_files()
        .iter()
        .map(|(p, _)| p.to_string())
        .filter(|p| p.starts_with("templates/") && p.ends_with(".html"))
        .collect();
    if let Some(dir) = site_theme.filter(|d| d.join("templates").is_dir()) {
        for (_, rel) in crate::input::walk_files(&dir.join("templates"))? {
            if rel.ends_with(".html") {
                names.insert(format!("templates/{rel}"));
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for s in GENERATED_UI {
        seen.insert(s.to_string());
        out.push(Message {
            ctx: UI_CTX.into(),
            id: s.to_string(),
            source: "src/i18n/mod.rs (generated labels)".into(),
            comment: String::new(),
        });
    }
    for name in names {
        let Some((bytes, _)) = theme.get(&name)? else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for s in ui_strings(&text) {
            if seen.insert(s.clone()) {
                out.push(Message {
                    ctx: UI_CTX.into(),
                    id: s,
                    source: format!("themes/default/{name}"),
                    comment: String::new(),
                });
            }
        }
    }
    Ok(out)
}

/// Where in the sandbox flow guidance texts live: hints, method explanations, milestones,
/// scenario names, and e-mail body lines that are practice notes (in parentheses).
fn sandbox_texts(flow: &Json) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |path: String, v: &Json| {
        if let Some(s) = v.as_str().filter(|s| !s.trim().is_empty()) {
            out.push((path, s.to_string()));
        }
    };
    if let Some(hints) = flow.get("hints").and_then(Json::as_object) {
        for (k, v) in hints {
            match v {
                Json::Object(per) => {
                    for (sys, text) in per {
                        push(format!("hints.{k}.{sys}"), text);
                    }
                }
                other => push(format!("hints.{k}"), other),
            }
        }
    }
    if let Some(methods) = flow.get("methods").and_then(Json::as_object) {
        for (k, v) in methods {
            if let Some(t) = v.get("text") {
                push(format!("methods.{k}.text"), t);
            }
        }
    }
    if let Some(ms) = flow.get("milestones").and_then(Json::as_object) {
        for (k, v) in ms {
            push(format!("milestones.{k}"), v);
        }
    }
    if let Some(sc) = flow.get("scenarios").and_then(Json::as_array) {
        for s in sc {
            let id = s.get("id").and_then(Json::as_str).unwrap_or("?");
            if let Some(l) = s.get("label") {
                push(format!("scenarios.{id}.label"), l);
            }
        }
    }
    if let Some(emails) = flow.get("emails").and_then(Json::as_object) {
        for (k, e) in emails {
            if let Some(body) = e.get("body").and_then(Json::as_array) {
                for (i, line) in body.iter().enumerate() {
                    if line
                        .as_str()
                        .is_some_and(|s| s.trim_start().starts_with('('))
                    {
                        push(format!("emails.{k}.body.{i}"), line);
                    }
                }
            }
        }
    }
    out
}

/// The sandbox's guidance messages (by English text; the key paths as comments).
pub fn sandbox_messages(flow: &Json, origin: &str) -> Vec<Message> {
    let mut by_text: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut order = Vec::new();
    for (path, text) in sandbox_texts(flow) {
        let e = by_text.entry(text.clone()).or_default();
        if e.is_empty() {
            order.push(text);
        }
        e.push(path);
    }
    order
        .into_iter()
        .map(|text| {
            let paths = by_text.remove(&text).unwrap_or_default();
            Message {
                ctx: SANDBOX_CTX.into(),
                id: text,
                source: format!("{origin}: {}", paths.join(", ")),
                comment: "practice sandbox guidance; keep {placeholders}; quote the screens' English labels".into(),
            }
        })
        .collect()
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

/// Context of reference-data texts that guides insert into their prose (facts, links,
/// networks' wording and approval times).
pub const DATA_CTX: &str = "data";

/// The translatable texts of the reference data: (where, English text).
fn data_texts(lib: &Library) -> Vec<(String, String)> {
    let mut out = Vec::new();
    out.push(("site.toml: title".into(), lib.config.title.clone()));
    out.push((
        "site.toml: description".into(),
        lib.config.description.clone(),
    ));
    for c in &lib.config.contacts {
        out.push((format!("site.toml: contacts.{}.name", c.id), c.name.clone()));
        out.push((
            format!("site.toml: contacts.{}.purpose", c.id),
            c.purpose.clone(),
        ));
    }
    for f in &lib.data.facts {
        out.push((format!("facts.{}.text", f.id), f.text.clone()));
    }
    for l in &lib.data.links {
        out.push((format!("links.{}.title", l.id), l.title.clone()));
        out.push((format!("links.{}.description", l.id), l.description.clone()));
    }
    for n in lib.networks.values() {
        out.push((
            format!("networks.{}.wording.two_factor", n.id),
            n.wording.two_factor.clone(),
        ));
        out.push((
            format!("networks.{}.approval_time", n.id),
            n.approval_time.clone(),
        ));
    }
    out.retain(|(_, t)| !t.trim().is_empty());
    out
}

/// The reference-data messages, by English text (deduplicated).
pub(crate) fn data_messages(lib: &Library) -> Vec<Message> {
    let mut by_text: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut order = Vec::new();
    for (path, text) in data_texts(lib) {
        let e = by_text.entry(text.clone()).or_default();
        if e.is_empty() {
            order.push(text);
        }
        e.push(path);
    }
    order
        .into_iter()
        .map(|text| {
            let paths = by_text.remove(&text).unwrap_or_default();
            Message {
                ctx: DATA_CTX.into(),
                id: text,
                source: format!("content/data: {}", paths.join(", ")),
                comment: "reference data inserted into guide text".into(),
            }
        })
        .collect()
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

/// Every message of the site: content, reference data, sandbox, UI.
pub(crate) fn all_messages(lib: &Library, theme: &Theme) -> Result<Vec<Message>> {
    let mut out = content_messages(lib);
    // Guides generated from one source (one per network) share its messages: each once.
    let mut seen = BTreeSet::new();
    out.retain(|m| seen.insert((m.ctx.clone(), m.id.clone())));
    out.extend(data_messages(lib));
    let origin = lib
        .data
        .sandbox_file
        .as_ref()
        .map(|p| rel_ctx(&lib.site_dir, p))
        .unwrap_or_default();
    let flow = serde_json::to_value(&lib.data.sandbox).unwrap_or_default();
    out.extend(sandbox_messages(&flow, &origin));
    let site_theme = lib.site_dir.join("themes").join(&lib.config.theme);
    out.extend(ui_messages_with(theme, Some(&site_theme))?);
    Ok(out)
}

/// The catalog of `lang`: the theme's `i18n/<lang>.po` (UI strings), then the site's
/// `i18n/<lang>.po` over it.
pub fn load_catalog(site_dir: &Path, theme: &Theme, lang: &str) -> Result<Catalog> {
    let mut c = Catalog::empty(lang);
    let rel = format!("{CATALOG_DIR}/{lang}.po");
    if let Some((bytes, origin)) = theme.get(&rel)? {
        let text = String::from_utf8_lossy(&bytes);
        c.add_po(&text, Path::new(&origin))
            .with_context(|| format!("reading the theme's translations {origin}"))?;
    }
    let site_po = site_dir.join(&rel);
    if site_po.is_file() {
        c.add_file(&site_po)?;
    }
    Ok(c)
}

/// How much of something is translated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub translated: usize,
    pub total: usize,
}

impl Share {
    /// Percent translated (100 for nothing to translate).
    pub fn percent(&self) -> u32 {
        (self.translated * 100)
            .checked_div(self.total)
            .map_or(100, |p| p as u32)
    }

    pub fn add(&mut self, other: Share) {
        self.translated += other.translated;
        self.total += other.total;
    }
}

/// Translates a Markdown source (before Jinja) whose units have context `ctx`: translated
/// units in the catalog's language, the others in English between the untranslated markers.
pub fn translate_markdown(catalog: &Catalog, ctx: &str, body: &str) -> String {
    let us = units::units(body, 0);
    units::translate(body, &us, |u| match catalog.get(ctx, &u.text) {
        Some(t) => Rendering::Translated(t),
        None => Rendering::English,
    })
}

/// The share of a Markdown source's units that `catalog` translates.
pub fn markdown_share(catalog: &Catalog, ctx: &str, body: &str) -> Share {
    let us = units::units(body, 0);
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
pub fn page_share(
    catalog: &Catalog,
    ctx: &str,
    front: &[&str],
    body: &str,
    fragment: &dyn Fn(&str) -> Option<(String, String)>,
) -> Share {
    let mut share = Share {
        translated: front
            .iter()
            .filter(|t| !t.trim().is_empty() && catalog.get(ctx, t).is_some())
            .count(),
        total: front.iter().filter(|t| !t.trim().is_empty()).count(),
    };
    share.add(markdown_share(catalog, ctx, body));
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = include_names(body);
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some((fctx, text)) = fragment(&name) {
            share.add(markdown_share(catalog, &fctx, &text));
            queue.extend(include_names(&text));
        }
    }
    share
}

/// A front-matter text in the catalog's language (English if untranslated).
pub fn translate_text<'a>(catalog: &'a Catalog, ctx: &str, text: &'a str) -> &'a str {
    catalog.get(ctx, text).unwrap_or(text)
}

/// Turns the untranslated-block markers of rendered HTML into `<span lang="en">` with a small
/// marker saying so (`mark`: "not yet translated" in the page's language, already plain text).
pub fn mark_untranslated(html: &str, mark: &str) -> String {
    if !html.contains(UNTRANSLATED_START) && !html.contains(UNTRANSLATED_END) {
        return html.to_string();
    }
    let open = "<span lang=\"en\" class=\"eg-untranslated\">";
    let close = format!(
        "</span> <small class=\"eg-untranslated-mark\">({})</small>",
        crate::templates::html_escape(mark)
    );
    let mut out = String::with_capacity(html.len() + 256);
    for c in html.chars() {
        match c {
            UNTRANSLATED_START => out.push_str(open),
            UNTRANSLATED_END => out.push_str(&close),
            c => out.push(c),
        }
    }
    out
}

/// The translation state of one language, for `check`.
#[derive(Debug, Clone, Default)]
pub struct LanguageReport {
    pub lang: String,
    pub total: usize,
    pub translated: usize,
    /// (message, its status, where: file and line of the source unit).
    pub problems: Vec<(Message, Status)>,
}

impl LanguageReport {
    pub fn count(&self, s: Status) -> usize {
        self.problems.iter().filter(|p| p.1 == s).count()
    }
}

/// The state of every language's translations.
pub(crate) fn report(
    lib: &Library,
    theme: &Theme,
    langs: &[String],
) -> Result<Vec<LanguageReport>> {
    let messages = all_messages(lib, theme)?;
    let mut out = Vec::new();
    for lang in langs {
        let cat = load_catalog(&lib.site_dir, theme, lang)?;
        let statuses = cat.statuses(&messages);
        let mut r = LanguageReport {
            lang: lang.clone(),
            total: messages.len(),
            ..Default::default()
        };
        for (m, (s, _)) in messages.iter().zip(statuses) {
            if s == Status::Translated {
                r.translated += 1;
            } else {
                r.problems.push((m.clone(), s));
            }
        }
        out.push(r);
    }
    Ok(out)
}

/// What `ernguide i18n extract` did.
#[derive(Debug, Clone, Default)]
pub struct ExtractReport {
    pub messages: usize,
    pub template: PathBuf,
    pub languages: Vec<(String, PathBuf, catalog::UpdateReport)>,
}

/// `ernguide i18n extract`: writes `i18n/messages.pot` and updates `i18n/<lang>.po` for
/// every language of the site (UI strings the theme already translates are left out of the
/// site's catalog). Writes only inside `<site>/i18n/`.
pub(crate) fn extract(lib: &Library, theme: &Theme, langs: &[String]) -> Result<ExtractReport> {
    let messages = all_messages(lib, theme)?;
    let template = lib.site_dir.join(TEMPLATE_FILE);
    catalog::write_template(&messages, &template)?;
    let mut report = ExtractReport {
        messages: messages.len(),
        template,
        languages: Vec::new(),
    };
    for lang in langs {
        let mut theme_only = Catalog::empty(lang);
        let rel = format!("{CATALOG_DIR}/{lang}.po");
        if let Some((bytes, origin)) = theme.get(&rel)? {
            theme_only.add_po(&String::from_utf8_lossy(&bytes), Path::new(&origin))?;
        }
        let path = lib.site_dir.join(&rel);
        let mut site = Catalog::empty(lang);
        if path.is_file() {
            site.add_file(&path)?;
        }
        let skip = |m: &Message| {
            m.ctx == UI_CTX
                && site.entry(&m.ctx, &m.id).is_none()
                && theme_only.get(&m.ctx, &m.id).is_some()
        };
        let r = catalog::update_po(&site, &messages, lang, &path, &skip)?;
        report.languages.push((lang.clone(), path, r));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_includes_and_ui_strings() {
        assert_eq!(
            include_names("a {% include \"eu-login/x.md\" %} b {%- include 'y.md' -%}"),
            vec!["eu-login/x.md", "y.md"]
        );
        assert_eq!(
            ui_strings("{{ t(\"Skip to main content\") }} {% set x = 1 %} {{ t('Step {n} of {total}', n=1) }} {{ cont(\"no\") }}"),
            vec!["Skip to main content", "Step {n} of {total}"]
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
        let mut cat = Catalog::empty("de");
        cat.add_po(
            "msgctxt \"sandbox\"\nmsgid \"S {ern}\"\nmsgstr \"S-de {ern}\"\n\nmsgctxt \"sandbox\"\nmsgid \"New user\"\nmsgstr \"Neu\"\n\nmsgctxt \"sandbox\"\nmsgid \"(Practice e-mail.)\"\nmsgstr \"(Übungs-E-Mail.)\"\n",
            Path::new("de.po"),
        )
        .unwrap();
        let t = translate_sandbox(&flow, &cat);
        assert_eq!(t["hints"]["b"]["saas"], "S-de {ern}");
        assert_eq!(t["hints"]["a"], "Click \"Next\".");
        assert_eq!(t["scenarios"][0]["label"], "Neu");
        assert_eq!(t["emails"]["x"]["body"][1], "(Übungs-E-Mail.)");
        assert_eq!(t["emails"]["x"]["body"][0], "Dear {name},");
        assert_eq!(t["labels"]["next"], "Next");
    }
}
