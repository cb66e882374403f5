// Runs an Electron app (its main script) in the Electron-shaped host and collects what it
// reported (electron-host/testing's report(): "@report {json}" lines on stdout), its
// output, and how it ended. With `renderer`, the host gets a renderer link (fd 3) and
// `renderer(link)` plays Chromium's side (see chromium.mjs).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { hostMajor, ensureHost } = require('./runtime.js');

export const here = path.dirname(fileURLToPath(import.meta.url));
export const apps = path.join(here, 'apps');

/** false when the host can run here, else why not (for node:test's `skip`). */
export function skipReason() {
  const choice = hostMajor();
  return choice.skip ?? false;
}

let host = null;
/** The host binary and library (built when stale). */
export function theHost() {
  host ??= ensureHost(hostMajor().major);
  return host;
}

/**
 * Starts `main` in the host. Returns { child, done, reports, link }: `done` resolves with
 * { code, signal, stdout, stderr, reports } when the process has ended; `reports` fills
 * as the app reports; `link` is the renderer link socket (with `renderer: true`).
 */
export function launch(main, { args = [], env = {}, cwd, renderer = false, nodeArgs = [] } = {}) {
  const { node, library } = theHost();
  const childEnv = { ...process.env, ...env, LD_PRELOAD: library };
  // node --test marks its children as test files; the host is an app, not one.
  delete childEnv.NODE_TEST_CONTEXT;
  delete childEnv.NODE_OPTIONS;
  if (renderer) childEnv.ELECTRON_HOST_LINK_FD = '3';
  const child = spawn(node, [...nodeArgs, main, ...args], {
    cwd: cwd ?? path.dirname(main),
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe', ...(renderer ? ['pipe'] : [])],
  });
  const reports = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  const waiters = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    pending += chunk;
    let at;
    while ((at = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      if (line.startsWith('@report ')) {
        reports.push(JSON.parse(line.slice('@report '.length)));
        for (const waiter of [...waiters]) waiter();
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, reports }));
  });
  /** Resolves with the first report `event` (and `match`) once it has come. */
  function report(event, match = () => true) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = reports.find((r) => r.event === event && match(r));
        if (found === undefined) return false;
        waiters.splice(waiters.indexOf(check), 1);
        resolve(found);
        return true;
      };
      waiters.push(check);
      if (check()) return;
      done.then((end) => {
        if (!waiters.includes(check)) return;
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`the app ended (${end.code ?? end.signal}) before reporting ${event}:\n${end.stdout}\n${end.stderr}`));
      });
    });
  }
  return { child, done, reports, report, link: renderer ? child.stdio[3] : null };
}

/** Runs `main` to its end; resolves with { code, signal, stdout, stderr, reports }. */
export function run(main, options) {
  return launch(main, options).done;
}

/** The events of `reports`, in order (an overview for assertions). */
export const events = (reports) => reports.map((r) => r.event);
