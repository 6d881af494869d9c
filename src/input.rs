//! Every read of a site file goes through this module: content, includes, data, screenshots,
//! theme overrides and static files. One place to confine, check and cap what the generator
//! reads from the site folder:
//! - a file is resolved (symlinks followed) and must lie inside a site folder (registered by
//!   [`add_site_root`] when `site.toml` is read); a symlink that leads out is an error naming it;
//! - only regular files are opened: a FIFO, a device or a socket is refused from its metadata,
//!   before any open (opening a FIFO for reading waits for a writer: the build would hang);
//! - sizes are capped ([`MAX_TEXT_BYTES`] for Markdown, YAML and other text,
//!   [`MAX_CATALOG_BYTES`] for translation catalogs, [`MAX_FILE_BYTES`] for images and other
//!   files), checked before reading and enforced while reading.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::error::{Context, Result, SourceError};

/// The largest Markdown, YAML, TOML or template file read.
pub(crate) const MAX_TEXT_BYTES: u64 = 5 * 1024 * 1024;
/// The largest image or other file read.
pub(crate) const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// The largest translation catalog read (`.po`): it holds the site's whole text twice (a
/// 10,000-page site's catalog is about 65 MB).
pub(crate) const MAX_CATALOG_BYTES: u64 = 256 * 1024 * 1024;

/// The site folders of this process (canonical paths): what a read must stay inside.
static SITE_ROOTS: RwLock<Vec<PathBuf>> = RwLock::new(Vec::new());

/// Registers the site folder `dir` (when its `site.toml` is read): from then on every read must
/// lie inside a registered site folder.
pub(crate) fn add_site_root(dir: &Path) {
    if let Ok(root) = dir.canonicalize() {
        let mut roots = SITE_ROOTS.write().unwrap_or_else(|e| e.into_inner());
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
}

fn refused(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

/// The size cap of a file, by its extension.
fn cap_of(path: &Path) -> u64 {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "md" | "markdown" | "yaml" | "yml" | "toml" | "html" | "txt" | "json" => MAX_TEXT_BYTES,
        "po" | "pot" => MAX_CATALOG_BYTES,
        _ => MAX_FILE_BYTES,
    }
}

/// Checks `path` before it is opened: inside a site folder once resolved, a regular file, not
/// over its size cap. Returns the resolved path, the cap and the file's length.
fn check(path: &Path) -> std::io::Result<(PathBuf, u64, u64)> {
    let resolved = path.canonicalize()?;
    {
        let roots = SITE_ROOTS.read().unwrap_or_else(|e| e.into_inner());
        if !roots.is_empty() && !roots.iter().any(|r| resolved.starts_with(r)) {
            return Err(refused(format!(
                "{} leads outside the site folder (to {}): ernguide reads only files inside the \
                 site folder; copy the file into it instead of linking to it",
                path.display(),
                resolved.display()
            )));
        }
    }
    let meta = std::fs::metadata(&resolved)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a FIFO, device or socket)"
        };
        return Err(refused(format!(
            "{} is {what}: ernguide reads only regular files",
            path.display()
        )));
    }
    let cap = cap_of(path);
    if meta.len() > cap {
        return Err(too_large(path, meta.len(), cap));
    }
    Ok((resolved, cap, meta.len()))
}

fn too_large(path: &Path, size: u64, cap: u64) -> std::io::Error {
    refused(format!(
        "{} is too large ({} MB; at most {} MB)",
        path.display(),
        size.div_ceil(1024 * 1024),
        cap / (1024 * 1024)
    ))
}

/// The bytes of a site file, with the OS error as is (callers that tell "not found" apart);
/// refused when it leads outside the site, is no regular file or is over its size cap.
pub(crate) fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let (resolved, cap, len) = check(path)?;
    let file = std::fs::File::open(resolved)?;
    // Sized once from the file's length as checked (a catalog of tens of MB read into a
    // growing buffer was copied and faulted in again at every doubling); one byte more, so
    // that reading to the end needs no more room.
    let mut bytes = Vec::with_capacity(usize::try_from(len).map_or(0, |l| l + 1));
    // A file that grows while read still stops at the cap.
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, bytes.len() as u64, cap));
    }
    Ok(bytes)
}

/// Whether a site file exists (and is a file), without reading it.
pub(crate) fn is_file(path: &Path) -> bool {
    path.is_file()
}

/// The bytes of a site file; an error names the path.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    read(path).with_context(|| format!("reading {}", path.display()))
}

/// Reads a source file as text. A file that is not UTF-8 is a [`SourceError`] at the line of
/// its first bad byte; other problems (missing file, ...) keep the OS error, with the path.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    Ok(decode_text(path, read_bytes(path)?)?)
}

/// `bytes` (read from `path`) as UTF-8 text without a byte-order mark (editors on Windows
/// write one; it is not text), or a [`SourceError`] at the first bad byte's line.
pub(crate) fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String, SourceError> {
    let bytes = match bytes.strip_prefix("\u{feff}".as_bytes()) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        SourceError::new(
            path,
            line,
            "this file is not UTF-8 text: save it with the UTF-8 encoding",
        )
    })
}

/// The entries of a folder (files and folders), sorted; a missing folder is an empty list.
pub(crate) fn list_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// Every file under `dir` (recursively, sorted by name), as (path, path relative to `dir` with
/// `/` separators); a missing folder is an empty list.
pub(crate) fn walk_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() {
            // A symlink, FIFO or device: listed only if it passes the checks of `read`
            // (a link to a file inside the site); anything else is an error naming it.
            match check(entry.path()) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue, // dangling
                Err(e) => {
                    let message = e.to_string();
                    let prefix = format!("{} ", entry.path().display());
                    let message = match message.strip_prefix(&prefix) {
                        Some(rest) => format!("this entry {rest}"),
                        None => message,
                    };
                    return Err(SourceError::new(entry.path(), 0, message).into());
                }
            }
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .with_context(|| format!("reading {}", entry.path().display()))?
            .to_string_lossy()
            .replace('\\', "/");
        out.push((entry.into_path(), rel));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_regular_files_under_their_cap() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        std::fs::write(site.join("content/inside.md"), "ok").unwrap();
        std::os::unix::fs::symlink(site.join("content/inside.md"), site.join("content/in.md"))
            .unwrap();
        // (Confinement to the registered site folder is tested end to end in tests/inputs.rs:
        // registering a root here would confine the other tests of this process.)
        assert_eq!(read(&site.join("content/in.md")).unwrap(), b"ok");
        let err = read(&site.join("content")).unwrap_err();
        assert!(err.to_string().contains("a folder"), "{err}");

        let big = site.join("content/big.yaml");
        std::fs::write(&big, vec![b'a'; (MAX_TEXT_BYTES + 1) as usize]).unwrap();
        let err = read(&big).unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
        // an image may be larger than a text file
        let png = site.join("content/big.png");
        std::fs::write(&png, vec![0u8; (MAX_TEXT_BYTES + 1) as usize]).unwrap();
        assert!(read(&png).is_ok());
    }
}
