//! [`PageTemplates`]: the theme's page templates, with the functions they use to put UI
//! strings (`t`), links, keys and English data (`english`, `en`) into a page.

use std::collections::HashMap;
use std::path::PathBuf;

use minijinja::value::Value;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use rustc_hash::FxHashMap;

use super::{html_escape, json_for_html, safe_relative, to_source_error, write_html_escaped, FUEL};
use crate::error::{Result, SourceError};
use crate::theme::Theme;

/// The theme's page templates.
pub struct PageTemplates {
    env: Environment<'static>,
    theme: Theme,
}

impl PageTemplates {
    /// Adds the UI-string function `t("English text", name=value, ...)` in the catalog's
    /// language (see [`crate::i18n::ui_template`]); without a call, `t` still works, in English.
    pub fn set_catalog(&mut self, catalog: std::sync::Arc<crate::i18n::Catalog>) {
        // A string's HTML before its placeholders are filled is the same every time: made
        // once per catalog and string (pages call `t` dozens of times each); the id is
        // borrowed from the template's value (`Cow` converts like `String`, without a copy).
        let made: std::sync::RwLock<std::collections::HashMap<String, Value>> = Default::default();
        self.env.add_function(
            "t",
            move |id: std::borrow::Cow<'_, str>,
                  kwargs: minijinja::value::Kwargs|
                  -> Result<Value, minijinja::Error> {
                let mut args = Vec::new();
                for key in kwargs.args() {
                    args.push((key, kwargs.get::<Value>(key)?));
                }
                let known = made.read().ok().and_then(|m| m.get(id.as_ref()).cloned());
                let template = match known {
                    Some(html) => html,
                    None => {
                        let html = Value::from_safe_string(crate::i18n::ui_template(&catalog, &id));
                        if let Ok(mut m) = made.write() {
                            m.insert(id.into_owned(), html.clone());
                        }
                        html
                    }
                };
                if args.is_empty() {
                    return Ok(template);
                }
                let html = template.as_str().unwrap_or_default().to_string();
                Ok(Value::from_safe_string(crate::i18n::fill_placeholders(
                    html, &args,
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
            let text = printed(&text);
            Value::from_safe_string(format!("<a href=\"{}\">{text}</a>", html_escape(&href)))
        });
        // `english(text)`: English data (a source document's title, a contact's name) as safe
        // HTML for a UI string's placeholder, inside `<span lang="en">` on a page in another
        // language, so that screen readers read it in English.
        env.add_function(
            "english",
            |state: &minijinja::State, text: Value| -> Value {
                let text = printed(&text);
                if in_english(state) {
                    Value::from_safe_string(text)
                } else {
                    Value::from_safe_string(format!("<span lang=\"en\">{text}</span>"))
                }
            },
        );
        // `<p{{ en() }}>`: the attribute ` lang="en"` for an element that shows English data
        // (a source's title, an ERN's official name) on a page in another language.
        env.add_function("en", |state: &minijinja::State| -> Value {
            Value::from_safe_string(if in_english(state) {
                String::new()
            } else {
                " lang=\"en\"".to_string()
            })
        });
        // `kbd(label)`: a key's name (e.g. the result of `t("Space")`) as `<kbd>`, for a UI
        // string's placeholder.
        env.add_function("kbd", |label: Value| -> Value {
            let label = printed(&label);
            Value::from_safe_string(format!("<kbd>{label}</kbd>"))
        });
        // `step_items(steps, current, earlier)`: the `<li>` of each step of a guide's step list
        // (`macros.html`), the current one and the earlier ones marked (`earlier` is the
        // screen-reader text of an earlier step): made here, not by a loop in the template, as
        // every step page has the list of all its guide's steps (as a loop in the template, a
        // fifth of a page's template work).
        env.add_function("step_items", step_items);
        // `stylesheet(rel)`: the shipped stylesheet `static/<rel>` as a `<link>`, or, on a page
        // that sets `inline_styles` (its first paint should not wait for a request), in the page
        // as `<style>` ([`crate::theme::style_element`]; a `<link>` still when it cannot move).
        // Each file is made once per `PageTemplates` (`Theme::shipped_static_file`), by name.
        let made: std::sync::Arc<std::sync::Mutex<HashMap<String, Option<String>>>> =
            Default::default();
        let styles_theme = theme.clone();
        env.add_function(
            "stylesheet",
            move |state: &minijinja::State, rel: &str| -> Result<Value, minijinja::Error> {
                let fail = |e: String| minijinja::Error::new(ErrorKind::InvalidOperation, e);
                let element = {
                    let mut made = made.lock().map_err(|e| fail(e.to_string()))?;
                    match made.get(rel) {
                        Some(element) => element.clone(),
                        None => {
                            let css = styles_theme
                                .shipped_static_file(rel)
                                .map_err(|e| fail(format!("{e:#}")))?
                                .ok_or_else(|| {
                                    fail(format!("stylesheet(): the theme has no static/{rel}"))
                                })?;
                            let element = crate::theme::style_element(&css);
                            made.insert(rel.to_string(), element.clone());
                            element
                        }
                    }
                };
                let inline = state.lookup("inline_styles").is_some_and(|v| v.is_true());
                Ok(Value::from_safe_string(match element {
                    Some(element) if inline => element,
                    _ => {
                        let root = state
                            .lookup("root")
                            .and_then(|r| r.as_str().map(str::to_string))
                            .unwrap_or_default();
                        format!(
                            "<link rel=\"stylesheet\" href=\"{}\">",
                            html_escape(&format!("{root}static/{rel}"))
                        )
                    }
                }))
            },
        );
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

/// A page's context made of its `parts` (maps: the language's values, the site's, the
/// guide's, the page's own), a later part's name hiding an earlier one's, as
/// `minijinja::value::merge_maps` has them, but all in one hash map: a template looks up
/// every name in the context first (functions such as `t` too, found in no part), once for
/// each of its frames, and `merge_maps` asks each part in turn, most of them structs whose
/// fields are compared one by one.
pub fn page_context(parts: &[Value]) -> Value {
    let mut names: FxHashMap<String, Value> = FxHashMap::default();
    for part in parts {
        let Ok(keys) = part.try_iter() else {
            continue;
        };
        for key in keys {
            if let (Some(name), Ok(value)) = (key.as_str(), part.get_item(&key)) {
                if !value.is_undefined() {
                    names.insert(name.to_string(), value);
                }
            }
        }
    }
    Value::from_object(PageContext(names))
}

/// See [`page_context`].
#[derive(Debug)]
struct PageContext(FxHashMap<String, Value>);

impl minijinja::value::Object for PageContext {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Map
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_str()?).cloned()
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<Value> {
        self.0.get(key).cloned()
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        let mut names: Vec<&String> = self.0.keys().collect();
        names.sort_unstable();
        minijinja::value::Enumerator::Values(names.into_iter().map(Value::from).collect())
    }

    fn enumerator_len(self: &std::sync::Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }
}

/// `memo` in every page's context: template output that does not depend on the page, kept by
/// key for the rest of one build in one language (a new one for every build and language, so
/// `serve` never shows what an earlier build kept). `{% set x = memo.get(key) %}` is the
/// text kept under `key` (none if nothing is); `memo.put(key, text)` keeps `text` and returns
/// it. The key must name everything the text depends on besides the language's data (the
/// practice page keeps the sandbox's hints and messages by system and SMS offer: the same on
/// every guide's practice page, and a twentieth of a build's work when each made its own).
#[derive(Debug, Default)]
pub struct Memo(std::sync::Mutex<FxHashMap<String, Value>>);

impl Memo {
    /// A new, empty memo as a template value.
    pub fn value() -> Value {
        Value::from_object(Memo::default())
    }
}

impl minijinja::value::Object for Memo {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Plain
    }

    fn call_method(
        self: &std::sync::Arc<Self>,
        _state: &mut minijinja::State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, minijinja::Error> {
        let fail = |e: String| minijinja::Error::new(ErrorKind::InvalidOperation, e);
        let key = args.first().and_then(Value::as_str).ok_or_else(|| {
            fail(format!(
                "memo.{method}(): the first argument is a key (a string)"
            ))
        });
        let mut kept = self.0.lock().map_err(|e| fail(e.to_string()))?;
        match (method, args.len()) {
            ("get", 1) => Ok(kept.get(key?).cloned().unwrap_or(Value::from(()))),
            ("put", 2) => {
                kept.insert(key?.to_string(), args[1].clone());
                Ok(args[1].clone())
            }
            _ => Err(fail(format!(
                "memo has get(key) and put(key, text), not {method}() with {} arguments",
                args.len()
            ))),
        }
    }
}

/// Whether the page being rendered is in English (its `lang`; a template rendered without one
/// is English): the one test of [`PageTemplates`]' `english()` and `en()`.
fn in_english(state: &minijinja::State) -> bool {
    state
        .lookup("lang")
        .as_ref()
        .and_then(Value::as_str)
        .is_none_or(|l| l == "en")
}

/// `value` as the page template would print it (`{{ value }}`): safe HTML as it is, anything
/// else escaped.
fn push_printed(out: &mut String, value: &Value) {
    match value.as_str() {
        Some(s) if !value.is_safe() => {
            // (writing to a String cannot fail)
            let _ = write_html_escaped(out, s);
        }
        Some(s) => out.push_str(s),
        None if value.is_safe() => out.push_str(&value.to_string()),
        None => {
            let _ = write_html_escaped(out, &value.to_string());
        }
    }
}

/// [`push_printed`] as a new string (for a UI string's placeholder, a link's text).
fn printed(value: &Value) -> String {
    let mut out = String::new();
    push_printed(&mut out, value);
    out
}

/// The template function `step_items(steps, current, earlier)` (see [`PageTemplates::new`]):
/// what the loop `{% for s in steps %}` of `macros.html`'s step list wrote, byte for byte.
fn step_items(steps: Value, current: Value, earlier: Value) -> Result<Value, minijinja::Error> {
    let attr = |s: &Value, key: &str| -> Result<Value, minijinja::Error> {
        let v = s.get_attr(key)?;
        if v.is_undefined() {
            return Err(minijinja::Error::new(
                ErrorKind::UndefinedError,
                format!("step_items(): a step has no `{key}`"),
            ));
        }
        Ok(v)
    };
    let has_current = current.is_true();
    let mut out = String::with_capacity(256 * steps.len().unwrap_or(8));
    for s in steps.try_iter()? {
        let number = attr(&s, "number")?;
        let is_current = has_current && number == current;
        let is_earlier = has_current && !is_current && number < current;
        out.push_str("\n    <li");
        if is_current {
            out.push_str(" class=\"eg-current\"");
        } else if is_earlier {
            out.push_str(" class=\"eg-done\"");
        }
        out.push_str(">\n      <a href=\"");
        push_printed(&mut out, &attr(&s, "url")?);
        out.push('"');
        if is_current {
            out.push_str(" aria-current=\"step\"");
        }
        out.push_str("><span class=\"eg-num\" aria-hidden=\"true\">");
        push_printed(&mut out, &number);
        out.push_str("</span> ");
        push_printed(&mut out, &attr(&s, "title")?);
        if is_earlier {
            out.push_str("<span class=\"eg-sr\"> ");
            push_printed(&mut out, &earlier);
            out.push_str("</span>");
        }
        out.push_str("</a>\n    </li>\n  ");
    }
    Ok(Value::from_safe_string(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_context_has_the_names_merge_maps_has() {
        #[derive(serde::Serialize)]
        struct Part {
            a: u32,
            b: &'static str,
        }
        let mut later = std::collections::BTreeMap::new();
        later.insert("b", Value::from("later b"));
        later.insert("c", Value::from(3));
        later.insert("u", Value::UNDEFINED);
        let mut first = std::collections::BTreeMap::new();
        first.insert("u", Value::from("kept u"));
        let parts = [
            Value::from(first),
            Value::from(minijinja::value::Serde(Part { a: 1, b: "first b" })),
            Value::from(later),
        ];
        let flat = page_context(&parts);
        let merged = minijinja::value::merge_maps(parts.clone());
        let env = Environment::new();
        let t = "{{ a }}/{{ b }}/{{ c }}/{{ u }}/{{ d is defined }}";
        let by_flat = env.render_str(t, &flat).unwrap();
        assert_eq!(by_flat, "1/later b/3/kept u/False");
        assert_eq!(by_flat, env.render_str(t, &merged).unwrap());
        let names = |v: &Value| {
            v.try_iter()
                .unwrap()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&flat), names(&merged));
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
    fn step_items_writes_what_the_template_loop_wrote() {
        // The loop `macros.html` had before `step_items`, byte for byte.
        const LOOP: &str = r#"{% for s in steps %}
    <li{% if current and s.number == current %} class="eg-current"{% elif current and s.number < current %} class="eg-done"{% endif %}>
      <a href="{{ s.url }}"{% if current and s.number == current %} aria-current="step"{% endif %}><span class="eg-num" aria-hidden="true">{{ s.number }}</span> {{ s.title }}{% if current and s.number < current %}<span class="eg-sr"> {{ earlier }}</span>{% endif %}</a>
    </li>
  {% endfor %}"#;
        let t = PageTemplates::new(Theme::embedded_only());
        let steps = Value::from(vec![
            minijinja::context! { number => 1, url => "../a/index.html", title => "Tom & \"Jerry's\" <b>" },
            minijinja::context! { number => 2, url => "../b/index.html?x=1&y=<2>", title => Value::from_safe_string("Safe <em>title</em>".into()) },
            minijinja::context! { number => 3, url => "../c/index.html", title => "Third" },
        ]);
        for current in [
            Value::from(()),
            Value::from(1),
            Value::from(2),
            Value::from(3),
            Value::from(9),
        ] {
            for earlier in [
                Value::from("(earlier <step>)"),
                Value::from_safe_string("(<i>earlier</i>)".into()),
            ] {
                let ctx = minijinja::context! { steps => steps.clone(), current => current.clone(), earlier => earlier.clone() };
                // (named `.html`: escaped as the page templates are)
                let html = |src: &str| {
                    let tmpl = t.env.template_from_named_str("list.html", src).unwrap();
                    tmpl.render(ctx.clone()).unwrap()
                };
                let by_loop = html(LOOP);
                let by_fn = html("{{ step_items(steps, current, earlier) }}");
                assert_eq!(by_fn, by_loop, "current {current:?}, earlier {earlier:?}");
            }
        }
        // A step without a title is an error, as it was in the loop (strict undefined).
        let err = t
            .env
            .render_str(
                "{{ step_items(steps, 1, 'x') }}",
                minijinja::context! { steps => vec![minijinja::context! { number => 1, url => "u" }] },
            )
            .unwrap_err();
        assert!(err.to_string().contains("title"), "{err}");
    }

    #[test]
    fn memo_keeps_a_text_by_key_for_its_own_life_only() {
        let t = PageTemplates::new(Theme::embedded_only());
        // What the practice page does: make the text only when nothing is kept under its key.
        const KEEP: &str = "{% set kept = memo.get(key) %}{% if kept is none %}{% set kept %}<b>{{ made }}</b>{% endset %}{% set kept = memo.put(key, kept) %}{% endif %}{{ kept }}";
        let tmpl = t.env.template_from_named_str("keep.html", KEEP).unwrap();
        let memo = Memo::value();
        let render = |memo: &Value, key: &str, made: &str| {
            tmpl.render(minijinja::context! { memo => memo.clone(), key => key, made => made })
                .unwrap()
        };
        assert_eq!(render(&memo, "a", "first & one"), "<b>first &amp; one</b>");
        // the same key: the kept text, as safe HTML (not escaped again), not a new one
        assert_eq!(render(&memo, "a", "second"), "<b>first &amp; one</b>");
        assert_eq!(render(&memo, "b", "second"), "<b>second</b>");
        // another memo (another build or language) keeps nothing of this one's
        assert_eq!(render(&Memo::value(), "a", "third"), "<b>third</b>");
        let err = t
            .env
            .render_str(
                "{{ memo.forget('a') }}",
                minijinja::context! { memo => memo },
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("get(key) and put(key, text)"),
            "{err}"
        );
    }

    #[test]
    fn english_marks_only_pages_in_other_languages() {
        let t = PageTemplates::new(Theme::embedded_only());
        let tmpl = "<p{{ en() }}>{{ english(name) }}</p>";
        let render = |lang: Option<&str>| {
            t.env
                .render_str(tmpl, minijinja::context! { lang => lang, name => "A & B" })
                .unwrap()
        };
        assert_eq!(render(Some("en")), "<p>A &amp; B</p>");
        assert_eq!(render(None), "<p>A &amp; B</p>");
        assert_eq!(
            render(Some("de")),
            "<p lang=\"en\"><span lang=\"en\">A &amp; B</span></p>"
        );
    }
}
