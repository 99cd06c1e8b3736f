#!/usr/bin/env bash
# Installs Debian's Chromium for the browser suites when it is missing (`npx playwright install` cannot work here).
# Used by `pnpm test` and `.ci/run`; exits non-zero when it cannot install (not root and no sudo, or apt fails).
set -uo pipefail
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] && exit 0
sudo=''
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "chromium is missing and this user cannot install it (not root, no sudo)" >&2
    exit 1
  fi
  sudo='sudo'
fi
$sudo apt-get update && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
