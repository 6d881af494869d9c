//! `ernguide check`: everything `build` validates, without writing, reported as findings
//! (`file:line: level: message`), as text or JSON.

use std::path::Path;

use serde::Serialize;

use crate::cli::Format;
use crate::content::Library;
use crate::error::{source_error, SourceError};
use crate::site;

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

fn push_error(report: &mut CheckReport, err: &anyhow::Error) {
    let finding = match source_error(err) {
        Some(se) => Finding::error(se),
        None => Finding {
            file: String::new(),
            line: 0,
            level: Level::Error,
            message: format!("{err:#}"),
        },
    };
    report.findings.push(finding);
}

/// Checks the site at `site_dir`.
pub fn check(site_dir: &Path) -> CheckReport {
    let mut report = CheckReport::default();
    let lib = match Library::load(site_dir) {
        Ok(lib) => lib,
        Err(e) => {
            push_error(&mut report, &e);
            return report;
        }
    };
    match site::render_site(&lib) {
        Ok(rendered) => {
            if let Err(e) = site::check_links(&rendered) {
                push_error(&mut report, &e);
            }
            report.findings.extend(rendered.warnings.iter().map(|w| Finding::warning(&w.0)));
        }
        Err(e) => push_error(&mut report, &e),
    }
    report
}
