#!/usr/bin/env bash
# The reference platform under load: login, get product, list products (h2load, direct over
# gRPC and through `weft gateway` as REST) and reservations over 1,000 SKUs (platform-bench,
# many gRPC clients, then the oversell check), on SQLite and on PostgreSQL; on PostgreSQL,
# pgbench's built-in TPC-B-like script with the same client count against the same server.
# identity, catalog and inventory run in one weft-platform process; every hop is plaintext
# (h2c) so h2load can call the services directly.
# Usage: Benchmarks/platform.sh [clients] [seconds]   (from the repository root; release builds)
set -euo pipefail
clients=${1:-8}
seconds=${2:-15}
command -v h2load >/dev/null || { echo "needs h2load (apt: nghttp2-client)"; exit 1; }
swift build -c release --product weft >/dev/null
for product in weft-platform platform-bench; do swift build -c release --package-path platform --product $product >/dev/null; done
weft=$(pwd)/.build/release/weft
platform=$(pwd)/platform/.build/release
work=$(mktemp -d)
pg=$(mktemp -d)  # its own: the server runs as the postgres user, who cannot enter $work
pgbench=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pgbench
. scripts/servers.sh
trap 'kill -TERM $(cat "$servers_pids") 2>/dev/null || true; rm -f "$servers_pids"; scripts/postgres.sh stop "$pg"; rm -rf "$work" "$pg"' EXIT
api=$(pwd)/platform/Sources
identity=weft.platform.identity.v1.IdentityService
catalog=weft.platform.catalog.v1.CatalogService
inventory=weft.platform.inventory.v1.InventoryService

# A gRPC frame (flag 0, 4-byte length) of the protobuf message whose fields are given as
# (number, text) pairs of length-delimited strings or (number, int) varints.
frame() {
  python3 - "$@" <<'PY'
import struct, sys
out = b""
args = sys.argv[1:]
for number, value in zip(args[::2], args[1::2]):
    number = int(number)
    if value.isdigit():
        out += bytes([number << 3 | 0]) + bytes([int(value)])  # small varints only
    else:
        data = value.encode()
        out += bytes([number << 3 | 2, len(data)]) + data
sys.stdout.buffer.write(b"\x00" + struct.pack(">I", len(out)) + out)
PY
}
percentiles() { cut -f3 "$1" | sort -n | awk '{a[NR]=$1} END {printf "p50 %d µs, p99 %d µs", a[int(NR*0.5)], a[int(NR*0.99)]}'; }
rate() { grep -o 'finished in [^,]*, [0-9.]* req/s' "$1" | sed 's/.*, //'; }
# h2 NAME CALLS CONNECTIONS STREAMS h2load-arguments…: one line of results.
h2() {
  local name=$1 calls=$2 connections=$3 streams=$4; shift 4
  rm -f "$work/$name.tsv"
  h2load -n "$calls" -c "$connections" -m "$streams" -t 1 --log-file="$work/$name.tsv" "$@" >"$work/$name.out"
  grep -q " 0 failed, 0 errored" "$work/$name.out" || grep "requests:" "$work/$name.out"
  printf '%-34s %s, %s\n' "$name ($connections×$streams)" "$(percentiles "$work/$name.tsv")" "$(rate "$work/$name.out")"
}

run() {  # backend
  local backend=$1 databases
  if [ "$backend" = postgres ]; then
    url=$(scripts/postgres.sh start "$pg")
    for db in identity catalog inventory bench; do psql "$url" -q -c "CREATE DATABASE $db"; done
    databases=("${url%/*}/identity" "${url%/*}/catalog" "${url%/*}/inventory")
  else
    databases=("$work/data/identity.sqlite" "$work/data/catalog.sqlite" "$work/data/inventory.sqlite")
  fi
  cat >"$work/platform-$backend.json" <<JSON
{"service": "platform", "listen": "127.0.0.1:0", "insecure": true,
 "settings": {"identity": {"database": "${databases[0]}", "adminEmails": ["staff@example.com"]},
              "catalog": {"database": "${databases[1]}", "pageTokenKey": "bench"},
              "inventory": {"database": "${databases[2]}"}}}
JSON
  local port gateway
  port=$(start_server "$work/platform-$backend.log" "$platform/weft-platform" --config "$work/platform-$backend.json" identity catalog inventory)
  cat >"$work/gateway-$backend.json" <<JSON
{"listen": "127.0.0.1:0",
 "schemas": {"includePaths": ["$api/IdentityAPI", "$api/CatalogAPI"],
             "files": ["weft/platform/identity/v1/identity.proto", "weft/platform/catalog/v1/catalog.proto"]},
 "upstreams": {"$identity": {"address": "127.0.0.1:$port", "insecure": true}, "$catalog": {"address": "127.0.0.1:$port", "insecure": true}},
 "limits": {"maxConcurrentCallsPerUpstream": 100000},
 "jwt": {"keySet": {"method": "$identity.GetJwks"}, "forwardClaims": ["sub", "roles"],
         "publicRoutes": ["$identity.Register", "$identity.Login", "$catalog.GetProduct", "$catalog.ListProducts"]}}
JSON
  gateway=$(start_server "$work/gateway-$backend.log" "$weft" gateway --quiet --config "$work/gateway-$backend.json")
  local base=http://127.0.0.1:$gateway
  curl -sf -X POST "$base/v1/users" -H 'content-type: application/json' -d '{"email": "staff@example.com", "password": "bench-password-1"}' >/dev/null
  local token product
  token=$(curl -sf -X POST "$base/v1/auth:login" -H 'content-type: application/json' -d '{"email": "staff@example.com", "password": "bench-password-1"}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')
  for index in $(seq 50); do
    product=$(curl -sf -X POST "$base/v1/products" -H 'content-type: application/json' -H "authorization: Bearer $token" \
      -d "{\"title\": \"Item $index\", \"description\": \"bench\", \"status\": \"PRODUCT_STATUS_PUBLISHED\", \"price\": {\"currencyCode\": \"EUR\", \"minorUnits\": \"$((index * 100))\"}}" \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])')
  done
  frame 1 "$product" >"$work/get.bin"
  frame 1 20 >"$work/list.bin"
  frame 1 staff@example.com 2 bench-password-1 >"$work/login.bin"
  printf '{"email": "staff@example.com", "password": "bench-password-1"}' >"$work/login.json"
  local grpc=(-H 'content-type: application/grpc' -H 'te: trailers')
  echo
  echo "== $backend =="
  h2 "get product, direct gRPC" 3000 1 1 "${grpc[@]}" -d "$work/get.bin" "http://127.0.0.1:$port/$catalog/GetProduct"
  h2 "get product, gateway REST" 3000 1 1 "$base/v1/$product"
  h2 "get product, direct gRPC" 20000 4 8 "${grpc[@]}" -d "$work/get.bin" "http://127.0.0.1:$port/$catalog/GetProduct"
  h2 "get product, gateway REST" 20000 4 8 "$base/v1/$product"
  h2 "list products (20), direct gRPC" 2000 1 1 "${grpc[@]}" -d "$work/list.bin" "http://127.0.0.1:$port/$catalog/ListProducts"
  h2 "list products (20), gateway REST" 2000 1 1 "$base/v1/products?pageSize=20"
  h2 "list products (20), direct gRPC" 10000 4 8 "${grpc[@]}" -d "$work/list.bin" "http://127.0.0.1:$port/$catalog/ListProducts"
  h2 "list products (20), gateway REST" 10000 4 8 "$base/v1/products?pageSize=20"
  # scrypt at N=2^15 is most of a login: few calls.
  h2 "login, direct gRPC" 100 1 1 "${grpc[@]}" -d "$work/login.bin" "http://127.0.0.1:$port/$identity/Login"
  h2 "login, gateway REST" 100 1 1 -H 'content-type: application/json' -d "$work/login.json" "$base/v1/auth:login"
  h2 "login, gateway REST" 200 2 4 -H 'content-type: application/json' -d "$work/login.json" "$base/v1/auth:login"
  "$platform/platform-bench" "127.0.0.1:$port" "$clients" "$seconds" 1000 100
  if [ "$backend" = postgres ]; then
    "$pgbench" -i -q -s 10 "${url%/*}/bench" >/dev/null 2>&1
    echo "pgbench (TPC-B-like), $clients clients: $("$pgbench" -c "$clients" -j 2 -T "$seconds" "${url%/*}/bench" 2>/dev/null | grep -o 'tps = [0-9.]*' | head -1) tx/s"
  fi
  kill -TERM "$(pgrep -f "gateway-$backend.json")" "$(pgrep -f "platform-$backend.json")" 2>/dev/null || true
}

mkdir -p "$work/data"
run sqlite
run postgres
