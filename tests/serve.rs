//! `ernguide serve` as a child process on a free loopback port: pages, HEAD, 404, path
//! traversal, live reload over server-sent events, the error overlay, and a bounded load test.
//! Waits are bounded (`WAIT`) but nothing asserts on timing.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestSite;

/// The longest any single wait may take before the test gives up (a hang, not a slow machine).
const WAIT: Duration = Duration::from_secs(60);

/// A running `ernguide serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &TestSite) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ernguide"))
            .args(["serve", "--port", "0", "--site"])
            .arg(site.site())
            .arg("--out")
            .arg(site.out())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting ernguide serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        // Ends when the child exits (its stderr closes).
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(i) = line.find("http://") {
                    let url: String = line[i..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string();
                    let _ = tx.send(url);
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            log,
        };
        let url = match rx.recv_timeout(WAIT) {
            Ok(url) => url,
            Err(_) => panic!("serve printed no URL; stderr:\n{}", server.log()),
        };
        server.addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        server
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> Reply {
        request(&self.addr, "GET", path)
    }

    /// Waits until the terminal output contains `needle`.
    fn wait_for_log(&self, needle: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.log().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in serve's output:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.1 client: one request per connection, the raw `target` as given.
fn request(addr: &str, method: &str, target: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connecting to serve");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reading the reply");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// An open `/__ernguide/events` stream.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Opens the stream as a page showing `version` would, and waits for its `hello`.
    fn open(addr: &str, version: u64) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "GET /__ernguide/events?version={version} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-type:") {
                assert!(v.trim().starts_with("text/event-stream"), "{line}");
            }
        }
        let mut events = Events { reader };
        assert_eq!(events.next().0, "hello");
        events
    }

    /// The next event's name and data (comments and `retry:` skipped).
    fn next(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            let n = self
                .reader
                .read_line(&mut line)
                .expect("reading the event stream");
            assert!(n > 0, "the event stream ended");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() {
                    return (name, data);
                }
                continue;
            }
            if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data = v.to_string();
            }
        }
    }
}

/// The version a served page carries in its injected script.
fn page_version(html: &str) -> u64 {
    let i = html.find("data-version=\"").expect("live-reload script") + "data-version=\"".len();
    html[i..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn serves_pages_from_memory_with_types_head_and_404() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    assert!(
        server.addr.starts_with("127.0.0.1:"),
        "binds loopback by default: {}",
        server.addr
    );

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let html = home.text();
    assert!(html.contains("Fixture portal"));
    assert!(
        html.contains("<script src=\"/__ernguide/live.js\""),
        "script injected"
    );
    assert!(html.contains("</script></body>"), "before </body>");

    let step = server.get("/demo/request-access/");
    assert_eq!(step.status, 200);
    assert!(step.text().contains("IT02 - Sample Clinic, Milan"));
    let moved = server.get("/demo/request-access");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("Location"), Some("/demo/request-access/"));

    let css = server.get("/static/site.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert!(
        !css.text().contains("__ernguide"),
        "only HTML gets the script"
    );
    let js = server.get("/__ernguide/live.js");
    assert_eq!(
        js.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(js.text().contains("EventSource"));

    let head = request(&server.addr, "HEAD", "/demo/request-access/index.html");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    let len: usize = head.header("Content-Length").unwrap().parse().unwrap();
    assert_eq!(len, step.body.len());

    let missing = server.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    let text = missing.text();
    assert!(
        text.contains("<base href=\"/\">"),
        "the 404 page's relative links work at any depth"
    );
    assert!(text.contains("__ernguide/live.js"));
    let built_404 = std::fs::read_to_string(site.out().join("404.html")).unwrap();
    let title = built_404
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    assert!(text.contains(title), "the portal's own 404 page");
    let head404 = request(&server.addr, "HEAD", "/nope");
    assert_eq!(head404.status, 404);
    assert!(head404.body.is_empty());

    assert_eq!(request(&server.addr, "POST", "/").status, 405);
    // --out is written too, without the script
    let on_disk = std::fs::read_to_string(site.out().join("index.html")).unwrap();
    assert!(!on_disk.contains("__ernguide"));
}

#[test]
fn build_output_never_contains_the_live_reload_script() {
    let site = TestSite::from_fixture("basic");
    site.build().success();
    for entry in walkdir::WalkDir::new(site.out()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("__ernguide"),
                "{} has the live-reload script",
                entry.path().display()
            );
        }
    }
}

#[test]
fn no_request_reaches_outside_the_output() {
    let site = TestSite::from_fixture("basic");
    std::fs::write(site.dir.path().join("secret.txt"), "TOPSECRET-OUTSIDE").unwrap();
    let server = Server::start(&site);
    // a symlink inside the output folder pointing out of it
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            site.dir.path().join("secret.txt"),
            site.out().join("leak.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink("/etc", site.out().join("etc")).unwrap();
    }
    for target in [
        "/../secret.txt",
        "/../../secret.txt",
        "/../Cargo.toml",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/static/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "///etc/passwd",
        "/etc/passwd",
        "/leak.txt",
        "/etc/hostname",
        "/site/site.toml",
        "/%00/etc/passwd",
        "/%c0%ae%c0%ae/secret.txt",
    ] {
        let reply = request(&server.addr, "GET", target);
        assert!(
            reply.status == 404 || reply.status == 400,
            "{target}: status {} (expected 404 or 400)",
            reply.status
        );
        let body = reply.text();
        assert!(
            !body.contains("TOPSECRET"),
            "{target} leaked a file outside the output"
        );
        assert!(!body.contains("root:"), "{target} leaked /etc/passwd");
        assert!(!body.contains("[package]"), "{target} leaked Cargo.toml");
    }
}

#[test]
fn a_saved_edit_reloads_open_pages_with_the_new_content() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    let page = server.get("/demo/create-eu-login/");
    assert!(page.text().contains("Type your name."));
    let version = page_version(&page.text());
    let mut events = Events::open(&server.addr, version);

    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "Type your name.",
        "Type your full legal name.",
    );
    let (name, data) = events.next();
    assert_eq!(name, "reload", "{data}");
    let page = server.get("/demo/create-eu-login/");
    assert!(page.text().contains("Type your full legal name."));
    assert!(page_version(&page.text()) > version);
    // the step, and its guide's slides and handout
    server.wait_for_log("rebuilt 3 of ");

    // A page opened before a rebuild it did not see reloads as soon as it connects.
    let mut late = Events::open(&server.addr, version);
    assert_eq!(late.next().0, "reload");
}

#[test]
fn a_broken_file_shows_an_overlay_over_the_last_good_page_until_fixed() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    let version = page_version(&server.get("/demo/request-access/").text());
    let mut events = Events::open(&server.addr, version);

    site.edit(
        "content/guides/demo/02-request-access.md",
        "{% include \"request.md\" %}",
        "{{ netwerk.name }}",
    );
    let (name, data) = events.next();
    assert_eq!(name, "build-error", "{data}");
    assert!(
        data.contains("content/guides/demo/02-request-access.md:5"),
        "{data}"
    );

    let page = server.get("/demo/request-access/").text();
    assert!(
        page.contains("IT02 - Sample Clinic, Milan"),
        "the last good page is still served"
    );
    assert!(page.contains("id=\"ernguide-error\""), "overlay");
    assert!(
        page.contains("content/guides/demo/02-request-access.md:5</span>"),
        "file and line"
    );
    assert!(page.contains("netwerk"), "the message names the mistake");
    assert!(
        server.get("/").text().contains("id=\"ernguide-error\""),
        "every page shows it"
    );
    server.wait_for_log("02-request-access.md:5");
    server.wait_for_log("still serving the last good site");

    site.edit(
        "content/guides/demo/02-request-access.md",
        "{{ netwerk.name }}",
        "{{ network.name }} access.",
    );
    let (name, _) = events.next();
    assert_eq!(name, "reload");
    let page = server.get("/demo/request-access/").text();
    assert!(!page.contains("ernguide-error"), "the overlay is gone");
    assert!(page.contains("ERN Demo access."));
    server.wait_for_log("fixed: the site builds again");
}

#[test]
fn many_concurrent_requests_are_all_answered() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    let paths = [
        "/",
        "/demo/",
        "/demo/create-eu-login/",
        "/demo/request-access/index.html",
        "/demo/links/",
        "/static/site.css",
        "/missing.html",
    ];
    let failures = Mutex::new(Vec::new());
    // an open event stream does not hold up the workers
    let _events = Events::open(&server.addr, 0);
    std::thread::scope(|scope| {
        for t in 0..8 {
            let (addr, failures) = (&server.addr, &failures);
            scope.spawn(move || {
                for i in 0..50 {
                    let path = paths[(t * 7 + i) % paths.len()];
                    let reply = request(addr, if i % 5 == 0 { "HEAD" } else { "GET" }, path);
                    let expected = if path == "/missing.html" { 404 } else { 200 };
                    if reply.status != expected {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{path}: {}", reply.status));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn a_site_that_does_not_build_at_start_is_served_once_fixed() {
    let site = TestSite::from_fixture("broken-variable");
    let server = Server::start(&site);
    let first = server.get("/");
    assert_eq!(first.status, 404, "no site yet");
    let text = first.text();
    assert!(
        text.contains("content/guides/demo/02-request-access.md:7</span>"),
        "{text}"
    );
    let mut events = Events::open(&server.addr, page_version(&text));

    let good = common::fixtures().join("basic/content/guides/demo/02-request-access.md");
    site.write(
        "content/guides/demo/02-request-access.md",
        &std::fs::read_to_string(good).unwrap(),
    );
    assert_eq!(events.next().0, "reload");
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(!home.text().contains("ernguide-error"));
    // --out is written after the pages are told to reload
    let deadline = Instant::now() + WAIT;
    while !site.out().join("index.html").is_file() {
        assert!(
            Instant::now() < deadline,
            "--out is written once the site builds"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
