"""`econkg serve --endpoint URL`: econkg's guard rails in front of a real remote store."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from click.testing import CliRunner

from econkg.cli import main
from endpoint import get, http, running_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def remote(oxigraph_server, tmp_path_factory, seeds_dir):
    build = tmp_path_factory.mktemp("remote-build")
    res = CliRunner().invoke(main, ["--seeds", str(seeds_dir), "--build-dir", str(build),
                                    "push", "--endpoint", oxigraph_server.query])
    assert res.exit_code == 0, res.output
    tmp = tmp_path_factory.mktemp("remote-serve")
    with running_server(tmp, "--endpoint", oxigraph_server.query, "--max-rows", "3",
                        "--no-cache") as (base, _proc, log):
        yield base, log


def test_queries_are_answered_by_the_remote_store(remote, oxigraph_server):
    base, _ = remote
    status, _, body = http(f"{base}/health")
    health = json.loads(body)
    assert status == 200 and health["isolated"] is False
    assert health["remote"] == oxigraph_server.query.split("/")[2]
    status, _, body = get(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                "application/sparql-results+json")
    assert status == 200, body
    n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert n > 15_000  # the seed graph pushed there, not an empty local build


def test_named_questions_run_remotely_with_the_row_cap(remote):
    base, _ = remote
    status, headers, body = http(f"{base}/queries/trade-over-time?partner=north-korea",
                                 headers={"Accept": "text/csv"})
    assert status == 200, body
    lines = body.decode("utf-8").strip().splitlines()
    assert len(lines) == 1 + 3 and headers["X-SPARQL-MaxRows"] == "3"
    assert "000_9e5f7cb7cd004f31.txt" in body.decode("utf-8")


def test_service_and_update_never_reach_the_remote_store(remote):
    base, _ = remote
    status, _, body = get(base, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> "
                                "{ ?s ?p ?o } }")
    assert status in (400, 403) and b"SERVICE" in body
    status, _, body = http(f"{base}/sparql", method="POST",
                           data=urllib.parse.urlencode(
                               {"update": "DROP ALL"}).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status in (400, 403)
    status, _, body = get(base, "ASK { GRAPH <https://w3id.org/econkg/graph/entities> "
                                "{ ?s ?p ?o } }", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True  # still all there


def test_an_unreachable_store_is_an_error_at_start(tmp_path):
    res = CliRunner().invoke(main, ["serve", "--endpoint", "http://127.0.0.1:1/sparql",
                                    "--port", "0"])
    assert res.exit_code == 1 and "cannot reach the remote store" in res.output
