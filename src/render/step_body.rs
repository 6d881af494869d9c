//! A step's Markdown rendered once for two pages: the step's own page and its section of the
//! guide's handout. Their texts after Jinja differ only in the addresses `step_url()` gives
//! (the step pages, `../<slug>/index.html`; the handout's own sections, `#step-<slug>`); the
//! handout's headings are one level deeper and its ids prefixed.
//!
//! When the two texts are one text with those addresses in different places (nothing else
//! differs, and neither address is written in the sources themselves), that text is rendered
//! once with a token in each place ([`TOKEN`]: letters and digits, which Markdown and HTML
//! leave as they are), and each page gets its addresses put into the rendered HTML, where the
//! tokens must all be link addresses (`href="<token>`). Otherwise (an address shown as text,
//! in a heading, in code, changed by a filter) each page renders its own text, as before.
//!
//! That one rendering also cuts the text into the guide's slides on the way
//! ([`crate::slides::Cutter`]): the slides' Markdown gets the page's addresses back in place of
//! the tokens and waits in the step's expansion ([`Expanded::keep_slides`]) for the slides.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use minijinja::value::{Serde, Value};

use super::context::Renderer;
use super::markdown_body::{Body, Shape};
use super::origin::writers;
use super::page::step_url;
use super::shared_work::Expanded;
use crate::content::{Guide, Library};
use crate::error::Result;
use crate::html::prefix_ids;
use crate::markdown;
use crate::markdown_value::write_escaped;
use crate::slides::{self, SlideSource};
use crate::templates;

/// What stands for step `k`'s address in the text rendered once: `ernguideSTEPURL<k>E`.
const TOKEN: &str = "ernguideSTEPURL";

/// A step's section of the handout: its HTML (ids prefixed), the image files it shows, its
/// links and the fragments its Markdown included.
pub(super) struct HandoutBody {
    pub html: String,
    pub images: Vec<String>,
    pub links: Vec<super::origin::PageLink>,
    pub includes: BTreeSet<String>,
}

/// A step page's body and the fragments its Markdown included.
type PageBody = (Body, BTreeSet<String>);

/// One half of a step's two renderings, kept until the other page takes it.
type Slot<T> = Mutex<Option<T>>;

fn lock<T>(slot: &Slot<T>) -> MutexGuard<'_, Option<T>> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

/// Each step's page body or handout section, made while rendering the other one and kept until
/// its page takes it, by guide slug and step index; and each guide's step addresses, made once
/// for all its steps.
pub(super) struct StepBodies<'a> {
    cells: HashMap<&'a str, GuideCells>,
}

/// One guide's step addresses and its steps' halves.
struct GuideCells {
    addresses: OnceLock<StepAddresses>,
    /// `step_url()`'s addresses on the handout ([`handout_anchors`]), converted once for all
    /// its steps.
    anchors: OnceLock<Value>,
    steps: Vec<(Slot<PageBody>, Slot<HandoutBody>)>,
}

impl<'a> StepBodies<'a> {
    pub fn new(lib: &'a Library) -> StepBodies<'a> {
        let cells = (lib.guides.iter())
            .map(|g| {
                let steps = (g.steps.iter())
                    .map(|_| (Mutex::new(None), Mutex::new(None)))
                    .collect();
                let cells = GuideCells {
                    addresses: OnceLock::new(),
                    anchors: OnceLock::new(),
                    steps,
                };
                (g.slug.as_str(), cells)
            })
            .collect();
        StepBodies { cells }
    }

    fn cell(&self, g: &Guide, i: usize) -> Option<&(Slot<PageBody>, Slot<HandoutBody>)> {
        self.cells.get(g.slug.as_str()).and_then(|c| c.steps.get(i))
    }

    /// The step addresses of `g` (made on first use), a guide of this renderer's library.
    fn addresses(&self, g: &Guide) -> Option<&StepAddresses> {
        (self.cells.get(g.slug.as_str())).map(|c| c.addresses.get_or_init(|| StepAddresses::new(g)))
    }

    /// [`handout_anchors`] of `g` (made on first use, then a cheap clone).
    pub(super) fn anchors(&self, g: &Guide) -> Value {
        match self.cells.get(g.slug.as_str()) {
            Some(c) => c.anchors.get_or_init(|| handout_anchors(g)).clone(),
            None => handout_anchors(g),
        }
    }
}

/// The addresses `step_url()` gives a guide's step pages and its handout's sections, as the
/// content templates print them into Markdown.
struct StepAddresses {
    /// Per step: its page's address from a step page, and its handout section's anchor.
    real: Vec<String>,
    anchors: Vec<String>,
    escaped_real: Vec<String>,
    escaped_anchors: Vec<String>,
}

/// What every escaped step address from a step page starts with (`../`).
const ESCAPED_UP: &str = "&#46;&#46;&#47;";
/// What every escaped handout anchor starts with (`#step`).
const ESCAPED_ANCHOR: &str = "&#35;step";

/// Which of the two pages' addresses go in.
#[derive(Clone, Copy)]
enum For {
    Page,
    Handout,
}

impl StepAddresses {
    fn new(g: &Guide) -> StepAddresses {
        let escaped = |s: &str| {
            let mut out = String::new();
            // Writing to a String cannot fail.
            let _ = write_escaped(&mut out, s);
            out
        };
        let real: Vec<String> = g.steps.iter().map(|s| step_url(s, 1)).collect();
        let anchors: Vec<String> = g.steps.iter().map(|s| anchor(&s.slug)).collect();
        StepAddresses {
            escaped_real: real.iter().map(|u| escaped(u)).collect(),
            escaped_anchors: anchors.iter().map(|u| escaped(u)).collect(),
            real,
            anchors,
        }
    }

    /// The step page's text with a token in place of each step address, if the handout's text
    /// is the same text with the anchors there.
    fn tokenized(&self, page: &str, handout: &str) -> Option<String> {
        if page.contains(TOKEN) {
            return None;
        }
        let mut text = String::with_capacity(page.len());
        let mut rest = page;
        while let Some(at) = rest.find(ESCAPED_UP) {
            text.push_str(&rest[..at]);
            rest = &rest[at..];
            match (self.escaped_real.iter()).position(|u| rest.starts_with(u.as_str())) {
                Some(k) => {
                    text.push_str(&token(k));
                    rest = &rest[self.escaped_real[k].len()..];
                }
                None => {
                    text.push_str(ESCAPED_UP);
                    rest = &rest[ESCAPED_UP.len()..];
                }
            }
        }
        text.push_str(rest);
        let anchored = replace_tokens(&text, false, |k| self.escaped_anchors.get(k))?;
        (anchored == handout).then_some(text)
    }

    /// Slides cut from the text with tokens ([`StepAddresses::tokenized`]) as cut from the
    /// step page's text: each token in their Markdown the address it stands for, as the page's
    /// text has it. `None` when a heading has a token (a heading's text has its entities
    /// decoded: the page's text would not give the escaped address there).
    fn untokenized(&self, slides: Vec<SlideSource>) -> Option<Vec<SlideSource>> {
        let back = |s: &str| replace_tokens(s, false, |k| self.escaped_real.get(k));
        (slides.into_iter())
            .map(|s| {
                if s.heading.as_deref().is_some_and(|h| h.contains(TOKEN)) {
                    return None;
                }
                Some(SlideSource {
                    body: back(&s.body)?,
                    notes: back(&s.notes)?,
                    heading: s.heading,
                })
            })
            .collect()
    }

    fn address(&self, k: usize, which: For) -> Option<&String> {
        match which {
            For::Page => self.real.get(k),
            For::Handout => self.anchors.get(k),
        }
    }
}

/// Step `k`'s token.
fn token(k: usize) -> String {
    format!("{TOKEN}{k}E")
}

/// A step's section anchor on the handout.
fn anchor(slug: &str) -> String {
    format!("#step-{slug}")
}

/// `step_url()`'s addresses on the handout: each step's section on the page.
fn handout_anchors(g: &Guide) -> Value {
    let anchors: BTreeMap<&str, String> = (g.steps.iter())
        .map(|s| (s.slug.as_str(), anchor(&s.slug)))
        .collect();
    Value::from(Serde(anchors))
}

/// `text` with each token replaced by `by(k)`; `None` if a token names no step or (with
/// `in_links`) is anywhere but at the start of a link address (`href="`).
fn replace_tokens<'s>(
    text: &str,
    in_links: bool,
    by: impl Fn(usize) -> Option<&'s String>,
) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(at) = rest.find(TOKEN) {
        if in_links && !rest[..at].ends_with("href=\"") {
            return None;
        }
        out.push_str(&rest[..at]);
        let after = &rest[at + TOKEN.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if after.as_bytes().get(digits) != Some(&b'E') {
            return None;
        }
        out.push_str(by(after[..digits].parse().ok()?)?);
        rest = &after[digits + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `url` (a link address of the text rendered once) with the addresses of `which` page.
fn link_address(url: &str, addresses: &StepAddresses, which: For) -> String {
    replace_tokens(url, false, |k| addresses.address(k, which)).unwrap_or_else(|| url.to_string())
}

impl Renderer<'_> {
    /// Step `i` of `g`'s body on its own page.
    pub(super) fn step_page_body(&self, g: &Guide, i: usize) -> Result<Body> {
        let cell = self.step_bodies.cell(g, i);
        if let Some((body, includes)) = cell.and_then(|c| lock(&c.0).take()) {
            templates::record_includes(&includes);
            return Ok(body);
        }
        if let Some(((body, _), handout)) = self.both_at_once(g, i)? {
            if let Some(c) = cell {
                *lock(&c.1) = Some(handout);
            }
            return Ok(body);
        }
        let expanded = self.step_expanded(g, i)?;
        self.markdown_text(g, g.steps.get(i), &expanded.text, &expanded, 1, 2)
    }

    /// Step `i` of `g`'s section of the handout.
    pub(super) fn step_handout_body(&self, g: &Guide, i: usize) -> Result<HandoutBody> {
        let cell = self.step_bodies.cell(g, i);
        if let Some(handout) = cell.and_then(|c| lock(&c.1).take()) {
            templates::record_includes(&handout.includes);
            return Ok(handout);
        }
        if let Some((page, handout)) = self.both_at_once(g, i)? {
            if let Some(c) = cell {
                *lock(&c.0) = Some(page);
            }
            return Ok(handout);
        }
        let step = &g.steps[i];
        let expanded = self.handout_expanded(g, i)?;
        let body = self.markdown_text(g, Some(step), &expanded.text, &expanded, 1, 3)?;
        Ok(HandoutBody {
            html: prefix_ids(&body.md.html, &format!("s{}-", step.number)),
            images: body.images,
            links: body.links,
            includes: expanded.includes,
        })
    }

    /// Step `i` of `g` through Jinja as the handout sees it.
    fn handout_expanded(&self, g: &Guide, i: usize) -> Result<Expanded> {
        let net = self.lib.network_of(g);
        self.expand(g, net, g.steps.get(i), 1, Some(self.step_bodies.anchors(g)))
    }

    /// Step `i` of `g` through Jinja as its page and as the handout see it, its source
    /// compiled once.
    fn expand_both(&self, g: &Guide, i: usize) -> (Result<Expanded>, Result<Expanded>) {
        let net = self.lib.network_of(g);
        let step = g.steps.get(i);
        let source = step.map(|s| &s.source).unwrap_or(&g.source);
        let page = self.content_ctx(g, net, step, 1, None);
        let handout = self.content_ctx(g, net, step, 1, Some(self.step_bodies.anchors(g)));
        let each = (self.content).render_each(
            &source.file,
            source.body_line,
            &source.body,
            [&page, &handout],
        );
        // (a body that does not compile: the same error for both)
        let [page, handout] = match each {
            Ok(each) => each,
            Err(e) => return (Err(e.clone().into()), Err(e.into())),
        };
        let expanded = |(text, includes): templates::Rendering| -> Result<Expanded> {
            let (text, included) = text?;
            Ok(Expanded::new(text, included, includes))
        };
        (expanded(page), expanded(handout))
    }

    /// Step `i` of `g` through Jinja as its page sees it (shared, see
    /// [`Renderer::step_expanded`]) and as the handout does: when the page's is not made yet,
    /// both from one compile of the source ([`Renderer::expand_both`]; the page's then kept),
    /// else the handout's on its own.
    fn page_and_handout_expanded(
        &self,
        g: &Guide,
        i: usize,
    ) -> (Result<Arc<Expanded>>, Result<Expanded>) {
        if let Some(page) = self.step_expansions.made(g, i) {
            return (Ok(page), self.handout_expanded(g, i));
        }
        let (page, handout) = self.expand_both(g, i);
        (self.step_expansions.get(g, i, || page), handout)
    }

    /// Both of step `i`'s bodies from one rendering of its Markdown, if its two texts allow it
    /// (see the module doc); `None` when they do not or a text fails to expand (each page then
    /// renders its own and reports its own error).
    fn both_at_once(&self, g: &Guide, i: usize) -> Result<Option<(PageBody, HandoutBody)>> {
        let Some(step) = g.steps.get(i) else {
            return Ok(None);
        };
        let (Ok(page), Ok(handout)) = self.page_and_handout_expanded(g, i) else {
            return Ok(None);
        };
        let Some(addresses) = self.step_bodies.addresses(g) else {
            return Ok(None);
        };
        let Some(text) = addresses.tokenized(&page.text, &handout.text) else {
            return Ok(None);
        };
        // The lines of both texts are traced to their sources by comparing them: the same
        // trace for both only if no source writes an address itself.
        let writes_address = (writers(&step.source, &self.lib.shared, &page)
            .iter()
            .flatten())
        .any(|w| w.text.contains(ESCAPED_UP) || w.text.contains(ESCAPED_ANCHOR));
        if writes_address {
            return Ok(None);
        }
        // (the page's text is cut into the slides on the way: one parse for both)
        let cutter = RefCell::new(slides::Cutter::default());
        let shape = Shape {
            min_heading_level: 2,
            slides: Some(&cutter),
        };
        let (md, images) = self.markdown_figures(g, Some(step), &text, &page, 1, shape)?;
        let put =
            |html: &str, which: For| replace_tokens(html, true, |k| addresses.address(k, which));
        let deeper = md.html_one_level_down();
        let (Some(page_html), Some(handout_html)) = (
            put(&md.html, For::Page),
            deeper.and_then(|d| put(&d, For::Handout)),
        ) else {
            return Ok(None);
        };
        // (every token is a link's address: the slides' texts, tokens put back, are what the
        // page's text cuts into; a token in a heading's text would be its address decoded)
        if let Some(cut) = addresses.untokenized(cutter.into_inner().finish(&text)) {
            page.keep_slides(cut);
        }
        let links = |which| {
            let url = |u: &str| link_address(u, addresses, which);
            self.step_links(g, i, &page, &md.links, &url)
        };
        let handout_body = HandoutBody {
            html: prefix_ids(&handout_html, &format!("s{}-", step.number)),
            images: images.clone(),
            links: links(For::Handout),
            includes: handout.includes.clone(),
        };
        let page_links = links(For::Page);
        let md = markdown::Rendered {
            html: page_html,
            links: (md.links.iter())
                .map(|l| markdown::Link {
                    url: link_address(&l.url, addresses, For::Page),
                    line: l.line,
                })
                .collect(),
            // the levels' places moved with the addresses
            level_digits: Vec::new(),
            ..md
        };
        let body = Body {
            md,
            images,
            links: page_links,
        };
        Ok(Some(((body, page.includes.clone()), handout_body)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_replaced_only_in_link_addresses() {
        let urls = [
            String::from("../a/index.html"),
            String::from("../b/index.html"),
        ];
        let by = |k: usize| urls.get(k);
        let html = format!(
            "<a href=\"{}\">x</a> <a href=\"{}#s\">y</a>",
            token(0),
            token(1)
        );
        assert_eq!(
            replace_tokens(&html, true, by).as_deref(),
            Some("<a href=\"../a/index.html\">x</a> <a href=\"../b/index.html#s\">y</a>")
        );
        let as_text = format!("<p>{}</p>", token(0));
        assert_eq!(replace_tokens(&as_text, true, by), None);
        assert_eq!(
            replace_tokens(&as_text, false, by).as_deref(),
            Some("<p>../a/index.html</p>")
        );
        let unknown = format!("<a href=\"{}\">", token(7));
        assert_eq!(replace_tokens(&unknown, true, by), None);
    }
}
