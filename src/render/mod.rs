//! Rendering: the library in, the pages out, in memory and without side effects.
//! [`render`] is the single entry point; the figures' image work comes back as jobs for the
//! pipeline's image step.

mod context;
mod markdown_body;
mod origin;
pub(crate) mod page;
mod shared_work;
mod step_body;
mod trainer;
mod values;

use std::borrow::Cow;

use rayon::prelude::*;

use crate::content::Library;
use crate::error::{anyhow, Result};
use crate::i18n::{self, site::LanguageSet};
use crate::images::ImageJob;
use crate::output::Output;
pub(crate) use page::{PageInfo, Selection};
pub(crate) use trainer::TrainerCache;

/// Several pages failed to render. Reads as the first failure (its source chain leads to that
/// failure's [`crate::error::SourceError`], so `file:line` reports work); `check` lists them all.
#[derive(Debug)]
pub(crate) struct RenderErrors(pub Vec<anyhow::Error>, String);

impl RenderErrors {
    /// The errors, and what failed (`rendering 3 failing pages (...)`), to say after `while`.
    pub fn new(errors: Vec<anyhow::Error>, what: String) -> RenderErrors {
        RenderErrors(errors, what)
    }
}

impl std::fmt::Display for RenderErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

impl std::error::Error for RenderErrors {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .first()
            .map(|e| e.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// What rendering produced: the selected pages' HTML, where each came from, and the image
/// work their figures need.
pub(crate) struct Rendered {
    /// The pages' HTML by output path.
    pub output: Output,
    pub pages: Vec<PageInfo>,
    /// The figures' images to encode (deduplicated, in order of first use).
    pub image_jobs: Vec<ImageJob>,
    /// True when a page has a highlighted code block (the site needs the highlight CSS).
    pub has_code: bool,
}

/// Renders the selected pages of `lib` (in parallel), in every language of the site: the
/// default language at the root, the others from their translated library into `<lang>/`.
/// When pages fail, the error is the first failure, or [`RenderErrors`] holding all of them.
pub(crate) fn render(lib: &Library, selection: &Selection) -> Result<Rendered> {
    render_in(lib, &LanguageSet::load(lib)?, selection, None)
}

/// [`render`] with the site's languages loaded already (`serve` keeps them between
/// rebuilds), taking each step's part of the slides and handouts from `trainer` when it is
/// there and made from the same sources (and keeping the parts it renders there).
pub(crate) fn render_in(
    lib: &Library,
    langs: &LanguageSet,
    selection: &Selection,
    trainer: Option<&TrainerCache>,
) -> Result<Rendered> {
    let each = render_each(lib, langs, selection, trainer, |_, html, _| html)?;
    let mut output = Output::new();
    let mut pages = Vec::with_capacity(each.pages.len());
    for (info, html) in each.pages {
        output.add(info.rel.clone(), html);
        pages.push(info);
    }
    Ok(Rendered {
        output,
        pages,
        image_jobs: each.image_jobs,
        has_code: each.has_code,
    })
}

/// What [`render_each`] produced: each page with what `finish` made of its HTML.
pub(crate) struct RenderedEach<T> {
    pub pages: Vec<(PageInfo, T)>,
    /// The figures' images to encode (deduplicated, in order of first use).
    pub image_jobs: Vec<ImageJob>,
    /// True when a page has a highlighted code block (the site needs the highlight CSS).
    pub has_code: bool,
}

/// Renders the selected pages as [`render_in`] does, handing each finished page to `finish`
/// (its output path, its HTML, and whether it is searchable) on the thread that rendered it,
/// as soon as it is done: a build writes each page then and keeps only what it needs of it,
/// not the site's HTML. The pages come back in [`render_in`]'s order.
pub(crate) fn render_each<T: Send>(
    lib: &Library,
    langs: &LanguageSet,
    selection: &Selection,
    trainer: Option<&TrainerCache>,
    finish: impl Fn(&str, String, bool) -> T + Sync,
) -> Result<RenderedEach<T>> {
    // Every page of every language in one parallel pass (language after language, each
    // language's last pages left a core idle), from one renderer per language.
    let renderers: Vec<context::Renderer> = (langs.languages.par_iter())
        .map(|lang| {
            let lib = lang.translated.as_ref().map_or(lib, |t| &t.lib);
            let mut renderer = context::Renderer::new(lib, langs, &lang.code);
            renderer.trainer_cache = trainer;
            renderer
        })
        .collect();
    let marks: Vec<String> = (langs.languages.iter())
        .map(|l| langs.mark(&l.code))
        .collect();
    let mut jobs: Vec<(usize, page::Page)> = Vec::new();
    for (i, renderer) in renderers.iter().enumerate() {
        let pages = page::all_pages(renderer.lib).into_iter();
        jobs.extend(pages.filter(|p| selection.wants(&p.rel())).map(|p| (i, p)));
    }
    // Each page is finished (markers, labels, asset addresses) on the thread that rendered
    // it: done after rendering one after the other, this was a large serial part of a build
    // in several languages.
    let results: Vec<Result<((PageInfo, T), bool)>> = jobs
        .par_iter()
        .map(|&(i, ref p)| {
            let (lang, renderer) = (&langs.languages[i], &renderers[i]);
            let mut page = renderer.render_page(p)?;
            let has_code = crate::html::contains(&page.html, "class=\"hl-");
            // (an English page has no markers and is not copied)
            if let Cow::Owned(marked) = i18n::mark_untranslated(&page.html, &marks[i]) {
                page.html = marked;
            }
            if lang.code != "en" {
                if let Cow::Owned(marked) = langs.screen_text.mark(&page.html) {
                    page.html = marked;
                }
            }
            if lang.code != langs.default {
                // (the labels and addresses changed in one copy of the page, if any)
                let mut edits = crate::html::Edits::default();
                i18n::markdown_label_edits(&page.html, &lang.catalog, &mut edits);
                let root = page::root_prefix(page.rel.matches('/').count());
                i18n::pages::relocations(&page.html, &root, &mut edits);
                if let Cow::Owned(html) = edits.apply(&page.html) {
                    page.html = html;
                }
            }
            let rel = i18n::pages::lang_rel(&lang.code, &langs.default, &page.rel);
            let searchable = p.searchable();
            let finished = finish(&rel, page.html, searchable);
            let info = PageInfo {
                rel,
                source: page.source,
                images: page.images,
                includes: page.includes,
                links: page.links,
                searchable,
            };
            Ok(((info, finished), has_code))
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut has_code = false;
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((page, code)) => {
                has_code |= code;
                pages.push(page);
            }
            Err(e) => errors.push(e),
        }
    }
    // The figures are the same in every language: the default language's jobs cover them.
    let mut image_jobs = Vec::new();
    for (lang, renderer) in langs.languages.iter().zip(&renderers) {
        let jobs = renderer.figures.take_jobs();
        if lang.code == langs.default {
            image_jobs = jobs;
        }
    }
    // The renderers' caches (every step's expansions and parts, per language) are freed on
    // every core: one after the other, they were a serial tail of the step.
    renderers.into_par_iter().for_each(drop);
    if errors.len() == 1 {
        return Err(errors.remove(0));
    } else if !errors.is_empty() {
        let what = format!(
            "rendering {} failing pages (`ernguide check` lists every one)",
            errors.len()
        );
        return Err(RenderErrors::new(errors, what).into());
    }
    Ok(RenderedEach {
        pages,
        image_jobs,
        has_code,
    })
}

/// The JSON that the sandbox page of guide `slug` gives its script (`<script id="sbx-data">`),
/// exactly as the page has it: the JS tests read this (`ernguide dump-sandbox`).
pub(crate) fn sandbox_config(lib: &Library, slug: &str) -> Result<String> {
    let guide = lib.guide(slug).ok_or_else(|| {
        let known: Vec<&str> = lib.guides.iter().map(|g| g.slug.as_str()).collect();
        anyhow!("no guide `{slug}` (the guides are: {})", known.join(", "))
    })?;
    let rel = page::Page::Sandbox(guide).rel();
    let selection = Selection::Some {
        guides: Default::default(),
        pages: [rel.clone()].into_iter().collect(),
    };
    let rendered = render(lib, &selection)?;
    let html = rendered
        .output
        .get(&rel)
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    const START: &str = "id=\"sbx-data\">";
    let json = html
        .find(START)
        .map(|i| &html[i + START.len()..])
        .and_then(|rest| rest.find("</script>").map(|end| &rest[..end]))
        .ok_or_else(|| anyhow!("the sandbox page of guide `{slug}` has no `sbx-data` script"))?;
    Ok(json.to_string())
}
