"""The build's write-only dataset: it must write exactly the N-Quads rdflib writes, keep
every quad in the order added, and hand rdflib the same graphs."""

from __future__ import annotations

import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import XSD

from econkg.quadsink import QuadSink, SinkGraph

EX = "http://example.org/"
G1, G2 = URIRef(EX + "g1"), URIRef(EX + "g2")
S, P, Q = URIRef(EX + "s"), URIRef(EX + "p"), URIRef(EX + "q")
OBJECTS = [
    Literal("丹东"), Literal("丹东", lang="zh"), Literal("Dandong", lang="EN"),
    Literal("Dandong", lang="en"), Literal("1", datatype=XSD.integer),
    Literal("01", datatype=XSD.integer), Literal("2.50", datatype=XSD.decimal),
    Literal('a "quoted"\nline\\ with \t tab'), BNode("b0"), URIRef(EX + "o"),
    Literal("2025", datatype=XSD.gYear),
]


def _filled() -> QuadSink:
    sink = QuadSink()
    for i, o in enumerate(OBJECTS):
        sink.graph(G1 if i % 2 else G2).add((S, P, o))
    sink.graph(G1).add((BNode("b0"), Q, S))
    sink.graph(G1).add((S, P, OBJECTS[0]))  # a duplicate: kept, the store keeps it once
    return sink


def test_nquads_are_the_bytes_rdflib_writes_in_the_order_added():
    sink = _filled()
    ds = Dataset()
    for s, p, o, g in sink.quads:
        ds.graph(g).add((s, p, o))
    ours = sink.nquads().decode("utf-8").splitlines()
    theirs = ds.serialize(format="nquads").splitlines()
    decimal = f'<{EX}s> <{EX}p> "2.5"^^<{XSD.decimal}> <{G2}> .'  # canonical, as stored
    assert decimal in ours
    assert sorted(set(ours) - {decimal}) == sorted(
        ln for ln in theirs if ln and "XMLSchema#decimal" not in ln)
    assert len(ours) == len(sink.quads) == len(OBJECTS) + 2
    assert ours[0] == f'<{EX}s> <{EX}p> "丹东" <{G2}> .'
    assert ours[1] == f'<{EX}s> <{EX}p> "丹东"@zh <{G1}> .'
    assert ours[-2] == f"_:b0 <{EX}q> <{EX}s> <{G1}> ."
    assert ours[-1] == ours[0].replace(f"<{G2}>", f"<{G1}>")


def test_literals_equal_by_value_keep_their_own_text():
    sink = QuadSink()
    g = sink.graph(G1)
    for o in (Literal("1", datatype=XSD.integer), Literal("01", datatype=XSD.integer),
              Literal("x", lang="en"), Literal("x", lang="EN")):
        g.add((S, P, o))
    lines = sink.nquads().decode().splitlines()
    assert [ln.split(" ", 2)[2].rsplit(" ", 2)[0] for ln in lines] == [
        f'"1"^^<{XSD}integer>', f'"1"^^<{XSD}integer>', '"x"@en', '"x"@EN']
    # (rdflib itself writes the integer 01 as 1; the language tag keeps its case)


def test_graphs_are_made_once_and_add_chains():
    sink = QuadSink()
    g = sink.graph(G1)
    assert isinstance(g, SinkGraph) and g.identifier == G1
    assert sink.graph(G1) is g and sink.graph(G2) is not g
    assert g.add((S, P, Literal("a"))).add((S, P, Literal("b"))) is g
    assert sink.quads == [(S, P, Literal("a"), G1), (S, P, Literal("b"), G1)]
    sink.bind("ex", EX)  # prefixes belong to the writers: nothing changes
    assert len(sink.quads) == 2
    assert QuadSink().nquads() == b""


def test_union_graph_and_dataset_hold_the_same_triples():
    sink = _filled()
    union = sink.union_graph()
    assert set(union) == {(s, p, o) for s, p, o, _ in sink.quads}
    assert ("ekg", URIRef("https://w3id.org/econkg/ontology#")) in set(union.namespaces())
    ds = sink.to_dataset()
    assert set(ds.quads()) == set(sink.quads)
    assert sorted(str(g.identifier) for g in ds.graphs() if len(g)) == [str(G1), str(G2)]
    assert ("kg", URIRef("https://w3id.org/econkg/id/")) in set(ds.namespaces())


@pytest.mark.parametrize("lexical", [
    "1700.0", "2.50", "0.0", "-0.5", "100", "0.000", "-0", "1E+3", "12.3400", "+5.0", ".5",
    "5.", "007", "-007.0100", "0", "", "+", ".", "-.", "abc", "1.2.3", "00.00", "+.0",
    "-0.000", "1 ", "٣.0", "-", "1.", "-.50"])
def test_decimals_are_written_as_oxigraph_stores_them(lexical):
    import pyoxigraph as ox

    from econkg.quadsink import canonical_decimal

    store = ox.Store()
    store.load(f'<{EX}a> <{EX}b> "{lexical}"^^<{XSD.decimal}> .'.encode(),
               format=ox.RdfFormat.N_TRIPLES)  # (an ill-formed decimal is kept as written)
    [quad] = list(store)
    assert canonical_decimal(lexical) == quad.object.value
