//! Writing catalogs (`ernguide i18n extract`): the template (`i18n/messages.pot`, every
//! message and no translation) and each language's catalog brought up to date with the
//! messages (`i18n/<lang>.po`: translations kept, edited units' earlier translations carried
//! over as fuzzy, new units added, obsolete entries dropped). Each entry carries the
//! `#. source-hash:` that [`Catalog`] reads back to find stale translations.

use std::io::BufWriter;
use std::path::Path;

use polib::catalog::Catalog as PoCatalog;
use polib::message::{Message as PoMessage, MessageFlags};
use polib::metadata::CatalogMetadata;

use super::catalog::{source_hash, Catalog, Message, Status};
use crate::error::{Context, Result};

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
    use super::super::catalog::test_catalog;
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
    fn edited_unit_is_stale_and_update_carries_it_as_fuzzy() {
        let c = test_catalog(
            "msgctxt \"a.md\"\nmsgid \"One.\"\nmsgstr \"Eins.\"\n\nmsgctxt \"a.md\"\nmsgid \"Two.\"\nmsgstr \"Zwei.\"\n",
        );
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
}
