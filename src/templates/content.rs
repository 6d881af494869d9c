//! [`ContentTemplates`]: Jinja over a guide's Markdown sources (before Markdown rendering),
//! with the shared fragments as includes (each recorded for the page that includes it) and
//! the data functions.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior};

use super::{invalid, safe_relative, to_source_error, FUEL};
use crate::content::{Data, Shared};
use crate::error::SourceError;
use crate::included::Included;

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

/// Jinja preprocessing of Markdown sources.
pub struct ContentTemplates {
    env: Environment<'static>,
    shared_dir: PathBuf,
}

impl ContentTemplates {
    pub fn new(
        shared: Arc<Shared>,
        data: Arc<Data>,
        as_of: String,
        guide_slugs: Vec<String>,
        marks_english: bool,
    ) -> ContentTemplates {
        // On a page in another language, the descriptions of methods and profiles (screen
        // text, printed inside translated sentences) are marked English.
        let data = if marks_english {
            Arc::new(screen_descriptions_marked(&data))
        } else {
            data
        };
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
        let [(text, _)] = self.render_each(file, body_line, body, [ctx])?;
        text
    }

    /// [`ContentTemplates::render`] of one body with each of `ctxs`, compiled once: each
    /// result with the fragments its rendering included (recorded as `recording_includes`
    /// does, so an enclosing recording gets them too). The error when the body does not
    /// compile.
    pub fn render_each<const N: usize>(
        &self,
        file: &Path,
        body_line: usize,
        body: &str,
        ctxs: [&Value; N],
    ) -> Result<[Rendering; N], SourceError> {
        // Fast path: nothing to expand.
        if !has_jinja(body) {
            let plain = |_| (Ok((body.to_string(), Included::default())), BTreeSet::new());
            return Ok(ctxs.map(plain));
        }
        let name = file.display().to_string();
        let text = heading_ids_raw(body);
        let error = |e: minijinja::Error| self.source_error(&e, &name, file, body_line);
        let template = (self.env.template_from_named_str(&name, &text)).map_err(error)?;
        Ok(ctxs.map(|ctx| {
            recording_includes(|| {
                (template.render(ctx))
                    .map(crate::included::strip)
                    .map_err(error)
            })
        }))
    }

    /// A content template's error at its `file:line` (the body of `file`, named `name`,
    /// starts at `body_line`; a fragment's at its own file).
    fn source_error(
        &self,
        e: &minijinja::Error,
        name: &str,
        file: &Path,
        body_line: usize,
    ) -> SourceError {
        to_source_error(e, &|n| {
            if n == name || n.is_empty() {
                (file.to_path_buf(), body_line.saturating_sub(1))
            } else {
                (self.shared_dir.join(n), 0)
            }
        })
    }
}

/// Whether `body` has a Jinja tag, expression or comment (else it is its own expansion).
fn has_jinja(body: &str) -> bool {
    body.contains("{{") || body.contains("{%") || body.contains("{#")
}

/// One rendering of [`ContentTemplates::render_each`]: the text and which fragment wrote each
/// line, and the fragments it included.
pub type Rendering = (Result<(String, Included), SourceError>, BTreeSet<String>);

/// `data` with the verification methods' and access profiles' descriptions between the
/// English markers ([`crate::i18n::screen_text::ENGLISH_START`]).
fn screen_descriptions_marked(data: &Data) -> Data {
    use crate::i18n::screen_text::english_marked;
    let mut d = data.clone();
    for m in &mut d.eu_login.methods {
        m.description = english_marked(&m.description);
    }
    for p in &mut d.profiles {
        p.description = english_marked(&p.description);
    }
    d
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
}
