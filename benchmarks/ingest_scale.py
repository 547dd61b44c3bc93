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
  top-10      the ten largest export partners of China in 2020 at the level of HS chapters
              (queries/top-partners-official.rq: rows of one level summed, no breakdown
              rows, World left out), warm (median of 5 after one run): the named question
              (through the dataset's slice), the same sums joined from the raw rows, the
              old sum over all of China's rows (unlike figures; for comparison only), and
              pandas on a DataFrame of the same rows; the answers must agree

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

# The top-10 question as users ask it: the named question (queries/top-partners-official.rq)
# for China's exports of 2020 at the level of HS chapters, summed over the chapters' rows
# (no breakdown rows, partner World left out, rows the reporter reported). It reads the
# rows through the dataset's slice for (China, Export, 2020, level 2).
TOP10_PARAMS = {"reporter": "china", "flow": "ekg:Export", "period": "2020", "level": "2",
                "dataset": "bench"}
# The same sums straight from the rows, without the slice (the best formulation found:
# the reporter's and the period's rows are found by two index ranges and hash-joined; the
# per-row checks are written so they stay lookups — `FILTER NOT EXISTS { ?o ekg:isMirror
# true }` instead costs 20 x, and the chapter test as a join outside the graph 40 x).
TOP10_RAW = """
PREFIX ekg: <https://w3id.org/econkg/ontology#>
PREFIX kg: <https://w3id.org/econkg/id/>
SELECT ?partner (SUM(?v) AS ?total) WHERE {
  GRAPH <https://w3id.org/econkg/graph/stat/bench> {
    { SELECT ?o WHERE { ?o ekg:period "2020" } }
    { SELECT ?o WHERE { ?o ekg:reporter kg:china } }
    ?o ekg:flow ekg:Export ; ekg:commodity ?k ; ekg:partner ?partner ; ekg:value ?v ;
       ekg:unit ekg:USD .
    OPTIONAL { ?o ekg:isMirror ?mirror } FILTER(!COALESCE(?mirror, false))
    FILTER NOT EXISTS {
      ?o ekg:customsProcedure|ekg:modeOfTransport|ekg:modeOfSupply|ekg:secondPartner ?b }
    FILTER NOT EXISTS { ?partner ekg:m49Code "0" }
    FILTER EXISTS { GRAPH ?cg { ?k a ekg:HSChapter } }
  }
} GROUP BY ?partner ORDER BY DESC(?total) ?partner LIMIT 10
"""
# What earlier runs timed, kept for comparison only: every row of China's exports summed,
# whatever its period and commodity level — a sum of unlike figures, not an answer.
TOP10_ALL_ROWS = """
PREFIX ekg: <https://w3id.org/econkg/ontology#>
PREFIX kg: <https://w3id.org/econkg/id/>
SELECT ?partner (SUM(?v) AS ?total) WHERE { GRAPH <https://w3id.org/econkg/graph/stat/bench> {
  ?o ekg:reporter kg:china ; ekg:flow ekg:Export ; ekg:partner ?partner ; ekg:value ?v .
} } GROUP BY ?partner ORDER BY DESC(?total) LIMIT 10
"""


CPU: dict[str, float] = {}  # user+sys seconds of the last child process run()


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of a child process (GNU time's %M); its CPU
    time (user+sys) is left in CPU["last"]."""
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        t = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file.name, *cmd],
                              capture_output=True, env=ENV)
        wall = time.perf_counter() - t
        if proc.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr.decode()}")
        kb, user, system = rss_file.read().split()[-3:]
        rss = int(kb) / 1024
        CPU["last"] = float(user) + float(system)
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
    """Seconds, rows and triples for plain rdflib on the first `limit` rows: each row's
    triples (the ones every row has, its flags and quantities, and its link from its
    slice) built as rdflib terms and added one by one with Graph.add — the object layer
    the ingest skips. The rate is per triple added. This baseline is generous to rdflib:
    it runs none of the ingest's cell checks and writes no store to disk."""
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
    add((URIRef(K + "stat/bench/slice/" + r["reporterCode"] + "/" + r["flowCode"] + "/"
                + r["period"] + "/" + r["aggrLevel"]), QB.observation, o))
print(time.perf_counter() - t, n - 1, len(g))
"""
    _, _, out = py(code)
    secs, rows, triples = out.split()
    return float(secs), int(rows), int(triples)


def query_times(root: Path, csv_path: Path) -> dict:
    """Warm medians (of 5, after one run) of the named top-10 question, the same sums from
    the raw rows, the old all-rows sum, and pandas answering the named question's sums on
    a DataFrame of the same rows; and whether the three answers agree."""
    code = f"""
import time, statistics, json
from pathlib import Path
from econkg.pipeline import open_store
from econkg.queries import run_named
store = open_store(Path({str(root)!r}), Path({str(ROOT / 'seeds')!r}))
def timed(f):
    f()
    ts = []
    for _ in range(5):
        t = time.perf_counter(); res = f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts), res
params = {TOP10_PARAMS!r}
named_s, named = timed(lambda: run_named(store, "top-partners-official", **params))
raw_s, raw = timed(lambda: store.query({TOP10_RAW!r}))
all_s, _ = timed(lambda: store.query({TOP10_ALL_ROWS!r}))
import pandas as pd
df = pd.read_csv({str(csv_path)!r}, dtype=str, keep_default_na=False,
                 usecols=["reporterCode", "flowCode", "partnerCode", "period", "cmdCode",
                          "customsCode", "mosCode", "motCode", "partner2Code", "isReported",
                          "primaryValue"])
df["primaryValue"] = df.primaryValue.astype(float)
def pandas_top():
    x = df[(df.reporterCode == "156") & (df.flowCode == "X") & (df.period == "2020")
           & (df.cmdCode.str.len() == 2) & (df.partnerCode != "0") & (df.isReported != "false")
           & (df.customsCode == "C00") & (df.mosCode == "0") & (df.motCode == "0")
           & (df.partner2Code == "0")]
    return x.groupby("partnerCode").primaryValue.sum().nlargest(10)
pandas_s, p = timed(pandas_top)
m49 = {{str(r[0]).rsplit("/", 1)[-1]: str(r[1]) for r in store.query(
    "SELECT ?e ?m WHERE {{ GRAPH <https://w3id.org/econkg/graph/stat/bench> "
    "{{ ?e <https://w3id.org/econkg/ontology#m49Code> ?m }} }}").rows}}
named_top = [(m49[str(r[1])], float(r[4])) for r in named.rows]
raw_top = [(m49[str(r[0]).rsplit("/", 1)[-1]], float(r[1])) for r in raw.rows]
pandas_top_ = [(k.lstrip("0") or "0", float(v)) for k, v in p.items()]
def same(a, b):
    return len(a) == len(b) > 0 and all(x[0] == y[0] and abs(x[1] - y[1]) <= 1e-9 * max(1.0, y[1])
                                        for x, y in zip(a, b))
print(json.dumps({{"named_ms": named_s * 1000, "raw_ms": raw_s * 1000, "all_rows_ms": all_s * 1000,
                  "pandas_ms": pandas_s * 1000, "named_rows": len(named_top),
                  "named_eq_raw": same(named_top, raw_top),
                  "named_eq_pandas": same(named_top, pandas_top_)}}))
"""
    _, _, out = py(code)
    return json.loads(out)


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
    ap.add_argument("--skip-lenient", action="store_true",
                    help="Time Oxigraph's load with default options only (the goal's baseline).")
    ap.add_argument("--default-baseline-max", type=int, default=10_000_000,
                    help="Also time Oxigraph's load with default (non-lenient) options up to "
                         "this many rows.")
    a = ap.parse_args()
    import comtrade_gen

    a.workdir.mkdir(parents=True, exist_ok=True)
    print(f"top-10 question timed: queries/top-partners-official.rq with {TOP10_PARAMS} "
          "(named = through the slice; raw = the same sums joined from the rows; all-rows = "
          "the old sum over every period and level, unlike figures, for comparison only); "
          "pandas answers the named question's sums on a DataFrame of the same rows.",
          flush=True)
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
        cpu = CPU["last"]
        manifest = json.loads((root / "manifest.json").read_text())
        triples = manifest["datasets"][0]["triples"]
        r = {"rows": n, "triples": triples, "ingest_s": wall, "ingest_cpu_s": cpu,
             "ingest_rss_mb": rss, "rate": triples / wall, "load_avg": load}
        print(json.dumps(r), flush=True)  # the ingest's own figures, before the baselines
        if not a.ingest_only:
            nt = work / "same.nt"
            r["nt_lines"] = write_ntriples(csv_path, nt)
            ox_default, ox_cpu = float("nan"), float("nan")
            if n <= a.default_baseline_max:
                ox_default, _ = oxigraph_load(nt, work / "ox-default", lenient=False)
                ox_cpu = CPU["last"]
            print(json.dumps({"rows": n, "oxigraph_s": ox_default, "oxigraph_cpu_s": ox_cpu,
                              "load_avg": os.getloadavg()[0]}), flush=True)
            ox_lenient = float("nan")
            if not a.skip_lenient:
                ox_lenient, _ = oxigraph_load(nt, work / "ox-lenient", lenient=True)
            rl_secs, _, rl_triples = rdflib_rate(csv_path, min(n, a.rdflib_rows))
            rl_rate = rl_triples / rl_secs
            r.update(oxigraph_s=ox_default, oxigraph_cpu_s=ox_cpu,
                     oxigraph_lenient_s=ox_lenient, vs_oxigraph=ox_default / wall,
                     vs_oxigraph_lenient=ox_lenient / wall, rdflib_rate=rl_rate,
                     vs_rdflib=(triples / wall) / rl_rate,
                     oxigraph_vs_rdflib=(r["nt_lines"] / ox_default) / rl_rate)
            shutil.rmtree(work / "ox-default", ignore_errors=True)
            shutil.rmtree(work / "ox-lenient", ignore_errors=True)
            nt.unlink()
        r.update(query_times(root, csv_path))
        r["vs_pandas"] = r["named_ms"] / r["pandas_ms"]
        r["raw_vs_pandas"] = r["raw_ms"] / r["pandas_ms"]
        r["load_avg_end"] = os.getloadavg()[0]
        results.append(r)
        print(json.dumps(r), flush=True)
    if len(results) >= 2:
        a0, a1 = results[0], results[-1]
        print(f"scaling {a0['rows']:,} → {a1['rows']:,} rows: ingest "
              f"{a1['ingest_s'] / a0['ingest_s']:.1f} x wall, "
              f"{a1['ingest_cpu_s'] / a0['ingest_cpu_s']:.1f} x CPU for "
              f"{a1['rows'] / a0['rows']:.0f} x the rows")
    if not a.skip_seed_timings:
        b = a.workdir / "seed-build"
        shutil.rmtree(b, ignore_errors=True)
        build_s = whole_process(["build"], b)
        q_s = whole_process(["query", "trade-over-time"], b, n=5)
        print(json.dumps({"seed_build_with_shacl_s": build_s, "trade_over_time_s": q_s,
                          "load_avg": os.getloadavg()[0]}))
    nan = float("nan")
    print("\n| rows | triples | ingest s (CPU s) | triples/s | × Oxigraph default (lenient) "
          "| × rdflib (Oxigraph alone × rdflib) | peak RSS MB | top-10 named ms | raw-row ms "
          "| pandas ms | × pandas named (raw) | same answer | load start/end |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        g = r.get
        print(f"| {r['rows']:,} | {r['triples']:,} | {r['ingest_s']:.1f} "
              f"({r['ingest_cpu_s']:.1f}) | {r['rate']:,.0f} | {g('vs_oxigraph', nan):.2f} "
              f"({g('vs_oxigraph_lenient', nan):.2f}) "
              f"| {g('vs_rdflib', nan):.1f} ({g('oxigraph_vs_rdflib', nan):.1f}) "
              f"| {r['ingest_rss_mb']:,.0f} | {r['named_ms']:.1f} | {r['raw_ms']:.0f} "
              f"| {r['pandas_ms']:.1f} | {r['vs_pandas']:.2f} ({r['raw_vs_pandas']:.1f}) "
              f"| {r['named_eq_pandas'] and r['named_eq_raw']} "
              f"| {r['load_avg']:.1f}/{r['load_avg_end']:.1f} |")


if __name__ == "__main__":
    main()
