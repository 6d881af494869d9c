//! The `figure` blocks of one page: each is located at its source line, parsed, checked
//! against its screenshot and registered with the render's [`Figures`]; a broken one is
//! recorded, so the page fails with all of them.

use std::path::PathBuf;
use std::sync::Mutex;

use super::{html, Figures};
use crate::error::{Result, SourceError};
use crate::markdown::BlockHook;

/// Where line `line` (1-based) of the Markdown being rendered was written: file and line.
pub(crate) type Locate<'a> = &'a (dyn Fn(usize) -> (PathBuf, usize) + Sync);

/// Renders the `figure` blocks of one page.
pub struct FigureHook<'a> {
    figures: &'a Figures,
    /// Where a line of the page's Markdown (after Jinja) was written (`render/origin.rs`).
    locate: Locate<'a>,
    root: String,
    /// Every figure's problem (the page fails with all of them, not just the first).
    errors: Mutex<Vec<SourceError>>,
    /// The output paths of the image variants the page shows.
    images: Mutex<Vec<String>>,
}

impl<'a> FigureHook<'a> {
    /// `locate` traces a line of the page's Markdown to its source, `root` is the page's
    /// relative prefix to the site root.
    pub fn new(figures: &'a Figures, locate: Locate<'a>, root: String) -> Self {
        FigureHook {
            figures,
            locate,
            root,
            errors: Mutex::new(Vec::new()),
            images: Mutex::new(Vec::new()),
        }
    }

    /// The problems of the page's figures (in page order), and the image files it shows.
    pub fn finish(self) -> (Vec<SourceError>, Vec<String>) {
        (
            self.errors.into_inner().unwrap_or_default(),
            self.images.into_inner().unwrap_or_default(),
        )
    }

    fn render(&self, body: &str, line: usize) -> Result<String, SourceError> {
        let (file, fence_line) = (self.locate)(line);
        let mut spec = self.figures.parse(body, &file, fence_line)?;
        let checked = self.figures.source(&spec).and_then(|source| {
            self.figures.resolve_regions(&mut spec, &source)?;
            spec.check_bounds(source.width, source.height)?;
            Ok(source)
        });
        let source = match checked {
            Ok(source) => source,
            // a screenshot not captured yet, or one that does not fit this guide's figure
            // (the shared capture of another network): the capture run does not need it
            Err(_) if self.figures.allow_missing => return Ok(html::missing_figure(&spec)),
            Err(e) => return Err(e),
        };
        let variants = self.figures.add_job(&spec, source.clone());
        if let Ok(mut images) = self.images.lock() {
            images.extend(variants.iter().map(|v| v.rel.clone()));
        }
        Ok(html::figure(
            &spec,
            &variants,
            source.width,
            source.height,
            &self.root,
        ))
    }
}

impl BlockHook for FigureHook<'_> {
    fn render_block(&self, lang: &str, body: &str, line: usize) -> Option<Result<String>> {
        // A broken figure is recorded and rendered as nothing, so that every figure of the page
        // is checked; the page then fails with all of them (see `finish`).
        (lang == "figure").then(|| match self.render(body, line) {
            Ok(html) => Ok(html),
            Err(e) => {
                if let Ok(mut errors) = self.errors.lock() {
                    errors.push(e);
                }
                Ok(String::new())
            }
        })
    }
}
