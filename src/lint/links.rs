//! Links: every relative link and `#anchor` of the generated pages must resolve, and external
//! `http(s):`/`mailto:` links must be well formed (no network access).

use std::borrow::{Borrow, Cow};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use rayon::prelude::*;

use super::origin::{Origins, Place};
use crate::config::is_email;
use crate::content::data::is_http_url;
use crate::content::guide::Source;
use crate::content::positions::front_value_lines;
use crate::content::Library;
use crate::error::{Result, SourceError};
use crate::html::scan_attrs;
use crate::output::Output;
use crate::pipeline::Built;
use crate::render::PageInfo;

/// Every broken link of the site, in page order: a relative link or `#anchor` that does not
/// resolve, or an external `http(s):`/`mailto:` link that is not well formed (no network access).
pub(crate) fn link_problems(lib: &Library, site: &Built) -> Vec<SourceError> {
    // One pass over each page's HTML (pages in parallel) collects its ids and its links.
    // Values borrow from the pages' HTML (only ones with character references are copied).
    type Scanned<'h> = Option<(HashSet<Cow<'h, str>>, Vec<Cow<'h, str>>)>;
    let scanned: Vec<Scanned> = site
        .pages
        .par_iter()
        .map(|p| {
            site.output.get(&p.rel).map(|bytes| {
                let a = match std::str::from_utf8(bytes) {
                    Ok(html) => scan_attrs(html),
                    Err(_) => scan_attrs(&String::from_utf8_lossy(bytes)).into_owned(),
                };
                (a.ids.into_iter().collect(), a.links)
            })
        })
        .collect();
    let mut ids: HashMap<&str, HashSet<Cow<str>>> = HashMap::with_capacity(scanned.len());
    let mut links: Vec<Option<Vec<Cow<str>>>> = Vec::with_capacity(scanned.len());
    for (p, attrs) in site.pages.iter().zip(scanned) {
        match attrs {
            Some((page_ids, page_links)) => {
                ids.insert(p.rel.as_str(), page_ids);
                links.push(Some(page_links));
            }
            None => links.push(None),
        }
    }
    problems_in(lib, &site.pages, &links, &ids, &|rel| {
        site.output.contains(rel)
    })
}

/// A page's ids and links, read from its HTML: what a build keeps of each page it has
/// written (it checks the links of a site whose pages are no longer in memory), and what
/// `serve`'s [`LinkIndex`] keeps of each page.
pub(crate) struct PageLinks {
    ids: HashSet<String>,
    links: Vec<String>,
}

impl PageLinks {
    pub fn read(html: &str) -> PageLinks {
        let a = scan_attrs(html);
        PageLinks {
            ids: a.ids.into_iter().map(Cow::into_owned).collect(),
            links: a.links.into_iter().map(Cow::into_owned).collect(),
        }
    }
}

/// Fails on the first of [`link_problems`] of a site whose pages were written and are no
/// longer in memory: `pages` with their ids and links (`scanned`, in the same order), `other`
/// the rest of its files (static files, images), `to_come` files still being made (the
/// search indexes).
pub(crate) fn check_written_links(
    lib: &Library,
    pages: &[PageInfo],
    scanned: Vec<PageLinks>,
    other: &Output,
    to_come: &[String],
) -> Result<()> {
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::with_capacity(scanned.len());
    let mut links: Vec<Option<Vec<String>>> = Vec::with_capacity(scanned.len());
    for (p, scan) in pages.iter().zip(scanned) {
        ids.insert(p.rel.as_str(), scan.ids);
        links.push(Some(scan.links));
    }
    let exists = |rel: &str| {
        ids.contains_key(rel) || other.contains(rel) || to_come.iter().any(|f| f == rel)
    };
    match problems_in(lib, pages, &links, &ids, &exists)
        .into_iter()
        .next()
    {
        Some(first) => Err(first.into()),
        None => Ok(()),
    }
}

/// The broken links of `pages`, whose links (`None`: a page not in the output) and ids were
/// read from their HTML; `exists` says whether the output has a file.
fn problems_in<T, K, S>(
    lib: &Library,
    pages: &[PageInfo],
    links: &[Option<Vec<T>>],
    ids: &HashMap<K, HashSet<S>>,
    exists: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<SourceError>
where
    T: AsRef<str> + Sync,
    K: Borrow<str> + Eq + Hash + Sync,
    S: Borrow<str> + Eq + Hash + Sync,
{
    let origins = Origins::new(lib);
    let per_page: Vec<Vec<SourceError>> = pages
        .par_iter()
        .zip(links.par_iter())
        .map(|(p, targets)| match targets {
            Some(targets) => page_problems(&origins, p, targets, exists, ids),
            None => Vec::new(),
        })
        .collect();
    reported(pages.iter().zip(per_page))
}

/// The broken links of page `p` (its `targets`, read from its HTML), each at the line that
/// wrote it.
fn page_problems<T, K, S>(
    origins: &Origins,
    p: &PageInfo,
    targets: &[T],
    exists: &(dyn Fn(&str) -> bool + Sync),
    ids: &HashMap<K, HashSet<S>>,
) -> Vec<SourceError>
where
    T: AsRef<str>,
    K: Borrow<str> + Eq + Hash,
    S: Borrow<str> + Eq + Hash,
{
    let mut out = Vec::new();
    let mut source = None;
    // How many times each address was reported on this page.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for target in targets {
        let target = target.as_ref();
        if let Some(problem) = link_problem(&p.rel, target, exists, ids) {
            let message = format!("broken link `{target}` on page {}: {problem}", p.rel);
            // A link of the page's Markdown is reported where its source wrote it (its
            // n-th occurrence at the n-th such link); a link the template made, at the
            // line of the page's source that names it, else where the data or the theme's
            // templates have it.
            let n = seen.entry(target).or_insert(0);
            *n += 1;
            // The HTML writes an address percent-encoded where the Markdown may not have
            // (`java&#x09;script:` is `java%09script:` in the page).
            let mut written = p
                .links
                .iter()
                .filter(|l| l.url == target || percent_decoded(&l.url) == percent_decoded(target));
            match written.clone().nth(*n - 1).or_else(|| written.next_back()) {
                Some(l) => {
                    let origin = l.origin();
                    out.push(SourceError::new(&origin.file, origin.line, message))
                }
                None => {
                    let source = *source.get_or_insert_with(|| origins.lib().source(&p.source));
                    let (file, line) = match link_line(source, target) {
                        0 => made_link_origin(origins, target).unwrap_or((p.source.clone(), 0)),
                        line => (p.source.clone(), line),
                    };
                    out.push(SourceError::new(&file, line, message));
                }
            }
        }
    }
    out
}

/// The problems to report from each page's: the slides and handouts are made from the same
/// Markdown as the other pages, so their problems are reported only when those pages have
/// none (a problem of their own making), and a broken link in a step is reported once, at
/// its step.
fn reported<'p>(
    per_page: impl Iterator<Item = (&'p PageInfo, Vec<SourceError>)>,
) -> Vec<SourceError> {
    let (derived, own): (Vec<_>, Vec<_>) = per_page.partition(|(p, _)| is_derived_page(&p.rel));
    let own: Vec<SourceError> = own.into_iter().flat_map(|(_, e)| e).collect();
    if own.is_empty() {
        derived.into_iter().flat_map(|(_, e)| e).collect()
    } else {
        own
    }
}

/// What `serve` keeps between rebuilds to check only the links that can have changed: each
/// page's ids and links (read from its HTML), and which pages link to each output file.
#[derive(Default)]
pub(crate) struct LinkIndex {
    ids: HashMap<String, HashSet<String>>,
    links: HashMap<String, Vec<String>>,
    /// Output file -> the pages with a relative link to it (or to an anchor in it).
    into: HashMap<String, HashSet<String>>,
}

impl LinkIndex {
    /// The index of every page of `site`.
    pub fn new(site: &Built) -> LinkIndex {
        let mut index = LinkIndex::default();
        let all: Vec<&str> = site.pages.iter().map(|p| p.rel.as_str()).collect();
        index.update(site, &all);
        index
    }

    /// Reads again the pages `changed` (output paths) from `site`; a page no longer in the
    /// site is forgotten.
    pub fn update(&mut self, site: &Built, changed: &[&str]) {
        let scanned: Vec<(&str, Option<PageLinks>)> = changed
            .par_iter()
            .map(|rel| {
                let attrs = (site.output.get(rel))
                    .map(|bytes| PageLinks::read(&String::from_utf8_lossy(bytes)));
                (*rel, attrs)
            })
            .collect();
        for (rel, attrs) in scanned {
            self.ids.remove(rel);
            for target in self.links.remove(rel).iter().flatten() {
                if let Some(file) = target_file(rel, target) {
                    if let Some(from) = self.into.get_mut(&file) {
                        from.remove(rel);
                    }
                }
            }
            let Some(PageLinks { ids, links }) = attrs else {
                continue;
            };
            for target in &links {
                if let Some(file) = target_file(rel, target) {
                    self.into.entry(file).or_default().insert(rel.to_string());
                }
            }
            self.ids.insert(rel.to_string(), ids);
            self.links.insert(rel.to_string(), links);
        }
    }

    /// The pages whose links can have changed when the output files `changed` were written
    /// again or removed: those pages themselves and every page that links to one of them.
    pub fn affected<'a>(&self, changed: impl Iterator<Item = &'a str>) -> HashSet<String> {
        let mut out = HashSet::new();
        for rel in changed {
            if self.links.contains_key(rel) {
                out.insert(rel.to_string());
            }
            out.extend(self.into.get(rel).into_iter().flatten().cloned());
        }
        out
    }

    /// The broken links of the pages `check` of `site` (as [`link_problems`] reports them;
    /// the same when the other pages have none).
    pub fn problems(
        &self,
        lib: &Library,
        site: &Built,
        check: &HashSet<String>,
    ) -> Vec<SourceError> {
        let pages: Vec<&PageInfo> = site
            .pages
            .iter()
            .filter(|p| check.contains(&p.rel))
            .collect();
        let origins = Origins::new(lib);
        let per_page: Vec<Vec<SourceError>> = pages
            .par_iter()
            .map(|p| match self.links.get(&p.rel) {
                Some(targets) => page_problems(
                    &origins,
                    p,
                    targets,
                    &|rel| site.output.contains(rel),
                    &self.ids,
                ),
                None => Vec::new(),
            })
            .collect();
        reported(pages.into_iter().zip(per_page))
    }
}

/// The output file a relative link of page `page` leads to (`None` for other links and
/// links that do not resolve).
fn target_file(page: &str, target: &str) -> Option<String> {
    let t = target.trim();
    if t.is_empty() || t.contains(':') || t.starts_with('/') {
        return None;
    }
    let path_part = t.split('#').next().unwrap_or("");
    resolve(page, path_part.split('?').next().unwrap_or("")).ok()
}

/// `s` with its `%XX` escapes decoded (invalid escapes and UTF-8 kept as they are).
fn percent_decoded(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = s
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// A guide's slides or handout: pages made from the guide's other pages' sources.
fn is_derived_page(rel: &str) -> bool {
    rel.ends_with("/slides/index.html") || rel.ends_with("/print/index.html")
}

/// The line of the front-matter value of `source` that names the template-made link `target`
/// (the page's Markdown links are recorded with their lines; a template makes its links from
/// data, such as `related` guides): the URL itself, else its `#fragment`, else its last folder
/// name; 0 if no value names it (the theme or a data file made it).
fn link_line(source: Option<&Source>, target: &str) -> usize {
    let Some(source) = source else {
        return 0;
    };
    let lines: Vec<&str> = crate::html::lines(&source.text).collect();
    let values: Vec<usize> = front_value_lines(source).into_iter().flatten().collect();
    let value_naming = |needle: &str| {
        values.iter().copied().find(|&l| {
            let text = lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
            let value = text.split(" #").next().unwrap_or("");
            !value.trim_start().starts_with('#') && value.contains(needle)
        })
    };
    let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
    let folder = path
        .trim_end_matches("index.html")
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && *s != "..");
    [
        Some(target),
        Some(path),
        (!fragment.is_empty()).then_some(fragment),
        folder,
    ]
    .into_iter()
    .flatten()
    .filter(|n| !n.is_empty())
    .find_map(value_naming)
    .unwrap_or(0)
}

/// Where a link that a template made and no front-matter value names comes from: the data
/// value that is its address (a `mailto:` link's e-mail address), else the one line of the
/// theme's templates that writes it: the whole address, else (an address a template puts
/// together from an expression and a literal, as `{{ root }}old/` or `{{ guide.url }}#nope`)
/// the literal part after the `../` a root expression gives, else its `#fragment`.
fn made_link_origin(origins: &Origins, target: &str) -> Option<Place> {
    let address = target
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("mailto:"))
        .map(|_| &target[7..]);
    let mut below_root = target;
    while let Some(rest) = below_root.strip_prefix("../") {
        below_root = rest;
    }
    let below_root =
        (below_root.len() < target.len() && below_root.len() > 1).then_some(below_root);
    let fragment = target
        .find('#')
        .map(|i| &target[i..])
        .filter(|f| f.len() > 1);
    origins
        .value(target)
        .or_else(|| address.and_then(|a| origins.value(a)))
        .or_else(|| origins.template_literal(target))
        .or_else(|| below_root.and_then(|r| origins.template_literal(r)))
        .or_else(|| fragment.and_then(|f| origins.template_literal(f)))
}

fn link_problem<K, S>(
    page: &str,
    target: &str,
    exists: &(dyn Fn(&str) -> bool + Sync),
    ids: &HashMap<K, HashSet<S>>,
) -> Option<String>
where
    K: Borrow<str> + Eq + Hash,
    S: Borrow<str> + Eq + Hash,
{
    let t = target.trim();
    if t.is_empty() {
        return Some("empty link".into());
    }
    // Every scheme has a `:`; most links are relative and skip these checks.
    if t.contains(':') {
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return (!is_http_url(&lower)).then(|| "not a well-formed http(s) URL".into());
        }
        if let Some(address) = lower.strip_prefix("mailto:") {
            // The whole link is the address: no `?cc=`, `&bcc=`, `subject` or encoded headers.
            return (!is_email(address)).then(|| {
                format!(
                    "`{address}` is not a plain e-mail address (a mailto: link carries no headers)"
                )
            });
        }
        if lower.starts_with("data:") || lower.starts_with("tel:") {
            return None;
        }
        if !lower.starts_with('#')
            && lower
                .split(['/', '#', '?'])
                .next()
                .is_some_and(|s| s.contains(':'))
        {
            return Some("unsupported URL scheme".into());
        }
    }
    if t.starts_with('/') || t.starts_with("//") {
        return Some("links must be relative so the site works from disk".into());
    }
    let (path_part, fragment) = match t.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (t, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let target_rel = match resolve(page, path_part) {
        Ok(rel) => rel,
        Err(problem) => return Some(problem),
    };
    if !exists(&target_rel) {
        return Some(format!("no such file `{target_rel}` in the output"));
    }
    if let Some(f) = fragment {
        // `#/screen` routes belong to the sandbox's script.
        if !f.is_empty() && !f.starts_with('/') {
            if let Some(set) = ids.get(target_rel.as_str()) {
                if !set.contains(f) {
                    return Some(format!("no element with id `{f}` on {target_rel}"));
                }
            }
        }
    }
    None
}

/// The output file that the path part `path_part` of a relative link of `page` names, or
/// why it names none.
fn resolve(page: &str, path_part: &str) -> Result<String, String> {
    if path_part.is_empty() {
        return Ok(page.to_string());
    }
    let base = match page.rfind('/') {
        Some(i) => &page[..i],
        None => "",
    };
    // Most links are `../` (or `./`) steps up and then plain names: the same result without
    // a list of the segments (every page has dozens of links).
    let (mut up, mut rest) = (base, path_part);
    loop {
        if let Some(r) = rest.strip_prefix("../") {
            up = match up.rfind('/') {
                Some(i) => &up[..i],
                None if !up.is_empty() => "",
                None => return Err("points above the site root".into()),
            };
            rest = r;
        } else if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else {
            break;
        }
    }
    if !rest.split('/').any(|s| matches!(s, "" | "." | "..")) {
        return Ok(if up.is_empty() {
            rest.to_string()
        } else {
            format!("{up}/{rest}")
        });
    }
    resolve_by_segments(base, path_part)
}

/// [`resolve`] of a non-empty `path_part` from the folder `base` of a page, segment by
/// segment (any path).
fn resolve_by_segments(base: &str, path_part: &str) -> Result<String, String> {
    let mut parts: Vec<&str> = if base.is_empty() {
        Vec::new()
    } else {
        base.split('/').collect()
    };
    for seg in path_part.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("points above the site root".into());
                }
            }
            s => parts.push(s),
        }
    }
    if path_part.ends_with('/') {
        return Err(format!(
            "links to a folder; link to {path_part}index.html so it works from disk"
        ));
    }
    let joined = parts.join("/");
    Ok(if joined.is_empty() {
        "index.html".into()
    } else {
        joined
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_resolves_as_segment_by_segment() {
        let pages = [
            "index.html",
            "de/index.html",
            "g/index.html",
            "g/s/index.html",
            "a//b.html",
        ];
        let parts = ["", ".", "..", "x", "x.html", "s"];
        let mut paths: Vec<String> = vec!["../".into(), "./".into(), "x/".into()];
        for a in parts {
            for b in parts {
                for c in parts {
                    paths.push([a, b, c].join("/"));
                    paths.push(format!("{a}/{b}/{c}/"));
                }
            }
        }
        for page in pages {
            let base = page.rfind('/').map_or("", |i| &page[..i]);
            for path in paths.iter().filter(|p| !p.is_empty()) {
                assert_eq!(
                    resolve(page, path),
                    resolve_by_segments(base, path),
                    "{page} {path}"
                );
            }
        }
        assert_eq!(
            resolve("g/s/index.html", "../../t/index.html").as_deref(),
            Ok("t/index.html")
        );
        assert!(resolve("g/index.html", "../../x.html").is_err());
    }

    #[test]
    fn a_template_made_link_is_at_the_front_matter_value_that_names_it() {
        let text = "---\ntitle: \"See old-guide\"\n# related: old-guide\nrelated:\n  - old-guide\n---\nThe old-guide page.\n";
        let (_, _, source) =
            crate::content::guide::split_front_matter(text, std::path::Path::new("g.md")).unwrap();
        // the title names it first, as text: a value all the same
        assert_eq!(link_line(Some(&source), "../old-guide/index.html"), 2);
        let no_title = text.replace("See old-guide", "T");
        let (_, _, source) =
            crate::content::guide::split_front_matter(&no_title, std::path::Path::new("g.md"))
                .unwrap();
        assert_eq!(link_line(Some(&source), "../old-guide/index.html"), 5);
        // only the body mentions it: the link was not made from this source
        assert_eq!(link_line(Some(&source), "../page/index.html"), 0);
        assert_eq!(link_line(None, "../old-guide/index.html"), 0);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decoded("java%09script:x"), "java\tscript:x");
        assert_eq!(percent_decoded("a%2"), "a%2");
        assert_eq!(percent_decoded("%zz%41"), "%zzA");
        assert_eq!(percent_decoded("plain"), "plain");
    }

    #[test]
    fn link_resolution() {
        let mut o = Output::new();
        o.add("index.html", "");
        o.add("g/index.html", "");
        o.add("g/a/index.html", "");
        let o = |rel: &str| o.contains(rel);
        let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
        ids.insert("g/a/index.html", ["top".to_string()].into_iter().collect());
        assert_eq!(
            link_problem("g/a/index.html", "../index.html", &o, &ids),
            None
        );
        assert_eq!(
            link_problem("g/a/index.html", "../../index.html", &o, &ids),
            None
        );
        assert_eq!(link_problem("g/a/index.html", "#top", &o, &ids), None);
        assert!(link_problem("g/a/index.html", "#nope", &o, &ids).is_some());
        assert!(link_problem("g/a/index.html", "../b/index.html", &o, &ids).is_some());
        assert!(link_problem("g/a/index.html", "../", &o, &ids).is_some());
        assert!(link_problem("g/a/index.html", "/g/index.html", &o, &ids).is_some());
        assert!(link_problem("g/a/index.html", "../../../x", &o, &ids).is_some());
        assert_eq!(
            link_problem("g/a/index.html", "https://x.org", &o, &ids),
            None
        );
        assert!(link_problem("g/a/index.html", "javascript:alert(1)", &o, &ids).is_some());
    }
}
