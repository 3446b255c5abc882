#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh machine (npm packages, the reference
# kubeseal, the Go differential renderer, helm and the Kubernetes control plane — each cached outside the
# repo under ${SIGNET_CACHE:-~/.cache/signet} — and Debian's Chromium for the web page), builds, then
# runs every vitest project.
# Extra arguments go to vitest (CI passes its JSON reporter).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  bash scripts/npm-ci.sh
fi
npm run build --silent
bash test/cluster/build.sh
bash test/cluster/build-helm.sh
bash test/web/install-chromium.sh
exec npx vitest run "$@"
