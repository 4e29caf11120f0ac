#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: migration-monitor-sim -> migration-monitor --headless (verified, stored in
# SQLite before each 2xx), at concurrency 1, 8 and 64. In the same run it measures the
# ceiling: a bare Qt 6.4 QHttpServer route that only checks the HMAC (ceiling_server).
#
# Run:   bench/bench_receiver.sh [BUILD_DIR (default build)] [EVENTS per run (default 60000)]
# Needs: a build with benchmarks (the default), nothing else running on the machine.
set -euo pipefail
build=${1:-build}
events=${2:-60000}
app=$build/app/migration-monitor
sim=$build/app/sim/migration-monitor-sim
ceiling=$build/bench/ceiling_server
for f in "$app" "$sim" "$ceiling"; do
  [ -x "$f" ] || { echo "missing $f: build first (cmake --build $build)" >&2; exit 2; }
done

export MIGRATION_MONITOR_SECRETS=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Prints "rate p50 p99" for one simulator run.
load() {
  local url=$1 conc=$2
  "$sim" --target "$url" --events "$events" --concurrency "$conc" --quiet --seed 7 > "$work/sim.out"
  awk '/^rate:/{r=$2} /^latency p50:/{p50=$3} /^latency p99:/{p99=$3} END{print r, p50, p99}' "$work/sim.out"
}

wait_listening() {
  for _ in $(seq 100); do grep -q "listening on" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "server did not start" >&2; cat "$1" >&2; exit 1
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "events per run: $events, body ~0.5-1 KiB, loopback"
echo
printf '%-34s %6s %12s %9s %9s\n' "set-up" "conc" "events/s" "p50 ms" "p99 ms"

declare -A ceil
for conc in 1 8 64; do
  port=$(free_port)
  "$ceiling" "$port" > "$work/ceiling.out" 2>&1 &
  pid=$!
  wait_listening "$work/ceiling.out"
  read -r rate p50 p99 < <(load "http://127.0.0.1:$port/webhooks" "$conc")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  ceil[$conc]=$rate
  printf '%-34s %6s %12s %9s %9s\n' "ceiling: bare QHttpServer + HMAC" "$conc" "$rate" "$p50" "$p99"
done

for conc in 1 8 64; do
  port=$(free_port)
  rm -rf "$work/data"
  "$app" --headless --listen "127.0.0.1:$port" --data-dir "$work/data" > "$work/app.out" 2> "$work/app.err" &
  pid=$!
  wait_listening "$work/app.out"
  read -r rate p50 p99 < <(load "http://127.0.0.1:$port/webhooks" "$conc")
  kill -INT "$pid"; wait "$pid" || true
  ratio=$(awk -v a="$rate" -v b="${ceil[$conc]}" 'BEGIN{printf "%.2f", a/b}')
  printf '%-34s %6s %12s %9s %9s   ratio to ceiling %s\n' "migration-monitor --headless" "$conc" "$rate" "$p50" "$p99" "$ratio"
  grep '^store:' "$work/app.err" | sed 's/^/    /'
done
