//! The build: load -> render (in parallel) -> check links -> write. One function per step.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::value::{Serde, Value};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::accessibility::Statement;
use crate::config::is_email;
use crate::content::data::{is_http_url, line_of};
use crate::content::{Guide, Library, Network, Step};
use crate::error::{Context, Result, SourceError};
use crate::handout;
use crate::images;
use crate::markdown::{self, RenderOptions};
use crate::output::Output;
use crate::slides;
use crate::templates::{ContentTemplates, PageTemplates};
use crate::theme::Theme;

/// What `build` needs to know.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site_dir: PathBuf,
    pub out_dir: PathBuf,
}

/// A warning found while building (stale content, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub SourceError);

/// Several pages failed to render. Reads as the first failure (its source chain leads to that
/// failure's [`SourceError`], so `file:line` reports work); `check` lists them all.
#[derive(Debug)]
pub struct RenderErrors(pub Vec<anyhow::Error>);

impl std::fmt::Display for RenderErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rendering {} failing pages (`ernguide check` lists every one)",
            self.0.len()
        )
    }
}

impl std::error::Error for RenderErrors {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .first()
            .map(|e| e.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// What a build produced.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<Warning>,
    /// Image variants encoded by this build, and taken from `<site>/.cache/images/`.
    pub images_encoded: usize,
    pub images_cached: usize,
}

/// With `ERNGUIDE_TIMINGS=1` in the environment, prints `timing <stage>: <ms> ms` to stderr
/// (how long each stage of a build took since `since`); a profiling aid, silent otherwise.
pub fn timing(stage: &str, since: std::time::Instant) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| {
        std::env::var_os("ERNGUIDE_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
    }) {
        eprintln!(
            "timing {stage}: {:.1} ms",
            since.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Builds the site at `opts.site_dir` into `opts.out_dir`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let t = std::time::Instant::now();
    let lib = Library::load(&opts.site_dir)?;
    timing("load", t);
    let t = std::time::Instant::now();
    let (rendered, images) = render_site_images(&lib, &|_| true)?;
    timing("render (total)", t);
    let t = std::time::Instant::now();
    check_links(&rendered)?;
    timing("check links", t);
    let t = std::time::Instant::now();
    rendered
        .output
        .write_to(&opts.out_dir)
        .with_context(|| format!("writing the site to {}", opts.out_dir.display()))?;
    timing("write", t);
    Ok(BuildReport {
        pages: rendered.pages.len(),
        files: rendered.output.len(),
        warnings: rendered.warnings,
        images_encoded: images.encoded,
        images_cached: images.cached,
    })
}

/// A generated HTML page and the source it came from (for error messages).
#[derive(Debug, Clone)]
pub struct PageInfo {
    pub rel: String,
    pub source: PathBuf,
}

/// The whole rendered site, in memory.
pub struct RenderedSite {
    pub output: Output,
    pub pages: Vec<PageInfo>,
    pub warnings: Vec<Warning>,
}

/// The kinds of page and where each goes.
enum Job<'a> {
    Home,
    NotFound,
    Guide(&'a Guide),
    Step(&'a Guide, usize),
    Links(&'a Guide),
    Sandbox(&'a Guide),
    Slides(&'a Guide),
    Print(&'a Guide),
    Accessibility,
}

impl Job<'_> {
    /// Where the page goes in the output (also how [`render_site_selected`] picks pages).
    fn rel(&self) -> String {
        match *self {
            Job::Home => "index.html".into(),
            Job::NotFound => "404.html".into(),
            Job::Guide(g) => format!("{}/index.html", g.slug),
            Job::Step(g, i) => format!("{}/{}/index.html", g.slug, g.steps[i].slug),
            Job::Links(g) => format!("{}/links/index.html", g.slug),
            Job::Sandbox(g) => format!("{}/sandbox/index.html", g.slug),
            Job::Slides(g) => format!("{}/slides/index.html", g.slug),
            Job::Print(g) => format!("{}/print/index.html", g.slug),
            Job::Accessibility => "accessibility/index.html".into(),
        }
    }
}

/// Relative URL from a page at `depth` folders below the root to the root (`../../`).
fn root_prefix(depth: usize) -> String {
    "../".repeat(depth)
}

#[derive(Serialize)]
struct StepSummary<'a> {
    number: usize,
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    url: String,
    sandbox: Option<&'a str>,
    scenario: Option<&'a str>,
    sandbox_url: Option<String>,
}

fn sandbox_route(step: &Step) -> Option<String> {
    step.meta
        .sandbox
        .as_ref()
        .map(|screen| match &step.meta.scenario {
            Some(sc) => format!("#/{screen}?scenario={sc}"),
            None => format!("#/{screen}"),
        })
}

/// The steps of `guide`, with URLs relative to a page at `from_depth` inside the guide
/// (0 = the guide's own folder, 1 = a step folder).
fn step_summaries(guide: &Guide, from_depth: usize) -> Vec<StepSummary<'_>> {
    let up = root_prefix(from_depth);
    guide
        .steps
        .iter()
        .map(|s| StepSummary {
            number: s.number,
            slug: &s.slug,
            title: &s.meta.title,
            summary: &s.meta.summary,
            url: format!("{up}{}/index.html", s.slug),
            sandbox: s.meta.sandbox.as_deref(),
            scenario: s.meta.scenario.as_deref(),
            sandbox_url: sandbox_route(s).map(|r| format!("{up}sandbox/index.html{r}")),
        })
        .collect()
}

/// A guide's values shared by all its pages, converted to template values once per build
/// (converting them per page was quadratic in the size of the site).
#[derive(Clone)]
struct GuideValues {
    network: Value,
    /// Index 0: as seen from the guide's folder (overview); 1: from a page one folder deeper.
    guide: [Value; 2],
    steps: [Value; 2],
    /// Each step's summary as seen from a step page (for `prev` and `next`).
    step_items: Vec<Value>,
    step_urls: [Value; 2],
}

struct Renderer<'a> {
    lib: &'a Library,
    content: ContentTemplates,
    pages: PageTemplates,
    /// `site`, `data` and `guides` as template values, converted once and shared (cheap clones).
    site_value: Value,
    as_of: Value,
    data: Value,
    guides: Value,
    guide_values: HashMap<&'a str, std::sync::OnceLock<GuideValues>>,
    /// Collects the figures' image work while pages render.
    figures: images::Figures,
}

impl<'a> Renderer<'a> {
    fn new(lib: &'a Library) -> Renderer<'a> {
        let theme = Theme::new(&lib.site_dir, &lib.config.theme);
        let as_of = lib.config.as_of_string();
        let content = ContentTemplates::new(
            &lib.content_dir(),
            Arc::new(lib.data.clone()),
            as_of.clone(),
            lib.guides.iter().map(|g| g.slug.clone()).collect(),
        );
        let mut site = serde_json::to_value(&lib.config).unwrap_or_default();
        site["as_of"] = json!(as_of);
        let guides: Vec<serde_json::Value> = lib
            .guides
            .iter()
            .map(|g| {
                let net = lib.network_of(g);
                json!({
                    "slug": g.slug,
                    "title": g.meta.title,
                    "summary": g.meta.summary,
                    "system": g.meta.system,
                    "network": net.name,
                    "ern": net.ern,
                    "ern_name": net.ern_name,
                    "steps": g.steps.len(),
                    "path": format!("{}/index.html", g.slug),
                })
            })
            .collect();
        Renderer {
            lib,
            content,
            pages: PageTemplates::new(theme),
            site_value: Value::from(Serde(&site)),
            as_of: Value::from(as_of),
            data: Value::from(Serde(&lib.data)),
            guides: Value::from(Serde(&guides)),
            guide_values: lib
                .guides
                .iter()
                .map(|g| (g.slug.as_str(), std::sync::OnceLock::new()))
                .collect(),
            figures: images::Figures::new(&lib.site_dir, &lib.content_dir()),
        }
    }

    fn guide_json(&self, g: &Guide, depth_in_guide: usize) -> serde_json::Value {
        let up = root_prefix(depth_in_guide);
        let related = g
            .meta
            .related
            .as_ref()
            .and_then(|r| self.lib.guide(r))
            .map(|r| {
                json!({"slug": r.slug, "title": r.meta.title, "system": r.meta.system,
                   "url": format!("{up}../{}/index.html", r.slug)})
            });
        json!({
            "slug": g.slug,
            "title": g.meta.title,
            "network": g.meta.network,
            "system": g.meta.system,
            "source": g.meta.source,
            "summary": g.meta.summary,
            "reviewed": g.meta.reviewed,
            "related": related,
            "url": format!("{up}index.html"),
            "links_url": format!("{up}links/index.html"),
            "sandbox_url": format!("{up}sandbox/index.html"),
            "slides_url": format!("{up}slides/index.html"),
            "print_url": format!("{up}print/index.html"),
            "steps": g.steps.len(),
        })
    }

    /// The guide's shared template values, converted on first use.
    fn guide_values(&self, g: &Guide) -> Cow<'_, GuideValues> {
        let make = || {
            let steps = [step_summaries(g, 0), step_summaries(g, 1)];
            let urls = |depth: usize| -> BTreeMap<&str, String> {
                let up = root_prefix(depth);
                g.steps
                    .iter()
                    .map(|s| (s.slug.as_str(), format!("{up}{}/index.html", s.slug)))
                    .collect()
            };
            GuideValues {
                network: Value::from(Serde(self.lib.network_of(g))),
                guide: [
                    Value::from(Serde(self.guide_json(g, 0))),
                    Value::from(Serde(self.guide_json(g, 1))),
                ],
                step_items: steps[1].iter().map(|s| Value::from(Serde(s))).collect(),
                steps: [Value::from(Serde(&steps[0])), Value::from(Serde(&steps[1]))],
                step_urls: [Value::from(Serde(urls(0))), Value::from(Serde(urls(1)))],
            }
        };
        match self.guide_values.get(g.slug.as_str()) {
            Some(cell) => Cow::Borrowed(cell.get_or_init(make)),
            None => Cow::Owned(make()),
        }
    }

    fn base_ctx(&self, depth: usize, kind: &str) -> BTreeMap<&'static str, Value> {
        let mut ctx = BTreeMap::new();
        ctx.insert("root", Value::from(root_prefix(depth)));
        ctx.insert("site", self.site_value.clone());
        ctx.insert("data", self.data.clone());
        ctx.insert("page_kind", Value::from(kind.to_string()));
        ctx.insert("guides", self.guides.clone());
        ctx
    }

    /// Runs a Markdown source through Jinja and Markdown (speaker notes left out).
    fn markdown(
        &self,
        g: &Guide,
        net: &Network,
        step: Option<&Step>,
        depth_in_guide: usize,
    ) -> Result<markdown::Rendered> {
        let text = self.expand(g, net, step, depth_in_guide, None)?;
        self.markdown_text(g, step, &text, depth_in_guide, 2)
    }

    /// Runs a Markdown source through Jinja only. `step_urls` replaces the addresses
    /// `step_url()` gives (the handout points at its own sections).
    fn expand(
        &self,
        g: &Guide,
        net: &Network,
        step: Option<&Step>,
        depth_in_guide: usize,
        step_urls: Option<Value>,
    ) -> Result<String> {
        let source = step.map(|s| &s.source).unwrap_or(&g.source);
        let mut ctx: BTreeMap<&str, Value> = BTreeMap::new();
        ctx.insert("site", self.site_value.clone());
        ctx.insert("data", self.data.clone());
        ctx.insert("as_of", self.as_of.clone());
        ctx.insert(
            "step",
            step.map_or(Value::from(()), |s| Value::from(Serde(&s.meta))),
        );
        ctx.insert("root", Value::from(root_prefix(depth_in_guide + 1)));
        if depth_in_guide < 2 {
            let gv = self.guide_values(g);
            ctx.insert("network", gv.network.clone());
            ctx.insert("guide", gv.guide[depth_in_guide].clone());
            ctx.insert("step_urls", gv.step_urls[depth_in_guide].clone());
        } else {
            let up = root_prefix(depth_in_guide);
            let step_urls: BTreeMap<&str, String> = g
                .steps
                .iter()
                .map(|s| (s.slug.as_str(), format!("{up}{}/index.html", s.slug)))
                .collect();
            ctx.insert("network", Value::from(Serde(net)));
            ctx.insert(
                "guide",
                Value::from(Serde(self.guide_json(g, depth_in_guide))),
            );
            ctx.insert("step_urls", Value::from(Serde(step_urls)));
        }
        if let Some(urls) = step_urls {
            ctx.insert("step_urls", urls);
        }
        let ctx = Value::from(ctx);
        Ok(self
            .content
            .render(&source.file, source.body_line, &source.body, &ctx)?)
    }

    /// Renders Markdown that came from `step` (or the guide's overview) after Jinja, with its
    /// figures and without speaker notes; the shallowest heading becomes `h{min_heading_level}`.
    fn markdown_text(
        &self,
        g: &Guide,
        step: Option<&Step>,
        text: &str,
        depth_in_guide: usize,
        min_heading_level: u8,
    ) -> Result<markdown::Rendered> {
        let source = step.map(|s| &s.source).unwrap_or(&g.source);
        let root = root_prefix(depth_in_guide + 1);
        let figures = images::FigureHook::new(
            &self.figures,
            &source.file,
            source.body_line,
            &source.body,
            text,
            root,
        );
        let hook = slides::WithoutNotes(Some(&figures));
        let opts = RenderOptions {
            hook: Some(&hook),
            min_heading_level,
        };
        markdown::render(text, &opts)
            .with_context(|| format!("rendering {}", source.file.display()))
    }

    /// The slides of a guide's deck (see [`crate::slides`]), as template values.
    fn slides(&self, g: &Guide) -> Result<Vec<serde_json::Value>> {
        let net = self.lib.network_of(g);
        let mut out = Vec::new();
        let mut first_figure = true;
        for step in &g.steps {
            let text = self.expand(g, net, Some(step), 1, None)?;
            for slide in slides::split(&text) {
                let mut body = self.markdown_text(g, Some(step), &slide.body, 1, 3)?;
                // Only the deck's first screenshot loads at once (each slide renders alone).
                if images::page_has_figures(&body.html) {
                    if !first_figure {
                        body.html = body.html.replace(
                            " decoding=\"async\">",
                            " decoding=\"async\" loading=\"lazy\">",
                        );
                    }
                    first_figure = false;
                }
                let notes = markdown::render(
                    &slide.notes,
                    &RenderOptions {
                        hook: Some(&slides::WithoutNotes(None)),
                        min_heading_level: 3,
                    },
                )
                .with_context(|| {
                    format!("rendering the notes of {}", step.source.file.display())
                })?;
                out.push(json!({
                    "step_number": step.number,
                    "step_title": step.meta.title,
                    "summary": step.meta.summary,
                    "heading": slide.heading,
                    "html": body.html,
                    "notes": notes.html,
                    "sandbox_url": sandbox_route(step).map(|r| format!("../sandbox/index.html{r}")),
                    "step_url": format!("../{}/index.html", step.slug),
                }));
            }
        }
        Ok(out)
    }

    /// The steps of a guide's handout (see [`crate::handout`]), as template values, and the
    /// overview's HTML.
    fn handout(&self, g: &Guide) -> Result<(String, Vec<serde_json::Value>)> {
        let net = self.lib.network_of(g);
        let base = self.lib.config.base_url();
        let anchors: BTreeMap<&str, String> = g
            .steps
            .iter()
            .map(|s| (s.slug.as_str(), format!("#step-{}", s.slug)))
            .collect();
        let anchors = Value::from(Serde(anchors));
        // The overview is written for the guide's folder: render it there, then move its
        // relative addresses one folder down.
        let text = self.expand(g, net, None, 0, Some(anchors.clone()))?;
        let intro = one_folder_down(&self.markdown_text(g, None, &text, 0, 3)?.html);
        let mut steps = Vec::new();
        for step in &g.steps {
            let text = self.expand(g, net, Some(step), 1, Some(anchors.clone()))?;
            let body = self.markdown_text(g, Some(step), &text, 1, 3)?;
            let online = handout::step_url(base.as_deref(), &g.slug, &step.slug);
            let qr = online.as_deref().and_then(|u| {
                handout::qr_svg(u, &format!("QR code for step {} online: {u}", step.number))
            });
            steps.push(json!({
                "number": step.number,
                "slug": step.slug,
                "title": step.meta.title,
                "summary": step.meta.summary,
                "html": prefix_ids(&body.html, &format!("s{}-", step.number)),
                "online_url": online,
                "qr": qr,
            }));
        }
        Ok((prefix_ids(&intro, "intro-"), steps))
    }

    fn render(&self, job: &Job) -> Result<(String, String, PathBuf)> {
        let lib = self.lib;
        match *job {
            Job::Home => {
                let ctx = self.base_ctx(0, "home");
                let html = self.pages.render("index.html", &Value::from(ctx))?;
                Ok((job.rel(), html, lib.site_dir.join("site.toml")))
            }
            Job::NotFound => {
                // Relative to the site root like every page; `serve` adds a `<base>` when it
                // answers a deeper path with this page.
                let ctx = self.base_ctx(0, "404");
                let html = self.pages.render("404.html", &Value::from(ctx))?;
                Ok((job.rel(), html, lib.site_dir.join("site.toml")))
            }
            Job::Guide(g) => {
                let net = lib.network_of(g);
                let body = self.markdown(g, net, None, 0)?;
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(1, "guide");
                ctx.insert("guide", gv.guide[0].clone());
                ctx.insert("network", gv.network.clone());
                ctx.insert("steps", gv.steps[0].clone());
                let shortcuts: Vec<_> = g
                    .meta
                    .shortcuts
                    .iter()
                    .map(|s| json!({"label": s.label, "step": s.step, "url": format!("{}/index.html", s.step),
                                     "number": g.step(&s.step).map(|x| x.number)}))
                    .collect();
                ctx.insert("shortcuts", Value::from(Serde(shortcuts)));
                ctx.insert(
                    "has_figures",
                    Value::from(images::page_has_figures(&body.html)),
                );
                ctx.insert("content", Value::from_safe_string(body.html));
                let html = self
                    .pages
                    .render("guide.html", &Value::from(ctx))
                    .with_context(|| format!("rendering the overview of guide `{}`", g.slug))?;
                Ok((job.rel(), html, g.source.file.clone()))
            }
            Job::Step(g, i) => {
                let net = lib.network_of(g);
                let step = &g.steps[i];
                let body = self.markdown(g, net, Some(step), 1)?;
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(2, "step");
                ctx.insert("guide", gv.guide[1].clone());
                ctx.insert("network", gv.network.clone());
                let item = |k: Option<usize>| {
                    k.and_then(|k| gv.step_items.get(k))
                        .cloned()
                        .unwrap_or(Value::from(()))
                };
                ctx.insert("prev", item(i.checked_sub(1)));
                ctx.insert("next", item(Some(i + 1)));
                ctx.insert(
                    "step",
                    Value::from(Serde(json!({
                        "number": step.number,
                        "total": g.steps.len(),
                        "slug": step.slug,
                        "title": step.meta.title,
                        "summary": step.meta.summary,
                        "reviewed": step.meta.reviewed,
                        "headings": body.headings.iter().filter(|h| h.level == 2).collect::<Vec<_>>(),
                        "sandbox_url": sandbox_route(step).map(|r| format!("../sandbox/index.html{r}")),
                    }))),
                );
                ctx.insert("steps", gv.steps[1].clone());
                ctx.insert("has_code", Value::from(body.has_code));
                ctx.insert(
                    "has_figures",
                    Value::from(images::page_has_figures(&body.html)),
                );
                ctx.insert("content", Value::from_safe_string(body.html));
                let html = self
                    .pages
                    .render("step.html", &Value::from(ctx))
                    .with_context(|| format!("rendering {}", step.source.file.display()))?;
                Ok((job.rel(), html, step.source.file.clone()))
            }
            Job::Links(g) => {
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(2, "links");
                ctx.insert("guide", gv.guide[1].clone());
                ctx.insert("network", gv.network.clone());
                ctx.insert("steps", gv.steps[1].clone());
                let html = self
                    .pages
                    .render("links.html", &Value::from(ctx))
                    .with_context(|| format!("rendering the links page of guide `{}`", g.slug))?;
                Ok((job.rel(), html, g.source.file.clone()))
            }
            Job::Sandbox(g) => {
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(2, "sandbox");
                ctx.insert("guide", gv.guide[1].clone());
                ctx.insert("network", gv.network.clone());
                let sandbox_data: BTreeMap<&str, Value> = [
                    ("as_of", self.as_of.clone()),
                    ("guide", gv.guide[1].clone()),
                    ("network", gv.network.clone()),
                    ("steps", gv.steps[1].clone()),
                    ("data", self.data.clone()),
                ]
                .into_iter()
                .collect();
                ctx.insert("sandbox_data", Value::from(sandbox_data));
                ctx.insert("steps", gv.steps[1].clone());
                let html = self
                    .pages
                    .render("sandbox.html", &Value::from(ctx))
                    .with_context(|| format!("rendering the sandbox of guide `{}`", g.slug))?;
                Ok((job.rel(), html, g.source.file.clone()))
            }
            Job::Slides(g) => {
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(2, "slides");
                ctx.insert("guide", gv.guide[1].clone());
                ctx.insert("network", gv.network.clone());
                ctx.insert("steps", gv.steps[1].clone());
                let slides = self.slides(g)?;
                let has_figures = slides
                    .iter()
                    .any(|s| s["html"].as_str().is_some_and(images::page_has_figures));
                ctx.insert("has_figures", Value::from(has_figures));
                ctx.insert("slides", safe_html_fields(slides, &["html", "notes"]));
                let html = self
                    .pages
                    .render("slides.html", &Value::from(ctx))
                    .with_context(|| format!("rendering the slides of guide `{}`", g.slug))?;
                Ok((job.rel(), html, g.source.file.clone()))
            }
            Job::Print(g) => {
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(2, "print");
                ctx.insert("guide", gv.guide[1].clone());
                ctx.insert("network", gv.network.clone());
                ctx.insert("steps", gv.steps[1].clone());
                let (intro, steps) = self.handout(g)?;
                ctx.insert("intro", Value::from_safe_string(intro));
                ctx.insert("print_steps", safe_html_fields(steps, &["html", "qr"]));
                let online = lib
                    .config
                    .base_url()
                    .map(|b| handout::public_url(&b, &format!("{}/", g.slug)));
                ctx.insert("guide_online_url", Value::from(online));
                let html = self
                    .pages
                    .render("print.html", &Value::from(ctx))
                    .with_context(|| format!("rendering the handout of guide `{}`", g.slug))?;
                Ok((job.rel(), html, g.source.file.clone()))
            }
            Job::Accessibility => {
                let statement = Statement::load(&lib.content_dir())?;
                let mut ctx = self.base_ctx(1, "accessibility");
                let mut value = serde_json::to_value(&statement).unwrap_or_default();
                value["status_words"] = json!(statement.status.words());
                // unknown facts become none, so the template says they are unknown
                value["feedback"] = json!(statement.feedback.get());
                value["enforcement"] = json!(statement.enforcement.get());
                ctx.insert("statement", Value::from(Serde(value)));
                let mut seen = HashSet::new();
                let helpdesks: Vec<_> = lib
                    .guides
                    .iter()
                    .map(|g| lib.network_of(g))
                    .filter(|n| seen.insert(n.id.clone()))
                    .filter_map(|n| {
                        n.helpdesk
                            .as_ref()
                            .map(|h| json!({"network": n.name, "name": h.name, "email": h.email}))
                    })
                    .collect();
                ctx.insert("helpdesks", Value::from(Serde(helpdesks)));
                let source = statement
                    .file
                    .clone()
                    .unwrap_or_else(|| lib.site_dir.join("site.toml"));
                let html = self
                    .pages
                    .render("accessibility.html", &Value::from(ctx))
                    .context("rendering the accessibility statement")?;
                Ok((job.rel(), html, source))
            }
        }
    }
}

/// Template values for `items`, with the `fields` that hold rendered HTML marked safe.
fn safe_html_fields(items: Vec<serde_json::Value>, fields: &[&str]) -> Value {
    let values: Vec<Value> = items
        .into_iter()
        .map(|item| {
            let serde_json::Value::Object(map) = item else {
                return Value::from(Serde(item));
            };
            let entries: BTreeMap<String, Value> = map
                .into_iter()
                .map(|(k, v)| {
                    let value = match (fields.contains(&k.as_str()), v) {
                        (true, serde_json::Value::String(html)) => Value::from_safe_string(html),
                        (_, v) => Value::from(Serde(v)),
                    };
                    (k, value)
                })
                .collect();
            Value::from(entries)
        })
        .collect();
    Value::from(values)
}

/// Rendered HTML written for a folder, made to work one folder deeper: every relative
/// `href`, `src` and `srcset` address gets a `../` (in-page `#` links stay).
fn one_folder_down(html: &str) -> String {
    let relative = |url: &str| {
        !(url.is_empty()
            || url.starts_with('#')
            || url.starts_with('/')
            || url
                .split('/')
                .next()
                .is_some_and(|first| first.contains(':')))
    };
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some((at, attr)) = ["href=\"", "src=\"", "srcset=\""]
        .iter()
        .filter_map(|a| rest.find(&format!(" {a}")).map(|i| (i, *a)))
        .min()
    {
        let start = at + 1 + attr.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(rest.len());
        let value = &rest[..end];
        if attr == "srcset=\"" {
            let parts: Vec<String> = value
                .split(", ")
                .map(|p| {
                    if relative(p) {
                        format!("../{p}")
                    } else {
                        p.to_string()
                    }
                })
                .collect();
            out.push_str(&parts.join(", "));
        } else if relative(value) {
            out.push_str("../");
            out.push_str(value);
        } else {
            out.push_str(value);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Prefixes the ids of rendered Markdown, and the in-page links to them, with `prefix` (the
/// handout puts every step on one page). Only the renderer's own markup has `id="` and
/// `href="#`: raw HTML in content is escaped.
fn prefix_ids(html: &str, prefix: &str) -> String {
    html.replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace(" href=\"#", &format!(" href=\"#{prefix}"))
        .replace(&format!(" href=\"#{prefix}step-"), " href=\"#step-")
}

/// Renders every page and collects the theme's static files.
pub fn render_site(lib: &Library) -> Result<RenderedSite> {
    render_site_selected(lib, &|_| true)
}

/// Renders the pages whose output path `want` accepts (every page for [`render_site`]) and
/// collects the theme's static files; `crate::incremental` merges the result into the previous
/// site. When pages fail, the error is the first failure, or [`RenderErrors`] holding all of them.
pub fn render_site_selected(lib: &Library, want: &dyn Fn(&str) -> bool) -> Result<RenderedSite> {
    render_site_images(lib, want).map(|(site, _)| site)
}

/// [`render_site_selected`], also processing the figures' images (in parallel, through the
/// `<site>/.cache/images/` cache) into the output and saying what that took.
pub fn render_site_images(
    lib: &Library,
    want: &dyn Fn(&str) -> bool,
) -> Result<(RenderedSite, images::ImageStats)> {
    let renderer = Renderer::new(lib);
    let mut jobs = vec![Job::Home, Job::NotFound];
    for g in &lib.guides {
        jobs.push(Job::Guide(g));
        jobs.extend((0..g.steps.len()).map(|i| Job::Step(g, i)));
        jobs.push(Job::Links(g));
        jobs.push(Job::Sandbox(g));
        jobs.push(Job::Slides(g));
        jobs.push(Job::Print(g));
    }
    jobs.push(Job::Accessibility);
    jobs.retain(|j| want(&j.rel()));
    let t = std::time::Instant::now();
    let results: Vec<Result<(String, String, PathBuf)>> =
        jobs.par_iter().map(|j| renderer.render(j)).collect();
    timing("render pages", t);
    let t = std::time::Instant::now();

    let mut output = Output::new();
    let mut pages = Vec::with_capacity(results.len());
    let mut any_code = false;
    let mut errors = Vec::new();
    for r in results {
        let (rel, html, source) = match r {
            Ok(page) => page,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        any_code |= html.contains("class=\"hl-");
        output.add(rel.clone(), html);
        pages.push(PageInfo { rel, source });
    }
    if errors.len() == 1 {
        return Err(errors.remove(0));
    } else if !errors.is_empty() {
        return Err(RenderErrors(errors).into());
    }
    let theme = Theme::new(&lib.site_dir, &lib.config.theme);
    for (rel, bytes) in theme.static_files()? {
        let bytes = crate::theme::compact(&rel, &bytes);
        output.add(format!("static/{rel}"), bytes);
    }
    if any_code && !output.contains("static/highlight.css") {
        output.add("static/highlight.css", markdown::highlight_css());
    }
    timing("static files", t);
    let t = std::time::Instant::now();
    let images = images::process(
        renderer.figures.take_jobs(),
        &images::cache_dir(&lib.site_dir),
        &mut output,
    )?;
    timing("images", t);
    let t = std::time::Instant::now();
    let warnings = stale_content_warnings(lib);
    timing("content warnings", t);
    Ok((
        RenderedSite {
            output,
            pages,
            warnings,
        },
        images,
    ))
}

/// Days since 0000-03-01 of a `YYYY-MM-DD` date (for differences only).
fn day_number(date: &str) -> Option<i64> {
    let mut it = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    Some(365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1)
}

/// Words that show a sentence is about a method's end, not a recommendation.
const END_WORDS: &[&str] = &[
    "no longer",
    "retired",
    "ended",
    "stopped",
    "phased out",
    "phase-out",
    "not available",
    "removed",
    "discontinued",
    "until",
    "before",
];

/// Warnings for dated content: a step not reviewed within the review interval, and text that
/// mentions a verification method retired before `as_of` without saying it ended.
pub fn stale_content_warnings(lib: &Library) -> Vec<Warning> {
    let as_of = lib.config.as_of_string();
    let mut out = Vec::new();
    let today = day_number(&as_of);
    let retired: Vec<_> = lib
        .data
        .eu_login
        .methods
        .iter()
        .filter(|m| !m.offered_on(&as_of) && m.available_until.is_some())
        .collect();
    // Guides in parallel; the warnings keep the guides' order.
    let per_guide: Vec<Vec<Warning>> = lib
        .guides
        .par_iter()
        .map(|g| {
            let mut out = Vec::new();
            let sources = std::iter::once((&g.source, g.meta.reviewed.as_str()))
                .chain(g.steps.iter().map(|s| (&s.source, s.meta.reviewed.as_str())));
            for (src, reviewed) in sources {
                if let (Some(t), Some(r)) = (today, day_number(reviewed)) {
                    if t - r > i64::from(lib.config.review_interval_days) {
                        let text = std::fs::read_to_string(&src.file).unwrap_or_default();
                        out.push(Warning(SourceError::new(
                            &src.file,
                            line_of(&text, "reviewed:"),
                            format!(
                                "last reviewed {reviewed}, more than {} days before as_of {as_of}: check it is still true",
                                lib.config.review_interval_days
                            ),
                        )));
                    }
                }
                out.extend(retired_method_mentions(&src.file, src.body_line, &src.body, &retired, &as_of));
            }
            out
        })
        .collect();
    out.extend(per_guide.into_iter().flatten());
    if let Ok(statement) = Statement::load(&lib.content_dir()) {
        out.extend(
            statement
                .review_warning(&as_of, lib.config.review_interval_days, day_number)
                .map(Warning),
        );
    }
    // shared fragments too
    let shared = lib.content_dir().join("shared");
    if shared.is_dir() {
        for e in walkdir::WalkDir::new(&shared)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() {
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    out.extend(retired_method_mentions(
                        e.path(),
                        1,
                        &text,
                        &retired,
                        &as_of,
                    ));
                }
            }
        }
    }
    out
}

fn retired_method_mentions(
    file: &Path,
    first_line: usize,
    text: &str,
    retired: &[&crate::content::data::Method],
    as_of: &str,
) -> Vec<Warning> {
    let mut out = Vec::new();
    // Paragraph-level: a mention is fine if its paragraph says the method ended, or if it sits
    // inside a `{% if offered("id") %}` block (only shown while the method was offered).
    let mut guarded_depth: Vec<bool> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let paragraphs_end_words: Vec<bool> = {
        let mut flags = vec![false; lines.len()];
        let mut i = 0;
        while i < lines.len() {
            let mut j = i;
            while j < lines.len() && !lines[j].trim().is_empty() {
                j += 1;
            }
            let para = lines[i..j].join(" ").to_lowercase();
            let ended = END_WORDS.iter().any(|w| para.contains(w));
            for f in flags.iter_mut().take(j).skip(i) {
                *f = ended;
            }
            i = j + 1;
        }
        flags
    };
    for (idx, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("{%") {
            let inner = trimmed
                .trim_start_matches("{%")
                .trim_start_matches('-')
                .trim();
            if inner.starts_with("if ") {
                guarded_depth.push(inner.contains("offered("));
            } else if inner.starts_with("endif") {
                guarded_depth.pop();
            }
            continue;
        }
        if guarded_depth.iter().any(|g| *g) {
            continue;
        }
        for m in retired {
            let keywords = [m.label.as_str(), m.id.as_str()];
            let mentions = keywords
                .iter()
                .any(|k| k.len() >= 3 && contains_word(line, k));
            if mentions && !paragraphs_end_words[idx] {
                out.push(Warning(SourceError::new(
                    file,
                    first_line + idx,
                    format!(
                        "mentions `{}`, which EU Login stopped offering after {} (before as_of {as_of}), without saying so",
                        m.label,
                        m.available_until.as_deref().unwrap_or("?")
                    ),
                )));
            }
        }
    }
    out
}

/// Case-insensitive whole-word search ("SMS" matches "sms" but not "smsc").
fn contains_word(hay: &str, word: &str) -> bool {
    let hay = hay.to_lowercase();
    let word = word.to_lowercase();
    hay.match_indices(&word).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Every relative link and `#anchor` in the generated HTML must resolve; fails on the first
/// broken link ([`link_problems`] lists them all).
pub fn check_links(site: &RenderedSite) -> Result<()> {
    match link_problems(site).into_iter().next() {
        Some(first) => Err(first.into()),
        None => Ok(()),
    }
}

/// Every broken link of the site, in page order: a relative link or `#anchor` that does not
/// resolve, or an external `http(s):`/`mailto:` link that is not well formed (no network access).
pub fn link_problems(site: &RenderedSite) -> Vec<SourceError> {
    // One pass over each page's HTML (pages in parallel) collects its ids and its links.
    // Values borrow from the pages' HTML (only ones with character references are copied).
    type Scanned<'h> = Option<(HashSet<Cow<'h, str>>, Vec<Cow<'h, str>>)>;
    let scanned: Vec<Scanned> = site
        .pages
        .par_iter()
        .map(|p| {
            site.output.get(&p.rel).map(|bytes| {
                let a = match std::str::from_utf8(bytes) {
                    Ok(html) => scan_attrs(html),
                    Err(_) => scan_attrs(&String::from_utf8_lossy(bytes)).into_owned(),
                };
                (a.ids.into_iter().collect(), a.links)
            })
        })
        .collect();
    let mut ids: HashMap<&str, HashSet<Cow<str>>> = HashMap::with_capacity(scanned.len());
    let mut links: Vec<Option<Vec<Cow<str>>>> = Vec::with_capacity(scanned.len());
    for (p, attrs) in site.pages.iter().zip(scanned) {
        match attrs {
            Some((page_ids, page_links)) => {
                ids.insert(p.rel.as_str(), page_ids);
                links.push(Some(page_links));
            }
            None => links.push(None),
        }
    }
    let per_page: Vec<Vec<SourceError>> = site
        .pages
        .par_iter()
        .zip(links.par_iter())
        .map(|(p, targets)| {
            let mut out = Vec::new();
            let mut text = None;
            for target in targets.iter().flatten() {
                if let Some(problem) = link_problem(&p.rel, target, &site.output, &ids) {
                    // The source is read only to point at the line of a broken link.
                    let text = text.get_or_insert_with(|| {
                        std::fs::read_to_string(&p.source).unwrap_or_default()
                    });
                    out.push(SourceError::new(
                        &p.source,
                        link_line(text, target),
                        format!("broken link `{target}` on page {}: {problem}", p.rel),
                    ));
                }
            }
            out
        })
        .collect();
    // The slides and handouts are made from the same Markdown as the other pages: their
    // problems are reported only when those pages have none (a problem of their own making),
    // so a broken link in a step is reported once, at its step.
    let (derived, own): (Vec<_>, Vec<_>) = site
        .pages
        .iter()
        .zip(per_page)
        .partition(|(p, _)| is_derived_page(&p.rel));
    let own: Vec<SourceError> = own.into_iter().flat_map(|(_, e)| e).collect();
    if own.is_empty() {
        derived.into_iter().flat_map(|(_, e)| e).collect()
    } else {
        own
    }
}

/// A guide's slides or handout: pages made from the guide's other pages' sources.
fn is_derived_page(rel: &str) -> bool {
    rel.ends_with("/slides/index.html") || rel.ends_with("/print/index.html")
}

/// A page's `id` values and its links (every `href`, then every `src`, in document order).
struct PageAttrs<'a> {
    ids: Vec<Cow<'a, str>>,
    links: Vec<Cow<'a, str>>,
}

impl PageAttrs<'_> {
    fn into_owned(self) -> PageAttrs<'static> {
        let own = |v: Vec<Cow<str>>| v.into_iter().map(|c| Cow::Owned(c.into_owned())).collect();
        PageAttrs {
            ids: own(self.ids),
            links: own(self.links),
        }
    }
}

/// Finds ` id="..."`, ` href="..."` and ` src="..."` (double-quoted, as our templates write
/// them) in one pass over the HTML.
fn scan_attrs(html: &str) -> PageAttrs<'_> {
    let bytes = html.as_bytes();
    let (mut ids, mut hrefs, mut srcs) = (Vec::new(), Vec::new(), Vec::new());
    let mut from = 0;
    // `find(char)` is a memchr; a two-byte pattern search is several times slower here.
    while let Some(i) = html[from..].find('=').map(|i| i + from) {
        if bytes.get(i + 1) != Some(&b'"') {
            from = i + 1;
            continue;
        }
        let value_start = i + 2;
        let Some(len) = html[value_start..].find('"') else {
            break;
        };
        let before = &bytes[..i];
        let list = if before.ends_with(b" id") {
            Some(&mut ids)
        } else if before.ends_with(b" href") {
            Some(&mut hrefs)
        } else if before.ends_with(b" src") {
            Some(&mut srcs)
        } else {
            None
        };
        match list {
            Some(list) => {
                let value = &html[value_start..value_start + len];
                list.push(if value.contains('&') {
                    Cow::Owned(unescape(value))
                } else {
                    Cow::Borrowed(value)
                });
                from = value_start + len;
            }
            None => from = value_start,
        }
    }
    hrefs.append(&mut srcs);
    PageAttrs { ids, links: hrefs }
}

/// The line of the source that wrote the link `target`: the URL itself, else its `#fragment`
/// (the URL may come from `step_url()`), else its last folder name; 0 if none is found.
fn link_line(source: &str, target: &str) -> usize {
    let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
    let folder = path
        .trim_end_matches("index.html")
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && *s != "..");
    [
        Some(target),
        Some(path),
        (!fragment.is_empty()).then_some(fragment),
        folder,
    ]
    .into_iter()
    .flatten()
    .filter(|n| !n.is_empty())
    .map(|n| line_of(source, n))
    .find(|l| *l > 0)
    .unwrap_or(0)
}

fn link_problem<S: std::borrow::Borrow<str> + Eq + std::hash::Hash>(
    page: &str,
    target: &str,
    output: &Output,
    ids: &HashMap<&str, HashSet<S>>,
) -> Option<String> {
    let t = target.trim();
    if t.is_empty() {
        return Some("empty link".into());
    }
    // Every scheme has a `:`; most links are relative and skip these checks.
    if t.contains(':') {
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return (!is_http_url(&lower)).then(|| "not a well-formed http(s) URL".into());
        }
        if let Some(address) = lower.strip_prefix("mailto:") {
            let address = address.split('?').next().unwrap_or("");
            return (!is_email(address))
                .then(|| format!("`{address}` is not a valid e-mail address"));
        }
        if lower.starts_with("data:") || lower.starts_with("tel:") {
            return None;
        }
        if !lower.starts_with('#')
            && lower
                .split(['/', '#', '?'])
                .next()
                .is_some_and(|s| s.contains(':'))
        {
            return Some("unsupported URL scheme".into());
        }
    }
    if t.starts_with('/') || t.starts_with("//") {
        return Some("links must be relative so the site works from disk".into());
    }
    let (path_part, fragment) = match t.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (t, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let target_rel = if path_part.is_empty() {
        page.to_string()
    } else {
        let base = match page.rfind('/') {
            Some(i) => &page[..i],
            None => "",
        };
        let mut parts: Vec<&str> = if base.is_empty() {
            Vec::new()
        } else {
            base.split('/').collect()
        };
        for seg in path_part.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Some("points above the site root".into());
                    }
                }
                s => parts.push(s),
            }
        }
        let mut joined = parts.join("/");
        if path_part.ends_with('/') {
            return Some(format!(
                "links to a folder; link to {}index.html so it works from disk",
                path_part
            ));
        }
        if joined.is_empty() {
            joined = "index.html".into();
        }
        joined
    };
    if !output.contains(&target_rel) {
        return Some(format!("no such file `{target_rel}` in the output"));
    }
    if let Some(f) = fragment {
        // `#/screen` routes belong to the sandbox's script.
        if !f.is_empty() && !f.starts_with('/') {
            if let Some(set) = ids.get(target_rel.as_str()) {
                if !set.contains(f) {
                    return Some(format!("no element with id `{f}` on {target_rel}"));
                }
            }
        }
    }
    None
}

/// Values of `name="..."` attributes in HTML (the reference [`scan_attrs`] is tested against).
#[cfg(test)]
fn attr_values(html: &str, name: &str) -> Vec<String> {
    let pat = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&pat) {
        rest = &rest[i + pat.len()..];
        if let Some(end) = rest.find('"') {
            out.push(unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// Decodes the character references our templates produce (named basics and numeric).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_scan_finds_what_separate_scans_find() {
        let html = concat!(
            "<a href=\"a.html\" id=\"x\">A</a><img src=\"i.png\" alt=\"\"><p data-id=\"no\">",
            "<a class=\"c\" href=\"b.html#&amp;q\">B</a><h2 id=\"y\"></h2><script src=\"s.js\"></script>",
            "<a href=\"\">empty</a> trailing href=\"unclosed"
        );
        let a = scan_attrs(html);
        assert_eq!(a.ids, attr_values(html, "id"));
        let mut links = attr_values(html, "href");
        links.extend(attr_values(html, "src"));
        assert_eq!(a.links, links);
        assert_eq!(a.links, ["a.html", "b.html#&q", "", "i.png", "s.js"]);
    }

    #[test]
    fn one_folder_down_moves_relative_addresses_only() {
        let html = r##"<a href="../paedcan/index.html">x</a> <a href="https://e.eu/a">y</a> <a href="mailto:a@b.eu">m</a> <a href="#step-a">s</a> <img src="../images/a-480.png" srcset="../images/a-480.png 480w, ../images/a-880.png 880w" alt="">"##;
        assert_eq!(
            one_folder_down(html),
            r##"<a href="../../paedcan/index.html">x</a> <a href="https://e.eu/a">y</a> <a href="mailto:a@b.eu">m</a> <a href="#step-a">s</a> <img src="../../images/a-480.png" srcset="../../images/a-480.png 480w, ../../images/a-880.png 880w" alt="">"##
        );
    }

    #[test]
    fn prefixed_ids_keep_links_to_steps() {
        let html = r##"<h3 id="a">A</h3><a href="#a">a</a><a href="#step-x">x</a>"##;
        assert_eq!(
            prefix_ids(html, "s1-"),
            r##"<h3 id="s1-a">A</h3><a href="#s1-a">a</a><a href="#step-x">x</a>"##
        );
    }

    #[test]
    fn days() {
        assert_eq!(
            day_number("2025-07-01").unwrap() - day_number("2025-06-30").unwrap(),
            1
        );
        assert_eq!(
            day_number("2025-01-01").unwrap() - day_number("2024-01-01").unwrap(),
            366
        );
    }

    #[test]
    fn link_resolution() {
        let mut o = Output::new();
        o.add("index.html", "");
        o.add("g/index.html", "");
        o.add("g/a/index.html", "");
        let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
        ids.insert("g/a/index.html", ["top".to_string()].into_iter().collect());
        assert_eq!(
            link_problem("g/a/index.html", "../index.html", &o, &ids),
            None
        );
        assert_eq!(
            link_problem("g/a/index.html", "../../index.html", &o, &ids),
            None
        );
        assert_eq!(link_problem("g/a/index.html", "#top", &o, &ids), None);
        assert!(link_problem("g/a/index.html", "#nope", &o, &ids).is_some());
        assert!(link_problem("g/a/index.html", "../b/index.html", &o, &ids).is_some());
        assert!(link_problem("g/a/index.html", "../", &o, &ids).is_some());
        assert!(link_problem("g/a/index.html", "/g/index.html", &o, &ids).is_some());
        assert!(link_problem("g/a/index.html", "../../../x", &o, &ids).is_some());
        assert_eq!(
            link_problem("g/a/index.html", "https://x.org", &o, &ids),
            None
        );
        assert!(link_problem("g/a/index.html", "javascript:alert(1)", &o, &ids).is_some());
    }

    #[test]
    fn retired_mentions() {
        let m = crate::content::data::Method {
            id: "sms".into(),
            label: "Mobile Phone + SMS".into(),
            description: String::new(),
            available_from: None,
            available_until: Some("2025-06-30".into()),
            source: "s".into(),
            note: String::new(),
            audience: String::new(),
        };
        let text = "Intro.\n\nUse Mobile Phone + SMS to sign in.\n\nSMS is no longer available since 1 July 2025.\n\n{% if offered(\"sms\") %}\nChoose Mobile Phone + SMS.\n{% endif %}\n";
        let w = retired_method_mentions(Path::new("s.md"), 10, text, &[&m], "2026-11-22");
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].0.line, 12);
    }
}
