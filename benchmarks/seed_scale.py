"""How `econkg build` scales with the curated facts: N copies of the seed tables, built as a
whole process, wall time and peak memory measured by GNU time.

Each copy k > 0 of the seeds renames every id (entities, flows, observations, events: `x`
becomes `x-c07`) and every source document (`000_9e5f….txt` becomes `070_9e5f….txt`, so
citation IRIs, which carry the file's three-digit prefix, stay distinct), and keeps every
citation's line and quote: the copies pass all of the build's checks and SHACL, so the
build does at N× exactly the work it does at 1×. (The documents themselves are not
needed: the build checks citations against the tables, `verify-citations` against the
texts.) The ontology is not copied.

Goals (issue 13): the seed build including SHACL < 2 s, 50 × the seeds < 30 s and < 2 GB,
as whole processes. Beside each build the same run times Oxigraph's own bulk load of the
quads that build published (a whole process too: Python start-up, import, load), the
floor any build into that store has, and prints build ÷ that floor. Load averages are
printed beside every number, and CPU time (user + sys) beside wall time: on a shared
machine the wall time alone says little.

    python3 benchmarks/seed_scale.py               # 1× and 50×
    python3 benchmarks/seed_scale.py --copies 1 10 --keep /tmp/seed-scale
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GNU_TIME = "/usr/bin/time"
# columns that hold ids (one, or several separated by |); every other column is kept
ID_COLUMNS = {"id", "stated_by", "via", "commodity", "within", "supplier", "subject",
              "settled_in", "restates", "reporter", "recipient", "partner", "participants",
              "object", "location", "in_exchange_for", "avoids", "broader"}
SOURCE_COLUMNS = {"source", "file"}


def _tables(seeds: Path) -> list[Path]:
    return sorted(p for p in seeds.rglob("*.csv"))


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def make_seeds(copies: int, out: Path, seeds: Path = SEEDS) -> Path:
    """`copies` copies of the seed tables in `out` (1 = the seeds as they are)."""
    tables = {p.relative_to(seeds): _read(p) for p in _tables(seeds)}
    ids: set[str] = set()
    sources: list[str] = []
    for rel, (header, rows) in tables.items():
        if "id" in header:
            i = header.index("id")
            ids.update(r[i] for r in rows if r and not r[0].startswith("#"))
        if rel == Path("sources.csv"):
            sources = [r[header.index("file")] for r in rows]
    prefixes = sorted({s[:3] for s in sources})
    if copies > 100 or len(prefixes) > 10:
        raise SystemExit("at most 100 copies of at most 10 source prefixes")

    def source_name(name: str, k: int) -> str:
        if k == 0 or name not in sources:
            return name
        return f"{k:02d}{prefixes.index(name[:3])}{name[3:]}"

    def rename(cell: str, k: int) -> str:
        if k == 0 or not cell:
            return cell
        return "|".join(f"{t}-c{k:02d}" if t in ids else t for t in cell.split("|"))

    if out.exists():
        shutil.rmtree(out)
    for rel, (header, rows) in tables.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for k in range(copies):
                for row in rows:
                    if not row or row[0].startswith("#"):
                        if k == 0:
                            w.writerow(row)
                        continue
                    w.writerow([rename(c, k) if h in ID_COLUMNS
                                else source_name(c, k) if h in SOURCE_COLUMNS else c
                                for h, c in zip(header, row, strict=False)] + row[len(header):])
    return out


def timed(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float | str]:
    """Run a whole process under GNU time: wall, user, sys seconds, peak RSS in MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        res = subprocess.run([GNU_TIME, "-o", tf.name, "-f", "%e %U %S %M", *cmd],
                             capture_output=True, text=True, env=env)
        if res.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stderr[-3000:]}")
        wall, user, sys_, rss = tf.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(sys_), "rss_mb": int(rss) / 1024,
            "stdout": res.stdout, "stderr": res.stderr}


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


FLOOR = """
import sys, pyoxigraph as ox
ox.Store(sys.argv[2]).bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
"""


def measure(copies: int, work: Path) -> dict[str, float]:
    seeds = make_seeds(copies, work / f"seeds-{copies}x")
    build_dir = work / f"build-{copies}x"
    shutil.rmtree(build_dir, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "graph")}
    print(f"{copies:>3}× seeds  ({load()})", flush=True)
    b = timed([sys.executable, "-m", "econkg", "--seeds", str(seeds), "--build-dir",
               str(build_dir), "build"], env)
    quads = int(re.search(r"(\d+) quads", b["stdout"])[1])
    print(f"     build: {b['wall']:6.2f} s wall, {b['cpu']:6.2f} s CPU, "
          f"{b['rss_mb']:7.0f} MB peak, {quads:,} quads  ({load()})", flush=True)
    dump = work / f"dump-{copies}x.nq"
    subprocess.run([sys.executable, "-c", "import sys, pyoxigraph as ox; "
                    "open(sys.argv[2], 'wb').write(ox.Store.read_only(sys.argv[1])"
                    ".dump(format=ox.RdfFormat.N_QUADS))",
                    str(build_dir / "current" / "store"), str(dump)], check=True)
    floor_store = work / f"floor-{copies}x"
    shutil.rmtree(floor_store, ignore_errors=True)
    f = timed([sys.executable, "-c", FLOOR, str(dump), str(floor_store)], env)
    shutil.rmtree(floor_store, ignore_errors=True)
    dump.unlink()
    print(f"     Oxigraph bulk load of the same quads: {f['wall']:5.2f} s wall, "
          f"{f['cpu']:5.2f} s CPU, {f['rss_mb']:5.0f} MB  →  build ÷ floor "
          f"{b['wall'] / f['wall']:.1f}× wall, {b['cpu'] / f['cpu']:.1f}× CPU  ({load()})",
          flush=True)
    return {"wall": b["wall"], "cpu": b["cpu"], "rss_mb": b["rss_mb"], "quads": quads}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 50])
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: a temp one)")
    args = ap.parse_args()
    if not Path(GNU_TIME).exists():
        raise SystemExit(f"{GNU_TIME} (GNU time) is needed: apt-get install time")
    work = args.keep or Path(tempfile.mkdtemp(prefix="econkg-seed-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} CPUs; {load()}")
    results = {n: measure(n, work) for n in args.copies}
    goals = {1: (2.0, None), 50: (30.0, 2048)}
    print("\ncopies   quads        wall     CPU     peak RSS   goal")
    for n, r in results.items():
        wall_goal, rss_goal = goals.get(n, (None, None))
        verdict = ""
        if wall_goal:
            ok = r["wall"] < wall_goal and (rss_goal is None or r["rss_mb"] < rss_goal)
            verdict = (f"< {wall_goal:.0f} s" + (f", < {rss_goal} MB" if rss_goal else "")
                       + (": met" if ok else ": NOT met"))
        print(f"{n:>5}× {r['quads']:>9,}  {r['wall']:7.2f} s {r['cpu']:6.2f} s "
              f"{r['rss_mb']:7.0f} MB   {verdict}")
    if len(results) > 1:
        lo, hi = min(results), max(results)
        print(f"{hi}× / {lo}×: {results[hi]['quads'] / results[lo]['quads']:.1f}× the quads "
              f"for {results[hi]['wall'] / results[lo]['wall']:.1f}× the wall time and "
              f"{results[hi]['cpu'] / results[lo]['cpu']:.1f}× the CPU")
    print(load())
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
