// The typings as a user meets them: the package is packed (npm pack), installed with npm
// into a Node project and into an Electron app project (electron is an optional peer
// dependency: it brings the typings of tendril/electron), and test/types/*.ts plus the
// README's first example (as JavaScript, checkJs) compile there under --strict in each
// module resolution mode: node10 (target ES5, where `#private` in declarations is an
// error, and skipLibCheck off: tendril's declarations are checked too), node16, nodenext
// and bundler (skipLibCheck on, as most apps have it); node16 and nodenext as CommonJS
// (.ts) and as ES modules (.mts). The files hold expect-error directives and notAny()
// checks, so a type that regressed to `any` fails the compile; the last test proves it.
//
// npm installs from its cache when it can (--prefer-offline): typescript, @types/node and
// electron at the versions this repository uses, with install scripts off. The compiles
// run two at a time (~30 s in all).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeBlocks } from './readme.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const installed = (name) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

const MODES = {
  node10: { module: 'commonjs', moduleResolution: 'node10', target: 'es5', downlevelIteration: true, skipLibCheck: false },
  node16: { module: 'node16', moduleResolution: 'node16', target: 'es2022', skipLibCheck: true, esm: true },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true, esm: true },
  bundler: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', skipLibCheck: true },
};

/** The environment without npm's and the test runner's variables (a user's shell). */
function userEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'NODE_TEST_CONTEXT' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

function npm(args, cwd) {
  const r = spawnSync('npm', args, { cwd, env: userEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `npm ${args.join(' ')} (in ${cwd}) failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

let tmp;
let tarball;
const projects = {};

/** A project with `deps` installed by npm; returns its directory and npm's output. */
function project(name, deps) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, devDependencies: deps }, null, 2));
  const r = npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  for (const file of fs.readdirSync(path.join(root, 'test', 'types'))) {
    fs.copyFileSync(path.join(root, 'test', 'types', file), path.join(dir, file));
  }
  return { dir, output: r.stdout + r.stderr };
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-types-test-'));
  // In a clone, the declarations are compiled from src/ first (as npm run build:ts does),
  // so the check never judges a stale dist/; an unpacked package is packed as it is.
  if (fs.existsSync(path.join(root, 'tsconfig.json'))) {
    const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(tsc.status, 0, `tsc -p tsconfig.json failed:\n${tsc.stdout}${tsc.stderr}`);
  }
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root).stdout);
  tarball = path.join(tmp, packed[0].filename);
  const common = { tendril: `file:${tarball}`, typescript: installed('typescript'), '@types/node': installed('@types/node') };
  projects.node = project('node-app', common);
  projects.electron = project('electron-app', { ...common, electron: pkg.devDependencies.electron });
  // The README's first example, as a user would paste it into a JavaScript file.
  const first = readmeBlocks().find((block) => block.lang === 'js');
  for (const p of Object.values(projects)) fs.writeFileSync(path.join(p.dir, 'readme-first.js'), first.code);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the package installs into a Node project and an Electron app without engine or peer warnings', () => {
  for (const [name, p] of Object.entries(projects)) {
    const warnings = p.output.split('\n').filter((line) => /EBADENGINE|ERESOLVE|peer|deprecated/i.test(line));
    assert.deepEqual(warnings, [], `npm install in the ${name} project warned`);
  }
  // electron is an optional peer: npm does not install it where the app did not ask for it.
  assert.ok(!fs.existsSync(path.join(projects.node.dir, 'node_modules', 'electron')), 'electron was installed as a peer');
  assert.ok(fs.existsSync(path.join(projects.electron.dir, 'node_modules', 'electron', 'electron.d.ts')));
  const license = path.join(projects.node.dir, 'node_modules', 'tendril', 'LICENSE');
  assert.match(fs.readFileSync(license, 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} the tendril authors\n/);
});

/** Runs at most two compiles at once. */
const slots = { free: 2, queue: [] };
async function slot(fn) {
  if (slots.free === 0) await new Promise((resolve) => slots.queue.push(resolve));
  slots.free--;
  try {
    return await fn();
  } finally {
    slots.free++;
    slots.queue.shift()?.();
  }
}

/** Compiles `files` in project `p` with the options of `mode`; resolves with tsc's output and status. */
function compile(p, mode, files, { dom = false, name = mode, skipLibCheck } = {}) {
  const { esm = false, ...options } = MODES[mode];
  const names = [...files];
  if (esm) {
    // The same source as an ES module: imports resolve with the "import" condition.
    for (const file of files.filter((f) => f.endsWith('.ts'))) {
      const mts = file.replace(/\.ts$/, '.mts');
      fs.copyFileSync(path.join(p.dir, file), path.join(p.dir, mts));
      names.push(mts);
    }
  }
  const config = {
    compilerOptions: {
      ...options,
      ...(skipLibCheck === undefined ? {} : { skipLibCheck }),
      lib: dom ? ['es2022', 'dom'] : ['es2022'],
      types: ['node'],
      strict: true,
      noEmit: true,
      allowJs: true,
      checkJs: true,
    },
    files: names,
  };
  const file = path.join(p.dir, `tsconfig.${name}.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  const tsc = path.join(p.dir, 'node_modules', 'typescript', 'bin', 'tsc');
  return slot(
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [tsc, '-p', file], { cwd: p.dir, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, out }));
      }),
  );
}

const compiles = {};
before(() => {
  for (const mode of Object.keys(MODES)) {
    // tendril/fibers' typings (test/types/fibers-usage.ts, `import x = require()`: CommonJS
    // only) are compiled by test/fibers.test.mjs (node16), and here under node10, where
    // resolving them takes typesVersions and a target below ES2015 rejects `#private`.
    const fibers = mode === 'node10' ? ['fibers-usage.ts'] : [];
    compiles[mode] = compile(projects.electron, mode, ['usage.ts', 'electron.ts', 'readme-first.js', ...fibers], { dom: true });
  }
  // Without electron installed and without lib "dom": the main entry needs neither.
  compiles.node = compile(projects.node, 'node16', ['usage.ts', 'readme-first.js'], { name: 'plain', skipLibCheck: false });
});

for (const mode of Object.keys(MODES)) {
  test(`moduleResolution ${mode}: tendril, tendril/electron, tendril/renderer${mode === 'node10' ? ', tendril/fibers' : ''} and the README's first example compile, every expected error met`, async () => {
    const r = await compiles[mode];
    assert.equal(r.status, 0, r.out);
  });
}

test('a Node project without electron and without lib "dom": the main entry compiles (node16, declarations checked)', async () => {
  const r = await compiles.node;
  assert.equal(r.status, 0, r.out);
});

test('the check fails when a type regresses to any', async () => {
  // A copy of usage.ts against a tendril whose fromEvent() returns Channel<any>.
  const p = projects.node;
  const fake = path.join(p.dir, 'node_modules', 'tendril-any');
  fs.cpSync(path.join(p.dir, 'node_modules', 'tendril'), fake, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(fake, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(fake, 'package.json'), JSON.stringify({ ...manifest, name: 'tendril-any' }));
  const channelTypes = path.join(fake, 'dist', 'main', 'channel.d.ts');
  const original = fs.readFileSync(channelTypes, 'utf8');
  const broken = original.replace(/\): Channel<EventValue<E, K>>;/, '): Channel<any>;');
  assert.notEqual(broken, original, 'channel.d.ts has no inferring fromEvent() overload to break');
  fs.writeFileSync(channelTypes, broken);
  fs.writeFileSync(
    path.join(p.dir, 'usage-any.ts'),
    fs.readFileSync(path.join(p.dir, 'usage.ts'), 'utf8').replaceAll("from 'tendril';", "from 'tendril-any';"),
  );
  const r = await compile(p, 'bundler', ['usage-any.ts'], { name: 'any' });
  assert.notEqual(r.status, 0, 'a Channel<any> went unnoticed');
  assert.match(r.out, /usage-any\.ts\(\d+,\d+\): error TS(2578|2554)/, r.out);
});
