"""The endpoint under abuse, on loopback: answer caps, heavy queries beside cheap ones,
slow and silent clients, deep nesting and crashing queries, HTTP hygiene.

One server for the module, started with small limits so that each case is quick; every
case is bounded in connections and time. Speed goals (a cheap query's p99 while heavy ones
run, memory under non-reading clients) are measured by benchmarks/endpoint_load.py, not
here: these tests assert behaviour.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse

import pytest

from endpoint import http, running_server

pytestmark = pytest.mark.server

EXPLOSIVE = ("SELECT (COUNT(*) AS ?n) WHERE "
             "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }")
BIG = ("SELECT ?s ?o WHERE { ?s ?p ?o }")  # thousands of rows: over a 64 KiB cap
CHEAP = "ASK {{ ?s ?p ?o }} # {n}"
HEAVY_LANE = 2


@pytest.fixture(scope="module")
def abuse(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("abuse"), "--workers", "2", "--timeout", "6",
                        "--max-bytes", "64K", "--max-rows", "100000", "--header-timeout",
                        "1.5", "--body-timeout", "2", "--send-timeout", "2", "--no-cache",
                        "--max-depth", "1000000",
                        "--host-name", "graph.example", "--cors", "https://allowed.example",
                        ) as (base, proc, log):
        yield base, proc, log


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """Default depth limit, a large byte cap and a short send timeout."""
    with running_server(tmp_path_factory.mktemp("plain"), "--workers", "1", "--max-bytes",
                        "6M", "--max-rows", "10000000", "--send-timeout", "1",
                        "--timeout", "30") as (base, proc, log):
        yield base, proc, log


def post(base: str, query: str, accept: str = "application/sparql-results+json",
         timeout: float = 30):
    return http(base + "/sparql", data=query.encode(), timeout=timeout,
                headers={"Content-Type": "application/sparql-query", "Accept": accept})


def health(base: str) -> dict:
    return json.loads(http(base + "/health")[2])


def raw(base: str, data: bytes, read: bool = True, timeout: float = 10) -> bytes:
    parts = urllib.parse.urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as s:
        s.sendall(data)
        if not read:
            return b""
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            out += chunk
        return out


# Answer caps ---------------------------------------------------------------------------

@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv",
                                    "application/sparql-results+xml",
                                    "text/tab-separated-values"])
def test_answers_are_cut_at_the_byte_cap_and_stay_valid(abuse, accept):
    base, _, _ = abuse
    status, headers, body = post(base, BIG, accept)
    assert status == 200 and headers["X-SPARQL-MaxBytes"] == str(64 << 10)
    assert 32 << 10 < len(body) <= 64 << 10
    if accept.endswith("json"):
        assert len(json.loads(body)["results"]["bindings"]) > 100
    elif accept.endswith("xml"):
        import xml.etree.ElementTree as ET

        assert len(ET.fromstring(body)[1]) > 100
    else:
        assert body.endswith(b"\n")


def test_an_explosive_concat_is_cut_not_shipped(abuse):
    """GROUP_CONCAT over everything × VALUES: hundreds of MB before the cap."""
    base, _, _ = abuse
    values = " ".join(str(i) for i in range(40))
    q = ("SELECT ?i (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { ?s ?p ?o VALUES ?i { "
         f"{values} }} }} GROUP BY ?i")
    status, headers, body = post(base, q)
    assert status == 200 and len(body) <= 64 << 10
    assert headers["X-SPARQL-MaxBytes"] == str(64 << 10)
    json.loads(body)


def test_graph_answers_respect_the_byte_cap(abuse):
    base, _, _ = abuse
    status, headers, body = post(base, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert status == 200 and len(body) <= 64 << 10
    assert headers["X-SPARQL-MaxBytes"] == str(64 << 10) and body.count(b" .\n") > 100


def test_a_client_that_never_reads_is_disconnected(plain):
    """An answer larger than the sockets' buffers is sent as far as they take it; then the
    send timeout (1 s here) closes the connection instead of holding the rest forever."""
    values = " ".join(str(i) for i in range(20))
    big = f"SELECT * WHERE {{ ?s ?p ?o VALUES ?i {{ {values} }} }}"
    base, _, log = plain
    if True:
        parts = urllib.parse.urlsplit(base)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
        s.settimeout(20)
        s.connect((parts.hostname, parts.port))
        try:
            s.sendall(f"GET /sparql?query={urllib.parse.quote(big)} HTTP/1.1\r\n"
                      "Host: localhost\r\nAccept: text/csv\r\n\r\n".encode())
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and "left its answer unread" not in \
                    log.read_text(errors="replace"):
                time.sleep(0.2)  # never read: the buffers fill and the timer runs out
            got = b""
            while True:
                try:
                    chunk = s.recv(1 << 20)
                except (ConnectionResetError, TimeoutError):
                    break
                if not chunk:
                    break
                got += chunk
        finally:
            s.close()
        state = health(base)
    assert "left its answer unread for 1 s; disconnected" in log.read_text(errors="replace")
    assert got.startswith(b"HTTP/1.1 200")
    declared = int(got.split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
    assert declared > 5 << 20 and len(got.split(b"\r\n\r\n", 1)[1]) < declared
    assert state["status"] == "ok"


# Heavy beside cheap ---------------------------------------------------------------------

def test_cheap_queries_are_answered_while_heavy_ones_run(abuse):
    base, _, _ = abuse
    results: list = []

    def heavy():
        results.append(post(base, EXPLOSIVE, timeout=30)[0])

    threads = [threading.Thread(target=heavy) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    quick = []
    for n in range(20):  # uncached: each text differs
        t0 = time.monotonic()
        status, _, _ = post(base, CHEAP.format(n=n))
        quick.append((status, time.monotonic() - t0))
    state = health(base)
    for t in threads:
        t.join()
    assert all(status == 200 for status, _ in quick), quick
    # once the cheap lane is refilled (the first may wait for that), none waits
    assert max(secs for _, secs in quick[5:]) < 1.0, quick
    # two heavy at a time (the lane is as wide as the pool); the others were refused
    assert state["heavy"] == HEAVY_LANE
    assert sorted(results) == [503] * 4  # each stopped by the 6 s timeout or refused
    # the same text again is known to be heavy: it gets the heavy lane, not a cheap worker
    t0 = time.monotonic()
    again = [post(base, EXPLOSIVE, timeout=30)[0] for _ in range(1)]
    assert again == [503] and health(base)["refused_heavy"] >= 2
    assert time.monotonic() - t0 > 5  # it ran (into the timeout) in a worker of its own


def test_a_heavy_query_whose_client_left_is_stopped(abuse):
    base, _, _ = abuse
    before = health(base)
    parts = urllib.parse.urlsplit(base)
    body = EXPLOSIVE.replace("?o }", "?o } # gone").encode()
    s = socket.create_connection((parts.hostname, parts.port))
    s.sendall(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
              b"application/sparql-query\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    time.sleep(0.8)  # it is heavy by now
    assert health(base)["heavy"] == 1
    s.close()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and health(base)["heavy"]:
        time.sleep(0.1)
    after = health(base)
    assert after["heavy"] == 0 and after["timeouts"] == before["timeouts"]


# Slow clients ---------------------------------------------------------------------------

def test_slow_headers_are_cut_off(abuse):
    base, _, _ = abuse
    parts = urllib.parse.urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: local")
        t0 = time.monotonic()
        assert s.recv(100) == b""  # closed by the server
        assert time.monotonic() - t0 < 3


def test_slowloris_does_not_lock_others_out(abuse):
    base, _, _ = abuse
    parts = urllib.parse.urlsplit(base)
    slow = []
    try:
        for _ in range(150):
            s = socket.create_connection((parts.hostname, parts.port), timeout=5)
            s.sendall(b"GET /health HTTP/1.1\r\n")
            slow.append(s)
        time.sleep(1)  # they are held open: the attack's steady state
        answers = [post(base, CHEAP.format(n=f"slow{n}"))[0] for n in range(10)]
    finally:
        for s in slow:
            s.close()
    assert answers == [200] * 10


def test_a_body_sent_too_slowly_gets_408(abuse):
    base, _, _ = abuse
    parts = urllib.parse.urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=40) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                  b"application/sparql-query\r\nContent-Length: 100\r\n\r\nASK")
        t0 = time.monotonic()
        reply = s.recv(4096)
        waited = time.monotonic() - t0
    assert reply.startswith(b"HTTP/1.1 408") and 1.5 < waited < 6  # --body-timeout 2


# Deep nesting and crashes ---------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
    "ASK { FILTER(" + "(" * 5000 + "true" + ")" * 5000 + ") }",
    "ASK { FILTER(" + "!" * 30000 + "true) }",
], ids=["3000 braces", "5000 parentheses", "30000 nots"])
def test_deep_nesting_is_refused_before_the_engine(plain, query):
    base, _, _ = plain
    before = health(base)
    for _ in range(5):  # a flood of them leaves the pool whole
        status, _, body = post(base, query)
        assert status == 400 and b"levels deep" in body
    state = health(base)
    assert state["workers"] == before["workers"] and state["restarts"] == before["restarts"]


def test_nesting_inside_strings_and_comments_is_not_nesting(plain):
    """(Brackets inside an IRI do count: `?a<((…>` may be a comparison to the engine.)"""
    base, _, _ = plain
    harmless = ('ASK { ?s ?p "' + "{" * 3000 + '", """' + "(" * 3000 + '""" } # '
                + "[" * 3000)
    assert post(base, harmless)[0] == 200


# HTTP hygiene ---------------------------------------------------------------------------

def test_unknown_host_names_are_refused(abuse):
    base, _, _ = abuse
    port = urllib.parse.urlsplit(base).port
    assert http(base + "/health", headers={"Host": "evil.example"})[0] == 421
    status, _, body = http(base + "/sparql", headers={"Host": f"evil.example:{port}"})
    assert status == 421 and b"evil.example" not in body.split(b"\n", 1)[1]
    for name in ("localhost", "127.0.0.1", "graph.example", "LOCALHOST."):
        assert http(base + "/health", headers={"Host": f"{name}:{port}"})[0] == 200


def test_head_answers_like_get_without_a_body(abuse):
    base, _, _ = abuse
    for path in ("/health", "/sparql", "/queries", "/",
                 "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})):
        status, headers, body = http(base + path, method="HEAD")
        assert status == 200 and body == b"" and headers["Content-Type"], path


def test_over_long_urls_and_headers_get_414_and_431(abuse):
    base, _, _ = abuse
    reply = raw(base, b"GET /sparql?query=" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: localhost"
                b"\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 414")
    reply = raw(base, b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"y" * 70_000
                + b"\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 431")


def test_cors_only_for_the_named_origin(abuse):
    base, _, _ = abuse
    _, headers, _ = http(base + "/health", headers={"Origin": "https://allowed.example"})
    assert headers["Access-Control-Allow-Origin"] == "https://allowed.example"
    _, headers, _ = http(base + "/health", headers={"Origin": "https://other.example"})
    assert "Access-Control-Allow-Origin" not in headers


def test_an_aborted_post_logs_one_quiet_line(abuse):
    base, _, log = abuse
    before = log.read_text(errors="replace")
    raw(base, b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/"
        b"sparql-query\r\nContent-Length: 1000\r\n\r\nSELECT", read=False)
    time.sleep(0.5)
    added = log.read_text(errors="replace")[len(before):]
    assert "Traceback" not in added and "ERROR" not in added
    assert added.count("closed its connection while sending") == 1


# Last, since it bars this address from the module's server for a minute ----------

def test_a_client_whose_queries_crash_workers_is_held_off(abuse):
    """With the depth check lifted (--max-depth 1000000 here), a run of ! overflows the
    worker's stack: each crash is a 500, and the third within the window earns 429."""
    base, _, _ = abuse
    crash = "ASK { FILTER(" + "!" * 400_000 + "true) }"
    statuses = [post(base, crash, timeout=60)[0] for _ in range(4)]
    assert statuses[:3] == [500, 500, 500] and statuses[3] == 429
    status, _, body = post(base, CHEAP.format(n="after-crash"))
    assert status == 429 and b"crashed" in body
