'use strict';
// Search from the practice sandbox page (issue 14), from file:// in headless Chromium, driven by
// roles and names as a reader would. The practice page keeps its start-up small: its search box
// loads static/search.js only on first use (static/search-lazy.js adds it as a classic
// <script src>), then search.js loads the language's index. The box must then work as on every
// other page: results by keyboard, the result count announced, Escape closing the list, Enter
// opening the step, with no request to any host and no script error.
// (Search on the other pages: i18n.test.js.)

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

const TIMEOUT = 120_000;

const { out, error: buildError } = lib.tryBuildSite();

if (buildError) lib.failBuild(buildError);

describe('search on the practice sandbox page, from file://', { skip: !!buildError }, () => {
  let w;
  before(async () => {
    w = await lib.watchedBrowser();
  });
  after(async () => {
    if (w) await w.close();
  });

  for (const [prefix, guide, query, heading, count] of [
    ['', 'paedcan', 'mobile device', 'Add your phone as a mobile device', /^\d+ results$/],
    ['de/', 'paedcan-cpms2', 'Mobilgerät', 'Ihr Telefon als Mobilgerät hinzufügen', /^\d+ Ergebnisse$/],
  ]) {
    it(`${prefix || 'en/'}${guide}/sandbox: "${query}" finds "${heading}" by keyboard`, { timeout: TIMEOUT }, async () => {
      const { page } = w;
      await page.goto(lib.fileUrl(path.join(out, `${prefix}${guide}/sandbox/index.html`)));
      // the sandbox itself started (its first screen is shown)
      await page.waitForFunction(() => /^#\/[a-z0-9-]+/.test(location.hash), null, { timeout: 10_000 });
      // search.js is not part of the page's start-up
      const loaded = () => page.evaluate(() => [...document.scripts].some((s) => /\/search\.js$/.test(s.src)));
      assert.equal(await loaded(), false, 'search.js loaded before the box was used');

      const box = page.getByRole('search').getByRole('combobox');
      assert.equal(await box.getAttribute('aria-expanded'), 'false');
      await box.focus();
      await box.pressSequentially(query, { delay: 5 });
      const list = page.getByRole('search').getByRole('listbox');
      await list.waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await loaded(), true, 'search.js is loaded on first use');
      assert.equal(await box.getAttribute('aria-expanded'), 'true');
      // the number of results, announced in the live status
      const status = page.getByRole('search').getByRole('status');
      assert.match(await status.textContent(), count);
      const options = await list.getByRole('option').allTextContents();
      const at = options.findIndex((o) => o.includes(heading));
      assert.ok(at >= 0, `"${heading}" not among ${JSON.stringify(options)}`);

      // Escape closes the list, the arrow opens it again and moves through the options
      await box.press('Escape');
      assert.equal(await list.isVisible(), false);
      assert.equal(await box.getAttribute('aria-expanded'), 'false');
      for (let i = 0; i <= at; i++) await box.press('ArrowDown');
      assert.equal(await box.getAttribute('aria-expanded'), 'true');
      const active = await box.getAttribute('aria-activedescendant');
      assert.ok(active, 'no active option');
      assert.match(await page.locator(`#${active}`).textContent(), new RegExp(heading));
      assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true');

      // Enter opens that step, a file of the output
      await box.press('Enter');
      await page.waitForURL(/index\.html#/);
      assert.ok(page.url().startsWith('file:'), page.url());
      assert.ok(fs.existsSync(new URL(page.url().split('#')[0])), `${page.url()} is not a file of the output`);
      assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
    });
  }

  it('made no request to any host and raised no script error', () => {
    assert.equal(w.guard.external.length, 0, w.guard.report());
    assert.deepEqual(w.errors, []);
  });
});
