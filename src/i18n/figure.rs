//! The texts readers see in a `figure` block (its `alt`, `caption` and call-out `label`s), found
//! in the block's YAML *before* Jinja runs. A block may hold `{% if %}` lines and `{{ }}`
//! values, so it is scanned line by line rather than parsed; a value is written back on its
//! own line, so line numbers (and the figure's error messages) stay as they were.

use std::ops::Range;

use super::units::without_jinja;

/// The keys whose values readers see (the image's alt text, the caption, the call-outs).
const KEYS: &[&str] = &["alt", "caption", "label"];

/// The translatable values of a figure block's YAML `body`: each value's byte range in `body`
/// (quotes included) and its text (quotes removed, escapes resolved).
pub fn texts(body: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        for r in values(line) {
            let text = unquote(&line[r.clone()]);
            if without_jinja(&text).chars().any(char::is_alphabetic) {
                out.push((at + r.start..at + r.end, text));
            }
        }
        at += line.len();
    }
    out
}

/// Where the Jinja piece starting at byte `i` of `s` (`{{ }}`, `{% %}`, `{# #}`) ends.
fn jinja_end(s: &str, i: usize) -> Option<usize> {
    let rest = s.as_bytes().get(i..)?;
    let close: &[u8] = match rest.get(..2)? {
        b"{{" => b"}}",
        b"{%" => b"%}",
        b"{#" => b"#}",
        _ => return None,
    };
    rest.windows(2)
        .skip(2)
        .position(|w| w == close)
        .map(|p| i + 2 + p + 2)
}

/// The end (after the closing quote) of the quoted scalar whose quote is at byte `i`.
fn quoted_end(line: &str, i: usize) -> usize {
    let b = line.as_bytes();
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        if let Some(e) = jinja_end(line, j) {
            j = e;
            continue;
        }
        match b[j] {
            b'\\' if q == b'"' => j += 2,
            b'\n' | b'\r' => return j,
            c if c == q => {
                if q == b'\'' && b.get(j + 1) == Some(&b'\'') {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            _ => j += 1,
        }
    }
    b.len()
}

/// The ranges of the values of [`KEYS`] in one line (block or flow style).
fn values(line: &str) -> Vec<Range<usize>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        if let Some(e) = jinja_end(line, i) {
            i = e;
            continue;
        }
        match b[i] {
            b'"' | b'\'' => {
                i = quoted_end(line, i);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'#' if i == 0 || b[i - 1] == b' ' => break,
            _ if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'{' | b',') => {
                let key = KEYS.iter().find(|k| {
                    b[i..].starts_with(k.as_bytes()) && b.get(i + k.len()) == Some(&b':')
                });
                if let Some(r) = key.and_then(|k| value(line, i + k.len() + 1, depth > 0)) {
                    i = r.end;
                    out.push(r);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The range of the scalar after `key:` (at byte `from`); `None` for an empty value or a
/// block scalar (`|`, `>`).
fn value(line: &str, from: usize, flow: bool) -> Option<Range<usize>> {
    let b = line.as_bytes();
    if b.get(from).is_some_and(|c| !c.is_ascii_whitespace()) {
        return None;
    }
    let mut i = from;
    while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
        i += 1;
    }
    match b.get(i) {
        None | Some(b'\n' | b'\r' | b'|' | b'>' | b'#') => return None,
        Some(b'"' | b'\'') => return Some(i..quoted_end(line, i)),
        _ => {}
    }
    let start = i;
    let mut end = i;
    while i < b.len() {
        if let Some(e) = jinja_end(line, i) {
            i = e;
            end = e;
            continue;
        }
        match b[i] {
            b'\n' | b'\r' => break,
            b',' | b'}' | b']' if flow => break,
            b'#' if b[i - 1] == b' ' => break,
            b' ' | b'\t' => {}
            _ => end = i + 1,
        }
        i += 1;
    }
    (end > start).then_some(start..end)
}

/// The text of a YAML scalar as written: quotes removed; in a double-quoted one `\"`, `\\`,
/// `\n` and `\t` resolved (other escapes kept as written).
pub fn unquote(raw: &str) -> String {
    let inner = |q: char| {
        (raw.len() >= 2)
            .then(|| raw.strip_prefix(q).and_then(|r| r.strip_suffix(q)))
            .flatten()
    };
    if let Some(s) = inner('"') {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(c @ ('"' | '\\')) => out.push(c),
                Some(c) => {
                    out.push('\\');
                    out.push(c);
                }
                None => out.push('\\'),
            }
        }
        out
    } else if let Some(s) = inner('\'') {
        s.replace("''", "'")
    } else {
        raw.to_string()
    }
}

/// `text` as a YAML double-quoted scalar on one line (Jinja pieces kept as written).
pub fn quote(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let (mut i, mut last) = (0, 0);
    while i < b.len() {
        if let Some(e) = jinja_end(text, i) {
            i = e;
            continue;
        }
        let escaped = match b[i] {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' | b'\r' => " ",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[last..i]);
        out.push_str(escaped);
        i += 1;
        last = i;
    }
    out.push_str(&text[last..]);
    out.push('"');
    out
}

/// A scalar as written (`raw`) with its text between `start` and `end` (inside its quotes).
pub fn mark(raw: &str, start: char, end: char) -> String {
    for q in ['"', '\''] {
        if raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q) {
            return format!("{q}{start}{}{end}{q}", &raw[1..raw.len() - 1]);
        }
    }
    format!("{start}{raw}{end}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "\
src: \"{{ shot('cpms-preferences') }}\"
alt: \"The page for {{ network.ern }}: a \\\"role\\\"{% if x %}, one area{% endif %}\"
caption: 'CPMS: it''s the page'
callouts:
  - { region: my-role, label: \"Describe your function\" }
{% if network.thematic_areas %}  - { region: \"{{ (a|first)|lower }}\", label: Tick {{ network.ern }}, n: 2 }{% endif %}
  - region: x
    label: Click Update   # a comment
  - { region: y, label: \"{{ network.ern }}\" }
redact:
  - { region: e-mail }
";

    #[test]
    fn finds_alt_caption_and_labels_in_block_and_flow_style() {
        let found: Vec<(String, String)> = texts(BODY)
            .into_iter()
            .map(|(r, t)| (BODY[r].to_string(), t))
            .collect();
        let want = [
            (
                "\"The page for {{ network.ern }}: a \\\"role\\\"{% if x %}, one area{% endif %}\"",
                "The page for {{ network.ern }}: a \"role\"{% if x %}, one area{% endif %}",
            ),
            ("'CPMS: it''s the page'", "CPMS: it's the page"),
            ("\"Describe your function\"", "Describe your function"),
            ("Tick {{ network.ern }}", "Tick {{ network.ern }}"),
            ("Click Update", "Click Update"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn quoting_round_trips_and_keeps_jinja() {
        let t = "Ein \"Feld\" \\ für {{ f(\"x\") }}\nzwei";
        let q = quote(t);
        assert_eq!(q, "\"Ein \\\"Feld\\\" \\\\ für {{ f(\"x\") }} zwei\"");
        assert_eq!(unquote(&q), "Ein \"Feld\" \\ für {{ f(\"x\") }} zwei");
        assert_eq!(mark("\"a b\"", '<', '>'), "\"<a b>\"");
        assert_eq!(mark("'a'", '<', '>'), "'<a>'");
        assert_eq!(mark("Click", '<', '>'), "<Click>");
    }

    #[test]
    fn not_keys_inside_values_or_other_names() {
        assert!(texts("alt: \"label: no\"\nalternative: x\nmylabel: y\nlabel:\n").len() == 1);
        assert!(texts("caption: |\n  a block\n").is_empty());
    }
}
