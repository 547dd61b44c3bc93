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


# Cases the mutation run showed no test held ------------------------------------------------

@pytest.mark.parametrize(("query", "service", "dataset"), [
    ("SELECT * {SERVICE <http://x> {}}", True, False),  # a keyword right after a brace
    ("SELECT * { SERVICE <http://x> { ?s ?p ?o } FILTER(true) }", True, False),
    ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", False, True),
    # An escape that turns the unescaped reading into one long string: the raw reading's
    # SERVICE and FROM still count.
    ('SELECT * FROM <http://g> { ?s ?p "\\u0022" . SERVICE <http://x> { } }', True, True),
])
def test_inspect_query_keeps_every_reading(query, service, dataset):
    shape = inspect_query(query)
    assert (shape.service, shape.dataset_clause) == (service, dataset)


def test_an_escape_just_past_unicode_is_not_decoded():
    assert inspect_query("SELECT * {} \\U00110000").form == "SELECT"
    assert inspect_query("SELECT * {} \\U0010FFFF").form == "SELECT"


def test_refusal_messages_are_exact():
    with pytest.raises(QueryError) as update:
        QueryShape("UPDATE", False, False).refuse_unsafe()
    assert str(update.value) == "SPARQL Update is not supported: this graph is read-only"
    with pytest.raises(QueryError) as service:
        QueryShape("SELECT", True, False).refuse_unsafe()
    assert str(service.value) == ("SERVICE (federated query) is disabled: econkg never "
                                  "contacts other endpoints on a query's behalf")


def test_bad_iri_errors_name_the_iri():
    with pytest.raises(QueryError, match=r"'http://x/a b' is not a valid IRI"):
        term_text(URIRef("http://x/a b"))
    with pytest.raises(QueryError, match=r"'not an iri' is not a valid IRI"):
        to_oxigraph(URIRef("not an iri"))


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?o { ?x ?p ?o }", f"SELECT ?o {{ <{EX}a> ?p ?o }}"),
    ("SELECT DISTINCT ?x WHERE { ?x ?p ?o }",
     f"SELECT DISTINCT (<{EX}a> AS ?x) WHERE {{ <{EX}a> ?p ?o }}"),
    ("ASK WHERE { ?x ?p ?o }", f"ASK WHERE {{ <{EX}a> ?p ?o }}"),
    ("ASK { ?x ?p ?o }", f"ASK {{ <{EX}a> ?p ?o }}"),
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
     f"CONSTRUCT {{ <{EX}a> ?p ?o }} WHERE {{ <{EX}a> ?p ?o }}"),
])
def test_substitute_bindings_outside_a_projection(query, expected):
    assert substitute_bindings(query, {"x": A}) == expected


def test_an_interval_of_three_parts_names_the_bad_part():
    from econkg.periods import parse_period

    with pytest.raises(ValueError, match=r"'2026/2027' is not an ISO period"):
        parse_period("2025/2026/2027")


def test_result_kinds_and_variables(stores):
    for store in stores:
        sel = store.query("SELECT ?s ?name WHERE { ?s <http://example.org/name> ?name }")
        assert (sel.kind, sel.variables) == ("SELECT", ["s", "name"])
        ask = store.query("ASK { ?s ?p ?o }")
        assert (ask.kind, ask.boolean) == ("ASK", True)
        built = store.query("CONSTRUCT WHERE { ?s <http://example.org/n> ?o }")
        assert built.kind == "CONSTRUCT"
        assert set(built.graph) == {(A, URIRef(EX + "n"), Literal(3))}


def test_oxigraph_terms_come_back_whole(stores):
    _, ox = stores
    [(b, n)] = ox.query('SELECT (BNODE("k") AS ?b) ?n WHERE { ?s <http://example.org/n> ?n }'
                        ).rows
    assert isinstance(b, BNode) and str(b)
    assert n == Literal("3", datatype=XSD.integer)
    [(lit,)] = ox.query('SELECT ("2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date> AS ?d)'
                        " {}").rows
    assert lit == Literal("2025-01-01", datatype=XSD.date)


def test_oxigraph_runtime_errors_are_query_errors(stores):
    _, ox = stores
    with pytest.raises(QueryError, match=r"^SPARQL (syntax )?error: "):
        ox.query("SELECT ?x WHERE { ?x ?p ?o } LIMIT ?x")


def test_oxigraph_store_on_disk_keeps_its_data(tmp_path):
    ds = Dataset()
    ds.graph(URIRef(EX + "g")).add((A, URIRef(EX + "p"), Literal("v")))
    first = OxigraphStore(tmp_path / "db")
    first.load(ds)
    del first
    again = OxigraphStore(tmp_path / "db")
    assert again.query("ASK { ?s <http://example.org/p> \"v\" }").boolean is True
    assert (tmp_path / "db").is_dir()


def test_memory_store_syntax_error_names_line_and_column(stores):
    mem, _ = stores
    with pytest.raises(QueryError, match=r"^SPARQL syntax error at line 2, column \d+: "):
        mem.query("SELECT ?s\nWHERE { ?s ?p }")


def test_memory_store_gives_the_dataset_back_as_it_was(stores):
    mem, _ = stores
    before = mem.dataset.default_union
    mem.query("SELECT ?s WHERE { ?s ?p ?o }")
    assert mem.dataset.default_union == before
    assert len(mem.query("SELECT ?s WHERE { ?s ?p ?o }").rows) == 4  # the union of graphs


def test_memory_store_construct_keeps_the_prefixes(stores):
    mem, _ = stores
    mem.dataset.bind("ex", EX)
    g = mem.query("CONSTRUCT WHERE { ?s <http://example.org/n> ?o }").graph
    assert ("ex", URIRef(EX)) in set(g.namespaces())


# The remote path: SPARQL JSON results and a real endpoint on loopback -------------------

def test_sparql_json_results():
    from econkg.store import _from_sparql_json

    doc = {"head": {"vars": ["s", "l", "t", "b", "n"]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": EX + "a"},
         "l": {"type": "literal", "value": "丹东", "xml:lang": "zh"},
         "t": {"type": "literal", "value": "3", "datatype": str(XSD.integer)},
         "b": {"type": "bnode", "value": "b0"},
         "n": {"type": "literal", "value": "plain"}},
        {"s": {"type": "uri", "value": EX + "b"}},
    ]}}
    res = _from_sparql_json(doc)
    assert (res.kind, res.variables) == ("SELECT", ["s", "l", "t", "b", "n"])
    assert res.rows == [
        (A, Literal("丹东", lang="zh"), Literal("3", datatype=XSD.integer), BNode("b0"),
         Literal("plain")),
        (URIRef(EX + "b"), None, None, None, None),
    ]
    ask = _from_sparql_json({"head": {}, "boolean": False})
    assert (ask.kind, ask.boolean) == ("ASK", False)


@pytest.fixture
def endpoint():
    """A real HTTP endpoint on 127.0.0.1 that records the request and answers from a table."""
    import http.server
    import threading

    seen: dict[str, object] = {}
    answers: dict[str, tuple[int, str, bytes]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            import urllib.parse

            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen["query"] = urllib.parse.parse_qs(body)["query"][0]
            seen["content_type"] = self.headers["Content-Type"]
            seen["accept"] = self.headers["Accept"]
            status, ctype, payload = answers["next"]
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen, answers
    server.shutdown()
    server.server_close()


def test_remote_store_select_binds_in_the_text(endpoint):
    import json

    from econkg.store import RemoteStore

    url, seen, answers = endpoint
    answers["next"] = (200, "application/sparql-results+json", json.dumps(
        {"head": {"vars": ["o"]}, "results": {"bindings": [
            {"o": {"type": "literal", "value": "v"}}]}}).encode())
    store = RemoteStore(url, timeout=5)
    res = store.query("SELECT ?o WHERE { ?x ?p ?o }", {"x": A})
    assert res.rows == [(Literal("v"),)]
    assert seen["query"] == f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }}"
    assert seen["content_type"] == "application/x-www-form-urlencoded"
    assert seen["accept"] == "application/sparql-results+json, text/turtle;q=0.9"
    assert (store.endpoint, store.timeout) == (url, 5)


def test_remote_store_construct_reads_turtle(endpoint):
    from econkg.store import RemoteStore

    url, _, answers = endpoint
    answers["next"] = (200, "text/turtle", f"<{EX}a> <{EX}p> \"丹东\"@zh .".encode())
    res = RemoteStore(url).query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert res.kind == "CONSTRUCT"
    assert set(res.graph) == {(A, URIRef(EX + "p"), Literal("丹东", lang="zh"))}


def test_remote_store_reports_the_endpoints_error(endpoint):
    from econkg.store import RemoteStore

    url, _, answers = endpoint
    answers["next"] = (400, "text/plain", b"bad query: line 1")
    with pytest.raises(QueryError, match=rf"^{url} answered 400: bad query: line 1$"):
        RemoteStore(url).query("SELECT")


def test_remote_store_unreachable():
    import socket

    from econkg.store import RemoteStore

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/sparql"
    with pytest.raises(QueryError, match=rf"^cannot reach {url}: "):
        RemoteStore(url, timeout=2).query("ASK {}")
