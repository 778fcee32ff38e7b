#!/usr/bin/env bash
# The whole test suite, as `npm test` and CI run it:
#   0. bootstrap: whatever the machine lacks (scripts/bootstrap.sh);
#   1. style and lints: rustfmt, clippy on the wasm target (and on the native tests), and
#      the GitHub Actions workflows against their schemas;
#   2. native unit tests: `cargo test` (validation, parsing, error mapping, SQL building);
#   3. the release build, exactly as deployed (worker-build --release, wasm-opt, bundle),
#      and its size budget (scripts/size.sh --check); then the panic probe's build (the
#      dev build with the `panic-probe` feature, which tests/panics.test.mjs runs);
#   4. integration tests: the built worker in workerd with a real local D1 (tests/*.test.mjs,
#      including security, fault-injection, rate-limit and CORS tests), and the browser
#      tests of /docs and /map in Debian's headless Chromium (tests/browser/);
#   5. end-to-end tests through `wrangler dev` over real HTTP (tests/e2e/): a client
#      workflow, `npm start` and its reload after an edit, key management with
#      `npm run keys`, the smoke check and the demo data, a bounded load test, and
#      Schemathesis fuzzing driven by /openapi.json. One at a time: each `wrangler dev`
#      runs the build;
#   6. the working tree: nothing above may change a tracked file or leave an untracked
#      one (git status is the same at the end as at the start: empty on a fresh clone).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# The working tree's changes, as git sees them (nothing to compare outside a git checkout).
tree_status() { git status --porcelain 2>/dev/null || true; }
tree_before=$(tree_status)

bash scripts/bootstrap.sh
bash scripts/bootstrap.sh --browser
bash scripts/bootstrap.sh --gis

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy (wasm32 target, and native tests)"
cargo clippy --target wasm32-unknown-unknown -- -D warnings
cargo clippy --all-targets -- -D warnings

step "GitHub Actions workflows (check-jsonschema, offline)"
bash scripts/check-workflows.sh

step "cargo test (native unit tests)"
cargo test

step "release build: wrangler deploy --dry-run (runs scripts/build.sh)"
rm -rf build/dist
wrangler deploy --dry-run --env "" --outdir build/dist

step "wasm size budget"
bash scripts/size.sh --check build/dist

step "the panic probe's build, for tests/panics.test.mjs (the dev build with the panic-probe feature)"
rm -rf build/probe
RECWAY_BUILD=panic-probe wrangler deploy --dry-run --env "" --outdir build/probe

step "integration and browser tests (workerd + local D1, Chromium)"
node --test --test-reporter=spec tests/*.test.mjs tests/browser/*.test.mjs

step "end-to-end tests through wrangler dev (workflow, keys, load, fuzzing)"
node --test --test-reporter=spec --test-concurrency=1 tests/e2e/*.test.mjs

step "the working tree is as the tests found it"
tree_after=$(tree_status)
if [ "$tree_after" != "$tree_before" ]; then
  echo "npm test changed the working tree (git status --porcelain):" >&2
  diff <(echo "$tree_before") <(echo "$tree_after") >&2 || true
  exit 1
fi
echo "git status --porcelain: unchanged${tree_after:+ (local changes made before the tests are kept as they were)}"
