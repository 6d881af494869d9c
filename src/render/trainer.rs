//! The pages made for trainers from a guide's steps: its slide deck (see [`crate::slides`]) and
//! its printable handout (see [`crate::handout`]).
//!
//! Each step's part of both (its slides; its handout section) can be kept between `serve`'s
//! rebuilds in a [`TrainerCache`]: a step edit then renders that step's part again, not every
//! step of the guide in every language.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use super::context::Renderer;
use super::markdown_body::Shape;
use super::origin::PageLink;
use super::page::sandbox_route;
use super::values::{HandoutStep, Slide};
use crate::content::Guide;
use crate::error::{Context, Result};
use crate::handout;
use crate::html::{one_folder_down, prefix_ids};
use crate::markdown::{self, RenderOptions};
use crate::slides;
use crate::templates;

/// A deck's slides, the image files they show and their links.
type Slides<'g> = (Vec<Slide<'g>>, Vec<String>, Vec<PageLink>);
/// A handout's overview HTML, its steps, the image files they show and their links.
type Handout<'g> = (String, Vec<HandoutStep<'g>>, Vec<String>, Vec<PageLink>);

/// One step's part of a trainers' page, with what the page records of it.
struct StepPart<T> {
    own: T,
    images: Vec<String>,
    links: Vec<PageLink>,
    /// The fragments of `content/shared/` its Markdown included.
    includes: BTreeSet<String>,
}

/// A step's slides: heading, HTML and speaker notes of each.
type StepSlides = Vec<(Option<String>, String, String)>;

/// A step's section of the handout: its HTML (ids prefixed), its address online and QR code.
struct HandoutSection {
    html: String,
    online_url: Option<String>,
    qr: Option<String>,
}

/// Language, guide slug, step index.
type Place = (String, String, usize);

/// Parts by place, each with a description of everything it was made from (see
/// [`made_from`]): a part is used again only when that is unchanged.
struct Parts<T>(Mutex<HashMap<Place, (String, Arc<StepPart<T>>)>>);

impl<T> Default for Parts<T> {
    fn default() -> Self {
        Parts(Mutex::new(HashMap::new()))
    }
}

impl<T> Parts<T> {
    fn lock(&self) -> MutexGuard<'_, HashMap<Place, (String, Arc<StepPart<T>>)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Each step's part of its guide's slides and handout, per language, kept by `serve` between
/// rebuilds. A part depends on the step's source and on its guide's front matter and steps
/// (compared each time), and on the rest of the site: the caller starts a new cache when
/// anything else may have changed (shared fragments, data, theme, any guide's steps).
#[derive(Default)]
pub(crate) struct TrainerCache {
    slides: Parts<StepSlides>,
    handout: Parts<HandoutSection>,
}

/// What step `i` of `g`'s parts are made from, besides what the cache's owner watches: the
/// guide's front matter and steps and the step's source (translated, in a translated library).
/// `None` if it cannot be said (the part is then made without the cache).
fn made_from(g: &Guide, i: usize) -> Option<String> {
    let step = g.steps.get(i)?;
    let steps: Vec<_> = (g.steps.iter())
        .map(|s| (&s.slug, s.number, &s.meta, &s.source.file))
        .collect();
    let source = &step.source;
    serde_json::to_string(&(
        (&g.slug, &g.meta, &g.template, steps),
        (&source.file, source.body_line, &source.body, &source.text),
    ))
    .ok()
}

impl Renderer<'_> {
    /// Step `i` of `g`'s part from `parts` of the cache if it is there and made from the same
    /// sources (its fragments are recorded for the page as if it had been rendered), else made
    /// by `make` (and kept).
    fn step_part<T>(
        &self,
        parts: impl Fn(&TrainerCache) -> &Parts<T>,
        g: &Guide,
        i: usize,
        make: impl FnOnce() -> Result<StepPart<T>>,
    ) -> Result<Arc<StepPart<T>>> {
        // (what it was made from only when there is a cache: a build has none)
        let Some((cache, from)) = self
            .trainer_cache
            .and_then(|cache| Some((cache, made_from(g, i)?)))
        else {
            return make().map(Arc::new);
        };
        let parts = parts(cache);
        let place = (self.code.clone(), g.slug.clone(), i);
        if let Some((made, part)) = parts.lock().get(&place) {
            if *made == from {
                templates::record_includes(&part.includes);
                return Ok(part.clone());
            }
        }
        let part = Arc::new(make()?);
        parts.lock().insert(place, (from, part.clone()));
        Ok(part)
    }

    /// The slides of a guide's deck, the image files they show and their links.
    pub(super) fn slides<'g>(&self, g: &'g Guide) -> Result<Slides<'g>> {
        let mut out = Vec::new();
        let mut images = Vec::new();
        let mut links = Vec::new();
        for (i, step) in g.steps.iter().enumerate() {
            let part = self.step_part(|c| &c.slides, g, i, || self.step_slides(g, i))?;
            images.extend(part.images.iter().cloned());
            links.extend(part.links.iter().cloned());
            for (heading, html, notes) in &part.own {
                out.push(Slide {
                    heading: heading.clone(),
                    html: html.clone(),
                    notes: notes.clone(),
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

    /// Step `i` of `g` cut into slides.
    fn step_slides(&self, g: &Guide, i: usize) -> Result<StepPart<StepSlides>> {
        let step = &g.steps[i];
        let expanded = self.step_expanded(g, i)?;
        let mut part = StepPart {
            own: Vec::new(),
            images: Vec::new(),
            links: Vec::new(),
            includes: expanded.includes.clone(),
        };
        // (cut while the step's page rendered the same text, else here)
        let cut = (expanded.take_slides()).unwrap_or_else(|| slides::split(&expanded.text));
        for slide in cut {
            // (the slide's lines are the step's, at the same places: its links are traced
            // in the step's expansion, when asked for)
            let (body, shown) =
                self.markdown_figures(g, Some(step), &slide.body, &expanded, 1, Shape::level(3))?;
            let url = |u: &str| u.to_string();
            part.links
                .extend(self.step_links(g, i, &expanded, &body.links, &url));
            part.images.extend(shown);
            let notes = markdown::render(
                &slide.notes,
                &RenderOptions {
                    hook: Some(&slides::WithoutNotes(None)),
                    min_heading_level: 3,
                    slides: None,
                },
            )
            .with_context(|| format!("rendering the notes of {}", step.source.file.display()))?;
            part.own.push((slide.heading, body.html, notes.html));
        }
        Ok(part)
    }

    /// The overview's HTML and the steps of a guide's handout, the image files they show and
    /// their links.
    pub(super) fn handout<'g>(&self, g: &'g Guide) -> Result<Handout<'g>> {
        let net = self.lib.network_of(g);
        let anchors = self.step_bodies.anchors(g);
        // The overview is written for the guide's folder: render it there, then move its
        // relative addresses one folder down.
        let expanded = self.expand(g, net, None, 0, Some(anchors))?;
        let intro = self.markdown_text(g, None, &expanded.text, &expanded, 0, 3)?;
        let (mut images, mut links) = (intro.images, intro.links);
        let intro = one_folder_down(&intro.md.html);
        let mut steps = Vec::new();
        for (i, step) in g.steps.iter().enumerate() {
            let part = self.step_part(|c| &c.handout, g, i, || self.handout_section(g, i))?;
            images.extend(part.images.iter().cloned());
            links.extend(part.links.iter().cloned());
            steps.push(HandoutStep {
                html: part.own.html.clone(),
                number: step.number,
                online_url: part.own.online_url.clone(),
                qr: part.own.qr.clone(),
                slug: &step.slug,
                summary: &step.meta.summary,
                title: &step.meta.title,
            });
        }
        Ok((prefix_ids(&intro, "intro-"), steps, images, links))
    }

    /// Step `i` of `g` as a section of the handout: `step_url()` gives the sections' own
    /// addresses on the page.
    fn handout_section(&self, g: &Guide, i: usize) -> Result<StepPart<HandoutSection>> {
        let step = &g.steps[i];
        let body = self.step_handout_body(g, i)?;
        let base = self.lib.config.base_url();
        let online = handout::step_url(base.as_deref(), &g.slug, &step.slug);
        let qr = online.as_deref().and_then(|u| {
            handout::qr_svg(u, &format!("QR code for step {} online: {u}", step.number))
        });
        Ok(StepPart {
            own: HandoutSection {
                html: body.html,
                online_url: online,
                qr,
            },
            images: body.images,
            links: body.links,
            includes: body.includes,
        })
    }
}
