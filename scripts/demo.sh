#!/usr/bin/env bash
# make demo: compile the repository's schemas and show the Swift API they become.
set -euo pipefail
codegen=${1:-.build/debug/weft-codegen}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== weft-codegen: checking and compiling schemas/ =="
"$codegen" --proto-path schemas --out "$out" schemas
find "$out" -name '*.swift' | sort | while read -r file; do
  echo
  echo "== ${file#"$out"/} ($(wc -l <"$file") lines) — public API =="
  # Declarations only: what a user of the generated module sees.
  grep -E '^\s*(public (struct|enum|indirect enum|var|init|static let)|case [a-z`])' "$file" \
    | grep -v 'case .*: self =' | sed 's/ = .*$//' | head -60
done

echo
echo "== a bad schema gets a diagnostic with file:line:col and a caret =="
bad="$out/bad.proto"
printf 'syntax = "proto3";\nmessage Order {\n  string id = 1;\n  Money total = 2;\n  int32 id = 3;\n}\n' >"$bad"
"$codegen" --check "$bad" || true
