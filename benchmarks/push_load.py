"""Push rate and named-question latency on each engine, side by side.

    python3 benchmarks/push_load.py [--rows 100000] [--workdir /tmp/econkg-push-bench]

Starts an Oxigraph server and a Virtuoso on loopback (as the tests do, tests/triplestores.py),
then for the seed graph and for the seed graph plus a Comtrade-layout file of --rows rows
(benchmarks/comtrade_gen.py, ingested with `econkg ingest comtrade`) measures:

  push        `econkg push` wall time into each server and its rate in triples per second,
              beside the server's own limit measured in the same run: one Graph Store PUT
              of the whole N-Triples file (what a push without chunks, staging or hashing
              would cost)
  questions   every named question with its default parameters, warm (median of 5 after
              one run), on econkg's local store and on each server

Loopback only; every loop is bounded. The load average is printed with the results, since
the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "graph"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "graph"), ECONKG_PUSH_BENCH_PW="dba")


def econkg(build: Path, *args: str) -> float:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "econkg", "--seeds", str(ROOT / "seeds"),
                           "--build-dir", str(build), *args], capture_output=True, env=ENV,
                          text=True)
    if proc.returncode:
        sys.exit(f"econkg {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t


def triples(build: Path) -> int:
    from econkg.pipeline import open_store

    store = open_store(build, ROOT / "seeds")
    return len(store.store)


def whole_put(server, build: Path) -> float:
    """One PUT of every triple into one graph: the server's own rate, no econkg in between."""
    import pyoxigraph as ox

    from econkg.pipeline import open_store
    from econkg.push.client import Client, derive_urls

    store = open_store(build, ROOT / "seeds").store
    data = b"".join(f"{q.subject} {q.predicate} {q.object} .\n".encode()
                    for q in store.quads_for_pattern(None, None, None, None)
                    if not isinstance(q.graph_name, ox.DefaultGraph))
    urls = derive_urls(server.query, authenticated=server.user is not None)
    client = Client(urls, server.user, server.password, timeout=3600)
    t = time.perf_counter()
    client.put_graph("urn:econkg:bench:whole", data)
    seconds = time.perf_counter() - t
    client.delete_graph("urn:econkg:bench:whole")
    return seconds


def push(server, build: Path) -> float:
    args = ["push", "--endpoint", server.query, "--state", str(build / "bench-state.json")]
    if server.user:
        args += ["--user", server.user, "--password-env", "ECONKG_PUSH_BENCH_PW"]
    return econkg(build, *args)


def latencies(stores: dict) -> dict[str, dict[str, float]]:
    from econkg.queries import list_queries, run_named

    out: dict[str, dict[str, float]] = {}
    for q in list_queries():
        out[q.name] = {}
        for name, store in stores.items():
            run_named(store, q.name)
            times = []
            for _ in range(5):
                t = time.perf_counter()
                run_named(store, q.name)
                times.append(time.perf_counter() - t)
            out[q.name][name] = statistics.median(times) * 1000
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir())
                    / "econkg-push-bench")
    args = ap.parse_args()
    from econkg.pipeline import open_store
    from econkg.store import RemoteStore
    from triplestores import start_oxigraph, start_virtuoso, stop

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    servers = {"oxigraph": start_oxigraph(work / "oxigraph"),
               "virtuoso": start_virtuoso(work / "virtuoso")}
    try:
        results = []
        build = work / "build"
        econkg(build, "build")
        sizes = [("seed graph", build)]
        if args.rows:
            big = work / "build-stats"
            econkg(big, "build")
            from comtrade_gen import write_generated

            data = work / f"comtrade-{args.rows}.csv.gz"
            if not data.exists():
                write_generated(data, args.rows)
            econkg(big, "ingest", "comtrade", str(data), "--dataset", "bench")
            sizes.append((f"seeds + {args.rows:,} Comtrade rows", big))
        for label, folder in sizes:
            n = triples(folder)
            for name, server in servers.items():
                seconds = push(server, folder)
                limit = whole_put(server, folder)
                results.append((label, name, n, seconds, limit))
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        print(f"{'graph':32} {'engine':9} {'triples':>11} {'push s':>8} {'triples/s':>10} "
              f"{'one PUT s':>10} {'ratio':>6}")
        for label, name, n, seconds, limit in results:
            print(f"{label:32} {name:9} {n:>11,} {seconds:>8.1f} {n / seconds:>10,.0f} "
                  f"{limit:>10.1f} {limit / seconds:>6.2f}")
        stores = {"local": open_store(build, ROOT / "seeds"),
                  "oxigraph": RemoteStore(servers["oxigraph"].query),
                  "virtuoso": RemoteStore(servers["virtuoso"].query)}
        # The servers hold the last graph pushed; push the seed graph back for like answers.
        for server in servers.values():
            push(server, build)
        lat = latencies(stores)
        print(f"\n{'named question (ms, warm median)':36} {'local':>8} {'oxigraph':>9} "
              f"{'virtuoso':>9}")
        for name, row in lat.items():
            print(f"{name:36} {row['local']:>8.1f} {row['oxigraph']:>9.1f} "
                  f"{row['virtuoso']:>9.1f}")
    finally:
        for server in servers.values():
            stop(server)


if __name__ == "__main__":
    main()
