//! `ernguide serve`: build, serve the site from memory on this machine, rebuild what changed and
//! reload the open pages.
//!
//! - this module: the rebuild loop, and where a request path leads in the output;
//! - [`http`]: the HTTP side (hyper, one task per connection, answering GET and HEAD from the
//!   last good [`Output`], with timeouts and limits so one client cannot stall the others);
//! - [`watch`]: file events -> changed source files;
//! - [`reload`]: the injected script, the error overlay and the event stream;
//! - [`crate::incremental::Site`] decides what to render again.
//!
//! A failed rebuild keeps the last good site: pages show the error as an overlay, the terminal
//! prints it, and the next successful rebuild reloads the pages without it. The output folder
//! (`--out`) is kept up to date too, with atomic writes.

pub mod http;
pub mod reload;
pub mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::error::{report, Result};
use crate::incremental::{RebuildStats, Site};
use crate::output::{write_atomic, Output};
use reload::{BuildError, Event, Hub};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site_dir: PathBuf,
    pub out_dir: PathBuf,
    pub bind: String,
    pub port: u16,
    /// Write into `out_dir` even if it is not ernguide's ([`crate::output::claim`]).
    pub force: bool,
}

/// What the server answers with.
struct Live {
    /// The last site that built.
    output: Arc<Output>,
    /// Changes whenever pages should reload (a rebuild, a failed rebuild, a fix).
    version: u64,
    /// Why the last rebuild failed, while it is not fixed.
    error: Option<BuildError>,
}

struct State {
    live: RwLock<Live>,
    hub: Hub,
}

impl State {
    fn snapshot(&self) -> (Arc<Output>, u64, Option<BuildError>) {
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        (live.output.clone(), live.version, live.error.clone())
    }

    /// The event that brings a page up to date.
    fn current_event(&self) -> Event {
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        match &live.error {
            Some(error) => Event::BuildError {
                version: live.version,
                error: error.clone(),
            },
            None => Event::Reload {
                version: live.version,
            },
        }
    }

    /// Records a successful (re)build and tells the pages.
    fn built(&self, output: Output) {
        let version = {
            let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
            live.output = Arc::new(output);
            live.version += 1;
            live.error = None;
            live.version
        };
        self.hub.broadcast(&Event::Reload { version });
    }

    /// Replaces the site served without telling the pages: what a rebuild completes after
    /// they reloaded (the search indexes, which a page loads only when its search box is used).
    fn refresh(&self, output: Output) {
        let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
        live.output = Arc::new(output);
    }

    /// Records a failed rebuild and tells the pages.
    fn failed(&self, error: BuildError) {
        let version = {
            let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
            live.version += 1;
            live.error = Some(error.clone());
            live.version
        };
        self.hub.broadcast(&Event::BuildError { version, error });
    }

    fn has_error(&self) -> bool {
        self.live.read().map(|l| l.error.is_some()).unwrap_or(false)
    }
}

/// Builds, serves and rebuilds until the process is stopped.
pub fn serve(opts: &ServeOptions) -> Result<()> {
    crate::output::claim(&opts.out_dir, &opts.site_dir, opts.force)?;
    let start = Instant::now();
    let (site, first_error) = match Site::load(&opts.site_dir) {
        Ok(site) => (Some(site), None),
        // Serve anyway: the error shows in the browser and the first fix builds the site.
        Err(e) => {
            eprintln!("{}", report(&e));
            eprintln!("  (serving the error until the site builds; fix the file and save)");
            (None, Some(BuildError::new(&e, &opts.site_dir)))
        }
    };
    if let Some(site) = &site {
        for w in site.warnings() {
            eprintln!("{}", crate::check::Finding::warning(&w.0).to_line());
        }
        write_all(site.output(), &opts.out_dir);
        eprintln!(
            "built {} pages ({} files) in {} ms",
            site.pages().len(),
            site.output().len(),
            start.elapsed().as_millis()
        );
    }
    let state = Arc::new(State {
        live: RwLock::new(Live {
            output: Arc::new(
                site.as_ref()
                    .map(|s| s.output().clone())
                    .unwrap_or_default(),
            ),
            version: 1,
            error: first_error,
        }),
        hub: Hub::default(),
    });
    // Watch before serving, so no edit made after the URL is printed is missed.
    let watcher = watch::Watcher::new(&opts.site_dir, std::slice::from_ref(&opts.out_dir))?;

    let addr = http::start(state.clone(), &opts.bind, opts.port)?;
    let url = match addr {
        std::net::SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
        a => format!("http://{a}/"),
    };
    if !is_loopback(&opts.bind) {
        eprintln!(
            "warning: --bind {}: other machines can reach this server",
            opts.bind
        );
    }
    eprintln!("serving {url} (rebuilds on save; Ctrl+C to stop)");
    rebuild_loop(site, watcher, &state, opts);
    Ok(())
}

fn is_loopback(bind: &str) -> bool {
    bind == "localhost"
        || bind
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Waits for changes and rebuilds, forever.
fn rebuild_loop(
    mut site: Option<Site>,
    mut watcher: watch::Watcher,
    state: &State,
    opts: &ServeOptions,
) {
    while let Some(changed) = watcher.next_changes() {
        let start = Instant::now();
        let what = describe(&changed, &opts.site_dir);
        let result = match site.as_mut() {
            // the search indexes after the pages reloaded (`finish` below)
            Some(s) => s.rebuild_pages(&changed),
            None => Site::load(&opts.site_dir).map(|s| {
                let stats = RebuildStats {
                    full: true,
                    rendered: s.pages().iter().map(|p| p.rel.clone()).collect(),
                    changed: s.output().files().map(|(rel, _)| rel.to_string()).collect(),
                    removed: Vec::new(),
                    pages: s.pages().len(),
                };
                site = Some(s);
                stats
            }),
        };
        let ms = start.elapsed().as_millis();
        match (result, site.as_mut()) {
            (Ok(mut stats), Some(s)) => {
                let was_failing = state.has_error();
                if stats.changed_output() || was_failing {
                    state.built(s.output().clone());
                }
                let finished = s.finish();
                if !finished.is_empty() {
                    state.refresh(s.output().clone());
                    stats.changed.extend(finished);
                }
                if stats.full {
                    eprintln!("{what}: rebuilt all {} pages in {ms} ms", stats.pages);
                } else {
                    eprintln!(
                        "{what}: rebuilt {} of {} pages in {ms} ms",
                        stats.rendered.len(),
                        stats.pages
                    );
                }
                if was_failing {
                    eprintln!("fixed: the site builds again");
                }
                write_changes(s, &stats, &opts.out_dir);
            }
            (Ok(_), None) => {}
            (Err(e), _) => {
                eprintln!("{what}: {}", report(&e));
                eprintln!("  (still serving the last good site; fix the file and save)");
                state.failed(BuildError::new(&e, &opts.site_dir));
            }
        }
    }
}

/// `content/a.md` or `content/a.md and 2 more`, relative to the site.
fn describe(changed: &[PathBuf], site_dir: &Path) -> String {
    let root = site_dir
        .canonicalize()
        .unwrap_or_else(|_| site_dir.to_path_buf());
    let first = changed
        .first()
        .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
        .unwrap_or_default();
    match changed.len() {
        0 | 1 => first,
        n => format!("{first} and {} more", n - 1),
    }
}

/// Replaces the output folder with the whole site (atomically).
fn write_all(output: &Output, out_dir: &Path) {
    if let Err(e) = output.write_to(out_dir) {
        eprintln!("warning: could not write {}: {e:#}", out_dir.display());
    }
}

/// Updates the output folder after a rebuild: the whole folder after a full rebuild, else each
/// changed file atomically.
fn write_changes(site: &Site, stats: &RebuildStats, out_dir: &Path) {
    if stats.full || !out_dir.is_dir() {
        return write_all(site.output(), out_dir);
    }
    for rel in &stats.changed {
        if let Some(bytes) = site.output().get(rel) {
            if let Err(e) = write_atomic(&out_dir.join(rel), bytes) {
                eprintln!("warning: {e:#}");
            }
        }
    }
    for rel in &stats.removed {
        let _ = std::fs::remove_file(out_dir.join(rel));
    }
}

/// Where a request path leads in the output.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A file (its output path).
    File(String),
    /// A folder asked for without its trailing `/`: redirect, so relative links work.
    Redirect(String),
    NotFound,
    /// Not a path inside the site (`..`, encoded separators, bad encoding).
    BadRequest,
}

/// Maps a request URL to a file of `output`. Only names in the output can come out: a request
/// never reaches the disk.
pub fn lookup(output: &Output, url: &str) -> Lookup {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Lookup::BadRequest;
    }
    let Some(decoded) = percent_decode(path) else {
        return Lookup::BadRequest;
    };
    if decoded.contains(['\0', '\\']) {
        return Lookup::BadRequest;
    }
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Lookup::BadRequest,
            s => segments.push(s),
        }
    }
    let joined = segments.join("/");
    let folder = joined.is_empty() || decoded.ends_with('/');
    let rel = match (folder, joined.is_empty()) {
        (_, true) => "index.html".to_string(),
        (true, false) => format!("{joined}/index.html"),
        (false, false) => joined.clone(),
    };
    if output.contains(&rel) {
        Lookup::File(rel)
    } else if !folder && output.contains(&format!("{joined}/index.html")) {
        Lookup::Redirect(format!("/{joined}/"))
    } else {
        Lookup::NotFound
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// MIME type by file extension.
pub fn mime_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Output {
        let mut o = Output::new();
        o.add("index.html", "home");
        o.add("404.html", "missing");
        o.add("demo/index.html", "guide");
        o.add("static/site.css", "css");
        o
    }

    #[test]
    fn lookup_stays_in_the_output() {
        let o = site();
        assert_eq!(lookup(&o, "/"), Lookup::File("index.html".into()));
        assert_eq!(lookup(&o, "/?x=1#top"), Lookup::File("index.html".into()));
        assert_eq!(lookup(&o, "/demo/"), Lookup::File("demo/index.html".into()));
        assert_eq!(lookup(&o, "/demo"), Lookup::Redirect("/demo/".into()));
        assert_eq!(
            lookup(&o, "//demo"),
            Lookup::Redirect("/demo/".into()),
            "never a protocol-relative redirect"
        );
        assert_eq!(
            lookup(&o, "/static/site%2Ecss"),
            Lookup::File("static/site.css".into())
        );
        assert_eq!(lookup(&o, "/nope.html"), Lookup::NotFound);
        assert_eq!(lookup(&o, "//etc/passwd"), Lookup::NotFound);
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/static/..%2f..%2fCargo.toml",
            "/static/%2E%2E/%2E%2E/x",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "/%ff",
            "http://example.org/",
            "*",
            "/./index.html",
        ] {
            assert_eq!(lookup(&o, bad), Lookup::BadRequest, "{bad}");
        }
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(mime_type("static/site.CSS"), "text/css; charset=utf-8");
        assert_eq!(
            mime_type("static/sandbox/flow.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(mime_type("shot.png"), "image/png");
        assert_eq!(mime_type("README"), "application/octet-stream");
    }
}
