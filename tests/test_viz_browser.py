"""econkg viz pages in headless Chromium: they load offline, draw every node, and run no
script from the data.

Needs Debian's Chromium (/usr/bin/chromium) and Playwright for Python; .ci/install-browser.sh
installs both. Never `playwright install`: the tests drive the system browser.

Set ECONKG_UPDATE_DOCS_SCREENSHOT=1 to also write docs/network.png from the full seed graph.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset

from conftest import skip_or_fail
from econkg import viz

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
        skip_or_fail(f"{CHROMIUM} is missing: run .ci/install-browser.sh (apt-get install "
                     "chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed: run .ci/install-browser.sh "
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
    assert "country or bloc" in visit.page.inner_text("#econkg-legend")
    visit.assert_clean()
    if os.environ.get("ECONKG_UPDATE_DOCS_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(shot, ROOT / "docs" / "network.png")


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
    items = visit.page.query_selector_all("#econkg-details li")
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
    assert counts == {"img": 0, "iframe": 0, "script": 3, "a": 0, "onload": 0}
    assert visit.page.inner_text("h1") == "<img src=x onerror=alert('title')>"
    visit.assert_clean()
