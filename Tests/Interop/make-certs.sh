#!/usr/bin/env bash
# Test PKI for the interop tests (keys are generated per run, never committed): a CA, the
# interop server and a client certificate with SPIFFE URI SANs, and a foreign CA with its own
# client, which servers must refuse. Usage: make-certs.sh DIR
set -euo pipefail
dir=$1
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
  rm -f "$1.csr" "$1.ext"
}

ca ca "/CN=Weft test CA"
leaf server ca "/CN=interop" "DNS:localhost,IP:127.0.0.1,URI:spiffe://weft.local/service/interop"
leaf client ca "/CN=client" "URI:spiffe://weft.local/service/client"
ca foreign-ca "/CN=Foreign CA"
leaf foreign-client foreign-ca "/CN=intruder" "URI:spiffe://elsewhere/service/intruder"
