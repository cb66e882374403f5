// Runs an Electron app (its main script) in the Electron-shaped host and collects what it
// reported (electron-host/testing's report(): "@report {json}" lines on stdout), its
// output, and how it ended. With `renderer: true`, the host gets a renderer link (fd 3),
// for startRenderers() of chromium.mjs to play Chromium's side.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { hostMajor, ensureHost } = require('./runtime.js');

export const apps = path.join(path.dirname(fileURLToPath(import.meta.url)), 'apps');

/** false when the host can run here, else why not (for node:test's `skip`). */
export function skipReason() {
  const choice = hostMajor();
  return choice.skip ?? false;
}

let host = null;
/** The host binary and library (built when stale). */
function theHost() {
  host ??= ensureHost(hostMajor().major);
  return host;
}

/**
 * Starts `main` in the host (with `env` added to this process's environment, Node options
 * `execArgv` before it). Returns { child, done, link }: `done` resolves with
 * { code, signal, stdout, stderr, reports } when the process has ended; `link` is the
 * renderer link socket (with `renderer: true`). `env` adds environment variables. An app
 * still running after `timeout` ms is killed (SIGKILL, noted at the end of stderr), so a
 * hung app fails its test with what it printed instead of outliving it.
 */
export function launch(main, { args = [], execArgv = [], cwd, renderer = false, env = {}, timeout = 100_000 } = {}) {
  const { node, library } = theHost();
  const childEnv = { ...process.env, ...env, LD_PRELOAD: library };
  // node --test marks its children as test files; the host is an app, not one.
  delete childEnv.NODE_TEST_CONTEXT;
  delete childEnv.NODE_OPTIONS;
  if (renderer) childEnv.ELECTRON_HOST_LINK_FD = '3';
  const child = spawn(node, [...execArgv, main, ...args], {
    cwd: cwd ?? path.dirname(main),
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe', ...(renderer ? ['pipe'] : [])],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const killer = setTimeout(() => {
    stderr += `\n[launch] ${path.basename(main)} ${args.join(' ')} still running after ${timeout} ms: killed\n`;
    child.kill('SIGKILL');
  }, timeout);
  const done = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const reports = stdout
        .split('\n')
        .filter((line) => line.startsWith('@report '))
        .map((line) => JSON.parse(line.slice('@report '.length)));
      resolve({ code, signal, stdout, stderr, reports });
    });
  });
  return { child, done, link: renderer ? child.stdio[3] : null };
}

/** Runs `main` to its end; resolves with { code, signal, stdout, stderr, reports }. */
export function run(main, options) {
  return launch(main, options).done;
}

/** The events of `reports`, in order (an overview for assertions). */
export const events = (reports) => reports.map((r) => r.event);
