// Differential testing against python-greenlet: seeded random greenlet programs
// (test/diff/gen.mjs) run under python3 + greenlet and under tendril; the traces must
// be identical (test/diff/mapping.mjs says how values and errors are written).
//
//   TENDRIL_DIFF_SEED=N       start at seed N instead of the fixed base (1); "random"
//                             picks one (printed)
//   TENDRIL_DIFF_COUNT=N      how many programs (default 2000)
//   TENDRIL_PYTHON=/path      the python3 with greenlet (default: python3, /usr/bin/python3);
//                             TENDRIL_PYTHON=none runs as if there were none
// Replay a seed: node test/diff/replay.mjs SEED
//
// The reference is optional for a newcomer: without a python3 that imports greenlet
// (apt-get install python3-greenlet, pip install greenlet) these tests are skipped with
// the reason on stderr; under CI=true its absence is a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { compare, report, findPython } from './diff/runner.mjs';

const BASE = 1;
const COUNT = Number(process.env.TENDRIL_DIFF_COUNT ?? 2000);
const seedEnv = process.env.TENDRIL_DIFF_SEED;
const START =
  seedEnv === undefined || seedEnv === ''
    ? BASE
    : seedEnv === 'random'
      ? 1 + Math.floor(Math.random() * 1e9)
      : Number(seedEnv);
assert.ok(Number.isSafeInteger(START) && START >= 0, `TENDRIL_DIFF_SEED must be an integer, not ${seedEnv}`);
assert.ok(Number.isSafeInteger(COUNT) && COUNT > 0, `TENDRIL_DIFF_COUNT must be a positive integer`);

const corpus = JSON.parse(fs.readFileSync(new URL('./diff/corpus.json', import.meta.url), 'utf8')).seeds;
const found = findPython();
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const missing = 'no python3 that imports greenlet (apt-get install python3-greenlet, or pip install greenlet, or set TENDRIL_PYTHON)';
let skip = false;
if (found === null && !inCI) {
  skip = `${missing}; CI=true makes this a failure`;
  process.stderr.write(`\n!!! test/diff.test.mjs SKIPPED: ${skip}\n\n`);
}

function failWith(result, what) {
  const shown = result.mismatches.slice(0, 3).map((m) => report(m)).join('\n\n');
  const seeds = result.mismatches.map((m) => m.seed).join(' ');
  assert.fail(`${result.mismatches.length} of ${result.compared} ${what} differ (seeds ${seeds}):\n\n${shown}`);
}

test('python3 with greenlet is available (apt-get install python3-greenlet)', { skip }, () => {
  assert.notEqual(found, null, missing);
  console.log(`# reference: ${found.python}, greenlet ${found.version}`);
});

// What the programs exercise: each must show up in the traces of the run.
const coverage = [
  ['start with arguments', /^g\d+(#\d+)? run \[.+\]$/, 100],
  ['resume with no value (() <-> undefined)', / switch-> undefined$/, 100],
  ['resume with several values', / switch-> \[.*,.*\]$/, 100],
  ['switch to a dead greenlet', / to-dead /, 100],
  ['switch to self', / to-self$/, 50],
  ['throw in, caught', / caught GreenletExit$/, 50],
  ['user error through run to the parent', / caught E\(\d+\)$/, 100],
  ['GreenletExit returned as a value', / (switch|throw)-> GreenletExit(\(\d+\))?$/, 50],
  ['parent cycle refused', /GreenletError\(cycle\)/, 10],
  ['non-greenlet parent refused', /TypeError\(not-a-greenlet\)/, 10],
  ['main parent refused', /GreenletError\(main-parent\)/, 5],
  ['run set after start refused', /GreenletError\(run-after-start\)/, 10],
  ['switch to a greenlet without run', /GreenletError\(no-run\)/, 10],
  ['parent changed', / parent= /, 50],
  ['tracer sees switches', /^trace switch /, 100],
  ['tracer sees throws', /^trace throw /, 20],
  ['a raising tracer is removed', /^trace! /, 20],
  ['nested greenlet created in a greenlet', /^g\d+(#\d+)?\.\d+ created /, 100],
  ['nested greenlet switches to its grandparent', /^g\d+(#\d+)?\.\d+ to-grandparent /, 50],
  ['cleanup kills', /^cleanup /, 100],
].map(([name, pattern, min]) => ({ name, pattern, min, count: 0 }));

test(`python-greenlet and tendril trace ${COUNT} random programs identically (seeds ${START}..${START + COUNT - 1})`, { skip: found === null && 'no python3 with greenlet' }, async (t) => {
  console.log(`# differential seeds ${START}..${START + COUNT - 1} (TENDRIL_DIFF_SEED=${START} to rerun these)`);
  const seeds = Array.from({ length: COUNT }, (_, i) => START + i);
  const result = await compare(seeds, { python: found.python, coverage });
  console.log(`# compared ${result.compared} programs in ${result.processes.length} batches, ${result.mismatches.length} differ`);
  if (result.mismatches.length > 0) failWith(result, 'programs');
  assert.equal(result.compared, COUNT);
  if (COUNT >= 2000) {
    await t.test('the programs cover every kind of statement and outcome', () => {
      const short = coverage.filter((c) => c.count < c.min);
      console.log(`# coverage: ${coverage.map((c) => `${c.name} ${c.count}`).join('; ')}`);
      assert.deepEqual(short.map((c) => `${c.name}: ${c.count} < ${c.min}`), []);
    });
  }
});

test(`corpus: ${corpus.length} seeds that once differed trace identically`, { skip: found === null && 'no python3 with greenlet' }, async () => {
  const result = await compare(corpus.map((c) => c.seed), { python: found.python });
  if (result.mismatches.length > 0) failWith(result, 'corpus programs');
  assert.equal(result.compared, corpus.length);
});

test('the comparison sees a difference: tendril with a wrong no-argument resume fails', { skip: found === null && 'no python3 with greenlet' }, async () => {
  // Self-test of the harness: map undefined to "()" on the JS side only.
  const result = await compare([1, 2, 3, 4, 5, 6, 7, 8], {
    python: found.python,
    mutateJs: (src) => src.replace("if (x === undefined) return 'undefined';", "if (x === undefined) return '()';"),
  });
  assert.equal(result.compared, 8);
  assert.ok(result.mismatches.length >= 1, 'a mutated trace must differ');
  assert.ok(result.mismatches.every((m) => m.why === 'traces differ'));
  const text = report(result.mismatches[0]);
  assert.match(text, /^seed \d+: traces differ/);
  assert.match(text, /--- python program\ndef prog_\d+\(\):/);
  assert.match(text, /--- javascript program\nP\.push/);
});

test('a process that dies mid-batch is reported at the program it died in, the rest still run', { skip: found === null && 'no python3 with greenlet' }, async () => {
  const result = await compare([11, 12, 13, 14], {
    python: found.python,
    batchSize: 4,
    mutateJs: (src) => src.replace('function prog_12() {', 'function prog_12() { process.exit(7);'),
  });
  assert.equal(result.compared, 4);
  assert.deepEqual(result.mismatches.map((m) => [m.seed, m.why.split(';')[0]]), [[12, 'node did not finish this program (exit 7)']]);
  assert.equal(result.processes.length, 2); // 13 and 14 ran again in fresh processes
});
