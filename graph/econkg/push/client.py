"""HTTP for the Graph Store Protocol, SPARQL Update and SPARQL queries against one server.

Servers place the three services at different paths (Oxigraph: /query, /store, /update;
Virtuoso: /sparql, /sparql-graph-crud-auth, /sparql-auth; Fuseki: /ds/query, /ds/data,
/ds/update; GraphDB: /repositories/R, …/rdf-graphs/service, …/statements), so
`derive_urls` guesses the other two from the query URL and every one can be given.
HTTP is requests' (with its Digest and Basic authentication): the store's challenge (and
its Server header) is fetched by a request without a body first, so that a large upload
is never the request a server rejects half-read (Virtuoso closes such a connection).
Credentials are never put into a URL, an error message or a log line, and no proxy or
.netrc from the environment redirects a push.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass


class PushError(RuntimeError):
    """A remote store refused or could not be reached; the message names the URL.
    `url` is the URL of the request the store refused (None when none was made)."""

    def __init__(self, message: str, url: str | None = None):
        super().__init__(message)
        self.url = url


@dataclass(frozen=True)
class Urls:
    query: str
    graph_store: str
    update: str | None


def derive_urls(query: str, graph_store: str | None = None, update: str | None = None,
                authenticated: bool = False) -> Urls:
    """The Graph Store and Update URLs that go with a query endpoint, where the server's
    layout is known; an explicit URL always wins."""
    parts = urllib.parse.urlsplit(query)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"{query!r} is not an http(s) URL of a SPARQL endpoint")
    if parts.username or parts.password:
        raise PushError("give credentials with --user and --password-env, not inside the URL")
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    guess_store = guess_update = None
    if path == "/query":  # Oxigraph server
        guess_store, guess_update = at("/store"), at("/update")
    elif path in ("/sparql", "/sparql-auth"):  # Virtuoso
        guess_store = at("/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud")
        guess_update = at("/sparql-auth" if authenticated else "/sparql")
    elif path.endswith(("/query", "/sparql")):  # Fuseki: /DATASET/query
        base = path.rsplit("/", 1)[0]
        guess_store, guess_update = at(base + "/data"), at(base + "/update")
    elif "/repositories/" in path:  # GraphDB, RDF4J
        guess_store, guess_update = at(path + "/rdf-graphs/service"), at(path + "/statements")
    store = graph_store or guess_store
    if not store:
        raise PushError(f"cannot tell where {query} keeps its Graph Store Protocol service; "
                        "give it with --graph-store URL")
    return Urls(query, store, update or guess_update)


class Client:
    """One remote store. Every request has a timeout; errors become PushError."""

    def __init__(self, urls: Urls, user: str | None = None, password: str | None = None,
                 timeout: float = 120.0):
        import requests

        self.urls = urls
        self.timeout = timeout
        self._requests = requests
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy variables, no .netrc
        self._credentials = (user, password or "") if user is not None else None
        self._authenticated = False
        self.server = ""  # the store's Server header, learnt from the first probe

    # --- Graph Store Protocol -----------------------------------------------------------

    def put_graph(self, graph: str, ntriples: bytes, bulk: bool = False) -> None:
        """Replace a graph's content. `bulk`: the body is our own store's N-Triples, so the
        store may take it by its fastest, non-transactional path (see `_graph_url`)."""
        if not self._authenticated:
            self._authenticate()  # also learns which server it is, for _graph_url
        self._send("PUT", self._graph_url(graph, bulk), ntriples, "application/n-triples")

    def post_graph(self, graph: str, ntriples: bytes, bulk: bool = False) -> None:
        """Add triples to a graph."""
        if not self._authenticated:
            self._authenticate()  # also learns which server it is, for _graph_url
        self._send("POST", self._graph_url(graph, bulk), ntriples, "application/n-triples")

    def delete_graph(self, graph: str) -> None:
        """Remove a graph; a graph that is not there is not an error."""
        try:
            self._send("DELETE", self._graph_url(graph), None, None)
        except PushError as exc:
            if "answered 404" not in str(exc):
                raise

    # --- SPARQL --------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        if not self.urls.update:
            raise PushError("no SPARQL Update URL for this store; give it with --update URL")
        body = urllib.parse.urlencode({"update": sparql}).encode()
        self._send("POST", self.urls.update, body, "application/x-www-form-urlencoded")

    def select(self, sparql: str) -> list[dict[str, str]]:
        """Rows of a SELECT as {variable: lexical value}."""
        payload = self.query(sparql, "application/sparql-results+json")
        try:
            doc = json.loads(payload)
            return [{k: v["value"] for k, v in b.items()}
                    for b in doc["results"]["bindings"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise PushError(f"{self.urls.query} did not answer SPARQL JSON results "
                            f"({exc})") from None

    def query(self, sparql: str, accept: str) -> bytes:
        body = urllib.parse.urlencode({"query": sparql}).encode()
        return self._send("POST", self.urls.query, body, "application/x-www-form-urlencoded",
                          accept=accept, auth=False)

    # --- plumbing --------------------------------------------------------------------------

    def _graph_url(self, graph: str, bulk: bool = False) -> str:
        """The Graph Store URL of one graph. For a bulk body sent to an Oxigraph server,
        `no_transaction` has it load through its bulk loader instead of one transaction
        (three to ten times less work for the server), and `lenient` skips re-validating
        what an Oxigraph serializer wrote. Other stores get the plain URL."""
        sep = "&" if "?" in self.urls.graph_store else "?"
        url = f"{self.urls.graph_store}{sep}{urllib.parse.urlencode({'graph': graph})}"
        if bulk and self.server.startswith("Oxigraph/"):
            url += "&no_transaction&lenient"
        return url

    def _authenticate(self) -> None:
        """Learn which scheme the store asks for, with a request that carries no body, and
        answer its challenge once, so later requests carry credentials from the start."""
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        self._authenticated = True
        probe = self._graph_url(MANIFEST_PROBE)
        resp = self._request("GET", probe, None, {})
        self.server = resp.headers.get("Server", "")
        if self._credentials is None:
            return
        scheme = resp.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        if resp.status_code != 401:
            self._session.auth = HTTPBasicAuth(*self._credentials)
            return
        self._session.auth = (HTTPDigestAuth if scheme == "digest" else HTTPBasicAuth)(
            *self._credentials)
        resp = self._request("GET", probe, None, {})
        if resp.status_code in (401, 403):
            raise PushError(f"{_public(probe)} refused the credentials ({resp.status_code}; "
                            "check --user and --password-env)")

    def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str]):
        try:
            return self._session.request(method, url, data=body, headers=headers,
                                         timeout=self.timeout)
        except self._requests.Timeout:
            raise PushError(f"{method} {_public(url)} took longer than {self.timeout:g} s"
                            ) from None
        except self._requests.RequestException as exc:
            reason = type(exc).__name__
            raise PushError(f"cannot reach {_public(url)} ({reason})") from None

    def _send(self, method: str, url: str, body: bytes | None, ctype: str | None,
              accept: str | None = None, auth: bool = True) -> bytes:
        if auth and not self._authenticated:
            self._authenticate()
        headers = {}
        if ctype:
            headers["Content-Type"] = ctype
        if accept:
            headers["Accept"] = accept
        resp = self._request(method, url, body, headers)
        if resp.status_code >= 400:
            detail = _readable(resp.text, resp.headers.get("Content-Type", ""))[:300]
            hint = " (check --user and --password-env)" if resp.status_code in (401, 403) else ""
            raise PushError(f"{method} {_public(url)} answered {resp.status_code} "
                            f"{resp.reason}{hint}" + (f": {detail}" if detail else ""), url)
        return resp.content


# Any graph will do to fetch the challenge: GET of a graph that is not there is harmless.
MANIFEST_PROBE = "https://w3id.org/econkg/graph/push-manifest"


def _readable(text: str, content_type: str) -> str:
    """A store's error page as one line of its text (Virtuoso answers errors as HTML, with
    the message, e.g. `SR325: …`, inside it); other answers as they are, whitespace
    collapsed."""
    if "html" in content_type.lower() or text.lstrip().lower().startswith(("<!doctype",
                                                                          "<html")):
        from html.parser import HTMLParser

        parts: list[str] = []

        class Text(HTMLParser):
            def handle_data(self, data: str) -> None:
                parts.append(data)

        reader = Text()
        reader.feed(text)
        reader.close()
        text = " ".join(parts)
    return " ".join(text.split())


def _public(url: str) -> str:
    """The URL without its query string (graph IRIs make messages long, never secrets)."""
    return url.split("?", 1)[0]
