"""`econkg serve --endpoint URL`: the same guard rails in front of a remote store.

RemotePool stands where WorkerPool stands (app.py calls `run(job, cancel)`), so every
check before it — read-only, nesting depth, Host allowlist, per-client limits, known graphs,
content negotiation, the answer cache — applies unchanged. It sends the query to the
remote store as SPARQL 1.1 Protocol, reads at most a bounded number of bytes within the
query's time limit (and stops reading when the client has gone), parses the answer with
Oxigraph's own result parser, and writes it with the endpoint's writers, so row and byte
caps cut it exactly as they cut a local answer.

SERVICE cannot be walled off on someone else's server, so `isolated` is False: app.py then
refuses every query that may hold SERVICE (fail closed), as it does for local workers
without walls.
"""

from __future__ import annotations

import threading
import time
import urllib.parse

from .pool import ServerError
from .settings import Settings

_READ = 64 << 10
_ROW_FORMATS = {"application/sparql-results+json": "JSON",
                "application/sparql-results+xml": "XML",
                "text/csv": "CSV", "text/tab-separated-values": "TSV"}


class RemotePool:
    """Queries answered by a remote SPARQL 1.1 endpoint, bounded in time and bytes."""

    def __init__(self, endpoint: str, settings: Settings, *, user: str | None = None,
                 password: str | None = None):
        import requests

        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ServerError(400, f"{endpoint!r} is not an http(s) SPARQL endpoint URL")
        if parts.username or parts.password:
            raise ServerError(400, "give credentials with --user and --password-env, not "
                                   "inside the URL")
        self.endpoint = endpoint
        self.settings = settings
        self.network = ("remote store: SERVICE would run on it, where econkg cannot stop "
                        "it")
        self._requests = requests
        self._session = requests.Session()
        self._session.trust_env = False
        if user is not None:  # HTTP Basic, for stores that guard their query service
            self._session.auth = (user, password or "")
        # a remote answer may be larger than what we pass on (we re-write it, cut)
        self.max_read = max(4 * settings.max_bytes, 64 << 20)
        self.requests = self.failures = 0

    isolated = False

    def start(self) -> None:
        """Fail at start-up, not on the first request, when the store is not there."""
        self.graphs()

    def close(self) -> None:
        self._session.close()

    def graphs(self) -> dict[str, int]:
        """The store's named graphs (for default-graph-uri / named-graph-uri checks)."""
        import pyoxigraph as ox

        job = {"sparql": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
               "dataset": "query", "default_graph": [], "named_graphs": []}
        body = self._fetch(job, "application/sparql-results+json", None,
                           time.monotonic() + max(self.settings.timeout, 30))
        res = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return {sol["g"].value: 0 for sol in res if isinstance(sol["g"], ox.NamedNode)}

    def health(self) -> dict:
        """`workers` is 1 when the remote store answers a trivial ASK within 5 s."""
        job = {"sparql": "ASK {}", "dataset": "union"}
        try:
            self._fetch(job, "application/sparql-results+json", None, time.monotonic() + 5)
            up = 1
        except ServerError:
            up = 0
        return {"workers": up, "remote": urllib.parse.urlsplit(self.endpoint).netloc,
                "requests": self.requests, "failures": self.failures,
                "network": self.network}

    def run(self, job: dict, cancel: threading.Event | None = None) -> tuple:
        import pyoxigraph as ox

        from .worker import _write_graph
        from .writers import write_solutions

        deadline = time.monotonic() + self.settings.timeout
        rows_type, graph_type = job["rows_type"], job["graph_type"]
        accept = "application/sparql-results+json;q=1, application/n-triples;q=0.9"
        body = self._fetch(job, accept, cancel, deadline)
        max_rows, max_bytes = job["max_rows"], job.get("max_bytes", self.settings.max_bytes)
        try:
            if body.lstrip()[:1] in (b"{", b"<"):
                res = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON
                                             if body.lstrip()[:1] == b"{" else
                                             ox.QueryResultsFormat.XML)
                if isinstance(res, ox.QueryBoolean):
                    if rows_type is None:
                        return ("error", 406, "an ASK answer is written as SPARQL results")
                    fmt = getattr(ox.QueryResultsFormat, _ROW_FORMATS[rows_type])
                    return ("ok", rows_type, res.serialize(format=fmt), None)
                if rows_type is None:
                    return ("error", 406, "SELECT results are written as SPARQL results")
                return write_solutions(rows_type, res, max_rows, max_bytes)
            if graph_type is None:
                return ("error", 406, "a graph (CONSTRUCT/DESCRIBE) is written as RDF")
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            return _write_graph(ox, triples, graph_type, {}, max_rows, max_bytes)
        except (SyntaxError, ValueError, OSError) as exc:
            self.failures += 1
            return ("error", 502, f"the remote store's answer could not be read: {exc}")

    def _fetch(self, job: dict, accept: str, cancel: threading.Event | None,
               deadline: float) -> bytes:
        params: list[tuple[str, str]] = [("query", job["sparql"])]
        if job.get("dataset") == "explicit":
            params += [("default-graph-uri", g) for g in job.get("default_graph", [])]
            params += [("named-graph-uri", g) for g in job.get("named_graphs", [])]
        self.requests += 1
        budget = max(0.05, deadline - time.monotonic())
        try:
            resp = self._session.post(self.endpoint, data=params, stream=True,
                                      headers={"Accept": accept}, timeout=(5, budget))
        except self._requests.Timeout:
            self.failures += 1
            raise ServerError(503, f"the remote store did not answer within "
                                   f"{self.settings.timeout:g} s") from None
        except self._requests.RequestException as exc:
            self.failures += 1
            raise ServerError(502, f"cannot reach the remote store "
                                   f"({type(exc).__name__})") from None
        with resp:
            chunks, size = [], 0
            try:
                for chunk in resp.iter_content(_READ):
                    size += len(chunk)
                    if size > self.max_read:
                        raise ServerError(503, "the remote store's answer is larger than "
                                               "this endpoint reads; narrow the query")
                    if time.monotonic() > deadline:
                        raise ServerError(503, f"the remote store's answer took longer "
                                               f"than {self.settings.timeout:g} s")
                    if cancel is not None and cancel.is_set():
                        raise ServerError(499, "the client went away")
                    chunks.append(chunk)
            except self._requests.RequestException as exc:
                self.failures += 1
                raise ServerError(502, f"the remote store's answer broke off "
                                       f"({type(exc).__name__})") from None
            body = b"".join(chunks)
            if resp.status_code >= 400:
                self.failures += 1
                detail = body.decode("utf-8", "replace").strip()[:300]
                status = 400 if resp.status_code == 400 else 502
                raise ServerError(status, f"the remote store answered {resp.status_code}"
                                          + (f": {detail}" if detail else ""))
            return body
