"""Push rate and named-question latency on each engine, side by side.

    python3 benchmarks/push_load.py [--rows 100000] [--workdir /tmp/econkg-push-bench]
        [--engines oxigraph,virtuoso] [--modes staged,in-place] [--limits put,bulk]
        [--no-questions]

Starts an Oxigraph server and a Virtuoso on loopback (as the tests do, tests/triplestores.py),
then for the seed graph and for the seed graph plus a Comtrade-layout file of --rows rows
(benchmarks/comtrade_gen.py, ingested with `econkg ingest comtrade`) measures, each into an
emptied store:

  push        `econkg push` end to end (plan, digest, chunks, and for `staged` the MOVE of
              each staging graph; `in-place` is `econkg push --in-place`): wall time, rate,
              the CPU time of econkg (client) and of the server process
  limit       the engine's own rate over HTTP for the same triples, measured in the same
              run: one Graph Store PUT of the whole N-Triples into one graph, and for
              Oxigraph also one POST through its bulk loader (?no_transaction&lenient),
              its fastest way in over HTTP
  questions   every named question with its default parameters on the seed graph, warm
              (median of 5 after one run), on econkg's local store and on each server

Loopback only; every loop is bounded. The machine may be shared: the load average is
printed beside every number, and CPU seconds (user+sys) beside wall seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
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
WHOLE = "urn:econkg:bench:whole"
# Questions that make Virtuoso 7.2.5 exit (tests/test_parity.py keeps the same list).
CRASHES_VIRTUOSO = {"plans-and-expectations"}


def server_cpu(server) -> float:
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def econkg(build: Path, *args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one econkg process."""
    t, c = time.perf_counter(), children_cpu()
    proc = subprocess.run([sys.executable, "-m", "econkg", "--seeds", str(ROOT / "seeds"),
                           "--build-dir", str(build), *args], capture_output=True, env=ENV,
                          text=True)
    if proc.returncode:
        sys.exit(f"econkg {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t, children_cpu() - c


def client_for(server):
    from econkg.push.client import Client, derive_urls

    urls = derive_urls(server.query, authenticated=server.user is not None)
    return Client(urls, server.user, server.password, timeout=3600)


def empty(server, graphs: list[str]) -> None:
    """Remove every graph a push or a limit run put there (nothing else: Virtuoso keeps
    its own system graphs)."""
    from econkg.push.plan import MANIFEST_GRAPH

    client = client_for(server)
    staging = [r["g"] for r in client.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'urn:econkg:')) }")]
    for g in [*graphs, MANIFEST_GRAPH, WHOLE, *staging]:
        client.delete_graph(g)


def dump_ntriples(build: Path, path: Path) -> tuple[list[str], int]:
    """Every named graph's triples in one N-Triples file (the limit runs' body)."""
    import pyoxigraph as ox

    from econkg.pipeline import open_store

    store = open_store(build, ROOT / "seeds").store
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    with path.open("wb") as fh:
        for g in graphs:
            store.dump(fh, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
    with path.open("rb") as fh:
        n = sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 24), b""))
    return graphs, n


def timed(server, action) -> tuple[float, float, float, float]:
    """(wall, client CPU, server CPU, load average) of one action."""
    load = os.getloadavg()[0]
    t, c, s = time.perf_counter(), time.process_time() + children_cpu(), server_cpu(server)
    action()
    return (time.perf_counter() - t, time.process_time() + children_cpu() - c,
            server_cpu(server) - s, max(load, os.getloadavg()[0]))


def push(server, build: Path, mode: str) -> None:
    args = ["push", "--endpoint", server.query, "--state", str(build / "bench-state.json"),
            "--timeout", "3600"]
    if mode == "in-place":
        args.append("--in-place")
    if server.user:
        args += ["--user", server.user, "--password-env", "ECONKG_PUSH_BENCH_PW"]
    econkg(build, *args)


def limit_runs(server, nt: Path, which: set[str]) -> list[tuple[str, callable]]:
    """The engine's own ways in over HTTP, each a whole file in one request."""
    import requests

    def put() -> None:
        client_for(server).put_graph(WHOLE, nt.read_bytes())

    runs = [("one GSP PUT", put)] if "put" in which else []
    if server.name == "oxigraph" and "bulk" in which:
        def bulk() -> None:
            base = server.query.removesuffix("/query")
            with nt.open("rb") as fh:
                resp = requests.post(f"{base}/store?graph={WHOLE}&no_transaction&lenient",
                                     data=fh, timeout=3600,
                                     headers={"Content-Type": "application/n-triples"})
            resp.raise_for_status()

        runs.append(("one bulk POST", bulk))
    return runs


def latencies(stores: dict, names: list[str]) -> dict[str, dict[str, str]]:
    from econkg.queries import run_named

    out: dict[str, dict[str, str]] = {}
    for name in names:
        out[name] = {}
        for engine, store in stores.items():
            if engine == "virtuoso" and name in CRASHES_VIRTUOSO:
                out[name][engine] = "not sent"
                continue
            try:
                run_named(store, name)
                times = []
                for _ in range(5):
                    t = time.perf_counter()
                    run_named(store, name)
                    times.append(time.perf_counter() - t)
                out[name][engine] = f"{statistics.median(times) * 1000:.1f}"
            except Exception as exc:  # an engine refusing a question is a result too
                out[name][engine] = f"error ({type(exc).__name__})"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000,
                    help="Comtrade rows of the big graph (0: the seed graph only).")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir())
                    / "econkg-push-bench")
    ap.add_argument("--engines", default="oxigraph,virtuoso")
    ap.add_argument("--modes", default="staged,in-place",
                    help="Push modes to time (staged: the default push; in-place).")
    ap.add_argument("--big-modes", help="Modes for the big graph, if not --modes.")
    ap.add_argument("--limits", default="put,bulk",
                    help="One-request loads to measure: put (Graph Store PUT), bulk "
                         "(Oxigraph's bulk POST); empty for none.")
    ap.add_argument("--no-questions", action="store_true")
    args = ap.parse_args()
    from econkg.pipeline import open_store
    from econkg.queries import list_queries
    from econkg.store import RemoteStore
    from triplestores import start_oxigraph, start_virtuoso, stop

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    engines = args.engines.split(",")
    starters = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
    servers = {name: starters[name](work / name) for name in engines}
    print(f"{os.cpu_count()} cores; servers: "
          + ", ".join(f"{n} {s.query}" for n, s in servers.items()), flush=True)
    try:
        build = work / "build"
        econkg(build, "build")
        sizes = [("seed graph", build, args.modes)]
        if args.rows:
            big = work / f"build-{args.rows}"
            if not (big / "manifest.json").is_file() or "bench" not in (
                    big / "manifest.json").read_text():
                econkg(big, "build")
                from comtrade_gen import write_generated

                data = work / f"comtrade-{args.rows}.csv"
                if not data.exists():
                    write_generated(data, args.rows)
                wall, cpu = econkg(big, "ingest", "comtrade", str(data), "--dataset", "bench")
                print(f"ingest {args.rows:,} rows: {wall:.1f} s wall, {cpu:.1f} s CPU",
                      flush=True)
            sizes.append((f"+ {args.rows:,} Comtrade rows", big, args.big_modes or args.modes))
        rows = []
        print("\n| graph | engine | way in | triples | wall s | triples/s | econkg CPU s "
              "| server CPU s | × fastest one-request load | load |\n|---|---|---|---|---|---|---|"
              "---|---|---|", flush=True)
        for label, folder, modes in sizes:
            nt = folder / "all.nt"
            graphs, n = dump_ntriples(folder, nt)
            for name, server in servers.items():
                # The limits first, so that every push row is printed, as soon as it is
                # measured, beside the fastest one-request load of the same engine.
                ways = limit_runs(server, nt, set(args.limits.split(",")))
                ways += [(f"econkg push ({m})", lambda m=m, s=server, f=folder: push(s, f, m))
                         for m in modes.split(",") if m]
                best = None
                for way, action in ways:
                    empty(server, graphs)
                    (folder / "bench-state.json").unlink(missing_ok=True)
                    wall, ccpu, scpu, load = timed(server, action)
                    if not way.startswith("econkg"):
                        best = min(best or wall, wall)
                    ratio = f"{best / wall:.2f}" if best else "–"
                    line = (f"| {label} | {name} | {way} | {n:,} | {wall:.1f} | "
                            f"{n / wall:,.0f} | {ccpu:.1f} | {scpu:.1f} | {ratio} | "
                            f"{load:.1f} |")
                    rows.append(line)
                    print(line, flush=True)
                empty(server, graphs)
            nt.unlink()
        if args.no_questions:
            return
        # The questions run on the seed graph, pushed the default way.
        for server in servers.values():
            (build / "bench-state.json").unlink(missing_ok=True)
            push(server, build, "staged")
        stores = {"local": open_store(build, ROOT / "seeds")}
        stores.update({n: RemoteStore(s.query) for n, s in servers.items()})
        lat = latencies(stores, [q.name for q in list_queries()])
        print(f"\nnamed questions on the seed graph, ms (warm median of 5), load "
              f"{os.getloadavg()[0]:.1f}\n\n| question | " + " | ".join(stores) + " |\n|---|"
              + "---|" * len(stores))
        for qname, row in lat.items():
            print(f"| {qname} | " + " | ".join(row[e] for e in stores) + " |")
        ms = {e: [float(r[e]) for r in lat.values() if r[e][0].isdigit()] for e in stores}
        print("| median of questions | " + " | ".join(
            f"{statistics.median(v):.1f}" if v else "–" for v in ms.values()) + " |")
    finally:
        for server in servers.values():
            stop(server)


if __name__ == "__main__":
    main()
