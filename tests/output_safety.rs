//! The output folder is ernguide's alone, and a build replaces it all at once:
//! - `build --out` refuses (exit 2) a folder with files it did not write and leaves it intact;
//!   `--force` adopts such a folder; the site folder and any folder holding it are refused
//!   with or without `--force`;
//! - `ernguide build` killed with SIGKILL (12 trials, while updating an existing output and
//!   while writing a first one; half at moments spread over a whole build, half a few
//!   milliseconds after it started writing the new site) leaves the complete old site or the
//!   complete new one, and the next run removes what the killed one left beside it. The test
//!   also checks that enough trials really stopped a build in the middle of writing.

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
        let site_arg = if dir == "site" { "." } else { "site" };
        // --force never makes the sources an output folder.
        for force in [None, Some("--force")] {
            let mut cmd = site.cmd(&["build"]);
            cmd.current_dir(root.join(dir));
            cmd.args(["--site", site_arg, "--out", out]).args(force);
            let assert = cmd.assert().code(2);
            let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
            assert!(stderr.contains("refusing"), "{dir} {stderr}");
            assert!(stderr.contains("--force does not"), "{dir} {stderr}");
            assert_eq!(
                tree(root),
                before,
                "--site {site_arg} --out {out:?} {force:?} changed files"
            );
        }
    }
    // serve as well, before building or listening.
    site.cmd(&[
        "serve", "--port", "0", "--site", "site", "--out", ".", "--force",
    ])
    .timeout(Duration::from_secs(60))
    .assert()
    .code(2);
    assert_eq!(tree(root), before, "serve --out . --force changed files");
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

/// A deterministic spread of numbers in `0..1`.
fn spread(n: usize) -> Vec<f64> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 1000) as f64 / 1000.0
        })
        .collect()
}

/// Whether a temporary folder of a build of `public` is beside it (the build is writing the
/// new site, or removing the old one after the swap).
fn writing(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".public.ernguide-")
        })
    })
}

/// How a trial picks its moment: a time into the build (any step), or a time after the build
/// started writing (its temporary folder appeared).
#[derive(Debug, Clone, Copy)]
enum KillAt {
    Time(Duration),
    Writing(Duration),
}

/// What the folder held when the killed build was stopped.
#[derive(Debug, Default)]
struct Outcomes {
    trials: usize,
    /// Still running when killed.
    running: usize,
    /// Still running, with its temporary folder beside the output: stopped while writing.
    mid_write: usize,
    old: usize,
    new: usize,
    absent: usize,
}

/// Starts a build of `site` into `dir/public` and kills it (SIGKILL) at `at`; returns
/// (still running, stopped while writing). Gives up waiting for the temporary folder when the
/// build ends first.
fn kill_build(site: &Path, dir: &Path, at: KillAt) -> (bool, bool) {
    let mut child = ernguide()
        .args(["build", "--site"])
        .arg(site)
        .arg("--out")
        .arg(dir.join("public"))
        .spawn()
        .unwrap();
    match at {
        KillAt::Time(delay) => std::thread::sleep(delay),
        KillAt::Writing(delay) => {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !writing(dir) && child.try_wait().unwrap().is_none() {
                assert!(Instant::now() < deadline, "the build never started writing");
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(delay);
        }
    }
    // Look before killing: what the folder holds now is what the kill leaves.
    let mid_write = writing(dir);
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    (running, running && mid_write)
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
    // Time-based kills spread over a whole build (and a little after it); write-phase kills
    // within a few milliseconds of the start of writing (a loaded machine only makes the
    // phase longer). Each kind, on an existing output and on a first build.
    let span = start.elapsed().mul_f64(1.2);
    let (old, new) = (tree(&reference_old), tree(&reference_new));
    assert_ne!(old, new);

    let moments: Vec<KillAt> = spread(12)
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            if i % 4 < 2 {
                KillAt::Time(span.mul_f64(r))
            } else {
                KillAt::Writing(Duration::from_micros((r * 8000.0) as u64))
            }
        })
        .collect();
    let mut seen = Outcomes::default();
    for (trial, at) in moments.into_iter().enumerate() {
        let dir = work.path().join(format!("trial-{trial}"));
        let out = dir.join("public");
        // Even trials update an existing output; odd ones write a first one.
        let first_build = trial % 2 == 1;
        if !first_build {
            copy_dir(&reference_old, &out);
        } else {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let (running, mid_write) = kill_build(&new_site.site(), &dir, at);
        seen.trials += 1;
        seen.running += usize::from(running);
        seen.mid_write += usize::from(mid_write);
        let got = if out.exists() { Some(tree(&out)) } else { None };
        match &got {
            Some(t) if *t == new => seen.new += 1,
            Some(t) if *t == old && !first_build => seen.old += 1,
            None if first_build => seen.absent += 1,
            Some(t) => panic!(
                "trial {trial} (killed at {at:?}): the output is a mix: {} entries, \
                 old has {}, new has {}",
                t.len(),
                old.len(),
                new.len()
            ),
            None => panic!("trial {trial} (killed at {at:?}): the output is gone"),
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
    eprintln!("kill trials: {seen:?}");
    // The trials really stopped builds, also in the middle of writing the new site (else this
    // test proves nothing about a half-written output).
    assert!(
        seen.running >= 6,
        "too few builds killed while running: {seen:?}"
    );
    assert!(
        seen.mid_write >= 3,
        "too few builds killed while writing: {seen:?}"
    );
}
