"""Serialise the graph deterministically with Oxigraph's writers, and write files atomically.

Every format starts from the store's N-Quads, sorted: N-Quads lines escape every line break
inside a literal, so sorting them never touches literal text, and Oxigraph's Turtle, TriG,
N-Triples and JSON-LD writers then write the quads in that order. (rdflib's longturtle
writer plus re-indentation used to add spaces inside multi-line literals, and
`str.splitlines` split them at U+2028, U+2029, \\x0b, \\x0c and \\x85.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

FORMATS = {"turtle": "ttl", "trig": "trig", "nt": "nt", "nquads": "nq", "jsonld": "jsonld"}


def _as_store(source: Any):
    from .store import OxigraphStore

    if isinstance(source, OxigraphStore):
        return source
    return OxigraphStore.from_dataset(source)


def sorted_nquads(source: Any) -> list[bytes]:
    """The distinct N-Quads lines of a store (or rdflib Dataset), sorted bytewise."""
    data = _as_store(source).dump_nquads()
    return sorted({ln for ln in data.split(b"\n") if ln})


def serialize(source: Any, fmt: str, lines: list[bytes] | None = None) -> bytes:
    """Bytes in the given format; equal graphs give equal bytes. `source` is an
    OxigraphStore or an rdflib Dataset; `lines`, when the caller has them, its sorted
    N-Quads lines (`sorted_nquads`)."""
    import pyoxigraph as ox

    from .namespaces import PREFIXES

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    lines = sorted_nquads(source) if lines is None else lines
    if fmt == "nquads":
        return b"\n".join(lines) + b"\n" if lines else b""
    prefixes = {p: str(ns) for p, ns in sorted(PREFIXES.items())}
    if fmt in ("trig", "jsonld"):
        # grouped by graph, the lines sorted within each (a stable sort on the graph name,
        # the last term of a line: graph names hold no space); parsed as the writer reads
        # them, so no list of a million quads is ever held
        quads = _parsed(_by_graph(lines, named_only=_named_only(source)))
        if fmt == "jsonld":
            return ox.serialize(quads, format=ox.RdfFormat.JSON_LD) + b"\n"
        return _sorted_header(ox.serialize(quads, format=ox.RdfFormat.TRIG,
                                           prefixes=prefixes))
    quads = ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_QUADS)
    # turtle and nt hold no graph names: the union of the graphs, each triple once
    triples = sorted({f"{q.subject} {q.predicate} {q.object} .".encode() for q in quads})
    if fmt == "nt":
        return b"\n".join(triples) + b"\n" if triples else b""
    parsed = ox.parse(b"\n".join(triples), format=ox.RdfFormat.N_TRIPLES)
    return _sorted_header(ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=prefixes))


def _named_only(source: Any) -> bool:
    """Whether every quad of an Oxigraph store is in a named graph (False when unknown)."""
    from .store import OxigraphStore

    return isinstance(source, OxigraphStore) and not source.store.query("ASK { ?s ?p ?o }")


def _by_graph(lines: list[bytes], named_only: bool = False) -> list[bytes]:
    """The lines grouped by graph name, in name order (each group keeps the lines' order:
    sorted within each graph). When every quad is in a named graph (`named_only`), the
    name is a line's last term; otherwise the names are read by Oxigraph's parser, one
    quad at a time: from the text alone a default-graph line ending in an IRI object
    looks like a named-graph line."""
    groups: dict[str, list[bytes]] = {}
    if named_only:
        for ln in lines:
            name = ln.rsplit(b" ", 2)[1].decode("utf-8")
            group = groups.get(name)
            if group is None:
                group = groups[name] = []
            group.append(ln)
    else:
        for ln, q in zip(lines, _parsed(lines), strict=True):
            groups.setdefault(str(q.graph_name), []).append(ln)
    return [ln for name in sorted(groups) for ln in groups[name]]


def _parsed(lines: list[bytes], batch: int = 100_000):
    """The quads of N-Quads lines, parsed a batch at a time (never one joined copy of all
    the text; blank node labels are kept, so they mean the same node across batches)."""
    import pyoxigraph as ox

    for start in range(0, len(lines), batch):
        yield from ox.parse(b"\n".join(lines[start:start + batch]),
                            format=ox.RdfFormat.N_QUADS)


def _sorted_header(data: bytes) -> bytes:
    """Oxigraph writes the @prefix lines in hash order; sort them (they hold no literal
    text, so this cannot change data), then a blank line before the triples."""
    end = 0
    while data.startswith(b"@prefix ", end):
        end = data.find(b"\n", end) + 1 or len(data)
    header = data[:end].split(b"\n")[:-1]
    return b"\n".join([*sorted(header), b""]) + b"\n" + data[end:]


def file_mode() -> int:
    """The mode a file created by open() would get: 0o666 less the umask (0644 under 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target and rename it into place, so a reader
    never sees half a file and a failed run leaves the old file as it was. The file gets
    the mode the umask gives (mkstemp alone would make it 0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
