'use strict';
// Static checks of the sandbox's shipped files: classic scripts, no DOM in the flow, nothing that
// could send data anywhere, data written as text.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { REPO } = require('./config');

const dir = path.join(REPO, 'themes/default/static/sandbox');
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
// the code without its comments
const code = (src) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\{#[\s\S]*?#\}/g, '');
const templates = () => {
  const tdir = path.join(REPO, 'themes/default/templates');
  return ['sandbox.html', ...fs.readdirSync(path.join(tdir, 'sandbox')).map((f) => `sandbox/${f}`)]
    .map((f) => [f, fs.readFileSync(path.join(tdir, f), 'utf8')]);
};

test('flow.js loads as a classic script (no module, no DOM) and exposes ErnSandboxFlow', () => {
  const ctx = vm.createContext({});
  vm.runInContext(read('flow.js'), ctx);
  assert.equal(typeof ctx.ErnSandboxFlow.transition, 'function');
  assert.equal(typeof ctx.ErnSandboxFlow.initialState, 'function');
  const src = code(read('flow.js'));
  assert.doesNotMatch(src, /\b(document|window|localStorage|sessionStorage|location)\b/, 'flow.js is pure');
  for (const f of ['flow.js', 'flow-saas.js', 'flow-cpms2.js', 'sandbox.js']) assert.doesNotMatch(read(f), /^\s*(import|export)\s/m, `${f}: no ES module syntax`);
});

test('sandbox.js: one instance per call, no network, data as text only', () => {
  const src = code(read('sandbox.js'));
  assert.match(src, /function createSandbox\(root, config\)/);
  for (const bad of [/fetch\s*\(/, /XMLHttpRequest/, /sendBeacon/, /WebSocket/, /innerHTML/, /outerHTML/, /insertAdjacentHTML/, /document\.write/, /\.submit\(/]) {
    assert.doesNotMatch(src, bad, `sandbox.js must not use ${bad}`);
  }
  // teardown itself is tested in the browser (tests/browser/sandbox.test.js: destroy() leaves a dead page)
});

test('no literal space inside a regular expression (the generator\'s JS minifier would drop it: write \\x20)', () => {
  for (const f of ['flow.js', 'flow-saas.js', 'flow-cpms2.js', 'sandbox.js']) {
    for (const line of code(read(f)).split('\n')) {
      // a regex literal after ( , = : ! & | ? { } ; or return
      for (const m of line.matchAll(/(?:[(,=:!&|?{};]|return)\s*\/((?:\\.|\[(?:\\.|[^\]\\])*\]|[^/\\\[\n])+)\/[gimsuy]*/g)) {
        assert.doesNotMatch(m[1], / /, `${f}: ${line.trim()}`);
      }
    }
  }
});

test('templates: no <form>, no external script, password fields kept from password managers', () => {
  for (const [name, raw] of templates()) {
    const t = code(raw);
    assert.doesNotMatch(t, /<form[\s>]/i, `${name}: no <form>`);
    assert.doesNotMatch(t, /type="module"/, `${name}: classic scripts only`);
    assert.doesNotMatch(t, /<script[^>]+src="https?:/, `${name}: no external script`);
    assert.doesNotMatch(t, /\|\s*safe\b/, `${name}: nothing printed unescaped`);
  }
  // sandbox.js gives every field autocomplete="off" (unless the template set one) and every
  // password field the password managers' "ignore" attributes (kept out of the page's HTML)
  const macros = templates().find(([n]) => n === 'sandbox/macros.html')[1];
  assert.match(macros, /autocomplete="new-password"/);
  const js = code(read('sandbox.js'));
  assert.match(js, /if \(!f\.hasAttribute\('autocomplete'\)\) f\.setAttribute\('autocomplete', 'off'\)/);
  assert.match(js, /if \(f\.type === 'password'\) \['data-lpignore', 'data-1p-ignore', 'data-bwignore'\]\.forEach/);
  assert.match(templates().find(([n]) => n === 'sandbox.html')[1], /<script type="application\/json" id="sbx-data">/);
});

test('CSS classes are namespaced sbx-', () => {
  const css = read('sandbox.css');
  const classes = css.match(/\.[a-zA-Z][\w-]*/g) || [];
  for (const c of classes) assert.match(c, /^\.sbx(-|$)/, c);
});
