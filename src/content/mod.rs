//! The content model: site config, reference data, networks and guides, loaded and
//! cross-checked (every reference resolves) before anything is rendered.

pub(crate) mod data;
pub(crate) mod date;
pub(crate) mod guide;
pub(crate) mod positions;
pub(crate) mod sandbox;
pub(crate) mod shared;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub(crate) use data::{Data, Network};
pub(crate) use date::IsoDate;
pub(crate) use guide::{Guide, Step, System};
pub(crate) use shared::Shared;

use crate::config::SiteConfig;
use crate::error::{Result, SourceError};
use crate::input;

/// The sandbox flow in the theme, used when the site has no `content/data/sandbox.yaml`.
pub(crate) const SANDBOX_FLOW: &str = "data/sandbox.yaml";

/// Everything the site's sources say, validated.
#[derive(Debug, Clone)]
pub(crate) struct Library {
    pub site_dir: PathBuf,
    pub config: SiteConfig,
    pub data: Data,
    pub networks: BTreeMap<String, Network>,
    /// Sorted by (order, slug).
    pub guides: Vec<Guide>,
    /// `site.toml` as read (for pointing at lines).
    pub config_text: String,
    /// `content/shared/`, read once.
    pub shared: std::sync::Arc<Shared>,
    /// Set by the build for `--allow-missing-screenshots` (not a source): a figure whose
    /// screenshot does not exist yet renders as its alt text.
    pub allow_missing_screenshots: bool,
    /// The accessibility statement (`content/data/accessibility.yaml`).
    pub accessibility: crate::accessibility::Statement,
}

impl Library {
    /// Loads and validates the whole site.
    pub(crate) fn load(site_dir: &Path) -> Result<Library> {
        let (config, config_text) = SiteConfig::load(site_dir)?;
        let content = site_dir.join("content");
        let mut data = Data::load(&content.join("data"))?;
        if data.sandbox_file.is_none() {
            let theme = crate::theme::Theme::new(site_dir, &config.theme);
            if let Some((bytes, origin)) = theme.get(SANDBOX_FLOW)? {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let origin = PathBuf::from(origin);
                data.sandbox = Some(crate::error::parse_yaml(&text, &origin, 0)?);
                data.sandbox_file = Some(origin);
                // For its lines in messages (`built-in theme: data/sandbox.yaml:12`).
                data.sandbox_text = text;
            }
        }

        let mut networks: BTreeMap<String, Network> = BTreeMap::new();
        for dir in sorted_subdirs(&content.join("networks"))? {
            let file = dir.join("network.yaml");
            if !file.exists() {
                return Err(SourceError::new(
                    &file,
                    0,
                    "every network folder needs a network.yaml",
                )
                .into());
            }
            let net = Network::load(&file, &data)?;
            networks.insert(net.id.clone(), net);
        }

        // Guides load in parallel; the first failing one (in folder order) is the error.
        let loaded: Vec<Result<Guide>> = sorted_subdirs(&content.join("guides"))?
            .par_iter()
            .map(|dir| Guide::load(dir))
            .collect();
        let loaded = loaded.into_iter().collect::<Result<Vec<Guide>>>()?;
        let guides = with_every_network(loaded, &mut networks, &data, &content);

        let shared = std::sync::Arc::new(Shared::load(&content.join("shared"))?);
        let accessibility = crate::accessibility::Statement::load(&content)?;

        let lib = Library {
            site_dir: site_dir.to_path_buf(),
            config,
            config_text,
            data,
            networks,
            guides,
            shared,
            allow_missing_screenshots: false,
            accessibility,
        };
        lib.validate()?;
        Ok(lib)
    }

    fn validate(&self) -> Result<()> {
        let slugs: std::collections::HashSet<&str> =
            self.guides.iter().map(|g| g.slug.as_str()).collect();
        for g in &self.guides {
            let index = &g.source.file;
            let line = |key: &str| guide::front_matter_key_line(&g.source, key);
            if !self.networks.contains_key(&g.meta.network) {
                return Err(SourceError::new(
                    index,
                    line("network"),
                    format!(
                        "unknown network `{}` (no content/networks/{}/network.yaml)",
                        g.meta.network, g.meta.network
                    ),
                )
                .into());
            }
            for step in &g.steps {
                self.validate_sandbox_link(g, step)?;
            }
            if let Some(rel) = &g.meta.related {
                if !slugs.contains(rel.as_str()) {
                    return Err(SourceError::new(
                        index,
                        line("related"),
                        format!("related guide `{rel}` does not exist"),
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    /// A step's `sandbox:` screen and `scenario:` must exist in the sandbox flow
    /// (when that file defines them) and the screen must exist for the guide's system.
    fn validate_sandbox_link(&self, g: &Guide, step: &Step) -> Result<()> {
        let Some(sandbox) = &self.data.sandbox else {
            return Ok(());
        };
        let file = &step.source.file;
        let line = |key: &str| guide::front_matter_key_line(&step.source, key);
        if let Some(screen) = &step.meta.sandbox {
            // A flow without screens does not constrain the steps.
            if !sandbox.screens.is_empty() {
                let Some(def) = sandbox.screens.get(screen) else {
                    return Err(SourceError::new(
                        file,
                        line("sandbox"),
                        format!(
                            "unknown sandbox screen `{screen}` (not a screen of the sandbox flow, {})",
                            self.sandbox_origin()
                        ),
                    )
                    .into());
                };
                let system = match g.meta.system {
                    System::Saas => "saas",
                    System::Cpms2 => "cpms2",
                };
                if !def.exists_in(system) {
                    return Err(SourceError::new(
                        file,
                        line("sandbox"),
                        format!("sandbox screen `{screen}` does not exist in a {system} guide"),
                    )
                    .into());
                }
            }
        }
        if let Some(scenario) = &step.meta.scenario {
            if !sandbox.scenarios.is_empty() && !sandbox.scenarios.iter().any(|s| &s.id == scenario)
            {
                return Err(SourceError::new(file, line("scenario"), format!("unknown sandbox scenario `{scenario}` (not a scenario of the sandbox flow, {})", self.sandbox_origin())).into());
            }
        }
        Ok(())
    }

    fn sandbox_origin(&self) -> String {
        self.data
            .sandbox_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    pub(crate) fn network_of(&self, guide: &Guide) -> &Network {
        // validate() guarantees the network exists
        &self.networks[&guide.meta.network]
    }

    /// The Markdown source (a guide's `_index.md` or a step) read from `file`.
    pub(crate) fn source(&self, file: &Path) -> Option<&guide::Source> {
        self.guides
            .iter()
            .flat_map(|g| std::iter::once(&g.source).chain(g.steps.iter().map(|s| &s.source)))
            .find(|s| s.file == file)
    }

    pub(crate) fn guide(&self, slug: &str) -> Option<&Guide> {
        self.guides.iter().find(|g| g.slug == slug)
    }
}

/// Every ERN of `erns.yaml` gets a network (its `network.yaml`, else `Network::for_ern`) and
/// every template guide (`network: "*"`) one guide per network that has no guide of the
/// template's system of its own. Returns the guides sorted by (order, slug), without templates.
fn with_every_network(
    loaded: Vec<Guide>,
    networks: &mut BTreeMap<String, Network>,
    data: &Data,
    content: &Path,
) -> Vec<Guide> {
    let erns_file = content.join("data").join("erns.yaml");
    for ern in &data.erns {
        if !networks.values().any(|n| n.ern.value == ern.code) {
            let net = Network::for_ern(ern, &erns_file);
            if !networks.contains_key(&net.id) {
                networks.insert(net.id.clone(), net);
            }
        }
    }
    let (templates, mut guides): (Vec<Guide>, Vec<Guide>) =
        loaded.into_iter().partition(Guide::is_template);
    for t in &templates {
        for ern in &data.erns {
            let Some(net) = networks.values().find(|n| n.ern.value == ern.code) else {
                continue;
            };
            let own = |g: &&Guide| g.meta.network == net.id;
            if guides
                .iter()
                .filter(own)
                .any(|g| g.meta.system == t.meta.system)
            {
                continue;
            }
            let related = guides
                .iter()
                .filter(own)
                .find(|g| g.template.is_none())
                .map(|g| g.slug.clone());
            let instance = t.instantiate(&net.id, related);
            guides.push(instance);
        }
    }
    guides.sort_by(|a, b| (a.meta.order, &a.slug).cmp(&(b.meta.order, &b.slug)));
    guides
}

/// Sub-folders of `dir`, sorted; a missing folder is an empty list.
fn sorted_subdirs(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(input::list_dir(dir)?
        .into_iter()
        .filter(|p| p.is_dir())
        .collect())
}
