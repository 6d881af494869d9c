'use strict';
// Builds the sandbox config (what the generator writes into the page as `sandbox_data`) straight
// from the YAML files of a site folder, so the flow's unit tests run on the real data.
// YAML parser: the one bundled in playwright-core (a dev dependency of the browser tests).
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');

function yamlParser() {
  const candidates = [
    () => require('yaml'),
    () => require(path.join(REPO, 'node_modules', 'playwright-core', 'lib', 'utilsBundle.js')).yaml,
  ];
  for (const c of candidates) {
    try {
      const y = c();
      if (y && typeof y.parse === 'function') return y;
    } catch { /* next */ }
  }
  throw new Error('no YAML parser: run `npm ci` (playwright-core bundles one)');
}

const yaml = yamlParser();
const readYaml = (file) => yaml.parse(fs.readFileSync(file, 'utf8'));

function loadData(site = REPO) {
  const dir = path.join(site, 'content', 'data');
  const data = {};
  for (const name of ['erns', 'countries', 'profiles', 'eu_login', 'facts', 'links', 'sandbox']) {
    const f = path.join(dir, `${name}.yaml`);
    if (fs.existsSync(f)) data[name] = readYaml(f);
  }
  // Like the generator: without a site flow, the theme's default flow.
  if (!data.sandbox) data.sandbox = readYaml(path.join(REPO, 'themes', 'default', 'data', 'sandbox.yaml'));
  return data;
}

// opts: {network, system, slug, as_of, site, data}
function makeConfig(opts = {}) {
  const site = opts.site || REPO;
  const data = opts.data || loadData(site);
  const networkId = opts.network || 'paedcan';
  const network = readYaml(path.join(site, 'content', 'networks', networkId, 'network.yaml'));
  const system = opts.system || 'saas';
  return {
    as_of: opts.as_of || '2026-11-22',
    guide: { slug: opts.slug || `${networkId}${system === 'cpms2' ? '-cpms2' : ''}`, title: 'Test guide', network: networkId, system },
    network,
    data,
    steps: opts.steps || [],
  };
}

// The config a guide's practice page really gets (its `<script id="sbx-data">`), as
// `ernguide dump-sandbox` prints it: needs the release binary (`cargo build --release`, which
// scripts/test runs first) or ERNGUIDE_BIN. Parsed once per (site, guide).
const pages = new Map();
function pageConfig(slug, site = REPO) {
  const key = `${site}\n${slug}`;
  if (!pages.has(key)) {
    const bin = process.env.ERNGUIDE_BIN || path.join(REPO, 'target', 'release', 'ernguide');
    const { execFileSync } = require('node:child_process');
    pages.set(key, execFileSync(bin, ['dump-sandbox', '--site', site, '--guide', slug], { encoding: 'utf8' }));
  }
  return JSON.parse(pages.get(key));
}

module.exports = { REPO, yaml, readYaml, loadData, makeConfig, pageConfig };
