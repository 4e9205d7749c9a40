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
echo "== dev certificates: weft certs --out certs/dev --service catalog --service client --foreign =="
.build/debug/weft certs --out certs/dev --service catalog --service client --foreign

echo
echo "== using the generated types and serving them over mTLS (Sources/weft-demo) =="
"$demo" certs/dev
