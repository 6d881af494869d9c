'use strict';
// The portal in its readers' languages, and its search (issue 14), driven in headless Chromium
// as a reader would (by visible names and roles):
// - the bundled portal is built in English (at /), German (/de/) and Italian (/it/);
// - every page has a language switcher that goes to the same page in the other language, and
//   hreflang alternates (the page itself included) that resolve to files of the output;
// - the home page offers the languages by their own names;
// - search finds the right step in each language, over HTTP and from file://, with zero
//   requests to any other host: accent folding, stemming, English screen labels on German
//   pages, keyboard (arrows, Enter, Escape) and the announced result count; axe stays clean
//   with the results open;
// - a page with an untranslated paragraph shows it in English inside lang="en" with a marker;
//   a page under the translation threshold is shown in English with one banner.
// axe on every page of every language runs in portal.test.js (it opens every .html file).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

const TIMEOUT = 120_000;
const LANGS = ['de', 'it'];

const { out, error: buildError } = lib.tryBuildSite();

/** Search `query` in the page's search box; returns the options' texts and targets. */
async function search(page, query) {
  // The search landmark's box (a sandbox page has other comboboxes: its selects).
  const box = page.getByRole('search').getByRole('combobox');
  await box.click();
  await box.fill('');
  await box.pressSequentially(query, { delay: 5 });
  const list = page.getByRole('listbox');
  await list.waitFor({ state: 'visible', timeout: 10_000 });
  return page.evaluate(() => ({
    options: [...document.querySelectorAll('[role=option]')].map((o) => ({
      text: o.textContent,
      href: o.getAttribute('data-href'),
    })),
    status: document.querySelector('.eg-search [role=status]').textContent,
    expanded: document.querySelector('.eg-search [role=combobox]').getAttribute('aria-expanded'),
  }));
}

/** A step folder (`<guide>/<step>`) of the output whose page contains `needle`. */
function stepWith(root, needle) {
  for (const rel of lib.listHtmlFiles(root)) {
    const parts = rel.split('/');
    if (parts.length !== 3 || LANGS.includes(parts[0]) || ['links', 'sandbox'].includes(parts[1])) continue;
    if (fs.readFileSync(path.join(root, rel), 'utf8').includes(needle)) return `${parts[0]}/${parts[1]}`;
  }
  return null;
}

if (buildError) {
  lib.failBuild(buildError);
} else {
  const pages = lib.listHtmlFiles(out);
  const english = pages.filter((p) => !LANGS.includes(p.split('/')[0]));
  // The step whose page tells how to add the EU Login app (heading "Add your phone as a mobile device").
  const appStep = stepWith(out, 'id="add-your-phone-as-a-mobile-device"');

  describe('output in three languages', () => {
    it('has every page in German and Italian under /de/ and /it/', () => {
      const missing = [];
      for (const lang of LANGS) {
        for (const p of english) if (!pages.includes(`${lang}/${p}`)) missing.push(`${lang}/${p}`);
      }
      assert.deepEqual(missing, []);
      assert.ok(appStep, 'no English step page with the heading "Add your phone as a mobile device"');
    });

    it('writes a search index per language as a classic script', () => {
      for (const lang of ['en', ...LANGS]) {
        const file = path.join(out, 'search', `${lang}.js`);
        assert.ok(fs.existsSync(file), `search/${lang}.js is missing`);
        const text = fs.readFileSync(file, 'utf8');
        assert.match(text, new RegExp(`^\\(window\\.__ernSearch=window\\.__ernSearch\\|\\|\\{\\}\\)\\["${lang}"\\]=`));
      }
    });

    it('has <html lang> and a switcher whose hreflang links go to the same page in each language', () => {
      const problems = [];
      for (const rel of pages) {
        const html = fs.readFileSync(path.join(out, rel), 'utf8');
        const lang = LANGS.includes(rel.split('/')[0]) ? rel.split('/')[0] : 'en';
        if (!html.includes(`<html lang="${lang}"`)) problems.push(`${rel}: <html lang> is not ${lang}`);
        // <link rel="alternate"> needs full addresses: the bundled portal has no base_url, so none
        if (/<link rel="alternate"/.test(html)) problems.push(`${rel}: a hreflang alternate without base_url`);
        const nav = /<nav class="eg-langs"[^>]*>([\s\S]*?)<\/nav>/.exec(html);
        if (!nav) { problems.push(`${rel}: no language switcher`); continue; }
        const alts = [...nav[1].matchAll(/<a href="([^"]+)" lang="([^"]+)" hreflang="([^"]+)">/g)].map((m) => [m[3], m[1]]);
        const codes = alts.map((m) => m[0]).concat(lang).sort();
        if (codes.join(',') !== 'de,en,it') problems.push(`${rel}: switcher links ${codes.join(',') || '(none)'}`);
        for (const [code, href] of alts) {
          const target = path.normalize(path.join(path.dirname(path.join(out, rel)), href));
          if (!fs.existsSync(target)) problems.push(`${rel}: hreflang ${code} -> ${href} does not exist`);
          const expected = code === 'en' ? rel.replace(/^(de|it)\//, '') : `${code}/${rel.replace(/^(de|it)\//, '')}`;
          if (path.relative(out, target).split(path.sep).join('/') !== expected) {
            problems.push(`${rel}: hreflang ${code} goes to ${href}, not to the same page (${expected})`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  });

  // A guide whose sandbox goes through SAAS (its first screen: the CPMS 1.x login).
  const guide = 'paedcan';

  // The practice sandbox in German and Italian: the same language switcher as every page,
  // its own controls in the page's language, the mock screens in English inside lang="en".
  const SANDBOX = {
    de: {
      nav: 'Sprache', other: 'Italiano', heading: 'Übungsumgebung', query: 'Mobilgerät',
      hit: 'Ihr Telefon als Mobilgerät hinzufügen', controls: 'Steuerung der Übungsumgebung',
      reset: 'Zurücksetzen', modes: ['Geführt', 'Üben', 'Test'], devices: 'Ihre simulierten Geräte',
      inbox: 'Posteingang', phone: 'Telefon', empty: 'Noch keine Nachrichten.', trainer: 'Trainer-Bereich',
    },
    it: {
      nav: 'Lingua', other: 'Deutsch', heading: 'Ambiente di prova', query: 'dispositivo mobile',
      hit: 'Aggiungere il telefono come dispositivo mobile', controls: "Comandi dell'ambiente di prova",
      reset: 'Reimposta', modes: ['Guidata', 'Esercizio', 'Test'], devices: 'I vostri dispositivi simulati',
      inbox: 'Posta in arrivo', phone: 'Telefono', empty: 'Ancora nessun messaggio.', trainer: 'Pannello Trainer',
    },
  };

  describe('over HTTP', () => {
    let w;
    let server;
    let guard;
    let page;
    let errors;

    before(async () => {
      w = await lib.watchedBrowser({ dir: out, viewport: { width: 1280, height: 900 } });
      ({ server, guard, page, errors } = w);
    });
    after(async () => {
      if (w) await w.close();
    });

    it('the home page offers the languages by their own names', { timeout: TIMEOUT }, async () => {
      await page.goto(server.url + 'index.html');
      const section = page.getByRole('region', { name: 'This portal in other languages' });
      for (const name of ['Deutsch', 'Italiano']) {
        await assert.doesNotReject(section.getByRole('link', { name, exact: true }).waitFor({ timeout: 5000 }), name);
      }
      await section.getByRole('link', { name: 'Deutsch', exact: true }).click();
      await page.waitForURL(/\/de\/index\.html$/);
      assert.equal(await page.getAttribute('html', 'lang'), 'de');
      assert.equal(await page.getByRole('heading', { level: 2, name: 'Dieses Portal in anderen Sprachen' }).count(), 1);
    });

    it('the switcher goes to the same page in the other language and shows how much is translated', { timeout: TIMEOUT }, async () => {
      await page.goto(`${server.url}${appStep}/index.html`);
      const h1en = await page.locator('h1').textContent();
      const nav = page.getByRole('navigation', { name: 'Language' });
      await nav.getByRole('link', { name: 'Deutsch' }).click();
      await page.waitForURL(new RegExp(`/de/${appStep}/index\\.html$`));
      assert.equal(await page.getAttribute('html', 'lang'), 'de');
      const h1de = await page.locator('h1').textContent();
      assert.notEqual(h1de, h1en, 'the German step page has the English title');
      assert.equal(await page.getByRole('heading', { name: 'Ihr Telefon als Mobilgerät hinzufügen' }).count(), 1);
      // The mock screens' labels stay English and are quoted as such.
      assert.match(await page.locator('main').textContent(), /Manage my mobile devices/);
      const navDe = page.getByRole('navigation', { name: 'Sprache' });
      // Fully translated pages show no percentage; the current language is not a link.
      assert.equal(await navDe.getByRole('link', { name: 'Deutsch' }).count(), 0);
      await navDe.getByRole('link', { name: 'Italiano' }).click();
      await page.waitForURL(new RegExp(`/it/${appStep}/index\\.html$`));
      assert.equal(await page.getAttribute('html', 'lang'), 'it');
      await page.getByRole('navigation', { name: 'Lingua' }).getByRole('link', { name: 'English' }).click();
      await page.waitForURL(new RegExp(`/${appStep}/index\\.html$`));
      assert.equal(await page.locator('h1').textContent(), h1en);
    });

    const cases = [
      { lang: 'en', query: 'Manage my mobile devices', heading: 'Add your phone as a mobile device', one: 'result' },
      { lang: 'de', query: 'Mobilgerät hinzufügen', heading: 'Ihr Telefon als Mobilgerät hinzufügen', one: 'Ergebnis' },
      // Accent folding and stemming: no umlaut, another inflection.
      { lang: 'de', query: 'mobilgerate hinzufugen', heading: 'Ihr Telefon als Mobilgerät hinzufügen', one: 'Ergebnis' },
      // An English screen label on German pages finds the German step.
      { lang: 'de', query: 'Manage my mobile devices', heading: 'Ihr Telefon als Mobilgerät hinzufügen', one: 'Ergebnis' },
      { lang: 'it', query: 'aggiungere dispositivo mobile', heading: 'Aggiungere il telefono come dispositivo mobile', one: 'risultat' },
      // Prefixes, as the reader types: the first letters of each word.
      { lang: 'en', query: 'mob devi', heading: 'Add your phone as a mobile device', one: 'result' },
      { lang: 'it', query: 'dispos mob', heading: 'Aggiungere il telefono come dispositivo mobile', one: 'risultat' },
      // A half-typed English screen label on German pages.
      { lang: 'de', query: 'Manage my mob', heading: 'Ihr Telefon als Mobilgerät hinzufügen', one: 'Ergebnis' },
    ];
    for (const c of cases) {
      it(`search (${c.lang}) "${c.query}" finds "${c.heading}"`, { timeout: TIMEOUT }, async () => {
        const prefix = c.lang === 'en' ? '' : `${c.lang}/`;
        await page.goto(`${server.url}${prefix}index.html`);
        const r = await search(page, c.query);
        assert.equal(r.expanded, 'true');
        assert.ok(r.options.length >= 1, `no results for ${c.query}`);
        const hit = r.options.findIndex((o) => o.text.includes(c.heading));
        assert.ok(hit >= 0 && hit < 5, `"${c.heading}" not in the first results: ${JSON.stringify(r.options.slice(0, 5))}`);
        assert.match(r.status, new RegExp(`${r.options.length}|${c.one}`), `status "${r.status}"`);
        // Keyboard: arrow down to the hit, Enter goes to its section.
        for (let i = 0; i <= hit; i++) await page.keyboard.press('ArrowDown');
        const active = await page.getByRole('search').getByRole('combobox').getAttribute('aria-activedescendant');
        assert.ok(active, 'no aria-activedescendant after ArrowDown');
        await page.keyboard.press('Enter');
        await page.waitForURL(/#add-your-phone|#ihr-telefon|#aggiungere-il-telefono/);
        // The step page of some guide, at that section, in the same language.
        const url = new URL(page.url());
        assert.match(url.pathname, new RegExp(`/${prefix}[^/]+/[^/]+/index\\.html$`), page.url());
        const target = await page.evaluate((id) => {
          const el = document.getElementById(id);
          return el && el.textContent;
        }, decodeURIComponent(url.hash.slice(1)));
        assert.equal(target && target.trim(), c.heading);
        assert.equal(await page.getAttribute('html', 'lang'), c.lang);
      });
    }

    it('Escape closes the results; axe is clean with the results open', { timeout: TIMEOUT }, async () => {
      await page.goto(`${server.url}de/${appStep}/index.html`);
      await search(page, 'Passwort');
      const violations = await lib.runAxe(page);
      assert.equal(violations.length, 0, lib.formatViolations(violations, 'German step page with search results open'));
      await page.keyboard.press('Escape');
      assert.equal(await page.getByRole('listbox').isVisible(), false);
      assert.equal(await page.getByRole('search').getByRole('combobox').getAttribute('aria-expanded'), 'false');
    });

    // The practice sandbox in German and Italian.
    for (const lang of LANGS) {
      const x = SANDBOX[lang];
      it(`(${lang}) labels its own controls in ${lang}, keeps the mock screens English in lang="en", axe clean`, { timeout: TIMEOUT }, async () => {
        await page.goto(`${server.url}${lang}/${guide}/sandbox/index.html`);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        await page.getByRole('heading', { level: 1, name: x.heading }).waitFor({ timeout: 10_000 });
        const controls = page.getByRole('group', { name: x.controls });
        assert.equal(await controls.getByRole('button', { name: x.reset, exact: true }).count(), 1, 'Reset');
        for (const m of x.modes) assert.equal(await controls.getByRole('radio', { name: m }).count(), 1, `mode ${m}`);
        const devices = page.getByRole('group', { name: x.devices });
        assert.equal(await devices.getByRole('button', { name: x.phone }).count(), 1, 'Phone');
        // (the practice state, and so the open Inbox, is kept across the languages' pages)
        const inboxButton = devices.getByRole('button', { name: x.inbox });
        if ((await inboxButton.getAttribute('aria-expanded')) !== 'true') await inboxButton.click();
        const inbox = page.getByRole('region', { name: x.inbox });
        await inbox.getByText(x.empty).waitFor({ timeout: 5000 });
        assert.equal(await page.locator('summary', { hasText: x.trainer }).count(), 1, 'Trainer panel');
        // The mock screen (CPMS login) in English, inside an element with lang="en".
        const login = page.getByRole('button', { name: 'Login via EU Login' });
        await login.waitFor({ timeout: 5000 });
        assert.equal(await login.evaluate((b) => b.closest('[lang]').getAttribute('lang')), 'en');
        assert.equal(await page.getByRole('heading', { level: 1 }).evaluate((h) => h.closest('[lang]').getAttribute('lang')), lang);
        // What sandbox.js adds to the page's fields and headings (kept out of its HTML).
        const missing = await page.evaluate(() => [
          ...[...document.querySelectorAll('.sbx input, .sbx textarea')]
            .filter((f) => f.type !== 'radio' && f.type !== 'checkbox')
            .filter((f) => !f.hasAttribute('autocomplete') || (f.type === 'password' && f.getAttribute('data-lpignore') !== 'true')),
          ...document.querySelectorAll('[data-s-screen] > h2:not([tabindex="-1"]), [data-s-step-focus]:not([tabindex="-1"])'),
        ].map((e) => e.id || e.outerHTML.slice(0, 80)));
        assert.deepEqual(missing, []);
        const violations = await lib.runAxe(page);
        assert.equal(violations.length, 0, lib.formatViolations(violations, `${lang} sandbox page`));
      });

      it(`(${lang}) the switcher goes to the same sandbox in another language`, { timeout: TIMEOUT }, async () => {
        await page.goto(`${server.url}${lang}/${guide}/sandbox/index.html`);
        await page.getByRole('navigation', { name: x.nav }).getByRole('link', { name: x.other }).click();
        const to = x.other === 'Deutsch' ? 'de' : 'it';
        await page.waitForURL(new RegExp(`/${to}/${guide}/sandbox/index\\.html$`));
        assert.equal(await page.getAttribute('html', 'lang'), to);
        await page.getByRole('heading', { level: 1, name: SANDBOX[to].heading }).waitFor({ timeout: 10_000 });
        await page.getByRole('navigation', { name: SANDBOX[to].nav }).getByRole('link', { name: 'English' }).click();
        await page.waitForURL(new RegExp(`/${guide}/sandbox/index\\.html$`));
        assert.equal(await page.getAttribute('html', 'lang'), 'en');
        assert.ok(!/\/(de|it)\//.test(new URL(page.url()).pathname), page.url());
      });
    }

    it('made no request to any other host and raised no script error', () => {
      assert.equal(guard.external.length, 0, guard.report());
      assert.deepEqual(errors, []);
    });
  });

  describe('translated breadcrumbs and figure dialog', () => {
    const crumbs = { de: ['Startseite', 'Erklärung zur Barrierefreiheit', 'Handout zum Ausdrucken', 'Folien', 'Schließen'],
      it: ['Pagina iniziale', 'Dichiarazione di accessibilità', 'Dispensa da stampare', 'Diapositive', 'Chiudi'] };
    for (const lang of LANGS) {
      it(`(${lang}) the statement, handout and slides pages have translated breadcrumbs`, () => {
        const [home, statement, handout, slides] = crumbs[lang];
        const nav = (rel) => /<nav class="eg-crumbs"[^>]*>([\s\S]*?)<\/nav>/.exec(fs.readFileSync(path.join(out, lang, rel), 'utf8'))[1];
        const a = nav('accessibility/index.html');
        assert.ok(a.includes(`>${home}</a>`) && a.includes(`aria-current="page">${statement}</a>`), a);
        assert.ok(nav(`${guide}/print/index.html`).includes(`aria-current="page">${handout}</a>`));
        assert.ok(nav(`${guide}/slides/index.html`).includes(`aria-current="page">${slides}</a>`));
      });
    }

    it('(de) a figure\'s zoom dialog has a translated Close button', { timeout: TIMEOUT }, async () => {
      const rel = lib.listHtmlFiles(path.join(out, 'de'))
        .find((p) => p.split('/').length === 3 && fs.readFileSync(path.join(out, 'de', p), 'utf8').includes('<figure class="eg-figure">'));
      assert.ok(rel, 'no German page with a figure');
      const w2 = await lib.watchedBrowser();
      try {
        await w2.page.goto(lib.fileUrl(path.join(out, 'de', rel)));
        await w2.page.locator('figure.eg-figure a.eg-figure-zoom').first().click();
        const close = w2.page.getByRole('dialog').getByRole('button', { name: crumbs.de[4] });
        await close.waitFor({ timeout: 5000 });
        await close.click();
        assert.equal(await w2.page.getByRole('dialog').count(), 0);
        assert.deepEqual(w2.errors, []);
      } finally {
        await w2.close();
      }
    });
  });

  describe('from file:// (opened from disk)', () => {
    let w;
    let guard;
    let page;
    let errors;

    before(async () => {
      w = await lib.watchedBrowser();
      ({ guard, page, errors } = w);
    });
    after(async () => {
      if (w) await w.close();
    });

    for (const [lang, query, heading] of [
      ['en', 'mobile device', 'Add your phone as a mobile device'],
      ['de', 'Mobilgerät', 'Ihr Telefon als Mobilgerät hinzufügen'],
      ['it', 'dispositivo mobile', 'Aggiungere il telefono come dispositivo mobile'],
    ]) {
      it(`search (${lang}) finds the step from disk, with no request to any host`, { timeout: TIMEOUT }, async () => {
        const prefix = lang === 'en' ? '' : `${lang}/`;
        await page.goto(lib.fileUrl(path.join(out, `${prefix}${appStep}/index.html`)));
        const r = await search(page, query);
        const hit = r.options.find((o) => o.text.includes(heading));
        assert.ok(hit, `"${heading}" not found: ${JSON.stringify(r.options)}`);
        await page.getByRole('option').filter({ hasText: heading }).first().click();
        await page.waitForURL(/index\.html#/);
        assert.ok(page.url().startsWith('file:'), page.url());
        assert.ok(fs.existsSync(new URL(page.url().split('#')[0])), `${page.url()} is not a file of the output`);
      });
    }

    it('made no request to any host and raised no script error', () => {
      assert.equal(guard.external.length, 0, guard.report());
      assert.deepEqual(errors, []);
    });
  });

  describe('partly translated pages', () => {
    // A copy of the bundled site whose German catalog lacks one paragraph of a step, and
    // every unit of another step (under the threshold).
    const site = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'ernguide-i18n-'));
    for (const entry of ['site.toml', 'content', 'i18n', 'screenshots', 'themes']) {
      const from = path.join(lib.REPO_ROOT, entry);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(site, entry), { recursive: true });
    }
    const po = path.join(site, 'i18n', 'de.po');
    const blank = (text, ctx, only) =>
      text
        .split('\n\n')
        .map((block) => {
          if (!block.includes(`msgctxt "${ctx}"`)) return block;
          if (only && !block.includes(only)) return block;
          const i = block.indexOf('\nmsgstr ');
          return i < 0 ? block : `${block.slice(0, i)}\nmsgstr ""`;
        })
        .join('\n\n');
    let text = fs.readFileSync(po, 'utf8');
    text = blank(text, 'content/shared/eu-login/add-mobile-app.md', 'Point the phone');
    text = blank(text, 'content/guides/paedcan/04-first-login.md');
    text = blank(text, 'content/shared/cpms/first-login.md');
    fs.writeFileSync(po, text);
    const partOut = lib.buildSite({ site, out: path.join(site, 'public') });
    let browser;
    let page;

    before(async () => {
      browser = await lib.launchBrowser();
      page = await browser.newPage();
    });
    after(async () => {
      if (browser) await browser.close();
      // (the copy of the site and its build: 75 MB a run)
      fs.rmSync(site, { recursive: true, force: true });
    });

    it('an untranslated paragraph is English inside lang="en" with a "not yet translated" marker', { timeout: TIMEOUT }, async () => {
      await page.goto(lib.fileUrl(path.join(partOut, `de/${appStep}/index.html`)));
      const span = page.locator('span.eg-untranslated[lang=en]');
      assert.equal(await span.count(), 1);
      assert.match(await span.textContent(), /Point the phone/);
      assert.match(await page.locator('.eg-untranslated-mark').first().textContent(), /noch nicht übersetzt/);
      assert.equal(await page.locator('.eg-untranslated-banner').count(), 0);
      assert.equal(await page.getAttribute('html', 'lang'), 'de');
      const violations = await lib.runAxe(page);
      assert.equal(violations.length, 0, lib.formatViolations(violations, 'page with an untranslated paragraph'));
    });

    it('a page under the threshold is shown in English with one banner, and the switcher says how much is translated', { timeout: TIMEOUT }, async () => {
      await page.goto(lib.fileUrl(path.join(partOut, 'de/paedcan/first-login/index.html')));
      const banner = page.locator('.eg-untranslated-banner');
      assert.equal(await banner.count(), 1);
      assert.match(await banner.textContent(), /noch nicht ins Deutsche übersetzt/);
      assert.equal(await page.getAttribute('main', 'lang'), 'en');
      assert.equal(await page.locator('span.eg-untranslated').count(), 0, 'a page shown in English has no patchwork markers');
      const share = await page.getByRole('navigation', { name: 'Sprache' }).locator('.eg-lang-share').allTextContents();
      assert.ok(share.some((s) => /\d+ % übersetzt/.test(s)), `no completeness shown: ${JSON.stringify(share)}`);
      const violations = await lib.runAxe(page);
      assert.equal(violations.length, 0, lib.formatViolations(violations, 'page under the threshold'));
    });
  });
}
