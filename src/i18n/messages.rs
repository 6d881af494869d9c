//! What is translatable: the messages of the site's content (block-level units and front
//! matter, by source file), its reference data, the sandbox's guidance and the theme's UI
//! strings, as they go into `i18n/messages.pot`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value as Json;

use super::{rel_ctx, units, Message, DATA_CTX, SANDBOX_CTX, UI_CTX};
use crate::content::guide::Source;
use crate::content::positions::{front_text_line, FrontText};
use crate::content::Library;
use crate::error::Result;
use crate::theme::Theme;

fn unit_messages(site_dir: &Path, file: &Path, body: &str, body_line: usize) -> Vec<Message> {
    let ctx = rel_ctx(site_dir, file);
    units::units(body, body_line.saturating_sub(1))
        .into_iter()
        .map(|u| Message {
            source: format!("{ctx}:{}", u.line),
            ctx: ctx.clone(),
            id: u.text,
            comment: String::new(),
        })
        .collect()
}

/// A front-matter text of `src`, at its line (1 when it has none).
fn front_message(site_dir: &Path, src: &Source, field: FrontText, text: &str) -> Option<Message> {
    if text.trim().is_empty() {
        return None;
    }
    let ctx = rel_ctx(site_dir, &src.file);
    let line = front_text_line(src, field).max(1);
    let field = match field {
        FrontText::Title => "title",
        FrontText::Summary => "summary",
        FrontText::ShortcutLabel(_) => "label",
    };
    Some(Message {
        source: format!("{ctx}:{line}"),
        ctx,
        id: text.to_string(),
        comment: format!("front matter: {field}"),
    })
}

/// The content messages: every guide's front matter and units, then every shared file's.
pub(crate) fn content_messages(lib: &Library) -> Vec<Message> {
    let site = &lib.site_dir;
    let mut out = Vec::new();
    for g in &lib.guides {
        let src = &g.source;
        out.extend(front_message(site, src, FrontText::Title, &g.meta.title));
        out.extend(front_message(
            site,
            src,
            FrontText::Summary,
            &g.meta.summary,
        ));
        for (i, s) in g.meta.shortcuts.iter().enumerate() {
            let label = FrontText::ShortcutLabel(i);
            out.extend(front_message(site, src, label, &s.label));
        }
        out.extend(unit_messages(site, &src.file, &src.body, src.body_line));
        for step in &g.steps {
            let src = &step.source;
            out.extend(front_message(site, src, FrontText::Title, &step.meta.title));
            out.extend(front_message(
                site,
                src,
                FrontText::Summary,
                &step.meta.summary,
            ));
            out.extend(unit_messages(site, &src.file, &src.body, src.body_line));
        }
    }
    for (_, f) in &lib.shared.fragments {
        if let Ok(body) = &f.text {
            if f.file.extension().is_some_and(|x| x == "md") {
                out.extend(unit_messages(site, &f.file, body, 1));
            }
        }
    }
    out
}

/// The `t("...")` strings of a template.
pub fn ui_strings(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = template.as_bytes();
    let mut from = 0;
    while let Some(rel) = template[from..].find("t(") {
        let at = from + rel;
        from = at + 2;
        // `t(` as a whole name (not `set(`, `cont(`).
        if at > 0 {
            let prev = bytes[at - 1];
            if prev.is_ascii_alphanumeric() || prev == b'_' || prev == b'.' {
                continue;
            }
        }
        let rest = &template[at + 2..];
        let Some(q @ ('"' | '\'')) = rest.chars().next() else {
            continue;
        };
        let mut s = String::new();
        let mut escaped = false;
        let mut closed = false;
        for c in rest[1..].chars() {
            if escaped {
                s.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                closed = true;
                break;
            } else {
                s.push(c);
            }
        }
        if closed && !s.is_empty() {
            out.push(s);
        }
    }
    out
}

/// UI strings that the generator itself writes (not templates): the untranslated marker, the
/// admonition titles, the table region label and the figures' full-size link of rendered
/// Markdown.
pub const GENERATED_UI: &[&str] = &[
    "not yet translated",
    "Note",
    "Tip",
    "Important",
    "Warning",
    "Caution",
    "Table",
    super::translate::FULL_SIZE,
];

/// The UI messages of the theme's templates (site overrides included), deduplicated.
pub fn ui_messages(theme: &Theme) -> Result<Vec<Message>> {
    ui_messages_with(theme, None)
}

/// [`ui_messages`], with the site's own theme folder (`<site>/themes/<name>/`) for templates
/// that only the site has.
pub(crate) fn ui_messages_with(theme: &Theme, site_theme: Option<&Path>) -> Result<Vec<Message>> {
    let mut names: BTreeSet<String> = crate::theme::embedded_files()
        .iter()
        .map(|(p, _)| p.to_string())
        .filter(|p| p.starts_with("templates/") && p.ends_with(".html"))
        .collect();
    if let Some(dir) = site_theme.filter(|d| d.join("templates").is_dir()) {
        for (_, rel) in crate::input::walk_files(&dir.join("templates"))? {
            if rel.ends_with(".html") {
                names.insert(format!("templates/{rel}"));
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for s in GENERATED_UI {
        seen.insert(s.to_string());
        out.push(Message {
            ctx: UI_CTX.into(),
            id: s.to_string(),
            source: "src/i18n/mod.rs (generated labels)".into(),
            comment: String::new(),
        });
    }
    for name in names {
        let Some((bytes, _)) = theme.get(&name)? else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for s in ui_strings(&text) {
            if seen.insert(s.clone()) {
                out.push(Message {
                    ctx: UI_CTX.into(),
                    id: s,
                    source: format!("themes/default/{name}"),
                    comment: String::new(),
                });
            }
        }
    }
    Ok(out)
}

/// The sandbox's own `labels` (its toolbar, modes, simulated devices, progress, test result,
/// certificate and Trainer panel, and the texts its script shows), which are translated; every
/// other label is a mock screen's and stays the real product's English. `dialogs` (the sandbox's
/// confirmations) is translated whole.
pub(super) const SANDBOX_OWN_LABELS: &[&str] = &[
    "practice",
    "lead",
    "needs_js",
    "never_password",
    "address",
    "bookmarks",
    "controls",
    "sample_account",
    "sample_email",
    "sample_password",
    "sample_pin",
    "system_saas",
    "mode",
    "mode_guided",
    "mode_guided_text",
    "mode_practice",
    "mode_practice_text",
    "mode_test",
    "mode_test_text",
    "mode_now",
    "reset",
    "undo",
    "undone",
    "devices",
    "inbox",
    "inbox_empty",
    "phone",
    "phone_messages",
    "phone_none",
    "from",
    "received",
    "clock",
    "hint",
    "expected",
    "guide_step",
    "checklist",
    "done",
    "todo",
    "screen_prefix",
    "new_mail",
    "new_phone",
    "new_badge",
    "test_result",
    "finish_test",
    "mistakes",
    "no_mistakes",
    "pass",
    "fail",
    "test_time",
    "cert_title",
    "cert_help",
    "cert_name",
    "session_code",
    "cert_show",
    "cert_need_name",
    "cert_heading",
    "cert_text",
    "cert_code",
    "cert_note",
    "print",
    "trainer",
    "scenario",
    "jump",
    "forward_label",
    "ff_minutes",
    "ff_hour",
    "ff_hours",
    "ff_day",
    "ff_days",
    "approve",
    "reject",
    "nothing_pending",
    "session_title",
    "session_help",
    "session_set",
    "session_group",
    "verify_title",
    "verify_date",
    "verify_done",
    "verify_btn",
    "verify_ok",
    "verify_bad",
    "screens_title",
];

/// Where in the sandbox flow guidance texts live: hints, method explanations, milestones,
/// scenario names, e-mail body lines that are practice notes (in parentheses), and the
/// sandbox's own labels ([`SANDBOX_OWN_LABELS`]).
pub(super) fn sandbox_texts(flow: &Json) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |path: String, v: &Json| {
        if let Some(s) = v.as_str().filter(|s| !s.trim().is_empty()) {
            out.push((path, s.to_string()));
        }
    };
    if let Some(labels) = flow.get("labels") {
        for k in SANDBOX_OWN_LABELS {
            if let Some(v) = labels.get(*k) {
                push(format!("labels.{k}"), v);
            }
        }
        if let Some(dialogs) = labels.get("dialogs").and_then(Json::as_object) {
            for (k, v) in dialogs {
                push(format!("labels.dialogs.{k}"), v);
            }
        }
    }
    if let Some(hints) = flow.get("hints").and_then(Json::as_object) {
        for (k, v) in hints {
            match v {
                Json::Object(per) => {
                    for (sys, text) in per {
                        push(format!("hints.{k}.{sys}"), text);
                    }
                }
                other => push(format!("hints.{k}"), other),
            }
        }
    }
    if let Some(methods) = flow.get("methods").and_then(Json::as_object) {
        for (k, v) in methods {
            if let Some(t) = v.get("text") {
                push(format!("methods.{k}.text"), t);
            }
        }
    }
    if let Some(ms) = flow.get("milestones").and_then(Json::as_object) {
        for (k, v) in ms {
            push(format!("milestones.{k}"), v);
        }
    }
    if let Some(sc) = flow.get("scenarios").and_then(Json::as_array) {
        for s in sc {
            let id = s.get("id").and_then(Json::as_str).unwrap_or("?");
            if let Some(l) = s.get("label") {
                push(format!("scenarios.{id}.label"), l);
            }
        }
    }
    if let Some(emails) = flow.get("emails").and_then(Json::as_object) {
        for (k, e) in emails {
            if let Some(body) = e.get("body").and_then(Json::as_array) {
                for (i, line) in body.iter().enumerate() {
                    if line
                        .as_str()
                        .is_some_and(|s| s.trim_start().starts_with('('))
                    {
                        push(format!("emails.{k}.body.{i}"), line);
                    }
                }
            }
        }
    }
    out
}

/// The sandbox's guidance messages (by English text; the key paths as comments).
pub fn sandbox_messages(flow: &Json, origin: &str) -> Vec<Message> {
    by_text(
        sandbox_texts(flow),
        SANDBOX_CTX,
        origin,
        "practice sandbox guidance; keep {placeholders}; quote the screens' English labels",
    )
}

/// One message per distinct English text of `texts` ((where, text) pairs), in order of first
/// use, its source listing every place (`<origin>: a, b`).
fn by_text(texts: Vec<(String, String)>, ctx: &str, origin: &str, comment: &str) -> Vec<Message> {
    let mut places: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut order = Vec::new();
    for (path, text) in texts {
        let e = places.entry(text.clone()).or_default();
        if e.is_empty() {
            order.push(text);
        }
        e.push(path);
    }
    order
        .into_iter()
        .map(|text| {
            let paths = places.remove(&text).unwrap_or_default();
            Message {
                ctx: ctx.into(),
                source: format!("{origin}: {}", paths.join(", ")),
                id: text,
                comment: comment.into(),
            }
        })
        .collect()
}

/// The translatable texts of the reference data: (where, English text).
fn data_texts(lib: &Library) -> Vec<(String, String)> {
    let mut out = Vec::new();
    out.push(("site.toml: title".into(), lib.config.title.clone()));
    out.push((
        "site.toml: description".into(),
        lib.config.description.clone(),
    ));
    for c in &lib.config.contacts {
        out.push((format!("site.toml: contacts.{}.name", c.id), c.name.clone()));
        out.push((
            format!("site.toml: contacts.{}.purpose", c.id),
            c.purpose.clone(),
        ));
    }
    for f in &lib.data.facts {
        out.push((format!("facts.{}.text", f.id), f.text.clone()));
    }
    for m in &lib.data.eu_login.methods {
        out.push((format!("eu_login.methods.{}.note", m.id), m.note.clone()));
    }
    for l in &lib.data.links {
        out.push((format!("links.{}.title", l.id), l.title.clone()));
        out.push((format!("links.{}.description", l.id), l.description.clone()));
    }
    for n in lib.networks.values() {
        out.push((
            format!("networks.{}.wording.two_factor", n.id),
            n.wording.two_factor.clone(),
        ));
        out.push((
            format!("networks.{}.approval_time", n.id),
            n.approval_time.clone(),
        ));
    }
    out.retain(|(_, t)| !t.trim().is_empty());
    out
}

/// The reference-data messages, by English text (deduplicated).
pub(crate) fn data_messages(lib: &Library) -> Vec<Message> {
    by_text(
        data_texts(lib),
        DATA_CTX,
        "content/data",
        "reference data inserted into guide text",
    )
}

/// Every message of the site: content, reference data, sandbox, UI.
pub(crate) fn all_messages(lib: &Library, theme: &Theme) -> Result<Vec<Message>> {
    let mut out = content_messages(lib);
    // Guides generated from one source (one per network) share its messages: each once.
    let mut seen = BTreeSet::new();
    out.retain(|m| seen.insert((m.ctx.clone(), m.id.clone())));
    out.extend(data_messages(lib));
    let origin = lib
        .data
        .sandbox_file
        .as_ref()
        .map(|p| rel_ctx(&lib.site_dir, p))
        .unwrap_or_default();
    let flow = serde_json::to_value(&lib.data.sandbox).unwrap_or_default();
    out.extend(sandbox_messages(&flow, &origin));
    let site_theme = lib.site_dir.join("themes").join(&lib.config.theme);
    out.extend(ui_messages_with(theme, Some(&site_theme))?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_own_labels_are_texts_and_the_mock_screens_labels_are_not() {
        let flow = serde_json::json!({
            "labels": {"mode": "Mode", "inbox": "Inbox", "c2_login": "Login", "cancel": "Cancel",
                       "dialogs": {"reset_title": "Start again?", "cancel": "Cancel"}}
        });
        let paths: Vec<String> = sandbox_texts(&flow).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            vec![
                "labels.mode",
                "labels.inbox",
                "labels.dialogs.cancel",
                "labels.dialogs.reset_title"
            ]
        );
    }

    #[test]
    fn every_own_label_is_in_the_default_flow() {
        let (_, yaml) = crate::theme::embedded_files()
            .iter()
            .find(|(p, _)| *p == "data/sandbox.yaml")
            .unwrap();
        let yaml = String::from_utf8_lossy(yaml);
        // `labels:` runs to the next top-level key
        let labels = yaml.split("\nlabels:\n").nth(1).unwrap();
        let labels = labels.split("\n\n").next().unwrap();
        let labels = &labels[..labels.find("\n#").unwrap_or(labels.len())];
        for k in SANDBOX_OWN_LABELS {
            assert!(
                labels.contains(&format!("\n  {k}: ")) || labels.starts_with(&format!("  {k}: ")),
                "labels.{k} missing"
            );
        }
    }

    #[test]
    fn finds_ui_strings() {
        assert_eq!(
            ui_strings("{{ t(\"Skip to main content\") }} {% set x = 1 %} {{ t('Step {n} of {total}', n=1) }} {{ cont(\"no\") }}"),
            vec!["Skip to main content", "Step {n} of {total}"]
        );
    }
}
