#!/usr/bin/env bash
# The one build of the worker (npm scripts and wrangler's [build] both run it), into
# build/, with every tool worker-build would otherwise download taken from the package
# registries instead; then the static assets (public/vendor/) the /docs and /map pages load.
#
#   RECWAY_BUILD=release (the default): `worker-build --release`, LTO and wasm-opt -O3,
#     without the name section; what is deployed, size-checked and tested end to end.
#   RECWAY_BUILD=dev (`npm start`): the wasm-dev profile (Cargo.toml), incremental and
#     without wasm-opt, so that `wrangler dev` serves an edit within seconds.
#   RECWAY_BUILD=panic-probe: the dev build with the `panic-probe` feature (Cargo.toml),
#     for tests/panics.test.mjs only.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh --toolchain

WASM_BINDGEN_BIN=$(command -v wasm-bindgen)
export WASM_BINDGEN_BIN
export ESBUILD_BIN="$PWD/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt"
for tool in "$ESBUILD_BIN" "$WASM_OPT_BIN"; do
  [ -x "$tool" ] || { echo "build: $tool is missing; run 'npm ci' first" >&2; exit 1; }
done

case "${RECWAY_BUILD:-release}" in
  release)
    worker-build --release
    # The module ships without its name section; build/index_bg.names.wasm keeps the
    # names, to read a panic's stack trace or a profile with (scripts/wasm-names.mjs).
    node scripts/wasm-names.mjs strip build/index_bg.wasm build/index_bg.names.wasm
    ;;
  dev) worker-build --profile wasm-dev ;;
  panic-probe) worker-build --profile wasm-dev --features panic-probe ;;
  *) echo "build: RECWAY_BUILD must be release, dev or panic-probe, not '$RECWAY_BUILD'" >&2; exit 2 ;;
esac
bash scripts/assets.sh
