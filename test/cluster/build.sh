#!/usr/bin/env bash
# Build (or take from the cache) the Kubernetes control-plane binaries used by the e2e tests:
# kube-apiserver, kube-controller-manager, kubectl and etcd, compiled from the Go module proxy
# through a throw-away wrapper module (k8s.io/kubernetes + every staging module pinned to its
# v0.X.Y tag by `replace`). See test/cluster/README.md.
#
# Usage: bash test/cluster/build.sh        # prints the bin directory on the last stdout line
# Env:   SIGNET_K8S_VERSION  Kubernetes version (default below)
#        SIGNET_CACHE        cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/signet)
#        SIGNET_ETCD_FALLBACK=1  on etcd build failure, use Debian's etcd-server (apt-get)
set -euo pipefail

# shellcheck source=versions.env
source "$(dirname "${BASH_SOURCE[0]}")/versions.env"
K8S="${SIGNET_K8S_VERSION:-$K8S_VERSION}"
MINOR="$(echo "$K8S" | cut -d. -f2)"
STAGING="v0.${K8S#1.}"
CACHE_ROOT="${SIGNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/signet}"
CACHE="$CACHE_ROOT/control-plane/v$K8S"
BIN="$CACHE/bin"
STAMP="$BIN/.complete"

log() { echo "[control-plane build] $*" >&2; }

cached() {
  [[ -f "$STAMP" ]] || return 1
  for b in kube-apiserver kube-controller-manager kubectl etcd; do
    [[ -x "$BIN/$b" ]] || return 1
  done
  "$BIN/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes v$K8S" || return 1
}

if cached; then
  log "cache hit: $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "ERROR: 'go' (>= 1.24) is required to build the control plane"; exit 1; }
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod"

mkdir -p "$CACHE"
W="$(mktemp -d "$CACHE/wrapper.XXXXXX")"
OUT="$(mktemp -d "$CACHE/bin.XXXXXX")"
trap 'rm -rf "$W" "$OUT"' EXIT
cd "$W"

log "Kubernetes v$K8S (staging $STAGING), wrapper module in $W"
go mod init example.invalid/signet-kube-bins >/dev/null 2>&1

MODFILE="$(go mod download -json "k8s.io/kubernetes@v$K8S" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
[[ -f "$MODFILE" ]] || { log "ERROR: could not download k8s.io/kubernetes@v$K8S go.mod"; exit 1; }
MODS="$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/.*#\1#p' "$MODFILE")"
NMODS="$(echo "$MODS" | grep -c . || true)"
if (( NMODS < 25 )); then
  log "ERROR: expected ~31 staging replace lines in k8s.io/kubernetes go.mod, found $NMODS"
  exit 1
fi
log "$NMODS staging modules pinned to $STAGING"
GOLINE="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$MODFILE" | head -1)"
GODEBUG_LINE="$(sed -n 's/^godebug default=\(.*\)$/\1/p' "$MODFILE" | head -1)"

args=()
for m in $MODS; do args+=("-replace=$m=$m@$STAGING"); done
args+=("-require=k8s.io/kubernetes@v$K8S" "-go=${GOLINE:-1.24.0}")
[[ -n "$GODEBUG_LINE" ]] && args+=("-godebug=default=$GODEBUG_LINE")
args+=(-tool=k8s.io/kubernetes/cmd/kube-apiserver
  -tool=k8s.io/kubernetes/cmd/kube-controller-manager
  -tool=k8s.io/kubernetes/cmd/kubectl
  -tool=go.etcd.io/etcd/server/v3)
go mod edit "${args[@]}"

log "go mod tidy"
go mod tidy
log "etcd version in module graph: $(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"

LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$MINOR
 -X k8s.io/component-base/version.gitTreeState=clean
 -X k8s.io/client-go/pkg/version.gitVersion=v$K8S
 -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$MINOR"

log "building etcd"
if ! go build -trimpath -ldflags "-s -w" -o "$OUT/etcd" go.etcd.io/etcd/server/v3; then
  if [[ "${SIGNET_ETCD_FALLBACK:-0}" == 1 ]]; then
    log "etcd build failed; falling back to Debian etcd-server"
    command -v etcd >/dev/null || { apt-get update && apt-get install -y etcd-server; }
    ln -sf "$(command -v etcd)" "$OUT/etcd"
  else
    log "ERROR: etcd build failed (set SIGNET_ETCD_FALLBACK=1 to use Debian's etcd-server)"
    exit 1
  fi
fi

log "building kube-apiserver, kube-controller-manager, kubectl"
go build -trimpath -ldflags "$LDFLAGS" -o "$OUT/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kubectl

"$OUT/kube-apiserver" --version >&2
"$OUT/etcd" --version >&2
date -u +%FT%TZ >"$OUT/.complete"
rm -rf "$BIN"
mv "$OUT" "$BIN"
log "done: $BIN"
echo "$BIN"
