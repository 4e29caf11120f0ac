#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Team mode end to end: migration-monitor-sim -> migration-monitor --headless --store
# postgresql://… (verified, committed to PostgreSQL before each 2xx), at concurrency 8 and 64,
# with one receiver and with two receivers sharing the database (two simulators, one per
# receiver, each at half the concurrency, in parallel). In the same run it measures
# PostgreSQL's own ceiling on this machine: pgbench with one single-row
# INSERT … ON CONFLICT (msg_id) DO UPDATE into the real deliveries table per transaction, at the
# same concurrency, with the table's NOTIFY trigger on (as the receivers write it) and off
# (PostgreSQL's raw ceiling). Last, the lag of `migration-monitor --follow` while one receiver
# ingests at a fixed 1,000 deliveries/s: each followed line's arrival against its received_at and against
# the 2xx the simulator got (its --ack-log, read through a FIFO).
#
# The script starts its own throwaway PostgreSQL 15 cluster (initdb in a temporary folder, a free
# loopback port, fsync and synchronous_commit left on), as the postgres user when run as root,
# and removes it on exit. The first receiver creates the schema; the tables are emptied
# (TRUNCATE … RESTART IDENTITY) and checkpointed before every run, so each run starts alike.
#
# Run:   bench/bench_team.sh [BUILD_DIR (default build)] [EVENTS per run (default 150000)]
#                            [PGBENCH_SECONDS (default 20)] [FOLLOW_SECONDS (default 30)]
#        e.g. a quick check: bench/bench_team.sh build/dev 4000 3 5
# Needs: a build with benchmarks (migration-monitor, migration-monitor-sim), the PostgreSQL 15
#        server and client tools (package postgresql: initdb, pg_ctl, psql, pgbench), Qt's QPSQL
#        driver (libqt6sql6-psql), python3, runuser when run as root; nothing else running on
#        the machine. The defaults take about five minutes on a 2-core VM. The cluster lives
#        under TMPDIR (default /tmp), which must be a real disk, not tmpfs, for the figures to
#        mean anything: every commit waits for an fsync.
set -euo pipefail
build=${1:-build}
events=${2:-150000}
pgbench_seconds=${3:-20}
follow_seconds=${4:-30}
follow_rate=1000
follow_conc=32 # connections for the fixed-rate run: headroom, the rate is what is fixed
app=$build/app/migration-monitor
sim=$build/app/sim/migration-monitor-sim
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
for f in "$app" "$sim"; do
  [ -x "$f" ] || { echo "missing $f: build first (cmake --build $build)" >&2; exit 2; }
done
for t in initdb pg_ctl psql pgbench; do
  [ -x "$pgbin/$t" ] || { echo "missing $pgbin/$t: install postgresql (scripts/bootstrap.sh)" >&2; exit 2; }
done
command -v python3 > /dev/null || { echo "missing python3" >&2; exit 2; }

export MIGRATION_MONITOR_SECRETS=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
role=postgres
db=mm
work=$(mktemp -d)
chmod o+x "$work" # the postgres user must traverse it when the script runs as root
cluster=$work/cluster
mkdir "$cluster"

# The server refuses to run as root: then initdb and pg_ctl run as the postgres user.
as_server() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$cluster" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}
[ "$(id -u)" -ne 0 ] || chown postgres: "$cluster"

cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -f "$cluster/data/postmaster.pid" ]; then
    as_server "$pgbin/pg_ctl" -D "$cluster/data" -m fast -w stop > /dev/null 2>&1 \
      || as_server "$pgbin/pg_ctl" -D "$cluster/data" -m immediate -w stop > /dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- the throwaway cluster ------------------------------------------------------------------
as_server "$pgbin/initdb" -D "$cluster/data" -A trust -U "$role" -E UTF8 --no-locale > "$work/initdb.out" 2>&1 \
  || { cat "$work/initdb.out" >&2; exit 1; }
started=
for _ in 1 2 3 4 5; do # the port is free when picked; retry if another process takes it first
  pgport=$(free_port)
  if as_server "$pgbin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -t 60 -w \
      -o "-p $pgport -k '$cluster' -c listen_addresses=127.0.0.1" start > "$work/pg_ctl.out" 2>&1; then
    started=1; break
  fi
  grep -q "could not bind" "$cluster/server.log" 2>/dev/null || break
done
[ -n "$started" ] || { cat "$work/pg_ctl.out" "$cluster/server.log" >&2; exit 1; }
"$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U "$role" "$db"
store="postgresql://$role@127.0.0.1:$pgport/$db"
sql() { "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U "$role" -d "$db" -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }

wait_for() { # FILE TEXT [PID]
  for _ in $(seq 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "no '$2' in $1" >&2; cat "$1" "${1%.out}.err" >&2 2>/dev/null || true; exit 1
}

# Starts a receiver on a free port; sets rx_pid and rx_url. Output in $work/rx$1.{out,err}.
start_receiver() {
  local n=$1 port
  port=$(free_port)
  "$app" --headless --store "$store" --listen "127.0.0.1:$port" > "$work/rx$n.out" 2> "$work/rx$n.err" &
  rx_pid=$!
  wait_for "$work/rx$n.out" "listening on" "$rx_pid"
  rx_url="http://127.0.0.1:$port/webhooks"
}

stop_receiver() { # PID N: SIGINT, then the writer's group-commit statistics
  kill -INT "$1"; wait "$1" || true
  grep '^store:' "$work/rx$2.err" | sed 's/^/    /' || true
}

# Every run starts from empty tables and a fresh checkpoint.
reset_tables() {
  sql "TRUNCATE deliveries, attempts, rejections, forward_queue, listen_intervals RESTART IDENTITY CASCADE"
  sql "CHECKPOINT"
}

# One simulator run into $work/sim$3.out; prints "rate p50 p99 acknowledged".
load() {
  local url=$1 conc=$2 n=$3 count=$4
  "$sim" --target "$url" --events "$count" --concurrency "$conc" --quiet --seed "$((7 + n))" \
    > "$work/sim$n.out" 2>&1 || true
  grep -q '^result: *OK' "$work/sim$n.out" || { echo "simulator run failed:" >&2; cat "$work/sim$n.out" >&2; }
  awk '/^rate:/{r=$2} /^latency p50:/{p50=$3} /^latency p99:/{p99=$3} /^acknowledged:/{a=$2}
       END{print r, p50, p99, a}' "$work/sim$n.out"
}

check_rows() { # ACKNOWLEDGED: every acknowledged delivery is a row
  local rows
  rows=$(sql "SELECT count(*) FROM deliveries")
  [ "$rows" -eq "$1" ] || echo "    WARNING: $1 acknowledged, $rows rows stored"
}

row() { printf '%-44s %5s %10s %9s %9s%s\n' "$@"; }

# --- schema: created by a first receiver, as in production ------------------------------------
start_receiver 0
stop_receiver "$rx_pid" 0 > /dev/null
[ "$(sql "SELECT to_regclass('deliveries') IS NOT NULL")" = t ] || { echo "the receiver made no schema" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
fstype=$(df --output=fstype "$cluster" | tail -n 1)
echo "postgresql: $(sql "SHOW server_version" | cut -d' ' -f1), fsync $(sql "SHOW fsync"), synchronous_commit $(sql "SHOW synchronous_commit"), wal_sync_method $(sql "SHOW wal_sync_method"), data on $fstype, loopback TCP"
[ "$fstype" != tmpfs ] || echo "WARNING: the cluster is on tmpfs, where fsync costs nothing; set TMPDIR to a disk"
echo "events per run: $events, body ~0.5-1 KiB; pgbench ${pgbench_seconds} s per run"
echo
row "set-up" "conc" "events/s" "p50 ms" "p99 ms" ""

# --- PostgreSQL's ceiling: one single-row upsert per transaction -----------------------------
# The receiver's columns (core/store/storewriterpg.h), a ~700-byte body and ~350 bytes of headers
# like the simulator's; ids are unique per client. Measured twice: with the table's NOTIFY
# trigger (deliveries_notify, as the receivers write it) and with it disabled (PostgreSQL's raw
# ceiling). The trigger matters: PostgreSQL serialises the commits of transactions that NOTIFY
# (a database-wide lock held through the commit's WAL flush), so they cannot share an fsync.
cat > "$work/upsert.sql" << 'EOF'
\set n random(1, 1000000000000)
INSERT INTO deliveries(msg_id, event_id, type, migration_id, created_us, received_us, parsed, body,
    timestamp_header, remote, user_agent, secret_index, status, error_message, task_id, company_id,
    created_by, object_created_us, headers, signature, instance)
VALUES ('msg_' || :n || '_' || :client_id, 'evt_' || :n, 'migration.updated', 'mig_' || :n,
    1700000000000000, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, true,
    convert_to(repeat('x', 700), 'UTF8'), 1700000000, '127.0.0.1:40000', 'Svix-Webhooks/1.17',
    0, 'in_progress', NULL, 'task_1', 'company_1', 'user_1', 1700000000000000, repeat('h', 350),
    'v1,' || repeat('s', 44), 'pgbench')
ON CONFLICT (msg_id) DO UPDATE SET attempts = deliveries.attempts + 1;
EOF
declare -A ceil
for trigger in on off; do
[ "$trigger" = on ] && toggle=ENABLE || toggle=DISABLE
sql "ALTER TABLE deliveries $toggle TRIGGER deliveries_notify"
for conc in 8 64; do
  reset_tables
  rm -f "$work"/pgb.*
  "$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U "$role" -n -M prepared -c "$conc" -j 2 \
    -T "$pgbench_seconds" -f "$work/upsert.sql" -l --log-prefix="$work/pgb" "$db" > "$work/pgbench.out" 2>&1 \
    || { cat "$work/pgbench.out" >&2; exit 1; }
  tps=$(awk '/^tps = /{printf "%.1f", $3}' "$work/pgbench.out")
  # Per-transaction log: the third field is the latency in microseconds.
  read -r p50 p99 < <(cat "$work"/pgb.* | awk '{print $3}' | sort -n | awk '{v[NR]=$1}
    END{i50=int(NR*0.50+0.999); i99=int(NR*0.99+0.999); if(i50<1)i50=1; if(i99<1)i99=1;
        printf "%.3f %.3f\n", v[i50]/1000, v[i99]/1000}')
  ceil[$trigger,$conc]=$tps
  row "pgbench, 1 upsert/tx, NOTIFY trigger $trigger" "$conc" "$tps" "$p50" "$p99" ""
done
done
sql "ALTER TABLE deliveries ENABLE TRIGGER deliveries_notify" # the receivers' table as shipped

# --- one receiver --------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
vs() { echo "   vs pgbench: $(ratio "$1" "${ceil[on,$2]}")x trigger on, $(ratio "$1" "${ceil[off,$2]}")x off"; }
declare -A one
for conc in 8 64; do
  reset_tables
  start_receiver 1
  read -r rate p50 p99 acked < <(load "$rx_url" "$conc" 1 "$events")
  one[$conc]=$rate
  row "1 receiver" "$conc" "$rate" "$p50" "$p99" "$(vs "$rate" "$conc")"
  stop_receiver "$rx_pid" 1
  check_rows "$acked"
done

# --- two receivers, one simulator each at half the concurrency, in parallel --------------------
for conc in 8 64; do
  reset_tables
  start_receiver 1; pid1=$rx_pid; url1=$rx_url
  start_receiver 2; pid2=$rx_pid; url2=$rx_url
  half=$((conc / 2))
  load "$url1" "$half" 1 "$((events / 2))" > "$work/two1" &
  s1=$!
  load "$url2" "$half" 2 "$((events - events / 2))" > "$work/two2" &
  s2=$!
  wait "$s1" "$s2"
  read -r r1 a50 a99 k1 < "$work/two1"
  read -r r2 b50 b99 k2 < "$work/two2"
  rate=$(awk -v a="$r1" -v b="$r2" 'BEGIN{printf "%.1f", a+b}')
  p50=$(awk -v a="$a50" -v b="$b50" 'BEGIN{print (a>b)?a:b}')
  p99=$(awk -v a="$a99" -v b="$b99" 'BEGIN{print (a>b)?a:b}')
  row "2 receivers (${half}+${half}), rates summed" "$conc" "$rate" "$p50" "$p99" \
    "$(vs "$rate" "$conc")"
  stop_receiver "$pid1" 1
  stop_receiver "$pid2" 2
  check_rows "$((k1 + k2))"
done

for trigger in on off; do
  verdict=$(awk -v a="${one[8]}" -v b="${ceil[$trigger,8]}" 'BEGIN{print (a>=b)?"met":"NOT met"}')
  echo "target: 1 receiver at concurrency 8 >= 1.0x pgbench with the trigger $trigger: $(ratio "${one[8]}" "${ceil[$trigger,8]}")x, $verdict"
done

# --- --follow lag at a fixed rate ------------------------------------------------------------
# lag.py reads --follow's output and the simulator's ack log (one svix-id per 2xx, unbuffered),
# both through FIFOs, and stamps each line's arrival with one clock.
cat > "$work/lag.py" << 'EOF'
import datetime, json, os, sys, threading, time

follow_path, ack_path, max_wait = sys.argv[1], sys.argv[2], float(sys.argv[3])
followed = []          # (arrival, msg_id, received_at seconds)
acked = {}             # msg_id -> arrival of its 2xx
ack_done = threading.Event()
lock = threading.Lock()

def parse_received(text):  # formatTimestampUs: 2024-05-01T12:00:00.123456Z
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()

def read_follow():
    with open(follow_path, "rb") as f:
        for line in f:
            now = time.time()
            o = json.loads(line)
            with lock:
                followed.append((now, o["msg_id"], parse_received(o["received_at"])))

def read_acks():
    with open(ack_path, "rb") as f:
        for line in f:
            now = time.time()
            with lock:
                acked.setdefault(line.strip().decode(), now)
    ack_done.set()

threading.Thread(target=read_follow, daemon=True).start()
threading.Thread(target=read_acks, daemon=True).start()
if not ack_done.wait(max_wait):
    print("error: the simulator's ack log never ended", file=sys.stderr)
deadline = time.time() + 10  # the follower has this long after the last 2xx to catch up
while time.time() < deadline:
    with lock:
        if set(acked) <= {m for _, m, _ in followed}:
            break
    time.sleep(0.05)
time.sleep(1)  # anything printed twice shows up here
with lock:
    seen = {}
    for arrival, msg_id, received in followed:
        seen.setdefault(msg_id, (arrival, received))
    lag_received = sorted((a - r) * 1000 for a, r in seen.values())
    lag_ack = sorted((seen[m][0] - t) * 1000 for m, t in acked.items() if m in seen)
    missing = sum(1 for m in acked if m not in seen)
    lines = len(followed)

def pct(v, p):
    if not v:
        return float("nan")
    return v[max(1, min(len(v), -(-len(v) * p // 100))) - 1]

for name, v in (("received", lag_received), ("ack", lag_ack)):
    print(name, "%.1f %.1f %.1f" % (pct(v, 50), pct(v, 99), v[-1] if v else float("nan")))
print("counts", lines, len(seen), len(acked), missing, lines - len(seen))
sys.stdout.flush()
os._exit(0)
EOF
reset_tables
mkfifo "$work/follow.fifo" "$work/ack.fifo"
python3 "$work/lag.py" "$work/follow.fifo" "$work/ack.fifo" "$((follow_seconds * 3 + 60))" > "$work/lag.out" &
lag_pid=$!
"$app" --store "$store" --follow > "$work/follow.fifo" 2> "$work/follow.err" &
follow_pid=$!
wait_for "$work/follow.err" "^following" "$follow_pid"
start_receiver 1
follow_events=$((follow_rate * follow_seconds))
"$sim" --target "$rx_url" --events "$follow_events" --rate "$follow_rate" --concurrency "$follow_conc" --quiet --seed 11 \
  --ack-log "$work/ack.fifo" > "$work/simf.out" 2>&1 || { echo "simulator run failed:" >&2; cat "$work/simf.out" >&2; }
wait "$lag_pid" || true
kill -INT "$follow_pid" 2>/dev/null || true; wait "$follow_pid" 2>/dev/null || true
stop_receiver "$rx_pid" 1 > /dev/null
frate=$(awk '/^rate:/{print $2}' "$work/simf.out")
read -r _ r50 r99 rmax < <(grep '^received' "$work/lag.out")
read -r _ k50 k99 kmax < <(grep '^ack' "$work/lag.out")
read -r _ lines distinct nacked missing dups < <(grep '^counts' "$work/lag.out")
echo
echo "--follow while 1 receiver ingests at $follow_rate/s for ${follow_seconds} s (achieved $frate/s, concurrency $follow_conc):"
printf '  %-34s %9s %9s %9s\n' "lag, ms" "p50" "p99" "max"
printf '  %-34s %9s %9s %9s\n' "followed line after received_at" "$r50" "$r99" "$rmax"
printf '  %-34s %9s %9s %9s\n' "followed line after the 2xx" "$k50" "$k99" "$kmax"
awk -v a="$frate" -v r="$follow_rate" 'BEGIN{exit !(a < 0.95 * r)}' \
  && echo "  WARNING: the receiver did not keep up with $follow_rate/s: the lag is measured at a lower rate"
echo "  lines followed $lines ($distinct distinct), acknowledged $nacked, missing $missing, printed twice $dups"
fverdict=$(awk -v p="$r99" -v l="$distinct" -v a="$nacked" -v m="$missing" -v d="$dups" \
  'BEGIN{print (p<250 && l==a && m==0 && d==0)?"met":"NOT met"}')
echo "target: p99 < 250 ms after received_at, every acknowledged delivery followed once: $fverdict"
