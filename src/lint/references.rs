//! Data references written in the sources, checked whether or not a page's rendering reaches
//! them (a reference inside `{% if %}` is only evaluated for some networks): literal arguments
//! of the content functions (`link("saas")`, `institution("IT37")`, ...) are errors when
//! unknown; ids in `content/data/sandbox.yaml` that match nothing are warnings (settings for a
//! method or network the site does not have), except its password variant.

use std::path::Path;

use crate::content::positions::{sandbox_line, SandboxValue};
use crate::content::{Guide, Library};
use crate::error::SourceError;

/// The content functions that take an id, by name.
const FUNCTIONS: &[&str] = &[
    "link",
    "method",
    "offered",
    "profile",
    "fact",
    "guide_url",
    "institution",
    "step_url",
];

/// Errors and warnings.
pub(crate) fn problems(lib: &Library) -> (Vec<SourceError>, Vec<SourceError>) {
    let mut out = Vec::new();
    for g in &lib.guides {
        let sources = std::iter::once(&g.source).chain(g.steps.iter().map(|s| &s.source));
        for src in sources {
            scan(lib, Some(g), &src.file, src.body_line, &src.body, &mut out);
        }
    }
    for (file, text) in lib.shared.texts() {
        scan(lib, None, file, 1, text, &mut out);
    }
    let mut warnings = Vec::new();
    sandbox(lib, &mut out, &mut warnings);
    (out, warnings)
}

/// Checks the literal calls in `text` (from `file`, starting at `first_line`); `guide` is
/// the guide the text belongs to, `None` for a shared fragment (then a guide-specific id
/// must exist in at least one guide or network).
fn scan(
    lib: &Library,
    guide: Option<&Guide>,
    file: &Path,
    first_line: usize,
    text: &str,
    out: &mut Vec<SourceError>,
) {
    for (i, line) in text.lines().enumerate() {
        for (func, arg) in literal_calls(line) {
            if let Some(problem) = unresolved(lib, guide, func, arg) {
                out.push(SourceError::new(file, first_line + i, problem));
            }
        }
    }
}

fn unresolved(lib: &Library, guide: Option<&Guide>, func: &str, id: &str) -> Option<String> {
    let data = &lib.data;
    let (ok, what) = match func {
        "link" => (data.link(id).is_some(), "not in content/data/links.yaml"),
        "method" | "offered" => (
            data.method(id).is_some(),
            "not in content/data/eu_login.yaml",
        ),
        "profile" => (
            data.profile(id).is_some(),
            "not in content/data/profiles.yaml",
        ),
        "fact" => (
            data.facts.iter().any(|f| f.id == id),
            "not in content/data/facts.yaml",
        ),
        "guide_url" => (lib.guide(id).is_some(), "no such guide in content/guides"),
        "institution" => match guide {
            Some(g) => (
                lib.network_of(g).institution(id).is_some(),
                "not an institution of the guide's network",
            ),
            None => (
                lib.networks.values().any(|n| n.institution(id).is_some()),
                "not an institution of any network",
            ),
        },
        "step_url" => match guide {
            Some(g) => (g.step(id).is_some(), "not a step of this guide"),
            None => (
                lib.guides.iter().any(|g| g.step(id).is_some()),
                "not a step of any guide",
            ),
        },
        _ => (true, ""),
    };
    (!ok).then(|| format!("{func}(\"{id}\"): unknown `{id}` ({what})"))
}

/// `name("literal")` calls of the content functions in `line`.
pub(crate) fn literal_calls(line: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    for func in FUNCTIONS {
        let pat = format!("{func}(");
        for (i, _) in line.match_indices(&pat) {
            let before = line[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = line[i + pat.len()..].trim_start();
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = rest[1..].find(quote) {
                out.push((*func, &rest[1..1 + end]));
            }
        }
    }
    out
}

/// The ids `sandbox.yaml` refers to: verification methods, networks, the password variant.
fn sandbox(lib: &Library, errors: &mut Vec<SourceError>, warnings: &mut Vec<SourceError>) {
    let Some(sandbox) = &lib.data.sandbox else {
        return;
    };
    let Some(file) = lib.data.sandbox_file.clone() else {
        return;
    };
    let text = &lib.data.sandbox_text;
    let eu = &lib.data.eu_login;
    {
        for id in sandbox
            .methods
            .keys()
            .filter(|id| lib.data.method(id).is_none())
        {
            warnings.push(SourceError::new(
                &file,
                sandbox_line(text, SandboxValue::Method(id)),
                format!("methods: `{id}` is not a verification method of content/data/eu_login.yaml (unused)"),
            ));
        }
    }
    {
        for id in sandbox
            .networks
            .keys()
            .filter(|id| !lib.networks.contains_key(*id))
        {
            warnings.push(SourceError::new(
                &file,
                sandbox_line(text, SandboxValue::Network(id)),
                format!("networks: `{id}` is not a network (no content/networks/{id}/network.yaml; unused)"),
            ));
        }
    }
    if let Some(variant) = &sandbox.password_variant {
        if !eu.password_rules.variants.iter().any(|v| &v.id == variant) {
            errors.push(SourceError::new(
                &file,
                sandbox_line(text, SandboxValue::PasswordVariant),
                format!("password_variant `{variant}` is not a password rule variant of content/data/eu_login.yaml"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_literal_calls() {
        let calls = super::literal_calls("Open {{ link(\"saas\").url }} or {% if offered('sms') %}{{ mylink(\"x\") }}{{ step_url(slug) }}");
        assert_eq!(calls, vec![("link", "saas"), ("offered", "sms")]);
    }
}
