//! Translations: what is translatable ([`messages`]), the catalogs that translate it
//! ([`catalog`]), and how a page in another language is made from them ([`translate`],
//! [`library`], [`site`], [`pages`]).
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
//! `<site>/i18n/messages.pot` is written by `ernguide i18n extract` ([`extract`], writing
//! with [`catalog_write`]).

pub mod catalog;
mod catalog_write;
mod figure;
pub(crate) mod library;
pub(crate) mod messages;
pub mod pages;
pub(crate) mod screen_text;
pub(crate) mod site;
pub mod translate;
pub mod units;

use std::path::{Path, PathBuf};

pub use catalog::{Catalog, Message, Status};
pub(crate) use messages::all_messages;
pub use messages::ui_messages;
pub(crate) use translate::markdown_label_edits;
pub use translate::{
    english_includes, fill_placeholders, mark_untranslated, page_share, translate_markdown,
    translate_sandbox, translate_text, translate_units, ui, ui_template, ENGLISH_INCLUDE_PREFIX,
};

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

/// Context of reference-data texts that guides insert into their prose (facts, links,
/// networks' wording and approval times).
pub const DATA_CTX: &str = "data";

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

/// The translation state of one language, for `check`.
#[derive(Debug, Clone, Default)]
pub struct LanguageReport {
    pub lang: String,
    pub total: usize,
    pub translated: usize,
    /// (message, its status, its entry in a PO file if it has one: the file, as read, and
    /// line; a stale unit's is the entry of its earlier English text when it has none of its
    /// own).
    pub problems: Vec<(Message, Status, Option<(PathBuf, usize)>)>,
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
        for (m, (s, earlier)) in messages.iter().zip(statuses) {
            if s == Status::Translated {
                r.translated += 1;
            } else {
                let id = earlier.as_deref().unwrap_or(&m.id);
                let entry =
                    (cat.entry_at(&m.ctx, id)).map(|(file, line)| (file.to_path_buf(), line));
                r.problems.push((m.clone(), s, entry));
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
    pub languages: Vec<(String, PathBuf, catalog_write::UpdateReport)>,
}

/// `ernguide i18n extract`: writes `i18n/messages.pot` and updates `i18n/<lang>.po` for
/// every language of the site (UI strings the theme already translates are left out of the
/// site's catalog). Writes only inside `<site>/i18n/`.
pub(crate) fn extract(lib: &Library, theme: &Theme, langs: &[String]) -> Result<ExtractReport> {
    let messages = all_messages(lib, theme)?;
    let template = lib.site_dir.join(TEMPLATE_FILE);
    catalog_write::write_template(&messages, &template)?;
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
        let r = catalog_write::update_po(&site, &messages, lang, &path, &skip)?;
        report.languages.push((lang.clone(), path, r));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_includes() {
        assert_eq!(
            include_names("a {% include \"eu-login/x.md\" %} b {%- include 'y.md' -%}"),
            vec!["eu-login/x.md", "y.md"]
        );
    }
}
