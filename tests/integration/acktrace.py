#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every 2xx follows a sync of the WAL that covers its delivery: checked on the real headless
receiver under strace.

Runs `migration-monitor --headless --durability power` under
`strace -f -xx -e trace=openat,read,write,sendto,pwrite64,fdatasync,fsync`, sends signed
deliveries over several keep-alive connections, then reads the trace:

- a delivery's transaction is the WAL frames its receiver thread wrote up to the first commit
  frame (a 24-byte frame header whose "database size" field is not zero) at or after the first
  page that holds its svix-id;
- its 2xx is the first write of "HTTP/1.1 200" on the socket that carried its request;
- a sync of the WAL (fdatasync or fsync of a descriptor open on the -wal file) must have begun
  after that transaction's last write ended, and ended before the 2xx was written.

With --durability process the same check must find violations (the check can fail), else the
script fails. Exit 77 (skipped) when strace cannot trace here.

Usage: acktrace.py APP [--deliveries N] [--keep DIR]
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # Svix's documentation example key
KEY = base64.b64decode(SECRET[len("whsec_"):])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign(msg_id, ts, body):
    mac = hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def send_all(port, ids, connections):
    """Sends each id once, over `connections` keep-alive connections; returns {id: status}."""
    statuses = {}
    lock = threading.Lock()

    def worker(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for msg_id in chunk:
            body = json.dumps({"id": "evt_" + msg_id[4:], "type": "migration.started",
                               "object": {"id": "mig_trace", "status": "WORKING"}}).encode()
            ts = str(int(time.time()))
            conn.request("POST", "/webhooks", body=body, headers={
                "content-type": "application/json", "svix-id": msg_id,
                "svix-timestamp": ts, "svix-signature": sign(msg_id, ts, body)})
            r = conn.getresponse()
            r.read()
            with lock:
                statuses[msg_id] = r.status
        conn.close()

    threads = [threading.Thread(target=worker, args=(ids[i::connections],)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


LINE = re.compile(r"^(\d+)\s+(.*)$")
CALL = re.compile(r"^(\w+)\((.*)$", re.S)
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$", re.S)
HEXSTR = re.compile(r'"((?:\\x[0-9a-f]{2})*)"')
RESULT = re.compile(r"\)\s+=\s+(-?\d+)")


def decode(hexstr):
    return bytes.fromhex(hexstr.replace("\\x", ""))


def parse(path):
    """The trace as a list of complete calls: (name, tid, start, end, args text, result)."""
    calls = []
    pending = {}  # tid -> (name, start, args so far)
    with open(path, "r", errors="replace") as f:
        for index, raw in enumerate(f):
            m = LINE.match(raw.rstrip("\n"))
            if not m:
                continue
            tid, rest = int(m.group(1)), m.group(2)
            if rest.startswith("+++") or rest.startswith("---"):
                continue
            r = RESUMED.match(rest)
            if r:
                name, args, start = r.group(1), r.group(2), None
                if tid in pending and pending[tid][0] == name:
                    _, start, before = pending.pop(tid)
                    args = before + args
                else:
                    start = index
            else:
                c = CALL.match(rest)
                if not c:
                    continue
                name, args = c.group(1), c.group(2)
                if args.endswith("<unfinished ...>"):
                    pending[tid] = (name, index, args[: -len("<unfinished ...>")])
                    continue
                start = index
            res = RESULT.search(args)
            calls.append((name, tid, start, index, args, int(res.group(1)) if res else None))
    return calls


def check(calls, statuses):
    wal_fds = set()
    fd_msg = {}  # socket fd -> the msg id of the request it carries now
    first_page = {}  # msg id -> index in wal_writes of the first page holding it
    wal_writes = []  # (tid, start, end, is_header, commit, data)
    syncs = []  # (start, end)
    acks = {}  # msg id -> start of its 2xx write
    ids = set(statuses)
    id_re = re.compile(rb"msg_trace_\d{6}")
    for name, tid, start, end, args, result in calls:
        fd_match = re.match(r"\s*(-?\d+)", args)
        fd = int(fd_match.group(1)) if fd_match else None
        if name == "openat":
            paths = HEXSTR.findall(args)  # -xx prints the path in hex too
            if result is not None and result >= 0:
                if paths and decode(paths[0]).endswith(b"-wal"):
                    wal_fds.add(result)
                else:
                    wal_fds.discard(result)
            continue
        if name in ("fdatasync", "fsync"):
            if fd in wal_fds and result == 0:
                syncs.append((start, end))
            continue
        strings = HEXSTR.findall(args)
        data = decode(strings[0]) if strings else b""
        if name == "pwrite64" and fd in wal_fds:
            header = len(data) == 24
            commit = header and int.from_bytes(data[4:8], "big") != 0
            wal_writes.append((tid, start, end, header, commit, data))
            if not header:
                for found in id_re.findall(data):
                    first_page.setdefault(found.decode(), len(wal_writes) - 1)
        elif name == "read" and result and result > 0:
            for found in re.findall(rb"svix-id: (msg_trace_\d{6})", data, re.I):
                fd_msg[fd] = found.decode()
        elif name in ("write", "sendto") and data.startswith(b"HTTP/1.1 2"):
            msg = fd_msg.pop(fd, None)
            if msg is not None and msg not in acks:
                acks[msg] = start

    violations = []
    checked = 0
    for msg, status in sorted(statuses.items()):
        if status // 100 != 2:
            continue
        if msg not in acks:
            violations.append(f"{msg}: its 2xx was not found in the trace")
            continue
        if msg not in first_page:
            violations.append(f"{msg}: answered 2xx but never written to the WAL")
            continue
        # Its transaction ends with the first commit frame's page that its thread wrote after.
        i = first_page[msg]
        tid = wal_writes[i][0]
        txn_end = None
        for j in range(i, len(wal_writes)):
            w = wal_writes[j]
            if w[0] == tid and w[4]:  # the commit frame's header; its page is the next write
                nxt = next((k for k in range(j + 1, len(wal_writes)) if wal_writes[k][0] == tid), None)
                txn_end = wal_writes[nxt][2] if nxt is not None else w[2]
                break
        if txn_end is None:
            violations.append(f"{msg}: no commit frame after its page")
            continue
        ack = acks[msg]
        checked += 1
        if not any(s > txn_end and e < ack for s, e in syncs):
            violations.append(f"{msg}: 2xx at trace line {ack + 1}, its COMMIT's last WAL write ended at line "
                              f"{txn_end + 1}, and no sync of the WAL ran between them")
    return checked, len(syncs), violations


def run(app, durability, deliveries, workdir):
    port = free_port()
    data = os.path.join(workdir, "data-" + durability)
    trace = os.path.join(workdir, f"trace-{durability}.txt")
    env = dict(os.environ, MIGRATION_MONITOR_SECRETS=SECRET)
    proc = subprocess.Popen(
        ["strace", "-f", "-qq", "-xx", "-s", "65536", "-o", trace,
         "-e", "trace=openat,read,write,sendto,pwrite64,fdatasync,fsync",
         app, "--headless", "--listen", f"127.0.0.1:{port}", "--data-dir", data, "--durability", durability],
        env=env, stdout=subprocess.PIPE, stderr=open(os.path.join(workdir, f"stderr-{durability}.txt"), "w"),
        text=True)
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        proc.wait()
        with open(os.path.join(workdir, f"stderr-{durability}.txt")) as f:
            err = f.read()
        if "ptrace" in err or "Operation not permitted" in err:
            print(f"SKIP: strace cannot trace here: {err.strip()}")
            sys.exit(77)
        sys.exit(f"the receiver did not start: {line}{err}")
    ids = [f"msg_trace_{i:06d}" for i in range(deliveries)]
    statuses = send_all(port, ids, 4)
    # The receiver is strace's child: asked to finish, it commits and answers what is in flight.
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    for child in children:
        os.kill(int(child), signal.SIGINT)
    proc.wait(timeout=60)
    acked = sum(1 for s in statuses.values() if s // 100 == 2)
    checked, syncs, violations = check(parse(trace), statuses)
    print(f"--durability {durability}: {len(statuses)} sent, {acked} answered 2xx, {checked} traced to their "
          f"COMMIT, {syncs} syncs of the WAL, {len(violations)} answered before a sync covered them")
    for v in violations[:5]:
        print("    " + v)
    return acked, checked, violations


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("app")
    parser.add_argument("--deliveries", type=int, default=120)
    parser.add_argument("--keep", help="keep the traces in this folder")
    args = parser.parse_args()
    if not shutil.which("strace"):
        print("SKIP: strace is not installed")
        return 77
    workdir = args.keep or tempfile.mkdtemp(prefix="acktrace-")
    os.makedirs(workdir, exist_ok=True)
    try:
        acked, checked, violations = run(args.app, "power", args.deliveries, workdir)
        if acked != args.deliveries or checked != acked:
            print(f"FAIL: expected {args.deliveries} deliveries answered 2xx and traced, got {acked} and {checked}")
            return 1
        if violations:
            print("FAIL: with --durability power, some 2xx came before a sync of the WAL")
            return 1
        _, _, process_violations = run(args.app, "process", args.deliveries, workdir)
        if not process_violations:
            print("FAIL: with --durability process the check found nothing: it cannot fail")
            return 1
        print("PASS: every 2xx followed a sync of the WAL that covered its delivery (power); "
              "process answers before the sync, as it should be caught")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
