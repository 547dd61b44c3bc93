"""Validate a large graph in pieces whose SHACL verdicts add up to the whole graph's.

rudof holds about 7 kB per triple while it validates, so a million-quad graph does not fit
in one go, and pySHACL takes a quarter of an hour over it. A focus node's verdict depends
only on the triples its shapes can reach: its own, those of the nodes its paths lead to,
and the class hierarchy (`rdfs:subClassOf`). `reach(shapes)` reads from the shapes how many
steps from a focus node that is, and `read_predicates` what they read out there; `pieces`
then cuts the union graph by subject, gives each piece every triple of its own subjects
(its *owned* focus nodes), those triples of every node within that many steps, and every
subClassOf triple. A piece is validated on its own (each worker keeps one rudof session for
all its pieces, as rudof's start-up costs more than a small piece's check), and
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
    from rdflib.namespace import SH

    for name in _UNBOUNDED:
        if (None, SH[name], None) in shapes:
            return None
    memo: dict[Node, int | None] = {}
    try:
        return max((_shape_reach(shapes, s, memo, ()) for s in _roots(shapes)), default=0)
    except _Unbounded:
        return None


class _Unbounded(Exception):
    pass


def _roots(shapes: Graph) -> set[Node]:
    """The shapes validation starts from: declared shapes and those with targets."""
    from rdflib import RDF
    from rdflib.namespace import SH

    return set(shapes.subjects(RDF.type, SH.NodeShape)) \
        | set(shapes.subjects(RDF.type, SH.PropertyShape)) \
        | {s for name in ("targetClass", "targetSubjectsOf")
           for s in shapes.subjects(SH[name], None)}


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
    IRIs: rdf:type and subClassOf (sh:class), and the predicates of the path steps and
    comparisons (sh:equals …) that are taken from a node one or more steps out — a second
    step of a sequence path, a sub-shape's own paths. A focus node's own triples are in
    its piece anyway, so the predicates read only there are left out, and a piece carries
    little more than its own triples. None (every predicate) when a shape is closed
    (sh:closed reads all of a node's properties)."""
    from rdflib import RDF, RDFS
    from rdflib.namespace import SH

    if (None, SH.closed, None) in shapes:
        return None
    found = {RDF.type, RDFS.subClassOf}
    seen: set[tuple[Node, int]] = set()

    def path_reads(path: Node, depth: int) -> set[int]:
        """Walk a path from a node `depth` steps out (0, or 1 for "one or more"): the
        depths of the nodes it ends at; the predicates it reads out there go in found."""
        from rdflib import BNode
        from rdflib.collection import Collection

        if not isinstance(path, BNode):
            if depth:
                found.add(path)
            return {1}
        alternatives = shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return set().union(*(path_reads(p, depth) for p in Collection(shapes,
                                                                          alternatives)))
        optional = shapes.value(path, SH.zeroOrOnePath)
        if optional is not None:
            return {depth} | path_reads(optional, depth)
        if (path, RDF.first, None) in shapes:  # a sequence
            ends = {depth}
            for step in Collection(shapes, path):
                ends = set().union(*(path_reads(step, d) for d in ends))
            return ends
        raise _Unbounded

    def shape_at(shape: Node, depth: int) -> None:
        from rdflib.collection import Collection

        if (shape, depth) in seen:
            return
        seen.add((shape, depth))
        path = shapes.value(shape, SH.path)
        ends = path_reads(path, depth) if path is not None else {depth}
        if depth:
            for name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
                found.update(shapes.objects(shape, SH[name]))
        subs = [o for name in _SHAPE_VALUED for o in shapes.objects(shape, SH[name])]
        for name in _SHAPE_LISTS:
            for lst in shapes.objects(shape, SH[name]):
                subs.extend(Collection(shapes, lst))
        subs.extend(shapes.objects(shape, SH.property))
        for sub in subs:
            for d in ends:
                shape_at(sub, d)

    try:
        for root in _roots(shapes):
            shape_at(root, 0)
    except _Unbounded:
        return None
    return {f"<{p}>".encode() for p in found}


def pieces(ntriples: bytes, steps: int, size: int,
           predicates: set[bytes] | None = None) -> Iterator[tuple[set[str], bytes]]:
    """(owned focus nodes as rudof names them, the piece as N-Triples), each piece owning
    about `size` triples. `ntriples` is sorted (as `pipeline.union_ntriples` writes it),
    so a subject's triples are one run of lines, and related ids sit near each other;
    a piece owns a run of subjects. Of the nodes around the owned ones, only triples with
    `predicates` are taken (all when None).

    What is indexed is small beside the graph: where each line starts, and each subject's
    run of lines; lines are cut from `ntriples` when a piece is written."""
    from array import array

    import numpy as np

    if ntriples[-1:] not in (b"", b"\n"):
        ntriples += b"\n"
    # where each line starts and ends: 8 bytes a line, not a list of a million objects
    bounds = np.concatenate(([0], np.flatnonzero(
        np.frombuffer(ntriples, dtype=np.uint8) == 10) + 1)).astype(np.int64)
    starts, ends = array("q", bounds[:-1].tobytes()), array("q", bounds[1:].tobytes())
    subjects: list[bytes] = []  # in line order
    runs: dict[bytes, tuple[int, int]] = {}  # subject: its first line, the one after
    shared: list[int] = []  # every subClassOf line, in every piece
    first = 0
    previous = b""
    for i, start in enumerate(starts):
        cut = ntriples.find(b" ", start)
        subject = ntriples[start:cut]
        if subject != previous:
            if previous:
                runs[previous] = (first, i)
            if subject in runs:
                raise ValueError("pieces() needs sorted N-Triples: the lines of "
                                 f"{subject.decode('utf-8', 'replace')} are not together")
            subjects.append(subject)
            previous, first = subject, i
        if ntriples.startswith(SUBCLASS_OF, cut + 1):
            shared.append(i)
    if previous:
        runs[previous] = (first, len(starts))

    def line(i: int) -> bytes:
        return ntriples[starts[i]:ends[i]]

    def around(node: bytes) -> list[int]:
        """The lines of `node` a shape may read when it is not the focus node."""
        a, b = runs[node]
        if predicates is None:
            return list(range(a, b))
        return [i for i in range(a, b) if line(i).split(b" ", 2)[1] in predicates]

    def objects(lines: list[int]) -> Iterator[bytes]:
        for i in lines:
            o = line(i).split(b" ", 2)[2][:-2].rstrip()  # `o .\n`
            if o[:1] == b"<" or o[:2] == b"_:":
                yield o

    k = 0
    while k < len(subjects):
        first_subject = k
        count = 0
        while k < len(subjects) and (count < size or k == first_subject):
            a, b = runs[subjects[k]]
            count += b - a
            k += 1
        owned = subjects[first_subject:k]
        lo, hi = runs[owned[0]][0], runs[owned[-1]][1]
        taken = set(owned)
        extra: list[int] = []
        frontier = list(range(lo, hi))
        for _ in range(steps):
            nxt: list[int] = []
            for o in objects(frontier):
                if o not in taken and o in runs:
                    taken.add(o)
                    nxt.extend(around(o))
            extra.extend(nxt)
            frontier = nxt
        extra.extend(i for i in shared if not lo <= i < hi)
        names = {s[1:-1].decode("utf-8") if s[:1] == b"<" else s.decode("utf-8")
                 for s in owned}
        yield names, ntriples[starts[lo]:ends[hi - 1]] + b"".join(
            line(i) for i in sorted(set(extra)))


def focus_name(node: Node) -> str:
    """A focus node as rudof names it: the IRI, or `_:label`."""
    from rdflib import BNode

    return f"_:{node}" if isinstance(node, BNode) else str(node)


def validate_in_pieces(ntriples: bytes, shapes_ttl: str, steps: int, size: int = 4_000,
                       workers: int = 2, predicates: set[bytes] | None = None,
                       session=None):
    """rudof over each piece (two at a time: rudof releases the GIL): (conforms, the
    owned focus nodes' violations, the pieces that have any). Each worker keeps one rudof
    session for all its pieces (`session`, when given, is the first of them)."""
    import queue
    from concurrent.futures import ThreadPoolExecutor

    from .validate import RudofSession

    sessions: queue.SimpleQueue = queue.SimpleQueue()
    if session is not None and session.shapes == shapes_ttl:
        sessions.put(session)

    def one(piece: tuple[set[str], bytes]):
        owned, data = piece
        try:
            mine = sessions.get_nowait()
        except queue.Empty:
            mine = RudofSession(shapes_ttl)
        try:
            verdict = mine.check(data)
        finally:
            sessions.put(mine)
        kept = [v for v in verdict[1] if v.focus in owned]
        return kept, (owned, data) if kept else None

    violations, failing = [], []

    def collect(future) -> None:
        kept, bad = future.result()
        violations.extend(kept)
        failing.extend([bad] if bad else [])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        # a few pieces cut ahead (a piece's text is small; rudof's memory comes with
        # reading it), so that a worker finds its next piece ready while the caller's
        # thread holds the GIL
        pending = []
        for piece in pieces(ntriples, steps, size, predicates):
            pending.append(pool.submit(one, piece))
            if len(pending) >= 2 * workers:
                collect(pending.pop(0))
        for future in pending:
            collect(future)
    # a focus node is owned by one piece only, so nothing is counted twice
    return not violations, sorted(violations, key=lambda v: (v.focus, v.path,
                                                             v.message)), failing
