//! The site's languages for one render: each language's catalog and translated library, the
//! share of every page translated into each, and the per-page template values (`lang`, the
//! switcher, the search box, the banner).

use std::path::Path;
use std::sync::{Arc, OnceLock};

use minijinja::value::{Serde, Value};
use rayon::prelude::*;
use serde_json::json;

use super::library::{translate, translate_library, Reuse, SourceUnits, Translated};
use super::pages::{lang_rel, language_links, site_prefix};
use super::screen_text::ScreenText;
use super::{load_catalog, own_name, ui, ui_messages, Catalog, Share, UI_CTX};
use crate::config::SiteConfig;
use crate::content::Library;
use crate::error::{anyhow, Result};
use crate::images::FigureMemo;
use crate::templates::PageTemplates;
use crate::theme::Theme;

/// One language of the site.
pub(crate) struct Language {
    pub code: String,
    pub catalog: Arc<Catalog>,
    /// `None` for the default language (the library as loaded).
    pub translated: Option<Translated>,
    /// Share of the theme's UI strings translated (pages without content of their own).
    pub ui_share: Share,
    /// The theme's page templates with this language's UI strings: each template is compiled
    /// on its first use and kept (`serve` keeps them while the theme and catalogs are the same).
    pub pages: Arc<PageTemplates>,
    /// `site` and `data` as template values, made on first use (see [`SiteValues`]).
    pub site_values: Arc<OnceLock<SiteValues>>,
}

/// The template values every page of a language sees that come from its library's
/// configuration and data alone. Made once per language and kept by `serve`'s rebuilds of guide
/// files ([`LanguageSet::update`]: the configuration and data are the last build's); any other
/// change loads the languages anew ([`LanguageSet::load`]) and with them these values.
#[derive(Clone)]
pub(crate) struct SiteValues {
    pub site: Value,
    pub data: Value,
}

/// Every language of the site, the default first.
pub(crate) struct LanguageSet {
    pub default: String,
    pub languages: Vec<Language>,
    /// The mock screens' texts, marked `lang="en"` on pages in other languages (made from the
    /// data and networks, which a rebuild of guide files keeps).
    pub screen_text: Arc<ScreenText>,
    /// The screenshots, regions files and figure blocks read for the figures of every
    /// language, kept by a rebuild of guide files (a change of `screenshots/` loads anew).
    pub figures: Arc<FigureMemo>,
}

/// The catalogs of the site's languages besides the default one, as read (a malformed catalog
/// is an error naming file and line). They need only the configuration: `build` reads them
/// while the library loads.
pub(crate) struct Catalogs(Vec<(String, Result<Catalog>)>);

impl Catalogs {
    /// Reads each language's catalog on its own thread.
    pub fn read(site_dir: &Path, config: &SiteConfig) -> Catalogs {
        let theme = Theme::new(site_dir, &config.theme);
        let codes: Vec<&String> = (config.languages.iter())
            .filter(|&code| *code != config.language)
            .collect();
        Catalogs(
            codes
                .into_par_iter()
                .map(|code| (code.clone(), load_catalog(site_dir, &theme, code)))
                .collect(),
        )
    }

    /// The catalog of `code`, taken out (`None` if it was not read).
    fn take(&mut self, code: &str) -> Option<Result<Catalog>> {
        let at = self.0.iter().position(|(c, _)| c == code)?;
        Some(self.0.swap_remove(at).1)
    }
}

impl LanguageSet {
    /// Loads each language's catalog (a malformed catalog is an error naming file and line)
    /// and translates the library into it.
    pub fn load(lib: &Library) -> Result<LanguageSet> {
        LanguageSet::with_catalogs(lib, Catalogs::read(&lib.site_dir, &lib.config))
    }

    /// Translates the library into each language, with the `catalogs` read for `lib`.
    pub fn with_catalogs(lib: &Library, mut catalogs: Catalogs) -> Result<LanguageSet> {
        let theme = Theme::new(&lib.site_dir, &lib.config.theme);
        let default = lib.config.language.clone();
        let ui_ids = ui_messages(&theme)?;
        let codes: Vec<(&String, Option<Result<Catalog>>)> = std::iter::once(&default)
            .chain(lib.config.languages.iter())
            .map(|code| {
                (
                    code,
                    (*code != default).then(|| catalogs.take(code)).flatten(),
                )
            })
            .collect();
        // Each language's library is translated on its own thread (the units of its sources
        // found once for all).
        let units = SourceUnits::new(lib);
        let languages = codes
            .into_par_iter()
            .map(|(code, read)| -> Result<Language> {
                let is_default = *code == default;
                let catalog = if is_default {
                    super::Catalog::empty(code)
                } else {
                    // (`Catalogs::read` reads every language but the default, from the same
                    // configuration as the library's)
                    read.ok_or_else(|| {
                        anyhow!("internal error: the catalog of `{code}` was not read with the site's configuration")
                    })??
                };
                let ui_share = Share {
                    translated: if is_default {
                        ui_ids.len()
                    } else {
                        ui_ids
                            .iter()
                            .filter(|m| catalog.get(UI_CTX, &m.id).is_some())
                            .count()
                    },
                    total: ui_ids.len(),
                };
                let translated = (!is_default)
                    .then(|| translate_library(lib, &catalog, lib.config.translation_threshold, &units));
                let catalog = Arc::new(catalog);
                let mut pages = PageTemplates::new(theme.clone());
                pages.set_catalog(catalog.clone());
                Ok(Language {
                    code: code.clone(),
                    catalog,
                    translated,
                    ui_share,
                    pages: Arc::new(pages),
                    site_values: Arc::default(),
                })
            })
            .collect::<Vec<Result<Language>>>()
            // the first language's error, whichever thread finished first
            .into_iter()
            .collect::<Result<Vec<Language>>>()?;
        Ok(LanguageSet {
            default,
            languages,
            screen_text: Arc::new(ScreenText::new(lib)),
            figures: Arc::default(),
        })
    }

    /// The languages of `lib`, a library loaded again after only guide files or shared
    /// fragments changed (`serve`): the catalogs and page templates are this set's; with `unchanged_guides` (the
    /// shared fragments are the same), only the other guides are translated again.
    pub fn update(
        &self,
        lib: &Library,
        unchanged_guides: Option<&(dyn Fn(&str) -> bool + Sync)>,
    ) -> LanguageSet {
        let threshold = lib.config.translation_threshold;
        let units = SourceUnits::new(lib);
        let languages = self
            .languages
            .iter()
            .map(|l| Language {
                code: l.code.clone(),
                catalog: l.catalog.clone(),
                translated: l.translated.as_ref().map(|earlier| {
                    let reuse = unchanged_guides.map(|unchanged| Reuse { earlier, unchanged });
                    translate(lib, &l.catalog, threshold, reuse, &units)
                }),
                ui_share: l.ui_share,
                pages: l.pages.clone(),
                site_values: l.site_values.clone(),
            })
            .collect();
        LanguageSet {
            default: self.default.clone(),
            languages,
            screen_text: self.screen_text.clone(),
            figures: self.figures.clone(),
        }
    }

    pub fn codes(&self) -> Vec<String> {
        self.languages.iter().map(|l| l.code.clone()).collect()
    }

    pub fn get(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// How much of the page built from `source` (a guide overview or step; `None` for pages
    /// of the theme only) is translated into `code`.
    pub fn share(&self, code: &str, source: Option<&Path>) -> Share {
        let Some(lang) = self.get(code) else {
            return Share::default();
        };
        match (&lang.translated, source) {
            (None, _) => Share {
                translated: 1,
                total: 1,
            },
            (Some(t), Some(src)) => t.shares.get(src).copied().unwrap_or(lang.ui_share),
            (Some(_), None) => lang.ui_share,
        }
    }

    /// Whether the page built from `source` is shown in English in `code` (under the
    /// threshold).
    pub fn shown_in_english(&self, code: &str, source: Option<&Path>) -> bool {
        match (self.get(code).and_then(|l| l.translated.as_ref()), source) {
            (Some(t), Some(src)) => t.english_pages.contains(src),
            _ => false,
        }
    }

    /// The template values of a page at `rel` (inside its language) in `code`.
    pub fn page_values(
        &self,
        code: &str,
        rel: &str,
        source: Option<&Path>,
    ) -> Vec<(&'static str, Value)> {
        let english = self.shown_in_english(code, source);
        let links = language_links(&self.codes(), &self.default, code, rel, &|l| {
            self.share(l, source)
        });
        let out_rel = lang_rel(code, &self.default, rel);
        let up = site_prefix(&out_rel);
        let lang_root = site_prefix(rel);
        vec![
            ("lang", Value::from(code.to_string())),
            (
                "lang_name",
                Value::from(own_name(code).unwrap_or(code).to_string()),
            ),
            (
                "content_lang",
                Value::from(if english {
                    self.default.clone()
                } else {
                    code.to_string()
                }),
            ),
            ("untranslated_page", Value::from(english)),
            ("languages", Value::from(Serde(&links))),
            (
                "search",
                Value::from(Serde(json!({
                    "index": format!("{up}search/{code}.js"),
                    "script": format!("{up}static/search.js"),
                    "base": lang_root,
                }))),
            ),
        ]
    }

    /// The "not yet translated" marker text in `code`.
    pub fn mark(&self, code: &str) -> String {
        self.get(code)
            .map(|l| ui(&l.catalog, "not yet translated").to_string())
            .unwrap_or_else(|| "not yet translated".into())
    }
}
