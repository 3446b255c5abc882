#!/usr/bin/env bash
# Install (or find) the browser the seal page's tests drive: Debian's Chromium, run through
# playwright-core (playwright's own browser downloads are never used). Run by the test set-up
# (scripts/test.sh) before vitest, like the Go tools, so no test hook waits for apt; the vitest
# global set-ups of the `browser` and `e2e` projects run it too (test/web/chromium.ts), for runs
# that skip scripts/test.sh.
#
# Usage: bash test/web/install-chromium.sh   # prints the browser path on the last stdout line
# Env:   SIGNET_CHROMIUM  use this binary instead (nothing is installed)
set -euo pipefail

found() {
  local candidates=(/usr/lib/chromium/chromium /usr/bin/chromium)
  [[ -z "${SIGNET_CHROMIUM:-}" ]] || candidates=("$SIGNET_CHROMIUM")
  for b in "${candidates[@]}"; do
    if [[ -x "$b" ]] && "$b" --version 2>/dev/null | grep -Eq 'Chromium|Chrome'; then
      echo "$b"
      return 0
    fi
  done
  return 1
}

if found; then exit 0; fi
if [[ -n "${SIGNET_CHROMIUM:-}" ]]; then
  echo "[chromium] ERROR: SIGNET_CHROMIUM=$SIGNET_CHROMIUM is not a working Chromium" >&2
  exit 1
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "[chromium] ERROR: Chromium is missing; as root run: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg run (another test set-up on the machine) may hold the locks: apt waits for
# the dpkg lock (DPkg::Lock::Timeout); a failed step (a lock apt does not wait for, a mirror
# hiccup) is retried. The package lists are refreshed once, then chromium is installed.
retry() {
  for attempt in 1 2 3; do
    if "$@" >&2; then return 0; fi
    echo "[chromium] $* failed (attempt $attempt of 3)" >&2
    [[ $attempt == 3 ]] || sleep 15
  done
  return 1
}
echo "[chromium] installing Debian's chromium (apt-get update, apt-get install chromium)" >&2
retry apt-get -o DPkg::Lock::Timeout=900 update -qq
retry apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends \
  chromium fonts-dejavu-core
found || { echo "[chromium] ERROR: installing Debian's chromium failed" >&2; exit 1; }
