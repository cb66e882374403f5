#!/usr/bin/env node
'use strict';
// Where tendril's switch time goes: the experiments behind bench/NOTES.md, from the
// outside (no change to native/). Prints a markdown report; takes a few minutes.
//   node bench/explore.js [--quick]
// - CPU placement: every thread of the process on one CPU (taskset -c 0) vs. free.
// - Carrier pool: configure({ idleCarriers: 0 }) vs. the default, for create+start+finish.
// - Stack size: configure({ stackSize: 512 KiB }) vs. the default 1.25 MiB, for RSS.
// - Syscalls per switch: strace -c -f (futex calls, and how many failed with EAGAIN).
// - Context switches and CPU time per switch: perf stat's software counters (hardware
//   counters are not available in this VM).
// - The spin budget in wall time: a pause-loop of the native core's iteration count.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 2 : 5;
const TARGET = QUICK ? 50 : 200;
const out = [];
const say = (s = '') => {
  out.push(s);
  process.stdout.write(s + '\n');
};

function run(prefix, name, options) {
  const args = [...prefix, process.execPath, '--expose-gc', 'bench/cases/tendril.js', 'tendril', name, JSON.stringify(options)];
  const r = spawnSync(args[0], args.slice(1), { cwd: ROOT, encoding: 'utf8', timeout: 600000, maxBuffer: 64 << 20 });
  const line = (r.stdout || '').split('\n').filter((l) => l.startsWith('RESULT ')).pop();
  if (!line) return { error: (r.stderr || '').trim().split('\n').slice(-2).join(' ') || `exit ${r.status}` };
  return Object.assign(JSON.parse(line.slice(7)), { stderr: r.stderr });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) / 2;
  return (s[Math.floor(i)] + s[Math.ceil(i)]) / 2;
};
const fmt = (ns) => (ns >= 1e6 ? (ns / 1e6).toFixed(2) + ' ms' : ns >= 1e3 ? (ns / 1e3).toFixed(1) + ' µs' : ns.toFixed(0) + ' ns');
const timing = (r) => (r.error ? 'failed: ' + r.error : `${fmt(median(r.samples))} (${fmt(Math.min(...r.samples))}–${fmt(Math.max(...r.samples))})`);
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function has(cmd) {
  return spawnSync('bash', ['-c', `command -v ${cmd}`]).status === 0;
}

say(`# tendril handoff experiments — ${new Date().toISOString()}`);
say();
say(`Node ${process.version}, ${os.cpus().length} vCPU ${os.cpus()[0].model.trim()}, load average at start ${load()}.`);
say();

// 1. The spin budget in wall time.
{
  const src = path.join(os.tmpdir(), 'tendril-pause.c');
  const bin = path.join(os.tmpdir(), 'tendril-pause');
  fs.writeFileSync(
    src,
    '#include <stdio.h>\n#include <time.h>\nint main(){struct timespec a,b;double best=1e18;for(int r=0;r<20;r++){' +
      'clock_gettime(CLOCK_MONOTONIC,&a);for(int i=0;i<4000;i++)__builtin_ia32_pause();clock_gettime(CLOCK_MONOTONIC,&b);' +
      'double ns=(b.tv_sec-a.tv_sec)*1e9+(b.tv_nsec-a.tv_nsec);if(ns<best)best=ns;}printf("%.0f\\n",best);}\n',
  );
  const cc = spawnSync('cc', ['-O2', '-o', bin, src], { encoding: 'utf8' });
  if (cc.status === 0 && process.arch === 'x64') {
    const ns = Number(spawnSync(bin, { encoding: 'utf8' }).stdout.trim());
    say(`## Spin budget\n\n4,000 \`pause\` iterations (native/core.cc kSpins) take ${fmt(ns)} at best on this CPU (${(ns / 4000).toFixed(1)} ns per pause).`);
  } else {
    say('## Spin budget\n\nnot measured (no C compiler or not x86-64).');
  }
  say();
}

// 2. CPU placement and pool/stack knobs, measured by the suite's own case scripts.
const t = { runs: RUNS, targetMs: TARGET };
const variants = [
  ['default (threads free on both CPUs)', []],
  ['taskset -c 0 (every thread on CPU 0)', ['taskset', '-c', '0']],
];
say('## CPU placement');
say();
say('| variant | ping-pong (per switch) | create+start+finish | round-robin 1,000 (per switch) | ring of 100 (per switch) |');
say('|---|---:|---:|---:|---:|');
for (const [label, prefix] of variants) {
  if (prefix.length && !has(prefix[0])) continue;
  const pp = run(prefix, 'pingpong', t);
  const cr = run(prefix, 'create', t);
  const rr = run(prefix, 'rr', Object.assign({ n: 1000 }, t));
  const ring = run(prefix, 'ring', Object.assign({ n: 100 }, t));
  say(`| ${label} | ${timing(pp)} | ${timing(cr)} | ${timing(rr)} | ${timing(ring)} |`);
}
say();

say('## Carrier pool and stack size');
say();
{
  const pooled = run([], 'create', t);
  const unpooled = run([], 'create', Object.assign({ configure: { idleCarriers: 0 } }, t));
  say(`- create+start+finish with the idle pool (default 16): ${timing(pooled)}; with \`idleCarriers: 0\` (a new thread each): ${timing(unpooled)}.`);
  const fp = (cfg) => {
    const xs = [];
    for (let i = 0; i < (QUICK ? 1 : 3); i++) {
      const r = run([], 'footprint', Object.assign({ n: 1000 }, cfg ? { configure: cfg } : {}));
      if (!r.error) xs.push(r.rssPer);
    }
    return xs.length ? (median(xs) / 1024).toFixed(1) + ' KiB' : 'failed';
  };
  say(`- RSS per parked greenlet (1,000): default 1.25 MiB stacks ${fp(null)}; 512 KiB stacks ${fp({ stackSize: 512 * 1024 })}.`);
}
say();

// 3. Syscalls per switch.
const FIXED = QUICK ? 2000 : 10000;
// measure() with minOps = maxOps = N and runs 1 does 2 runs of N round trips: 4N switches,
// plus the start and the final throw (4 more). Round-robin adds 2 per greenlet to park them.
const cases = [
  ['ping-pong', 'pingpong', { minOps: FIXED, maxOps: FIXED, runs: 1 }, 4 * FIXED + 4],
  ['round-robin 1,000', 'rr', { n: 1000, minOps: FIXED, maxOps: FIXED, runs: 1 }, 4 * FIXED + 2000],
];
if (has('strace')) {
  say('## Syscalls per switch (strace -c -f)');
  say();
  say('strace slows every syscall down (a traced futex costs tens of µs), so the partner is more often asleep than untraced: read these as an upper bound on how often a switch sleeps.');
  say();
  say('| pattern | switches | futex calls | per switch | failed (EAGAIN: posted before the sleep) | other syscalls |');
  say('|---|---:|---:|---:|---:|---:|');
  for (const [label, name, opts, switches] of cases) {
    const file = path.join(os.tmpdir(), `tendril-strace-${name}.txt`);
    const r = run(['strace', '-c', '-f', '-o', file], name, opts);
    if (r.error || !fs.existsSync(file)) {
      say(`| ${label} | failed: ${r.error || 'no output'} | | | | |`);
      continue;
    }
    const rows = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim().split(/\s+/));
    const futex = rows.find((c) => c[c.length - 1] === 'futex');
    const total = rows.find((c) => c[c.length - 1] === 'total');
    const calls = futex ? Number(futex[3]) : 0;
    const errors = futex && futex.length === 6 ? Number(futex[4]) : 0;
    const all = total ? Number(total[3]) : 0;
    say(`| ${label} | ${switches} | ${calls} | ${(calls / switches).toFixed(2)} | ${errors} | ${all - calls} |`);
  }
  say();
} else {
  say('## Syscalls per switch\n\nstrace is not installed (apt-get install -y strace).\n');
}

if (has('perf')) {
  say('## Context switches and CPU time per switch (perf stat, software counters)');
  say();
  say('| pattern | placement | switches | context switches per switch | CPU migrations | task-clock per switch | CPUs utilized |');
  say('|---|---|---:|---:|---:|---:|---:|');
  for (const [label, name, opts, switches] of cases) {
    for (const [plabel, prefix] of [['free', []], ['taskset -c 0', ['taskset', '-c', '0']]]) {
      const r = run(['perf', 'stat', '-x', ',', '-e', 'task-clock,context-switches,cpu-migrations', ...prefix], name, opts);
      if (r.error) {
        say(`| ${label} | ${plabel} | failed: ${r.error} | | | | |`);
        continue;
      }
      const counters = {};
      for (const line of r.stderr.split('\n')) {
        const c = line.split(',');
        if (c.length > 3) counters[c[2]] = { value: Number(c[0]), ratio: c[5] };
      }
      const cs = counters['context-switches'];
      const mig = counters['cpu-migrations'];
      const clock = counters['task-clock'];
      if (!cs || !clock) {
        say(`| ${label} | ${plabel} | perf gave no counters | | | | |`);
        continue;
      }
      say(
        `| ${label} | ${plabel} | ${switches} | ${(cs.value / switches).toFixed(2)} | ${mig ? mig.value : '?'} | ` +
          `${fmt((clock.value * 1e6) / switches)} | ${clock.ratio || ''} |`,
      );
    }
  }
  say();
}

say(`Load average at end: ${load()}.`);
const file = path.join(__dirname, '.cache', 'explore-' + new Date().toISOString().replace(/[:.]/g, '-') + '.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, out.join('\n') + '\n');
process.stderr.write(`(also written to ${path.relative(ROOT, file)})\n`);
