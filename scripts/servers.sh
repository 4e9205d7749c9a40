# Sourced by the demo and benchmark scripts: background servers that announce themselves with
# a "LISTENING host:port" line, and stop when the script exits.
servers_pids=$(mktemp)
trap 'kill -TERM $(cat "$servers_pids") 2>/dev/null || true; rm -f "$servers_pids"' EXIT

# start_server LOG COMMAND…: runs COMMAND in the background (output in LOG) and prints the port
# it announced; fails with the log when none came within 60 s (a loaded machine starts slowly).
start_server() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  echo $! >>"$servers_pids"
  for _ in $(seq 600); do
    if grep -q '^LISTENING ' "$log"; then sed -n 's/^LISTENING .*:\([0-9]*\)$/\1/p' "$log" | head -1; return; fi
    sleep 0.1
  done
  echo "no LISTENING line from $*:" >&2
  cat "$log" >&2
  return 1
}

# track_pid PID: stops PID too when the script exits (for servers without a LISTENING line).
track_pid() { echo "$1" >>"$servers_pids"; }
