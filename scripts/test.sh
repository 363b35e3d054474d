#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what the browser tests
# need (Debian's Chromium, ChromeDriver and CJK fonts, and the PyPI package
# wechat-article-checker) when it is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Layout numbers (line counts, overlaps) mean nothing without CJK fonts.
# (grep without -q: an early exit would SIGPIPE fc-list, and pipefail would then
# read "fonts missing" and reinstall every time.)
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
  || ! fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then
  echo "== installing chromium, chromium-driver and fonts-noto-cjk (Debian packages)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
if ! command -v wechat-checker >/dev/null; then
  echo "== installing wechat-article-checker (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check wechat-article-checker
  hash -r
fi

cargo test --locked "$@"
