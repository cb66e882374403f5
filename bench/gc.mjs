#!/usr/bin/env node
// Garbage collection on greenlet threads in Electron (issue 11), measured in the
// Electron-shaped host (test/electron-host/): where the finalizers of UI-thread objects
// ran, how many collections ran on carriers and what they cost, and what the main-stack
// mirror costs. `npm run bench:gc` (3 runs of each case), `-- --quick` (1 small run),
// `-- --experiments` (adds the catch-up experiments of bench/NOTES.md), `-- --runs N`.
// Prints a Markdown table; bench/NOTES.md, "Garbage collection on carriers", has a
// recorded run and what it means.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, skipReason } from '../test/electron-host/launch.mjs';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const runsArg = argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(argv[runsArg + 1]) : QUICK ? 1 : 3;
const app = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'electron-host', 'apps', 'gc.js');

const events = QUICK ? 40 : 300;
const cases = [
  { name: 'GUI loop, 256 KiB bursts', scenario: 'gui', options: { events, burstKiB: 256 } },
  { name: 'GUI loop, 1 MiB bursts', scenario: 'gui', options: { events, burstKiB: 1024 } },
  { name: 'GUI loop, 1 MiB bursts, mirror off', scenario: 'gui', options: { events, burstKiB: 1024, mirror: false } },
  { name: 'GUI loop, 4 MiB bursts', scenario: 'gui', options: { events, burstKiB: 4096 } },
  { name: 'GUI loop, 4 MiB bursts, mirror off', scenario: 'gui', options: { events, burstKiB: 4096, mirror: false } },
  { name: 'compute, yields every 8 MiB', scenario: 'compute', options: { rounds: QUICK ? 4 : 20, yieldEveryMiB: 8 } },
  { name: 'compute, yields every 32 MiB', scenario: 'compute', options: { rounds: QUICK ? 4 : 20, yieldEveryMiB: 32 } },
  { name: 'one stretch through 2 full GCs', scenario: 'one-stretch', options: {} },
  { name: 'raw-pointer hold, mirror on', scenario: 'hold', options: { calls: QUICK ? 2 : 5 } },
  { name: 'raw-pointer hold, mirror off', scenario: 'hold', options: { calls: QUICK ? 2 : 5, mirror: false } },
  { name: '1,000 parked greenlets, mirror on', scenario: 'parked', options: {} },
  { name: '1,000 parked greenlets, mirror off', scenario: 'parked', options: { mirror: false } },
];
if (argv.includes('--experiments')) {
  for (const burstKiB of [1024, 4096]) {
    for (const catchUp of ['sweep', 'pressure', 'low-memory']) {
      cases.push({ name: `GUI loop, ${burstKiB / 1024} MiB bursts, catch-up: ${catchUp}`, scenario: 'gui', options: { events, burstKiB, catchUp } });
    }
  }
}

const skip = skipReason();
if (skip) {
  console.error(`bench/gc.mjs: the Electron-shaped host cannot run here: ${skip}`);
  process.exit(1);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const range = (values, digits = 0) => {
  const text = (v) => v.toFixed(digits);
  const m = median(values);
  return values.length === 1 ? text(m) : `${text(m)} (${text(Math.min(...values))}–${text(Math.max(...values))})`;
};
/** Share of `pair` ({ ui, off }) that ran off the UI thread, in %. */
const offShare = (pair) => (pair.ui + pair.off === 0 ? 0 : (100 * pair.off) / (pair.ui + pair.off));

const load = () => os.loadavg()[0].toFixed(1);
console.error(`bench/gc.mjs: ${cases.length} cases × ${RUNS} run(s), Node ${process.versions.node} launching the host; load ${load()}`);

const rows = [];
for (const { name, scenario, options } of cases) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await run(app, { args: [scenario, JSON.stringify(options)] });
    const done = r.reports.find((report) => report.event === 'done');
    if (r.code !== 0 || r.signal !== null || done === undefined) {
      throw new Error(`${name}: the host ended with ${r.code ?? r.signal}\n${r.stderr}`);
    }
    samples.push(done);
  }
  const c = samples.map((s) => s.counts);
  const notes = [];
  if (scenario === 'hold') {
    const found = samples.flatMap((s) => s.results).filter((x) => x.finalized).length;
    notes.push(`found dead during the call: ${found}/${samples.flatMap((s) => s.results).length}`);
  }
  if (scenario === 'gui') {
    notes.push(`objects held by a raw pointer across an event found dead: ${c.reduce((n, x) => n + x.held.dead, 0)}/${c.reduce((n, x) => n + x.held.events, 0)}`);
  }
  if (scenario === 'parked') notes.push(`RSS per parked greenlet: ${range(samples.map((s) => s.perGreenletKiB), 1)} KiB`);
  if (samples[0].catchUps !== undefined && options.catchUp) {
    const all = samples.map((s) => s.catchUps);
    notes.push(
      `catch-ups: ${range(all.map((x) => x.length))}, ${range(all.map((x) => x.reduce((a, b) => a + b, 0) / 1000))} ms in all, longest ${range(all.map((x) => Math.max(0, ...x) / 1000))} ms`,
    );
  }
  const mirror = samples.map((s) => s.stats.gc.mirror);
  const copied = mirror.filter((m) => m.copies > 0);
  if (copied.length > 0) {
    notes.push(
      `mirror: ${range(mirror.map((m) => m.copies))} copies of ~${range(copied.map((m) => m.lastBytes / 1024), 1)} KiB, ` +
        `${range(copied.map((m) => (1000 * m.ms) / m.copies), 1)} µs each`,
    );
  }
  const row = {
    name,
    pre: range(c.map((x) => offShare(x.preFinalizers)), 1),
    dtor: range(c.map((x) => offShare(x.destructors)), 1),
    weak1: range(c.map((x) => offShare(x.firstWeak)), 1),
    weak2: range(c.map((x) => offShare(x.secondWeak)), 1),
    full: `${range(c.map((x) => x.fullGcs.ui))} / ${range(c.map((x) => x.fullGcs.off))}`,
    gcMs: `${range(c.map((x) => x.gcMicros.ui / 1000))} / ${range(c.map((x) => x.gcMicros.off / 1000))}`,
    ms: samples[0].ms === undefined ? '' : range(samples.map((s) => s.ms)),
    notes: notes.join('; '),
  };
  rows.push(row);
  console.error(`  ${name}: done (load ${load()})`);
}

console.log(`Node ${process.versions.node} (V8 ${process.versions.v8}) launching the host, ${RUNS} run(s) per case, medians (min–max); load ${load()}.\n`);
console.log('| case | pre-finalizers off UI | destructors off UI | 1st-pass weak off UI | 2nd-pass weak off UI | full GCs UI / carriers | GC ms UI / carriers | run ms | notes |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.pre}% | ${r.dtor}% | ${r.weak1}% | ${r.weak2}% | ${r.full} | ${r.gcMs} | ${r.ms} | ${r.notes} |`);
}
