//! Which folders a build may write into: the output folder belongs to ernguide (its
//! [`MARKER`]), and is never the site folder or one of its sources.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{MARKER, MARKER_TEXT};

/// What a site folder holds that a build never replaces, whatever the options: an output
/// folder that is one of them or inside one is refused.
const SOURCES: &[&str] = &[
    "site.toml",
    "content",
    "themes",
    "screenshots",
    "i18n",
    ".git",
];

/// Why an output folder is not written (exit code 2: the command line asks for something unsafe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputRefused {
    pub out_dir: PathBuf,
    pub reason: String,
}

impl fmt::Display for OutputRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to write the site into {}: {}",
            self.out_dir.display(),
            self.reason
        )
    }
}

impl std::error::Error for OutputRefused {}

/// Checks that the site at `site_dir` may be written into `out_dir` before anything is built:
/// refuses an output folder that is or holds the site folder, or is (inside) one of its
/// [`SOURCES`], even with `force`; and, unless `force`, a file or an existing folder with files
/// in it but no [`MARKER`]. With `force`, an existing folder is adopted: it gets the marker,
/// and the build replaces its contents.
pub fn claim(out_dir: &Path, site_dir: &Path, force: bool) -> Result<(), OutputRefused> {
    let refuse = |reason: String| OutputRefused {
        out_dir: out_dir.to_path_buf(),
        reason,
    };
    let out_abs = absolute(out_dir);
    if let Ok(site_abs) = site_dir.canonicalize() {
        let sources = if site_abs.starts_with(&out_abs) {
            let what = if site_abs == out_abs { "is" } else { "holds" };
            Some(format!("it {what} the site folder {}", site_dir.display()))
        } else {
            out_abs
                .strip_prefix(&site_abs)
                .ok()
                .and_then(|rel| rel.components().next())
                .map(|first| first.as_os_str().to_string_lossy().into_owned())
                .filter(|first| SOURCES.contains(&first.as_str()))
                .map(|first| format!("it is the site's {first} or inside it"))
        };
        if let Some(what) = sources {
            return Err(refuse(format!(
                "{what}, and a build replaces everything in its output folder (your sources \
                 too; --force does not change this). Choose another folder, for example \
                 --out public"
            )));
        }
    }
    let meta = match std::fs::symlink_metadata(&out_abs) {
        Ok(m) => m,
        Err(_) => return Ok(()), // does not exist yet: the build creates it
    };
    if !meta.is_dir() && !out_abs.is_dir() {
        if force {
            return Ok(());
        }
        return Err(refuse(
            "it is a file, not a folder. Choose another name, or pass --force to replace it".into(),
        ));
    }
    if is_ours_or_empty(&out_abs) {
        return Ok(());
    }
    if force {
        return std::fs::write(out_abs.join(MARKER), MARKER_TEXT).map_err(|e| {
            refuse(format!(
                "cannot write {}: {e}",
                out_dir.join(MARKER).display()
            ))
        });
    }
    Err(refuse(format!(
        "it holds files that ernguide did not write (it has no {MARKER} file), and a build \
         replaces everything in it. Choose an empty or new folder, or pass --force to replace \
         its contents"
    )))
}

/// Whether `dir` holds the marker, or nothing at all.
pub(super) fn is_ours_or_empty(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
        || std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// `path` made absolute, with its parent's symlinks resolved (the path need not exist).
pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    match (
        abs.parent().and_then(|d| d.canonicalize().ok()),
        abs.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => abs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_folder_or_a_parent_of_it_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        for out in [site.clone(), dir.path().to_path_buf(), site.join(".")] {
            let err = claim(&out, &site, false).unwrap_err();
            assert!(err.reason.contains("the site folder"), "{err}");
        }
        // Neither --force nor a marker makes the site folder an output folder.
        for out in [site.clone(), dir.path().to_path_buf()] {
            let err = claim(&out, &site, true).unwrap_err();
            assert!(err.reason.contains("--force does not"), "{err}");
        }
        std::fs::write(site.join(MARKER), MARKER_TEXT).unwrap();
        assert!(claim(&site, &site, false).is_err());
        assert!(claim(&site, &site, true).is_err());
        // Nor a link to the site folder.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&site, &link).unwrap();
        assert!(claim(&link, &site, true).is_err());
        assert!(claim(&link.join("content"), &site, true).is_err());
        // The sources inside the site neither.
        for out in [
            site.join("content"),
            site.join("content/shared"),
            site.join("site.toml"),
        ] {
            let err = claim(&out, &site, true).unwrap_err();
            assert!(err.reason.contains("the site's"), "{err}");
        }
        // New, empty and own folders are fine, also inside the site.
        claim(&site.join("public"), &site, false).unwrap();
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        claim(&dir.path().join("empty"), &site, false).unwrap();
        std::fs::write(dir.path().join("file"), "x").unwrap();
        assert!(claim(&dir.path().join("file"), &site, false).is_err());
    }
}
