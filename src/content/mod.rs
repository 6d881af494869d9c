//! The content model: site config, reference data, networks and guides, loaded and
//! cross-checked (every reference resolves) before anything is rendered.

pub(crate) mod data;
pub(crate) mod date;
pub(crate) mod guide;
pub(crate) mod positions;
pub(crate) mod sandbox;
pub(crate) mod shared;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Shared: a translated library or a rebuild's library that keeps the data shares it.
    pub data: Arc<Data>,
    pub networks: BTreeMap<String, Network>,
    /// Sorted by (order, slug). Shared: a translation or a rebuild's library keeps the
    /// guides that did not change (a rebuild reads only the folders that changed).
    pub guides: Vec<Arc<Guide>>,
    /// Each folder of `content/guides/` as loaded (templates not yet instantiated): what
    /// [`Library::reload_guides`] keeps of the folders that did not change.
    pub folders: Arc<BTreeMap<PathBuf, Arc<Guide>>>,
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
        Library::load_with_config(site_dir, config, config_text)
    }

    /// Loads and validates the rest of the site, whose `site.toml` (`config`, read from
    /// `config_text`) was read already.
    pub(crate) fn load_with_config(
        site_dir: &Path,
        config: SiteConfig,
        config_text: String,
    ) -> Result<Library> {
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

        let folders = load_folders(&content, None)?;
        let guides = with_every_network(&folders, &mut networks, &data, &content, None);
        let shared = Arc::new(Shared::load(&content.join("shared"))?);
        let accessibility = crate::accessibility::Statement::load(&content)?;

        let lib = Library {
            site_dir: site_dir.to_path_buf(),
            config,
            config_text,
            data: Arc::new(data),
            networks,
            guides,
            folders: Arc::new(folders),
            shared,
            allow_missing_screenshots: false,
            accessibility,
        };
        lib.validate()?;
        Ok(lib)
    }

    /// The library with the guide folders of `changed` and, when `shared_changed`, the
    /// shared fragments loaded again, and everything else (configuration, data, networks, the
    /// sandbox flow, the accessibility statement, the other guide folders) as it is: for
    /// `serve`, after only files of `content/guides/` or `content/shared/` changed.
    pub(crate) fn reload_guides(
        &self,
        changed: &BTreeSet<String>,
        shared_changed: bool,
    ) -> Result<Library> {
        let content = self.site_dir.join("content");
        let mut networks = self.networks.clone();
        let folders = load_folders(&content, Some((&self.folders, changed)))?;
        let guides = with_every_network(&folders, &mut networks, &self.data, &content, Some(self));
        let shared = if shared_changed {
            Arc::new(Shared::load(&content.join("shared"))?)
        } else {
            self.shared.clone()
        };
        let lib = Library {
            site_dir: self.site_dir.clone(),
            config: self.config.clone(),
            config_text: self.config_text.clone(),
            data: self.data.clone(),
            networks,
            guides,
            folders: Arc::new(folders),
            shared,
            allow_missing_screenshots: self.allow_missing_screenshots,
            accessibility: self.accessibility.clone(),
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
        self.guide_arc(slug).map(Arc::as_ref)
    }

    /// The guide `slug` as shared with the libraries it was kept in.
    pub(crate) fn guide_arc(&self, slug: &str) -> Option<&Arc<Guide>> {
        self.guides.iter().find(|g| g.slug == slug)
    }
}

/// The folders of `content/guides/`, each loaded as a guide (templates not instantiated);
/// with `earlier` (the folders of the last load and the slugs of those that changed since),
/// a folder that did not change is the last load's.
fn load_folders(
    content: &Path,
    earlier: Option<(&BTreeMap<PathBuf, Arc<Guide>>, &BTreeSet<String>)>,
) -> Result<BTreeMap<PathBuf, Arc<Guide>>> {
    let kept = |dir: &PathBuf| -> Option<Arc<Guide>> {
        let (folders, changed) = earlier?;
        let slug = dir.file_name()?.to_str()?;
        if changed.contains(slug) {
            return None;
        }
        folders.get(dir).cloned()
    };
    // Guides load in parallel; the first failing one (in folder order) is the error.
    let loaded: Vec<Result<(PathBuf, Arc<Guide>)>> = sorted_subdirs(&content.join("guides"))?
        .into_par_iter()
        .map(|dir| {
            let guide = match kept(&dir) {
                Some(g) => g,
                None => Arc::new(Guide::load(&dir)?),
            };
            Ok((dir, guide))
        })
        .collect();
    loaded.into_iter().collect()
}

/// Every ERN of `erns.yaml` gets a network (its `network.yaml`, else `Network::for_ern`) and
/// every template guide (`network: "*"`) one guide per network that has no guide of the
/// template's system of its own. Returns the guides sorted by (order, slug), without templates.
/// An instance of a template kept from `earlier`'s folders is `earlier`'s own when it is made
/// for the same network with the same related guide.
fn with_every_network(
    folders: &BTreeMap<PathBuf, Arc<Guide>>,
    networks: &mut BTreeMap<String, Network>,
    data: &Data,
    content: &Path,
    earlier: Option<&Library>,
) -> Vec<Arc<Guide>> {
    let erns_file = content.join("data").join("erns.yaml");
    for ern in &data.erns {
        if !networks.values().any(|n| n.ern.value == ern.code) {
            let net = Network::for_ern(ern, &erns_file);
            if !networks.contains_key(&net.id) {
                networks.insert(net.id.clone(), net);
            }
        }
    }
    let (templates, own): (Vec<(&PathBuf, &Arc<Guide>)>, Vec<(&PathBuf, &Arc<Guide>)>) =
        folders.iter().partition(|(_, g)| g.is_template());
    let mut guides: Vec<Arc<Guide>> = own.into_iter().map(|(_, g)| g.clone()).collect();
    for (dir, t) in &templates {
        let kept = earlier.filter(|e| e.folders.get(*dir).is_some_and(|old| Arc::ptr_eq(old, t)));
        for ern in &data.erns {
            let Some(net) = networks.values().find(|n| n.ern.value == ern.code) else {
                continue;
            };
            let own = |g: &&Arc<Guide>| g.meta.network == net.id;
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
            let slug = Guide::instance_slug(&net.id, &t.slug);
            let same = kept.and_then(|e| e.guide_arc(&slug)).filter(|old| {
                old.template.as_ref() == Some(&t.slug)
                    && old.meta.network == net.id
                    && old.meta.related == related
            });
            guides.push(match same {
                Some(old) => old.clone(),
                None => Arc::new(t.instantiate(&net.id, related)),
            });
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
