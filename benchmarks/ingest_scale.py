"""Speed and memory of official statistics at scale, as ratios measured in the same run.

    python3 benchmarks/ingest_scale.py --rows 100000 1000000 [--workdir /tmp/econkg-bench]

For each size it writes a Comtrade-layout file (benchmarks/comtrade_gen.py — the real bulk
files cannot be downloaded here), publishes the seed build into a fresh build folder, and
measures, each in its own process so peak memory is the process's own:

  ingest      `econkg ingest comtrade FILE` end to end (CSV → checked rows → queryable
              on-disk store, published), wall time and peak RSS
  oxigraph    Oxigraph's own bulk load of the same triples from an N-Triples file into an
              empty on-disk store (default options, and lenient as the ingest uses)
  rdflib      plain rdflib: the same rows read and added with Graph.add (on the first
              100 000 rows at most; rdflib's rate is flat in size)
  top-10      the ten largest export partners of China over all its rows, warm (median of
              5 after one run), on the store and with pandas on a DataFrame of the same rows

and, once, the seed build with SHACL and `econkg query trade-over-time` as whole processes.
Goals (issue 13): ingest >= 400 k triples/s and >= 0.8 x Oxigraph; >= 6 x rdflib; peak
RSS < 3 GB at 1 M rows; 100 k -> 1 M about 10 x; top-10 <= 250 ms and within 3 x of pandas;
seed build < 2 s; trade-over-time < 0.3 s. The machine is shared: the load average is
printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "graph"))
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "graph"))

TOP10 = """
PREFIX ekg: <https://w3id.org/econkg/ontology#>
PREFIX kg: <https://w3id.org/econkg/id/>
SELECT ?partner (SUM(?v) AS ?total) WHERE { GRAPH <https://w3id.org/econkg/graph/stat/bench> {
  ?o ekg:reporter kg:china ; ekg:flow ekg:Export ; ekg:partner ?partner ; ekg:value ?v .
} } GROUP BY ?partner ORDER BY DESC(?total) LIMIT 10
"""


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of a child process (GNU time's %M)."""
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        t = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file.name, *cmd],
                              capture_output=True, env=ENV)
        wall = time.perf_counter() - t
        if proc.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr.decode()}")
        rss = int(rss_file.read().split()[-1]) / 1024
    return wall, rss, proc.stdout.decode()


def py(code: str) -> tuple[float, float, str]:
    return run([sys.executable, "-c", code])


def publish_seeds(root: Path) -> None:
    code = ("from pathlib import Path; from econkg.pipeline import build, write_build; "
            f"s = Path({str(ROOT / 'seeds')!r}); "
            f"write_build(build(s, check_shapes=False), Path({str(root)!r}), s)")
    py(code)


def write_ntriples(csv_path: Path, nt_path: Path) -> int:
    """The triples the ingest loads for this file, as an N-Triples file."""
    code = f"""
import io, sys
from pathlib import Path
from econkg.ingest.comtrade import Resolver, RowWriter, read_rows
from econkg.ingest.load import _stream
from econkg.pipeline import build
import pyoxigraph
from econkg.store import OxigraphStore
from econkg.ingest.load import _resolver
seeds = OxigraphStore.from_dataset(build(Path({str(ROOT / 'seeds')!r}), check_shapes=False).dataset)
w = RowWriter("bench", _resolver(seeds))
state = {{"problems": []}}
with open({str(nt_path)!r}, "wb") as out:
    _stream(Path({str(csv_path)!r}), w, out, False, state, lambda n: None)
print(state["rows"])
"""
    py(code)
    with open(nt_path, "rb") as fh:
        return sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 24), b""))


def oxigraph_load(nt_path: Path, store: Path, lenient: bool) -> tuple[float, float]:
    code = f"""
import time, pyoxigraph as ox
s = ox.Store({str(store)!r})
t = time.perf_counter()
s.bulk_load(path={str(nt_path)!r}, format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode("https://w3id.org/econkg/graph/stat/bench"), lenient={lenient})
s.flush()
print(time.perf_counter() - t)
"""
    _, rss, out = py(code)
    return float(out.strip()), rss


def rdflib_rate(csv_path: Path, limit: int) -> tuple[float, int, int]:
    """Seconds, rows and triples for plain rdflib on the first `limit` rows: the rows'
    main triples (the ones every row has, and the flags and quantities) built as rdflib
    terms and added one by one with Graph.add — the object layer the ingest skips."""
    code = f"""
import time, itertools
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD
from econkg.ingest.comtrade import read_rows
E = Namespace("https://w3id.org/econkg/ontology#"); QB = Namespace("http://purl.org/linked-data/cube#")
K = "https://w3id.org/econkg/id/"
text = open({str(csv_path)!r}, encoding="utf-8-sig", newline="")
rows = read_rows(text); next(rows)
t = time.perf_counter()
g = Graph(); ds = URIRef(K + "dataset/bench"); n = 0
for n, r in itertools.islice(rows, {limit}):
    o = URIRef(K + "stat/bench/" + str(n))
    add = g.add
    add((o, RDF.type, E.Observation)); add((o, RDF.type, QB.Observation))
    add((o, QB.dataSet, ds)); add((o, E.sourceRow, Literal(n, datatype=XSD.integer)))
    add((o, E.measure, E.ExportValue if r["flowCode"] == "X" else E.ImportValue))
    add((o, E.reporter, URIRef(K + "m49-" + r["reporterCode"])))
    add((o, E.partner, URIRef(K + "m49-" + r["partnerCode"])))
    add((o, E.flow, E.Export if r["flowCode"] == "X" else E.Import))
    add((o, E.commodity, URIRef(K + "hs" + r["cmdCode"])))
    add((o, E.period, Literal(r["period"])))
    add((o, E.periodStart, Literal(r["period"][:4] + "-01-01", datatype=XSD.date)))
    add((o, E.periodEnd, Literal(r["period"][:4] + "-12-31", datatype=XSD.date)))
    add((o, E.value, Literal(r["primaryValue"], datatype=XSD.decimal)))
    add((o, E.unit, E.USD)); add((o, E.classification, Literal(r["classificationCode"])))
    add((o, E.isMirror, Literal(r["isReported"] == "false")))
    add((o, E.isAggregate, Literal(r["isAggregate"] == "true")))
    add((o, E.legacyEstimationFlag, Literal(r["legacyEstimationFlag"], datatype=XSD.integer)))
    for col, prop in (("qty", E.quantity), ("netWgt", E.netWeight), ("fobvalue", E.fobValue),
                      ("cifvalue", E.cifValue)):
        if r[col]:
            add((o, prop, Literal(r[col], datatype=XSD.decimal)))
    if r["qty"]:
        add((o, E.isQuantityEstimated, Literal(r["isQtyEstimated"] == "true")))
        add((o, E.quantityUnit, Literal(r["qtyUnitCode"])))
    if r["netWgt"]:
        add((o, E.isNetWeightEstimated, Literal(r["isNetWgtEstimated"] == "true")))
print(time.perf_counter() - t, n - 1, len(g))
"""
    _, _, out = py(code)
    secs, rows, triples = out.split()
    return float(secs), int(rows), int(triples)


def query_times(root: Path, csv_path: Path) -> tuple[float, float, list, list]:
    code = f"""
import time, statistics, json
from pathlib import Path
from econkg.pipeline import open_store
store = open_store(Path({str(root)!r}), Path({str(ROOT / 'seeds')!r}))
q = {TOP10!r}
store.query(q)
ts = []
for _ in range(5):
    t = time.perf_counter(); res = store.query(q); ts.append(time.perf_counter() - t)
top = [(str(r[0]).rsplit("/", 1)[-1], float(r[1])) for r in res.rows]
import pandas as pd
df = pd.read_csv({str(csv_path)!r}, dtype={{"reporterCode": str, "partnerCode": str}},
                 usecols=["reporterCode", "flowCode", "partnerCode", "primaryValue"])
def pandas_top():
    x = df[(df.reporterCode == "156") & (df.flowCode == "X")]
    return x.groupby("partnerCode").primaryValue.sum().nlargest(10)
pandas_top()
ps = []
for _ in range(5):
    t = time.perf_counter(); p = pandas_top(); ps.append(time.perf_counter() - t)
print(json.dumps([statistics.median(ts), statistics.median(ps), top,
                  [(k, float(v)) for k, v in p.items()]]))
"""
    _, _, out = py(code)
    return tuple(json.loads(out))


def whole_process(args: list[str], build_dir: Path, n: int = 3) -> float:
    times = [run([sys.executable, "-m", "econkg", "--build-dir", str(build_dir), *args])[0]
             for _ in range(n)]
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/econkg-bench"))
    ap.add_argument("--rdflib-rows", type=int, default=100_000)
    ap.add_argument("--skip-seed-timings", action="store_true")
    ap.add_argument("--ingest-only", action="store_true",
                    help="Only the ingest (time, peak RSS) and the top-10 query; no baselines.")
    ap.add_argument("--default-baseline-max", type=int, default=200_000,
                    help="Also time Oxigraph's load with default (non-lenient) options up to "
                         "this many rows.")
    a = ap.parse_args()
    import comtrade_gen

    a.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for n in a.rows:
        work = a.workdir / f"n{n}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        csv_path = comtrade_gen.write_generated(work / "comtrade.csv", n)
        root = work / "build"
        publish_seeds(root)
        load = os.getloadavg()[0]
        wall, rss, _ = run([sys.executable, "-m", "econkg", "--build-dir", str(root),
                              "ingest", "comtrade", str(csv_path), "--dataset", "bench"])
        manifest = json.loads((root / "manifest.json").read_text())
        triples = manifest["datasets"][0]["triples"]
        if a.ingest_only:
            q_ox, q_pd, _, _ = query_times(root, csv_path)
            r = {"rows": n, "triples": triples, "ingest_s": wall, "ingest_rss_mb": rss,
                 "rate": triples / wall, "top10_ms": q_ox * 1000, "pandas_ms": q_pd * 1000,
                 "vs_pandas": q_ox / q_pd, "load_avg": load}
            results.append(r)
            print(json.dumps(r), flush=True)
            continue
        nt = work / "same.nt"
        nt_lines = write_ntriples(csv_path, nt)
        ox_default = oxigraph_load(nt, work / "ox-default", lenient=False)[0] \
            if n <= a.default_baseline_max else float("nan")
        ox_lenient, _ = oxigraph_load(nt, work / "ox-lenient", lenient=True)
        rl_secs, _, rl_triples = rdflib_rate(csv_path, min(n, a.rdflib_rows))
        q_ox, q_pd, top_ox, top_pd = query_times(root, csv_path)
        agree = [p for p, _ in top_ox] and len(top_ox) == len(top_pd) and all(
            abs(a_[1] - b_[1]) <= 1e-6 * max(1.0, b_[1]) for a_, b_ in zip(top_ox, top_pd,
                                                                             strict=True))
        r = {"rows": n, "triples": triples, "nt_lines": nt_lines, "ingest_s": wall,
             "ingest_rss_mb": rss, "rate": triples / wall,
             "oxigraph_s": ox_default, "oxigraph_lenient_s": ox_lenient,
             "vs_oxigraph": ox_default / wall, "vs_oxigraph_lenient": ox_lenient / wall,
             "rdflib_rate": rl_triples / rl_secs, "vs_rdflib": (triples / wall) /
             (rl_triples / rl_secs), "top10_ms": q_ox * 1000, "pandas_ms": q_pd * 1000,
             "vs_pandas": q_ox / q_pd, "same_top10": bool(agree), "load_avg": load}
        results.append(r)
        print(json.dumps(r), flush=True)
        shutil.rmtree(work / "ox-default", ignore_errors=True)
        shutil.rmtree(work / "ox-lenient", ignore_errors=True)
        nt.unlink()
    if len(results) >= 2:
        a0, a1 = results[0], results[-1]
        print(f"scaling {a0['rows']:,} → {a1['rows']:,} rows: ingest "
              f"{a1['ingest_s'] / a0['ingest_s']:.1f} x for {a1['rows'] / a0['rows']:.0f} x")
    if not a.skip_seed_timings:
        b = a.workdir / "seed-build"
        shutil.rmtree(b, ignore_errors=True)
        build_s = whole_process(["build"], b)
        q_s = whole_process(["query", "trade-over-time"], b, n=5)
        print(json.dumps({"seed_build_with_shacl_s": build_s, "trade_over_time_s": q_s,
                          "load_avg": os.getloadavg()[0]}))
    print("\n| rows | triples | ingest s | triples/s | × Oxigraph (lenient) | × rdflib | "
          "peak RSS MB | top-10 ms | pandas ms | × pandas | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        if "vs_oxigraph" not in r:
            print(f"| {r['rows']:,} | {r['triples']:,} | {r['ingest_s']:.1f} | "
                  f"{r['rate']:,.0f} | – | – | {r['ingest_rss_mb']:,.0f} | "
                  f"{r['top10_ms']:.0f} | {r['pandas_ms']:.0f} | {r['vs_pandas']:.1f} | "
                  f"{r['load_avg']:.1f} |")
            continue
        print(f"| {r['rows']:,} | {r['triples']:,} | {r['ingest_s']:.1f} | {r['rate']:,.0f} | "
              f"{r['vs_oxigraph']:.2f} ({r['vs_oxigraph_lenient']:.2f}) | "
              f"{r['vs_rdflib']:.1f} | {r['ingest_rss_mb']:,.0f} | {r['top10_ms']:.0f} | "
              f"{r['pandas_ms']:.0f} | {r['vs_pandas']:.1f} | {r['load_avg']:.1f} |")


if __name__ == "__main__":
    main()
