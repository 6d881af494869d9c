//! The figure syntax: a fenced block with language `figure` holding YAML.
//!
//! ```yaml
//! src: paedcan/eul-create.png      # under the site's screenshots/ folder
//! alt: "EU Login Create an account form ..."
//! caption: "The Create an account form"
//! callouts:
//!   - { n: 1, box: [x, y, w, h], label: "Type your first and last name" }
//!   - { n: 2, point: [x, y], label: "Click Create an account" }
//!   - { n: 3, region: create-an-account, label: "Click Create an account" }
//! redact:
//!   - [x, y, w, h]                       # block (solid fill)
//!   - { box: [x, y, w, h], mode: blur }
//!   - { region: e-mail }                 # a box of the image's regions file
//! ```
//!
//! Coordinates are source-image pixels. A `region` names a box of the screenshot's sidecar
//! `<image>.regions.json` (written by `scripts/screenshots`); [`parse`] records the name and
//! [`FigureSpec::resolve_regions`] (`regions.rs`) puts the box in. Every error is a [`SourceError`] at the
//! Markdown file and line of the figure block or of the offending key.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::regions::{RegionRef, RegionUse};
use crate::error::{parse_yaml, SourceError};

/// How a redaction hides its region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedactMode {
    /// A solid fill.
    #[default]
    Block,
    /// Averaged in cells, then strongly box-blurred.
    Blur,
}

/// A region to hide, in source-image pixels `[x, y, w, h]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Redaction {
    pub rect: [i64; 4],
    pub mode: RedactMode,
}

/// A redaction as written: `[x, y, w, h]` or `{ box | region, mode }`.
#[derive(Debug)]
struct RawRedaction {
    rect: Option<[i64; 4]>,
    region: Option<String>,
    mode: RedactMode,
}

impl<'de> Deserialize<'de> for RawRedaction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            #[serde(rename = "box")]
            rect: Option<[i64; 4]>,
            region: Option<String>,
            #[serde(default)]
            mode: RedactMode,
        }
        impl<'de> Visitor<'de> for V {
            type Value = RawRedaction;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a box [x, y, w, h] or { box: [x, y, w, h] or region: name, mode: block|blur }",
                )
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawRedaction, A::Error> {
                let rect = <[i64; 4]>::deserialize(SeqAccessDeserializer::new(seq))?;
                Ok(RawRedaction {
                    rect: Some(rect),
                    region: None,
                    mode: RedactMode::Block,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRedaction, A::Error> {
                let full = Full::deserialize(MapAccessDeserializer::new(map))?;
                Ok(RawRedaction {
                    rect: full.rect,
                    region: full.region,
                    mode: full.mode,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCallout {
    n: Option<u32>,
    #[serde(rename = "box")]
    rect: Option<[i64; 4]>,
    point: Option<[i64; 2]>,
    region: Option<String>,
    label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFigure {
    src: Option<Spanned<String>>,
    alt: Option<Spanned<String>>,
    caption: Option<String>,
    #[serde(default)]
    callouts: Vec<Spanned<RawCallout>>,
    #[serde(default)]
    redact: Vec<Spanned<RawRedaction>>,
}

/// Where a call-out points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `[x, y, w, h]`
    Box([i64; 4]),
    /// `[x, y]`
    Point([i64; 2]),
}

/// A numbered call-out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callout {
    pub n: u32,
    pub shape: Shape,
    pub label: String,
    /// Line in the Markdown file.
    pub line: usize,
}

/// A parsed, checked figure block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureSpec {
    /// The Markdown file and the line of the opening fence.
    pub file: PathBuf,
    pub line: usize,
    /// Path under `screenshots/`.
    pub src: String,
    pub src_line: usize,
    pub alt: String,
    pub caption: Option<String>,
    /// Sorted by number.
    pub callouts: Vec<Callout>,
    /// With the Markdown line of each.
    pub redactions: Vec<(Redaction, usize)>,
    /// Named regions still to resolve (empty once resolved, or when none is used).
    pub region_refs: Vec<RegionRef>,
}

/// A string of the figure's YAML as text: the values the content templates printed into it
/// come back from their Markdown escaping ([`crate::markdown_value`]), trimmed.
fn text(s: &str) -> String {
    crate::markdown_value::unescape(s).trim().to_string()
}

/// Parses the YAML `body` of a figure block whose opening fence is at `fence_line` of `file`.
pub fn parse(body: &str, file: &Path, fence_line: usize) -> Result<FigureSpec, SourceError> {
    let err = |line: usize, msg: String| SourceError::new(file, line, msg);
    if body.trim().is_empty() {
        return Err(err(
            fence_line,
            "empty figure block: give at least `src` and `alt`".into(),
        ));
    }
    let raw: RawFigure = parse_yaml(body, file, fence_line)?;
    // Spanned lines are 1-based within the YAML body, which starts after the fence.
    let at = |line: u64| {
        if line == 0 {
            fence_line
        } else {
            fence_line + line as usize
        }
    };

    let src = raw.src.ok_or_else(|| {
        err(
            fence_line,
            "figure has no `src` (the screenshot's path under screenshots/)".into(),
        )
    })?;
    let src_line = at(src.referenced.line());
    let src_value = text(&src.value);
    if src_value.is_empty() {
        return Err(err(src_line, "figure has an empty `src`".into()));
    }
    let alt = match raw.alt {
        None => {
            return Err(err(
                fence_line,
                format!("figure `{src_value}` has no `alt` text (required: describe what the screenshot shows, for screen readers)"),
            ))
        }
        Some(a) if text(&a.value).is_empty() => {
            return Err(err(
                at(a.referenced.line()),
                format!("figure `{src_value}` has empty `alt` text (required: describe what the screenshot shows, for screen readers)"),
            ))
        }
        Some(a) => text(&a.value),
    };
    let caption = raw.caption.map(|c| text(&c)).filter(|c| !c.is_empty());

    let region_name = |name: String, line: usize, what: &str| {
        let name = text(&name);
        if name.is_empty() {
            Err(err(line, format!("{what} has an empty `region` name")))
        } else {
            Ok(name)
        }
    };
    let mut region_refs = Vec::new();
    let mut callouts = Vec::with_capacity(raw.callouts.len());
    for (i, c) in raw.callouts.into_iter().enumerate() {
        let line = at(c.referenced.line());
        let c = c.value;
        let n = c.n.unwrap_or(i as u32 + 1);
        if n == 0 {
            return Err(err(line, "call-out number `n` must be 1 or more".into()));
        }
        let shape = match (c.rect, c.point, c.region) {
            (Some(b), None, None) => Shape::Box(b),
            (None, Some(p), None) => Shape::Point(p),
            (None, None, Some(name)) => {
                region_refs.push(RegionRef {
                    name: region_name(name, line, &format!("call-out {n}"))?,
                    line,
                    used_by: RegionUse::Callout(n),
                });
                Shape::Box([0, 0, 0, 0])
            }
            _ => {
                return Err(err(
                    line,
                    format!(
                        "call-out {n} needs exactly one of `box: [x, y, w, h]`, `point: [x, y]` or `region: name`"
                    ),
                ))
            }
        };
        let label = c.label.map(|l| text(&l)).unwrap_or_default();
        if label.is_empty() {
            return Err(err(
                line,
                format!("call-out {n} has no `label` (the text listed under the figure)"),
            ));
        }
        if callouts.iter().any(|o: &Callout| o.n == n) {
            return Err(err(
                line,
                format!("call-out number {n} is used twice in this figure"),
            ));
        }
        callouts.push(Callout {
            n,
            shape,
            label,
            line,
        });
    }
    callouts.sort_by_key(|c| c.n);
    let mut redactions = Vec::with_capacity(raw.redact.len());
    for (i, r) in raw.redact.into_iter().enumerate() {
        let line = at(r.referenced.line());
        let r = r.value;
        let rect = match (r.rect, r.region) {
            (Some(b), None) => b,
            (None, Some(name)) => {
                region_refs.push(RegionRef {
                    name: region_name(name, line, &format!("redaction {}", i + 1))?,
                    line,
                    used_by: RegionUse::Redaction(i),
                });
                [0, 0, 0, 0]
            }
            _ => {
                return Err(err(
                    line,
                    format!(
                        "redaction {} needs exactly one of `box: [x, y, w, h]` or `region: name`",
                        i + 1
                    ),
                ))
            }
        };
        redactions.push((Redaction { rect, mode: r.mode }, line));
    }
    Ok(FigureSpec {
        file: file.to_path_buf(),
        line: fence_line,
        src: src_value,
        src_line,
        alt,
        caption,
        callouts,
        redactions,
        region_refs,
    })
}

fn rect_text(r: &[i64; 4]) -> String {
    format!("[{}, {}, {}, {}]", r[0], r[1], r[2], r[3])
}

/// Why `rect` does not fit a `w`x`h` image, if it does not.
fn rect_problem(r: &[i64; 4], w: u32, h: u32) -> Option<String> {
    let [x, y, rw, rh] = *r;
    if rw <= 0 || rh <= 0 {
        return Some("has no area (width and height must be at least 1)".into());
    }
    let (w, h) = (i64::from(w), i64::from(h));
    if x < 0 || y < 0 || x.saturating_add(rw) > w || y.saturating_add(rh) > h {
        return Some(format!(
            "lies outside the image, which is {w}x{h} pixels (the box spans x {x}..{} and y {y}..{})",
            x.saturating_add(rw),
            y.saturating_add(rh)
        ));
    }
    None
}

impl FigureSpec {
    /// Every call-out and redaction must lie inside a `w`x`h` image.
    pub fn check_bounds(&self, w: u32, h: u32) -> Result<(), SourceError> {
        for c in &self.callouts {
            let problem = match c.shape {
                Shape::Box(b) => rect_problem(&b, w, h).map(|p| format!("call-out {} (box {}) {p}", c.n, rect_text(&b))),
                Shape::Point([x, y]) => (x < 0 || y < 0 || x >= i64::from(w) || y >= i64::from(h)).then(|| {
                    format!("call-out {} (point [{x}, {y}]) lies outside the image, which is {w}x{h} pixels", c.n)
                }),
            };
            if let Some(p) = problem {
                return Err(SourceError::new(
                    &self.file,
                    c.line,
                    format!("figure `{}`: {p}", self.src),
                ));
            }
        }
        for (i, (r, line)) in self.redactions.iter().enumerate() {
            if let Some(p) = rect_problem(&r.rect, w, h) {
                return Err(SourceError::new(
                    &self.file,
                    *line,
                    format!(
                        "figure `{}`: redaction {} ({}) {p}",
                        self.src,
                        i + 1,
                        rect_text(&r.rect)
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(body: &str) -> Result<FigureSpec, SourceError> {
        parse(body, Path::new("g.md"), 10)
    }

    #[test]
    fn full_figure() {
        let f = p("src: demo/form.png\nalt: \"The form\"\ncaption: \"Fill it in\"\ncallouts:\n  - { n: 2, point: [5, 6], label: \"Click\" }\n  - { n: 1, box: [1, 2, 3, 4], label: \"Type\" }\nredact:\n  - [0, 0, 10, 10]\n  - { box: [1, 1, 2, 2], mode: blur }\n").unwrap();
        assert_eq!(f.src, "demo/form.png");
        assert_eq!(f.src_line, 11);
        assert_eq!(f.alt, "The form");
        assert_eq!(f.caption.as_deref(), Some("Fill it in"));
        assert_eq!(f.callouts[0].n, 1);
        assert_eq!(f.callouts[0].shape, Shape::Box([1, 2, 3, 4]));
        assert_eq!(f.callouts[0].line, 16);
        assert_eq!(f.callouts[1].shape, Shape::Point([5, 6]));
        assert_eq!(f.callouts[1].line, 15);
        assert_eq!(
            f.redactions[0],
            (
                Redaction {
                    rect: [0, 0, 10, 10],
                    mode: RedactMode::Block
                },
                18
            )
        );
        assert_eq!(
            f.redactions[1],
            (
                Redaction {
                    rect: [1, 1, 2, 2],
                    mode: RedactMode::Blur
                },
                19
            )
        );
    }

    #[test]
    fn block_style_lists_and_default_numbers() {
        let f = p("src: a.png\nalt: A\ncallouts:\n  - point: [1, 1]\n    label: first\n  - box: [0, 0, 1, 1]\n    label: second\nredact:\n  - box: [0, 0, 2, 2]\n").unwrap();
        assert_eq!(f.callouts.iter().map(|c| c.n).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(f.callouts[1].line, 16);
        assert_eq!(f.redactions[0].0.mode, RedactMode::Block);
        assert_eq!(f.redactions[0].1, 19);
    }

    #[test]
    fn unknown_keys_report_their_line() {
        let e = p("src: a.png\nalt: A\ncaptoin: x\n").unwrap_err();
        assert_eq!(e.line, 13, "{e}");
        assert!(e.message.contains("captoin"), "{e}");
        let e = p("src: a.png\nalt: A\ncallouts:\n  - { n: 1, point: [1, 1], lable: x }\n")
            .unwrap_err();
        assert_eq!(e.line, 14, "{e}");
        assert!(e.message.contains("lable"), "{e}");
        let e = p("src: a.png\nalt: A\nredact:\n  - { box: [1, 1, 2, 2], mode: smudge }\n")
            .unwrap_err();
        assert_eq!(e.line, 14, "{e}");
        let e =
            p("src: a.png\nalt: A\nredact:\n  - { box: [1, 1, 2, 2], colour: red }\n").unwrap_err();
        assert_eq!(e.line, 14, "{e}");
        assert!(e.message.contains("colour"), "{e}");
        let e = p("src: a.png\nalt: A\nredact:\n  - [1, 2, 3]\n").unwrap_err();
        assert_eq!(e.line, 14, "{e}");
    }

    #[test]
    fn alt_is_required_and_not_empty() {
        let e = p("src: a.png\ncaption: x\n").unwrap_err();
        assert_eq!(e.line, 10);
        assert!(e.message.contains("no `alt` text"), "{e}");
        let e = p("src: a.png\nalt: \"  \"\n").unwrap_err();
        assert_eq!(e.line, 12);
        assert!(e.message.contains("empty `alt` text"), "{e}");
    }

    #[test]
    fn other_required_parts() {
        assert!(p("").unwrap_err().message.contains("empty figure block"));
        assert!(p("alt: x\n").unwrap_err().message.contains("no `src`"));
        let e = p("src: a.png\nalt: A\ncallouts:\n  - { n: 1, label: x }\n").unwrap_err();
        assert!(e.message.contains("exactly one of"), "{e}");
        assert_eq!(e.line, 14);
        let e = p("src: a.png\nalt: A\ncallouts:\n  - { n: 1, point: [1, 1] }\n").unwrap_err();
        assert!(e.message.contains("no `label`"), "{e}");
        let e = p("src: a.png\nalt: A\ncallouts:\n  - { n: 1, point: [1, 1], label: a }\n  - { n: 1, point: [1, 1], label: b }\n").unwrap_err();
        assert!(e.message.contains("used twice"), "{e}");
        assert_eq!(e.line, 15);
    }

    #[test]
    fn bounds() {
        let f = p("src: a.png\nalt: A\ncallouts:\n  - { n: 1, box: [0, 0, 100, 50], label: a }\n  - { n: 2, point: [99, 49], label: b }\nredact:\n  - [90, 40, 10, 10]\n").unwrap();
        f.check_bounds(100, 50).unwrap();
        let e = f.check_bounds(99, 50).unwrap_err();
        assert_eq!(e.line, 14);
        assert!(
            e.message.contains(
                "call-out 1 (box [0, 0, 100, 50]) lies outside the image, which is 99x50 pixels"
            ),
            "{e}"
        );
        let f =
            p("src: a.png\nalt: A\ncallouts:\n  - { n: 3, point: [100, 10], label: b }\n").unwrap();
        let e = f.check_bounds(100, 50).unwrap_err();
        assert!(e.message.contains("call-out 3 (point [100, 10])"), "{e}");
        let f = p("src: a.png\nalt: A\nredact:\n  - [0, 0, 5, 5]\n  - [-1, 0, 5, 5]\n").unwrap();
        let e = f.check_bounds(100, 50).unwrap_err();
        assert_eq!(e.line, 15);
        assert!(
            e.message.contains(
                "redaction 2 ([-1, 0, 5, 5]) lies outside the image, which is 100x50 pixels"
            ),
            "{e}"
        );
        let f = p("src: a.png\nalt: A\nredact:\n  - [0, 0, 0, 5]\n").unwrap();
        assert!(f
            .check_bounds(100, 50)
            .unwrap_err()
            .message
            .contains("no area"));
    }
}
