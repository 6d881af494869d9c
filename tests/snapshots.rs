//! The `<main>` of every page of the basic fixture and of the bundled portal, as insta
//! snapshots (`tests/snapshots/`): a refactor must leave every page's content unchanged.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always` then `git diff`).

mod common;

use common::{walk, TestSite};

/// `<main ...>...</main>` of a page (the whole page when it has none).
fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |e| start + e + "</main>".len());
    &html[start..end]
}

/// The CPMS 2.0 guides generated for every ERN from one template (content/guides/cpms2/) differ
/// only by their network's data; these represent them: networks with their own data and
/// helpdesk (paedcan, reconnet), without a published helpdesk (ern-rnd), and known only from
/// erns.yaml (vascern).
const GENERATED_SNAPSHOTTED: &[&str] = &[
    "paedcan-cpms2",
    "reconnet-cpms2",
    "ern-rnd-cpms2",
    "vascern-cpms2",
];

fn snapshot_pages(prefix: &str, site: &TestSite) {
    site.build().success();
    let pages: Vec<(String, Vec<u8>)> = walk(&site.out())
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .filter(|(rel, _)| {
            let guide = rel.split('/').next().unwrap_or("");
            !guide.ends_with("-cpms2") || GENERATED_SNAPSHOTTED.contains(&guide)
        })
        .collect();
    assert!(!pages.is_empty(), "no pages built");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    settings.bind(|| {
        for (rel, bytes) in &pages {
            let html = String::from_utf8(bytes.clone()).expect("pages are UTF-8");
            let name = format!(
                "{prefix}__{}",
                rel.trim_end_matches(".html").replace('/', "__")
            );
            insta::assert_snapshot!(name, main_of(&html));
        }
    });
}

#[test]
fn basic_fixture_pages() {
    snapshot_pages("basic", &TestSite::from_fixture("basic"));
}

#[test]
fn bundled_portal_pages() {
    snapshot_pages("bundled", &TestSite::bundled());
}
