#!/usr/bin/env bash
# Heap allocations per request of `weft gateway` (GET /v1/products/bench, transcoded, behind one
# catalog): libc's malloc counted with a perf uprobe over an h2load run, against another build
# when given. Allocations are a count, not a time, so unlike CPU they compare across runs.
# Needs perf (apt: linux-perf) and the right to add a uprobe (root).
# Usage: Benchmarks/gateway-allocations.sh [-c connections] [-m streams] [-n requests] [other-weft]
set -euo pipefail
connections=4 streams=32 requests=20000
. Benchmarks/catalog-gateway.sh
load_options "" "$@"
shift $((OPTIND - 1))
other=${1:-}
needs "nghttp2-client linux-perf" h2load perf
libc=$(ldconfig -p | awk '/libc\.so\.6 .*x86-64/ {print $NF; exit}')
perf probe -q -x "$libc" malloc 2>/dev/null || perf probe -l 2>/dev/null | grep -q 'probe_libc:malloc' || { echo "cannot add a uprobe on malloc (root?)"; exit 1; }
prepare
catalog=$(start_server "$work/catalog.log" "$bin/weft-demo" serve --insecure)
gateway_configuration "$work/gateway.json" "$catalog"
count() {  # FILE-NAME LABEL BINARY
  local port pid url
  port=$(start_server "$work/$1.log" "$3" gateway --quiet --config "$work/gateway.json")
  pid=$(tail -1 "$servers_pids")
  url="http://127.0.0.1:$port/v1/products/bench"
  curl -sf --http1.1 -X POST "http://127.0.0.1:$port/v1/products" -H 'content-type: application/json' \
    -d '{"title":"bench","price":{"currency":"EUR","minorUnits":"100"}}' >/dev/null || true
  h2load -n 2000 -c "$connections" -m "$streams" -t 1 "$url" >/dev/null  # connections open, code paged in
  perf stat -e probe_libc:malloc -p "$pid" -o "$work/$1.stat" -- sleep 600 2>/dev/null &
  local perf_pid=$!
  sleep 1
  h2load -n "$requests" -c "$connections" -m "$streams" -t 1 "$url" >"$work/$1.out"
  grep -q " 0 failed, 0 errored" "$work/$1.out" || echo "$2: some requests failed"
  # Ending perf's `sleep` ends the count (a script's background perf ignores SIGINT).
  pkill -P "$perf_pid" sleep; wait "$perf_pid" || true
  awk -v name="$2" -v n="$requests" '/probe_libc:malloc/ {gsub(",", "", $1); printf "%s: %.1f allocations per request\n", name, $1 / n}' "$work/$1.stat"
}
count this "gateway (this tree)" "$bin/weft"
if [ -n "$other" ]; then count other "gateway ($other)" "$other"; fi
