#!/usr/bin/env node
// Replays differential programs: node test/diff/replay.mjs SEED [SEED...] [--show]
// Runs each seed alone (its own python3 and node process), prints both traces side by
// side and, on a difference or with --show, both programs. Exit code 1 on a difference.
//   node test/diff/replay.mjs 1234           one program
//   node test/diff/replay.mjs 1000-1999      a range, in one batch
//   node test/diff/replay.mjs --emit 1234    print both programs only
import { compare, report, findPython, batchSources } from './runner.mjs';
import { generate, emitPython, emitJs } from './gen.mjs';

const args = process.argv.slice(2);
const show = args.includes('--show');
const emit = args.includes('--emit');
const seeds = [];
for (const a of args.filter((x) => !x.startsWith('--'))) {
  const m = /^(\d+)-(\d+)$/.exec(a);
  if (m) for (let s = Number(m[1]); s <= Number(m[2]); s++) seeds.push(s);
  else seeds.push(Number(a));
}
if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s))) {
  console.error('usage: node test/diff/replay.mjs [--show|--emit] SEED|FROM-TO ...');
  process.exit(2);
}
if (emit) {
  for (const s of seeds) console.log(`# seed ${s}\n# --- python\n${emitPython(generate(s))}\n# --- javascript\n${emitJs(generate(s))}\n`);
  process.exit(0);
}
const found = findPython();
if (found === null) {
  console.error('no python3 with greenlet (apt-get install python3-greenlet, or set TENDRIL_PYTHON)');
  process.exit(2);
}
const result = await compare(seeds, { python: found.python, batchSize: seeds.length > 1 && seeds.length > 50 ? 500 : 1 });
for (const m of result.mismatches) console.log(report(m) + '\n');
if (show && result.mismatches.length === 0) {
  for (const s of seeds) console.log(report({ seed: s, py: [], js: [], why: 'shown (same traces)' }));
}
console.log(`python ${found.python} greenlet ${found.version}; node ${process.version}`);
console.log(`${result.compared} compared, ${result.mismatches.length} differ`);
void batchSources;
process.exit(result.mismatches.length === 0 ? 0 : 1);
