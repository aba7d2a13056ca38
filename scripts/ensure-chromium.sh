#!/usr/bin/env bash
# Debian packages the test suite drives: Chromium for the browser tests (Playwright's own
# download is not reachable here), poppler-utils (pdftoppm) and zbar-tools (zbarimg) to
# read the certificate's QR code back from its rendered PDF. Install what is missing when
# we are allowed to; otherwise say what to do.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "missing: ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (needed by the tests)." >&2
exit 1
