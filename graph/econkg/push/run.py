"""Carry a push plan out: chunks into a staging graph, then one MOVE onto the real graph.

A document's graph is replaced as a whole: a reader that names the graph (GRAPH <g>) sees
the old graph until the MOVE and the new one after it, never half of each, and a push
that dies leaves the old graph as it was. (A store whose default graph is the union of
all graphs, as econkg's questions need, shows the staging graph in that union while it
fills: such readers see old and new together until the MOVE.) A push that stops
(network, kill, a full disk on the server) resumes where it stopped: the state file
records, per store and graph, the content hash, the graph the chunks go into (staging,
or the graph itself with --in-place) and how many it already holds; re-sending a chunk
is harmless because a graph is a set of triples."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .client import Client, PushError
from .plan import MANIFEST_GRAPH, PUSH, Action, LocalGraph

_NOT_IN_IRI = set('<>"{}|^`\\ \t\r\n')


def _iri(value: str) -> str:
    """An IRI written into update text, refused if it could end the IRI early."""
    if not value or _NOT_IN_IRI & set(value) or any(ord(c) < 0x20 for c in value):
        raise PushError(f"{value!r} is not an IRI that can be written into SPARQL")
    return f"<{value}>"


def staging_iri(graph: LocalGraph) -> str:
    return f"urn:econkg:staging:{graph.digest[:32]}"


class State:
    """Resume points, kept in a small JSON file written atomically after every chunk."""

    def __init__(self, path: Path | None, store_key: str):
        self.path = path
        self.key = store_key
        self.data: dict = {}
        if path and path.is_file():
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                self.data = {}

    def done(self, graph: LocalGraph, target: str) -> int:
        """Chunks already sent of this content into this target graph (staging or not)."""
        entry = self.data.get(self.key, {}).get(graph.iri)
        return entry["chunks"] if entry and entry.get("sha256") == graph.digest \
            and entry.get("into", target) == target else 0

    def record(self, graph: LocalGraph, chunks: int | None, target: str = "") -> None:
        store = self.data.setdefault(self.key, {})
        if chunks is None:
            store.pop(graph.iri, None)
        else:
            store[graph.iri] = {"sha256": graph.digest, "chunks": chunks, "into": target}
        if not store:
            self.data.pop(self.key, None)
        self._save()

    def _save(self) -> None:
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".push-state.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.data, fh, indent=1, sort_keys=True)
        os.replace(tmp, self.path)


def push_graph(client: Client, graph: LocalGraph, state: State, chunk_size: int,
               step: Callable[[int], None] = lambda _: None, in_place: bool = False) -> None:
    """Send one graph and make it current; `step(n)` is told of every n triples sent.

    `in_place` skips the staging graph: the first chunk replaces the graph and the others
    are added to it, so the store does the work once instead of twice (the MOVE copies
    every triple again, in one transaction: on an Oxigraph server it costs three times the
    load itself), but readers see the graph fill up while the push runs."""
    atomic = client.urls.update is not None and not in_place
    target = staging_iri(graph) if atomic else graph.iri
    start = state.done(graph, target)
    for i, body in enumerate(graph.chunks(chunk_size)):
        if i < start:
            step(body.count(b"\n"))
            continue
        if i == 0:
            client.put_graph(target, body, bulk=True)
        else:
            client.post_graph(target, body, bulk=True)
        state.record(graph, i + 1, target)
        step(body.count(b"\n"))
    if atomic:
        client.update(f"MOVE SILENT GRAPH {_iri(target)} TO GRAPH {_iri(graph.iri)}")
    _record_hash(client, graph.iri, graph.digest)
    state.record(graph, None)


def remove_graph(client: Client, action: Action) -> None:
    client.delete_graph(action.graph)
    _record_hash(client, action.graph, None)


def _record_hash(client: Client, graph: str, digest: str | None) -> None:
    """Keep the manifest graph in step. With Update, one DELETE/INSERT; without, the
    manifest is rewritten through the Graph Store Protocol."""
    if client.urls.update:
        g = _iri(graph)
        insert = (f"INSERT DATA {{ GRAPH <{MANIFEST_GRAPH}> {{ {g} <{PUSH}sha256> "
                  f"\"{digest}\" }} }}" if digest else "")
        client.update(f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ {g} <{PUSH}sha256> "
                      f"?h }} }}" + (f" ;\n{insert}" if insert else ""))
        return
    rows = client.select(
        f"SELECT ?g ?h WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ ?g <{PUSH}sha256> ?h }} }}")
    entries = {r["g"]: r["h"] for r in rows}
    if digest:
        entries[graph] = digest
    else:
        entries.pop(graph, None)
    body = "".join(f"{_iri(g)} <{PUSH}sha256> \"{h}\" .\n" for g, h in sorted(entries.items()))
    client.put_graph(MANIFEST_GRAPH, body.encode())
