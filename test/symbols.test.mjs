// The addon's only link-time dependency on V8's C++ API is a short allow-list (Locker,
// Unlocker, isolate entry, stack limit, ...); everything else goes through Node-API, so one
// binary loads under every Node major. v8::Function::New is looked up with dlsym at load
// time (two spellings, see native/addon.cc). This test keeps both facts true:
//   - every C++ symbol build/Release/tendril.node imports from V8/Node is allow-listed;
//   - every Node binary we test under exports all of them and one Function::New spelling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const addon = path.join(root, 'build', 'Release', 'tendril.node');

/** Mangled name -> what it is. Get them with `nm -D --undefined-only build/Release/tendril.node`. */
const ALLOWED = new Map([
  ['_ZN2v86Locker10InitializeEPNS_7IsolateE', 'v8::Locker::Initialize(v8::Isolate*)'],
  ['_ZN2v86LockerD1Ev', 'v8::Locker::~Locker()'],
  ['_ZN2v88Unlocker10InitializeEPNS_7IsolateE', 'v8::Unlocker::Initialize(v8::Isolate*)'],
  ['_ZN2v88UnlockerD1Ev', 'v8::Unlocker::~Unlocker()'],
  ['_ZN2v87Isolate10GetCurrentEv', 'v8::Isolate::GetCurrent()'],
  ['_ZN2v87Isolate5EnterEv', 'v8::Isolate::Enter()'],
  ['_ZN2v87Isolate4ExitEv', 'v8::Isolate::Exit()'],
  ['_ZN2v87Isolate13SetStackLimitEm', 'v8::Isolate::SetStackLimit(unsigned long)'],
  ['_ZN2v87Isolate29DiscardThreadSpecificMetadataEv', 'v8::Isolate::DiscardThreadSpecificMetadata()'],
  ['_ZN2v87Isolate18TerminateExecutionEv', 'v8::Isolate::TerminateExecution()'],
  ['_ZN2v87Isolate17GetCurrentContextEv', 'v8::Isolate::GetCurrentContext()'],
]);

/** `nm -D` symbol names of `file`; `which` is '--undefined-only' or '--defined-only'. */
function dynamicSymbols(file, which) {
  const out = execFileSync('nm', ['-D', which, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/).pop())
    .filter((name) => name !== undefined && name !== '');
}

/** A C++ symbol of V8 or Node (namespace v8 or node, const/volatile/ref-qualified too). */
const HOST_CXX = /^_ZN[KVRO]*(2v8|4node)/;
/** A versioned import from the C++ runtime (libstdc++, its ABI, libgcc). */
const CXX_RUNTIME = /@+(GLIBCXX|CXXABI|GCC)_/;

test('the addon imports only allow-listed V8/Node C++ symbols', () => {
  assert.ok(fs.existsSync(addon), `${addon} is missing: run \`npm install\` (or node-gyp rebuild)`);
  const undefinedSymbols = dynamicSymbols(addon, '--undefined-only');
  assert.ok(undefinedSymbols.length > 0, 'nm listed no undefined symbols at all');
  const host = undefinedSymbols.filter((s) => HOST_CXX.test(s));
  // Unversioned C++ imports come from the host executable, whatever their namespace.
  const unversionedCxx = undefinedSymbols.filter((s) => s.startsWith('_Z') && !CXX_RUNTIME.test(s));
  const checked = [...new Set([...host, ...unversionedCxx].map((s) => s.replace(/@.*$/, '')))];
  // The addon is built on v8::Locker: if nm shows none of its symbols, the parsing is broken.
  assert.ok(
    checked.includes('_ZN2v86Locker10InitializeEPNS_7IsolateE'),
    `expected v8::Locker::Initialize among the addon's imports, got:\n${checked.join('\n')}`,
  );
  const unexpected = checked.filter((s) => !ALLOWED.has(s));
  assert.deepEqual(
    unexpected,
    [],
    'the addon imports V8/Node C++ symbols outside the allow-list (each one ties the binary ' +
      'to V8 versions that export it; use Node-API, or resolve it at runtime as ' +
      'native/addon.cc does for v8::Function::New, or extend the allow-list after checking ' +
      'every supported runtime). Demangle with c++filt:\n' +
      unexpected.join('\n'),
  );
});

/** The Function::New spellings native/addon.cc resolves with dlsym. */
function functionNewSpellings() {
  const source = fs.readFileSync(path.join(root, 'native', 'addon.cc'), 'utf8');
  const block = /kFunctionNewSymbols\[\]\s*=\s*\{([\s\S]*?)\};/.exec(source);
  assert.ok(block, 'native/addon.cc no longer declares kFunctionNewSymbols[]');
  const names = [...block[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(names.length >= 1, 'kFunctionNewSymbols[] lists no symbol');
  for (const name of names) assert.match(name, /^_ZN2v88Function3NewE/);
  return names;
}

/** The running Node, the system Node, and every Node fetched by scripts/fetch-node.sh. */
function nodeBinaries() {
  const candidates = [process.execPath, '/usr/bin/node'];
  const cache = path.join(root, '.cache', 'node');
  if (fs.existsSync(cache)) {
    for (const major of fs.readdirSync(cache)) candidates.push(path.join(cache, major, 'bin', 'node'));
  }
  const seen = new Map();
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    const real = fs.realpathSync(file);
    if (!seen.has(real)) seen.set(real, file);
  }
  return [...seen.values()];
}

const spellings = functionNewSpellings();
const binaries = nodeBinaries();

test('there are Node binaries to check', () => {
  assert.ok(binaries.length >= 1);
});

for (const binary of binaries) {
  let version;
  try {
    version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    version = '(does not run)';
  }
  test(`${binary} ${version} exports every allow-listed symbol and a v8::Function::New`, () => {
    const exported = new Set(dynamicSymbols(binary, '--defined-only').map((s) => s.replace(/@.*$/, '')));
    assert.ok(exported.size > 1000, `nm found only ${exported.size} dynamic symbols in ${binary}`);
    const missing = [...ALLOWED].filter(([mangled]) => !exported.has(mangled)).map(([m, what]) => `${what}  ${m}`);
    assert.deepEqual(missing, [], `${binary} does not export:\n${missing.join('\n')}`);
    const found = spellings.filter((s) => exported.has(s));
    assert.ok(
      found.length >= 1,
      `${binary} exports none of the v8::Function::New spellings in native/addon.cc:\n${spellings.join('\n')}`,
    );
  });
}
