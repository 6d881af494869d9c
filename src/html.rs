//! Reading the HTML the generator wrote: its ids and links (for the link lint), and what a page
//! has.

use std::borrow::Cow;

/// Whether `html` (a whole page) has `text`: memchr's SIMD search, several times faster than
/// std's on pages of tens of kilobytes, and each page of a build is searched several times.
pub(crate) fn contains(html: &str, text: &str) -> bool {
    find(html, text).is_some()
}

/// Where `text` first is in `html` ([`contains`]'s search).
pub(crate) fn find(html: &str, text: &str) -> Option<usize> {
    memchr::memmem::find(html.as_bytes(), text.as_bytes())
}

/// Where the ASCII byte `b` first is in `html`: memchr's SIMD search (std's `find(char)`
/// reads a machine word at a time; the scanners over every page call this per tag).
pub(crate) fn find_byte(html: &str, b: u8) -> Option<usize> {
    debug_assert!(b.is_ascii());
    memchr::memchr(b, html.as_bytes())
}

/// The lines of `text`, as [`str::lines`] gives them (each without its `\n` or `\r\n`; no
/// empty last line after a final `\n`), found with memchr's SIMD search (std's reads a machine
/// word at a time; the source tracing splits every step's text into lines several times).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let line = match find_byte(rest, b'\n') {
            Some(nl) => {
                let line = &rest[..nl];
                rest = &rest[nl + 1..];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => std::mem::take(&mut rest),
        };
        Some(line)
    })
}

/// Changes to a page (insertions and replacements at its byte offsets), made in one copy of
/// the page however many there are: the passes over every translated page each copied it.
#[derive(Default)]
pub(crate) struct Edits<'t> {
    /// (where, how many bytes it replaces, the new text)
    edits: Vec<(usize, usize, Cow<'t, str>)>,
}

impl<'t> Edits<'t> {
    /// `text` inserted at byte `at`.
    pub fn insert(&mut self, at: usize, text: impl Into<Cow<'t, str>>) {
        self.edits.push((at, 0, text.into()));
    }

    /// The `len` bytes at `at` replaced by `text`.
    pub fn replace(&mut self, at: usize, len: usize, text: impl Into<Cow<'t, str>>) {
        self.edits.push((at, len, text.into()));
    }

    /// Every `from` in `html` replaced by `to`, as [`str::replace`] finds them (left to right,
    /// not overlapping). Returns whether there was one.
    pub fn replace_all(&mut self, html: &str, from: &str, to: impl Into<Cow<'t, str>>) -> bool {
        let to = to.into();
        let before = self.edits.len();
        for at in memchr::memmem::find_iter(html.as_bytes(), from.as_bytes()) {
            self.edits.push((at, from.len(), to.clone()));
        }
        self.edits.len() > before
    }

    /// `html` with the changes: borrowed when there are none. The changes must not overlap: one
    /// that starts inside the text another replaces (an insertion there, or one at the start
    /// of a replaced text added after the replacement) is its caller's bug, which a debug
    /// build reports by panicking; a release build drops that change.
    pub fn apply<'h>(mut self, html: &'h str) -> Cow<'h, str> {
        if self.edits.is_empty() {
            return Cow::Borrowed(html);
        }
        // (stable: insertions at one place keep their order)
        self.edits.sort_by_key(|e| e.0);
        let grows: usize = self.edits.iter().map(|e| e.2.len()).sum();
        let mut out = String::with_capacity(html.len() + grows);
        let mut from = 0;
        for (at, len, text) in &self.edits {
            debug_assert!(
                *at >= from,
                "html::Edits: a change at byte {at} starts inside the text replaced up to byte {from}"
            );
            if *at < from {
                continue;
            }
            out.push_str(&html[from..*at]);
            out.push_str(text);
            from = at + len;
        }
        out.push_str(&html[from..]);
        Cow::Owned(out)
    }
}

/// A page's `id` values and its links (every `href`, then every `src`, in document order).
pub(crate) struct PageAttrs<'a> {
    pub ids: Vec<Cow<'a, str>>,
    pub links: Vec<Cow<'a, str>>,
}

impl PageAttrs<'_> {
    pub fn into_owned(self) -> PageAttrs<'static> {
        let own = |v: Vec<Cow<str>>| v.into_iter().map(|c| Cow::Owned(c.into_owned())).collect();
        PageAttrs {
            ids: own(self.ids),
            links: own(self.links),
        }
    }
}

/// Finds ` id="..."`, ` href="..."` and ` src="..."` (double-quoted, as our templates write
/// them) in one pass over the HTML.
pub(crate) fn scan_attrs(html: &str) -> PageAttrs<'_> {
    let bytes = html.as_bytes();
    let (mut ids, mut hrefs, mut srcs) = (Vec::new(), Vec::new(), Vec::new());
    let mut from = 0;
    // (a byte search; a two-byte pattern search is several times slower here)
    while let Some(i) = find_byte(&html[from..], b'=').map(|i| i + from) {
        if bytes.get(i + 1) != Some(&b'"') {
            from = i + 1;
            continue;
        }
        let value_start = i + 2;
        let Some(len) = find_byte(&html[value_start..], b'"') else {
            break;
        };
        let before = &bytes[..i];
        let list = if before.ends_with(b" id") {
            Some(&mut ids)
        } else if before.ends_with(b" href") {
            Some(&mut hrefs)
        } else if before.ends_with(b" src") {
            Some(&mut srcs)
        } else {
            None
        };
        match list {
            Some(list) => {
                let value = &html[value_start..value_start + len];
                list.push(if value.contains('&') {
                    Cow::Owned(unescape(value))
                } else {
                    Cow::Borrowed(value)
                });
                from = value_start + len;
            }
            None => from = value_start,
        }
    }
    hrefs.append(&mut srcs);
    PageAttrs { ids, links: hrefs }
}

/// Values of `name="..."` attributes in HTML (the reference [`scan_attrs`] is tested against).
/// Rendered HTML written for a folder, made to work one folder deeper: every relative
/// `href`, `src` and `srcset` address gets a `../` (in-page `#` links stay).
pub(crate) fn one_folder_down(html: &str) -> String {
    let relative = |url: &str| {
        !(url.is_empty()
            || url.starts_with('#')
            || url.starts_with('/')
            || url
                .split('/')
                .next()
                .is_some_and(|first| first.contains(':')))
    };
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some((at, attr)) = ["href=\"", "src=\"", "srcset=\""]
        .iter()
        .filter_map(|a| rest.find(&format!(" {a}")).map(|i| (i, *a)))
        .min()
    {
        let start = at + 1 + attr.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(rest.len());
        let value = &rest[..end];
        if attr == "srcset=\"" {
            let parts: Vec<String> = value
                .split(", ")
                .map(|p| {
                    if relative(p) {
                        format!("../{p}")
                    } else {
                        p.to_string()
                    }
                })
                .collect();
            out.push_str(&parts.join(", "));
        } else if relative(value) {
            out.push_str("../");
            out.push_str(value);
        } else {
            out.push_str(value);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Prefixes the ids of rendered Markdown, and the in-page links to them, with `prefix` (the
/// handout puts every step on one page). Only the renderer's own markup has `id="` and
/// `href="#`: raw HTML in content is escaped.
///
/// Links to a step of the handout (`#step-...`) keep their address. One pass over the text,
/// at each `="` (what [`prefix_ids_by_replacing`] does in three).
pub(crate) fn prefix_ids(html: &str, prefix: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 64);
    let mut copied = 0;
    for eq in memchr::memmem::find_iter(bytes, b"=\"") {
        let value = eq + 2;
        let before = &bytes[..eq];
        // where the prefix goes: after `id="`, or after `href="#` (not before `step-`)
        let at = if before.ends_with(b" id") {
            Some(value)
        } else if before.ends_with(b" href")
            && bytes.get(value) == Some(&b'#')
            && !bytes[value + 1..].starts_with(b"step-")
        {
            Some(value + 1)
        } else {
            None
        };
        // (after `"` or `#`: ASCII, so a character boundary)
        if let Some(at) = at {
            out.push_str(&html[copied..at]);
            out.push_str(prefix);
            copied = at;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// What [`prefix_ids`] does, in three replacements (the reference it is tested against).
#[cfg(test)]
fn prefix_ids_by_replacing(html: &str, prefix: &str) -> String {
    html.replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace(" href=\"#", &format!(" href=\"#{prefix}"))
        .replace(&format!(" href=\"#{prefix}step-"), " href=\"#step-")
}

#[cfg(test)]
fn attr_values(html: &str, name: &str) -> Vec<String> {
    let pat = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&pat) {
        rest = &rest[i + pat.len()..];
        if let Some(end) = rest.find('"') {
            out.push(unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// Decodes the character references our templates produce (named basics and numeric).
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_str_lines() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\r",
            "\r\n",
            "a\r",
            "a\rb\n",
            "\r\r\n",
            "é\nü\r\n\n x ",
            " \n\r\n\r",
        ] {
            let ours: Vec<&str> = lines(text).collect();
            let std: Vec<&str> = text.lines().collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn edits_are_made_in_one_copy_as_str_replace_would() {
        let html = "<p>aa a</p><img src=\"x\">";
        let mut edits = Edits::default();
        assert!(edits.replace_all(html, "aa", "b"));
        assert!(!edits.replace_all(html, "zz", "y"));
        edits.insert(html.find("x").unwrap(), "../");
        // an insertion where a replaced text ends is no overlap
        edits.insert(5, "c");
        assert_eq!(edits.apply(html), "<p>bc a</p><img src=\"../x\">");
        // non-overlapping, left to right, like str::replace
        let mut edits = Edits::default();
        edits.replace_all("aaa", "aa", "b");
        assert_eq!(edits.apply("aaa"), "aaa".replace("aa", "b"));
        // insertions at one place keep their order; none: borrowed
        let mut edits = Edits::default();
        edits.insert(1, "1");
        edits.insert(1, "2");
        assert_eq!(edits.apply("ab"), "a12b");
        assert!(matches!(Edits::default().apply("ab"), Cow::Borrowed("ab")));
    }

    /// The rule of [`Edits::apply`]: changes do not overlap. One inside a replaced text panics
    /// in a debug build and is dropped in a release build (`scripts/test` runs this one).
    #[test]
    #[cfg_attr(
        debug_assertions,
        should_panic(expected = "a change at byte 4 starts inside the text replaced up to byte 5")
    )]
    fn a_change_inside_a_replaced_text_is_a_bug() {
        let mut edits = Edits::default();
        edits.replace(3, 2, "b");
        edits.insert(4, "never");
        assert_eq!(edits.apply("<p>aa a</p>"), "<p>b a</p>");
    }

    #[test]
    fn one_folder_down_moves_relative_addresses_only() {
        let html = r##"<a href="../paedcan/index.html">x</a> <a href="https://e.eu/a">y</a> <a href="mailto:a@b.eu">m</a> <a href="#step-a">s</a> <img src="../images/a-480.png" srcset="../images/a-480.png 480w, ../images/a-880.png 880w" alt="">"##;
        assert_eq!(
            one_folder_down(html),
            r##"<a href="../../paedcan/index.html">x</a> <a href="https://e.eu/a">y</a> <a href="mailto:a@b.eu">m</a> <a href="#step-a">s</a> <img src="../../images/a-480.png" srcset="../../images/a-480.png 480w, ../../images/a-880.png 880w" alt="">"##
        );
    }

    #[test]
    fn prefixed_ids_keep_links_to_steps() {
        let html = r##"<h3 id="a">A</h3><a href="#a">a</a><a href="#step-x">x</a>"##;
        assert_eq!(
            prefix_ids(html, "s1-"),
            r##"<h3 id="s1-a">A</h3><a href="#s1-a">a</a><a href="#step-x">x</a>"##
        );
    }

    #[test]
    fn prefixed_ids_in_one_pass_are_the_three_replacements() {
        for html in [
            "",
            "no attributes",
            r##"<h3 id="a">A</h3><a href="#a">a</a><a href="#step-x">x</a>"##,
            r##"<a href="#s1-step-x">twice</a><a href="#">empty</a><a href="#step">no dash</a>"##,
            r##"<p data-id="no" id="é">ü</p><a class="c" href="../x/index.html#y">away</a>"##,
            r##"<a  href="#a">two spaces</a><b id="">empty</b> id="text" href="#t" id=""##,
            "=\" at the start, and at the end: href=\"",
        ] {
            for prefix in ["s1-", "intro-", ""] {
                assert_eq!(
                    prefix_ids(html, prefix),
                    prefix_ids_by_replacing(html, prefix),
                    "{html:?} with {prefix:?}"
                );
            }
        }
    }

    #[test]
    fn one_pass_scan_finds_what_separate_scans_find() {
        let html = concat!(
            "<a href=\"a.html\" id=\"x\">A</a><img src=\"i.png\" alt=\"\"><p data-id=\"no\">",
            "<a class=\"c\" href=\"b.html#&amp;q\">B</a><h2 id=\"y\"></h2><script src=\"s.js\"></script>",
            "<a href=\"\">empty</a> trailing href=\"unclosed"
        );
        let a = scan_attrs(html);
        assert_eq!(a.ids, attr_values(html, "id"));
        let mut links = attr_values(html, "href");
        links.extend(attr_values(html, "src"));
        assert_eq!(a.links, links);
        assert_eq!(a.links, ["a.html", "b.html#&q", "", "i.png", "s.js"]);
    }
}
