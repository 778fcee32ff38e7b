#!/usr/bin/env bash
# The runtime's floor: an empty worker (it answers every request with `{}`) and RecWay's
# /health, each on workerd's own socket, loaded as `npm run bench` loads them (wrk, 10
# connections, 10 s, server and wrk on separate CPUs). Whatever latency the empty worker
# has, no worker on this setup can beat. Uses what `npm run bench` leaves in build/bench/.
#
#   bash bench/floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

for worker in empty-worker recway; do
  [ -d "build/bench/$worker" ] || { echo "floor: build/bench/$worker missing; run 'npm run bench' first" >&2; exit 1; }
  rm -rf build/bench/floor-db && cp -r build/bench/d1-recway build/bench/floor-db
  options="{\"bundleDir\":\"build/bench/$worker\",\"compatibilityDate\":\"2026-11-01\",\"database\":{\"id\":\"00000000-0000-4000-8000-00000000be0c\",\"persistDir\":\"build/bench/floor-db\"},\"vars\":{\"ACCESS_MODE\":\"open\"}}"
  taskset -c 0 node bench/serve-worker.mjs "$options" > build/bench/floor.out &
  server=$!
  until grep -q '"url"' build/bench/floor.out 2> /dev/null; do sleep 0.2; done
  url=$(grep -o 'http://[0-9.:]*/' build/bench/floor.out | head -n 1)
  taskset -c 1 wrk --threads 1 --connections 10 --duration 3s "${url}health" > /dev/null
  echo "== $worker: GET /health"
  taskset -c 1 wrk --threads 1 --connections 10 --duration 10s --latency "${url}health" | grep -E '^ +(50|99)%|Requests/sec'
  kill "$server"
  wait "$server" || true
done
