'use strict';
// Measurement helpers shared by every Node-side benchmark script (tendril, async/await,
// generators on the current Node; node-fibers on Node 14, so keep this file to syntax
// Node 14 understands).
//
// A case is a function `run(ops)` that performs `ops` operations and returns the elapsed
// nanoseconds (or a promise of them). measure() calibrates `ops` so that one run takes
// about `targetMs`, within [minOps, maxOps], then takes `runs` samples of ns per unit
// (`units` units per op, e.g. 2 switches per round trip).
const fs = require('fs');

function now() {
  return process.hrtime.bigint();
}

function since(start) {
  return Number(process.hrtime.bigint() - start);
}

async function measure(run, options) {
  const o = Object.assign({ targetMs: 200, runs: 5, minOps: 10, maxOps: 5e6, units: 1, deadlineMs: 60000 }, options);
  const started = Date.now();
  const target = o.targetMs * 1e6;
  // Calibrate (this doubles as warm-up): grow ops until a run takes a tenth of the target.
  let ops = o.minOps;
  let elapsed = await run(ops);
  while (elapsed < target / 10 && ops < o.maxOps) {
    ops = Math.min(o.maxOps, ops * 4);
    elapsed = await run(ops);
  }
  ops = Math.max(o.minOps, Math.min(o.maxOps, Math.round((ops * target) / Math.max(elapsed, 1))));
  const samples = [];
  for (let i = 0; i < o.runs; i++) {
    const ns = await run(ops);
    samples.push(ns / (ops * o.units));
    // Bounded: stop early (with at least one sample) once the case overruns its deadline.
    if (Date.now() - started > o.deadlineMs) break;
  }
  return { samples: samples, ops: ops, units: o.units };
}

/** VmRSS of this process in bytes. */
function rssBytes() {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Threads of this process. */
function threadCount() {
  return fs.readdirSync('/proc/self/task').length;
}

/** Memory mappings of this process (vm.max_map_count counts these). */
function mapCount() {
  return fs.readFileSync('/proc/self/maps', 'utf8').split('\n').length - 1;
}

/** Threads of every process on the machine (kernel.pid_max bounds these). */
function systemThreads() {
  let n = 0;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      n += fs.readdirSync('/proc/' + name + '/task').length;
    } catch (e) {
      // the process ended meanwhile
    }
  }
  return n;
}

function readSysctl(name) {
  try {
    return Number(fs.readFileSync('/proc/sys/' + name.replace(/\./g, '/'), 'utf8').trim());
  } catch (e) {
    return null;
  }
}

function gc() {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
}

/** Snapshot for the RSS/threads rows: taken before and after parking n greenlets. */
function snapshot() {
  gc();
  return { rss: rssBytes(), threads: threadCount() };
}

function footprint(before, after, n) {
  return { rssPer: (after.rss - before.rss) / n, threadsPer: (after.threads - before.threads) / n, n: n };
}

/** The limits a max-concurrency probe runs into, read at the moment it stopped. */
function limitsNow() {
  return {
    maps: mapCount(),
    maxMapCount: readSysctl('vm.max_map_count'),
    systemThreads: systemThreads(),
    pidMax: readSysctl('kernel.pid_max'),
    threadsMax: readSysctl('kernel.threads-max'),
    processThreads: threadCount(),
    rss: rssBytes(),
  };
}

/** The one line run.js reads from a case script. */
function emit(result) {
  process.stdout.write('RESULT ' + JSON.stringify(result) + '\n');
}

function progress(n) {
  process.stdout.write('PROGRESS ' + n + '\n');
}

/**
 * Round-robin: visits `n` parked coroutines in turn (`visit(i)` resumes the i-th, which
 * comes straight back). Per switch: a visit is 2. With `awaitEach`, each visit's promise
 * is awaited (async functions); otherwise the loop stays synchronous, so it adds nothing
 * to the nanosecond-scale rows.
 */
function roundRobin(n, visit, options, { awaitEach = false } = {}) {
  let at = 0;
  const next = () => (at = at + 1 === n ? 0 : at + 1);
  const opts = Object.assign({ units: 2, minOps: n }, options);
  if (awaitEach) {
    return measure(async (ops) => {
      const t = now();
      for (let i = 0; i < ops; i++, next()) await visit(at);
      return since(t);
    }, opts);
  }
  return measure((ops) => {
    const t = now();
    for (let i = 0; i < ops; i++, next()) visit(at);
    return since(t);
  }, opts);
}

/**
 * Event dispatch: emits 'ping' on `em` and awaits the 'pong' that whatever listens
 * (a greenlet, a fiber, a generator, an async iterator) emits back. Per round trip.
 */
function pingPongEvents(em, options) {
  let pong = null;
  em.on('pong', (v) => pong(v));
  return measure(async (ops) => {
    const t = now();
    for (let i = 0; i < ops; i++) {
      const p = new Promise((resolve) => (pong = resolve));
      em.emit('ping', i);
      await p;
    }
    return since(t);
  }, options);
}

/** argv: <impl> <case> <json options> */
function parseArgs(argv) {
  return { impl: argv[2], name: argv[3], options: JSON.parse(argv[4] || '{}') };
}

module.exports = {
  now,
  since,
  measure,
  roundRobin,
  pingPongEvents,
  rssBytes,
  threadCount,
  mapCount,
  systemThreads,
  readSysctl,
  gc,
  snapshot,
  footprint,
  limitsNow,
  emit,
  progress,
  parseArgs,
};
