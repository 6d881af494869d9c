//! Encoding the figures' images: decode, burn the redactions in, resize to the
//! [`super::pixels::WIDTHS`] variants and encode, in parallel, through a content-hash cache
//! (`<site>/.cache/images/`); or, for `check`, only plan them and write nothing.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::pixels;
use super::{variant_rel, ImageJob, Variant};
use crate::error::{Result, SourceError};
use crate::output::{write_atomic, Output};

/// The environment variable that moves the image cache out of the site (tests share one).
pub const CACHE_ENV: &str = "ERNGUIDE_CACHE_DIR";

/// The image cache folder: `$ERNGUIDE_CACHE_DIR/images` when that is set and not empty, else
/// the site's `.cache/images/`. Entries are named by content hash and written atomically, so
/// sites and concurrent builds can share one.
pub fn cache_dir(site_dir: &Path) -> PathBuf {
    match std::env::var_os(CACHE_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("images"),
        _ => site_dir.join(".cache").join("images"),
    }
}

/// What image processing did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImageStats {
    /// Distinct images (source + redactions).
    pub images: usize,
    /// Variants encoded in this build.
    pub encoded: usize,
    /// Variants taken from the cache.
    pub cached: usize,
}

/// A variant's file name in the cache.
fn cache_name(job: &ImageJob, v: &Variant) -> String {
    format!("{}-{}.{}", job.key, v.width, job.format.ext())
}

/// The encoded variants of one job: (width, bytes), encoded count, cached count.
type Encoded = Result<(Vec<(u32, Vec<u8>)>, usize, usize), SourceError>;

/// The outputs of one job: (relative path, bytes), encoded count, cached count.
type JobResult = Result<(Vec<(String, Vec<u8>)>, usize, usize), SourceError>;

fn run_job(job: &ImageJob, cache: &Path, done: &AtomicUsize) -> JobResult {
    let (files, encoded, cached) = encode_job(job, cache, done)?;
    // one file per variant and output stem
    let mut out = Vec::with_capacity(files.len() * job.stems.len().max(1));
    for (width, bytes) in files {
        for stem in &job.stems {
            out.push((
                variant_rel(stem, &job.key, width, job.format),
                bytes.clone(),
            ));
        }
    }
    Ok((out, encoded, cached))
}

/// Reads a job's variants from the cache, encoding the missing ones (and caching them).
fn encode_job(job: &ImageJob, cache: &Path, done: &AtomicUsize) -> Encoded {
    let cache_name = |v: &Variant| cache_name(job, v);
    let mut files = Vec::with_capacity(job.variants.len());
    let mut missing = Vec::new();
    for v in &job.variants {
        match std::fs::read(cache.join(cache_name(v))) {
            Ok(bytes) => {
                files.push((v.width, bytes));
                done.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => missing.push(v),
        }
    }
    let cached = files.len();
    if missing.is_empty() {
        return Ok((files, 0, cached));
    }
    let fail = |msg: String| SourceError::new(&job.origin.0, job.origin.1, msg);
    let img =
        image::load_from_memory_with_format(&job.source.bytes, job.source.format).map_err(|e| {
            fail(format!(
                "cannot read image `{}`: corrupt image: {e}",
                job.src
            ))
        })?;
    let mut rgba = img.into_rgba8();
    for r in &job.redactions {
        pixels::redact(&mut rgba, r.rect, r.mode);
    }
    let opaque = pixels::is_opaque(&rgba);
    let encoded: Vec<Result<(u32, Vec<u8>), SourceError>> = missing
        .par_iter()
        .map(|v| {
            let bytes = pixels::encode_variant(&rgba, opaque, v.width, v.height, job.format)
                .map_err(|e| {
                    fail(format!(
                        "encoding image `{}` at {} px: {e}",
                        job.src, v.width
                    ))
                })?;
            // The cache is an optimisation: a read-only site still builds.
            let _ = write_atomic(&cache.join(cache_name(v)), &bytes);
            done.fetch_add(1, Ordering::Relaxed);
            Ok((v.width, bytes))
        })
        .collect();
    for e in encoded {
        files.push(e?);
    }
    Ok((files, missing.len(), cached))
}

/// Shows `images 3/12` on stderr (a terminal only) once the work takes more than a second.
fn progress_bar(total: usize, done: &AtomicUsize, stop: mpsc::Receiver<()>) {
    let start = Instant::now();
    let mut shown: Option<usize> = None;
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(Duration::from_millis(100)) {
        let n = done.load(Ordering::Relaxed).min(total);
        if start.elapsed() < Duration::from_secs(1) || shown == Some(n) {
            continue;
        }
        let filled = n * 30 / total.max(1);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\rimages [{}{}] {n}/{total}",
            "#".repeat(filled),
            "-".repeat(30 - filled)
        );
        let _ = err.flush();
        shown = Some(n);
    }
    if shown.is_some() {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}\r", " ".repeat(60));
        let _ = err.flush();
    }
}

/// Whether the image step encodes the variants or only plans them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encode {
    /// Encode what the cache lacks (and cache it); the output gets every variant's bytes.
    Full,
    /// Write nothing anywhere: check that every image the cache lacks decodes; the output gets
    /// each variant's path with no bytes (enough to check links).
    PlanOnly,
}

/// Runs the jobs in parallel and adds every variant to `output`.
pub(crate) fn process(
    jobs: Vec<ImageJob>,
    cache: &Path,
    encode: Encode,
    output: &mut Output,
) -> Result<ImageStats> {
    if encode == Encode::PlanOnly {
        return plan(&jobs, cache, output);
    }
    let mut stats = ImageStats {
        images: jobs.len(),
        ..ImageStats::default()
    };
    if jobs.is_empty() {
        return Ok(stats);
    }
    let total: usize = jobs.iter().map(|j| j.variants.len()).sum();
    let done = AtomicUsize::new(0);
    let results: Vec<JobResult> = std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel::<()>();
        if std::io::stderr().is_terminal() {
            let done = &done;
            s.spawn(move || progress_bar(total, done, rx));
        }
        let results = jobs.par_iter().map(|j| run_job(j, cache, &done)).collect();
        drop(tx);
        results
    });
    for r in results {
        let (files, encoded, cached) = r?;
        stats.encoded += encoded;
        stats.cached += cached;
        for (rel, bytes) in files {
            output.add(rel, bytes);
        }
    }
    Ok(stats)
}

/// [`Encode::PlanOnly`]: every job's images decode (unless the cache has all its variants);
/// the output gets empty files at the variants' paths.
fn plan(jobs: &[ImageJob], cache: &Path, output: &mut Output) -> Result<ImageStats> {
    let results: Vec<Result<(), SourceError>> = jobs
        .par_iter()
        .map(|job| {
            let cached = job
                .variants
                .iter()
                .all(|v| cache.join(cache_name(job, v)).is_file());
            if cached {
                return Ok(());
            }
            image::load_from_memory_with_format(&job.source.bytes, job.source.format)
                .map(|_| ())
                .map_err(|e| {
                    SourceError::new(
                        &job.origin.0,
                        job.origin.1,
                        format!("cannot read image `{}`: corrupt image: {e}", job.src),
                    )
                })
        })
        .collect();
    for r in results {
        r?;
    }
    for job in jobs {
        for v in &job.variants {
            for stem in &job.stems {
                output.add(variant_rel(stem, &job.key, v.width, job.format), Vec::new());
            }
        }
    }
    Ok(ImageStats {
        images: jobs.len(),
        ..ImageStats::default()
    })
}
