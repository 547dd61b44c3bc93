"""Load test for `econkg serve`: N concurrent clients asking the named questions.

Starts the real server (the CLI, as a user would) on a free loopback port, asks every named
question once to see how long each takes cold, then lets --clients threads (each with its
own keep-alive connection) ask them round-robin for --duration seconds. A third of the
way in, one more client sends a deliberately explosive query; the report shows that it is
stopped at the server's --timeout and what the other clients' latency was meanwhile.

    python benchmarks/endpoint_load.py                      # 32 clients, 15 s
    python benchmarks/endpoint_load.py --no-cache --duration 10
    python benchmarks/endpoint_load.py --queries trade-over-time,partners-ranked
    python benchmarks/endpoint_load.py --abuse              # the abuse mix (below)

The abuse mix (--abuse) starts its own server with --no-cache and reports
  1. a cheap uncached query's latency (p50/p99) while 4 heavy queries keep running;
  2. normal queries answered while 520 slowloris connections each send a header byte
     every 5 s;
  3. the server's peak memory while 8 clients ask for large answers and never read;
  4. SERVICE fuzz: generated federated queries (tests/test_service_fuzz.py) sent to the
     endpoint, and the connections a loopback listener saw (must be 0).

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


def start_server(port: int, args, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "econkg", "serve", "--port", str(port),
           "--timeout", str(args.timeout), *extra]
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
    ap.add_argument("--abuse", action="store_true",
                    help="run the abuse mix instead (heavy queries, slowloris, non-reading "
                         "clients, SERVICE fuzz)")
    ap.add_argument("--fuzz", type=int, default=2000, help="SERVICE variants in --abuse")
    args = ap.parse_args()

    port = free_port()
    if args.abuse:
        args.no_cache = True
        print(f"starting econkg serve on 127.0.0.1:{port} for the abuse mix …", flush=True)
        proc = start_server(port, args)
        try:
            return abuse(port, proc, args)
        finally:
            stop(proc)
    print(f"starting econkg serve on 127.0.0.1:{port} (timeout {args.timeout:g} s"
          f"{', no cache' if args.no_cache else ''}) …", flush=True)
    proc = start_server(port, args)
    try:
        return run(port, args)
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Ask the server to stop; kill it if it has not after 15 s."""
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


# The abuse mix -------------------------------------------------------------------------

CHEAP = "ASK {{ ?s ?p ?o }} # cheap {n}"


def _rss(pid: int, field: str = "VmRSS") -> int:
    """kB of `field` in /proc/PID/status (VmRSS now, VmHWM the peak)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Every process below `pid` (the fork server and its workers), from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = [], [pid]
    while frontier:
        kids = [c for c, parent in parents.items() if parent in frontier]
        found += kids
        frontier = kids
    return found


def abuse(port: int, proc: subprocess.Popen, args) -> int:
    post_headers = {"Content-Type": "application/sparql-query",
                    "Accept": "application/sparql-results+json"}
    _, body, _ = request(port, "GET", "/health")
    health = json.loads(body)
    print(f"graph: {health['triples']} triples; {health['pool_size']} cheap workers, "
          f"heavy lane {health['heavy_lane']}, network {health['network']}; "
          f"{os.cpu_count()} cores; timeout {args.timeout:g} s")
    failed = False

    # 1. cheap beside heavy ------------------------------------------------------------
    window = max(6.0, args.duration / 2)
    stop = time.monotonic() + window + 1.0
    heavy_statuses: list[int] = []

    def heavy(i: int) -> None:
        n = 0
        while time.monotonic() < stop and n < 50:
            q = EXPLOSIVE + f" # heavy {i}"
            status, _, _ = request(port, "POST", "/sparql", body=q.encode(),
                                   headers=post_headers, timeout=args.timeout * 3 + 10)
            heavy_statuses.append(status)
            n += 1

    threads = [threading.Thread(target=heavy, args=(i,)) for i in range(4)]
    began = time.monotonic()
    for t in threads:
        t.start()
    cheap: list[tuple[float, float, int]] = []
    n = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop and n < 20_000:
        t0 = time.monotonic()
        status, _, secs = request(port, "POST", "/sparql", body=CHEAP.format(n=n).encode(),
                                  headers=post_headers, conn=conn)
        cheap.append((t0 - began, secs, status))
        n += 1
        time.sleep(0.01)
    conn.close()
    heavy_now = json.loads(request(port, "GET", "/health")[1])["heavy"]
    for t in threads:
        t.join()
    steady = [secs for at, secs, status in cheap if at >= 1.0 and status == 200]
    every = [secs for _, secs, status in cheap if status == 200]
    bad = [status for _, _, status in cheap if status != 200]
    p99 = pct(steady, 99)
    print(f"\n1. cheap query beside 4 heavy ones ({len(cheap)} cheap queries over "
          f"{window + 1:.0f} s; {heavy_now} heavy running at the end; heavy answers "
          f"{sorted(set(heavy_statuses))})")
    print(f"   after the first second: p50 {ms(pct(steady, 50))}  p99 {ms(p99)}  "
          f"max {ms(max(steady, default=0))}   goal p99 < 100 ms: "
          f"{'met' if p99 < 0.1 else 'MISSED'} (ratio {p99 / 0.1:.2f})")
    print(f"   including the first second: p99 {ms(pct(every, 99))}  max "
          f"{ms(max(every, default=0))};  non-200: {len(bad)}")
    failed |= bool(bad) or p99 >= 0.1

    # 2. slowloris ---------------------------------------------------------------------
    slow_socks: list[socket.socket] = []
    opened = [0]
    stop_slow = threading.Event()

    def open_one() -> socket.socket | None:
        if opened[0] >= 5000:
            return None
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /health HTTP/1.1\r\n")
            opened[0] += 1
            return s
        except OSError:
            return None

    for _ in range(520):
        s = open_one()
        if s:
            slow_socks.append(s)

    def trickle() -> None:  # a header byte every 5 s; reopen what the server closed
        while not stop_slow.wait(5):
            for i, s in enumerate(slow_socks):
                try:
                    s.sendall(b"X")
                except OSError:
                    s.close()
                    fresh = open_one()
                    if fresh:
                        slow_socks[i] = fresh

    trickler = threading.Thread(target=trickle)
    trickler.start()
    answered = refused = 0
    latencies = []
    end = time.monotonic() + 12
    while time.monotonic() < end and answered + refused < 5000:
        try:
            status, _, secs = request(port, "GET", "/queries/trade-over-time",
                                      headers={"Accept": args.accept}, timeout=10)
        except OSError:
            status, secs = -1, 0.0
        if status == 200:
            answered += 1
            latencies.append(secs)
        else:
            refused += 1
        time.sleep(0.02)
    stop_slow.set()
    trickler.join()
    for s in slow_socks:
        s.close()
    print(f"\n2. 520 slowloris connections (a header byte every 5 s; {opened[0]} opened in "
          f"all): normal queries answered {answered}, failed {refused}; p99 "
          f"{ms(pct(latencies, 99))}")
    failed |= refused > 0

    # 3. non-reading clients -----------------------------------------------------------
    pid = proc.pid
    base_rss = _rss(pid)
    values = " ".join(str(i) for i in range(400))
    silent = []
    for k in range(8):
        q = (f"SELECT ?i (GROUP_CONCAT(STR(?o)) AS ?all) WHERE {{ ?s ?p ?o VALUES ?i "
             f"{{ {values} }} }} GROUP BY ?i # client {k}")
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        s.sendall(f"GET /sparql?query={urllib.parse.quote(q)} HTTP/1.1\r\nHost: localhost"
                  "\r\n\r\n".encode())
        silent.append(s)
    peak = peak_all = 0
    end = time.monotonic() + 40
    while time.monotonic() < end:
        peak = max(peak, _rss(pid))
        peak_all = max(peak_all, _rss(pid) + sum(_rss(c) for c in _children(pid)))
        time.sleep(0.5)
    peak = max(peak, _rss(pid, "VmHWM"))
    for s in silent:
        s.close()
    print(f"\n3. 8 clients asking for ~247 MB answers each and never reading: server "
          f"process {base_rss / 1024:.0f} MB before, peak {peak / 1024:.0f} MB during "
          f"(+{(peak - base_rss) / 1024:.0f} MB); with its workers {peak_all / 1024:.0f} MB "
          f"(RSS summed, so pages the forked workers share are counted for each)")

    # 4. SERVICE fuzz ------------------------------------------------------------------
    sys.path.insert(0, str(ROOT / "tests"))
    from endpoint import Listener  # the tests' helpers
    from test_service_fuzz import variants

    listener = Listener()
    statuses: dict = {}
    sent = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        end = time.monotonic() + 120
        for q in variants(listener.port, args.fuzz):
            if time.monotonic() > end:
                break
            path = "/sparql?" + urllib.parse.urlencode({"query": q})
            status, _, _ = request(port, "GET", path, conn=conn)
            statuses[status] = statuses.get(status, 0) + 1
            sent += 1
    finally:
        conn.close()
        seen = listener.close()
    print(f"\n4. SERVICE fuzz: {sent} variants sent, statuses {statuses}, connections seen "
          f"by the listener: {len(seen)}")
    failed |= bool(seen)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
