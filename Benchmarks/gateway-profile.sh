#!/usr/bin/env bash
# Where the CPU of `weft gateway` and of nghttpx goes, relaying the same lookup at the same load:
# flat `perf` profiles (samples at 2 kHz, no call graphs) of each proxy behind a catalog of its
# own, summed by library and by symbol. Call graphs unwound with DWARF put half the gateway's
# samples in the kernel, where /proc puts 7%; flat samples agree with /proc. For the callers of
# a hot symbol, `perf record -g` (frame pointers, which Swift keeps) is cheap and faithful too.
# Needs perf (apt: linux-perf) and the right to profile another process (root, or
# kernel.perf_event_paranoid at most 1).
# Usage: Benchmarks/gateway-profile.sh [-c connections] [-m streams] [-n requests] [-s symbols]
set -euo pipefail
connections=4 streams=32 requests=100000 symbols=25
. Benchmarks/catalog-gateway.sh
load_options s:symbols "$@"
needs "nghttp2-client nghttp2-proxy linux-perf" h2load nghttpx perf
prepare
printf '\x00\x00\x00\x00\x10\x0a\x0eproducts/bench' >"$work/get.bin"

# profile NAME PID URL [h2load options…]: warms the path, then samples PID through the load.
profile() {
  local name=$1 pid=$2; shift 2
  h2load -n 2000 -c "$connections" -m "$streams" -t 1 "$@" >/dev/null
  perf record -q -F 2000 -o "$work/$name.data" -p "$pid" -- sleep 600 2>/dev/null &
  local perf_pid=$!
  sleep 1
  echo "== $name: $(h2load -n "$requests" -c "$connections" -m "$streams" -t 1 "$@" | grep -oE '[0-9.]+ req/s')"
  # Ending perf's `sleep` ends the recording (a script's background perf ignores SIGINT).
  pkill -P "$perf_pid" sleep
  wait "$perf_pid" || true
  # awk, not head: a reader that stops early would end the pipeline with SIGPIPE.
  echo "-- by library"
  perf report -i "$work/$name.data" --sort dso --stdio 2>/dev/null | awk '/%/ && ++shown <= 8'
  echo "-- by symbol"
  perf report -i "$work/$name.data" --sort dso,sym --stdio 2>/dev/null | awk -v n="$symbols" '/%/ && ++shown <= n' | swift demangle --simplified
}

catalog=$(start_server "$work/catalog.log" "$bin/weft-demo" serve --insecure)
gateway_configuration "$work/gateway.json" "$catalog"
gateway=$(start_server "$work/gateway.log" "$bin/weft" gateway --quiet --config "$work/gateway.json")
gateway_pid=$(tail -1 "$servers_pids")
curl -sf --http1.1 -X POST "http://127.0.0.1:$gateway/v1/products" -H 'content-type: application/json' \
  -d '{"title":"bench","price":{"currency":"EUR","minorUnits":"100"}}' >/dev/null
proxy=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nghttpx --frontend="127.0.0.1,$proxy;no-tls" --backend="127.0.0.1,$catalog;;proto=h2" --workers=1 --no-via --no-ocsp \
  --errorlog-file=/dev/null --accesslog-file=/dev/null >/dev/null 2>&1 &
track_pid $!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$proxy/" >/dev/null 2>&1 && break; sleep 0.1; done
# The newest nghttpx process is its worker, which relays; the master only accepts.
worker=$(pgrep -n -f "nghttpx --frontend=127.0.0.1,$proxy" || true)
[ -n "$worker" ] || { echo "nghttpx did not start" >&2; exit 1; }

profile gateway "$gateway_pid" "http://127.0.0.1:$gateway/v1/products/bench"
profile nghttpx "$worker" -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/get.bin" \
  "http://127.0.0.1:$proxy/weft.platform.catalog.v1.CatalogService/GetProduct"
