#!/usr/bin/env node
// Builds the prebuilt binaries the package ships: prebuilds/<platform>-<arch>/, picked
// at install and load time by node-gyp-build. One Node-API binary per platform serves
// every Node and Electron there.
//
//   node scripts/prebuild.js                 every target this machine can build
//   node scripts/prebuild.js linux-x64 ...   just these
//   node scripts/prebuild.js --pack          what `npm pack` ships (prepack): prebuilds/
//                                            emptied, then every target built, or a
//                                            failure saying what is missing; with
//                                            TENDRIL_PREBUILD_TARGETS=linux-x64,... only those
//
// The machine's own platform is built with node-gyp. From linux-x64 two more are
// cross-built: linux-arm64 with node-gyp and Debian's aarch64 g++, win32-x64 with
// mingw-w64 g++ (node-gyp cannot target Windows from Linux; the source list is read
// from binding.gyp so both builds compile the same files). macOS and Windows with MSVC
// are built on hosted runners (.github/workflows/prebuilds.yml).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const host = `${process.platform}-${process.arch}`;

/** Libc tag node-gyp-build matches on Linux (it assumes glibc unless Alpine). */
function linuxLibc() {
  return process.env.LIBC || (fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc');
}

/** What each target needs from this machine, and how it is built. */
const TARGETS = {
  'linux-x64': { tools: ['g++', 'make', 'python3'], apt: 'g++ make python3', build: nodeGyp },
  'linux-arm64': {
    tools: ['aarch64-linux-gnu-g++', 'make', 'python3'],
    apt: 'g++-aarch64-linux-gnu libc6-dev-arm64-cross make python3',
    cross: { arch: 'arm64', prefix: 'aarch64-linux-gnu-' },
    build: nodeGyp,
  },
  'win32-x64': {
    tools: ['x86_64-w64-mingw32-g++', 'x86_64-w64-mingw32-dlltool'],
    apt: 'g++-mingw-w64-x86-64 mingw-w64-tools',
    build: mingw,
  },
};

function fileName(target) {
  return target.startsWith('linux-') ? `tendril.napi.${target === host ? linuxLibc() : 'glibc'}.node` : 'tendril.napi.node';
}

function which(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

/** Targets this machine can build: its own, plus the cross targets from linux-x64. */
function buildable(target) {
  if (target === host) return true;
  if (host !== 'linux-x64' || !TARGETS[target]) return false;
  return TARGETS[target].tools.every(which);
}

function run(cmd, args, options = {}) {
  console.log(`prebuild: ${[cmd, ...args].join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${cmd} exited with ${result.status ?? result.signal}`);
}

/** Where node-gyp finds Node's headers without downloading: the running Node's prefix. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

/** A copy of binding.gyp and native/ to build in, so the working tree's build/ stays as it is. */
function stage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-prebuild-'));
  fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(dir, 'binding.gyp'));
  fs.cpSync(path.join(root, 'native'), path.join(dir, 'native'), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
  return dir;
}

function nodeGyp(target, out) {
  const { cross } = TARGETS[target] ?? {};
  const dir = stage();
  try {
    const env = { ...process.env };
    const args = ['rebuild', ...nodedirArgs()];
    if (cross) {
      args.push(`--arch=${cross.arch}`);
      Object.assign(env, {
        CC: `${cross.prefix}gcc`,
        CXX: `${cross.prefix}g++`,
        LINK: `${cross.prefix}g++`,
        AR: `${cross.prefix}ar`,
      });
    }
    run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), ...args], { cwd: dir, env });
    fs.copyFileSync(path.join(dir, 'build', 'Release', 'tendril.node'), out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (process.platform === 'darwin') run('strip', ['-Sx', out]);
  else if (process.platform === 'linux') run(`${cross ? cross.prefix : ''}strip`, ['--strip-all', out]);
}

/** binding.gyp's sources, defines and conditions evaluated for one gyp OS name. */
function gypTarget(osName) {
  const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8'));
  const target = gyp.targets.find((t) => t.target_name === 'tendril');
  const result = { sources: [...target.sources], defines: [...(target.defines ?? [])] };
  const holds = (condition) => {
    const m = /^OS\s*(==|!=)\s*'(\w+)'$/.exec(condition);
    if (!m) throw new Error(`scripts/prebuild.js cannot evaluate the binding.gyp condition ${condition}`);
    return (osName === m[2]) === (m[1] === '==');
  };
  for (const [condition, then, otherwise] of target.conditions ?? []) {
    const branch = holds(condition) ? then : otherwise;
    if (!branch) continue;
    result.sources.push(...(branch.sources ?? []));
    result.defines.push(...(branch.defines ?? []));
  }
  return result;
}

function mingw(target, out) {
  const headers = require('node-api-headers');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-mingw-'));
  try {
    // Node-API comes from the host executable, imported with delayed loading so that
    // native/win_delay_load_hook.cc can point "node.exe" at electron.exe too.
    const importLib = path.join(dir, 'libnode.a');
    run('x86_64-w64-mingw32-dlltool', ['-d', headers.def_paths.node_api_def, '-y', importLib, '-D', 'node.exe']);
    const { sources, defines } = gypTarget('win');
    run(
      'x86_64-w64-mingw32-g++',
      [
        '-std=c++20',
        '-O2',
        '-shared',
        '-s',
        // libstdc++'s win32 thread model has no std::mutex; tendril uses none of
        // node-addon-api's thread helpers.
        '-DNAPI_HAS_THREADS=0',
        ...defines.map((d) => `-D${d}`),
        `-I${headers.include_dir}`,
        `-I${require('node-addon-api').include_dir}`,
        ...sources,
        'native/win_delay_load_hook.cc',
        '-o',
        out,
        importLib,
        '-ldelayimp',
        '-lsynchronization',
        '-static-libgcc',
        '-static-libstdc++',
      ],
      { cwd: root },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const args = process.argv.slice(2);
  const pack = args.includes('--pack');
  const named = args.filter((a) => !a.startsWith('--'));
  const fromEnv = pack ? (process.env.TENDRIL_PREBUILD_TARGETS ?? '').split(',').filter(Boolean) : [];
  for (const t of [...named, ...fromEnv]) {
    if (!TARGETS[t] && t !== host) throw new Error(`unknown target ${t}; known: ${Object.keys(TARGETS).join(', ')}`);
  }
  let targets = named.length > 0 ? named : fromEnv.length > 0 ? fromEnv : [...new Set([host, ...Object.keys(TARGETS)])];
  const missing = targets.filter((t) => !buildable(t));
  if (missing.length > 0 && (pack || named.length > 0)) {
    const how = missing.map((t) =>
      TARGETS[t] && host === 'linux-x64' ? `${t} (apt-get install ${TARGETS[t].apt})` : `${t} (build it on ${t} itself)`,
    );
    throw new Error(
      `cannot build ${how.join(', ')} on this ${host} machine. ` +
        'Install what is named, or choose targets with TENDRIL_PREBUILD_TARGETS=<target,...>.',
    );
  }
  for (const t of missing) console.log(`prebuild: skipping ${t}: this ${host} machine cannot build it`);
  targets = targets.filter((t) => !missing.includes(t));
  // A pack ships exactly what was built now, never a leftover of an earlier run.
  if (pack) fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });
  for (const target of targets) {
    const outDir = path.join(root, 'prebuilds', target);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const out = path.join(outDir, fileName(target));
    (TARGETS[target] ?? { build: nodeGyp }).build(target, out);
    console.log(`prebuild: ${path.relative(root, out)} (${fs.statSync(out).size} bytes)`);
  }
}

try {
  main();
} catch (error) {
  console.error(`prebuild: ${error.message}`);
  process.exit(1);
}
