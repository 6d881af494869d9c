//! The two template environments (minijinja), and what they share (error locations, HTML
//! escaping):
//! - [`ContentTemplates`] (`content.rs`) runs a guide's Markdown through Jinja before Markdown
//!   rendering: `{% include %}` of shared steps from `content/shared/`, per-network variables
//!   and the data functions `link`, `method`, `offered`, `profile`, `step_url`; every printed
//!   value is escaped for Markdown ([`crate::markdown_value`]).
//! - [`PageTemplates`] (`page.rs`) renders pages with the theme's templates (embedded default,
//!   site overrides by file name).

mod content;
mod page;

use std::path::{Component, Path, PathBuf};

use minijinja::ErrorKind;

use crate::error::SourceError;

pub use content::{record_includes, recording_includes, ContentTemplates, Rendering};
pub use page::{page_context, Memo, PageTemplates};

pub(crate) fn invalid(msg: String) -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, msg)
}

/// Rejects include names that could leave their folder.
pub(crate) fn safe_relative(name: &str) -> Option<PathBuf> {
    let p = Path::new(name);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
}

/// The most instructions one render may run (minijinja's fuel): a real page needs a small part
/// of it; a runaway loop (`range(100000)` inside `range(100000)`) stops with an error instead of
/// hanging the build. The recursion limit is minijinja's own.
pub(crate) const FUEL: u64 = 50_000_000;

/// The innermost error of a minijinja chain that knows its template and line.
fn located(err: &minijinja::Error) -> (&minijinja::Error, Option<&str>, usize) {
    let mut best = (err, err.name(), err.line().unwrap_or(0));
    let mut cur: &(dyn std::error::Error + 'static) = err;
    while let Some(next) = cur.source() {
        if let Some(e) = next.downcast_ref::<minijinja::Error>() {
            if e.line().is_some() {
                best = (e, e.name(), e.line().unwrap_or(0));
            }
        }
        cur = next;
    }
    best
}

/// One-line message of a minijinja error without its location suffix.
fn message(err: &minijinja::Error) -> String {
    let what = match err.kind() {
        ErrorKind::TemplateNotFound => "include not found",
        ErrorKind::SyntaxError => "template syntax error",
        ErrorKind::UndefinedError => "unknown variable",
        ErrorKind::UnknownFunction => "unknown function",
        ErrorKind::UnknownFilter => "unknown filter",
        _ => "template error",
    };
    match err.detail() {
        Some(d) => format!("{what}: {d}"),
        None => what.to_string(),
    }
}

/// Maps a template error to a file and line using `resolve(template name) -> (file, line offset)`.
pub fn to_source_error(
    err: &minijinja::Error,
    resolve: &dyn Fn(&str) -> (PathBuf, usize),
) -> SourceError {
    let (inner, name, line) = located(err);
    let (file, offset) = resolve(name.unwrap_or(""));
    let mut msg = message(inner);
    if inner.kind() == ErrorKind::UndefinedError && inner.detail().is_none() {
        if let Some(src) = inner.template_source() {
            if let Some(r) = inner.range() {
                if let Some(expr) = src.get(r) {
                    msg = format!("unknown variable or attribute `{expr}`");
                }
            }
        }
    }
    SourceError::new(file, if line > 0 { line + offset } else { 0 }, msg)
}

/// Makes JSON text safe to embed in HTML (no `<`, `>`, `&`, `'` characters left).
pub fn json_for_html(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\'' => out.push_str("\\u0027"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML content and double- or single-quoted attributes.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Writing to a String cannot fail.
    let _ = write_html_escaped(&mut out, s);
    out
}

/// [`html_escape`] straight into `out`: unescaped runs are copied whole, nothing is allocated.
pub fn write_html_escaped(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[start..i])?;
        out.write_str(entity)?;
        start = i + 1;
    }
    out.write_str(&s[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_reference() {
        for s in [
            "",
            "plain",
            "a & b",
            "<a href=\"x\">it's</a>",
            "&&",
            "ünï & <ç>",
            "x'",
        ] {
            let reference: String = s
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            assert_eq!(html_escape(s), reference);
        }
    }

    #[test]
    fn safe_names() {
        assert!(safe_relative("eu-login/create.md").is_some());
        assert!(safe_relative("../secret").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
    }
}
