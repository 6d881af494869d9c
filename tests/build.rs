//! Builds fixture sites and the bundled portal into temp dirs and checks the output.

mod common;

use common::{walk, TestSite};
use predicates::prelude::*;

#[test]
fn basic_fixture_builds_all_pages() {
    let site = TestSite::from_fixture("basic");
    site.build().success();
    for page in [
        "index.html",
        "404.html",
        "demo/index.html",
        "demo/create-eu-login/index.html",
        "demo/request-access/index.html",
        "demo/links/index.html",
        "demo/sandbox/index.html",
        "static/site.css",
    ] {
        assert!(site.out().join(page).is_file(), "missing {page}");
    }
    let step = site.read("demo/request-access/index.html");
    assert!(step.contains("Step 2 of 2"), "step counter");
    // include + network variables rendered
    assert!(step.contains("DEMO - Demonstration Diseases"));
    assert!(step.contains("IT02 - Sample Clinic, Milan"));
    assert!(step.contains("admonition admonition-note"));
    assert!(step.contains("href=\"../create-eu-login/index.html\" rel=\"prev\""));
    assert!(step.contains("aria-current=\"step\""));
    let first = site.read("demo/create-eu-login/index.html");
    assert!(
        first.contains("href=\"../sandbox/index.html#/eul-create?scenario=new-user\""),
        "sandbox deep link"
    );
    assert!(first.contains("id=\"fill-in-the-form\""));
    assert!(
        first.contains("href=\"../request-access/index.html\""),
        "step_url"
    );
    let overview = site.read("demo/index.html");
    assert!(overview.contains("Where are you now?"));
    assert!(overview.contains("href=\"request-access/index.html\""));
}

#[test]
fn changing_a_shared_step_changes_the_guide() {
    let site = TestSite::from_fixture("basic");
    site.edit(
        "content/shared/request.md",
        "Open [SAAS]",
        "Now open [SAAS]",
    );
    site.build().success();
    assert!(site
        .read("demo/request-access/index.html")
        .contains("Now open <a"));
}

#[test]
fn output_is_deterministic() {
    let site = TestSite::from_fixture("basic");
    site.build().success();
    let first: Vec<(String, Vec<u8>)> = walk(&site.out());
    site.build().success();
    assert_eq!(first, walk(&site.out()));
}

#[test]
fn content_html_is_escaped() {
    let site = TestSite::from_fixture("basic");
    site.edit(
        "content/networks/demo/network.yaml",
        "name: \"ERN Demo\"",
        "name: \"ERN <script>x</script>\"",
    );
    site.build().success();
    let page = site.read("demo/index.html");
    assert!(!page.contains("<script>x</script>"));
    assert!(page.contains("ERN &lt;script&gt;x&lt;/script&gt;"));
}

#[test]
fn site_theme_overrides_a_template() {
    let site = TestSite::from_fixture("basic");
    site.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>Custom not found</p>{% endblock %}",
    );
    site.build().success();
    assert!(site.read("404.html").contains("Custom not found"));
    assert!(
        site.read("index.html")
            .contains("What you need before you start"),
        "other templates still built in"
    );
}

#[test]
fn stale_sms_recommendation_warns_with_file_and_line() {
    let site = TestSite::from_fixture("basic");
    site.write(
        "content/guides/demo/03-sign-in.md",
        "---\ntitle: \"Sign in\"\nreviewed: 2026-11-01\n---\nType your password.\n\nChoose **Mobile Phone + SMS** and wait for the text message.\n",
    );
    site.build().success().stderr(predicate::str::contains(
        "content/guides/demo/03-sign-in.md:7: warning: mentions `Mobile Phone + SMS`",
    ));
}

#[test]
fn sms_mention_inside_offered_block_does_not_warn() {
    let site = TestSite::from_fixture("basic");
    site.write(
        "content/guides/demo/03-sign-in.md",
        "---\ntitle: \"Sign in\"\nreviewed: 2026-11-01\n---\n{% if offered(\"sms\") %}\nChoose **Mobile Phone + SMS**.\n{% else %}\nUse the app.\n{% endif %}\n",
    );
    site.build()
        .success()
        .stderr(predicate::str::contains("warning").not());
    assert!(site
        .read("demo/sign-in/index.html")
        .contains("Use the app."));
}

#[test]
fn old_review_date_warns() {
    let site = TestSite::from_fixture("basic");
    site.edit(
        "content/guides/demo/02-request-access.md",
        "reviewed: 2026-11-01",
        "reviewed: 2024-01-01",
    );
    site.build().success().stderr(predicate::str::contains(
        "02-request-access.md:3: warning: last reviewed 2024-01-01",
    ));
}

#[test]
fn a_code_block_on_a_guide_overview_gets_the_highlight_stylesheet() {
    let site = TestSite::from_fixture("basic");
    let index = std::fs::read_to_string(site.path("content/guides/demo/_index.md")).unwrap();
    site.write(
        "content/guides/demo/_index.md",
        &format!("{index}\n```yaml\nkey: value\n```\n"),
    );
    site.build().success();
    let overview = site.read("demo/index.html");
    assert!(overview.contains("class=\"hl-"), "the block is highlighted");
    assert!(
        overview.contains("<link rel=\"stylesheet\" href=\"../static/highlight.css\">"),
        "the overview links the highlight stylesheet"
    );
    assert!(site.out().join("static/highlight.css").is_file());
}

#[test]
fn a_review_date_that_is_not_in_the_calendar_is_an_error() {
    let site = TestSite::from_fixture("basic");
    site.edit(
        "content/guides/demo/_index.md",
        "reviewed: 2026-11-01",
        "reviewed: 2026-02-30",
    );
    site.build()
        .failure()
        .code(1)
        .stderr(predicate::str::contains(
            "_index.md:7: `reviewed: 2026-02-30` is not a date (YYYY-MM-DD)",
        ));
}

/// The practice page's start-up scripts ship with V8's compile hint as their first line (it
/// works nowhere else): Chromium compiles their functions while they download, off the main
/// thread. Fails when a script loses the hint or the compaction moves or drops it.
#[test]
fn the_practice_page_scripts_ship_with_the_compile_hint_first() {
    let site = TestSite::from_fixture("basic");
    site.build().success();
    for f in ["flow.js", "flow-saas.js", "flow-cpms2.js", "sandbox.js"] {
        let shipped = site.read(&format!("static/sandbox/{f}"));
        assert_eq!(
            shipped.lines().next(),
            Some("//# allFunctionsCalledOnLoad"),
            "static/sandbox/{f}"
        );
        assert!(shipped.len() > 100, "static/sandbox/{f} has its code");
    }
}
#[test]
fn the_practice_page_carries_its_stylesheets_inline_unless_one_points_at_a_file() {
    let site = TestSite::from_fixture("basic");
    site.build().success();
    let page = site.read("demo/sandbox/index.html");
    let head = &page[..page.find("</head>").expect("a head")];
    // The print rules are in sandbox.css too (`@media print`): no stylesheet is requested at all.
    let linked: Vec<&str> = head
        .split('<')
        .filter(|t| t.contains("rel=\"stylesheet\""))
        .collect();
    assert!(linked.is_empty(), "no stylesheet request: {linked:?}");
    // Its scripts are requested by the page after its first paint, not by the parser: the only
    // `<script src>` are the late scripts in the <template> that base.html's loader copies from.
    let late = page
        .split("<template data-eg-late>")
        .nth(1)
        .and_then(|t| t.split("</template>").next())
        .expect("the practice page has late scripts");
    assert_eq!(
        page.matches("<script src=").count(),
        late.matches("<script src=").count(),
        "no <script src> outside the late scripts' template"
    );
    assert!(late.starts_with(
        "<script src=\"../../static/search-lazy.js\"></script><script src=\"../../static/sandbox/flow.js\"></script>"
    ));
    let shipped = site.read("static/sandbox/sandbox.css");
    assert!(
        head.contains(&format!("<style>{shipped}</style>")),
        "the shipped (compacted) sandbox.css, unchanged, in the page"
    );
    // A stylesheet with `url(...)` would resolve against the page if moved into it: linked.
    site.write(
        "themes/default/static/sandbox/sandbox.css",
        ".sbx{background:url(bg.png)}\n",
    );
    site.build().success();
    let page = site.read("demo/sandbox/index.html");
    assert!(
        page.contains("<link rel=\"stylesheet\" href=\"../../static/sandbox/sandbox.css\">"),
        "a stylesheet with url() stays a link"
    );
    assert!(!page.contains("url(bg.png)}</style>"));
}
