//! `ernguide check`: everything `build` validates, without writing, reported as findings
//! (`file:line: level: message`), as text or JSON.

use std::path::Path;

use serde::Serialize;

use crate::cli::Format;
use crate::error::{source_error, SourceError};
use crate::images::Encode;
use crate::lint;
use crate::pipeline::{self, Built};
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
    let assembled = pipeline::render(&lib, &Selection::All).and_then(|rendered| {
        let mut output = rendered.output;
        pipeline::static_files(&lib, rendered.has_code, &mut output)?;
        pipeline::images(&lib, rendered.image_jobs, Encode::PlanOnly, &mut output)?;
        Ok(Built {
            output,
            pages: rendered.pages,
        })
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
    // errors first, each kind in the order found
    report.findings.sort_by_key(|f| f.level);
    report
}
