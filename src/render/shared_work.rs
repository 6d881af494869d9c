//! Work that several pages of a guide share, done once per language: a step's Markdown after
//! Jinja is the same on the step's page and on the guide's slides (each slide is a part of
//! it), and so is the alignment of its lines with the source body that traces its links.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use super::origin::Trace;
use crate::content::{Guide, Library};
use crate::error::Result;
use crate::included::Included;
use crate::slides::SlideSource;
use crate::templates;

/// A Markdown source after Jinja, with the fragments it included.
pub(super) struct Expanded {
    pub text: String,
    pub includes: BTreeSet<String>,
    /// Which inclusion of a fragment wrote each line of `text`.
    pub included: Included,
    /// Each line of `text` traced to the line of its source (see `origin.rs`), on first use.
    pub trace: OnceLock<Trace>,
    /// The slides cut from `text` while its page rendered it, until the slides take them.
    slides: Mutex<Option<Vec<SlideSource>>>,
}

impl Expanded {
    pub fn new(text: String, included: Included, includes: BTreeSet<String>) -> Expanded {
        Expanded {
            text,
            includes,
            included,
            trace: OnceLock::new(),
            slides: Mutex::new(None),
        }
    }

    /// Keeps the slides cut from `text` (`slides::split(&self.text)`) for
    /// [`Expanded::take_slides`].
    pub fn keep_slides(&self, slides: Vec<SlideSource>) {
        *self.slides.lock().unwrap_or_else(|e| e.into_inner()) = Some(slides);
    }

    /// The slides kept by [`Expanded::keep_slides`], if any (once).
    pub fn take_slides(&self) -> Option<Vec<SlideSource>> {
        self.slides.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Each step's Markdown after Jinja as its own page sees it (one folder inside the guide,
/// `step_url()` pointing at the step pages), by guide slug and step index.
pub(super) struct StepExpansions<'a> {
    cells: HashMap<&'a str, Vec<OnceLock<Arc<Expanded>>>>,
}

impl<'a> StepExpansions<'a> {
    pub fn new(lib: &'a Library) -> StepExpansions<'a> {
        let cells = (lib.guides.iter())
            .map(|g| {
                let steps = g.steps.iter().map(|_| OnceLock::new()).collect();
                (g.slug.as_str(), steps)
            })
            .collect();
        StepExpansions { cells }
    }

    /// Step `i` of `g` expanded (by `make` the first time; a failure is not kept, so each
    /// page that needs it reports it). The fragments it included are recorded for the page
    /// being rendered, as if it had been expanded for it.
    pub fn get(
        &self,
        g: &Guide,
        i: usize,
        make: impl FnOnce() -> Result<Expanded>,
    ) -> Result<Arc<Expanded>> {
        let cell = self.cells.get(g.slug.as_str()).and_then(|c| c.get(i));
        let expanded = match cell.and_then(OnceLock::get) {
            Some(e) => e.clone(),
            None => {
                let e = Arc::new(make()?);
                if let Some(cell) = cell {
                    // another thread may have made it meanwhile: the same text either way
                    let _ = cell.set(e.clone());
                }
                e
            }
        };
        templates::record_includes(&expanded.includes);
        Ok(expanded)
    }

    /// Step `i` of `g` if it is expanded already (its fragments recorded as by
    /// [`StepExpansions::get`]).
    pub fn made(&self, g: &Guide, i: usize) -> Option<Arc<Expanded>> {
        let cell = self.cells.get(g.slug.as_str()).and_then(|c| c.get(i));
        let expanded = cell.and_then(OnceLock::get)?.clone();
        templates::record_includes(&expanded.includes);
        Some(expanded)
    }
}
