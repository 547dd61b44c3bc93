"""Helpers for tests of the real `econkg serve`: start it on a free loopback port, talk
HTTP to it, and a listener that records any connection a query makes."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(tmp: Path, *options: str, build: Path | None = None):
    """`econkg serve OPTIONS` started with the CLI exactly as a user would, on the build
    folder `build` (default tmp/build), logging to tmp/server.log; yields
    (base URL, process, log path)."""
    port = free_port()
    env = dict(os.environ, ECONKG_BUILD_DIR=str(build or tmp / "build"), PYTHONUNBUFFERED="1")
    log = tmp / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "econkg", "--seeds", str(ROOT / "seeds"), "serve",
             "--port", str(port), *options],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as resp:
                if json.load(resp)["status"] == "ok":
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the server did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)
    try:
        yield base, proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def http(url: str, *, data: bytes | None = None, headers: dict | None = None,
         method: str | None = None, timeout: float = 20):
    """(status, headers, body) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get(base: str, query: str, accept: str | None = None, timeout: float = 20, **params):
    qs = urllib.parse.urlencode({"query": query, **params})
    return http(f"{base}/sparql?{qs}", headers={"Accept": accept} if accept else {},
                timeout=timeout)


def post_form(base: str, fields: dict, accept: str | None = None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return http(f"{base}/sparql", data=urllib.parse.urlencode(fields).encode(), headers=headers)


class Listener:
    """A socket on a free loopback port that records every connection made to it, and
    closes each at once (so an engine that does connect fails fast)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.2)
                try:
                    self.connections.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    self.connections.append(b"(connected)")

    def close(self) -> list[bytes]:
        time.sleep(0.3)
        self._stop = True
        self._thread.join()
        self.sock.close()
        return self.connections
