//! Where included text sits in a Markdown source after Jinja. The content templates' loader
//! hands Jinja each fragment of `content/shared/` between two markers ([`wrap`]); after
//! rendering, [`strip`] takes the markers out again (the text is then exactly what Jinja made
//! of the unmarked sources) and records which inclusion wrote each line. `render/origin.rs`
//! traces a line (of a figure or a link) to its own source file and line from that record,
//! so that text included from a fragment is reported in the fragment, at its line.

/// Starts an inclusion: followed by the fragment's name and [`NAME_END`].
const OPEN: &str = "\u{E000}ernguide-include:";
const NAME_END: char = '\u{E001}';
/// Ends the innermost inclusion.
const CLOSE: &str = "\u{E000}ernguide-end\u{E001}";

/// The text of fragment `name` as the loader gives it to Jinja: between the markers.
pub fn wrap(name: &str, text: &str) -> String {
    let mut out = String::with_capacity(OPEN.len() + name.len() + text.len() + CLOSE.len() + 3);
    out.push_str(OPEN);
    out.push_str(name);
    out.push(NAME_END);
    out.push_str(text);
    out.push_str(CLOSE);
    out
}

/// Who wrote each line of an expanded text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Included {
    /// Each inclusion in the order it starts: the fragment's name (a fragment included twice
    /// is here twice).
    pub fragments: Vec<String>,
    /// For each line of the text (as `str::lines` counts them): 0 when the source itself wrote
    /// it, `k` when the inclusion `fragments[k - 1]` did. A line belongs to whoever wrote its
    /// first character that is not white space (a blank line: its end). Empty when nothing
    /// was included.
    pub owners: Vec<u32>,
}

/// Builds the text without markers and its [`Included`].
struct Stripper {
    out: String,
    included: Included,
    /// The open inclusions, innermost last (0: the source).
    open: Vec<u32>,
    /// The owner of the current line, once it has a character that is not white space.
    line_owner: Option<u32>,
}

impl Stripper {
    fn current(&self) -> u32 {
        self.open.last().copied().unwrap_or(0)
    }

    fn text(&mut self, text: &str) {
        self.out.push_str(text);
        // each line of `text` (the last one without its end)
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
            let line = &text[start..end];
            if self.line_owner.is_none() && line.chars().any(|c| !c.is_whitespace()) {
                self.line_owner = Some(self.current());
            }
            if end == text.len() {
                break;
            }
            let owner = self.line_owner.take().unwrap_or_else(|| self.current());
            self.included.owners.push(owner);
            start = end + 1;
        }
    }
}

/// `marked` (a render of text that [`wrap`]ped fragments went into) without the markers, and
/// who wrote each of its lines.
pub fn strip(marked: String) -> (String, Included) {
    if !marked.contains(OPEN) {
        return (marked, Included::default());
    }
    let mut s = Stripper {
        out: String::with_capacity(marked.len()),
        included: Included::default(),
        open: vec![0],
        line_owner: None,
    };
    let mut rest = marked.as_str();
    while let Some(at) = rest.find('\u{E000}') {
        s.text(&rest[..at]);
        let marker = &rest[at..];
        if let Some(named) = marker.strip_prefix(OPEN) {
            if let Some(end) = named.find(NAME_END) {
                s.included.fragments.push(named[..end].to_string());
                let k = u32::try_from(s.included.fragments.len()).unwrap_or(u32::MAX);
                s.open.push(k);
                rest = &named[end + NAME_END.len_utf8()..];
                continue;
            }
        } else if let Some(after) = marker.strip_prefix(CLOSE) {
            if s.open.len() > 1 {
                s.open.pop();
            }
            rest = after;
            continue;
        }
        // the character itself, written by the author
        let len = '\u{E000}'.len_utf8();
        s.text(&marker[..len]);
        rest = &marker[len..];
    }
    s.text(rest);
    if !s.out.is_empty() && !s.out.ends_with('\n') {
        let owner = s.line_owner.take().unwrap_or_else(|| s.current());
        s.included.owners.push(owner);
    }
    (s.out, s.included)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_go_and_each_line_knows_its_inclusion() {
        let inner = wrap("b.md", "B1\nB2\n");
        let outer = wrap("a.md", &format!("A1\n{inner}\nA2\n"));
        let marked = format!("S1\n{outer}\nS2\n- {}\n", wrap("c.md", "C1\nC2"));
        let (text, inc) = strip(marked);
        assert_eq!(text, "S1\nA1\nB1\nB2\n\nA2\n\nS2\n- C1\nC2\n");
        assert_eq!(inc.fragments, ["a.md", "b.md", "c.md"]);
        // S1, A1, B1, B2, (rest of A's include line), A2, (rest of S's include line), S2,
        // "- C1" (its first character is the source's), C2
        assert_eq!(inc.owners, [0, 1, 2, 2, 1, 1, 0, 0, 0, 3]);
        assert_eq!(inc.owners.len(), text.lines().count());
    }

    #[test]
    fn text_without_markers_is_unchanged() {
        let (text, inc) = strip("a\u{E000}b\nc".to_string());
        assert_eq!(text, "a\u{E000}b\nc");
        assert_eq!(inc, Included::default());
        let (text, inc) = strip(format!("x\u{E000}y\n{}", wrap("f.md", "z\n")));
        assert_eq!(text, "x\u{E000}y\nz\n");
        assert_eq!(inc.owners, [0, 1]);
    }
}
