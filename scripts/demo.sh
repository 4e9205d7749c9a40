#!/usr/bin/env bash
# make demo: compile the repository's schemas, show the Swift API they become, and use it.
set -euo pipefail
codegen=${1:-.build/debug/weft-codegen}
demo=${2:-.build/debug/weft-demo}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== weft-codegen --proto-path schemas --out <dir> schemas =="
"$codegen" --proto-path schemas --out "$out" schemas
find "$out" -name '*.swift' -printf '%P (%s bytes)\n'

echo
echo "== the generated Product type (declaration part) =="
awk '/^\/\/\/ Something the platform sells/{p=1} p{print} p&&/public init\(\) \{\}/{exit}' \
  "$out/weft/platform/catalog/v1/catalog.weft.swift"

echo
echo "== a bad schema gets every error at once, with file:line:col and a caret =="
printf 'syntax = "proto3";\nmessage Order {\n  string id = 1;\n  Money total = 2;\n  int32 id = 3;\n  map<double, string> notes = 19500;\n}\n' >"$out/bad.proto"
cat -n "$out/bad.proto"
(cd "$out" && "$OLDPWD/$codegen" --check bad.proto) || echo "(exit status $?)"

echo
echo "== dev certificates: weft certs --out certs/dev --service catalog --service client --service gateway --foreign =="
.build/debug/weft certs --out certs/dev --service catalog --service client --service gateway --foreign

echo
echo "== using the generated types and serving them over mTLS (Sources/weft-demo) =="
"$demo" certs/dev

echo
echo "== the REST gateway: JSON in front of CatalogService, which it calls over mTLS =="
. scripts/servers.sh
trap 'kill -TERM $(cat "$servers_pids") 2>/dev/null || true; rm -f "$servers_pids"; rm -rf "$out"' EXIT
catalog_port=$(start_server "$out/catalog.log" "$demo" serve certs/dev)
dev=$(pwd)/certs/dev
cat >"$out/gateway.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "schemas": {"includePaths": ["$(pwd)/schemas"], "files": ["weft/platform/catalog/v1/catalog.proto"]},
  "upstreams": {
    "weft.platform.catalog.v1.CatalogService": {
      "address": "127.0.0.1:$catalog_port",
      "tls": {"ca": "$dev/ca.pem", "certificate": "$dev/gateway.pem", "key": "$dev/gateway.key", "serverName": "127.0.0.1"}
    }
  },
  "rateLimit": {"ratePerSecond": 1, "burst": 8},
  "headers": {"forwardResponse": ["x-created-by"]}
}
JSON
echo "catalog on 127.0.0.1:$catalog_port; gateway configuration:"
cat "$out/gateway.json"
gateway_port=$(start_server "$out/gateway.log" .build/debug/weft gateway --config "$out/gateway.json")
base=http://127.0.0.1:$gateway_port
show() {
  echo
  printf '$ curl'; printf ' %q' "$@"; echo
  curl -s -i "$@" | tr -d '\r' | grep -iv '^\(date\|content-length\):' || true
  echo
}
show -X POST "$base/v1/products" -H 'content-type: application/json' \
  -d '{"title":"Sauna session","price":{"currency":"EUR","minorUnits":"3900"},"status":"PRODUCT_STATUS_PUBLISHED"}'
show "$base/v1/products/sauna-session"
show --http2-prior-knowledge "$base/v1/products?status=PRODUCT_STATUS_PUBLISHED&pageSize=5"
show "$base/v1/products/nope"
show -X POST "$base/v1/products" -H 'content-type: application/json' -d '{"product": {"titel": "typo"}}'
show -X POST "$base/v1/products" -H 'content-type: application/json' -d '{"titel": "typo"}'
show -X PUT "$base/v1/products"
echo "== rate limit: the bucket holds 8; the next calls in the same second get 429 =="
for _ in $(seq 8); do curl -s -o /dev/null "$base/v1/products"; done
show "$base/v1/products"
echo "== /openapi.json (first lines) and /metrics (requests) =="
curl -s "$base/openapi.json" | sed -n 1,12p
curl -s "$base/metrics" | grep '^weft_gateway_requests_total'
echo
echo "== access log =="
cat "$out/gateway.log"

echo
echo "== embedded REST: a second catalog answers its own REST routes on its mTLS port, no gateway =="
embedded_port=$(start_server "$out/embedded.log" "$demo" serve certs/dev 0 --rest "$(pwd)/schemas")
client=(--cacert "$dev/ca.pem" --cert "$dev/client.pem" --key "$dev/client.key")
embedded=https://127.0.0.1:$embedded_port
show "${client[@]}" -X POST "$embedded/v1/products" -H 'content-type: application/json' \
  -d '{"title":"Cold plunge","price":{"currency":"EUR","minorUnits":"900"}}'
show "${client[@]}" --http1.1 "$embedded/v1/products/cold-plunge"
show "${client[@]}" --http2 "$embedded/v1/products/nope"
