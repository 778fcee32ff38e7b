#!/usr/bin/env bash
# Prints the size of the release wasm module, raw and gzip -9, as deployed
# (run `npm run build` first; `npm run size` does).
set -euo pipefail
cd "$(dirname "$0")/.."
wasm=build/index_bg.wasm
[ -f "$wasm" ] || { echo "size: $wasm not found; run 'npm run build'" >&2; exit 1; }
raw=$(wc -c < "$wasm")
gzipped=$(gzip -9 -c "$wasm" | wc -c)
printf 'wasm raw:  %7d bytes (%s KiB)\n' "$raw" "$(awk -v b="$raw" 'BEGIN { printf "%.1f", b / 1024 }')"
printf 'wasm gzip: %7d bytes (%s KiB)\n' "$gzipped" "$(awk -v b="$gzipped" 'BEGIN { printf "%.1f", b / 1024 }')"
