"""Per-request guards: the Host allowlist, and per-client limits on queries and crashes."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

from .settings import Settings


def host_name(header: str) -> str:
    """The name part of a Host header ("[::1]:7878" → "[::1]", "Example.org." → "example.org")."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0].rstrip(".") if value.count(":") == 1 else value


class HostAllowlist:
    """ASGI middleware: refuse (421) a request whose Host is not one of ours.

    A browser tricked by DNS rebinding sends the attacker's name as Host while its
    requests reach 127.0.0.1; answering only our own names keeps such pages from reading
    the endpoint (and from having their name echoed into the service description)."""

    def __init__(self, app, allowed: set[str]):
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = ""
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
                break
        if host_name(host) in self.allowed:
            return await self.app(scope, receive, send)
        body = (f"Host {host!r} is not a name of this endpoint; start it with "
                "--host-name NAME to answer to another name\n").encode()
        await send({"type": "http.response.start", "status": 421, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class ClientLimits:
    """Queries in flight per client address, and worker crashes per address in a window.
    Both tables are bounded: an address with nothing in flight and no recent crash is
    forgotten."""

    MAX_ADDRESSES = 4096

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._flight: dict[str, int] = {}
        self._crashes: OrderedDict[str, deque] = OrderedDict()

    def refuse(self, address: str) -> tuple[int, str] | None:
        """(status, message) if this address may not start a query now, else None; on
        None the caller must call `done(address)` when its query ends."""
        now = time.monotonic()
        with self._lock:
            crashes = self._crashes.get(address)
            if crashes is not None:
                while crashes and now - crashes[0] > self.settings.crash_window:
                    crashes.popleft()
                if not crashes:
                    self._crashes.pop(address, None)
                elif len(crashes) >= self.settings.crash_limit:
                    wait = self.settings.crash_window - (now - crashes[0])
                    return 429, (f"queries from your address crashed {len(crashes)} query "
                                 f"workers; try again in {wait:.0f} s")
            if self._flight.get(address, 0) >= self.settings.client_queries:
                return 429, (f"your address has {self.settings.client_queries} queries "
                             "running; wait for one to finish")
            self._flight[address] = self._flight.get(address, 0) + 1
        return None

    def done(self, address: str) -> None:
        with self._lock:
            left = self._flight.get(address, 1) - 1
            if left > 0:
                self._flight[address] = left
            else:
                self._flight.pop(address, None)

    def crashed(self, address: str) -> None:
        with self._lock:
            self._crashes.setdefault(address, deque(maxlen=self.settings.crash_limit))
            self._crashes.move_to_end(address)
            self._crashes[address].append(time.monotonic())
            while len(self._crashes) > self.MAX_ADDRESSES:
                self._crashes.popitem(last=False)
