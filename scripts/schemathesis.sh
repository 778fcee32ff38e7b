#!/usr/bin/env bash
# Property-based fuzzing of a running RecWay Edge API with Schemathesis, driven by one of
# the API's own OpenAPI documents (the v1 API's /openapi.json, or OGC API Features'
# /ogc/openapi.json): every check, every phase (examples,
# coverage, fuzzing, and stateful runs over the links Schemathesis infers from the
# document and from `Location` headers), reproducible (fixed seed, no example database,
# no crash replay cache) and bounded (a few minutes on a 2-core machine).
#
#   bash scripts/schemathesis.sh [schemathesis run options...]
#
#   RECWAY_URL=http://127.0.0.1:8787   the API to test
#   RECWAY_DOCUMENT=/openapi.json       the document's path there (/ogc/openapi.json for OGC)
#   SCHEMATHESIS_PYTHON=python3         the Python that creates build/venv
#
# Options given on the command line come after the defaults below and so override them
# (e.g. `--max-examples 5`, `--phases fuzzing`, `--seed 7`, `--report junit`).
# Schemathesis is installed, pinned, into build/venv (gitignored); a stamp file records the
# version there, so later runs skip pip entirely. The exit status is Schemathesis's: 0 only
# when no check failed and no error occurred.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV=build/venv
STAMP="$VENV/.schemathesis-version"

say() { printf 'schemathesis.sh: %s\n' "$*" >&2; }

if [ ! -x "$VENV/bin/schemathesis" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$SCHEMATHESIS_VERSION" ]; then
  say "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  [ -x "$VENV/bin/python" ] || "${SCHEMATHESIS_PYTHON:-python3}" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  echo "$SCHEMATHESIS_VERSION" >"$STAMP"
fi

URL=${RECWAY_URL:-http://127.0.0.1:8787}
URL=${URL%/}
DOCUMENT=${RECWAY_DOCUMENT:-/openapi.json}
# One report folder per document, so that the two runs keep theirs apart.
REPORT_DIR=build/schemathesis-report${DOCUMENT%/openapi.json}
mkdir -p "$REPORT_DIR"
# Hypothesis's own directory (.hypothesis/ by default, in the working directory).
export HYPOTHESIS_STORAGE_DIRECTORY=build/hypothesis

args=(
  "$URL$DOCUMENT"
  # Environment: where the API is, and how long a request may take there. wrangler dev
  # on a loaded 2-core machine can pause for a few seconds (a rebuild, D1 I/O); that is
  # not a property of the API, so the timeout is generous.
  --url "$URL"
  --wait-for-schema 60
  --request-timeout 30
  # What to test: everything Schemathesis knows how to check, in every phase.
  --checks all
  --phases examples,coverage,fuzzing,stateful
  --mode all
  # Reproducible: a fixed seed (the stateful phase still depends on the server's state,
  # which the test starts empty).
  --seed 20261123
  # Bounded: at most this many generated cases per operation in the fuzzing phase, and
  # as many stateful scenarios. The coverage phase is not bounded by it; it generates
  # every case the schema defines, which for this document is a few hundred per operation.
  --max-examples 50
  # One worker: CPython before 3.11.8 / 3.12.2 can fail ast.parse run from two threads at
  # once (gh-106905, hit inside Hypothesis), and this machine's Python is 3.11.7.
  --workers 1
  --no-color
  --report junit,ndjson
  --report-dir "$REPORT_DIR"
)

# Hooks for the two values only the server can issue (an opaque cursor, and fresh
# idempotency keys): see that file. Only cases meant to be valid are changed.
export PYTHONPATH="scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks
# The hooks' bytecode goes under build/, not into a scripts/__pycache__/ in the tree.
export PYTHONPYCACHEPREFIX=build/pycache

# --config-file: the settings the CLI has no flag for (see that file).
exec "$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "${args[@]}" "$@"
