//! Page contexts: what each kind of page's template sees, built from the library.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use minijinja::value::{Serde, Value};
use serde::Serialize;
use serde_json::json;

use super::page::{guide_rel, root_prefix, sandbox_route, step_url, Page};
use super::RenderErrors;
use crate::content::{Guide, Library, Network, Step};
use crate::error::{Context, Result};
use crate::handout;
use crate::html::{one_folder_down, prefix_ids};
use crate::i18n::site::LanguageSet;
use crate::images;
use crate::markdown::{self, RenderOptions};
use crate::slides;
use crate::templates::{ContentTemplates, PageTemplates};
use crate::theme::Theme;

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
            url: step_url(s, from_depth),
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

pub(crate) struct Renderer<'a> {
    lib: &'a Library,
    /// The site's languages, and the one this renderer writes.
    langs: &'a LanguageSet,
    code: String,
    content: ContentTemplates,
    pages: PageTemplates,
    /// `site`, `data` and `guides` as template values, converted once and shared (cheap clones).
    site_value: Value,
    as_of: Value,
    data: Value,
    guides: Value,
    guide_values: HashMap<&'a str, std::sync::OnceLock<GuideValues>>,
    /// Collects the figures' image work while pages render.
    pub figures: images::Figures,
}

impl<'a> Renderer<'a> {
    pub fn new(lib: &'a Library, langs: &'a LanguageSet, code: &str) -> Renderer<'a> {
        let theme = Theme::new(&lib.site_dir, &lib.config.theme);
        let as_of = lib.config.as_of_string();
        let content = ContentTemplates::new(
            lib.shared.clone(),
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
                    "path": guide_rel(&g.slug),
                })
            })
            .collect();
        let mut pages = PageTemplates::new(theme);
        if let Some(l) = langs.get(code) {
            pages.set_catalog(l.catalog.clone());
        }
        Renderer {
            lib,
            langs,
            code: code.to_string(),
            content,
            pages,
            site_value: Value::from(Serde(&site)),
            as_of: Value::from(as_of),
            data: Value::from(Serde(&lib.data)),
            guides: Value::from(Serde(&guides)),
            guide_values: lib
                .guides
                .iter()
                .map(|g| (g.slug.as_str(), std::sync::OnceLock::new()))
                .collect(),
            figures: images::Figures::new(&lib.site_dir, lib.shared.clone())
                .allow_missing(lib.allow_missing_screenshots),
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
                g.steps
                    .iter()
                    .map(|s| (s.slug.as_str(), step_url(s, depth)))
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

    fn base_ctx(&self, page: &Page, depth: usize, kind: &str) -> BTreeMap<&'static str, Value> {
        let mut ctx = BTreeMap::new();
        let source = match *page {
            Page::Guide(g) => Some(g.source.file.as_path()),
            Page::Step(g, i) => Some(g.steps[i].source.file.as_path()),
            _ => None,
        };
        for (k, v) in self.langs.page_values(&self.code, &page.rel(), source) {
            // The sandbox is a practice app within its page budget: no search box there.
            // The sandbox is a practice app within its page budget (150 KB): no search box,
            // no language switcher there.
            if matches!(page, Page::Sandbox(_)) {
                if k == "search" {
                    ctx.insert(k, Value::from(()));
                    continue;
                }
                if k == "languages" {
                    ctx.insert(k, Value::from(Vec::<Value>::new()));
                    continue;
                }
            }
            ctx.insert(k, v);
        }
        ctx.insert("root", Value::from(root_prefix(depth)));
        ctx.insert("site", self.site_value.clone());
        ctx.insert("data", self.data.clone());
        ctx.insert("page_kind", Value::from(kind.to_string()));
        ctx.insert("guides", self.guides.clone());
        ctx
    }

    /// Runs a Markdown source through Jinja and Markdown (speaker notes left out); also
    /// returns the image files its figures show.
    fn markdown(
        &self,
        g: &Guide,
        net: &Network,
        step: Option<&Step>,
        depth_in_guide: usize,
    ) -> Result<(markdown::Rendered, Vec<String>)> {
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
            let step_urls: BTreeMap<&str, String> = g
                .steps
                .iter()
                .map(|s| (s.slug.as_str(), step_url(s, depth_in_guide)))
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
    /// Also returns the image files its figures show.
    fn markdown_text(
        &self,
        g: &Guide,
        step: Option<&Step>,
        text: &str,
        depth_in_guide: usize,
        min_heading_level: u8,
    ) -> Result<(markdown::Rendered, Vec<String>)> {
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
        let rendered = markdown::render(text, &opts)
            .with_context(|| format!("rendering {}", source.file.display()))?;
        let (mut errors, images) = figures.finish();
        match errors.len() {
            0 => Ok((rendered, images)),
            1 => Err(anyhow::Error::from(errors.remove(0)))
                .with_context(|| format!("rendering {}", source.file.display())),
            n => Err(anyhow::Error::from(RenderErrors::new(
                errors.into_iter().map(anyhow::Error::from).collect(),
                format!("checking {n} figures with problems (`ernguide check` lists every one)"),
            )))
            .with_context(|| format!("rendering {}", source.file.display())),
        }
    }

    /// The slides of a guide's deck (see [`crate::slides`]), as template values, and the image
    /// files they show.
    fn slides(&self, g: &Guide) -> Result<(Vec<serde_json::Value>, Vec<String>)> {
        let net = self.lib.network_of(g);
        let mut out = Vec::new();
        let mut images = Vec::new();
        let mut first_figure = true;
        for step in &g.steps {
            let text = self.expand(g, net, Some(step), 1, None)?;
            for slide in slides::split(&text) {
                let (mut body, shown) = self.markdown_text(g, Some(step), &slide.body, 1, 3)?;
                images.extend(shown);
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
        Ok((out, images))
    }

    /// The steps of a guide's handout (see [`crate::handout`]), as template values, the
    /// overview's HTML, and the image files they show.
    fn handout(&self, g: &Guide) -> Result<(String, Vec<serde_json::Value>, Vec<String>)> {
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
        let (intro, mut images) = self.markdown_text(g, None, &text, 0, 3)?;
        let intro = one_folder_down(&intro.html);
        let mut steps = Vec::new();
        for step in &g.steps {
            let text = self.expand(g, net, Some(step), 1, Some(anchors.clone()))?;
            let (body, shown) = self.markdown_text(g, Some(step), &text, 1, 3)?;
            images.extend(shown);
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
        Ok((prefix_ids(&intro, "intro-"), steps, images))
    }

    /// Renders one page.
    pub fn render_page(&self, page: &Page) -> Result<RenderedPage> {
        let lib = self.lib;
        match *page {
            Page::Home => {
                let ctx = self.base_ctx(page, 0, "home");
                let html = self.pages.render("index.html", &Value::from(ctx))?;
                Ok(RenderedPage::new(
                    page,
                    html,
                    lib.site_dir.join("site.toml"),
                    Vec::new(),
                ))
            }
            Page::NotFound => {
                // Relative to the site root like every page; `serve` adds a `<base>` when it
                // answers a deeper path with this page.
                let ctx = self.base_ctx(page, 0, "404");
                let html = self.pages.render("404.html", &Value::from(ctx))?;
                Ok(RenderedPage::new(
                    page,
                    html,
                    lib.site_dir.join("site.toml"),
                    Vec::new(),
                ))
            }
            Page::Guide(g) => {
                let net = lib.network_of(g);
                let (body, images) = self.markdown(g, net, None, 0)?;
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(page, 1, "guide");
                ctx.insert("guide", gv.guide[0].clone());
                ctx.insert("network", gv.network.clone());
                ctx.insert("steps", gv.steps[0].clone());
                let shortcuts: Vec<_> = g
                    .meta
                    .shortcuts
                    .iter()
                    .map(|s| json!({"label": s.label, "step": s.step, "url": format!("{}/index.html", s.step.value),
                                     "number": g.step(&s.step.value).map(|x| x.number)}))
                    .collect();
                ctx.insert("shortcuts", Value::from(Serde(shortcuts)));
                ctx.insert("has_code", Value::from(body.has_code));
                ctx.insert(
                    "has_figures",
                    Value::from(images::page_has_figures(&body.html)),
                );
                ctx.insert("content", Value::from_safe_string(body.html));
                let html = self
                    .pages
                    .render("guide.html", &Value::from(ctx))
                    .with_context(|| format!("rendering the overview of guide `{}`", g.slug))?;
                Ok(RenderedPage::new(page, html, g.source.file.clone(), images))
            }
            Page::Step(g, i) => {
                let net = lib.network_of(g);
                let step = &g.steps[i];
                let (body, images) = self.markdown(g, net, Some(step), 1)?;
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(page, 2, "step");
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
                Ok(RenderedPage::new(
                    page,
                    html,
                    step.source.file.clone(),
                    images,
                ))
            }
            Page::Links(g) => {
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(page, 2, "links");
                ctx.insert("guide", gv.guide[1].clone());
                ctx.insert("network", gv.network.clone());
                ctx.insert("steps", gv.steps[1].clone());
                let html = self
                    .pages
                    .render("links.html", &Value::from(ctx))
                    .with_context(|| format!("rendering the links page of guide `{}`", g.slug))?;
                Ok(RenderedPage::new(
                    page,
                    html,
                    g.source.file.clone(),
                    Vec::new(),
                ))
            }
            Page::Sandbox(g) => {
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(page, 2, "sandbox");
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
                Ok(RenderedPage::new(
                    page,
                    html,
                    g.source.file.clone(),
                    Vec::new(),
                ))
            }
            Page::Slides(g) => {
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(page, 2, "slides");
                ctx.insert("guide", gv.guide[1].clone());
                ctx.insert("network", gv.network.clone());
                ctx.insert("steps", gv.steps[1].clone());
                let (slides, images) = self.slides(g)?;
                let has_figures = slides
                    .iter()
                    .any(|s| s["html"].as_str().is_some_and(images::page_has_figures));
                ctx.insert("has_figures", Value::from(has_figures));
                ctx.insert("slides", safe_html_fields(slides, &["html", "notes"]));
                let html = self
                    .pages
                    .render("slides.html", &Value::from(ctx))
                    .with_context(|| format!("rendering the slides of guide `{}`", g.slug))?;
                Ok(RenderedPage::new(page, html, g.source.file.clone(), images))
            }
            Page::Print(g) => {
                let gv = self.guide_values(g);
                let mut ctx = self.base_ctx(page, 2, "print");
                ctx.insert("guide", gv.guide[1].clone());
                ctx.insert("network", gv.network.clone());
                ctx.insert("steps", gv.steps[1].clone());
                let (intro, steps, images) = self.handout(g)?;
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
                Ok(RenderedPage::new(page, html, g.source.file.clone(), images))
            }
            Page::Accessibility => {
                let statement = &lib.accessibility;
                let mut ctx = self.base_ctx(page, 1, "accessibility");
                let mut value = serde_json::to_value(statement).unwrap_or_default();
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
                Ok(RenderedPage::new(page, html, source, Vec::new()))
            }
        }
    }
}

/// One rendered page.
pub(crate) struct RenderedPage {
    pub rel: String,
    pub html: String,
    /// The file the page comes from (for messages).
    pub source: PathBuf,
    /// The image files its figures show.
    pub images: Vec<String>,
}

impl RenderedPage {
    fn new(page: &Page, html: String, source: PathBuf, images: Vec<String>) -> RenderedPage {
        RenderedPage {
            rel: page.rel(),
            html,
            source,
            images,
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
