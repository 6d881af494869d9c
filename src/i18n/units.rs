//! Block-level translation units of a Markdown source, read *before* Jinja runs (so a shared
//! step's `{{ network.name }}` stays a placeholder and one translation serves every network):
//! paragraphs, list items, headings, table cells and admonition bodies, and the alt text,
//! caption and call-out labels of `figure` blocks, and the Markdown inside a slide deck's
//! `notes` blocks (speaker notes). Other fenced code and raw HTML are not units.
//!
//! [`translate`] puts translations back into the source text; a unit without a usable
//! translation keeps its English text between [`UNTRANSLATED_START`] and
//! [`UNTRANSLATED_END`], which the page renderer turns into `<span lang="en">` (see
//! [`super::mark_untranslated`]).

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::figure;

/// Opens an English (untranslated) block in translated Markdown. A Unicode punctuation
/// character, so emphasis next to it parses as it does next to a quote.
pub const UNTRANSLATED_START: char = '\u{2E20}';
/// Closes an English block (see [`UNTRANSLATED_START`]).
pub const UNTRANSLATED_END: char = '\u{2E21}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    Paragraph,
    Heading,
    ListItem,
    TableCell,
    Admonition,
    /// A figure's alt text, caption or call-out label (a YAML value in a `figure` block).
    Figure,
}

/// One translatable block of a Markdown source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The block's source text with the continuation prefixes of its lines (indentation,
    /// `> `) removed: the msgid.
    pub text: String,
    /// 1-based line in the source given to [`units`] (plus its line offset).
    pub line: usize,
    pub kind: UnitKind,
    range: Range<usize>,
    /// What goes in front of each line after the first when the block is replaced: the
    /// original lines' prefixes, then the last one again (Jinja lines inside a quote may
    /// have none while the quote's later lines have `> `).
    line_prefixes: Vec<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Removes Jinja tags, expressions and comments (to see whether text is left).
pub fn without_jinja(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(['{']) {
        let after = &rest[start..];
        let close = if after.starts_with("{{") {
            Some("}}")
        } else if after.starts_with("{%") {
            Some("%}")
        } else if after.starts_with("{#") {
            Some("#}")
        } else {
            None
        };
        match close.and_then(|c| after.find(c).map(|e| e + c.len())) {
            Some(end) => {
                out.push_str(&rest[..start]);
                rest = &after[end..];
            }
            None => {
                out.push_str(&rest[..start + 1]);
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The Jinja pieces (`{{ ... }}`, `{% ... %}`) of a text, in order: a translation must keep
/// every one of them.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = text[from..].find('{') {
        let start = from + rel;
        let after = &text[start..];
        let close = if after.starts_with("{{") {
            Some("}}")
        } else if after.starts_with("{%") {
            Some("%}")
        } else {
            None
        };
        match close.and_then(|c| after.find(c).map(|e| e + c.len())) {
            Some(end) => {
                out.push(&text[start..start + end]);
                from = start + end;
            }
            None => from = start + 1,
        }
    }
    out
}

/// Whether a line prefix character belongs to block structure (indentation, quotes).
fn is_prefix_char(c: char) -> bool {
    c == ' ' || c == '\t' || c == '>'
}

/// The units of `src` (a Markdown body); `line_offset` is added to line numbers (the body's
/// first line in its file, minus one).
pub fn units(src: &str, line_offset: usize) -> Vec<Unit> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |offset: usize| line_starts.partition_point(|&s| s <= offset);

    let mut out = Vec::new();
    // The open leaf: its kind and the byte range of its inline content so far.
    let mut leaf: Option<(UnitKind, Option<Range<usize>>)> = None;
    // Containers: true for an admonition block quote, false for other quotes; items.
    let mut quotes: Vec<bool> = Vec::new();
    let mut item_depth = 0usize;
    let mut skip = 0usize; // inside code blocks / HTML blocks
                           // Inside a `figure` block: the byte range of its YAML so far.
    let mut figure: Option<Option<Range<usize>>> = None;
    // Inside a `notes` block: the byte range of its Markdown so far.
    let mut notes: Option<Option<Range<usize>>> = None;
    let flush = |leaf: &mut Option<(UnitKind, Option<Range<usize>>)>, out: &mut Vec<Unit>| {
        if let Some((kind, Some(range))) = leaf.take() {
            if let Some(u) = make_unit(src, kind, range, &line_at, line_offset) {
                out.push(u);
            }
        }
    };

    for (event, range) in Parser::new_ext(src, options()).into_offset_iter() {
        if skip > 0 {
            match event {
                Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => skip += 1,
                Event::End(TagEnd::CodeBlock) | Event::End(TagEnd::HtmlBlock) => skip -= 1,
                Event::Text(_) => {
                    if let Some(r) = figure.as_mut().or(notes.as_mut()) {
                        *r = Some(match r.take() {
                            Some(old) => old.start.min(range.start)..old.end.max(range.end),
                            None => range,
                        });
                    }
                }
                _ => {}
            }
            if skip == 0 {
                if let Some(Some(r)) = figure.take() {
                    out.extend(figure_units(src, r, &line_at, line_offset));
                }
                if let Some(Some(r)) = notes.take() {
                    out.extend(notes_units(src, r, &line_at, line_offset));
                }
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                flush(&mut leaf, &mut out);
                skip = 1;
                let is_figure = matches!(&kind, CodeBlockKind::Fenced(info)
                    if info.split_whitespace().next() == Some("figure"));
                figure = is_figure.then_some(None);
                let is_notes = matches!(&kind, CodeBlockKind::Fenced(info)
                    if info.split_whitespace().next() == Some("notes"));
                notes = is_notes.then_some(None);
            }
            Event::Start(Tag::HtmlBlock) => {
                flush(&mut leaf, &mut out);
                skip = 1;
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                flush(&mut leaf, &mut out);
                quotes.push(kind.is_some());
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                flush(&mut leaf, &mut out);
                quotes.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut leaf, &mut out);
                item_depth += 1;
                // A tight item's text comes without a paragraph: the item is the leaf.
                leaf = Some((UnitKind::ListItem, None));
            }
            Event::End(TagEnd::Item) => {
                flush(&mut leaf, &mut out);
                item_depth = item_depth.saturating_sub(1);
            }
            Event::Start(Tag::Paragraph) => {
                flush(&mut leaf, &mut out);
                let kind = if quotes.last() == Some(&true) {
                    UnitKind::Admonition
                } else if item_depth > 0 {
                    UnitKind::ListItem
                } else {
                    UnitKind::Paragraph
                };
                leaf = Some((kind, None));
            }
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut leaf, &mut out);
                leaf = Some((UnitKind::Heading, None));
            }
            Event::Start(Tag::TableCell) => {
                flush(&mut leaf, &mut out);
                leaf = Some((UnitKind::TableCell, None));
            }
            Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::TableCell) => flush(&mut leaf, &mut out),
            Event::Start(
                Tag::List(_)
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::MetadataBlock(_),
            )
            | Event::Rule => flush(&mut leaf, &mut out),
            // Inline content: widen the open leaf.
            Event::Start(_)
            | Event::Text(_)
            | Event::Code(_)
            | Event::InlineHtml(_)
            | Event::Html(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_) => {
                if let Some((_, r)) = leaf.as_mut() {
                    *r = Some(match r.take() {
                        Some(old) => old.start.min(range.start)..old.end.max(range.end),
                        None => range,
                    });
                }
            }
            _ => {}
        }
    }
    flush(&mut leaf, &mut out);
    out
}

/// The units of a figure block whose YAML is `range` of `src` (see [`super::figure`]).
fn figure_units(
    src: &str,
    range: Range<usize>,
    line_at: &dyn Fn(usize) -> usize,
    line_offset: usize,
) -> Vec<Unit> {
    inner_units(src, range, line_at, line_offset, |body| {
        figure::texts(body)
            .into_iter()
            .map(|(r, text)| Unit {
                text,
                line: 0,
                kind: UnitKind::Figure,
                range: r,
                line_prefixes: Vec::new(),
            })
            .collect()
    })
}

/// The units of the Markdown of a `notes` block at `range` of `src` (speaker notes are
/// Markdown: their paragraphs and list items are units like the page's own).
fn notes_units(
    src: &str,
    range: Range<usize>,
    line_at: &dyn Fn(usize) -> usize,
    line_offset: usize,
) -> Vec<Unit> {
    inner_units(src, range, line_at, line_offset, |body| units(body, 0))
}

/// The units that `scan` finds in `range` of `src` (ranges relative to it), placed in `src`:
/// their ranges shifted and their lines those of `src`.
fn inner_units(
    src: &str,
    range: Range<usize>,
    line_at: &dyn Fn(usize) -> usize,
    line_offset: usize,
    scan: impl Fn(&str) -> Vec<Unit>,
) -> Vec<Unit> {
    let Some(body) = src.get(range.clone()) else {
        return Vec::new();
    };
    scan(body)
        .into_iter()
        .map(|u| Unit {
            line: line_at(range.start + u.range.start) + line_offset,
            range: range.start + u.range.start..range.start + u.range.end,
            ..u
        })
        .collect()
}

fn make_unit(
    src: &str,
    kind: UnitKind,
    range: Range<usize>,
    line_at: &dyn Fn(usize) -> usize,
    line_offset: usize,
) -> Option<Unit> {
    let raw = src.get(range.clone())?;
    // Trailing whitespace and line ends are structure, not text.
    let trimmed_len = raw.trim_end().len();
    let range = range.start..range.start + trimmed_len;
    let raw = &src[range.clone()];
    if !without_jinja(raw).chars().any(char::is_alphabetic) {
        return None;
    }
    let mut lines = raw.split('\n');
    let mut text = lines.next().unwrap_or("").to_string();
    let mut line_prefixes = Vec::new();
    for line in lines {
        let cut = line
            .char_indices()
            .find(|&(_, c)| !is_prefix_char(c))
            .map_or(line.len(), |(i, _)| i);
        line_prefixes.push(line[..cut].to_string());
        text.push('\n');
        text.push_str(&line[cut..]);
    }
    if line_prefixes.is_empty() {
        // Single line: the continuation prefix mirrors the first line's prefix
        // ("1. " -> "   ", "> " -> "> ").
        let line_start = src[..range.start].rfind('\n').map_or(0, |i| i + 1);
        line_prefixes.push(
            src[line_start..range.start]
                .chars()
                .map(|c| if c == '>' { '>' } else { ' ' })
                .collect(),
        );
    }
    Some(Unit {
        text,
        line: line_at(range.start) + line_offset,
        kind,
        range,
        line_prefixes,
    })
}

/// What a unit becomes in a translated source.
pub enum Rendering<'a> {
    /// The translation (msgstr), lines separated by `\n`.
    Translated(&'a str),
    /// No usable translation: the English text, marked.
    English,
    /// The English text, unmarked (tests: the source comes back unchanged).
    #[cfg(test)]
    Source,
}

/// Rebuilds `src` with each unit replaced as `choose` says.
pub fn translate<'a>(
    src: &str,
    units: &[Unit],
    mut choose: impl FnMut(&Unit) -> Rendering<'a>,
) -> String {
    let mut out = String::with_capacity(src.len() + src.len() / 4);
    let mut at = 0;
    for u in units {
        if u.range.start < at {
            continue;
        }
        out.push_str(&src[at..u.range.start]);
        let original = &src[u.range.clone()];
        match choose(u) {
            Rendering::Translated(t) if u.kind == UnitKind::Figure => {
                out.push_str(&figure::quote(t.trim()));
            }
            Rendering::English if u.kind == UnitKind::Figure => {
                out.push_str(&figure::mark(
                    original,
                    UNTRANSLATED_START,
                    UNTRANSLATED_END,
                ));
            }
            Rendering::Translated(t) => {
                let t = t.trim_end();
                for (i, line) in t.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                        let p = u
                            .line_prefixes
                            .get(i - 1)
                            .or(u.line_prefixes.last())
                            .map_or("", String::as_str);
                        out.push_str(p);
                    }
                    if u.kind == UnitKind::TableCell {
                        out.push_str(&line.replace('|', "\\|"));
                    } else {
                        out.push_str(line);
                    }
                }
            }
            Rendering::English => {
                out.push(UNTRANSLATED_START);
                out.push_str(original);
                out.push(UNTRANSLATED_END);
            }
            #[cfg(test)]
            Rendering::Source => out.push_str(original),
        }
        at = u.range.end;
    }
    out.push_str(&src[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
## Open the sign-up form

1. Go to the page: [{{ link(\"x\").title }}]({{ link(\"x\").url }}).
2. The page is called **Create an account**.
   It has a link **Help**.

{% include \"eu-login/set-password.md\" %}

> [!TIP]
> Example: Maria types **Maria** and
> `maria@example.org` twice.

| Field | What to type |
|---|---|
| First name | Your first name |

```figure
src: x.png
```

A last paragraph.
";

    #[test]
    fn splits_blocks_and_skips_jinja_only_and_code() {
        let us = units(SRC, 0);
        let texts: Vec<(&str, UnitKind, usize)> = us
            .iter()
            .map(|u| (u.text.as_str(), u.kind, u.line))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Open the sign-up form", UnitKind::Heading, 1),
                (
                    "Go to the page: [{{ link(\"x\").title }}]({{ link(\"x\").url }}).",
                    UnitKind::ListItem,
                    3
                ),
                (
                    "The page is called **Create an account**.\nIt has a link **Help**.",
                    UnitKind::ListItem,
                    4
                ),
                (
                    "Example: Maria types **Maria** and\n`maria@example.org` twice.",
                    UnitKind::Admonition,
                    10
                ),
                ("Field", UnitKind::TableCell, 13),
                ("What to type", UnitKind::TableCell, 13),
                ("First name", UnitKind::TableCell, 15),
                ("Your first name", UnitKind::TableCell, 15),
                ("A last paragraph.", UnitKind::Paragraph, 21),
            ]
        );
    }

    #[test]
    fn translation_keeps_structure_and_reindents() {
        let us = units(SRC, 0);
        let out = translate(SRC, &us, |u| match u.text.as_str() {
            "The page is called **Create an account**.\nIt has a link **Help**." => {
                Rendering::Translated("Die Seite heißt **Create an account**.\nSie hat **Help**.")
            }
            "Example: Maria types **Maria** and\n`maria@example.org` twice." => {
                Rendering::Translated("Beispiel: Maria\ntippt zweimal.")
            }
            "Your first name" => Rendering::Translated("Ihr Vorname | x"),
            "A last paragraph." => Rendering::English,
            _ => Rendering::Source,
        });
        assert!(out.contains("2. Die Seite heißt **Create an account**.\n   Sie hat **Help**.\n"));
        assert!(out.contains("> Beispiel: Maria\n> tippt zweimal.\n"));
        assert!(out.contains("| Ihr Vorname \\| x |"));
        assert!(out.contains("\u{2E20}A last paragraph.\u{2E21}\n"));
        assert!(out.contains("{% include \"eu-login/set-password.md\" %}"));
        assert!(out.contains("```figure\nsrc: x.png\n```"));
        // Re-reading the translated source gives the same block structure.
        assert_eq!(units(&out, 0).len(), us.len());
    }

    #[test]
    fn speaker_notes_are_units_translated_in_place() {
        let src = "Intro.\n\n```notes\nAsk everyone to open their **inbox**.\n\n- Wait for the e-mail.\n```\n\n```yaml\nnot: a unit\n```\n";
        let us = units(src, 10);
        let texts: Vec<(&str, usize)> = us.iter().map(|u| (u.text.as_str(), u.line)).collect();
        assert_eq!(
            texts,
            vec![
                ("Intro.", 11),
                ("Ask everyone to open their **inbox**.", 14),
                ("Wait for the e-mail.", 16),
            ]
        );
        let out = translate(src, &us, |u| match u.text.as_str() {
            "Ask everyone to open their **inbox**." => {
                Rendering::Translated("Alle sollen ihr **Postfach** öffnen.")
            }
            _ => Rendering::Source,
        });
        assert_eq!(
            out,
            "Intro.\n\n```notes\nAlle sollen ihr **Postfach** öffnen.\n\n- Wait for the e-mail.\n```\n\n```yaml\nnot: a unit\n```\n"
        );
    }

    #[test]
    fn figure_texts_are_units_translated_in_place() {
        let src = "Intro.\n\n```figure\nsrc: a.png\nalt: \"The form\"\ncaption: The caption\ncallouts:\n  - { n: 1, box: [1, 2, 3, 4], label: \"Click {{ x }}\" }\n```\n\nEnd.\n";
        let us = units(src, 10);
        let got: Vec<(&str, UnitKind, usize)> = us
            .iter()
            .map(|u| (u.text.as_str(), u.kind, u.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Intro.", UnitKind::Paragraph, 11),
                ("The form", UnitKind::Figure, 15),
                ("The caption", UnitKind::Figure, 16),
                ("Click {{ x }}", UnitKind::Figure, 18),
                ("End.", UnitKind::Paragraph, 21),
            ]
        );
        let out = translate(src, &us, |u| match u.text.as_str() {
            "The form" => Rendering::Translated("Das \"Formular\""),
            "Click {{ x }}" => Rendering::Translated("{{ x }} anklicken"),
            "The caption" => Rendering::English,
            _ => Rendering::Source,
        });
        assert!(out.contains("\nalt: \"Das \\\"Formular\\\"\"\n"), "{out}");
        assert!(
            out.contains("\ncaption: \u{2E20}The caption\u{2E21}\n"),
            "{out}"
        );
        assert!(out.contains("label: \"{{ x }} anklicken\" }"), "{out}");
        // Still a figure, on the same lines.
        let body = out
            .split("```figure\n")
            .nth(1)
            .and_then(|b| b.split("```").next());
        let spec = crate::images::spec::parse(
            &body.unwrap().replace("{{ x }}", "X"),
            std::path::Path::new("a.md"),
            3,
        )
        .unwrap();
        assert_eq!(spec.alt, "Das \"Formular\"");
        assert_eq!(spec.caption.as_deref(), Some("\u{2E20}The caption\u{2E21}"));
        assert_eq!(spec.callouts[0].label, "X anklicken");
    }

    #[test]
    fn placeholders_and_jinja() {
        assert_eq!(
            placeholders("a {{ x }} b {% if y %}c{% endif %} {d}"),
            vec!["{{ x }}", "{% if y %}", "{% endif %}"]
        );
        assert_eq!(without_jinja("{% include \"a\" %} "), " ");
    }

    #[test]
    fn markers_keep_emphasis() {
        let md = format!("{UNTRANSLATED_START}Click **\"Next\"**{UNTRANSLATED_END}\n");
        let r = crate::markdown::render(&md, &Default::default()).unwrap_or_default();
        assert!(r.html.contains("<strong>\"Next\"</strong>"), "{}", r.html);
    }
}
