//! `ernguide check`: everything `build` validates, without writing, reported as findings
//! (`file:line: level: message`), as text or JSON.

use std::path::Path;

use serde::Serialize;

use crate::cli::Format;
use crate::error::{source_error, SourceError};
use crate::images::Encode;
use crate::lint;
use crate::pipeline;
use crate::render::{RenderErrors, Selection};

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
    /// One line per language: how many units are translated, stale, missing, invalid.
    pub translations: Vec<String>,
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
                for t in &self.translations {
                    out.push_str(t);
                    out.push('\n');
                }
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
                    "translations": self.translations,
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
        // A page that fails on a data reference the references lint already reported
        // (`institution("NL99")`) is the same problem: report it once.
        let known = finding.line > 0
            && self.findings.iter().any(|f| {
                f.level == Level::Error && f.file == finding.file && f.line == finding.line
            });
        if !known {
            self.push(finding);
        }
    }
}

/// Checks the site at `site_dir` through the build's own steps, writing nothing anywhere:
/// load and validate, check the data references of every source, render every page (reporting
/// each page that fails), plan the images (each must decode), check every link, and flag dated
/// content.
pub fn check(site_dir: &Path) -> CheckReport {
    let mut report = CheckReport::default();
    let lib = match pipeline::load(site_dir) {
        Ok(lib) => lib,
        Err(e) => {
            report.push_error(&e);
            return report;
        }
    };
    for e in lint::published::contact_problems(&lib) {
        report.push(Finding::error(&e));
    }
    let (errors, warnings) = lint::references::problems(&lib);
    for e in errors {
        report.push(Finding::error(&e));
    }
    for w in warnings {
        report.push(Finding::warning(&w));
    }
    let assembled = pipeline::languages(&lib).and_then(|langs| {
        let (mut built, _) =
            pipeline::assemble(&lib, &langs, &Selection::All, Encode::PlanOnly, None)?;
        pipeline::search(&lib, &mut built);
        Ok(built)
    });
    match assembled {
        Ok(built) => {
            for e in lint::links::link_problems(&lib, &built) {
                report.push(Finding::error(&e));
            }
            for e in lint::published::page_problems(&lib, &built) {
                report.push(Finding::error(&e));
            }
        }
        Err(e) => report.push_error(&e),
    }
    for w in lint::stale::stale_content_warnings(&lib) {
        report.push(Finding::warning(&w.0));
    }
    translations(&lib, &mut report);
    // errors first, each kind in the order found
    report.findings.sort_by_key(|f| f.level);
    report
}

/// The translation state of every language: a `translations <lang>: ...` line each, and a
/// warning for every stale, missing or invalid unit at its English source.
fn translations(lib: &crate::content::Library, report: &mut CheckReport) {
    use crate::i18n::Status;
    let theme = crate::theme::Theme::new(&lib.site_dir, &lib.config.theme);
    let langs = match crate::i18n::report(lib, &theme, &lib.config.languages) {
        Ok(l) => l,
        Err(e) => {
            report.push_error(&e);
            return;
        }
    };
    for l in langs {
        report.translations.push(format!(
            "translations {}: {} units, {} translated, {} stale, {} missing, {} invalid",
            l.lang,
            l.total,
            l.translated,
            l.count(Status::Stale),
            l.count(Status::Missing),
            l.count(Status::Invalid)
        ));
        for (m, status, entry) in &l.problems {
            let (file, line) = match m.source.rsplit_once(':') {
                Some((f, n)) if n.parse::<usize>().is_ok() => {
                    (f.to_string(), n.parse().unwrap_or(0))
                }
                _ => (m.source.clone(), 0),
            };
            let what = match status {
                Status::Stale => "stale: the English text changed since it was translated",
                Status::Missing => "missing",
                Status::Invalid => {
                    "not used: it drops or changes a placeholder of the English text"
                }
                Status::Translated => continue,
            };
            let mut text: String = m.id.chars().take(100).collect();
            if text.len() < m.id.len() {
                text.push_str("...");
            }
            let mut message = format!(
                "translation ({}) {what}: \"{}\"",
                l.lang,
                text.replace('\n', " ")
            );
            // Also where its translation is (or, for a missing unit that `i18n extract` gave
            // an empty entry, where it goes), for a translator to edit.
            if let (Status::Stale | Status::Invalid | Status::Missing, Some((po, po_line))) =
                (status, entry)
            {
                let po = po.display();
                message.push_str(&match po_line {
                    0 => format!(" (to edit: {po})"),
                    n => format!(" (to edit: {po}:{n})"),
                });
            }
            report.push(Finding {
                file: lib.site_dir.join(file).display().to_string(),
                line,
                level: Level::Warning,
                message,
            });
        }
    }
}
