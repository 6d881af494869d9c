//! A guide's slide deck (`/<guide>/slides/`), from the same Markdown as its step pages.
//!
//! Each step becomes one slide per section (a top-level heading and what follows it) that has
//! numbered actions or a figure: the slide shows the section's numbered lists and its first
//! figure with call-outs. A step with no such section gets one title slide. A fenced
//! ```` ```notes ```` block holds speaker notes: shown in the speaker view, hidden on the web
//! page ([`WithoutNotes`]).

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::error::Result;
use crate::markdown::BlockHook;

/// The fenced-block language of speaker notes.
pub const NOTES: &str = "notes";

/// The Markdown of one slide, cut from a step's Markdown (after Jinja).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlideSource {
    /// The section's heading text; `None` for the part before the first heading.
    pub heading: Option<String>,
    /// The section's numbered lists and first figure, at their original line numbers (the
    /// lines between are blank) so figure errors point at the right line.
    pub body: String,
    /// The Markdown of the section's speaker notes (several blocks joined by a blank line).
    pub notes: String,
}

/// A section of the Markdown while it is being cut.
#[derive(Default)]
struct Section {
    heading: Option<String>,
    /// Byte ranges of the parts kept, in order.
    parts: Vec<std::ops::Range<usize>>,
    has_figure: bool,
    notes: Vec<String>,
}

/// Cuts the Markdown of a step (after Jinja) into slides; see the module docs.
pub fn split(text: &str) -> Vec<SlideSource> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES;
    // (parsed once: the events are read twice)
    let events: Vec<_> = Parser::new_ext(text, options).into_offset_iter().collect();
    // Sections start at the shallowest heading level used.
    let top = (events.iter())
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level),
            _ => None,
        })
        .min();
    let mut sections = vec![Section::default()];
    let mut depth = 0usize; // nesting of block containers around the current event
    let mut heading_text: Option<String> = None;
    let mut code: Option<(String, String, std::ops::Range<usize>)> = None;
    for (event, range) in events {
        if let Some(buf) = heading_text.as_mut() {
            match event {
                Event::Text(t) | Event::Code(t) => buf.push_str(&t),
                Event::End(TagEnd::Heading(_)) => {
                    let text = heading_text.take().unwrap_or_default();
                    sections.push(Section {
                        heading: Some(text.trim().to_string()),
                        ..Section::default()
                    });
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, buf, _)) = code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, body, block) = code.take().unwrap_or_default();
                    let Some(section) = sections.last_mut() else {
                        continue;
                    };
                    if lang == NOTES {
                        section.notes.push(body);
                    } else if lang == "figure" && !section.has_figure && depth == 1 {
                        section.has_figure = true;
                        section.parts.push(block);
                    }
                    depth -= 1;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) if depth == 0 && Some(level) == top => {
                heading_text = Some(String::new());
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                depth += 1;
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new(), range));
            }
            Event::Start(Tag::List(Some(_))) if depth == 0 => {
                if let Some(section) = sections.last_mut() {
                    section.parts.push(range);
                }
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut slides: Vec<SlideSource> = Vec::new();
    let mut orphan_notes: Vec<String> = Vec::new();
    for section in sections {
        if section.parts.is_empty() {
            // Notes of a section without a slide go to the slide before (or the first one).
            match slides.last_mut() {
                Some(prev) => append_notes(&mut prev.notes, &section.notes),
                None => orphan_notes.extend(section.notes),
            }
            continue;
        }
        let mut slide = SlideSource {
            heading: section.heading,
            body: keep_lines(text, &section.parts),
            notes: String::new(),
        };
        append_notes(&mut slide.notes, &section.notes);
        slides.push(slide);
    }
    if slides.is_empty() {
        slides.push(SlideSource::default());
    }
    if !orphan_notes.is_empty() {
        let first = &mut slides[0];
        let mut notes = String::new();
        append_notes(&mut notes, &orphan_notes);
        append_notes(&mut notes, std::slice::from_ref(&first.notes));
        first.notes = notes;
    }
    slides
}

fn append_notes(to: &mut String, notes: &[String]) {
    for n in notes.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if !to.is_empty() {
            to.push_str("\n\n");
        }
        to.push_str(n);
    }
}

/// The `parts` of `text`, each at its original line (earlier lines left blank).
fn keep_lines(text: &str, parts: &[std::ops::Range<usize>]) -> String {
    let mut out = String::new();
    let mut line = 0usize; // lines of `text` covered by `out`
                           // the lines before `counted` (parts come in order: counted on from the last one)
    let (mut counted, mut lines_before) = (0usize, 0usize);
    for part in parts {
        if part.start < counted {
            (counted, lines_before) = (0, 0);
        }
        lines_before += newlines(&text[counted..part.start]);
        counted = part.start;
        let start_line = lines_before;
        // A blank line between parts keeps two lists from merging into one.
        let pad = start_line.saturating_sub(line).max(usize::from(line > 0));
        out.extend(std::iter::repeat_n('\n', pad));
        let piece = text[part.clone()].trim_end_matches('\n');
        out.push_str(piece);
        out.push('\n');
        line = start_line + newlines(piece) + 1;
    }
    out
}

/// How many line breaks `s` has.
fn newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// A block hook that drops speaker notes and hands every other block to `inner` (for the
/// web page of a step, where notes stay hidden).
pub struct WithoutNotes<'a>(pub Option<&'a dyn BlockHook>);

impl BlockHook for WithoutNotes<'_> {
    fn render_block(&self, lang: &str, body: &str, line: usize) -> Option<Result<String>> {
        if lang == NOTES {
            return Some(Ok(String::new()));
        }
        self.0.and_then(|h| h.render_block(lang, body, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: &str = "Intro text.\n\
\n\
```notes\n\
Ask everyone to open their e-mail first.\n\
```\n\
\n\
## Open the form\n\
\n\
1. Go to the page.\n\
2. Click **Create**.\n\
\n\
Some text that stays on the web page.\n\
\n\
```figure\n\
src: a.png\n\
```\n\
\n\
```figure\n\
src: b.png\n\
```\n\
\n\
> [!TIP]\n\
> 1. not an action of the slide\n\
\n\
## Background\n\
\n\
Only prose here.\n\
\n\
```notes\n\
Mention the 5-minute limit.\n\
```\n\
\n\
## Confirm\n\
\n\
- a bullet, not numbered\n\
\n\
3. Open the e-mail.\n\
";

    #[test]
    fn one_slide_per_section_with_actions() {
        let slides = split(STEP);
        assert_eq!(slides.len(), 2, "{slides:#?}");
        assert_eq!(slides[0].heading.as_deref(), Some("Open the form"));
        assert_eq!(slides[1].heading.as_deref(), Some("Confirm"));
        // the list and the first figure only
        assert!(slides[0].body.contains("1. Go to the page."));
        assert!(slides[0].body.contains("src: a.png"));
        assert!(!slides[0].body.contains("src: b.png"));
        assert!(!slides[0].body.contains("stays on the web page"));
        assert!(!slides[0].body.contains("not an action"));
        assert!(slides[1].body.contains("3. Open the e-mail."));
        assert!(!slides[1].body.contains("bullet"));
    }

    #[test]
    fn parts_keep_their_line_numbers() {
        let slides = split(STEP);
        let lines: Vec<&str> = slides[0].body.lines().collect();
        let src_line = STEP.lines().position(|l| l == "src: a.png").unwrap();
        assert_eq!(lines[src_line], "src: a.png");
        let item = STEP
            .lines()
            .position(|l| l == "1. Go to the page.")
            .unwrap();
        assert_eq!(lines[item], "1. Go to the page.");
    }

    #[test]
    fn notes_go_to_their_slide_or_the_one_before() {
        let slides = split(STEP);
        // the intro's notes open the deck; "Background" has no slide: its notes go before
        assert_eq!(
            slides[0].notes,
            "Ask everyone to open their e-mail first.\n\nMention the 5-minute limit."
        );
        assert_eq!(slides[1].notes, "");
    }

    #[test]
    fn a_step_without_actions_gets_one_slide() {
        let slides = split("Just prose.\n\n```notes\nSay hello.\n```\n");
        assert_eq!(slides.len(), 1);
        assert_eq!(slides[0].heading, None);
        assert_eq!(slides[0].body, "");
        assert_eq!(slides[0].notes, "Say hello.");
    }

    #[test]
    fn adjacent_lists_stay_apart() {
        let body = keep_lines("1. a\n2. b\n", &[0..5, 5..10]);
        assert_eq!(body, "1. a\n\n2. b\n");
    }

    #[test]
    fn notes_are_hidden_on_web_pages() {
        let hook = WithoutNotes(None);
        let html = crate::markdown::render(
            "Text.\n\n```notes\nSecret plan.\n```\n",
            &crate::markdown::RenderOptions {
                hook: Some(&hook),
                min_heading_level: 2,
            },
        )
        .unwrap()
        .html;
        assert!(!html.contains("Secret plan"), "{html}");
        assert!(html.contains("Text."), "{html}");
    }
}
