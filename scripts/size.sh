#!/usr/bin/env bash
# The size of the release wasm module, raw and gzip -9, as deployed.
#
#   bash scripts/size.sh [dir]           prints them (dir: build/, what `npm run build` writes)
#   bash scripts/size.sh --check [dir]   also fails if the gzip size is over the budget
#                                        (scripts/test.sh runs this on the CI build)
#
# The budget is the measured size plus about 2% headroom: a change that grows the module
# more than that must raise it here, on purpose, in its own commit.
set -euo pipefail
cd "$(dirname "$0")/.."

GZIP_BUDGET_BYTES=295000

check=false
if [ "${1:-}" = "--check" ]; then
  check=true
  shift
fi
dir=${1:-build}
wasm=$(find "$dir" -maxdepth 1 -name '*.wasm' | head -n 1)
[ -n "$wasm" ] || { echo "size: no .wasm in $dir; run 'npm run build' first" >&2; exit 1; }

raw=$(wc -c < "$wasm")
gzipped=$(gzip -9 -n -c "$wasm" | wc -c)
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
printf 'wasm raw:  %7d bytes (%s KiB)\n' "$raw" "$(kib "$raw")"
printf 'wasm gzip: %7d bytes (%s KiB), budget %d bytes (%s KiB)\n' \
  "$gzipped" "$(kib "$gzipped")" "$GZIP_BUDGET_BYTES" "$(kib "$GZIP_BUDGET_BYTES")"

if $check && [ "$gzipped" -gt "$GZIP_BUDGET_BYTES" ]; then
  echo "size: the gzipped wasm is over its budget by $((gzipped - GZIP_BUDGET_BYTES)) bytes" >&2
  exit 1
fi
