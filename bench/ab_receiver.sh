#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Before/after on a noisy machine: two builds run interleaved against the same simulator.
# Run: bench/ab_receiver.sh OLD_BUILD NEW_BUILD   (each a build dir with app/ and app/sim/)
# NEW_ARGS adds options to the new binary only, e.g. NEW_ARGS="--durability process" to compare
# like with like against a build from before --durability.
export MIGRATION_MONITOR_SECRETS=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
run() { # build conc [extra options]
  local b=$1 c=$2 d=$(mktemp -d) port=$((20000 + RANDOM % 10000))
  # shellcheck disable=SC2086
  $b/app/migration-monitor --headless --listen 127.0.0.1:$port --data-dir $d/data ${3:-} > $d/out 2> $d/err &
  local pid=$!
  for i in $(seq 100); do grep -qs listening "$d/out" && break; sleep 0.1; done
  "$new"/app/sim/migration-monitor-sim --target http://127.0.0.1:$port/webhooks --events 20000 --concurrency $c --quiet --seed 7 | awk '/^rate:/{r=$2} /^latency p99:/{p=$3} END{printf "%s p99 %s", r, p}'
  kill -INT $pid; wait $pid; echo "  $(grep '^store:' $d/err)"; rm -rf $d
}
old=${1:?old build dir}; new=${2:?new build dir}
for c in 8 64; do for k in 1 2; do
  echo -n "base c=$c: "; run "$old" $c
  echo -n "new  c=$c: "; run "$new" $c "${NEW_ARGS:-}"
done; done
