//! Exact lines of values of the data files, for error messages about values checked after
//! parsing: on the error path the file's text is parsed again into structs of positions
//! (`serde_saphyr::Spanned`, the values themselves ignored), so a message names the line of
//! the value itself, not the first line that happens to contain its text.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::data::yaml_line;

type Pos = Option<Spanned<IgnoredAny>>;

fn line(pos: &Pos) -> usize {
    pos.as_ref().map_or(0, yaml_line)
}

/// An entry of `links.yaml`.
#[derive(Deserialize)]
struct LinkPos {
    id: Pos,
    url: Pos,
}

/// The line of the `id` (or, with `url`, the address) of the link at `index` of `links.yaml`.
pub(crate) fn link_line(text: &str, index: usize, url: bool) -> usize {
    let Ok(links) = serde_saphyr::from_str::<Vec<LinkPos>>(text) else {
        return 0;
    };
    links
        .get(index)
        .map_or(0, |l| line(if url { &l.url } else { &l.id }))
}

#[derive(Deserialize)]
struct EuLoginPos {
    password_rules: Option<RulesPos>,
    #[serde(default)]
    methods: Vec<MethodPos>,
}

#[derive(Deserialize)]
struct RulesPos {
    shown: Pos,
}

#[derive(Deserialize)]
struct MethodPos {
    available_from: Pos,
    available_until: Pos,
}

/// The line of `password_rules.shown` in `eu_login.yaml`.
pub(crate) fn shown_line(text: &str) -> usize {
    serde_saphyr::from_str::<EuLoginPos>(text)
        .ok()
        .and_then(|e| e.password_rules)
        .map_or(0, |r| line(&r.shown))
}

/// The line of the method at `index` of `eu_login.yaml`: its `available_until` with `until`,
/// else its `available_from`.
pub(crate) fn method_date_line(text: &str, index: usize, until: bool) -> usize {
    let Ok(e) = serde_saphyr::from_str::<EuLoginPos>(text) else {
        return 0;
    };
    e.methods.get(index).map_or(0, |m| {
        line(if until {
            &m.available_until
        } else {
            &m.available_from
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_the_values_not_of_their_first_mention() {
        let links = "# saas: https://x.example is the old address\n- id: a\n  url: \"https://x.example\"\n- { id: saas, title: S, url: \"https://y.example\" }\n";
        assert_eq!(link_line(links, 0, true), 3);
        assert_eq!(link_line(links, 1, false), 4);
        assert_eq!(link_line(links, 2, false), 0);
        let eu = "# shown: below\npassword_rules:\n  shown: x\n  variants: []\nmethods:\n  - { id: a, available_from: 2025-01-01 }\n  - id: b\n    available_until: 2025-13-01\n";
        assert_eq!(shown_line(eu), 3);
        assert_eq!(method_date_line(eu, 0, false), 6);
        assert_eq!(method_date_line(eu, 1, true), 8);
        assert_eq!(method_date_line(eu, 1, false), 0);
    }
}
