//! Inputs stay inside the site and data stays data: every probe of the security review that
//! published something from outside the site, hung the build, or turned a data value into
//! Markdown now fails with an error naming the file (exit 1), and the previous output stays.

mod common;

use std::time::Duration;

use common::TestSite;

/// `build` must fail (exit 1, no panic, within a bound: a hang fails) with `needle` in stderr.
fn build_fails_with(site: &TestSite, needle: &str) -> String {
    let out = site
        .cmd(&["build", "--site", "site", "--out", "public"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in:\n{stderr}");
    stderr
}

#[test]
fn a_failed_build_leaves_nothing_where_its_output_would_go() {
    // Pages are written while they render, into a folder beside the output: a build that
    // fails in the render or in the link check removes it, and the parent folders it made.
    for (text, needle) in [
        (
            "{% include \"no-such-fragment.md\" %}",
            "no-such-fragment.md",
        ),
        ("[A broken link](../nope/index.html)", "broken link"),
    ] {
        let site = TestSite::from_fixture("basic");
        site.edit_request_step(text);
        let out = site
            .cmd(&["build", "--site", "site", "--out", "new/deeper/public"])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(needle), "expected {needle:?} in:\n{stderr}");
        let root = site.site().parent().unwrap().to_path_buf();
        assert!(!root.join("new").exists(), "{needle}: a folder was left");
        // The same into a folder that exists: it stays, empty.
        std::fs::create_dir(root.join("kept")).unwrap();
        let out = site
            .cmd(&["build", "--site", "site", "--out", "kept/public"])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let left: Vec<_> = std::fs::read_dir(root.join("kept")).unwrap().collect();
        assert!(left.is_empty(), "{needle}: {left:?} left in kept/");
    }
}

#[test]
fn a_symlink_out_of_the_site_is_refused() {
    let site = TestSite::from_fixture("basic");
    std::os::unix::fs::symlink("/etc/passwd", site.path("content/shared/passwd.md")).unwrap();
    site.edit_request_step("{% include \"passwd.md\" %}");
    let stderr = build_fails_with(&site, "outside the site folder");
    assert!(stderr.contains("passwd.md"), "names the file: {stderr}");
    assert!(!site.out().join("demo").exists());
    // check as well
    let out = site.cmd(&["check", "--site", "site"]).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn a_screenshot_symlink_out_of_the_site_is_refused() {
    // A real PNG outside the site, linked in as a screenshot file and through a folder link.
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::fixtures().join("basic/screenshots/demo/form.png"),
        outside.path().join("secret.png"),
    )
    .unwrap();
    for (link, target, src) in [
        (
            "screenshots/demo/evil.png",
            outside.path().join("secret.png"),
            "demo/evil.png",
        ),
        (
            "screenshots/ext",
            outside.path().to_path_buf(),
            "ext/secret.png",
        ),
    ] {
        let site = TestSite::from_fixture("basic");
        std::os::unix::fs::symlink(&target, site.path(link)).unwrap();
        site.edit(
            "content/guides/demo/01-create-eu-login.md",
            "Type your name.",
            &format!("Type your name.\n\n```figure\nsrc: {src}\nalt: \"A screenshot\"\n```\n"),
        );
        let stderr = build_fails_with(&site, "outside the site folder");
        let name = src.rsplit('/').next().unwrap();
        assert!(stderr.contains(name), "names the file {name}: {stderr}");
        assert!(!site.out().exists(), "nothing published");
        let out = site.cmd(&["check", "--site", "site"]).output().unwrap();
        assert_ne!(out.status.code(), Some(0), "check fails too");
    }
}

#[test]
fn a_theme_outside_the_site_is_refused() {
    let site = TestSite::from_fixture("basic");
    let outside = site.dir.path().join("outside/static");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "SECRET").unwrap();
    for theme in ["../../outside", "../..", "/tmp"] {
        let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
        let toml: String = toml
            .lines()
            .filter(|l| !l.starts_with("theme"))
            .map(|l| format!("{l}\n"))
            .collect();
        site.write("site.toml", &format!("theme = \"{theme}\"\n{toml}"));
        let stderr = build_fails_with(&site, "`theme`");
        assert!(stderr.contains("site.toml:1"), "{stderr}");
    }
}

#[test]
fn a_fifo_is_refused_without_hanging() {
    let site = TestSite::from_fixture("basic");
    site.mkfifo("content/shared/pipe.md")
        .edit_request_step("{% include \"pipe.md\" %}");
    let stderr = build_fails_with(&site, "regular file");
    assert!(stderr.contains("pipe.md"), "{stderr}");
}

#[test]
fn a_huge_markdown_file_is_refused() {
    let site = TestSite::from_fixture("basic");
    let big = "word ".repeat(1_200_000); // 6 MB
    site.write("content/shared/big.md", &big)
        .edit_request_step("{% include \"big.md\" %}");
    let stderr = build_fails_with(&site, "too large");
    assert!(stderr.contains("big.md"), "{stderr}");
}

#[test]
fn a_runaway_template_loop_stops() {
    let site = TestSite::from_fixture("basic");
    site.edit_request_step(
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    );
    build_fails_with(&site, "02-request-access.md");
}

#[test]
fn hostile_e_mail_addresses_and_urls_are_refused() {
    for (file, from, to) in [
        (
            "content/networks/demo/network.yaml",
            "helpdesk: null",
            "helpdesk: { name: \"Demo\", email: \"x@x.eu)![t](https://evil.example/t.png\" }",
        ),
        (
            "content/networks/demo/network.yaml",
            "helpdesk: null",
            "helpdesk: { name: \"Demo\", email: \"help@x.eu?cc=attacker%40evil.example&bcc=spy%40evil.example\" }",
        ),
        (
            "content/networks/demo/network.yaml",
            "helpdesk: null",
            "helpdesk: { name: \"Demo\", email: \"help@x.eu%0D%0ABcc:attacker%40evil.example\" }",
        ),
        (
            "site.toml",
            "sante-ern-cpms-itsupport@ec.europa.eu",
            "it@x.eu?cc=attacker%40evil.example&subject=x",
        ),
        (
            "content/data/links.yaml",
            "https://cpms.ern-net.eu/login/",
            "https://x.eu/)![t](https://evil.example/t.png",
        ),
    ] {
        let site = TestSite::from_fixture("basic");
        site.edit(file, from, to);
        let out = site
            .cmd(&["build", "--site", "site", "--out", "public"])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{to}: {stderr}");
        let name = file.rsplit('/').next().unwrap();
        assert!(
            stderr.contains(name),
            "{to}: the error names {name}: {stderr}"
        );
        assert!(!site.out().exists(), "{to}: nothing published");
    }
}

/// Every element name of an HTML text (`<a`, `<img`, ...), counted.
/// Leaves out the `<span lang="en">` around quotes of the mock screens' texts, which depend on
/// the data's values (`i18n/screen_text.rs`: a value with a `"` in it pairs quotation marks
/// differently).
fn element_counts(html: &str) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for (i, _) in html.match_indices('<') {
        if html[i..].starts_with("<span lang=\"en\">") {
            continue;
        }
        let name: String = html[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !name.is_empty() {
            *counts.entry(name.to_ascii_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

/// The values of the attributes that make a browser fetch or open an address.
fn addresses(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for attr in [
        " src=\"",
        " href=\"",
        " srcset=\"",
        " action=\"",
        " poster=\"",
        " data=\"",
    ] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            found.push(&value[..value.find('"').unwrap_or(value.len())]);
        }
    }
    found
}

/// The values of the security review that turned data into Markdown (a network name with an
/// image, a link and a figure call-out in it, and a `"`; a link title, a fact and a wording
/// with Markdown and HTML), put into the bundled portal's data.
pub const HOSTILE_DATA: &[(&str, &str, &str)] = &[
    (
        "content/networks/ern-rnd/network.yaml",
        "name: \"ERN-RND\"",
        r#"name: "ERN-RND \"Neuro\" ![t](https://evil.example/t.png) [click here](https://evil.example/phish) X\" }\n  - { box: [0, 0, 400, 400], label: \"INJECTED-CALLOUT""#,
    ),
    (
        "content/networks/ern-rnd/network.yaml",
        "comment_hint: \"It would be useful",
        r#"comment_hint: "\"Quoted\" ![c](https://evil.example/c.png) <img src=https://evil.example/i.png> It would be useful"#,
    ),
    (
        "content/data/links.yaml",
        "title: \"CPMS login\"",
        r#"title: "CPMS](https://evil.example/p) ![t](https://evil.example/l.png) [login""#,
    ),
    (
        "content/data/facts.yaml",
        "text: \"In 2024 the CPMS was upgraded to CPMS 2.0.\"",
        r#"text: "In 2024 ![f](https://evil.example/f.png) <https://evil.example/a> the CPMS was upgraded to CPMS 2.0.""#,
    ),
];

#[test]
fn hostile_data_values_are_text_in_the_bundled_portal() {
    let plain = common::TestSite::bundled();
    plain.build().success();
    let hostile = common::TestSite::bundled();
    for (file, from, to) in HOSTILE_DATA {
        hostile.edit(file, from, to);
    }
    // Builds (the `"` in the name used to break the figure YAML of the SAAS recap).
    hostile.build().success();

    let plain_files = common::walk(&plain.out());
    let hostile_files = common::walk(&hostile.out());
    let names = |files: &[(String, Vec<u8>)]| -> Vec<String> {
        files.iter().map(|(rel, _)| rel.clone()).collect()
    };
    // The same files: no figure drawn differently (an injected call-out changes the image).
    assert_eq!(names(&plain_files), names(&hostile_files));
    let mut pages_with_values = 0;
    for ((rel, plain_bytes), (_, hostile_bytes)) in plain_files.iter().zip(&hostile_files) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(hostile_bytes);
        for address in addresses(&html) {
            assert!(
                !address.contains("evil"),
                "{rel}: an address from data: {address}"
            );
        }
        if html.contains("evil.example") {
            pages_with_values += 1;
        }
        // No extra element: the same elements as with plain values.
        let plain_html = String::from_utf8_lossy(plain_bytes);
        assert_eq!(
            element_counts(&plain_html),
            element_counts(&html),
            "{rel}: the hostile values changed the page's elements"
        );
    }
    assert!(
        pages_with_values > 20,
        "the values are on the pages, as text ({pages_with_values} pages)"
    );
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_shared_fragment_is_not_text() {
    let site = TestSite::from_fixture("basic");
    let text = std::fs::read_to_string(site.path("content/shared/request.md")).unwrap();
    site.write(
        "content/shared/request.md",
        &format!("\u{feff}## Ask for access\n\n{text}"),
    );
    site.build().success();
    let page = site.read("demo/request-access/index.html");
    assert!(page.contains(">Ask for access</h2>"), "{page}");
    assert!(!page.contains('\u{feff}'), "the mark is gone");
}

#[test]
fn a_heading_attribute_is_not_a_jinja_comment() {
    let site = TestSite::from_fixture("basic");
    let step =
        std::fs::read_to_string(site.path("content/guides/demo/02-request-access.md")).unwrap();
    site.write(
        "content/guides/demo/02-request-access.md",
        &format!(
            "{}\n## Ask for help {{#ask-help}}\n\nWrite to the helpdesk. {{# a comment #}}\n",
            step.trim_end()
        ),
    );
    site.build().success();
    let page = site.read("demo/request-access/index.html");
    assert!(
        page.contains("<h2 id=\"ask-help\">Ask for help</h2>"),
        "{page}"
    );
    assert!(
        !page.contains("a comment"),
        "a Jinja comment stays a comment"
    );
}
