"""The store seam: the query-shape check, parameter binding and term conversion, rule by
rule, on small inputs whose answer is known (the whole suite runs them through the seeds)."""

from __future__ import annotations

import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import XSD

from econkg.store import (
    MemoryStore,
    OxigraphStore,
    QueryError,
    QueryShape,
    inspect_query,
    substitute_bindings,
    term_text,
    to_oxigraph,
)

EX = "http://example.org/"


# inspect_query ----------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "form", "service", "dataset"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False, False),
    ("select * where { ?s ?p ?o }", "SELECT", False, False),
    ("ASK { ?s ?p ?o }", "ASK", False, False),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", False, False),
    ("DESCRIBE <http://x>", "DESCRIBE", False, False),
    ("PREFIX ex: <http://x#> BASE <http://y/> SELECT * {}", "SELECT", False, False),
    ("INSERT DATA { <a> <b> <c> }", "UPDATE", False, False),
    ("DELETE WHERE { ?s ?p ?o }", "UPDATE", False, False),
    ("LOAD <http://x>", "UPDATE", False, False),
    ("CLEAR ALL", "UPDATE", False, False),
    ("CREATE GRAPH <g>", "UPDATE", False, False),
    ("DROP ALL", "UPDATE", False, False),
    ("COPY <a> TO <b>", "UPDATE", False, False),
    ("MOVE <a> TO <b>", "UPDATE", False, False),
    ("ADD <a> TO <b>", "UPDATE", False, False),
    ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE", False, False),
    ("FOO BAR", None, False, False),
    ("", None, False, False),
    ("# SELECT\n", None, False, False),
    ("SELECT * { SERVICE <http://x> { ?s ?p ?o } }", "SELECT", True, False),
    ("SELECT * { service <http://x> { ?s ?p ?o } }", "SELECT", True, False),
    ("SELECT * FROM <http://g> { ?s ?p ?o }", "SELECT", False, True),
    ("SELECT * FROM NAMED <http://g> { ?s ?p ?o }", "SELECT", False, True),
    # Mentions that are not keywords.
    ('SELECT * { ?s ?p "SERVICE FROM" }', "SELECT", False, False),
    ("SELECT * { ?s ?p 'SERVICE' }", "SELECT", False, False),
    ('SELECT * { ?s ?p """a "SERVICE" b""" }', "SELECT", False, False),
    ("SELECT * { ?s ?p '''SERVICE''' }", "SELECT", False, False),
    ("SELECT * { ?s <http://x/SERVICE> ?o }", "SELECT", False, False),
    ("SELECT * { ?service ?from ?o }", "SELECT", False, False),
    ("SELECT * { ?s ex:service ?o }", "SELECT", False, False),
    ("SELECT * { ?s ?p ?o } # SERVICE <http://x>", "SELECT", False, False),
    ('SELECT * { ?s ?p "x"@service }', "SELECT", False, False),
    # An escaped quote does not open a string that hides a keyword.
    ('SELECT * { ?s ?p "a\\"" . SERVICE <http://x> { } }', "SELECT", True, False),
    ("SELECT * { ?s ?p 'a\\'' . SERVICE <http://x> { } }", "SELECT", True, False),
    # \\u escapes may spell a keyword.
    ("SELECT * { \\u0053ERVICE <http://x> { ?s ?p ?o } }", "SELECT", True, False),
    ("SELECT * \\u0046ROM <http://g> { ?s ?p ?o }", "SELECT", False, True),
    ("\\u0049NSERT DATA { <a> <b> <c> }", "UPDATE", False, False),
    ("SELECT * { ?s ?p ?o } \\U00000053ERVICE", "SELECT", True, False),
])
def test_inspect_query(query, form, service, dataset):
    assert inspect_query(query) == QueryShape(form, service, dataset)


def test_an_escape_beyond_unicode_is_left_as_written():
    assert inspect_query("SELECT * { ?s ?p ?o } \\UFFFFFFFF").service is False


@pytest.mark.parametrize(("shape", "message"), [
    (QueryShape("UPDATE", False, False), "SPARQL Update is not supported"),
    (QueryShape("SELECT", True, False), "SERVICE"),
    (QueryShape("UPDATE", True, False), "SPARQL Update is not supported"),
])
def test_refuse_unsafe(shape, message):
    with pytest.raises(QueryError, match=message):
        shape.refuse_unsafe()


@pytest.mark.parametrize("shape", [QueryShape("SELECT", False, True), QueryShape(None, False,
                                                                                  False)])
def test_safe_shapes_pass(shape):
    assert shape.refuse_unsafe() is None


# term_text --------------------------------------------------------------------------------

@pytest.mark.parametrize(("term", "text"), [
    (URIRef(EX + "a"), f"<{EX}a>"),
    (Literal("x"), '"x"'),
    (Literal('a"b'), '"a\\"b"'),
    (Literal("丹东", lang="zh"), '"丹东"@zh'),
    (Literal(3), '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    (Literal("line\nbreak"), '"""line\nbreak"""'),
])
def test_term_text(term, text):
    assert term_text(term) == text


@pytest.mark.parametrize("iri", [EX + "a b", EX + "a>b", EX + "a<b", EX + 'a"b', EX + "a{b",
                                 EX + "a}b", EX + "a|b", EX + "a^b", EX + "a`b", EX + "a\\b",
                                 EX + "a\x00b", EX + "a\nb"])
def test_term_text_refuses_bad_iris(iri):
    with pytest.raises(QueryError, match="not a valid IRI"):
        term_text(URIRef(iri))


def test_term_text_refuses_blank_nodes():
    with pytest.raises(QueryError, match="cannot bind a BNode"):
        term_text(BNode("b"))


# substitute_bindings ----------------------------------------------------------------------

A = URIRef(EX + "a")


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?x WHERE { ?x ?p ?o }", f"SELECT (<{EX}a> AS ?x) WHERE {{ <{EX}a> ?p ?o }}"),
    ("SELECT $x WHERE { $x ?p ?o }", f"SELECT (<{EX}a> AS $x) WHERE {{ <{EX}a> ?p ?o }}"),
    ("SELECT ?o WHERE { ?x ?p ?o }", f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }}"),
    ("SELECT ?o WHERE { ?x ?p ?o } ORDER BY ?x", f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }} "
                                                  f"ORDER BY (<{EX}a>)"),
    ("SELECT ?o WHERE { ?x ?p ?o } GROUP BY ?x ?o",
     f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }} GROUP BY (<{EX}a>) ?o"),
    ("SELECT (COUNT(?x) AS ?n) WHERE { ?x ?p ?o }",
     f"SELECT (COUNT(<{EX}a>) AS ?n) WHERE {{ <{EX}a> ?p ?o }}"),
    ("SELECT ?o { ?s ?p ?o FILTER(?x = ?o) }", f"SELECT ?o {{ ?s ?p ?o FILTER(<{EX}a> = ?o) }}"),
    ('SELECT ?o { ?s ?p "?x" }', 'SELECT ?o { ?s ?p "?x" }'),
    ("SELECT ?o { ?s <http://e/?x> ?o }", "SELECT ?o { ?s <http://e/?x> ?o }"),
    ("SELECT ?o { ?s ?p ?o } # ?x", "SELECT ?o { ?s ?p ?o } # ?x"),
    ("SELECT ?xy { ?xy ?p ?o }", "SELECT ?xy { ?xy ?p ?o }"),
    ("SELECT ?o { { SELECT ?x WHERE { ?x ?p ?o } } }",
     f"SELECT ?o {{ {{ SELECT (<{EX}a> AS ?x) WHERE {{ <{EX}a> ?p ?o }} }} }}"),
    ("SELECT ?x FROM <http://g> WHERE { ?x ?p ?o }",
     f"SELECT (<{EX}a> AS ?x) FROM <http://g> WHERE {{ <{EX}a> ?p ?o }}"),
    ("SELECT ?o WHERE { ?s ?p ?o } LIMIT 1 OFFSET 0", "SELECT ?o WHERE { ?s ?p ?o } LIMIT 1 "
                                                      "OFFSET 0"),
])
def test_substitute_bindings(query, expected):
    assert substitute_bindings(query, {"x": A}) == expected


def test_substitute_bindings_without_bindings_is_the_identity():
    q = "SELECT ?x WHERE { ?x ?p ?o }"
    assert substitute_bindings(q, {}) is q


def test_a_clause_keyword_inside_parentheses_does_not_end_the_projection():
    q = "SELECT (IF(?x = ?x, 1, 0) AS ?n) ?x WHERE { ?x ?p ?o }"
    out = substitute_bindings(q, {"x": A})
    assert out == (f"SELECT (IF(<{EX}a> = <{EX}a>, 1, 0) AS ?n) (<{EX}a> AS ?x) "
                   f"WHERE {{ <{EX}a> ?p ?o }}")


def test_order_by_after_a_nested_group():
    q = "SELECT ?o WHERE { ?x ?p ?o { ?x ?q ?r } } ORDER BY DESC(?x)"
    assert substitute_bindings(q, {"x": A}).endswith(f"ORDER BY DESC(<{EX}a>)")


def test_a_hostile_literal_stays_one_literal():
    evil = Literal('x" } ; DROP ALL ; SELECT * { "')
    out = substitute_bindings('SELECT ?o { ?s ?p ?o FILTER(?o = ?v) }', {"v": evil})
    assert out == 'SELECT ?o { ?s ?p ?o FILTER(?o = ' + evil.n3() + ') }'
    assert inspect_query(out).form == "SELECT"


# Binding on the engines -------------------------------------------------------------------

@pytest.fixture(scope="module")
def stores():
    ds = Dataset()
    g = ds.graph(URIRef(EX + "g"))
    g.add((A, URIRef(EX + "name"), Literal('x" } ;')))
    g.add((A, URIRef(EX + "name"), Literal("丹东", lang="zh")))
    g.add((URIRef(EX + "b"), URIRef(EX + "name"), Literal("b")))
    g.add((A, URIRef(EX + "n"), Literal(3)))
    return MemoryStore(ds), OxigraphStore.from_dataset(ds)


@pytest.mark.parametrize(("query", "bindings", "rows"), [
    ("SELECT ?s WHERE { ?s <http://example.org/name> ?name }", {"name": Literal('x" } ;')},
     [(A,)]),
    ("SELECT ?s ?name WHERE { ?s <http://example.org/name> ?name }",
     {"name": Literal("丹东", lang="zh")}, [(A, Literal("丹东", lang="zh"))]),
    ("SELECT ?s WHERE { ?s <http://example.org/n> ?n }", {"n": Literal(3)}, [(A,)]),
    ("SELECT ?name WHERE { ?s <http://example.org/name> ?name FILTER(?s = ?who) } "
     "ORDER BY ?name", {"who": URIRef(EX + "b")}, [(Literal("b"),)]),
    ("SELECT ?s WHERE { ?s <http://example.org/name> ?name }", {"name": Literal("nobody")},
     []),
])
def test_both_engines_bind_alike(stores, query, bindings, rows):
    for store in stores:
        assert sorted(store.query(query, bindings).rows) == sorted(rows), type(store).__name__


def test_oxigraph_binds_in_ask_and_construct(stores):
    _, ox = stores
    ask = "ASK { ?s <http://example.org/name> ?name }"
    assert ox.query(ask, {"name": Literal("b")}).boolean is True
    assert ox.query(ask, {"name": Literal("c")}).boolean is False
    built = ox.query("CONSTRUCT { ?s <http://example.org/k> ?name } "
                     "WHERE { ?s <http://example.org/name> ?name }", {"s": URIRef(EX + "b")})
    assert len(built.graph) == 1


def test_oxigraph_refuses_service_and_updates(stores):
    _, ox = stores
    with pytest.raises(QueryError, match="SERVICE"):
        ox.query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="Update"):
        ox.query("DELETE WHERE { ?s ?p ?o }")


def test_oxigraph_reports_syntax_errors(stores):
    _, ox = stores
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        ox.query("SELECT WHERE {")


@pytest.mark.parametrize(("term", "value", "extra"), [
    (URIRef(EX + "a"), EX + "a", None),
    (Literal("x"), "x", None),
    (Literal("丹东", lang="zh"), "丹东", "zh"),
    (Literal("3", datatype=XSD.integer), "3", str(XSD.integer)),
])
def test_to_oxigraph(term, value, extra):
    out = to_oxigraph(term)
    assert out.value == value
    if isinstance(term, Literal):
        assert (out.language if term.language else out.datatype.value) == \
            (extra or str(XSD.string))


def test_to_oxigraph_refuses_what_it_cannot_bind():
    with pytest.raises(QueryError, match="cannot bind a BNode"):
        to_oxigraph(BNode())
    with pytest.raises(QueryError, match="not a valid IRI"):
        to_oxigraph(URIRef("not an iri"))
