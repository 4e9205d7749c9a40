#!/usr/bin/env bash
# Cross-language codec test (`make crosslang-test`): builds weft-codec-probe, then crosslang.py
# checks Weft's generated Swift against Python protobuf in both directions.
# SWIFT_BUILD_FLAGS (e.g. "-c release") is passed to swift build, as the Makefile does.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Unquoted on purpose: the flags are several words.
# shellcheck disable=SC2086
swift build ${SWIFT_BUILD_FLAGS:-} --product weft-codec-probe
# shellcheck disable=SC2086
probe="$(swift build ${SWIFT_BUILD_FLAGS:-} --show-bin-path)/weft-codec-probe"
# -B: no __pycache__ left beside the scripts.
exec "${PYTHON:-.venv/bin/python}" -B Tests/CrossLanguage/crosslang.py "$probe"
