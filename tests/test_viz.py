"""econkg viz: the offline network page (issue 5).

Counts are computed from the graph with SPARQL here, independently of econkg.viz, so the
tests keep passing as other documents add data; spot checks use stable facts of 000/002.
"""

from __future__ import annotations

import html.parser
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from econkg import viz
from econkg.namespaces import EKG, KG

ROOT = Path(__file__).resolve().parents[1]
XSS_TRIG = Path(__file__).parent / "fixtures" / "viz_xss.trig"
DOC_002 = "002_a68b94a328799fa6.txt"

# URL-looking strings inside the vendored vis-network build (licence comments and the SVG
# XML namespace name passed to createElementNS). None is ever requested.
VENDOR_URLS = {
    "http://almende.com", "http://opensource.org/licenses/MIT",
    "http://www.apache.org/licenses/LICENSE-2.0", "http://www.w3.org/2000/svg",
    "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",  # an error message
    "https://github.com/visjs", "https://github.com/leeoniya/uPlot",
    "https://github.com/zloirock/core-js",
    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
    "https://visjs.github.io/vis-network/",
}
URL = re.compile(r"(?:https?:)?//[A-Za-z0-9][\w.-]*\.[a-z]{2,}[^\s\"'<>)*]*")

PREFIXES = """
PREFIX ekg: <https://w3id.org/econkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
ENTITY_FILTER = """
FILTER(STRSTARTS(STR(?{v}), "https://w3id.org/econkg/id/")
       && !CONTAINS(STRAFTER(STR(?{v}), "https://w3id.org/econkg/id/"), "/"))
"""
ENTITIES = PREFIXES + "SELECT DISTINCT ?e WHERE { ?e rdfs:label ?l ." + \
    ENTITY_FILTER.format(v="e") + "}"
# Every kind of link the map draws, written out in SPARQL: direct ekg: triples between two
# entities, the commodity hierarchy, "via" legs of flows, statements and observations, and
# observations between reporter and partner (or reporter and commodity).
LINKS = PREFIXES + """
SELECT DISTINCT ?a ?b WHERE {
  {
    ?a ?p ?b . FILTER(STRSTARTS(STR(?p), "https://w3id.org/econkg/ontology#"))
    FILTER NOT EXISTS { ?p ekg:structural true }  # statedBy, modality: not links
    FILTER NOT EXISTS { ?a ekg:modality ?am FILTER(?am != ekg:Fact) }  # a planned event
  } UNION { ?a skos:broader ?b }
  UNION { ?f a ekg:TradeFlow ; ekg:supplier ?a ; ekg:recipient ?r ; ekg:via ?b }
  UNION { ?f a ekg:TradeFlow ; ekg:recipient ?a ; ekg:supplier ?s ; ekg:via ?b }
  UNION {
    ?a ?pp ?st . ?st a ekg:Statement ; ekg:modality ekg:Fact ; ?ps ?o ; ekg:via ?b .
    FILTER(STRSTARTS(STR(?ps), "https://w3id.org/econkg/prop/statement/"))
  } UNION {
    ?s ?pp ?st . ?st a ekg:Statement ; ekg:modality ekg:Fact ; ?ps ?a ; ekg:via ?b .
    FILTER(STRSTARTS(STR(?ps), "https://w3id.org/econkg/prop/statement/"))
  }
  UNION { ?o a ekg:Observation ; ekg:modality ekg:Fact ; ekg:reporter ?a ; ekg:partner ?b }
  UNION { ?o a ekg:Observation ; ekg:modality ekg:Fact ; ekg:reporter ?a ; ekg:commodity ?b
          FILTER NOT EXISTS { ?o ekg:partner ?x } }
  UNION { ?o a ekg:Observation ; ekg:modality ekg:Fact ; ekg:reporter ?a ; ekg:via ?b
          FILTER EXISTS { { ?o ekg:partner ?x } UNION { ?o ekg:commodity ?y } } }
  UNION { ?o a ekg:Observation ; ekg:modality ekg:Fact ; ekg:partner ?a ; ekg:via ?b ;
             ekg:reporter ?r }
  UNION { ?o a ekg:Observation ; ekg:modality ekg:Fact ; ekg:commodity ?a ; ekg:via ?b ;
             ekg:reporter ?r FILTER NOT EXISTS { ?o ekg:partner ?x } }
  ?a rdfs:label ?la . ?b rdfs:label ?lb .
  FILTER(?a != ?b)
""" + ENTITY_FILTER.format(v="a") + ENTITY_FILTER.format(v="b") + "}"


def _id(term) -> str:
    return str(term)[len(str(KG)):]


@pytest.fixture(scope="module")
def union(dataset) -> Graph:
    from econkg.validate import union_graph

    return union_graph(dataset)


@pytest.fixture(scope="module")
def oxigraph(dataset):
    """The expected answers come from Oxigraph, a different engine from the one viz reads."""
    from econkg.store import OxigraphStore

    return OxigraphStore.from_dataset(dataset)


@pytest.fixture(scope="module")
def entities(oxigraph) -> set[str]:
    return {_id(row[0]) for row in oxigraph.query(ENTITIES).rows}


@pytest.fixture(scope="module")
def links(oxigraph) -> set[tuple[str, str]]:
    return {tuple(sorted((_id(a), _id(b)))) for a, b in oxigraph.query(LINKS).rows}


@pytest.fixture(scope="module")
def model(dataset):
    return viz.load_model(dataset)


@pytest.fixture(scope="module")
def whole(model):
    return viz.draw(model)


@pytest.fixture(scope="module")
def xss_dataset() -> Dataset:
    ds = Dataset()
    ds.parse(XSS_TRIG, format="trig")
    return ds


def _edge_pairs(page: str) -> set[tuple[str, str]]:
    return {tuple(sorted((e["from"], e["to"]))) for e in viz.page_data(page)["edges"]}


def _node_ids(page: str) -> set[str]:
    return {n["id"] for n in viz.page_data(page)["nodes"]}


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def _vendor_parts() -> list[str]:
    return [viz._asset(name) for name in (
        "lib/vis-9.1.2/vis-network.min.js", "lib/vis-9.1.2/vis-network.css",
        "vendor/uplot/uPlot.iife.min.js", "vendor/uplot/uPlot.min.css")]


def _vendor_blocks() -> tuple[str, str]:
    return (viz._asset("lib/vis-9.1.2/vis-network.min.js")
            + viz._asset("vendor/uplot/uPlot.iife.min.js"),
            viz._asset("lib/vis-9.1.2/vis-network.css") + viz._asset("vendor/uplot/uPlot.min.css"))


# --- imports ---------------------------------------------------------------------------------

def test_importing_the_cli_and_viz_loads_no_drawing_library():
    code = ("import sys, econkg.cli, econkg.viz, econkg.commands.viz\n"
            "heavy = {'pyvis', 'networkx', 'jinja2', 'numpy', 'IPython'} & set(sys.modules)\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --- offline ---------------------------------------------------------------------------------

def test_page_loads_nothing_from_outside(whole):
    page = str(whole)
    for tag, attrs in _tags(page):
        assert tag in {"html", "head", "meta", "title", "style", "body", "header", "h1", "p",
                       "span", "label", "select", "main", "div", "aside", "h2", "ul", "li",
                       "svg", "circle", "rect", "polygon", "script", "button", "nav",
                       "section", "input", "option", "details", "summary"}, tag
        for name in ("src", "href", "srcset", "action", "formaction", "data", "poster",
                     "background", "xlink:href"):
            assert name not in attrs, (tag, attrs)
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
    assert "<link" not in page.lower() and "@import" not in page
    scripts = [attrs for tag, attrs in _tags(page) if tag == "script"]
    # the data, vis-network, uPlot, page.js, map.js
    assert scripts == [{"type": "application/json", "id": "econkg-data"}, {}, {}, {}, {}]
    csp = next(a["content"] for t, a in _tags(page) if a.get("http-equiv") ==
               "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_no_url_outside_the_vendored_library(whole):
    page = str(whole)
    js, css = _vendor_blocks()
    for block in (*_vendor_parts(),):
        assert block in page, "vis-network and uPlot are inlined"
    rest = page
    for block in _vendor_parts():
        rest = rest.replace(block, "")
    rest = rest.replace('"http://www.w3.org/2000/svg"', "")  # the SVG namespace in map.js
    rest = re.sub(r'<script type="application/json" id="econkg-data">.*?</script>', "", rest,
                  flags=re.S)
    assert not URL.findall(rest), URL.findall(rest)[:5]
    assert "cdn" not in rest.lower()
    assert set(URL.findall(js)) <= VENDOR_URLS, set(URL.findall(js)) - VENDOR_URLS
    assert not re.search(r"https?://", css)
    assert "bootstrap" not in page.lower() and "cdnjs" not in page and "jsdelivr" not in page


def test_data_block_is_inert_json(whole):
    block = re.search(r'id="econkg-data">(.*?)</script>', str(whole), re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block


# --- escaping --------------------------------------------------------------------------------

def test_hostile_labels_and_quotes_stay_text(xss_dataset):
    title = "<b onmouseover=alert(10)>t</b>"
    page = str(viz.draw(xss_dataset, title=title, sources=["evil"]))
    js, css = _vendor_blocks()
    ours = page.replace(js, "").replace(css, "")
    for needle in ("<script>alert", "<img", "<svg onload", "<iframe", "<b onmouseover",
                   "<a href", "</script><script>"):
        assert needle not in ours, needle
    assert "<h1>&lt;b onmouseover=alert(10)&gt;t&lt;/b&gt;</h1>" in page
    assert "<title>&lt;b onmouseover=alert(10)&gt;t&lt;/b&gt;</title>" in page
    assert "evil&lt;script&gt;alert(4)&lt;/script&gt;.txt" in page  # the --source summary
    for tag, attrs in _tags(page):
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
    assert [t for t, _ in _tags(page)].count("script") == 5
    # The JSON gives the text back exactly, so the canvas and tooltips show it as written.
    data = viz.page_data(page)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["evil-a"] == "<script>alert(1)</script>"
    assert labels["evil-b"] == "<img src=x onerror=alert(1)>"
    tips = str([e["tip"] for e in data["edges"]] + [n["tip"] for n in data["nodes"]])
    assert "27.3亿美元<script>alert(9)</script>" in tips
    assert "<iframe src=javascript:alert(8)></iframe>" in tips


def test_chinese_hostile_labels(xss_dataset):
    page = str(viz.draw(xss_dataset, lang="zh"))
    labels = {n["id"]: n["label"] for n in viz.page_data(page)["nodes"]}
    assert labels["evil-a"] == "<img src=x onerror=alert(1)>"
    assert labels["evil-c"] == "<b onmouseover=alert(3)>口岸</b>"
    assert "<img" not in page.replace(_vendor_blocks()[0], "")


def test_notebook_display_is_a_sandboxed_escaped_iframe(xss_dataset):
    page = viz.draw(xss_dataset)
    shown = page._repr_html_()
    assert shown.startswith('<iframe sandbox="allow-scripts"')
    assert shown.count("<") == 2  # the iframe tags; the page is an escaped attribute
    assert "&lt;script&gt;" in shown


# --- what is drawn ---------------------------------------------------------------------------

def test_whole_graph_has_every_entity_and_every_link(whole, entities, links):
    assert _node_ids(whole) == entities
    assert _edge_pairs(whole) == links
    assert whole.view.counts() == (len(entities), len(links))


def test_focus_view_is_the_neighbourhood(model, links, entities):
    focus = "tumen-river-crossing"
    neighbours = {b if a == focus else a for a, b in links if focus in (a, b)}
    expected_nodes = neighbours | {focus}
    expected_edges = {(a, b) for a, b in links if a in expected_nodes and b in expected_nodes}
    page = viz.draw(model, focus=focus, depth=1)
    assert _node_ids(page) == expected_nodes
    assert _edge_pairs(page) == expected_edges
    assert {"russia", "north-korea"} <= neighbours  # 002: pork through the crossing


def test_focus_depth_two(model, links):
    adj: dict[str, set[str]] = {}
    for a, b in links:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    ring1 = adj["dandong"]
    expected = {"dandong"} | ring1 | {y for x in ring1 for y in adj[x]}
    page = viz.draw(model, focus="dandong", depth=2)
    assert _node_ids(page) == expected
    assert _edge_pairs(page) == {(a, b) for a, b in links if a in expected and b in expected}


@pytest.mark.parametrize("name", ["tumen-river-crossing", "Tumen River crossing",
                                  "tumen river CROSSING", "图们江口岸", "Tumen River port",
                                  "kg:tumen-river-crossing",
                                  "https://w3id.org/econkg/id/tumen-river-crossing"])
def test_focus_by_id_name_or_alias(model, name):
    assert viz.resolve_entity(model, name) == "tumen-river-crossing"


def test_parallel_facts_merge_into_one_edge_listing_all(model):
    page = viz.draw(model, focus="tumen-river-crossing")
    edges = [e for e in viz.page_data(page)["edges"]
             if {e["from"], e["to"]} == {"russia", "north-korea"}]
    assert len(edges) == 1
    edge = edges[0]
    assert {"exportsTo", "tradesWith", "figures"} <= set(edge["relations"])
    facts = edge["tip"]["f"]
    assert len(facts) > 3
    cites = [tuple(c) for f in facts for c in f["c"]]
    assert (DOC_002, 6, "4500吨") in cites  # Russian pork through the Tumen crossing, 2025
    assert (DOC_002, 3, "实物对等交换") in cites  # barter between Russia and North Korea
    text = " ".join(f["t"] for f in facts)
    assert "4,500 tonne" in text


def test_edge_width_follows_the_largest_usd_trade_value(whole, oxigraph):
    rows = oxigraph.query(PREFIXES + """
        SELECT ?a ?b (MAX(?v) AS ?usd) WHERE {
          ?o a ekg:Observation ; ekg:measure ekg:TradeValue ; ekg:unit ekg:USD ;
             ekg:reporter ?a ; ekg:partner ?b ; ekg:value ?v .
        } GROUP BY ?a ?b""").rows
    expected: dict[tuple[str, str], float] = {}
    for a, b, usd in rows:
        key = tuple(sorted((_id(a), _id(b))))
        expected[key] = max(expected.get(key, 0.0), float(usd))
    assert expected, "000 reports trade values in US dollars"
    edges = {tuple(sorted((e["from"], e["to"]))): e for e in viz.page_data(whole)["edges"]}
    for key, usd in expected.items():
        assert edges[key]["value_usd"] == pytest.approx(usd), key
        assert edges[key]["width"] > 1
    unweighted = [e for e in edges.values() if "value_usd" not in e]
    assert unweighted and all(e["width"] == 1 for e in unweighted)


def test_every_node_and_edge_has_a_tooltip_with_facts(whole):
    data = viz.page_data(whole)
    for item in data["nodes"] + data["edges"]:
        assert item["tip"]["h"]
    for e in data["edges"]:
        assert e["tip"]["f"], e["id"]
        assert e["label"]
    cited = [e for e in data["edges"] if any(f["c"] for f in e["tip"]["f"])]
    assert len(cited) > len(data["edges"]) / 2
    for e in cited:
        for f in e["tip"]["f"]:
            for source, line, quote in f["c"]:
                assert source.endswith(".txt") and line > 0 and quote


def test_nodes_are_styled_by_class_with_a_legend(whole, union):
    data = viz.page_data(whole)
    groups = {n["id"]: n["group"] for n in data["nodes"]}
    assert groups["china"] == "country"
    assert groups["dandong"] == "city"
    assert groups["tumen-river-crossing"] == "port"
    kinds = {_id(s) for s in union.subjects(RDF.type, EKG.HSChapter)}
    assert kinds and all(groups[k] == "commodity" for k in kinds if k in groups)
    shapes = {n["group"]: n["shape"] for n in data["nodes"]}
    assert shapes["country"] == "dot" and shapes["commodity"] == "diamond"
    legend = whole[whole.index('<aside id="econkg-legend">'):whole.index("</aside>")]
    for group in set(groups.values()):
        assert viz.GROUP_STYLES[group][3] in legend


def test_chinese_labels(model, union):
    page = viz.draw(model, focus="图们江口岸", lang="zh")
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh">')
    labels = {n["id"]: n["label"] for n in viz.page_data(page)["nodes"]}
    for ident, label in labels.items():
        zh = {str(x) for x in union.objects(KG[ident], RDFS.label)
              if getattr(x, "language", None) == "zh"}
        assert label in zh, (ident, label)
    assert labels["tumen-river-crossing"] == "图们江口岸"
    assert labels["russia"] == "俄罗斯"
    assert "口岸" in page and "图例" in page  # the legend in Chinese (port or crossing)


# --- filters and routes ----------------------------------------------------------------------

def test_relation_filter(model):
    page = viz.draw(model, relations=["exportsTo"])
    edges = viz.page_data(page)["edges"]
    assert edges and all(e["relations"] == ["exportsTo"] for e in edges)
    assert viz.draw(model, relations=["出口至"]).view.counts() == page.view.counts()


def test_source_filter_keeps_only_facts_cited_there(model):
    page = viz.draw(model, sources=["002"])
    for pair, facts in page.view.edges.items():
        assert all(any(c.source == DOC_002 for c in f.citations) for f in facts), pair
    assert ("north-korea", "russia") in page.view.edges


def test_period_filter(model):
    from datetime import date

    page = viz.draw(model, period="2026-01")
    lo, hi = date(2026, 1, 1), date(2026, 1, 31)
    for facts in page.view.edges.values():
        for f in facts:
            assert (f.start is None or f.start <= hi) and (f.end is None or f.end >= lo)
    assert page.view.counts()[1] < viz.draw(model).view.counts()[1]


def test_country_filter(model):
    page = viz.draw(model, countries=["russia"])
    inside = viz._within(model, "russia")
    assert "tumen-river-crossing" in inside
    for a, b in page.view.edges:
        assert a in inside or b in inside


def test_between_gives_the_shortest_routes():
    g = Graph()
    for ident in "abcde":
        g.add((KG[ident], RDF.type, EKG.City))
        g.add((KG[ident], RDFS.label, Literal(ident.upper(), lang="en")))
    for s, o in ("ab", "bc", "ad", "de", "ec"):
        g.add((KG[s], EKG.connects, KG[o]))
    short = viz.draw(g, between=["a", "C"])
    assert set(short.view.nodes) == {"a", "b", "c"}
    assert set(short.view.edges) == {("a", "b"), ("b", "c")}
    longer = viz.draw(g, between=["a", "c"], slack=1)
    assert set(longer.view.nodes) == set("abcde")
    g.add((KG["f"], RDFS.label, Literal("F", lang="en")))
    with pytest.raises(viz.VizError, match="no route between A and F"):
        viz.draw(g, between=["a", "f"])


def test_between_on_the_seed_graph(model, links):
    import networkx as nx

    g = nx.Graph(list(links))
    page = viz.draw(model, between=["dandong", "russia"])
    sub = nx.Graph(list(page.view.edges))
    assert nx.shortest_path_length(sub, "dandong", "russia") == \
        nx.shortest_path_length(g, "dandong", "russia")
    paths = {tuple(p) for p in nx.all_shortest_paths(g, "dandong", "russia")}
    assert set(page.view.nodes) == {x for p in paths for x in p}


# --- large graphs ----------------------------------------------------------------------------

def test_large_graph_is_aggregated_and_laid_out_in_python():
    g = Graph()

    def entity(ident, cls, en):
        g.add((KG[ident], RDF.type, EKG[cls]))
        g.add((KG[ident], RDFS.label, Literal(en, lang="en")))

    for c in range(30):
        entity(f"c{c}", "Country", f"Country {c}")
    for h in range(10):
        entity(f"ch{h}", "HSChapter", f"Chapter {h}")
    for k in range(1600):
        entity(f"h{k}", "HSHeading", f"Heading {k}")
        g.add((KG[f"h{k}"], SKOS.broader, KG[f"ch{k % 10}"]))
        g.add((KG[f"c{k % 30}"], EKG.exports, KG[f"h{k}"]))
        g.add((KG[f"c{(k * 7) % 30}"], EKG.imports, KG[f"h{k}"]))
    page = viz.draw(g)
    assert page.view.aggregated and not page.view.physics
    assert page.view.counts()[0] == 40  # 30 countries + 10 chapters
    data = viz.page_data(page)
    assert data["options"]["physics"] == {"enabled": False} and data["physics"] is False
    assert all("x" in n and "y" in n for n in data["nodes"])
    chapter0 = next(n for n in data["nodes"] if n["id"] == "ch0")
    assert chapter0["label"] == "Chapter 0 (+160)"
    # Exports of c0 go to ten headings of chapter 0 and 40 others: one merged edge each.
    c0_ch0 = next(e for e in data["edges"] if {e["from"], e["to"]} == {"c0", "ch0"})
    assert c0_ch0["tip"]["more"] or len(c0_ch0["tip"]["f"]) > 1


def test_aggregation_of_the_seed_graph(model):
    page = viz.draw(model, large=50)
    assert page.view.aggregated and not page.view.physics
    chapters = {e.chapter for e in model.entities.values() if e.chapter}
    for n in page.view.nodes:
        e = model.entities[n]
        assert e.chapter in (None, n), n
    assert chapters <= set(page.view.nodes)
    assert page.view.counts()[0] < len(model.entities)


LAYOUT_SCRIPT = """
import json, sys
from rdflib import Dataset
from econkg import viz
ds = Dataset()
ds.parse(sys.argv[1], format="nquads")
view = viz.select_view(viz.load_model(ds), focus="dandong", depth=2)
print(json.dumps(sorted(viz.layout(view).items())))
"""


def test_layout_is_deterministic(dataset, tmp_path):
    """Two processes with different hash seeds (so sets and dicts iterate in other
    orders) lay out the same view at the same positions."""
    data = tmp_path / "g.nq"
    data.write_text(dataset.serialize(format="nquads"), encoding="utf-8")
    out = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", LAYOUT_SCRIPT, str(data)], env=env,
                             capture_output=True, text=True, check=True)
        out.append(json.loads(res.stdout))
    assert out[0] == out[1]
    assert len(out[0]) > 10


# --- the command -----------------------------------------------------------------------------

@pytest.fixture
def cli(monkeypatch, dataset, model):
    """Run `econkg` on the session's dataset and model (no rebuild per invocation)."""
    from econkg import cli as cli_module

    load = viz.load_model
    monkeypatch.setattr(cli_module.Context, "dataset", lambda self: dataset)
    monkeypatch.setattr(viz, "load_model", lambda g, **kw: model if g is dataset and
                        kw.get("modalities") == ("fact",) else load(g, **kw))

    def run(*args: str):
        return CliRunner().invoke(cli_module.main, list(args), catch_exceptions=False)

    return run


def test_command_writes_a_utf8_page(cli, tmp_path, entities):
    out = tmp_path / "sub" / "network.html"
    res = cli("viz", "--output", str(out), "--lang", "zh")
    assert res.exit_code == 0, res.output
    page = out.read_bytes().decode("utf-8")
    assert "图们江口岸" in page
    assert len(viz.page_data(page)["nodes"]) == len(entities)
    assert f"{len(entities)} nodes" in res.output
    assert not list(out.parent.glob(".*.tmp"))


def test_command_focus_and_alias(cli, tmp_path, links):
    out = tmp_path / "tumen.html"
    res = cli("draw", "--focus", "图们江口岸", "--depth", "1", "-o", str(out))
    assert res.exit_code == 0, res.output
    expected = {b if a == "tumen-river-crossing" else a for a, b in links
                if "tumen-river-crossing" in (a, b)} | {"tumen-river-crossing"}
    assert _node_ids(out.read_text(encoding="utf-8")) == expected


def test_command_to_stdout(cli):
    res = cli("viz", "--focus", "dandong", "-o", "-")
    assert res.exit_code == 0
    assert res.stdout.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("args", "message"), [
    (["--focus", "atlantis"], "no entity called 'atlantis'"),
    (["--focus", "dandon"], "did you mean dandong"),
    (["--between", "dandong", "atlantis"], "no entity called 'atlantis'"),
    (["--focus", "dandong", "--between", "china", "russia"], "not both"),
    (["--relation", "likes"], "no relation 'likes'"),
    (["--source", "999"], "'999' matches no document"),
    (["--period", "2025-13"], "month 13 does not exist"),
])
def test_command_errors_are_clear(cli, tmp_path, args, message):
    out = tmp_path / "x.html"
    res = cli("viz", "-o", str(out), *args)
    assert res.exit_code == 1
    assert message in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_command_usage_errors(cli, tmp_path):
    res = cli("viz", "--lang", "fr", "-o", str(tmp_path / "x.html"))
    assert res.exit_code == 2
    res = cli("viz", "--depth", "-1", "-o", str(tmp_path / "x.html"))
    assert res.exit_code == 2


def test_command_help_has_an_example(cli):
    res = cli("viz", "--help")
    assert res.exit_code == 0
    assert "Example:" in res.output and "--focus" in res.output


def test_the_real_command_builds_and_draws(tmp_path):
    """One run end to end, without the fixture: the CLI builds the graph itself."""
    out = tmp_path / "n.html"
    proc = subprocess.run(
        [sys.executable, "-m", "econkg", "--seeds", str(ROOT / "seeds"), "--build-dir",
         str(tmp_path / "build"), "viz", "--focus", "tumen-river-crossing", "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stderr and out.is_file()
    proc = subprocess.run(
        [sys.executable, "-m", "econkg", "--seeds", str(ROOT / "seeds"), "--build-dir",
         str(tmp_path / "build"), "viz", "--focus", "nowhere-at-all", "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert "Error: no entity called 'nowhere-at-all'" in proc.stderr


def test_draw_accepts_a_dataset_graph_or_model(xss_dataset):
    from econkg.validate import union_graph

    a = viz.draw(xss_dataset)
    b = viz.draw(union_graph(xss_dataset))
    c = viz.draw(viz.load_model(xss_dataset))
    assert str(a) == str(b) == str(c)
    assert isinstance(a, str)


def test_unknown_entity_in_python_names_close_matches(model):
    with pytest.raises(viz.VizError, match="did you mean"):
        viz.draw(model, focus="tumen-river-crossin")
    with pytest.raises(viz.VizError):
        viz.draw(model, lang="fr")


def test_entity_lookup_is_exact_not_substring(model):
    with pytest.raises(viz.VizError):
        viz.resolve_entity(model, "Tumen")


def test_uri_entities_from_other_namespaces_are_ignored():
    g = Graph()
    g.add((URIRef("http://example.org/x"), RDFS.label, Literal("X")))
    g.add((KG["y"], RDFS.label, Literal("Y", lang="en")))
    page = viz.draw(g)
    assert page.view.nodes == ["y"]


def test_same_page_in_every_run():
    """Tooltips and merged routes must not depend on set order (PYTHONHASHSEED)."""
    code = ("import hashlib, econkg\nfrom econkg import viz\n"
            "page = viz.draw(econkg.load('seeds'), focus='tumen-river-crossing', depth=2)\n"
            "print(hashlib.sha256(page.encode()).hexdigest())\n")
    digests = {subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                              text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}
                              ).stdout for seed in ("1", "2")}
    assert len(digests) == 1


@pytest.mark.parametrize("a,b", [("dandong", "russia"), ("tumen-river-crossing", "china"),
                                 ("hunchun", "russia"), ("sinuiju", "russia")])
def test_between_draws_the_routes_analyze_paths_reports(model, dataset, a, b):
    """The picture and `econkg analyze paths` read the same model: the shortest routes drawn
    are as long as the analysis's, every such route of the analysis is drawn, and neither
    steps through a commodity."""
    import networkx as nx

    from econkg import analysis, network, readmodel

    G = network.to_networkx(readmodel.read(dataset))
    routes = analysis.paths(G, a, b, max_len=6)
    view = viz.draw(model, between=[a, b]).view
    drawn = nx.Graph(list(view.edges))
    assert routes and nx.shortest_path_length(drawn, a, b) == routes[0]["length"]
    for r in routes:
        if r["length"] == routes[0]["length"]:
            assert all(tuple(sorted(h)) in view.edges for h in itertools.pairwise(r["nodes"]))
    inner = {n for path in nx.all_shortest_paths(drawn, a, b) for n in path[1:-1]}
    assert not {n for n in inner if model.entities[n].group == "commodity"}


def test_command_map_page(cli, tmp_path):
    out = tmp_path / "map.html"
    res = cli("viz", "--map", "--lang", "zh", "-o", str(out))
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert '<body data-tab="map">' in page and 'id="econkg-map"' in page
    markers = {m["id"]: m["label"] for m in viz.page_data(page)["map"]["markers"]}
    assert markers["dandong"] == "丹东" and markers["tumen-river-crossing"] == "图们江口岸"
    res = cli("viz", "--modality", "nonsense", "-o", str(out))
    assert res.exit_code == 2 and "nonsense" in res.output
