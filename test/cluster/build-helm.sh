#!/usr/bin/env bash
# Build (or take from the cache) the helm binary the deploy tests render the chart with, from the
# Go module proxy: ${SIGNET_CACHE:-~/.cache/signet}/helm/<version>/helm. Run by the test set-up
# (scripts/test.sh) before vitest, so no test hook has to wait for a Go build.
#
# Usage: bash test/cluster/build-helm.sh   # prints the helm path on the last stdout line
set -euo pipefail

# shellcheck source=versions.env
source "$(dirname "${BASH_SOURCE[0]}")/versions.env"
CACHE_ROOT="${SIGNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/signet}"
GOBIN="$CACHE_ROOT/helm/$HELM_VERSION"
HELM="$GOBIN/helm"

if [[ -x "$HELM" ]] && "$HELM" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  echo "$HELM"
  exit 0
fi
command -v go >/dev/null || { echo "[helm build] ERROR: 'go' is required to build helm" >&2; exit 1; }
echo "[helm build] building helm $HELM_VERSION into $GOBIN" >&2
mkdir -p "$GOBIN"
(cd "$(mktemp -d)" && GOBIN="$GOBIN" CGO_ENABLED=0 go install -trimpath \
  "-ldflags=-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
echo "$HELM"
