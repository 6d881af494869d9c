//! `site.toml`: the portal's settings.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::content::positions::{config_line, ConfigValue};
use crate::error::{Context, Result, SourceError};
use crate::input::{self, decode_text};

/// A contact shown on every guide's links page (IT support, EU Login support, ...).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub purpose: String,
}

/// Who maintains this portal: where readers report a mistake in it (never an ERN helpdesk or
/// the European Commission, who do not maintain it).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Portal {
    /// The maintainers' address for reports; `None` while none is published (unknown is a
    /// value: the pages then say so, never a placeholder).
    #[serde(default)]
    pub email: Option<String>,
}

/// The parsed `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// The date the content describes, `YYYY-MM-DD`.
    pub as_of: toml::value::Date,
    #[serde(default = "default_review_interval")]
    pub review_interval_days: u32,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Other languages the portal is built in (`/<lang>/...`), from `i18n/<lang>.po`.
    #[serde(default)]
    pub languages: Vec<String>,
    /// A page less translated than this share (0 to 1) is shown wholly in English, with one
    /// banner, instead of a patchwork of languages.
    #[serde(default = "default_translation_threshold")]
    pub translation_threshold: f64,
    #[serde(default)]
    pub portal: Portal,
    /// The portal's public address (`https://.../`), for the QR codes and addresses printed on
    /// handouts; unknown (none printed) when absent.
    #[serde(default)]
    pub base_url: Option<String>,
}

fn default_translation_threshold() -> f64 {
    0.8
}

fn default_language() -> String {
    "en".into()
}
fn default_review_interval() -> u32 {
    365
}
fn default_theme() -> String {
    "default".into()
}

impl SiteConfig {
    /// The public address ending in `/`, if known.
    pub fn base_url(&self) -> Option<String> {
        self.base_url
            .as_ref()
            .map(|u| format!("{}/", u.trim_end_matches('/')))
    }

    /// `as_of` as `YYYY-MM-DD`.
    pub fn as_of_string(&self) -> String {
        self.as_of.to_string()
    }

    /// Reads and validates `<site>/site.toml`; the config and the file's text.
    pub fn load(site_dir: &Path) -> Result<(SiteConfig, String)> {
        let path = site_dir.join("site.toml");
        input::add_site_root(site_dir);
        let bytes = input::read(&path).with_context(|| {
            format!("reading {} (is --site the portal folder?)", path.display())
        })?;
        let text = decode_text(&path, bytes)?;
        let config = Self::parse(&text, &path)?;
        Ok((config, text))
    }

    pub fn parse(text: &str, path: &Path) -> Result<SiteConfig> {
        let config: SiteConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0);
            SourceError::new(path, line, e.message().to_string())
        })?;
        config.validate(text, path)?;
        Ok(config)
    }

    /// `text` is the file's, for line numbers.
    fn validate(&self, text: &str, path: &Path) -> Result<(), SourceError> {
        let line = |value: ConfigValue| config_line(text, value);
        if self.title.trim().is_empty() {
            return Err(SourceError::new(
                path,
                line(ConfigValue::Title),
                "`title` must not be empty",
            ));
        }
        let theme = self.theme.as_str();
        if theme.is_empty()
            || theme == "."
            || theme == ".."
            || theme.contains(['/', '\\', ':', '\0'])
        {
            return Err(SourceError::new(
                path,
                line(ConfigValue::Theme),
                format!(
                    "`theme` \"{theme}\" must be the name of a folder in themes/ (no path): \
                     a theme is read only from inside the site folder"
                ),
            ));
        }
        if !is_language_tag(&self.language) {
            return Err(SourceError::new(
                path,
                line(ConfigValue::Language),
                format!(
                    "`language` \"{}\" is not a language tag such as \"en\"",
                    self.language
                ),
            ));
        }
        for (i, lang) in self.languages.iter().enumerate() {
            if !is_language_tag(lang) || lang == &self.language {
                return Err(SourceError::new(
                    path,
                    line(ConfigValue::Languages(i)),
                    format!(
                        "`languages`: \"{lang}\" must be a language tag such as \"de\", other than `language` (\"{}\")",
                        self.language
                    ),
                ));
            }
        }
        if let Some(email) = &self.portal.email {
            if !is_email(email) {
                return Err(SourceError::new(
                    path,
                    line(ConfigValue::PortalEmail),
                    format!("portal email \"{email}\" is not a valid e-mail address"),
                ));
            }
        }
        if let Some(url) = &self.base_url {
            if !crate::content::data::is_http_url(url) || url.contains(['?', '#']) {
                return Err(SourceError::new(
                    path,
                    line(ConfigValue::BaseUrl),
                    format!(
                        "`base_url` \"{url}\" is not the web address of a folder, such as \"https://help.example.org/portal/\""
                    ),
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.translation_threshold) {
            return Err(SourceError::new(
                path,
                line(ConfigValue::TranslationThreshold),
                "`translation_threshold` must be a share between 0 and 1 (for example 0.8)",
            ));
        }
        for (i, c) in self.contacts.iter().enumerate() {
            if !is_email(&c.email) {
                return Err(SourceError::new(
                    path,
                    line(ConfigValue::ContactEmail(i)),
                    format!(
                        "contact `{}`: \"{}\" is not a valid e-mail address",
                        c.id, c.email
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// An e-mail address `local@domain` and nothing else: the local part of letters, digits and
/// `.!#$'*+-/=^_{|}~` (no `?`, `%` or `&`, so a `mailto:` link never carries headers such as
/// `?cc=` or an encoded line break), the domain of at least two labels of letters, digits and
/// `-`, with a top-level label of letters.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$'*+-/=^_{|}~".contains(c));
    s.len() <= 254 && local_ok && is_domain(domain)
}

/// A DNS name of at least two labels (letters, digits, inner `-`), the last of letters.
pub fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = "title = \"T\"\nas_of = 2026-11-22\n";

    #[test]
    fn parses_minimal() {
        let c = SiteConfig::parse(OK, Path::new("site.toml")).unwrap();
        assert_eq!(c.as_of_string(), "2026-11-22");
        assert_eq!(c.language, "en");
    }

    #[test]
    fn unknown_key_names_line() {
        let err = SiteConfig::parse(
            "title = \"T\"\nas_of = 2026-11-22\ncolour = 1\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        let s = err.to_string();
        assert!(s.starts_with("site.toml:3:"), "{s}");
        assert!(s.contains("colour"), "{s}");
    }

    #[test]
    fn base_url_is_optional_and_checked() {
        let c = SiteConfig::parse(OK, Path::new("site.toml")).unwrap();
        assert_eq!(c.base_url(), None);
        let c = SiteConfig::parse(
            &format!("{OK}base_url = \"https://help.example.org/portal\"\n"),
            Path::new("site.toml"),
        )
        .unwrap();
        assert_eq!(
            c.base_url().as_deref(),
            Some("https://help.example.org/portal/")
        );
        for bad in ["help.example.org", "https://x.org/?a=1", "ftp://x.org/"] {
            let err = SiteConfig::parse(
                &format!("{OK}base_url = \"{bad}\"\n"),
                Path::new("site.toml"),
            )
            .unwrap_err();
            assert!(err.to_string().starts_with("site.toml:3:"), "{bad}: {err}");
        }
    }

    #[test]
    fn checked_values_are_named_at_their_own_line() {
        // each bad value comes after a line that starts with its key or holds its text
        let cases = [
            ("description = \"\"\"\ntitle = a\n\"\"\"\ntitle = \" \"\nas_of = 2026-11-22\n", 4),
            ("title = \"T\"\nas_of = 2026-11-22\n[[contacts]]\nid = \"a\"\nname = \"A\"\nemail = \"a@b.org\"\n[portal]\nemail = \"bad\"\n", 8),
            ("title = \"T\"\nas_of = 2026-11-22\nlanguages = [\n  \"de\",\n  \"en\",\n]\n", 5),
            ("title = \"T\"\nas_of = 2026-11-22\n[[contacts]]\nid = \"a\"\nname = \"x@\"\nemail = \"x@\"\n[[contacts]]\nid = \"b\"\nname = \"B\"\nemail = \"x@\"\n", 6),
            ("title = \"T\"\ndescription = \"\"\"\ntheme = \"a/b\"\n\"\"\"\nas_of = 2026-11-22\ntheme = \"a/b\"\n", 6),
        ];
        for (text, line) in cases {
            let err = SiteConfig::parse(text, Path::new("site.toml")).unwrap_err();
            let s = err.to_string();
            assert!(s.starts_with(&format!("site.toml:{line}:")), "{text}\n{s}");
        }
    }

    #[test]
    fn email_check() {
        assert!(is_email("a.b@example.org"));
        assert!(!is_email("a.b@example"));
        assert!(!is_email("a b@example.org"));
        assert!(!is_email("@example.org"));
    }
}
