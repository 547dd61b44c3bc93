"""Validating a large graph in pieces gives the whole graph's verdict: how far shapes read
(`reach`), which predicates they read of other nodes, how pieces are cut, and the verdicts
of pieces against the whole graph's on every shape case at once and on the seeds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from econkg.ontology import load_ontology, load_shapes
from econkg.resources import ontology_dir
from econkg.shacl_chunks import focus_name, pieces, reach, read_predicates, validate_in_pieces

pytest.importorskip("pyrudof")

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SHAPE_CASES = sorted((Path(__file__).parent / "shapes").glob("*.ttl"))


def _shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


@pytest.mark.parametrize(("shapes", "steps"), [
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
     "sh:datatype xsd:string ] .", 0),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:class ex:D .", 0),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
     "sh:class ex:D ] .", 1),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; "
     "sh:minCount 1 ] .", 1),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; "
     "sh:class ex:D ] .", 2),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ "
     "sh:alternativePath ( ex:p ( ex:q ex:r ex:s ) ) ] ; sh:minCount 1 ] .", 2),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
     "sh:node ex:T ] . ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:class ex:D ] .",
     2),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:or ( "
     "[ sh:datatype xsd:string ] [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ] ) ] .", 1),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:not [ "
     "sh:class ex:D ] ] .", 1),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ "
     "sh:zeroOrOnePath ex:p ] ; sh:class ex:D ] .", 1),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
     "sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ] .", 1),
    ("ex:P a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ( ex:p ex:q ) ; "
     "sh:class ex:D .", 2),
    ("ex:P sh:targetSubjectsOf ex:p ; sh:path ex:p ; sh:class ex:D .", 1),
    # no bound: backwards, arbitrarily far, or a shape that refers to itself
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ "
     "sh:inversePath ex:p ] ; sh:minCount 1 ] .", None),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ "
     "sh:oneOrMorePath ex:p ] ; sh:minCount 1 ] .", None),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ "
     "sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ] .", None),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
     "sh:node ex:S ] .", None),
    ("ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:property [ sh:path ex:p ; "
     "sh:minCount 1 ] .", None),
    ("ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:property [ sh:path ex:q ; "
     "sh:minCount 1 ] .", None),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this {}\" ] .",
     None),
])
def test_reach(shapes, steps):
    assert reach(_shapes(shapes)) == steps


def test_the_projects_shapes_read_one_step_out():
    assert reach(load_shapes()) == 1


@pytest.mark.parametrize(("shapes", "read"), [
    # read at the focus node only: in its piece anyway
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:r ; "
     "sh:lessThan ex:t ] , [ sh:path [ sh:alternativePath ( ex:u ex:v ) ] ] , "
     "[ sh:path [ sh:zeroOrOnePath ex:w ] ; sh:class ex:D ] .", ""),
    # the second step of a sequence, also behind an optional first step
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ] .",
     "q"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( [ "
     "sh:zeroOrOnePath ex:p ] ex:q ) ] .", "q"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ "
     "sh:alternativePath ( ex:u ( ex:v ex:w ) ) ] ] .", "w"),
    # a sub-shape's paths and comparisons, read at the value nodes
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
     "sh:node ex:T ] . ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; "
     "sh:equals ex:r ] .", "qr"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:or ( "
     "[ sh:datatype xsd:string ] [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ] ) ] .",
     "q"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
     "sh:qualifiedValueShape [ sh:property [ sh:path ex:q ; sh:lessThanOrEquals ex:t ] ] ; "
     "sh:qualifiedMinCount 1 ] .", "qt"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:not [ "
     "sh:property [ sh:path ( ex:q ex:s ) ] ] ] .", "qs"),
    # the focus node's own sub-shapes stay at the focus node
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:and ( [ sh:property [ sh:path ex:p ; "
     "sh:disjoint ex:q ] ] ) .", ""),
])
def test_read_predicates(shapes, read):
    names = {p.decode() for p in read_predicates(_shapes(shapes))}
    assert names == {f"<http://example.org/{x}>" for x in read} | {
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"}


def test_read_predicates_of_closed_or_unbounded_shapes_are_all():
    assert read_predicates(_shapes("ex:S a sh:NodeShape ; sh:closed true .")) is None
    assert read_predicates(_shapes(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ "
        "sh:oneOrMorePath ex:p ] ] .")) is None


def test_the_projects_shapes_read_only_classes_of_other_nodes():
    assert {p.decode() for p in read_predicates(load_shapes())} == {
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"}


EX = "http://example.org/"
T = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUB = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


def _nt(*triples: tuple[str, str, str]) -> bytes:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(triples)).encode()


def test_pieces_own_each_subject_once_and_carry_what_shapes_read_around_it():
    a, b, c, d = (f"<{EX}{x}>" for x in "abcd")
    data = _nt((a, T, f"<{EX}C>"), (a, f"<{EX}p>", b), (a, f"<{EX}name>", '"A b ."'),
               (b, T, f"<{EX}D>"), (b, f"<{EX}secret>", '"x"'), (b, f"<{EX}p>", c),
               (c, T, f"<{EX}D>"), (d, f"<{EX}p>", "_:z"), ("_:z", T, f"<{EX}D>"),
               (f"<{EX}D>", SUB, f"<{EX}E>"))
    keep = {f"<{EX}p>".encode(), T.encode(), SUB.encode()}
    cut = list(pieces(data, 1, 2, keep))
    owned = [name for names, _ in cut for name in names]
    assert sorted(owned) == sorted([f"{EX}{x}" for x in "abcdD"] + ["_:z"])
    assert len(owned) == len(set(owned))
    # in line order: D (one triple, the piece not yet full), then a (three: full)
    assert [sorted(names) for names, _ in cut] == [
        [EX + "D", EX + "a"], [EX + "b"], [EX + "c", EX + "d"], ["_:z"]]
    lines = set(cut[0][1].decode().splitlines())
    assert f'{a} <{EX}name> "A b ." .' in lines  # all of its own triples
    assert f"{b} {T} <{EX}D> ." in lines and f"{b} <{EX}p> {c} ." in lines  # one step out
    assert f'{b} <{EX}secret> "x" .' not in lines  # no shape reads it of another node
    assert f"{c} {T} <{EX}D> ." not in lines  # two steps out
    assert all(f"<{EX}D> {SUB} <{EX}E> ." in p.decode() for _, p in cut)  # classes: always
    # zero steps: own triples (and the class hierarchy) only
    alone = dict((frozenset(n), p) for n, p in pieces(data, 0, 1, keep))
    assert set(alone[frozenset({EX + "a"})].decode().splitlines()) == {
        f"{a} {T} <{EX}C> .", f"{a} <{EX}p> {b} .", f'{a} <{EX}name> "A b ." .',
        f"<{EX}D> {SUB} <{EX}E> ."}
    # every predicate when a shape is closed
    everything = next(pieces(data, 1, 2, None))[1].decode()
    assert f'{b} <{EX}secret> "x" .' in everything


def test_pieces_of_nothing_and_of_unsorted_lines():
    a, b = f"<{EX}a>", f"<{EX}b>"
    assert list(pieces(b"", 1, 10)) == []
    # the last line without its newline is still a line
    [(names, data)] = pieces(f"{a} {T} {b} .".encode(), 1, 10)
    assert names == {EX + "a"} and data == f"{a} {T} {b} .\n".encode()
    with pytest.raises(ValueError, match=r"sorted N-Triples: the lines of <http://example\.org/a>"):
        list(pieces(f"{a} {T} {b} .\n{b} {T} {a} .\n{a} {SUB} {b} .\n".encode(), 1, 10))


def test_a_rudof_session_checks_many_graphs_each_on_its_own():
    """A session keeps the shapes and rolls each graph back after its check: a graph
    checked after a broken one is judged alone."""
    from econkg.pipeline import warm_rudof
    from econkg.validate import RudofSession

    shapes = (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8")
    session = RudofSession(shapes)
    cite = "<https://w3id.org/econkg/id/c1>"
    broken = _nt((cite, T, "<https://w3id.org/econkg/ontology#Citation>"))
    ok, found = session.check(broken)
    assert ok is False and {v.focus for v in found} == {cite[1:-1]}
    assert session.check(_nt((f"<{EX}a>", f"<{EX}p>", f"<{EX}b>"))) == (True, [])
    assert session.check(broken)[0] is False
    wait = warm_rudof()
    first = wait()
    assert isinstance(first, RudofSession) and wait() is None  # handed out once


def test_a_session_made_with_other_shapes_is_not_used(built):
    """A session warmed before the shapes file changed never judges the build: the
    pieces and the whole-graph check make their own."""
    from econkg import pipeline
    from econkg.validate import RudofSession

    stale = RudofSession(PREFIXES + "ex:S a sh:NodeShape .")  # no targets: all conforms
    shapes = (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8")
    cite = "<https://w3id.org/econkg/id/c1>"
    broken = _nt((cite, T, "<https://w3id.org/econkg/ontology#Citation>"))
    ok, found, _ = validate_in_pieces(broken, shapes, 1, session=stale)
    assert ok is False and {v.focus for v in found} == {cite[1:-1]}
    # (pySHACL, judging the seeds the quads hold, finds nothing; rudof's findings stand)
    violations, report = pipeline._decide(built.quads, 1, broken, shapes.encode(), "k",
                                          load_shapes(), stale)
    assert report["conforms"] is False and {v.focus for v in violations} == {cite[1:-1]}


def test_focus_names_are_rudofs():
    from rdflib import BNode, URIRef

    assert focus_name(URIRef(EX + "a")) == EX + "a"
    assert focus_name(BNode("z")) == "_:z"


def _every_case_in_one_graph() -> bytes:
    """Each case's own nodes renamed (kg:x becomes kg:c007-x), so that the cases sit side
    by side as they were written."""
    g = load_ontology()
    for i, case in enumerate(SHAPE_CASES):
        text = case.read_text(encoding="utf-8").replace("https://w3id.org/econkg/id/",
                                                        f"https://w3id.org/econkg/id/c{i:03}-")
        g.parse(data=text, format="turtle")
    lines = {ln for ln in g.serialize(format="nt").splitlines() if ln.strip()}
    return "".join(ln + "\n" for ln in sorted(lines)).encode()


def _outcome(violations) -> Counter:
    # rudof names a shape's blank nodes anew on every read, so messages are left out
    return Counter((v.focus, v.path, v.severity) for v in violations)


def test_pieces_give_the_whole_graphs_verdict_on_every_shape_case():
    from econkg.validate import conforms

    data = _every_case_in_one_graph()
    shapes_graph = load_shapes()
    shapes = (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8")
    whole_ok, whole = conforms(data, shapes)
    assert not whole_ok and len({v.focus for v in whole}) > 80
    for size in (60, 700):
        ok, found, failing = validate_in_pieces(data, shapes, reach(shapes_graph), size=size,
                                                predicates=read_predicates(shapes_graph))
        assert ok is False
        assert _outcome(found) == _outcome(whole), size
        assert {v.focus for v in found} <= {n for names, _ in failing for n in names}


def test_a_large_build_is_validated_in_pieces_with_pyshacls_report(built, monkeypatch):
    """Above rudof's size limit the build validates in pieces; on a violation pySHACL
    writes the report of the failing pieces, and it is the whole graph's report."""
    from rdflib import Literal, URIRef

    from econkg import pipeline
    from econkg.namespaces import KG
    from econkg.quadsink import QuadSink
    from econkg.validate import validate

    monkeypatch.setattr(pipeline, "RUDOF_MAX_QUADS", 1000)
    violations, report = pipeline.check_shapes_of(built.quads, built.lines)
    assert (violations, report["conforms"], report["engine"]) == ([], True, "rudof, in pieces")
    # the seeds with one label too many: one entity breaks EntityShape
    sink = QuadSink()
    sink.quads = [*built.quads.quads, (KG.dandong, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"), Literal("Andong", lang="en"),
        URIRef("urn:test"))]
    extra = b'<%s> <http://www.w3.org/2000/01/rdf-schema#label> "Andong"@en <urn:test> .' \
        % str(KG.dandong).encode()
    violations, report = pipeline.check_shapes_of(sink, sorted([*built.lines, extra]))
    assert report == {"key": report["key"], "conforms": False, "engine": "pyshacl, in pieces"}
    whole = validate(sink.union_graph(), load_shapes())
    assert violations == whole and [v.focus for v in violations] == ["kg:dandong"]
