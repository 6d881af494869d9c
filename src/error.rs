//! Errors that point at a place in the site's source files.
//!
//! Everything else uses `anyhow` with context; a [`SourceError`] is the innermost cause when
//! the problem has a file and line, so `main` can print `file:line: message`.

use std::fmt;
use std::path::{Path, PathBuf};

pub use anyhow::{anyhow, bail, Context, Result};

/// A problem located in a source file (1-based line; 0 when the whole file is meant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl SourceError {
    pub fn new(file: impl AsRef<Path>, line: usize, message: impl Into<String>) -> Self {
        SourceError {
            file: file.as_ref().to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

impl std::error::Error for SourceError {}

/// Returns the first [`SourceError`] in an error chain, if any.
pub fn source_error(err: &anyhow::Error) -> Option<&SourceError> {
    err.chain().find_map(|e| e.downcast_ref::<SourceError>())
}

/// Formats an error chain for the terminal: the located message first, then the context.
/// A located error is printed first (`error: file:line: message`), then what was being done.
pub fn report(err: &anyhow::Error) -> String {
    match source_error(err) {
        Some(located) => {
            let mut out = format!("error: {located}");
            for cause in err
                .chain()
                .filter(|c| c.downcast_ref::<SourceError>().is_none())
            {
                let text = cause.to_string();
                if !text.is_empty() && !located.to_string().contains(&text) {
                    out.push_str(&format!("\n  while {text}"));
                }
            }
            out
        }
        None => {
            let mut out = format!("error: {err}");
            for cause in err.chain().skip(1) {
                out.push_str(&format!("\n  caused by: {cause}"));
            }
            out
        }
    }
}

/// How far a YAML file may expand through aliases (`*name`), in parser events replayed: data
/// written by hand repeats a few blocks; an alias bomb (10^5 nodes from a few lines, which
/// would grow every page that shows the data) is refused.
const MAX_ALIAS_EVENTS: usize = 10_000;

/// Parses YAML into `T`, turning a parse error into a [`SourceError`].
/// `line_offset` is added to the YAML line (front matter starts after the `---` line).
pub fn parse_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &Path,
    line_offset: usize,
) -> Result<T, SourceError> {
    let mut options = serde_saphyr::Options::default();
    options.alias_limits.max_total_replayed_events = MAX_ALIAS_EVENTS;
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        let line = e
            .location()
            .map(|l| l.line() as usize)
            .filter(|l| *l > 0)
            .unwrap_or(1);
        let msg = yaml_message(&e.to_string());
        SourceError::new(file, line + line_offset, msg)
    })
}

/// serde-saphyr renders a source snippet after its first line; keep the first line only and
/// drop the location it prefixes, since ours names the file.
fn yaml_message(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or("invalid YAML").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // "line 3 column 7: message" -> "message"
    if let Some(rest) = first.strip_prefix("line ") {
        if let Some(idx) = rest.find(": ") {
            return format!("invalid YAML: {}", &rest[idx + 2..]);
        }
    }
    format!("invalid YAML: {first}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: u32,
    }

    #[test]
    fn yaml_error_has_line_with_offset() {
        let err = parse_yaml::<T>("a: 1\nb: 2\n", Path::new("x.md"), 1).unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains('b'), "{err}");
        assert!(err.to_string().starts_with("x.md:3: invalid YAML"), "{err}");
    }

    #[test]
    fn an_alias_bomb_is_refused_and_a_few_aliases_are_not() {
        // 10 x 10 x 10 x 10 x 10 = 10^5 strings from six short lines
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n\
                    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n\
                    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        let err = parse_yaml::<serde_json::Value>(bomb, Path::new("sandbox.yaml"), 0).unwrap_err();
        assert!(err.to_string().starts_with("sandbox.yaml:"), "{err}");
        assert!(err.line >= 1, "{err}");
        let few = "base: &base { label: A, hint: B }\none: *base\ntwo: *base\n";
        let v = parse_yaml::<serde_json::Value>(few, Path::new("f.yaml"), 0).unwrap();
        assert_eq!(v["two"]["hint"], "B");
    }

    #[test]
    fn yaml_type_error() {
        let err = parse_yaml::<T>("a: nope\n", Path::new("d.yaml"), 0).unwrap_err();
        assert_eq!(err.line, 1);
    }
}
