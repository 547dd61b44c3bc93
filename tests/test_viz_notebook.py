"""The drawing in a real Jupyter kernel (nbclient + ipykernel, headless): the cell's output is
the page in a sandboxed iframe, and that iframe draws the map in Chromium."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

import econkg
from conftest import skip_or_fail

pytestmark = pytest.mark.browser

XSS_TRIG = Path(__file__).parent / "fixtures" / "viz_xss.trig"
SOURCE_ROOT = Path(econkg.__file__).resolve().parents[1]  # graph/ in a checkout

CELL = f"""
import sys
sys.path.insert(0, {str(SOURCE_ROOT)!r})
from rdflib import Dataset, Literal
import econkg.viz
from econkg.namespaces import KG, WGS
ds = Dataset()
ds.parse({str(XSS_TRIG)!r}, format="trig")
g = ds.graph("https://w3id.org/econkg/graph/entities")
for ident, lat, lon in (("evil-a", 40.0, 125.0), ("evil-b", 41.0, 126.0), ("evil-c", 42.0, 127.0)):
    g.add((KG[ident], WGS.lat, Literal(lat)))
    g.add((KG[ident], WGS.long, Literal(lon)))
econkg.viz.draw(ds, tab="map")
"""


def _need(module: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        skip_or_fail(f"{module} is not installed: pip install '.[test]'")


@pytest.fixture(scope="module")
def output() -> str:
    nbformat = _need("nbformat")
    nbclient = _need("nbclient")
    _need("ipykernel")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(CELL))
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    assert [o["output_type"] for o in outputs] == ["execute_result"], json.dumps(outputs)[:2000]
    return outputs[0]["data"]["text/html"]


def test_the_cell_shows_the_page_in_a_sandboxed_iframe(output):
    assert output.startswith('<iframe sandbox="allow-scripts" ')
    assert "allow-same-origin" not in output
    page = html.unescape(output.split('srcdoc="', 1)[1].rsplit('"></iframe>', 1)[0])
    assert 'id="econkg-map"' in page and '<body data-tab="map">' in page
    assert "<script>alert(1)</script>" not in page  # escaped inside the page as well


def test_the_iframe_draws_the_map(output, tmp_path):
    from test_viz_browser import ARGS, CHROMIUM

    if not Path(CHROMIUM).is_file():
        skip_or_fail(f"{CHROMIUM} is missing: run .ci/install-services.sh")
    sync_playwright = _need("playwright.sync_api").sync_playwright
    wrapper = tmp_path / "notebook.html"
    wrapper.write_text(f"<!DOCTYPE html><html><body>{output}</body></html>", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url))
        page.goto(wrapper.as_uri())
        frame = page.frame_locator("iframe")
        frame.locator("body[data-ready=true]").wait_for(state="attached", timeout=60_000)
        assert frame.locator("#econkg-map .marker-wrap").count() == 3
        assert frame.locator("#econkg-map path.land").count() > 200
        browser.close()
    assert errors == []
    assert requests == [wrapper.as_uri()]
