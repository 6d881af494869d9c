'use strict';
// The sandbox config the flow's unit tests run on: the JSON a guide's practice page really gets
// (its `<script id="sbx-data">`), as `ernguide dump-sandbox` prints it, never a config rebuilt
// from the YAML files. Needs the release binary (`cargo build --release`, which scripts/test runs
// first) or ERNGUIDE_BIN.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');

// Parsed once per (site, guide).
const pages = new Map();
function pageConfig(slug, site = REPO) {
  const key = `${site}\n${slug}`;
  if (!pages.has(key)) {
    const bin = process.env.ERNGUIDE_BIN || path.join(REPO, 'target', 'release', 'ernguide');
    pages.set(key, execFileSync(bin, ['dump-sandbox', '--site', site, '--guide', slug], { encoding: 'utf8' }));
  }
  return JSON.parse(pages.get(key));
}

// A copy of the bundled site (site.toml, content/, i18n/) in a temporary folder, made once per
// variant and removed when the tests end, for configs of another date or other data:
//   siteWith({ as_of: '2025-05-01' })
//   siteWith({ edits: { 'content/data/eu_login.yaml': [['shown: a', 'shown: b']] } })
// An edit replaces text in the copy's file; a file the site does not have is started from the
// default theme's data (`themes/default/data/<name>`, e.g. sandbox.yaml). Each text must be there.
const sites = new Map();
const made = [];
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
function siteWith({ as_of, edits = {} } = {}) {
  const key = JSON.stringify({ as_of, edits });
  if (sites.has(key)) return sites.get(key);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ernguide-js-site-'));
  made.push(dir);
  for (const part of ['site.toml', 'content', 'i18n']) {
    fs.cpSync(path.join(REPO, part), path.join(dir, part), { recursive: true });
  }
  if (as_of) edits = { ...edits, 'site.toml': [[/^as_of = .*$/m, `as_of = ${as_of}`], ...(edits['site.toml'] || [])] };
  for (const [rel, pairs] of Object.entries(edits)) {
    const file = path.join(dir, rel);
    const from = fs.existsSync(file) ? file : path.join(REPO, 'themes', 'default', 'data', path.basename(rel));
    let text = fs.readFileSync(from, 'utf8');
    for (const [a, b] of pairs) {
      const next = text.replace(a, b);
      if (next === text) throw new Error(`siteWith: ${rel} has no ${a}`);
      text = next;
    }
    fs.writeFileSync(file, text);
  }
  sites.set(key, dir);
  return dir;
}

module.exports = { REPO, pageConfig, siteWith };
