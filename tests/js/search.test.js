'use strict';
// The search script (themes/default/static/search.js) on an index the generator really writes
// (the basic fixture, built with the release binary): decoding, prefix and stem matching,
// section anchors, ranking, the cap on results; and its static rules (a classic script that
// works from file://: no fetch, workers or modules; data written as text only).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { REPO } = require('./config');
const lib = require('../browser/lib');

const SCRIPT = fs.readFileSync(path.join(REPO, 'themes/default/static/search.js'), 'utf8');
const code = SCRIPT.replace(/\/\*[\s\S]*?\*\//g, '');

/** The site's index for `lang`, read by search.js's Index. */
function index(out, lang) {
  const page = vm.createContext({ window: {} });
  vm.runInContext(fs.readFileSync(path.join(out, 'search', `${lang}.js`), 'utf8'), page);
  const mod = { exports: {} };
  vm.runInContext(SCRIPT, vm.createContext({ module: mod }));
  return new mod.exports.Index(page.window.__ernSearch[lang]);
}

test('search.js is a classic script with no network and text-only output', () => {
  assert.doesNotMatch(SCRIPT, /^\s*(import|export)\s/m);
  for (const bad of [/fetch\s*\(/, /XMLHttpRequest/, /new Worker/, /import\s*\(/, /innerHTML/, /outerHTML/, /insertAdjacentHTML/, /document\.write/]) {
    assert.doesNotMatch(code, bad, `search.js must not use ${bad}`);
  }
  assert.match(code, /\.textContent = r\.title/);
});

test('finds sections by whole words, prefixes and inflections, with their anchors', () => {
  const out = lib.buildSite({ site: path.join(REPO, 'tests/fixtures/basic') });
  const idx = index(out, 'en');
  const titles = (q) => idx.search(q).map((r) => `${r.title} > ${r.heading} (${r.href})`);
  // The heading of a step's part: its section, at its anchor.
  const confirm = idx.search('confirm e-mail');
  assert.ok(confirm.length >= 1, 'no result for "confirm e-mail"');
  assert.equal(confirm[0].heading, 'Confirm your e-mail', titles('confirm e-mail').join('\n'));
  assert.match(confirm[0].href, /^demo\/create-eu-login\/index\.html#confirm-your-e-mail$/);
  // As the reader types: three letters, then a longer prefix, give the same first hit.
  assert.equal(idx.search('conf ema')[0].href, confirm[0].href);
  assert.equal(idx.search('confirmi')[0].href, confirm[0].href, 'an inflection of the stem "confirm"');
  // A page's top (text before its first heading) links to the page itself.
  const approval = idx.search('approval');
  assert.ok(approval.some((r) => r.title === 'Request access' && r.heading === '' && r.href === 'demo/request-access/index.html'),
    titles('approval').join('\n'));
  // Both parts of the step have "your" (the two neighbouring sections of one run).
  const your = idx.search('your').map((r) => r.heading);
  assert.ok(your.includes('Fill in the form') && your.includes('Confirm your e-mail'), your.join(', '));
  assert.equal(idx.search('zzqx').length, 0);
  assert.equal(idx.search('  ').length, 0);
});

test('a word in every section gives at most ten results, the heading matches first', () => {
  const out = lib.buildSite({ site: path.join(REPO, 'tests/fixtures/basic') });
  const idx = index(out, 'en');
  const all = idx.page.length;
  const many = idx.search('e');
  assert.ok(all > 3, `${all} sections`);
  assert.ok(many.length <= 10);
  // "form" is in the heading "Fill in the form": that section ranks first.
  assert.equal(idx.search('form')[0].heading, 'Fill in the form');
});

test('no result leads to a whole-guide page (the handout or the slides), only to the guide and its steps', () => {
  const out = lib.buildSite({ site: path.join(REPO, 'tests/fixtures/basic') });
  // The handout repeats the guide's introduction and every step: it is built, but not searched.
  assert.ok(fs.existsSync(path.join(out, 'demo/print/index.html')));
  const idx = index(out, 'en');
  const hrefs = new Set();
  for (const term of idx.terms) {
    for (const r of idx.search(term)) hrefs.add(r.href.split('#')[0]);
  }
  assert.ok(hrefs.has('demo/index.html'), [...hrefs].join(', '));
  assert.ok(hrefs.has('demo/request-access/index.html'), [...hrefs].join(', '));
  const whole = [...hrefs].filter((h) => /(^|\/)(print|slides)\//.test(h));
  assert.deepEqual(whole, [], 'results on whole-guide pages');
});
