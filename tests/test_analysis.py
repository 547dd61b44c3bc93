"""Network analyses: the projection, routes, centrality, dependency, communities, growth.

Facts of the seed graph come from documents 000 and 002 and are asserted so that more
documents do not break them (a route is in the list, not the list itself); exact answers
are checked on small synthetic graphs whose answer is known by construction.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from rdflib import Graph

DOC0 = "000_9e5f7cb7cd004f31.txt"
DOC2 = "002_a68b94a328799fa6.txt"

PREFIXES = """
@prefix ekg: <https://w3id.org/econkg/ontology#> .
@prefix kg: <https://w3id.org/econkg/id/> .
@prefix obs: <https://w3id.org/econkg/id/observation/> .
@prefix cit: <https://w3id.org/econkg/id/citation/> .
@prefix src: <https://w3id.org/econkg/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + textwrap.dedent(text), format="turtle")


@pytest.fixture(scope="module")
def G(dataset):
    from econkg.network import to_networkx

    return to_networkx(dataset)


# The projection --------------------------------------------------------------------------

def test_nodes_carry_labels_class_and_coordinates(G):
    d = G.nodes["dandong"]
    assert (d["label"], d["label_en"], d["label_zh"]) == ("Dandong", "Dandong", "丹东")
    assert (d["kind"], d["group"]) == ("City", "city")
    assert d["iri"] == "https://w3id.org/econkg/id/dandong"
    assert (d["lat"], d["lon"]) == (40.1292, 124.3947)
    t = G.nodes["tumen-river-crossing"]
    assert (t["kind"], t["group"]) == ("BorderCrossing", "port")
    assert G.nodes["north-korea"]["group"] == "country"
    assert G.nodes["chaowu-shangxian"]["kind"] == "EcommercePlatform"


def test_chinese_labels_on_request(dataset):
    from econkg.network import to_networkx

    H = to_networkx(dataset, lang="zh", relations={"ships"})
    assert H.nodes["tumen-river-crossing"]["label"] == "图们江口岸"
    assert {d["relation"] for _, _, d in H.edges(data=True)} == {"ships"}


def test_relation_edge_has_statement_citations_and_trade_value(G):
    [edge] = [d for d in G.get_edge_data("china", "north-korea").values()
              if d["relation"] == "tradesWith"]
    assert {"source": DOC0, "line": 5, "quote": "中朝贸易"} in edge["citations"]
    assert edge["reference"] is False and edge["weight"] == 1
    assert edge["value_usd"] == 2_730_000_000
    assert (edge["value_period"], edge["value_measure"]) == ("2025", "TradeValue")


def test_flow_becomes_ships_edges_through_its_crossing(G):
    keys = G.get_edge_data("russia", "tumen-river-crossing")
    pork = keys["flow/ru-kp-pork/russia>tumen-river-crossing"]
    assert pork["relation"] == "ships" and pork["flow"] == "ru-kp-pork"
    assert pork["commodity"] == ["pork"]
    assert {"source": DOC2, "line": 6, "quote": "图们江口岸"} in pork["citations"]
    assert "kp-ru-troops" in pork["in_exchange_for"]
    assert "flow/ru-kp-pork/tumen-river-crossing>north-korea" in G.get_edge_data(
        "tumen-river-crossing", "north-korea")


def test_place_hierarchy_is_a_reference_without_citations(G):
    [edge] = [d for d in G.get_edge_data("dandong", "liaoning").values()
              if d["relation"] == "locatedIn"]
    assert edge["citations"] == [] and edge["reference"] is True


def test_projection_serialises_to_json(G):
    """The projection goes through JSON and back whole: nodes, edges, citations."""
    import networkx as nx

    text = json.dumps(nx.node_link_data(G, edges="links"), ensure_ascii=False)
    back = nx.node_link_graph(json.loads(text), edges="links", multigraph=True, directed=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == \
        (G.number_of_nodes(), G.number_of_edges())
    assert back.nodes["dandong"]["label_zh"] == "丹东"
    for u, v, k, d in G.edges(keys=True, data=True):
        assert back.get_edge_data(u, v, k)["citations"] == d["citations"]


# Routes ---------------------------------------------------------------------------------

def _route(routes, nodes):
    return next((r for r in routes if r["nodes"] == nodes), None)


@pytest.mark.parametrize("directed", [False, True])
def test_russian_pork_reaches_north_korea_through_the_tumen_crossing(G, directed):
    from econkg.analysis import paths

    routes = paths(G, "russia", "north-korea", directed=directed)
    route = _route(routes, ["russia", "tumen-river-crossing", "north-korea"])
    assert route is not None, [r["nodes"] for r in routes]
    assert route["length"] == 2 and route["cited"]
    for hop in route["hops"]:
        ships = [e for e in hop["edges"] if e["relation"] == "ships" and e["flow"] == "ru-kp-pork"]
        assert ships and ships[0]["direction"] == "forward"
        assert {"source": DOC2, "line": 6, "quote": "图们江口岸"} in ships[0]["citations"]
        assert all(isinstance(c["line"], int) for e in hop["edges"] for c in e["citations"])
    json.dumps(routes, ensure_ascii=False)


def test_routes_accept_names_in_either_language(G):
    from econkg.analysis import paths

    by_name = paths(G, "俄罗斯", "DPRK", max_len=2, directed=True)
    by_id = paths(G, "russia", "north-korea", max_len=2, directed=True)
    assert [r["nodes"] for r in by_name] == [r["nodes"] for r in by_id]
    assert all(r["length"] <= 2 for r in by_id)


def test_unknown_name_lists_close_matches(G):
    from econkg.analysis import UnknownEntity, paths

    with pytest.raises(UnknownEntity) as err:
        paths(G, "russsia", "north-korea")
    assert "russia" in err.value.close and "did you mean" in str(err.value)


# Centrality -----------------------------------------------------------------------------

def test_china_is_the_most_central_country(G):
    from econkg.analysis import centrality

    rows = centrality(G, group="country")
    assert rows[0]["id"] == "china"
    assert rows[0]["betweenness"] > next(r for r in rows if r["id"] == "russia")["betweenness"]
    assert all(r["group"] == "country" for r in rows)


def test_star_centre_has_the_highest_betweenness():
    from econkg.analysis import centrality
    from econkg.network import to_networkx

    leaves = [f"leaf{i}" for i in range(5)]
    g = turtle("kg:hub a ekg:Country ; rdfs:label \"Hub\"@en .\n" + "".join(
        f"kg:{x} a ekg:Country ; rdfs:label \"{x}\"@en .\nkg:hub ekg:tradesWith kg:{x} .\n"
        for x in leaves))
    rows = centrality(to_networkx(g))
    assert rows[0]["id"] == "hub" and rows[0]["betweenness"] == 1.0
    assert all(r["betweenness"] == 0.0 for r in rows[1:])
    assert rows[0]["degree"] == 5


def test_unknown_relation_is_an_error(G):
    from econkg.analysis import centrality

    with pytest.raises(ValueError, match="ships"):
        centrality(G, "shipz")


# Dependency -----------------------------------------------------------------------------

def test_north_korea_depends_on_china_for_ninety_percent(dataset):
    from econkg.analysis import dependency

    rows = dependency(dataset, "north-korea", year=2025)
    [china] = [r for r in rows if r["row_type"] == "share" and r["partner"] == "china"
               and r["basis"] == "printed"]
    assert china["share"] == 90 and china["period"] == "2025"
    assert china["approximation"] == "more-than"
    assert {"source": DOC0, "line": 47, "quote": "九成以上"} in china["citations"]
    hhi = next(r for r in rows if r["row_type"] == "hhi" and r["period"] == "2025")
    assert hhi["hhi"] >= 8100 and "china" in hhi["partners"]
    json.dumps(rows, ensure_ascii=False)


def test_dependency_names_can_be_chinese(dataset):
    from econkg.analysis import dependency

    assert dependency(dataset, "朝鲜", year=2025) == dependency(dataset, "north-korea", year=2025)


SHARES = """
kg:a a ekg:Country ; rdfs:label "A"@en .
kg:b a ekg:Country ; rdfs:label "B"@en .
kg:c a ekg:Country ; rdfs:label "C"@en .
kg:bloc a ekg:Bloc ; rdfs:label "Bloc"@en .
src:doc dcterms:identifier "doc.txt" .
"""


def _obs(ident, measure, reporter, partner, period, value, unit, line, base=None):
    partner_ = f"ekg:partner kg:{partner} ;" if partner else ""
    base_ = f'ekg:basePeriod "{base}" ;' if base else ""
    return f"""
obs:{ident} a ekg:Observation ; ekg:measure ekg:{measure} ;
    ekg:reporter kg:{reporter} ; {partner_} {base_} ekg:flow ekg:TotalTrade ;
    ekg:period "{period}" ; ekg:value {value} ; ekg:unit ekg:{unit} ;
    ekg:citation cit:{ident} .
cit:{ident} ekg:source src:doc ; ekg:line {line} ; ekg:quote "{value}" .
"""


def test_hhi_of_two_equal_partners_is_5000():
    from econkg.analysis import dependency

    g = turtle(SHARES + _obs("s1", "Share", "a", "b", "2025", 50, "Percent", 1)
               + _obs("s2", "Share", "a", "c", "2025", 50, "Percent", 2)
               + _obs("s3", "Share", "a", "bloc", "2025", 70, "Percent", 3))
    rows = dependency(g, "a")
    hhi = next(r for r in rows if r["row_type"] == "hhi")
    assert hhi["hhi"] == 5000 and hhi["complete"] and hhi["hhi_max"] == 5000
    assert hhi["partners"] == ["b", "c"] and hhi["left_out"] == ["bloc"]
    assert {r["basis"] for r in rows if r["row_type"] == "share"} == {"printed"}


def test_shares_derived_from_values_and_a_printed_total():
    from econkg.analysis import dependency

    g = turtle(SHARES + _obs("v1", "TradeValue", "a", "b", "2024", 30, "USD", 1)
               + _obs("v2", "TradeValue", "a", "c", "2024", 10, "USD", 2)
               + _obs("t", "TradeValue", "a", None, "2024", 40, "USD", 3))
    rows = dependency(g, "A")
    shares = {r["partner"]: r for r in rows if r["row_type"] == "share"}
    assert shares["b"]["share"] == 75 and shares["b"]["basis"] == "derived"
    assert [c["line"] for c in shares["b"]["citations"]] == [1, 3]
    hhi = next(r for r in rows if r["row_type"] == "hhi")
    assert hhi["hhi"] == 75 * 75 + 25 * 25


def test_exports_share_of_bilateral_trade_is_not_a_partner_share(dataset):
    """Line 12 of document 000 prints exports as 84 % of China–North Korea trade; that is
    not North Korea's share of China's exports, so it must not appear as one."""
    from econkg.analysis import dependency

    rows = dependency(dataset, "china", flow="export")
    assert not [r for r in rows if r["partner"] == "north-korea" and r["basis"] == "printed"]
    [value] = [r for r in rows if r["partner"] == "north-korea" and r["period"] == "2025"]
    assert value["basis"] == "value" and value["value"] == 2_300_000_000


def test_edge_value_prefers_the_latest_whole_year():
    from econkg.network import to_networkx

    g = turtle(SHARES + "kg:a ekg:tradesWith kg:b .\n"
               + _obs("y23", "TradeValue", "a", "b", "2023", 100, "USD", 1)
               + _obs("q24", "TradeValue", "a", "b", "2024-Q1", 30, "USD", 2))
    [edge] = to_networkx(g).get_edge_data("a", "b").values()
    assert (edge["value_usd"], edge["value_period"]) == (100, "2023")
    assert edge["value_observations"] == ["y23"]


# Communities ----------------------------------------------------------------------------

def test_two_cliques_are_two_communities():
    from econkg.analysis import communities
    from econkg.network import to_networkx

    left, right = ["l1", "l2", "l3", "l4"], ["r1", "r2", "r3", "r4"]
    lines = [f"kg:{x} a ekg:City ; rdfs:label \"{x}\"@en ." for x in left + right]
    for side in (left, right):
        lines += [f"kg:{a} ekg:adjoins kg:{b} ." for i, a in enumerate(side) for b in side[i + 1:]]
    lines.append("kg:l1 ekg:adjoins kg:r1 .")  # one bridge
    rows = communities(to_networkx(turtle("\n".join(lines))))
    assert sorted(sorted(r["members"]) for r in rows) == [left, right]
    assert rows[0]["modularity"] > 0.3


def test_border_economy_and_russian_barter_are_different_communities(G):
    """What the seed data gives: the Tumen crossing, Russian pork and the Russia–North Korea
    railway form one community (the barter exchange); the Chaowu Shangxian mini-program
    (North Korean goods sold to Chinese buyers) and China itself fall elsewhere."""
    from econkg.analysis import communities, community_of

    rows = communities(G)
    barter = community_of(rows, "tumen-river-crossing")
    assert barter is not None
    assert community_of(rows, "pork") == barter
    assert community_of(rows, "russia-nk-railway") == barter
    assert community_of(rows, "chaowu-shangxian") not in (None, barter)
    assert community_of(rows, "china") != barter
    json.dumps(rows, ensure_ascii=False)


# Growth ---------------------------------------------------------------------------------

def test_growth_between_two_printed_years_with_both_citations():
    from econkg.analysis import growth

    g = turtle(SHARES + _obs("y24", "TradeValue", "a", "b", "2024", 100, "USD", 4)
               + _obs("y25", "TradeValue", "a", "b", "2025", 125, "USD", 5)
               + _obs("g25", "GrowthRate", "a", "b", "2025", 25, "Percent", 6, base="2024")
               + _obs("m01", "TradeValue", "a", "b", "2026-01", 20, "USD", 7))
    [row] = growth(g, "a", "b")
    assert (row["previous_period"], row["period"]) == ("2024", "2025")
    assert (row["previous_value"], row["value"], row["change"]) == (100, 125, 25)
    assert row["change_pct"] == 25 and row["printed_growth_pct"] == 25
    assert row["comparison"] == "period-on-period"
    assert [c["line"] for c in row["previous_citations"]] == [4]
    assert [c["line"] for c in row["citations"]] == [5]
    assert [c["line"] for c in row["printed_growth_citations"]] == [6]


def test_growth_compares_a_month_with_the_same_month_a_year_before():
    from econkg.analysis import growth

    g = turtle(SHARES + _obs("m24", "TradeValue", "a", "b", "2024-01/2024-11", 10, "USD", 1)
               + _obs("m25", "TradeValue", "a", "b", "2025-01/2025-11", 15, "USD", 2))
    [row] = growth(g, "a", "b")
    assert row["comparison"] == "year-on-year" and row["change_pct"] == 50


def test_pork_tonnes_of_a_year_and_a_month_are_not_compared(dataset):
    from econkg.analysis import growth

    rows = growth(dataset, "russia", "north-korea")
    assert not [r for r in rows if r["commodity"] == "pork" and r["period"] == "2026-01"]


# The command ----------------------------------------------------------------------------

@pytest.fixture
def run(dataset, monkeypatch):
    from click.testing import CliRunner

    from econkg import cli

    monkeypatch.setattr(cli.Context, "dataset", lambda self: dataset)

    def invoke(*args: str):
        return CliRunner().invoke(cli.main, ["analyze", *args], catch_exceptions=False)
    return invoke


def test_cli_paths_prints_a_table_and_writes_json(run, tmp_path):
    out = tmp_path / "routes.json"
    res = run("paths", "russia", "north-korea", "--json-out", str(out))
    assert res.exit_code == 0, res.output
    assert "Tumen River crossing" in res.output
    routes = json.loads(out.read_text(encoding="utf-8"))
    assert _route(routes, ["russia", "tumen-river-crossing", "north-korea"])


def test_cli_bad_name_suggests_close_matches(run):
    res = run("dependency", "north-koera")
    assert res.exit_code == 1
    assert "north-korea" in res.output and "did you mean" in res.output


@pytest.mark.parametrize("args", [["centrality", "--group", "country", "--top", "3"],
                                  ["dependency", "朝鲜"], ["communities"],
                                  ["growth", "russia", "north-korea"]])
def test_cli_subcommands_answer(run, args):
    res = run(*args, "--json-out", "-")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    if args[0] == "growth":
        # The seeds print no two comparable periods of one Russia→North Korea figure (2025
        # tonnes against January 2026, a target): no change can be derived, and none is
        # made up. The rule itself is held by the synthetic growth tests.
        assert rows == []
        return
    assert rows, args
    if args[0] == "centrality":
        assert len(rows) == 3 and all(r["group"] == "country" for r in rows)
        assert [r["rank"] for r in rows] == [1, 2, 3]
    elif args[0] == "dependency":
        assert {r["country"] for r in rows} == {"north-korea"}
        assert [r["share"] for r in rows if r["partner"] == "china" and r["basis"] == "printed"
                and r["period"] == "2025"] == [90]
    else:
        assert all(r["size"] == len(r["members"]) >= 2 for r in rows)


# Import cost ----------------------------------------------------------------------------

def test_cli_does_not_import_networkx():
    code = ("import sys, econkg.cli, econkg.network, econkg.analysis, "
            "econkg.commands.analyze; print('networkx' in sys.modules)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert res.stdout.strip() == "False"
