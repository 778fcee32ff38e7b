#!/usr/bin/env bash
# The one build of the worker (npm scripts and wrangler's [build] both run it):
# `worker-build --release` into build/, with wasm-opt, and with every tool it would
# otherwise download taken from the package registries instead; then the static assets
# (public/vendor/) the /docs and /map pages load.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh --toolchain

WASM_BINDGEN_BIN=$(command -v wasm-bindgen)
export WASM_BINDGEN_BIN
export ESBUILD_BIN="$PWD/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt"
for tool in "$ESBUILD_BIN" "$WASM_OPT_BIN"; do
  [ -x "$tool" ] || { echo "build: $tool is missing; run 'npm install' first" >&2; exit 1; }
done

worker-build --release
bash scripts/assets.sh
