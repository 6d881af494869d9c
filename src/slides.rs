//! A guide's slide deck (`/<guide>/slides/`), from the same Markdown as its step pages.
//!
//! Each step becomes one slide per section (a top-level heading and what follows it) that has
//! numbered actions or a figure: the slide shows the section's numbered lists and its first
//! figure with call-outs. A step with no such section gets one title slide. A fenced
//! ```` ```notes ```` block holds speaker notes: shown in the speaker view, hidden on the web
//! page ([`WithoutNotes`]).

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

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
    /// Byte ranges of the parts kept, in order, each marked when it is the figure.
    parts: Vec<(std::ops::Range<usize>, bool)>,
    has_figure: bool,
    notes: Vec<String>,
}

impl Section {
    /// `later`'s parts and notes added to this section's, after its own (its figure only
    /// when this section has none: a section shows its first figure).
    fn append(&mut self, later: Section) {
        for (range, figure) in later.parts {
            if figure && self.has_figure {
                continue;
            }
            self.has_figure |= figure;
            self.parts.push((range, figure));
        }
        self.notes.extend(later.notes);
    }
}

/// Cuts the Markdown of a step (after Jinja) into slides; see the module docs.
pub fn split(text: &str) -> Vec<SlideSource> {
    let mut cutter = Cutter::default();
    for (event, range) in Parser::new_ext(text, crate::markdown::OPTIONS).into_offset_iter() {
        cutter.event(&event, range);
    }
    cutter.finish(text)
}

/// [`split`] while the text's events go by: each event of one parse of a text, with its byte
/// range, goes to [`Cutter::event`], and [`Cutter::finish`] with that text gives the slides.
/// The step pages' Markdown is cut while it renders (one parse for the page and its slides).
#[derive(Default)]
pub struct Cutter {
    /// The part before the first heading, then one section per heading outside any block,
    /// with its level: slides start at the shallowest level any heading has (known at the
    /// end), a deeper heading's section joins the one before.
    sections: Vec<(Option<HeadingLevel>, Section)>,
    /// The shallowest heading level so far (of any heading, also inside a block).
    top: Option<HeadingLevel>,
    /// Nesting of block containers around the current event.
    depth: usize,
    /// The text of the heading being read (outside any block).
    heading_text: Option<String>,
    /// The code block being read: its language, text and byte range.
    code: Option<(String, String, std::ops::Range<usize>)>,
}

impl Cutter {
    /// Takes the next event of the text and its byte range.
    pub fn event(&mut self, event: &Event, range: std::ops::Range<usize>) {
        if let Some(buf) = self.heading_text.as_mut() {
            match event {
                Event::Text(t) | Event::Code(t) => buf.push_str(t),
                Event::End(TagEnd::Heading(_)) => {
                    let text = self.heading_text.take().unwrap_or_default();
                    if let Some((_, section)) = self.sections.last_mut() {
                        section.heading = Some(text.trim().to_string());
                    }
                }
                _ => {}
            }
            return;
        }
        if let Some((_, buf, _)) = self.code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, body, block) = self.code.take().unwrap_or_default();
                    let Some((_, section)) = self.sections.last_mut() else {
                        return;
                    };
                    if lang == NOTES {
                        section.notes.push(body);
                    } else if lang == "figure" && !section.has_figure && self.depth == 1 {
                        section.has_figure = true;
                        section.parts.push((block, true));
                    }
                    self.depth -= 1;
                }
                _ => {}
            }
            return;
        }
        if self.sections.is_empty() {
            self.sections.push((None, Section::default()));
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.top = Some(self.top.map_or(*level, |top| top.min(*level)));
                if self.depth == 0 {
                    self.heading_text = Some(String::new());
                    self.sections.push((Some(*level), Section::default()));
                } else {
                    self.depth += 1;
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.depth += 1;
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new(), range));
            }
            Event::Start(Tag::List(Some(_))) if self.depth == 0 => {
                if let Some((_, section)) = self.sections.last_mut() {
                    section.parts.push((range, false));
                }
                self.depth += 1;
            }
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }

    /// The slides of `text`, the text whose events this cutter took.
    pub fn finish(self, text: &str) -> Vec<SlideSource> {
        // The sections of the shallowest headings, each with the deeper ones after it.
        let mut sections: Vec<Section> = Vec::new();
        for (level, section) in self.sections {
            match sections.last_mut() {
                Some(before) if level != self.top => before.append(section),
                _ => sections.push(section),
            }
        }
        let sections = sections.into_iter().map(|section| {
            let parts = section.parts.into_iter().map(|(r, _)| r).collect();
            (section.heading, parts, section.notes)
        });
        slides_of(text, sections)
    }
}

/// The slides of `text`'s sections, each a heading, its parts' byte ranges and its notes: one
/// slide per section with parts, its notes with it; a section without parts gives its notes
/// to the slide before (or the first one).
fn slides_of(text: &str, sections: impl Iterator<Item = PlainSection>) -> Vec<SlideSource> {
    let mut slides: Vec<SlideSource> = Vec::new();
    let mut orphan_notes: Vec<String> = Vec::new();
    for (heading, parts, notes) in sections {
        if parts.is_empty() {
            match slides.last_mut() {
                Some(prev) => append_notes(&mut prev.notes, &notes),
                None => orphan_notes.extend(notes),
            }
            continue;
        }
        let mut slide = SlideSource {
            heading,
            body: keep_lines(text, &parts),
            notes: String::new(),
        };
        append_notes(&mut slide.notes, &notes);
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

/// A section as [`slides_of`] takes it: heading, parts' byte ranges, notes.
type PlainSection = (Option<String>, Vec<std::ops::Range<usize>>, Vec<String>);

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
                slides: None,
            },
        )
        .unwrap()
        .html;
        assert!(!html.contains("Secret plan"), "{html}");
        assert!(html.contains("Text."), "{html}");
    }

    /// A section of [`split_in_two_passes`].
    #[derive(Default)]
    struct OldSection {
        heading: Option<String>,
        /// Byte ranges of the parts kept, in order.
        parts: Vec<std::ops::Range<usize>>,
        has_figure: bool,
        notes: Vec<String>,
    }

    /// [`split`] as it was written first: the events collected, then read twice (the
    /// shallowest heading level, then the sections). The reference of the tests.
    fn split_in_two_passes(text: &str) -> Vec<SlideSource> {
        let options = crate::markdown::OPTIONS;
        // (parsed once: the events are read twice)
        let events: Vec<_> = Parser::new_ext(text, options).into_offset_iter().collect();
        // Sections start at the shallowest heading level used.
        let top = (events.iter())
            .filter_map(|(e, _)| match e {
                Event::Start(Tag::Heading { level, .. }) => Some(*level),
                _ => None,
            })
            .min();
        let mut sections = vec![OldSection::default()];
        let mut depth = 0usize; // nesting of block containers around the current event
        let mut heading_text: Option<String> = None;
        let mut code: Option<(String, String, std::ops::Range<usize>)> = None;
        for (event, range) in events {
            if let Some(buf) = heading_text.as_mut() {
                match event {
                    Event::Text(t) | Event::Code(t) => buf.push_str(&t),
                    Event::End(TagEnd::Heading(_)) => {
                        let text = heading_text.take().unwrap_or_default();
                        sections.push(OldSection {
                            heading: Some(text.trim().to_string()),
                            ..OldSection::default()
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
        let sections = sections.into_iter();
        slides_of(text, sections.map(|s| (s.heading, s.parts, s.notes)))
    }

    #[test]
    fn one_pass_cuts_what_two_passes_cut() {
        // Steps made of blocks that each take a branch of the cut: headings of three levels
        // (also inside a quote and a list), numbered and bullet lists, figures (also nested),
        // notes, other code, prose, at random (a fixed-seed generator: the same every run).
        const BLOCKS: &[&str] = &[
            "# Top\n",
            "## Second *em* `code`\n",
            "### Third\n",
            "1. one\n2. two\n",
            "3. three\n",
            "- bullet\n",
            "```figure\nsrc: a.png\n```\n",
            "```figure\nsrc: b.png\n```\n",
            "```notes\nSay this.\n```\n",
            "```notes\n\n```\n",
            "```yaml\na: 1\n```\n",
            "Prose.\n",
            "> # Quoted top\n",
            "> 1. quoted\n",
            "- ## heading in a list\n",
            "1. item\n\n   ```figure\n   src: c.png\n   ```\n",
            "    indented code\n",
            "Setext\n===\n",
            "| a | b |\n|---|---|\n| 1 | 2 |\n",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut slides = 0;
        for _ in 0..5_000 {
            let text: Vec<&str> = (0..next(14)).map(|_| BLOCKS[next(BLOCKS.len())]).collect();
            let text = text.join("\n");
            let (new, old) = (split(&text), split_in_two_passes(&text));
            assert_eq!(new, old, "{text}");
            slides += new.len();
        }
        assert!(slides > 5_000, "{slides}");
    }

    #[test]
    fn a_page_rendered_with_a_cutter_cuts_what_split_cuts() {
        let cutter = std::cell::RefCell::new(Cutter::default());
        let hook = WithoutNotes(None);
        let html = crate::markdown::render(
            STEP,
            &crate::markdown::RenderOptions {
                hook: Some(&hook),
                min_heading_level: 2,
                slides: Some(&cutter),
            },
        )
        .unwrap()
        .html;
        assert!(html.contains("Open the form"), "{html}");
        assert_eq!(cutter.into_inner().finish(STEP), split(STEP));
    }
}
