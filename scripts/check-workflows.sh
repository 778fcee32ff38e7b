#!/usr/bin/env bash
# Validates the GitHub Actions workflows and the local action offline, against the
# SchemaStore schemas check-jsonschema ships (no download):
#
#   bash scripts/check-workflows.sh [workflow.yml ...]   (default: all of .github/)
#
# check-jsonschema is installed, pinned, into build/venv (gitignored), beside Schemathesis;
# a stamp file records its version there, so later runs skip pip.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK_JSONSCHEMA_VERSION=0.39.0
VENV=build/venv
STAMP="$VENV/.check-jsonschema-version"

if [ ! -x "$VENV/bin/check-jsonschema" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$CHECK_JSONSCHEMA_VERSION" ]; then
  printf 'check-workflows.sh: installing check-jsonschema %s into %s\n' "$CHECK_JSONSCHEMA_VERSION" "$VENV" >&2
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
  echo "$CHECK_JSONSCHEMA_VERSION" >"$STAMP"
fi

check() { "$VENV/bin/check-jsonschema" --builtin-schema "$@"; }
if [ $# -gt 0 ]; then
  check vendor.github-workflows "$@"
else
  check vendor.github-workflows .github/workflows/*.yml
  check vendor.github-actions .github/actions/*/action.yml
fi
