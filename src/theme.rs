//! The theme: templates and static files. The default theme (`themes/default/`) is embedded in
//! the binary; a site's own `themes/<name>/` folder overrides any file of the same relative path.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Result, SourceError};
use crate::input;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));
}

/// The embedded default theme: (relative path, bytes), sorted by path.
pub fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::THEME_FILES
}

/// Resolves theme files: the site's override folder first, then the embedded default.
#[derive(Debug, Clone)]
pub struct Theme {
    override_dir: Option<PathBuf>,
}

impl Theme {
    pub fn new(site_dir: &Path, name: &str) -> Theme {
        let dir = site_dir.join("themes").join(name);
        Theme {
            override_dir: dir.is_dir().then_some(dir),
        }
    }

    /// Only the embedded files (for tests).
    #[cfg(test)]
    pub fn embedded_only() -> Theme {
        Theme { override_dir: None }
    }

    /// The file at `rel` (e.g. `templates/base.html`), and where it came from (its path, or
    /// `built-in theme: <rel>`).
    pub fn get(&self, rel: &str) -> Result<Option<(Cow<'static, [u8]>, String)>> {
        if let Some(dir) = &self.override_dir {
            let p = dir.join(rel);
            if p.is_file() {
                let bytes = input::read_bytes(&p)?;
                return Ok(Some((Cow::Owned(bytes), p.display().to_string())));
            }
        }
        Ok(embedded_files()
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(p, b)| (Cow::Borrowed(*b), format!("built-in theme: {p}"))))
    }

    /// Every static file (`static/...`), merged: relative path under `static/` -> bytes.
    pub fn static_files(&self) -> Result<BTreeMap<String, Cow<'static, [u8]>>> {
        let mut files: BTreeMap<String, Cow<'static, [u8]>> = embedded_files()
            .iter()
            .filter_map(|(p, b)| {
                p.strip_prefix("static/")
                    .map(|r| (r.to_string(), Cow::Borrowed(*b)))
            })
            .collect();
        if let Some(dir) = &self.override_dir {
            for (path, rel) in input::walk_files(&dir.join("static"))? {
                files.insert(rel, Cow::Owned(input::read_bytes(&path)?));
            }
        }
        Ok(files)
    }

    /// Every static file as the output ships it (`static/<rel>`): imports in place
    /// ([`inline_imports`]), then [`compact`]ed.
    pub fn shipped_static_files(&self) -> Result<BTreeMap<String, Vec<u8>>> {
        let files = self.static_files()?;
        let mut shipped = BTreeMap::new();
        for (rel, bytes) in &files {
            let bytes = inline_imports(rel, bytes, |t| {
                Ok(files.get(t).map(|b| Cow::Borrowed(&**b)))
            })?;
            shipped.insert(rel.clone(), compact(rel, &bytes));
        }
        Ok(shipped)
    }

    /// One static file as the output ships it (what [`Theme::shipped_static_files`] gives for
    /// `rel`), made alone: only it and the files it imports are read. `None` when the theme
    /// has no `static/<rel>`.
    pub fn shipped_static_file(&self, rel: &str) -> Result<Option<Vec<u8>>> {
        let Some((bytes, _)) = self.get(&format!("static/{rel}"))? else {
            return Ok(None);
        };
        let bytes = inline_imports(rel, &bytes, |t| {
            Ok(self.get(&format!("static/{t}"))?.map(|(b, _)| b))
        })?;
        Ok(Some(compact(rel, &bytes)))
    }
}

/// A shipped stylesheet as a `<style>` element, for a page whose first paint should not wait
/// for a request (the practice page: Lighthouse measured its lead paragraph waiting for three
/// stylesheets while the scripts downloaded). `None` when the text cannot move into the page
/// unchanged: a `url(...)` would resolve against the page instead of `static/`, and `</style`
/// would end the element early.
pub fn style_element(css: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(css).ok()?;
    let lower = text.to_ascii_lowercase();
    if lower.contains("url(") || lower.contains("</style") || lower.contains("@import") {
        return None;
    }
    Some(format!("<style>{text}</style>"))
}

/// Puts each `@import "name.css";` line of a stylesheet in `static/` in place, with the static
/// file it names (relative to the stylesheet's folder): a part of a stylesheet can be loaded
/// alone (the sandbox page loads `base.css` only) while the whole stays one request. Other files
/// are returned unchanged. `file` gives a static file by its path under `static/`. An import of
/// a file that is not there is an error naming the line.
pub fn inline_imports<'a>(
    rel: &str,
    bytes: &[u8],
    file: impl Fn(&str) -> Result<Option<Cow<'a, [u8]>>>,
) -> Result<Vec<u8>> {
    let Some(text) = rel
        .ends_with(".css")
        .then(|| std::str::from_utf8(bytes).ok())
        .flatten()
        .filter(|t| t.contains("@import"))
    else {
        return Ok(bytes.to_vec());
    };
    let dir = rel.rfind('/').map_or("", |i| &rel[..=i]);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        let Some(arg) = line.trim().strip_prefix("@import") else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let name = arg
            .trim()
            .trim_end_matches(';')
            .trim()
            .trim_start_matches("url(")
            .trim_end_matches(')')
            .trim_matches(|c| c == '"' || c == '\'');
        let target = format!("{dir}{name}");
        match file(&target)? {
            Some(b) if target.ends_with(".css") && target != rel => {
                out.push_str(&String::from_utf8_lossy(&b));
                out.push('\n');
            }
            _ => {
                return Err(SourceError::new(
                    format!("static/{rel}"),
                    i + 1,
                    format!("`@import` of `{name}`, which is not another stylesheet of the theme's static/ folder"),
                )
                .into())
            }
        }
    }
    Ok(out.into_bytes())
}

/// Shrinks a CSS or JS file without changing what it does: the `minifier` crate's token-based
/// minifiers (comments and whitespace). A file they cannot handle falls back to the line-based
/// pass below. Other files are returned unchanged. A script's first line that is a `//#` pragma
/// stays its first line (`js_pragma`).
pub fn compact(rel: &str, bytes: &[u8]) -> Vec<u8> {
    let lines = compact_lines(rel, bytes);
    let Ok(text) = std::str::from_utf8(&lines) else {
        return lines;
    };
    if rel.ends_with(".js") {
        let mut out = js_pragma(bytes)
            .map(|p| format!("{p}\n"))
            .unwrap_or_default();
        out.push_str(&minifier::js::minify(text).to_string());
        out.into_bytes()
    } else if rel.ends_with(".css") {
        match minifier::css::minify(text) {
            Ok(min) if !glued_universal(&min.to_string()) => min.to_string().into_bytes(),
            _ => lines,
        }
    } else {
        lines
    }
}

/// Whether a selector of minified CSS has a `*` glued to what precedes it (`a)*`, `b*`): the
/// `minifier` crate drops the space of a descendant `*` (`body:has(.x) *` becomes
/// `body:has(.x)*`, a selector the browser throws away with its rule). A universal selector
/// starts a compound, so only a combinator, a space, `,`, `(` or a namespace's `|` may precede
/// it; inside `[...]` it is an attribute operator (`[href*=x]`).
fn glued_universal(css: &str) -> bool {
    // a selector list is the text since the last `{`, `}` or `;` that a `{` ends
    let mut prelude_start = 0;
    for (i, c) in css.char_indices() {
        match c {
            '}' | ';' => prelude_start = i + 1,
            '{' => {
                let prelude = &css[prelude_start..i];
                prelude_start = i + 1;
                if prelude.trim_start().starts_with('@') {
                    continue;
                }
                let mut brackets = 0u32;
                let mut prev = ' ';
                for p in prelude.chars() {
                    match p {
                        '[' => brackets += 1,
                        ']' => brackets = brackets.saturating_sub(1),
                        '*' if brackets == 0
                            && (prev.is_alphanumeric()
                                || matches!(prev, ')' | ']' | '_' | '-')) =>
                        {
                            return true
                        }
                        _ => {}
                    }
                    prev = p;
                }
            }
            _ => {}
        }
    }
    false
}

/// A script's first line when it is a `//#` pragma, an instruction to the browser rather than a
/// comment: V8's compile hints (`//# allFunctionsCalledOnLoad`: compile every function while the
/// script downloads, off the page's main thread), read only at the very start of a script.
/// Only the first line's bytes are decoded.
fn js_pragma(bytes: &[u8]) -> Option<&str> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let first = std::str::from_utf8(&bytes[..end]).ok()?.trim_end();
    first.starts_with("//# ").then_some(first)
}

/// The line-based pass: drops comments that stand on their own lines, leading indentation and
/// blank lines (the theme's scripts keep no multi-line strings or template literals).
fn compact_lines(rel: &str, bytes: &[u8]) -> Vec<u8> {
    let is_js = rel.ends_with(".js");
    if !(is_js || rel.ends_with(".css")) {
        return bytes.to_vec();
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let mut out = String::with_capacity(text.len());
    let mut in_block = false;
    for line in text.lines() {
        let t = line.trim();
        if in_block {
            if let Some(end) = t.find("*/") {
                in_block = false;
                let rest = t[end + 2..].trim();
                if !rest.is_empty() {
                    out.push_str(rest);
                    out.push('\n');
                }
            }
            continue;
        }
        if t.is_empty() || (is_js && t.starts_with("//")) {
            continue;
        }
        if t.starts_with("/*") {
            match t.find("*/") {
                Some(end) => {
                    let rest = t[end + 2..].trim();
                    if !rest.is_empty() {
                        out.push_str(rest);
                        out.push('\n');
                    }
                }
                None => in_block = true,
            }
            continue;
        }
        out.push_str(t);
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_file_on_disk_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let on_disk: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert!(!on_disk.is_empty());
        for f in on_disk {
            assert!(
                embedded_files().iter().any(|(p, _)| *p == f),
                "{f} not embedded"
            );
        }
    }

    #[test]
    fn imports_are_inlined_and_a_missing_one_is_an_error() {
        let mut files: BTreeMap<String, Cow<'static, [u8]>> = BTreeMap::new();
        files.insert("base.css".into(), Cow::Borrowed(b".b { color: red; }\n"));
        let files = |t: &str| Ok(files.get(t).cloned());
        let out = inline_imports(
            "site.css",
            b"/* x */\n@import \"base.css\";\n.s { margin: 0; }\n",
            files,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "/* x */\n.b { color: red; }\n\n.s { margin: 0; }\n"
        );
        assert_eq!(
            inline_imports("a.js", b"@import x", files).unwrap(),
            b"@import x"
        );
        let err = inline_imports("site.css", b".a{}\n@import url(gone.css);\n", files).unwrap_err();
        assert_eq!(err.to_string(), "static/site.css:2: `@import` of `gone.css`, which is not another stylesheet of the theme's static/ folder");
    }

    #[test]
    fn one_shipped_file_is_the_same_as_in_all_of_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/default/static")).unwrap();
        // an override that imports an embedded file
        std::fs::write(
            dir.path().join("themes/default/static/own.css"),
            "@import \"base.css\";\n.own { color: red; }\n",
        )
        .unwrap();
        let t = Theme::new(dir.path(), "default");
        let all = t.shipped_static_files().unwrap();
        assert!(all.contains_key("own.css") && all.contains_key("site.css"));
        for (rel, bytes) in &all {
            assert_eq!(
                t.shipped_static_file(rel).unwrap().as_ref(),
                Some(bytes),
                "{rel}"
            );
        }
        assert_eq!(t.shipped_static_file("none.css").unwrap(), None);
    }

    #[test]
    fn compact_drops_comments_and_indentation_only() {
        let js =
            "/**\n * doc\n */\nfunction f() {\n    // note\n    return 'a // b'; /* keep */\n}\n\n";
        assert_eq!(
            String::from_utf8(compact_lines("x.js", js.as_bytes())).unwrap(),
            "function f() {\nreturn 'a // b'; /* keep */\n}\n"
        );
        let css = "/* head */\n.a {\n  color: red; /* x */\n}\n";
        assert_eq!(
            String::from_utf8(compact_lines("x.css", css.as_bytes())).unwrap(),
            ".a {\ncolor: red; /* x */\n}\n"
        );
        assert_eq!(compact("x.png", b"  raw"), b"  raw");
    }

    #[test]
    fn compact_minifies_js_and_css_keeping_strings_and_regexes() {
        let js = "var a = 'x  y'; // c\nvar r = /a b\\//g;\nif (a === 'x  y') { f( a , r ); }\n";
        let out = String::from_utf8(compact("x.js", js.as_bytes())).unwrap();
        assert!(out.len() < js.len(), "{out}");
        assert!(out.contains("'x  y'") && out.contains("/a b\\//g"), "{out}");
        let css = ".a {\n  color : red;\n}\n";
        assert_eq!(
            String::from_utf8(compact("x.css", css.as_bytes())).unwrap(),
            ".a{color:red;}"
        );
    }

    #[test]
    fn compact_keeps_the_space_of_a_descendant_universal_selector() {
        let css = "/* print */\nbody:has(.c:not([hidden])) * { visibility: hidden; }\n.c, .c * { color: red; }\n";
        let out = String::from_utf8(compact("p.css", css.as_bytes())).unwrap();
        assert!(out.contains("body:has(.c:not([hidden])) *"), "{out}");
        assert!(!out.contains("print"), "comments still go: {out}");
        // CSS the minifier keeps intact stays minified
        let fine = "a[href*=x] > * , .b * { width: calc(1px * 2); }\n";
        let out = String::from_utf8(compact("f.css", fine.as_bytes())).unwrap();
        assert!(!out.contains('\n') && out.contains("[href*=x]"), "{out}");
        assert!(glued_universal("x{}a)*{b:c}"));
        assert!(!glued_universal("@media (x){a *{b:calc(1px*2)}}[a*=b]{}"));
    }

    #[test]
    fn compact_keeps_a_leading_js_pragma_first() {
        let js = "//# allFunctionsCalledOnLoad\n/* doc */\nvar a = 1; // c\n//# not first\n";
        let out = String::from_utf8(compact("x.js", js.as_bytes())).unwrap();
        assert!(out.starts_with("//# allFunctionsCalledOnLoad\n"), "{out}");
        assert!(!out.contains("doc") && !out.contains("not first"), "{out}");
        assert!(out.contains("var a=1"), "{out}");
        // only a script's first line
        let later = "var a = 1;\n//# allFunctionsCalledOnLoad\n";
        assert!(!String::from_utf8(compact("x.js", later.as_bytes()))
            .unwrap()
            .contains("//#"));
        // only the first line is read: what follows it need not even be text
        assert_eq!(
            js_pragma(b"//# allFunctionsCalledOnLoad\r\n\xff\xfe"),
            Some("//# allFunctionsCalledOnLoad")
        );
        assert_eq!(js_pragma(b"var a;\n//# x\n"), None);
    }

    #[test]
    fn override_wins() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/default/templates")).unwrap();
        std::fs::write(
            dir.path().join("themes/default/templates/base.html"),
            "MINE",
        )
        .unwrap();
        let t = Theme::new(dir.path(), "default");
        let (bytes, origin) = t.get("templates/base.html").unwrap().unwrap();
        assert_eq!(&*bytes, b"MINE");
        assert!(origin.contains("themes/default/templates/base.html"));
        let (_, origin) = Theme::embedded_only()
            .get("templates/base.html")
            .unwrap()
            .unwrap();
        assert!(origin.contains("built-in"));
    }
}
