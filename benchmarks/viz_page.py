"""How long `econkg viz` pages take to become stable in headless Chromium.

Draws the seed graph (network and map tabs) and a synthetic graph of --nodes entities
(countries, cities and ports with coordinates, HS headings under chapters, exports, imports
and trade between countries over several years), writes each page to a temporary folder,
opens it from file:// in Debian's Chromium through Playwright and reports, per page, the
time to build it in Python and the time from navigation to the page's `data-ready` mark
(layout settled, physics off, map drawn), the median of --runs loads, with its ratio to the
limit of issue 15 (3 s for the seed graph, 8 s for the synthetic one).

    python benchmarks/viz_page.py
    python benchmarks/viz_page.py --nodes 5000 --runs 3

Needs /usr/bin/chromium and playwright (.ci/install-browser.sh). Nothing leaves the machine:
the pages load no resource, and every load is bounded by a 120 s timeout.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "graph"))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED_LIMIT, LARGE_LIMIT = 3.0, 8.0


def synthetic(n: int):
    """A graph of about n entities shaped like the seeds: places with coordinates, a
    commodity hierarchy, flows between places, trade figures by year."""
    import random

    from rdflib import Graph, Literal
    from rdflib.namespace import RDF, RDFS, SKOS

    from econkg.namespaces import EKG, KG, WGS

    rnd = random.Random(7)
    g = Graph()

    def entity(ident: str, cls: str, label: str, lat: float | None = None,
               lon: float | None = None) -> None:
        g.add((KG[ident], RDF.type, EKG[cls]))
        g.add((KG[ident], RDFS.label, Literal(label, lang="en")))
        g.add((KG[ident], RDFS.label, Literal(label + " 中", lang="zh")))
        if lat is not None:
            g.add((KG[ident], WGS.lat, Literal(round(lat, 4))))
            g.add((KG[ident], WGS.long, Literal(round(lon, 4))))

    countries = max(10, n // 100)
    cities = n // 5
    ports = n // 10
    chapters = 40
    headings = n - countries - cities - ports - chapters
    for c in range(countries):
        entity(f"c{c}", "Country", f"Country {c}", rnd.uniform(10, 60), rnd.uniform(60, 150))
    for i in range(cities):
        entity(f"city{i}", "City", f"City {i}", rnd.uniform(10, 60), rnd.uniform(60, 150))
        g.add((KG[f"city{i}"], EKG.locatedIn, KG[f"c{i % countries}"]))
    for i in range(ports):
        entity(f"port{i}", "Port", f"Port {i}", rnd.uniform(10, 60), rnd.uniform(60, 150))
        g.add((KG[f"port{i}"], EKG.locatedIn, KG[f"city{i % cities}"]))
    for h in range(chapters):
        entity(f"ch{h}", "HSChapter", f"Chapter {h}")
    for k in range(headings):
        entity(f"h{k}", "HSHeading", f"Heading {k}")
        g.add((KG[f"h{k}"], SKOS.broader, KG[f"ch{k % chapters}"]))
        g.add((KG[f"c{k % countries}"], EKG.exports, KG[f"h{k}"]))
        g.add((KG[f"c{(k * 7) % countries}"], EKG.imports, KG[f"h{k}"]))
    for c in range(countries):
        for d in rnd.sample(range(countries), 4):
            if d != c:
                g.add((KG[f"c{c}"], EKG.tradesWith, KG[f"c{d}"]))
    return g


def load_times(pages: dict[str, tuple[Path, float]], runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, (path, _) in pages.items():
            times = []
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                outside: list[str] = []
                uri = path.as_uri()
                page.on("request", lambda r, u=uri, o=outside:
                        o.append(r.url) if r.url != u else None)
                started = time.perf_counter()
                page.goto(path.as_uri())
                page.wait_for_selector("body[data-ready=true]", state="attached",
                                       timeout=120_000)
                times.append(time.perf_counter() - started)
                if outside:
                    raise SystemExit(f"{name} asked for {outside[:3]}")
                page.close()
            out[name] = times
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000, help="size of the synthetic graph")
    parser.add_argument("--runs", type=int, default=3, help="page loads per page (median)")
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"{CHROMIUM} is missing: run .ci/install-browser.sh")

    from econkg import viz
    from econkg.pipeline import build

    folder = Path(tempfile.mkdtemp(prefix="econkg-viz-bench-"))
    pages: dict[str, tuple[Path, float]] = {}
    limits: dict[str, float] = {}

    def page(name: str, graph, limit: float, **kw) -> None:
        started = time.perf_counter()
        text = viz.draw(graph, **kw)
        built = time.perf_counter() - started
        path = folder / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        pages[name] = (path, built)
        limits[name] = limit
        nodes, edges = text.view.counts()
        print(f"built {name}: {nodes} nodes, {edges} edges, {len(text) / 1e6:.1f} MB "
              f"in {built:.1f} s", flush=True)

    seed = viz.load_model(build(ROOT / "seeds").dataset)
    page("seed-network", seed, SEED_LIMIT)
    page("seed-map", seed, SEED_LIMIT, tab="map")
    big = synthetic(args.nodes)
    big_model = viz.load_model(big)
    print(f"synthetic graph: {len(big_model.entities)} entities", flush=True)
    page("synthetic-network", big_model, LARGE_LIMIT)
    page("synthetic-map", big_model, LARGE_LIMIT, tab="map")
    page("synthetic-network-every-node", big_model, LARGE_LIMIT, aggregate_commodities=False,
         overview=False)

    times = load_times(pages, args.runs)
    print(f"\n{'page':32} {'python s':>9} {'to stable s':>12} {'limit s':>8} {'ratio':>6}")
    for name, ts in times.items():
        median = statistics.median(ts)
        print(f"{name:32} {pages[name][1]:9.2f} {median:12.2f} {limits[name]:8.1f} "
              f"{median / limits[name]:6.2f}")


if __name__ == "__main__":
    main()
