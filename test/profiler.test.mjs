// CPU profiles see code that runs in greenlets (native/sampler.h): --cpu-prof, the
// inspector's Profiler domain over the WebSocket (DevTools, VS Code) and node:inspector
// sessions. test/fixtures/profile-greenlets.js works in the main greenlet and in two
// greenlets in rounds, measuring how long each function ran; each profile must give each
// function about that time. No timing thresholds: the profile is compared with the same
// run's own clock, within a factor of 2, so a loaded machine or qemu moves both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inspect } from './inspector-client.mjs';

const fixture = fileURLToPath(new URL('./fixtures/profile-greenlets.js', import.meta.url));
const FUNCTIONS = ['mainWork', 'greenOne', 'greenThree'];

/**
 * Per function of the fixture: samples whose stack contains it, and the time they
 * account for (each sample lasts until the next, as DevTools counts self time); and,
 * between consecutive samples in the same kind of greenlet (main or not), the share of
 * gaps under 0.3 of the 1 ms sampling interval: a thread sampled twice over would show
 * about half.
 */
function analyze(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owner = (id) => {
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const name = byId.get(n).callFrame.functionName;
      if (FUNCTIONS.includes(name)) return name;
    }
    return null;
  };
  const samples = Object.fromEntries(FUNCTIONS.map((f) => [f, 0]));
  const ms = Object.fromEntries(FUNCTIONS.map((f) => [f, 0]));
  const gaps = { main: [], greenlets: [] };
  let previous = null;
  for (let i = 0; i < profile.samples.length; i++) {
    const name = owner(profile.samples[i]);
    if (name !== null) {
      samples[name]++;
      ms[name] += (profile.timeDeltas[i + 1] ?? 0) / 1000;
      if (previous !== null && (name === 'mainWork') === (previous === 'mainWork')) {
        gaps[name === 'mainWork' ? 'main' : 'greenlets'].push(profile.timeDeltas[i] / 1000);
      }
    }
    previous = name;
  }
  const shortGaps = (list) => list.filter((gap) => gap < 0.3).length / Math.max(1, list.length);
  return { samples, ms, shortGaps: { main: shortGaps(gaps.main), greenlets: shortGaps(gaps.greenlets) } };
}

function assertInProportion(profile, measured) {
  const { samples, ms, shortGaps } = analyze(profile);
  const summary = FUNCTIONS.map((f) => `${f}: ${samples[f]} samples, ${ms[f].toFixed(0)} ms profiled, ${measured[f].toFixed(0)} ms measured`).join('; ');
  for (const f of FUNCTIONS) {
    assert.ok(samples[f] >= 20, `${f} has too few samples: ${summary}`);
    const ratio = ms[f] / measured[f];
    assert.ok(ratio > 0.5 && ratio < 2, `${f}: profiled/measured = ${ratio.toFixed(2)}; ${summary}`);
  }
  // greenThree does three times greenOne's work: sample counts in proportion too.
  const ratio = samples.greenThree / samples.greenOne;
  const expected = measured.greenThree / measured.greenOne;
  assert.ok(ratio / expected > 0.5 && ratio / expected < 2, `greenThree/greenOne samples ${ratio.toFixed(2)}, measured ${expected.toFixed(2)}`);
  assert.ok(shortGaps.main < 0.2 && shortGaps.greenlets < 0.2, `sampled twice over? ${JSON.stringify(shortGaps)}; ${summary}`);
  return summary;
}

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-profile-'));
}

function runFixture(args, execArgv = []) {
  const child = spawnSync(process.execPath, [...execArgv, fixture, ...args], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

test('node --cpu-prof: time in greenlets goes to their functions, in proportion', () => {
  const dir = tmpdir();
  const measured = runFixture(['cpu-prof'], ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const [file] = fs.readdirSync(dir);
  const summary = assertInProportion(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), measured);
  console.log(`# ${summary}`);
  fs.rmSync(dir, { recursive: true });
});

test('configure({ profileGreenlets: false }): greenlets are invisible to --cpu-prof again (V8 samples only the main thread)', () => {
  const dir = tmpdir();
  runFixture(['cpu-prof', 'off'], ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const [file] = fs.readdirSync(dir);
  const { samples } = analyze(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  assert.ok(samples.mainWork >= 20, JSON.stringify(samples));
  assert.ok(samples.greenOne + samples.greenThree <= 2, JSON.stringify(samples));
  fs.rmSync(dir, { recursive: true });
});

test('a node:inspector session (Profiler.start / stop in the same process): in proportion', () => {
  const dir = tmpdir();
  const file = path.join(dir, 'session.cpuprofile');
  const measured = runFixture(['session', file]);
  assertInProportion(JSON.parse(fs.readFileSync(file, 'utf8')), measured);
  fs.rmSync(dir, { recursive: true });
});

test('the Profiler domain over the inspector WebSocket, as DevTools uses it: in proportion', async () => {
  const session = await inspect(fixture, { args: ['remote'], brk: false });
  try {
    await session.send('Profiler.enable');
    await session.send('Profiler.start');
    session.child.stdin.write('go\n');
    const measured = await new Promise((resolve) => {
      let text = '';
      session.child.stdout.on('data', (chunk) => {
        text += chunk;
        if (text.endsWith('\n')) resolve(JSON.parse(text));
      });
    });
    const { profile } = await session.send('Profiler.stop');
    assertInProportion(profile, measured);
  } finally {
    await session.close();
  }
});
