"""What a push would change: the local named graphs set against the remote store's.

Each pushed graph's content hash (SHA-256 of its sorted N-Triples) is kept on the remote
store in one small manifest graph, so a second push sends only what changed and
`--dry-run` can say so without downloading anything. A graph whose remote triple count no
longer matches the manifest (someone edited it by hand) is replaced, not trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .client import Client

MANIFEST_GRAPH = "https://w3id.org/econkg/graph/push-manifest"
PUSH = "https://w3id.org/econkg/push#"


@dataclass
class LocalGraph:
    iri: str
    lines: list[bytes]  # sorted N-Triples lines, each ending in b"\n"
    has_blank_nodes: bool = False
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        h = hashlib.sha256()
        for line in self.lines:
            h.update(line)
        self.digest = h.hexdigest()

    def chunks(self, size: int) -> list[bytes]:
        """N-Triples bodies of at most `size` triples; a graph with blank nodes goes whole,
        since a blank node split over two requests would become two nodes."""
        if self.has_blank_nodes or not self.lines:
            return [b"".join(self.lines)]
        return [b"".join(self.lines[i:i + size]) for i in range(0, len(self.lines), size)]


@dataclass(frozen=True)
class Action:
    graph: str
    kind: str  # "add", "replace", "unchanged", "remove"
    triples: int
    reason: str = ""


def local_graphs(nquads: bytes) -> list[LocalGraph]:
    """Split an N-Quads document by graph, with pyoxigraph's parser and serialiser (the
    default graph, if any, is pushed nowhere: every econkg triple lives in a named graph)."""
    import pyoxigraph as ox

    by_graph: dict[str, list] = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            continue
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    out = []
    for iri in sorted(by_graph):
        triples = by_graph[iri]
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        lines = sorted(set(text.splitlines(keepends=True)))
        blank = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
                    for t in triples)
        out.append(LocalGraph(iri, lines, blank))
    return out


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
        n = len(g.lines)
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
