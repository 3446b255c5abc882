#!/usr/bin/env bash
# Build (or take from the cache) the reference Bitnami sealed-secrets controller, used by the
# parity e2e test. Compiled from the Go module proxy; prints the binary path on the last line.
#
# Env: SIGNET_REFERENCE_VERSION (default v0.36.6), SIGNET_CACHE (cache root, as test/cluster).
set -euo pipefail

VERSION="${SIGNET_REFERENCE_VERSION:-v0.36.6}"
CACHE_ROOT="${SIGNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/signet}"
DIR="$CACHE_ROOT/reference-controller/$VERSION"
BIN="$DIR/controller"

if [[ -x "$BIN" && -f "$DIR/.complete" ]]; then
  echo "[reference-controller] cache hit: $BIN" >&2
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { echo "[reference-controller] ERROR: 'go' is required" >&2; exit 1; }
mkdir -p "$DIR"
TMP="$(mktemp -d "$DIR.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
echo "[reference-controller] building github.com/bitnami-labs/sealed-secrets/cmd/controller@$VERSION" >&2
GOBIN="$TMP" CGO_ENABLED=0 go install -trimpath \
  "github.com/bitnami-labs/sealed-secrets/cmd/controller@$VERSION" >&2
mv "$TMP/controller" "$BIN"
touch "$DIR/.complete"
echo "$BIN"
