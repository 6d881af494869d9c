//! The output folder is ernguide's alone, and a build replaces it all at once:
//! - `build --out` refuses (exit 2) a folder with files it did not write, the site folder and
//!   any folder holding it, and leaves them intact; `--force` adopts such a folder;
//! - `ernguide build` killed at random moments (10 trials, while updating an existing output and
//!   while writing a first one) leaves the complete old site or the complete new one, and the
//!   next run removes what the killed one left beside it.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_dir, TestSite};

/// Every entry under `dir` (folders with a trailing `/`) with the bytes of files, sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            if e.file_type().is_dir() {
                (format!("{rel}/"), Vec::new())
            } else {
                (rel, std::fs::read(e.path()).unwrap())
            }
        })
        .collect();
    v.sort();
    v
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_folder_with_foreign_files_is_refused_and_left_intact() {
    let site = TestSite::from_fixture("basic");
    let victim = site.dir.path().join("victim");
    std::fs::create_dir_all(victim.join("sub")).unwrap();
    std::fs::write(victim.join("notes.txt"), "important").unwrap();
    std::fs::write(victim.join("sub/thesis.docx"), "important too").unwrap();
    let before = tree(&victim);
    let out = site
        .cmd(&["build", "--site", "site", "--out", "victim"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("victim"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(tree(&victim), before, "the folder was changed");
    assert_eq!(
        names(site.dir.path()),
        ["site", "victim"],
        "nothing beside it"
    );

    // serve refuses it too, before building or listening.
    site.cmd(&["serve", "--port", "0", "--site", "site", "--out", "victim"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2);
    assert_eq!(tree(&victim), before);

    // --force: the author asked for it; the folder becomes the site.
    site.cmd(&["build", "--site", "site", "--out", "victim", "--force"])
        .assert()
        .success();
    assert!(victim.join("index.html").is_file());
    assert!(!victim.join("notes.txt").exists());
    assert!(victim.join(".ernguide-output").is_file(), "the marker");
    // From now on it is ernguide's: no --force needed.
    site.cmd(&["build", "--site", "site", "--out", "victim"])
        .assert()
        .success();
}

#[test]
fn the_site_folder_and_its_parents_are_never_an_output() {
    let site = TestSite::from_fixture("basic");
    let root = site.dir.path();
    std::fs::create_dir_all(site.path(".git")).unwrap();
    std::fs::write(site.path(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = tree(root);
    for (dir, out) in [
        ("site", "."),       // --site . --out . in a checkout
        (".", "."),          // the parent of the site
        ("site", "content"), // the sources
        (".", "site"),
    ] {
        let mut cmd = site.cmd(&["build"]);
        cmd.current_dir(root.join(dir));
        let site_arg = if dir == "site" { "." } else { "site" };
        let out = cmd
            .args(["--site", site_arg, "--out", out])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains("refusing"), "{dir} {stderr}");
        assert_eq!(
            tree(root),
            before,
            "--site {site_arg} --out {out:?} changed files"
        );
    }
    // A new folder inside the site is fine (the default `public`).
    site.cmd(&["build", "--site", "site", "--out", "site/public"])
        .assert()
        .success();
}

/// Writes the "new" site: another title on every page and 300 more steps.
fn make_new_site(site: &TestSite) {
    site.edit(
        "site.toml",
        "title = \"Fixture portal\"",
        "title = \"Renewed portal\"",
    );
    for i in 0..300 {
        site.write(
            &format!("content/guides/demo/{:03}-extra-{i}.md", 100 + i),
            &format!(
                "---\ntitle: \"Extra step {i}\"\nsummary: \"More.\"\nreviewed: 2026-11-01\n---\n# Part {i}\n\n{}\n",
                "Some words for this step. ".repeat(40)
            ),
        );
    }
}

fn ernguide() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ernguide"));
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// A deterministic spread of kill moments over `0..=span`.
fn moments(n: u64, span: Duration) -> Vec<Duration> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            span.mul_f64((x % 1000) as f64 / 1000.0)
        })
        .collect()
}

#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one() {
    let old_site = TestSite::from_fixture("basic");
    let new_site = TestSite::from_fixture("basic");
    make_new_site(&new_site);
    let work = tempfile::tempdir().unwrap();
    let reference_old = work.path().join("ref-old");
    let reference_new = work.path().join("ref-new");
    let status = ernguide()
        .args(["build", "--site"])
        .arg(old_site.site())
        .arg("--out")
        .arg(&reference_old)
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let status = ernguide()
        .args(["build", "--site"])
        .arg(new_site.site())
        .arg("--out")
        .arg(&reference_new)
        .status()
        .unwrap();
    assert!(status.success());
    // Kill moments spread over a whole build (and a little after it).
    let span = start.elapsed().mul_f64(1.2);
    let (old, new) = (tree(&reference_old), tree(&reference_new));
    assert_ne!(old, new);

    let mut killed_while_running = 0;
    for (trial, delay) in moments(10, span).into_iter().enumerate() {
        let dir = work.path().join(format!("trial-{trial}"));
        let out = dir.join("public");
        // Even trials update an existing output; odd ones write a first one.
        let first_build = trial % 2 == 1;
        if !first_build {
            copy_dir(&reference_old, &out);
        } else {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let mut child = ernguide()
            .args(["build", "--site"])
            .arg(new_site.site())
            .arg("--out")
            .arg(&out)
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed_while_running += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let got = if out.exists() { Some(tree(&out)) } else { None };
        match &got {
            Some(t) if *t == new => {}
            Some(t) if *t == old && !first_build => {}
            None if first_build => {}
            Some(t) => panic!(
                "trial {trial} (killed after {delay:?}): the output is a mix: {} entries, \
                 old has {}, new has {}",
                t.len(),
                old.len(),
                new.len()
            ),
            None => panic!("trial {trial} (killed after {delay:?}): the output is gone"),
        }
        // The next run finishes the job and removes what the killed one left beside it.
        let status = ernguide()
            .args(["build", "--site"])
            .arg(new_site.site())
            .arg("--out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "trial {trial}: the next build failed");
        assert_eq!(tree(&out), new, "trial {trial}: the next build");
        assert_eq!(
            names(&dir),
            ["public"],
            "trial {trial}: leftovers beside the output"
        );
    }
    eprintln!("{killed_while_running} of 10 builds were killed while running");
}
