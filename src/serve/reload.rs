//! Live reload: the script injected into served pages, the error overlay, and the Server-Sent
//! Events stream (`/__ernguide/events`) that tells open pages to reload.
//!
//! Every page carries the version of the site it shows. A stream opened with an older version
//! gets a `reload` at once (so a rebuild between loading a page and connecting is not missed);
//! after that, each rebuild sends `reload` (or `build-error`) to every open stream. The client
//! reloads on both: the server injects the overlay into pages while the last rebuild failed.

use std::convert::Infallible;
use std::path::Path;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Frame};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::error::source_error;
use crate::templates::html_escape;

pub const EVENTS_PATH: &str = "/__ernguide/events";
pub const SCRIPT_PATH: &str = "/__ernguide/live.js";
/// The client script (served at [`SCRIPT_PATH`]).
pub const SCRIPT: &str = include_str!("live.js");

/// Open event streams at most.
const MAX_CLIENTS: usize = 64;
/// A comment is sent this often, so a closed page's stream is noticed and ended.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A failed rebuild, as the overlay and the terminal show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// `file:line` relative to the site folder (`file` alone when the whole file is meant;
    /// empty when the error has no file).
    pub location: String,
    pub message: String,
    /// What was being done (`rendering content/guides/...`), innermost last.
    pub context: Vec<String>,
}

impl BuildError {
    pub fn new(err: &anyhow::Error, site_dir: &Path) -> BuildError {
        match source_error(err) {
            Some(se) => {
                let file = se
                    .file
                    .strip_prefix(site_dir)
                    .unwrap_or(&se.file)
                    .display()
                    .to_string();
                let location = if se.line > 0 {
                    format!("{file}:{}", se.line)
                } else {
                    file
                };
                let context = err
                    .chain()
                    .filter(|c| c.downcast_ref::<crate::error::SourceError>().is_none())
                    .map(|c| c.to_string())
                    .filter(|t| !t.is_empty() && !se.to_string().contains(t.as_str()))
                    .collect();
                BuildError {
                    location,
                    message: se.message.clone(),
                    context,
                }
            }
            None => BuildError {
                location: String::new(),
                message: err.to_string(),
                context: err.chain().skip(1).map(|c| c.to_string()).collect(),
            },
        }
    }
}

/// The overlay shown over the last good page while the site does not build.
pub fn overlay_html(err: &BuildError) -> String {
    let context: String = err
        .context
        .iter()
        .map(|c| format!("\n  while {}", html_escape(c)))
        .collect();
    let location = if err.location.is_empty() {
        String::new()
    } else {
        format!(
            "<span class=\"ernguide-error-location\" style=\"font-weight:700\">{}</span>: ",
            html_escape(&err.location)
        )
    };
    format!(
        concat!(
            "<div id=\"ernguide-error\" role=\"alert\" style=\"position:fixed;z-index:2147483647;left:0;right:0;bottom:0;",
            "max-height:60vh;overflow:auto;box-sizing:border-box;margin:0;padding:1rem 1.25rem;background:#fff5f5;",
            "color:#4a0000;border-top:4px solid #b3001b;box-shadow:0 -4px 16px rgba(0,0,0,.25);",
            "font:15px/1.5 system-ui,sans-serif;text-align:left\">",
            "<p style=\"margin:0 0 .5rem;font-weight:700\">The site does not build. ",
            "This page is from the last version that did.</p>",
            "<pre style=\"margin:0 0 .5rem;white-space:pre-wrap;overflow-wrap:anywhere;",
            "font:14px/1.45 ui-monospace,monospace;color:inherit;background:none\"><code>{location}",
            "<span class=\"ernguide-error-message\">{message}</span>{context}</code></pre>",
            "<p style=\"margin:0\">Fix the file and save it: this page reloads by itself. ",
            "<button type=\"button\" data-ernguide-dismiss style=\"font:inherit\">Hide</button></p></div>"
        ),
        location = location,
        message = html_escape(&err.message),
        context = context,
    )
}

/// Adds the live-reload script (and the overlay, if the last rebuild failed) before `</body>`,
/// and `<base href="/">` after `<head>` when `base_root` (a page answered at another path, such as
/// the 404 page, whose links are relative to the site root).
pub fn inject(html: &[u8], version: u64, error: Option<&BuildError>, base_root: bool) -> Vec<u8> {
    let mut tail = String::new();
    if let Some(err) = error {
        tail.push_str(&overlay_html(err));
    }
    tail.push_str(&format!(
        "<script src=\"{SCRIPT_PATH}\" data-version=\"{version}\"></script>"
    ));
    let mut out = Vec::with_capacity(html.len() + tail.len() + 32);
    let head_end = if base_root {
        find_ascii_ci(html, b"<head>", false).map(|i| i + b"<head>".len())
    } else {
        None
    };
    let body_end = find_ascii_ci(html, b"</body>", true).unwrap_or(html.len());
    match head_end.filter(|h| *h <= body_end) {
        Some(h) => {
            out.extend_from_slice(&html[..h]);
            out.extend_from_slice(b"<base href=\"/\">");
            out.extend_from_slice(&html[h..body_end]);
        }
        None if base_root => {
            out.extend_from_slice(b"<base href=\"/\">");
            out.extend_from_slice(&html[..body_end]);
        }
        None => out.extend_from_slice(&html[..body_end]),
    }
    out.extend_from_slice(tail.as_bytes());
    out.extend_from_slice(&html[body_end..]);
    out
}

/// Position of `needle` (ASCII, lowercase) in `hay`, ignoring ASCII case; the last one if `last`.
fn find_ascii_ci(hay: &[u8], needle: &[u8], last: bool) -> Option<usize> {
    let mut positions = hay
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| w.eq_ignore_ascii_case(needle))
        .map(|(i, _)| i);
    if last {
        positions.next_back()
    } else {
        positions.next()
    }
}

/// What open pages are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The site was rebuilt.
    Reload { version: u64 },
    /// A rebuild failed; pages show the error.
    BuildError { version: u64, error: BuildError },
}

impl Event {
    /// The event in `text/event-stream` form.
    pub fn to_sse(&self) -> String {
        match self {
            Event::Reload { version } => {
                format!(
                    "event: reload\ndata: {}\n\n",
                    serde_json::json!({ "version": version })
                )
            }
            Event::BuildError { version, error } => format!(
                "event: build-error\ndata: {}\n\n",
                serde_json::json!({
                    "version": version,
                    "location": error.location,
                    "message": error.message,
                })
            ),
        }
    }
}

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<UnboundedSender<Event>>>,
}

impl Hub {
    /// Sends `event` to every open stream (and forgets the closed ones).
    pub fn broadcast(&self, event: &Event) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(event.clone()).is_ok());
    }

    /// Opens a stream for a page showing `page_version` of the site, now at `current` (read
    /// under the hub's lock by `current`, so no rebuild falls between the check and the
    /// subscription). `None` when too many streams are open.
    pub fn subscribe(
        &self,
        page_version: Option<u64>,
        current: impl FnOnce() -> Event,
    ) -> Option<UnboundedReceiver<Event>> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= MAX_CLIENTS {
            clients.retain(|c| !c.is_closed());
            if clients.len() >= MAX_CLIENTS {
                return None;
            }
        }
        let (tx, rx) = unbounded_channel();
        let now = current();
        let (Event::Reload {
            version: now_version,
        }
        | Event::BuildError {
            version: now_version,
            ..
        }) = &now;
        if page_version.is_some_and(|v| v != *now_version) {
            // The page is out of date: it reloads at once.
            let _ = tx.send(now);
        }
        clients.push(tx);
        Some(rx)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }
}

/// The body of an event stream: a `hello` first, then each event as it comes, and a comment
/// every [`KEEP_ALIVE`] so a closed page's stream is noticed. It lives as long as the page's
/// connection: when that closes, the receiver is dropped and the hub forgets it.
pub struct EventStream {
    head: Option<Bytes>,
    events: UnboundedReceiver<Event>,
    ping: tokio::time::Interval,
}

impl EventStream {
    /// A stream for a page at `version` (must be created inside the server's runtime).
    pub fn new(events: UnboundedReceiver<Event>, version: u64) -> EventStream {
        let head = format!(
            "retry: 1000\n\nevent: hello\ndata: {}\n\n",
            serde_json::json!({ "version": version })
        );
        EventStream {
            head: Some(Bytes::from(head)),
            events,
            ping: tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE),
        }
    }

    pub fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(head));
        }
        match self.events.poll_recv(cx) {
            Poll::Ready(Some(event)) => {
                self.ping.reset();
                return Poll::Ready(Some(Bytes::from(event.to_sse())));
            }
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        match self.ping.poll_tick(cx) {
            Poll::Ready(_) => Poll::Ready(Some(Bytes::from_static(b": keep-alive\n\n"))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A response body: whole bytes, or an event stream.
pub enum Body {
    Full(Option<Bytes>),
    Events(Box<EventStream>),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Events(stream) => stream.poll_chunk(cx).map(|c| c.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            Body::Full(bytes) => {
                hyper::body::SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Body::Events(_) => hyper::body::SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err() -> BuildError {
        BuildError {
            location: "content/guides/demo/02-request-access.md:5".into(),
            message: "unknown variable `<script>alert(1)</script>`".into(),
            context: vec!["rendering <page>".into()],
        }
    }

    #[test]
    fn injects_before_body_end_and_escapes_the_error() {
        let html = b"<html><head><title>x</title></head><body><p>old</p></BODY></html>";
        let out = String::from_utf8(inject(html, 7, Some(&err()), false)).unwrap();
        assert!(
            out.starts_with(
                "<html><head><title>x</title></head><body><p>old</p><div id=\"ernguide-error\""
            ),
            "{out}"
        );
        assert!(
            out.ends_with("data-version=\"7\"></script></BODY></html>"),
            "{out}"
        );
        assert!(out.contains("02-request-access.md:5</span>"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(!out.contains("<script>alert"), "{out}");
        assert!(out.contains("while rendering &lt;page&gt;"), "{out}");
        assert!(!out.contains("<base"), "{out}");
    }

    #[test]
    fn injects_base_for_pages_answered_elsewhere() {
        let out =
            String::from_utf8(inject(b"<head><meta></head><body>x</body>", 1, None, true)).unwrap();
        assert!(out.starts_with("<head><base href=\"/\"><meta>"), "{out}");
        assert!(!out.contains("ernguide-error"), "{out}");
        let bare = String::from_utf8(inject(b"no markup", 1, None, false)).unwrap();
        assert!(bare.starts_with("no markup<script"), "{bare}");
    }

    #[test]
    fn stale_pages_reload_on_subscribe() {
        let hub = Hub::default();
        let mut rx = hub
            .subscribe(Some(3), || Event::Reload { version: 4 })
            .unwrap();
        assert_eq!(rx.try_recv().ok(), Some(Event::Reload { version: 4 }));
        let mut rx2 = hub
            .subscribe(Some(4), || Event::Reload { version: 4 })
            .unwrap();
        assert!(rx2.try_recv().is_err());
        hub.broadcast(&Event::Reload { version: 5 });
        assert_eq!(rx2.try_recv().ok(), Some(Event::Reload { version: 5 }));
        drop(rx);
        hub.broadcast(&Event::Reload { version: 6 });
        assert_eq!(hub.len(), 1);
    }

    #[test]
    fn sse_format() {
        let e = Event::BuildError {
            version: 2,
            error: err(),
        };
        let s = e.to_sse();
        assert!(s.starts_with("event: build-error\ndata: {"), "{s}");
        assert!(s.ends_with("}\n\n"), "{s}");
        assert_eq!(s.matches('\n').count(), 3, "data must be one line: {s}");
    }
}
