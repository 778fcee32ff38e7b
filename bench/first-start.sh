#!/usr/bin/env bash
# A new developer's first `npm start`, timed: `npm run bench:first-start`.
#
# A fresh clone of this repository's HEAD in a temporary directory, with empty cargo and
# npm caches (CARGO_HOME and npm's cache point into it), so everything a new machine
# downloads and compiles is downloaded and compiled: the npm packages, worker-build and
# wasm-bindgen-cli, the crate's dependencies. Only rustup's toolchain is shared with this
# machine (its wasm32 target, when missing, is a 2 s download). Prints bootstrap's steps
# and the time until /health answers; removes everything it made.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
server=""
cleanup() {
  [ -z "$server" ] || kill -TERM -- "-$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git clone --quiet . "$work/recway"
# A CARGO_HOME of its own, holding only rustup's proxies (cargo, rustc, rustup), and PATH
# without this machine's cargo bin directory: the tools cargo installed here are not seen.
cargo_bin=$(dirname "$(command -v cargo)")
export CARGO_HOME="$work/cargo" npm_config_cache="$work/npm-cache"
mkdir -p "$CARGO_HOME/bin"
for proxy in cargo rustc rustup; do cp -P "$cargo_bin/$proxy" "$CARGO_HOME/bin/"; done
PATH="$CARGO_HOME/bin:$(tr ':' '\n' <<< "$PATH" | grep -vxF "$cargo_bin" | paste -sd:)"
export PATH
port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")

echo "first-start: npm start in a fresh clone ($work/recway), empty cargo and npm caches, port $port"
started=$SECONDS
(cd "$work/recway" && PORT=$port exec setsid npm start > "$work/start.log" 2>&1) &
server=$!
until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do
  if ! kill -0 "$server" 2>/dev/null; then
    tail -n 40 "$work/start.log" >&2
    echo "first-start: npm start exited before serving" >&2
    exit 1
  fi
  sleep 1
done
total=$((SECONDS - started))
grep '^bootstrap:' "$work/start.log" || true
echo "first-start: npm start served /health after $((total / 60)) min $((total % 60)) s"
