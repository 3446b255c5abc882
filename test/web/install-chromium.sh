#!/usr/bin/env bash
# Install (or find) the browser the seal page's tests drive: Debian's Chromium, run through
# playwright-core (playwright's own browser downloads are never used). Run by the test set-up
# (scripts/test.sh) before vitest, like the Go tools, so no test hook waits for apt.
#
# Usage: bash test/web/install-chromium.sh   # prints the browser path on the last stdout line
# Env:   SIGNET_CHROMIUM  use this binary instead (nothing is installed)
set -euo pipefail

found() {
  for b in "${SIGNET_CHROMIUM:-}" /usr/lib/chromium/chromium /usr/bin/chromium; do
    if [[ -n "$b" && -x "$b" ]] && "$b" --version 2>/dev/null | grep -Eq 'Chromium|Chrome'; then
      echo "$b"
      return 0
    fi
  done
  return 1
}

if found; then exit 0; fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "[chromium] ERROR: Chromium is missing; as root run: apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg run (another test set-up on the machine) may hold the locks: wait for them.
for attempt in $(seq 1 20); do
  if apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      chromium fonts-dejavu-core >&2; then
    break
  fi
  echo "[chromium] apt-get failed (attempt $attempt), retrying in 15 s" >&2
  sleep 15
done
found || { echo "[chromium] ERROR: installing Debian's chromium failed" >&2; exit 1; }
