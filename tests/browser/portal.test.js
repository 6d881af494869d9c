'use strict';
// Portal-wide browser checks: builds the bundled portal (repo root) with target/release/ernguide,
// serves it on 127.0.0.1 and opens EVERY generated .html page in headless Chromium.
// Per page: axe (WCAG 2.0/2.1/2.2 A+AA tags) with zero violations, at 1280 and at 320 CSS px; no request to any host but
// the local server; no script error; `lang`, exactly one <main>, a skip link to main that is the
// first tab stop and visible when focused; every <img> with alt, width and height; every relative
// link/resource resolving to a file of the output (not a directory, so file:// works); reflow at
// 320 CSS px without horizontal scrolling (WCAG 1.4.10).
// Site-wide: the portal works opened from disk (file://: home -> guide -> step by clicking), and
// a step page's print style hides the site header and navigation but shows the main content.
// The sandbox's own flow is tested in sandbox.test.js.

const { describe, it, before, after, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

const PAGE_TIMEOUT = 90_000;

const { out, error: buildError } = lib.tryBuildSite();

if (buildError) {
  lib.failBuild(buildError);
} else {
  const pages = lib.listHtmlFiles(out);
  const info = classify(out, pages);

  describe('bundled portal', () => {
    let server;
    let browser;
    let guard;
    let page;

    before(async () => {
      server = await lib.serveDir(out);
      browser = await lib.launchBrowser({ viewport: { width: 1280, height: 800 } });
      guard = await lib.guardRequests(browser.context, server.origin);
      page = await browser.newPage();
    });
    after(async () => {
      if (browser) await browser.close();
      if (server) await server.close();
    });

    it('has the expected output layout', () => {
      assert.ok(pages.includes('index.html'), 'index.html (portal home) is missing');
      assert.ok(pages.includes('404.html'), '404.html is missing');
      assert.ok(info.guides.length >= 1, `no guide folders found in the output: ${pages.join(', ')}`);
      for (const g of info.guides) {
        assert.ok(info.steps[g].length >= 1, `guide ${g}/ has no step pages`);
        assert.ok(pages.includes(`${g}/links/index.html`), `${g}/links/index.html is missing`);
      }
    });

    for (const rel of pages) {
      describe(rel, { timeout: PAGE_TIMEOUT }, () => {
        let r; // what was seen on the page

        before(async () => {
          r = await inspectPage(page, guard, server, rel);
        });

        it('axe: no WCAG A/AA violations', () => {
          assert.equal(r.violations.length, 0, lib.formatViolations(r.violations, rel));
        });

        it('axe at 320 CSS px wide: no WCAG A/AA violations', () => {
          assert.equal(r.narrowViolations.length, 0, lib.formatViolations(r.narrowViolations, `${rel} at 320px`));
        });

        it('no request to any host but the local server', () => {
          assert.deepEqual(r.external, [], `${rel}:\n${formatExternal(r.external)}`);
        });

        it('no script errors, no failed local loads', () => {
          assert.deepEqual(r.errors, [], `${rel}:\n  ${r.errors.join('\n  ')}`);
        });

        it('has lang, exactly one <main>, a skip link to main', () => {
          const problems = [];
          if (!r.lang) problems.push('<html> has no lang attribute');
          if (r.mainCount !== 1) problems.push(`expected exactly one <main>, found ${r.mainCount}`);
          if (!r.skip.found) {
            problems.push('no skip link: an <a href="#id"> whose target is <main> (or inside it)');
          } else {
            if (!r.skip.firstTabStop) {
              problems.push(`the skip link (${r.skip.href}) is not the first tab stop; first is ${r.skip.firstFocused}`);
            } else if (!r.skip.visibleWhenFocused) {
              problems.push(`the skip link (${r.skip.href}) is not visible when focused (rect ${JSON.stringify(r.skip.rect)})`);
            }
          }
          assert.deepEqual(problems, [], `${rel}:\n  ${problems.join('\n  ')}`);
        });

        it('every <img> has alt, width and height', () => {
          const bad = r.images.filter((i) => !i.hasAlt || !i.width || !i.height);
          assert.deepEqual(
            bad,
            [],
            `${rel}: images missing alt/width/height:\n  ${bad.map((i) => `${i.src} alt=${i.hasAlt ? JSON.stringify(i.alt) : '(none)'} width=${i.width || '(none)'} height=${i.height || '(none)'}`).join('\n  ')}`,
          );
        });

        it('every relative link and resource resolves to a file of the output', () => {
          const problems = checkRefs(out, rel, r.refs, r.ids);
          assert.deepEqual(problems, [], `${rel}:\n  ${problems.join('\n  ')}`);
        });

        it('reflows at 320 CSS px without horizontal scrolling', () => {
          assert.ok(
            r.reflow.scrollWidth <= r.reflow.width + 1,
            `${rel}: at ${r.reflow.width}px wide the page is ${r.reflow.scrollWidth}px wide; widest elements: ${r.reflow.culprits.join(', ')}`,
          );
        });
      });
    }

    it('prints a step page without the site header and navigation', { timeout: PAGE_TIMEOUT }, async () => {
      const g = info.guides[0];
      assert.ok(g && info.steps[g].length, 'no step page to print');
      const rel = `${g}/${info.steps[g][0]}/index.html`;
      await page.emulateMedia({ media: 'screen' });
      await page.goto(server.url + rel, { waitUntil: 'load' });
      const chrome = (media) =>
        page.evaluate((media) => {
          const main = document.querySelector('main');
          const describeEl = (el) =>
            el.tagName.toLowerCase() +
            (el.id ? `#${el.id}` : '') +
            (el.getAttribute('class') ? `.${el.getAttribute('class').trim().split(/\s+/).join('.')}` : '') +
            (el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : '');
          // Site chrome: banner and navigation landmarks outside <main> (explicit role or class,
          // a <nav>, or a <header> that is a banner, i.e. not inside article/aside/main/nav/section).
          const els = [
            ...document.querySelectorAll(
              '[role~="banner"], [role~="navigation"], .banner, .navigation, nav, header',
            ),
          ].filter((el) => {
            if (main && main.contains(el)) return false;
            if (el.tagName === 'HEADER' && !el.getAttribute('role') && el.parentElement.closest('article, aside, main, nav, section')) return false;
            return true;
          });
          const shown = (el) => el.checkVisibility() && el.getClientRects().length > 0;
          const h1 = main && main.querySelector('h1');
          return {
            media,
            chrome: els.map((el) => ({ el: describeEl(el), shown: shown(el) })),
            main: !!main && shown(main) && main.getBoundingClientRect().height > 0,
            h1: !!h1 && shown(h1),
            mainText: main ? main.innerText.trim().length : 0,
          };
        }, media);
      const screen = await chrome('screen');
      assert.ok(screen.chrome.length > 0, `${rel}: no header/navigation landmark outside <main> found`);
      await page.emulateMedia({ media: 'print' });
      const print = await chrome('print');
      await page.emulateMedia({ media: 'screen' });
      const problems = [];
      for (const c of print.chrome) if (c.shown) problems.push(`${c.el} is still shown in print (expected display: none)`);
      if (!print.main) problems.push('<main> is not visible in print');
      if (!print.h1) problems.push('the <h1> in <main> is not visible in print');
      if (print.mainText < 20) problems.push('<main> has (almost) no text in print');
      assert.deepEqual(problems, [], `${rel} with print media:\n  ${problems.join('\n  ')}`);
    });
  });

  describe('portal opened from disk (file://)', () => {
    let browser;
    let guard;
    let page;
    const errors = [];

    before(async () => {
      browser = await lib.launchBrowser();
      guard = await lib.guardRequests(browser.context, null);
      page = await browser.newPage();
      page.on('pageerror', (e) => errors.push(`${page.url()}: uncaught ${e.message.split('\n')[0]}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${page.url()}: console error: ${m.text()}`);
      });
      page.on('requestfailed', (req) => {
        if (req.url().startsWith('file:')) errors.push(`${page.url()}: failed to load ${req.url()} (${req.failure() && req.failure().errorText})`);
      });
    });
    after(async () => {
      if (browser) await browser.close();
    });

    it('home -> guide -> step by following links, with styles loaded', { timeout: PAGE_TIMEOUT }, async () => {
      const home = path.join(out, 'index.html');
      await page.goto(lib.fileUrl(home), { waitUntil: 'load' });
      await assertPageOk(page, 'home (file://)');

      const guideFiles = info.guides.map((g) => path.join(out, g, 'index.html'));
      const toGuide = await followLink(page, guideFiles, 'a guide overview', 'home');
      const guide = path.basename(path.dirname(toGuide));
      await assertPageOk(page, `${guide}/index.html (file://)`);

      const stepFiles = info.steps[guide].map((s) => path.join(out, guide, s, 'index.html'));
      const toStep = await followLink(page, stepFiles, 'a step page', `${guide}/index.html`);
      await assertPageOk(page, `${path.relative(out, toStep)} (file://)`);

      // and from the step page on to another page of the same guide (previous/next, step list)
      const others = [...stepFiles, path.join(out, guide, 'index.html')].filter((f) => f !== toStep);
      const next = await followLink(page, others, 'another page of the guide', path.relative(out, toStep));
      await assertPageOk(page, `${path.relative(out, next)} (file://)`);

      assert.deepEqual([...errors], [], `errors while browsing from disk:\n  ${errors.join('\n  ')}`);
      assert.deepEqual(guard.external, [], guard.report());
    });

    it('links and sandbox pages load from disk without errors', { timeout: PAGE_TIMEOUT }, async () => {
      errors.length = 0;
      const rels = pages.filter((p) => /^[^/]+\/(links|sandbox)\/index\.html$/.test(p));
      for (const rel of rels) {
        await page.goto(lib.fileUrl(path.join(out, rel)), { waitUntil: 'load' });
        await scriptsRun(page, `${rel} (file://)`);
        await assertPageOk(page, `${rel} (file://)`);
      }
      assert.deepEqual([...errors], [], `errors while loading from disk:\n  ${errors.join('\n  ')}`);
      assert.deepEqual(guard.external, [], guard.report());
    });
  });
}

// Waits until the page's own scripts have run (lib.pageScriptsRun); a practice page's sandbox
// must then have started (a sandbox that never starts fails here).
async function scriptsRun(page, label) {
  await lib.pageScriptsRun(page);
  if (await page.locator('[data-s-root]').count()) {
    assert.ok(await page.evaluate(() => !!window.ernSandbox), `${label}: the sandbox did not start`);
  }
}

// The zoom dialog of a figure (static/figure.js), by keyboard only: Enter on the screenshot's
// link opens a modal dialog with the full-size image and the call-outs, focus moves into it,
// axe finds nothing, and Escape closes it and puts focus back on the link.
test('a figure opens and closes its zoom dialog with the keyboard', { timeout: PAGE_TIMEOUT, skip: !!buildError }, async () => {
  const rel = lib
    .listHtmlFiles(out)
    .find((p) => fs.readFileSync(path.join(out, p), 'utf8').includes('<figure class="eg-figure">'));
  assert.ok(rel, 'no page with a figure');
  const server = await lib.serveDir(out);
  const browser = await lib.launchBrowser({ viewport: { width: 1280, height: 800 } });
  try {
    const guard = await lib.guardRequests(browser.context, server.origin);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url + rel, { waitUntil: 'load' });
    const link = page.locator('figure.eg-figure a.eg-figure-zoom').first();
    const fullSize = await link.getAttribute('href');
    // reach the link with Tab, as a keyboard user does
    let focused = false;
    for (let i = 0; i < 200 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await link.evaluate((a) => document.activeElement === a);
    }
    assert.ok(focused, `${rel}: the figure's link is not reachable with Tab`);

    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    const state = await page.evaluate(() => {
      const d = document.querySelector('dialog.eg-figure-dialog');
      const img = d && d.querySelector('img');
      return {
        open: !!d && d.open,
        modal: !!d && d.matches(':modal'),
        focusInside: !!d && d.contains(document.activeElement),
        focused: document.activeElement && document.activeElement.textContent,
        img: img && img.getAttribute('src'),
        alt: img && img.getAttribute('alt'),
        callouts: d ? d.querySelectorAll('.eg-callout-list li').length : 0,
        url: location.href,
      };
    });
    assert.ok(state.open && state.modal, `${rel}: Enter did not open a modal dialog: ${JSON.stringify(state)}`);
    assert.ok(state.focusInside, `${rel}: focus is not in the dialog (${state.focused})`);
    assert.ok(state.img && new URL(state.img, server.url + rel).href === new URL(fullSize, server.url + rel).href, `${rel}: the dialog does not show the full-size image: ${state.img}`);
    assert.ok(state.alt && state.alt.length > 10, `${rel}: the dialog's image has no alt text`);
    assert.ok(state.callouts > 0, `${rel}: the dialog does not list the call-outs`);
    assert.equal(state.url, server.url + rel, 'opening the dialog must not navigate');
    const v = await lib.runAxe(page);
    assert.equal(v.length, 0, lib.formatViolations(v, `${rel} with the zoom dialog open`));

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    const back = await link.evaluate((a) => document.activeElement === a);
    assert.ok(back, `${rel}: after Escape focus is not back on the figure's link`);
    assert.deepEqual(errors, [], `${rel}: script errors: ${errors.join('; ')}`);
    assert.deepEqual(guard.external, [], guard.report());
  } finally {
    await browser.close();
    await server.close();
  }
});

// ------------------------------------------------------------------------------------ helpers

function classify(outDir, pages) {
  const guides = [];
  const steps = {};
  for (const p of pages) {
    const m = /^([^/]+)\/index\.html$/.exec(p);
    // A folder with its own home page and 404 is another language of the portal (de/, it/):
    // its pages are checked like all others, but it is not a guide.
    const language = m && pages.includes(`${m[1]}/404.html`);
    if (m && m[1] !== 'static' && m[1] !== 'accessibility' && !language) guides.push(m[1]);
  }
  for (const g of guides) {
    steps[g] = pages
      .map((p) => new RegExp(`^${g.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^/]+)/index\\.html$`).exec(p))
      .filter((m) => m && !['links', 'sandbox', 'slides', 'print'].includes(m[1]))
      .map((m) => m[1]);
  }
  return { guides, steps };
}

function formatExternal(list) {
  return list.map((e) => `  ${e.method} ${e.url} [${e.resourceType}]`).join('\n');
}

async function inspectPage(page, guard, server, rel) {
  const errors = [];
  const onPageError = (e) => errors.push(`uncaught ${e.message.split('\n')[0]}`);
  const onConsole = (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  };
  const onResponse = (res) => {
    const u = new URL(res.url());
    if (u.origin === server.origin && res.status() >= 400 && u.pathname !== '/favicon.ico') {
      errors.push(`HTTP ${res.status()} for ${u.pathname}`);
    }
  };
  page.on('pageerror', onPageError);
  page.on('console', onConsole);
  page.on('response', onResponse);
  guard.reset();
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(server.url + rel, { waitUntil: 'load' });
    await scriptsRun(page, rel); // axe and the checks see the page as its scripts made it
    const dom = await page.evaluate(() => {
      const main = document.querySelector('main');
      const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
      for (const a of document.querySelectorAll('a[name]')) ids.push(a.getAttribute('name'));
      // skip link: an in-page link whose target is <main> or inside it
      let skip = { found: false };
      for (const a of document.querySelectorAll('a[href^="#"]')) {
        const id = decodeURIComponent(a.getAttribute('href').slice(1));
        const target = id && document.getElementById(id);
        if (target && main && (target === main || main.contains(target))) {
          skip = { found: true, href: a.getAttribute('href') };
          a.setAttribute('data-ernguide-test-skip', '');
          break;
        }
      }
      const refs = [];
      const add = (el, attr, kind) => {
        const v = el.getAttribute(attr);
        if (v === null) return;
        if (attr === 'srcset') {
          for (const part of v.split(',')) {
            const u = part.trim().split(/\s+/)[0];
            if (u) refs.push({ tag: el.tagName.toLowerCase(), attr, value: u, kind });
          }
        } else {
          refs.push({ tag: el.tagName.toLowerCase(), attr, value: v, kind, rel: el.getAttribute('rel') || '' });
        }
      };
      for (const el of document.querySelectorAll('a[href], area[href]')) add(el, 'href', 'link');
      for (const el of document.querySelectorAll('link[href]')) {
        const relAttr = (el.getAttribute('rel') || '').toLowerCase();
        add(el, 'href', /stylesheet|icon|preload|modulepreload|manifest|prefetch/.test(relAttr) ? 'resource' : 'link');
      }
      for (const el of document.querySelectorAll('script[src], img[src], iframe[src], source[src], video[src], audio[src], track[src], embed[src], input[type=image][src]')) add(el, 'src', 'resource');
      for (const el of document.querySelectorAll('img[srcset], source[srcset]')) add(el, 'srcset', 'resource');
      for (const el of document.querySelectorAll('video[poster]')) add(el, 'poster', 'resource');
      for (const el of document.querySelectorAll('object[data]')) add(el, 'data', 'resource');
      const images = [...document.querySelectorAll('img')].map((img) => ({
        src: img.getAttribute('src'),
        hasAlt: img.hasAttribute('alt'),
        alt: img.getAttribute('alt'),
        width: img.getAttribute('width'),
        height: img.getAttribute('height'),
      }));
      return {
        lang: document.documentElement.getAttribute('lang') || '',
        mainCount: document.querySelectorAll('main').length,
        ids,
        skip,
        refs,
        images,
      };
    });

    const violations = await lib.runAxe(page);

    // keyboard: the first Tab from the top of the page lands on the skip link, which shows
    if (dom.skip.found) {
      // Put the sequential-focus starting point at the very top of <body> (a page script may
      // have focused something): focus a temporary non-tabbable element there, then Tab.
      await page.evaluate(() => {
        window.scrollTo(0, 0);
        const start = document.createElement('span');
        start.tabIndex = -1;
        start.id = 'ernguide-test-focus-start';
        document.body.prepend(start);
        start.focus({ preventScroll: true });
      });
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const start = document.getElementById('ernguide-test-focus-start');
        if (start) start.remove();
        const el = document.activeElement;
        const r = el ? el.getBoundingClientRect() : null;
        const desc = el
          ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : ''}`
          : '(nothing)';
        return {
          isSkip: !!el && el.hasAttribute('data-ernguide-test-skip'),
          desc,
          rect: r && { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) },
          visible:
            !!r &&
            el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
            r.width > 1 &&
            r.height > 1 &&
            r.right > 0 &&
            r.bottom > 0 &&
            r.left < window.innerWidth &&
            r.top < window.innerHeight,
        };
      });
      dom.skip.firstTabStop = focus.isSkip;
      dom.skip.firstFocused = focus.desc;
      dom.skip.visibleWhenFocused = focus.visible;
      dom.skip.rect = focus.rect;
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
    }

    // reflow (WCAG 1.4.10): 320 CSS px wide, no horizontal scrolling
    await page.setViewportSize({ width: 320, height: 800 });
    const reflow = await page.evaluate(() => {
      const width = window.innerWidth;
      const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0);
      const culprits = [];
      if (scrollWidth > width + 1) {
        for (const el of document.body.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.right > width + 1 && r.width > 0) {
            // only the innermost offenders
            if (![...el.children].some((c) => c.getBoundingClientRect().right > width + 1)) {
              culprits.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (right edge ${Math.round(r.right)}px)`);
            }
          }
          if (culprits.length >= 5) break;
        }
      }
      return { width, scrollWidth, culprits };
    });
    const narrowViolations = await lib.runAxe(page);
    await page.setViewportSize({ width: 1280, height: 800 });

    return { ...dom, violations, narrowViolations, reflow, errors: [...errors], external: [...guard.external] };
  } finally {
    page.off('pageerror', onPageError);
    page.off('console', onConsole);
    page.off('response', onResponse);
  }
}

const idCache = new Map();
function idsOfFile(file) {
  if (!idCache.has(file)) {
    const html = fs.readFileSync(file, 'utf8');
    const ids = new Set();
    for (const m of html.matchAll(/\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
      ids.add(decodeEntities(m[1] ?? m[2] ?? m[3]));
    }
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

function decodeEntities(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

// A fragment that is a client-side route (the sandbox's "#/screen?scenario=x"), not an id.
const isRouteFragment = (frag) => frag.startsWith('/') || frag.startsWith('!') || frag.includes('?') || frag.includes('=');

function checkRefs(outDir, pageRel, refs, pageIds) {
  const problems = [];
  const ids = new Set(pageIds);
  const seen = new Set();
  for (const ref of refs) {
    const raw = ref.value.trim();
    const where = `<${ref.tag} ${ref.attr}="${ref.value}">`;
    if (seen.has(where)) continue;
    seen.add(where);
    if (raw === '') {
      problems.push(`${where}: empty URL`);
      continue;
    }
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
    if (scheme) {
      const s = scheme[1].toLowerCase();
      if (s === 'data' || s === 'mailto' || s === 'tel') continue;
      if (s === 'javascript') {
        problems.push(`${where}: javascript: URL`);
        continue;
      }
      if (ref.kind === 'resource' || s === 'file') problems.push(`${where}: absolute URL for a resource (everything must be local and relative)`);
      continue; // an external link to follow: fine (it loads nothing)
    }
    if (raw.startsWith('//')) {
      problems.push(`${where}: protocol-relative URL`);
      continue;
    }
    if (raw.startsWith('/')) {
      problems.push(`${where}: root-absolute URL (breaks file:// and sub-paths; use a relative one)`);
      continue;
    }
    const hashAt = raw.indexOf('#');
    const frag = hashAt >= 0 ? safeDecode(raw.slice(hashAt + 1)) : null;
    const pathPart = (hashAt >= 0 ? raw.slice(0, hashAt) : raw).split('?')[0];
    if (pathPart === '') {
      // same page fragment
      if (frag && !isRouteFragment(frag) && !ids.has(frag)) problems.push(`${where}: no element with id "${frag}" on this page`);
      continue;
    }
    const targetRel = path.posix.normalize(path.posix.join(path.posix.dirname(pageRel), safeDecode(pathPart)));
    if (targetRel.startsWith('../') || targetRel === '..') {
      problems.push(`${where}: points outside the output folder`);
      continue;
    }
    const abs = path.join(outDir, targetRel);
    let stat = null;
    try {
      stat = fs.statSync(abs);
    } catch {
      /* missing */
    }
    if (!stat) {
      problems.push(`${where}: ${targetRel} does not exist in the output`);
      continue;
    }
    if (stat.isDirectory() || pathPart.endsWith('/')) {
      problems.push(`${where}: points at a directory (${targetRel.replace(/\/$/, "")}/); link its index.html explicitly so it works from file://`);
      continue;
    }
    if (frag && !isRouteFragment(frag) && /\.html?$/.test(abs) && !idsOfFile(abs).has(frag)) {
      problems.push(`${where}: ${targetRel} has no element with id "${frag}"`);
    }
  }
  return problems;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// Clicks a link on the current page that leads to one of `targets` (absolute file paths) and
// waits for that page; returns the file it arrived at.
async function followLink(page, targets, what, from) {
  const want = new Set(targets.map((f) => lib.fileUrl(f)));
  const hrefs = await page.evaluate(() =>
    [...document.querySelectorAll('a[href]')].map((a, i) => ({ i, raw: a.getAttribute('href'), abs: a.href.split('#')[0].split('?')[0] })),
  );
  const link = hrefs.find((h) => want.has(h.abs));
  assert.ok(
    link,
    `from ${from} (file://) no link leads to ${what}; links there: ${hrefs.map((h) => h.raw).join(', ') || '(none)'}`,
  );
  const loc = page.locator('a[href]').nth(link.i);
  await loc.scrollIntoViewIfNeeded();
  await Promise.all([page.waitForURL((u) => u.href.split('#')[0] === link.abs, { waitUntil: 'load' }), loc.click()]);
  return require('node:url').fileURLToPath(link.abs);
}

async function assertPageOk(page, label) {
  const s = await page.evaluate(() => {
    const sheets = [...document.querySelectorAll('link[rel~="stylesheet"]')].map((l) => ({ href: l.getAttribute('href'), loaded: !!l.sheet }));
    // the practice page carries its stylesheets in <style> elements (no request before it paints)
    const inline = [...document.querySelectorAll('head style')].filter((x) => x.sheet && x.sheet.cssRules.length > 0).length;
    const main = document.querySelector('main');
    return {
      url: location.href,
      title: document.title,
      h1: !!document.querySelector('main h1'),
      main: !!main,
      sheets,
      inline,
      // styles applied: the body's computed font differs from Chromium's unstyled default
      styled: getComputedStyle(document.body).fontFamily !== 'Times New Roman' || getComputedStyle(document.body).margin !== '8px',
    };
  });
  assert.ok(s.url.startsWith('file://'), `${label}: expected a file:// URL, at ${s.url}`);
  assert.ok(s.main, `${label}: no <main>`);
  assert.ok(s.h1, `${label}: no <h1> in <main>`);
  assert.ok(s.title.trim(), `${label}: empty <title>`);
  assert.ok(s.sheets.length + s.inline > 0, `${label}: no stylesheet linked or in the page`);
  const notLoaded = s.sheets.filter((x) => !x.loaded);
  assert.deepEqual(notLoaded, [], `${label}: stylesheets not loaded from disk`);
  assert.ok(s.styled, `${label}: the page looks unstyled`);
}
