"""econkg viz pages in headless Chromium: they load offline, draw every node, and run no
script from the data.

Needs Debian's Chromium (/usr/bin/chromium) and Playwright for Python; .ci/install-services.sh
installs both. Never `playwright install`: the tests drive the system browser.

Set ECONKG_UPDATE_DOCS_SCREENSHOT=1 to also write docs/overview.png and docs/map.png (the
README's pictures) from the full seed graph at 1400×900.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from conftest import skip_or_fail
from econkg import viz
from econkg.namespaces import KG, WGS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
XSS_TRIG = Path(__file__).parent / "fixtures" / "viz_xss.trig"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = "body[data-ready=true]"  # set by the page once the layout has settled


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is None:
        skip_or_fail(f"{CHROMIUM} is missing: run .ci/install-services.sh (apt-get install "
                     "chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed: run .ci/install-services.sh "
                     "(pip install playwright; never `playwright install`)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """A page opened from file:// with everything it asks for and says recorded."""

    def __init__(self, browser, path: Path, size=(1400, 900)):
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector(READY, state="attached", timeout=90_000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def shot(self, path: Path) -> Path:
        self.page.screenshot(path=str(path))
        return path

    def count(self, what: str) -> int:
        return self.page.evaluate(f"network.body.data.{what}.length")

    def assert_clean(self) -> None:
        assert self.requests == [self.url], self.requests
        assert self.errors == []
        assert self.dialogs == []


def _write(page: str, path: Path) -> Path:
    path.write_bytes(page.encode("utf-8"))
    return path


def test_full_graph_loads_offline_and_draws_every_node(browser, dataset, tmp_path):
    page = viz.draw(dataset)
    n_nodes, n_edges = page.view.counts()
    visit = Visit(browser, _write(page, tmp_path / "network.html"), size=(1600, 1000))
    assert visit.count("nodes") == n_nodes == len(viz.page_data(page)["nodes"])
    assert visit.count("edges") == n_edges
    visit.page.wait_for_timeout(300)
    shot = tmp_path / "network.png"
    visit.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    # The legend is drawn in the page, over the network.
    assert visit.page.is_visible("#econkg-legend")
    legend = visit.page.inner_text("#econkg-legend")
    assert "country" in legend and "bloc or grouping" in legend
    visit.assert_clean()


def test_focus_page_in_chinese(browser, dataset, tmp_path):
    page = viz.draw(dataset, focus="图们江口岸", depth=1, lang="zh")
    visit = Visit(browser, _write(page, tmp_path / "tumen.html"))
    assert visit.count("nodes") == page.view.counts()[0]
    labels = visit.page.evaluate("network.body.data.nodes.get().map(n => n.label)")
    assert "图们江口岸" in labels and "俄罗斯" in labels
    # A click on the Russia–North Korea line lists every fact in the details panel, while
    # the hover tooltip stops at ten.
    edge = next(e for e in viz.page_data(page)["edges"]
                if {e["from"], e["to"]} == {"russia", "north-korea"})
    assert len(edge["tip"]["f"]) > 10
    _, x, y = next(t for t in _hover_targets(visit) if t[0] == f"edge:{edge['id']}")
    visit.page.mouse.move(x, y)
    visit.page.wait_for_timeout(500)
    tooltip = visit.page.query_selector("div.vis-tooltip")
    assert tooltip.is_visible()
    assert len(tooltip.query_selector_all("li")) == 10
    assert "点击查看全部" in tooltip.inner_text()
    visit.page.mouse.click(x, y)
    assert visit.page.is_visible("#econkg-details")
    items = visit.page.query_selector_all("#econkg-details .tip-facts > li")
    assert len(items) == len(edge["tip"]["f"])
    assert "002_a68b94a328799fa6.txt:6 “4500吨”" in visit.page.inner_text("#econkg-details")
    visit.page.screenshot(path=str(tmp_path / "tumen.png"))
    visit.page.click("#econkg-close")
    assert not visit.page.is_visible("#econkg-details")
    visit.assert_clean()


def test_large_view_has_physics_off_and_positions(browser, dataset, tmp_path):
    page = viz.draw(dataset, large=50)
    visit = Visit(browser, _write(page, tmp_path / "large.html"))
    assert visit.count("nodes") == page.view.counts()[0]
    assert visit.page.evaluate("network.physics.physicsEnabled") is False
    visit.assert_clean()


def _hover_targets(visit: Visit) -> list[tuple[str, float, float]]:
    """Page coordinates of every node centre and of the middle of every (curved) edge."""
    return visit.page.evaluate("""() => {
        const box = document.getElementById('mynetwork').getBoundingClientRect();
        const pos = network.getPositions();
        const at = (p) => {
          const d = network.canvasToDOM(p);
          return [box.left + d.x, box.top + d.y];
        };
        const out = [];
        for (const id of Object.keys(pos)) { out.push(['node:' + id, ...at(pos[id])]); }
        for (const e of network.body.data.edges.get()) {
          out.push(['edge:' + e.id, ...at(network.body.edges[e.id].edgeType.getPoint(0.5))]);
        }
        return out;
    }""")


def test_hostile_graph_runs_no_script(browser, tmp_path):
    ds = Dataset()
    ds.parse(XSS_TRIG, format="trig")
    page = viz.draw(ds, title="<img src=x onerror=alert('title')>")
    visit = Visit(browser, _write(page, tmp_path / "xss.html"))
    assert visit.count("nodes") == 4
    visit.page.evaluate("network.moveTo({scale: 1.0})")  # edges long enough to hover
    shown: list[str] = []
    targets = _hover_targets(visit)
    assert len(targets) == 4 + 5  # nodes and edges
    for what, x, y in targets:
        visit.page.mouse.move(5, 5)
        visit.page.wait_for_timeout(100)
        visit.page.mouse.move(x, y)
        visit.page.wait_for_timeout(500)  # tooltipDelay plus drawing
        tip = visit.page.query_selector("div.vis-tooltip")
        if tip and tip.is_visible():
            shown.append(f"{what}: {tip.inner_text()}")
    # Every node and edge tooltip appeared and shows the markup as text.
    assert sorted(s.split(": ")[0] for s in shown) == sorted(t[0] for t in targets), shown
    text = "\n".join(shown)
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert '"><img src=x onerror=alert(6)>' in text  # a quote, in an edge tooltip
    assert "27.3亿美元<script>alert(9)</script>" in text
    # Nothing was turned into elements: no img, iframe, svg with onload, or extra script.
    counts = visit.page.evaluate("""() => ({
        img: document.querySelectorAll('img').length,
        iframe: document.querySelectorAll('iframe').length,
        script: document.querySelectorAll('script').length,
        a: document.querySelectorAll('a').length,
        onload: document.querySelectorAll('[onload],[onerror],[onmouseover]').length,
    })""")
    # the data, vis-network, uPlot, page.js, map.js
    assert counts == {"img": 0, "iframe": 0, "script": 5, "a": 0, "onload": 0}
    assert visit.page.inner_text("h1") == "<img src=x onerror=alert('title')>"
    visit.assert_clean()


# --- the overview, the map, the period control, the charts -----------------------------------

# Labels drawn on screen, as boxes in page pixels: the network's from vis-network's own label
# measures (skipping labels the page draws transparent because they would overlap), the
# map's from the SVG text elements it shows.
NETWORK_LABELS = """() => {
  const out = [];
  for (const n of network.body.data.nodes.get()) {
    const node = network.body.nodes[n.id], b = node.labelModule.size;
    if (n.hidden || !b || !b.width || node.options.font.color === 'rgba(0,0,0,0)') continue;
    const tl = network.canvasToDOM({x: b.left, y: b.top});
    const br = network.canvasToDOM({x: b.left + b.width, y: b.top + b.height});
    out.push([n.id, tl.x, tl.y, br.x, br.y, node.options.font.size * network.getScale()]);
  }
  return out;
}"""
MAP_LABELS = """() => Array.from(document.querySelectorAll('#econkg-map text.label'))
  .filter(t => t.getAttribute('visibility') === 'visible')
  .map(t => { const b = t.getBoundingClientRect();
              return [t.textContent, b.left, b.top, b.right, b.bottom,
                      parseFloat(getComputedStyle(t).fontSize)]; })"""
MAX_OVERLAP = 0.05  # at most this share of the drawn labels may overlap another drawn label
MIN_LABEL_PX = 9.0  # every drawn label is at least this tall on screen


def _overlap_share(boxes: list) -> float:
    hit = sum(1 for i, a in enumerate(boxes)
              if any(i != j and a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
                     for j, b in enumerate(boxes)))
    return hit / max(1, len(boxes))


def _non_blank(path: Path) -> float:
    """The share of pixels that differ from the most common colour (the background)."""
    from collections import Counter

    try:
        from PIL import Image
    except ImportError:
        skip_or_fail("pillow is not installed: pip install '.[test]'")

    img = Image.open(path).convert("RGB").resize((350, 225))
    counts = Counter(img.getdata())
    return 1 - counts.most_common(1)[0][1] / (350 * 225)


def _docs_shot(visit: Visit, name: str) -> None:
    if os.environ.get("ECONKG_UPDATE_DOCS_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        visit.shot(ROOT / "docs" / name)


@pytest.fixture(scope="module")
def seed_model(dataset):
    return viz.load_model(dataset)


def test_overview_shows_places_and_routes_and_opens_the_rest(browser, seed_model, tmp_path):
    page = viz.draw(seed_model)
    assert page.view.overview
    visit = Visit(browser, _write(page, tmp_path / "overview.html"))
    groups = {n["id"]: n["group"] for n in viz.page_data(page)["nodes"]}
    shown = set(visit.page.evaluate(
        "network.body.data.nodes.get().filter(n => !n.hidden).map(n => n.id)"))
    assert shown == {n for n, g in groups.items()
                     if g not in ("commodity", "agreement", "organisation", "person",
                                  "platform", "event", "other")}
    assert {"china", "north-korea", "russia", "dandong-port", "g331"} <= shown
    boxes = visit.page.evaluate(NETWORK_LABELS)
    assert len(boxes) >= 0.6 * len(shown)  # most places keep a label
    assert _overlap_share(boxes) <= MAX_OVERLAP, _overlap_share(boxes)
    assert min(b[5] for b in boxes) >= MIN_LABEL_PX
    assert _non_blank(visit.shot(tmp_path / "overview.png")) > 0.05
    _docs_shot(visit, "overview.png")
    # A double click on Russia opens what hangs off it: commodities and agreements too.
    visit.page.evaluate("econkg.expand('russia')")
    opened = set(visit.page.evaluate(
        "network.body.data.nodes.get().filter(n => !n.hidden).map(n => n.id)")) - shown
    around = {b if a == "russia" else a for a, b in page.view.edges if "russia" in (a, b)}
    assert opened == {n for n in around if n not in shown} and opened
    assert {groups[n] for n in opened} & {"commodity", "agreement"}
    # A tick in the legend shows a whole class.
    visit.page.check("input.econkg-group[value=commodity]")
    now = set(visit.page.evaluate(
        "network.body.data.nodes.get().filter(n => !n.hidden).map(n => n.id)"))
    assert {n for n, g in groups.items() if g == "commodity"} <= now
    visit.assert_clean()


def _period_edges(visit: Visit) -> set[tuple[str, str]]:
    return {tuple(sorted(e)) for e in visit.page.evaluate(
        "network.body.data.edges.get().filter(e => !e.hidden).map(e => [e.from, e.to])")}


def test_period_control_shows_the_edges_of_that_period(browser, seed_model, tmp_path):
    page = viz.draw(seed_model, overview=False)
    visit = Visit(browser, _write(page, tmp_path / "period.html"))
    everything = _period_edges(visit)
    assert everything == set(page.view.edges)
    options = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#econkg-period option')).map(o => o.value)")
    assert {"2023", "2025", "2026"} <= set(options)
    for year in ("2023", "2025"):
        visit.page.select_option("#econkg-period", year)
        assert _period_edges(visit) == set(viz.draw(seed_model, period=year).view.edges)
    assert _period_edges(visit) < everything
    visit.page.select_option("#econkg-period", "")
    assert _period_edges(visit) == everything
    visit.assert_clean()


def _corridors_with_two_ends(model, view) -> set[str]:
    placed = {n for n in view.nodes if model.entities[n].lat is not None}
    ends: dict[str, set[str]] = {}
    for f in model.facts:
        if f.relation in ("connects", "passesThrough") and f.object in placed:
            ends.setdefault(f.subject, set()).add(f.object)
    return {c for c, e in ends.items()
            if len(e) >= 2 and c in view.nodes and model.entities[c].group == "corridor"}


def test_map_draws_places_corridors_and_flows(browser, seed_model, tmp_path):
    page = viz.draw(seed_model, tab="map")
    visit = Visit(browser, _write(page, tmp_path / "map.html"))
    placed = {n for n in page.view.nodes if seed_model.entities[n].lat is not None}
    markers = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#econkg-map .marker-wrap'))"
        ".map(m => m.getAttribute('data-id'))")
    assert sorted(markers) == sorted(placed) and len(placed) > 50
    corridors = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#econkg-map path.corridor'))"
        ".map(m => m.getAttribute('data-id'))")
    assert sorted(corridors) == sorted(_corridors_with_two_ends(seed_model, page.view))
    assert {"hong-kong-zhuhai-macao-bridge", "g331"} <= set(corridors)
    # Every place and corridor that is not drawn is listed.
    unplaced = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#econkg-unplaced li')).map(l => l.textContent)")
    places = {"country", "bloc", "region", "province", "city", "port", "zone", "river"}
    missing = [n for n in page.view.nodes if seed_model.entities[n].lat is None
               and seed_model.entities[n].group in places]
    missing += [n for n in page.view.nodes if seed_model.entities[n].group == "corridor"
                and n not in corridors]
    assert len(unplaced) == len(missing)
    assert any(u.startswith(seed_model.entities["russia-nk-railway"].label_en) for u in unplaced)
    # Trade flows: the China → North Korea arc is as wide as its 2.3 billion USD of exports.
    arcs = {a["id"]: a for a in viz.page_data(page)["map"]["arcs"]}
    assert visit.page.locator("#econkg-map path.arc").count() == len(arcs)
    cn_kp = next(a for a in arcs.values() if a["from"] == "china" and a["to"] == "north-korea"
                 and a["directed"] and not a["via"])
    assert max(v[2] for v in cn_kp["usd"]) == 2.3e9
    # Labels: readable and not on top of each other.
    boxes = visit.page.evaluate(MAP_LABELS)
    assert len(boxes) >= 20
    assert _overlap_share(boxes) <= MAX_OVERLAP
    assert min(b[5] for b in boxes) >= MIN_LABEL_PX
    assert _non_blank(visit.shot(tmp_path / "map.png")) > 0.05
    _docs_shot(visit, "map.png")
    # Hover a port: its facts with citations; click: every fact in the panel.
    box = visit.page.locator("#econkg-map .marker-wrap[data-id=tumen-river-crossing]")
    box.hover()
    tip = visit.page.inner_text("#econkg-maptip")
    assert "Tumen River crossing" in tip and ".txt:" in tip
    box.click()
    assert visit.page.is_visible("#econkg-details")
    # The period control hides the flows of other periods.
    visible = "Array.from(document.querySelectorAll('#econkg-map path.arc'))" \
              ".filter(a => a.getAttribute('visibility') === 'visible').length"
    assert visit.page.evaluate(visible) == len(arcs)
    visit.page.select_option("#econkg-period", "2023")
    lo, hi = "2023-01-01", "2023-12-31"
    expected = sum(1 for a in arcs.values()
                   if any(not ((e and e < lo) or (s and s > hi)) for s, e in a["when"]))
    assert visit.page.evaluate(visible) == expected < len(arcs)
    visit.assert_clean()


def test_map_in_chinese_and_the_chart_of_a_pair(browser, seed_model, tmp_path):
    page = viz.draw(seed_model, tab="map", lang="zh")
    visit = Visit(browser, _write(page, tmp_path / "map-zh.html"))
    labels = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#econkg-map text.label')).map(t => t.textContent)")
    assert "丹东" in labels and "朝鲜" in labels
    # The China–Russia line of the network holds trade values in USD for several periods:
    # one chart per measure and unit, each point listed with its citation.
    visit.page.click("#econkg-tab-network")
    visit.page.wait_for_function("window.network !== undefined && window.network !== null")
    edge = next(e for e in viz.page_data(page)["edges"] if e["id"] in ("china|russia",
                                                                         "russia|china"))
    usd = next(s for s in edge["series"] if s["measure"] == "TradeValue" and s["unit"] == "USD")
    assert len(usd["points"]) >= 2 and all(p["c"] for p in usd["points"])
    # One measure in one unit per chart: the CNY totals of the same pair get their own.
    assert len({(s["measure"], s["unit"]) for s in edge["series"]}) == len(edge["series"])
    visit.page.evaluate("""(id) => {
        network.selectEdges([id]);
        network.emit('click', {nodes: [], edges: [id]});
    }""", edge["id"])
    assert visit.page.locator("#econkg-details .chart canvas").count() == len(edge["series"])
    text = visit.page.inner_text("#econkg-details")
    assert "2023" in text and ".txt:" in text
    visit.assert_clean()


def test_hostile_labels_on_the_map_stay_text(browser, tmp_path):
    ds = Dataset()
    ds.parse(XSS_TRIG, format="trig")
    entities = ds.graph(URIRef("https://w3id.org/econkg/graph/entities"))
    for ident, (lat, lon) in {"evil-a": (40.0, 125.0), "evil-b": (41.0, 126.0),
                              "evil-c": (42.0, 127.0)}.items():
        entities.add((KG[ident], WGS.lat, Literal(lat)))
        entities.add((KG[ident], WGS.long, Literal(lon)))
    page = viz.draw(ds, tab="map")
    visit = Visit(browser, _write(page, tmp_path / "xss-map.html"))
    assert visit.page.locator("#econkg-map .marker-wrap").count() == 3
    shown = []
    for ident in ("evil-a", "evil-b", "evil-c"):
        visit.page.locator(f"#econkg-map .marker-wrap[data-id={ident}]").hover()
        shown.append(visit.page.inner_text("#econkg-maptip"))
    text = "\n".join(shown)
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text
    labels = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#econkg-map text.label')).map(t => t.textContent)")
    assert "<script>alert(1)</script>" in labels
    counts = visit.page.evaluate("""() => ({
        img: document.querySelectorAll('img').length,
        script: document.querySelectorAll('script').length,
        onload: document.querySelectorAll('[onload],[onerror],[onmouseover]').length,
    })""")
    assert counts == {"img": 0, "script": 5, "onload": 0}
    visit.assert_clean()
