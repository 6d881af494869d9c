//! Figures: screenshots referenced from Markdown (`figure` fenced blocks, see [`spec`]),
//! processed at build time with the `image` crate.
//!
//! Rendering a page hands each `figure` block to a [`FigureHook`]: it parses and checks the
//! block, reads the image's size, registers an [`ImageJob`] (deduplicated by content hash) and
//! returns the figure's HTML. After every page is rendered, [`process`] runs the jobs in
//! parallel: decode, burn the redactions into the pixels, resize to the [`pixels::WIDTHS`]
//! variants and encode, with a content-hash cache in `<site>/.cache/images/`.

mod encode;
mod hook;
pub mod html;
mod memo;
pub mod pixels;
mod regions;
pub mod spec;

pub(crate) use encode::{cache_dir, process, Encode, ImageStats};
pub(crate) use hook::FigureHook;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use image::{ImageFormat, ImageReader};

use crate::error::{Result, SourceError};
use crate::input;
use memo::Memo;
use pixels::OutFormat;
use regions::Regions;
use spec::{FigureSpec, Redaction};

/// Part of every cache key and output name: bump it when the pixel work changes.
pub const CACHE_VERSION: &str = "ernguide-images-1";

/// Images larger than this many pixels are refused (memory).
const MAX_PIXELS: u64 = 50_000_000;

/// True when rendered page HTML contains a figure (the page needs figure.js).
pub fn page_has_figures(html: &str) -> bool {
    let figure = format!("<figure class=\"{}\">", html::FIGURE_CLASS);
    crate::html::contains(html, &figure)
}

/// 64-bit FNV-1a: stable across builds and platforms (std's hashers are not).
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) -> &mut Fnv {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }
    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// A screenshot read from disk, with its size.
#[derive(Debug)]
pub struct Source {
    pub bytes: Vec<u8>,
    pub hash: u64,
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
}

/// One encoded variant: its size and path in the output (`images/...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub rel: String,
}

/// The work for one (image, redactions) pair, however many figures show it.
#[derive(Debug, Clone)]
pub struct ImageJob {
    pub src: String,
    pub source: Arc<Source>,
    pub redactions: Vec<Redaction>,
    pub format: OutFormat,
    /// Content hash (hex): source bytes, redactions, format and [`CACHE_VERSION`].
    pub key: String,
    pub variants: Vec<Variant>,
    /// Every output name stem (from `src`) that shows these pixels: two screenshots with the
    /// same bytes (the same screen of two networks) are encoded once and written under each.
    pub stems: BTreeSet<String>,
    /// The first figure (by file and line) that uses it, for error messages.
    pub origin: (PathBuf, usize),
}

/// Collects the figures of a render: shared by every page's [`FigureHook`].
pub(crate) struct Figures {
    screenshots: PathBuf,
    /// What was read and parsed: shared by the languages of a render, and kept by `serve`
    /// while `screenshots/` does not change.
    memo: Arc<FigureMemo>,
    jobs: Mutex<BTreeMap<String, ImageJob>>,
    /// A figure whose screenshot does not exist renders as a note with its alt text.
    allow_missing: bool,
}

/// The screenshots and regions files read and the figure blocks parsed for figures, each once:
/// valid while the files of `screenshots/` are the same.
#[derive(Default)]
pub(crate) struct FigureMemo {
    sources: Memo<PathBuf, Arc<Source>>,
    /// Regions files by path: the parsed file, or why it cannot be used.
    regions: Memo<PathBuf, Arc<std::result::Result<Regions, String>>>,
    /// Each figure block parsed, by its text and where it is: a step's figure renders on its
    /// page, its guide's slides and handout, in every language.
    specs: Memo<SpecKey, Result<FigureSpec, SourceError>>,
}

impl FigureMemo {
    /// Forgets the figure blocks that no render used since the last call (`serve` calls it
    /// after each rebuild: an edited block's old text is not kept for the whole session).
    pub fn forget_unused_blocks(&self) {
        self.specs.sweep();
    }
}

/// `src` as a safe relative path (no `..`, no root).
fn safe_src(src: &str) -> Option<PathBuf> {
    let p = Path::new(src);
    (!src.contains('\\') && p.components().all(|c| matches!(c, Component::Normal(_))))
        .then(|| p.to_path_buf())
}

/// Output file stem from a `src`: `paedcan/eul-create.png` -> `paedcan-eul-create`.
fn stem_of(src: &str) -> String {
    let no_ext = match src.rfind('.') {
        Some(i) if !src[i..].contains('/') => &src[..i],
        _ => src,
    };
    let mut out = String::new();
    for c in no_ext.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "figure".into()
    } else {
        out
    }
}

/// A figure block's body, its file and the line of its fence.
type SpecKey = (String, PathBuf, usize);

impl Figures {
    pub fn new(site_dir: &Path) -> Figures {
        Figures {
            screenshots: site_dir.join("screenshots"),
            memo: Arc::default(),
            jobs: Mutex::new(BTreeMap::new()),
            allow_missing: false,
        }
    }

    /// Takes what was read and parsed from `memo` (and adds to it), instead of reading anew.
    pub fn with_memo(mut self, memo: Arc<FigureMemo>) -> Figures {
        self.memo = memo;
        self
    }

    /// With `allow`, a figure whose screenshot does not exist yet renders as a note with its
    /// alt text instead of failing (the capture run of `scripts/screenshots`).
    pub fn allow_missing(mut self, allow: bool) -> Figures {
        self.allow_missing = allow;
        self
    }

    /// The figure block `body` at `fence_line` of `file` parsed (once per memo).
    fn parse(&self, body: &str, file: &Path, fence_line: usize) -> Result<FigureSpec, SourceError> {
        let key = (body.to_string(), file.to_path_buf(), fence_line);
        (self.memo.specs).get_or_insert_with(key, || spec::parse(body, file, fence_line))
    }

    /// Reads and sizes `screenshots/<spec.src>` (once per memo).
    fn source(&self, spec: &FigureSpec) -> Result<Arc<Source>, SourceError> {
        let err = |msg: String| SourceError::new(&spec.file, spec.src_line, msg);
        let src = &spec.src;
        let rel = safe_src(src)
            .ok_or_else(|| err(format!("figure `src` must be a path inside screenshots/ (no `..`, no leading `/`): `{src}`")))?;
        let ext = rel
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "webp") {
            return Err(err(format!(
                "figure `{src}`: unsupported image type (use .png, .jpg or .webp)"
            )));
        }
        let path = self.screenshots.join(&rel);
        (self.memo.sources)
            .get_or_try_insert_with(path.clone(), || read_source(&path, src, err).map(Arc::new))
    }

    /// Puts the boxes of the figure's `region:` names in, from the screenshot's regions file
    /// (`screenshots/<src without extension>.regions.json`, read once per memo).
    fn resolve_regions(&self, spec: &mut FigureSpec, source: &Source) -> Result<(), SourceError> {
        let Some(first) = spec.region_refs.first() else {
            return Ok(());
        };
        let rel = regions::regions_path(&spec.src);
        let shown = format!("screenshots/{rel}");
        let path = self.screenshots.join(&rel);
        let loaded = self.memo.regions.get_or_insert_with(path.clone(), || {
            Arc::new(match input::read(&path) {
                Ok(bytes) => serde_json::from_slice::<Regions>(&bytes)
                    .map_err(|e| format!("cannot read {shown}: {e}")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
                    "there is no {shown} (scripts/screenshots writes one next to each screenshot it takes)"
                )),
                Err(e) => Err(format!("cannot read {shown}: {e}")),
            })
        });
        match &*loaded {
            Ok(regions) => spec.resolve_regions(regions, &shown, source.width, source.height),
            Err(why) => Err(SourceError::new(
                &spec.file,
                first.line,
                format!(
                    "figure `{}` uses `region: {}`, but {why}",
                    spec.src, first.name
                ),
            )),
        }
    }

    /// Registers the image work of a figure; returns its variants.
    fn add_job(&self, spec: &FigureSpec, source: Arc<Source>) -> Vec<Variant> {
        let format = if source.format == ImageFormat::Jpeg {
            OutFormat::Jpeg
        } else {
            OutFormat::Png
        };
        let redactions: Vec<Redaction> = spec.redactions.iter().map(|(r, _)| *r).collect();
        let mut h = Fnv::new();
        h.write(CACHE_VERSION.as_bytes())
            .write(&source.hash.to_le_bytes())
            .write(format.ext().as_bytes());
        for r in &redactions {
            h.write(&[r.mode as u8]);
            for v in r.rect {
                h.write(&v.to_le_bytes());
            }
        }
        let key = h.hex();
        let stem = stem_of(&spec.src);
        let variants: Vec<Variant> = pixels::variant_sizes(source.width, source.height)
            .into_iter()
            .map(|(width, height)| Variant {
                width,
                height,
                rel: variant_rel(&stem, &key, width, format),
            })
            .collect();
        let origin = (spec.file.clone(), spec.line);
        if let Ok(mut jobs) = self.jobs.lock() {
            let job = jobs.entry(key.clone()).or_insert_with(|| ImageJob {
                src: spec.src.clone(),
                source,
                redactions,
                format,
                key,
                variants: variants.clone(),
                stems: BTreeSet::new(),
                origin: origin.clone(),
            });
            job.stems.insert(stem);
            // deterministic error messages whatever order pages render in
            if origin < job.origin {
                job.origin = origin;
                job.src = spec.src.clone();
            }
        }
        variants
    }

    /// The collected jobs (emptying the collector), ordered by where they are first used.
    pub fn take_jobs(&self) -> Vec<ImageJob> {
        let jobs = match self.jobs.lock() {
            Ok(mut j) => std::mem::take(&mut *j),
            Err(_) => BTreeMap::new(),
        };
        let mut v: Vec<ImageJob> = jobs.into_values().collect();
        v.sort_by(|a, b| a.origin.cmp(&b.origin).then_with(|| a.key.cmp(&b.key)));
        v
    }
}

/// Reads, checks and sizes the screenshot at `path` (`src` as the figure names it; `err` makes
/// an error at the figure's `src` line).
fn read_source(
    path: &Path,
    src: &str,
    err: impl Fn(String) -> SourceError,
) -> Result<Source, SourceError> {
    let bytes = match input::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(err(format!(
                "image `{src}` not found (looked for screenshots/{src})"
            )))
        }
        Err(e) => return Err(err(format!("cannot read image `{src}`: {e}"))),
    };
    let unreadable = |what: String| err(format!("cannot read image `{src}`: {what}"));
    let reader = ImageReader::new(Cursor::new(&bytes[..]))
        .with_guessed_format()
        .map_err(|e| unreadable(e.to_string()))?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => f,
        Some(f) => {
            return Err(unreadable(format!(
                "{f:?} images are not supported (use PNG, JPEG or WebP)"
            )))
        }
        None => {
            return Err(unreadable(
                "not a PNG, JPEG or WebP image (corrupt or unknown content)".into(),
            ))
        }
    };
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| unreadable(format!("corrupt image: {e}")))?;
    if width == 0 || height == 0 {
        return Err(unreadable("the image is empty (0 pixels)".into()));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(unreadable(format!(
            "{width}x{height} pixels is too large (at most {MAX_PIXELS} pixels)"
        )));
    }
    let hash = Fnv::new().write(&bytes).0;
    Ok(Source {
        bytes,
        hash,
        format,
        width,
        height,
    })
}

/// The output path of a variant: `images/<stem>-<key prefix>-<width>.<ext>`.
fn variant_rel(stem: &str, key: &str, width: u32, format: OutFormat) -> String {
    format!("images/{stem}-{}-{width}.{}", &key[..12], format.ext())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem_of("paedcan/eul-create.png"), "paedcan-eul-create");
        assert_eq!(stem_of("A b/ÄÖ_x.v2.PNG"), "a-b-x-v2");
        assert_eq!(stem_of(".png"), "figure");
    }

    #[test]
    fn safe_sources() {
        assert!(safe_src("demo/a.png").is_some());
        assert!(safe_src("../a.png").is_none());
        assert!(safe_src("/etc/a.png").is_none());
        assert!(safe_src("a\\..\\b.png").is_none());
    }

    #[test]
    fn figure_pages() {
        assert!(page_has_figures("<p>a</p><figure class=\"eg-figure\">"));
        assert!(!page_has_figures(
            "<p>&lt;figure class=&quot;eg-figure&quot;&gt;</p>"
        ));
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(Fnv::new().write(b"").hex(), "cbf29ce484222325");
        assert_eq!(Fnv::new().write(b"a").hex(), "af63dc4c8601ec8c");
    }
}
