//! `ernguide serve`: build, then serve the output on this machine.

use std::path::{Component, Path, PathBuf};

use crate::error::{anyhow, Context, Result};
use crate::site::{self, BuildOptions};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site_dir: PathBuf,
    pub out_dir: PathBuf,
    pub bind: String,
    pub port: u16,
}

/// MIME type by file extension.
pub fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Maps a request path to a file inside `root`, or `None` if it would leave it.
pub fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut full = root.join(rel);
    if full.is_dir() {
        full = full.join("index.html");
    }
    // Symlinks pointing out of the output are refused.
    let canon_root = root.canonicalize().ok()?;
    let canon = full.canonicalize().ok()?;
    canon.starts_with(&canon_root).then_some(canon)
}

pub fn serve(opts: &ServeOptions) -> Result<()> {
    let report = site::build(&BuildOptions {
        site_dir: opts.site_dir.clone(),
        out_dir: opts.out_dir.clone(),
    })?;
    eprintln!("built {} pages", report.pages);
    let addr = format!("{}:{}", opts.bind, opts.port);
    let server = tiny_http::Server::http(&addr).map_err(|e| anyhow!("cannot listen on {addr}: {e}"))?;
    let local = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or(addr.clone());
    eprintln!("serving {} on http://{local}/ (Ctrl+C to stop)", opts.out_dir.display());
    let root = opts.out_dir.clone();
    for request in server.incoming_requests() {
        let method = request.method().clone();
        let file = resolve(&root, request.url());
        let (status, path) = match file {
            Some(p) if p.is_file() => (200, p),
            _ => (404, root.join("404.html")),
        };
        let body = std::fs::read(&path).unwrap_or_else(|_| b"Not found".to_vec());
        let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], mime_type(&path).as_bytes())
            .map_err(|_| anyhow!("bad header"))?;
        let len = body.len();
        let mut response = tiny_http::Response::from_data(if method == tiny_http::Method::Head { Vec::new() } else { body })
            .with_status_code(status)
            .with_header(header);
        if method == tiny_http::Method::Head {
            response = response.with_header(
                tiny_http::Header::from_bytes(&b"Content-Length"[..], len.to_string().as_bytes())
                    .map_err(|_| anyhow!("bad header"))?,
            );
        }
        request.respond(response).context("sending a response")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        assert!(resolve(dir.path(), "/").is_some());
        assert!(resolve(dir.path(), "/../etc/passwd").is_none());
        assert!(resolve(dir.path(), "/%2e%2e/etc/passwd").is_none());
        assert!(resolve(dir.path(), "//etc/passwd").is_none());
    }
}
