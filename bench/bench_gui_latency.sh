#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GUI thread latency under load: the real window (migration-monitor on its own Xvfb, xcb)
# receives signed deliveries from migration-monitor-sim at RATE/s for SECONDS s. A probe on
# the GUI thread (app/latencyprobe.h, MM_LATENCY_PROBE=FILE) arms a 10 ms precise timer again
# and again and records how late each one fires; the percentiles are written when the app
# quits on SIGTERM. Target: p99 < 50 ms at 2,000 events/s.
#
# Run:   bench/bench_gui_latency.sh [BUILD_DIR (default build)] [RATE (2000)] [SECONDS (60)]
# Needs: Xvfb, a build of migration-monitor and migration-monitor-sim (RelWithDebInfo for
#        figures worth comparing), nothing else busy on the machine.
# With PERF_DATA=FILE it also records the GUI thread with perf while the simulator runs:
#        perf report -i FILE --no-children --sort symbol
set -euo pipefail
build=${1:-build}
rate=${2:-2000}
seconds=${3:-60}
app=$build/app/migration-monitor
sim=$build/app/sim/migration-monitor-sim
for f in "$app" "$sim"; do
  [ -x "$f" ] || { echo "missing $f: build first (cmake --build $build)" >&2; exit 2; }
done
command -v Xvfb > /dev/null || { echo "Xvfb is not installed (apt-get install xvfb)" >&2; exit 2; }

secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
events=$((rate * seconds))
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A private X server; Xvfb picks a free display and writes its number once it is ready.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3> "$work/display" 2> "$work/xvfb.err" &
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "Xvfb did not start" >&2; cat "$work/xvfb.err" >&2; exit 1; }
display=:$(cat "$work/display")

port=$(free_port)
url=http://127.0.0.1:$port/webhooks
app_cmd=(env DISPLAY="$display" QT_QPA_PLATFORM=xcb XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/share"
         MM_LATENCY_PROBE="$work/latency.txt" MM_VIEW_REPORT=1 MIGRATION_MONITOR_SECRETS=$secret
         "$app" --listen "127.0.0.1:$port" --data-dir "$work/data")
sim_cmd=("$sim" --target "$url" --secret "$secret" --rate "$rate" --events "$events" --concurrency 8 --quiet --seed 7)
"${app_cmd[@]}" > "$work/app.out" 2> "$work/app.err" &
pid=$!
# The window reports once a second (MM_VIEW_REPORT); the first report means the loop runs.
for _ in $(seq 200); do grep -q "listening=$url" "$work/app.out" 2>/dev/null && break; sleep 0.1; done
grep -q "listening=$url" "$work/app.out" || { echo "the app did not start" >&2; cat "$work/app.err" >&2; exit 1; }

if [ -n "${PERF_DATA:-}" ]; then
  perf record -e cpu-clock -F 999 --call-graph dwarf,16384 -t "$pid" -o "$PERF_DATA" > /dev/null 2>&1 &
  perf_pid=$!
fi
"${sim_cmd[@]}" > "$work/sim.out" 2>&1 || true
if [ -n "${PERF_DATA:-}" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
sleep 2 # two more window reports, so the last one counts every delivery
window=$(grep '^view:' "$work/app.out" | tail -1)
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || { echo "the app exited with $rc" >&2; cat "$work/app.err" >&2; }
[ -s "$work/latency.txt" ] || { echo "the probe wrote nothing" >&2; cat "$work/app.err" >&2; exit 1; }

field() { awk -v k="$1:" '$1 == k {print $2}' "$2"; }
echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; load before: $load_before"
echo "build:    $(grep -m1 CMAKE_BUILD_TYPE "$build/CMakeCache.txt" 2>/dev/null | cut -d= -f2)"
echo "app:      ${app_cmd[*]/$secret/whsec_…}"
echo "sim:      ${sim_cmd[*]/$secret/whsec_…}"
echo "sent:     $(field sent "$work/sim.out") attempts, acknowledged $(field acknowledged "$work/sim.out") in $(field elapsed "$work/sim.out") s ($(field rate "$work/sim.out")/s)"
echo "window:   ${window#view: }"
echo "gui thread lateness of a 10 ms timer (ms):"
printf '  %-10s %s\n' samples "$(field samples "$work/latency.txt")" p50 "$(field p50_ms "$work/latency.txt")" \
  p90 "$(field p90_ms "$work/latency.txt")" p99 "$(field p99_ms "$work/latency.txt")" \
  max "$(field max_ms "$work/latency.txt")" "> 50 ms" "$(field over_50ms "$work/latency.txt")"
