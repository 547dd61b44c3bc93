"""One reading of the graph: classification from the ontology, units and modality kept,
and the same answer for analysis, drawing and stats."""

from __future__ import annotations

import textwrap

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from econkg import readmodel, viz
from econkg.namespaces import EKG
from econkg.ontology import load_ontology

PREFIXES = """
@prefix ekg: <https://w3id.org/econkg/ontology#> .
@prefix kg: <https://w3id.org/econkg/id/> .
@prefix obs: <https://w3id.org/econkg/id/observation/> .
@prefix flow: <https://w3id.org/econkg/id/flow/> .
@prefix cit: <https://w3id.org/econkg/id/citation/> .
@prefix src: <https://w3id.org/econkg/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

BASE = """
kg:a a ekg:Country ; rdfs:label "A"@en , "甲"@zh .
kg:b a ekg:Country ; rdfs:label "B"@en , "乙"@zh .
kg:c a ekg:Country ; rdfs:label "C"@en , "丙"@zh .
kg:oil a ekg:ProductGroup ; rdfs:label "crude oil"@en , "原油"@zh .
src:doc dcterms:identifier "doc.txt" .
cit:1 ekg:source src:doc ; ekg:line 1 ; ekg:quote "q1" .
cit:2 ekg:source src:doc ; ekg:line 2 ; ekg:quote "q2" .
"""


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + BASE + textwrap.dedent(text), format="turtle")


@pytest.fixture(scope="module")
def ontology():
    return load_ontology()


@pytest.fixture(scope="module")
def schema(ontology):
    return readmodel.schema_from(ontology)


# Classification comes from the ontology ---------------------------------------------------

def test_every_group_key_is_an_ontology_class(ontology):
    classes = {str(c)[len(str(EKG)):] for c in ontology.subjects(RDF.type, OWL.Class)}
    assert set(readmodel.GROUPS) <= classes


def test_every_entity_class_falls_in_a_group(ontology, schema):
    """A new subclass of Place or Corridor inherits its parent's group; only classes that
    are not things on the map (citations, sources) have none."""
    for c in ontology.subjects(RDFS.subClassOf, None):
        name = str(c)[len(str(EKG)):]
        if not str(c).startswith(str(EKG)) or "Entity" not in schema.ancestors(name):
            continue
        _, group = schema.kind_and_group([c])
        assert group != "other" or name in ("Citation", "SourceDocument"), name


@pytest.mark.parametrize(("cls", "group"), [
    ("Bloc", "bloc"), ("Province", "province"), ("Zone", "zone"), ("River", "river"),
    ("BorderCrossing", "port"), ("Railway", "corridor"), ("HSHeading", "commodity"),
    ("Visit", "event"), ("MilitaryUnit", "organisation"), ("EcommercePlatform", "platform"),
    ("Region", "region"), ("Country", "country"),
])
def test_groups(schema, cls, group):
    assert schema.kind_and_group([EKG[cls]]) == (cls, group)


def test_most_specific_class_wins(schema):
    assert schema.kind_and_group([EKG.Port, EKG.BorderCrossing, EKG.Place]) == \
        ("BorderCrossing", "port")
    assert schema.kind_and_group([]) == ("Entity", "other")


def test_symmetry_is_owl_symmetric_property(ontology, schema):
    declared = {str(p)[len(str(EKG)):] for p in
                ontology.subjects(RDF.type, OWL.SymmetricProperty)}
    assert schema.symmetric == declared == {"tradesWith", "adjoins", "bordersOn"}


def test_structural_properties_are_marked_in_the_ontology(schema):
    assert {"reporter", "partner", "supplier", "recipient", "citation", "source", "measure",
            "unit", "commodity", "via"} <= schema.structural
    assert not schema.structural & {"tradesWith", "exportsTo", "locatedIn", "participant"}
    assert {"participant", "location"} == schema.event_properties
    assert "participant" in schema.relations and "participant" not in schema.seed_relations
    assert "reporter" not in schema.relations


def test_a_new_structural_mark_changes_the_readers(ontology):
    """The readers take the mark from the ontology, not from a list of their own."""
    g = Graph()
    g += ontology
    g.add((EKG.tradesWith, EKG.structural, readmodel.Literal(True)))
    assert "tradesWith" not in readmodel.schema_from(g).relations


def test_viz_and_network_classify_alike(dataset):
    from econkg.network import to_networkx

    G = to_networkx(dataset, modalities=None)
    model = viz.load_model(dataset, modalities=None)
    for ident, e in model.entities.items():
        assert (G.nodes[ident]["kind"], G.nodes[ident]["group"]) == (e.kind, e.group), ident
    assert model.symmetric >= {"tradesWith", "adjoins", "bordersOn"}


def test_stats_classes_agree_with_the_read_model(dataset):
    from econkg.stats import stats

    rm = readmodel.read(dataset)
    counted = {r["class"]: r["count"] for r in stats(dataset)["classes"]}
    kinds: dict[str, int] = {}
    for e in rm.entities.values():
        if e.kind != "Entity":
            kinds["ekg:" + e.kind] = kinds.get("ekg:" + e.kind, 0) + 1
    for kind, n in kinds.items():
        assert counted[kind] == n, kind
    assert counted["ekg:Observation"] == len(rm.observations)


# Values keep their unit; claims keep their modality --------------------------------------

CNY = """
kg:a ekg:tradesWith kg:b .
obs:cny a ekg:Observation ; ekg:measure ekg:TradeValue ; ekg:reporter kg:a ;
    ekg:partner kg:b ; ekg:flow ekg:TotalTrade ; ekg:period "2025" ; ekg:value 500 ;
    ekg:unit ekg:CNY ; ekg:citation cit:1 .
"""


def test_a_cny_total_gives_the_edge_its_value_in_cny():
    from econkg.network import to_networkx

    [edge] = to_networkx(turtle(CNY)).get_edge_data("a", "b").values()
    assert (edge["value"], edge["value_unit"], edge["value_period"]) == (500, "CNY", "2025")
    assert "value_usd" not in edge
    assert edge["values"] == [{"value": 500, "unit": "CNY", "period": "2025",
                               "observations": ["cny"]}]


def test_usd_comes_first_and_each_currency_stays_apart():
    from econkg.network import to_networkx

    g = turtle(CNY + """
obs:usd a ekg:Observation ; ekg:measure ekg:TradeValue ; ekg:reporter kg:a ;
    ekg:partner kg:b ; ekg:flow ekg:TotalTrade ; ekg:period "2024" ; ekg:value 70 ;
    ekg:unit ekg:USD ; ekg:citation cit:2 .
""")
    [edge] = to_networkx(g).get_edge_data("a", "b").values()
    assert (edge["value"], edge["value_unit"], edge["value_usd"]) == (70, "USD", 70)
    assert [(v["unit"], v["value"]) for v in edge["values"]] == [("USD", 70), ("CNY", 500)]


MODAL = """
kg:a ekg:tradesWith kg:b .
kg:a <https://w3id.org/econkg/prop/tradesWith> kg:st1 .
kg:st1 a ekg:Statement ; <https://w3id.org/econkg/prop/statement/tradesWith> kg:b ;
    ekg:citation cit:1 ; ekg:modality ekg:Proposal .
obs:p a ekg:Observation ; ekg:measure ekg:TradeValue ; ekg:reporter kg:a ;
    ekg:partner kg:b ; ekg:flow ekg:TotalTrade ; ekg:period "2026" ; ekg:value 9 ;
    ekg:unit ekg:USD ; ekg:citation cit:2 ; ekg:modality "projection" .
"""


def test_modality_is_read_from_terms_and_literals():
    rm = readmodel.read(turtle(MODAL))
    [st] = rm.statements
    [o] = rm.observations
    assert (st.modality, o.modality) == ("proposal", "projection")
    assert readmodel.read(turtle(CNY)).observations[0].modality == "fact"


def test_analyses_and_drawing_use_facts_only_by_default():
    from econkg.network import to_networkx

    g = turtle(MODAL)
    assert not to_networkx(g).has_edge("a", "b")
    [edge] = to_networkx(g, modalities=None).get_edge_data("a", "b").values()
    assert edge["modality"] == ["proposal"] and edge["value"] == 9
    assert not [f for f in viz.load_model(g).facts if {f.subject, f.object} == {"a", "b"}]
    drawn = [f for f in viz.load_model(g, modalities=None).facts if f.relation == "tradesWith"]
    assert [p for p in drawn[0].parts if p[0] == "modality"] == [("modality", "proposal")]


def test_open_periods_are_read_and_sort_first():
    g = turtle("""
obs:o a ekg:Observation ; ekg:measure ekg:Count ; ekg:reporter kg:a ;
    ekg:period "../2023" ; ekg:value 3 ; ekg:unit ekg:Number ; ekg:citation cit:1 .
""")
    [o] = readmodel.read(g).observations
    assert (o.period.start, o.period.end.isoformat(), o.period.closed) == \
        (None, "2023-12-31", False)
    closed = readmodel.PeriodInfo(o.period.end, o.period.end, "2023-12-31")
    assert o.period < closed and max(o.period, closed) == closed


# Paths and dependency ----------------------------------------------------------------------

OIL = """
flow:ac a ekg:TradeFlow ; ekg:supplier kg:a ; ekg:recipient kg:c ; ekg:commodity kg:oil ;
    ekg:citation cit:1 .
flow:xb a ekg:TradeFlow ; ekg:supplier kg:c ; ekg:recipient kg:b ; ekg:commodity kg:oil ;
    ekg:citation cit:2 .
kg:a ekg:exports kg:oil .
kg:b ekg:imports kg:oil .
kg:c ekg:exports kg:oil ; ekg:imports kg:oil .
"""


def test_paths_do_not_step_through_a_commodity():
    from econkg.analysis import paths
    from econkg.network import to_networkx

    G = to_networkx(turtle(OIL))
    routes = paths(G, "a", "b")
    assert routes and all("oil" not in r["nodes"] for r in routes)
    assert [r["nodes"] for r in routes] == [["a", "c", "b"]]
    # A commodity may still be where a route ends.
    assert paths(G, "a", "oil")[0]["nodes"] == ["a", "oil"]


def test_seed_paths_russia_north_korea_never_pass_a_commodity(dataset):
    from econkg.analysis import paths
    from econkg.network import to_networkx

    G = to_networkx(dataset)
    routes = paths(G, "russia", "north-korea", max_len=3)
    assert routes
    for r in routes:
        assert all(G.nodes[n]["group"] != "commodity" for n in r["nodes"][1:-1]), r["nodes"]


SHARE = """
obs:s a ekg:Observation ; ekg:measure ekg:Share ; ekg:reporter kg:b ; ekg:partner kg:a ;
    ekg:flow ekg:TotalTrade ; ekg:period "2025" ; ekg:value 90 ; ekg:unit ekg:Percent ;
    ekg:citation cit:1 .
"""


def test_a_share_is_the_reporters_dependence_never_the_partners():
    from econkg.analysis import dependency

    g = turtle(SHARE)
    [row, hhi] = dependency(g, "b")
    assert (row["country"], row["partner"], row["share"], row["basis"]) == \
        ("b", "a", 90, "printed")
    assert hhi["row_type"] == "hhi"
    assert dependency(g, "a") == []


@pytest.mark.parametrize("extra", [
    'ekg:shareOf "respondents to the survey" ;',
    "ekg:commodity kg:oil ;",
    "ekg:via kg:c ;",
    'ekg:modality "projection" ;',
])
def test_non_trade_or_non_fact_shares_are_not_dependency(extra):
    from econkg.analysis import dependency

    g = turtle(SHARE.replace("ekg:citation cit:1 .", f"{extra} ekg:citation cit:1 ."))
    assert dependency(g, "b") == []


def test_seed_north_korea_share_on_china_is_not_chinas_dependency(dataset):
    from econkg.analysis import dependency

    rows = dependency(dataset, "china", year=2025)
    assert not [r for r in rows if r["partner"] == "north-korea" and r["basis"] == "printed"]
    nk = dependency(dataset, "north-korea", year=2025)
    assert [r["share"] for r in nk if r["partner"] == "china" and r["basis"] == "printed"] \
        == [90]
