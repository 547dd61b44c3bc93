"""Load test for `econkg serve`: N concurrent clients asking the named questions.

Starts the real server (the CLI, as a user would) on a free loopback port, asks every named
question once to see how long each takes cold, then lets --clients threads (each with its
own keep-alive connection) ask them round-robin for --duration seconds. A third of the
way in, one more client sends a deliberately explosive query; the report shows that it is
stopped at the server's --timeout and what the other clients' latency was meanwhile.

    python benchmarks/endpoint_load.py                      # 32 clients, 15 s
    python benchmarks/endpoint_load.py --no-cache --duration 10
    python benchmarks/endpoint_load.py --queries trade-over-time,partners-ranked

Only loopback is ever contacted; every loop is bounded in time and count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPLOSIVE = ("SELECT (COUNT(*) AS ?n) WHERE "
             "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }")
MAX_REQUESTS = 2_000_000  # a hard bound whatever the duration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, args) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "econkg", "serve", "--port", str(port),
           "--timeout", str(args.timeout)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.no_cache:
        cmd.append("--no-cache")
    fd, log_path = tempfile.mkstemp(prefix="econkg-serve-", suffix=".log")
    with os.fdopen(fd, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited; see {log_path}")
        try:
            status, _, _ = request(port, "GET", "/health", timeout=2)
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    proc.kill()
    sys.exit(f"the server did not start within 120 s; see {log_path}")


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 60,
            conn: http.client.HTTPConnection | None = None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, data, time.perf_counter() - t
    finally:
        if own:
            conn.close()


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def ms(x: float) -> str:
    return f"{x * 1000:8.1f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=15.0, help="seconds of load")
    ap.add_argument("--timeout", type=float, default=3.0,
                    help="the server's --timeout (also bounds the slow query)")
    ap.add_argument("--workers", type=int, default=None, help="the server's --workers")
    ap.add_argument("--no-cache", action="store_true", help="start the server with --no-cache")
    ap.add_argument("--queries", help="comma-separated named questions (default: all)")
    ap.add_argument("--accept", default="application/sparql-results+json")
    ap.add_argument("--no-slow", action="store_true", help="skip the explosive query")
    args = ap.parse_args()

    port = free_port()
    print(f"starting econkg serve on 127.0.0.1:{port} (timeout {args.timeout:g} s"
          f"{', no cache' if args.no_cache else ''}) …", flush=True)
    proc = start_server(port, args)
    try:
        return run(port, args)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def run(port: int, args) -> int:
    _, body, _ = request(port, "GET", "/queries")
    questions = json.loads(body)
    names = [q["name"] for q in questions]
    if args.queries:
        wanted = args.queries.split(",")
        names = [n for n in names if n in wanted]
    headers = {"Accept": args.accept}
    _, body, _ = request(port, "GET", "/health")
    health = json.loads(body)
    print(f"graph: {health['triples']} triples in {health['graphs']} graphs; "
          f"{health['pool_size']} query workers (network {health['network']}); "
          f"{os.cpu_count()} cores")

    print("\ncold (first) answer of each named question:")
    mix = []
    for name in names:
        status, data, secs = request(port, "GET", f"/queries/{name}", headers=headers,
                                     timeout=args.timeout * 3 + 10)
        if status == 200:
            rows = len(json.loads(data)["results"]["bindings"])
            print(f"  {name:32} {ms(secs)}  {rows} rows")
            mix.append(f"/queries/{name}")
        else:
            print(f"  {name:32} {ms(secs)}  HTTP {status} — left out of the load: "
                  f"{data.decode('utf-8', 'replace').strip()[:70]}")
    if not mix:
        print("no named question answered; nothing to load")
        return 1

    results: list[tuple[float, float, int]] = []  # (start, seconds, status)
    lock = threading.Lock()
    stop_at = time.monotonic() + args.duration
    count = [0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout * 3 + 10)
        mine = []
        k = i
        while time.monotonic() < stop_at:
            with lock:
                if count[0] >= MAX_REQUESTS:
                    break
                count[0] += 1
            path = mix[k % len(mix)]
            k += 1
            start = time.monotonic()
            try:
                status, data, secs = request(port, "GET", path, headers=headers, conn=conn)
                if status == 200 and not data:
                    status = -2
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, secs = -1, time.monotonic() - start
            mine.append((start, secs, status))
        conn.close()
        with lock:
            results.extend(mine)

    slow: dict = {}

    def slow_client() -> None:
        time.sleep(args.duration / 3)
        body = urllib.parse.urlencode({"query": EXPLOSIVE}).encode()
        slow["start"] = time.monotonic()
        status, data, secs = request(
            port, "POST", "/sparql", body=body, timeout=args.timeout * 3 + 10,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        slow.update(status=status, seconds=secs, end=time.monotonic(),
                    message=data.decode("utf-8", "replace").strip())

    print(f"\nload: {args.clients} clients for {args.duration:g} s over {len(mix)} "
          "named questions …", flush=True)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    if not args.no_slow:
        threads.append(threading.Thread(target=slow_client))
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began

    ok = [secs for _, secs, status in results if status == 200]
    errors = [status for _, _, status in results if status != 200]
    print(f"\nrequests     {len(results)} in {elapsed:.1f} s = "
          f"{len(results) / elapsed:.0f} requests/s")
    print(f"errors       {len(errors)}"
          + (f" (statuses: {sorted(set(errors))})" if errors else ""))
    print(f"latency      p50 {ms(pct(ok, 50))}   p90 {ms(pct(ok, 90))}   "
          f"p99 {ms(pct(ok, 99))}   max {ms(max(ok, default=0))}"
          f"   mean {ms(statistics.fmean(ok) if ok else 0)}")

    if slow:
        during = [secs for start, secs, status in results
                  if status == 200 and slow["start"] <= start <= slow["end"]]
        print(f"\nslow query   HTTP {slow['status']} after {slow['seconds']:.2f} s: "
              f"{slow['message'][:80]}")
        print(f"meanwhile    {len(during)} other answers, p50 {ms(pct(during, 50))}, "
              f"p99 {ms(pct(during, 99))}, max {ms(max(during, default=0))}")
    _, body, _ = request(port, "GET", "/health")
    health = json.loads(body)
    print(f"server after {health['workers']}/{health['pool_size']} workers alive, "
          f"{health['restarts']} restarted, {health['timeouts']} timed out; cache "
          f"{health['cache']['hits']} hits / {health['cache']['misses']} misses")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
