#!/usr/bin/env bash
# make demo, second part: the reference platform. identity, catalog and inventory as separate
# processes (weft-platform, SQLite, events over the mesh) behind `weft gateway`, all over mutual
# TLS; then a customer's and a staff member's session with curl, every step printed.
set -euo pipefail
weft=${1:-.build/debug/weft}
runner=${2:-platform/.build/debug/weft-platform}
work=$(mktemp -d)
. scripts/servers.sh
trap 'kill -TERM $(cat "$servers_pids") 2>/dev/null || true; rm -f "$servers_pids"; rm -rf "$work"' EXIT
root=$(pwd)

echo "== certificates: weft certs --service identity --service catalog --service inventory --service gateway =="
"$weft" certs --out "$work/pki" --service identity --service catalog --service inventory --service gateway >/dev/null
ls "$work/pki"

# mesh_config NAME RULES UPSTREAMS SETTINGS: one service's mesh configuration.
mesh_config() {
  cat >"$work/$1.json" <<JSON
{
  "service": "$1",
  "listen": "127.0.0.1:0",
  "tls": {"ca": "pki/ca.pem", "certificate": "pki/$1.pem", "key": "pki/$1.key"},
  "authorization": {"rules": $2},
  "upstreams": $3,
  "settings": {"dataDirectory": "data", "$1": $4}
}
JSON
}
gateway_only() { echo "{\"weft.platform.$1.v1.$2\": [\"spiffe://weft.local/service/gateway\"]${3:-}}"; }

echo
echo "== identity, catalog and inventory: one process each (weft-platform --config NAME.json NAME) =="
mesh_config identity "$(gateway_only identity IdentityService)" '{}' \
  '{"adminEmails": ["staff@example.com"], "passwordCost": {"log2N": 14}}'
mesh_config catalog "$(gateway_only catalog CatalogService ', "weft.platform.events.v1.EventSource": ["spiffe://weft.local/service/inventory"]')" \
  '{}' '{"pageTokenKey": "demo-page-token-key"}'
cd "$work"
identity_port=$(start_server identity.log "$root/$runner" --config identity.json identity)
catalog_port=$(start_server catalog.log "$root/$runner" --config catalog.json catalog)
cd "$root"
mesh_config inventory "$(gateway_only inventory InventoryService)" \
  "{\"weft.platform.catalog.v1.CatalogService\": {\"endpoints\": [\"127.0.0.1:$catalog_port\"], \"identity\": \"catalog\"}}" \
  '{"expirySweepSeconds": 1}'
cd "$work"
inventory_port=$(start_server inventory.log "$root/$runner" --config inventory.json inventory)
cd "$root"
echo "identity on 127.0.0.1:$identity_port, catalog on 127.0.0.1:$catalog_port, inventory on 127.0.0.1:$inventory_port"
echo "inventory's configuration:"
cat "$work/inventory.json"

upstream() {
  echo "\"weft.platform.$1.v1.$2\": {\"address\": \"127.0.0.1:$3\", \"tls\": {\"ca\": \"pki/ca.pem\", \"certificate\": \"pki/gateway.pem\", \"key\": \"pki/gateway.key\", \"serverName\": \"127.0.0.1\"}}"
}
api=$root/platform/Sources
cat >"$work/gateway.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "schemas": {
    "includePaths": ["$api/IdentityAPI", "$api/CatalogAPI", "$api/InventoryAPI"],
    "files": ["weft/platform/identity/v1/identity.proto", "weft/platform/catalog/v1/catalog.proto", "weft/platform/inventory/v1/inventory.proto"]
  },
  "upstreams": {
    $(upstream identity IdentityService "$identity_port"),
    $(upstream catalog CatalogService "$catalog_port"),
    $(upstream inventory InventoryService "$inventory_port")
  },
  "jwt": {
    "issuer": "https://identity.weft.local", "audience": "weft-platform",
    "keySet": {"method": "weft.platform.identity.v1.IdentityService.GetJwks"},
    "forwardClaims": ["sub", "roles"],
    "publicRoutes": [
      "weft.platform.identity.v1.IdentityService.Register", "weft.platform.identity.v1.IdentityService.Login",
      "weft.platform.identity.v1.IdentityService.Refresh", "weft.platform.identity.v1.IdentityService.GetJwks",
      "weft.platform.catalog.v1.CatalogService.ListProducts", "weft.platform.catalog.v1.CatalogService.GetProduct",
      "weft.platform.inventory.v1.InventoryService.GetStock"
    ]
  }
}
JSON
echo
echo "== weft gateway in front of the three (tokens checked with identity's published keys) =="
cd "$work"
gateway_port=$(start_server gateway.log "$root/$weft" gateway --config gateway.json)
cd "$root"
base=http://127.0.0.1:$gateway_port
echo "gateway on $base"

# call METHOD PATH [BODY] [TOKEN]: prints the request and the answer; the body is kept in $answer.
call() {
  local method=$1 path=$2 body=${3:-} token=${4:-}
  local args=(-s -X "$method" "$base$path" -w '\n%{http_code}')
  local shown="curl -X $method $path"
  [ -n "$body" ] && { args+=(-H 'content-type: application/json' -d "$body"); shown+=" -d '$body'"; }
  [ -n "$token" ] && { args+=(-H "authorization: Bearer $token"); shown+=" -H 'authorization: Bearer …'"; }
  local output
  output=$(curl "${args[@]}")
  answer=$(sed '$d' <<<"$output")
  status=$(tail -n 1 <<<"$output")
  echo
  echo "\$ $shown"
  echo "HTTP $status"
  echo "$answer"
}
field() { python3 -c 'import json, sys; value = json.loads(sys.argv[1]); [value := value[key] for key in sys.argv[2:]]; print(value)' "$answer" "$@"; }

echo
echo "== a customer registers and signs in =="
call POST /v1/users '{"email": "ada@example.com", "password": "analytical-engine", "displayName": "Ada"}'
call POST /v1/auth:login '{"email": "ada@example.com", "password": "analytical-engine"}'
ada=$(field accessToken)
echo
echo "the access token's header and claims (an EdDSA JWT):"
for part in 1 2; do
  python3 -c 'import base64, sys; p = sys.argv[1]; print(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode())' "$(cut -d. -f$part <<<"$ada")"
done
call GET /v1/me "" "$ada"
call GET /v1/me

echo
echo "== staff (an admin from the configuration) create a product and its stock =="
call POST /v1/users '{"email": "staff@example.com", "password": "correct-horse-battery"}'
call POST /v1/auth:login '{"email": "staff@example.com", "password": "correct-horse-battery"}'
staff=$(field accessToken)
call POST /v1/products '{"title": "Sauna session", "price": {"currencyCode": "EUR", "minorUnits": "3900"}}' "$ada"
call POST /v1/categories '{"displayName": "Wellness"}' "$staff"
category=$(field name)
call POST /v1/products "{\"title\": \"Sauna session\", \"description\": \"Ninety minutes, towels included\", \"category\": \"$category\", \"status\": \"PRODUCT_STATUS_PUBLISHED\", \"price\": {\"currencyCode\": \"EUR\", \"minorUnits\": \"3900\"}, \"variants\": [{\"sku\": \"SAUNA-EVENING\", \"title\": \"Evening\"}]}" "$staff"
product=$(field name)
call POST /v1/stock:receive '{"sku": "SAUNA-EVENING", "location": "spa", "quantity": "1"}' "$staff"

echo
echo "== anyone browses =="
call GET "/v1/products?query=sauna&orderBy=price"
call GET /v1/stock/SAUNA-EVENING

echo
echo "== Ada reserves the last unit; Grace is refused it, with a typed error =="
call POST /v1/reservations '{"reservationId": "order-ada-1", "sku": "SAUNA-EVENING", "quantity": "1", "owner": "orders/ada-1", "ttlSeconds": 600}' "$ada"
call POST /v1/users '{"email": "grace@example.com", "password": "compiler-1952"}'
call POST /v1/auth:login '{"email": "grace@example.com", "password": "compiler-1952"}'
grace=$(field accessToken)
call POST /v1/reservations '{"reservationId": "order-grace-1", "sku": "SAUNA-EVENING", "quantity": "1"}' "$grace"
echo
echo "(Ada's retry of the same reservation id is the same reservation, not a second unit:)"
call POST /v1/reservations '{"reservationId": "order-ada-1", "sku": "SAUNA-EVENING", "quantity": "1", "owner": "orders/ada-1", "ttlSeconds": 600}' "$ada"

echo
echo "== staff archive the product; the event reaches inventory over the mesh =="
call DELETE "/v1/$product" "" "$staff"
call POST /v1/stock:receive '{"sku": "SAUNA-EVENING", "location": "spa", "quantity": "3"}' "$staff"
for attempt in $(seq 100); do
  answer=$(curl -s -X POST "$base/v1/reservations" -H 'content-type: application/json' -H "authorization: Bearer $grace" \
    -d "{\"reservationId\": \"after-archive-$attempt\", \"sku\": \"SAUNA-EVENING\", \"quantity\": \"1\", \"ttlSeconds\": 1}")
  grep -q SKU_DISCONTINUED <<<"$answer" && break
  sleep 0.2
done
call POST /v1/reservations '{"reservationId": "order-grace-2", "sku": "SAUNA-EVENING", "quantity": "1"}' "$grace"
grep -q SKU_DISCONTINUED <<<"$answer" || { echo "the archive did not reach inventory"; exit 1; }

echo
echo "== gateway access log =="
cat "$work/gateway.log"
