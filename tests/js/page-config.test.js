'use strict';
// The flow on the config each bundled guide's practice page really gets (`ernguide dump-sandbox`,
// the page's own `sbx-data` JSON), not on a config rebuilt from the YAML files.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { REPO, pageConfig } = require('./config');
const F = require(path.join(REPO, 'themes/default/static/sandbox/flow.js'));

// Every guide folder, except template guides (`network: "*"` in `_index.md`), which become one
// guide per ERN (`<ern>-<folder>`): of those, the three networks with documents and one ERN known
// only by name.
const GUIDES = path.join(REPO, 'content', 'guides');
const guides = [];
for (const dir of fs.readdirSync(GUIDES).sort()) {
  const index = path.join(GUIDES, dir, '_index.md');
  const isTemplate = fs.existsSync(index) && /^network:\s*["']\*["']\s*$/m.test(fs.readFileSync(index, 'utf8'));
  if (!isTemplate) guides.push(dir);
  else for (const ern of ['paedcan', 'reconnet', 'ern-rnd', 'vascern']) guides.push(`${ern}-${dir}`);
}

test('the bundled portal has guides to check', () => {
  assert.ok(guides.length >= 2, guides.join(', '));
});

for (const slug of guides) {
  test(`${slug}: the page config fits its guide and the flow starts on it`, () => {
    const cfg = pageConfig(slug);
    assert.equal(cfg.guide.slug, slug);
    const system = cfg.guide.system;
    const screens = cfg.data.sandbox.screens;
    // the page keeps only the screens of its system, and every step's screen is among them
    for (const [id, def] of Object.entries(screens)) {
      assert.ok(!def.systems || def.systems.includes(system), `${id} is not a ${system} screen`);
    }
    for (const s of cfg.steps) assert.ok(screens[s.sandbox], `step "${s.title}" opens unknown screen ${s.sandbox}`);
    // the one password variant the page ships is the one the sandbox enforces
    const rules = cfg.data.eu_login.password_rules;
    assert.equal(rules.variants.length, 1);
    assert.equal(rules.variants[0].id, rules.shown);
    // the flow starts in every scenario, on a screen the page has
    const state = F.initialState(cfg);
    assert.ok(state, 'initial state');
    for (const sc of cfg.data.sandbox.scenarios) {
      const start = sc.screen && sc.screen[system];
      if (start) assert.ok(screens[start], `scenario ${sc.id} starts on unknown screen ${start}`);
      assert.ok(F.initialState(cfg, sc.id), `scenario ${sc.id}`);
    }
  });
}
