//! Published text speaks to readers: no placeholder contact presented as real (an address on a
//! reserved example domain as a helpdesk, a site contact or a `mailto:` link), and no internal
//! words (`seed`, `TODO`, `FIXME`, `placeholder`, `lorem ipsum`) in the text a reader sees.
//! Fictitious sample people (maria.example@example.org) stay: they are text, never a contact.

use rayon::prelude::*;

use crate::content::data::line_of;
use crate::content::positions::{config_email_line, network_line, ConfigEmail, NetworkValue};
use crate::content::Library;
use crate::error::SourceError;
use crate::pipeline::Built;

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
    INTERNAL.iter().copied().find(|w| {
        lower.match_indices(w).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// The text a reader sees on an HTML page: the text outside tags, without `<script>`,
/// `<style>` and `<template>` contents and without attributes.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        let tag = &rest[lt..];
        let lower_start: String = tag
            .chars()
            .take(10)
            .collect::<String>()
            .to_ascii_lowercase();
        let skip_to = ["script", "style", "template"]
            .iter()
            .find(|t| lower_start.starts_with(&format!("<{t}")))
            .map(|t| format!("</{t}"));
        rest = match skip_to {
            Some(end) => match tag.to_ascii_lowercase().find(&end) {
                Some(e) => &tag[e..],
                None => "",
            },
            None => tag,
        };
        rest = match rest.find('>') {
            Some(gt) => &rest[gt + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
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
    let in_config = |value: &str, pos: ConfigEmail, what: &str| {
        SourceError::new(
            &site_toml,
            config_email_line(&lib.config_text, pos),
            placeholder_message(value, what),
        )
    };
    for (i, c) in lib.config.contacts.iter().enumerate() {
        if is_placeholder_address(&c.email) {
            out.push(in_config(&c.email, ConfigEmail::Contact(i), "contact"));
        }
    }
    if let Some(email) = &lib.config.portal.email {
        if is_placeholder_address(email) {
            out.push(in_config(email, ConfigEmail::Portal, "portal email"));
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
    let found: Vec<(Option<String>, SourceError)> = site
        .pages
        .par_iter()
        .filter_map(|p| {
            let bytes = site.output.get(&p.rel)?;
            let html = String::from_utf8_lossy(bytes);
            let mut out = Vec::new();
            let source_text = || lib.source_text(&p.source).unwrap_or("").to_string();
            for part in html.split("mailto:").skip(1) {
                let addr: String = part
                    .chars()
                    .take_while(|c| !matches!(c, '"' | '\'' | '?' | '>' | ' '))
                    .collect();
                if is_placeholder_address(&addr) {
                    // A link of the page's Markdown is where its source wrote it; one the
                    // template made, at the line of the page's source that names it.
                    let written = p.links.iter().find(|l| {
                        l.url
                            .get(..7 + addr.len())
                            .is_some_and(|u| u.eq_ignore_ascii_case(&format!("mailto:{addr}")))
                    });
                    let (file, line) = match written {
                        Some(l) => (l.origin.file.clone(), l.origin.line),
                        None => (p.source.clone(), line_of(&source_text(), &addr)),
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
                out.push((Some(format!("word:{word}")), SourceError::new(
                    &p.source,
                    line_of(&source_text().to_lowercase(), word),
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
    fn visible_text_skips_tags_attributes_and_scripts() {
        let t = visible_text(
            "<p title=\"seed\">Hello <b>there</b></p><script>var seed = 1;</script><input placeholder=\"x\">end",
        );
        assert!(t.contains("Hello") && t.contains("there") && t.contains("end"));
        assert!(internal_word(&t).is_none(), "{t}");
    }
}
