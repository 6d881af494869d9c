//! Named regions: a figure's `region: <name>` call-outs and redactions, and the screenshot's
//! sidecar `<image>.regions.json` (written by `scripts/screenshots`) that gives their boxes.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::spec::{FigureSpec, Shape};
use crate::error::SourceError;

/// What a `region:` name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionUse {
    /// The call-out with this number.
    Callout(u32),
    /// The redaction at this index of [`FigureSpec::redactions`].
    Redaction(usize),
}

/// A `region: <name>` of a call-out or redaction, until [`FigureSpec::resolve_regions`] puts
/// its box in (the call-out's or redaction's box is empty until then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRef {
    pub name: String,
    pub line: usize,
    pub used_by: RegionUse,
}

/// The sidecar of a screenshot, `<image>.regions.json`: named boxes `[x, y, w, h]` in the
/// pixels of a `width` x `height` image.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    pub regions: BTreeMap<String, [i64; 4]>,
    pub width: u32,
    pub height: u32,
}

/// The path of the regions file of a screenshot path: `a/b.png` -> `a/b.regions.json`.
pub fn regions_path(src: &str) -> String {
    let stem = match src.rfind('.') {
        Some(i) if !src[i..].contains('/') => &src[..i],
        _ => src,
    };
    format!("{stem}.regions.json")
}

/// Edit distance (Levenshtein) between two short names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The names of `names` closest to `want` (a typo, a prefix, a word of it), best first.
pub fn close_names<'a>(want: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let limit = (want.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .filter_map(|n| {
            let d = distance(want, n);
            let related = n.contains(want)
                || want.contains(n)
                || want
                    .split('-')
                    .any(|w| w.len() > 3 && n.split('-').any(|x| x == w));
            (d <= limit || related).then_some((d, n))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, n)| n).collect()
}

impl FigureSpec {
    /// Puts the boxes of the named regions in, from the screenshot's regions file `regions`
    /// (read from `regions_file`, shown in messages) of a `w`x`h` image.
    pub fn resolve_regions(
        &mut self,
        regions: &Regions,
        regions_file: &str,
        w: u32,
        h: u32,
    ) -> Result<(), SourceError> {
        let Some(first) = self.region_refs.first() else {
            return Ok(());
        };
        if (regions.width, regions.height) != (w, h) {
            return Err(SourceError::new(
                &self.file,
                first.line,
                format!(
                    "figure `{}`: {regions_file} describes a {}x{} image, but the image is {w}x{h} pixels (re-run scripts/screenshots)",
                    self.src, regions.width, regions.height
                ),
            ));
        }
        for r in std::mem::take(&mut self.region_refs) {
            let what = match r.used_by {
                RegionUse::Callout(n) => format!("call-out {n}"),
                RegionUse::Redaction(i) => format!("redaction {}", i + 1),
            };
            // the name itself, else the only name that starts with its words
            let prefix = format!("{}-", r.name);
            let starting: Vec<&str> = regions
                .regions
                .keys()
                .map(String::as_str)
                .filter(|k| k.starts_with(&prefix))
                .collect();
            let found = match regions.regions.get(&r.name) {
                Some(rect) => Some(rect),
                None if starting.len() == 1 => regions.regions.get(starting[0]),
                None if starting.len() > 1 => {
                    return Err(SourceError::new(
                        &self.file,
                        r.line,
                        format!(
                            "figure `{}`: region `{}` ({what}) is ambiguous: it starts {} names ({}); write more of the name",
                            self.src,
                            r.name,
                            starting.len(),
                            starting.iter().take(5).copied().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                None => None,
            };
            let Some(rect) = found else {
                let close = close_names(&r.name, regions.regions.keys().map(String::as_str));
                let hint = if close.is_empty() {
                    format!(
                        "{regions_file} has {} regions, none like it",
                        regions.regions.len()
                    )
                } else {
                    format!("close names: {}", close.join(", "))
                };
                return Err(SourceError::new(
                    &self.file,
                    r.line,
                    format!(
                        "figure `{}`: unknown region `{}` ({what}); {hint}",
                        self.src, r.name
                    ),
                ));
            };
            match r.used_by {
                RegionUse::Callout(n) => {
                    for c in self.callouts.iter_mut().filter(|c| c.n == n) {
                        c.shape = Shape::Box(*rect);
                    }
                }
                RegionUse::Redaction(i) => {
                    if let Some((red, _)) = self.redactions.get_mut(i) {
                        red.rect = *rect;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::images::spec::{parse, RedactMode, Redaction};

    fn p(body: &str) -> Result<FigureSpec, SourceError> {
        parse(body, Path::new("g.md"), 10)
    }

    fn regions() -> Regions {
        serde_json::from_str(
            r#"{"regions": {"create-an-account": [10, 20, 30, 40], "e-mail": [0, 0, 5, 5], "confirm-e-mail": [0, 10, 5, 5]}, "width": 100, "height": 80}"#,
        )
        .unwrap()
    }

    #[test]
    fn named_regions() {
        let mut f = p("src: a/b.png\nalt: A\ncallouts:\n  - { n: 2, region: create-an-account, label: Click }\n  - { n: 1, point: [1, 1], label: Type }\nredact:\n  - [1, 1, 2, 2]\n  - { region: e-mail, mode: blur }\n").unwrap();
        assert_eq!(
            f.region_refs,
            [
                RegionRef {
                    name: "create-an-account".into(),
                    line: 14,
                    used_by: RegionUse::Callout(2)
                },
                RegionRef {
                    name: "e-mail".into(),
                    line: 18,
                    used_by: RegionUse::Redaction(1)
                },
            ]
        );
        f.resolve_regions(&regions(), "screenshots/a/b.regions.json", 100, 80)
            .unwrap();
        assert!(f.region_refs.is_empty());
        assert_eq!(f.callouts[1].shape, Shape::Box([10, 20, 30, 40]));
        assert_eq!(f.callouts[0].shape, Shape::Point([1, 1]));
        assert_eq!(
            f.redactions[1],
            (
                Redaction {
                    rect: [0, 0, 5, 5],
                    mode: RedactMode::Blur
                },
                18
            )
        );
        assert_eq!(f.redactions[0].0.rect, [1, 1, 2, 2]);
        f.check_bounds(100, 80).unwrap();
        assert_eq!(regions_path("a/b.png"), "a/b.regions.json");
        assert_eq!(regions_path("a.b/c"), "a.b/c.regions.json");
    }

    #[test]
    fn a_region_may_be_the_first_words_of_one_name() {
        let mut f = p("src: a/b.png\nalt: A\ncallouts:\n  - { region: create, label: x }\n  - { region: create-an, label: y }\n").unwrap();
        f.resolve_regions(&regions(), "r.json", 100, 80).unwrap();
        assert_eq!(f.callouts[0].shape, Shape::Box([10, 20, 30, 40]));
        assert_eq!(f.callouts[1].shape, Shape::Box([10, 20, 30, 40]));
        // "e" starts "e-mail" only ("confirm-e-mail" does not start with it); "cre" is no word
        let mut f = p("src: a/b.png\nalt: A\nredact:\n  - { region: e }\n").unwrap();
        f.resolve_regions(&regions(), "r.json", 100, 80).unwrap();
        assert_eq!(f.redactions[0].0.rect, [0, 0, 5, 5]);
        let mut f = p("src: a/b.png\nalt: A\nredact:\n  - { region: cre }\n").unwrap();
        assert!(f.resolve_regions(&regions(), "r.json", 100, 80).is_err());
        let two: Regions = serde_json::from_str(
            r#"{"regions": {"open-a-b": [0, 0, 1, 1], "open-a-c": [0, 0, 1, 1]}, "width": 100, "height": 80}"#,
        )
        .unwrap();
        let mut f = p("src: a/b.png\nalt: A\nredact:\n  - { region: open-a }\n").unwrap();
        let e = f.resolve_regions(&two, "r.json", 100, 80).unwrap_err();
        assert!(
            e.message.contains(
                "region `open-a` (redaction 1) is ambiguous: it starts 2 names (open-a-b, open-a-c)"
            ),
            "{e}"
        );
    }

    #[test]
    fn unknown_region_lists_close_names() {
        let mut f = p("src: a/b.png\nalt: A\ncallouts:\n  - { n: 1, point: [1, 1], label: x }\n  - { n: 2, region: create-acount, label: Click }\n").unwrap();
        let e = f
            .resolve_regions(&regions(), "screenshots/a/b.regions.json", 100, 80)
            .unwrap_err();
        assert_eq!(e.line, 15, "{e}");
        assert!(
            e.message.contains(
                "figure `a/b.png`: unknown region `create-acount` (call-out 2); close names: create-an-account"
            ),
            "{e}"
        );
        let mut f = p("src: a/b.png\nalt: A\nredact:\n  - { region: email }\n").unwrap();
        let e = f
            .resolve_regions(&regions(), "screenshots/a/b.regions.json", 100, 80)
            .unwrap_err();
        assert!(
            e.message
                .contains("unknown region `email` (redaction 1); close names: e-mail"),
            "{e}"
        );
        let mut f = p("src: a/b.png\nalt: A\nredact:\n  - { region: zzz }\n").unwrap();
        let e = f
            .resolve_regions(&regions(), "screenshots/a/b.regions.json", 100, 80)
            .unwrap_err();
        assert!(
            e.message
                .contains("screenshots/a/b.regions.json has 3 regions, none like it"),
            "{e}"
        );
    }

    #[test]
    fn stale_regions_file_and_bad_region_syntax() {
        let mut f =
            p("src: a/b.png\nalt: A\ncallouts:\n  - { region: e-mail, label: x }\n").unwrap();
        let e = f
            .resolve_regions(&regions(), "screenshots/a/b.regions.json", 100, 81)
            .unwrap_err();
        assert_eq!(e.line, 14);
        assert!(
            e.message
                .contains("describes a 100x80 image, but the image is 100x81 pixels"),
            "{e}"
        );
        let e = p(
            "src: a.png\nalt: A\ncallouts:\n  - { box: [0, 0, 1, 1], region: e-mail, label: x }\n",
        )
        .unwrap_err();
        assert!(e.message.contains("exactly one of"), "{e}");
        let e = p("src: a.png\nalt: A\nredact:\n  - { box: [0, 0, 1, 1], region: e-mail }\n")
            .unwrap_err();
        assert!(
            e.message.contains("redaction 1 needs exactly one of"),
            "{e}"
        );
        assert_eq!(e.line, 14);
        let e = p("src: a.png\nalt: A\nredact:\n  - { mode: blur }\n").unwrap_err();
        assert!(
            e.message.contains("redaction 1 needs exactly one of"),
            "{e}"
        );
        let e = p("src: a.png\nalt: A\ncallouts:\n  - { region: \" \", label: x }\n").unwrap_err();
        assert!(e.message.contains("empty `region`"), "{e}");
    }

    #[test]
    fn close_names_rank_typos_and_words() {
        let names = [
            "first-name",
            "last-name",
            "e-mail",
            "create-an-account",
            "cancel",
        ];
        assert_eq!(
            close_names("frist-name", names),
            ["first-name", "last-name"]
        );
        assert_eq!(close_names("create", names), ["create-an-account"]);
        assert_eq!(close_names("account", names), ["create-an-account"]);
        assert!(close_names("zzzzzzzz", names).is_empty());
    }
}
