"""The ASGI app: routes, the SPARQL protocol operation, and the named questions.

Routes:
    GET  /                     the query page (YASGUI, vendored in econkg/static/)
    GET  /sparql?query=…       SPARQL 1.1 Protocol query; POST form-encoded or
    POST /sparql                 application/sparql-query works too
    GET  /sparql               (no query) the service description
    GET  /queries              the named questions, as JSON
    GET  /queries/NAME?p=v     one named question, its parameters bound as RDF terms
    GET  /health               liveness and the pool's state, as JSON
(every GET route answers HEAD too)

FastAPI is used as a thin layer over Starlette (plain Request/Response; no pydantic
models), with its /docs and /redoc pages off because they load Swagger UI from a CDN.
(No `from __future__ import annotations` here: FastAPI reads the route annotations.)
"""


import asyncio
import inspect
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from .cache import AnswerCache
from .description import SD_TYPES, service_description
from .guards import ClientLimits, HostAllowlist
from .isolation import may_reach_network
from .negotiation import GRAPH_TYPES, ROW_TYPES, choose, content_type, negotiate, parse_accept
from .pool import PoolStore, ServerError, WorkerPool
from .settings import Settings

log = logging.getLogger("econkg.server")

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_NAME = re.compile(r"[A-Za-z0-9][\w-]*")
_RESERVED = {"format", "output"}  # query-string keys that are not named-query parameters
_CHUNK = 64 << 10  # bytes handed to the connection at a time
_GONE = 499  # the client closed its connection (nginx's code; nobody reads it)


def create_app(dataset, settings: Settings | None = None):
    """The ASGI app serving `dataset` (an rdflib Dataset); its workers start with it."""
    import anyio
    from fastapi import FastAPI, Request
    from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
    from starlette.requests import ClientDisconnect
    from starlette.staticfiles import StaticFiles

    from ..namespaces import PREFIXES
    from ..queries import QueryError, bindings_for, get_query, list_queries
    from ..resources import queries_dir
    from ..store import QueryError as StoreQueryError
    from ..store import inspect_query, substitute_bindings

    settings = settings or Settings()
    data = dataset.serialize(format="nquads")
    nquads = data.encode("utf-8") if isinstance(data, str) else data
    graphs = {str(ctx.identifier): len(ctx) for ctx in dataset.graphs() if len(ctx)}
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    pool = WorkerPool(nquads, prefixes, settings)
    cache = AnswerCache(settings.cache_entries, settings.cache_max_bytes,
                        settings.cache_total_bytes)
    limits = ClientLimits(settings)
    sd_cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()  # a few hosts × 4 types
    started = time.time()

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        anyio.to_thread.current_default_thread_limiter().total_tokens = \
            max(64, 4 * (settings.workers + settings.heavy_lane))
        await anyio.to_thread.run_sync(pool.start)
        if settings.isolate_network and not pool.isolated:
            log.warning("query workers cannot be cut off from the network here (%s): "
                        "queries that mention SERVICE will be refused", pool.network)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(pool.close)

    options: dict[str, Any] = {}
    if "telemetry" in inspect.signature(FastAPI).parameters:
        # FastAPI ≥ 0.16x traces requests (query strings: the SPARQL) whenever an
        # OpenTelemetry provider is configured, and exports them when the environment
        # says so; an endpoint that is private by default sends nothing anywhere
        options["telemetry"] = {"tracing": False, "metrics": False, "logs": False,
                                "operation_spans": False, "auto_configure": False}
    app = FastAPI(title="econkg SPARQL endpoint", docs_url=None, redoc_url=None,
                  openapi_url=None, lifespan=lifespan, **options)
    app.state.pool, app.state.cache, app.state.settings = pool, cache, settings
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "HEAD", "POST"],
                           allow_headers=["Accept", "Content-Type"])
    app.add_middleware(HostAllowlist, allowed=settings.allowed_hosts())

    def text(status: int, message: str, **headers) -> Response:
        return PlainTextResponse(message + "\n", status_code=status, headers=headers or None)

    class Answer(Response):
        """The body handed to the connection in slices, so that the connection's flow
        control (and its send timeout) holds a client that reads slowly."""

        async def __call__(self, scope, receive, send) -> None:
            await send({"type": "http.response.start", "status": self.status_code,
                        "headers": self.raw_headers})
            body = memoryview(self.body)
            if scope.get("method") == "HEAD" or not body:
                await send({"type": "http.response.body", "body": b""})
                return
            for start in range(0, len(body), _CHUNK):
                end = start + _CHUNK
                await send({"type": "http.response.body", "body": bytes(body[start:end]),
                            "more_body": end < len(body)})

    def answer(reply: tuple) -> Response:
        if reply[0] != "ok":
            return text(reply[1], reply[2])
        _, mtype, body, cut = reply
        headers = {"Vary": "Accept"}
        if cut:
            kind, limit = cut
            headers["X-SPARQL-MaxRows" if kind == "rows" else "X-SPARQL-MaxBytes"] = \
                str(limit)
        return Answer(body, media_type=content_type(mtype), headers=headers)

    def execute(sparql: str, default_graphs: list[str], named_graphs: list[str],
                accept: str | None, shorthand: str | None,
                cancel: threading.Event | None = None) -> tuple:
        """Check, negotiate, then run in the pool (blocking: call from a thread)."""
        shape = inspect_query(sparql)
        if shape.form == "UPDATE":
            return ("error", 400, "SPARQL Update is not supported: this endpoint is "
                                  "read-only (send queries: SELECT, ASK, CONSTRUCT, DESCRIBE)")
        try:
            shape.refuse_unsafe(settings.max_depth)
        except StoreQueryError as exc:
            return ("error", 400, str(exc))
        if may_reach_network(sparql) and not pool.isolated:
            # fail closed: without the walls, only a query that cannot hold SERVICE runs
            return ("error", 403, "this query mentions SERVICE (or may, through escapes), "
                                  "and this server cannot cut its query workers off from the "
                                  f"network ({pool.network}); it is refused")
        unknown = [g for g in (*default_graphs, *named_graphs) if g not in graphs]
        if unknown:
            return ("error", 400, f"no graph {', '.join(f'<{g}>' for g in unknown)} in this "
                                  "store; the service description (GET /sparql) lists them")
        rows_type, graph_type = negotiate(accept, shorthand)
        if rows_type is None and graph_type is None:
            return ("error", 406, "the request accepts no type this endpoint writes; ask for "
                                  f"one of: {', '.join([*ROW_TYPES, *GRAPH_TYPES])}")
        if default_graphs or named_graphs:
            mode = "explicit"
        else:
            mode = "query" if shape.dataset_clause else "union"
        job = {"sparql": sparql, "dataset": mode, "default_graph": default_graphs,
               "named_graphs": named_graphs, "rows_type": rows_type,
               "graph_type": graph_type, "max_rows": settings.max_rows,
               "max_bytes": settings.max_bytes}
        key = (sparql, mode, tuple(default_graphs), tuple(named_graphs), rows_type,
               graph_type)
        hit = cache.get(key)
        if hit is not None:
            return hit
        try:
            reply = pool.run(job, cancel)
        except ServerError as exc:
            return ("error", exc.status, exc.message, exc.crashed)
        if reply[0] == "ok":
            cache.put(key, reply)
        return reply

    async def in_pool(request: Request, fn, *args) -> tuple:
        """fn(*args, cancel) on a thread, within the client's limits; if the client goes
        away meanwhile, `cancel` is set so that the pool can stop a heavy query."""
        address = request.client.host if request.client else "?"
        refused = limits.refuse(address)
        if refused:
            return ("error", *refused)
        cancel = threading.Event()
        try:
            task = asyncio.ensure_future(anyio.to_thread.run_sync(fn, *args, cancel))
            while True:
                done, _ = await asyncio.wait({task}, timeout=0.1)
                if done:
                    break
                if not cancel.is_set() and await request.is_disconnected():
                    cancel.set()
            reply = task.result()
        finally:
            limits.done(address)
        if reply[0] == "error" and len(reply) > 3:
            if reply[3]:
                limits.crashed(address)
            reply = reply[:3]
        return reply

    async def protocol(request: Request, sparql: str, default_graphs: list[str],
                       named_graphs: list[str], shorthand: str | None) -> Response:
        if not sparql.strip():
            return text(400, "the query is empty")
        accept = request.headers.get("accept")
        # a repeated request is answered here, without a thread hop or re-reading the query
        key = ("sparql", sparql, tuple(default_graphs), tuple(named_graphs), accept, shorthand)
        reply = cache.get(key)
        if reply is None:
            reply = await in_pool(request, execute, sparql, default_graphs, named_graphs,
                                  accept, shorthand)
            if reply[0] == "ok":
                cache.put(key, reply)
        return answer(reply)

    def refuse_update() -> Response:
        return text(403, "SPARQL Update is not supported: this endpoint is read-only")

    @app.api_route("/sparql", methods=["GET", "HEAD"])
    async def sparql_get(request: Request) -> Response:
        qp = request.query_params
        if "update" in qp:
            return refuse_update()
        queries = qp.getlist("query")
        if not queries:
            return describe_service(request)
        if len(queries) > 1:
            return text(400, "give exactly one query parameter")
        return await protocol(request, queries[0], qp.getlist("default-graph-uri"),
                              qp.getlist("named-graph-uri"),
                              qp.get("format") or qp.get("output"))

    @app.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        from urllib.parse import parse_qs

        mtype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if mtype == "application/sparql-update":
            return refuse_update()
        try:
            body = await read_body(request, settings.max_body, settings.body_timeout)
            body_text = body.decode("utf-8")
        except ServerError as exc:
            return text(exc.status, exc.message)
        except ClientDisconnect:
            log.info("%s closed its connection while sending a query",
                     request.client.host if request.client else "a client")
            return text(_GONE, "the client went away")
        except UnicodeDecodeError:
            return text(400, "the request body is not UTF-8")
        qp = request.query_params
        if mtype == "application/sparql-query":
            return await protocol(request, body_text, qp.getlist("default-graph-uri"),
                                  qp.getlist("named-graph-uri"),
                                  qp.get("format") or qp.get("output"))
        if mtype == "application/x-www-form-urlencoded":
            form = parse_qs(body_text, keep_blank_values=True)
            if "update" in form:
                return refuse_update()
            queries = form.get("query", [])
            if len(queries) != 1:
                return text(400, "give exactly one query parameter")
            shorthand = (form.get("format") or form.get("output") or [None])[0] or \
                qp.get("format") or qp.get("output")
            return await protocol(request, queries[0],
                                  form.get("default-graph-uri", qp.getlist("default-graph-uri")),
                                  form.get("named-graph-uri", qp.getlist("named-graph-uri")),
                                  shorthand)
        return text(415, "send the query as application/sparql-query or as the query field "
                         "of an application/x-www-form-urlencoded body")

    def describe_service(request: Request) -> Response:
        # the Host has passed the allowlist, so this cache holds a few names at most; it
        # is bounded all the same
        endpoint = str(request.url.replace(query=""))
        choice = choose(parse_accept(request.headers.get("accept")), {
            "text/turtle": (), "application/n-triples": (), "application/ld+json": (),
            "application/rdf+xml": ()}) or "text/turtle"
        key = (endpoint, choice)
        body = sd_cache.get(key)
        if body is None:
            g = service_description(endpoint, graphs, settings)
            body = g.serialize(format=SD_TYPES[choice]).encode("utf-8")
            sd_cache[key] = body
            while len(sd_cache) > 64:
                sd_cache.popitem(last=False)
        return Answer(body, media_type=content_type(choice), headers={"Vary": "Accept"})

    @app.api_route("/queries", methods=["GET", "HEAD"])
    def queries_index(request: Request) -> Response:
        base = str(request.url_for("named_query", name="NAME")).rsplit("/", 1)[0]
        items = []
        for q in list_queries():
            try:
                example = substitute_bindings(q.text, bindings_for(q, {}))
            except QueryError:
                example = q.text
            items.append({
                "name": q.name, "title": q.title, "question_en": q.question_en,
                "question_zh": q.question_zh, "columns": q.columns,
                "params": {p.name: {"type": p.type, "default": p.default, "doc": p.doc}
                           for p in q.params.values()},
                "url": f"{base}/{q.name}", "sparql": q.text, "example": example})
        return JSONResponse(items)

    folder = str(queries_dir())

    @app.api_route("/queries/{name}", methods=["GET", "HEAD"], name="named_query")
    async def named_query(name: str, request: Request) -> Response:
        if not _NAME.fullmatch(name):
            return text(404, f"no named query {name!r}")
        params = {k: v for k, v in request.query_params.items() if k not in _RESERVED}
        shorthand = request.query_params.get("format") or request.query_params.get("output")
        accept = request.headers.get("accept")
        try:  # the file's mtime is in the key, so an edited question is asked afresh
            mtime = os.stat(os.path.join(folder, name + ".rq")).st_mtime_ns
        except OSError:
            mtime = None
        key = ("named", name, mtime, tuple(sorted(params.items())), accept, shorthand)
        hit = cache.get(key) if mtime is not None else None
        if hit is not None:
            return answer(hit)

        def run(cancel: threading.Event) -> tuple:
            try:
                q = get_query(name)
            except KeyError as exc:
                return ("error", 404, exc.args[0])
            except ValueError as exc:  # a bad header in the .rq file
                return ("error", 500, str(exc))
            try:
                bindings = bindings_for(q, params, PoolStore(pool))
            except QueryError as exc:
                return ("error", 400, str(exc))
            except ServerError as exc:
                return ("error", exc.status, exc.message, exc.crashed)
            try:
                sparql = substitute_bindings(q.text, bindings)
            except QueryError as exc:
                return ("error", 400, str(exc))
            return execute(sparql, [], [], accept, shorthand, cancel)

        reply = await in_pool(request, run)
        if reply[0] == "ok" and mtime is not None:
            cache.put(key, reply)
        return answer(reply)

    @app.api_route("/health", methods=["GET", "HEAD"])
    def health() -> Response:
        state = pool.health()
        ok = state["workers"] > 0
        return JSONResponse({
            "status": "ok" if ok else "degraded", **state, "isolated": pool.isolated,
            "graphs": len(graphs), "triples": sum(graphs.values()),
            "timeout": settings.timeout, "max_rows": settings.max_rows,
            "max_bytes": settings.max_bytes,
            "cache": {"entries": len(cache), "hits": cache.hits, "misses": cache.misses},
            "uptime": round(time.time() - started, 1),
        }, status_code=200 if ok else 503)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> Response:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return text(500, "internal server error (the server log has the details)")

    return app


async def read_body(request, limit: int, timeout: float = 30.0) -> bytes:
    """The request body, refusing (413) more than `limit` bytes without reading them all,
    and (408) a body that takes longer than `timeout` seconds to arrive."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ServerError(413, f"the request body is over {limit} bytes")

    async def read() -> bytes:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ServerError(413, f"the request body is over {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(read(), timeout)
    except TimeoutError:
        raise ServerError(408, f"the request body did not arrive within {timeout:g} s") \
            from None
