"""Serialise a built dataset deterministically, and write files atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rdflib import Dataset

from .namespaces import bind_prefixes
from .validate import union_graph

FORMATS = {"turtle": "ttl", "trig": "trig", "nt": "nt", "nquads": "nq", "jsonld": "jsonld"}


def serialize(ds: Dataset, fmt: str) -> bytes:
    """Bytes in the given format; equal datasets give equal bytes."""
    if fmt == "turtle":
        g = union_graph(ds)
        bind_prefixes(g)
        return g.serialize(format="longturtle").encode("utf-8")
    if fmt == "nt":
        lines = union_graph(ds).serialize(format="nt").splitlines()
        return ("\n".join(sorted(set(filter(None, lines)))) + "\n").encode("utf-8")
    if fmt == "nquads":
        lines = ds.serialize(format="nquads").splitlines()
        return ("\n".join(sorted(set(filter(None, lines)))) + "\n").encode("utf-8")
    if fmt == "trig":
        return _trig(ds)
    if fmt == "jsonld":
        doc = json.loads(ds.serialize(format="json-ld", auto_compact=False))
        return (json.dumps(_sorted_jsonld(doc), ensure_ascii=False, indent=1, sort_keys=True)
                + "\n").encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _trig(ds: Dataset) -> bytes:
    """TriG with graphs in IRI order, each in longturtle's stable order."""
    from rdflib import Graph

    prefixes: set[str] = set()
    blocks = []
    for ctx in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if len(ctx) == 0:
            continue
        g = Graph()
        bind_prefixes(g)
        for t in ctx:
            g.add(t)
        lines = g.serialize(format="longturtle").splitlines()
        prefixes.update(ln for ln in lines if ln.startswith("PREFIX"))
        body = [("    " + ln if ln else ln) for ln in lines if not ln.startswith("PREFIX")]
        inner = "\n".join(body).strip("\n")
        blocks.append(f"<{ctx.identifier}> {{\n{inner}\n}}\n")
    return ("\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def _sorted_jsonld(doc):
    if isinstance(doc, list):
        items = [_sorted_jsonld(d) for d in doc]
        return sorted(items, key=lambda d: (d.get("@id", "") if isinstance(d, dict) else str(d)))
    if isinstance(doc, dict):
        out = {}
        for k, v in doc.items():
            if isinstance(v, list):
                v = sorted((_sorted_jsonld(x) for x in v),
                           key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
            out[k] = v
        return out
    return doc


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target and rename it into place, so a reader
    never sees half a file and a failed run leaves the old file as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
