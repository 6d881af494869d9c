//! Reference data (`content/data/*.yaml`) and networks (`content/networks/<id>/network.yaml`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::positions::{self, NetworkValue};
use crate::config::is_email;
use crate::error::{parse_yaml, Result, SourceError};
use crate::input::read_text;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ern {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub status: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordRule {
    pub id: String,
    pub min_length: u32,
    #[serde(default)]
    pub min_groups: u32,
    #[serde(default)]
    pub require_all_groups: bool,
    #[serde(default)]
    pub forbid_username: bool,
    pub text: String,
    pub source: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordRules {
    pub shown: String,
    pub variants: Vec<PasswordRule>,
}

/// A verification method with the dates it was offered.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub available_from: Option<String>,
    /// The last day the method was offered.
    #[serde(default)]
    pub available_until: Option<String>,
    pub source: String,
    #[serde(default)]
    pub note: String,
    /// Who may use it ("EC staff only"), if restricted.
    #[serde(default)]
    pub audience: String,
}

impl Method {
    /// Whether the method is offered on `date` (`YYYY-MM-DD`; ISO dates compare as strings).
    pub fn offered_on(&self, date: &str) -> bool {
        let started = self
            .available_from
            .as_deref()
            .is_none_or(|from| from <= date);
        let not_ended = self
            .available_until
            .as_deref()
            .is_none_or(|until| date <= until);
        started && not_ended
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EuLogin {
    pub password_rules: PasswordRules,
    pub methods: Vec<Method>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub date: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub id: String,
    pub title: String,
    pub url: String,
    #[serde(default)]
    pub description: String,
}

/// All of `content/data/`.
#[derive(Debug, Clone, Serialize)]
pub struct Data {
    pub erns: Vec<Ern>,
    pub countries: Vec<String>,
    pub profiles: Vec<Profile>,
    pub eu_login: EuLogin,
    pub facts: Vec<Fact>,
    pub links: Vec<Link>,
    /// The sandbox flow, passed to the theme as-is: the site's `content/data/sandbox.yaml`,
    /// else the theme's `data/sandbox.yaml` (see `Library::load`).
    pub sandbox: Option<super::sandbox::SandboxFlow>,
    /// Where the sandbox flow came from (for messages).
    #[serde(skip)]
    pub sandbox_file: Option<PathBuf>,
    /// The sandbox flow's text, as read (for pointing at lines).
    #[serde(skip)]
    pub sandbox_text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Helpdesk {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Institution {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub name: String,
    #[serde(default)]
    pub institutions: Vec<Institution>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuestAccess {
    pub code: String,
    pub label: String,
}

/// Which countries SAAS lists under a network's ERN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CountryList {
    /// Exactly the countries of `countries:` (the document shows the whole list).
    #[default]
    Complete,
    /// Every country of `content/data/countries.yaml`; `countries:` only adds what is known
    /// about some of them (their institutions). Used where a document's screenshot shows an
    /// alphabetical run of all countries that is cut off.
    All,
}

/// Network-specific words used by shared steps and the sandbox.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Wording {
    /// What the network calls the second factor ("2-factor authentication",
    /// ERN-RND's "3-factor verification").
    pub two_factor: String,
    /// Hint shown under the SAAS request's Comments box ("" = none).
    pub comment_hint: String,
    /// An example profession for the preferences / clinical-focus screens ("" = none).
    pub profession_example: String,
    /// The CPMS top-menu item that holds "ERN Preferences" (default "ERN").
    pub preferences_menu: String,
}

impl Default for Wording {
    fn default() -> Self {
        Wording {
            two_factor: "two-factor authentication".into(),
            comment_hint: String::new(),
            profession_example: String::new(),
            preferences_menu: "ERN".into(),
        }
    }
}

/// One network's data.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub id: String,
    pub ern: Spanned<String>,
    pub name: String,
    /// The network's CPMS helpdesk; `null` when the network has not published one (unknown
    /// is a value: the guides then say so and name who to ask instead).
    #[serde(default)]
    pub helpdesk: Option<Helpdesk>,
    /// The network's own public web page about CPMS, if known.
    #[serde(default)]
    pub web_page: Option<String>,
    pub profiles: Vec<Spanned<String>>,
    #[serde(default)]
    pub guest_access: Option<GuestAccess>,
    /// Whether `countries` is SAAS's whole list or only adds to "every country" (see
    /// `CountryList`); after loading, `countries` always holds the whole list SAAS shows.
    #[serde(default)]
    pub country_list: CountryList,
    #[serde(default)]
    pub countries: Vec<Country>,
    #[serde(default)]
    pub thematic_areas: Vec<String>,
    #[serde(default)]
    pub wording: Wording,
    #[serde(default)]
    pub approval_time: String,
    /// Filled in on load: the ERN's full name from `erns.yaml`.
    #[serde(skip_deserializing)]
    pub ern_name: String,
    #[serde(skip)]
    pub source_file: PathBuf,
}

impl Network {
    /// The network of an ERN that has no `network.yaml`: only what `erns.yaml` knows (its code
    /// and name); everything else unknown (no helpdesk, no profiles, no institutions).
    pub fn for_ern(ern: &Ern, erns_file: &Path) -> Network {
        Network {
            id: ern.code.to_lowercase(),
            ern: Spanned::new(
                ern.code.clone(),
                serde_saphyr::Location::UNKNOWN,
                serde_saphyr::Location::UNKNOWN,
            ),
            name: network_name(&ern.code),
            helpdesk: None,
            web_page: None,
            profiles: Vec::new(),
            guest_access: None,
            country_list: CountryList::Complete,
            countries: Vec::new(),
            thematic_areas: Vec::new(),
            wording: Wording::default(),
            approval_time: String::new(),
            ern_name: ern.name.clone(),
            source_file: erns_file.to_path_buf(),
        }
    }
}

/// How the European Commission names a network from its code: "ERN BOND", "ERN eUROGEN", but
/// "ERN-EYE", "ERNICA", "Endo-ERN", "MetabERN", "VASCERN" and "ERKNet" as they are.
pub fn network_name(code: &str) -> String {
    if code.contains("ERN") || code == "ERKNet" {
        code.to_string()
    } else {
        format!("ERN {code}")
    }
}

/// The 1-based line of a value of a YAML file (0 when unknown).
pub(crate) fn yaml_line<T>(value: &Spanned<T>) -> usize {
    usize::try_from(value.referenced.line()).unwrap_or(0)
}

fn read(path: &Path) -> Result<String> {
    read_text(path)
}

fn load_yaml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = read(path)?;
    Ok(parse_yaml(&text, path, 0)?)
}

impl Data {
    /// Loads every file of `content/data/`.
    pub fn load(data_dir: &Path) -> Result<Data> {
        let erns: Vec<Ern> = load_yaml(&data_dir.join("erns.yaml"))?;
        let countries: Vec<String> = load_yaml(&data_dir.join("countries.yaml"))?;
        let profiles: Vec<Profile> = load_yaml(&data_dir.join("profiles.yaml"))?;
        let eu_login_path = data_dir.join("eu_login.yaml");
        let eu_login: EuLogin = load_yaml(&eu_login_path)?;
        let facts: Vec<Fact> = load_yaml(&data_dir.join("facts.yaml"))?;
        let links_path = data_dir.join("links.yaml");
        let links: Vec<Link> = load_yaml(&links_path)?;
        let sandbox_path = data_dir.join("sandbox.yaml");
        let (sandbox, sandbox_file, sandbox_text) = if sandbox_path.exists() {
            let text = read(&sandbox_path)?;
            // An empty flow would pass as a flow of nothing, and fail in the theme's template.
            if text
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
            {
                return Err(SourceError::new(
                    &sandbox_path,
                    1,
                    "the sandbox flow is empty: write the flow here, or delete the file to use                      the theme's flow",
                )
                .into());
            }
            (
                Some(parse_yaml(&text, &sandbox_path, 0)?),
                Some(sandbox_path),
                text,
            )
        } else {
            (None, None, String::new())
        };
        let data = Data {
            erns,
            countries,
            profiles,
            eu_login,
            facts,
            links,
            sandbox,
            sandbox_file,
            sandbox_text,
        };
        data.validate(data_dir)?;
        Ok(data)
    }

    fn validate(&self, data_dir: &Path) -> Result<()> {
        let eu_path = data_dir.join("eu_login.yaml");
        let rules = &self.eu_login.password_rules;
        if !rules.variants.iter().any(|v| v.id == rules.shown) {
            let text = read(&eu_path)?;
            return Err(SourceError::new(
                &eu_path,
                positions::shown_line(&text),
                format!(
                    "password_rules.shown \"{}\" is not the id of a variant",
                    rules.shown
                ),
            )
            .into());
        }
        for (k, m) in self.eu_login.methods.iter().enumerate() {
            for (until, d) in [(false, &m.available_from), (true, &m.available_until)] {
                let Some(d) = d else { continue };
                if !is_iso_date(d) {
                    let text = read(&eu_path)?;
                    return Err(SourceError::new(
                        &eu_path,
                        positions::method_date_line(&text, k, until),
                        format!("method `{}`: \"{d}\" is not a date (YYYY-MM-DD)", m.id),
                    )
                    .into());
                }
            }
        }
        let links_path = data_dir.join("links.yaml");
        let mut seen = std::collections::HashSet::new();
        for (k, l) in self.links.iter().enumerate() {
            if !seen.insert(l.id.as_str()) {
                let text = read(&links_path)?;
                return Err(SourceError::new(
                    &links_path,
                    positions::link_line(&text, k, false),
                    format!("duplicate link id `{}`", l.id),
                )
                .into());
            }
            if !is_http_url(&l.url) {
                let text = read(&links_path)?;
                return Err(SourceError::new(
                    &links_path,
                    positions::link_line(&text, k, true),
                    format!(
                        "link `{}`: \"{}\" is not a well-formed http(s) URL",
                        l.id, l.url
                    ),
                )
                .into());
            }
        }
        Ok(())
    }

    pub fn ern(&self, code: &str) -> Option<&Ern> {
        self.erns.iter().find(|e| e.code == code)
    }
    pub fn link(&self, id: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.id == id)
    }
    pub fn method(&self, id: &str) -> Option<&Method> {
        self.eu_login.methods.iter().find(|m| m.id == id)
    }
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD`.
pub fn is_iso_date(s: &str) -> bool {
    super::date::IsoDate::parse(s).is_some()
}

/// A well-formed absolute http(s) URL (no network access): a DNS host (optionally a port),
/// then only characters a URL may carry unencoded, minus those that end or open Markdown and
/// HTML syntax (`(`, `)`, `<`, `>`, `"`, `'`, `` ` ``, `\\`, `[`, `]`, `{`, `}`, `|`, `^`, spaces):
/// write them percent-encoded.
pub fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        Some(_) => return false,
        None => authority,
    };
    crate::config::is_domain(host)
        && tail
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#@!$&*+,;=%".contains(c))
}

impl Network {
    /// Loads `content/networks/<id>/network.yaml` and checks its references against `data`.
    pub fn load(path: &Path, data: &Data) -> Result<Network> {
        let text = read(path)?;
        let mut net: Network = parse_yaml(&text, path, 0)?;
        net.source_file = path.to_path_buf();
        let folder = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let err = |needle: NetworkValue, msg: String| -> anyhow::Error {
            SourceError::new(path, positions::network_line(&text, needle), msg).into()
        };
        if net.id != folder {
            return Err(err(
                NetworkValue::Id,
                format!(
                    "network id `{}` must equal its folder name `{folder}`",
                    net.id
                ),
            ));
        }
        match data.ern(&net.ern.value) {
            Some(e) => net.ern_name = e.name.clone(),
            None => {
                return Err(SourceError::new(
                    path,
                    yaml_line(&net.ern),
                    format!(
                        "unknown ERN `{}` (not a code in content/data/erns.yaml)",
                        net.ern.value
                    ),
                )
                .into())
            }
        }
        if let Some(h) = &net.helpdesk {
            if !is_email(&h.email) {
                return Err(err(
                    NetworkValue::HelpdeskEmail,
                    format!(
                        "helpdesk e-mail \"{}\" is not a valid e-mail address",
                        h.email
                    ),
                ));
            }
        }
        if let Some(url) = &net.web_page {
            if !is_http_url(url) {
                return Err(err(
                    NetworkValue::WebPage,
                    format!("web_page \"{url}\" is not a well-formed http(s) URL"),
                ));
            }
        }
        for p in &net.profiles {
            if data.profile(&p.value).is_none() {
                return Err(SourceError::new(
                    path,
                    yaml_line(p),
                    format!(
                        "unknown access profile `{}` (not in content/data/profiles.yaml)",
                        p.value
                    ),
                )
                .into());
            }
        }
        let mut codes = std::collections::HashSet::new();
        for (k, c) in net.countries.iter().enumerate() {
            if !data.countries.iter().any(|known| known == &c.name) {
                return Err(err(
                    NetworkValue::CountryName(k),
                    format!(
                        "unknown country `{}` (not in content/data/countries.yaml)",
                        c.name
                    ),
                ));
            }
            for (j, i) in c.institutions.iter().enumerate() {
                // reported at the second one
                if !codes.insert(i.code.clone()) {
                    return Err(err(
                        NetworkValue::InstitutionCode(k, j),
                        format!("duplicate institution code `{}`", i.code),
                    ));
                }
            }
        }
        if net.country_list == CountryList::All {
            net.countries = data
                .countries
                .iter()
                .map(|name| {
                    net.countries
                        .iter()
                        .find(|c| &c.name == name)
                        .cloned()
                        .unwrap_or_else(|| Country {
                            name: name.clone(),
                            institutions: Vec::new(),
                        })
                })
                .collect();
        }
        Ok(net)
    }

    /// Finds an institution by code, with its country.
    pub fn institution(&self, code: &str) -> Option<(&Country, &Institution)> {
        self.countries.iter().find_map(|c| {
            c.institutions
                .iter()
                .find(|i| i.code == code)
                .map(|i| (c, i))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_dates() {
        let m = Method {
            id: "sms".into(),
            label: "SMS".into(),
            description: String::new(),
            available_from: None,
            available_until: Some("2025-06-30".into()),
            source: "x".into(),
            note: String::new(),
            audience: String::new(),
        };
        assert!(m.offered_on("2025-06-30"));
        assert!(!m.offered_on("2025-07-01"));
        assert!(m.offered_on("2019-01-01"));
    }

    #[test]
    fn urls() {
        assert!(is_http_url("https://webgate.ec.europa.eu/cas"));
        assert!(!is_http_url("htps://x.org"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("https://exa mple.org"));
    }
}
