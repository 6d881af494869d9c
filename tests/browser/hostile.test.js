'use strict';
// Issue 11, "data is data", in headless Chromium: a copy of the bundled portal whose data holds
// the security review's hostile values (a network name with a Markdown image, a link, a `"` and
// a figure call-out in it; a link title, a fact and a wording with Markdown and HTML) builds,
// and its pages show the values as text: no request to any other host, no image or link to
// the values' addresses, no extra call-out in the figure.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib');

const T = 240_000;

// The same values as HOSTILE_DATA in tests/inputs.rs: [file, text in it, replacement].
const HOSTILE = [
  [
    'content/networks/ern-rnd/network.yaml',
    'name: "ERN-RND"',
    String.raw`name: "ERN-RND \"Neuro\" ![t](https://evil.example/t.png) [click here](https://evil.example/phish) X\" }\n  - { box: [0, 0, 400, 400], label: \"INJECTED-CALLOUT"`,
  ],
  [
    'content/networks/ern-rnd/network.yaml',
    'comment_hint: "It would be useful',
    String.raw`comment_hint: "\"Quoted\" ![c](https://evil.example/c.png) <img src=https://evil.example/i.png> It would be useful`,
  ],
  [
    'content/data/links.yaml',
    'title: "CPMS login"',
    'title: "CPMS](https://evil.example/p) ![t](https://evil.example/l.png) [login"',
  ],
  [
    'content/data/facts.yaml',
    'text: "In 2024 the CPMS was upgraded to CPMS 2.0."',
    'text: "In 2024 ![f](https://evil.example/f.png) <https://evil.example/a> the CPMS was upgraded to CPMS 2.0."',
  ],
];

// The network name as a reader sees it.
const NAME_SHOWN = 'ERN-RND "Neuro" ![t](https://evil.example/t.png) [click here](https://evil.example/phish) X" } - { box: [0, 0, 400, 400], label: "INJECTED-CALLOUT';

/** A copy of the bundled portal with the hostile values in its data. */
function hostileSite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ernguide-hostile-'));
  const site = path.join(dir, 'site');
  fs.mkdirSync(site);
  fs.copyFileSync(path.join(lib.REPO_ROOT, 'site.toml'), path.join(site, 'site.toml'));
  for (const sub of ['content', 'themes', 'screenshots', 'i18n']) {
    const from = path.join(lib.REPO_ROOT, sub);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(site, sub), { recursive: true });
  }
  for (const [file, from, to] of HOSTILE) {
    const p = path.join(site, file);
    const text = fs.readFileSync(p, 'utf8');
    assert.ok(text.includes(from), `${file} does not contain ${from}`);
    fs.writeFileSync(p, text.replace(from, to));
  }
  return { dir, site };
}

describe('hostile data values stay text in the browser', () => {
  let copy;
  let out;
  let server;
  let browser;
  let guard;

  before(async () => {
    copy = hostileSite();
    // Share the repository's image cache: the figures are the same.
    process.env.ERNGUIDE_CACHE_DIR = process.env.ERNGUIDE_CACHE_DIR || path.join(lib.REPO_ROOT, '.cache');
    out = lib.buildSite({ site: copy.site, out: path.join(copy.dir, 'public') });
    server = await lib.serveDir(out);
    browser = await lib.launchBrowser();
    guard = await lib.guardRequests(browser.context, server.origin);
  }, { timeout: T });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.close();
    if (copy) fs.rmSync(copy.dir, { recursive: true, force: true });
  });

  it('every page of the network loads with no request to another host and no element from the values', { timeout: T }, async () => {
    const pages = lib
      .listHtmlFiles(out)
      .filter((rel) => rel === 'index.html' || rel.startsWith('ern-rnd/') || rel.startsWith('ern-rnd-cpms2/') || rel.startsWith('de/ern-rnd/'));
    assert.ok(pages.length > 20, `pages of the network: ${pages.length}`);
    const page = await browser.newPage();
    let shownOn = 0;
    for (const rel of pages) {
      await page.goto(server.url + rel, { waitUntil: 'load' });
      const found = await page.evaluate(() => {
        const fromValues = (v) => (v || '').includes('evil');
        const bad = [];
        for (const el of document.querySelectorAll('[src], [href], [srcset], [poster], [action], [data]')) {
          for (const a of ['src', 'href', 'srcset', 'poster', 'action', 'data']) {
            if (fromValues(el.getAttribute(a))) bad.push(`<${el.localName} ${a}="${el.getAttribute(a)}">`);
          }
        }
        const callouts = [...document.querySelectorAll('li')].filter((li) => li.textContent.trim().startsWith('INJECTED-CALLOUT'));
        return { bad, callouts: callouts.length, text: document.body.textContent.replace(/\s+/g, ' ') };
      });
      assert.deepEqual(found.bad, [], `${rel}: elements made from data values`);
      assert.equal(found.callouts, 0, `${rel}: a call-out injected through the network name`);
      if (found.text.includes(NAME_SHOWN)) shownOn += 1;
    }
    assert.deepEqual(guard.external, [], guard.report());
    assert.ok(shownOn > 10, `the network name is shown as written on the pages (${shownOn} of ${pages.length})`);
    await page.close();
  });

  it('the SAAS recap figure lists the call-outs of the plain portal, the name inside one label', { timeout: T }, async () => {
    const page = await browser.newPage();
    await page.goto(server.url + 'ern-rnd/request-access/index.html', { waitUntil: 'load' });
    const label = page.getByText(`Write your comment, as ${NAME_SHOWN} asks`, { exact: true });
    await label.waitFor();
    // The label is one item of its figure's list, and the list has no item of its own for
    // the text after the name's `"`.
    const items = await label.evaluate((el) => [...el.closest('ol, ul').children].map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
    assert.deepEqual(items, [`Write your comment, as ${NAME_SHOWN} asks`, 'Click Submit request access']);
    assert.deepEqual(guard.external, [], guard.report());
    await page.close();
  });
});
