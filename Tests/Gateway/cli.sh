#!/usr/bin/env bash
# `weft gateway --config` as an operator runs it: a JSON file (one event-loop thread), the
# catalog service behind it over mutual TLS, curl in front, SIGTERM to stop (it drains and
# exits 0); and a bad configuration refused at start with the key named.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
. scripts/servers.sh
trap 'kill -TERM $(cat "$servers_pids") 2>/dev/null || true; rm -f "$servers_pids"; rm -rf "$work"' EXIT
.build/debug/weft certs --out "$work/pki" --service catalog --service gateway >/dev/null
catalog=$(start_server "$work/catalog.log" .build/debug/weft-demo serve "$work/pki")
cat >"$work/gateway.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "threads": 1,
  "schemas": {"includePaths": ["$(pwd)/schemas"], "files": ["weft/platform/catalog/v1/catalog.proto"]},
  "upstreams": {"weft.platform.catalog.v1.CatalogService": {"address": "127.0.0.1:$catalog",
    "tls": {"ca": "pki/ca.pem", "certificate": "pki/gateway.pem", "key": "pki/gateway.key", "serverName": "127.0.0.1"}}}
}
JSON
.build/debug/weft gateway --config "$work/gateway.json" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 600); do grep -q '^LISTENING ' "$work/gateway.log" && break; sleep 0.1; done
port=$(sed -n 's/^LISTENING .*:\([0-9]*\)$/\1/p' "$work/gateway.log")
[ -n "$port" ] || { cat "$work/gateway.log"; exit 1; }
fail() { echo "FAIL $*"; cat "$work/gateway.log"; exit 1; }
created=$(curl -s -X POST "http://127.0.0.1:$port/v1/products" -H 'content-type: application/json' -d '{"title":"Cli test"}')
[ "$created" = '{"name":"products/cli-test","title":"Cli test"}' ] || fail "create: $created"
fetched=$(curl -s "http://127.0.0.1:$port/v1/products/cli-test")
[ "$fetched" = "$created" ] || fail "get: $fetched"
# The way a client generated from /openapi.json may send {name=products/*}: the value encoded.
encoded=$(curl -s "http://127.0.0.1:$port/v1/products%2Fcli-test")
[ "$encoded" = "$created" ] || fail "get with an encoded slash: $encoded"
grep -q '"GET /v1/products/cli-test" 200' "$work/gateway.log" || fail "no access log line"
# Schemathesis-style extremes on every route: each gets a 4xx or a 2xx, never a 5xx, and the
# catalog is still serving afterwards.
long=$(head -c 100000 /dev/zero | tr '\0' 'x')
while read -r method path body; do
  args=(-s -o /dev/null -w '%{http_code}' -X "$method" "http://127.0.0.1:$port$path")
  [ "$body" = "-" ] || args+=(-H 'content-type: application/json' --data-binary "${body//LONG/$long}")
  code=$(curl "${args[@]}")
  [ "$code" -lt 500 ] || fail "$method $path $body answered $code"
done <<'CASES'
GET /v1/products?pageSize=-1 -
GET /v1/products?pageSize=-2147483648 -
GET /v1/products?pageSize=2147483647 -
GET /v1/products?pageSize=99999999999 -
GET /v1/products?pageSize= -
GET /v1/products?pageToken=%00%ff -
GET /v1/products?status=-1 -
GET /v1/products?status=2147483647 -
GET /v1/products/%20 -
GET /v1/products/LONG -
DELETE /v1/products/nope -
POST /v1/products {}
POST /v1/products {"title":""}
POST /v1/products {"title":"!!!"}
POST /v1/products {"title":"LONG"}
POST /v1/products {"title":"x","shippingWeightGrams":-2147483648,"dimensions":{"widthMm":-1}}
POST /v1/products {"title":"y","priceCents":"-9223372036854775808"}
POST /v1/products []
POST /v1/products null
CASES
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/products?pageSize=-1")" = 400 ] || fail "a negative page size is not 400"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/v1/products" -d '{"title":"form"}')" = 415 ] || fail "a form body is not 415"
[ "$(curl -s "http://127.0.0.1:$port/v1/products/cli-test")" = "$created" ] || fail "the catalog stopped serving after the extremes"
kill -TERM $gateway_pid
wait $gateway_pid || fail "exit status $? after SIGTERM"
grep -q '^draining' "$work/gateway.log" || fail "no drain"
echo "PASS weft gateway serves its configuration and drains on SIGTERM"
printf '{"listen": "127.0.0.1:0", "upstreams": {"x.Y": {"address": "h:1"}}}' >"$work/bad.json"
if .build/debug/weft gateway --config "$work/bad.json" >"$work/bad.log" 2>&1; then fail "a bad configuration started"; fi
grep -q 'configuration key upstreams.x.Y.tls is required' "$work/bad.log" || fail "bad configuration: $(cat "$work/bad.log")"
echo "PASS a bad configuration is refused naming its key"
