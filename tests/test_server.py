"""The real `econkg serve` over HTTP: protocol, formats, named questions and safety.

One server process (three workers, --timeout 2) serves the whole module; it is started with
the CLI exactly as a user would, on a free loopback port, and stopped at the end.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from endpoint import Listener, get, http, post_form, running_server

pytestmark = pytest.mark.server

DOC0 = "000_9e5f7cb7cd004f31.txt"
PREFIXES = """PREFIX ekg: <https://w3id.org/econkg/ontology#>
PREFIX kg: <https://w3id.org/econkg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# China–North Korea trade in 2025, with its citation (document 000, line 5)
TRADE = PREFIXES + """SELECT ?value ?source ?line ?quote WHERE {
  ?obs ekg:reporter kg:china ; ekg:partner kg:north-korea ; ekg:measure ekg:TradeValue ;
       ekg:value ?value ; ekg:period "2025" ; ekg:citation ?c .
  FILTER NOT EXISTS { ?obs ekg:commodity ?k }
  ?c ekg:source/dcterms:identifier ?source ; ekg:line ?line ; ekg:quote ?quote .
}"""
CHINA = PREFIXES + "CONSTRUCT { kg:china rdfs:label ?l } WHERE { kg:china rdfs:label ?l }"
EXPLOSIVE = ("SELECT (COUNT(*) AS ?n) WHERE "
             "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }")
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve"), "--timeout", "2",
                        "--workers", "3") as (base, _, _):
        yield base


def json_rows(body: bytes) -> list[dict]:
    doc = json.loads(body)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def assert_trade_row(rows: list[dict]) -> None:
    assert rows, "no rows"
    [row] = rows
    assert float(row["value"]) == 2_730_000_000
    assert (row["source"], int(row["line"]), row["quote"]) == (DOC0, 5, "27.3亿美元")


# Protocol and formats -------------------------------------------------------------------

def test_health(server):
    status, _, body = http(server + "/health")
    doc = json.loads(body)
    assert status == 200 and doc["status"] == "ok"
    assert doc["pool_size"] == 3 and doc["timeout"] == 2.0 and doc["max_rows"] == 10_000
    assert doc["triples"] > 1000 and doc["graphs"] >= 3


def test_select_json_by_get(server):
    status, headers, body = get(server, TRADE, "application/sparql-results+json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    assert_trade_row(json_rows(body))


def test_select_xml_by_form_post(server):
    status, headers, body = post_form(server, {"query": TRADE},
                                      "application/sparql-results+xml")
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(body)
    rows = [{b.get("name"): b[0].text for b in r} for r in root.iter(SPARQL_RESULTS + "result")]
    assert_trade_row(rows)
    value = root.find(f".//{SPARQL_RESULTS}binding[@name='value']/{SPARQL_RESULTS}literal")
    assert value.get("datatype") == "http://www.w3.org/2001/XMLSchema#decimal"


def test_select_csv_by_direct_post(server):
    status, headers, body = http(
        server + "/sparql", data=TRADE.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert_trade_row(rows)
    assert body.endswith(b"\r\n")  # RFC 4180 line ends, as SPARQL CSV asks


def test_select_tsv(server):
    status, headers, body = get(server, TRADE, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    head, row = body.decode("utf-8").splitlines()
    assert head.split("\t") == ["?value", "?source", "?line", "?quote"]
    assert row.split("\t") == [
        '"2730000000"^^<http://www.w3.org/2001/XMLSchema#decimal>', f'"{DOC0}"',
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>', '"27.3亿美元"']


@pytest.mark.parametrize("accept, expected", [
    ("application/sparql-results+json", b'{"head":{},"boolean":true}'),
    ("application/sparql-results+xml", b"<boolean>true</boolean>"),
    ("text/csv", b"true"),
])
def test_ask(server, accept, expected):
    status, headers, body = get(server, PREFIXES + "ASK { kg:china rdfs:label 'China'@en }",
                                accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    assert expected in body


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_construct_formats(server, accept, fmt):
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    status, headers, body = get(server, CHINA, accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    g = Graph().parse(data=body.decode("utf-8"), format=fmt)
    china = URIRef("https://w3id.org/econkg/id/china")
    assert (china, RDFS.label, Literal("China", lang="en")) in g
    assert (china, RDFS.label, Literal("中国", lang="zh")) in g


def test_format_parameter_and_406(server):
    status, headers, body = get(server, TRADE, None, format="csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    status, _, body = get(server, TRADE, "image/png")
    assert status == 406 and b"application/sparql-results+json" in body


def test_service_description(server):
    from rdflib import Graph, Namespace, URIRef

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    status, headers, body = http(server + "/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=body.decode("utf-8"), format="turtle")
    [service] = g.subjects(sd.endpoint, URIRef(server + "/sparql"))
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (None, sd.name, URIRef("https://w3id.org/econkg/graph/" + DOC0[:-4])) in g
    assert not list(g.triples((service, sd.supportedLanguage, sd.SPARQL11Update)))


def test_default_and_named_graph_uri(server):
    graph = "https://w3id.org/econkg/graph/" + DOC0[:-4]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    all_, one = (int(json_rows(get(server, count, **kw)[2])[0]["n"])
                 for kw in ({}, {"default-graph-uri": graph}))
    assert 0 < one < all_
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert json_rows(get(server, named, **{"named-graph-uri": graph})[2]) == [{"g": graph}]
    status, _, body = get(server, count, **{"default-graph-uri": "https://example.org/nope"})
    assert status == 400 and b"no graph" in body


def test_row_cap(server):
    many = "SELECT ?a ?b WHERE { ?a a ?t . ?b a ?u }"  # far more than 10,000 rows
    status, headers, body = get(server, many, "text/csv")
    assert status == 200 and headers["X-SPARQL-MaxRows"] == "10000"
    assert body.count(b"\r\n") == 10_001  # header + 10,000 rows


# SPARQLWrapper, a real client -----------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
@pytest.mark.parametrize("fmt", ["JSON", "XML", "CSV", "TSV"])
def test_sparqlwrapper_select(server, method, fmt):
    sw = pytest.importorskip("SPARQLWrapper")
    client = sw.SPARQLWrapper(server + "/sparql")
    client.setQuery(TRADE)
    client.setReturnFormat(getattr(sw, fmt))
    if method == "POSTDIRECTLY":
        client.setMethod(sw.POST)
        client.setRequestMethod(sw.POSTDIRECTLY)
    else:
        client.setMethod(getattr(sw, method))
    result = client.query().convert()
    if fmt == "JSON":
        assert_trade_row([{k: v["value"] for k, v in b.items()}
                          for b in result["results"]["bindings"]])
    elif fmt == "XML":
        rows = [{b.getAttribute("name"): b.firstChild.firstChild.data
                 for b in r.getElementsByTagName("binding")}
                for r in result.getElementsByTagName("result")]
        assert_trade_row(rows)
    else:
        text = result.decode("utf-8") if isinstance(result, bytes) else result
        assert "27.3亿美元" in text and DOC0 in text


@pytest.mark.parametrize("fmt", ["TURTLE", "N3", "JSONLD", "RDFXML", "XML"])
def test_sparqlwrapper_construct(server, fmt):
    sw = pytest.importorskip("SPARQLWrapper")
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    client = sw.SPARQLWrapper(server + "/sparql")
    client.setQuery(CHINA)
    client.setReturnFormat(getattr(sw, fmt))
    result = client.queryAndConvert()
    if not isinstance(result, Graph):
        text = result.decode("utf-8") if isinstance(result, bytes) else result
        result = Graph().parse(data=text, format="turtle")
    china = URIRef("https://w3id.org/econkg/id/china")
    assert (china, RDFS.label, Literal("中国", lang="zh")) in result


def test_sparqlwrapper_ask(server):
    sw = pytest.importorskip("SPARQLWrapper")
    client = sw.SPARQLWrapper(server + "/sparql")
    client.setQuery(PREFIXES + "ASK { kg:china rdfs:label 'China'@en }")
    client.setReturnFormat(sw.JSON)
    assert client.query().convert()["boolean"] is True


# Named questions ------------------------------------------------------------------------

def test_named_query_list(server):
    _, _, body = http(server + "/queries")
    items = {q["name"]: q for q in json.loads(body)}
    q = items["trade-over-time"]
    assert q["params"]["reporter"] == {"type": "entity", "default": "china",
                                       "doc": "the economy whose trade is counted"}
    assert q["url"] == server + "/queries/trade-over-time"


def test_named_query_with_parameters(server):
    url = server + "/queries/trade-over-time?reporter=china&partner=north-korea"
    status, _, body = http(url)
    assert status == 200
    rows = [r for r in json_rows(body) if r.get("measure") == "trade value"]
    [row] = [r for r in rows if r.get("period") == "2025"]
    assert float(row["value"]) == 2_730_000_000
    assert (row["source"], row["line"], row["quote"]) == (DOC0, "5", "27.3亿美元")


def test_named_query_by_chinese_name_and_csv(server):
    url = server + "/queries/trade-over-time?" + urllib.parse.urlencode(
        {"partner": "朝鲜", "format": "csv"})
    status, headers, body = http(url)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert f"2730000000,,US dollar,,,fact,{DOC0},5,27.3亿美元" in body.decode("utf-8")


@pytest.mark.parametrize("value", [
    'north-korea"} UNION { ?obs ?p ?o } #',
    "https://w3id.org/econkg/id/north-korea> } UNION { ?obs ?p ?o",
    '朝鲜" ) } UNION { ?s ?p ?o } #',
])
def test_parameter_injection_is_refused(server, value):
    url = server + "/queries/trade-over-time?" + urllib.parse.urlencode({"partner": value})
    status, _, body = http(url)
    assert status == 400
    text = body.decode("utf-8")
    assert "parameter partner" in text and "Traceback" not in text


def test_string_parameter_cannot_change_the_query(server):
    from econkg.queries import list_queries

    cases = [(q.name, p.name) for q in list_queries() for p in q.params.values()
             if p.type == "string"]
    if not cases:
        pytest.skip("no named query takes a string parameter")
    name, param = cases[0]
    evil = '2025" } UNION { ?s ?p ?o } #'
    url = f"{server}/queries/{name}?" + urllib.parse.urlencode({param: evil})
    status, _, body = http(url, timeout=30)
    # a 503 here (the question overran the test server's 2 s) is a failure, not a skip:
    # the question must be answerable for the check to mean anything
    assert status == 200, (name, status, body[:300])
    assert json_rows(body) == []  # the value is one literal that matches nothing


def test_named_query_errors(server):
    status, _, body = http(server + "/queries/trade-over-time?colour=red")
    assert status == 400 and b"has no parameter colour" in body
    status, _, body = http(server + "/queries/no-such-question")
    assert status == 404 and b"no named query" in body


def test_remote_store_and_cli_against_the_server(server):
    from click.testing import CliRunner

    from econkg.cli import main
    from econkg.queries import bindings_for, get_query
    from econkg.store import RemoteStore

    store = RemoteStore(server + "/sparql")
    q = get_query("trade-over-time")
    bound = bindings_for(q, {"partner": "朝鲜"}, store)  # a name looked up over HTTP
    assert str(bound["partner"]) == "https://w3id.org/econkg/id/north-korea"
    result = CliRunner().invoke(main, ["query", "trade-over-time", "--endpoint",
                                       server + "/sparql", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert any(r["value"] == 2_730_000_000 and r["line"] == 5 for r in rows)


# Safety ---------------------------------------------------------------------------------

def test_cors_is_off_by_default(server):
    _, headers, _ = http(server + "/health", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in headers


def test_malformed_query_is_a_400_with_the_parser_message(server):
    status, headers, body = get(server, "SELECT ?x WHERE { ?x ?y }")
    text = body.decode("utf-8")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert text.startswith("SPARQL syntax error: error at 1:") and "Traceback" not in text
    status, _, body = get(server, "   ")
    assert status == 400


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ex:a\\' ?o . "
    "SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} ?x ex:b\\' ?y }}",
])
def test_service_is_refused_and_never_connects(server, template):
    listener = Listener()
    try:
        status, _, body = get(server, template.format(port=listener.port))
    finally:
        seen = listener.close()
    assert status == 400 and b"SERVICE" in body
    assert seen == []


def test_workers_cannot_connect_even_past_the_check(server):
    """The second wall: a SERVICE job handed straight to a worker (skipping the HTTP
    check) finds no network in the worker's namespace."""
    from econkg.serve import Settings, WorkerPool

    pool = WorkerPool(b'<http://e/s> <http://e/p> "o" <http://e/g> .\n', {},
                      Settings(workers=1, timeout=5))
    pool.start()
    listener = Listener()
    try:
        if not pool.isolated:
            pytest.xfail(f"this kernel lets the workers put up no network wall "
                         f"({pool.network}); the server then refuses SERVICE-able queries, "
                         "which test_service_fails_closed_without_isolation checks")
        reply = pool.run({
            "sparql": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> "
                      "{ ?s ?p ?o } }", "dataset": "union", "default_graph": [],
            "named_graphs": [], "rows_type": "application/sparql-results+json",
            "graph_type": None, "max_rows": 10})
    finally:
        seen = listener.close()
        pool.close()
    assert reply[0] == "error" and reply[1] == 400
    assert seen == []


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
])
def test_from_reads_no_file(server, query):
    status, _, body = get(server, query, "text/csv, application/n-triples")
    assert status == 200
    assert b"root:" not in body and len(body) < 100  # an empty answer, not the store
    status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o }",
                          **{"default-graph-uri": "file:///etc/passwd"})
    assert status == 400 and b"root:" not in body


def test_updates_are_refused(server):
    insert = "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"
    assert post_form(server, {"update": insert})[0] == 403
    assert http(server + "/sparql", data=insert.encode(),
                headers={"Content-Type": "application/sparql-update"})[0] == 403
    assert http(server + "/sparql?" + urllib.parse.urlencode({"update": insert}))[0] == 403
    for text in (insert, "LOAD <file:///etc/passwd>", "DROP ALL", "CLEAR DEFAULT"):
        status, _, body = get(server, text)
        assert status == 400 and b"read-only" in body
    ask = get(server, "ASK { <http://e/s> <http://e/p> <http://e/o> }",
              "application/sparql-results+json")[2]
    assert json.loads(ask)["boolean"] is False


def test_request_size_limits(server):
    """A body declared over the limit is refused from its headers, before it is read (so
    the test sends no body: a client still uploading would race the server's close)."""
    from http.client import HTTPConnection

    parts = urllib.parse.urlsplit(server)
    conn = HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest("POST", "/sparql")
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.putheader("Content-Length", str(3 << 20))
    conn.endheaders()
    resp = conn.getresponse()
    assert resp.status == 413 and b"over" in resp.read()
    conn.close()
    status, _, _ = http(server + "/sparql", data=b"x=1", headers={"Content-Type": "text/csv"})
    assert status == 415


def test_timeout_kills_the_query_and_others_keep_answering(server):
    slow: dict = {}

    def fire():
        t = time.monotonic()
        slow["status"], _, slow["body"] = get(server, EXPLOSIVE, timeout=30)
        slow["seconds"] = time.monotonic() - t

    thread = threading.Thread(target=fire)
    thread.start()
    time.sleep(0.3)
    quick = []
    while thread.is_alive():  # the other workers answer while the slow one runs
        t = time.monotonic()
        status, _, body = get(server, TRADE, "application/sparql-results+json")
        quick.append((status, time.monotonic() - t))
        time.sleep(0.1)
    thread.join()
    assert slow["status"] == 503 and b"stopped after 2 s" in slow["body"]
    assert 1.9 < slow["seconds"] < 6
    assert quick and all(status == 200 and secs < 1 for status, secs in quick)
    # the next request is answered, and the killed worker is replaced
    status, _, body = get(server, TRADE, "application/sparql-results+json")
    assert status == 200
    assert_trade_row(json_rows(body))
    for _ in range(50):  # three cheap workers and two standing by, as at the start
        health = json.loads(http(server + "/health")[2])
        if (health["idle"], health["standby"], health["heavy"]) == (3, 2, 0):
            break
        time.sleep(0.2)
    assert (health["idle"], health["standby"], health["heavy"]) == (3, 2, 0)
    assert health["workers"] == 5 and health["restarts"] >= 1 and health["timeouts"] >= 1


# The page -------------------------------------------------------------------------------

def test_query_page_loads_nothing_from_elsewhere(server):
    status, headers, body = http(server + "/")
    html = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "//" not in html.replace("<!--", "")  # no http://, https:// or //host URLs
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "static/vendor/yasgui/yasgui.min.js" in refs
    for ref in refs:
        if ref.startswith("data:"):  # the empty favicon, so the browser asks for none
            continue
        assert not re.match(r"[a-z]+:|//", ref), ref
        status, _, asset = http(f"{server}/{ref}")
        assert status == 200, ref
        if ref.endswith("page.js"):
            assert not re.search(rb"https?://", asset)
    assert http(server + "/docs")[0] == 404  # FastAPI's Swagger page would use a CDN


def test_a_query_that_exhausts_memory_takes_down_only_its_worker():
    from econkg.serve import ServerError, Settings, WorkerPool

    quads = "".join(f'<http://e/s{i}> <http://e/p> "o{i}" <http://e/g> .\n' for i in range(3000))
    pool = WorkerPool(quads.encode(), {}, Settings(workers=1, timeout=20, worker_memory_mb=512))
    pool.start()
    job = {"dataset": "union", "default_graph": [], "named_graphs": [], "rows_type": "text/csv",
           "graph_type": None, "max_rows": 10}
    try:
        with pytest.raises(ServerError) as crash:  # sorting 2.7e10 rows needs > 512 MiB
            pool.run({**job, "sparql": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } "
                                       "ORDER BY ?c ?f ?i LIMIT 1"})
        # an allocation the worker may not make is a 503 (try a smaller query), not a 500
        assert crash.value.status == 503 and "more memory" in crash.value.message
        assert pool.run({**job, "sparql": "ASK { ?s ?p ?o }"}) == ("ok", "text/csv", b"true",
                                                                    None)
        assert pool.health()["restarts"] == 1
    finally:
        pool.close()


@pytest.mark.browser
def test_query_page_runs_a_question_in_chromium(server):
    """The page in a real browser: the named questions load, one runs, and every request
    it makes goes to the endpoint itself."""
    chromium = "/usr/bin/chromium"
    if not os.path.isfile(chromium):
        pytest.skip(f"{chromium} is missing (.ci/install-services.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(server + "/")
            page.wait_for_selector("#questions button", timeout=15_000)
            page.locator(".yasqe_queryButton:visible").click()  # trade-over-time
            page.wait_for_selector("text=27.3亿美元", timeout=15_000)
            assert "2730000000" in page.inner_text(".yasr")
        finally:
            browser.close()
    assert requests and all(url.startswith(server + "/") for url in requests), requests
