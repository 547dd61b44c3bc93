"""The SPARQL endpoint behind `econkg serve`, one concern per module:

    settings.py      what an operator can set (Settings)
    app.py           the routes and the SPARQL 1.1 Protocol query operation
    negotiation.py   which result format a request gets
    writers.py       SELECT result writers with a row cap and a byte cap
    worker.py        the query worker process
    pool.py          the worker pool: cheap and heavy lanes, timeouts, crashes
    isolation.py     keeping workers off the network (netns + seccomp) and in memory
    cache.py         answers kept in memory
    description.py   the service description
    guards.py        Host allowlist, per-client query and crash limits
    connections.py   the connection layer: header/send timeouts, per-client connections,
                     414/431
    server.py        running it all under uvicorn

Safe by default, as Oxigraph's and Fuseki's servers are:
  * binds to 127.0.0.1 unless told otherwise (econkg serve --host), and answers only to
    its own names in the Host header (localhost names; --host-name adds more);
  * read-only: SPARQL Update is not implemented at all; update requests get 403, update
    text sent as a query gets 400;
  * SERVICE: each worker runs with no network (an empty network namespace and a seccomp
    filter denying new sockets), so the engine cannot connect whatever it makes of the
    query; where neither wall can be put up, queries that may hold SERVICE are refused;
  * FROM / FROM NAMED only pick graphs already in the store — Oxigraph never dereferences
    them and never reads files — and default-graph-uri / named-graph-uri must name graphs
    that are in the store;
  * a per-query timeout that really stops the work, caps on answer rows and bytes (the
    answer is cut there and says so in an X-SPARQL-MaxRows / X-SPARQL-MaxBytes header, as
    Virtuoso does), a cap on the request body, URL and headers, nesting depth, a memory
    limit per worker, and timeouts and per-client limits on connections;
  * errors are SPARQL-protocol 4xx answers in plain text carrying the parser's message,
    never a stack trace.
"""

from importlib import import_module
from typing import Any

# Loaded on first use, so that importing one module of the package (the store imports
# isolation.py) does not bring in the web framework.
_EXPORTS = {"create_app": "app", "read_body": "app", "PoolStore": "pool",
            "ServerError": "pool", "WorkerPool": "pool", "serve": "server",
            "Settings": "settings", "default_workers": "settings"}

__all__ = ["PoolStore", "ServerError", "Settings", "WorkerPool", "create_app",
           "default_workers", "read_body", "serve"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
