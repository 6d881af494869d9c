//! The two template environments (minijinja):
//! - [`ContentTemplates`] runs a guide's Markdown through Jinja before Markdown rendering:
//!   `{% include %}` of shared steps from `content/shared/`, per-network variables and the
//!   data functions `link`, `method`, `offered`, `profile`, `step_url`; every printed value
//!   is escaped for Markdown ([`crate::markdown_value`]).
//! - [`PageTemplates`] renders pages with the theme's templates (embedded default, site
//!   overrides by file name).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior};

use crate::content::{Data, Shared};
use crate::error::{Result, SourceError};
use crate::included::Included;
use crate::theme::Theme;

fn invalid(msg: String) -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, msg)
}

/// Rejects include names that could leave their folder.
fn safe_relative(name: &str) -> Option<PathBuf> {
    let p = Path::new(name);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
}

/// The name of the fragment of `content/shared/` an include names (`a//b.md` is `a/b.md`);
/// `None` for a name that could leave the folder.
fn fragment_key(name: &str) -> Option<String> {
    let rel = safe_relative(name)?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

thread_local! {
    /// The fragments included on this thread since [`recording_includes`] started, if it did.
    static INCLUDES: std::cell::RefCell<Option<BTreeSet<String>>> =
        const { std::cell::RefCell::new(None) };
}

fn record_include(key: String) {
    INCLUDES.with(|r| {
        if let Some(set) = r.borrow_mut().as_mut() {
            set.insert(key);
        }
    });
}

/// Records `keys` as included by the page being rendered on this thread (for work done
/// once and reused by several pages).
pub fn record_includes(keys: &BTreeSet<String>) {
    for key in keys {
        record_include(key.clone());
    }
}

/// Runs `f` (which renders on this thread) and returns what it returned with the fragments of
/// `content/shared/` that the content templates included meanwhile, directly or through other
/// fragments, as named. Recordings nest: an enclosing recording also gets them.
pub fn recording_includes<T>(f: impl FnOnce() -> T) -> (T, BTreeSet<String>) {
    let outer = INCLUDES.with(|r| r.borrow_mut().replace(BTreeSet::new()));
    let out = f();
    let mine = INCLUDES
        .with(|r| std::mem::replace(&mut *r.borrow_mut(), outer))
        .unwrap_or_default();
    INCLUDES.with(|r| {
        if let Some(outer) = r.borrow_mut().as_mut() {
            outer.extend(mine.iter().cloned());
        }
    });
    (out, mine)
}

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

/// Jinja preprocessing of Markdown sources.
pub struct ContentTemplates {
    env: Environment<'static>,
    shared_dir: PathBuf,
}

/// The most instructions one render may run (minijinja's fuel): a real page needs a small part
/// of it; a runaway loop (`range(100000)` inside `range(100000)`) stops with an error instead of
/// hanging the build. The recursion limit is minijinja's own.
const FUEL: u64 = 50_000_000;

impl ContentTemplates {
    pub fn new(
        shared: Arc<Shared>,
        data: Arc<Data>,
        as_of: String,
        guide_slugs: Vec<String>,
    ) -> ContentTemplates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_debug(true);
        env.set_fuel(Some(FUEL));
        // Values are text, never Markdown (see `markdown_value`).
        env.set_formatter(crate::markdown_value::formatter);
        let shared_dir = shared.dir.clone();
        // Called on every include, import and extends while a template runs (the loader only
        // on a name's first use): records the fragments the current page includes.
        env.set_path_join_callback(|name, _parent| {
            if let Some(key) = fragment_key(name) {
                record_include(key);
            }
            std::borrow::Cow::Borrowed(name)
        });
        env.set_loader(move |name| {
            let Some(key) = fragment_key(name) else {
                return Ok(None);
            };
            match shared.get(&key).map(|f| &f.text) {
                // between markers, so that each line is traced to its fragment (`included`)
                Some(Ok(text)) => Ok(Some(crate::included::wrap(&key, &heading_ids_raw(text)))),
                None => Ok(None),
                Some(Err(why)) => Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    why.clone(),
                )),
            }
        });
        let d = data.clone();
        env.add_function("link", move |id: &str| -> Result<Value, minijinja::Error> {
            d.link(id).map(|l| Value::from(Serde(l))).ok_or_else(|| {
                invalid(format!(
                    "unknown link `{id}` (not in content/data/links.yaml)"
                ))
            })
        });
        let d = data.clone();
        env.add_function(
            "method",
            move |id: &str| -> Result<Value, minijinja::Error> {
                d.method(id).map(|m| Value::from(Serde(m))).ok_or_else(|| {
                    invalid(format!(
                        "unknown verification method `{id}` (not in content/data/eu_login.yaml)"
                    ))
                })
            },
        );
        let d = data.clone();
        env.add_function(
            "offered",
            move |id: &str| -> Result<bool, minijinja::Error> {
                d.method(id).map(|m| m.offered_on(&as_of)).ok_or_else(|| {
                    invalid(format!(
                        "unknown verification method `{id}` (not in content/data/eu_login.yaml)"
                    ))
                })
            },
        );
        let data_for_facts = data.clone();
        let d = data;
        env.add_function(
            "profile",
            move |name: &str| -> Result<Value, minijinja::Error> {
                d.profile(name)
                    .map(|p| Value::from(Serde(p)))
                    .ok_or_else(|| {
                        invalid(format!(
                            "unknown access profile `{name}` (not in content/data/profiles.yaml)"
                        ))
                    })
            },
        );
        env.add_function(
            "institution",
            |state: &State, code: &str| -> Result<Value, minijinja::Error> {
                let net = state.lookup("network").ok_or_else(|| {
                    invalid("institution() is only available in guide pages".into())
                })?;
                let countries = net.get_attr("countries")?;
                for c in countries.try_iter()? {
                    for i in c.get_attr("institutions")?.try_iter()? {
                        if i.get_attr("code")?.as_str() == Some(code) {
                            return Ok(i);
                        }
                    }
                }
                Err(invalid(format!(
                    "institution(\"{code}\"): the network has no institution with code `{code}`"
                )))
            },
        );
        let d = data_for_facts;
        env.add_function("fact", move |id: &str| -> Result<Value, minijinja::Error> {
            d.facts
                .iter()
                .find(|f| f.id == id)
                .map(|f| Value::from(Serde(f)))
                .ok_or_else(|| {
                    invalid(format!(
                        "unknown fact `{id}` (not in content/data/facts.yaml)"
                    ))
                })
        });
        let slugs = guide_slugs;
        env.add_function(
            "guide_url",
            move |state: &State, slug: &str| -> Result<String, minijinja::Error> {
                if !slugs.iter().any(|s| s == slug) {
                    return Err(invalid(format!(
                        "guide_url(\"{slug}\"): there is no guide `{slug}`"
                    )));
                }
                let root = state
                    .lookup("root")
                    .map(|r| r.to_string())
                    .unwrap_or_default();
                Ok(format!("{root}{slug}/index.html"))
            },
        );
        env.add_function(
            "step_url",
            |state: &State, slug: &str| -> Result<String, minijinja::Error> {
                let urls = state
                    .lookup("step_urls")
                    .ok_or_else(|| invalid("step_url() is only available in guide pages".into()))?;
                match urls.get_attr(slug) {
                    Ok(v) if !v.is_undefined() => Ok(v.to_string()),
                    _ => Err(invalid(format!(
                        "step_url(\"{slug}\"): this guide has no step `{slug}`"
                    ))),
                }
            },
        );
        let screenshots = shared_dir
            .parent()
            .and_then(Path::parent)
            .map(|site| site.join("screenshots"))
            .unwrap_or_default();
        env.add_function(
            "shot",
            move |state: &State, name: &str| -> Result<String, minijinja::Error> {
                shot_src(&screenshots, state, name)
            },
        );
        ContentTemplates { env, shared_dir }
    }

    /// Renders `body` (from `file`, whose body starts at `body_line`) with `ctx`; also which
    /// fragment wrote each line.
    pub fn render(
        &self,
        file: &Path,
        body_line: usize,
        body: &str,
        ctx: &Value,
    ) -> Result<(String, Included), SourceError> {
        // Fast path: nothing to expand.
        if !body.contains("{{") && !body.contains("{%") && !body.contains("{#") {
            return Ok((body.to_string(), Included::default()));
        }
        let name = file.display().to_string();
        let body = heading_ids_raw(body);
        let rendered = self.env.render_named_str(&name, &body, ctx);
        rendered.map(crate::included::strip).map_err(|e| {
            to_source_error(&e, &|n| {
                if n == name || n.is_empty() {
                    (file.to_path_buf(), body_line.saturating_sub(1))
                } else {
                    (self.shared_dir.join(n), 0)
                }
            })
        })
    }
}

/// Markdown's heading attribute `{#id}` (`## Title {#id}`) would open a Jinja comment: at the
/// end of a heading line it is put in a `{% raw %}` block, on the same line, so it reaches
/// Markdown as written.
fn heading_ids_raw(text: &str) -> std::borrow::Cow<'_, str> {
    fn attr_start(line: &str) -> Option<usize> {
        let t = line.trim_start_matches(' ');
        if line.len() - t.len() > 3 || !t.starts_with('#') {
            return None;
        }
        let end = line.trim_end();
        let open = end.rfind("{#")?;
        let inner = &end[open + 2..];
        (inner.ends_with('}') && !inner.contains("#}") && !inner.contains('{')).then_some(open)
    }
    if !text.contains("{#") || !text.lines().any(|l| attr_start(l).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        match attr_start(line) {
            Some(open) => {
                let end = line.trim_end().len();
                out.push_str(&line[..open]);
                out.push_str("{% raw %}");
                out.push_str(&line[open..end]);
                out.push_str("{% endraw %}");
                out.push_str(&line[end..]);
            }
            None => out.push_str(line),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `shot("eul-create")`: the figure `src` of a sandbox screen's capture for the current guide:
/// the guide's own (`<guide>/<name>.png`) where it has one, else the one capture shared by every
/// guide of its system (`<system>/<name>.png`), which `scripts/screenshots` writes for screens
/// that look the same in most guides.
fn shot_src(screenshots: &Path, state: &State, name: &str) -> Result<String, minijinja::Error> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(invalid(format!(
            "shot(\"{name}\"): a screenshot name is lowercase letters, digits and dashes"
        )));
    }
    let guide = state
        .lookup("guide")
        .ok_or_else(|| invalid("shot() is only available in guide pages".into()))?;
    let attr = |key: &str| -> Result<String, minijinja::Error> {
        let v = guide.get_attr(key)?;
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| invalid(format!("shot(): the guide has no `{key}`")))
    };
    let own = format!("{}/{name}.png", attr("slug")?);
    if crate::input::is_file(&screenshots.join(&own)) {
        return Ok(own);
    }
    Ok(format!("{}/{name}.png", attr("system")?))
}

/// The theme's page templates.
pub struct PageTemplates {
    env: Environment<'static>,
    theme: Theme,
}

impl PageTemplates {
    /// Adds the UI-string function `t("English text", name=value, ...)` in the catalog's
    /// language (see [`crate::i18n::ui_html`]); without a call, `t` still works, in English.
    pub fn set_catalog(&mut self, catalog: std::sync::Arc<crate::i18n::Catalog>) {
        self.env.add_function(
            "t",
            move |id: String,
                  kwargs: minijinja::value::Kwargs|
                  -> Result<Value, minijinja::Error> {
                let mut args = Vec::new();
                for key in kwargs.args() {
                    args.push((key, kwargs.get::<Value>(key)?));
                }
                Ok(Value::from_safe_string(crate::i18n::ui_html(
                    &catalog, &id, &args,
                )))
            },
        );
    }

    pub fn new(theme: Theme) -> PageTemplates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_debug(true);
        env.set_fuel(Some(FUEL));
        let t = theme.clone();
        env.set_loader(move |name| {
            let Some(rel) = safe_relative(name) else {
                return Ok(None);
            };
            let rel = format!("templates/{}", rel.display());
            match t.get(&rel) {
                Ok(Some((bytes, _))) => {
                    String::from_utf8(bytes.into_owned())
                        .map(Some)
                        .map_err(|_| {
                            minijinja::Error::new(
                                ErrorKind::InvalidOperation,
                                format!("{rel} is not UTF-8"),
                            )
                        })
                }
                Ok(None) => Ok(None),
                Err(e) => Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{e:#}"),
                )),
            }
        });
        // Compact JSON that is safe inside <script> and attributes (`tojson` adds spaces).
        env.add_filter("json", |v: Value| -> Result<Value, minijinja::Error> {
            let text = serde_json::to_string(&v).map_err(|e| {
                minijinja::Error::new(ErrorKind::InvalidOperation, format!("json: {e}"))
            })?;
            Ok(Value::from_safe_string(json_for_html(&text)))
        });
        // Escape like the default formatter, but leave `/` alone: URLs stay readable.
        env.set_formatter(|out, state, value| {
            if *state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() {
                if let Some(s) = value.as_str() {
                    return write_html_escaped(out, s).map_err(|_| {
                        minijinja::Error::new(ErrorKind::WriteFailure, "writing the page")
                    });
                }
            }
            minijinja::escape_formatter(out, state, value)
        });
        // `html_link(href, text)`: a safe `<a>` (href and text escaped, unless the text is
        // already safe HTML such as the result of `t()`), for links inside UI strings.
        env.add_function("html_link", |href: String, text: Value| -> Value {
            let text = if text.is_safe() {
                text.to_string()
            } else {
                html_escape(&text.to_string())
            };
            Value::from_safe_string(format!("<a href=\"{}\">{text}</a>", html_escape(&href)))
        });
        // `english(text)`: English data (a source document's title, a contact's name) as safe
        // HTML for a UI string's placeholder, inside `<span lang="en">` on a page in another
        // language, so that screen readers read it in English.
        env.add_function(
            "english",
            |state: &minijinja::State, text: Value| -> Value {
                let text = if text.is_safe() {
                    text.to_string()
                } else {
                    html_escape(&text.to_string())
                };
                let lang = state.lookup("lang");
                if lang
                    .as_ref()
                    .and_then(Value::as_str)
                    .is_none_or(|l| l == "en")
                {
                    Value::from_safe_string(text)
                } else {
                    Value::from_safe_string(format!("<span lang=\"en\">{text}</span>"))
                }
            },
        );
        // `kbd(label)`: a key's name (e.g. the result of `t("Space")`) as `<kbd>`, for a UI
        // string's placeholder.
        env.add_function("kbd", |label: Value| -> Value {
            let label = if label.is_safe() {
                label.to_string()
            } else {
                html_escape(&label.to_string())
            };
            Value::from_safe_string(format!("<kbd>{label}</kbd>"))
        });
        let mut pages = PageTemplates { env, theme };
        pages.set_catalog(std::sync::Arc::new(crate::i18n::Catalog::empty("")));
        pages
    }

    /// Renders the template `name` (e.g. `step.html`) with `ctx`.
    pub fn render(&self, name: &str, ctx: &Value) -> Result<String> {
        let tmpl = self.env.get_template(name).map_err(|e| self.error(&e))?;
        tmpl.render(ctx).map_err(|e| self.error(&e).into())
    }

    fn error(&self, e: &minijinja::Error) -> SourceError {
        to_source_error(e, &|n| {
            let rel = format!("templates/{n}");
            let origin = match self.theme.get(&rel) {
                Ok(Some((_, origin))) => origin,
                _ => rel,
            };
            (PathBuf::from(origin), 0)
        })
    }
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
    use super::heading_ids_raw;

    #[test]
    fn heading_attributes_are_not_jinja_comments() {
        let src = "## Help {#help}\nText {# a comment #}\n# Top {#top .wide}\n";
        assert_eq!(
            heading_ids_raw(src),
            "## Help {% raw %}{#help}{% endraw %}\nText {# a comment #}\n# Top {% raw %}{#top .wide}{% endraw %}\n"
        );
        assert!(matches!(
            heading_ids_raw("Plain {# x #}\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

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
    fn json_filter_is_compact_and_html_safe() {
        let t = PageTemplates::new(Theme::embedded_only());
        let out = t
            .env
            .render_str(
                "{{ v|json }}",
                minijinja::context! { v => minijinja::context! { a => "</script><b>&'", n => 1 } },
            )
            .unwrap();
        assert_eq!(
            out,
            r#"{"a":"\u003c/script\u003e\u003cb\u003e\u0026\u0027","n":1}"#
        );
    }

    #[test]
    fn safe_names() {
        assert!(safe_relative("eu-login/create.md").is_some());
        assert!(safe_relative("../secret").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
    }
}
