//! The practice sandbox's flow (`data/sandbox.yaml`: the site's `content/data/sandbox.yaml`, else
//! the theme's), typed. Unknown keys are errors (with their line). The sections the generator
//! reads (screens, scenarios, banners, methods, networks, the password variant) are typed; the
//! texts that only the theme's templates and scripts read stay free-form values.
//!
//! Fields are declared in alphabetical order, and optional ones are left out when absent: the
//! page's `sbx-data` JSON (assembled by `templates/sandbox.html`) keeps the key order it had when
//! this file was passed through as a map. To add a key: add a field here, in alphabetical
//! order, `#[serde(default)]`, typed if Rust reads it, else `serde_json::Value`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The whole flow.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SandboxFlow {
    pub banners: Vec<Banner>,
    pub clock: Value,
    pub cpms2: Value,
    pub emails: Value,
    pub hints: Value,
    pub labels: Value,
    pub messages: Value,
    /// How the sandbox treats each verification method of `eu_login.yaml`, by method id.
    pub methods: BTreeMap<String, Value>,
    pub milestones: Value,
    /// Per-network settings, by network id.
    pub networks: BTreeMap<String, Value>,
    pub none_area: Value,
    pub order: Value,
    /// The password rule variant the sandbox enforces (`None`: the portal's `shown` one).
    pub password_variant: Option<String>,
    pub phone: Value,
    pub practice_email_domains: Value,
    pub saas: Value,
    pub sample: Value,
    pub scenarios: Vec<Scenario>,
    /// The content model's screens, by screen id.
    pub screens: BTreeMap<String, Screen>,
    pub sites: Value,
    pub systems: Value,
    pub targets: Value,
    pub test: Value,
    pub username_rule: Value,
    pub version: Value,
}

/// A dated banner on EU Login screens.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Banner {
    pub from: Option<String>,
    pub id: Value,
    pub screens: Value,
    pub source: Value,
    pub text: Value,
    pub until: Option<String>,
}

/// A starting state of the sandbox.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Scenario {
    pub facts: Value,
    pub id: String,
    pub label: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_only: Option<bool>,
    pub screen: Value,
}

/// A screen of the mock sites.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Screen {
    pub address: Value,
    pub ensure: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub site: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_only: Option<bool>,
    /// The systems (`saas`, `cpms2`) where the screen exists; `None`: every one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub systems: Option<Vec<String>>,
    pub title: Value,
}

impl Screen {
    /// Whether the screen exists in a guide of `system` (`saas`, `cpms2`).
    pub fn exists_in(&self, system: &str) -> bool {
        self.systems
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == system))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_flow_reads_and_keeps_its_shape() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/data/sandbox.yaml"
        ))
        .unwrap();
        let typed: SandboxFlow = serde_saphyr::from_str(&text).unwrap();
        let raw: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), raw);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = serde_saphyr::from_str::<SandboxFlow>("screens:\n  a: { sytems: [saas] }\n")
            .unwrap_err();
        assert!(err.to_string().contains("sytems"), "{err}");
    }
}
