// The README's route from node-fibers to tendril, done for real with packed tarballs: an
// app that requires 'fibers' and 'fibers/future' itself and depends on a library that
// asks for fibers@^5 gets tendril-fibers (compat/fibers) under the name `fibers` through
// its package.json (`dependencies` alias + `overrides` with "$fibers"), and both it and
// the library run fibers and futures on tendril. Tarballs are installed as `file:`
// specs, since nothing here can be published; on npm the alias is "npm:tendril-fibers@…".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args, cwd) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^npm_/i.test(key) || key === 'NODE_OPTIONS' || key === 'NODE_TEST_CONTEXT') delete env[key];
  const result = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, `${cmd} ${args.join(' ')} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function pack(dir, packs) {
  const out = run('npm', ['pack', '--ignore-scripts', '--pack-destination', packs], dir);
  return path.join(packs, out.trim().split('\n').pop());
}

const LEGACY_LIB = `
'use strict';
// A library written for node-fibers.
const Fiber = require('fibers');
const Future = require('fibers/future');
const sleep = (ms) => { const f = new Future(); setTimeout(() => f.return(), ms); return f; };
exports.Fiber = Fiber;
exports.Future = Future;
exports.countdown = (n) => Future.task(() => {
  const seen = [];
  for (let i = n; i > 0; i--) { sleep(1).wait(); seen.push(i); }
  return seen;
});
`;

const APP = `
'use strict';
const Fiber = require('fibers');
const Future = require('fibers/future');
const lib = require('legacy-lib');
const fs = require('fs');
const generator = Fiber((x) => { for (;;) x = Fiber.yield(x * 2); });
const doubled = [generator.run(1), generator.run(2), generator.run(3)];
lib.countdown(3).resolve((error, countdown) => {
  if (error) throw error;
  import('./esm.mjs').then(({ esmSame }) => {
    console.log(JSON.stringify({
      doubled,
      countdown,
      libSame: lib.Fiber === Fiber && lib.Future === Future,
      tendrilSame: require('tendril/fibers') === Fiber && require('tendril/fibers/future') === Future,
      esmSame,
      fibers: fs.realpathSync(require.resolve('fibers')),
      future: fs.realpathSync(require.resolve('fibers/future')),
      fibersName: require('fibers/package.json').name,
    }));
  });
});
`;

// Packing needs the development checkout; scripts/cross-test.sh runs this suite in an
// installed package instead.
const skip = !fs.existsSync(path.join(root, 'scripts', 'prebuild.js')) && 'not a development checkout: nothing to pack';

test('an app and its node-fibers dependency get tendril through package.json aliases (packed tarballs; slow)', { timeout: 180_000, skip }, (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-fibers-alias-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const packs = path.join(tmp, 'packs');
  fs.mkdirSync(packs);
  const tendril = pack(root, packs);
  const compat = pack(path.join(root, 'compat', 'fibers'), packs);
  const libDir = path.join(tmp, 'legacy-lib');
  fs.mkdirSync(libDir);
  fs.writeFileSync(path.join(libDir, 'index.js'), LEGACY_LIB);
  fs.writeFileSync(
    path.join(libDir, 'package.json'),
    JSON.stringify({ name: 'legacy-lib', version: '1.0.0', main: 'index.js', dependencies: { fibers: '^5.0.0' } }),
  );
  const lib = pack(libDir, packs);

  const app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({
      name: 'legacy-app',
      version: '1.0.0',
      private: true,
      dependencies: { fibers: `file:${compat}`, tendril: `file:${tendril}`, 'legacy-lib': `file:${lib}` },
      overrides: { fibers: '$fibers' },
    }),
  );
  fs.writeFileSync(path.join(app, 'app.js'), APP);
  fs.writeFileSync(
    path.join(app, 'esm.mjs'),
    "import Fiber from 'fibers';\nimport { createRequire } from 'node:module';\n" +
      "export const esmSame = Fiber === createRequire(import.meta.url)('tendril/fibers');\n",
  );
  // Install scripts are skipped (tendril's would compile the addon again): the addon this
  // checkout built goes where node-gyp-build looks.
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], app);
  const installed = path.join(app, 'node_modules');
  assert.equal(JSON.parse(fs.readFileSync(path.join(installed, 'fibers', 'package.json'), 'utf8')).name, 'tendril-fibers');
  assert.ok(!fs.existsSync(path.join(installed, 'legacy-lib', 'node_modules', 'fibers')), 'the library got a fibers of its own');
  fs.cpSync(path.join(root, 'build', 'Release', 'tendril.node'), path.join(installed, 'tendril', 'build', 'Release', 'tendril.node'));

  const report = JSON.parse(run(process.execPath, ['app.js'], app).trim().split('\n').pop());
  assert.deepEqual(report.doubled, [2, 4, 6]);
  assert.deepEqual(report.countdown, [3, 2, 1]);
  assert.equal(report.libSame, true, 'the library and the app share one Fiber and Future');
  assert.equal(report.tendrilSame, true, 'require("fibers") is tendril/fibers');
  assert.equal(report.esmSame, true, 'import Fiber from "fibers" is tendril/fibers');
  assert.equal(report.fibers, fs.realpathSync(path.join(installed, 'fibers', 'fibers.js')));
  assert.equal(report.future, fs.realpathSync(path.join(installed, 'fibers', 'future.js')));
  assert.equal(report.fibersName, 'tendril-fibers');
});
