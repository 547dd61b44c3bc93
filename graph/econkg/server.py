"""The SPARQL endpoint behind `econkg serve`: the SPARQL 1.1 Protocol query operation, the
named questions over HTTP, a query page for people, and a health check.

Routes:
    GET  /                     the query page (YASGUI, vendored in econkg/static/)
    GET  /sparql?query=…       SPARQL 1.1 Protocol query; POST form-encoded or
    POST /sparql                 application/sparql-query works too
    GET  /sparql               (no query) the service description, in Turtle
    GET  /queries              the named questions, as JSON
    GET  /queries/NAME?p=v     one named question, its parameters bound as RDF terms
    GET  /health               liveness and the pool's state, as JSON

Why this stack. FastAPI on uvicorn: a widely used, actively maintained ASGI stack, so the
HTTP parsing, keep-alive, header-size limits, routing and static files are somebody's
well-tested code and this module holds only SPARQL logic. We use FastAPI as a thin layer
over Starlette (plain Request/Response; no pydantic models), and switch off its
/docs and /redoc pages because they load Swagger UI from a CDN.

Why worker processes. Queries are answered by Oxigraph (pyoxigraph): a named question takes
a few milliseconds there against 0.2–0.7 s in rdflib. Neither engine can cancel a query
that is running, so every query runs in a pool of worker processes, each holding its own
in-memory copy of the graph (a few thousand quads load in ~15 ms). A query that outlives
--timeout is stopped by killing its worker, and a fresh worker takes its place; the other
workers go on answering meanwhile, and a query that crashes its worker (or hits the
worker's memory limit) takes down only that worker.

Safe by default, as Oxigraph's and Fuseki's servers are:
  * binds to 127.0.0.1 unless told otherwise (econkg serve --host);
  * read-only: SPARQL Update is not implemented at all; update requests get 403, update
    text sent as a query gets 400;
  * SERVICE is refused before the query reaches the engine (Oxigraph would otherwise send
    the query over HTTP), and, where the kernel allows it, each worker runs in an empty
    network namespace, so that even a query that slipped past the check cannot connect;
  * FROM / FROM NAMED only pick graphs already in the store — Oxigraph never dereferences
    them and never reads files — and default-graph-uri / named-graph-uri must name graphs
    that are in the store;
  * a per-query timeout that really stops the work, a cap on result rows (the answer is
    cut there and says so in an X-SPARQL-MaxRows header, as Virtuoso does), a cap on the
    request body (and uvicorn's on URL and headers), a memory limit per worker;
  * errors are SPARQL-protocol 4xx answers in plain text carrying the parser's message,
    never a stack trace.
"""


import csv
import inspect
import io
import json
import logging
import multiprocessing
import os
import queue
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

log = logging.getLogger("econkg.server")

STATIC_DIR = Path(__file__).resolve().parent / "static"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def default_workers() -> int:
    """Two per core and at least four: Oxigraph queries are CPU-bound, but a pool larger
    than the cores keeps quick questions answered while slow ones hold a worker each."""
    return max(4, 2 * (os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    timeout: float = 10.0  # seconds a query may run before its worker is killed
    max_rows: int = 10_000  # rows (or triples) in one answer
    workers: int = field(default_factory=default_workers)
    max_body: int = 1 << 20  # bytes in a POST body
    worker_memory_mb: int = 2048  # address-space limit of each worker (Linux)
    isolate_network: bool = True  # move workers into an empty network namespace if allowed
    cache_entries: int = 1024  # answers kept (see AnswerCache); 0 turns the cache off
    cache_max_bytes: int = 256 << 10  # larger answers are not kept
    cache_total_bytes: int = 32 << 20  # all kept answers together


# Result formats -----------------------------------------------------------------------
#
# media type → aliases a client may ask for. The first entry of each table is the default.

ROW_TYPES = {
    "application/sparql-results+json": ("application/json", "text/javascript",
                                        "application/javascript"),
    "application/sparql-results+xml": ("application/xml", "text/xml"),
    "text/csv": (),
    "text/tab-separated-values": (),
}
GRAPH_TYPES = {
    "text/turtle": ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3",
                    "application/n3"),
    "application/n-triples": ("text/plain",),
    "application/ld+json": ("application/json", "application/x-json+ld"),
    "application/rdf+xml": ("application/xml", "text/xml"),
}
# `format=` / `output=` shorthands (Fuseki's output=, SPARQLWrapper's format=)
SHORTHANDS = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"), "ttl": (None, "text/turtle"), "n3": (None, "text/turtle"),
    "nt": (None, "application/n-triples"), "ntriples": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "json-ld": (None, "application/ld+json"), "jsonld": (None, "application/ld+json"),
    "rdf": (None, "application/rdf+xml"), "rdfxml": (None, "application/rdf+xml"),
    "rdf+xml": (None, "application/rdf+xml"),
}
_TEXTUAL = ("text/csv", "text/tab-separated-values", "text/turtle")


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in _TEXTUAL else media_type


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, in the order given; malformed parts are skipped."""
    out = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        mtype = fields[0].lower()
        if "/" not in mtype:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((mtype, q))
    return out


def choose(accept: list[tuple[str, float]], offers: dict[str, tuple[str, ...]]) -> str | None:
    """The offered media type the client likes best; None if it accepts none of them.

    An exact type (or alias) outranks type/* which outranks */*; ties go to the order of
    `offers`, so the default comes first. No Accept header means the default.
    """
    if not accept:
        return next(iter(offers))
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, (offer, aliases) in enumerate(offers.items()):
        names = (offer, *aliases)
        q_here, spec_here = -1.0, -1
        for mtype, q in accept:
            if mtype in names:
                spec = 2
            elif mtype.endswith("/*") and offer.startswith(mtype[:-1]):
                spec = 1
            elif mtype == "*/*":
                spec = 0
            else:
                continue
            if spec > spec_here:
                q_here, spec_here = q, spec
        if q_here <= 0:
            continue
        rank = (q_here, spec_here, -index)
        if best is None or rank > best:
            best, chosen = rank, offer
    return chosen


def negotiate(accept_header: str | None, shorthand: str | None) -> tuple[str | None, str | None]:
    """(media type for SELECT/ASK, media type for CONSTRUCT/DESCRIBE), either None when the
    client accepts nothing we write for that kind of result."""
    if shorthand:
        key = shorthand.strip().lower()
        if key in SHORTHANDS:
            rows, graph = SHORTHANDS[key]
            accept = parse_accept(accept_header)
            return (rows or choose(accept, ROW_TYPES), graph or choose(accept, GRAPH_TYPES))
        accept_header = shorthand  # a full media type, e.g. format=text/csv
    accept = parse_accept(accept_header)
    return choose(accept, ROW_TYPES), choose(accept, GRAPH_TYPES)


# Writers for SELECT results (in the worker) ---------------------------------------------
#
# Oxigraph writes all four formats itself, but only for a whole result; the row cap needs
# the rows counted as they are read, so the rows are written here, following the W3C
# specifications (sparql11-results-json, rdf-sparql-XMLres, sparql11-results-csv-tsv).


def _json_term(t) -> dict:
    kind = type(t).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": t.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": t.value}
    if kind == "Triple":
        return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                            "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != XSD_STRING:
        out["datatype"] = t.datatype.value
    return out


def write_json(names: list[str], rows: list[tuple]) -> bytes:
    bindings = [{n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None}
                for row in rows]
    doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(t) -> str:
    kind = type(t).__name__
    if kind == "NamedNode":
        return f"<uri>{xml_escape(t.value)}</uri>"
    if kind == "BlankNode":
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if kind == "Triple":
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>"
                f"{_xml_term(t.predicate)}</predicate><object>{_xml_term(t.object)}</object>"
                "</triple>")
    if t.language:
        attr = f" xml:lang={quoteattr(t.language)}"
    elif t.datatype.value != XSD_STRING:
        attr = f" datatype={quoteattr(t.datatype.value)}"
    else:
        attr = ""
    return f"<literal{attr}>{xml_escape(t.value)}</literal>"


def write_xml(names: list[str], rows: list[tuple]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(n)}/>" for n in names]
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out += [f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                for n, t in zip(names, row, strict=True) if t is not None]
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(t) -> str:
    if t is None:
        return ""
    kind = type(t).__name__
    if kind == "BlankNode":
        return f"_:{t.value}"
    if kind == "Triple":
        return str(t)
    return t.value


def write_csv(names: list[str], rows: list[tuple]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buf.getvalue().encode("utf-8")


def write_tsv(names: list[str], rows: list[tuple]) -> bytes:
    # str() of an Oxigraph term is its N-Triples form, escapes included, as TSV wants
    lines = ["\t".join("?" + n for n in names)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


ROW_WRITERS = {
    "application/sparql-results+json": write_json,
    "application/sparql-results+xml": write_xml,
    "text/csv": write_csv,
    "text/tab-separated-values": write_tsv,
}


# The worker process ---------------------------------------------------------------------


def _isolate_network() -> str:
    """Move this process into a new, empty network namespace (no interfaces up, not even
    loopback), so nothing it runs can open a connection. Needs root or unprivileged user
    namespaces; says what it managed."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(0x40000000) == 0:  # CLONE_NEWNET
            return "isolated"
        if libc.unshare(0x10000000 | 0x40000000) == 0:  # CLONE_NEWUSER | CLONE_NEWNET
            return "isolated (user namespace)"
        return f"shared ({os.strerror(ctypes.get_errno())})"
    except (OSError, AttributeError) as exc:
        return f"shared ({exc})"


def _limit_memory(megabytes: int) -> None:
    try:
        import resource

        limit = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def worker_main(conn, memory_mb: int, isolate: bool) -> None:
    """Entry point of a worker: load the graph sent by the parent, then answer jobs."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    import pyoxigraph as ox  # before isolating: nothing is read from disk after that

    network = _isolate_network() if isolate else "shared (not requested)"
    _limit_memory(memory_mb)

    data, prefixes = conn.recv()
    if isinstance(data, str):  # the path of a published store: open it, load nothing
        store = ox.Store.read_only(data)
    else:
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
    """One query → ("ok", media type, body, truncated_at | None) or ("error", status, text)."""
    kwargs: dict[str, Any] = {}
    if job["dataset"] == "union":
        kwargs["use_default_graph_as_union"] = True
    elif job["dataset"] == "explicit":
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graph"]]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    rows_type, graph_type, max_rows = job["rows_type"], job["graph_type"], job["max_rows"]
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
            names = [v.value for v in res.variables]
            rows: list[tuple] = []
            for solution in res:
                if len(rows) == max_rows:
                    return ("ok", rows_type, ROW_WRITERS[rows_type](names, rows), max_rows)
                rows.append(tuple(solution))
            return ("ok", rows_type, ROW_WRITERS[rows_type](names, rows), None)
        if graph_type is None:
            return _not_acceptable("a graph (CONSTRUCT/DESCRIBE)", GRAPH_TYPES)
        triples = []
        truncated = None
        for triple in res:
            if len(triples) == max_rows:
                truncated = max_rows
                break
            triples.append(triple)
        fmt = getattr(ox.RdfFormat, _RDF_FORMATS[graph_type])
        used = {p: ns for p, ns in prefixes.items()} if graph_type == "text/turtle" else None
        body = ox.serialize(triples, format=fmt, prefixes=used)
        return ("ok", graph_type, body, truncated)
    except SyntaxError as exc:
        return ("error", 400, f"SPARQL syntax error: {exc}")
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        return ("error", 400, f"SPARQL query error: {exc}")


def _not_acceptable(what: str, offers: dict) -> tuple:
    return ("error", 406, f"cannot write {what} in any type the request accepts; "
                          f"ask for one of: {', '.join(offers)}")


# The pool -------------------------------------------------------------------------------


class ServerError(Exception):
    """A failure with an HTTP status and a message fit to show the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    info: dict = field(default_factory=dict)


class WorkerPool:
    """Worker processes, each with the graph loaded; `run` hands a job to an idle one.

    `run` blocks, so call it from a thread. A job gets `timeout` seconds to wait for a
    free worker and `timeout` seconds to run; a worker that overruns is killed and a new
    one started in the background.
    """

    def __init__(self, nquads: bytes, prefixes: dict[str, str], settings: Settings):
        self._payload = (nquads, prefixes)
        self.settings = settings
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0
        self.timeouts = 0
        self.network = "unknown"

    # lifecycle
    def start(self) -> None:
        procs = [self._launch() for _ in range(self.settings.workers)]
        for proc, conn in procs:
            worker = self._handshake(proc, conn)
            self.network = worker.info.get("network", self.network)
            self._idle.put(worker)
        log.info("%d query workers ready (network: %s)", len(procs), self.network)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            self._kill(w)

    def _launch(self):
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=worker_main, name="econkg-query-worker", daemon=True,
                                 args=(child, self.settings.worker_memory_mb,
                                       self.settings.isolate_network))
        proc.start()
        child.close()
        return proc, parent

    def _handshake(self, proc, conn) -> _Worker:
        worker = _Worker(proc, conn)
        try:
            conn.send(self._payload)
            if not conn.poll(60):
                raise TimeoutError("a query worker did not start within 60 s")
            _, info = conn.recv()
        except BaseException:
            self._kill(worker)
            raise
        worker.info = info
        with self._lock:
            self._all.add(worker)
        return worker

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        try:
            worker.process.kill()
            worker.process.join(timeout=5)
        except (OSError, ValueError, AttributeError):
            pass
        worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        self.restarts += 1
        threading.Thread(target=self._respawn, name="econkg-respawn", daemon=True).start()

    def _respawn(self) -> None:
        delay = 0.2
        while not self._closed:
            try:
                worker = self._handshake(*self._launch())
            except Exception as exc:
                log.warning("could not start a query worker (%s); retrying", exc)
                time.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            if self._closed:
                self._kill(worker)
            else:
                self._idle.put(worker)
            return

    # work
    def run(self, job: dict) -> tuple:
        timeout = self.settings.timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise ServerError(503, f"all {self.settings.workers} query workers stayed busy "
                                   f"for {timeout:g} s; try again later") from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                self.timeouts += 1
                log.warning("a query overran %g s; killing worker %s and starting another",
                            timeout, worker.info.get("pid"))
                self._replace(worker)
                raise ServerError(503, f"query stopped after {timeout:g} s (the server's "
                                       "--timeout); simplify it or add a LIMIT")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1)
            code = worker.process.exitcode
            log.warning("query worker %s died (exit code %s); starting another",
                        worker.info.get("pid"), code)
            self._replace(worker)
            raise ServerError(500, "the query crashed its worker (exit code "
                                   f"{code}; perhaps it ran out of memory)") from None
        self._idle.put(worker)
        return reply

    def health(self) -> dict:
        with self._lock:
            alive = sum(1 for w in self._all if w.process.is_alive())
        return {"workers": alive, "pool_size": self.settings.workers,
                "idle": self._idle.qsize(), "restarts": self.restarts,
                "timeouts": self.timeouts, "network": self.network}


class PoolStore:
    """The Store protocol over the pool, for `bindings_for` looking up entity names."""

    def __init__(self, pool: WorkerPool):
        self.pool = pool

    def query(self, sparql, bindings=None):
        from .store import QueryError, _from_sparql_json, substitute_bindings

        text = substitute_bindings(sparql, bindings or {})
        reply = self.pool.run({"sparql": text, "dataset": "union", "rows_type":
                               "application/sparql-results+json", "graph_type": None,
                               "max_rows": self.pool.settings.max_rows})
        if reply[0] != "ok":
            raise QueryError(reply[2])
        return _from_sparql_json(json.loads(reply[2]))


class AnswerCache:
    """Answers by request (query text, dataset, media type…), least recently used first
    out. The graph never changes while the server runs, so a kept answer stays right;
    answers over `max_bytes` are not kept, and all of them together stay under
    `total_bytes`."""

    def __init__(self, entries: int, max_bytes: int, total_bytes: int):
        from collections import OrderedDict

        self.entries, self.max_bytes, self.total_bytes = entries, max_bytes, total_bytes
        self._data: OrderedDict = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key, value) -> None:
        size = len(value[2])
        if self.entries <= 0 or size > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= len(old[2])
            self._data[key] = value
            self._size += size
            while len(self._data) > self.entries or self._size > self.total_bytes:
                _, dropped = self._data.popitem(last=False)
                self._size -= len(dropped[2])


# The service description ----------------------------------------------------------------


def service_description(endpoint: str, graphs: dict[str, int], settings: Settings):
    """An rdflib Graph describing the endpoint with the sd: vocabulary."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, XSD

    sd, fmt = Namespace(SD), Namespace(FORMATS)
    void = Namespace("http://rdfs.org/ns/void#")
    g = Graph()
    g.bind("sd", sd)
    g.bind("formats", fmt)
    g.bind("void", void)
    service = BNode("service")
    g.add((service, RDF.type, sd.Service))
    g.add((service, sd.endpoint, URIRef(endpoint)))
    g.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    g.add((service, sd.feature, sd.UnionDefaultGraph))
    g.add((service, sd.defaultEntailmentRegime,
           URIRef("http://www.w3.org/ns/entailment/Simple")))
    for f in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
              "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((service, sd.resultFormat, fmt[f]))
    dataset = BNode("dataset")
    g.add((service, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    default = BNode("default")
    g.add((dataset, sd.defaultGraph, default))
    g.add((default, RDF.type, sd.Graph))
    g.add((default, void.triples, Literal(sum(graphs.values()), datatype=XSD.integer)))
    for i, (name, size) in enumerate(sorted(graphs.items())):
        named, graph = BNode(f"named{i}"), BNode(f"graph{i}")
        g.add((dataset, sd.namedGraph, named))
        g.add((named, RDF.type, sd.NamedGraph))
        g.add((named, sd.name, URIRef(name)))
        g.add((named, sd.graph, graph))
        g.add((graph, RDF.type, sd.Graph))
        g.add((graph, void.triples, Literal(size, datatype=XSD.integer)))
    g.add((service, URIRef("https://w3id.org/econkg/ontology#queryTimeout"),
           Literal(settings.timeout, datatype=XSD.decimal)))
    g.add((service, URIRef("https://w3id.org/econkg/ontology#maxRows"),
           Literal(settings.max_rows, datatype=XSD.integer)))
    return g


_SD_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt",
             "application/ld+json": "json-ld", "application/rdf+xml": "xml"}


# The application ------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z0-9][\w-]*")
_RESERVED = {"format", "output"}  # query-string keys that are not named-query parameters


def create_app(dataset, settings: Settings | None = None):
    """The ASGI app serving `dataset` (an rdflib Dataset, or an OxigraphStore whose
    on-disk store every worker opens read-only); its workers start with it."""
    import anyio
    from fastapi import FastAPI, Request
    from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
    from starlette.staticfiles import StaticFiles

    from .namespaces import PREFIXES
    from .queries import QueryError, bindings_for, get_query, list_queries
    from .resources import queries_dir
    from .store import inspect_query, substitute_bindings

    settings = settings or Settings()
    if hasattr(dataset, "dump_nquads"):  # an OxigraphStore: on disk, workers open it
        graphs = dataset.graph_sizes()
        nquads: bytes | str = str(dataset.path) if dataset.path else dataset.dump_nquads()
    else:
        data = dataset.serialize(format="nquads")
        nquads = data.encode("utf-8") if isinstance(data, str) else data
        graphs = {str(ctx.identifier): len(ctx) for ctx in dataset.graphs() if len(ctx)}
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    pool = WorkerPool(nquads, prefixes, settings)
    cache = AnswerCache(settings.cache_entries, settings.cache_max_bytes,
                        settings.cache_total_bytes)
    sd_cache: dict[tuple[str, str], bytes] = {}
    started = time.time()

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        anyio.to_thread.current_default_thread_limiter().total_tokens = \
            max(64, 4 * settings.workers)
        await anyio.to_thread.run_sync(pool.start)
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

    def text(status: int, message: str, **headers) -> Response:
        return PlainTextResponse(message + "\n", status_code=status, headers=headers or None)

    def answer(reply: tuple) -> Response:
        if reply[0] != "ok":
            return text(reply[1], reply[2])
        _, mtype, body, truncated = reply
        headers = {"Vary": "Accept"}
        if truncated:
            headers["X-SPARQL-MaxRows"] = str(truncated)
        return Response(body, media_type=content_type(mtype), headers=headers)

    def execute(sparql: str, default_graphs: list[str], named_graphs: list[str],
                accept: str | None, shorthand: str | None) -> tuple:
        """Check, negotiate, then run in the pool (blocking: call from a thread)."""
        shape = inspect_query(sparql)
        if shape.form == "UPDATE":
            return ("error", 400, "SPARQL Update is not supported: this endpoint is "
                                  "read-only (send queries: SELECT, ASK, CONSTRUCT, DESCRIBE)")
        if shape.service:
            return ("error", 400, "SERVICE (federated query) is disabled on this endpoint; "
                                  "it never contacts other endpoints")
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
               "graph_type": graph_type, "max_rows": settings.max_rows}
        key = (sparql, mode, tuple(default_graphs), tuple(named_graphs), rows_type,
               graph_type)
        hit = cache.get(key)
        if hit is not None:
            return hit
        try:
            reply = pool.run(job)
        except ServerError as exc:
            return ("error", exc.status, exc.message)
        if reply[0] == "ok":
            cache.put(key, reply)
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
            reply = await anyio.to_thread.run_sync(
                execute, sparql, default_graphs, named_graphs, accept, shorthand)
            if reply[0] == "ok":
                cache.put(key, reply)
        return answer(reply)

    def refuse_update() -> Response:
        return text(403, "SPARQL Update is not supported: this endpoint is read-only")

    @app.get("/sparql")
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
            body = await read_body(request, settings.max_body)
            body_text = body.decode("utf-8")
        except ServerError as exc:
            return text(exc.status, exc.message)
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
        endpoint = str(request.url.replace(query=""))
        choice = choose(parse_accept(request.headers.get("accept")), {
            "text/turtle": (), "application/n-triples": (), "application/ld+json": (),
            "application/rdf+xml": ()}) or "text/turtle"
        key = (endpoint, choice)
        if key not in sd_cache:
            g = service_description(endpoint, graphs, settings)
            sd_cache[key] = g.serialize(format=_SD_TYPES[choice]).encode("utf-8")
        return Response(sd_cache[key], media_type=content_type(choice),
                        headers={"Vary": "Accept"})

    @app.get("/queries")
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

    @app.get("/queries/{name}", name="named_query")
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

        def run() -> tuple:
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
                return ("error", exc.status, exc.message)
            try:
                sparql = substitute_bindings(q.text, bindings)
            except QueryError as exc:
                return ("error", 400, str(exc))
            return execute(sparql, [], [], accept, shorthand)

        reply = await anyio.to_thread.run_sync(run)
        if reply[0] == "ok" and mtime is not None:
            cache.put(key, reply)
        return answer(reply)

    @app.get("/health")
    def health() -> Response:
        state = pool.health()
        ok = state["workers"] > 0
        return JSONResponse({
            "status": "ok" if ok else "degraded", **state,
            "graphs": len(graphs), "triples": sum(graphs.values()),
            "timeout": settings.timeout, "max_rows": settings.max_rows,
            "cache": {"entries": len(cache), "hits": cache.hits, "misses": cache.misses},
            "uptime": round(time.time() - started, 1),
        }, status_code=200 if ok else 503)

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return text(500, "internal server error (the server log has the details)")

    return app


async def read_body(request, limit: int) -> bytes:
    """The request body, refusing (413) more than `limit` bytes without reading them all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ServerError(413, f"the request body is over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServerError(413, f"the request body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def serve(dataset, host: str = "127.0.0.1", port: int = 7878,
          settings: Settings | None = None, access_log: bool = False) -> None:
    """Run the endpoint in the foreground until interrupted."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    app = create_app(dataset, settings)
    # h11 rather than httptools even when that is installed: h11 caps the request line
    # and headers (64 KiB here); httptools would be ~20% faster but has no such cap.
    config = uvicorn.Config(app, host=host, port=port, access_log=access_log,
                            log_level="info", server_header=False, http="h11",
                            h11_max_incomplete_event_size=64 * 1024,  # URL + headers
                            limit_concurrency=512, timeout_keep_alive=15)
    uvicorn.Server(config).run()
