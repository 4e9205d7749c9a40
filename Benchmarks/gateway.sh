#!/usr/bin/env bash
# The gateway's added cost: the same lookup (CatalogService.GetProduct, an in-memory read)
# called directly over gRPC (h2load, gRPC-framed POST) and through `weft gateway` as
# GET /v1/products/bench over HTTP/2 (h2load) and HTTP/1.1 (wrk). Plaintext on every hop so
# the comparison is the gateway alone: h2load cannot present client certificates.
# For scale, the same gRPC call also goes through nghttpx (nghttp2's C reverse proxy, HTTP/2
# in and out, no transcoding): what one more process on the path costs at the least. Then the
# embedded REST mode: a second catalog answering its REST routes on its own gRPC port
# (`weft-demo serve --rest`), the same GET (HTTP/2 and HTTP/1.1) and the gRPC call side by side
# on that server.
# Usage: Benchmarks/gateway.sh [calls]   (from the repository root; release build)
set -euo pipefail
calls=${1:-20000}
. Benchmarks/catalog-gateway.sh
needs "nghttp2-client wrk nghttp2-proxy" h2load wrk nghttpx
prepare
catalog=$(start_server "$work/catalog.log" "$bin/weft-demo" serve --insecure)
gateway_configuration "$work/gateway.json" "$catalog"
gateway=$(start_server "$work/gateway.log" "$bin/weft" gateway --quiet --config "$work/gateway.json")
embedded=$(start_server "$work/embedded.log" "$bin/weft-demo" serve --insecure 0 --rest "$(pwd)/schemas")
create() {  # curl's protocol flag, the REST base URL: the product every GET asks for
  curl -sf "$1" -X POST "$2/v1/products" -H 'content-type: application/json' -d '{"title":"bench","price":{"currency":"EUR","minorUnits":"100"}}' >/dev/null
}
create --http1.1 "http://127.0.0.1:$gateway"
create --http2-prior-knowledge "http://127.0.0.1:$embedded"
# GetProductRequest{name: "products/bench"} in a gRPC frame: flag 0, length 16, field 1.
printf '\x00\x00\x00\x00\x10\x0a\x0eproducts/bench' >"$work/get.bin"

# p50 and p99 of h2load's per-request log (third column: microseconds to the end of the response).
percentiles() { cut -f3 "$1" | sort -n | awk '{a[NR]=$1} END {printf "p50 %d µs, p99 %d µs", a[int(NR*0.5)], a[int(NR*0.99)]}'; }
rate() { grep -o 'finished in [^,]*, [0-9.]* req/s' "$1" | sed 's/.*, //'; }
h2() {  # name, concurrency (connections × streams), h2load arguments…
  local name=$1 connections=$2 streams=$3; shift 3
  rm -f "$work/$name.tsv"  # h2load appends to its log
  h2load -n "$calls" -c "$connections" -m "$streams" -t 1 --log-file="$work/$name.tsv" "$@" >"$work/$name.out"
  grep -q " 0 failed, 0 errored" "$work/$name.out" || grep "requests:" "$work/$name.out"
  echo "$name, $connections×$streams: $(rate "$work/$name.out"), $(percentiles "$work/$name.tsv")"
}
proxy=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nghttpx --frontend="127.0.0.1,$proxy;no-tls" --backend="127.0.0.1,$catalog;;proto=h2" --workers=1 --no-via --no-ocsp \
  --errorlog-file=/dev/null --accesslog-file=/dev/null >/dev/null 2>&1 & track_pid $!
sleep 0.5
get=(-H 'content-type: application/grpc' -H 'te: trailers' -d "$work/get.bin")
path=/weft.platform.catalog.v1.CatalogService/GetProduct
grpc=("${get[@]}" "http://127.0.0.1:$catalog$path")
relayed=("${get[@]}" "http://127.0.0.1:$proxy$path")
rest=("http://127.0.0.1:$gateway/v1/products/bench")
embedded_grpc=("${get[@]}" "http://127.0.0.1:$embedded$path")
embedded_rest=("http://127.0.0.1:$embedded/v1/products/bench")
for round in 1 2; do
  echo "-- round $round"
  h2 direct-grpc 1 1 "${grpc[@]}"
  h2 nghttpx-grpc 1 1 "${relayed[@]}"
  h2 gateway-h2 1 1 "${rest[@]}"
  h2 direct-grpc 4 32 "${grpc[@]}"
  h2 nghttpx-grpc 4 32 "${relayed[@]}"
  h2 gateway-h2 4 32 "${rest[@]}"
  h2 embedded-grpc 1 1 "${embedded_grpc[@]}"
  h2 embedded-rest 1 1 "${embedded_rest[@]}"
  h2 embedded-grpc 4 32 "${embedded_grpc[@]}"
  h2 embedded-rest 4 32 "${embedded_rest[@]}"
  echo "gateway-http1.1 via wrk, 1 connection, 10 s: $(wrk -t1 -c1 -d10s --latency "${rest[0]}" | awk '/Requests\/sec/ {r=$2} / 50% / {p50=$2} / 99% / {p99=$2} END {print r " req/s, p50 " p50 ", p99 " p99}')"
  echo "gateway-http1.1 via wrk, 64 connections, 10 s: $(wrk -t1 -c64 -d10s --latency "${rest[0]}" | awk '/Requests\/sec/ {r=$2} / 50% / {p50=$2} / 99% / {p99=$2} END {print r " req/s, p50 " p50 ", p99 " p99}')"
  echo "embedded-http1.1 via wrk, 1 connection, 10 s: $(wrk -t1 -c1 -d10s --latency "${embedded_rest[0]}" | awk '/Requests\/sec/ {r=$2} / 50% / {p50=$2} / 99% / {p99=$2} END {print r " req/s, p50 " p50 ", p99 " p99}')"
done
