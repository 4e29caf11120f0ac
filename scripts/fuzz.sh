#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan, and runs each on a
# copy of its seed corpus for SECONDS (default 60). Prints executions and exec/s per target;
# fails if any target crashes, leaks, times out or breaks an invariant.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 3600 fuzz_verifier
#
# MM_FUZZ_BUILD_DIR (default build/fuzz) and MM_FUZZ_JOBS (default: all cores) adjust the build.
# Crashing inputs are kept in <build>/fuzz-artifacts/; replay one with <build>/tests/fuzz/TARGET FILE.
set -euo pipefail

cd "$(dirname "$0")/.."
src=$(pwd)
seconds=${1:-60}
if [ $# -gt 0 ]; then shift; fi
case "$seconds" in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in tests/fuzz/fuzz_*.cpp; do
    targets+=("$(basename "$f" .cpp)")
  done
fi
for t in "${targets[@]}"; do
  if [ ! -f "tests/fuzz/$t.cpp" ]; then
    echo "fuzz.sh: no target '$t' (tests/fuzz/$t.cpp)" >&2
    exit 2
  fi
done

cxx=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14 || true)}
if [ -z "$cxx" ]; then
  echo "fuzz.sh: clang++ not found (apt-get install clang libclang-rt-dev)" >&2
  exit 2
fi

build=${MM_FUZZ_BUILD_DIR:-build/fuzz}
jobs=${MM_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
# Debug keeps Q_ASSERT (Qt defines QT_NO_DEBUG otherwise); -O1 keeps the fuzzer fast enough.
# Line tables are enough for the sanitizers' stacks; lld, where installed, links much faster.
linker=()
if command -v ld.lld >/dev/null; then linker=(-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld); fi
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" "${linker[@]}" -DMM_FUZZ=ON -DMM_BUILD_TESTS=OFF \
  -DMM_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Sanitizer reports end the run with a stack; UBSan findings count as crashes.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target per core at a time (each fuzzer is single-threaded), reported in order afterwards.
fuzz_one() {
  local t=$1 corpus="$work/$1" rc=0
  mkdir -p "$corpus"
  if [ -d "tests/fuzz/corpus/$t" ]; then
    cp -r "tests/fuzz/corpus/$t/." "$corpus/"
  fi
  local extra=()
  if [ -f "tests/fuzz/$t.dict" ]; then
    extra+=("-dict=tests/fuzz/$t.dict")
  fi
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/$t-" "${extra[@]}" "$corpus" >"$work/$t.log" 2>&1 || rc=$?
  echo "$rc" > "$work/$t.rc"
}
for t in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  fuzz_one "$t" &
done
wait

failed=()
for t in "${targets[@]}"; do
  corpus="$work/$t"
  log="$work/$t.log"
  rc=$(cat "$work/$t.rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  inputs=$(find "$corpus" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    printf '%-18s %12s executions %8s exec/s  %5s corpus inputs  ok\n' "$t" "${execs:-?}" "${rate:-?}" "$inputs"
  else
    printf '%-18s %12s executions %8s exec/s  FAILED (exit %s)\n' "$t" "${execs:-?}" "${rate:-?}" "$rc"
    tail -n 60 "$log"
    failed+=("$t")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}; inputs in $artifacts/" >&2
  exit 1
fi
