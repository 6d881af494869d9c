//! Published text speaks to readers: no placeholder contact presented as real (an address on a
//! reserved example domain as a helpdesk, a site contact or a `mailto:` link), and no internal
//! words (`seed`, `TODO`, `FIXME`, `placeholder`, `lorem ipsum`) in the text a reader sees.
//! Fictitious sample people (maria.example@example.org) stay: they are text, never a contact.

use rayon::prelude::*;

use super::origin::{self, Origins, Place};
use crate::content::positions::{
    config_line, front_value_lines, network_line, ConfigValue, NetworkValue,
};
use crate::content::Library;
use crate::error::SourceError;
use crate::pipeline::Built;
use crate::render::PageInfo;

/// Domains reserved for examples and tests (RFC 2606, RFC 6761): never a real mailbox.
const RESERVED: &[&str] = &[
    "example.org",
    "example.com",
    "example.net",
    "example",
    "test",
    "invalid",
    "localhost",
];

/// Words that belong in notes to authors, not in published text (matched as whole words,
/// case-insensitive).
const INTERNAL: &[&str] = &[
    "seed",
    "seeds",
    "todo",
    "fixme",
    "placeholder",
    "lorem ipsum",
];

/// Whether `address` (an e-mail address or a host) is on a reserved example domain.
pub(crate) fn is_placeholder_address(address: &str) -> bool {
    let host = address
        .rsplit('@')
        .next()
        .unwrap_or(address)
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    RESERVED
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// The first internal word of `text` (whole words, case-insensitive), if any.
pub(crate) fn internal_word(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    INTERNAL
        .iter()
        .copied()
        .find(|w| whole_words(&lower, w).next().is_some())
}

/// Where the word `w` (lowercase) occurs in `lower` as a whole word: byte offsets.
fn whole_words<'t>(lower: &'t str, w: &'t str) -> impl Iterator<Item = usize> + 't {
    lower.match_indices(w).map(|(i, _)| i).filter(move |&i| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + w.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The 1-based line of `markdown` (a source body or a fragment, before Jinja) where Markdown
/// shows `word` (lowercase) as text: in a text or code span of pulldown-cmark's events, outside
/// Jinja's `{{ }}`, `{% %}` and `{# #}` (a comment is never shown, an expression shows its
/// value, not its text).
fn shown_word_line(markdown: &str, word: &str) -> Option<usize> {
    use pulldown_cmark::{Event, Options, Parser};
    let jinja: Vec<std::ops::Range<usize>> = (origin::JINJA.iter())
        .flat_map(|&(open, close)| origin::spans(markdown, open, close))
        .collect();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let at = Parser::new_ext(markdown, options)
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Text(_) | Event::Code(_)))
        .find_map(|(_, range)| {
            let lower = markdown.get(range.clone())?.to_lowercase();
            // lowercasing keeps byte offsets of ASCII words where the text before is ASCII;
            // otherwise the offset is that of the range's start (same line or earlier)
            let same_len = lower.len() == range.len();
            let found = whole_words(&lower, word)
                .map(|i| range.start + if same_len { i } else { 0 })
                .find(|abs| !jinja.iter().any(|j| j.contains(abs)));
            found
        })?;
    Some(markdown[..at].matches('\n').count() + 1)
}

/// Where a `mailto:` link to `addr` that a template made has the address: the data value that
/// is the address (the accessibility statement's feedback contact; the other contact addresses
/// are reported by [`contact_problems`]), else the one line of the theme's templates that
/// writes `mailto:<addr>`; else the page's source, line unknown (0).
fn made_mailto_origin(origins: &Origins, p: &PageInfo, addr: &str) -> Place {
    origins
        .value(addr)
        .or_else(|| origins.template_literal(&format!("mailto:{addr}")))
        .unwrap_or_else(|| (p.source.clone(), 0))
}

/// Where the page `p` shows `word`: the body of its source, the fragments it includes, the
/// front matter's values, a value of the data that the page shows (its visible text
/// `shown`), on a page in another language the one line of its catalogs that translates
/// it, or the one template line that shows it; else the source at line 0.
fn word_line(origins: &Origins, p: &PageInfo, word: &str, shown: &str) -> Place {
    let lib = origins.lib();
    let source = lib.source(&p.source);
    if let Some(src) = source {
        if let Some(l) = shown_word_line(&src.body, word) {
            return (src.file.clone(), src.body_line + l - 1);
        }
    }
    for f in p.includes.iter().filter_map(|name| lib.shared.get(name)) {
        if let Some(l) = f
            .text
            .as_deref()
            .ok()
            .and_then(|t| shown_word_line(t, word))
        {
            return (f.file.clone(), l);
        }
    }
    if let Some(src) = source {
        // a value of the front matter that the page shows (title, summary, source, ...)
        let lines: Vec<&str> = src.text.lines().collect();
        for range in front_value_lines(src) {
            for l in range {
                let text = lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
                let value = match text.find(" #") {
                    Some(comment) => &text[..comment],
                    None if text.trim_start().starts_with('#') => "",
                    None => text,
                };
                if whole_words(&value.to_lowercase(), word).next().is_some() {
                    return (src.file.clone(), l);
                }
            }
        }
    }
    let has_word = |text: &str| whole_words(&text.to_lowercase(), word).next().is_some();
    // a page in another language than the site's shows its catalog's translations
    let lang = (lib.config.languages.iter()).find(|l| p.rel.starts_with(&format!("{l}/")));
    origins
        .shown_value(shown, word, has_word)
        .or_else(|| lang.and_then(|l| origins.translation(l, has_word)))
        .or_else(|| origins.template_word(has_word))
        .unwrap_or_else(|| (p.source.clone(), 0))
}

/// The text a reader sees on an HTML page: the text outside tags, without `<script>`,
/// `<style>` and `<template>` contents and without attributes.
fn visible_text(html: &str) -> String {
    origin::blanked(html, origin::PAGE_MARKUP)
}

/// Placeholder contacts in the contact data: network helpdesks and the site's contacts.
pub(crate) fn contact_problems(lib: &Library) -> Vec<SourceError> {
    let mut out = Vec::new();
    for net in lib.networks.values() {
        let at = |value: NetworkValue| {
            let text = crate::input::read_text(&net.source_file).unwrap_or_default();
            network_line(&text, value)
        };
        if let Some(h) = &net.helpdesk {
            if is_placeholder_address(&h.email) {
                out.push(SourceError::new(
                    &net.source_file,
                    at(NetworkValue::HelpdeskEmail),
                    placeholder_message(&h.email, "helpdesk"),
                ));
            }
        }
        if let Some(url) = &net.web_page {
            let host = url
                .split("://")
                .nth(1)
                .unwrap_or("")
                .split(['/', ':', '?', '#'])
                .next()
                .unwrap_or("");
            if is_placeholder_address(host) {
                out.push(SourceError::new(
                    &net.source_file,
                    at(NetworkValue::WebPage),
                    placeholder_message(url, "web page"),
                ));
            }
        }
    }
    let site_toml = lib.site_dir.join("site.toml");
    let in_config = |value: &str, pos: ConfigValue, what: &str| {
        SourceError::new(
            &site_toml,
            config_line(&lib.config_text, pos),
            placeholder_message(value, what),
        )
    };
    for (i, c) in lib.config.contacts.iter().enumerate() {
        if is_placeholder_address(&c.email) {
            out.push(in_config(&c.email, ConfigValue::ContactEmail(i), "contact"));
        }
    }
    if let Some(email) = &lib.config.portal.email {
        if is_placeholder_address(email) {
            out.push(in_config(email, ConfigValue::PortalEmail, "portal email"));
        }
    }
    out
}

fn placeholder_message(value: &str, what: &str) -> String {
    format!(
        "{what} \"{value}\" is on a reserved example domain: a placeholder presented as a real contact. \
         If the real one is not known, leave it out (for a helpdesk: `helpdesk: null`) and the pages say so"
    )
}

/// Placeholder `mailto:` links and internal words on the rendered pages: each placeholder
/// address and each word once (at its first page: the print and slide pages repeat the
/// steps), no address that `contact_problems` already reports at its source.
pub(crate) fn page_problems(lib: &Library, site: &Built) -> Vec<SourceError> {
    let mut known: std::collections::HashSet<String> = lib
        .networks
        .values()
        .filter_map(|n| n.helpdesk.as_ref().map(|h| h.email.to_ascii_lowercase()))
        .chain(
            lib.config
                .contacts
                .iter()
                .map(|c| c.email.to_ascii_lowercase()),
        )
        .chain(
            lib.config
                .portal
                .email
                .iter()
                .map(|e| e.to_ascii_lowercase()),
        )
        .collect();
    let origins = Origins::new(lib);
    let found: Vec<(Option<String>, SourceError)> = site
        .pages
        .par_iter()
        .filter_map(|p| {
            let bytes = site.output.get(&p.rel)?;
            let html = String::from_utf8_lossy(bytes);
            let mut out = Vec::new();
            for part in html.split("mailto:").skip(1) {
                let addr: String = part
                    .chars()
                    .take_while(|c| !matches!(c, '"' | '\'' | '?' | '>' | ' '))
                    .collect();
                if is_placeholder_address(&addr) {
                    // A link of the page's Markdown is where its source wrote it; one the
                    // template made, where the data gives the address.
                    let written = p.links.iter().find(|l| {
                        l.url
                            .get(..7 + addr.len())
                            .is_some_and(|u| u.eq_ignore_ascii_case(&format!("mailto:{addr}")))
                    });
                    let (file, line) = match written {
                        Some(l) => {
                            let origin = l.origin();
                            (origin.file, origin.line)
                        }
                        None => made_mailto_origin(&origins, p, &addr),
                    };
                    out.push((Some(addr.to_ascii_lowercase()), SourceError::new(
                        &file,
                        line,
                        format!(
                            "page {} links to the placeholder address {addr} as a contact (mailto:); \
                             sample people may appear as text, never as a contact",
                            p.rel
                        ),
                    )));
                }
            }
            let text = visible_text(&html);
            if let Some(word) = internal_word(&text) {
                let (file, line) = word_line(&origins, p, word, &text);
                out.push((Some(format!("word:{word}")), SourceError::new(
                    &file,
                    line,
                    format!(
                        "page {} shows the internal word \"{word}\" to readers: published text names documents by title, without notes to authors",
                        p.rel
                    ),
                )));
            }
            Some(out)
        })
        .flatten()
        .collect();
    found
        .into_iter()
        .filter(|(key, _)| key.as_ref().is_none_or(|k| known.insert(k.clone())))
        .map(|(_, e)| e)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_domains_are_placeholders() {
        assert!(is_placeholder_address("cpms-helpdesk@ern-rnd.example.org"));
        assert!(is_placeholder_address("a@EXAMPLE.COM"));
        assert!(is_placeholder_address("x@host.test"));
        assert!(!is_placeholder_address("cpmshelpdesk@paedcan.ern-net.eu"));
        assert!(!is_placeholder_address("someone@example-hospital.eu"));
    }

    #[test]
    fn internal_words_are_whole_words() {
        assert_eq!(
            internal_word("Based on the guide (seed 002)."),
            Some("seed")
        );
        assert_eq!(internal_word("TODO: check"), Some("todo"));
        assert_eq!(internal_word("A placeholder address"), Some("placeholder"));
        assert_eq!(
            internal_word("Proceed to the next step; seedless grapes"),
            None
        );
        assert_eq!(internal_word("Take your time."), None);
    }

    #[test]
    fn a_shown_word_is_found_where_markdown_shows_it() {
        let md = "{# TODO: a note #}\nThe todolist.\n\n<!-- todo -->\n{{ link(\"todo\").url }}\n\n- TODO: check\n";
        assert_eq!(shown_word_line(md, "todo"), Some(7));
        assert_eq!(shown_word_line("Just text.\n", "todo"), None);
        assert_eq!(shown_word_line("a\n\n```\nseed 1\n```\n", "seed"), Some(4));
    }

    #[test]
    fn visible_text_skips_tags_attributes_and_scripts() {
        let t = visible_text(
            "<p title=\"seed\">Hello <b>there</b></p><script>var seed = 1;</script><input placeholder=\"x\">end",
        );
        assert!(t.contains("Hello") && t.contains("there") && t.contains("end"));
        assert!(internal_word(&t).is_none(), "{t}");
    }
}
