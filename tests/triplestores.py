"""Real SPARQL servers for the tests, started on loopback in a temporary folder.

Oxigraph server comes from PyPI (`oxigraph`, in the test extra) and Virtuoso Open Source
from Debian (`virtuoso-opensource`, installed by .ci/install-services.sh). A missing server
fails the tests that need it, with the command that installs it: a skip here would hide
exactly the engine differences these tests exist to catch.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"  # a fresh database's own default; the server listens on loopback


@dataclass
class Server:
    name: str
    query: str  # SPARQL query URL
    process: subprocess.Popen
    log: Path
    user: str | None = None
    password: str | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n"
                        f"{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    process.kill()
    pytest.fail(f"no answer from {url} within {seconds:g} s:\n"
                f"{log.read_text(errors='replace')[-2000:]}")


def start_oxigraph(folder: Path) -> Server:
    exe = shutil.which("oxigraph")
    if not exe:
        pytest.fail("the Oxigraph server is not installed: python3 -m pip install oxigraph")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "oxigraph.log"
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"], stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    _wait(f"{base}/query?query=ASK%7B%7D", proc, log, 30)
    return Server("oxigraph", f"{base}/query", proc, log)


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
[Parameters]
ServerPort               = 127.0.0.1:{sql}
DisableUnixSocket        = 1
CaseMode                 = 2
DirsAllowed              = ., {d}
NumberOfBuffers          = 20000
MaxDirtyBuffers          = 15000
TransactionAfterImageLimit = {after_image}
[HTTPServer]
ServerPort               = 127.0.0.1:{http}
ServerRoot               = {d}
ServerThreads            = 8
Charset                  = UTF-8
[SPARQL]
ResultSetMaxRows         = {max_rows}
MaxQueryExecutionTime    = 120
"""


def start_virtuoso(folder: Path, max_rows: int = 1_000_000,
                   after_image: int = 50_000_000) -> Server:
    exe = shutil.which("virtuoso-t")
    if not exe:
        pytest.fail("Virtuoso is not installed: sh .ci/install-services.sh "
                    "(apt-get install virtuoso-opensource)")
    http = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=folder, sql=free_port(), http=http, max_rows=max_rows,
                                       after_image=after_image), encoding="utf-8")
    log = folder / "stdout.log"
    proc = subprocess.Popen([exe, "-f", "-c", str(ini)], cwd=folder, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT)
    query = f"http://127.0.0.1:{http}/sparql"
    _wait(f"{query}?query=ASK%7B%7D", proc, log, 90)
    return Server("virtuoso", query, proc, log, VIRTUOSO_USER, VIRTUOSO_PASSWORD)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
