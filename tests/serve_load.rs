//! A bounded load test of `ernguide serve` on loopback: 16 clients make 3 200 requests (half on
//! keep-alive connections, half on a new connection each) while 3 hostile clients pipeline
//! requests and never read. Every request must be answered correctly. Latency percentiles are
//! printed, not asserted (measured by `scripts/bench-serve`, run by `scripts/bench`).

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::serve::{request, stall, Conn, Server};
use common::TestSite;

const CLIENTS: usize = 16;
const PER_CLIENT: usize = 200;

#[test]
fn sixteen_clients_and_three_stalling_ones_get_every_answer() {
    let site = TestSite::from_fixture("basic");
    let server = Server::start(&site);
    let paths = [
        ("/", 200),
        ("/demo/", 200),
        ("/demo/create-eu-login/", 200),
        ("/demo/request-access/index.html", 200),
        ("/demo/links/", 200),
        ("/static/site.css", 200),
        ("/missing.html", 404),
    ];
    let stalled: Vec<_> = (0..3)
        .map(|_| stall(&server.addr, "/static/site.css", 3000))
        .collect();
    let errors = Mutex::new(Vec::new());
    let latencies = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            let (addr, errors, latencies) = (&server.addr, &errors, &latencies);
            scope.spawn(move || {
                let keep_alive = client % 2 == 0;
                let mut conn = None;
                let mut mine = Vec::with_capacity(PER_CLIENT);
                for i in 0..PER_CLIENT {
                    let (path, want) = paths[(client * 3 + i) % paths.len()];
                    let start = Instant::now();
                    let got = if keep_alive {
                        if conn.is_none() {
                            conn = Conn::open(addr).ok();
                        }
                        match conn.as_mut().map(|c| c.get(path)) {
                            Some(Ok((status, _))) => Ok(status),
                            Some(Err(e)) => {
                                conn = None;
                                Err(e.to_string())
                            }
                            None => Err("cannot connect".to_string()),
                        }
                    } else {
                        Ok(request(addr, "GET", path).status)
                    };
                    mine.push(start.elapsed());
                    match got {
                        Ok(status) if status == want => {}
                        Ok(status) => errors.lock().unwrap().push(format!("{path}: {status}")),
                        Err(e) => errors.lock().unwrap().push(format!("{path}: {e}")),
                    }
                }
                latencies.lock().unwrap().extend(mine);
            });
        }
    });
    drop(stalled);
    let errors = errors.into_inner().unwrap();
    assert!(
        errors.is_empty(),
        "{} errors: {:?}",
        errors.len(),
        &errors[..errors.len().min(10)]
    );
    let mut l = latencies.into_inner().unwrap();
    assert_eq!(l.len(), CLIENTS * PER_CLIENT);
    l.sort();
    let pct = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "{} requests: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (not a benchmark: see scripts/bench-serve)",
        l.len(),
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(pct(1.0))
    );
}
