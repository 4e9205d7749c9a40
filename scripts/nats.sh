#!/usr/bin/env bash
# A throwaway NATS server with JetStream for the tests: `scripts/nats.sh start DIR` starts
# nats-server -js on a free loopback port, storing its streams in DIR, and prints its URL once
# it accepts connections; `scripts/nats.sh stop DIR` stops it.
set -euo pipefail
command=$1 dir=$2
server=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$server" ] || { echo "nats-server is not installed (apt install nats-server)" >&2; exit 1; }
case $command in
start)
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Its output goes to the log, so a caller reading the URL with $(…) is not held open.
  "$server" -js -a 127.0.0.1 -p "$port" -sd "$dir/jetstream" -l "$dir/server.log" -P "$dir/server.pid" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 600); do
    grep -q "Server is ready" "$dir/server.log" 2>/dev/null && { echo "nats://127.0.0.1:$port"; exit 0; }
    sleep 0.1
  done
  cat "$dir/server.log" >&2
  exit 1
  ;;
stop)
  [ -f "$dir/server.pid" ] && kill "$(cat "$dir/server.pid")" 2>/dev/null || true
  ;;
esac
