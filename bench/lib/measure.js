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

/** argv: <impl> <case> <json options> */
function parseArgs(argv) {
  return { impl: argv[2], name: argv[3], options: JSON.parse(argv[4] || '{}') };
}

module.exports = {
  now,
  since,
  measure,
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
