#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own download is not reachable
# here). Install it when missing and we are allowed to; otherwise say what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "chromium is missing: run 'sudo apt-get install chromium' (needed by the browser tests)." >&2
exit 1
