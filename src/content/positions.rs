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

#[derive(Deserialize)]
struct NetworkPos {
    id: Pos,
    helpdesk: Option<HelpdeskPos>,
    web_page: Pos,
    #[serde(default)]
    countries: Vec<CountryPos>,
}

#[derive(Deserialize)]
struct HelpdeskPos {
    email: Pos,
}

#[derive(Deserialize)]
struct CountryPos {
    name: Pos,
    #[serde(default)]
    institutions: Vec<InstitutionPos>,
}

#[derive(Deserialize)]
struct InstitutionPos {
    code: Pos,
}

/// A value of `network.yaml` that a check names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NetworkValue {
    Id,
    HelpdeskEmail,
    WebPage,
    /// The name of the country at this index of `countries`.
    CountryName(usize),
    /// The code of institution `.1` of country `.0`.
    InstitutionCode(usize, usize),
}

/// The line of `value` in the text of a `network.yaml`.
pub(crate) fn network_line(text: &str, value: NetworkValue) -> usize {
    let Ok(n) = serde_saphyr::from_str::<NetworkPos>(text) else {
        return 0;
    };
    let country = |c: usize| n.countries.get(c);
    match value {
        NetworkValue::Id => line(&n.id),
        NetworkValue::HelpdeskEmail => n.helpdesk.as_ref().map_or(0, |h| line(&h.email)),
        NetworkValue::WebPage => line(&n.web_page),
        NetworkValue::CountryName(c) => country(c).map_or(0, |c| line(&c.name)),
        NetworkValue::InstitutionCode(c, i) => country(c)
            .and_then(|c| c.institutions.get(i))
            .map_or(0, |i| line(&i.code)),
    }
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
        let net = "# id: demo, code: \"IT01\", name: Italy\nid: demo\nhelpdesk:\n  name: H\n  email: h@x.example\nweb_page: https://x.example\ncountries:\n  - name: Italy\n    institutions:\n      - { code: \"IT01\", name: A }\n      - code: IT01\n        name: B\n";
        let at = |v| network_line(net, v);
        assert_eq!(at(NetworkValue::Id), 2);
        assert_eq!(at(NetworkValue::HelpdeskEmail), 5);
        assert_eq!(at(NetworkValue::WebPage), 6);
        assert_eq!(at(NetworkValue::CountryName(0)), 8);
        assert_eq!(at(NetworkValue::InstitutionCode(0, 1)), 11);
        assert_eq!(at(NetworkValue::InstitutionCode(1, 0)), 0);
    }
}
