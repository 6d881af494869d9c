//! gettext PO catalogs (read and written with `polib`): one per language, keyed by
//! (`msgctxt`, `msgid`). `msgctxt` says where a message comes from: the source file of a
//! content unit (`content/shared/eu-login/create-account.md`), `ui` for the theme's strings,
//! `sandbox` for the practice sandbox's guidance texts.
//!
//! Every entry written by `ernguide i18n extract` carries `#. source-hash: <hex>`, a hash of
//! its context and English text: an entry whose hash no longer matches is stale.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::units::placeholders;
use crate::error::{Context, Result, SourceError};

/// One message to translate (an entry of the template).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub ctx: String,
    pub id: String,
    /// Where it comes from (`content/guides/x/01-a.md:12`, `data/sandbox.yaml: hints.eul-create`).
    pub source: String,
    /// A note for translators.
    pub comment: String,
}

/// The hash recorded with each entry: its context and English text.
pub fn source_hash(ctx: &str, id: &str) -> String {
    let mut h = Sha256::new();
    h.update(ctx.as_bytes());
    h.update([0u8]);
    h.update(id.as_bytes());
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A translation read from a PO file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub msgstr: String,
    pub fuzzy: bool,
    /// The `source-hash` comment, if any.
    pub hash: Option<String>,
    /// The line of its `msgid` in the PO file.
    pub line: usize,
    /// Its [`Status`], worked out on the first lookup (a build looks each unit up several
    /// times, and the status needs a hash of the English text).
    status: OnceLock<Status>,
}

/// How a unit stands in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Translated,
    /// The English text changed since it was translated (a fuzzy entry, a hash that no longer
    /// matches, or a translation of the unit's earlier text).
    Stale,
    Missing,
    /// The translation drops or changes a placeholder (`{{ ... }}`, `{% ... %}`, `{name}`).
    Invalid,
}

/// The translations of one language (theme UI catalog merged under the site's).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Entries by context, then by English text (looked up without copying either).
    entries: HashMap<String, HashMap<String, Entry>>,
    /// Entries by context, in file order (to pair stale translations with changed units).
    by_ctx: BTreeMap<String, Vec<String>>,
}

/// `{name}`-style placeholders of sandbox texts.
fn brace_names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(s) = rest.find('{') {
        let after = &rest[s + 1..];
        match after.find('}') {
            Some(e)
                if e > 0
                    && after[..e]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                out.push(&rest[s..s + e + 2]);
                rest = &after[e + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// Whether `msgstr` keeps the placeholders of `msgid`: every Jinja piece (`{{ ... }}`,
/// `{% ... %}`) exactly; in UI strings and the sandbox's texts, `{name}` placeholders may be
/// dropped (a translation may say "ins Deutsche" instead of `{language}`) but not invented.
pub fn placeholders_kept(ctx: &str, msgid: &str, msgstr: &str) -> bool {
    let mut want: Vec<&str> = placeholders(msgid);
    let mut have: Vec<&str> = placeholders(msgstr);
    want.sort_unstable();
    have.sort_unstable();
    if want != have {
        return false;
    }
    if ctx == super::SANDBOX_CTX || ctx == super::UI_CTX {
        let known = brace_names(msgid);
        return brace_names(msgstr).iter().all(|n| known.contains(n));
    }
    true
}

/// Where an entry of a PO file is: its `msgid`'s line, its context and its id.
struct EntryAt {
    line: usize,
    ctx: String,
    id: String,
}

/// Which string a quoted continuation line belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Ctx,
    Id,
    Other,
}

/// A PO string's content without its quotes, unescaped (as polib does); an unknown escape is
/// returned as the error.
fn unescape(quoted: &str) -> std::result::Result<String, char> {
    let mut out = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(c @ ('"' | '\\')) => out.push(c),
            Some(other) => return Err(other),
            None => out.push('\\'),
        }
    }
    Ok(out)
}

/// Checks the PO syntax line by line (polib panics on some malformed lines and gives no line
/// numbers); returns where each entry is (header excluded), read from the text itself: polib
/// keeps one message of two with the same context and id, so its order is not the file's.
fn validate(text: &str, file: &Path) -> Result<Vec<EntryAt>, SourceError> {
    let mut entries = Vec::new();
    let mut header_seen = false;
    let mut ctx: Option<String> = None;
    let mut entry: Option<EntryAt> = None;
    let mut field = Field::Other;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let n = i + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let quoted = if let Some(rest) = line.strip_prefix('"') {
            Some(rest)
        } else {
            let keyword_end = line.find(' ').unwrap_or(line.len());
            let keyword = &line[..keyword_end];
            let known = matches!(keyword, "msgctxt" | "msgid" | "msgid_plural" | "msgstr")
                || (keyword.starts_with("msgstr[") && keyword.ends_with(']'));
            if !known {
                return Err(SourceError::new(
                    file,
                    n,
                    format!("not a PO line (expected msgctxt, msgid, msgstr, a quoted string or a # comment): `{line}`"),
                ));
            }
            field = Field::Other;
            if keyword == "msgctxt" {
                entries.extend(entry.take());
                ctx = Some(String::new());
                field = Field::Ctx;
            } else if keyword == "msgid" {
                // the first `msgid ""` is the header; without one this is already an entry
                let header = !header_seen && line == "msgid \"\"";
                header_seen = true;
                let ctx = ctx.take().unwrap_or_default();
                if !header {
                    entry = Some(EntryAt {
                        line: n,
                        ctx,
                        id: String::new(),
                    });
                    field = Field::Id;
                }
            } else {
                entries.extend(entry.take());
            }
            line[keyword_end..].trim_start().strip_prefix('"')
        };
        let ok = quoted.is_some_and(|q| {
            // Ends with an unescaped quote.
            let mut escaped = false;
            let mut closed_at = None;
            for (j, c) in q.char_indices() {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    closed_at = Some(j);
                    break;
                }
            }
            closed_at == Some(q.len() - 1)
        });
        match quoted {
            Some(q) if ok => {
                let content = unescape(&q[..q.len() - 1]).map_err(|c| {
                    SourceError::new(
                        file,
                        n,
                        format!("unknown escape `\\{c}` in a PO string (use \\n, \\t, \\r, \\\" or \\\\): `{line}`"),
                    )
                })?;
                match (field, ctx.as_mut(), entry.as_mut()) {
                    (Field::Ctx, Some(c), _) => c.push_str(&content),
                    (Field::Id, _, Some(e)) => e.id.push_str(&content),
                    _ => {}
                }
            }
            _ => {
                return Err(SourceError::new(
                    file,
                    n,
                    format!(
                    "a PO string must be one line in double quotes (escape \" as \\\"): `{line}`"
                ),
                ))
            }
        }
    }
    entries.extend(entry);
    Ok(entries)
}

fn hash_of(comments: &str) -> Option<String> {
    comments
        .lines()
        .find_map(|l| l.trim().strip_prefix("source-hash:"))
        .map(|h| h.trim().to_string())
}

/// The status of entry `e` of (`ctx`, `id`), ignoring earlier-text pairing.
fn entry_status(e: &Entry, ctx: &str, id: &str) -> Status {
    if e.msgstr.trim().is_empty() {
        Status::Missing
    } else if e.fuzzy {
        Status::Stale
    } else if e.hash.as_deref().is_some_and(|h| h != source_hash(ctx, id)) {
        Status::Stale
    } else if !placeholders_kept(ctx, id, &e.msgstr) {
        Status::Invalid
    } else {
        Status::Translated
    }
}

impl Catalog {
    /// A catalog with no translations (`_lang` names it for readers of the code).
    pub fn empty(_lang: &str) -> Catalog {
        Catalog::default()
    }

    /// Adds the entries of a PO file's text (later files override earlier ones). `file` names
    /// it in errors.
    pub fn add_po(&mut self, text: &str, file: &Path) -> Result<()> {
        let at = validate(text, file)?;
        // of two entries with the same context and id, the later one counts (as in polib)
        let lines: HashMap<(&str, &str), usize> = (at.iter())
            .map(|e| ((e.ctx.as_str(), e.id.as_str()), e.line))
            .collect();
        // polib needs the header entry; a hand-written file may have none.
        let has_header = text
            .lines()
            .find(|l| l.starts_with("msgid"))
            .is_some_and(|l| l.trim_end() == "msgid \"\"");
        let owned;
        let text = if has_header {
            text
        } else {
            owned = format!(
                "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n{text}"
            );
            &owned
        };
        let po = polib::po_file::parse_from_reader(text.as_bytes())
            .map_err(|e| SourceError::new(file, 0, e.to_string()))?;
        for m in po.messages() {
            if m.is_plural() || m.msgid().is_empty() {
                continue;
            }
            let (ctx, id) = (m.msgctxt().unwrap_or(""), m.msgid());
            let entry = Entry {
                msgstr: m.msgstr().unwrap_or("").to_string(),
                fuzzy: m.is_fuzzy(),
                hash: hash_of(m.extracted_comments()),
                line: lines.get(&(ctx, id)).copied().unwrap_or(0),
                status: OnceLock::new(),
            };
            // (a context's name is copied once, not once per message of it)
            if !self.entries.contains_key(ctx) {
                self.entries.insert(ctx.to_string(), HashMap::new());
                self.by_ctx.insert(ctx.to_string(), Vec::new());
            }
            let (Some(by_id), Some(ids)) = (self.entries.get_mut(ctx), self.by_ctx.get_mut(ctx))
            else {
                continue;
            };
            if !by_id.contains_key(id) {
                ids.push(id.to_string());
            }
            by_id.insert(id.to_string(), entry);
        }
        Ok(())
    }

    /// Reads a PO file into this catalog.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let text = crate::input::read_text(path)?;
        self.add_po(&text, path)
            .with_context(|| format!("reading the translations in {}", path.display()))
    }

    pub fn len(&self) -> usize {
        self.entries.values().map(HashMap::len).sum()
    }

    pub fn entry(&self, ctx: &str, id: &str) -> Option<&Entry> {
        self.entries.get(ctx).and_then(|by_id| by_id.get(id))
    }

    /// The status of one message, ignoring earlier-text pairing (see [`Catalog::statuses`]).
    pub fn status(&self, ctx: &str, id: &str) -> Status {
        match self.entry(ctx, id) {
            None => Status::Missing,
            Some(e) => *e.status.get_or_init(|| entry_status(e, ctx, id)),
        }
    }

    /// The translation to show, if it is usable (translated, not fuzzy or stale, placeholders
    /// kept).
    pub fn get(&self, ctx: &str, id: &str) -> Option<&str> {
        let e = self.entry(ctx, id)?;
        match *e.status.get_or_init(|| entry_status(e, ctx, id)) {
            Status::Translated => Some(e.msgstr.as_str()),
            _ => None,
        }
    }

    /// The status of every message of `messages` (the current English texts). A message with
    /// no entry counts as stale when its context has an entry for an English text that no
    /// longer exists (the unit was edited), paired in order; as missing otherwise. Also
    /// returns the earlier English text of each stale unit, where known.
    pub fn statuses(&self, messages: &[Message]) -> Vec<(Status, Option<String>)> {
        let mut current: HashMap<&str, std::collections::HashSet<&str>> = HashMap::new();
        for m in messages {
            current.entry(&m.ctx).or_default().insert(&m.id);
        }
        // Orphaned translated entries per context, in file order.
        let mut orphans: HashMap<&str, std::collections::VecDeque<&str>> = HashMap::new();
        for (ctx, ids) in &self.by_ctx {
            let Some(cur) = current.get(ctx.as_str()) else {
                continue;
            };
            for id in ids {
                let translated = self
                    .entry(ctx, id)
                    .is_some_and(|e| !e.msgstr.trim().is_empty());
                if translated && !cur.contains(id.as_str()) {
                    orphans.entry(ctx).or_default().push_back(id);
                }
            }
        }
        messages
            .iter()
            .map(|m| match self.status(&m.ctx, &m.id) {
                Status::Missing if self.entry(&m.ctx, &m.id).is_none() => {
                    match orphans.get_mut(m.ctx.as_str()).and_then(|q| q.pop_front()) {
                        Some(old) => (Status::Stale, Some(old.to_string())),
                        None => (Status::Missing, None),
                    }
                }
                s => (s, None),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_and_placeholders() {
        let po = format!(
            "msgid \"\"\nmsgstr \"Language: de\\n\"\n\n#. source-hash: {}\nmsgctxt \"a.md\"\nmsgid \"Hello {{{{ network.name }}}}\"\nmsgstr \"Hallo {{{{ network.name }}}}\"\n\n#, fuzzy\nmsgctxt \"a.md\"\nmsgid \"Old\"\nmsgstr \"Alt\"\n\nmsgctxt \"a.md\"\nmsgid \"Drop {{{{ x }}}}\"\nmsgstr \"Ohne\"\n",
            source_hash("a.md", "Hello {{ network.name }}")
        );
        let mut c = Catalog::empty("de");
        c.add_po(&po, Path::new("de.po")).unwrap();
        assert_eq!(
            c.get("a.md", "Hello {{ network.name }}"),
            Some("Hallo {{ network.name }}")
        );
        assert_eq!(c.status("a.md", "Old"), Status::Stale);
        assert_eq!(c.get("a.md", "Old"), None);
        assert_eq!(c.status("a.md", "Drop {{ x }}"), Status::Invalid);
        assert_eq!(c.status("a.md", "Nope"), Status::Missing);
        assert_eq!(c.entry("a.md", "Old").map(|e| e.line), Some(11));
    }

    #[test]
    fn entries_are_at_their_own_lines_after_a_duplicate() {
        // the entry "B" is given twice: polib keeps one message for both, so the entries
        // after it are one message earlier in its list than in the file
        let po = "msgid \"\"\nmsgstr \"Language: de\\n\"\n\nmsgctxt \"a.md\"\nmsgid \"B\"\nmsgstr \"b1\"\n\nmsgctxt \"a.md\"\nmsgid \"B\"\nmsgstr \"b2\"\n\nmsgctxt \"a.md\"\nmsgid \"\"\n\"Two \\\"lines\\\"\"\nmsgstr \"Zwei\"\n\nmsgid \"No context\"\nmsgstr \"Ohne\"\n";
        let mut c = Catalog::empty("de");
        c.add_po(po, Path::new("de.po")).unwrap();
        assert_eq!(
            c.entry("a.md", "B").map(|e| (e.line, e.msgstr.as_str())),
            Some((9, "b2"))
        );
        assert_eq!(c.entry("a.md", "Two \"lines\"").map(|e| e.line), Some(13));
        assert_eq!(c.entry("", "No context").map(|e| e.line), Some(17));
    }

    #[test]
    fn malformed_line_is_located() {
        let mut c = Catalog::empty("de");
        let err = c
            .add_po("msgid \"a\"\nmsgstr \"b\n", Path::new("it.po"))
            .unwrap_err();
        let located = crate::error::source_error(&err).unwrap();
        assert_eq!(located.line, 2, "{located}");
        let err = c
            .add_po("msgid \"a\"\nbogus\n", Path::new("it.po"))
            .unwrap_err();
        assert_eq!(crate::error::source_error(&err).unwrap().line, 2);
        // polib refuses an unknown escape without a line
        let err = c
            .add_po(
                "msgid \"a\"\nmsgstr \"\"\n\nmsgid \"b\"\nmsgstr \"x\\qy\"\n",
                Path::new("it.po"),
            )
            .unwrap_err();
        assert_eq!(crate::error::source_error(&err).unwrap().line, 5, "{err:#}");
    }

    #[test]
    fn sandbox_brace_placeholders() {
        assert!(placeholders_kept(
            "sandbox",
            "Wait {approval_time}.",
            "Warten ({approval_time})."
        ));
        assert!(placeholders_kept(
            "sandbox",
            "Wait {approval_time}.",
            "Warten."
        ));
        assert!(!placeholders_kept(
            "sandbox",
            "Wait {approval_time}.",
            "Warten {zeit}."
        ));
    }
}
