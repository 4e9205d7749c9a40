# Weft — the two commands a fresh machine needs are `make demo` and `make test`.
# Everything else here is what those two call.

SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
APT_PACKAGES := libnghttp2-dev libssl-dev pkg-config zlib1g-dev nghttp2-client
SWIFT_BUILD_FLAGS ?=
CODEGEN := .build/debug/weft-codegen

.PHONY: deps apt-deps python-deps build test bench-gateway bench-rpc bench-mesh swift-test crosslang-test schema-corpus-test interop-test mesh-cli-test gateway-cli-test openapi-test fuzz-regressions demo bench fuzz clean

## deps: install the system and Python packages the build and tests need (idempotent).
deps: apt-deps python-deps

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

python-deps: $(VENV)/.installed

# Reinstalled only when the pinned versions change.
$(VENV)/.installed: Tests/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check -r Tests/requirements.txt
	touch $@

build: apt-deps
	swift build $(SWIFT_BUILD_FLAGS)

## test: every Swift test, then the cross-language and protoc cross-checks, the executables as
## processes, and the demo (which must run to its end).
test: deps build swift-test schema-corpus-test crosslang-test interop-test mesh-cli-test gateway-cli-test openapi-test fuzz-regressions demo

# SWIFTNIO_STRICT turns work scheduled on a stopped event loop into a crash, not a log line.
swift-test:
	SWIFTNIO_STRICT=true swift test $(SWIFT_BUILD_FLAGS)

schema-corpus-test: build python-deps
	$(PYTHON) Tests/SchemaCorpus/crosscheck.py $(CODEGEN)
	$(PYTHON) -B Tests/SchemaCorpus/descriptors.py $(abspath $(CODEGEN))

crosslang-test: build python-deps
	Tests/CrossLanguage/run.sh

# grpcio (Python) and Weft calling each other over HTTP/2 with mutual TLS.
interop-test: build python-deps
	Tests/Interop/run.sh

# `weft serve` as a process: mesh configuration, mTLS, policy, health, reflection, metrics, SIGTERM;
# connection limits, stalled handshakes and memory after thousands of them.
mesh-cli-test: build python-deps
	pki=$$(mktemp -d) && trap 'rm -rf "$$pki"' EXIT && \
	.build/debug/weft certs --out "$$pki" --service interop --service client --service other >/dev/null && \
	$(PYTHON) -B Tests/Mesh/serve.py .build/debug/weft "$$pki" && \
	$(PYTHON) -B Tests/Mesh/connections.py .build/debug/weft "$$pki"

# `weft gateway` as a process: configuration file, mTLS upstream, curl, SIGTERM.
gateway-cli-test: build
	Tests/Gateway/cli.sh

# The generated OpenAPI document (pinned by a Swift golden test) passes a standard validator.
openapi-test: python-deps
	$(PYTHON) -m openapi_spec_validator Tests/WeftGatewayTests/Golden/catalog.openapi.json
	$(PYTHON) -m openapi_spec_validator Tests/WeftGatewayTests/Golden/bookshop.openapi.json

# Inputs the fuzzer once crashed on, replayed through the same checks.
fuzz-regressions: build
	.build/debug/weft-fuzz-decoder Tests/Fuzz/Regressions/*

## demo: compile the repository's schemas and show the generated API.
demo: deps build
	scripts/demo.sh $(CODEGEN) .build/debug/weft-demo

## bench: the codec benchmarks against SwiftProtobuf (release build of Benchmarks/).
bench: deps
	cd Benchmarks && swift build -c release && .build/release/WeftBenchmarks

## bench-gateway: added latency and throughput of `weft gateway` against a direct gRPC call
## and against nghttpx relaying it (release build; h2load and wrk on loopback).
bench-gateway: apt-deps
	@for p in wrk nghttp2-proxy; do dpkg -s $$p >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get install -y -qq $$p; }; done
	Benchmarks/gateway.sh

## bench-rpc: Weft vs grpc-swift-2 2.4.3 vs nghttpd, unary and bidirectional (release builds;
## the first build of grpc-swift-2 and BoringSSL takes about ten minutes on 2 cores).
bench-rpc: apt-deps
	@dpkg -s nghttp2-server >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get install -y -qq nghttp2-server; }
	Benchmarks/rpc.sh

## bench-mesh: round robin vs power of two choices with one slow endpoint (release build).
bench-mesh: apt-deps
	cd Benchmarks && swift build -c release --product mesh-balancing && .build/release/mesh-balancing 8000

## fuzz: libFuzzer over the binary and JSON decoders for FUZZ_SECONDS (not part of `make test`).
FUZZ_SECONDS ?= 60
FUZZ_DIR := .build-fuzz
fuzz: build
	mkdir -p $(FUZZ_DIR)/generated $(FUZZ_DIR)/corpus
	$(CODEGEN) --runtime-module --messages-only --proto-path Sources/WeftInterop --out $(FUZZ_DIR)/generated Sources/WeftInterop/interop.proto
	swiftc -O -g -sanitize=fuzzer,address -parse-as-library -D FUZZING -module-name WeftFuzz \
	  $$(find Sources/WeftMessages -name '*.swift') $(FUZZ_DIR)/generated/interop.weft.swift \
	  Tests/Fuzz/DecoderFuzz/DecoderFuzz.swift -o $(FUZZ_DIR)/weft-fuzz-decoder
	$(FUZZ_DIR)/weft-fuzz-decoder -max_total_time=$(FUZZ_SECONDS) -max_len=4096 $(FUZZ_DIR)/corpus

clean:
	rm -rf .build $(VENV)
