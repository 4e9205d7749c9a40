#!/usr/bin/env bash
# RPC side by side, in one run: weft-interop and grpc-swift-2 2.4.3 serving the same interop
# TestService (UnaryCall with a 100-byte payload each way; FullDuplexCall ping-pong), and
# nghttpd answering a static 111-byte file as the HTTP/2 ceiling. Load from h2load
# (gRPC-framed POSTs, h2c and TLS) and from each framework's own client (mutual TLS).
# Usage: Benchmarks/rpc.sh [calls]   (from the repository root)
set -euo pipefail
calls=${1:-20000}
for tool in h2load nghttpd; do
  command -v $tool >/dev/null || { echo "needs $tool (apt: nghttp2-client nghttp2-server)"; exit 1; }
done
swift build -c release --product weft-interop >/dev/null
swift build -c release --product weft >/dev/null
(cd Benchmarks && swift build -c release --product grpc-swift-interop-server >/dev/null && swift build -c release --product rpc-load >/dev/null)
weft=.build/release
bench=Benchmarks/.build/release
work=$(mktemp -d)
. scripts/servers.sh
trap 'kill -TERM $(cat "$servers_pids") 2>/dev/null || true; rm -f "$servers_pids"; rm -rf "$work"' EXIT
"$weft/weft" certs --out "$work/pki" --service server --service client >/dev/null
pki=$work/pki
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Every server starts afresh for each round: a server left busy by the previous round's load
# (grpc-swift's kept ~15% of a core each after its bidi runs) must not tax the next one.
start_servers() {
  kill -TERM $(cat "$servers_pids") 2>/dev/null || true; : >"$servers_pids"; sleep 0.3
  weft_h2c=$(start_server "$work/w1" "$weft/weft-interop" server --port 0 --insecure)
  weft_tls=$(start_server "$work/w2" "$weft/weft-interop" server --port 0 --no-client-auth --tls-ca "$pki/ca.pem" --tls-cert "$pki/server.pem" --tls-key "$pki/server.key")
  weft_mtls=$(start_server "$work/w3" "$weft/weft-interop" server --port 0 --tls-ca "$pki/ca.pem" --tls-cert "$pki/server.pem" --tls-key "$pki/server.key")
  grpc_h2c=$(start_server "$work/g1" "$bench/grpc-swift-interop-server" --port 0)
  grpc_tls=$(start_server "$work/g2" "$bench/grpc-swift-interop-server" --port 0 --tls "$pki/server.pem" "$pki/server.key")
  grpc_mtls=$(start_server "$work/g3" "$bench/grpc-swift-interop-server" --port 0 --tls "$pki/server.pem" "$pki/server.key" --client-ca "$pki/ca.pem")
  mkdir -p "$work/static" && head -c 111 /dev/zero >"$work/static/response"
  nghttpd_h2c=$(free_port); nghttpd -n 2 --no-tls -d "$work/static" "$nghttpd_h2c" >/dev/null 2>&1 & track_pid $!
  nghttpd_tls=$(free_port); nghttpd -n 2 -d "$work/static" "$nghttpd_tls" "$pki/server.key" "$pki/server.pem" >/dev/null 2>&1 & track_pid $!
  sleep 0.5
}

# SimpleRequest{response_size: 100, payload: {body: 100 zero bytes}} in a gRPC frame.
python3 - "$work/unary.bin" <<'PY'
import struct, sys
body = bytes([0x0a, 100]) + bytes(100)
message = bytes([0x08, 100, 0x12, len(body)]) + body
open(sys.argv[1], "wb").write(b"\0" + struct.pack(">I", len(message)) + message)
PY
percentiles() { cut -f3 "$1" | sort -n | awk '{a[NR]=$1} END {printf "p50 %d µs, p99 %d µs", a[int(NR*0.5)], a[int(NR*0.99)]}'; }
h2() {  # label, scheme, port, path, connections, streams
  local label=$1 scheme=$2 port=$3 path=$4 c=$5 m=$6
  rm -f "$work/log.tsv"  # h2load appends to its log
  h2load -n "$calls" -c "$c" -m "$m" -t 1 --log-file="$work/log.tsv" -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$work/unary.bin" "$scheme://127.0.0.1:$port$path" >"$work/out"
  grep -q " 0 failed, 0 errored" "$work/out" || grep "requests:" "$work/out"
  echo "h2load $label $c×$m: $(grep -o '[0-9.]* req/s' "$work/out" | head -1), $(percentiles "$work/log.tsv")"
}
unary=/weft.interop.v1.TestService/UnaryCall
for round in 1 2; do
  start_servers
  echo "-- round $round: h2load, unary"
  for shape in "1 1" "4 32"; do
    h2 "weft h2c" http "$weft_h2c" $unary $shape
    h2 "grpc-swift h2c" http "$grpc_h2c" $unary $shape
    h2 "nghttpd h2c" http "$nghttpd_h2c" /response $shape
    h2 "weft tls" https "$weft_tls" $unary $shape
    h2 "grpc-swift tls" https "$grpc_tls" $unary $shape
    h2 "nghttpd tls" https "$nghttpd_tls" /response $shape
  done
  echo "-- round $round: own clients over mutual TLS"
  for shape in "--connections 1 --streams 1" "--connections 4 --streams 32"; do
    for kind in "" "--bidi"; do
      "$bench/rpc-load" weft "127.0.0.1:$weft_mtls" --ca "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key" --calls "$calls" $shape $kind
      "$bench/rpc-load" grpc-swift "127.0.0.1:$grpc_mtls" --ca "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key" --calls "$calls" $shape $kind
    done
  done
done
