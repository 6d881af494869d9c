//! Every `tests/fixtures/broken-*` site fails with its own message naming file and line,
//! exits 1 without a panic, and leaves the previous output untouched.

mod common;

use common::TestSite;

#[test]
fn every_broken_fixture_fails_with_its_message() {
    let names = common::broken_fixtures();
    assert!(
        names.len() >= 20,
        "expected the broken fixture corpus (at least 20 defects), found {names:?}"
    );
    let mut failures = Vec::new();
    for name in &names {
        let site = TestSite::from_fixture(name);
        let expected = std::fs::read_to_string(site.path("expected.txt")).unwrap();
        let expected = expected.trim();
        // a previous good output that must survive
        std::fs::create_dir_all(site.out()).unwrap();
        std::fs::write(site.out().join("index.html"), "PREVIOUS GOOD OUTPUT").unwrap();
        std::fs::write(site.out().join(".ernguide-output"), "ernguide's").unwrap();

        let out = site
            .cmd(&["build", "--site", "site", "--out", "public"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr)
            .replace(&format!("{}/", site.site().display()), "")
            .replace("site/", "");
        if out.status.code() != Some(1) {
            failures.push(format!(
                "{name}: exit {:?}, stderr:\n{stderr}",
                out.status.code()
            ));
            continue;
        }
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked:\n{stderr}"));
            continue;
        }
        let first = stderr.lines().next().unwrap_or("");
        if !first.contains(expected) {
            failures.push(format!(
                "{name}: first line\n  {first}\ndoes not contain\n  {expected}"
            ));
        }
        let kept = std::fs::read_to_string(site.out().join("index.html")).unwrap();
        if kept != "PREVIOUS GOOD OUTPUT" {
            failures.push(format!("{name}: previous output was replaced"));
        }
        let leftovers: Vec<_> = std::fs::read_dir(site.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("tmp-") || n.contains("old-"))
            .collect();
        if !leftovers.is_empty() {
            failures.push(format!("{name}: left temporary folders {leftovers:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
