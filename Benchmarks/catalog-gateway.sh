# Sourced by the gateway benchmarks: the tools they need, release builds of `weft` and
# `weft-demo` with a work directory and servers stopped when the script exits (`prepare`:
# `$work`, `$bin`), and the gateway configuration in front of one catalog.

# load_options "LETTER:NAME" ARGS…: reads -c connections, -m streams and -n requests into those
# variables, and the one further option LETTER (if any) into the variable NAME; the caller then
# shifts by OPTIND - 1 for the operands.
load_options() {
  local extra=$1 option; shift
  OPTIND=1
  while getopts "c:m:n:${extra:+${extra%%:*}:}" option; do
    case $option in
      c) connections=$OPTARG ;;
      m) streams=$OPTARG ;;
      n) requests=$OPTARG ;;
      \?) exit 2 ;;
      *) printf -v "${extra#*:}" '%s' "$OPTARG" ;;
    esac
  done
}

# needs "apt packages" TOOL…: stops the script unless every TOOL is on the path.
needs() {
  local packages=$1; shift
  for tool in "$@"; do command -v "$tool" >/dev/null || { echo "needs $tool (apt: $packages)"; exit 1; }; done
}

# prepare: builds, makes `$work` and sets what the script's exit stops and removes.
prepare() {
  for product in weft weft-demo; do swift build -c release --product "$product" >/dev/null; done
  bin=.build/release
  work=$(mktemp -d)
  . scripts/servers.sh
  trap 'kill -TERM $(cat "$servers_pids") 2>/dev/null || true; rm -f "$servers_pids"; rm -rf "$work"' EXIT
}

# gateway_configuration FILE CATALOG_PORT: a gateway on a free port routing the catalog's REST
# routes to the catalog at CATALOG_PORT, plaintext, with no bulkhead in the way, with its
# default event loops (one per core; BENCHMARKS.md, session 14, compares one).
gateway_configuration() {
  cat >"$1" <<JSON
{
  "listen": "127.0.0.1:0",
  "schemas": {"includePaths": ["$(pwd)/schemas"], "files": ["weft/platform/catalog/v1/catalog.proto"]},
  "upstreams": {"weft.platform.catalog.v1.CatalogService": {"address": "127.0.0.1:$2", "insecure": true}},
  "limits": {"maxConcurrentCallsPerUpstream": 100000}
}
JSON
}
