//! The pages made for trainers from a guide's steps: its slide deck (see [`crate::slides`]) and
//! its printable handout (see [`crate::handout`]).

use std::collections::BTreeMap;

use minijinja::value::{Serde, Value};

use super::context::{Body, Renderer};
use super::origin::PageLink;
use super::page::sandbox_route;
use super::values::{HandoutStep, Slide};
use crate::content::Guide;
use crate::error::{Context, Result};
use crate::handout;
use crate::html::{one_folder_down, prefix_ids};
use crate::markdown::{self, RenderOptions};
use crate::slides;

/// A deck's slides, the image files they show and their links.
type Slides<'g> = (Vec<Slide<'g>>, Vec<String>, Vec<PageLink>);
/// A handout's overview HTML, its steps, the image files they show and their links.
type Handout<'g> = (String, Vec<HandoutStep<'g>>, Vec<String>, Vec<PageLink>);

impl Renderer<'_> {
    /// The slides of a guide's deck, the image files they show and their links.
    pub(super) fn slides<'g>(&self, g: &'g Guide) -> Result<Slides<'g>> {
        let mut out = Vec::new();
        let mut images = Vec::new();
        let mut links = Vec::new();
        for (i, step) in g.steps.iter().enumerate() {
            let expanded = self.step_expanded(g, i)?;
            for slide in slides::split(&expanded.text) {
                let Body {
                    md: body,
                    images: shown,
                    links: found,
                } = self.markdown_text(g, Some(step), &slide.body, &expanded, 1, 3)?;
                images.extend(shown);
                links.extend(found);
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
                out.push(Slide {
                    heading: slide.heading,
                    html: body.html,
                    notes: notes.html,
                    sandbox_url: sandbox_route(step).map(|r| format!("../sandbox/index.html{r}")),
                    step_number: step.number,
                    step_title: &step.meta.title,
                    step_url: format!("../{}/index.html", step.slug),
                    summary: &step.meta.summary,
                });
            }
        }
        Ok((out, images, links))
    }

    /// The overview's HTML and the steps of a guide's handout, the image files they show and
    /// their links.
    pub(super) fn handout<'g>(&self, g: &'g Guide) -> Result<Handout<'g>> {
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
        let expanded = self.expand(g, net, None, 0, Some(anchors.clone()))?;
        let intro = self.markdown_text(g, None, &expanded.text, &expanded, 0, 3)?;
        let (mut images, mut links) = (intro.images, intro.links);
        let intro = one_folder_down(&intro.md.html);
        let mut steps = Vec::new();
        for step in &g.steps {
            let expanded = self.expand(g, net, Some(step), 1, Some(anchors.clone()))?;
            let Body {
                md: body,
                images: shown,
                links: found,
            } = self.markdown_text(g, Some(step), &expanded.text, &expanded, 1, 3)?;
            images.extend(shown);
            links.extend(found);
            let online = handout::step_url(base.as_deref(), &g.slug, &step.slug);
            let qr = online.as_deref().and_then(|u| {
                handout::qr_svg(u, &format!("QR code for step {} online: {u}", step.number))
            });
            steps.push(HandoutStep {
                html: prefix_ids(&body.html, &format!("s{}-", step.number)),
                number: step.number,
                online_url: online,
                qr,
                slug: &step.slug,
                summary: &step.meta.summary,
                title: &step.meta.title,
            });
        }
        Ok((prefix_ids(&intro, "intro-"), steps, images, links))
    }
}
