//! Where a line of a page's Markdown came from. Jinja runs before Markdown, so the text that
//! Markdown sees (and whose lines its links and figures carry) is not the source file. The
//! content templates record which inclusion of a fragment wrote each line (`included.rs`);
//! the lines each text wrote are aligned with that text (a longest common subsequence of
//! lines), and a line that Jinja made is traced to the source lines it replaced.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::shared_work::Expanded;
use crate::content::guide::Source;
use crate::content::shared::Shared;
use crate::content::Guide;

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
#[derive(Clone)]
pub(crate) struct PageLink {
    pub url: String,
    at: LinkAt,
}

#[derive(Clone)]
enum LinkAt {
    Known(Origin),
    /// Line `line` of a step's expansion, traced to its source only when asked
    /// ([`PageLink::origin`]: a broken link's report). Tracing every link of every page cost
    /// about 2% of a 10,000-page build, for reports that a good site never makes.
    Later {
        line: usize,
        from: Arc<StepText>,
    },
}

/// A step's Markdown after Jinja with what it was made from, for [`LinkAt::Later`]: the
/// language's guide (whose step `step` wrote the body) and shared fragments.
pub(super) struct StepText {
    pub expanded: Arc<Expanded>,
    pub guide: Arc<Guide>,
    pub step: usize,
    pub shared: Arc<Shared>,
}

impl PageLink {
    /// A link whose source line is known.
    pub(super) fn known(url: String, origin: Origin) -> PageLink {
        PageLink {
            url,
            at: LinkAt::Known(origin),
        }
    }

    /// A link on line `line` of `from`'s expansion, traced when its origin is asked for.
    pub(super) fn later(url: String, line: usize, from: Arc<StepText>) -> PageLink {
        PageLink {
            url,
            at: LinkAt::Later { line, from },
        }
    }

    /// The source line that wrote the link.
    pub fn origin(&self) -> Origin {
        match &self.at {
            LinkAt::Known(origin) => origin.clone(),
            LinkAt::Later { line, from } => {
                let Some(step) = from.guide.steps.get(from.step) else {
                    return Origin {
                        file: from.guide.source.file.clone(),
                        line: 0,
                    };
                };
                let writers = writers(&step.source, &from.shared, &from.expanded);
                LineOrigins::of(&writers, &from.expanded).locate(*line, &self.url)
            }
        }
    }
}

impl std::fmt::Debug for PageLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (f.debug_struct("PageLink"))
            .field("url", &self.url)
            .field("origin", &self.origin())
            .finish()
    }
}

/// The texts that went into `from`: `source`'s body, then each fragment of `shared` it
/// included.
pub(super) fn writers<'s>(
    source: &'s Source,
    shared: &'s Shared,
    from: &'s Expanded,
) -> Vec<Option<Written<'s>>> {
    let body = Written {
        file: &source.file,
        first_line: source.body_line,
        text: &source.body,
    };
    let fragments = (from.included.fragments.iter()).map(|name| {
        let f = shared.get(name)?;
        Some(Written {
            file: &f.file,
            first_line: 1,
            text: f.text.as_deref().ok()?,
        })
    });
    std::iter::once(Some(body)).chain(fragments).collect()
}

/// A text that went into an expansion: a source body (from `first_line` of `file`) or a
/// fragment it included.
#[derive(Clone, Copy)]
pub(super) struct Written<'a> {
    pub file: &'a Path,
    pub first_line: usize,
    pub text: &'a str,
}

/// The lines of an expanded text divided among the texts that wrote them (the source body
/// and each inclusion of a fragment, as the content templates recorded: `included.rs`), each
/// text's lines aligned with its own source. Made once per expansion.
pub(super) struct Trace {
    /// Per writer (0: the body, `k`: inclusion `k`), for each of its lines in the expanded
    /// text, the line of its source (0-based) that it is unchanged, if any ([`align`]).
    same: Vec<Vec<Option<usize>>>,
    /// Per writer, the expanded lines (0-based) it wrote, in order.
    lines: Vec<Vec<usize>>,
    /// For each expanded line, its writer and its place among that writer's lines.
    at: Vec<(usize, usize)>,
    /// Per writer, where each line of its source starts (a byte offset into its text).
    starts: Vec<Vec<usize>>,
}

impl Trace {
    /// `owners` (from [`Included`](crate::included::Included); empty: the body wrote every
    /// line) names each line's writer, an index into `writers` (`None`: not known, counted as
    /// the body's).
    pub fn new(expanded: &str, owners: &[u32], writers: &[Option<Written>]) -> Trace {
        let exp: Vec<&str> = crate::html::lines(expanded).collect();
        let mut lines = vec![Vec::new(); writers.len().max(1)];
        let mut at = Vec::with_capacity(exp.len());
        for i in 0..exp.len() {
            let w = owners.get(i).map_or(0, |&o| o as usize);
            let w = if matches!(writers.get(w), Some(Some(_))) {
                w
            } else {
                0
            };
            at.push((w, lines[w].len()));
            lines[w].push(i);
        }
        let starts = (0..lines.len())
            .map(|w| {
                let text = writers.get(w).copied().flatten().map_or("", |x| x.text);
                let mut at = 0;
                (text.split_inclusive('\n'))
                    .map(|line| {
                        at += line.len();
                        at - line.len()
                    })
                    .collect()
            })
            .collect();
        let same = (lines.iter().enumerate())
            .map(|(w, own)| {
                let src: Vec<&str> = writers
                    .get(w)
                    .copied()
                    .flatten()
                    .map_or_else(Vec::new, |x| crate::html::lines(x.text).collect());
                let mine: Vec<&str> = own.iter().map(|&i| exp[i]).collect();
                align(&src, &mine)
            })
            .collect();
        Trace {
            same,
            lines,
            at,
            starts,
        }
    }
}

/// The lines of an expanded Markdown text traced to the source body or the fragment that
/// wrote them.
pub(super) struct LineOrigins<'a> {
    pub writers: &'a [Option<Written<'a>>],
    pub trace: &'a Trace,
}

impl<'a> LineOrigins<'a> {
    /// The lines of `from`, written by `writers` (traced once per expansion).
    pub fn of(writers: &'a [Option<Written<'a>>], from: &'a Expanded) -> LineOrigins<'a> {
        let trace =
            (from.trace).get_or_init(|| Trace::new(&from.text, &from.included.owners, writers));
        LineOrigins { writers, trace }
    }

    /// Where line `line` (1-based) of the expanded text, which holds `needle` (a link's
    /// address; empty for none), came from.
    pub fn locate(&self, line: usize, needle: &str) -> Origin {
        let i = line.saturating_sub(1);
        let (w, k) = self.trace.at.get(i).copied().unwrap_or((0, usize::MAX));
        let Some(Some(writer)) = self.writers.get(w).or_else(|| self.writers.first()) else {
            return Origin {
                file: PathBuf::new(),
                line: 0,
            };
        };
        let at = |j: usize| Origin {
            file: writer.file.to_path_buf(),
            line: writer.first_line + j,
        };
        let same = &self.trace.same[w];
        let own = &self.trace.lines[w];
        let starts = &self.trace.starts[w];
        if k == usize::MAX {
            // past the end of the text: its last line
            return at(starts.len().saturating_sub(1));
        }
        if let Some(Some(j)) = same.get(k) {
            return at(*j);
        }
        // The unchanged lines around it, and the source lines between them (what Jinja
        // replaced).
        let before = (0..k).rev().find_map(|x| same[x].map(|j| (x, j)));
        let after = (k + 1..same.len()).find_map(|x| same[x].map(|j| (x, j)));
        let (k0, j0) = before.map_or((0, 0), |(x, j)| (x + 1, j + 1));
        let (k1, j1) = after.unwrap_or((own.len(), starts.len()));
        let gap = j0..j1.max(j0);
        if let Some(j) = first_line_with(writer.text, starts, gap.clone(), needle) {
            return at(j);
        }
        // As many lines out as in: each line is its source line, expanded in place.
        if k1.saturating_sub(k0) == gap.len() && k >= k0 {
            return at(j0 + (k - k0));
        }
        // The first source line Jinja replaced (the include or loop that wrote it).
        at(if gap.is_empty() {
            j0.saturating_sub(1)
        } else {
            j0
        })
    }
}

/// The first of the lines `lines` of `text` (each starting at `starts`) that holds `needle`
/// (not empty). One search through those lines' text, unless `needle` could span two lines.
fn first_line_with(
    text: &str,
    starts: &[usize],
    lines: std::ops::Range<usize>,
    needle: &str,
) -> Option<usize> {
    if needle.is_empty() || lines.is_empty() {
        return None;
    }
    if needle.contains(['\n', '\r']) {
        let mut each = text.lines().enumerate().skip(lines.start).take(lines.len());
        return each.find(|(_, l)| l.contains(needle)).map(|(j, _)| j);
    }
    let from = *starts.get(lines.start)?;
    let to = starts.get(lines.end).copied().unwrap_or(text.len());
    let found = from + text.get(from..to)?.find(needle)?;
    Some(starts.partition_point(|&s| s <= found) - 1)
}

/// For each line of `b`, the line of `a` it is in a longest common subsequence of equal lines
/// (common first and last lines are matched directly).
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
    use crate::included::{strip, wrap};

    /// `marked`: the expansion with [`wrap`]ped fragments; `frags`: each inclusion's file
    /// and source.
    fn line(
        body: &str,
        marked: &str,
        frags: &[(&str, &str)],
        at: usize,
        needle: &str,
    ) -> (String, usize) {
        let (expanded, included) = strip(marked.to_string());
        let mut writers = vec![Some(Written {
            file: Path::new("s.md"),
            first_line: 5,
            text: body,
        })];
        writers.extend(frags.iter().map(|(f, t)| {
            Some(Written {
                file: Path::new(f),
                first_line: 1,
                text: t,
            })
        }));
        let trace = Trace::new(&expanded, &included.owners, &writers);
        let o = LineOrigins {
            writers: &writers,
            trace: &trace,
        };
        let at = o.locate(at, needle);
        (at.file.display().to_string(), at.line)
    }

    #[test]
    fn unchanged_lines_keep_their_place_after_an_include_that_grew() {
        let body = "Intro.\n\n{% include \"f.md\" %}\n\nSee [x](a.html).\n";
        let frag = "One.\n\nTwo [y](b.html).\n\nThree.\n";
        let marked = format!("Intro.\n\n{}\n\nSee [x](a.html).\n", wrap("f.md", frag));
        let frags = [("shared/f.md", frag)];
        // expanded line 10 (after the fragment's 5 lines and the rest of the include line) is
        // body line 5, file line 5 + 4 = 9
        assert_eq!(
            line(body, &marked, &frags, 10, "a.html"),
            ("s.md".into(), 9)
        );
        // from the fragment, at its own line
        assert_eq!(
            line(body, &marked, &frags, 5, "b.html"),
            ("shared/f.md".into(), 3)
        );
        assert_eq!(line(body, &marked, &frags, 1, ""), ("s.md".into(), 5));
    }

    #[test]
    fn the_same_text_twice_in_a_fragment_is_found_at_each_of_its_lines() {
        let body = "A\n{% include \"f.md\" %}\n{% include \"f.md\" %}\n";
        let frag = "```figure\nsrc: a.png\n```\n\n```figure\nsrc: a.png\n```\n";
        let marked = format!("A\n{}\n{}\n", wrap("f.md", frag), wrap("f.md", frag));
        let frags = [("f.md", frag), ("f.md", frag)];
        assert_eq!(line(body, &marked, &frags, 2, ""), ("f.md".into(), 1));
        assert_eq!(line(body, &marked, &frags, 6, ""), ("f.md".into(), 5));
        // the second inclusion: after the first's 7 lines and its include line's rest
        assert_eq!(line(body, &marked, &frags, 10, ""), ("f.md".into(), 1));
        assert_eq!(line(body, &marked, &frags, 14, ""), ("f.md".into(), 5));
    }

    #[test]
    fn a_line_jinja_changed_in_place_is_its_source_line() {
        let body = "A\n[s]({{ step_url(\"x\") }})\nB\n";
        let expanded = "A\n[s](../x/index.html)\nB\n";
        assert_eq!(
            line(body, expanded, &[], 2, "../x/index.html"),
            ("s.md".into(), 6)
        );
    }

    #[test]
    fn a_loop_that_wrote_lines_is_found_by_the_address_or_its_first_line() {
        let body = "A\n{% for i in xs %}\n- [i](p/{{ i }}.html)\n{% endfor %}\nB\n";
        let expanded = "A\n\n- [i](p/1.html)\n\n- [i](p/2.html)\n\nB\n";
        assert_eq!(line(body, expanded, &[], 5, "p/2.html"), ("s.md".into(), 6));
    }

    #[test]
    fn a_needle_is_found_in_the_first_line_of_the_range_that_holds_it() {
        let text = "a x\r\nb y\n\nc y\nd";
        let mut at = 0;
        let starts: Vec<usize> = (text.split_inclusive('\n'))
            .map(|l| {
                at += l.len();
                at - l.len()
            })
            .collect();
        assert_eq!(starts.len(), text.lines().count());
        let per_line = |lines: std::ops::Range<usize>, needle: &str| {
            (lines.clone())
                .zip(text.lines().skip(lines.start))
                .find(|(_, l)| l.contains(needle))
                .map(|(j, _)| j)
        };
        for needle in ["y", "x", "c y", "d", "x\r", "y\n", "z", "a x b"] {
            for from in 0..=starts.len() {
                for to in from..=starts.len() {
                    assert_eq!(
                        first_line_with(text, &starts, from..to, needle),
                        per_line(from..to, needle),
                        "{needle:?} in {from}..{to}"
                    );
                }
            }
        }
    }
}
