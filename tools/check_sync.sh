#!/usr/bin/env bash
# Fail if the notebooks are not clean (nbdev-clean would change them) or the library is out of sync with them
# (nbdev-export would change it). Works on a copy, so nothing in the checkout is modified.
set -euo pipefail
venv=${1:-.venv}; venv=$(cd "$venv" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$top/nbs" "$top/wsslib" "$top/pyproject.toml" "$tmp/"
find "$tmp" -name __pycache__ -prune -exec rm -rf {} +
cp -r "$tmp/nbs" "$tmp/nbs.orig"; cp -r "$tmp/wsslib" "$tmp/wsslib.orig"
(cd "$tmp" && "$venv/bin/nbdev-clean" >/dev/null && "$venv/bin/nbdev-export" >/dev/null)
status=0
if ! diff -r -q -x llms.txt "$tmp/nbs.orig" "$tmp/nbs"; then
  echo "FAIL: notebooks are not clean: run 'nbdev-clean' and commit the result."; status=1; fi
if ! diff -r -q -x __pycache__ "$tmp/wsslib.orig" "$tmp/wsslib"; then
  echo "FAIL: the library is out of sync with the notebooks: run 'nbdev-export' and commit the result."; status=1; fi
"$venv/bin/python" "$top/tools/make_readme.py" --out "$tmp/README.md" >/dev/null
if ! diff -q "$top/README.md" "$tmp/README.md" >/dev/null; then
  echo "FAIL: README.md is stale: run 'python tools/make_readme.py' and commit the result."; status=1; fi
[ $status -eq 0 ] && echo "notebooks clean; library in sync with notebooks; README.md up to date"
exit $status
