#!/usr/bin/env bash
# Cross-implementation interop over HTTP/2: grpcio client → Weft server, Weft client → grpcio server.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=.venv/bin/python
interop=.build/debug/weft-interop

echo "== grpcio client → weft-interop server =="
$python -B Tests/Interop/grpcio_client.py "$interop"

echo "== weft-interop client → grpcio server =="
server_log=$(mktemp)
$python -B Tests/Interop/grpcio_server.py >"$server_log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$server_log"' EXIT
for _ in $(seq 100); do grep -q LISTENING "$server_log" && break; sleep 0.1; done
target=$(sed -n 's/^LISTENING //p' "$server_log")
[ -n "$target" ] || { cat "$server_log"; exit 1; }
"$interop" client --target "$target" --insecure
