//! A page's Markdown source through Jinja and Markdown: expanded (each step once per language,
//! shared), rendered with its figures and without speaker notes, and its links and figures
//! traced back to the source lines that wrote them (`origin.rs`).

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use minijinja::value::{Serde, Value};

use super::context::{step_urls, Renderer};
use super::origin::{writers, LineOrigins, PageLink, StepText};
use super::page::root_prefix;
use super::shared_work::Expanded;
use super::values::ContentContext;
use super::RenderErrors;
use crate::content::{Guide, Network, Step};
use crate::error::{Context, Result};
use crate::images;
use crate::markdown::{self, RenderOptions};
use crate::slides;
use crate::templates;

/// Rendered Markdown, the image files its figures show and its links with their source lines.
pub(super) struct Body {
    pub md: markdown::Rendered,
    pub images: Vec<String>,
    pub links: Vec<PageLink>,
}

/// How [`Renderer::markdown_figures`] renders a text: the level its shallowest heading
/// becomes, and what cuts it into slides on the way (a step page's text: its slides then need
/// no parse of their own, see [`Expanded::keep_slides`]).
pub(super) struct Shape<'c> {
    pub min_heading_level: u8,
    pub slides: Option<&'c RefCell<slides::Cutter>>,
}

impl Shape<'_> {
    /// Headings from `min_heading_level` on, no slides.
    pub fn level(min_heading_level: u8) -> Self {
        Shape {
            min_heading_level,
            slides: None,
        }
    }
}

impl<'a> Renderer<'a> {
    /// Runs a Markdown source through Jinja and Markdown (speaker notes left out).
    pub(super) fn markdown(
        &self,
        g: &Guide,
        step: Option<&Step>,
        depth_in_guide: usize,
    ) -> Result<Body> {
        let net = self.lib.network_of(g);
        let expanded = self.expand(g, net, step, depth_in_guide, None)?;
        self.markdown_text(g, step, &expanded.text, &expanded, depth_in_guide, 2)
    }

    /// Runs a Markdown source through Jinja only. `step_urls` replaces the addresses
    /// `step_url()` gives (the handout points at its own sections).
    pub(super) fn expand(
        &self,
        g: &Guide,
        net: &Network,
        step: Option<&Step>,
        depth_in_guide: usize,
        step_urls_override: Option<Value>,
    ) -> Result<Expanded> {
        let source = step.map(|s| &s.source).unwrap_or(&g.source);
        let ctx = self.content_ctx(g, net, step, depth_in_guide, step_urls_override);
        let (text, includes) = templates::recording_includes(|| {
            self.content
                .render(&source.file, source.body_line, &source.body, &ctx)
        });
        let (text, included) = text?;
        Ok(Expanded::new(text, included, includes))
    }

    /// What the content templates of a Markdown source see (see [`Renderer::expand`]).
    pub(super) fn content_ctx(
        &self,
        g: &Guide,
        net: &Network,
        step: Option<&Step>,
        depth_in_guide: usize,
        step_urls_override: Option<Value>,
    ) -> Value {
        let (network, guide, urls) = if depth_in_guide < 2 {
            let gv = self.guide_values(g);
            (
                gv.network.clone(),
                gv.guide[depth_in_guide].clone(),
                gv.step_urls[depth_in_guide].clone(),
            )
        } else {
            (
                Value::from(Serde(net)),
                self.guide_info(g, depth_in_guide),
                step_urls(g, depth_in_guide),
            )
        };
        let ctx = ContentContext {
            as_of: self.as_of.clone(),
            data: self.data.clone(),
            guide,
            network,
            root: root_prefix(depth_in_guide + 1),
            site: self.site_value.clone(),
            step: step.map_or(Value::from(()), |s| Value::from(Serde(&s.meta))),
            step_urls: step_urls_override.unwrap_or(urls),
        };
        Value::from(Serde(ctx))
    }

    /// Step `i` of `g` through Jinja as its page sees it (also the slides' text): expanded
    /// once per language and shared.
    pub(super) fn step_expanded(&self, g: &Guide, i: usize) -> Result<Arc<Expanded>> {
        self.step_expansions.get(g, i, || {
            self.expand(g, self.lib.network_of(g), g.steps.get(i), 1, None)
        })
    }

    /// Renders `text`, Markdown that came from `step` (or the guide's overview) through Jinja
    /// as `from` (`text` is `from.text` or a part of it at the same lines), with its figures
    /// and without speaker notes; the shallowest heading becomes `h{min_heading_level}`.
    pub(super) fn markdown_text(
        &self,
        g: &Guide,
        step: Option<&Step>,
        text: &str,
        from: &Expanded,
        depth_in_guide: usize,
        min_heading_level: u8,
    ) -> Result<Body> {
        let (md, images) = self.markdown_figures(
            g,
            step,
            text,
            from,
            depth_in_guide,
            Shape::level(min_heading_level),
        )?;
        let links = self.link_origins(g, step, from, &md.links, &|url| url.to_string());
        Ok(Body { md, images, links })
    }

    /// [`Renderer::markdown_text`] without the links' origins: the Markdown rendered and the
    /// image files its figures show.
    pub(super) fn markdown_figures(
        &self,
        g: &Guide,
        step: Option<&Step>,
        text: &str,
        from: &Expanded,
        depth_in_guide: usize,
        shape: Shape,
    ) -> Result<(markdown::Rendered, Vec<String>)> {
        let source = step.map(|s| &s.source).unwrap_or(&g.source);
        let root = root_prefix(depth_in_guide + 1);
        let writers = writers(source, &self.lib.shared, from);
        let origins = OnceLock::new();
        let origins = || origins.get_or_init(|| LineOrigins::of(&writers, from));
        let locate = |line: usize| {
            let at = origins().locate(line, "");
            (at.file, at.line)
        };
        let figures = images::FigureHook::new(&self.figures, &locate, root);
        let hook = slides::WithoutNotes(Some(&figures));
        let opts = RenderOptions {
            hook: Some(&hook),
            min_heading_level: shape.min_heading_level,
            slides: shape.slides,
        };
        let md = markdown::render(text, &opts)
            .with_context(|| format!("rendering {}", source.file.display()))?;
        let (mut errors, images) = figures.finish();
        match errors.len() {
            0 => {}
            1 => {
                return Err(anyhow::Error::from(errors.remove(0)))
                    .with_context(|| format!("rendering {}", source.file.display()))
            }
            n => {
                return Err(anyhow::Error::from(RenderErrors::new(
                    errors.into_iter().map(anyhow::Error::from).collect(),
                    format!(
                        "checking {n} figures with problems (`ernguide check` lists every one)"
                    ),
                )))
                .with_context(|| format!("rendering {}", source.file.display()))
            }
        }
        Ok((md, images))
    }

    /// The links of Markdown from `step` expanded as `from`, each address as `url` gives it,
    /// with the source line that wrote it.
    pub(super) fn link_origins(
        &self,
        g: &Guide,
        step: Option<&Step>,
        from: &Expanded,
        links: &[markdown::Link],
        url: &dyn Fn(&str) -> String,
    ) -> Vec<PageLink> {
        if links.is_empty() {
            return Vec::new();
        }
        let source = step.map(|s| &s.source).unwrap_or(&g.source);
        let writers = writers(source, &self.lib.shared, from);
        let origins = LineOrigins::of(&writers, from);
        (links.iter())
            .map(|l| {
                let url = url(&l.url);
                let origin = origins.locate(l.line, &url);
                PageLink::known(url, origin)
            })
            .collect()
    }

    /// [`Renderer::link_origins`] of step `i` of `g`, whose expansion is `from`, each traced
    /// only when its origin is asked for (a broken link's report).
    pub(super) fn step_links(
        &self,
        g: &Guide,
        i: usize,
        from: &Arc<Expanded>,
        links: &[markdown::Link],
        url: &dyn Fn(&str) -> String,
    ) -> Vec<PageLink> {
        let Some(guide) = self.guide_arc(g) else {
            return self.link_origins(g, g.steps.get(i), from, links, url);
        };
        let text = Arc::new(StepText {
            expanded: from.clone(),
            guide,
            step: i,
            shared: self.lib.shared.clone(),
        });
        (links.iter())
            .map(|l| PageLink::later(url(&l.url), l.line, text.clone()))
            .collect()
    }
}
