//! Markdown to HTML: CommonMark + tables, footnotes, strikethrough, GitHub-style admonitions,
//! heading anchors, syntect highlighting (CSS classes), and fenced blocks handed to a hook
//! (figures).

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::{LazyLock, Mutex, OnceLock};

use pulldown_cmark::{
    html, BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;
use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxSet};

use crate::error::Result;
use crate::templates::html_escape;

/// The class prefix of highlighted code tokens.
pub const HIGHLIGHT_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// A fenced block with a special language (e.g. `figure`) rendered by someone else.
pub trait BlockHook: Sync {
    /// Returns `None` if the language is not the hook's; `line` is the block's first line
    /// (1-based, in the Markdown given to [`render`]).
    fn render_block(&self, lang: &str, body: &str, line: usize) -> Option<Result<String>>;
}

/// A `##` heading: the sub-steps of a step page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link or image address written in the Markdown, and its line (1-based, in the Markdown
/// given to [`render`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every link and image address of the text, in order (not those of hooked blocks).
    pub links: Vec<Link>,
    /// True when a code block was highlighted (the page needs the highlight CSS).
    pub has_code: bool,
    /// Where in `html` each heading's level is written (the digit of `<hN` and of `</hN>`).
    pub level_digits: Vec<usize>,
}

impl Rendered {
    /// The HTML with every heading one level deeper (`h6` stays `h6`): what rendering with a
    /// `min_heading_level` one higher gives. `None` if a heading was not found where it was
    /// written.
    pub fn html_one_level_down(&self) -> Option<String> {
        if self.level_digits.len() != 2 * self.headings.len() {
            return None;
        }
        let mut bytes = self.html.clone().into_bytes();
        for &at in &self.level_digits {
            if let Some(d) = bytes.get_mut(at) {
                if (b'1'..b'6').contains(d) {
                    *d += 1;
                }
            }
        }
        // Only ASCII digits changed: still UTF-8.
        String::from_utf8(bytes).ok()
    }
}

fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Turns heading text into an anchor id: lowercase ASCII words joined by dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// What parsing one line did: the scope operations and the parser state after the line.
type ParsedLine = (Vec<(usize, ScopeStackOp)>, ParseState);

/// Lines already parsed, by line text, each with the parser states it was parsed in (parsing
/// is a pure function of the state and the line). Code blocks repeat lines across pages (shared
/// steps, one block per network), and the regexes are the slowest part of highlighting, so each
/// distinct (state, line) is parsed once per thread (with Oniguruma's regexes a parser state
/// holds raw pointers, so it cannot be shared between threads).
#[derive(Default)]
struct LineCache {
    lines: FxHashMap<String, Vec<(ParseState, ParsedLine)>>,
    entries: usize,
}

/// Bounds each thread's cache on very large sites (then lines are parsed as usual).
const LINE_CACHE_MAX: usize = 200_000;

thread_local! {
    static LINE_CACHE: RefCell<LineCache> = RefCell::default();
}

/// Parses `line` from `state` (advancing it), through the line cache.
fn parse_line_cached(
    state: &mut ParseState,
    line: &str,
    ss: &SyntaxSet,
) -> Option<Vec<(usize, ScopeStackOp)>> {
    let known = LINE_CACHE.with_borrow(|cache| {
        (cache.lines.get(line))
            .and_then(|v| v.iter().find(|(s, _)| s == state))
            .map(|(_, (ops, next))| (ops.clone(), next.clone()))
    });
    if let Some((ops, next)) = known {
        *state = next;
        return Some(ops);
    }
    let before = state.clone();
    let ops = state.parse_line(line, ss).ok()?;
    LINE_CACHE.with_borrow_mut(|cache| {
        if cache.entries < LINE_CACHE_MAX {
            cache.entries += 1;
            let entry = (before, (ops.clone(), state.clone()));
            cache.lines.entry(line.to_string()).or_default().push(entry);
        }
    });
    Some(ops)
}

/// Whole code blocks already highlighted, by language, then code: a step's block is the same
/// in every language of the site and on its slides, and each highlighting of it again cost
/// the cached lines' look-ups (parser states compared) and their HTML made anew.
#[derive(Default)]
struct BlockCache {
    blocks: FxHashMap<String, FxHashMap<String, String>>,
    bytes: usize,
}

/// Bounds the block cache's memory (code and HTML); past it, blocks are highlighted as usual.
const BLOCK_CACHE_MAX_BYTES: usize = 64 << 20;

static BLOCK_CACHE: LazyLock<Mutex<BlockCache>> = LazyLock::new(Default::default);

/// Highlights `code` as `lang` ([`highlight_uncached`]), each distinct block once per process.
fn highlight(lang: &str, code: &str) -> String {
    // (looked up by borrowed keys: the code is copied only into the cache, on a miss)
    if let Ok(cache) = BLOCK_CACHE.lock() {
        if let Some(html) = cache.blocks.get(lang).and_then(|b| b.get(code)) {
            return html.clone();
        }
    }
    let html = highlight_uncached(lang, code);
    if let Ok(mut cache) = BLOCK_CACHE.lock() {
        let size = lang.len() + code.len() + html.len();
        if cache.bytes + size <= BLOCK_CACHE_MAX_BYTES {
            let blocks = cache.blocks.entry(lang.to_string()).or_default();
            // (counted once when two threads highlighted the same block)
            if blocks.insert(code.to_string(), html.clone()).is_none() {
                cache.bytes += size;
            }
        }
    }
    html
}

/// Highlights `code` as `lang` into `<span class="hl-...">` HTML (what syntect's
/// `ClassedHTMLGenerator` does, with parsed lines cached).
fn highlight_uncached(lang: &str, code: &str) -> String {
    let ss = syntax_set();
    let syntax = ss
        .find_syntax_by_token(lang)
        .unwrap_or_else(|| ss.find_syntax_plain_text());
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 3);
    let mut open_spans: isize = 0;
    for line in syntect::util::LinesWithEndings::from(code) {
        let Some(ops) = parse_line_cached(&mut state, line, ss) else {
            return html_escape(code);
        };
        match line_tokens_to_classed_spans(line, &ops, HIGHLIGHT_CLASS_STYLE, &mut stack) {
            Ok((formatted, delta)) => {
                open_spans += delta;
                html.push_str(&formatted);
            }
            Err(_) => return html_escape(code),
        }
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    html
}

fn admonition(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Options of one render.
pub struct RenderOptions<'a> {
    /// Renders fenced blocks of special languages (figures); `None` renders them as code.
    pub hook: Option<&'a dyn BlockHook>,
    /// Headings are shifted so the shallowest heading of the text becomes this level (2 on
    /// step pages whose title is the page's `h1`: `##` and `#` both become `h2`, so headings
    /// never skip a level after the title).
    pub min_heading_level: u8,
    /// Cuts the text into slides on the way (each event goes to it): a step's page and its
    /// slides from one parse.
    pub slides: Option<&'a std::cell::RefCell<crate::slides::Cutter>>,
}

impl Default for RenderOptions<'_> {
    fn default() -> Self {
        RenderOptions {
            hook: None,
            min_heading_level: 2,
            slides: None,
        }
    }
}

/// The Markdown extensions of every page (and of the slides cut from a step's text).
pub const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_GFM)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// Renders Markdown to HTML.
pub fn render(text: &str, opts: &RenderOptions) -> Result<Rendered> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |offset: usize| line_starts.partition_point(|&s| s <= offset);

    let mut events: Vec<Event> = Vec::new();
    let mut headings = Vec::new();
    // Each heading's level as written, its inner HTML and where its HTML goes in `events`:
    // the levels are shifted once the shallowest one is known (one parse of the text).
    let mut heading_html: Vec<(u8, String, String, usize)> = Vec::new();
    // Each heading's start and end tags, in order (to find where their levels are written).
    let mut heading_tags: Vec<(String, usize, u8)> = Vec::new();
    let mut used_ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut has_code = false;

    // State of the element being collected.
    let mut heading: Option<(u8, Option<String>, Vec<Event>)> = None;
    let mut code: Option<(String, String, usize)> = None;

    let mut links = Vec::new();
    let mut slides = opts.slides.map(|c| c.borrow_mut());
    for (event, range) in Parser::new_ext(text, OPTIONS).into_offset_iter() {
        if let Some(cutter) = slides.as_mut() {
            cutter.event(&event, range.clone());
        }
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event {
            links.push(Link {
                url: dest_url.to_string(),
                line: line_at(range.start),
            });
        }
        if let Some((lang, buf, line)) = code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, body, line) = (std::mem::take(lang), std::mem::take(buf), *line);
                    code = None;
                    let hooked = opts.hook.and_then(|h| h.render_block(&lang, &body, line));
                    let html = match hooked {
                        Some(result) => result?,
                        None if lang.is_empty() => {
                            format!("<pre><code>{}</code></pre>\n", html_escape(&body))
                        }
                        None => {
                            has_code = true;
                            format!(
                                "<pre class=\"code\"><code class=\"language-{}\">{}</code></pre>\n",
                                html_escape(&lang),
                                highlight(&lang, &body)
                            )
                        }
                    };
                    events.push(Event::Html(CowStr::from(html)));
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, _, buf)) = heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = event {
                let (level, given_id, inner) = heading.take().unwrap_or((2, None, Vec::new()));
                let text: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let base = given_id.unwrap_or_else(|| slugify(&text));
                let n = used_ids.entry(base.clone()).or_insert(0);
                let id = if *n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                };
                *n += 1;
                let mut inner_html = String::new();
                html::push_html(&mut inner_html, inner.into_iter());
                heading_html.push((level, html_escape(&id), inner_html, events.len()));
                events.push(Event::Html(CowStr::Borrowed("")));
                headings.push(Heading { level, id, text });
            } else {
                buf.push(event);
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level_num(level), id.map(|s| s.to_string()), Vec::new()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new(), line_at(range.start)));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = admonition(kind);
                events.push(Event::Html(CowStr::from(format!(
                    "<aside class=\"admonition admonition-{class}\" aria-label=\"{title}\"><p class=\"admonition-title\">{title}</p>\n"
                ))));
            }
            // Wide tables scroll inside a focusable region instead of widening the page.
            Event::Start(Tag::Table(align)) => {
                events.push(Event::Html(CowStr::from(
                    "<div class=\"eg-table\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">\n",
                )));
                events.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html(CowStr::from("</aside>\n")));
            }
            // Raw HTML in content is shown as text, never injected.
            Event::Html(h) | Event::InlineHtml(h) => events.push(Event::Text(h)),
            other => events.push(other),
        }
    }
    // The shallowest heading becomes `min_heading_level`, the others keep their distance.
    let top = headings.iter().map(|h| h.level).min().unwrap_or(1);
    let shift = |level: u8| (level - top + opts.min_heading_level).min(6);
    for h in &mut headings {
        h.level = shift(h.level);
    }
    for (level, id, inner_html, at) in heading_html {
        let level = shift(level);
        let open = format!("<h{level} id=\"{id}\">");
        heading_tags.push((open.clone(), inner_html.len(), level));
        events[at] = Event::Html(CowStr::from(format!("{open}{inner_html}</h{level}>\n")));
    }
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    let level_digits = level_digits(&out, &heading_tags);
    Ok(Rendered {
        html: out,
        headings,
        links,
        has_code,
        level_digits,
    })
}

/// Where the headings' levels are written in `html` (see [`Rendered::level_digits`]): each
/// heading's start tag `open` is found after the previous heading (raw HTML in content is
/// escaped, so only the renderer writes `<hN id="`), its end tag `inner` bytes after it.
fn level_digits(html: &str, tags: &[(String, usize, u8)]) -> Vec<usize> {
    let mut at = Vec::with_capacity(tags.len() * 2);
    let mut from = 0;
    for (open, inner, level) in tags {
        let Some(start) = html.get(from..).and_then(|rest| rest.find(open.as_str())) else {
            break;
        };
        let start = from + start;
        let close = start + open.len() + inner;
        if html.get(close..close + 5) != Some(format!("</h{level}>").as_str()) {
            break;
        }
        at.push(start + 2);
        at.push(close + 3);
        from = close + 5;
    }
    at
}

/// CSS for highlighted code (classes prefixed `hl-`), from a light theme with AA contrast.
pub fn highlight_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    themes
        .themes
        .get("InspiredGitHub")
        .and_then(|t| syntect::html::css_for_theme_with_class_style(t, HIGHLIGHT_CLASS_STYLE).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        render(s, &RenderOptions::default()).unwrap().html
    }

    #[test]
    fn admonitions_and_headings() {
        insta::assert_snapshot!(md(
            "# Sign in\n\n> [!WARNING]\n> Approval can take **1-2 days**.\n\n## Sign in\n"
        ));
    }

    #[test]
    fn tables_and_raw_html_escaped() {
        insta::assert_snapshot!(md(
            "| A | B |\n|---|---|\n| 1 | <b>2</b> |\n\n<script>alert(1)</script>\n"
        ));
    }

    #[test]
    fn cached_highlighting_matches_syntect() {
        let blocks = [
            (
                "yaml",
                "organisation: \"ERN03\"\ncountry: Italy\ncomment: \"a # b\"\nlist:\n  - x\n",
            ),
            ("yaml", "country: Italy\norganisation: \"ERN03\"\n"),
            (
                "rust",
                "fn main() {\n    let s = \"/* not a comment\";\n}\n/* open\ncomment */\n",
            ),
            ("json", "{\"a\": [1, 2, {\"b\": \"c\"}]}\n"),
            ("nosuchlang", "plain <text> & more\n"),
        ];
        // Twice: the second round is served from the line cache (`highlight_uncached`) and
        // from the block cache (`highlight`).
        for _ in 0..2 {
            for (lang, code) in blocks {
                let ss = syntax_set();
                let syntax = ss
                    .find_syntax_by_token(lang)
                    .unwrap_or_else(|| ss.find_syntax_plain_text());
                let mut gen = syntect::html::ClassedHTMLGenerator::new_with_class_style(
                    syntax,
                    ss,
                    HIGHLIGHT_CLASS_STYLE,
                );
                for line in syntect::util::LinesWithEndings::from(code) {
                    gen.parse_html_for_line_which_includes_newline(line)
                        .unwrap();
                }
                let expected = gen.finalize();
                assert_eq!(highlight_uncached(lang, code), expected, "{lang}: {code}");
                assert_eq!(highlight(lang, code), expected, "{lang}: {code}");
            }
        }
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let r = render("```rust\nfn main() {}\n```\n", &RenderOptions::default()).unwrap();
        assert!(r.has_code);
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
        assert!(!r.html.contains("style="), "{}", r.html);
    }

    struct Fig;
    impl BlockHook for Fig {
        fn render_block(&self, lang: &str, body: &str, line: usize) -> Option<Result<String>> {
            (lang == "figure").then(|| {
                Ok(format!(
                    "<figure data-line=\"{line}\">{}</figure>",
                    body.trim()
                ))
            })
        }
    }

    #[test]
    fn hook_gets_line() {
        let r = render(
            "intro\n\n```figure\nsrc: a.png\n```\n",
            &RenderOptions {
                hook: Some(&Fig),
                min_heading_level: 2,
                slides: None,
            },
        )
        .unwrap();
        assert!(
            r.html
                .contains("<figure data-line=\"3\">src: a.png</figure>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn the_shallowest_heading_becomes_the_minimum_level() {
        let levels = |md: &str, min: u8| -> Vec<u8> {
            let opts = RenderOptions {
                hook: None,
                min_heading_level: min,
                slides: None,
            };
            render(md, &opts)
                .unwrap()
                .headings
                .iter()
                .map(|h| h.level)
                .collect()
        };
        assert_eq!(levels("## A\n### B\n## C\n", 2), [2, 3, 2]);
        assert_eq!(levels("# A\n## B\n", 2), [2, 3]);
        assert_eq!(levels("## A\n### B\n", 3), [3, 4]);
        assert_eq!(levels("### A\n###### B\n", 2), [2, 5]);
        assert_eq!(levels("# A\n###### B\n", 3), [3, 6]);
    }

    #[test]
    fn links_keep_their_lines() {
        let r = render(
            "# [Top](#top)\n\nText [a](a.html) and\n![img](i.png \"t\")\n\n- <https://x.org>\n",
            &RenderOptions::default(),
        )
        .unwrap();
        let got: Vec<(&str, usize)> = r.links.iter().map(|l| (l.url.as_str(), l.line)).collect();
        assert_eq!(
            got,
            [
                ("#top", 1),
                ("a.html", 3),
                ("i.png", 4),
                ("https://x.org", 6)
            ]
        );
    }

    #[test]
    fn one_level_down_is_rendering_one_level_deeper() {
        let texts = [
            "# A\n\ntext\n\n## B `code`\n\n### C *em*\n\n#### D\n\n##### E\n\n###### F\n",
            "## Only {#custom}\n\n> [!NOTE]\n> ## Inside\n\n- ### In a list\n",
            "no headings at all\n",
            "```yaml\nkey: <h2 id=\"x\">\n```\n\n## After code\n",
        ];
        for text in texts {
            let at = |min| {
                render(
                    text,
                    &RenderOptions {
                        hook: None,
                        min_heading_level: min,
                        slides: None,
                    },
                )
                .unwrap()
            };
            for min in 1..=5 {
                assert_eq!(
                    at(min).html_one_level_down().as_deref(),
                    Some(at(min + 1).html.as_str()),
                    "{text} at {min}"
                );
            }
        }
    }

    #[test]
    fn duplicate_heading_ids_are_unique() {
        let r = render("# A\n# A\n", &RenderOptions::default()).unwrap();
        assert_eq!(r.headings[0].id, "a");
        assert_eq!(r.headings[1].id, "a-1");
    }

    #[test]
    fn slug() {
        assert_eq!(
            slugify("Step 2: Link your phone!"),
            "step-2-link-your-phone"
        );
        assert_eq!(slugify("Universitätsklinikum"), "universitätsklinikum");
    }
}
