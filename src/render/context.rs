//! Page contexts: what each kind of page's template sees, built from the library (the typed
//! values are in `values.rs`; a guide's slides and handout in `trainer.rs`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use minijinja::value::{Serde, Value};

use super::markdown_body::Body;
use super::origin::PageLink;
use super::page::{root_prefix, step_url, Page};
use super::shared_work::StepExpansions;
use super::values::{
    step_summaries, AccessibilityPageContext, BaseContext, BodyContext, GuideContext, GuideInfo,
    GuideListItem, GuidePageContext, HelpdeskItem, PrintPageContext, SandboxData,
    SandboxPageContext, ShortcutItem, SiteValue, SlidesPageContext, StatementView, StepInfo,
    StepPageContext,
};
use crate::content::{Guide, Library};
use crate::error::{Context, Result};
use crate::handout;
use crate::i18n::site::{LanguageSet, SiteValues};
use crate::images;
use crate::markdown;
use crate::templates::{self, ContentTemplates, PageTemplates};
use crate::theme::Theme;

/// A guide's values shared by all its pages, converted to template values once per build
/// (converting them per page was quadratic in the size of the site).
#[derive(Clone)]
pub(super) struct GuideValues {
    pub(super) network: Value,
    /// Index 0: as seen from the guide's folder (overview); 1: from a page one folder deeper.
    pub(super) guide: [Value; 2],
    steps: [Value; 2],
    /// Each step's summary as seen from a step page (for `prev` and `next`).
    step_items: Vec<Value>,
    pub(super) step_urls: [Value; 2],
}

pub(crate) struct Renderer<'a> {
    pub(super) lib: &'a Library,
    /// The site's languages, and the one this renderer writes.
    langs: &'a LanguageSet,
    pub(super) code: String,
    pub(super) content: ContentTemplates,
    pages: Arc<PageTemplates>,
    /// `site`, `data` and `guides` as template values, converted once and shared (cheap clones).
    pub(super) site_value: Value,
    pub(super) as_of: Value,
    pub(super) data: Value,
    guides: Value,
    /// Page templates' output that does not depend on the page, for this build and language.
    memo: Value,
    /// Each of the language's guides by slug: as shared (a link traced later keeps it), and
    /// its template values, converted on first use.
    by_slug: rustc_hash::FxHashMap<&'a str, (&'a Arc<Guide>, OnceLock<GuideValues>)>,
    /// Each step's Markdown after Jinja, shared by its page and the slides.
    pub(super) step_expansions: StepExpansions<'a>,
    /// Each step's page body or handout section, made with the other one.
    pub(super) step_bodies: super::step_body::StepBodies<'a>,
    /// Collects the figures' image work while pages render.
    pub figures: images::Figures,
    /// Each step's part of the slides and handouts, kept between `serve`'s rebuilds.
    pub(super) trainer_cache: Option<&'a super::TrainerCache>,
}

/// The template, the `page_kind` and (for messages) what rendering a page is called.
fn layout(page: &Page) -> (&'static str, &'static str, Option<String>) {
    match *page {
        Page::Home => ("index.html", "home", None),
        Page::NotFound => ("404.html", "404", None),
        Page::Guide(g) => (
            "guide.html",
            "guide",
            Some(format!("rendering the overview of guide `{}`", g.slug)),
        ),
        Page::Step(g, i) => (
            "step.html",
            "step",
            Some(format!("rendering {}", g.steps[i].source.file.display())),
        ),
        Page::Links(g) => (
            "links.html",
            "links",
            Some(format!("rendering the links page of guide `{}`", g.slug)),
        ),
        Page::Sandbox(g) => (
            "sandbox.html",
            "sandbox",
            Some(format!("rendering the sandbox of guide `{}`", g.slug)),
        ),
        Page::Slides(g) => (
            "slides.html",
            "slides",
            Some(format!("rendering the slides of guide `{}`", g.slug)),
        ),
        Page::Print(g) => (
            "print.html",
            "print",
            Some(format!("rendering the handout of guide `{}`", g.slug)),
        ),
        Page::Accessibility => (
            "accessibility.html",
            "accessibility",
            Some("rendering the accessibility statement".into()),
        ),
    }
}

/// The guide a page belongs to.
fn guide_of<'g>(page: &Page<'g>) -> Option<&'g Guide> {
    match *page {
        Page::Guide(g)
        | Page::Step(g, _)
        | Page::Links(g)
        | Page::Sandbox(g)
        | Page::Slides(g)
        | Page::Print(g) => Some(g),
        Page::Home | Page::NotFound | Page::Accessibility => None,
    }
}

/// A page's own part of its context, the image files it shows and the links of its Markdown.
struct Own {
    parts: Vec<Value>,
    images: Vec<String>,
    links: Vec<PageLink>,
}

impl Own {
    fn none() -> Own {
        Own {
            parts: Vec::new(),
            images: Vec::new(),
            links: Vec::new(),
        }
    }
}

/// The template value of a page's Markdown body.
fn body(rendered: markdown::Rendered) -> Value {
    Value::from(Serde(BodyContext {
        has_code: rendered.has_code,
        has_figures: images::page_has_figures(&rendered.html),
        content: rendered.html,
    }))
}

impl<'a> Renderer<'a> {
    pub fn new(lib: &'a Library, langs: &'a LanguageSet, code: &str) -> Renderer<'a> {
        let as_of = lib.config.as_of_string();
        let content = ContentTemplates::new(
            lib.shared.clone(),
            lib.data.clone(),
            as_of.clone(),
            lib.guides.iter().map(|g| g.slug.clone()).collect(),
            code != "en",
        );
        // `site` and `data` (made once per language: kept by `serve`'s rebuilds)
        let make_values = || SiteValues {
            site: Value::from(Serde(&SiteValue {
                config: &lib.config,
                as_of: as_of.clone(),
            })),
            data: Value::from(Serde(lib.data.as_ref())),
        };
        let values = match langs.get(code) {
            Some(l) => l.site_values.get_or_init(make_values).clone(),
            None => make_values(),
        };
        let guides: Vec<GuideListItem> = lib
            .guides
            .iter()
            .map(|g| GuideListItem::new(g, lib.network_of(g)))
            .collect();
        // The language's templates (compiled once, kept by `serve`).
        let pages = langs.get(code).map_or_else(
            || {
                Arc::new(PageTemplates::new(Theme::new(
                    &lib.site_dir,
                    &lib.config.theme,
                )))
            },
            |l| l.pages.clone(),
        );
        Renderer {
            lib,
            langs,
            code: code.to_string(),
            content,
            pages,
            site_value: values.site,
            as_of: Value::from(as_of),
            data: values.data,
            guides: Value::from(Serde(&guides)),
            memo: crate::templates::Memo::value(),
            by_slug: (lib.guides.iter())
                .map(|g| (g.slug.as_str(), (g, OnceLock::new())))
                .collect(),
            step_expansions: StepExpansions::new(lib),
            step_bodies: super::step_body::StepBodies::new(lib),
            figures: images::Figures::new(&lib.site_dir)
                .with_memo(langs.figures.clone())
                .allow_missing(lib.allow_missing_screenshots),
            trainer_cache: None,
        }
    }

    /// `guide` as seen from a page `depth` folders inside it.
    pub(super) fn guide_info(&self, g: &Guide, depth: usize) -> Value {
        let related = g.meta.related.as_ref().and_then(|r| self.lib.guide(r));
        Value::from(Serde(GuideInfo::new(g, related, depth)))
    }

    /// `g` as shared by the language's library (`None` for a guide that is not in it).
    pub(super) fn guide_arc(&self, g: &Guide) -> Option<Arc<Guide>> {
        let (shared, _) = self.by_slug.get(g.slug.as_str())?;
        std::ptr::eq(shared.as_ref(), g).then(|| Arc::clone(shared))
    }

    /// The guide's shared template values, converted on first use.
    pub(super) fn guide_values(&self, g: &Guide) -> Cow<'_, GuideValues> {
        let make = || {
            let steps = [step_summaries(g, 0), step_summaries(g, 1)];
            GuideValues {
                network: Value::from(Serde(self.lib.network_of(g))),
                guide: [self.guide_info(g, 0), self.guide_info(g, 1)],
                step_items: steps[1].iter().map(|s| Value::from(Serde(s))).collect(),
                steps: [Value::from(Serde(&steps[0])), Value::from(Serde(&steps[1]))],
                step_urls: [step_urls(g, 0), step_urls(g, 1)],
            }
        };
        match self.by_slug.get(g.slug.as_str()) {
            Some((_, cell)) => Cow::Borrowed(cell.get_or_init(make)),
            None => Cow::Owned(make()),
        }
    }

    /// What every page sees: the language values, `root`, `site`, `data`, `page_kind`, `guides`.
    fn base_ctx(&self, page: &Page, kind: &'static str) -> [Value; 2] {
        let source = match *page {
            Page::Guide(g) => Some(g.source.file.as_path()),
            Page::Step(g, i) => Some(g.steps[i].source.file.as_path()),
            _ => None,
        };
        let mut langs: BTreeMap<&str, Value> = BTreeMap::new();
        for (k, v) in self.langs.page_values(&self.code, &page.rel(), source) {
            // The handout is a page to print and needs no JavaScript: no search box (its
            // switcher is plain links).
            let v = match (page, k) {
                (Page::Print(_), "search") => Value::from(()),
                _ => v,
            };
            langs.insert(k, v);
        }
        let base = BaseContext {
            data: self.data.clone(),
            guides: self.guides.clone(),
            memo: self.memo.clone(),
            page_kind: kind,
            root: root_prefix(depth(page)),
            site: self.site_value.clone(),
        };
        [Value::from(langs), Value::from(Serde(base))]
    }

    /// Renders one page.
    pub fn render_page(&self, page: &Page) -> Result<RenderedPage> {
        let (template, kind, what) = layout(page);
        let mut parts = self.base_ctx(page, kind).to_vec();
        if let Some(g) = guide_of(page) {
            // The overview sees the guide from its folder, every other page from one deeper.
            let d = usize::from(!matches!(page, Page::Guide(_)));
            let gv = self.guide_values(g);
            parts.push(Value::from(Serde(GuideContext {
                guide: gv.guide[d].clone(),
                network: gv.network.clone(),
                steps: gv.steps[d].clone(),
            })));
        }
        let (own, includes) = templates::recording_includes(|| self.own_parts(page));
        let own = own?;
        parts.extend(own.parts);
        let html = self
            .pages
            .render(template, &templates::page_context(&parts));
        let html = match what {
            Some(what) => html.context(what)?,
            None => html?,
        };
        let lib = self.lib;
        let source = match *page {
            Page::Home | Page::NotFound => lib.site_dir.join("site.toml"),
            Page::Step(g, i) => g.steps[i].source.file.clone(),
            Page::Accessibility => {
                (lib.accessibility.file.clone()).unwrap_or_else(|| lib.site_dir.join("site.toml"))
            }
            Page::Guide(g)
            | Page::Links(g)
            | Page::Sandbox(g)
            | Page::Slides(g)
            | Page::Print(g) => g.source.file.clone(),
        };
        Ok(RenderedPage {
            rel: page.rel(),
            html,
            source,
            images: own.images,
            includes,
            links: own.links,
        })
    }

    /// The context of the page beyond what every page (and every page of its guide) sees.
    fn own_parts(&self, page: &Page) -> Result<Own> {
        let lib = self.lib;
        Ok(match *page {
            Page::Home | Page::NotFound | Page::Links(_) => Own::none(),
            Page::Guide(g) => {
                let Body { md, images, links } = self.markdown(g, None, 0)?;
                let shortcuts: Vec<ShortcutItem> = (g.meta.shortcuts.iter())
                    .map(|s| ShortcutItem {
                        label: &s.label,
                        number: g.step(&s.step.value).map(|x| x.number),
                        step: &s.step.value,
                        url: format!("{}/index.html", s.step.value),
                    })
                    .collect();
                Own {
                    parts: vec![body(md), part(GuidePageContext { shortcuts })],
                    images,
                    links,
                }
            }
            Page::Step(g, i) => {
                let step = &g.steps[i];
                let Body { md, images, links } = self.step_page_body(g, i)?;
                let gv = self.guide_values(g);
                let item = |k: Option<usize>| {
                    k.and_then(|k| gv.step_items.get(k))
                        .cloned()
                        .unwrap_or(Value::from(()))
                };
                let own = StepPageContext {
                    next: item(Some(i + 1)),
                    prev: item(i.checked_sub(1)),
                    step: StepInfo::new(g, step, &md.headings),
                };
                let own = part(own);
                Own {
                    parts: vec![body(md), own],
                    images,
                    links,
                }
            }
            Page::Sandbox(g) => {
                let gv = self.guide_values(g);
                let sandbox_data = SandboxData {
                    as_of: self.as_of.clone(),
                    data: self.data.clone(),
                    guide: gv.guide[1].clone(),
                    network: gv.network.clone(),
                    steps: gv.steps[1].clone(),
                };
                Own {
                    parts: vec![part(SandboxPageContext { sandbox_data })],
                    ..Own::none()
                }
            }
            Page::Slides(g) => {
                let (slides, images, links) = self.slides(g)?;
                let has_figures = slides.iter().any(|s| images::page_has_figures(&s.html));
                Own {
                    parts: vec![part(SlidesPageContext {
                        has_figures,
                        slides,
                    })],
                    images,
                    links,
                }
            }
            Page::Print(g) => {
                let (intro, print_steps, images, links) = self.handout(g)?;
                let guide_online_url = (lib.config.base_url())
                    .map(|b| handout::public_url(&b, &format!("{}/", g.slug)));
                Own {
                    parts: vec![part(PrintPageContext {
                        guide_online_url,
                        intro,
                        print_steps,
                    })],
                    images,
                    links,
                }
            }
            Page::Accessibility => {
                let mut seen = HashSet::new();
                let helpdesks: Vec<HelpdeskItem> = (lib.guides.iter())
                    .map(|g| lib.network_of(g))
                    .filter(|n| seen.insert(n.id.clone()))
                    .filter_map(|n| {
                        n.helpdesk.as_ref().map(|h| HelpdeskItem {
                            email: &h.email,
                            name: &h.name,
                            network: &n.name,
                        })
                    })
                    .collect();
                let statement = StatementView::new(&lib.accessibility);
                Own {
                    parts: vec![part(AccessibilityPageContext {
                        helpdesks,
                        statement,
                    })],
                    ..Own::none()
                }
            }
        })
    }
}

/// A typed part of a page's context as a template value.
fn part(v: impl serde::Serialize) -> Value {
    Value::from(Serde(v))
}

/// How many folders below the root a page is.
fn depth(page: &Page) -> usize {
    page.rel().matches('/').count()
}

/// `step_urls`: each step's page by slug, relative to a page `depth` folders inside the guide.
pub(super) fn step_urls(g: &Guide, depth: usize) -> Value {
    let urls: BTreeMap<&str, String> = (g.steps.iter())
        .map(|s| (s.slug.as_str(), step_url(s, depth)))
        .collect();
    Value::from(Serde(urls))
}

/// One rendered page.
pub(crate) struct RenderedPage {
    pub rel: String,
    pub html: String,
    /// The file the page comes from (for messages).
    pub source: PathBuf,
    /// The image files its figures show.
    pub images: Vec<String>,
    /// The fragments of `content/shared/` its Markdown includes (at any depth).
    pub includes: BTreeSet<String>,
    /// The links written in its Markdown, with the source line of each.
    pub links: Vec<PageLink>,
}
