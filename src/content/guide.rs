//! Guides (`content/guides/<slug>/_index.md`) and their steps (`NN-<slug>.md`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::data::is_iso_date;
use crate::error::{parse_yaml, Result, SourceError};
use crate::input::{self, read_text};

/// Which CPMS a guide describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum System {
    /// CPMS 1.x, access requested through SAAS.
    Saas,
    /// CPMS 2.0, access requested on CPMS itself or through the helpdesk.
    Cpms2,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shortcut {
    pub label: String,
    pub step: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuideMeta {
    pub title: String,
    pub network: String,
    pub system: System,
    pub source: String,
    #[serde(default)]
    pub summary: String,
    pub reviewed: Spanned<String>,
    #[serde(default)]
    pub order: i64,
    #[serde(default)]
    pub related: Option<String>,
    #[serde(default)]
    pub shortcuts: Vec<Shortcut>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepMeta {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub reviewed: Spanned<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub sandbox: Option<String>,
    #[serde(default)]
    pub scenario: Option<String>,
}

/// A Markdown source with its front matter split off.
#[derive(Debug, Clone)]
pub struct Source {
    pub file: PathBuf,
    /// The Markdown body (front matter removed).
    pub body: String,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
    /// The whole file as read (front matter included), for pointing at lines.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub meta: StepMeta,
    pub slug: String,
    /// 1-based position in the guide.
    pub number: usize,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Guide {
    pub slug: String,
    pub meta: GuideMeta,
    pub source: Source,
    pub steps: Vec<Step>,
    /// For a guide generated from a template folder (`network: "*"`): the template's slug.
    pub template: Option<String>,
}

/// The `network:` of a template guide: one guide per ERN (see `Guide::instantiate`).
pub const EVERY_NETWORK: &str = "*";

impl Guide {
    /// Whether this is a template (`network: "*"`), not a guide of its own.
    pub fn is_template(&self) -> bool {
        self.meta.network == EVERY_NETWORK
    }

    /// The slug of template `template`'s guide for `network`.
    pub fn instance_slug(network: &str, template: &str) -> String {
        format!("{network}-{template}")
    }

    /// This template's guide for `network`: slug `<network>-<template>`, `related` set to the
    /// network's guide for the other system, if any.
    pub fn instantiate(&self, network: &str, related: Option<String>) -> Guide {
        let mut g = self.clone();
        g.slug = Guide::instance_slug(network, &self.slug);
        g.meta.network = network.to_string();
        g.meta.related = related;
        g.template = Some(self.slug.clone());
        g
    }
}

/// Splits `---\n<yaml>\n---\n<body>`; the YAML, its first line (1-based) and the body.
pub fn split_front_matter(text: &str, file: &Path) -> Result<(String, usize, Source), SourceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(SourceError::new(
            file,
            1,
            "missing front matter: the file must start with a line `---`, then YAML, then `---`",
        ));
    }
    let mut yaml = String::new();
    let mut line_no = 1;
    for line in lines.by_ref() {
        line_no += 1;
        if line.trim_end() == "---" {
            let body: String = lines.collect();
            return Ok((
                yaml,
                2,
                Source {
                    file: file.to_path_buf(),
                    body,
                    body_line: line_no + 1,
                    text: text.to_string(),
                },
            ));
        }
        yaml.push_str(line);
    }
    Err(SourceError::new(
        file,
        1,
        "front matter is not closed: add a line `---` after the YAML",
    ))
}

fn parse_front<T: serde::de::DeserializeOwned>(path: &Path) -> Result<(T, Source)> {
    let text = read_text(path)?;
    let (yaml, first_line, source) = split_front_matter(&text, path)?;
    let meta: T = parse_yaml(&yaml, path, first_line - 1)?;
    Ok((meta, source))
}

/// The file line of a value of the front matter (whose YAML starts on the file's line 2).
pub(crate) fn front_matter_line<T>(value: &Spanned<T>) -> usize {
    match value.referenced.line() {
        0 => 0,
        line => usize::try_from(line).map_or(0, |l| l + 1),
    }
}

/// The file line of the front-matter key `key` of `source` (0 when it has none), from the
/// YAML's own positions: the key's name inside another value or in the body is not it.
pub(crate) fn front_matter_key_line(source: &Source, key: &str) -> usize {
    type Positions = std::collections::BTreeMap<String, Spanned<serde::de::IgnoredAny>>;
    let Ok((yaml, _, _)) = split_front_matter(&source.text, &source.file) else {
        return 0;
    };
    match parse_yaml::<Positions>(&yaml, &source.file, 0) {
        Ok(keys) => keys.get(key).map_or(0, front_matter_line),
        Err(_) => 0,
    }
}

fn check_date(source: &Source, field: &str, value: &Spanned<String>) -> Result<(), SourceError> {
    if is_iso_date(&value.value) {
        return Ok(());
    }
    let value_line = front_matter_line(value);
    let value = &value.value;
    Err(SourceError::new(
        &source.file,
        if value_line > 0 {
            value_line
        } else {
            front_matter_key_line(source, field)
        },
        format!("`{field}: {value}` is not a date (YYYY-MM-DD)"),
    ))
}

/// Slugs must be lowercase ASCII letters, digits and dashes (they become folder names).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

/// Names a page of a guide may not use: the generator's own pages live there.
pub const RESERVED_STEP_SLUGS: &[&str] = &["links", "sandbox", "slides", "print", "static"];

/// Names a guide may not use: the generator's own folders at the site root.
pub const RESERVED_GUIDE_SLUGS: &[&str] = &["accessibility", "images", "static"];

impl Guide {
    /// Loads `content/guides/<slug>/`.
    pub fn load(dir: &Path) -> Result<Guide> {
        let slug = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let index = dir.join("_index.md");
        if !is_slug(&slug) {
            return Err(SourceError::new(
                dir,
                0,
                format!("guide folder `{slug}` must be lowercase letters, digits and dashes"),
            )
            .into());
        }
        if RESERVED_GUIDE_SLUGS.contains(&slug.as_str()) {
            return Err(SourceError::new(
                dir,
                0,
                format!("guide folder `{slug}` is reserved for the generator's own pages; choose another name"),
            )
            .into());
        }
        if !index.exists() {
            return Err(
                SourceError::new(&index, 0, "every guide folder needs an _index.md").into(),
            );
        }
        let (meta, source): (GuideMeta, Source) = parse_front(&index)?;
        check_date(&source, "reviewed", &meta.reviewed)?;

        let files: Vec<PathBuf> = input::list_dir(dir)?
            .into_iter()
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && p.file_name().is_some_and(|n| n != "_index.md")
            })
            .collect();

        let mut steps: Vec<Step> = Vec::with_capacity(files.len());
        for file in files {
            let (meta, source): (StepMeta, Source) = parse_front(&file)?;
            check_date(&source, "reviewed", &meta.reviewed)?;
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let default_slug = stem
                .split_once('-')
                .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
                .map(|(_, rest)| rest)
                .unwrap_or(stem);
            let slug = meta
                .slug
                .clone()
                .unwrap_or_else(|| default_slug.to_string());
            let slug_line = || front_matter_key_line(&source, "slug");
            if !is_slug(&slug) {
                return Err(SourceError::new(
                    &file,
                    slug_line(),
                    format!("step slug `{slug}` must be lowercase letters, digits and dashes"),
                )
                .into());
            }
            if RESERVED_STEP_SLUGS.contains(&slug.as_str()) {
                return Err(SourceError::new(
                    &file,
                    slug_line(),
                    format!("step slug `{slug}` is reserved for the generator's own page; choose another"),
                )
                .into());
            }
            if let Some(other) = steps.iter().find(|s| s.slug == slug) {
                return Err(SourceError::new(
                    &file,
                    slug_line().max(1),
                    format!(
                        "duplicate step slug `{slug}`: {} already uses it",
                        other.source.file.display()
                    ),
                )
                .into());
            }
            steps.push(Step {
                meta,
                slug,
                number: steps.len() + 1,
                source,
            });
        }
        if steps.is_empty() {
            return Err(SourceError::new(
                &index,
                0,
                "this guide has no steps (add NN-<slug>.md files beside _index.md)",
            )
            .into());
        }
        for sc in &meta.shortcuts {
            if !steps.iter().any(|s| s.slug == sc.step.value) {
                return Err(SourceError::new(
                    &index,
                    front_matter_line(&sc.step),
                    format!(
                        "shortcut \"{}\" points at unknown step `{}`",
                        sc.label, sc.step.value
                    ),
                )
                .into());
            }
        }
        Ok(Guide {
            slug,
            meta,
            source,
            steps,
            template: None,
        })
    }

    pub fn step(&self, slug: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.slug == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let (yaml, first, src) =
            split_front_matter("---\ntitle: x\n---\n# Hi\n", Path::new("a.md")).unwrap();
        assert_eq!(yaml, "title: x\n");
        assert_eq!(first, 2);
        assert_eq!(src.body, "# Hi\n");
        assert_eq!(src.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter() {
        let e = split_front_matter("---\ntitle: x\n# Hi\n", Path::new("a.md")).unwrap_err();
        assert!(e.message.contains("not closed"));
    }

    #[test]
    fn missing_front_matter() {
        let e = split_front_matter("# Hi\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn slugs() {
        assert!(is_slug("request-access"));
        assert!(!is_slug("Request"));
        assert!(!is_slug("a/b"));
    }
}
