//! Links: every relative link and `#anchor` of the generated pages must resolve, and external
//! `http(s):`/`mailto:` links must be well formed (no network access).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::is_email;
use crate::content::data::{is_http_url, line_of};
use crate::content::Library;
use crate::error::{Result, SourceError};
use crate::html::scan_attrs;
use crate::output::Output;
use crate::pipeline::Built;

/// Every relative link and `#anchor` in the generated HTML must resolve; fails on the first
/// broken link ([`link_problems`] lists them all).
pub(crate) fn check_links(lib: &Library, site: &Built) -> Result<()> {
    match link_problems(lib, site).into_iter().next() {
        Some(first) => Err(first.into()),
        None => Ok(()),
    }
}

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
    let per_page: Vec<Vec<SourceError>> = site
        .pages
        .par_iter()
        .zip(links.par_iter())
        .map(|(p, targets)| {
            let mut out = Vec::new();
            let mut text = None;
            // How many times each address was reported on this page.
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for target in targets.iter().flatten() {
                if let Some(problem) = link_problem(&p.rel, target, &site.output, &ids) {
                    let message = format!("broken link `{target}` on page {}: {problem}", p.rel);
                    // A link of the page's Markdown is reported where its source wrote it (its
                    // n-th occurrence at the n-th such link); a link the template made, at the
                    // line of the page's source that names it.
                    let n = seen.entry(target.as_ref()).or_insert(0);
                    *n += 1;
                    let written = p.links.iter().filter(|l| l.url == *target);
                    match written.clone().nth(*n - 1).or_else(|| written.last()) {
                        Some(l) => {
                            out.push(SourceError::new(&l.origin.file, l.origin.line, message))
                        }
                        None => {
                            let text = text
                                .get_or_insert_with(|| lib.source_text(&p.source).unwrap_or(""));
                            out.push(SourceError::new(
                                &p.source,
                                link_line(text, target),
                                message,
                            ));
                        }
                    }
                }
            }
            out
        })
        .collect();
    // The slides and handouts are made from the same Markdown as the other pages: their
    // problems are reported only when those pages have none (a problem of their own making),
    // so a broken link in a step is reported once, at its step.
    let (derived, own): (Vec<_>, Vec<_>) = site
        .pages
        .iter()
        .zip(per_page)
        .partition(|(p, _)| is_derived_page(&p.rel));
    let own: Vec<SourceError> = own.into_iter().flat_map(|(_, e)| e).collect();
    if own.is_empty() {
        derived.into_iter().flat_map(|(_, e)| e).collect()
    } else {
        own
    }
}

/// A guide's slides or handout: pages made from the guide's other pages' sources.
fn is_derived_page(rel: &str) -> bool {
    rel.ends_with("/slides/index.html") || rel.ends_with("/print/index.html")
}

/// The line of the source that names the template-made link `target`: the URL itself, else its `#fragment`
/// (the URL may come from `step_url()`), else its last folder name; 0 if none is found.
fn link_line(source: &str, target: &str) -> usize {
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
    .map(|n| line_of(source, n))
    .find(|l| *l > 0)
    .unwrap_or(0)
}

fn link_problem<S: std::borrow::Borrow<str> + Eq + std::hash::Hash>(
    page: &str,
    target: &str,
    output: &Output,
    ids: &HashMap<&str, HashSet<S>>,
) -> Option<String> {
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
    let target_rel = if path_part.is_empty() {
        page.to_string()
    } else {
        let base = match page.rfind('/') {
            Some(i) => &page[..i],
            None => "",
        };
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
                        return Some("points above the site root".into());
                    }
                }
                s => parts.push(s),
            }
        }
        let mut joined = parts.join("/");
        if path_part.ends_with('/') {
            return Some(format!(
                "links to a folder; link to {}index.html so it works from disk",
                path_part
            ));
        }
        if joined.is_empty() {
            joined = "index.html".into();
        }
        joined
    };
    if !output.contains(&target_rel) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_resolution() {
        let mut o = Output::new();
        o.add("index.html", "");
        o.add("g/index.html", "");
        o.add("g/a/index.html", "");
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
