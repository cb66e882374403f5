#!/usr/bin/env bash
# Runs tendril's tests on another platform against a packed tarball's prebuild, as a user
# of that platform gets it. The tarball (npm pack) is unpacked into .cache/cross/<target>/
# with the repository's test files beside it, so `tendril` resolves to the packed dist/
# and prebuilds/, never to the working tree's build/.
#
#   scripts/cross-test.sh linux-arm64 <tarball>  `npm test`, whole, with Node 22 for arm64
#                                                 under qemu-user (binfmt registered here
#                                                 when missing: needs root)
#   scripts/cross-test.sh win32-x64 <tarball>    `npm run test:core` with Node 22's node.exe
#                                                 under Wine (node.exe's stdout must be a
#                                                 file, so the output goes to a log first)
# Needs (Debian): qemu-user-static g++-aarch64-linux-gnu libc6-dev-arm64-cross, or
# wine64 wine. Node 24+ for Windows does not start under Wine 8 (V8's sandbox cannot
# reserve its address space there): Node 22 is the Windows Node tested here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$1 tarball=$(realpath "$2")
stage="$root/.cache/cross/$target"
major=22

rm -rf "$stage"
mkdir -p "$stage"
tar -xzf "$tarball" -C "$stage" --strip-components=1
cp -r "$root/test" "$root/e2e" "$root/demo-app" "$root/examples" "$root/compat" "$stage/"
mkdir -p "$stage/scripts"
cp "$root/scripts/build-test-addon.js" "$stage/scripts/"
rm -rf "$stage/test/affine-addon/build"
ln -s "$root/node_modules" "$stage/node_modules"

case "$target" in
linux-arm64)
  binfmt=/proc/sys/fs/binfmt_misc
  if [ ! -e "$binfmt/qemu-aarch64" ]; then
    [ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
    cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$binfmt/register"
  fi
  bin=$("$root/scripts/fetch-node.sh" --platform linux-arm64 "$major")
  export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
  # pretest builds the test-only addon for this Node's arch with these compilers
  export CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar
  [ "$("$bin/node" -p process.arch)" = arm64 ] || { echo "cross-test: $bin/node is not an arm64 Node" >&2; exit 1; }
  cd "$stage"
  PATH="$bin:$PATH" npm test
  ;;
win32-x64)
  bin=$("$root/scripts/fetch-node.sh" --platform win-x64 "$major")
  export WINEPREFIX="${WINEPREFIX:-$root/.cache/wine}" WINEDEBUG=-all
  if [ ! -f "$WINEPREFIX/.tendril-win10" ]; then
    /usr/lib/wine/wine64 winecfg -v win10 >/dev/null 2>&1 </dev/null
    touch "$WINEPREFIX/.tendril-win10"
  fi
  # The core test files, as package.json's test:core names them.
  mapfile -t files < <(node -p "require('$root/package.json').scripts['test:core'].match(/test\/\S+\.test\.mjs/g).join('\n')")
  cd "$stage"
  log="$stage/wine-test.log"
  rc=0
  /usr/lib/wine/wine64 "$bin/node.exe" --test --test-concurrency=1 --test-reporter=spec "${files[@]}" >"$log" 2>&1 </dev/null || rc=$?
  cat "$log"
  exit "$rc"
  ;;
*)
  echo "cross-test: unknown target $target (linux-arm64, win32-x64)" >&2
  exit 2
  ;;
esac
