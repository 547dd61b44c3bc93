"""What an operator can set on the endpoint, with defaults that are safe on a laptop."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def default_workers() -> int:
    """Two per core and at least four: Oxigraph queries are CPU-bound, but a pool larger
    than the cores keeps quick questions answered while slow ones hold a worker each."""
    return max(4, 2 * (os.cpu_count() or 1))


LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")


@dataclass(frozen=True)
class Settings:
    timeout: float = 10.0  # seconds a query may run before its worker is killed
    max_rows: int = 10_000  # rows (or triples) in one answer
    max_bytes: int = 16 << 20  # bytes in one answer; a longer one is cut (and says so)
    workers: int = field(default_factory=default_workers)  # the cheap lane
    spare_workers: int = 2  # started ahead, to step in the moment a worker leaves the lane
    heavy_workers: int | None = None  # queries past cheap_seconds at once (default: workers)
    cheap_seconds: float = 0.25  # CPU seconds after which a query is "heavy"
    max_body: int = 1 << 20  # bytes in a POST body
    max_depth: int = 128  # nesting of (), {} and [] in a query
    worker_memory_mb: int = 2048  # address-space limit of each worker (Linux)
    isolate_network: bool = True  # workers run without network; refused: no SERVICE-able query
    cache_entries: int = 1024  # answers kept (see AnswerCache); 0 turns the cache off
    cache_max_bytes: int = 256 << 10  # larger answers are not kept
    cache_total_bytes: int = 32 << 20  # all kept answers (and their keys) together
    host_names: tuple[str, ...] = ()  # Host header values accepted besides localhost names
    cors_origins: tuple[str, ...] = ()  # origins allowed to read answers (CORS); none by default
    client_queries: int = 16  # queries one client address may have in flight
    crash_limit: int = 3  # worker crashes one client may cause per crash_window …
    crash_window: float = 60.0  # … seconds before it gets 429 for the rest of the window
    header_timeout: float = 10.0  # seconds to send the request line and headers
    body_timeout: float = 30.0  # seconds to send a POST body
    send_timeout: float = 30.0  # seconds a client may leave the answer unread
    client_connections: int = 64  # open connections per client address
    client_pending: int = 16  # connections per address still sending their headers

    @property
    def heavy_lane(self) -> int:
        return self.heavy_workers if self.heavy_workers is not None else self.workers

    def allowed_hosts(self) -> set[str]:
        return {h.lower() for h in (*LOCAL_NAMES, *self.host_names)}
