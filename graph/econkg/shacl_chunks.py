"""Validate a large graph in pieces whose SHACL verdicts add up to the whole graph's.

rudof holds about 7 kB per triple while it validates, so a million-quad graph does not fit
in one go, and pySHACL takes a quarter of an hour over it. A focus node's verdict depends
only on the triples its shapes can reach: its own, those of the nodes its paths lead to,
and the class hierarchy (`rdfs:subClassOf`). `reach(shapes)` reads from the shapes how many
steps from a focus node that is; `pieces` then cuts the union graph by subject, gives each
piece every triple of its own subjects (its *owned* focus nodes), the triples of every node
within that many steps, and every subClassOf triple. A piece is validated on its own, and
only its owned focus nodes' results are kept: each of those saw all it can see in the
whole graph, so the union of the kept results is the whole graph's answer (tests hold the
two to the same results on every shape case and on the seeds).

Shapes that can look further than a fixed number of steps, or backwards (inverse and
`*`/`+` paths, SPARQL constraints, targets that are not subjects), have no such bound:
`reach` says None and the graph is validated whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

SUBCLASS_OF = b"<http://www.w3.org/2000/01/rdf-schema#subClassOf>"

# constraints whose value nodes are checked against a shape of their own
_SHAPE_VALUED = ("node", "qualifiedValueShape", "not")
_SHAPE_LISTS = ("or", "and", "xone")
# what no fixed number of steps bounds (or what is not a subject of the focus node)
_UNBOUNDED = ("inversePath", "zeroOrMorePath", "oneOrMorePath", "sparql", "targetNode",
              "targetObjectsOf", "target")


def reach(shapes: Graph) -> int | None:
    """The most steps from a focus node to a node whose own triples some shape reads (0:
    only the focus node's own triples), or None when the shapes have no such bound."""
    from rdflib import RDF
    from rdflib.namespace import SH

    for name in _UNBOUNDED:
        if (None, SH[name], None) in shapes:
            return None
    roots = set(shapes.subjects(RDF.type, SH.NodeShape)) \
        | set(shapes.subjects(RDF.type, SH.PropertyShape)) \
        | {s for name in ("targetClass", "targetSubjectsOf")
           for s in shapes.subjects(SH[name], None)}
    memo: dict[Node, int | None] = {}
    try:
        return max((_shape_reach(shapes, s, memo, ()) for s in roots), default=0)
    except _Unbounded:
        return None


class _Unbounded(Exception):
    pass


def _shape_reach(shapes: Graph, shape: Node, memo: dict, seen: tuple) -> int:
    """Steps a shape reads from its focus node (a node shape, or a property shape)."""
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    if shape in seen:  # a shape that refers back to itself walks as far as the data goes
        raise _Unbounded
    if shape in memo:
        return memo[shape]
    seen = (*seen, shape)
    path = shapes.value(shape, SH.path)
    steps = _path_length(shapes, path) if path is not None else 0
    # the value nodes are `steps` away: reaching them reads the triples of the nodes
    # before them; a value node's own triples are read only by sh:class and sub-shapes
    deepest = max(steps - 1, 0)
    if (shape, SH["class"], None) in shapes:
        deepest = max(deepest, steps)
    subs = [o for name in _SHAPE_VALUED for o in shapes.objects(shape, SH[name])]
    for name in _SHAPE_LISTS:
        for lst in shapes.objects(shape, SH[name]):
            subs.extend(Collection(shapes, lst))
    for sub in subs:
        deepest = max(deepest, steps + _shape_reach(shapes, sub, memo, seen))
    for prop in shapes.objects(shape, SH.property):
        deepest = max(deepest, steps + _shape_reach(shapes, prop, memo, seen))
    memo[shape] = deepest
    return deepest


def _path_length(shapes: Graph, path: Node) -> int:
    from rdflib import RDF, BNode
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    if not isinstance(path, BNode):
        return 1  # a predicate
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return max((_path_length(shapes, p) for p in Collection(shapes, alternatives)),
                   default=0)
    optional = shapes.value(path, SH.zeroOrOnePath)
    if optional is not None:
        return _path_length(shapes, optional)
    if (path, RDF.first, None) in shapes:  # a sequence
        return sum(_path_length(shapes, p) for p in Collection(shapes, path))
    raise _Unbounded  # a kind of path this reading does not know


def read_predicates(shapes: Graph) -> set[bytes] | None:
    """The predicates a shape can read of a node other than its focus node, as N-Triples
    IRIs: those on its paths, those it compares (sh:equals …), rdf:type and subClassOf
    (classes and targets); None (every predicate) when a shape is closed (sh:closed reads
    all of a node's properties)."""
    from rdflib import RDF, RDFS, URIRef
    from rdflib.namespace import SH

    if (None, SH.closed, None) in shapes:
        return None
    found = {RDF.type, RDFS.subClassOf}
    for name in ("path", "equals", "disjoint", "lessThan", "lessThanOrEquals"):
        for o in shapes.objects(None, SH[name]):
            if isinstance(o, URIRef):
                found.add(o)
    # the steps of sequence and alternative paths are list members
    for o in [*shapes.objects(None, RDF.first), *shapes.objects(None, SH.zeroOrOnePath)]:
        if isinstance(o, URIRef):
            found.add(o)
    return {f"<{p}>".encode() for p in found}


def _terms(line: bytes) -> tuple[bytes, bytes, bytes]:
    """Subject, predicate and object of one N-Triples line (`s p o .`)."""
    s, p, rest = line.split(b" ", 2)
    return s, p, rest[:-2].rstrip()


def pieces(ntriples: bytes, steps: int, size: int,
           predicates: set[bytes] | None = None) -> Iterator[tuple[set[str], bytes]]:
    """(owned focus nodes as rudof names them, the piece as N-Triples), each piece owning
    about `size` triples. Subjects are taken in the order the lines come (sorted N-Triples
    keep a subject's triples together, and related ids near each other). Of the nodes
    around the owned ones, only triples with `predicates` are taken (all when None)."""
    lines = ntriples.splitlines()
    by_subject: dict[bytes, list[int]] = {}  # every triple of a subject
    around: dict[bytes, list[int]] = {}  # the triples a shape may read of a non-focus node
    objects: list[bytes] = []
    shared: list[int] = []
    for i, line in enumerate(lines):
        s, p, o = _terms(line)
        by_subject.setdefault(s, []).append(i)
        if predicates is None or p in predicates:
            around.setdefault(s, []).append(i)
        objects.append(o if o[:1] == b"<" or o[:2] == b"_:" else b"")
        if p == SUBCLASS_OF:
            shared.append(i)
    order = list(by_subject)
    start = 0
    while start < len(order):
        owned: list[bytes] = []
        count = 0
        while start < len(order) and (count < size or not owned):
            owned.append(order[start])
            count += len(by_subject[order[start]])
            start += 1
        taken = set(owned)
        chosen = [i for s in owned for i in by_subject[s]]
        frontier = chosen
        for _ in range(steps):
            nxt = []
            for i in frontier:
                o = objects[i]
                if o and o not in taken and o in around:
                    taken.add(o)
                    nxt.extend(around[o])
            chosen.extend(nxt)
            frontier = nxt
        chosen.extend(shared)
        names = {s[1:-1].decode("utf-8") if s[:1] == b"<" else s.decode("utf-8")
                 for s in owned}
        yield names, b"".join(lines[i] + b"\n" for i in sorted(set(chosen)))


def focus_name(node: Node) -> str:
    """A focus node as rudof names it: the IRI, or `_:label`."""
    from rdflib import BNode

    return f"_:{node}" if isinstance(node, BNode) else str(node)


def validate_in_pieces(ntriples: bytes, shapes_ttl: str, steps: int, size: int = 4_000,
                       workers: int = 2, predicates: set[bytes] | None = None):
    """rudof over each piece (two at a time: rudof releases the GIL): (conforms, the
    owned focus nodes' violations, the pieces that have any)."""
    from concurrent.futures import ThreadPoolExecutor

    from .validate import conforms

    def one(piece: tuple[set[str], bytes]):
        owned, data = piece
        verdict = conforms(data, shapes_ttl)
        if verdict is None:
            raise RuntimeError("pyrudof is not installed")
        kept = [v for v in verdict[1] if v.focus in owned]
        return kept, (owned, data) if kept else None

    violations, failing = [], []

    def collect(future) -> None:
        kept, bad = future.result()
        violations.extend(kept)
        failing.extend([bad] if bad else [])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        # at most `workers` pieces are held at once beyond the one being cut
        pending = []
        for piece in pieces(ntriples, steps, size, predicates):
            pending.append(pool.submit(one, piece))
            if len(pending) >= workers:
                collect(pending.pop(0))
        for future in pending:
            collect(future)
    # a focus node is owned by one piece only, so nothing is counted twice
    return not violations, sorted(violations, key=lambda v: (v.focus, v.path,
                                                             v.message)), failing
