//! gettext PO catalogs (read and written with `polib`): one per language, keyed by
//! (`msgctxt`, `msgid`). `msgctxt` says where a message comes from: the source file of a
//! content unit (`content/shared/eu-login/create-account.md`), `ui` for the theme's strings,
//! `sandbox` for the practice sandbox's guidance texts.
//!
//! Every entry written by `ernguide i18n extract` carries `#. source-hash: <hex>`, a hash of
//! its context and English text: an entry whose hash no longer matches is stale.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use polib::message::{MessageMutView, MessageView};
use rustc_hash::FxHashMap;
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
    // (two digits a byte, without the formatting machinery: a build hashes every entry)
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(16);
    for b in &digest[..8] {
        hex.push(char::from(DIGITS[usize::from(b >> 4)]));
        hex.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    hex
}

/// A translation read from a PO file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub msgstr: String,
    pub fuzzy: bool,
    /// The `source-hash` comment, if any.
    pub hash: Option<String>,
    /// The line of its `msgid` in the PO file (0 if unknown).
    pub line: usize,
    /// Which of its catalog's files it was read from (see [`Catalog::entry_at`]).
    file: usize,
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
    /// Entries by context (looked up without copying it).
    entries: FxHashMap<String, ContextEntries>,
    /// The PO files read, as named to [`Catalog::add_po`] (an entry's `file` indexes this).
    files: Vec<PathBuf>,
}

/// The entries of one context.
#[derive(Debug, Clone, Default)]
struct ContextEntries {
    /// By English text (looked up without copying it).
    by_id: FxHashMap<Arc<str>, Entry>,
    /// The English texts in file order (to pair stale translations with changed units).
    order: Vec<Arc<str>>,
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

/// Where an entry of a PO file is: its `msgid`'s line, its context and its id (borrowed from
/// the file's text unless unescaped or on several lines).
struct EntryAt<'a> {
    line: usize,
    ctx: Cow<'a, str>,
    id: Cow<'a, str>,
}

/// Appends `piece` to a string read from a PO file (without copying a string of one piece).
fn push_piece<'a>(to: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if to.is_empty() {
        *to = piece;
    } else {
        to.to_mut().push_str(&piece);
    }
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
fn unescape(quoted: &str) -> std::result::Result<Cow<'_, str>, char> {
    if !quoted.contains('\\') {
        return Ok(Cow::Borrowed(quoted));
    }
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
    Ok(Cow::Owned(out))
}

/// Where the first unescaped `"` of `q` (a PO string after its opening quote) is: found by
/// jumping from backslash to quote (both ASCII: bytes of UTF-8 text can be compared).
fn closing_quote(q: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let i = at + memchr::memchr2(b'\\', b'"', &q[at..])?;
        if q[i] == b'"' {
            return Some(i);
        }
        // (the escaped byte is skipped, whatever it is)
        at = i + 2;
        if at > q.len() {
            return None;
        }
    }
}

/// Checks the PO syntax line by line (polib panics on some malformed lines and gives no line
/// numbers); returns where each entry is (header excluded), read from the text itself: polib
/// keeps one message of two with the same context and id, so its order is not the file's.
fn validate<'a>(text: &'a str, file: &Path) -> Result<Vec<EntryAt<'a>>, SourceError> {
    let mut entries = Vec::new();
    let mut header_seen = false;
    let mut ctx: Option<Cow<'a, str>> = None;
    let mut entry: Option<EntryAt<'a>> = None;
    let mut field = Field::Other;
    // (memchr's line search: the benchmark's catalogs have millions of lines)
    for (i, raw) in crate::html::lines(text).enumerate() {
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
                ctx = Some(Cow::Borrowed(""));
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
                        id: Cow::Borrowed(""),
                    });
                    field = Field::Id;
                }
            } else {
                entries.extend(entry.take());
            }
            line[keyword_end..].trim_start().strip_prefix('"')
        };
        let ok = quoted.is_some_and(|q| closing_quote(q.as_bytes()) == Some(q.len() - 1));
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
                    (Field::Ctx, Some(c), _) => push_piece(c, content),
                    (Field::Id, _, Some(e)) => push_piece(&mut e.id, content),
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

/// The header polib needs before a text without one (a hand-written file, or a part of a
/// file after the first).
const PO_HEADER: &str = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";

/// Texts longer than this are parsed in parts of about this size, in parallel (the
/// benchmark's catalogs are 67 MB each).
const PO_PART: usize = 2 << 20;

/// polib's catalogs of a PO file's `text`, each with the entries of `at` ([`validate`]'s, in
/// the file's order) that it holds. A long text is cut at blank lines (where polib ends a
/// message and starts afresh) into parts that are parsed in parallel, each but the first
/// with a header of its own: the same messages, in the same order, as one parse of the
/// whole text; a part that fails is parsed again as the whole text, for the same error.
fn parse_parts<'e, 'a>(
    text: &str,
    has_header: bool,
    at: &'e [EntryAt<'a>],
    part: usize,
) -> Result<Vec<(polib::catalog::Catalog, &'e [EntryAt<'a>])>, polib::po_file::POParseError> {
    use rayon::prelude::*;
    // polib's catalog of `text`, with the header it needs put before it when it has none.
    let parse = |text: &str, has_header: bool| {
        if has_header {
            polib::po_file::parse_from_reader(text.as_bytes())
        } else {
            polib::po_file::parse_from_reader(format!("{PO_HEADER}{text}").as_bytes())
        }
    };
    let whole = || Ok(vec![(parse(text, has_header)?, at)]);
    // (polib ends a line at `\n` and drops a `\r`: a text with `\r` is not cut)
    if text.len() <= part || text.contains('\r') {
        return whole();
    }
    // Each part: its text and the line it starts at.
    let mut parts: Vec<(&str, usize)> = Vec::new();
    let (mut start, mut line) = (0, 1);
    while start < text.len() {
        // (bytes: `\n\n` is ASCII, so the part ends at a character boundary)
        let end = (text.as_bytes().get(start + part..))
            .and_then(|rest| memchr::memmem::find(rest, b"\n\n"))
            .map_or(text.len(), |i| start + part + i + 2);
        parts.push((&text[start..end], line));
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[start..end]).count();
        start = end;
    }
    let parsed: Result<Vec<polib::catalog::Catalog>, _> = (parts.par_iter().enumerate())
        .map(|(i, (text, _))| parse(text, i == 0 && has_header))
        .collect();
    let Ok(parsed) = parsed else {
        return whole();
    };
    // The entries of each part: those whose `msgid` line is in it.
    let mut out = Vec::with_capacity(parsed.len());
    let mut rest = at;
    for (i, po) in parsed.into_iter().enumerate() {
        let next_line = parts.get(i + 1).map_or(usize::MAX, |p| p.1);
        let n = rest.partition_point(|e| e.line < next_line);
        out.push((po, &rest[..n]));
        rest = &rest[n..];
    }
    Ok(out)
}

/// The line of each message polib read: polib keeps one message of two with the same context
/// and id (at the first one's place), so its messages are the file's entries in order only
/// when they are as many and each has its entry's context and id; else by context and id
/// (the later entry's line, as polib keeps the later one's text).
enum EntryLines<'e, 'a> {
    InOrder(&'e [EntryAt<'a>]),
    ByKey(HashMap<(&'e str, &'e str), usize>),
}

impl<'e, 'a> EntryLines<'e, 'a> {
    fn new(at: &'e [EntryAt<'a>], po: &polib::catalog::Catalog) -> Self {
        let mut messages = 0;
        let in_order = po.messages().enumerate().all(|(i, m)| {
            messages += 1;
            at.get(i)
                .is_some_and(|e| e.ctx == m.msgctxt().unwrap_or("") && e.id == m.msgid())
        });
        if in_order && messages == at.len() {
            EntryLines::InOrder(at)
        } else {
            EntryLines::ByKey(at.iter().map(|e| ((&*e.ctx, &*e.id), e.line)).collect())
        }
    }

    /// The line of message `i` of polib's, (`ctx`, `id`); 0 if unknown.
    fn line(&self, i: usize, ctx: &str, id: &str) -> usize {
        match self {
            EntryLines::InOrder(at) => at.get(i).map_or(0, |e| e.line),
            EntryLines::ByKey(lines) => lines.get(&(ctx, id)).copied().unwrap_or(0),
        }
    }
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
    } else if e.fuzzy || e.hash.as_deref().is_some_and(|h| h != source_hash(ctx, id)) {
        // marked for review by the translator, or written for another English text
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
        self.add_po_in_parts(text, file, PO_PART)
    }

    /// [`Catalog::add_po`], a text longer than `part` bytes parsed in parts of about that size.
    fn add_po_in_parts(&mut self, text: &str, file: &Path, part: usize) -> Result<()> {
        let at = validate(text, file)?;
        // polib needs the header entry; a hand-written file may have none.
        let has_header = text
            .lines()
            .find(|l| l.starts_with("msgid"))
            .is_some_and(|l| l.trim_end() == "msgid \"\"");
        let parts = parse_parts(text, has_header, &at, part)
            .map_err(|e| SourceError::new(file, 0, e.to_string()))?;
        let file_index = self.files.len();
        self.files.push(file.to_path_buf());
        // The messages come grouped by context: the current context's entries are taken out
        // of the map while its messages are added.
        let mut current: Option<(String, ContextEntries)> = None;
        for (mut po, at) in parts {
            let lines = EntryLines::new(at, &po);
            for (i, mut m) in po.messages_mut().enumerate() {
                if m.is_plural() || m.msgid().is_empty() {
                    continue;
                }
                let msgstr = m.msgstr_mut().map(std::mem::take).unwrap_or_default();
                let (ctx, id) = (m.msgctxt().unwrap_or(""), m.msgid());
                let entry = Entry {
                    msgstr,
                    fuzzy: m.is_fuzzy(),
                    hash: hash_of(m.extracted_comments()),
                    line: lines.line(i, ctx, id),
                    file: file_index,
                    status: OnceLock::new(),
                };
                if current.as_ref().is_none_or(|(c, _)| c != ctx) {
                    if let Some((c, entries)) = current.take() {
                        self.entries.insert(c, entries);
                    }
                    let entries = self.entries.remove(ctx).unwrap_or_default();
                    current = Some((ctx.to_string(), entries));
                }
                let Some((_, entries)) = current.as_mut() else {
                    continue;
                };
                match entries.by_id.get_mut(id) {
                    // of two entries with the same context and id, the later one counts (as
                    // in polib, also when they are in different parts)
                    Some(e) => *e = entry,
                    None => {
                        let id: Arc<str> = Arc::from(id);
                        entries.order.push(id.clone());
                        entries.by_id.insert(id, entry);
                    }
                }
            }
        }
        if let Some((c, entries)) = current {
            self.entries.insert(c, entries);
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
        self.entries.values().map(|c| c.by_id.len()).sum()
    }

    pub fn entry(&self, ctx: &str, id: &str) -> Option<&Entry> {
        self.entries.get(ctx).and_then(|c| c.by_id.get(id))
    }

    /// Where the entry of (`ctx`, `id`) is, for a translator to edit: the PO file it was read
    /// from (as named to [`Catalog::add_po`]) and the line of its `msgid` (0 if unknown).
    pub fn entry_at(&self, ctx: &str, id: &str) -> Option<(&Path, usize)> {
        let e = self.entry(ctx, id)?;
        Some((self.files.get(e.file)?, e.line))
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
        for (ctx, entries) in &self.entries {
            let Some(cur) = current.get(ctx.as_str()) else {
                continue;
            };
            for id in &entries.order {
                let translated =
                    (entries.by_id.get(id)).is_some_and(|e| !e.msgstr.trim().is_empty());
                if translated && !cur.contains(&**id) {
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

/// A catalog of `po` (PO text, read as `de.po`): the set-up of the tests of the catalog's
/// readers and writers.
#[cfg(test)]
pub(crate) fn test_catalog(po: &str) -> Catalog {
    let mut c = Catalog::empty("de");
    if let Err(e) = c.add_po(po, Path::new("de.po")) {
        panic!("the test's PO text does not read: {e:#}");
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_quote_is_the_first_unescaped_one() {
        // The byte-by-byte reading it replaced: a backslash escapes the byte after it.
        let by_bytes = |q: &[u8]| {
            let mut escaped = false;
            for (j, &c) in q.iter().enumerate() {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    return Some(j);
                }
            }
            None
        };
        // every string of up to six of these bytes
        let alphabet: &[u8] = b"\\\"a";
        let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..6 {
            let longer: Vec<Vec<u8>> = (strings.iter())
                .filter(|s| s.len() == strings.last().map_or(0, Vec::len))
                .flat_map(|s| alphabet.iter().map(move |&b| [s.clone(), vec![b]].concat()))
                .collect();
            strings.extend(longer);
        }
        assert_eq!(strings.len(), 1 + 3 + 9 + 27 + 81 + 243 + 729);
        for q in strings.iter().chain([&"é\\\"ü\"".as_bytes().to_vec()]) {
            assert_eq!(
                closing_quote(q),
                by_bytes(q),
                "{:?}",
                String::from_utf8_lossy(q)
            );
        }
        assert_eq!(closing_quote(br#"a\"b"c"#), Some(4));
        assert_eq!(closing_quote(br#"a\\"b"#), Some(3));
    }

    #[test]
    fn the_source_hash_is_the_first_8_bytes_of_sha256_in_lower_case_hex() {
        // python3: hashlib.sha256(b"ui\x00Sign in \xc3\xa4").hexdigest()[:16]
        assert_eq!(source_hash("ui", "Sign in ä"), "6174d5b99e391095");
    }

    #[test]
    fn reads_status_and_placeholders() {
        let po = format!(
            "msgid \"\"\nmsgstr \"Language: de\\n\"\n\n#. source-hash: {}\nmsgctxt \"a.md\"\nmsgid \"Hello {{{{ network.name }}}}\"\nmsgstr \"Hallo {{{{ network.name }}}}\"\n\n#, fuzzy\nmsgctxt \"a.md\"\nmsgid \"Old\"\nmsgstr \"Alt\"\n\nmsgctxt \"a.md\"\nmsgid \"Drop {{{{ x }}}}\"\nmsgstr \"Ohne\"\n",
            source_hash("a.md", "Hello {{ network.name }}")
        );
        let c = test_catalog(&po);
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
        let c = test_catalog(po);
        assert_eq!(
            c.entry("a.md", "B").map(|e| (e.line, e.msgstr.as_str())),
            Some((9, "b2"))
        );
        assert_eq!(c.entry("a.md", "Two \"lines\"").map(|e| e.line), Some(13));
        assert_eq!(c.entry("", "No context").map(|e| e.line), Some(17));
    }

    /// Every entry of `c`, in order: context, id, text, fuzzy, hash, line.
    fn summary(c: &Catalog) -> Vec<(String, String, String, bool, Option<String>, usize)> {
        let mut ctxs: Vec<&String> = c.entries.keys().collect();
        ctxs.sort();
        let mut out = Vec::new();
        for ctx in ctxs {
            let entries = &c.entries[ctx];
            for id in &entries.order {
                let e = &entries.by_id[id];
                let (msgstr, hash) = (e.msgstr.clone(), e.hash.clone());
                out.push((ctx.clone(), id.to_string(), msgstr, e.fuzzy, hash, e.line));
            }
        }
        out
    }

    #[test]
    fn a_long_catalog_read_in_parts_is_the_catalog_read_at_once() {
        // Entries of two contexts, interleaved; some given twice far apart (the later
        // counts, at the first one's place), fuzzy ones, strings over several lines,
        // comments with and without blank lines before them.
        let mut body = String::new();
        for i in 0..300 {
            let ctx = if i % 3 == 0 { "ui" } else { "a.md" };
            let id = format!("Message {}", i % 250);
            if i % 7 == 0 {
                body.push_str(&format!("#. source-hash: {}\n", source_hash(ctx, &id)));
            }
            if i % 11 == 0 {
                body.push_str("#, fuzzy\n");
            }
            body.push_str(&format!("msgctxt \"{ctx}\"\nmsgid \"{id}\"\n"));
            if i % 5 == 0 {
                body.push_str(&format!("msgstr \"\"\n\"Zeile {i}\\n\"\n\"und mehr\"\n\n"));
            } else {
                body.push_str(&format!("msgstr \"Text {i} \u{e4}\"\n\n"));
            }
        }
        for header in ["msgid \"\"\nmsgstr \"Language: de\\n\"\n\n", ""] {
            let text = format!("{header}{body}");
            let mut at_once = Catalog::default();
            (at_once.add_po_in_parts(&text, Path::new("de.po"), usize::MAX)).unwrap();
            let expected = summary(&at_once);
            let distinct: std::collections::HashSet<(usize, usize)> = (0..300)
                .map(|i| (usize::from(i % 3 == 0), i % 250))
                .collect();
            assert_eq!(expected.len(), distinct.len(), "a duplicate is one entry");
            assert!(expected.iter().any(|e| e.3) && expected.iter().any(|e| e.4.is_some()));
            for part in [1, 100, 1000, 5000] {
                let mut in_parts = Catalog::default();
                (in_parts.add_po_in_parts(&text, Path::new("de.po"), part)).unwrap();
                assert_eq!(summary(&in_parts), expected, "parts of {part} bytes");
            }
        }
    }

    #[test]
    fn an_entry_is_at_the_file_it_was_read_from() {
        // the theme's catalog, then the site's over it
        let mut c = test_catalog("msgctxt \"ui\"\nmsgid \"A\"\nmsgstr \"a\"\n\nmsgctxt \"ui\"\nmsgid \"B\"\nmsgstr \"b\"\n");
        c.add_po(
            "\nmsgctxt \"ui\"\nmsgid \"B\"\nmsgstr \"b2\"\n",
            Path::new("site/de.po"),
        )
        .unwrap();
        assert_eq!(c.entry_at("ui", "A"), Some((Path::new("de.po"), 2)));
        assert_eq!(c.entry_at("ui", "B"), Some((Path::new("site/de.po"), 3)));
        assert_eq!(c.entry_at("ui", "C"), None);
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
