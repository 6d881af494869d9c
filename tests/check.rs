//! `ernguide check`: every finding, one `file:line: level: message` line each, a summary,
//! exit 1 on errors, JSON for tools, nothing written.

mod common;

use common::TestSite;

fn check(site: &TestSite, json: bool) -> (Option<i32>, String) {
    let mut args = vec!["check", "--site", "site"];
    if json {
        args.extend(["--format", "json"]);
    }
    let out = site.cmd(&args).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_bundled_portal_has_no_errors() {
    let site = TestSite::bundled();
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.lines().last().unwrap().starts_with("0 error(s)"),
        "{out}"
    );
    assert!(!site.out().exists());
}

/// Published text speaks to readers: a placeholder contact (helpdesk, `mailto:`) or an internal
/// word (seed, TODO) builds, but `check` fails naming the file and line
/// (`tests/fixtures/lint-*`, laid over `basic`).
#[test]
fn placeholder_contacts_and_internal_words_fail_check() {
    let names = common::lint_fixtures();
    assert!(names.len() >= 4, "{names:?}");
    // the basic fixture itself is clean (its sample person is text, not a contact)
    let (code, out) = check(&TestSite::from_fixture("basic"), false);
    assert_eq!(code, Some(0), "{out}");
    for name in &names {
        let site = TestSite::from_fixture(name);
        let expected = std::fs::read_to_string(site.path("expected.txt")).unwrap();
        let build = site
            .cmd(&["build", "--site", "site", "--out", "public"])
            .output()
            .unwrap();
        assert_eq!(
            build.status.code(),
            Some(0),
            "{name}: the build must still succeed"
        );
        let (code, out) = check(&site, false);
        assert_eq!(code, Some(1), "{name}:\n{out}");
        let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error: ")).collect();
        assert_eq!(
            errors.len(),
            1,
            "{name}: one finding, not one per page:\n{out}"
        );
        assert!(
            errors[0].starts_with(&format!("site/{}", expected.trim())),
            "{name}: expected\n  site/{}\ngot\n  {}",
            expected.trim(),
            errors[0]
        );
    }
}

#[test]
fn every_broken_link_and_every_failing_page_is_reported() {
    let site = TestSite::from_fixture("basic");
    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "Click **this link**.",
        "Click [here](../nope/index.html) or [there](#no-such-id) or [mail](mailto:nobody).",
    );
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(1), "{out}");
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 3, "{out}");
    for e in &errors {
        assert!(
            e.starts_with("site/content/guides/demo/01-create-eu-login.md:14: error: broken link"),
            "{e}"
        );
    }
    assert!(
        out.lines().last().unwrap().starts_with("3 error(s), "),
        "{out}"
    );

    // two pages that fail to render: both reported; a shared fragment failing for every page
    // that includes it is reported once
    site.edit(
        "content/guides/demo/_index.md",
        "Start with",
        "{{ nope_one }}",
    );
    site.edit("content/shared/request.md", "Open [SAAS]", "{{ nope_two }}");
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("site/content/guides/demo/_index.md:11: error: unknown variable"),
        "{out}"
    );
    assert!(
        out.contains("site/content/shared/request.md:1: error: unknown variable"),
        "{out}"
    );
    assert_eq!(out.matches("request.md:1: error").count(), 1, "{out}");
}

/// Links are collected while the Markdown renders, so a broken one is reported at the line
/// that wrote it: in a guide's file after an include whose text spans other lines (Jinja runs
/// before Markdown) and after a comment naming the same address, or in the shared fragment
/// that wrote it. `build` names the same lines.
#[test]
fn a_broken_link_is_reported_at_the_line_that_wrote_it() {
    let site = TestSite::from_fixture("basic");
    site.write(
        "content/guides/demo/02-request-access.md",
        "---\ntitle: \"Request access\"\nreviewed: 2026-11-01\n---\n\
         {# the old page was ../gone/index.html #}\n\
         {% include \"request.md\" %}\n\
         \n\
         Then read [the old page](../gone/index.html).\n\
         \n\
         Not [a scheme](java&#x09;script:alert(1)) either.\n",
    );
    site.edit(
        "content/shared/request.md",
        "Open [SAAS]",
        "See [help](../nohelp/index.html). Open [SAAS]",
    );
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(1), "{out}");
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 3, "{out}");
    // the page has the address percent-encoded (`java%09script:`), the Markdown does not
    assert!(
        errors.iter().any(|e| e.starts_with(
            "site/content/guides/demo/02-request-access.md:10: error: broken link `java%09script:alert(1)`"
        )),
        "{out}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with(
            "site/content/shared/request.md:1: error: broken link `../nohelp/index.html`"
        )),
        "{out}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with(
            "site/content/guides/demo/02-request-access.md:8: error: broken link `../gone/index.html`"
        )),
        "{out}"
    );

    let build = |site: &TestSite| {
        let out = site
            .cmd(&["build", "--site", "site", "--out", "public"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = build(&site);
    assert!(
        err.lines()
            .next()
            .unwrap_or("")
            .contains("content/shared/request.md:1: broken link `../nohelp/index.html`"),
        "{err}"
    );
    site.edit(
        "content/shared/request.md",
        "See [help](../nohelp/index.html). ",
        "",
    );
    let err = build(&site);
    assert!(
        err.lines().next().unwrap_or("").contains(
            "content/guides/demo/02-request-access.md:8: broken link `../gone/index.html`"
        ),
        "{err}"
    );
}

/// A step's numbered lists are on its guide's slides, without the rest of the step: a link
/// to one of the step's headings works on the step's page and is broken on the slides. It is
/// reported at the line that wrote it (the slides trace their links in the step's text only
/// when one is reported).
#[test]
fn a_link_broken_only_on_the_slides_is_reported_at_the_line_that_wrote_it() {
    let site = TestSite::from_fixture("basic");
    site.write(
        "content/guides/demo/02-request-access.md",
        "---\ntitle: \"Request access\"\nreviewed: 2026-11-01\n---\n\
         {% include \"request.md\" %}\n\
         \n\
         ## Before\n\
         \n\
         Some text.\n\
         \n\
         ## Do it\n\
         \n\
         1. Open {{ network.name }}.\n\
         2. Then read [the part before](#before).\n",
    );
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(1), "{out}");
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        ["site/content/guides/demo/02-request-access.md:14: error: broken link `#before` on page \
          demo/slides/index.html: no element with id `before` on demo/slides/index.html"],
        "{out}"
    );
}

#[test]
fn data_references_are_checked_even_where_rendering_does_not_reach() {
    let site = TestSite::from_fixture("basic");
    site.write(
        "content/shared/extra.md",
        "{% if network.id == \"other\" %}\nSee {{ link(\"no-such-link\").url }} and {{ institution(\"XX99\").name }}.\n{% endif %}\n",
    );
    site.edit(
        "content/shared/request.md",
        "> [!NOTE]",
        "{% include \"extra.md\" %}\n\n> [!NOTE]",
    );
    site.edit(
        "content/guides/demo/02-request-access.md",
        "{% include \"request.md\" %}",
        "{% include \"request.md\" %}\n{% if false %}{{ profile(\"Panel Manager\").name }} {{ offered(\"fax\") }}{% endif %}",
    );
    site.build().success();
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(1), "{out}");
    for expected in [
        "site/content/shared/extra.md:2: error: link(\"no-such-link\"): unknown `no-such-link` (not in content/data/links.yaml)",
        "site/content/shared/extra.md:2: error: institution(\"XX99\"): unknown `XX99` (not an institution of any network)",
        "site/content/guides/demo/02-request-access.md:6: error: profile(\"Panel Manager\"): unknown `Panel Manager`",
        "site/content/guides/demo/02-request-access.md:6: error: offered(\"fax\"): unknown `fax`",
    ] {
        assert!(out.contains(expected), "missing\n  {expected}\nin\n{out}");
    }
}

#[test]
fn dated_content_is_a_warning_and_json_lists_every_finding() {
    let site = TestSite::from_fixture("basic");
    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "reviewed: 2026-11-01",
        "reviewed: 2024-01-01",
    );
    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "Click **this link**.",
        "Then use Mobile Phone + SMS.",
    );
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(0), "warnings do not fail: {out}");
    assert!(
        out.contains("01-create-eu-login.md:4: warning: last reviewed 2024-01-01"),
        "{out}"
    );
    assert!(
        out.contains("01-create-eu-login.md:14: warning: mentions `Mobile Phone + SMS`"),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("0 error(s), "),
        "{out}"
    );
    assert_eq!(out.matches("01-create-eu-login.md:").count(), 2, "{out}");

    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "Type your name.",
        "Type [your name](../x/index.html).",
    );
    let (code, json) = check(&site, true);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["errors"], 1);
    let findings: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["file"]
                .as_str()
                .unwrap()
                .ends_with("01-create-eu-login.md")
        })
        .collect();
    assert_eq!(findings.len(), 3, "{json}");
    assert_eq!(findings[0]["level"], "error");
    assert_eq!(findings[0]["line"], 10);
    assert_eq!(findings[1]["level"], "warning");
    assert!(!site.out().exists(), "check writes nothing");
}

#[test]
fn check_leaves_the_site_folder_byte_identical_even_with_figures_to_encode() {
    // No shared image cache: `check` must not fill the site's own `.cache/images` either.
    let site = TestSite::bundled();
    let before = common::walk(&site.site());
    let out = site
        .cmd(&["check", "--site", "site"])
        .env_remove("ERNGUIDE_CACHE_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        before == common::walk(&site.site()),
        "check changed the site folder"
    );
    assert!(!site.path(".cache").exists(), "check wrote an image cache");
    assert!(!site.out().exists());
}

#[test]
fn check_reports_a_corrupt_image_without_a_cache_to_hide_it() {
    let site = TestSite::from_fixture("broken-figure-corrupt-image");
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("cannot read image `demo/corrupt.png`"),
        "{out}"
    );
    assert!(!site.path(".cache").exists(), "check wrote an image cache");
}

#[test]
fn every_missing_image_of_a_page_is_reported_once() {
    let site = TestSite::from_fixture("broken-figure-missing-image");
    let step = site.path("content/guides/demo/01-create-eu-login.md");
    let text = std::fs::read_to_string(&step).unwrap();
    std::fs::write(
        &step,
        format!("{text}\n```figure\nsrc: demo/gone.png\nalt: \"Another\"\n```\n"),
    )
    .unwrap();
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        out.matches("image `demo/nope.png` not found").count(),
        1,
        "{out}"
    );
    assert_eq!(
        out.matches("image `demo/gone.png` not found").count(),
        1,
        "{out}"
    );
    assert!(out.contains("2 error(s)"), "{out}");
}

#[test]
fn a_bad_data_reference_on_a_page_is_one_finding() {
    let site = TestSite::from_fixture("broken-institution");
    let (code, out) = check(&site, false);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("IT99"), "{out}");
    assert!(out.contains("1 error(s)"), "{out}");
}
