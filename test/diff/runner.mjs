// Runs generated programs in batches: one python3 process and one node process per
// batch of many programs, then compares the traces program by program.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate, emitPython, emitJs, pythonPrelude, pythonDriver, jsPrelude, jsDriver } from './gen.mjs';

const require = createRequire(import.meta.url);

/** The environment for python3: without a sanitizer runtime preloaded for node
 *  (scripts/sanitize.sh), which python-greenlet's C++ exceptions trip over. */
function pythonEnv() {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  delete env.ASAN_OPTIONS;
  delete env.UBSAN_OPTIONS;
  delete env.TSAN_OPTIONS;
  return env;
}

/** The tendril entry the JS programs import (the package this file belongs to). */
export const TENDRIL_URL = pathToFileURL(require.resolve('tendril')).href;

/**
 * A python3 that imports greenlet: $TENDRIL_PYTHON when set (and only it, so a run can
 * also pretend there is none: TENDRIL_PYTHON=none), else python3 on PATH, then
 * /usr/bin/python3 (Debian's python3-greenlet installs for the latter; a pyenv python3
 * may shadow it). Returns { python, version } or null.
 */
export function findPython() {
  const chosen = process.env.TENDRIL_PYTHON;
  const candidates = chosen ? [chosen] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import greenlet; print(greenlet.__version__)'], { encoding: 'utf8', env: pythonEnv() });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return null;
}

/** Splits "seed\ttext" lines into seed -> [text]; notes which programs began and ended. */
function parse(stdout) {
  const traces = new Map();
  const begun = [];
  const ended = new Set();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const seed = Number(line.slice(0, tab));
    const text = line.slice(tab + 1);
    if (text === '#begin') {
      begun.push(seed);
      traces.set(seed, []);
    } else if (text === '#end') {
      ended.add(seed);
    } else {
      if (!traces.has(seed)) traces.set(seed, []);
      traces.get(seed).push(text);
    }
  }
  return { traces, begun, ended };
}

function run(cmd, args, { timeout, cwd, env = process.env }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Source of a batch, both languages. */
export function batchSources(seeds) {
  const programs = seeds.map(generate);
  const py = [pythonPrelude(), ...programs.map(emitPython), pythonDriver(seeds)].join('\n\n');
  const js = [jsPrelude(TENDRIL_URL), ...programs.map(emitJs), jsDriver()].join('\n\n');
  return { py, js };
}

/**
 * Runs `seeds` through both implementations. Returns, per seed, both traces and
 * whether each side finished the program; plus the process outcomes. A process that
 * dies or hangs loses the programs from the one it was in; the caller reruns the rest.
 */
async function runOnce(seeds, { python, nodeArgs = [], timeout = 60_000, dir, mutateJs }) {
  const { py, js: source } = batchSources(seeds);
  const js = mutateJs ? mutateJs(source) : source;
  const pyFile = path.join(dir, `batch-${seeds[0]}.py`);
  const jsFile = path.join(dir, `batch-${seeds[0]}.mjs`);
  fs.writeFileSync(pyFile, py);
  fs.writeFileSync(jsFile, js);
  const [pr, jr] = await Promise.all([
    run(python, [pyFile], { timeout, cwd: dir, env: pythonEnv() }),
    run(process.execPath, [...nodeArgs, jsFile], { timeout, cwd: dir }),
  ]);
  return { pr, jr, p: parse(pr.stdout), j: parse(jr.stdout) };
}

/**
 * Compares the programs `seeds`, `batchSize` per pair of processes. Returns
 * { compared, mismatches: [{ seed, py, js, why }], processes: [...] }. Each entry of
 * `coverage` ({ pattern, count }) counts the trace lines (python's) it matches.
 * `mutateJs` rewrites the JavaScript batch source (the harness's self-test).
 */
export async function compare(seeds, { batchSize = 500, python, nodeArgs, timeout, mutateJs, coverage = [] } = {}) {
  if (python === undefined) {
    const found = findPython();
    if (found === null) throw new Error('no python3 with greenlet: apt-get install python3-greenlet (or set TENDRIL_PYTHON)');
    python = found.python;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-diff-'));
  const mismatches = [];
  const processes = [];
  let compared = 0;
  try {
    let queue = [...seeds];
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      queue = queue.slice(batchSize);
      const { pr, jr, p, j } = await runOnce(batch, { python, nodeArgs, timeout, dir, mutateJs });
      processes.push({ seeds: [batch[0], batch[batch.length - 1]], python: outcome(pr), node: outcome(jr) });
      // Programs both sides finished are compared. The first one a side did not finish
      // is where that process died or hung: it is reported, and the programs after it
      // run again in fresh processes.
      const lost = [];
      let culprit = null;
      for (const seed of batch) {
        if (culprit === null && p.ended.has(seed) && j.ended.has(seed)) {
          compared++;
          const a = p.traces.get(seed);
          const b = j.traces.get(seed);
          for (const line of a) for (const c of coverage) if (c.pattern.test(line)) c.count++;
          if (a.length !== b.length || a.some((line, i) => line !== b[i])) {
            mismatches.push({ seed, py: a, js: b, why: 'traces differ' });
          }
        } else if (culprit === null) {
          culprit = seed;
          compared++;
          const side = !p.ended.has(seed) ? ['python', pr] : ['node', jr];
          mismatches.push({
            seed,
            py: p.traces.get(seed) ?? [],
            js: j.traces.get(seed) ?? [],
            why: `${side[0]} did not finish this program (${outcome(side[1])}); stderr: ${side[1].stderr.slice(-2000)}`,
          });
        } else {
          lost.push(seed);
        }
      }
      // a process that exits badly after finishing every program fails the batch too
      for (const [side, r] of [['python', pr], ['node', jr]]) {
        if (culprit === null && (r.code !== 0 || r.signal !== null)) {
          mismatches.push({ seed: batch[batch.length - 1], py: [], js: [], why: `${side} exited with ${outcome(r)} after its batch; stderr: ${r.stderr.slice(-2000)}` });
        }
      }
      queue = [...lost, ...queue];
      if (mismatches.length > 20) break; // something systematic: stop early
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { compared, mismatches, processes };
}

function outcome(r) {
  if (r.timedOut) return 'timed out';
  return r.signal !== null ? `signal ${r.signal}` : `exit ${r.code}`;
}

/** A readable report of one mismatch: both programs and both traces, side by side. */
export function report(m, { withPrograms = true } = {}) {
  const prog = generate(m.seed);
  const out = [`seed ${m.seed}: ${m.why}`, `replay: node test/diff/replay.mjs ${m.seed}`];
  const n = Math.max(m.py.length, m.js.length);
  let first = -1;
  for (let i = 0; i < n; i++) if (m.py[i] !== m.js[i]) { first = i; break; }
  out.push(`first difference at trace line ${first + 1}`);
  out.push('--- python-greenlet trace / tendril trace');
  for (let i = 0; i < n; i++) {
    const mark = m.py[i] === m.js[i] ? ' ' : '!';
    out.push(`${mark} ${String(i + 1).padStart(3)} ${(m.py[i] ?? '<none>').padEnd(50)} | ${m.js[i] ?? '<none>'}`);
  }
  if (withPrograms) {
    out.push('--- python program', emitPython(prog), '--- javascript program', emitJs(prog));
  }
  return out.join('\n');
}
