"""What a push would change: the local named graphs set against the remote store's.

Each pushed graph's content hash (an order-free sum of its triples' SHA-256) is kept on the remote
store in one small manifest graph, so a second push sends only what changed and
`--dry-run` can say so without downloading anything. A graph whose remote triple count no
longer matches the manifest (someone edited it by hand) is replaced, not trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .client import Client

MANIFEST_GRAPH = "https://w3id.org/econkg/graph/push-manifest"
PUSH = "https://w3id.org/econkg/push#"


class LocalGraph:
    """One named graph of the local Oxigraph store, read in a streaming pass.

    Its digest is order-free (the sum, modulo 2**256, of each triple's SHA-256: a multiset
    hash), so that it can be taken without sorting, or even holding, millions of lines.
    """

    def __init__(self, store, iri: str):
        import pyoxigraph as ox

        self._ox = ox
        self._store = store
        self.iri = iri
        self.count = 0
        self.has_blank_nodes = False
        total = 0
        for line, blank in self._lines():
            total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % _MOD
            self.count += 1
            self.has_blank_nodes |= blank
        self.digest = f"{total:064x}"

    def _lines(self) -> Iterator[tuple[bytes, bool]]:
        ox = self._ox
        for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(self.iri)):
            blank = isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
            yield f"{q.subject} {q.predicate} {q.object} .\n".encode(), blank

    def chunks(self, size: int) -> Iterator[bytes]:
        """N-Triples bodies of at most `size` triples; a graph with blank nodes goes whole,
        since a blank node split over two requests would become two nodes."""
        if self.has_blank_nodes:
            size = max(self.count, 1)
        batch: list[bytes] = []
        for line, _ in self._lines():
            batch.append(line)
            if len(batch) >= size:
                yield b"".join(batch)
                batch = []
        if batch or not self.count:
            yield b"".join(batch)

    def chunk_count(self, size: int) -> int:
        return 1 if self.has_blank_nodes or not self.count else -(-self.count // size)


_MOD = 2 ** 256


@dataclass(frozen=True)
class Action:
    graph: str
    kind: str  # "add", "replace", "unchanged", "remove"
    triples: int
    reason: str = ""


def local_graphs(store) -> list[LocalGraph]:
    """Every named graph of a pyoxigraph Store (the default graph, if any, is pushed
    nowhere: every econkg triple lives in a named graph)."""
    import pyoxigraph as ox

    names = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return [LocalGraph(store, iri) for iri in names]


def remote_state(client: Client) -> tuple[dict[str, str], dict[str, int]]:
    """(graph → hash recorded by the last push, graph → triples the store holds now)."""
    hashes = {r["g"]: r["h"] for r in client.select(
        f"SELECT ?g ?h WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ ?g <{PUSH}sha256> ?h }} }}")}
    counts: dict[str, int] = {}
    for row in client.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        try:
            counts[row["g"]] = int(row["n"])
        except (KeyError, ValueError):
            continue
    return hashes, counts


def make_plan(local: Iterable[LocalGraph], hashes: dict[str, str], counts: dict[str, int],
              only: set[str] | None = None) -> list[Action]:
    """One action per graph. Graphs the manifest lists but the build no longer has are
    removed; graphs the store holds that econkg never pushed are left alone."""
    actions = []
    local = list(local)
    names = {g.iri for g in local}
    for g in local:
        if only and g.iri not in only:
            continue
        n = g.count
        if g.iri not in hashes:
            if counts.get(g.iri):
                actions.append(Action(g.iri, "replace", n, "not pushed by econkg before"))
            else:
                actions.append(Action(g.iri, "add", n))
        elif hashes[g.iri] != g.digest:
            actions.append(Action(g.iri, "replace", n, "content changed"))
        elif counts.get(g.iri, 0) != n:
            actions.append(Action(g.iri, "replace", n,
                                  f"the store holds {counts.get(g.iri, 0)} triples, not {n}"))
        else:
            actions.append(Action(g.iri, "unchanged", n))
    for iri in sorted(set(hashes) - names):
        if not only or iri in only:
            actions.append(Action(iri, "remove", counts.get(iri, 0), "no longer in the build"))
    return actions
