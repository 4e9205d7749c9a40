#!/usr/bin/env bash
# Cross-implementation interop over HTTP/2 and mutual TLS: grpcio client → Weft server, and
# Weft client → grpcio server, with a test PKI made for this run.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=.venv/bin/python
interop=.build/debug/weft-interop
pki=$(mktemp -d)
trap 'rm -rf "$pki"' EXIT
.build/debug/weft certs --out "$pki" --service interop --service catalog --service client --foreign >/dev/null

echo "== grpcio client → weft-interop server (mTLS) =="
$python -B Tests/Interop/grpcio_client.py "$interop" "$pki"

echo "== grpcio-health-checking → weft-interop server (mTLS) =="
$python -B Tests/Interop/grpcio_health.py "$interop" "$pki"

echo "== grpcio-reflection → weft-interop and weft-demo servers (mTLS) =="
$python -B Tests/Interop/grpcio_reflection.py "$interop" .build/debug/weft-demo "$pki"

echo "== weft-interop client → grpcio server (mTLS) =="
server_log="$pki/server.log"
$python -B Tests/Interop/grpcio_server.py "$pki" >"$server_log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$pki"' EXIT
# Up to 60 s: importing grpc and compiling the protos is slow on a loaded machine.
for _ in $(seq 600); do grep -q LISTENING "$server_log" && break; sleep 0.1; done
target=$(sed -n 's/^LISTENING //p' "$server_log")
[ -n "$target" ] || { cat "$server_log"; exit 1; }
"$interop" client --target "$target" --tls-ca "$pki/ca.pem" --tls-cert "$pki/client.pem" --tls-key "$pki/client.key"
