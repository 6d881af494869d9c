//! The build as named, timed steps (set `ERNGUIDE_TIMINGS=1` to see each step's time):
//!
//! load -> render -> static files -> images (encode, or plan only for `check`) -> lint -> write
//!
//! `build` runs them all, writing each page as soon as it is rendered ([`build`]); `check`
//! ([`crate::check`]) runs them with images planned only and without writing; `serve`'s
//! rebuild ([`crate::incremental`]) renders a selection of pages and merges them into the site
//! it keeps in memory.

use std::path::PathBuf;

use crate::config::SiteConfig;
use crate::content::Library;
use crate::error::{Context, Result, SourceError};
use crate::i18n::site::{Catalogs, LanguageSet};
use crate::images::{self, Encode, ImageStats};
use crate::lint;
use crate::markdown;
use crate::output::{Output, Staged};
use crate::render::{self, PageInfo, Rendered, Selection, TrainerCache};
use crate::theme::Theme;

/// What `build` needs to know.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site_dir: PathBuf,
    pub out_dir: PathBuf,
    /// A figure whose screenshot does not exist yet shows its alt text instead of failing the
    /// build (for `scripts/screenshots`, which captures a new guide from its built sandbox).
    pub allow_missing_screenshots: bool,
}

/// A warning found while building (stale content, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub SourceError);

/// What a build produced.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<Warning>,
    /// Image variants encoded by this build, and taken from `<site>/.cache/images/`.
    pub images_encoded: usize,
    pub images_cached: usize,
    /// Each language's search index: (language, sizes).
    pub search: Vec<(String, crate::search::IndexStats)>,
}

/// The site in memory: every output file (pages, static files, images) and its pages.
#[derive(Clone)]
pub(crate) struct Built {
    pub output: Output,
    pub pages: Vec<PageInfo>,
    /// Each language's search index sizes (empty when not every page was rendered).
    pub search: Vec<(String, crate::search::IndexStats)>,
}

/// With `ERNGUIDE_TIMINGS=1` in the environment, prints `timing <step>: <ms> ms` to stderr (how
/// long a step took since `since`); a profiling aid, silent otherwise.
pub(crate) fn timing(step: &str, since: std::time::Instant) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| {
        std::env::var_os("ERNGUIDE_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
    }) {
        eprintln!(
            "timing {step}: {:.1} ms",
            since.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Runs one named step, timed.
fn step<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let t = std::time::Instant::now();
    let out = f();
    timing(name, t);
    out
}

/// Step `load`: the library, read and validated.
pub(crate) fn load(site_dir: &std::path::Path) -> Result<Library> {
    step("load", || Library::load(site_dir))
}

/// Step `languages`: the site's languages (catalogs read, the library translated).
pub(crate) fn languages(lib: &Library) -> Result<LanguageSet> {
    step("languages", || LanguageSet::load(lib))
}

/// Steps `load` and `languages` of `build`: the library is loaded, then each language's
/// catalog is read, then the library is translated. (The catalogs need only `site.toml`, but
/// read while the library loaded, on 2 cores, one thread read every catalog while the other
/// loaded the library: one after the other, each on every core, took about 0.25 s less on the
/// 10,000-source benchmark site in three languages.)
fn load_and_languages(site_dir: &std::path::Path) -> Result<(Library, Catalogs)> {
    step("load (and the catalogs)", || {
        let (config, config_text) = SiteConfig::load(site_dir)?;
        let lib = Library::load_with_config(site_dir, config.clone(), config_text)?;
        let catalogs = Catalogs::read(site_dir, &config);
        Ok((lib, catalogs))
    })
}

/// Step `render`: the selected pages, in memory (`serve` keeps each step's part of the slides
/// and handouts in `trainer` between rebuilds).
pub(crate) fn render(
    lib: &Library,
    langs: &LanguageSet,
    selection: &Selection,
    trainer: Option<&TrainerCache>,
) -> Result<Rendered> {
    step("render", || {
        render::render_in(lib, langs, selection, trainer)
    })
}

/// Step `static files`: the theme's static files (and the highlight CSS when a page has
/// code) into `output`.
pub(crate) fn static_files(lib: &Library, has_code: bool, output: &mut Output) -> Result<()> {
    step("static files", || {
        let theme = Theme::new(&lib.site_dir, &lib.config.theme);
        for (rel, bytes) in theme.shipped_static_files()? {
            output.add(format!("static/{rel}"), bytes);
        }
        if has_code && !output.contains("static/highlight.css") {
            output.add("static/highlight.css", markdown::highlight_css());
        }
        Ok(())
    })
}

/// Step `images`: the figures' image variants into `output`, encoded through the cache, or
/// only planned ([`Encode::PlanOnly`], which writes nothing).
pub(crate) fn images(
    lib: &Library,
    jobs: Vec<images::ImageJob>,
    encode: Encode,
    output: &mut Output,
) -> Result<ImageStats> {
    step("images", || {
        images::process(jobs, &images::cache_dir(&lib.site_dir), encode, output)
    })
}

/// Step `search`: each language's search index (`search/<lang>.js`) from the rendered guide and
/// step pages of `built` (all of them: after a partial rebuild too; `PageInfo::searchable`).
pub(crate) fn search(lib: &Library, built: &mut Built) {
    step("search", || {
        let pages: Vec<(&str, &str)> = built
            .pages
            .iter()
            .filter(|p| p.searchable)
            .filter_map(|p| {
                built
                    .output
                    .get(&p.rel)
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .map(|html| (p.rel.as_str(), html))
            })
            .collect();
        let indexes = crate::search::build_indexes(
            pages.into_iter(),
            &lib.config.language,
            &lib.config.languages,
        );
        built.search = add_indexes(indexes, &mut built.output);
    })
}

/// Each language's search index into `output` (as [`crate::search::index_file`]); each
/// language's index sizes.
fn add_indexes(
    indexes: Vec<(String, String, crate::search::IndexStats)>,
    output: &mut Output,
) -> Vec<(String, crate::search::IndexStats)> {
    (indexes.into_iter())
        .map(|(lang, js, stats)| {
            output.add(crate::search::index_file(&lang), js);
            (lang, stats)
        })
        .collect()
}

/// Steps static files and images: what the rendered pages use (the highlight CSS when a page
/// has code, the figures' `jobs`), into `output`.
fn page_assets(
    lib: &Library,
    has_code: bool,
    jobs: Vec<images::ImageJob>,
    encode: Encode,
    output: &mut Output,
) -> Result<ImageStats> {
    static_files(lib, has_code, output)?;
    images(lib, jobs, encode, output)
}

/// Steps render, static files and images: the selected pages with everything they use
/// (`build`, `check` and `serve`'s first build).
pub(crate) fn assemble(
    lib: &Library,
    langs: &LanguageSet,
    selection: &Selection,
    encode: Encode,
    trainer: Option<&TrainerCache>,
) -> Result<(Built, ImageStats)> {
    let rendered = render(lib, langs, selection, trainer)?;
    let mut output = rendered.output;
    let stats = page_assets(
        lib,
        rendered.has_code,
        rendered.image_jobs,
        encode,
        &mut output,
    )?;
    Ok((
        Built {
            output,
            pages: rendered.pages,
            search: Vec::new(),
        },
        stats,
    ))
}

/// What a build keeps of a page it has written: its ids and links for the link check, and
/// its text for the search index when it is a guide or step page.
struct Kept {
    links: lint::links::PageLinks,
    text: Option<crate::search::PageText>,
}

/// Builds the site at `opts.site_dir` into `opts.out_dir`.
///
/// Each page is written into the new output folder as soon as it is rendered (on the thread
/// that rendered it), and only its ids, links and search text are kept: the site's HTML is
/// never all in memory. The folder replaces the output only when all of it succeeded (the
/// render, the link check and every write), else it is removed and the output stays as it
/// was; a failed write is reported after a failed render or link check, as when the pages
/// were written last.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let (mut lib, catalogs) = load_and_languages(&opts.site_dir)?;
    lib.allow_missing_screenshots = opts.allow_missing_screenshots;
    let langs = step("languages", || LanguageSet::with_catalogs(&lib, catalogs))?;
    let staged = Staged::begin(&opts.out_dir);
    // The first page that could not be written (the others are not tried).
    let unwritten: std::sync::OnceLock<anyhow::Error> = std::sync::OnceLock::new();
    let rendered = step("render (each page written as it is done)", || {
        render::render_each(
            &lib,
            &langs,
            &Selection::All,
            None,
            |rel, html, searchable| {
                if let (Ok(staged), None) = (&staged, unwritten.get()) {
                    if let Err(e) = staged.write_file(rel, html.as_bytes()) {
                        let _ = unwritten.set(e);
                    }
                }
                Kept {
                    links: lint::links::PageLinks::read(&html),
                    text: searchable
                        .then(|| crate::search::PageText::read(&html))
                        .flatten(),
                }
            },
        )
    })?;
    let mut other = Output::new();
    let images = page_assets(
        &lib,
        rendered.has_code,
        rendered.image_jobs,
        Encode::Full,
        &mut other,
    )?;
    let (pages, kept): (Vec<PageInfo>, Vec<Kept>) = rendered.pages.into_iter().unzip();
    let (links, texts): (Vec<_>, Vec<_>) = kept.into_iter().map(|k| (k.links, k.text)).unzip();
    // The search and the links check run side by side (each alone left a core idle at
    // times); the links check counts the search indexes, still being made, as files.
    let index_files = crate::search::index_files(&lib.config.language, &lib.config.languages);
    let (indexes, warnings) = rayon::join(
        || {
            step("search", || {
                let texts = (pages.iter().zip(&texts))
                    .filter_map(|(p, text)| Some((p.rel.as_str(), text.as_ref()?)));
                crate::search::build_indexes_from_texts(
                    texts,
                    &lib.config.language,
                    &lib.config.languages,
                )
            })
        },
        || {
            step("lint", || -> Result<Vec<Warning>> {
                lint::links::check_written_links(&lib, &pages, links, &other, &index_files)?;
                Ok(lint::stale::stale_content_warnings(&lib))
            })
        },
    );
    let warnings = warnings?;
    let search = add_indexes(indexes, &mut other);
    step("write", || {
        let written = staged.and_then(|staged| {
            if let Some(e) = unwritten.into_inner() {
                return Err(e);
            }
            other.write_into(&staged)?;
            staged.finish()
        });
        written.with_context(|| format!("writing the site to {}", opts.out_dir.display()))
    })?;
    let report = BuildReport {
        pages: pages.len(),
        files: pages.len() + other.len(),
        warnings,
        images_encoded: images.encoded,
        images_cached: images.cached,
        search,
    };
    // What is left in memory (the library and its translations: hundreds of MB for 10,000
    // pages in three languages) is freed on a thread of its own: the command's process may
    // end before it is done.
    let _ = std::thread::Builder::new()
        .name("ernguide-free".into())
        .spawn(move || drop((lib, langs, pages, texts, other)));
    Ok(report)
}
