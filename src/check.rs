//! `ernguide check`: everything `build` validates, without writing, reported as findings
//! (`file:line: level: message`), as text or JSON.

use std::path::Path;

use serde::Serialize;

use crate::cli::Format;
use crate::content::Library;
use crate::error::{source_error, SourceError};
use crate::site::{self, RenderErrors};

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub level: Level,
    pub message: String,
}

impl Finding {
    pub fn error(e: &SourceError) -> Finding {
        Finding::from_source(e, Level::Error)
    }
    pub fn warning(e: &SourceError) -> Finding {
        Finding::from_source(e, Level::Warning)
    }
    fn from_source(e: &SourceError, level: Level) -> Finding {
        Finding {
            file: e.file.display().to_string(),
            line: e.line,
            level,
            message: e.message.clone(),
        }
    }
    pub fn to_line(&self) -> String {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        format!("{}:{}: {level}: {}", self.file, self.line, self.message)
    }
}

#[derive(Debug, Default, Serialize)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
}

impl CheckReport {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Error)
    }

    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => {
                let mut out: String = self.findings.iter().map(|f| f.to_line() + "\n").collect();
                out.push_str(&format!(
                    "{} error(s), {} warning(s)\n",
                    self.count(Level::Error),
                    self.count(Level::Warning)
                ));
                out
            }
            Format::Json => {
                let doc = serde_json::json!({
                    "findings": self.findings,
                    "errors": self.count(Level::Error),
                    "warnings": self.count(Level::Warning),
                });
                serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
            }
        }
    }
}

impl CheckReport {
    /// Adds a finding unless the same one is already there (a broken shared fragment fails
    /// every page that includes it).
    fn push(&mut self, finding: Finding) {
        if !self.findings.contains(&finding) {
            self.findings.push(finding);
        }
    }

    /// Adds an error; every page's error when several pages failed to render.
    fn push_error(&mut self, err: &anyhow::Error) {
        if let Some(all) = err.downcast_ref::<RenderErrors>() {
            for e in &all.0 {
                self.push_error(e);
            }
            return;
        }
        let finding = match source_error(err) {
            Some(se) => Finding::error(se),
            None => Finding {
                file: String::new(),
                line: 0,
                level: Level::Error,
                message: format!("{err:#}"),
            },
        };
        self.push(finding);
    }
}

/// Checks the site at `site_dir`: loads and validates it like `build`, checks the data
/// references of every source, renders every page (reporting each page that fails), checks
/// every link, and flags dated content. Writes nothing.
pub fn check(site_dir: &Path) -> CheckReport {
    let mut report = CheckReport::default();
    let lib = match Library::load(site_dir) {
        Ok(lib) => lib,
        Err(e) => {
            report.push_error(&e);
            return report;
        }
    };
    let (errors, warnings) = references::problems(&lib);
    for e in errors {
        report.push(Finding::error(&e));
    }
    for w in warnings {
        report.push(Finding::warning(&w));
    }
    match site::render_site(&lib) {
        Ok(rendered) => {
            for e in site::link_problems(&rendered) {
                report.push(Finding::error(&e));
            }
        }
        Err(e) => report.push_error(&e),
    }
    for w in site::stale_content_warnings(&lib) {
        report.push(Finding::warning(&w.0));
    }
    // errors first, each kind in the order found
    report.findings.sort_by_key(|f| f.level);
    report
}

/// Data references written in the sources, checked whether or not a page's rendering reaches
/// them (a reference inside `{% if %}` is only evaluated for some networks): literal arguments
/// of the content functions (`link("saas")`, `institution("IT37")`, ...) are errors when
/// unknown; ids in `content/data/sandbox.yaml` that match nothing are warnings (settings for a
/// method or network the site does not have), except its password variant.
mod references {
    use std::path::{Path, PathBuf};

    use crate::content::data::line_of;
    use crate::content::{Guide, Library};
    use crate::error::SourceError;

    /// The content functions that take an id, by name.
    const FUNCTIONS: &[&str] = &[
        "link",
        "method",
        "offered",
        "profile",
        "fact",
        "guide_url",
        "institution",
        "step_url",
    ];

    /// Errors and warnings.
    pub fn problems(lib: &Library) -> (Vec<SourceError>, Vec<SourceError>) {
        let mut out = Vec::new();
        for g in &lib.guides {
            let sources = std::iter::once(&g.source).chain(g.steps.iter().map(|s| &s.source));
            for src in sources {
                scan(lib, Some(g), &src.file, src.body_line, &src.body, &mut out);
            }
        }
        let shared = lib.content_dir().join("shared");
        let files: Vec<PathBuf> = walkdir::WalkDir::new(&shared)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        for file in files {
            if let Ok(text) = std::fs::read_to_string(&file) {
                scan(lib, None, &file, 1, &text, &mut out);
            }
        }
        let mut warnings = Vec::new();
        sandbox(lib, &mut out, &mut warnings);
        (out, warnings)
    }

    /// Checks the literal calls in `text` (from `file`, starting at `first_line`); `guide` is
    /// the guide the text belongs to, `None` for a shared fragment (then a guide-specific id
    /// must exist in at least one guide or network).
    fn scan(
        lib: &Library,
        guide: Option<&Guide>,
        file: &Path,
        first_line: usize,
        text: &str,
        out: &mut Vec<SourceError>,
    ) {
        for (i, line) in text.lines().enumerate() {
            for (func, arg) in literal_calls(line) {
                if let Some(problem) = unresolved(lib, guide, func, arg) {
                    out.push(SourceError::new(file, first_line + i, problem));
                }
            }
        }
    }

    fn unresolved(lib: &Library, guide: Option<&Guide>, func: &str, id: &str) -> Option<String> {
        let data = &lib.data;
        let (ok, what) = match func {
            "link" => (data.link(id).is_some(), "not in content/data/links.yaml"),
            "method" | "offered" => (
                data.method(id).is_some(),
                "not in content/data/eu_login.yaml",
            ),
            "profile" => (
                data.profile(id).is_some(),
                "not in content/data/profiles.yaml",
            ),
            "fact" => (
                data.facts.iter().any(|f| f.id == id),
                "not in content/data/facts.yaml",
            ),
            "guide_url" => (lib.guide(id).is_some(), "no such guide in content/guides"),
            "institution" => match guide {
                Some(g) => (
                    lib.network_of(g).institution(id).is_some(),
                    "not an institution of the guide's network",
                ),
                None => (
                    lib.networks.values().any(|n| n.institution(id).is_some()),
                    "not an institution of any network",
                ),
            },
            "step_url" => match guide {
                Some(g) => (g.step(id).is_some(), "not a step of this guide"),
                None => (
                    lib.guides.iter().any(|g| g.step(id).is_some()),
                    "not a step of any guide",
                ),
            },
            _ => (true, ""),
        };
        (!ok).then(|| format!("{func}(\"{id}\"): unknown `{id}` ({what})"))
    }

    /// `name("literal")` calls of the content functions in `line`.
    pub fn literal_calls(line: &str) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for func in FUNCTIONS {
            let pat = format!("{func}(");
            for (i, _) in line.match_indices(&pat) {
                let before = line[..i].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                let rest = line[i + pat.len()..].trim_start();
                let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    continue;
                };
                if let Some(end) = rest[1..].find(quote) {
                    out.push((*func, &rest[1..1 + end]));
                }
            }
        }
        out
    }

    /// The ids `sandbox.yaml` refers to: verification methods, networks, the password variant.
    fn sandbox(lib: &Library, errors: &mut Vec<SourceError>, warnings: &mut Vec<SourceError>) {
        let sandbox = &lib.data.sandbox;
        if sandbox.is_null() {
            return;
        }
        let Some(file) = lib.data.sandbox_file.clone() else {
            return;
        };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let eu = &lib.data.eu_login;
        if let Some(methods) = sandbox.get("methods").and_then(|m| m.as_object()) {
            for id in methods.keys().filter(|id| lib.data.method(id).is_none()) {
                warnings.push(SourceError::new(
                    &file,
                    line_of(&text, &format!("{id}:")),
                    format!("methods: `{id}` is not a verification method of content/data/eu_login.yaml (unused)"),
                ));
            }
        }
        if let Some(networks) = sandbox.get("networks").and_then(|m| m.as_object()) {
            for id in networks.keys().filter(|id| !lib.networks.contains_key(*id)) {
                warnings.push(SourceError::new(
                    &file,
                    line_of(&text, &format!("{id}:")),
                    format!("networks: `{id}` is not a network (no content/networks/{id}/network.yaml; unused)"),
                ));
            }
        }
        if let Some(variant) = sandbox.get("password_variant").and_then(|v| v.as_str()) {
            if !eu.password_rules.variants.iter().any(|v| v.id == variant) {
                errors.push(SourceError::new(
                    &file,
                    line_of(&text, "password_variant:"),
                    format!("password_variant `{variant}` is not a password rule variant of content/data/eu_login.yaml"),
                ));
            }
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn finds_literal_calls() {
            let calls = super::literal_calls("Open {{ link(\"saas\").url }} or {% if offered('sms') %}{{ mylink(\"x\") }}{{ step_url(slug) }}");
            assert_eq!(calls, vec![("link", "saas"), ("offered", "sms")]);
        }
    }
}
