#!/usr/bin/env bash
# Installs whatever a clean machine lacks to build, run and test RecWay Edge, from the
# package registries only (crates.io, npm). Idempotent, and quick when nothing is missing.
#
#   bash scripts/bootstrap.sh              npm packages + Rust toolchain
#   bash scripts/bootstrap.sh --toolchain  Rust toolchain only (what the build needs; used
#                                          from `wrangler`'s build command, which must not
#                                          reinstall the node_modules it is running from)
#   bash scripts/bootstrap.sh --browser    Debian's Chromium, for the browser tests
#   bash scripts/bootstrap.sh --bench      what `npm run bench` needs: wrk (Debian), the
#                                          Hono peer's npm packages, the FastAPI peer's venv
#   bash scripts/bootstrap.sh --gis        the GIS clients of the tests: Debian's gdal-bin,
#                                          OWSLib in build/gis-venv
set -euo pipefail
cd "$(dirname "$0")/.."

WORKER_BUILD_VERSION=0.8.7
# Measured on a 2-core machine from an empty cargo cache (README "First run").
TOOLS_ESTIMATE="5.5 min"

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# A step that takes a while: what it does and how long it took on a 2-core machine, then
# (done_step) how long it took here.
step() { say "$1 (about $2 on 2 cores) ..."; STEP_STARTED=$SECONDS; }
done_step() { say "  done in $((SECONDS - STEP_STARTED)) s"; }

# The version a tool reports, or nothing when it is not installed.
version_of() { "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true; }

# The version of a package in Cargo.lock.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

install_npm_packages() {
  # npm writes node_modules/.package-lock.json on every install: when it is newer than
  # package-lock.json, node_modules matches the lock file. `npm ci` installs exactly the
  # lock file (complete for Linux, macOS and Windows) and never rewrites it.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "installing npm packages with npm ci (Node 22, wrangler, esbuild, binaryen)" "15 s"
    npm ci --no-audit --no-fund --loglevel=error
    done_step
  fi
}

install_rust_toolchain() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding Rust's wasm32-unknown-unknown target" "5 s"
    rustup target add wasm32-unknown-unknown
    done_step
  fi
  local bindgen missing=()
  bindgen=$(locked_version wasm-bindgen)
  [ "$(version_of worker-build)" = "$WORKER_BUILD_VERSION" ] || missing+=("worker-build@$WORKER_BUILD_VERSION")
  # The wasm-bindgen CLI must be the version of the wasm-bindgen crate in Cargo.lock.
  [ "$(version_of wasm-bindgen)" = "$bindgen" ] || missing+=("wasm-bindgen-cli@$bindgen")
  if [ ${#missing[@]} -gt 0 ]; then
    step "building ${missing[*]} from crates.io (once per machine)" "$TOOLS_ESTIMATE"
    # One `cargo install` with one target directory: what the two tools share with the same
    # versions and features (proc-macro2, quote, anyhow, libc, log and more) compiles once;
    # measured, 5.2 to 5.6 min for both where two installs took 8.5. Not --locked: a dependency pinned
    # in wasm-bindgen-cli's lock file is missing from the crates.io mirror we build from,
    # and resolving fresh lets both tools pick the same versions of what they share.
    CARGO_TARGET_DIR="$PWD/build/cargo-tools" cargo install --force "${missing[@]}"
    done_step
  fi
}

# Installs Debian packages as root, or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

# The browser tests drive Debian's Chromium with playwright-core: no browser download.
install_browser() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium (for the browser tests)"
    apt_install chromium
  fi
}

# The benchmark's load generator and the two peers it compares RecWay with (bench/peers/).
install_bench() {
  if ! command -v wrk > /dev/null || ! command -v taskset > /dev/null; then
    say "installing Debian's wrk and util-linux (taskset)"
    apt_install wrk util-linux
  fi
  local hono=bench/peers/hono
  if [ ! -f $hono/node_modules/.package-lock.json ] || [ $hono/package-lock.json -nt $hono/node_modules/.package-lock.json ]; then
    say "installing the Hono peer's npm packages"
    npm ci --prefix $hono --no-audit --no-fund
  fi
  install_venv build/bench-venv bench/peers/fastapi/requirements.txt "the FastAPI peer's Python packages"
}

# A virtual environment at <venv> with the pinned <requirements>, made anew when they change.
install_venv() {
  local venv=$1 requirements=$2 what=$3
  if [ ! -f "$venv/requirements.txt" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    say "installing $what into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
  fi
}

# The GIS clients tests/gis-clients.test.mjs drives: GDAL's command-line tools (Debian's
# gdal-bin, GDAL 3.6) and OWSLib (PyPI).
install_gis() {
  if ! command -v ogr2ogr > /dev/null; then
    say "installing Debian's gdal-bin (ogrinfo, ogr2ogr)"
    apt_install gdal-bin
  fi
  install_venv build/gis-venv tests/gis/requirements.txt OWSLib
}

case "${1:-}" in
  --toolchain) install_rust_toolchain ;;
  --browser) install_browser ;;
  --bench) install_bench ;;
  --gis) install_gis ;;
  "") install_npm_packages; install_rust_toolchain ;;
  *) say "unknown option: $1"; exit 2 ;;
esac
