//! The typed values page templates see: one `Serialize` struct per shape, so what a template
//! can use is written down here (a page's context merges [`BaseContext`], a guide page's
//! [`GuideContext`] and the page's own part, see `context.rs`).
//!
//! Fields are in alphabetical order: a struct serializes its fields in declaration order, and
//! the JSON a template writes (`|json`) must not change when a field is added.

use minijinja::value::Value;
use serde::{Serialize, Serializer};

use super::page::{guide_rel, root_prefix, sandbox_route, step_url};
use crate::accessibility::{Contact, Enforcement, Limitation, Statement, Status};
use crate::config::SiteConfig;
use crate::content::{Guide, Network, Step, System};
use crate::markdown::Heading;

/// Serializes rendered HTML as a safe string (not escaped again by the template).
fn safe_html<S: Serializer>(html: &str, s: S) -> Result<S::Ok, S::Error> {
    Value::from_safe_string(html.to_string()).serialize(s)
}

/// [`safe_html`] for optional HTML (`none` when absent).
fn safe_html_opt<S: Serializer>(html: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match html {
        Some(h) => safe_html(h, s),
        None => s.serialize_none(),
    }
}

/// `site`: the settings of `site.toml`, with `as_of` as `YYYY-MM-DD`.
#[derive(Serialize)]
pub(super) struct SiteValue<'a> {
    #[serde(flatten)]
    pub config: &'a SiteConfig,
    /// Replaces the config's TOML date (a later key of the same name wins).
    pub as_of: String,
}

/// One entry of `guides` (every page: the home page's list, the navigation).
#[derive(Serialize)]
pub(super) struct GuideListItem<'a> {
    pub ern: &'a str,
    pub ern_name: &'a str,
    pub network: &'a str,
    pub path: String,
    pub slug: &'a str,
    pub steps: usize,
    pub summary: &'a str,
    pub system: System,
    pub title: &'a str,
}

impl<'a> GuideListItem<'a> {
    pub fn new(g: &'a Guide, net: &'a Network) -> GuideListItem<'a> {
        GuideListItem {
            ern: &net.ern.value,
            ern_name: &net.ern_name,
            network: &net.name,
            path: guide_rel(&g.slug),
            slug: &g.slug,
            steps: g.steps.len(),
            summary: &g.meta.summary,
            system: g.meta.system,
            title: &g.meta.title,
        }
    }
}

/// `guide`: a guide as seen from a page `depth` folders inside it (0 = its own folder).
#[derive(Serialize)]
pub(super) struct GuideInfo<'a> {
    pub links_url: String,
    pub network: &'a str,
    pub print_url: String,
    pub related: Option<RelatedGuide<'a>>,
    pub reviewed: &'a str,
    pub sandbox_url: String,
    pub slides_url: String,
    pub slug: &'a str,
    pub source: &'a str,
    pub steps: usize,
    pub summary: &'a str,
    pub system: System,
    pub title: &'a str,
    pub url: String,
}

/// `guide.related`: the guide named by `related:` in the front matter.
#[derive(Serialize)]
pub(super) struct RelatedGuide<'a> {
    pub slug: &'a str,
    pub system: System,
    pub title: &'a str,
    pub url: String,
}

impl<'a> GuideInfo<'a> {
    pub fn new(g: &'a Guide, related: Option<&'a Guide>, depth: usize) -> GuideInfo<'a> {
        let up = root_prefix(depth);
        GuideInfo {
            links_url: format!("{up}links/index.html"),
            network: &g.meta.network,
            print_url: format!("{up}print/index.html"),
            related: related.map(|r| RelatedGuide {
                slug: &r.slug,
                system: r.meta.system,
                title: &r.meta.title,
                url: format!("{up}../{}/index.html", r.slug),
            }),
            reviewed: &g.meta.reviewed.value,
            sandbox_url: format!("{up}sandbox/index.html"),
            slides_url: format!("{up}slides/index.html"),
            slug: &g.slug,
            source: &g.meta.source,
            steps: g.steps.len(),
            summary: &g.meta.summary,
            system: g.meta.system,
            title: &g.meta.title,
            url: format!("{up}index.html"),
        }
    }
}

/// One entry of `steps` (and `prev`, `next`): a step as seen from a page of its guide.
#[derive(Serialize)]
pub(super) struct StepSummary<'a> {
    pub number: usize,
    pub sandbox: Option<&'a str>,
    pub sandbox_url: Option<String>,
    pub scenario: Option<&'a str>,
    pub slug: &'a str,
    pub summary: &'a str,
    pub title: &'a str,
    pub url: String,
}

/// The steps of `guide`, with URLs relative to a page at `from_depth` inside the guide
/// (0 = the guide's own folder, 1 = a step folder).
pub(super) fn step_summaries(guide: &Guide, from_depth: usize) -> Vec<StepSummary<'_>> {
    let up = root_prefix(from_depth);
    guide
        .steps
        .iter()
        .map(|s| StepSummary {
            number: s.number,
            sandbox: s.meta.sandbox.as_deref(),
            sandbox_url: sandbox_route(s).map(|r| format!("{up}sandbox/index.html{r}")),
            scenario: s.meta.scenario.as_deref(),
            slug: &s.slug,
            summary: &s.meta.summary,
            title: &s.meta.title,
            url: step_url(s, from_depth),
        })
        .collect()
}

/// What every page's template sees besides the language values (`lang`, `languages`, ...).
#[derive(Serialize)]
pub(super) struct BaseContext {
    pub data: Value,
    pub guides: Value,
    /// The renderer's [`crate::templates::Memo`].
    pub memo: Value,
    pub page_kind: &'static str,
    pub root: String,
    pub site: Value,
}

/// What every page of a guide sees.
#[derive(Serialize)]
pub(super) struct GuideContext {
    pub guide: Value,
    pub network: Value,
    pub steps: Value,
}

/// What Jinja in a guide's Markdown sees.
#[derive(Serialize)]
pub(super) struct ContentContext {
    pub as_of: Value,
    pub data: Value,
    pub guide: Value,
    pub network: Value,
    pub root: String,
    pub site: Value,
    pub step: Value,
    pub step_urls: Value,
}

/// A page made from Markdown (a guide's overview, a step). A part of its own: `serde(flatten)`
/// cannot carry template values (minijinja passes them through serde by handle).
#[derive(Serialize)]
pub(super) struct BodyContext {
    #[serde(serialize_with = "safe_html")]
    pub content: String,
    pub has_code: bool,
    pub has_figures: bool,
}

/// The overview's own part (besides its [`BodyContext`]).
#[derive(Serialize)]
pub(super) struct GuidePageContext<'a> {
    pub shortcuts: Vec<ShortcutItem<'a>>,
}

/// A shortcut of the overview: a label and the step it opens.
#[derive(Serialize)]
pub(super) struct ShortcutItem<'a> {
    pub label: &'a str,
    pub number: Option<usize>,
    pub step: &'a str,
    pub url: String,
}

/// A step page's own part (besides its [`BodyContext`]).
#[derive(Serialize)]
pub(super) struct StepPageContext<'a> {
    pub next: Value,
    pub prev: Value,
    pub step: StepInfo<'a>,
}

/// `step` on a step page.
#[derive(Serialize)]
pub(super) struct StepInfo<'a> {
    /// The `##` headings (the step's sub-steps).
    pub headings: Vec<&'a Heading>,
    pub number: usize,
    pub reviewed: &'a str,
    pub sandbox_url: Option<String>,
    pub slug: &'a str,
    pub summary: &'a str,
    pub title: &'a str,
    pub total: usize,
}

impl<'a> StepInfo<'a> {
    pub fn new(g: &Guide, step: &'a Step, headings: &'a [Heading]) -> StepInfo<'a> {
        StepInfo {
            headings: headings.iter().filter(|h| h.level == 2).collect(),
            number: step.number,
            reviewed: &step.meta.reviewed.value,
            sandbox_url: sandbox_route(step).map(|r| format!("../sandbox/index.html{r}")),
            slug: &step.slug,
            summary: &step.meta.summary,
            title: &step.meta.title,
            total: g.steps.len(),
        }
    }
}

/// The sandbox page's own part.
#[derive(Serialize)]
pub(super) struct SandboxPageContext {
    pub sandbox_data: SandboxData,
}

/// `sandbox_data`: what the sandbox's script is given (the template writes it as JSON).
#[derive(Serialize)]
pub(super) struct SandboxData {
    pub as_of: Value,
    pub data: Value,
    pub guide: Value,
    pub network: Value,
    pub steps: Value,
}

/// The slide deck's own part.
#[derive(Serialize)]
pub(super) struct SlidesPageContext<'a> {
    pub has_figures: bool,
    pub slides: Vec<Slide<'a>>,
}

/// One slide of a guide's deck.
#[derive(Serialize)]
pub(super) struct Slide<'a> {
    pub heading: Option<String>,
    #[serde(serialize_with = "safe_html")]
    pub html: String,
    #[serde(serialize_with = "safe_html")]
    pub notes: String,
    pub sandbox_url: Option<String>,
    pub step_number: usize,
    pub step_title: &'a str,
    pub step_url: String,
    pub summary: &'a str,
}

/// The handout's own part.
#[derive(Serialize)]
pub(super) struct PrintPageContext<'a> {
    pub guide_online_url: Option<String>,
    #[serde(serialize_with = "safe_html")]
    pub intro: String,
    pub print_steps: Vec<HandoutStep<'a>>,
}

/// One step of a guide's handout.
#[derive(Serialize)]
pub(super) struct HandoutStep<'a> {
    #[serde(serialize_with = "safe_html")]
    pub html: String,
    pub number: usize,
    pub online_url: Option<String>,
    /// The QR code of `online_url`, inline SVG.
    #[serde(serialize_with = "safe_html_opt")]
    pub qr: Option<String>,
    pub slug: &'a str,
    pub summary: &'a str,
    pub title: &'a str,
}

/// The accessibility statement page's own part.
#[derive(Serialize)]
pub(super) struct AccessibilityPageContext<'a> {
    pub helpdesks: Vec<HelpdeskItem<'a>>,
    pub statement: StatementView<'a>,
}

/// A network's helpdesk, on the accessibility statement.
#[derive(Serialize)]
pub(super) struct HelpdeskItem<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub network: &'a str,
}

/// `statement`: unknown facts are `none`, so the template says they are unknown.
#[derive(Serialize)]
pub(super) struct StatementView<'a> {
    pub enforcement: Option<&'a Enforcement>,
    pub feedback: Option<&'a Contact>,
    pub last_reviewed: &'a str,
    pub limitations: &'a [Limitation],
    pub method: &'a str,
    pub prepared_on: &'a str,
    pub standard: &'a str,
    pub status: Status,
    pub status_words: &'static str,
    pub tests: &'a [String],
}

impl<'a> StatementView<'a> {
    pub fn new(s: &'a Statement) -> StatementView<'a> {
        StatementView {
            enforcement: s.enforcement.get(),
            feedback: s.feedback.get(),
            last_reviewed: &s.last_reviewed,
            limitations: &s.limitations,
            method: &s.method,
            prepared_on: &s.prepared_on,
            standard: &s.standard,
            status: s.status,
            status_words: s.status.words(),
            tests: &s.tests,
        }
    }
}
