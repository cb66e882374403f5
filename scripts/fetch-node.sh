#!/usr/bin/env bash
# Fetch Node binaries from the npm registry: node-<platform>@<major> ships bin/node (with
# include/node for linux) or bin/node.exe. Linux x64 lands in .cache/node/<major>/, other
# platforms in .cache/node-<platform>/<major>/. Prints each bin dir.
# Usage: scripts/fetch-node.sh [--platform linux-x64|linux-arm64|win-x64] 22 24 26
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
platform=linux-x64
if [ "${1:-}" = "--platform" ]; then platform=$2; shift 2; fi
case "$platform" in
  linux-x64) base="$root/.cache/node" exe=node ;;
  linux-arm64) base="$root/.cache/node-linux-arm64" exe=node ;;
  win-x64) base="$root/.cache/node-win-x64" exe=node.exe ;;
  *) echo "fetch-node.sh: unknown platform $platform" >&2; exit 2 ;;
esac
for major in "$@"; do
  dir="$base/$major"
  if [ ! -f "$dir/bin/$exe" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-$platform@$major" >/dev/null 2>&1)
    mkdir -p "$dir"
    tar -xzf "$tmp"/node-"$platform"-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  # Only this machine's own build can be run here as it is (arm64 needs qemu, Windows Wine).
  if [ "$platform" = linux-x64 ]; then "$dir/bin/node" -e 'process.exit(0)'; fi
  echo "$dir/bin"
done
