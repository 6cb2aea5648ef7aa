#!/usr/bin/env bash
# The docs test looks at the built site in headless Chromium (Debian package `chromium`). Install it if missing.
set -euo pipefail
for b in chromium chromium-browser google-chrome; do command -v "$b" >/dev/null 2>&1 && exit 0; done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the docs test..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || {
    echo "could not install chromium; install it (Debian/Ubuntu: apt-get install chromium) and re-run"; exit 1; }
else
  echo "headless Chromium is needed by the docs test: install it (Debian/Ubuntu: sudo apt-get install chromium) and re-run"; exit 1
fi
