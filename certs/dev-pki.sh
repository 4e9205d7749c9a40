#!/usr/bin/env bash
# Development PKI (see certs/README.md): a CA and per-service certificates whose URI SAN is
# spiffe://weft.local/service/<name>, plus a foreign CA with its own client that servers must
# refuse. Keys are generated into DIR (git-ignored certs/dev by default), never committed.
# Usage: dev-pki.sh [DIR] [SERVICE...]   (default services: interop client catalog)
set -euo pipefail
dir=${1:-certs/dev}
shift || true
services=("$@")
[ ${#services[@]} -gt 0 ] || services=(interop client catalog)
mkdir -p "$dir"
cd "$dir"

key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }

ca() {  # ca NAME SUBJECT
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -days 30 -subj "$2" -out "$1.pem" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

leaf() {  # leaf NAME CA SUBJECT SAN
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$3" -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:false\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' "$4" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 30 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext" "$2.srl"
  chmod 600 "$1.key"
}

ca ca "/CN=Weft dev CA"
for service in "${services[@]}"; do
  leaf "$service" ca "/CN=$service" "DNS:localhost,IP:127.0.0.1,URI:spiffe://weft.local/service/$service"
done
ca foreign-ca "/CN=Foreign CA"
leaf foreign-client foreign-ca "/CN=intruder" "URI:spiffe://elsewhere/service/intruder"
