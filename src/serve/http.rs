//! The HTTP side of `serve`: hyper on a small tokio runtime, one task per connection, answering
//! GET and HEAD from the last good [`crate::output::Output`] in memory.
//!
//! A slow or hostile client only holds its own connection: a connection whose answer cannot be
//! written for [`WRITE_TIMEOUT`] is closed, as is one that sends no complete request header for
//! [`IDLE_TIMEOUT`] (idle keep-alive connections and slowloris alike); request headers are
//! bounded ([`MAX_HEADER_BYTES`]), and so is the number of open connections
//! ([`MAX_CONNECTIONS`]). Answers are built from a snapshot of the site (an `Arc`), so no lock is
//! held while writing. `TCP_NODELAY` is set: a keep-alive answer is sent at once instead of
//! waiting for the client's delayed acknowledgement.
//!
//! tiny_http 0.12, used before, could not do this: its accept loop sets no socket options (no
//! timeouts, no `TCP_NODELAY`), request headers are read without a size limit, and the answers
//! to pipelined requests of one connection go out through a shared sequential writer, so one
//! client that never reads blocks every worker thread.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutStream;

use super::reload::{self, Body, EventStream};
use super::{lookup, mime_type, Lookup, State};
use crate::error::{anyhow, Result};

/// A connection whose answer cannot be written for this long is closed.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection that sends no complete request header for this long (after connecting, or
/// after its last answer) is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request header accepted (hyper answers 431 and closes beyond it).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Open connections at most; more are closed at once.
pub const MAX_CONNECTIONS: usize = 512;

/// Binds `bind:port` and serves `state` on background threads; returns the bound address.
pub(super) fn start(state: Arc<State>, bind: &str, port: u16) -> Result<SocketAddr> {
    let listener = std::net::TcpListener::bind((bind, port))
        .map_err(|e| anyhow!("cannot listen on {bind}:{port}: {e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| anyhow!("cannot listen on {bind}:{port}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| anyhow!("cannot listen on {bind}:{port}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ernguide-http")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| anyhow!("cannot start the server threads: {e}"))?;
    // Only names this machine uses for itself are answered when serving loopback: a page of
    // another site cannot read this one through DNS rebinding.
    let check_host = addr.ip().is_loopback();
    std::thread::Builder::new()
        .name("ernguide-accept".into())
        .spawn(move || {
            if let Err(e) = runtime.block_on(accept_loop(listener, state, check_host)) {
                eprintln!("error: the server stopped: {e}");
            }
        })
        .map_err(|e| anyhow!("cannot start the server threads: {e}"))?;
    Ok(addr)
}

async fn accept_loop(
    listener: std::net::TcpListener,
    state: Arc<State>,
    check_host: bool,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Out of file descriptors, say: wait for connections to close.
                eprintln!("warning: accepting a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue; // too many open connections: this one is closed (dropped)
        };
        let _ = tcp.set_nodelay(true);
        let mut io = TimeoutStream::new(tcp);
        io.set_write_timeout(Some(WRITE_TIMEOUT));
        let io = TokioIo::new(Box::pin(io));
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req: Request<Incoming>| {
                std::future::ready(Ok::<_, Infallible>(handle(&state, &req, check_host)))
            });
            // A client going away or timing out ends its connection; nothing to report.
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(IDLE_TIMEOUT)
                .max_buf_size(MAX_HEADER_BYTES)
                .serve_connection(io, service)
                .await;
            drop(slot);
        });
    }
}

/// Whether a `Host` header names this machine (`localhost`, `127.0.0.1`, `[::1]`, any port).
pub fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn respond(
    method: &Method,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) -> Response<Body> {
    let len = body.len();
    // HEAD: the same headers, no body (the length is the GET answer's).
    let body = if method == Method::HEAD {
        Body::Full(None)
    } else {
        Body::Full(Some(Bytes::from(body)))
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let len = len.to_string();
    let mut headers = vec![
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ];
    if method == Method::HEAD {
        headers.push(("Content-Length", &len));
    }
    for (name, value) in headers.iter().chain(extra) {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(n, v);
        }
    }
    response
}

fn text(method: &Method, status: u16, message: &str, extra: &[(&str, &str)]) -> Response<Body> {
    respond(
        method,
        status,
        "text/plain; charset=utf-8",
        format!("{message}\n").into_bytes(),
        extra,
    )
}

/// Shown when there is no site yet (the first build failed) or it has no 404 page.
const FALLBACK_404: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1><p>There is no page at this address.</p></body></html>\n";

/// Answers one request.
fn handle(state: &State, request: &Request<Incoming>, check_host: bool) -> Response<Body> {
    let method = request.method();
    let host = request
        .headers()
        .get(hyper::header::HOST)
        .map(|h| h.to_str().unwrap_or("?"))
        .or(request.uri().host());
    if check_host && host.is_some_and(|h| !is_local_host(h)) {
        return text(
            method,
            400,
            "unknown host: use http://127.0.0.1/ or http://localhost/",
            &[],
        );
    }
    // The request target as sent: absolute-form (`http://host/x`) and `*` are no site path.
    let uri = request.uri();
    let url = if uri.scheme().is_some() || uri.authority().is_some() {
        uri.to_string()
    } else {
        uri.path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| uri.to_string())
    };
    let path = url.split('?').next().unwrap_or("");
    if path == reload::EVENTS_PATH && method == Method::GET {
        let page_version = url
            .split_once('?')
            .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("version=")))
            .and_then(|v| v.parse().ok());
        let Some(events) = state.hub.subscribe(page_version, || state.current_event()) else {
            return text(method, 503, "too many open pages", &[]);
        };
        let version = state.snapshot().1;
        let mut response = Response::new(Body::Events(Box::new(EventStream::new(events, version))));
        for (name, value) in [
            ("content-type", "text/event-stream; charset=utf-8"),
            ("cache-control", "no-store"),
            ("x-accel-buffering", "no"),
        ] {
            response
                .headers_mut()
                .insert(name, HeaderValue::from_static(value));
        }
        return response;
    }
    if method != Method::GET && method != Method::HEAD {
        return text(method, 405, "method not allowed", &[("Allow", "GET, HEAD")]);
    }
    if path == reload::SCRIPT_PATH {
        return respond(
            method,
            200,
            mime_type(path),
            reload::SCRIPT.as_bytes().to_vec(),
            &[],
        );
    }
    let (output, version, error) = state.snapshot();
    match lookup(&output, &url) {
        Lookup::File(rel) => {
            let bytes = output.get(&rel).unwrap_or_default();
            let body = if rel.ends_with(".html") {
                reload::inject(bytes, version, error.as_ref(), false)
            } else {
                bytes.to_vec()
            };
            respond(method, 200, mime_type(&rel), body, &[])
        }
        Lookup::Redirect(location) => text(
            method,
            301,
            &format!("moved to {location}"),
            &[("Location", &location)],
        ),
        Lookup::BadRequest => text(method, 400, "bad request", &[]),
        Lookup::NotFound => {
            let page = output.get("404.html").unwrap_or(FALLBACK_404.as_bytes());
            let body = reload::inject(page, version, error.as_ref(), true);
            respond(method, 404, mime_type("404.html"), body, &[])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_a_host() {
        for ok in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:1111",
            "app.localhost:1",
            "127.9.9.9:80",
        ] {
            assert!(is_local_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "10.0.0.1:1111",
            "[2001:db8::1]:80",
            "",
        ] {
            assert!(!is_local_host(bad), "{bad}");
        }
    }
}
