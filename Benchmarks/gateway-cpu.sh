#!/usr/bin/env bash
# CPU per request of `weft gateway` (GET /v1/products/bench, transcoded) against nghttpx relaying
# the same call as gRPC, each behind a catalog of its own, read from /proc/<pid>/stat ticks (user
# + system) around an h2load run. With a second `weft` binary given, that gateway is measured
# too, in alternation with this tree's, rounds apart: the machine's load drifts, so only pairs
# taken minutes apart compare. Every measurement starts its servers afresh: two gateways run side
# by side behind one catalog differed by 9% in CPU per request and 25% in rate with the same
# binary, by which one was started first. The proxies are pinned to CPU 0, the catalog and
# h2load to CPU 1, which narrows the spread; the rate is then the catalog's, not the proxy's.
# The answers are CPU time, not latency (see gateway.sh for that).
# Usage: Benchmarks/gateway-cpu.sh [-c connections] [-m streams] [-n requests] [-r rounds] [other-weft]
#   e.g. Benchmarks/gateway-cpu.sh -r 5 /tmp/weft-before   (from the repository root)
set -euo pipefail
connections=4 streams=32 requests=30000 rounds=3
. Benchmarks/catalog-gateway.sh
load_options r:rounds "$@"
shift $((OPTIND - 1))
other=${1:-}
needs "nghttp2-client nghttp2-proxy util-linux" h2load nghttpx taskset
prepare
printf '\x00\x00\x00\x00\x10\x0a\x0eproducts/bench' >"$work/get.bin"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hertz=$(getconf CLK_TCK)
# per_request TICKS: microseconds of CPU per request.
per_request() { awk -v ticks="$1" -v hertz="$hertz" -v requests="$requests" 'BEGIN { printf "%.1f", ticks * 1000000 / hertz / requests }'; }
# stop PID…: stops the servers and waits until they are gone (they are not this shell's
# children: `wait` cannot), and forgets them for the exit's cleanup.
stop() {
  local pid
  for pid in "$@"; do
    kill "$pid" 2>/dev/null || echo "server $pid had stopped already" >&2
  done
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    sed -i "/^$pid\$/d" "$servers_pids"
  done
}
# measure NAME PID URL [h2load options…]: warms the path (connections opened, code paged in),
# then loads it and prints the rate and the CPU per request of PID.
measure() {
  local name=$1 pid=$2; shift 2
  local before after rate
  taskset -c 1 h2load -n 2000 -c "$connections" -m "$streams" -t 1 "$@" >/dev/null
  before=$(ticks "$pid")
  rate=$(taskset -c 1 h2load -n "$requests" -c "$connections" -m "$streams" -t 1 "$@" | grep -oE '[0-9.]+ req/s' || true)
  after=$(ticks "$pid")
  echo "$name: $rate, CPU per request $(per_request $((after - before))) µs"
}
# start_gateway BINARY [taskset CPU]: a gateway before the catalog at `catalog`, which it gives
# the product every GET asks for; sets `gateway` (port) and `gateway_pid`.
start_gateway() {
  local binary=$1; shift
  gateway_configuration "$work/gateway.json" "$catalog"
  gateway=$(start_server "$work/gateway.log" "$@" "$binary" gateway --quiet --config "$work/gateway.json")
  gateway_pid=$(tail -1 "$servers_pids")
  curl -sf --http1.1 -X POST "http://127.0.0.1:$gateway/v1/products" -H 'content-type: application/json' \
    -d '{"title":"bench","price":{"currency":"EUR","minorUnits":"100"}}' >/dev/null
}
# start_catalog: a catalog pinned to CPU 1; sets `catalog` (port) and `catalog_pid`.
start_catalog() {
  catalog=$(start_server "$work/catalog.log" taskset -c 1 "$bin/weft-demo" serve --insecure)
  catalog_pid=$(tail -1 "$servers_pids")
}
# measure_gateway NAME BINARY: a pinned gateway before a fresh catalog, measured, then both stopped.
measure_gateway() {
  start_catalog
  start_gateway "$2" taskset -c 0
  measure "$1" "$gateway_pid" "http://127.0.0.1:$gateway/v1/products/bench"
  stop "$gateway_pid" "$catalog_pid"
}
# measure_relay: nghttpx (one worker) before a fresh catalog, measured, then both stopped.
measure_relay() {
  local proxy pids
  start_catalog
  # Only to create the product.
  start_gateway "$bin/weft"
  stop "$gateway_pid"
  proxy=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  taskset -c 0 nghttpx --frontend="127.0.0.1,$proxy;no-tls" --backend="127.0.0.1,$catalog;;proto=h2" --workers=1 --no-via \
    --no-ocsp --errorlog-file=/dev/null --accesslog-file=/dev/null >/dev/null 2>&1 &
  local master=$!
  track_pid "$master"
  for _ in $(seq 100); do curl -s "http://127.0.0.1:$proxy/" >/dev/null 2>&1 && break; sleep 0.1; done
  # The worker process does the relaying; the master only accepts.
  pids=$(pgrep -f "nghttpx --frontend=127.0.0.1,$proxy" | tr '\n' ' ' || true)
  [ -n "$pids" ] || { echo "nghttpx did not start" >&2; exit 1; }
  local before=0 after=0 pid rate
  taskset -c 1 h2load -n 2000 -c "$connections" -m "$streams" -t 1 -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$work/get.bin" "http://127.0.0.1:$proxy/weft.platform.catalog.v1.CatalogService/GetProduct" >/dev/null
  for pid in $pids; do before=$((before + $(ticks "$pid"))); done
  rate=$(taskset -c 1 h2load -n "$requests" -c "$connections" -m "$streams" -t 1 -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$work/get.bin" "http://127.0.0.1:$proxy/weft.platform.catalog.v1.CatalogService/GetProduct" | grep -oE '[0-9.]+ req/s' || true)
  for pid in $pids; do after=$((after + $(ticks "$pid"))); done
  echo "nghttpx relaying gRPC: $rate, CPU per request $(per_request $((after - before))) µs"
  # The master stops its worker.
  stop "$master" "$catalog_pid"
}
for round in $(seq "$rounds"); do
  echo "-- round $round (${connections}×${streams}, $requests requests)"
  measure_gateway "gateway (this tree)" "$bin/weft"
  if [ -n "$other" ]; then measure_gateway "gateway ($other)" "$other"; fi
  measure_relay
done
