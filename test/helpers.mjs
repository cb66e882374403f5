// Runs a fixture script in a child process of the same Node binary and collects its output.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function runFixture(name, args = [], { execArgv = [], env = {}, timeout = 120_000 } = {}) {
  // A child that could not be started at all (it happened once under Wine) is tried again;
  // one that ran is never retried.
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync(process.execPath, [...execArgv, path.join(fixtures, name), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout,
    });
    const started = result.stdout !== undefined && result.stdout !== null;
    if (result.error !== undefined && !started) {
      if (attempt < 3) continue;
      throw new Error(`cannot start ${name} ${args.join(' ')}: ${result.error.message}`);
    }
    return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  }
}

/** Whether this Node's V8 knows a flag (e.g. --conservative-stack-scanning). */
export function v8HasFlag(flag) {
  const result = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  return result.stdout.includes(`  ${flag}`);
}

export const nodeMajor = Number(process.versions.node.split('.')[0]);

/**
 * The newest symbol versions an ELF binary needs from glibc and from the C++ runtime, as
 * [major, minor, patch] arrays (objdump -T reads any architecture's ELF).
 */
export function elfVersionNeeds(file) {
  const out = spawnSync('objdump', ['-T', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (out.status !== 0) throw new Error(`objdump -T ${file}: ${out.stderr}`);
  const newest = (prefix) =>
    [...out.stdout.matchAll(new RegExp(`\\(${prefix}_([0-9.]+)\\)`, 'g'))]
      .map((m) => m[1].split('.').map(Number))
      .reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b), [0]);
  return { glibc: newest('GLIBC'), glibcxx: newest('GLIBCXX'), cxxabi: newest('CXXABI') };
}

export function compareVersions(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
