//! Data values written into Markdown: what the content templates print for `{{ value }}`.
//!
//! A value from YAML or `site.toml` (a network name, a helpdesk address, a link's URL, a fact)
//! is text, never Markdown. [`formatter`] writes every ASCII punctuation character of a value as
//! a numeric character reference (`[` as `&#91;`), line breaks as spaces, and a space or tab
//! at its start or end as a reference too. CommonMark turns a reference back into its character in text,
//! link text and link destinations, but never reads it as syntax, so a value cannot open an
//! image, a link, emphasis, a heading attribute, a table cell or a new block, and the HTML shows
//! exactly the value's characters. The same text is inert inside the double-quoted YAML of a
//! `figure` block (no `"` or `\` is left to end the string, no line break to start a key):
//! the figure's strings go through [`unescape`] after the YAML is parsed.
//!
//! A template that means to print Markdown marks it `|safe` (values from functions that build
//! Markdown on purpose, none today).

use std::fmt::Write;

use minijinja::value::Value;
use minijinja::{ErrorKind, State};

/// The content templates' formatter (see the module documentation).
pub fn formatter(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if value.is_safe() || value.is_undefined() || value.is_none() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text;
    let s = match value.as_str() {
        Some(s) => s,
        None => {
            text = value.to_string();
            &text
        }
    };
    write_escaped(out, s)
        .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "writing Markdown"))
}

/// `s` as Markdown text that shows exactly `s` (see the module documentation).
#[cfg(test)]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    // Writing to a String cannot fail.
    let _ = write_escaped(&mut out, s);
    out
}

/// [`escape`] into `out`: unescaped runs are copied whole.
pub fn write_escaped(out: &mut impl Write, s: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        // A blank at the start could indent a line into a code block; at the end, before the
        // template's line break, two make a hard break.
        let edge_blank = (i == 0 || i + 1 == s.len()) && (b == b' ' || b == b'\t');
        if !(b.is_ascii_punctuation() || b == b'\n' || b == b'\r' || edge_blank) {
            continue;
        }
        out.write_str(&s[start..i])?;
        if b == b'\n' || b == b'\r' {
            out.write_char(' ')?;
        } else {
            // `&#N;`, N in decimal (1 to 3 digits), without the formatting machinery: the
            // content templates print every value through here
            out.write_str("&#")?;
            if b >= 100 {
                out.write_char(char::from(b'0' + b / 100))?;
            }
            if b >= 10 {
                out.write_char(char::from(b'0' + b / 10 % 10))?;
            }
            out.write_char(char::from(b'0' + b % 10))?;
            out.write_char(';')?;
        }
        start = i + 1;
    }
    out.write_str(&s[start..])
}

/// Turns the references [`escape`] writes (`&#N;` for ASCII punctuation, space or tab) back
/// into their characters; everything else stays as it is.
pub fn unescape(s: &str) -> String {
    if !s.contains("&#") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let decoded = (1..=3)
            .contains(&digits)
            .then(|| after[digits..].starts_with(';'))
            .filter(|ends| *ends)
            .and_then(|_| after[..digits].parse::<u8>().ok())
            .filter(|b| b.is_ascii_punctuation() || *b == b' ' || *b == b'\t');
        match decoded {
            Some(b) => {
                out.push(char::from(b));
                rest = &after[digits + 1..];
            }
            None => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{render, RenderOptions};

    /// The probe's hostile values (security review 2026-12) and every ASCII punctuation mark.
    const HOSTILE: &[&str] = &[
        "ERN PaedCan ![t](https://evil.example/t.png) [click here](https://evil.example/phish)",
        "x@x.eu)![t](https://evil.example/t.png",
        "https://x.eu/)![t](https://evil.example/t.png",
        "X\" }\n  - { box: [0, 0, 400, 400], label: \"INJECTED-CALLOUT",
        "<https://evil.example/auto> <img src=x> &amp; &#91; \\[ *em* _em_ `code` ~~del~~ | a | b |",
        "Name {#evil .class}",
        "# heading\n\n- item\n\n1. one\n> quote\n---\n    code\n[ref]: https://evil.example/",
        "    indented",
        "trailing blanks  ",
        "[^1]\n\n[^1]: https://evil.example/",
        "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    ];

    /// Renders `line` (with `{v}` standing for the escaped value) and returns the HTML.
    fn html(line: &str, value: &str) -> String {
        let md = line.replace("{v}", &escape(value));
        render(&md, &RenderOptions::default()).unwrap().html
    }

    /// The text of the HTML with the page's own markup around it removed, entities decoded the
    /// way a browser shows them.
    fn shown(html: &str) -> String {
        html.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    #[test]
    fn values_in_text_are_shown_as_written_and_add_no_element() {
        for v in HOSTILE {
            let one_line = v.replace(['\n', '\r'], " ");
            for (line, before, after) in [
                ("Hello {v} there.", "<p>Hello ", " there.</p>\n"),
                ("**{v}**", "<p><strong>", "</strong></p>\n"),
                ("{v}", "<p>", "</p>\n"),
            ] {
                let out = html(line, v);
                let inner = out
                    .strip_prefix(before)
                    .and_then(|o| o.strip_suffix(after))
                    .unwrap_or_else(|| panic!("{v:?} in {line:?} changed the markup: {out}"));
                assert!(!inner.contains('<'), "{v:?}: an element in {out}");
                assert_eq!(shown(inner), one_line, "{v:?} in {line:?}");
            }
        }
    }

    #[test]
    fn values_in_lists_tables_and_headings_stay_text() {
        for v in HOSTILE {
            for (line, tag, count) in [
                ("- {v}", "<li>", 1),
                ("## {v}", "<h2", 1),
                ("| a | b |\n|---|---|\n| {v} | x |", "<td>", 2),
                ("> **{v}**", "<blockquote>", 1),
                ("- {v}\n  next line", "<li>", 1),
            ] {
                let out = html(line, v);
                for tag in ["<img", "<a ", "<code", "<em", "<ol", "<hr", "<pre"] {
                    assert!(!out.contains(tag), "{v:?} in {line:?}: {out}");
                }
                assert_eq!(out.matches(tag).count(), count, "{v:?} in {line:?}: {out}");
                // No extra element: as many tags as with a plain value.
                let plain = html(line, "plain");
                assert_eq!(
                    out.matches('<').count(),
                    plain.matches('<').count(),
                    "{out}"
                );
            }
        }
    }

    #[test]
    fn addresses_and_urls_survive_as_link_destinations() {
        for (line, value, href) in [
            (
                "[{v}](mailto:{v})",
                "first.o_neil+cpms@help-desk.example.eu",
                "mailto:first.o_neil+cpms@help-desk.example.eu",
            ),
            (
                "[x]({v})",
                "https://x.eu/a_b/c-d?q=1&r=2#frag",
                "https://x.eu/a_b/c-d?q=1&amp;r=2#frag",
            ),
            (
                "[x]({v})",
                "../../guide/index.html",
                "../../guide/index.html",
            ),
        ] {
            let out = html(line, value);
            assert!(out.contains(&format!("href=\"{href}\"")), "{value}: {out}");
        }
        // A hostile URL stays one link to one (percent-encoded) address: no image.
        let out = html("[x]({v})", "https://x.eu/)![t](https://evil.example/t.png");
        assert_eq!(out.matches("<a ").count(), 1, "{out}");
        assert!(!out.contains("<img"), "{out}");
    }

    #[test]
    fn each_punctuation_character_and_edge_blank_is_its_decimal_reference() {
        for b in (0u8..128).filter(u8::is_ascii_punctuation) {
            let c = char::from(b);
            assert_eq!(escape(&format!("x{c}y")), format!("x&#{b};y"), "{c}");
        }
        assert_eq!(escape("\tx "), "&#9;x&#32;");
        assert_eq!(escape(" "), "&#32;");
    }

    #[test]
    fn unescape_inverts_escape_and_nothing_else() {
        for v in HOSTILE {
            let one_line = v.replace(['\n', '\r'], " ");
            assert_eq!(unescape(&escape(v)), one_line);
        }
        for kept in [
            "&#0;", "&#60", "&#1234;", "&#65;", "&amp;", "&#x5b;", "a &# b", "&#",
        ] {
            assert_eq!(unescape(kept), kept);
        }
        assert_eq!(unescape("a&#38;#91;b"), "a&#91;b");
    }

    #[test]
    fn the_formatter_escapes_values_and_keeps_safe_strings() {
        let mut env = minijinja::Environment::new();
        env.set_formatter(formatter);
        let out = env
            .render_str(
                "{{ v }}|{{ s }}|{{ n }}|{{ l }}|{{ none }}",
                minijinja::context! {
                    v => "[a](b)",
                    s => Value::from_safe_string("**b**".into()),
                    n => -1.5,
                    l => vec!["x_y"],
                },
            )
            .unwrap();
        let none = minijinja::Environment::new()
            .render_str("{{ none }}", ())
            .unwrap();
        assert_eq!(
            out,
            format!("&#91;a&#93;&#40;b&#41;|**b**|&#45;1&#46;5|&#91;&#39;x&#95;y&#39;&#93;|{none}")
        );
    }
}
