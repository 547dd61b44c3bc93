"""What a push would change: the local named graphs set against the remote store's.

Each pushed graph's content hash (an order-free sum of its triples' SHA-256) is kept on the remote
store in one small manifest graph, so a second push sends only what changed and
`--dry-run` can say so without downloading anything. A graph whose remote triple count no
longer matches the manifest (someone edited it by hand) is replaced, not trusted.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .client import Client

MANIFEST_GRAPH = "https://w3id.org/econkg/graph/push-manifest"
PUSH = "https://w3id.org/econkg/push#"


class LocalGraph:
    """One named graph of the local Oxigraph store, read in streaming passes.

    Its digest is order-free (the sum, modulo 2**256, of each triple's SHA-256: a multiset
    hash), so that it can be taken without sorting, or even holding, millions of lines.
    The lines are Oxigraph's own N-Triples serialization (`Store.dump`, written in Rust):
    building each line in Python from the quad's terms cost three times as long, and the
    digest of a push is most of its client-side time on a big statistics graph.
    """

    def __init__(self, store, iri: str):
        self._store = store
        self.iri = iri
        self.count = 0
        self.has_blank_nodes = False
        self._file = None
        total = 0
        sha256 = hashlib.sha256
        for block in self._blocks():
            for line in block.splitlines(keepends=True):
                total += int.from_bytes(sha256(line).digest(), "big")
                # A blank node is a subject (`_:` opens the line) or an object (after the
                # predicate IRI's `>`); a literal holding "> _:" only costs a whole-graph send.
                if not self.has_blank_nodes and (line.startswith(b"_:") or b"> _:" in line):
                    self.has_blank_nodes = True
            self.count += block.count(b"\n")
        self.digest = f"{total % _MOD:064x}"

    def _blocks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The graph as N-Triples, in blocks of whole lines of about `size` bytes.

        The first pass dumps the graph into a temporary file (pyoxigraph writes it with no
        Python in between) that later passes read again, so the graph is serialized once
        per push and memory stays flat however big the graph is."""
        import pyoxigraph as ox

        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (kept across passes)
            self._store.dump(self._file, format=ox.RdfFormat.N_TRIPLES,
                             from_graph=ox.NamedNode(self.iri))
        self._file.seek(0)
        rest = b""
        while buf := self._file.read(size):
            buf = rest + buf
            cut = buf.rfind(b"\n") + 1
            rest = buf[cut:]
            if cut:
                yield buf[:cut]
        if rest:
            yield rest

    def close(self) -> None:
        """Drop the temporary copy (it also goes when the object does)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def chunks(self, size: int) -> Iterator[bytes]:
        """N-Triples bodies of at most `size` triples; a graph with blank nodes goes whole,
        since a blank node split over two requests would become two nodes."""
        if self.has_blank_nodes:
            size = max(self.count, 1)
        batch: list[bytes] = []
        held = 0
        for block in self._blocks():
            lines = block.splitlines(keepends=True)
            at = 0
            while at < len(lines):
                take = lines[at:at + size - held]
                at += len(take)
                batch += take
                held += len(take)
                if held >= size:
                    yield b"".join(batch)
                    batch, held = [], 0
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
