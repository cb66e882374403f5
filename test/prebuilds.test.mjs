// The Linux prebuilds a package ships load on old distributions: glibc 2.17 and GCC 5's
// C++ runtime (native/glibc_compat.h binds glibc's thread and symbol functions to their
// first versions). Checks every prebuilds/linux-*/ binary of the package under test: in
// a development checkout after `npm run prebuild`, and in the packed tarball that
// scripts/cross-test.sh runs the suite in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareVersions, elfVersionNeeds } from './helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prebuilds = path.join(root, 'prebuilds');
const linux = fs.existsSync(prebuilds)
  ? fs
      .readdirSync(prebuilds)
      .filter((dir) => dir.startsWith('linux-'))
      .flatMap((dir) => fs.readdirSync(path.join(prebuilds, dir)).map((file) => path.join(prebuilds, dir, file)))
  : [];

/** The oldest runtime the binaries must load on: glibc 2.17 (arm64's first), GCC 5.1. */
export const OLDEST = { glibc: [2, 17], glibcxx: [3, 4, 21], cxxabi: [1, 3, 9] };

test('the package has Linux prebuilds to check', { skip: linux.length === 0 && 'no prebuilds/ here: `npm run prebuild` makes them' }, () => {
  assert.ok(linux.length > 0);
});

for (const file of linux) {
  test(`${path.relative(root, file)} needs at most glibc 2.17 and GCC 5's C++ runtime`, () => {
    const needs = elfVersionNeeds(file);
    assert.ok(needs.glibc.length > 1, `objdump found no GLIBC version need in ${file}`);
    for (const [what, oldest] of Object.entries(OLDEST)) {
      assert.ok(compareVersions(needs[what], oldest) <= 0, `${file} needs ${what} ${needs[what].join('.')}, newer than ${oldest.join('.')}`);
    }
  });
}
