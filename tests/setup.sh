#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain, when it is not
# there yet: Debian's headless Chromium and ChromeDriver (the explorer's
# browser tests) and the pinned Python packages the interoperability tests
# check isnad's output with (PyLD, prov). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "tests/setup.sh: $*" >&2; exit 1; }

if [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/chromium ]; then
  command -v apt-get >/dev/null 2>&1 ||
    fail "the browser tests need chromium and chromium-driver, and this machine has no apt-get"
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    fail "installing chromium and chromium-driver needs root or sudo"
  fi
  echo "tests/setup.sh: installing chromium and chromium-driver from Debian" >&2
  { "${as_root[@]}" apt-get update -q &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; } ||
    fail "apt-get could not install chromium and chromium-driver"
fi

command -v python3 >/dev/null 2>&1 || fail "the interoperability tests need python3 with pip"
python3 -m pip install -q -r tests/interop/requirements.txt ||
  fail "pip could not install tests/interop/requirements.txt"
