//! Every read of a site file goes through this module: content, includes, data, screenshots,
//! theme overrides and static files. One place to confine, check and cap what the generator
//! reads from the site folder.

use std::path::{Path, PathBuf};

use crate::error::{Context, Result, SourceError};

/// The bytes of a site file, with the OS error as is (callers that tell "not found" apart).
pub(crate) fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
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

/// `bytes` (read from `path`) as UTF-8 text, or a [`SourceError`] at the first bad byte's line.
pub(crate) fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String, SourceError> {
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
        if !entry.file_type().is_file() {
            continue;
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
