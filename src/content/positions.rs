//! Exact lines of values of the data files, for error messages about values checked after
//! parsing: on the error path the file's text is parsed again into structs of positions
//! (`serde_saphyr::Spanned`, the values themselves ignored), so a message names the line of
//! the value itself, not the first line that happens to contain its text.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::data::yaml_line;
use super::guide::{front_matter_line, split_front_matter, Source};
use super::Library;
use std::path::{Path, PathBuf};

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

#[derive(Deserialize)]
struct StatementPos {
    status: Pos,
    prepared_on: Pos,
    last_reviewed: Pos,
}

#[derive(Deserialize)]
struct FeedbackPos {
    feedback: EmailPos,
}

#[derive(Deserialize)]
struct EmailPos {
    email: Pos,
}

#[derive(Deserialize)]
struct EnforcementPos {
    enforcement: UrlPos,
}

#[derive(Deserialize)]
struct UrlPos {
    url: Pos,
}

/// A value of `accessibility.yaml` that a check names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementValue {
    Status,
    PreparedOn,
    LastReviewed,
    FeedbackEmail,
    EnforcementUrl,
}

/// The line of `value` in the text of an `accessibility.yaml`.
pub(crate) fn statement_line(text: &str, value: StatementValue) -> usize {
    match value {
        StatementValue::FeedbackEmail => {
            serde_saphyr::from_str::<FeedbackPos>(text).map_or(0, |f| line(&f.feedback.email))
        }
        StatementValue::EnforcementUrl => {
            serde_saphyr::from_str::<EnforcementPos>(text).map_or(0, |e| line(&e.enforcement.url))
        }
        _ => serde_saphyr::from_str::<StatementPos>(text).map_or(0, |s| {
            line(match value {
                StatementValue::Status => &s.status,
                StatementValue::PreparedOn => &s.prepared_on,
                _ => &s.last_reviewed,
            })
        }),
    }
}

/// A map's keys with their positions (the values ignored).
type KeysPos = std::collections::HashMap<Spanned<String>, IgnoredAny>;

#[derive(Deserialize)]
struct SandboxPos {
    #[serde(default)]
    methods: KeysPos,
    #[serde(default)]
    networks: KeysPos,
    password_variant: Pos,
}

/// A value of the sandbox flow (`sandbox.yaml`) that a check names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SandboxValue<'a> {
    /// The key of `methods` with this name.
    Method(&'a str),
    /// The key of `networks` with this name.
    Network(&'a str),
    PasswordVariant,
}

/// The line of `value` in the text of a `sandbox.yaml`.
pub(crate) fn sandbox_line(text: &str, value: SandboxValue) -> usize {
    let Ok(s) = serde_saphyr::from_str::<SandboxPos>(text) else {
        return 0;
    };
    let key =
        |keys: &KeysPos, name: &str| keys.keys().find(|k| k.value == name).map_or(0, yaml_line);
    match value {
        SandboxValue::Method(name) => key(&s.methods, name),
        SandboxValue::Network(name) => key(&s.networks, name),
        SandboxValue::PasswordVariant => line(&s.password_variant),
    }
}

/// The texts of a Markdown source's front matter that are translated.
#[derive(Deserialize)]
struct FrontPos {
    title: Pos,
    summary: Pos,
    #[serde(default)]
    shortcuts: Vec<ShortcutPos>,
}

#[derive(Deserialize)]
struct ShortcutPos {
    label: Pos,
}

/// A text of the front matter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FrontText {
    Title,
    Summary,
    /// The `label` of the shortcut at this index (a guide's `_index.md`).
    ShortcutLabel(usize),
}

/// The file line of a text of `source`'s front matter (0 when it has none).
pub(crate) fn front_text_line(source: &Source, value: FrontText) -> usize {
    let Ok((yaml, _, _)) = split_front_matter(&source.text, &source.file) else {
        return 0;
    };
    let Ok(front) = serde_saphyr::from_str::<FrontPos>(&yaml) else {
        return 0;
    };
    let pos = match value {
        FrontText::Title => front.title.as_ref(),
        FrontText::Summary => front.summary.as_ref(),
        FrontText::ShortcutLabel(i) => front.shortcuts.get(i).and_then(|s| s.label.as_ref()),
    };
    pos.map_or(0, front_matter_line)
}

/// The file lines of each top-level value of `source`'s front matter, in order: from the
/// value's first line up to the next value's (comments between them included).
pub(crate) fn front_value_lines(source: &Source) -> Vec<std::ops::Range<usize>> {
    type Values = std::collections::BTreeMap<String, Spanned<IgnoredAny>>;
    let Ok((yaml, first, _)) = split_front_matter(&source.text, &source.file) else {
        return Vec::new();
    };
    let Ok(values) = serde_saphyr::from_str::<Values>(&yaml) else {
        return Vec::new();
    };
    let mut starts: Vec<usize> = values
        .values()
        .map(front_matter_line)
        .filter(|l| *l > 0)
        .collect();
    starts.sort_unstable();
    let end = first + yaml.lines().count();
    (0..starts.len())
        .map(|i| starts[i]..starts.get(i + 1).copied().unwrap_or(end))
        .collect()
}

type TomlPos = Option<toml::Spanned<IgnoredAny>>;

#[derive(Deserialize)]
struct ConfigPos {
    title: TomlPos,
    theme: TomlPos,
    language: TomlPos,
    languages: Option<Vec<toml::Spanned<IgnoredAny>>>,
    base_url: TomlPos,
    translation_threshold: TomlPos,
    #[serde(default)]
    contacts: Vec<ConfigContactPos>,
    portal: Option<ConfigContactPos>,
}

#[derive(Deserialize)]
struct ConfigContactPos {
    email: TomlPos,
}

/// A value of `site.toml` that a check names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ConfigValue {
    Title,
    Theme,
    Language,
    /// The entry of `languages` at this index.
    Languages(usize),
    BaseUrl,
    TranslationThreshold,
    /// The `email` of the `[[contacts]]` entry at this index.
    ContactEmail(usize),
    /// `[portal] email`.
    PortalEmail,
}

/// The line of a value in the text of `site.toml` (0 when it is not there).
pub(crate) fn config_line(text: &str, value: ConfigValue) -> usize {
    let Ok(c) = toml::from_str::<ConfigPos>(text) else {
        return 0;
    };
    let pos = match value {
        ConfigValue::Title => c.title.as_ref(),
        ConfigValue::Theme => c.theme.as_ref(),
        ConfigValue::Language => c.language.as_ref(),
        ConfigValue::Languages(i) => c.languages.as_ref().and_then(|l| l.get(i)),
        ConfigValue::BaseUrl => c.base_url.as_ref(),
        ConfigValue::TranslationThreshold => c.translation_threshold.as_ref(),
        ConfigValue::ContactEmail(i) => c.contacts.get(i).and_then(|c| c.email.as_ref()),
        ConfigValue::PortalEmail => c.portal.as_ref().and_then(|p| p.email.as_ref()),
    };
    pos.and_then(|p| text.get(..p.span().start))
        .map_or(0, |before| before.matches('\n').count() + 1)
}

/// A text value of the site's data and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataText {
    pub file: PathBuf,
    pub line: usize,
    pub text: String,
}

/// Every text value of the data a theme's templates show, each at its own line: `site.toml`,
/// `content/data/*.yaml`, each network's `network.yaml` and the sandbox flow (the site's, or
/// the theme's own). Read again (for error messages only); a file that no longer parses
/// gives nothing.
pub(crate) fn data_texts(lib: &Library) -> Vec<DataText> {
    let mut out = Vec::new();
    let mut add = |file: &Path, found: Vec<(usize, String)>| {
        out.extend(found.into_iter().map(|(line, text)| DataText {
            file: file.to_path_buf(),
            line,
            text,
        }));
    };
    add(
        &lib.site_dir.join("site.toml"),
        toml_texts(&lib.config_text),
    );
    let data_dir = lib.site_dir.join("content").join("data");
    let mut files: Vec<PathBuf> = crate::input::walk_files(&data_dir)
        .unwrap_or_default()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.extend(lib.networks.values().map(|n| n.source_file.clone()));
    files.sort();
    files.dedup();
    for file in files {
        if let Ok(text) = crate::input::read_text(&file) {
            add(&file, yaml_texts(&text));
        }
    }
    // The theme's flow (the site's own is a file of `content/data/`, read above).
    if let Some(file) = &lib.data.sandbox_file {
        if !file.starts_with(&data_dir) {
            add(file, yaml_texts(&lib.data.sandbox_text));
        }
    }
    out
}

/// The string values of a YAML text with their lines (keys left out).
fn yaml_texts(text: &str) -> Vec<(usize, String)> {
    serde_saphyr::from_str::<Spanned<YamlNode>>(text)
        .map(YamlNode::texts)
        .unwrap_or_default()
}

/// A YAML value read for its strings: one string, or the strings inside a list or map.
enum YamlNode {
    Text(String),
    Inner(Vec<(usize, String)>),
}

impl YamlNode {
    /// The strings of `node`, each at its line.
    fn texts(node: Spanned<YamlNode>) -> Vec<(usize, String)> {
        let line = yaml_line(&node);
        match node.value {
            YamlNode::Text(t) => vec![(line, t)],
            YamlNode::Inner(v) => v,
        }
    }
}

impl<'de> Deserialize<'de> for YamlNode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<YamlNode, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = YamlNode;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_str<E>(self, v: &str) -> Result<YamlNode, E> {
                Ok(YamlNode::Text(v.to_string()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<YamlNode, E> {
                Ok(YamlNode::Inner(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<YamlNode, E> {
                Ok(YamlNode::Inner(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<YamlNode, E> {
                Ok(YamlNode::Inner(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<YamlNode, E> {
                Ok(YamlNode::Inner(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<YamlNode, E> {
                Ok(YamlNode::Inner(Vec::new()))
            }
            fn visit_none<E>(self) -> Result<YamlNode, E> {
                Ok(YamlNode::Inner(Vec::new()))
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<YamlNode, D::Error> {
                YamlNode::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<YamlNode, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<YamlNode>>()? {
                    out.extend(YamlNode::texts(item));
                }
                Ok(YamlNode::Inner(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<YamlNode, A::Error> {
                let mut out = Vec::new();
                while let Some((IgnoredAny, value)) =
                    map.next_entry::<IgnoredAny, Spanned<YamlNode>>()?
                {
                    out.extend(YamlNode::texts(value));
                }
                Ok(YamlNode::Inner(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The string values of a TOML text with their lines (keys left out).
fn toml_texts(text: &str) -> Vec<(usize, String)> {
    use toml::de::{DeTable, DeValue};
    fn walk(text: &str, value: &toml::Spanned<DeValue>, out: &mut Vec<(usize, String)>) {
        match value.get_ref() {
            DeValue::String(s) => {
                let line = text
                    .get(..value.span().start)
                    .map_or(0, |before| before.matches('\n').count() + 1);
                out.push((line, s.to_string()));
            }
            DeValue::Array(items) => items.iter().for_each(|v| walk(text, v, out)),
            DeValue::Table(table) => table.values().for_each(|v| walk(text, v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(table) = DeTable::parse(text) {
        table
            .get_ref()
            .values()
            .for_each(|v| walk(text, v, &mut out));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_value_at_its_own_line() {
        let yaml = "# TODO: a note, name: A\nname: \"A\"\nlist:\n  - b\n  - { k: c, n: 3 }\nmap:\n  deep:\n    text: |\n      d\n";
        let texts = yaml_texts(yaml);
        // a block scalar is at its first line of text
        let want = [(2, "A"), (4, "b"), (5, "c"), (9, "d\n")];
        assert_eq!(texts.len(), want.len(), "{texts:?}");
        for ((line, text), (l, t)) in texts.iter().zip(want) {
            assert_eq!((*line, text.as_str()), (l, t));
        }
        let toml = "# title = \"T\"\ntitle = \"T\"\n\n[portal]\nemail = \"p@x.org\"\n\n[[contacts]]\nname = \"N\"\nn = 3\n";
        let texts = toml_texts(toml);
        let mut texts: Vec<(usize, &str)> = texts.iter().map(|(l, t)| (*l, t.as_str())).collect();
        texts.sort();
        assert_eq!(texts, [(2, "T"), (5, "p@x.org"), (8, "N")]);
    }

    #[test]
    fn config_emails_at_their_own_line() {
        let text = "# a@x.example.org, b@x.example.org were the old addresses\ntitle = \"T\"\n\n[portal]\nemail = \"b@x.example.org\"\n\n[[contacts]]\nname = \"A\"\nemail = \"a@x.example.org\"\n\n[[contacts]]\nname = \"C\"\n";
        assert_eq!(config_line(text, ConfigValue::PortalEmail), 5);
        assert_eq!(config_line(text, ConfigValue::ContactEmail(0)), 9);
        assert_eq!(config_line(text, ConfigValue::ContactEmail(1)), 0);
    }

    #[test]
    fn sandbox_keys_at_their_own_line() {
        let text = "# sms: networks: password_variant: were renamed\nmethods:\n  app: { label: A }\n  sms:\n    label: S\nnetworks:\n  sms: {}\npassword_variant: strict\n";
        assert_eq!(sandbox_line(text, SandboxValue::Method("sms")), 4);
        assert_eq!(sandbox_line(text, SandboxValue::Method("app")), 3);
        assert_eq!(sandbox_line(text, SandboxValue::Network("sms")), 7);
        assert_eq!(sandbox_line(text, SandboxValue::PasswordVariant), 8);
        assert_eq!(sandbox_line(text, SandboxValue::Network("nope")), 0);
    }

    #[test]
    fn front_matter_texts_at_their_own_line() {
        let text = "---\n# label: see below\ntitle: \"label: x\"\nshortcuts:\n  - label: A\n    step: a\n  - step: b\n    label: B\n---\nsummary: not front matter\n";
        let (_, _, source) = split_front_matter(text, std::path::Path::new("g.md")).unwrap();
        assert_eq!(front_text_line(&source, FrontText::Title), 3);
        assert_eq!(front_text_line(&source, FrontText::ShortcutLabel(0)), 5);
        assert_eq!(front_text_line(&source, FrontText::ShortcutLabel(1)), 8);
        assert_eq!(front_text_line(&source, FrontText::ShortcutLabel(2)), 0);
        assert_eq!(front_text_line(&source, FrontText::Summary), 0);
    }

    #[test]
    fn front_matter_values_own_their_lines() {
        let text = "---\ntitle: T\nshortcuts:\n  - label: A\n  # a note\nsource: S\n---\nbody\n";
        let (_, _, source) = split_front_matter(text, std::path::Path::new("g.md")).unwrap();
        assert_eq!(front_value_lines(&source), [2..4, 4..6, 6..7]);
    }

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
