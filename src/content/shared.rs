//! The shared fragments of `content/shared/`, read once: Markdown that guides include with
//! `{% include "name" %}` (the template loader, the lints and the image stage all use these).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::input;

/// One fragment: where it is and its text (or why it cannot be used: reported when a page
/// includes it, like a missing fragment).
#[derive(Debug, Clone)]
pub(crate) struct Fragment {
    pub file: PathBuf,
    pub text: std::result::Result<String, String>,
}

/// Every fragment with its include name (`eu-login/create.md`), in folder order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shared {
    pub dir: PathBuf,
    pub fragments: Vec<(String, Fragment)>,
}

impl Shared {
    /// Reads every file under `dir` (a missing folder has no fragments).
    pub fn load(dir: &Path) -> Result<Shared> {
        let mut fragments = Vec::new();
        for (file, name) in input::walk_files(dir)? {
            let text = input::read(&file)
                .map_err(|e| format!("reading {name}: {e}"))
                .and_then(|bytes| {
                    input::decode_text(&file, bytes).map_err(|e| format!("reading {name}: {e}"))
                });
            fragments.push((name, Fragment { file, text }));
        }
        Ok(Shared {
            dir: dir.to_path_buf(),
            fragments,
        })
    }

    /// The fragments that could be read, as (file, text), in name order.
    pub fn texts(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.fragments
            .iter()
            .map(|(_, f)| f)
            .filter_map(|f| f.text.as_ref().ok().map(|t| (f.file.as_path(), t.as_str())))
    }

    /// The text of the fragment an include names, if it exists and could be read.
    pub fn get(&self, name: &str) -> Option<&Fragment> {
        self.fragments
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f)
    }
}
