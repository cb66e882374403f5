// Runs a fixture script in a child process of the same Node binary and collects its output.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function runFixture(name, args = [], { execArgv = [], env = {}, timeout = 120_000 } = {}) {
  const result = spawnSync(process.execPath, [...execArgv, path.join(fixtures, name), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout,
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Whether this Node's V8 knows a flag (e.g. --conservative-stack-scanning). */
export function v8HasFlag(flag) {
  const result = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  return result.stdout.includes(`  ${flag}`);
}

export const nodeMajor = Number(process.versions.node.split('.')[0]);
