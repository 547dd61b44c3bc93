"""econkg push against a real Oxigraph server and a real Virtuoso, on loopback."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from econkg.cli import main
from triplestores import start_oxigraph, start_virtuoso, stop

pytestmark = pytest.mark.server

DOC2 = "https://w3id.org/econkg/graph/002_a68b94a328799fa6"


@pytest.fixture
def oxigraph(tmp_path):
    server = start_oxigraph(tmp_path / "ox")
    yield server
    stop(server)


def _push(seeds: Path, build: Path, endpoint: str, *extra: str, env=None):
    args = ["--seeds", str(seeds), "--build-dir", str(build), "push", "--endpoint", endpoint,
            *extra]
    return CliRunner().invoke(main, args, env=env)


def _remote_graph(endpoint: str, graph: str) -> set[str]:
    """The graph as a set of N-Triples lines, read back with CONSTRUCT."""

    from econkg.push.client import Client, Urls

    client = Client(Urls(endpoint, endpoint, None))
    q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    data = client.query(q, "application/n-triples")
    return _canonical(data)


def _canonical(ntriples: bytes) -> set[str]:
    """N-Triples lines after a trip through an Oxigraph store, which writes every literal
    in its canonical form (a store may keep 4500.0 as 4500: the same xsd:decimal)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    out = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return set(out.decode().splitlines())


def _local_graph(seeds: Path, graph: str) -> set[str]:
    from econkg.pipeline import build
    from econkg.push.plan import local_graphs
    from econkg.store import OxigraphStore

    store = OxigraphStore.from_dataset(build(seeds, check_shapes=False).dataset).store
    [g] = [g for g in local_graphs(store) if g.iri == graph]
    return _canonical(b"".join(g.chunks(10**9)))


def test_push_loads_every_named_graph_then_sends_nothing_unchanged(oxigraph, seed_copy, tmp_path):
    res = _push(seed_copy, tmp_path / "b", oxigraph.query)
    assert res.exit_code == 0, res.output
    assert "pushed 7 graph(s)" in res.output
    assert _remote_graph(oxigraph.query, DOC2) == _local_graph(seed_copy, DOC2)
    again = _push(seed_copy, tmp_path / "b", oxigraph.query)
    assert again.exit_code == 0, again.output
    assert "the store is up to date" in again.output
    assert again.output.count("unchanged") == 7


def test_a_changed_document_replaces_its_graph_as_a_whole(oxigraph, seed_copy, tmp_path):
    assert _push(seed_copy, tmp_path / "b", oxigraph.query).exit_code == 0
    before = _remote_graph(oxigraph.query, DOC2)
    # Drop one flow of document 002 from the seeds: the remote graph must lose its triples.
    path = seed_copy / "flows" / "002.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = next(ln for ln in lines[1:] if ln.strip() and not ln.startswith("#"))
    path.write_text("".join(ln for ln in lines if ln is not removed), encoding="utf-8")
    dry = _push(seed_copy, tmp_path / "b", oxigraph.query, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"replace   {DOC2}" in dry.output and "(content changed)" in dry.output
    assert "dry run: nothing sent" in dry.output
    assert _remote_graph(oxigraph.query, DOC2) == before  # a dry run changes nothing
    res = _push(seed_copy, tmp_path / "b", oxigraph.query)
    assert res.exit_code == 0, res.output
    assert "pushed 1 graph(s)" in res.output
    after = _remote_graph(oxigraph.query, DOC2)
    assert after == _local_graph(seed_copy, DOC2)
    assert len(after) < len(before)
    # No staging graph is left behind.
    from econkg.push.client import Client, Urls

    graphs = {r["g"] for r in Client(Urls(oxigraph.query, oxigraph.query, None)).select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert not [g for g in graphs if g.startswith("urn:econkg:staging:")]


class _FlakyProxy(http.server.BaseHTTPRequestHandler):
    """Forwards to the real server, but fails the Nth Graph Store POST with a 503."""

    target = ""
    fail_at = 0
    posts = 0
    puts = 0
    seen: ClassVar[list[str]] = []  # "METHOD path?query" of every request
    server_header = ""  # if set, the Server header the proxy answers with

    def version_string(self):
        return type(self).server_header or super().version_string()

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        cls = type(self)
        cls.seen.append(f"{self.command} {urllib.parse.unquote_plus(self.path)}"
                        + (f" {urllib.parse.unquote_plus(body.decode(errors='replace'))}"
                           if body and "/update" in self.path else ""))
        if self.command == "PUT" and "/store" in self.path:
            cls.puts += 1
        if self.command == "POST" and "/store" in self.path:
            cls.posts += 1
            if cls.posts == cls.fail_at:
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        req = urllib.request.Request(cls.target + self.path, data=body, method=self.command,
                                     headers={k: v for k, v in self.headers.items()
                                              if k.lower() in ("content-type", "accept")})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, data, ctype = resp.status, resp.read(), resp.headers.get("Content-Type")
        except urllib.error.HTTPError as exc:
            status, data, ctype = exc.code, exc.read(), exc.headers.get("Content-Type")
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, *args):
        pass


def test_a_push_that_fails_half_way_resumes_where_it_stopped(oxigraph, seed_copy, tmp_path):
    from econkg.pipeline import build
    from econkg.push.plan import local_graphs
    from econkg.store import OxigraphStore

    doc3 = "https://w3id.org/econkg/graph/003_8ba1e5c70a3d879f"
    store = OxigraphStore.from_dataset(build(seed_copy, check_shapes=False).dataset).store
    chunks = {g.iri: g.chunk_count(1000) for g in local_graphs(store)}
    order = sorted(chunks)
    before, after = order[:order.index(doc3)], order[order.index(doc3) + 1:]
    assert chunks[doc3] > 6
    # Graphs go in IRI order, 1000 triples a request, each graph's first chunk by PUT and
    # the rest by POST: fail the POST of 003's sixth chunk.
    base = oxigraph.query.removesuffix("/query")
    _FlakyProxy.target = base
    _FlakyProxy.fail_at = sum(chunks[g] - 1 for g in before) + 5
    _FlakyProxy.posts = _FlakyProxy.puts = 0
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FlakyProxy)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{proxy.server_address[1]}/query"
        first = _push(seed_copy, tmp_path / "b", endpoint, "--chunk-size", "1000")
        assert first.exit_code == 1
        assert "503" in first.output and "run the same command again to resume" in first.output
        state = (tmp_path / "b" / "push-state.json").read_text(encoding="utf-8")
        assert '"chunks": 5' in state  # 003's chunks 1–5 landed, the sixth did not
        _FlakyProxy.posts = _FlakyProxy.puts = 0
        _FlakyProxy.fail_at = 0
        second = _push(seed_copy, tmp_path / "b", endpoint, "--chunk-size", "1000")
        assert second.exit_code == 0, second.output
        for g in before:
            assert f"unchanged {g}" in second.output
        # 003 resumes at its sixth chunk (POSTs only, no PUT); the graphs after it go whole.
        assert (_FlakyProxy.puts, _FlakyProxy.posts) == (
            len(after), chunks[doc3] - 5 + sum(chunks[g] - 1 for g in after))
    finally:
        proxy.shutdown()
    assert _remote_graph(oxigraph.query, doc3) == _local_graph(seed_copy, doc3)
    assert not (tmp_path / "b" / "push-state.json").read_text(encoding="utf-8").strip("{}\n ")


def test_virtuoso_push_with_credentials_from_the_environment(tmp_path, seed_copy):
    # its own Virtuoso: a server another test left broken must not decide this one; its
    # ResultSetMaxRows is low, as Debian's 10000 is low for a big store
    server = start_virtuoso(tmp_path / "vt", max_rows=5000)
    try:
        _virtuoso_push(server, tmp_path, seed_copy)
        _a_cut_answer_is_an_error(server)
    finally:
        stop(server)


def test_a_virtuoso_transaction_over_its_log_limit_is_named_with_the_setting(tmp_path,
                                                                            seed_copy):
    """Virtuoso refuses a transaction whose log grows past TransactionAfterImageLimit
    (SR325, answered as an HTML page): the push says so in one readable line, names the
    setting and what to change, exits 1 and can be resumed once the limit is raised."""
    server = start_virtuoso(tmp_path / "vt", after_image=100_000)  # 50 MB by default
    try:
        env = {"ECONKG_TEST_PW": server.password}
        args = ("--user", server.user, "--password-env", "ECONKG_TEST_PW", "--chunk-size",
                "1000")
        res = _push(seed_copy, tmp_path / "b", server.query, *args, env=env)
        assert res.exit_code == 1
        assert "SR325: Transaction aborted" in res.output
        assert "TransactionAfterImageLimit ([Parameters] in virtuoso.ini) is too small for " \
               "a chunk of 1,000 triples: raise it, or push with a smaller --chunk-size" \
               in res.output
        assert "run the same command again to resume" in res.output
        assert "<h3>" not in res.output and "<xmp>" not in res.output
    finally:
        stop(server)


def _a_cut_answer_is_an_error(server):
    from econkg.queries import run_named
    from econkg.store import QueryError, RemoteStore

    store = RemoteStore(server.query)
    assert len(store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 4999").rows) == 4999
    with pytest.raises(QueryError, match=r"cut the answer at 5000 rows.*ResultSetMaxRows"):
        store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert run_named(store, "trade-over-time").rows  # a question under the cap is answered


def _virtuoso_push(server, tmp_path, seed_copy):
    env = {"ECONKG_TEST_PW": server.password}
    res = _push(seed_copy, tmp_path / "b", server.query, "--user", server.user,
                "--password-env", "ECONKG_TEST_PW", env=env)
    assert res.exit_code == 0, res.output
    assert _remote_graph(server.query, DOC2) == _local_graph(seed_copy, DOC2)
    wrong = _push(seed_copy, tmp_path / "b2", server.query, "--user", server.user,
                  "--password-env", "ECONKG_TEST_PW", "--graph", DOC2,
                  env={"ECONKG_TEST_PW": "not-the-password-x7"})
    # Nothing changed, so nothing is sent and no credential is needed…
    assert wrong.exit_code == 0 and "up to date" in wrong.output
    (seed_copy / "flows" / "002.csv").write_text(
        (seed_copy / "flows" / "002.csv").read_text(encoding="utf-8")
        .replace("Russia", "Russia.", 1), encoding="utf-8")
    wrong = _push(seed_copy, tmp_path / "b2", server.query, "--user", server.user,
                  "--password-env", "ECONKG_TEST_PW", "--graph", DOC2,
                  env={"ECONKG_TEST_PW": "not-the-password-x7"})
    # …but a change is refused, and the message never shows the password.
    assert wrong.exit_code == 1
    assert "401" in wrong.output and "--password-env" in wrong.output
    assert "not-the-password-x7" not in wrong.output
    assert "not-the-password-x7" not in server.log.read_text(errors="replace")


def test_the_password_is_never_an_argument():
    res = CliRunner().invoke(main, ["push", "--help"])
    assert "--password-env" in res.output and "--password " not in res.output


def test_credentials_inside_the_url_are_refused(tmp_path, seed_copy):
    res = _push(seed_copy, tmp_path / "b", "http://dba:secret@127.0.0.1:1/sparql")
    assert res.exit_code == 1
    assert "--user and --password-env" in res.output and "secret" not in res.output


def test_an_unknown_server_layout_asks_for_the_graph_store_url(tmp_path, seed_copy):
    res = _push(seed_copy, tmp_path / "b", "http://127.0.0.1:1/whatever")
    assert res.exit_code == 1 and "--graph-store URL" in res.output


def test_url_guesses_for_known_servers():
    from econkg.push.client import derive_urls

    ox = derive_urls("http://h:7878/query")
    assert (ox.graph_store, ox.update) == ("http://h:7878/store", "http://h:7878/update")
    vt = derive_urls("http://h:8890/sparql", authenticated=True)
    assert (vt.graph_store, vt.update) == ("http://h:8890/sparql-graph-crud-auth",
                                           "http://h:8890/sparql-auth")
    fu = derive_urls("http://h:3030/kg/query")
    assert (fu.graph_store, fu.update) == ("http://h:3030/kg/data", "http://h:3030/kg/update")
    gdb = derive_urls("http://h:7200/repositories/kg")
    assert gdb.graph_store == "http://h:7200/repositories/kg/rdf-graphs/service"
    assert derive_urls("http://h/q", graph_store="http://h/gsp").graph_store == "http://h/gsp"


def test_no_proxy_variable_redirects_a_push(monkeypatch, oxigraph, seed_copy, tmp_path):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    res = _push(seed_copy, tmp_path / "b", oxigraph.query, "--dry-run")
    assert res.exit_code == 0, res.output



def _proxy(target: str, server_header: str = ""):
    _FlakyProxy.target = target
    _FlakyProxy.fail_at = _FlakyProxy.posts = _FlakyProxy.puts = 0
    _FlakyProxy.seen = []
    _FlakyProxy.server_header = server_header
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FlakyProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    return proxy


def test_in_place_replaces_a_graph_without_staging_or_move(oxigraph, seed_copy, tmp_path):
    assert _push(seed_copy, tmp_path / "b", oxigraph.query).exit_code == 0
    path = seed_copy / "flows" / "002.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = next(ln for ln in lines[1:] if ln.strip() and not ln.startswith("#"))
    path.write_text("".join(ln for ln in lines if ln is not removed), encoding="utf-8")
    proxy = _proxy(oxigraph.query.removesuffix("/query"))
    try:
        endpoint = f"http://127.0.0.1:{proxy.server_address[1]}/query"
        res = _push(seed_copy, tmp_path / "b", endpoint, "--in-place", "--chunk-size", "1000")
    finally:
        proxy.shutdown()
    assert res.exit_code == 0, res.output
    assert _remote_graph(oxigraph.query, DOC2) == _local_graph(seed_copy, DOC2)
    loads = [r for r in _FlakyProxy.seen if r.startswith(("PUT", "POST /store"))]
    assert loads and all(f"graph={DOC2}" in r for r in loads)  # straight into its place
    assert not [r for r in _FlakyProxy.seen if "MOVE" in r or "staging" in r]
    # The proxy is no Oxigraph server: it gets plain Graph Store requests.
    assert not [r for r in loads if "no_transaction" in r]


def test_an_oxigraph_server_takes_the_chunks_through_its_bulk_loader(oxigraph, seed_copy,
                                                                     tmp_path):
    proxy = _proxy(oxigraph.query.removesuffix("/query"), server_header="Oxigraph/0.5.13")
    try:
        endpoint = f"http://127.0.0.1:{proxy.server_address[1]}/query"
        res = _push(seed_copy, tmp_path / "b", endpoint)
    finally:
        proxy.shutdown()
    assert res.exit_code == 0, res.output
    loads = [r for r in _FlakyProxy.seen if r.startswith(("PUT", "POST /store"))
             and "staging" in r]
    assert len(loads) == 7 and all(r.endswith("&no_transaction&lenient") for r in loads)
    assert _remote_graph(oxigraph.query, DOC2) == _local_graph(seed_copy, DOC2)


def test_the_digest_is_the_sum_of_each_triples_sha256(seed_copy):
    """Manifests written by earlier pushes stay valid: the digest is still defined on
    `<s> <p> <o> .` lines as pyoxigraph writes each term."""
    import hashlib

    import pyoxigraph as ox

    from econkg.pipeline import build
    from econkg.push.plan import local_graphs
    from econkg.store import OxigraphStore

    store = OxigraphStore.from_dataset(build(seed_copy, check_shapes=False).dataset).store
    for g in local_graphs(store):
        quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(g.iri)))
        total = sum(int.from_bytes(hashlib.sha256(
            f"{q.subject} {q.predicate} {q.object} .\n".encode()).digest(), "big")
            for q in quads) % 2 ** 256
        assert (g.digest, g.count) == (f"{total:064x}", len(quads))
        assert sum(c.count(b"\n") for c in g.chunks(1000)) == len(quads)
