//! Property test: arbitrary bytes as front matter, Markdown, shared fragments, YAML data and
//! site.toml go through the whole pipeline (load, render, link check, data references, and the
//! incremental rebuild) without a panic. Deterministic (a fixed xorshift seed), bounded to a few
//! seconds; a failure prints the file and the input that panicked. For a longer run:
//! `ERNGUIDE_FUZZ_SECS=300 ERNGUIDE_FUZZ_SEED=7 cargo test --test fuzz -- --nocapture`.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::TestSite;
use ernguide::incremental::Site;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces that mean something to one of the parsers, to reach deeper than random bytes do.
const TOKENS: &[&str] = &[
    "---\n",
    "\n",
    "\r\n",
    ": ",
    "- ",
    "  ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "<<: *a\n",
    "? ",
    "|\n",
    ">-\n",
    "title: ",
    "reviewed: 2026-01-01\n",
    "slug: ",
    "sandbox: eul-create\n",
    "network: demo\n",
    "system: cpms2\n",
    "order: 99999999999999999999\n",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "{{ network.name }}",
    "{% include \"request.md\" %}",
    "{% include \"request.md\" %}",
    "{{ link(\"saas\").url }}",
    "{% if offered(\"sms\") %}",
    "{% endif %}",
    "{% for x in data.erns %}",
    "{% endfor %}",
    "{{ step_url(\"request-access\") }}",
    "{{ institution(\"IT01\").name }}",
    "{{ 1/0 }}",
    "{{ x|unknown }}",
    "# ",
    "## Heading {#id}\n",
    "> [!NOTE]\n> ",
    "```\n",
    "```rust\nfn main() {}\n```\n",
    "```figure\nsrc: x.png\nalt: x\n```\n",
    "| a | b |\n|---|---|\n",
    "[^1]",
    "[^1]: note\n",
    "~~",
    "**",
    "_",
    "`",
    "<script>",
    "</div>",
    "&amp;",
    "&#0;",
    "![alt](../x.png)",
    "[link](../nope/index.html)",
    "[mail](mailto:x)",
    "(https://x y)",
    "\u{feff}",
    "é",
    "\u{202e}",
    "\0",
    "\u{7f}",
    "[[[[[[[[",
    "]]]]]]]]",
    "{{{{{{",
    "- - - - -",
    "title = \"x\"\n",
    "as_of = 2026-02-30\n",
    "[[contacts]]\n",
    "id: demo\n",
    "ern: DEMO\n",
    "code: \"IT01\"\n",
];

fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let random_bytes =
        |rng: &mut Rng, n: usize| -> Vec<u8> { (0..n).map(|_| rng.next() as u8).collect() };
    match rng.below(5) {
        // pure noise
        0 => {
            let n = rng.below(300);
            random_bytes(rng, n)
        }
        // tokens only
        1 => (0..rng.below(60))
            .flat_map(|_| TOKENS[rng.below(TOKENS.len())].bytes())
            .collect(),
        // the original, cut short
        2 => original[..rng.below(original.len() + 1)].to_vec(),
        // the original with splices of tokens and bytes
        _ => {
            let mut v = original.to_vec();
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(v.len() + 1);
                let insert: Vec<u8> = if rng.below(3) == 0 {
                    let n = 1 + rng.below(4);
                    random_bytes(rng, n)
                } else {
                    TOKENS[rng.below(TOKENS.len())].bytes().collect()
                };
                if rng.below(4) == 0 && at < v.len() {
                    // replace instead of insert
                    let end = (at + insert.len()).min(v.len());
                    v.splice(at..end, insert);
                } else {
                    v.splice(at..at, insert);
                }
            }
            v
        }
    }
}

#[test]
fn arbitrary_sources_never_panic() {
    let t = TestSite::from_fixture("basic");
    let targets: Vec<PathBuf> = [
        "content/guides/demo/02-request-access.md",
        "content/guides/demo/01-create-eu-login.md",
        "content/guides/demo/_index.md",
        "content/shared/request.md",
        "content/networks/demo/network.yaml",
        "content/data/eu_login.yaml",
        "content/data/links.yaml",
        "content/data/erns.yaml",
        "content/data/profiles.yaml",
        "site.toml",
    ]
    .iter()
    .map(|r| t.path(r))
    .collect();
    let originals: Vec<Vec<u8>> = targets.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let mut site = Site::load(&t.site()).expect("the basic fixture builds");

    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let secs = env("ERNGUIDE_FUZZ_SECS").unwrap_or(4);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15
        ^ env("ERNGUIDE_FUZZ_SEED")
            .unwrap_or(0)
            .wrapping_mul(0x1000_0000_01b3));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let max_runs = if secs > 4 { u64::MAX } else { 5000 };
    let mut runs: u64 = 0;
    while runs < max_runs && Instant::now() < deadline {
        let which = rng.below(targets.len());
        let input = mutate(&mut rng, &originals[which]);
        std::fs::write(&targets[which], &input).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if runs.is_multiple_of(2) {
                // check: load + data references + render + every link + dated content
                let _ = ernguide::check::check(&t.site());
            } else {
                // serve's path: rebuild the changed file, then rebuild it restored
                let _ = site.rebuild(std::slice::from_ref(&targets[which]));
            }
        }));
        if outcome.is_err() {
            panic!(
                "run {runs}: a panic with {} =\n{:?}",
                targets[which].display(),
                String::from_utf8_lossy(&input)
            );
        }
        std::fs::write(&targets[which], &originals[which]).unwrap();
        if !runs.is_multiple_of(2) {
            let restored = catch_unwind(AssertUnwindSafe(|| {
                site.rebuild(std::slice::from_ref(&targets[which]))
            }));
            match restored {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => panic!(
                    "run {runs}: restoring {} did not rebuild: {e:#}",
                    targets[which].display()
                ),
                Err(_) => panic!(
                    "run {runs}: restoring {} panicked",
                    targets[which].display()
                ),
            }
        }
        runs += 1;
    }
    assert!(runs > 0);
    eprintln!("{runs} inputs, no panic");
}
