"""The query worker process: holds a copy of the graph and answers one job at a time.

It is started by the pool (pool.py), isolates itself (isolation.py) before it reads any
query, and runs the engine on a thread with a large stack, so that nesting which slips
past the text check (store.inspect_query) has far more room before the stack overflows.
"""

from __future__ import annotations

import os
from typing import Any

from .isolation import isolate, limit_memory, network_denied
from .negotiation import GRAPH_TYPES, ROW_TYPES
from .writers import write_solutions

ENGINE_STACK = 64 << 20  # bytes; the main thread's 8 MiB overflows at ~2 500 nested {
SERVICE_REFUSED = ("SERVICE (federated query) is disabled on this endpoint; it never "
                   "contacts other endpoints")


def worker_main(conn, memory_mb: int, isolate_network: bool) -> None:
    """Entry point of a worker: isolate, load the graph sent by the parent, answer jobs."""
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    import pyoxigraph as ox  # before isolating: nothing is read from disk after that

    network = isolate(isolate_network)
    limit_memory(memory_mb)
    threading.stack_size(ENGINE_STACK)
    thread = threading.Thread(target=_serve, args=(ox, conn, network), daemon=True)
    thread.start()
    thread.join()


def _serve(ox, conn, network: str) -> None:
    digest, prefixes = conn.recv()
    from . import preload

    if digest.startswith("store:"):  # a published on-disk store: open it, load nothing
        store = ox.Store.read_only(digest.removeprefix("store:"))
    elif preload.STORE is not None and digest == preload.DIGEST:
        store = preload.STORE  # forked with the graph in memory already
    else:
        conn.send(("need data", None))
        data = conn.recv()
        store = ox.Store()
        store.load(data, format=ox.RdfFormat.N_QUADS)
        del data
    conn.send(("ready", {"pid": os.getpid(), "network": network}))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent has gone
        try:
            reply = run_job(ox, store, job, prefixes)
        except MemoryError:
            reply = ("error", 503, "the query needed more memory than a worker may use")
        except Exception as exc:  # the engine's own failure; no trace leaves the worker
            reply = ("error", 500, f"the query engine failed: {type(exc).__name__}: {exc}")
        conn.send(reply)


_RDF_FORMATS = {
    "text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD", "application/rdf+xml": "RDF_XML",
}
_BOOLEAN_FORMATS = {
    "application/sparql-results+json": "JSON", "application/sparql-results+xml": "XML",
    "text/csv": "CSV", "text/tab-separated-values": "TSV",
}


def run_job(ox, store, job: dict, prefixes: dict[str, str]) -> tuple:
    """One query → ("ok", media type, body, cut) or ("error", status, text), where cut is
    None or ("rows" | "bytes", the limit) when the answer was cut there."""
    kwargs: dict[str, Any] = {}
    if job["dataset"] == "union":
        kwargs["use_default_graph_as_union"] = True
    elif job["dataset"] == "explicit":
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graph"]]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    rows_type, graph_type, max_rows = job["rows_type"], job["graph_type"], job["max_rows"]
    max_bytes = job.get("max_bytes", 1 << 62)
    try:
        res = store.query(job["sparql"], **kwargs)
        if isinstance(res, ox.QueryBoolean):
            if rows_type is None:
                return _not_acceptable("an ASK answer", ROW_TYPES)
            fmt = getattr(ox.QueryResultsFormat, _BOOLEAN_FORMATS[rows_type])
            return ("ok", rows_type, res.serialize(format=fmt), None)
        if isinstance(res, ox.QuerySolutions):
            if rows_type is None:
                return _not_acceptable("SELECT results", ROW_TYPES)
            return write_solutions(rows_type, res, max_rows, max_bytes)
        if graph_type is None:
            return _not_acceptable("a graph (CONSTRUCT/DESCRIBE)", GRAPH_TYPES)
        return _write_graph(ox, res, graph_type, prefixes, max_rows, max_bytes)
    except SyntaxError as exc:
        return ("error", 400, f"SPARQL syntax error: {exc}")
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        if network_denied(exc):  # the engine tried SERVICE and met the walls
            return ("error", 400, SERVICE_REFUSED)
        return ("error", 400, f"SPARQL query error: {exc}")


def _write_graph(ox, triples, graph_type: str, prefixes: dict[str, str], max_rows: int,
                 max_bytes: int) -> tuple:
    """Triples up to the caps, in `graph_type`. The byte cap is kept by measuring each
    triple's N-Triples form while reading, then halving until the written form fits."""
    kept, size, cut = [], 0, None
    for triple in triples:
        if len(kept) == max_rows:
            cut = ("rows", max_rows)
            break
        size += len(str(triple).encode("utf-8")) + 3
        if size > max_bytes:
            cut = ("bytes", max_bytes)
            break
        kept.append(triple)
    fmt = getattr(ox.RdfFormat, _RDF_FORMATS[graph_type])
    used = dict(prefixes) if graph_type == "text/turtle" else None
    while True:
        body = ox.serialize(kept, format=fmt, prefixes=used)
        if len(body) <= max_bytes or not kept:
            return ("ok", graph_type, body, cut)
        kept = kept[: len(kept) // 2]
        cut = ("bytes", max_bytes)


def _not_acceptable(what: str, offers: dict) -> tuple:
    return ("error", 406, f"cannot write {what} in any type the request accepts; "
                          f"ask for one of: {', '.join(offers)}")
