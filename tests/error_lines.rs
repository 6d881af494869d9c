//! Errors name the exact line of the bad input, also when the same text occurs earlier in
//! the file (where a search for the text would point): each fixture puts the bad input
//! after an earlier occurrence of the same text. A failing `build` exits 1 and leaves the
//! previous output intact; `check` lists every problem at its line.

mod common;

use common::TestSite;

/// The `basic` fixture with `edit` applied.
fn site(edit: impl FnOnce(&TestSite)) -> TestSite {
    let site = TestSite::from_fixture("basic");
    edit(&site);
    site
}

/// Output of `ernguide <args>` with the site folder's path taken out: exit code and stderr,
/// stdout.
fn run(site: &TestSite, args: &[&str]) -> (Option<i32>, String, String) {
    let out = site.cmd(args).output().unwrap();
    let clean = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace(&format!("{}/", site.site().display()), "")
            .replace("site/", "")
    };
    let (stderr, stdout) = (clean(&out.stderr), clean(&out.stdout));
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code(), stderr, stdout)
}

/// `build` fails (exit 1) with its first line starting `first`, and the previous output is
/// left as it was.
fn build_fails_at(site: &TestSite, first: &str) {
    std::fs::create_dir_all(site.out()).unwrap();
    std::fs::write(site.out().join("index.html"), "PREVIOUS GOOD OUTPUT").unwrap();
    std::fs::write(site.out().join(".ernguide-output"), "ernguide's").unwrap();
    let (code, stderr, _) = run(site, &["build", "--site", "site", "--out", "public"]);
    assert_eq!(code, Some(1), "{stderr}");
    let line = stderr.lines().next().unwrap_or("");
    assert!(
        line.starts_with(&format!("error: {first}")),
        "expected `error: {first}...`, got:\n{stderr}"
    );
    assert_eq!(site.read("index.html"), "PREVIOUS GOOD OUTPUT");
}

/// `check` fails (exit 1) and its error lines start with each of `at`, in order.
fn check_errors_at(site: &TestSite, at: &[&str]) {
    let (code, _, out) = run(site, &["check", "--site", "site"]);
    assert_eq!(code, Some(1), "{out}");
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), at.len(), "{out}");
    for (e, want) in errors.iter().zip(at) {
        assert!(
            e.starts_with(want),
            "expected `{want}...`, got `{e}`\n{out}"
        );
    }
}

const STEP: &str = "content/guides/demo/01-create-eu-login.md";
const BAD_FIGURE: &str = "```figure\nsrc: demo/nope.png\nalt: \"Nothing\"\n```\n";

/// Two identical broken figure blocks in one step (whose text Jinja changed): each is
/// reported at its own `src:` line.
#[test]
fn identical_figures_in_a_step_are_reported_at_their_own_lines() {
    let site = site(|s| {
        let text = std::fs::read_to_string(s.path(STEP)).unwrap();
        // the step has 14 lines; the blocks start at lines 16 and 21
        s.write(STEP, &format!("{text}\n{BAD_FIGURE}\n{BAD_FIGURE}"));
    });
    let step = STEP;
    build_fails_at(
        &site,
        &format!("{step}:17: image `demo/nope.png` not found"),
    );
    check_errors_at(&site, &[&format!("{step}:17:"), &format!("{step}:22:")]);
}

/// The same in a shared fragment, included twice by a step: the fragment's own lines.
#[test]
fn identical_figures_in_a_fragment_are_reported_at_their_own_lines() {
    let site = site(|s| {
        s.write(
            "content/shared/request.md",
            &format!("Some text.\n\n{BAD_FIGURE}\n{BAD_FIGURE}"),
        );
    });
    let frag = "content/shared/request.md";
    build_fails_at(&site, &format!("{frag}:4: image `demo/nope.png` not found"));
    check_errors_at(&site, &[&format!("{frag}:4:"), &format!("{frag}:9:")]);
}

/// `site.toml`: the portal's bad address comes after a contact's `email` line (a search for
/// the key named the contact).
#[test]
fn a_bad_site_toml_value_is_reported_at_its_own_line() {
    let site = site(|s| {
        let text = std::fs::read_to_string(s.path("site.toml")).unwrap();
        // the fixture's site.toml has 11 lines
        s.write(
            "site.toml",
            &format!("{text}\n[portal]\nemail = \"not an address\"\n"),
        );
    });
    build_fails_at(
        &site,
        "site.toml:14: portal email \"not an address\" is not a valid e-mail address",
    );
}

/// An internal word that readers see, after the same word in a Jinja comment that they do not
/// see; and one in an included fragment, named in the fragment.
#[test]
fn an_internal_word_is_reported_where_readers_see_it() {
    let site = site(|s| {
        s.edit(
            STEP,
            "# Fill in the form\n",
            "{# TODO: ask the helpdesk #}\n# Fill in the form\n",
        );
        s.edit(
            STEP,
            "Click **this link**.",
            "Click **this link**. TODO: check.",
        );
    });
    // line 8 is the comment; the visible TODO is on the last line, 15
    check_errors_at(&site, &[&format!("{STEP}:15: error: page demo/create-eu-login/index.html shows the internal word \"todo\"")]);

    let site = site_with_fragment("Some text.\n\nMore text, seed of an idea.\n");
    check_errors_at(&site, &["content/shared/request.md:3: error: page demo/request-access/index.html shows the internal word \"seed\""]);
}

/// The `basic` fixture whose shared fragment `request.md` (included by step 2, whose own
/// text mentions the same word in a comment) is `text`.
fn site_with_fragment(text: &str) -> TestSite {
    site(|s| {
        s.write("content/shared/request.md", text);
        s.edit(
            "content/guides/demo/02-request-access.md",
            "{% include \"request.md\" %}",
            "{# the seed: #}\n{% include \"request.md\" %}",
        );
    })
}

/// `i18n extract`: each shortcut label of a guide is referenced at its own line in the
/// template (a search for `label:` gave every label the first one's line).
#[test]
fn extracted_front_matter_texts_are_referenced_at_their_own_lines() {
    let site = site(|s| {
        s.edit(
            "content/guides/demo/_index.md",
            "  - { label: \"Already have an EU Login\", step: request-access }\n",
            "  - { label: \"Already have an EU Login\", step: request-access }\n  - label: \"New here\"\n    step: create-eu-login\n",
        );
    });
    site.cmd(&["i18n", "extract", "--site", "site"])
        .assert()
        .success();
    let pot = std::fs::read_to_string(site.path("i18n/messages.pot")).unwrap();
    let entry = |msgid: &str| {
        pot.split("\n\n")
            .find(|b| b.contains(&format!("msgid \"{msgid}\"")))
            .unwrap_or_else(|| panic!("no entry {msgid}:\n{pot}"))
            .to_string()
    };
    let index = "content/guides/demo/_index.md";
    assert!(
        entry("Already have an EU Login").contains(&format!("#: {index}:9\n")),
        "{pot}"
    );
    assert!(
        entry("New here").contains(&format!("#: {index}:10\n")),
        "{pot}"
    );
}

/// A placeholder address that a template shows as a `mailto:` link (the accessibility
/// statement's feedback contact) is reported at the address's line in the data, not at a
/// comment above it that names it, nor at line 0 of the page's source.
#[test]
fn a_template_made_placeholder_mailto_is_reported_at_its_data_line() {
    let site = site(|s| {
        s.write(
            "content/data/accessibility.yaml",
            "# ask help@access.example.org for a real address\n\
             status: partially-compliant\n\
             standard: \"EN 301 549 V3.2.1 (2021-03), which includes WCAG 2.1 level AA\"\n\
             method: \"Self-assessment\"\n\
             tests:\n  - \"axe-core rules on every page\"\n\
             limitations: []\n\
             feedback:\n  name: Help\n  email: help@access.example.org\n\
             enforcement: unknown\n\
             prepared_on: 2026-11-01\n\
             last_reviewed: 2026-11-01\n",
        );
    });
    let (code, _, out) = run(&site, &["build", "--site", "site", "--out", "public"]);
    assert_eq!(code, Some(0), "the build still succeeds: {out}");
    check_errors_at(&site, &["content/data/accessibility.yaml:10: error: page "]);
}

/// A link that a template makes from a data value (the accessibility statement's enforcement
/// body) is reported at the value's line, not at a comment above it with the same address.
#[test]
fn a_template_made_link_from_data_is_reported_at_its_data_line() {
    let url = "https://www.example-body.eu/complaints form";
    let site = site(|s| {
        s.write(
            "content/data/accessibility.yaml",
            &format!(
                "# the body's old address was {url}\n\
                 status: partially-compliant\n\
                 standard: \"EN 301 549 V3.2.1 (2021-03), which includes WCAG 2.1 level AA\"\n\
                 method: \"Self-assessment\"\n\
                 tests:\n  - \"axe-core rules on every page\"\n\
                 limitations: []\n\
                 feedback: unknown\n\
                 enforcement:\n  name: \"The Body\"\n  url: \"{url}\"\n\
                 prepared_on: 2026-11-01\n\
                 last_reviewed: 2026-11-01\n"
            ),
        );
    });
    let data = "content/data/accessibility.yaml";
    build_fails_at(
        &site,
        &format!("{data}:11: broken link `{url}` on page accessibility/index.html"),
    );
    check_errors_at(&site, &[&format!("{data}:11: error: broken link")]);
}

/// The site's copy of the theme's `links.html` with `html` put in before the "Links" heading,
/// after a Jinja comment holding the same text (never output: a search for the text would
/// find it first). Returns the template's path and the line where `html` begins.
fn site_with_template_text(html: &str) -> (TestSite, String, usize) {
    let rel = "themes/default/templates/links.html";
    let theme = std::fs::read_to_string(common::repo_root().join(rel)).unwrap();
    let heading = "<h2 id=\"links\">";
    let at = theme
        .find(heading)
        .expect("the theme's links.html has a Links heading");
    let text = format!(
        "{}{{# was: {html} #}}\n{html}\n{}",
        &theme[..at],
        &theme[at..]
    );
    // (the comment takes as many lines as `html`)
    let line = theme[..at].matches('\n').count() + 1 + html.lines().count();
    let site = site(|s| {
        s.write(rel, &text);
    });
    (site, rel.to_string(), line)
}

/// A broken link written by a template of the site's theme is reported at its template line.
#[test]
fn a_template_made_link_is_reported_at_its_template_line() {
    let (site, file, line) =
        site_with_template_text("<p>See <a href=\"../old-links/index.html\">the old page</a>.</p>");
    build_fails_at(
        &site,
        &format!(
            "{file}:{line}: broken link `../old-links/index.html` on page demo/links/index.html"
        ),
    );
    check_errors_at(&site, &[&format!("{file}:{line}: error: broken link")]);
}

/// A broken link that a template puts together from an expression and a literal is reported
/// at the template line with the literal: after the root (`{{ root }}old/`) and as a fragment
/// of an address from data (`{{ guide.url }}#nope`).
#[test]
fn a_template_made_link_from_an_expression_is_reported_at_its_template_line() {
    for (html, target) in [
        (
            "<p>See <a href=\"{{ root }}old-links/index.html\">the old page</a>.</p>",
            "../../old-links/index.html",
        ),
        (
            "<p>See <a href=\"{{ guide.url }}#no-such-part\">the part</a>.</p>",
            "../index.html#no-such-part",
        ),
    ] {
        let (site, file, line) = site_with_template_text(html);
        build_fails_at(
            &site,
            &format!("{file}:{line}: broken link `{target}` on page demo/links/index.html"),
        );
        check_errors_at(&site, &[&format!("{file}:{line}: error: broken link")]);
    }
}

/// A placeholder address that a template of the site's theme writes as a `mailto:` link is
/// reported at its template line.
#[test]
fn a_template_made_placeholder_mailto_is_reported_at_its_template_line() {
    let (site, file, line) =
        site_with_template_text("<p>Write to <a href=\"mailto:help@example.org\">help</a>.</p>");
    check_errors_at(
        &site,
        &[&format!("{file}:{line}: error: page demo/links/index.html links to the placeholder address help@example.org")],
    );
}

/// An internal word written literally in a template of the site's theme is reported at its
/// template line (not at a line where the word is an attribute, an expression or a comment).
#[test]
fn an_internal_word_in_a_template_is_reported_at_its_template_line() {
    let (site, file, line) = site_with_template_text(
        "<p class=\"todo\">{{ root }}</p>\n<p>Links: TODO, ask the helpdesk.</p>",
    );
    check_errors_at(
        &site,
        &[&format!(
            "{file}:{}: error: page demo/links/index.html shows the internal word \"todo\"",
            line + 1
        )],
    );
}

/// An internal word in a translation that a template shows (a UI string of the site's German
/// catalog) is reported at its line of the catalog, not at line 0 of the page's source.
#[test]
fn an_internal_word_in_a_translation_is_reported_at_its_catalog_line() {
    let site = site(|s| {
        let toml = std::fs::read_to_string(s.path("site.toml")).unwrap();
        s.write("site.toml", &format!("languages = [\"de\"]\n{toml}"));
        s.write(
            "i18n/de.po",
            "msgid \"\"\nmsgstr \"Language: de\\n\"\n\n# TODO: check the wording\n\
             msgctxt \"ui\"\nmsgid \"Skip to main content\"\nmsgstr \"\"\n\"TODO: Zum Hauptinhalt\"\n",
        );
    });
    check_errors_at(&site, &["i18n/de.po:8: error: page de/"]);
}

/// An internal word in a data value that a template shows (a link's description on the links
/// page) is reported at the value's line, not at a comment above it with the same text.
#[test]
fn an_internal_word_from_data_is_reported_at_its_data_line() {
    let site = site(|s| {
        let text = std::fs::read_to_string(s.path("content/data/links.yaml")).unwrap();
        // the fixture's links.yaml has 2 lines: the comment is line 1, the description line 7
        s.write(
            "content/data/links.yaml",
            &format!(
                "# description: \"TODO: ask the helpdesk for the address\"\n{text}\
                 - id: forms\n  title: \"Forms\"\n  url: \"https://forms.example.eu/\"\n  \
                 description: \"TODO: ask the helpdesk for the address\"\n"
            ),
        );
    });
    check_errors_at(
        &site,
        &["content/data/links.yaml:7: error: page demo/links/index.html shows the internal word \"todo\""],
    );
}

/// Warnings on the sandbox flow of the built-in theme (the site has none of its own) name
/// it as such, each at the line of its key in the file the binary embeds.
#[test]
fn warnings_on_the_built_in_sandbox_flow_name_it_and_its_lines() {
    let flow =
        std::fs::read_to_string(common::repo_root().join("themes/default/data/sandbox.yaml"))
            .unwrap();
    // the line of `  <key>:` in the top-level section `section:`
    let key_line = |section: &str, key: &str| {
        let start = flow.find(&format!("\n{section}:\n")).unwrap() + 1;
        let at = start + flow[start..].find(&format!("\n  {key}:")).unwrap() + 1;
        flow[..at].matches('\n').count() + 1
    };
    let site = site(|_| {});
    let (code, _, out) = run(&site, &["check", "--site", "site"]);
    assert_eq!(code, Some(0), "{out}");
    for (section, key) in [
        ("methods", "eid"),
        ("methods", "token"),
        ("networks", "ern-rnd"),
    ] {
        let want = format!(
            "built-in theme: data/sandbox.yaml:{}: warning: {section}: `{key}` is not a",
            key_line(section, key)
        );
        assert!(
            out.lines().any(|l| l.starts_with(&want)),
            "no `{want}...` in:\n{out}"
        );
    }
}
