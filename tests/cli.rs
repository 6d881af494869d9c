//! CLI behaviour: golden help text, exit codes.

mod common;

use common::TestSite;

fn golden(name: &str, actual: &str) {
    let path = common::repo_root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "{name} differs; run with UPDATE_GOLDEN=1 to accept"
    );
}

#[test]
fn help_is_golden() {
    let site = TestSite::from_fixture("basic");
    for (args, file) in [
        (vec!["--help"], "help.txt"),
        (vec!["build", "--help"], "build-help.txt"),
        (vec!["serve", "--help"], "serve-help.txt"),
        (vec!["check", "--help"], "check-help.txt"),
    ] {
        let out = site.cmd(&args).output().unwrap();
        assert!(out.status.success());
        golden(file, &String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn bad_usage_exits_2() {
    let site = TestSite::from_fixture("basic");
    site.cmd(&["build", "--no-such-flag"]).assert().code(2);
    site.cmd(&["frobnicate"]).assert().code(2);
}

#[test]
fn missing_site_exits_1_with_message() {
    let site = TestSite::from_fixture("basic");
    site.cmd(&["build", "--site", "nowhere"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("nowhere/site.toml"));
}

#[test]
fn check_reports_findings_and_json() {
    let site = TestSite::from_fixture("basic");
    site.cmd(&["check", "--site", "site"])
        .assert()
        .success()
        .stdout(predicates::str::contains("0 error(s)"));
    site.edit(
        "content/guides/demo/02-request-access.md",
        "{% include \"request.md\" %}",
        "[x](../nope/index.html)",
    );
    let out = site
        .cmd(&["check", "--site", "site", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    assert_eq!(v["findings"][0]["line"], 5);
    assert!(v["findings"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("02-request-access.md"));
    assert!(!site.out().exists(), "check must not write output");
}

#[test]
fn dump_sandbox_prints_the_config_of_the_guides_practice_page() {
    let site = TestSite::from_fixture("basic");
    let out = site
        .cmd(&["dump-sandbox", "--site", "site", "--guide", "demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["guide"]["slug"], "demo");
    assert_eq!(json["network"]["id"], "demo");
    site.build().success();
    let page = site.read("demo/sandbox/index.html");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.contains(&format!("id=\"sbx-data\">{}</script>", text.trim_end())),
        "the page carries the same JSON"
    );
    let unknown = site
        .cmd(&["dump-sandbox", "--site", "site", "--guide", "nope"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no guide `nope` (the guides are: demo)")
    );
}
