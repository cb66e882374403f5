// A Chrome DevTools Protocol client for tests: talks to a child process's inspector over its
// WebSocket, as DevTools and VS Code do: a Node started here with --inspect-brk=0, or any
// child started with an --inspect option (the Electron-shaped host).
import { spawn } from 'node:child_process';
import WebSocket from 'ws';

/**
 * Starts `node <execArgv> --inspect-brk=0 <script> <args>` (--inspect=0 with `brk:
 * false`) and connects to its inspector: see attach().
 */
export function inspect(script, { args = [], execArgv = [], brk = true, env = {} } = {}) {
  const child = spawn(process.execPath, [...execArgv, brk ? '--inspect-brk=0' : '--inspect=0', script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  return attach(child);
}

/**
 * Connects to the inspector of `child`, a process started with --inspect(-brk)=0 that
 * prints its WebSocket URL on stderr. Returns { send(method, params), next(method,
 * timeoutMs), child, output(), exited, disconnect(), close() }. `next` returns the next
 * event of that name (in arrival order, including ones that arrived before the call);
 * events sent before a resume or step are dropped by `send`, so `next('Debugger.paused')`
 * after a step is the pause that step caused.
 */
export async function attach(child) {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8');
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const match = /ws:\/\/\S+/.exec(stderr);
      if (match) resolve(match[0]);
    });
    exited.then(({ code, signal }) => reject(new Error(`the child exited (${code ?? signal}) before its inspector listened:\n${stderr}`)));
  });
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let lastId = 0;
  const replies = new Map();
  const events = [];
  const waiting = [];
  ws.on('message', (raw) => {
    const message = JSON.parse(raw);
    if (message.id !== undefined) {
      const reply = replies.get(message.id);
      replies.delete(message.id);
      if (message.error) reply.reject(new Error(`${reply.method}: ${message.error.message}`));
      else reply.resolve(message.result);
      return;
    }
    const waiter = waiting.findIndex((w) => w.method === message.method);
    if (waiter >= 0) waiting.splice(waiter, 1)[0].resolve(message.params);
    else events.push(message);
  });
  const output = () => `--- stdout\n${stdout}--- stderr\n${stderr}`;
  return {
    child,
    exited,
    output,
    send(method, params = {}) {
      if (/^Debugger\.(resume|step)/.test(method)) events.length = 0;
      const id = ++lastId;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => replies.set(id, { method, resolve, reject }));
    },
    next(method, timeoutMs = 60_000) {
      const queued = events.findIndex((e) => e.method === method);
      if (queued >= 0) return Promise.resolve(events.splice(queued, 1)[0].params);
      return new Promise((resolve, reject) => {
        const entry = { method, resolve };
        waiting.push(entry);
        const fail = (why) => {
          const at = waiting.indexOf(entry);
          if (at >= 0) waiting.splice(at, 1);
          reject(new Error(`no ${method}: ${why}\n${output()}`));
        };
        const timer = setTimeout(() => fail(`none within ${timeoutMs} ms`), timeoutMs);
        exited.then(({ code, signal }) => {
          clearTimeout(timer);
          fail(`the child exited (${signal ?? code})`);
        });
        const resolveOnce = entry.resolve;
        entry.resolve = (params) => {
          clearTimeout(timer);
          resolveOnce(params);
        };
      });
    },
    /** Closes the connection: a child that ran to its end (and waits for its debugger to
     *  disconnect, as --inspect-brk makes it) exits then. */
    disconnect() {
      ws.close();
    },
    async close() {
      ws.close();
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

/** "fn:line" for each of the first `n` frames of a Debugger.paused event (lines 1-based). */
export function frames(paused, n = 3) {
  return paused.callFrames.slice(0, n).map((f) => `${f.functionName || '(anonymous)'}:${f.location.lineNumber + 1}`);
}
