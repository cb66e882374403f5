// 1,000 concurrent greenlets × 100 switches with forced GCs: every object held across a
// switch must come back intact. Torture flags per DESIGN.md: compaction moves objects
// under suspended stacks; conservative scanning reads them as raw words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFixture, v8HasFlag } from './helpers.mjs';

function stress(flags, count, switches) {
  const { code, stdout, stderr } = runFixture('stress.js', [String(count), String(switches)], {
    execArgv: ['--expose-gc', ...flags],
  });
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout.trim());
  assert.equal(result.checks, count * switches);
  assert.equal(result.greenlets, 0);
}

test('1,000 greenlets × 100 switches under --stress-compaction keep every held object', () => {
  stress(['--stress-compaction'], 1000, 100);
});

test('300 greenlets × 50 switches under --conservative-stack-scanning', { skip: !v8HasFlag('--conservative-stack-scanning') && 'this V8 has no --conservative-stack-scanning' }, () => {
  stress(['--conservative-stack-scanning'], 300, 50);
});
