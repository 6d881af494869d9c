//! gettext PO catalogs (read and written with `polib`): one per language, keyed by
//! (`msgctxt`, `msgid`). `msgctxt` says where a message comes from: the source file of a
//! content unit (`content/shared/eu-login/create-account.md`), `ui` for the theme's strings,
//! `sandbox` for the practice sandbox's guidance texts.
//!
//! Every entry written by `ernguide i18n extract` carries `#. source-hash: <hex>`, a hash of
//! its context and English text: an entry whose hash no longer matches is stale.

use std::collections::HashMap;
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
    /// Its place among its context's entries, in file order (to pair stale translations with
    /// changed units).
    order: usize,
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

/// The string of a message that a PO line adds to (polib's fields; the translator comments,
/// source references and plural translations are not kept).
#[derive(Clone, Copy, PartialEq)]
enum Field {
    None,
    Unkept,
    Extracted,
    Flags,
    Ctx,
    Id,
    IdPlural,
    Str,
}

/// One message while it is read (polib's model of an entry: its lines up to a blank line),
/// its strings unescaped.
#[derive(Default)]
struct Reading {
    extracted: String,
    flags: String,
    ctx: String,
    id: String,
    id_plural: String,
    msgstr: String,
    /// The line of its `msgid`.
    line: usize,
}

impl Reading {
    fn field(&mut self, f: Field) -> Option<&mut String> {
        match f {
            Field::Extracted => Some(&mut self.extracted),
            Field::Flags => Some(&mut self.flags),
            Field::Ctx => Some(&mut self.ctx),
            Field::Id => Some(&mut self.id),
            Field::IdPlural => Some(&mut self.id_plural),
            Field::Str => Some(&mut self.msgstr),
            Field::None | Field::Unkept => None,
        }
    }

    /// Empties it for the next message (keeping the strings' room).
    fn clear(&mut self) {
        for s in [
            &mut self.extracted,
            &mut self.flags,
            &mut self.ctx,
            &mut self.id,
            &mut self.id_plural,
            &mut self.msgstr,
        ] {
            s.clear();
        }
        self.line = 0;
    }

    /// Whether its flags say `fuzzy` (as polib reads them: the flag lines joined without a
    /// break, split at commas).
    fn fuzzy(&self) -> bool {
        !self.flags.is_empty()
            && (self.flags.split(',')).any(|f| f.replace('\n', "").trim() == "fuzzy")
    }
}

/// A PO string's content without its quotes, unescaped (as polib does) onto `out`; an unknown
/// escape is returned as the error.
fn unescape_onto(quoted: &str, out: &mut String) -> std::result::Result<(), char> {
    if !quoted.contains('\\') {
        out.push_str(quoted);
        return Ok(());
    }
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
    Ok(())
}

/// Whether a PO string after its opening quote ends with its closing quote, unescaped.
fn closed(q: &str) -> bool {
    let mut escaped = false;
    for (j, c) in q.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            return j == q.len() - 1;
        }
    }
    false
}

/// Reads a PO file's text in one pass: checks each line (polib panics on some malformed lines
/// and names none: an error here names the line) and reads the messages as `polib` does (a
/// message is its lines up to a blank line; the first one must be the header, which a
/// hand-written file may leave out), handing each message with a `msgid` and no plural to
/// `message`, in file order.
fn read_po(text: &str, file: &Path, mut message: impl FnMut(&Reading)) -> Result<(), SourceError> {
    let headed = (text.lines())
        .find(|l| l.starts_with("msgid"))
        .is_some_and(|l| l.trim_end() == "msgid \"\"");
    // Without a header, polib is given one and reads on from where it leaves off: the
    // header's `msgstr` as the current field.
    let mut header_read = !headed;
    let mut field = if headed { Field::None } else { Field::Str };
    let mut msg = Reading::default();
    // whether the message has a line yet
    let mut started = false;
    // polib's own error (no header) counts only when no line is malformed
    let mut polib_error: Option<SourceError> = None;
    let mut save = |msg: &mut Reading| -> Result<(), SourceError> {
        let result = if header_read {
            if msg.id_plural.is_empty() && !msg.id.is_empty() {
                message(msg);
            }
            Ok(())
        } else if msg.id.is_empty() && !msg.msgstr.is_empty() {
            header_read = true;
            polib::metadata::CatalogMetadata::parse(&msg.msgstr)
                .map(|_| ())
                .map_err(|e| SourceError::new(file, 0, format!("PO parse error: {e}")))
        } else {
            Err(SourceError::new(
                file,
                0,
                "PO parse error: Metadata does not exist or is ill-formed",
            ))
        };
        msg.clear();
        result
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let n = i + 1;
        if line.is_empty() {
            if std::mem::take(&mut started) {
                if let Err(e) = save(&mut msg) {
                    polib_error.get_or_insert(e);
                }
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            // `# `, `#. `, `#: ` and `#, ` begin a comment of their kind; a lone `#` breaks
            // the current field's line; other comments (`#~`, `#|`) are not read (as polib).
            let (f, data) = if comment.is_empty() {
                (field, "")
            } else if let Some(d) = comment.strip_prefix(' ') {
                (Field::Unkept, d)
            } else if let Some(d) = comment.strip_prefix(". ") {
                (Field::Extracted, d)
            } else if let Some(d) = comment.strip_prefix(": ") {
                (Field::Unkept, d)
            } else if let Some(d) = comment.strip_prefix(", ") {
                (Field::Flags, d)
            } else {
                continue;
            };
            if let Some(s) = msg.field(f) {
                if !s.is_empty() && !s.ends_with('\n') {
                    s.push('\n');
                }
                s.push_str(data);
            }
            if !comment.is_empty() {
                field = f;
                started = true;
            }
            continue;
        }
        // A quoted line continues the current field; a keyword line begins one (`None`: a
        // plural form polib does not read, `msgstr[10]`).
        let (quoted, begins) = if let Some(rest) = line.strip_prefix('"') {
            (Some(rest), None)
        } else {
            let keyword_end = line.find(' ').unwrap_or(line.len());
            let keyword = &line[..keyword_end];
            let begins = match keyword {
                "msgctxt" => Some(Field::Ctx),
                "msgid" => Some(Field::Id),
                "msgid_plural" => Some(Field::IdPlural),
                "msgstr" => Some(Field::Str),
                k if k.starts_with("msgstr[") && k.ends_with(']') => {
                    let index = &k["msgstr[".len()..k.len() - 1];
                    (index.len() == 1 && index.as_bytes()[0].is_ascii_digit())
                        .then_some(Field::Unkept)
                }
                _ => {
                    return Err(SourceError::new(
                        file,
                        n,
                        format!("not a PO line (expected msgctxt, msgid, msgstr, a quoted string or a # comment): `{line}`"),
                    ))
                }
            };
            (
                line[keyword_end..].trim_start().strip_prefix('"'),
                Some(begins),
            )
        };
        let Some(q) = quoted.filter(|q| closed(q)) else {
            return Err(SourceError::new(
                file,
                n,
                format!(
                    "a PO string must be one line in double quotes (escape \" as \\\"): `{line}`"
                ),
            ));
        };
        // the field the string goes to (`None`: a string polib does not read, checked all the same)
        let into = match begins {
            Some(Some(f)) => {
                field = f;
                if f == Field::Id {
                    msg.line = n;
                }
                Some(f)
            }
            Some(None) => None,
            None => Some(field).filter(|&f| f != Field::None),
        };
        let mut unkept = String::new();
        let onto = into.and_then(|f| msg.field(f)).unwrap_or(&mut unkept);
        unescape_onto(&q[..q.len() - 1], onto).map_err(|c| {
            SourceError::new(
                file,
                n,
                format!("unknown escape `\\{c}` in a PO string (use \\n, \\t, \\r, \\\" or \\\\): `{line}`"),
            )
        })?;
        if into.is_some() {
            started = true;
        }
    }
    if started {
        if let Err(e) = save(&mut msg) {
            polib_error.get_or_insert(e);
        }
    }
    polib_error.map_or(Ok(()), Err)
}

/// Puts `entry` in for `id`: in place of an earlier one (keeping its place), else last.
fn put(by_id: &mut HashMap<String, Entry>, id: &str, mut entry: Entry) {
    match by_id.get_mut(id) {
        Some(earlier) => {
            entry.order = earlier.order;
            *earlier = entry;
        }
        None => {
            entry.order = by_id.len();
            by_id.insert(id.to_string(), entry);
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
        // Of two entries with the same context and id, the later one counts, in the place of
        // the first (as in polib). (A context's name is copied once, not once per message.)
        let entries = &mut self.entries;
        read_po(text, file, |m| {
            let entry = Entry {
                msgstr: m.msgstr.clone(),
                fuzzy: m.fuzzy(),
                hash: hash_of(&m.extracted),
                line: m.line,
                status: OnceLock::new(),
                order: 0,
            };
            match entries.get_mut(m.ctx.as_str()) {
                Some(by_id) => put(by_id, &m.id, entry),
                None => {
                    let mut by_id = HashMap::new();
                    put(&mut by_id, &m.id, entry);
                    entries.insert(m.ctx.clone(), by_id);
                }
            }
        })?;
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
        for (ctx, by_id) in &self.entries {
            let Some(cur) = current.get(ctx.as_str()) else {
                continue;
            };
            let mut gone: Vec<(usize, &str)> = (by_id.iter())
                .filter(|(id, e)| !e.msgstr.trim().is_empty() && !cur.contains(id.as_str()))
                .map(|(id, e)| (e.order, id.as_str()))
                .collect();
            if !gone.is_empty() {
                gone.sort_unstable();
                orphans.insert(ctx, gone.into_iter().map(|(_, id)| id).collect());
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
    use std::collections::BTreeMap;

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

    /// Each context's (id, translation, fuzzy, hash) in file order, as polib reads `text`.
    fn as_polib_reads(text: &str) -> BTreeMap<String, Vec<(String, String, bool, Option<String>)>> {
        let po = polib::po_file::parse_from_reader(text.as_bytes()).unwrap();
        let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for m in po.messages() {
            if m.is_plural() || m.msgid().is_empty() {
                continue;
            }
            out.entry(m.msgctxt().unwrap_or("").to_string())
                .or_default()
                .push((
                    m.msgid().to_string(),
                    m.msgstr().unwrap_or("").to_string(),
                    m.is_fuzzy(),
                    hash_of(m.extracted_comments()),
                ));
        }
        out
    }

    /// The same, as the catalog read it.
    fn as_read(c: &Catalog) -> BTreeMap<String, Vec<(String, String, bool, Option<String>)>> {
        (c.entries.iter())
            .map(|(ctx, by_id)| {
                let mut v: Vec<(usize, (String, String, bool, Option<String>))> = (by_id.iter())
                    .map(|(id, e)| {
                        let e = e.clone();
                        (e.order, (id.clone(), e.msgstr, e.fuzzy, e.hash))
                    })
                    .collect();
                v.sort_by_key(|x| x.0);
                (ctx.clone(), v.into_iter().map(|x| x.1).collect())
            })
            .collect()
    }

    #[test]
    fn reads_every_message_as_polib_does() {
        let odd = "#. source-hash: 0123abcd\n#: a.md:1\nmsgctxt \"a.md\"\nmsgid \"One\"\nmsgstr \"Eins\"\n\n\
            #, c-format\n#, fuzzy\nmsgctxt \"a.md\"\nmsgid \"Flags on two lines\"\nmsgstr \"x\"\n\n\
            #, fuzzy, c-format\nmsgid \"Fuzzy\"\nmsgstr \"Unscharf\"\n\n\
            # a translator's note\nmsgctxt \"a.md\"\nmsgid \"One\"\nmsgstr \"Eins, sp\u{e4}ter\"\n\n\
            msgid \"Two \"\n\"lines \\\"q\\\" \\\\ \\t\"\nmsgstr \"Zwei\"\n#\nmsgid \"No blank line before\"\nmsgstr \"Kein\"\n\n\
            msgid \"apple\"\nmsgid_plural \"apples\"\nmsgstr[0] \"Apfel\"\nmsgstr[1] \"\u{c4}pfel\"\n\n\
            #~ msgid \"Obsolete\"\n#~ msgstr \"Alt\"\n\n\
            msgid \"Untranslated\"\nmsgstr \"\"\n\nmsgctxt \"b.md\"\nmsgid \"Last\"\nmsgstr \"Letzt\"\r\n";
        let header = "msgid \"\"\nmsgstr \"\"\n\"Language: de\\n\"\n\n";
        let theme_de = std::fs::read_to_string("themes/default/i18n/de.po").unwrap();
        for (text, as_polib) in [
            (format!("{header}{odd}"), format!("{header}{odd}")),
            // without a header polib is given one
            (
                odd.to_string(),
                format!(
                    "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n{odd}"
                ),
            ),
            (theme_de.clone(), theme_de),
        ] {
            let mut c = Catalog::empty("de");
            c.add_po(&text, Path::new("de.po")).unwrap();
            let want = as_polib_reads(&as_polib);
            assert!(want.values().map(Vec::len).sum::<usize>() > 4);
            assert_eq!(as_read(&c), want);
        }
        // a header without a translation is refused, as polib refuses it
        let bare = "msgid \"\"\nmsgstr \"\"\n\nmsgid \"a\"\nmsgstr \"b\"\n";
        assert!(polib::po_file::parse_from_reader(bare.as_bytes()).is_err());
        let err = Catalog::empty("de")
            .add_po(bare, Path::new("de.po"))
            .unwrap_err();
        assert!(err.to_string().contains("Metadata"), "{err:#}");
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
