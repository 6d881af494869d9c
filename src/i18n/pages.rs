//! What a page in any language needs beyond its content: where it goes, the language switcher
//! and hreflang alternates, the search box's files, and assets that stay at the site root.

use serde::Serialize;

use super::{own_name, Share};
use crate::html::Edits;

/// One entry of the language switcher (and one hreflang alternate).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LanguageLink {
    pub code: String,
    /// The language's name in that language.
    pub name: String,
    /// The same page in that language, relative to the current page.
    pub url: String,
    /// The same page in that language, from the site root (for absolute hreflang addresses).
    pub path: String,
    /// How much of the page is translated into that language.
    pub percent: u32,
    pub current: bool,
}

/// The output path of a page in a language: the default language at the root, the others in
/// `<lang>/`.
pub fn lang_rel(lang: &str, default: &str, rel: &str) -> String {
    if lang == default {
        rel.to_string()
    } else {
        format!("{lang}/{rel}")
    }
}

/// Relative prefix from the folder of output path `rel` to the site root (`../../`).
pub fn site_prefix(rel: &str) -> String {
    "../".repeat(rel.matches('/').count())
}

/// The switcher of the page at `rel` (its path inside a language) shown in `current`:
/// every language (`langs`: default first), with `share(lang)` the page's translated share.
pub fn language_links(
    langs: &[String],
    default: &str,
    current: &str,
    rel: &str,
    share: &dyn Fn(&str) -> Share,
) -> Vec<LanguageLink> {
    let up = site_prefix(&lang_rel(current, default, rel));
    langs
        .iter()
        .map(|l| LanguageLink {
            code: l.clone(),
            name: own_name(l).unwrap_or(l).to_string(),
            url: format!("{up}{}", lang_rel(l, default, rel)),
            path: lang_rel(l, default, rel),
            percent: if l == default {
                100
            } else {
                share(l).percent()
            },
            current: l == current,
        })
        .collect()
}

/// Points a translated page's references to the site-wide folders (`static/`, `images/`,
/// `search/`) at the site root: `root` is the page's prefix to its language's root, one folder
/// below the site root. The changes go into `edits` (the render step makes them in one copy with
/// the other changes of a translated page).
pub(crate) fn relocations(html: &str, root: &str, edits: &mut Edits) {
    // Each reference `<lead><root><folder>` gets `../` before its folder: one search per folder
    // for the (few) places it is named.
    for dir in ["static/", "images/", "search/"] {
        // (memchr's SIMD search: this runs over every page of every other language)
        for p in memchr::memmem::find_iter(html.as_bytes(), dir) {
            let before = &html[..p];
            let referenced = before.strip_suffix(root).is_some_and(|b| {
                ["=\"", "='", ", ", "url("]
                    .iter()
                    .any(|lead| b.ends_with(lead))
            });
            if referenced {
                edits.insert(p, "../");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relocate_assets(html: &str, root: &str) -> String {
        let mut edits = Edits::default();
        relocations(html, root, &mut edits);
        edits.apply(html).into_owned()
    }

    #[test]
    fn switcher_links_to_the_same_page_in_each_language() {
        let langs = vec!["en".to_string(), "de".to_string(), "it".to_string()];
        let share = |l: &str| Share {
            translated: if l == "de" { 9 } else { 10 },
            total: 10,
        };
        let links = language_links(&langs, "en", "de", "g/s/index.html", &share);
        let urls: Vec<(&str, &str, u32, bool)> = links
            .iter()
            .map(|l| (l.code.as_str(), l.url.as_str(), l.percent, l.current))
            .collect();
        assert_eq!(
            urls,
            vec![
                ("en", "../../../g/s/index.html", 100, false),
                ("de", "../../../de/g/s/index.html", 90, true),
                ("it", "../../../it/g/s/index.html", 100, false),
            ]
        );
        assert_eq!(links[1].name, "Deutsch");
        let home = language_links(&langs, "en", "en", "index.html", &share);
        assert_eq!(home[2].url, "it/index.html");
    }

    #[test]
    fn assets_stay_at_the_site_root() {
        let html = "<link href=\"../../static/site.css\"><img src=\"../../images/a.png\" srcset=\"../../images/a.png 1x, ../../images/b.png 2x\"><a href=\"../../index.html\">";
        assert_eq!(
            relocate_assets(html, "../../"),
            "<link href=\"../../../static/site.css\"><img src=\"../../../images/a.png\" srcset=\"../../../images/a.png 1x, ../../../images/b.png 2x\"><a href=\"../../index.html\">"
        );
        assert_eq!(
            relocate_assets("<script src=\"static/search.js\">", ""),
            "<script src=\"../static/search.js\">"
        );
        // only references: a folder's name in text, or under another prefix, stays
        let text = "<p>see static/ and ../static/x, url(../../search/a.js)</p>";
        assert_eq!(
            relocate_assets(text, "../../"),
            "<p>see static/ and ../static/x, url(../../../search/a.js)</p>"
        );
    }
}
