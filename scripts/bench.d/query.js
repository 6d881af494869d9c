'use strict';
/*
 * Search query time in Chromium (issue 14: a query answers in under 30 ms on the benchmark
 * corpus). Called by bench.py on a built site:
 *
 *   node scripts/bench.d/query.js <built site> <lang>...
 *
 * For each language it opens that language's home page from file:// in headless Debian
 * Chromium (tests/browser/lib.js), focuses the search box (which loads search/<lang>.js),
 * and times inside the page the index's load (from that focus to the first answer: script
 * parsed, index decoded) and each query: from setting the box's text and firing its `input`
 * event to the listbox laid out (the handler searches and renders synchronously).
 * Queries are words of the home page's own text (whole words and their first three letters,
 * the prefix match being the widest), each run 5 times after one untimed run.
 * Prints one JSON object: {<lang>: {queries, median_ms, p95_ms, max_ms, load_ms, results}}.
 */

const path = require('node:path');
const lib = require('../../tests/browser/lib');

async function measure(page, url) {
  await page.goto(url);
  // Index load: from the first focus (which adds the script) to the first answer of a query
  // typed before it loaded (script parsed and index decoded), timed inside the page.
  const loadMs = await page.evaluate(() => new Promise((resolve) => {
    const box = document.querySelector('.eg-search');
    const input = box.querySelector('input');
    const status = box.querySelector('[role=status]');
    const t0 = performance.now();
    const seen = new MutationObserver(() => {
      const t = status.textContent;
      if (t !== '' && t !== box.getAttribute('data-loading')) {
        seen.disconnect();
        resolve(performance.now() - t0);
      }
    });
    seen.observe(status, { childList: true, characterData: true, subtree: true });
    input.value = 'zz';
    input.focus();
  }));
  return page.evaluate(() => {
    const input = document.querySelector('#eg-search-input');
    const status = document.querySelector('.eg-search [role=status]');
    const list = document.querySelector('.eg-search [role=listbox]');
    const text = document.querySelector('main').textContent;
    const words = [...new Set(text.split(/[^\p{L}]+/u).filter((w) => w.length >= 5))].slice(0, 40);
    const queries = [];
    for (const w of words) queries.push(w.toLowerCase(), w.slice(0, 3).toLowerCase());
    const one = (q) => {
      input.value = q;
      const t = performance.now();
      input.dispatchEvent(new Event('input', { bubbles: true }));
      // Rendered: the listbox laid out.
      void list.getBoundingClientRect().height;
      return performance.now() - t;
    };
    const times = [];
    let results = 0;
    for (const q of queries) {
      one(q);
      for (let i = 0; i < 5; i++) times.push(one(q));
      results += document.querySelectorAll('#eg-search-results [role=option]').length;
    }
    times.sort((a, b) => a - b);
    const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
    return {
      queries: queries.length,
      median_ms: at(0.5),
      p95_ms: at(0.95),
      max_ms: times[times.length - 1],
      results,
      status: status.textContent,
    };
  }).then((r) => Object.assign(r, { load_ms: Math.round(loadMs) }));
}

async function main() {
  const [site, ...langs] = process.argv.slice(2);
  const browser = await lib.launchBrowser();
  const out = {};
  try {
    const page = await browser.newPage();
    for (const lang of langs) {
      const home = lang === 'en' ? 'index.html' : `${lang}/index.html`;
      out[lang] = await measure(page, lib.fileUrl(path.resolve(site, home)));
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`query timing failed: ${e.stack || e}\n`);
  process.exit(1);
});
