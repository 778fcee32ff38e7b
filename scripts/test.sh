#!/usr/bin/env bash
# The whole test suite, as `npm test` and CI run it (bootstrap has run before it):
#   1. style and lints: rustfmt, clippy on the wasm target (and on the native tests);
#   2. native unit tests: `cargo test` (validation, parsing, error mapping, SQL building);
#   3. the release build, exactly as deployed (worker-build --release, wasm-opt, bundle),
#      and its size budget (scripts/size.sh --check);
#   4. integration tests: the built worker in workerd with a real local D1 (tests/*.test.mjs,
#      including security, fault-injection, rate-limit and CORS tests), and the browser
#      tests of /docs and /map in Debian's headless Chromium (tests/browser/);
#   5. end-to-end tests through `wrangler dev` over real HTTP (tests/e2e/): a client
#      workflow, key management with `npm run keys`, the smoke check and the demo data,
#      a bounded load test, and Schemathesis fuzzing driven by /openapi.json. One at a
#      time: each `wrangler dev` runs the build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh --browser

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy (wasm32 target, and native tests)"
cargo clippy --target wasm32-unknown-unknown -- -D warnings
cargo clippy --all-targets -- -D warnings

step "cargo test (native unit tests)"
cargo test

step "release build: wrangler deploy --dry-run (runs scripts/build.sh)"
rm -rf build/dist
wrangler deploy --dry-run --env "" --outdir build/dist

step "wasm size budget"
bash scripts/size.sh --check build/dist

step "integration and browser tests (workerd + local D1, Chromium)"
node --test --test-reporter=spec tests/*.test.mjs tests/browser/*.test.mjs

step "end-to-end tests through wrangler dev (workflow, keys, load, fuzzing)"
node --test --test-reporter=spec --test-concurrency=1 tests/e2e/*.test.mjs
