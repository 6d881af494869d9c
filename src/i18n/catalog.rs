//! gettext PO catalogs (read and written with `polib`): one per language, keyed by
//! (`msgctxt`, `msgid`). `msgctxt` says where a message comes from: the source file of a
//! content unit (`content/shared/eu-login/create-account.md`), `ui` for the theme's strings,
//! `sandbox` for the practice sandbox's guidance texts.
//!
//! Every entry written by `ernguide i18n extract` carries `#. source-hash: <hex>`, a hash of
//! its context and English text: an entry whose hash no longer matches is stale.

use std::collections::{BTreeMap, HashMap};
use std::io::BufWriter;
use std::path::Path;
use std::sync::OnceLock;

use polib::catalog::Catalog as PoCatalog;
use polib::message::{Message as PoMessage, MessageFlags};
use polib::metadata::CatalogMetadata;
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
            let by_id = self.entries.entry(ctx.to_string()).or_default();
            if !by_id.contains_key(id) {
                let ids = self.by_ctx.entry(ctx.to_string()).or_default();
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

fn metadata(lang: &str) -> CatalogMetadata {
    let mut text = String::from("Project-Id-Version: ernguide\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n");
    if !lang.is_empty() {
        text.push_str(&format!("Language: {lang}\n"));
    }
    text.push_str("Plural-Forms: nplurals=2; plural=(n != 1);\n");
    CatalogMetadata::parse(&text).unwrap_or_default()
}

fn po_message(m: &Message, msgstr: &str, fuzzy: bool, extra_comment: Option<&str>) -> PoMessage {
    let mut comments = format!("source-hash: {}", source_hash(&m.ctx, &m.id));
    if !m.comment.is_empty() {
        comments = format!("{}\n{comments}", m.comment);
    }
    if let Some(c) = extra_comment {
        comments.push('\n');
        comments.push_str(c);
    }
    let mut flags = MessageFlags::new();
    if fuzzy {
        flags.add_flag("fuzzy");
    }
    PoMessage::build_singular()
        .with_extracted_comments(comments)
        .with_source(m.source.clone())
        .with_flags(flags)
        .with_msgctxt(m.ctx.clone())
        .with_msgid(m.id.clone())
        .with_msgstr(msgstr.to_string())
        .done()
}

fn write_catalog(po: &PoCatalog, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let file =
        std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    polib::po_file::write(po, &mut BufWriter::new(file))
        .with_context(|| format!("writing {}", path.display()))
}

/// Writes the template (`.pot`): every message, no translations.
pub fn write_template(messages: &[Message], path: &Path) -> Result<()> {
    let mut po = PoCatalog::new(metadata(""));
    for m in messages {
        po.append_or_update(po_message(m, "", false, None));
    }
    write_catalog(&po, path)
}

/// What [`update_po`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UpdateReport {
    pub kept: usize,
    /// Carried over from the unit's earlier English text, marked fuzzy.
    pub stale: usize,
    pub added: usize,
    pub dropped: usize,
}

/// Rewrites the language's PO file for `messages`: translations kept, edited units' earlier
/// translations carried over as fuzzy (never shown until a translator confirms them), new
/// units added empty, obsolete entries dropped. `skip` leaves out messages another catalog
/// already translates (UI strings the theme translates).
pub fn update_po(
    existing: &Catalog,
    messages: &[Message],
    lang: &str,
    path: &Path,
    skip: &dyn Fn(&Message) -> bool,
) -> Result<UpdateReport> {
    let statuses = existing.statuses(messages);
    let mut po = PoCatalog::new(metadata(lang));
    let mut report = UpdateReport::default();
    let mut used = 0usize;
    for (m, (status, old)) in messages.iter().zip(statuses) {
        if skip(m) {
            continue;
        }
        let msg = match (existing.entry(&m.ctx, &m.id), old) {
            (Some(e), _) => {
                used += 1;
                report.kept += usize::from(!e.msgstr.is_empty());
                let fuzzy = e.fuzzy || status == Status::Stale;
                po_message(m, &e.msgstr, fuzzy, None)
            }
            (None, Some(old_id)) => {
                used += 1;
                report.stale += 1;
                let old_str = existing
                    .entry(&m.ctx, &old_id)
                    .map(|e| e.msgstr.clone())
                    .unwrap_or_default();
                let note = format!("English before the change: {}", old_id.replace('\n', " "));
                po_message(m, &old_str, true, Some(&note))
            }
            (None, None) => {
                report.added += 1;
                po_message(m, "", false, None)
            }
        };
        po.append_or_update(msg);
    }
    report.dropped = existing.len().saturating_sub(used);
    write_catalog(&po, path)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(ctx: &str, id: &str) -> Message {
        Message {
            ctx: ctx.into(),
            id: id.into(),
            source: "x.md:1".into(),
            comment: String::new(),
        }
    }

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
    fn edited_unit_is_stale_and_update_carries_it_as_fuzzy() {
        let mut c = Catalog::empty("de");
        c.add_po(
            "msgctxt \"a.md\"\nmsgid \"One.\"\nmsgstr \"Eins.\"\n\nmsgctxt \"a.md\"\nmsgid \"Two.\"\nmsgstr \"Zwei.\"\n",
            Path::new("de.po"),
        )
        .unwrap();
        let now = vec![
            msg("a.md", "One."),
            msg("a.md", "Two, changed."),
            msg("a.md", "New."),
        ];
        let st: Vec<Status> = c.statuses(&now).into_iter().map(|s| s.0).collect();
        assert_eq!(st, vec![Status::Translated, Status::Stale, Status::Missing]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("de.po");
        let r = update_po(&c, &now, "de", &path, &|_| false).unwrap();
        assert_eq!((r.kept, r.stale, r.added, r.dropped), (1, 1, 1, 0));
        let mut again = Catalog::empty("de");
        again.add_file(&path).unwrap();
        assert_eq!(again.get("a.md", "One."), Some("Eins."));
        assert_eq!(again.status("a.md", "Two, changed."), Status::Stale);
        assert_eq!(
            again.entry("a.md", "Two, changed.").unwrap().msgstr,
            "Zwei."
        );
        assert_eq!(again.status("a.md", "New."), Status::Missing);
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
