//! Stale content: steps not reviewed within the review interval, and text that mentions a
//! verification method retired before `as_of` without saying it ended.

use std::path::Path;

use rayon::prelude::*;

use crate::content::guide::front_matter_line;
use crate::content::{IsoDate, Library};
use crate::error::SourceError;
use crate::pipeline::Warning;

/// Words that show a sentence is about a method's end, not a recommendation.
const END_WORDS: &[&str] = &[
    "no longer",
    "retired",
    "ended",
    "stopped",
    "phased out",
    "phase-out",
    "not available",
    "removed",
    "discontinued",
    "until",
    "before",
];

/// Warnings for dated content: a step not reviewed within the review interval, and text that
/// mentions a verification method retired before `as_of` without saying it ended.
pub(crate) fn stale_content_warnings(lib: &Library) -> Vec<Warning> {
    let as_of = lib.config.as_of_string();
    let mut out = Vec::new();
    let today = IsoDate::parse(&as_of);
    let retired: Vec<_> = lib
        .data
        .eu_login
        .methods
        .iter()
        .filter(|m| !m.offered_on(&as_of) && m.available_until.is_some())
        .collect();
    // Guides in parallel; the warnings keep the guides' order.
    let per_guide: Vec<Vec<Warning>> = lib
        .guides
        .par_iter()
        .map(|g| {
            let mut out = Vec::new();
            let sources = std::iter::once((&g.source, &g.meta.reviewed))
                .chain(g.steps.iter().map(|s| (&s.source, &s.meta.reviewed)));
            for (src, reviewed) in sources {
                if let (Some(t), Some(r)) = (today, IsoDate::parse(&reviewed.value)) {
                    if r.days_until(t) > i64::from(lib.config.review_interval_days) {
                        out.push(Warning(SourceError::new(
                            &src.file,
                            front_matter_line(reviewed),
                            format!(
                                "last reviewed {}, more than {} days before as_of {as_of}: check it is still true",
                                reviewed.value, lib.config.review_interval_days
                            ),
                        )));
                    }
                }
                out.extend(retired_method_mentions(&src.file, src.body_line, &src.body, &retired, &as_of));
            }
            out
        })
        .collect();
    out.extend(per_guide.into_iter().flatten());
    // shared fragments too
    for (file, text) in lib.shared.texts() {
        out.extend(retired_method_mentions(file, 1, text, &retired, &as_of));
    }
    // the accessibility statement's annual review
    out.extend(
        lib.accessibility
            .review_warning(&as_of, lib.config.review_interval_days)
            .map(Warning),
    );
    out
}

fn retired_method_mentions(
    file: &Path,
    first_line: usize,
    text: &str,
    retired: &[&crate::content::data::Method],
    as_of: &str,
) -> Vec<Warning> {
    let mut out = Vec::new();
    // Paragraph-level: a mention is fine if its paragraph says the method ended, or if it sits
    // inside a `{% if offered("id") %}` block (only shown while the method was offered).
    let mut guarded_depth: Vec<bool> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let paragraphs_end_words: Vec<bool> = {
        let mut flags = vec![false; lines.len()];
        let mut i = 0;
        while i < lines.len() {
            let mut j = i;
            while j < lines.len() && !lines[j].trim().is_empty() {
                j += 1;
            }
            let para = lines[i..j].join(" ").to_lowercase();
            let ended = END_WORDS.iter().any(|w| para.contains(w));
            for f in flags.iter_mut().take(j).skip(i) {
                *f = ended;
            }
            i = j + 1;
        }
        flags
    };
    for (idx, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("{%") {
            let inner = trimmed
                .trim_start_matches("{%")
                .trim_start_matches('-')
                .trim();
            if inner.starts_with("if ") {
                guarded_depth.push(inner.contains("offered("));
            } else if inner.starts_with("endif") {
                guarded_depth.pop();
            }
            continue;
        }
        if guarded_depth.iter().any(|g| *g) {
            continue;
        }
        for m in retired {
            let keywords = [m.label.as_str(), m.id.as_str()];
            let mentions = keywords
                .iter()
                .any(|k| k.len() >= 3 && contains_word(line, k));
            if mentions && !paragraphs_end_words[idx] {
                out.push(Warning(SourceError::new(
                    file,
                    first_line + idx,
                    format!(
                        "mentions `{}`, which EU Login stopped offering after {} (before as_of {as_of}), without saying so",
                        m.label,
                        m.available_until.as_deref().unwrap_or("?")
                    ),
                )));
            }
        }
    }
    out
}

/// Case-insensitive whole-word search ("SMS" matches "sms" but not "smsc").
fn contains_word(hay: &str, word: &str) -> bool {
    let hay = hay.to_lowercase();
    let word = word.to_lowercase();
    hay.match_indices(&word).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retired_mentions() {
        let m = crate::content::data::Method {
            id: "sms".into(),
            label: "Mobile Phone + SMS".into(),
            description: String::new(),
            available_from: None,
            available_until: Some("2025-06-30".into()),
            source: "s".into(),
            note: String::new(),
            audience: String::new(),
        };
        let text = "Intro.\n\nUse Mobile Phone + SMS to sign in.\n\nSMS is no longer available since 1 July 2025.\n\n{% if offered(\"sms\") %}\nChoose Mobile Phone + SMS.\n{% endif %}\n";
        let w = retired_method_mentions(Path::new("s.md"), 10, text, &[&m], "2026-11-22");
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].0.line, 12);
    }
}
