//! Where a line of a page's Markdown came from. Jinja runs before Markdown, so the text that
//! Markdown sees (and whose lines its links carry) is not the source file: its lines are
//! aligned with the source body (a longest common subsequence of lines), and a line that Jinja
//! made is traced to the source lines it replaced or to the fragment it was included from.

use std::path::{Path, PathBuf};

/// Larger bodies are not aligned (the table would be too big): their lines are traced by
/// their text only.
const MAX_CELLS: usize = 4_000_000;

/// A line of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub file: PathBuf,
    pub line: usize,
}

/// A link written in a page's Markdown (after Jinja), and the source line that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageLink {
    pub url: String,
    pub origin: Origin,
}

/// The lines of an expanded Markdown text traced to the source body they came from and to
/// the fragments the source included.
pub(super) struct LineOrigins<'a> {
    file: &'a Path,
    /// 1-based line of the body's first line in `file`.
    body_line: usize,
    body: Vec<&'a str>,
    expanded: Vec<&'a str>,
    /// For each expanded line, the body line it is (0-based), if it is one unchanged
    /// ([`align_lines`]).
    same: &'a [Option<usize>],
    /// The included fragments: file and text.
    fragments: Vec<(&'a Path, &'a str)>,
}

impl<'a> LineOrigins<'a> {
    pub fn new(
        file: &'a Path,
        body_line: usize,
        body: &'a str,
        expanded: &'a str,
        same: &'a [Option<usize>],
        fragments: Vec<(&'a Path, &'a str)>,
    ) -> LineOrigins<'a> {
        let body: Vec<&str> = body.lines().collect();
        let expanded: Vec<&str> = expanded.lines().collect();
        LineOrigins {
            file,
            body_line,
            body,
            expanded,
            same,
            fragments,
        }
    }

    /// Where line `line` (1-based) of the expanded text, which holds `needle` (a link's
    /// address), came from.
    pub fn locate(&self, line: usize, needle: &str) -> Origin {
        let at = |j: usize| Origin {
            file: self.file.to_path_buf(),
            line: self.body_line + j,
        };
        let i = line.saturating_sub(1);
        if let Some(Some(j)) = self.same.get(i) {
            return at(*j);
        }
        // The unchanged lines around it, and the source lines between them (what Jinja
        // replaced).
        let before = (0..i.min(self.same.len()))
            .rev()
            .find_map(|k| self.same[k].map(|j| (k, j)));
        let after = (i + 1..self.same.len()).find_map(|k| self.same[k].map(|j| (k, j)));
        let (i0, j0) = before.map_or((0, 0), |(k, j)| (k + 1, j + 1));
        let (i1, j1) = after.unwrap_or((self.expanded.len(), self.body.len()));
        let gap = j0..j1.max(j0);
        if !needle.is_empty() {
            if let Some(j) = gap.clone().find(|&j| self.body[j].contains(needle)) {
                return at(j);
            }
        }
        // As many lines out as in: each line is its source line, expanded in place.
        if i1.saturating_sub(i0) == gap.len() && i >= i0 {
            return at(j0 + (i - i0));
        }
        // Text from an included fragment: the fragment's line that reads the same.
        if let Some(text) = self.expanded.get(i) {
            if let Some(found) = self.in_fragments(text.trim(), needle) {
                return found;
            }
        }
        // The first source line Jinja replaced (the include or loop that wrote it).
        at(if gap.is_empty() {
            j0.saturating_sub(1)
        } else {
            j0
        })
    }

    /// The fragment line that is `text`, else the first that holds `needle`.
    fn in_fragments(&self, text: &str, needle: &str) -> Option<Origin> {
        let find = |pred: &dyn Fn(&str) -> bool| {
            self.fragments.iter().find_map(|(file, body)| {
                body.lines().position(|l| pred(l)).map(|n| Origin {
                    file: file.to_path_buf(),
                    line: n + 1,
                })
            })
        };
        (!text.is_empty())
            .then(|| find(&|l: &str| l.trim() == text))
            .flatten()
            .or_else(|| (!needle.is_empty()).then(|| find(&|l: &str| l.contains(needle)))?)
    }
}

/// For each line of `b`, the line of `a` it is in a longest common subsequence of equal lines
/// (common first and last lines are matched directly).
/// For each line of `expanded`, the line of `body` (0-based) it is unchanged, if any.
pub(super) fn align_lines(body: &str, expanded: &str) -> Vec<Option<usize>> {
    let body: Vec<&str> = body.lines().collect();
    let expanded: Vec<&str> = expanded.lines().collect();
    align(&body, &expanded)
}

fn align(a: &[&str], b: &[&str]) -> Vec<Option<usize>> {
    let mut same = vec![None; b.len()];
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    for (k, s) in same.iter_mut().enumerate().take(prefix) {
        *s = Some(k);
    }
    let (a_rest, b_rest) = (&a[prefix..], &b[prefix..]);
    let suffix = a_rest
        .iter()
        .rev()
        .zip(b_rest.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    for k in 0..suffix {
        same[b.len() - 1 - k] = Some(a.len() - 1 - k);
    }
    let a_mid = &a_rest[..a_rest.len() - suffix];
    let b_mid = &b_rest[..b_rest.len() - suffix];
    let (n, m) = (a_mid.len(), b_mid.len());
    if n == 0 || m == 0 || (n + 1) * (m + 1) > MAX_CELLS {
        return same;
    }
    // lcs[x][y]: the longest common subsequence of a_mid[x..] and b_mid[y..].
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for x in (0..n).rev() {
        for y in (0..m).rev() {
            lcs[x * w + y] = if a_mid[x] == b_mid[y] {
                lcs[(x + 1) * w + y + 1] + 1
            } else {
                lcs[(x + 1) * w + y].max(lcs[x * w + y + 1])
            };
        }
    }
    let (mut x, mut y) = (0, 0);
    while x < n && y < m {
        if a_mid[x] == b_mid[y] {
            same[prefix + y] = Some(prefix + x);
            x += 1;
            y += 1;
        } else if lcs[(x + 1) * w + y] >= lcs[x * w + y + 1] {
            x += 1;
        } else {
            y += 1;
        }
    }
    same
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins<'a>(
        body: &'a str,
        expanded: &'a str,
        frags: Vec<(&'a Path, &'a str)>,
    ) -> LineOrigins<'a> {
        let same = Box::leak(align_lines(body, expanded).into_boxed_slice());
        LineOrigins::new(Path::new("s.md"), 5, body, expanded, same, frags)
    }

    fn line(o: &LineOrigins, line: usize, needle: &str) -> (String, usize) {
        let at = o.locate(line, needle);
        (at.file.display().to_string(), at.line)
    }

    #[test]
    fn unchanged_lines_keep_their_place_after_an_include_that_grew() {
        let body = "Intro.\n\n{% include \"f.md\" %}\n\nSee [x](a.html).\n";
        let frag = "One.\n\nTwo [y](b.html).\n\nThree.\n";
        let expanded = "Intro.\n\nOne.\n\nTwo [y](b.html).\n\nThree.\n\nSee [x](a.html).\n";
        let o = origins(body, expanded, vec![(Path::new("shared/f.md"), frag)]);
        // body line 5 is file line 5 + 4 = 9
        assert_eq!(line(&o, 9, "a.html"), ("s.md".into(), 9));
        // from the fragment, at its own line
        assert_eq!(line(&o, 5, "b.html"), ("shared/f.md".into(), 3));
        assert_eq!(line(&o, 1, ""), ("s.md".into(), 5));
    }

    #[test]
    fn a_line_jinja_changed_in_place_is_its_source_line() {
        let body = "A\n[s]({{ step_url(\"x\") }})\nB\n";
        let expanded = "A\n[s](../x/index.html)\nB\n";
        let o = origins(body, expanded, Vec::new());
        assert_eq!(line(&o, 2, "../x/index.html"), ("s.md".into(), 6));
    }

    #[test]
    fn a_loop_that_wrote_lines_is_found_by_the_address_or_its_first_line() {
        let body = "A\n{% for i in xs %}\n- [i](p/{{ i }}.html)\n{% endfor %}\nB\n";
        let expanded = "A\n\n- [i](p/1.html)\n\n- [i](p/2.html)\n\nB\n";
        let o = origins(body, expanded, Vec::new());
        assert_eq!(line(&o, 5, "p/2.html"), ("s.md".into(), 6));
    }
}
