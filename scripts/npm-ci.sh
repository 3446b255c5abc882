#!/usr/bin/env bash
# `npm ci` for this workspace. package.json's engines name the supported Node.js lines and the
# repository's .npmrc sets engine-strict, so on an older Node.js (the test machines' Node 20, on
# which CI still runs the full suite) npm would refuse the root package itself: there the install
# runs with --engine-strict=false and says so. Extra arguments go to npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."

oldest="$(node scripts/node-runtime.mjs --list | tr ' ' '\n' | sort -n | head -1)"
major="$(node -p 'process.versions.node.split(".")[0]')"
flags=(--no-audit --no-fund)
if (( major < oldest )); then
  echo "npm-ci: Node.js $(node --version) predates the supported lines ($(node scripts/node-runtime.mjs --list)); installing with --engine-strict=false" >&2
  flags+=(--engine-strict=false)
fi
exec npm ci "${flags[@]}" "$@"
