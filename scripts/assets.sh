#!/usr/bin/env bash
# Copies the browser libraries the static pages use (Swagger UI for /docs, Leaflet for
# /map) from node_modules into public/vendor/, which wrangler serves as Workers static
# assets: the pages load nothing from a CDN. public/vendor/ is generated, not committed.
set -euo pipefail
cd "$(dirname "$0")/.."

vendor=public/vendor
copy() { # <package dir> <destination dir> <file>...
  local from=node_modules/$1 to=$vendor/$2
  shift 2
  mkdir -p "$to"
  for file in "$@"; do
    [ -f "$from/$file" ] || { echo "assets: $from/$file is missing; run 'npm ci'" >&2; exit 1; }
    mkdir -p "$to/$(dirname "$file")"
    cp -p "$from/$file" "$to/$file"
  done
}

copy swagger-ui-dist swagger-ui swagger-ui-bundle.js swagger-ui.css LICENSE
copy leaflet/dist leaflet leaflet.js leaflet.css images/layers.png images/layers-2x.png \
  images/marker-icon.png images/marker-icon-2x.png images/marker-shadow.png
cp -p node_modules/leaflet/LICENSE "$vendor/leaflet/LICENSE"
