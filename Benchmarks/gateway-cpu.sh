#!/usr/bin/env bash
# CPU per request of `weft gateway` (GET /v1/products/bench, transcoded) against nghttpx relaying
# the same call as gRPC, both behind one catalog, read from /proc/<pid>/stat ticks (user +
# system) around an h2load run. With a second `weft` binary given, that gateway is measured
# too, in alternation with this tree's, rounds apart: the machine's load drifts, so only pairs
# taken minutes apart compare. The gateways are pinned to CPU 0, the catalog and h2load to CPU
# 1, which narrows the spread. The answers are CPU time, not latency (see gateway.sh for that).
# Usage: Benchmarks/gateway-cpu.sh [-c connections] [-m streams] [-n requests] [-r rounds] [other-weft]
#   e.g. Benchmarks/gateway-cpu.sh -r 5 /tmp/weft-before   (from the repository root)
set -euo pipefail
connections=4 streams=32 requests=30000 rounds=3
while getopts c:m:n:r: option; do
  case $option in
    c) connections=$OPTARG ;;
    m) streams=$OPTARG ;;
    n) requests=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
other=${1:-}
. Benchmarks/catalog-gateway.sh
needs "nghttp2-client nghttp2-proxy util-linux" h2load nghttpx taskset
prepare
catalog=$(start_server "$work/catalog.log" taskset -c 1 "$bin/weft-demo" serve --insecure)
gateway_configuration "$work/gateway.json" "$catalog"
# gateway NAME BINARY: starts a pinned gateway; prints "port pid".
gateway() {
  local port
  port=$(start_server "$work/$1.log" taskset -c 0 "$2" gateway --quiet --config "$work/gateway.json")
  echo "$port $(tail -1 "$servers_pids")"
}
read -r this_port this_pid < <(gateway this "$bin/weft")
if [ -n "$other" ]; then read -r other_port other_pid < <(gateway other "$other"); fi
curl -sf --http1.1 -X POST "http://127.0.0.1:$this_port/v1/products" -H 'content-type: application/json' \
  -d '{"title":"bench","price":{"currency":"EUR","minorUnits":"100"}}' >/dev/null
proxy=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 0 nghttpx --frontend="127.0.0.1,$proxy;no-tls" --backend="127.0.0.1,$catalog;;proto=h2" --workers=1 --no-via \
  --no-ocsp --errorlog-file=/dev/null --accesslog-file=/dev/null >/dev/null 2>&1 &
track_pid $!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$proxy/" >/dev/null 2>&1 && break; sleep 0.1; done
printf '\x00\x00\x00\x00\x10\x0a\x0eproducts/bench' >"$work/get.bin"

ticks() { local total=0; for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo $total; }
load() {  # URL [h2load options…]
  local url=$1; shift
  taskset -c 1 h2load -n "$requests" -c "$connections" -m "$streams" -t 1 "$@" "$url" | grep -oE '[0-9.]+ req/s' || true
}
measure() {  # NAME "PIDS" URL [h2load options…]
  local name=$1 pids=$2; shift 2
  local before after rate
  before=$(ticks $pids)
  rate=$(load "$@")
  after=$(ticks $pids)
  # A tick is 10 ms of CPU.
  echo "$name: $rate, CPU per request $(awk -v ticks=$((after - before)) -v requests="$requests" 'BEGIN { printf "%.1f", ticks * 10000 / requests }') µs"
}
nghttpx_pids=$(pgrep -f "nghttpx --frontend=127.0.0.1,$proxy" | tr '\n' ' ')
rest="http://127.0.0.1:%s/v1/products/bench"
grpc_call=("http://127.0.0.1:$proxy/weft.platform.catalog.v1.CatalogService/GetProduct" -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/get.bin")
# Warm up every path once (connections opened, code paged in).
warm() { taskset -c 1 h2load -n 2000 -c "$connections" -m "$streams" -t 1 "$@" >/dev/null; }
# shellcheck disable=SC2059
warm "$(printf "$rest" "$this_port")"
# shellcheck disable=SC2059
if [ -n "$other" ]; then warm "$(printf "$rest" "$other_port")"; fi
warm "${grpc_call[@]}"
for round in $(seq "$rounds"); do
  echo "-- round $round (${connections}×${streams}, $requests requests)"
  # shellcheck disable=SC2059
  measure "gateway (this tree)" "$this_pid" "$(printf "$rest" "$this_port")"
  # shellcheck disable=SC2059
  if [ -n "$other" ]; then measure "gateway ($other)" "$other_pid" "$(printf "$rest" "$other_port")"; fi
  measure "nghttpx relaying gRPC" "$nghttpx_pids" "${grpc_call[@]}"
done
