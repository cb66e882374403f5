// Plays Chromium's part for an app in the Electron-shaped host, over the host's renderer
// link: every window the app makes is a page in Chromium (Playwright), loaded over HTTP
// from this process (file:///path is served as http://127.0.0.1:<port>/path, so relative
// URLs and a CSP of 'self' work), with its preload run in the page's isolated world
// (renderer/preload-world.js), contextBridge between the worlds (renderer/bridge.js,
// renderer/main-world.js), and the IPC of both carried over the link.
import fs from 'node:fs';
import http from 'node:http';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = (name) => fs.readFileSync(path.join(here, 'renderer', name), 'utf8');
const WORLD = 'electron-host-preload';
const BINDING = '__electronHostIpc';
const RENDERER_MODULES = new Set(['electron', 'electron/common', 'electron/renderer']);
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8' };

/**
 * The preload and what it requires, as script text: { [file]: { deps, fn } }. Requires
 * are found by their literal names and resolved as Node would from each file; a
 * sandboxed preload gets none (it may require only Electron's short list).
 */
function bundlePreload(entry, sandbox) {
  const modules = new Map();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift();
    if (modules.has(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const deps = {};
    if (!sandbox && !file.endsWith('.json')) {
      const resolve = createRequire(file).resolve;
      for (const [, , request] of text.matchAll(/\brequire\(\s*(['"])([^'"]+)\1\s*\)/g)) {
        if (RENDERER_MODULES.has(request) || isBuiltin(request)) continue;
        try {
          deps[request] = resolve(request);
          queue.push(deps[request]);
        } catch {
          // left out: require() of it fails in the page, as it would have to
        }
      }
    }
    modules.set(file, { text, deps });
  }
  const entries = [...modules].map(([file, { text, deps }]) => {
    const body = file.endsWith('.json') ? `module.exports = ${text};` : text.replace(/^#!.*/, '');
    return `${JSON.stringify(file)}: { deps: ${JSON.stringify(deps)}, fn: function (exports, require, module, __filename, __dirname, process) {\n${body}\n} }`;
  });
  return `{\n${entries.join(',\n')}\n}`;
}

/**
 * Serves the app's windows from `browser` (a Playwright Browser) for the host at the other
 * end of `link` (the socket launch() returns). Files under `roots` can be loaded.
 * Returns { firstWindow(), pages, problems, close() }: `problems` collects page errors and
 * console errors of every world.
 */
export async function startRenderers(link, { browser, roots, versions = {} }) {
  const allowed = roots.map((root) => path.resolve(root) + path.sep);
  const server = http.createServer((req, res) => {
    const file = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    if (file === '/favicon.ico') {
      res.writeHead(204).end(); // Chromium asks; Electron's file:// pages have none
      return;
    }
    const ok = req.method === 'GET' && allowed.some((root) => file.startsWith(root)) && fs.existsSync(file) && fs.statSync(file).isFile();
    if (!ok) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const windows = new Map();
  const pages = [];
  const problems = [];
  const pageWaiters = [];
  const toHost = (message) => {
    if (!link.destroyed) link.write(`${JSON.stringify(message)}\n`);
  };

  async function create(id, preferences) {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const win = { id, context, page, cdp, contextId: null, contextWaiters: [], delivery: Promise.resolve(), closing: false };
    windows.set(id, win);
    const { frameTree } = await cdp.send('Page.getFrameTree');
    cdp.on('Runtime.executionContextCreated', ({ context: created }) => {
      if (created.name !== WORLD || created.auxData?.frameId !== frameTree.frame.id) return;
      win.contextId = created.id;
      for (const wake of win.contextWaiters.splice(0)) wake();
    });
    cdp.on('Runtime.executionContextsCleared', () => {
      win.contextId = null;
    });
    cdp.on('Runtime.bindingCalled', ({ name, payload }) => {
      if (name === BINDING) toHost({ ...JSON.parse(payload), id });
    });
    await cdp.send('Page.enable'); // worldName scripts run only with the Page domain on
    await cdp.send('Runtime.enable');
    await cdp.send('Runtime.addBinding', { name: BINDING, executionContextName: WORLD });
    const config = {
      binding: BINDING,
      preload: preferences.preload,
      sandbox: preferences.sandbox,
      contextIsolation: preferences.contextIsolation,
      versions,
      platform: process.platform,
    };
    const modules = preferences.preload === null ? '{}' : bundlePreload(preferences.preload, preferences.sandbox);
    await cdp.send('Page.addScriptToEvaluateOnNewDocument', {
      source: `${source('bridge.js')}\n${source('preload-world.js')}\nelectronHostRenderer(${JSON.stringify(config)}, ${modules});`,
      worldName: WORLD,
    });
    await page.addInitScript(`${source('bridge.js')}\n${source('main-world.js')}`);
    page.on('pageerror', (error) => problems.push(`window ${id}: page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`window ${id}: console error: ${message.text()}`);
    });
    page.on('close', () => {
      if (!win.closing) toHost({ type: 'close-requested', id });
    });
    pages.push(page);
    for (const wake of pageWaiters.splice(0)) wake();
  }

  async function load(win, url) {
    const target = new URL(url);
    if (target.protocol === 'file:') {
      const file = fileURLToPath(target);
      if (!fs.existsSync(file)) {
        toHost({ type: 'did-fail-load', id: win.id, error: { code: -6, description: 'ERR_FILE_NOT_FOUND' } });
        return;
      }
      target.href = `${origin}${target.pathname}${target.search}${target.hash}`;
    }
    try {
      await win.page.goto(target.href, { waitUntil: 'load' });
      toHost({ type: 'did-finish-load', id: win.id });
    } catch (error) {
      toHost({ type: 'did-fail-load', id: win.id, error: { code: -2, description: error.message } });
    }
  }

  /** Into the isolated world of the page's current document, in order. */
  function deliver(win, message) {
    win.delivery = win.delivery.then(async () => {
      if (win.contextId === null) await new Promise((resolve) => win.contextWaiters.push(resolve));
      await win.cdp
        .send('Runtime.evaluate', { expression: `__electronHostDeliver(${JSON.stringify(message)})`, contextId: win.contextId })
        .catch((error) => problems.push(`window ${win.id}: delivery failed: ${error.message}`));
    });
  }

  async function closePage(win, answer) {
    win.closing = true;
    await win.page.close().catch(() => {});
    await win.context.close().catch(() => {});
    if (answer) toHost({ type: 'unloaded', id: win.id });
  }

  // Per window, the host's messages are handled in the order they came.
  const queues = new Map();
  function handle(message) {
    const { type, id } = message;
    const previous = type === 'create' ? Promise.resolve() : queues.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (type === 'create') return create(id, message.preferences);
      const win = windows.get(id);
      if (win === undefined) return;
      if (type === 'load') void load(win, message.url); // IPC flows while it loads
      else if (type === 'message') deliver(win, { type: 'message', channel: message.channel, args: message.args });
      else if (type === 'reply') deliver(win, { type: 'reply', requestId: message.requestId, reply: message.reply });
      else if (type === 'close') await closePage(win, true);
      else if (type === 'destroy') await closePage(win, false);
    });
    queues.set(id, next.catch((error) => problems.push(`window ${id}: ${type} failed: ${error.message}`)));
  }

  let pending = '';
  link.setEncoding('utf8');
  link.on('data', (chunk) => {
    pending += chunk;
    let at;
    while ((at = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      if (line !== '') handle(JSON.parse(line));
    }
  });
  link.on('error', () => {});

  return {
    pages,
    problems,
    /** The first window's page, once there is one. */
    async firstWindow() {
      if (pages.length === 0) await new Promise((resolve) => pageWaiters.push(resolve));
      return pages[0];
    },
    async close() {
      for (const win of windows.values()) await closePage(win, false);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
