'use strict';
/*
 * Shared helpers for the browser tests (tests/browser/*.test.js). CommonJS, Node >= 20.
 * Run everything with `scripts/test`; it builds target/release/ernguide, installs Debian's
 * chromium and the npm packages first. Nothing here downloads anything.
 *
 *   const lib = require('./lib');
 *
 *   lib.REPO_ROOT                       absolute path of the repository
 *   lib.ERNGUIDE_BIN                    target/release/ernguide (override: env ERNGUIDE_BIN)
 *   lib.CHROMIUM_PATH                   /usr/bin/chromium        (override: env CHROMIUM_PATH)
 *
 *   lib.buildSite({site, out} = {})     -> absolute output dir (sync)
 *       Runs `ernguide build --site <site> --out <out>`. `site` defaults to the repo root (the
 *       bundled portal); `out` defaults to a fresh temp dir that is removed when the process
 *       exits. Results are cached per process by (site, out): a second call with the same
 *       arguments does not rebuild. Pass {fresh: true} to force a rebuild. Throws with the
 *       build's stderr if it fails.
 *
 *   await lib.serveDir(dir)             -> {url, origin, port, close}
 *       Tiny static server on 127.0.0.1, random port. `url` ends with '/'. Directories serve
 *       their index.html (a directory URL without a trailing slash gets a 301 to add it),
 *       unknown paths get 404 (with the dir's 404.html as body if it exists). Only GET/HEAD.
 *       `await close()` stops it (open keep-alive connections included).
 *
 *   await lib.launchBrowser(opts)       -> {context, userDataDir, newPage(), close()}
 *       Headless Debian Chromium through playwright-core's launchPersistentContext, in a new
 *       empty user-data dir, with the flags this machine's closed network needs. `opts` are
 *       extra launchPersistentContext options (viewport, locale, ...). `close()` closes the
 *       browser and removes the user-data dir.
 *
 *   await lib.guardRequests(context, allowedOrigin) -> {external, allowedOrigins, reset(), report()}
 *       Routes every request of the context (all pages, workers too): a request whose origin is
 *       not `allowedOrigin` (a string such as 'http://127.0.0.1:1234', an array of them, or
 *       null for none) and not file:, data:, blob: or about: is recorded in `.external`
 *       ({url, method, resourceType, page}) and aborted. WebSockets are guarded the same way.
 *       Assert with: assert.deepEqual(guard.external, [], guard.report()).
 *
 *   await lib.watchedBrowser({dir, viewport} = {}) -> {server, browser, guard, page, errors, close()}
 *       The setup of a test that counts requests and script errors: serves `dir` (when given;
 *       else pages are opened from file:// and every request to a host is external), launches
 *       the browser, guards its requests (guardRequests, allowing only the server's origin),
 *       opens one page, and collects every page's script errors (`<url>: <message>`, pages
 *       the test opens later included) in `errors`. `close()` closes the browser and server.
 *       Assert with: assert.deepEqual(errors, []); assert.deepEqual(guard.external, [], guard.report()).
 *
 *   await lib.runAxe(page, {include, exclude, tags} = {}) -> violations[]
 *       Injects axe-core (node_modules/axe-core/axe.min.js, through the DevTools protocol, so a
 *       page's Content-Security-Policy doesn't block it) and runs it on the document (or on
 *       `include` / minus `exclude`: CSS selectors or arrays of them) with the tags
 *       wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa (lib.AXE_TAGS). Returns axe's violations,
 *       each {id, impact, help, helpUrl, nodes: [{target, html, failureSummary}]}.
 *
 *   lib.formatViolations(violations, label?) -> string
 *       Readable text for an assertion message: one block per rule with impact, help, and each
 *       failing node's selector, HTML snippet and summary.
 *
 *   lib.listHtmlFiles(dir)              -> sorted relative paths ('a/b/index.html') of every .html
 *   lib.fileUrl(absPath)                -> file:// URL of a path
 *
 * Typical use:
 *   const out = lib.buildSite();
 *   const server = await lib.serveDir(out);
 *   const browser = await lib.launchBrowser();
 *   const guard = await lib.guardRequests(browser.context, server.origin);
 *   const page = await browser.newPage();
 *   await page.goto(server.url + 'paedcan/sandbox/index.html');
 *   const v = await lib.runAxe(page);
 *   assert.equal(v.length, 0, lib.formatViolations(v));
 *   assert.deepEqual(guard.external, [], guard.report());
 *   await browser.close(); await server.close();
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { test } = require('node:test');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const ERNGUIDE_BIN = process.env.ERNGUIDE_BIN || path.join(REPO_ROOT, 'target', 'release', 'ernguide');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AXE_TAGS = Object.freeze(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']);
const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

// ---------------------------------------------------------------- temp dirs

const tempDirs = new Set();
function makeTempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}
function removeDir(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* best effort */
  }
  tempDirs.delete(dir);
}
process.on('exit', () => {
  for (const dir of [...tempDirs]) removeDir(dir);
});

// ---------------------------------------------------------------- build

const buildCache = new Map();

function buildSite({ site = REPO_ROOT, out, fresh = false } = {}) {
  const siteDir = path.resolve(site);
  const key = `${siteDir}\0${out ? path.resolve(out) : ''}`;
  if (!fresh && buildCache.has(key)) return buildCache.get(key);
  if (!fs.existsSync(ERNGUIDE_BIN)) {
    throw new Error(
      `${ERNGUIDE_BIN} does not exist: run \`cargo build --release\` first (scripts/test does).`,
    );
  }
  // The generator builds into a temporary folder and swaps it in, so give it a path that
  // doesn't exist yet inside a dir of our own.
  const outDir = out ? path.resolve(out) : path.join(makeTempDir('ernguide-site-'), 'public');
  try {
    execFileSync(ERNGUIDE_BIN, ['build', '--site', siteDir, '--out', outDir], {
      cwd: siteDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
  } catch (err) {
    const msg = [
      `ernguide build --site ${siteDir} --out ${outDir} failed (exit ${err.status}${err.signal ? `, ${err.signal}` : ''})`,
      err.stderr && `stderr:\n${err.stderr}`,
      err.stdout && `stdout:\n${err.stdout}`,
    ]
      .filter(Boolean)
      .join('\n');
    throw new Error(msg);
  }
  if (!fs.existsSync(path.join(outDir, 'index.html'))) {
    throw new Error(`ernguide build succeeded but ${outDir}/index.html is missing`);
  }
  buildCache.set(key, outDir);
  return outDir;
}

/**
 * Build the bundled portal (once per test file, cached) without throwing at load time:
 * `{ out }` on success, `{ error }` when the build failed, so a test file can report the
 * build error as one failing test (`failBuild(error)`) instead of crashing or skipping.
 */
function tryBuildSite(opts) {
  try {
    return { out: buildSite(opts) };
  } catch (error) {
    return { error };
  }
}

/** One failing test that shows why the portal could not be built. */
function failBuild(error) {
  test('builds the bundled portal', () => {
    throw error;
  });
}

function listHtmlFiles(dir) {
  const found = [];
  const walk = (abs, rel) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const a = path.join(abs, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(a, r);
      else if (entry.isFile() && entry.name.endsWith('.html')) found.push(r);
    }
  };
  walk(path.resolve(dir), '');
  return found.sort();
}

function fileUrl(absPath) {
  return require('node:url').pathToFileURL(absPath).href;
}

// ---------------------------------------------------------------- static server

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
};

function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

function serveDir(dir) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const send = (status, headers, body) => {
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const notFound = () => {
      const page404 = path.join(root, '404.html');
      if (fs.existsSync(page404)) send(404, { 'Content-Type': MIME['.html'] }, fs.readFileSync(page404));
      else send(404, { 'Content-Type': MIME['.txt'] }, 'not found\n');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, { Allow: 'GET, HEAD', 'Content-Type': MIME['.txt'] }, 'method not allowed\n');
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      send(400, { 'Content-Type': MIME['.txt'] }, 'bad request\n');
      return;
    }
    if (pathname.includes('\0')) return notFound();
    let file = path.join(root, pathname);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound();
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return notFound();
    }
    if (stat.isDirectory()) {
      if (!pathname.endsWith('/')) {
        const u = new URL(req.url, 'http://127.0.0.1');
        send(301, { Location: `${u.pathname}/${u.search}` }, '');
        return;
      }
      file = path.join(file, 'index.html');
      try {
        stat = fs.statSync(file);
      } catch {
        return notFound();
      }
    }
    if (!stat.isFile()) return notFound();
    send(200, { 'Content-Type': mimeType(file), 'Content-Length': stat.size }, fs.readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const origin = `http://127.0.0.1:${port}`;
      resolve({
        url: `${origin}/`,
        origin,
        port,
        close: () =>
          new Promise((res) => {
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}

// ---------------------------------------------------------------- browser

async function launchBrowser(opts = {}) {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install Debian's chromium (scripts/test does).`);
  }
  const userDataDir = makeTempDir('ernguide-chromium-');
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: 60_000,
      ...opts,
    });
  } catch (err) {
    removeDir(userDataDir);
    throw err;
  }
  let closed = false;
  return {
    context,
    userDataDir,
    // A persistent context opens with one blank page: hand that one out first.
    async newPage() {
      const blank = context.pages().find((p) => p.url() === 'about:blank' && !p.__ernguideUsed);
      const page = blank || (await context.newPage());
      page.__ernguideUsed = true;
      return page;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        removeDir(userDataDir);
      }
    },
  };
}

const ALWAYS_ALLOWED_SCHEMES = new Set(['file:', 'data:', 'blob:', 'about:']);

async function guardRequests(context, allowedOrigin) {
  const allowedOrigins = new Set(
    (Array.isArray(allowedOrigin) ? allowedOrigin : [allowedOrigin])
      .filter(Boolean)
      .map((o) => new URL(o).origin),
  );
  const external = [];
  const isAllowed = (url) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (ALWAYS_ALLOWED_SCHEMES.has(u.protocol)) return true;
    if (u.protocol === 'ws:' || u.protocol === 'wss:') {
      const asHttp = new URL(url);
      asHttp.protocol = u.protocol === 'ws:' ? 'http:' : 'https:';
      return allowedOrigins.has(asHttp.origin);
    }
    return allowedOrigins.has(u.origin);
  };
  const frameUrl = (req) => {
    try {
      return req.frame().url();
    } catch {
      return '(no frame)';
    }
  };
  await context.route('**/*', async (route) => {
    const req = route.request();
    if (isAllowed(req.url())) {
      await route.continue();
    } else {
      external.push({ url: req.url(), method: req.method(), resourceType: req.resourceType(), page: frameUrl(req) });
      await route.abort('blockedbyclient');
    }
  });
  if (typeof context.routeWebSocket === 'function') {
    await context.routeWebSocket(/.*/, (ws) => {
      if (isAllowed(ws.url())) {
        ws.connectToServer();
      } else {
        external.push({ url: ws.url(), method: 'GET', resourceType: 'websocket', page: '(websocket)' });
        ws.close({ code: 1008, reason: 'blocked by test' });
      }
    });
  }
  return {
    external,
    allowedOrigins: [...allowedOrigins],
    reset() {
      external.length = 0;
    },
    report() {
      if (external.length === 0) return 'no external requests';
      return [
        `${external.length} request(s) to a host other than ${[...allowedOrigins].join(', ') || '(none)'}:`,
        ...external.map((r) => `  ${r.method} ${r.url} [${r.resourceType}] from ${r.page}`),
      ].join('\n');
    },
  };
}

// ---------------------------------------------------------------- axe

let axeSource;
function getAxeSource() {
  if (!axeSource) axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

async function runAxe(page, { include, exclude, tags = AXE_TAGS } = {}) {
  const hasAxe = await page.evaluate(() => typeof window.axe === 'object' && !!window.axe && typeof window.axe.run === 'function');
  if (!hasAxe) {
    // Evaluated through the DevTools protocol: not subject to the page's CSP, unlike a
    // <script> tag. `module`/`define` are not defined in the page, so axe sets window.axe.
    await page.evaluate(`${getAxeSource()}\n;undefined`);
  }
  const toList = (x) => (x == null ? undefined : Array.isArray(x) ? x : [x]);
  const ctx = {};
  if (include != null) ctx.include = toList(include);
  if (exclude != null) ctx.exclude = toList(exclude);
  const result = await page.evaluate(
    async ({ ctx, tags }) => {
      const context = Object.keys(ctx).length ? ctx : document;
      const r = await window.axe.run(context, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        description: v.description,
        help: v.help,
        helpUrl: v.helpUrl,
        tags: v.tags,
        nodes: v.nodes.map((n) => ({
          target: n.target,
          html: n.html,
          impact: n.impact,
          failureSummary: n.failureSummary,
        })),
      }));
    },
    { ctx, tags: [...tags] },
  );
  return result;
}

function formatViolations(violations, label) {
  if (!violations || violations.length === 0) return `${label ? `${label}: ` : ''}no axe violations`;
  const lines = [`${label ? `${label}: ` : ''}${violations.length} axe violation(s):`];
  for (const v of violations) {
    lines.push(`- [${v.impact || 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      const target = (n.target || []).map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | ');
      lines.push(`    at ${target}`);
      if (n.html) lines.push(`       ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (n.failureSummary) {
        for (const s of n.failureSummary.split('\n')) if (s.trim()) lines.push(`       ${s.trim()}`);
      }
    }
  }
  return lines.join('\n');
}

async function watchedBrowser({ dir = null, viewport } = {}) {
  const server = dir ? await serveDir(dir) : null;
  let browser;
  try {
    browser = await launchBrowser(viewport ? { viewport } : {});
    const guard = await guardRequests(browser.context, server ? server.origin : null);
    const errors = [];
    const watched = new WeakSet();
    const watch = (p) => {
      if (watched.has(p)) return;
      watched.add(p);
      p.on('pageerror', (e) => errors.push(`${p.url()}: ${e.message}`));
    };
    browser.context.pages().forEach(watch);
    browser.context.on('page', watch);
    const page = await browser.newPage();
    watch(page);
    return {
      server,
      browser,
      guard,
      page,
      errors,
      async close() {
        await browser.close();
        if (server) await server.close();
      },
    };
  } catch (err) {
    if (browser) await browser.close();
    if (server) await server.close();
    throw err;
  }
}

/**
 * Waits until the page's own scripts have run. A page with late scripts (base.html: a
 * `<template data-eg-late>` of `<script src>` that an inline loader adds after the largest
 * paint, e.g. the practice page) can fire its load event before they are even requested; its
 * loader sets `data-eg-scripts` on <html> once the last has run ("run"), or when one could not
 * load ("failed", which throws here). Any other page: at once. A loader that never finishes
 * fails here (timeout). Whether the scripts did their work is the caller's to check.
 */
async function pageScriptsRun(page, timeout = 15000) {
  await page.waitForFunction(
    () => !document.querySelector('template[data-eg-late]') || document.documentElement.hasAttribute('data-eg-scripts'),
    null,
    { polling: 50, timeout },
  );
  const state = await page.evaluate(() => document.documentElement.getAttribute('data-eg-scripts'));
  if (state === 'failed') throw new Error(`${page.url()}: a late script could not be loaded`);
}

module.exports = {
  pageScriptsRun,
  REPO_ROOT,
  ERNGUIDE_BIN,
  CHROMIUM_PATH,
  CHROMIUM_ARGS,
  AXE_TAGS,
  buildSite,
  tryBuildSite,
  failBuild,
  listHtmlFiles,
  fileUrl,
  serveDir,
  mimeType,
  launchBrowser,
  guardRequests,
  watchedBrowser,
  runAxe,
  formatViolations,
};
