//! The accessibility statement (`/accessibility/`), from `content/data/accessibility.yaml`:
//! the sections of the model statement of Decision (EU) 2018/1523 (compliance status against
//! EN 301 549 / WCAG 2.1 AA, non-accessible content, how the statement was prepared, feedback,
//! enforcement) and the date of the last review.
//!
//! Facts nobody has supplied (a feedback contact, the enforcement body) are `unknown` in the
//! data and the page says so; nothing is filled in by guess. A site without the file gets a
//! statement whose status is "not assessed".

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::data::is_iso_date;
use crate::content::positions::{statement_line, StatementValue};
use crate::content::IsoDate;
use crate::error::{parse_yaml, Result, SourceError};
use crate::input::read_text;

/// Where the statement's data lives, relative to the content folder.
pub const DATA_FILE: &str = "data/accessibility.yaml";

/// How far the site meets the standard (the model statement's three options, and "not
/// assessed" for a site that has not made the assessment yet).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    FullyCompliant,
    PartiallyCompliant,
    NotCompliant,
    NotAssessed,
}

impl Status {
    /// The status in a sentence's words.
    pub fn words(self) -> &'static str {
        match self {
            Status::FullyCompliant => "fully compliant",
            Status::PartiallyCompliant => "partially compliant",
            Status::NotCompliant => "not compliant",
            Status::NotAssessed => "not yet assessed",
        }
    }
}

/// The literal `unknown`: a fact nobody has supplied yet.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Unknown {
    Unknown,
}

/// A value, or `unknown`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Known<T> {
    Unknown(Unknown),
    Known(T),
}

impl<T> Known<T> {
    pub fn get(&self) -> Option<&T> {
        match self {
            Known::Known(v) => Some(v),
            Known::Unknown(_) => None,
        }
    }
}

/// Who to tell about an accessibility problem.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub email: String,
    /// How soon an answer comes, as the contact promises it (optional).
    #[serde(default)]
    pub response_time: String,
}

/// The body that handles complaints about unanswered feedback.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Enforcement {
    pub name: String,
    pub url: String,
}

/// Content that is not accessible, why, and what to use instead.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limitation {
    pub item: String,
    pub reason: String,
    #[serde(default)]
    pub alternative: String,
}

/// The statement's data.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub status: Status,
    /// The standard the site is measured against, in words.
    pub standard: String,
    /// How the statement was prepared (self-assessment, third party, ...).
    pub method: String,
    /// What was tested and how, one item per line.
    #[serde(default)]
    pub tests: Vec<String>,
    #[serde(default)]
    pub limitations: Vec<Limitation>,
    pub feedback: Known<Contact>,
    pub enforcement: Known<Enforcement>,
    /// `YYYY-MM-DD`
    pub prepared_on: String,
    /// `YYYY-MM-DD`
    pub last_reviewed: String,
    /// Where the data came from, and its text (for messages); not part of the file.
    #[serde(skip)]
    pub file: Option<PathBuf>,
    #[serde(skip)]
    pub text: String,
}

impl Statement {
    /// The statement of a site that has no `accessibility.yaml`: not assessed, nothing known.
    pub fn not_assessed() -> Statement {
        Statement {
            status: Status::NotAssessed,
            standard: "EN 301 549 V3.2.1 (2021-03), which includes WCAG 2.1 level AA".into(),
            method: String::new(),
            tests: Vec::new(),
            limitations: Vec::new(),
            feedback: Known::Unknown(Unknown::Unknown),
            enforcement: Known::Unknown(Unknown::Unknown),
            prepared_on: String::new(),
            last_reviewed: String::new(),
            file: None,
            text: String::new(),
        }
    }

    /// Reads `<content>/data/accessibility.yaml`, or [`Statement::not_assessed`] if it does
    /// not exist.
    pub fn load(content_dir: &Path) -> Result<Statement> {
        let path = content_dir.join(DATA_FILE);
        if !path.is_file() {
            return Ok(Statement::not_assessed());
        }
        let text = read_text(&path)?;
        Ok(Statement::parse(&text, &path)?)
    }

    /// Parses and validates the statement's YAML.
    pub fn parse(text: &str, path: &Path) -> Result<Statement, SourceError> {
        let mut s: Statement = parse_yaml(text, path, 0)?;
        let at = |value: StatementValue, msg: String| {
            SourceError::new(path, statement_line(text, value), msg)
        };
        for (field, value, pos) in [
            ("prepared_on", &s.prepared_on, StatementValue::PreparedOn),
            (
                "last_reviewed",
                &s.last_reviewed,
                StatementValue::LastReviewed,
            ),
        ] {
            if !is_iso_date(value) {
                return Err(at(
                    pos,
                    format!("`{field}: {value}` is not a date (YYYY-MM-DD)"),
                ));
            }
        }
        if s.last_reviewed < s.prepared_on {
            return Err(at(
                StatementValue::LastReviewed,
                format!(
                    "`last_reviewed: {}` is before `prepared_on: {}`",
                    s.last_reviewed, s.prepared_on
                ),
            ));
        }
        if let Some(c) = s.feedback.get() {
            if !crate::config::is_email(&c.email) {
                return Err(at(
                    StatementValue::FeedbackEmail,
                    format!("feedback e-mail `{}` is not an e-mail address", c.email),
                ));
            }
        }
        if let Some(e) = s.enforcement.get() {
            if !e.url.starts_with("https://") {
                return Err(at(
                    StatementValue::EnforcementUrl,
                    format!("enforcement url `{}` must be an https:// address", e.url),
                ));
            }
        }
        if s.status != Status::NotAssessed && s.tests.is_empty() {
            return Err(at(
                StatementValue::Status,
                "a statement with a compliance status must say how it was tested: add `tests:`"
                    .into(),
            ));
        }
        s.file = Some(path.to_path_buf());
        s.text = text.to_string();
        Ok(s)
    }

    /// A warning when the last review is more than `interval_days` before `as_of`
    /// (`YYYY-MM-DD`): the model statement asks for a review at least once a year.
    pub fn review_warning(&self, as_of: &str, interval_days: u32) -> Option<SourceError> {
        let file = self.file.as_ref()?;
        let (now, reviewed) = (IsoDate::parse(as_of)?, IsoDate::parse(&self.last_reviewed)?);
        if reviewed.days_until(now) <= i64::from(interval_days) {
            return None;
        }
        Some(SourceError::new(
            file,
            statement_line(&self.text, StatementValue::LastReviewed),
            format!(
                "the accessibility statement was last reviewed on {}, more than {interval_days} days before as_of {as_of}: review it and update `last_reviewed`",
                self.last_reviewed
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
status: partially-compliant
standard: \"EN 301 549 V3.2.1 (2021-03), which includes WCAG 2.1 level AA\"
method: \"Self-assessment\"
tests:
  - \"axe-core rules on every page\"
limitations:
  - { item: \"Screenshots\", reason: \"images of text\", alternative: \"the steps say the same\" }
feedback: unknown
enforcement: unknown
prepared_on: 2026-12-01
last_reviewed: 2026-12-01
";

    const DATA_FILE_PATH: &str = "content/data/accessibility.yaml";

    fn parse(text: &str) -> Result<Statement, SourceError> {
        Statement::parse(text, Path::new(DATA_FILE_PATH))
    }

    #[test]
    fn parses_unknowns_as_unknown() {
        let s = parse(GOOD).unwrap();
        assert_eq!(s.status, Status::PartiallyCompliant);
        assert_eq!(s.feedback.get(), None);
        assert_eq!(s.enforcement.get(), None);
        assert_eq!(s.limitations.len(), 1);
    }

    #[test]
    fn parses_a_known_contact() {
        let text = GOOD.replace(
            "feedback: unknown",
            "feedback: { name: \"Helpdesk\", email: \"help@example.test\" }",
        );
        let s = parse(&text).unwrap();
        assert_eq!(s.feedback.get().unwrap().email, "help@example.test");
    }

    #[test]
    fn errors_name_the_line() {
        let e =
            parse(&GOOD.replace("last_reviewed: 2026-12-01", "last_reviewed: soon")).unwrap_err();
        assert_eq!(e.line, 11, "{e}");
        assert!(e.to_string().contains("not a date"), "{e}");

        let e = parse(&GOOD.replace("feedback: unknown", "feedback: { name: A, email: nope }"))
            .unwrap_err();
        assert_eq!(e.line, 8, "{e}");

        let e = parse(&GOOD.replace("status: partially-compliant", "status: compliantish"))
            .unwrap_err();
        assert_eq!(e.line, 1, "{e}");

        let e = parse(&format!("{GOOD}extra: 1\n")).unwrap_err();
        assert!(e.to_string().contains("extra"), "{e}");

        let e = parse(&GOOD.replace("last_reviewed: 2026-12-01", "last_reviewed: 2026-11-01"))
            .unwrap_err();
        assert!(e.to_string().contains("before `prepared_on"), "{e}");
    }

    #[test]
    fn errors_name_the_line_of_the_value_not_of_an_earlier_mention() {
        // Each value's text also appears on an earlier line: a search for it would point there.
        let head = "# last_reviewed: prepared_on: status: nope http://old.example\n";
        let good = format!("{head}{GOOD}");
        let e =
            parse(&good.replace("last_reviewed: 2026-12-01", "last_reviewed: soon")).unwrap_err();
        assert_eq!(
            (e.file.as_path(), e.line),
            (Path::new(DATA_FILE_PATH), 12),
            "{e}"
        );
        let e =
            parse(&good.replace("prepared_on: 2026-12-01", "prepared_on: 2027-01-01")).unwrap_err();
        assert_eq!(e.line, 12, "last_reviewed is before prepared_on: {e}");
        let e = parse(&good.replace("feedback: unknown", "feedback: { name: A, email: nope }"))
            .unwrap_err();
        assert_eq!(e.line, 9, "{e}");
        let e = parse(&good.replace(
            "enforcement: unknown",
            "enforcement:\n  name: B\n  url: \"http://old.example\"",
        ))
        .unwrap_err();
        assert_eq!(e.line, 12, "{e}");
        let e =
            parse(&good.replace("tests:\n  - \"axe-core rules on every page\"\n", "")).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let w = parse(&good)
            .unwrap()
            .review_warning("2028-01-02", 365)
            .unwrap();
        assert_eq!(w.line, 12, "{w}");
    }

    #[test]
    fn a_status_needs_tests() {
        let text = GOOD.replace("tests:\n  - \"axe-core rules on every page\"\n", "");
        assert!(parse(&text).is_err());
    }

    #[test]
    fn review_warning_after_the_interval() {
        let s = parse(GOOD).unwrap();
        assert!(s.review_warning("2027-06-01", 365).is_none());
        let w = s.review_warning("2028-01-02", 365).unwrap();
        assert_eq!(w.line, 11);
        assert!(w.to_string().contains("last reviewed on 2026-12-01"), "{w}");
        // a site without the file has nothing to review
        assert!(Statement::not_assessed()
            .review_warning("2030-01-01", 365)
            .is_none());
    }

    #[test]
    fn missing_file_is_not_assessed() {
        let dir = tempfile::tempdir().unwrap();
        let s = Statement::load(dir.path()).unwrap();
        assert_eq!(s.status, Status::NotAssessed);
    }
}
