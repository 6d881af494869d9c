//! Issue 15: slides, printable handouts and the accessibility statement, built from fixture
//! sites (the browser tests in tests/browser/trainers.test.js drive them in Chromium).

mod common;

use common::{walk, TestSite};

/// The basic fixture with numbered actions and speaker notes in its first step.
fn site_with_notes() -> TestSite {
    let site = TestSite::from_fixture("basic");
    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "# Confirm your e-mail\n",
        "```notes\nRemind everyone: the e-mail link expires.\n```\n\n# Confirm your e-mail\n\n1. Open the e-mail.\n2. Click **this link**.\n\nSee [EU Login](https://webgate.ec.europa.eu/cas/) for help.\n",
    );
    site
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn every_guide_gets_slides_and_a_handout_and_the_site_a_statement() {
    let site = site_with_notes();
    site.build().success();
    for page in [
        "demo/slides/index.html",
        "demo/print/index.html",
        "accessibility/index.html",
        "static/slides.js",
        "static/slides.css",
        "static/print.css",
        "static/favicon.svg",
    ] {
        assert!(site.out().join(page).is_file(), "missing {page}");
    }
}

#[test]
fn notes_are_on_the_slides_and_hidden_on_the_step_page() {
    let site = site_with_notes();
    site.build().success();
    let step = site.read("demo/create-eu-login/index.html");
    assert!(
        !step.contains("Remind everyone"),
        "notes leak onto the web page"
    );
    assert!(step.contains("Open the e-mail."));

    let slides = site.read("demo/slides/index.html");
    // title slide + "Confirm your e-mail" (step 1, the only section with numbered actions)
    // + step 2's one slide (it has no numbered list: title and summary only)
    assert_eq!(count(&slides, "data-eg-slide"), 3, "{slides}");
    assert_eq!(count(&slides, "<section class=\"eg-slide"), 3);
    assert!(slides.contains(">Confirm your e-mail</h2>"), "{slides}");
    assert!(slides.contains("<li>Open the e-mail.</li>"), "{slides}");
    // prose of the section is not on the slide
    assert!(!slides.contains("See <a"), "{slides}");
    // the notes come with the slide of their section (the one before: "Fill in the form"
    // has no slide, so the first slide of the step)
    assert!(
        slides.contains("data-eg-notes hidden><p>Remind everyone: the e-mail link expires.</p>"),
        "{slides}"
    );
    // the sandbox screen of the step, for the speaker view
    assert!(
        slides.contains("data-eg-sandbox=\"../sandbox/index.html#/eul-create?scenario=new-user\"")
    );
    assert!(slides.contains("static/slides.js"));
    // each slide is a region with a heading
    for n in 1..=3 {
        assert!(slides.contains(&format!(
            "id=\"slide-{n}\" aria-labelledby=\"slide-{n}-title\""
        )));
        assert!(slides.contains(&format!("<h2 id=\"slide-{n}-title\">")));
    }
}

#[test]
fn the_handout_has_every_step_and_no_qr_code_without_a_base_url() {
    let site = site_with_notes();
    site.build().success();
    let print = site.read("demo/print/index.html");
    assert_eq!(count(&print, "class=\"eg-handout-step\""), 2);
    assert!(print.contains("<span class=\"eg-handout-num\">1.</span> Create your EU Login"));
    assert!(print.contains("<span class=\"eg-handout-num\">2.</span> Request access"));
    assert!(print.contains("Content as of"));
    assert!(print.contains("no public web address configured"));
    assert!(!print.contains("eg-qr"), "a QR code without a base URL");
    assert!(!print.contains("Remind everyone"), "notes in the handout");
    // links to other steps point into the handout; ids are unique per step
    assert!(print.contains("href=\"#step-request-access\""), "{print}");
    assert!(print.contains("id=\"s1-confirm-your-e-mail\""), "{print}");
    assert!(print.contains("static/print.css"));
    // the step pages link to it
    let step = site.read("demo/request-access/index.html");
    assert!(step.contains("href=\"../print/index.html\">Print this guide</a>"));
}

#[test]
fn with_a_base_url_every_step_gets_a_qr_code_and_its_address() {
    let site = site_with_notes();
    site.edit(
        "site.toml",
        "review_interval_days = 365\n",
        "review_interval_days = 365\nbase_url = \"https://help.example.org/ern\"\n",
    );
    site.build().success();
    let print = site.read("demo/print/index.html");
    assert_eq!(count(&print, "<svg class=\"eg-qr\""), 2, "{print}");
    for url in [
        "https://help.example.org/ern/demo/create-eu-login/",
        "https://help.example.org/ern/demo/request-access/",
    ] {
        assert!(
            print.contains("QR code for step") && print.contains(url),
            "missing {url}"
        );
    }
    assert!(print.contains("<a href=\"https://help.example.org/ern/demo/\">"));
}

#[test]
fn a_bad_base_url_is_an_error_with_its_line() {
    let site = TestSite::from_fixture("basic");
    site.edit(
        "site.toml",
        "review_interval_days = 365\n",
        "review_interval_days = 365\nbase_url = \"help.example.org\"\n",
    );
    let out = site.build().failure().get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("site.toml:6:"), "{err}");
    assert!(err.contains("base_url"), "{err}");
}

#[test]
fn every_page_links_the_accessibility_statement() {
    let site = TestSite::from_fixture("basic");
    site.build().success();
    let mut pages = 0;
    for (rel, bytes) in walk(&site.out()) {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        let depth = rel.matches('/').count();
        let link = format!("href=\"{}accessibility/index.html\"", "../".repeat(depth));
        assert!(html.contains(&link), "{rel} does not link {link}");
        let icon = format!("href=\"{}static/favicon.svg\"", "../".repeat(depth));
        assert!(html.contains(&icon), "{rel} has no favicon");
    }
    assert!(pages >= 10);
}

#[test]
fn without_statement_data_the_statement_says_not_assessed() {
    let site = TestSite::from_fixture("basic");
    site.build().success();
    let page = site.read("accessibility/index.html");
    assert!(page.contains("has not been assessed yet"), "{page}");
    assert!(
        page.contains("No contact for accessibility feedback"),
        "{page}"
    );
    assert!(page.contains("has not been determined yet"), "{page}");
}

const STATEMENT: &str = "\
status: partially-compliant
standard: \"EN 301 549 V3.2.1 (2021-03)\"
method: \"self-assessment\"
tests:
  - \"axe-core on every page\"
limitations:
  - { item: \"Screen readers\", reason: \"Not tested yet.\", alternative: \"Tell us.\" }
feedback: { name: \"the portal team\", email: \"accessibility-team@ernguide-portal.eu\" }
enforcement: unknown
prepared_on: 2026-01-10
last_reviewed: 2026-01-10
";

#[test]
fn the_statement_comes_from_its_data() {
    let site = TestSite::from_fixture("basic");
    site.write("content/data/accessibility.yaml", STATEMENT);
    site.build().success();
    let page = site.read("accessibility/index.html");
    assert!(
        page.contains("<strong>partially compliant</strong> with EN 301 549 V3.2.1 (2021-03)"),
        "{page}"
    );
    assert!(
        page.contains("<strong>Screen readers</strong>. Not tested yet."),
        "{page}"
    );
    assert!(
        page.contains("href=\"mailto:accessibility-team@ernguide-portal.eu\""),
        "{page}"
    );
    assert!(page.contains("<li>axe-core on every page</li>"), "{page}");
    assert!(
        page.contains("has not been determined yet"),
        "enforcement is unknown: {page}"
    );
}

#[test]
fn check_warns_when_the_statement_review_is_overdue() {
    let site = TestSite::from_fixture("basic");
    // as_of is 2026-11-22: reviewed 316 days before, within 365 days
    site.write("content/data/accessibility.yaml", STATEMENT);
    let out = site.cmd(&["check", "--site", "site"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("accessibility statement was last reviewed"),
        "{text}"
    );

    site.edit(
        "site.toml",
        "review_interval_days = 365",
        "review_interval_days = 300",
    );
    let out = site.cmd(&["check", "--site", "site"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("accessibility.yaml:11:") && text.contains("last reviewed on 2026-01-10"),
        "{text}"
    );
    assert!(out.status.success(), "a warning is not an error: {text}");
}

#[test]
fn a_bad_statement_fails_the_build_naming_file_and_line() {
    let site = TestSite::from_fixture("basic");
    site.write(
        "content/data/accessibility.yaml",
        &STATEMENT.replace("last_reviewed: 2026-01-10", "last_reviewed: last week"),
    );
    let out = site.build().failure().get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("accessibility.yaml:11:"), "{err}");
    assert!(err.contains("not a date"), "{err}");
}

#[test]
fn step_pages_do_not_skip_heading_levels() {
    let site = TestSite::bundled();
    site.build().success();
    for (rel, bytes) in walk(&site.out()) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let mut last = 0u8;
        for (i, _) in html.match_indices("<h") {
            let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
                continue;
            };
            let level = level as u8;
            assert!(
                level <= last + 1,
                "{rel}: h{level} follows h{last} (offset {i})"
            );
            last = level;
        }
    }
}

#[test]
fn the_generators_folders_are_reserved() {
    let site = TestSite::from_fixture("basic");
    std::fs::rename(
        site.path("content/guides/demo"),
        site.path("content/guides/accessibility"),
    )
    .unwrap();
    let out = site.build().failure().get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("guide folder `accessibility` is reserved"),
        "{err}"
    );

    let site = TestSite::from_fixture("basic");
    std::fs::rename(
        site.path("content/guides/demo/02-request-access.md"),
        site.path("content/guides/demo/02-slides.md"),
    )
    .unwrap();
    let out = site.build().failure().get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("step slug `slides` is reserved"), "{err}");
}
