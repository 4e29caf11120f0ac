#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: migration-monitor-sim -> migration-monitor --headless (verified, stored in
# SQLite before each 2xx), at concurrency 1, 8 and 64, with --durability power (each 2xx after a
# sync of the WAL, the default) and process (each 2xx after the COMMIT). In the same run it
# measures the ceiling: a bare Qt 6.4 QHttpServer route that only checks the HMAC
# (ceiling_server). Per run it also gives the store's transactions and syncs (the app's exit
# summary): syncs per second and deliveries per sync. Targets (issue 16), with power: at
# concurrency 8 at least 0.5 of the ceiling and p99 under 5 ms, at 64 at least 0.6.
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

for durability in power process; do
  for conc in 1 8 64; do
    port=$(free_port)
    rm -rf "$work/data"
    "$app" --headless --listen "127.0.0.1:$port" --data-dir "$work/data" --durability "$durability" \
      > "$work/app.out" 2> "$work/app.err" &
    pid=$!
    wait_listening "$work/app.out"
    start=$(date +%s.%N)
    read -r rate p50 p99 < <(load "http://127.0.0.1:$port/webhooks" "$conc")
    secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{print e-s}')
    kill -INT "$pid"; wait "$pid" || true
    ratio=$(awk -v a="$rate" -v b="${ceil[$conc]}" 'BEGIN{printf "%.2f", a/b}')
    printf '%-34s %6s %12s %9s %9s   ratio to ceiling %s\n' "headless --durability $durability" "$conc" "$rate" "$p50" "$p99" "$ratio"
    grep '^store:' "$work/app.err" | sed 's/^/    /'
    # "store: N syncs of the WAL (D deliveries per sync, U us each)"
    awk -v secs="$secs" '/syncs of the WAL/{printf "    %.0f syncs/s over the run (%.1f s)\n", $2/secs, secs}' "$work/app.err"
    if [ "$durability" = power ]; then
      case $conc in
        8) awk -v r="$ratio" -v p="$p99" 'BEGIN{printf "    target at 8: ratio >= 0.5 (%s), p99 < 5 ms (%s)\n", (r>=0.5?"met":"NOT met"), (p<5?"met":"NOT met")}' ;;
        64) awk -v r="$ratio" 'BEGIN{printf "    target at 64: ratio >= 0.6 (%s)\n", (r>=0.6?"met":"NOT met")}' ;;
      esac
    fi
  done
done
