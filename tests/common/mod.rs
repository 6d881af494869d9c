//! Test helpers: `TestSite::from_fixture("basic")` copies a fixture site into a temp dir;
//! `broken-*` (the build fails) and `lint-*` (the build succeeds, `check` fails) fixtures hold
//! only the files that differ from `basic` and are laid over it.
#![allow(dead_code)]

pub mod serve;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every file under `dir` as (relative path, bytes), sorted.
pub fn walk(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The `tests/fixtures/lint-*` sites: each builds, and `check` fails with its `expected.txt`.
pub fn lint_fixtures() -> Vec<String> {
    fixtures_named("lint-")
}

/// The `tests/fixtures/<prefix>*` folder names, sorted.
fn fixtures_named(prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

/// The names of the `tests/fixtures/broken-*` fixtures, sorted.
pub fn broken_fixtures() -> Vec<String> {
    fixtures_named("broken-")
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub struct TestSite {
    pub dir: tempfile::TempDir,
    /// Extra environment of [`TestSite::cmd`] (the bundled portal's shared image cache).
    env: Vec<(&'static str, PathBuf)>,
}

/// The image cache the bundled-portal tests share (`ERNGUIDE_CACHE_DIR`): every test builds
/// the same figures, so only the first build of a run (or of any earlier run) encodes them.
/// The cache is keyed by content hash and written atomically, so parallel builds may share it.
pub fn shared_image_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("bundled-cache")
}

/// Fills the shared cache once per test process: entries of the repository's own
/// `.cache/images/` (left by `ernguide build` or the browser tests) are linked in, then one
/// build of the bundled portal encodes whatever is still missing, before any test builds.
fn warm_shared_image_cache(site: &TestSite) {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        let cache = shared_image_cache().join("images");
        std::fs::create_dir_all(&cache).unwrap();
        if let Ok(entries) = std::fs::read_dir(repo_root().join(".cache/images")) {
            for e in entries.flatten() {
                let name = e.file_name();
                let to = cache.join(&name);
                if name.to_string_lossy().starts_with('.') || to.exists() {
                    continue;
                }
                // cache files are never changed in place: a hard link is a safe copy
                if std::fs::hard_link(e.path(), &to).is_err() {
                    let _ = std::fs::copy(e.path(), &to);
                }
            }
        }
        let out = tempfile::tempdir().unwrap();
        let built = site
            .cmd(&["build", "--site", "site", "--out"])
            .arg(out.path().join("public"))
            .output()
            .unwrap();
        assert!(
            built.status.success(),
            "warming the image cache: {}",
            String::from_utf8_lossy(&built.stderr)
        );
    });
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`; for `broken-*`, `basic` with the fixture laid over it
    /// (a file `REMOVE` lists paths to delete from the copy).
    pub fn from_fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        if name.starts_with("broken-") || name.starts_with("lint-") {
            copy_dir(&fixtures().join("basic"), &site);
        }
        copy_dir(&fixtures().join(name), &site);
        if let Ok(list) = std::fs::read_to_string(site.join("REMOVE")) {
            for line in list.lines().filter(|l| !l.trim().is_empty()) {
                let p = site.join(line.trim());
                if p.is_dir() {
                    std::fs::remove_dir_all(p).unwrap();
                } else {
                    std::fs::remove_file(p).unwrap();
                }
            }
        }
        TestSite {
            dir,
            env: Vec::new(),
        }
    }

    /// The real bundled portal (repo root's site.toml + content/ + themes/ + screenshots/),
    /// building with the shared image cache ([`shared_image_cache`]).
    pub fn bundled() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::copy(repo_root().join("site.toml"), site.join("site.toml")).unwrap();
        for sub in ["content", "themes", "screenshots", "i18n"] {
            if repo_root().join(sub).exists() {
                copy_dir(&repo_root().join(sub), &site.join(sub));
            }
        }
        let site = TestSite {
            dir,
            env: vec![("ERNGUIDE_CACHE_DIR", shared_image_cache())],
        };
        warm_shared_image_cache(&site);
        site
    }

    pub fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.site().join(rel)
    }

    /// Replaces `from` by `to` in a site file (panics if `from` is absent).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let p = self.path(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        self
    }

    /// Replaces the `{% include "request.md" %}` of the `basic` fixture's request step with
    /// `text` (how the input and serve tests feed a fragment or a template to a build).
    pub fn edit_request_step(&self, text: &str) -> &Self {
        self.edit(
            "content/guides/demo/02-request-access.md",
            "{% include \"request.md\" %}",
            text,
        )
    }

    /// A named pipe at `rel` (opening it to read waits for a writer, forever).
    pub fn mkfifo(&self, rel: &str) -> &Self {
        let made = std::process::Command::new("mkfifo")
            .arg(self.path(rel))
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo {rel}");
        self
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn write_bytes(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> &Self {
        let p = self.site().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("ernguide").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.current_dir(self.dir.path());
        cmd.args(args);
        cmd
    }

    /// `ernguide build --site site --out public`.
    pub fn build(&self) -> assert_cmd::assert::Assert {
        self.cmd(&["build", "--site", "site", "--out", "public"])
            .assert()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel))
            .unwrap_or_else(|e| panic!("reading output {rel}: {e}"))
    }
}
