//! A running `ernguide serve` for tests: a child process on a free loopback port, a minimal
//! HTTP/1.1 client and an event-stream reader. Waits are bounded (`WAIT`); nothing asserts on
//! timing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use super::TestSite;

/// The longest any single wait may take before the test gives up (a hang, not a slow machine).
pub const WAIT: Duration = Duration::from_secs(60);

/// A running `ernguide serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(site: &TestSite) -> Server {
        Server::start_with(site, &[])
    }

    /// `serve` with extra arguments.
    pub fn start_with(site: &TestSite, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ernguide"))
            .args(["serve", "--port", "0", "--site"])
            .arg(site.site())
            .arg("--out")
            .arg(site.out())
            .args(extra)
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

    /// The event stream a page at `path` opens, and the page's build version.
    pub fn page_events(&self, path: &str) -> (u64, Events) {
        let version = page_version(&self.get(path).text());
        (version, Events::open(&self.addr, version))
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn get(&self, path: &str) -> Reply {
        request(&self.addr, "GET", path)
    }

    /// Waits until the terminal output contains `needle`.
    pub fn wait_for_log(&self, needle: &str) {
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
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `head` (a whole request, as given) on a new connection and returns everything the
/// server answers until it closes (lossy UTF-8).
pub fn raw(addr: &str, head: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connecting to serve");
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.set_write_timeout(Some(WAIT)).unwrap();
    let _ = s.write_all(head.as_bytes());
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).into_owned()
}

/// A minimal HTTP/1.1 client: one request per connection, the raw `target` as given.
pub fn request(addr: &str, method: &str, target: &str) -> Reply {
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
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Opens the stream as a page showing `version` would, and waits for its `hello`.
    pub fn open(addr: &str, version: u64) -> Events {
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

    /// Reads events until `done(name, data)` holds; fails after [`WAIT`], saying `what` it
    /// waited for.
    pub fn until(&mut self, what: &str, mut done: impl FnMut(&str, &str) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
            let (name, data) = self.next();
            if done(&name, &data) {
                return;
            }
        }
    }

    /// The next event's name and data (comments and `retry:` skipped).
    pub fn next(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        // Keep-alive comments arrive every 15 s: give up on events after WAIT all the same.
        let deadline = Instant::now() + WAIT;
        loop {
            assert!(Instant::now() < deadline, "no event within {WAIT:?}");
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
pub fn page_version(html: &str) -> u64 {
    let i = html.find("data-version=\"").expect("live-reload script") + "data-version=\"".len();
    html[i..].split('"').next().unwrap().parse().unwrap()
}

/// A keep-alive HTTP/1.1 connection: requests one after another on the same socket.
pub struct Conn {
    reader: BufReader<TcpStream>,
    addr: String,
}

impl Conn {
    pub fn open(addr: &str) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(WAIT))?;
        Ok(Conn {
            reader: BufReader::new(stream),
            addr: addr.to_string(),
        })
    }

    /// Sends a GET (keeping the connection open) and reads the whole answer: (status, body).
    pub fn get(&mut self, path: &str) -> std::io::Result<(u16, Vec<u8>)> {
        let addr = &self.addr;
        write!(
            self.reader.get_mut(),
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )?;
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or(std::io::ErrorKind::InvalidData)?;
        let mut len = 0usize;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if line.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.trim().eq_ignore_ascii_case("content-length") {
                    len = v
                        .trim()
                        .parse()
                        .map_err(|_| std::io::ErrorKind::InvalidData)?;
                }
            }
        }
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body)?;
        Ok((status, body))
    }
}

impl Conn {
    /// Waits (at most [`WAIT`]) for the server to close the connection.
    pub fn wait_closed(&mut self) -> bool {
        let mut buf = [0u8; 64];
        match self.reader.read(&mut buf) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

/// A hostile client: pipelines `count` GETs of `path` and never reads an answer. The socket is
/// returned, to be held open as long as the stall should last.
pub fn stall(addr: &str, path: &str, count: usize) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("connecting to serve");
    // The server stops reading once its buffers are full: stop writing then, keep the socket.
    stream
        .set_write_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let one = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    for _ in 0..count {
        if stream.write_all(one.as_bytes()).is_err() {
            break;
        }
    }
    stream
}
