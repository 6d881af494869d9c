#!/usr/bin/env node
'use strict';
/*
 * Captures the practice sandbox's mock screens as the screenshots the guides show (issue 4).
 * Run it through `scripts/screenshots` (installs chromium and the npm packages, builds the release
 * binary). Usage:
 *
 *   node scripts/capture-screenshots.js [--guide SLUG]... [--shot NAME]... [--out DIR]
 *
 * For every guide of the bundled portal (content/guides/*) and every shot of its system (SHOTS
 * below: one per sandbox screen of themes/default/data/sandbox.yaml that exists for the system,
 * plus a few sub-states such as the password step of "Sign in"), it opens the built sandbox at a
 * fixed viewport with a fixed clock and random seed, in Practice mode (no hints), reaches the screen
 * by its deep link `#/<screen>?scenario=<id>`, fills in the fictitious sample person of
 * sandbox.yaml (`sample`: Maria Example, never real data) where a real user types or ticks
 * something, and writes
 *
 *   screenshots/<system>/<shot>.png           only the mock browser (`.sbx-browser`)
 *   screenshots/<system>/<shot>.regions.json  {"regions": {"<name>": [x, y, w, h]}, "width", "height"}
 *   screenshots/<guide>/<shot>.png (+ .regions.json)
 *
 * A screen that looks the same in most guides of a system (the EU Login screens, SAAS step 1,
 * the CPMS 2.0 home page, ...) is stored once, in screenshots/<system>/ (saas or cpms2): the
 * capture most guides share. A guide whose capture differs (its network is ticked, its
 * institutions listed, ...) gets its own in screenshots/<guide>/. Figures find the right one with
 * `shot("<name>")` (the guide's own if it exists, else the shared one), so no two files hold the
 * same picture.
 *
 * Guides are those of the built portal (every `<guide>/sandbox/` of the output), so the guides
 * generated from a template folder (content/guides/<template>/ with `network: "*"`) are captured
 * too. The portal is built with `--allow-missing-screenshots`, so a new guide can be captured
 * before any of its screenshots exist: `scripts/screenshots --guide NEW` (which compares NEW's
 * captures with the shared ones and stores only those that differ).
 *
 * Regions are the boxes (in screenshot pixels) of every visible control of the mock browser
 * (fields, buttons, links, checkboxes and radios with their label, groups of them with their
 * legend, and the QR codes to scan), named by the slug of their accessible name
 * ("Create an account" -> create-an-account; a repeated name gets -2, -3 in page order). A
 * figure's call-out or redaction can use them with `region: <name>` (README, "Figures").
 *
 * Output is byte-stable: same build, same browser, same fonts -> same files (a file whose bytes
 * did not change is not rewritten). Without --guide / --shot, files of a guide's folder that no
 * shot produced any more are removed.
 */
const fs = require('node:fs');
const path = require('node:path');
const lib = require('../tests/browser/lib');

const VIEWPORT = { width: 1280, height: 900 };
/** The simulated wall clock (the sandbox's own clock starts at sandbox.yaml `clock.start`). */
const FIXED_TIME = new Date('2026-01-15T09:00:00Z');
/** Longest region name (cut at a word boundary). */
const MAX_NAME = 40;

// ------------------------------------------------------------------ shots
//
// Per screen id: the shots to take. A shot is {name?, scenario?, prepare?(s)}; name defaults to
// the screen id, scenario to the scenario of the guide step that shows the screen, else to
// SCENARIO below. prepare(s) fills the screen in, with s = {page, config (the sandbox page's
// JSON), data, sample (sandbox.yaml `sample`), screen (locator of the screen's section),
// fill(field, value), select(field, label), check(locator)}; fields are `data-sbx-field` names.
// A screen of sandbox.yaml missing here is captured as it opens; one listed in SKIP is not
// captured unless a guide step shows it.

const SCENARIO = {
  'cpms-login': 'new-user',
  'cpms2-home': 'new-user',
  'eul-create': 'new-user',
  'eul-password': 'new-user',
  'saas-pending': 'access-pending',
  'cpms-preferences': 'access-approved',
  'cpms2-submitted': 'access-pending',
};
const DEFAULT_SCENARIO = { eul: 'has-eulogin', saas: 'app-initialised', cpms2: 'app-initialised' };

const SKIP = {
  // EU Login retired SMS (content/data/eu_login.yaml); no guide step shows these screens.
  'eul-phone-add': 'SMS sign-in has ended',
  'eul-phone-challenge': 'SMS sign-in has ended',
};

const SHOTS = {
  'eul-create': [
    {
      async prepare(s) {
        await s.fill('first_name', s.sample.first_name);
        await s.fill('last_name', s.sample.last_name);
        await s.fill('email', s.sample.email);
        await s.fill('email_confirm', s.sample.email);
        const code = await s.page.locator('[data-sbx-captcha]').getAttribute('data-code');
        await s.fill('code', code || '');
        await s.check(s.screen.locator('input[data-sbx-field="privacy"]'));
      },
    },
  ],
  'eul-password': [
    {
      async prepare(s) {
        await s.fill('password', s.sample.password);
        await s.fill('confirm', s.sample.password);
      },
    },
  ],
  'eul-signin': [
    {
      // the first part: the e-mail address (EU Login may remember it and skip to the password)
      async prepare(s) {
        const different = s.screen.locator('[data-sbx-when="si-password"]:not([hidden]) [data-sbx-action="signin-different"]');
        if (await different.count()) await different.click();
        await s.screen.locator('[data-sbx-when="si-email"]:not([hidden])').waitFor();
        await s.fill('email', s.sample.email);
      },
    },
    {
      // the second part: password and verification method (here: password only)
      name: 'eul-signin-password',
      async prepare(s) {
        await signinToPassword(s);
        await s.fill('password', s.sample.password);
        await s.check(s.screen.locator('input[data-sbx-field="method"][value="password"]'));
      },
    },
    {
      // coming from CPMS (the service needs the app): password and the app's PIN code method
      name: 'eul-signin-app',
      scenario: 'access-approved',
      async prepare(s) {
        await s.page.evaluate(() => {
          const cfg = JSON.parse(document.getElementById('sbx-data').textContent);
          window.location.hash = cfg.guide.system === 'cpms2' ? '#/cpms2-home' : '#/cpms-login';
        });
        // the sandbox asks how to open the screen: keep this practice account (access approved)
        const ask = s.page.locator('[data-sbx-dialog][open]');
        await ask.or(s.page.locator('[data-sbx-screen]:not([hidden]) [data-sbx-action="cpms-login"], [data-sbx-screen]:not([hidden]) [data-sbx-action="cpms2-login"]')).first().waitFor();
        if (await ask.count()) await ask.locator('[data-sbx-choice="0"]').click();
        const login = s.page.locator('[data-sbx-screen]:not([hidden]) [data-sbx-action="cpms-login"], [data-sbx-screen]:not([hidden]) [data-sbx-action="cpms2-login"]');
        await login.click();
        await s.page.waitForFunction(() => location.hash === '#/eul-signin');
        s.screen = s.page.locator('[data-sbx-screen="eul-signin"]');
        await signinToPassword(s);
        await s.fill('password', s.sample.password);
        await s.check(s.screen.locator('input[data-sbx-field="method"][value="mobile_app_pin"]'));
      },
    },
  ],
  'eul-device-add': [
    {
      // the form (the screen opens on the list of devices with "Add a mobile device")
      async prepare(s) {
        const add = s.screen.locator('[data-sbx-when="!dev-form"]:not([hidden]) [data-sbx-action="device-new"]');
        if (await add.count()) await add.click();
        await s.screen.locator('[data-sbx-when="dev-form"]:not([hidden])').waitFor();
        await s.fill('name', s.sample.device);
        await s.fill('pin', s.sample.pin);
        await s.fill('pin_confirm', s.sample.pin);
      },
    },
  ],
  'saas-app': [
    {
      async prepare(s) {
        await s.select('app', s.data.sandbox.saas.target_application);
      },
    },
  ],
  'saas-org': [
    {
      // the networks, found with Search (as the guide suggests)
      async prepare(s) {
        await s.screen.locator('#sbx-org-search').fill(s.config.network.ern);
        await s.screen.getByRole('button', { name: new RegExp(`^Open ${escapeRe(s.config.network.ern)}\\b`) }).first().waitFor();
      },
    },
    {
      // the hospitals of the network's first country that lists them, one chosen
      name: 'saas-org-hospital',
      async prepare(s) {
        const net = s.config.network;
        const country = (net.countries || []).find((c) => (c.institutions || []).length) || (net.countries || [])[0];
        if (!country) throw new Error(`network ${net.id} has no countries`);
        await s.screen.getByRole('button', { name: new RegExp(`^Open ${escapeRe(net.ern)}\\b`) }).first().click();
        await s.screen.getByRole('button', { name: new RegExp(`^Open ${escapeRe(country.name)}$`) }).click();
        const inst = (country.institutions || [])[0];
        const radio = inst
          ? s.screen.getByRole('radio', { name: new RegExp(escapeRe(inst.name)) })
          : s.screen.getByRole('radio').first();
        await s.check(radio);
      },
    },
  ],
  'saas-profile': [
    {
      async prepare(s) {
        const profiles = s.config.network.profiles || [];
        const pick = profiles.find((p) => p === 'HP') || profiles[0];
        if (pick) await s.check(s.screen.locator(`input[data-sbx-field="profiles"][value="${pick}"]`));
      },
    },
  ],
  'saas-recap': [
    {
      async prepare(s) {
        // only where the network asks for a comment (ERN-RND: the speciality)
        if ((s.config.network.wording || {}).comment_hint) await s.fill('comment', s.sample.profession);
      },
    },
  ],
  'cpms-preferences': [
    {
      async prepare(s) {
        await s.fill('role', s.sample.profession);
        // the first thematic area (the mock lists only "None" for a network without areas)
        const area = (s.config.network.thematic_areas || [])[0];
        if (area) await s.check(s.screen.locator(`input[data-sbx-field="areas"][value="${cssString(area)}"]`));
        await s.fill('specialist', SPECIALIST);
      },
    },
  ],
  'cpms2-signup-1': [
    {
      // an ERN member
      async prepare(s) {
        await s.check(s.screen.locator('input[data-sbx-field="role"][value="Clinician"]'));
        await s.check(s.screen.locator('input[data-sbx-field="member"][value="yes"]'));
        const hospital = s.screen.locator('select[data-sbx-field="hospital"]');
        if (await hospital.count()) {
          const first = await hospital.locator('option:not([value=""])').first().textContent();
          await hospital.selectOption({ label: first.trim() });
        } else {
          await s.fill('hospital', s.sample.hospital);
        }
        await s.check(s.screen.locator(`input[data-sbx-field="ern"][value="${cssString(s.config.network.ern)}"]`));
      },
    },
    {
      name: 'cpms2-signup-1-guest',
      async prepare(s) {
        await s.check(s.screen.locator('input[data-sbx-field="role"][value="Clinician"]'));
        await s.check(s.screen.locator('input[data-sbx-field="member"][value="no"]'));
        await s.fill('guest_hospital', s.sample.hospital);
        await s.check(s.screen.locator(`input[data-sbx-field="invited"][value="${cssString(s.config.network.ern)}"]`));
        const country = s.screen.locator('select[data-sbx-field="country"]');
        const first = await country.locator('option:not([value=""])').first().textContent();
        await country.selectOption({ label: first.trim() });
      },
    },
  ],
  'cpms2-signup-2': [
    {
      async prepare(s) {
        await s.check(s.screen.locator('input[data-sbx-field="cares"][value="Pediatric"]'));
        await s.select('profession', s.sample.profession);
        const area = (s.config.network.thematic_areas || [])[0];
        if (area) await s.check(s.screen.locator(`input[data-sbx-field="areas"][value="${cssString(area)}"]`));
        await s.fill('focus', SPECIALIST);
      },
    },
  ],
};

/** Sample free text of the "specialist" / focus fields (fictitious, like the sample person). */
const SPECIALIST = 'Example text: describe your expertise in your own words.';

function escapeRe(s) {
  return String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
function cssString(s) {
  return String(s).replace(/["\\]/g, '\\$&');
}

// On "Sign in to continue": the e-mail address and Next (unless EU Login remembers it), then
// wait for the password part.
async function signinToPassword(s) {
  const email = s.screen.locator('[data-sbx-when="si-email"]:not([hidden])');
  if (await email.count()) {
    await s.fill('email', s.sample.email);
    await email.locator('[data-sbx-action="signin-email"]').click();
  }
  await s.screen.locator('[data-sbx-when="si-password"]:not([hidden])').waitFor();
}

// ------------------------------------------------------------------ guides

function frontMatter(file) {
  const text = fs.readFileSync(file, 'utf8');
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  const out = {};
  if (!m) return out;
  for (const line of m[1].split(/\r?\n/)) {
    const kv = /^([A-Za-z_]+):\s*(.*?)\s*$/.exec(line);
    if (kv) out[kv[1]] = kv[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/**
 * [{slug, steps: [{file, sandbox, scenario}]}] of the built portal `out`: every guide with a
 * sandbox page. A guide's steps are read from content/guides/<slug>/, or, for a guide generated
 * from a template folder (`network: "*"`, slug `<network>-<template>`), from the template's.
 */
function builtGuides(siteDir, out) {
  const dir = path.join(siteDir, 'content', 'guides');
  const folders = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const templates = folders.filter((f) => frontMatter(path.join(dir, f, '_index.md')).network === '*');
  const stepsOf = (folder) =>
    fs
      .readdirSync(path.join(dir, folder))
      .filter((f) => f.endsWith('.md') && !f.startsWith('_'))
      .sort()
      .map((f) => ({ file: path.join(dir, folder, f), ...frontMatter(path.join(dir, folder, f)) }));
  return fs
    .readdirSync(out, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(out, e.name, 'sandbox', 'index.html')))
    .map((e) => e.name)
    .sort()
    .map((slug) => {
      const folder = folders.includes(slug) ? slug : templates.find((t) => slug.endsWith(`-${t}`));
      if (!folder) throw new Error(`guide ${slug} of the output has no folder in content/guides/`);
      return { slug, steps: stepsOf(folder) };
    });
}

/** Builds the portal like tests/browser/lib.js does, but tolerating screenshots not captured yet. */
function buildForCapture(siteDir) {
  const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'ernguide-capture-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const out = path.join(tmp, 'public');
  const bin = path.join(lib.REPO_ROOT, 'target', 'release', 'ernguide');
  try {
    require('node:child_process').execFileSync(bin, ['build', '--site', siteDir, '--out', out, '--allow-missing-screenshots'], {
      cwd: siteDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
  } catch (err) {
    throw new Error(`ernguide build --allow-missing-screenshots failed (exit ${err.status}):\n${err.stderr || ''}${err.stdout || ''}`);
  }
  return out;
}

/**
 * Stores the captures `shots` ([{guide, system, name, png, json}]): per (system, name), the
 * capture most guides share goes to <out>/<system>/ and each differing one to <out>/<guide>/;
 * a guide's own file equal to the shared one is removed. With `partial` (--guide), an existing
 * shared capture is kept and only compared with. Returns {written, unchanged, files: Set}.
 */
function store(shots, outDir, partial) {
  const res = { written: 0, unchanged: 0, files: new Set() };
  const key = (c) => `${c.png.toString('base64')}\0${c.json}`;
  const groups = new Map();
  for (const c of shots) {
    const k = `${c.system}/${c.name}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(c);
  }
  const put = (dir, c) => {
    const changed = [writeIfChanged(path.join(dir, `${c.name}.png`), c.png), writeIfChanged(path.join(dir, `${c.name}.regions.json`), c.json)];
    if (changed.some(Boolean)) res.written++;
    else res.unchanged++;
    res.files.add(path.join(dir, `${c.name}.png`)).add(path.join(dir, `${c.name}.regions.json`));
    console.log(`${changed.some(Boolean) ? 'wrote    ' : 'unchanged'} ${path.relative(lib.REPO_ROOT, dir)}/${c.name}.png (${c.width}x${c.height}, ${Math.round(c.png.length / 1024)} KiB, ${c.regions} regions)`);
  };
  const drop = (dir, name) => {
    for (const f of [`${name}.png`, `${name}.regions.json`]) {
      if (fs.existsSync(path.join(dir, f))) {
        fs.rmSync(path.join(dir, f));
        console.log(`removed   ${path.relative(lib.REPO_ROOT, dir)}/${f} (same as the shared capture)`);
      }
    }
  };
  for (const [, list] of groups) {
    const { system, name } = list[0];
    const sharedDir = path.join(outDir, system);
    let shared;
    const existing = path.join(sharedDir, `${name}.png`);
    if (partial && fs.existsSync(existing)) {
      const json = fs.existsSync(path.join(sharedDir, `${name}.regions.json`)) ? fs.readFileSync(path.join(sharedDir, `${name}.regions.json`), 'utf8') : '';
      shared = `${fs.readFileSync(existing).toString('base64')}\0${json}`;
      res.files.add(existing).add(path.join(sharedDir, `${name}.regions.json`));
    } else {
      // the capture most guides share (ties: the first guide's)
      const counts = new Map();
      for (const c of list) counts.set(key(c), (counts.get(key(c)) || 0) + 1);
      shared = key(list[0]);
      for (const [k, n] of counts) if (n > counts.get(shared)) shared = k;
      put(sharedDir, list.find((c) => key(c) === shared));
    }
    for (const c of list) {
      const dir = path.join(outDir, c.guide);
      if (key(c) === shared) drop(dir, name);
      else put(dir, c);
    }
  }
  return res;
}

// ------------------------------------------------------------------ page side

// Runs in the page: the mock browser's box and its visible controls with accessible names.
function measure({ maxName }) {
  const browser = document.querySelector('.sbx-browser');
  const r = browser.getBoundingClientRect();
  const x0 = Math.floor(r.left + window.scrollX);
  const y0 = Math.floor(r.top + window.scrollY);
  const clip = { x: x0, y: y0, width: Math.ceil(r.right + window.scrollX) - x0, height: Math.ceil(r.bottom + window.scrollY) - y0 };

  const textOf = (node) => {
    let t = '';
    for (const c of node.childNodes) {
      if (c.nodeType === 3) t += c.textContent;
      else if (c.nodeType === 1) {
        const e = c;
        if (e.getAttribute('aria-hidden') === 'true' || e.hidden) continue;
        if (/^(INPUT|SELECT|TEXTAREA)$/.test(e.tagName)) continue;
        t += ' ' + (e.getAttribute('aria-label') || textOf(e)) + ' ';
      }
    }
    return t;
  };
  const norm = (t) => String(t || '').replace(/\s+/g, ' ').trim();
  const accName = (e) => {
    const by = e.getAttribute('aria-labelledby');
    if (by) return norm(by.split(/\s+/).map((id) => { const l = document.getElementById(id); return l ? textOf(l) : ''; }).join(' '));
    if (e.getAttribute('aria-label')) return norm(e.getAttribute('aria-label'));
    if (e.labels && e.labels.length) return norm(Array.from(e.labels).map(textOf).join(' '));
    return norm(textOf(e) || e.getAttribute('title') || e.getAttribute('placeholder'));
  };
  const slug = (t) => {
    let s = t.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    if (s.length > maxName) {
      s = s.slice(0, maxName + 1);
      const cut = s.lastIndexOf('-');
      s = cut > 10 ? s.slice(0, cut) : s.slice(0, maxName);
    }
    return s || 'control';
  };
  const seen = (e) => {
    if (!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)) return false;
    const st = getComputedStyle(e);
    return st.visibility !== 'hidden' && st.display !== 'none';
  };

  // controls, and the pictures a user acts on (the QR codes to scan; not the "Enter the code"
  // picture, whose name is its random code)
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=checkbox], [role=radio], [role=link], [role=img][data-sbx-qr]';
  const union = (a, b) => {
    if (!a) return b;
    if (!b) return a;
    const r = { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
    r.width = r.right - r.left;
    r.height = r.bottom - r.top;
    return r;
  };
  const textBox = (node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    const t = range.getBoundingClientRect();
    return t.width >= 1 && t.height >= 1 ? t : null;
  };
  const pad = (b, p) => b && { left: b.left - p, top: b.top - p, right: b.right + p, bottom: b.bottom + p, width: b.width + 2 * p, height: b.height + 2 * p };
  // a checkbox or radio: the box and its label's text, which a reader sees and clicks
  const boxOf = (e) => {
    let box = e.getBoundingClientRect();
    if (e.type === 'checkbox' || e.type === 'radio') {
      const labels = new Set(Array.from(e.labels || []));
      if (e.closest('label')) labels.add(e.closest('label'));
      for (const l of labels) box = union(box, textBox(l));
      box = pad(box, 3);
    }
    return box;
  };

  const found = [];
  for (const e of browser.querySelectorAll(sel)) {
    if (!seen(e) || e.closest('[hidden]')) continue;
    found.push({ e, name: accName(e), box: boxOf(e) });
  }
  // a group of checkboxes or radios (a fieldset with a legend): its legend and its choices
  for (const f of browser.querySelectorAll('fieldset')) {
    const legend = f.querySelector(':scope > legend');
    if (!legend || !seen(f) || f.closest('[hidden]')) continue;
    const choices = Array.from(f.querySelectorAll('input[type=checkbox], input[type=radio]')).filter((c) => seen(c) && !c.closest('[hidden]'));
    if (choices.length < 2) continue;
    let box = textBox(legend);
    for (const c of choices) box = union(box, boxOf(c));
    found.push({ e: f, name: accName(legend), box: pad(box, 2) });
  }
  // in page order (a group before its choices), so that repeated names number stably
  found.sort((a, b) => (a.e === b.e ? 0 : a.e.compareDocumentPosition(b.e) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));

  const regions = {};
  const counts = {};
  for (const { name: accessible, box } of found) {
    if (!box || box.width < 1 || box.height < 1) continue;
    let name = slug(accessible);
    counts[name] = (counts[name] || 0) + 1;
    if (counts[name] > 1) name = `${name}-${counts[name]}`;
    const left = Math.max(0, Math.round(box.left + window.scrollX - x0));
    const top = Math.max(0, Math.round(box.top + window.scrollY - y0));
    const right = Math.min(clip.width, Math.round(box.right + window.scrollX - x0));
    const bottom = Math.min(clip.height, Math.round(box.bottom + window.scrollY - y0));
    if (right - left < 1 || bottom - top < 1) continue;
    regions[name] = [left, top, right - left, bottom - top];
  }
  return { clip, regions };
}

// ------------------------------------------------------------------ capture

function pngSize(bytes) {
  // IHDR: width and height, big-endian, at bytes 16..24
  if (bytes.length < 24 || bytes.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function regionsJson({ regions, width, height }) {
  const names = Object.keys(regions);
  const lines = names.map((n, i) => `    ${JSON.stringify(n)}: [${regions[n].join(', ')}]${i < names.length - 1 ? ',' : ''}`);
  return `{\n  "regions": {\n${lines.join('\n')}${lines.length ? '\n' : ''}  },\n  "width": ${width},\n  "height": ${height}\n}\n`;
}

/** Writes `bytes` to `file` unless it already holds them; returns whether it changed. */
function writeIfChanged(file, bytes) {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  try {
    if (fs.readFileSync(file).equals(buf)) return false;
  } catch {
    /* new file */
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, file);
  return true;
}

function parseArgs(argv) {
  const o = { guides: [], shots: [], out: path.join(lib.REPO_ROOT, 'screenshots') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--guide') o.guides.push(val());
    else if (a === '--shot') o.shots.push(val());
    else if (a === '--out') o.out = path.resolve(val());
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/capture-screenshots.js [--guide SLUG]... [--shot NAME]... [--out DIR]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return o;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const siteDir = lib.REPO_ROOT;
  const out = buildForCapture(siteDir);
  const server = await lib.serveDir(out);
  const browser = await lib.launchBrowser({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
    colorScheme: 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const guard = await lib.guardRequests(browser.context, server.origin);
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Date.now and Math.random drive the sandbox's seed (captcha, QR code): fix both.
  await page.clock.setFixedTime(FIXED_TIME);
  await page.addInitScript(() => {
    let s = 20260115;
    Math.random = () => {
      s = (Math.imul(s, 48271) >>> 0) % 2147483647;
      return s / 2147483647;
    };
  });

  const guides = builtGuides(siteDir, out).filter((g) => !opts.guides.length || opts.guides.includes(g.slug));
  if (opts.guides.length && guides.length !== opts.guides.length) throw new Error(`unknown guide in ${opts.guides.join(', ')}`);
  let bytes = 0;
  const shots = [];
  let stored;
  const started = Date.now();
  try {
    for (const g of guides) {
      const url = `${server.url}${g.slug}/sandbox/index.html`;
      await page.goto('about:blank');
      await page.goto(url);
      const config = await page.evaluate(() => JSON.parse(document.getElementById('sbx-data').textContent));
      // Practice mode: no hint, no "Fill in the example person" button (kept for the whole tab)
      await page.locator('input[data-sbx-mode][value="practice"]').check();
      const screens = Object.keys(config.data.sandbox.screens);
      const stepScenario = {};
      for (const st of g.steps) if (st.sandbox && st.scenario && !stepScenario[st.sandbox]) stepScenario[st.sandbox] = st.scenario;
      for (const st of g.steps) {
        if (st.sandbox && !screens.includes(st.sandbox)) {
          throw new Error(`${path.relative(siteDir, st.file)}: sandbox screen ${st.sandbox} does not exist for system ${config.guide.system}`);
        }
      }
      for (const screenId of screens) {
        if (SKIP[screenId] && !g.steps.some((st) => st.sandbox === screenId)) continue;
        for (const shot of SHOTS[screenId] || [{}]) {
          const name = shot.name || screenId;
          if (opts.shots.length && !opts.shots.includes(name)) continue;
          const prefix = screenId.split('-')[0];
          const scenario = shot.scenario || stepScenario[screenId] || SCENARIO[screenId] || DEFAULT_SCENARIO[prefix] || 'new-user';
          await page.goto('about:blank');
          await page.goto(`${url}#/${screenId}?scenario=${encodeURIComponent(scenario)}`);
          // the sandbox keeps the previous shot's progress and asks how to open the step: take
          // the ready-made example account (the scenario), as a fresh learner would get
          const ask = page.locator('[data-sbx-dialog][open]');
          if (await ask.count()) await ask.locator('[data-sbx-choice="1"]').click();
          await page.waitForFunction((id) => {
            const el = document.querySelector(`[data-sbx-screen="${id}"]`);
            return el && !el.hidden;
          }, screenId);
          const s = {
            page,
            config,
            data: config.data,
            sample: config.data.sandbox.sample,
            screen: page.locator(`[data-sbx-screen="${screenId}"]`),
            async fill(field, value) {
              await this.screen.locator(`[data-sbx-field="${field}"]:visible`).first().fill(String(value));
            },
            async select(field, label) {
              await this.screen.locator(`select[data-sbx-field="${field}"]:visible`).first().selectOption({ label });
            },
            async check(locator) {
              await locator.check();
            },
          };
          if (shot.prepare) await shot.prepare(s);
          const mode = await page.evaluate(() => window.ernSandbox.getState().mode);
          if (mode !== 'practice') throw new Error(`${g.slug} ${name}: the sandbox is in ${mode} mode, not practice`);
          // nothing focused or hovered: no focus ring, no caret, no hover colour
          await page.evaluate(() => document.activeElement && document.activeElement.blur());
          await page.mouse.move(0, 0);
          await page.evaluate(() => document.fonts.ready);
          const m = await page.evaluate(measure, { maxName: MAX_NAME });
          const png = await page.screenshot({ clip: m.clip, fullPage: true, animations: 'disabled', caret: 'hide', scale: 'css' });
          const size = pngSize(png);
          if (size.width !== m.clip.width || size.height !== m.clip.height) {
            throw new Error(`${g.slug} ${name}: screenshot is ${size.width}x${size.height}, expected ${m.clip.width}x${m.clip.height}`);
          }
          const json = regionsJson({ regions: m.regions, width: size.width, height: size.height });
          bytes += png.length;
          shots.push({ guide: g.slug, system: config.guide.system, name, png, json, width: size.width, height: size.height, regions: Object.keys(m.regions).length });
          if (errors.length) throw new Error(`${g.slug} ${name}: page error: ${errors.join('; ')}`);
        }
      }
    }
    if (guard.external.length) throw new Error(guard.report());
    stored = store(shots, opts.out, opts.guides.length > 0);
    // a full run: remove what no shot produced any more (in the guides' and the shared folders)
    if (!opts.shots.length && !opts.guides.length) {
      const dirs = new Set([...guides.map((g) => g.slug), ...shots.map((c) => c.system)]);
      for (const d of dirs) {
        const dir = path.join(opts.out, d);
        if (!fs.existsSync(dir)) continue;
        for (const f of fs.readdirSync(dir)) {
          if ((f.endsWith('.png') || f.endsWith('.regions.json')) && !stored.files.has(path.join(dir, f))) {
            fs.rmSync(path.join(dir, f));
            console.log(`removed   ${path.relative(lib.REPO_ROOT, dir)}/${f} (no such shot any more)`);
          }
        }
        if (!fs.readdirSync(dir).length) fs.rmdirSync(dir);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(
    `screenshots: ${shots.length} captured, ${stored.written} written, ${stored.unchanged} unchanged, ${Math.round(bytes / 1024)} KiB of PNG captured, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`capture-screenshots: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
}

module.exports = { SHOTS, SKIP, measure, regionsJson, store };
