//! `ernguide serve` as a child process on a free loopback port: pages, HEAD, 404, path
//! traversal, live reload over server-sent events, the error overlay, hostile clients (stalling
//! readers, huge headers, idle connections, foreign Host names) and the watcher after a folder
//! moves. Waits are bounded (`WAIT`) but nothing asserts on timing.

mod common;

use std::io::Read;
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::serve::{page_version, raw, request, Events, Server, WAIT};
use common::TestSite;

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
    assert!(server
        .get("/demo/create-eu-login/")
        .text()
        .contains("Type your name."));
    let (version, mut events) = server.page_events("/demo/create-eu-login/");

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
    let (_, mut events) = server.page_events("/demo/request-access/");

    site.edit_request_step("{{ netwerk.name }}");
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

#[test]
fn clients_that_never_read_do_not_delay_the_others() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    // Three connections each pipelining requests for the largest file and reading nothing:
    // the old server's workers all waited on them until they closed.
    let stalled: Vec<TcpStream> = (0..3)
        .map(|_| common::serve::stall(&server.addr, "/static/site.css", 3000))
        .collect();
    for _ in 0..20 {
        let reply = server.get("/demo/");
        assert_eq!(reply.status, 200);
    }
    let mut conn = common::serve::Conn::open(&server.addr).unwrap();
    for _ in 0..20 {
        assert_eq!(conn.get("/static/site.css").unwrap().0, 200);
    }
    // A stalled connection is closed after the write timeout (it reads EOF or a reset).
    let mut first = stalled.into_iter().next().unwrap();
    first.set_read_timeout(Some(WAIT)).unwrap();
    let mut sink = vec![0; 1 << 20];
    let deadline = Instant::now() + WAIT;
    loop {
        match first.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        // Reading drains what was written before the stall; the server must still close.
        assert!(
            Instant::now() < deadline,
            "the stalled connection stays open"
        );
        std::thread::sleep(Duration::from_millis(200));
        let mut probe = [0u8; 1];
        first.set_nonblocking(true).unwrap();
        let closed = matches!(first.read(&mut probe), Ok(0));
        first.set_nonblocking(false).unwrap();
        if closed {
            break;
        }
    }
}

#[test]
fn huge_headers_are_refused_and_idle_connections_closed() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    // A 1 MB header: refused (431) or the connection closed, never answered with the page.
    let filler = "a".repeat(1 << 20);
    let reply = raw(
        &server.addr,
        &format!(
            "GET / HTTP/1.1\r\nHost: {}\r\nX-Filler: {filler}\r\n\r\n",
            server.addr
        ),
    );
    assert!(
        !reply.starts_with("HTTP/1.1 200"),
        "a 1 MB header was accepted: {}",
        reply.lines().next().unwrap_or("")
    );

    // A connection that sends nothing is closed by the server.
    let mut idle = TcpStream::connect(&server.addr).unwrap();
    idle.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = [0u8; 64];
    let got = idle.read(&mut buf);
    assert!(
        matches!(got, Ok(0))
            || matches!(&got, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
        "an idle connection was not closed: {got:?}"
    );

    // So is a keep-alive connection after its last answer.
    let mut conn = common::serve::Conn::open(&server.addr).unwrap();
    assert_eq!(conn.get("/").unwrap().0, 200);
    assert_eq!(conn.get("/demo/").unwrap().0, 200, "keep-alive works");
    assert!(
        conn.wait_closed(),
        "an idle keep-alive connection stays open"
    );
}

fn get_with_host(host: &str) -> String {
    format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

#[test]
fn only_this_machine_s_names_are_answered() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    for host in [
        "evil.example",
        "evil.example:1111",
        "localhost.evil.example",
    ] {
        let raw = raw(&server.addr, &get_with_host(host));
        assert!(
            raw.starts_with("HTTP/1.1 400"),
            "{host}: {}",
            raw.lines().next().unwrap_or("")
        );
        assert!(!raw.contains("Fixture portal"), "{host} got the page");
    }
    let port = server.addr.rsplit(':').next().unwrap();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let raw = raw(&server.addr, &get_with_host(&host));
        assert!(raw.starts_with("HTTP/1.1 200"), "{host}: {raw}");
    }
}

#[test]
fn the_watcher_follows_content_moved_away_and_back() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    let (_, mut events) = server.page_events("/demo/create-eu-login/");
    let content = site.path("content");
    let moved = site.path("content.moved");
    // Moved away: the site has no sources (an error, or an empty site) ...
    std::fs::rename(&content, &moved).unwrap();
    events.next();
    // ... and back: it builds again.
    std::fs::rename(&moved, &content).unwrap();
    events.until("a rebuild after moving back", |name, _| {
        name == "reload" && !server.get("/").text().contains("ernguide-error")
    });
    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "Type your name.",
        "Type your name after the move.",
    );
    let deadline = Instant::now() + WAIT;
    while !server
        .get("/demo/create-eu-login/")
        .text()
        .contains("after the move")
    {
        assert!(
            Instant::now() < deadline,
            "an edit after the move was not seen:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_included_fifo_shows_the_overlay_instead_of_freezing_the_rebuilds() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    let (_, mut events) = server.page_events("/demo/request-access/");
    site.mkfifo("content/shared/pipe.md")
        .edit_request_step("{% include \"pipe.md\" %}");
    events.until("an error event for the FIFO", |name, data| {
        name == "build-error" && data.contains("pipe.md")
    });
    // The loop still runs: a fix is built.
    std::fs::remove_file(site.path("content/shared/pipe.md")).unwrap();
    site.edit(
        "content/guides/demo/02-request-access.md",
        "{% include \"pipe.md\" %}",
        "{% include \"request.md\" %} Fixed.",
    );
    events.until("the fix built", |name, _| {
        name == "reload"
            && server
                .get("/demo/request-access/")
                .text()
                .contains("Fixed.")
    });
}
