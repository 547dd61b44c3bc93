"""Worker processes, each with the graph loaded, in two lanes.

Neither Oxigraph nor rdflib can cancel a running query, so every query runs in a worker
process that can be killed. A query starts in the cheap lane (normal CPU priority). If it
is still running after `cheap_seconds`, it becomes heavy: its worker leaves the cheap
lane, is niced (so cheap queries win the CPU), and a fresh cheap worker is started in its
place (a standby worker steps in at once, and another is started); the heavy worker is
retired when its query ends. At most `heavy_lane` heavy queries run at once — one more
that has also used `cheap_seconds` of CPU is stopped with 503 — so however many heavy
queries arrive, the cheap lane is refilled and cheap questions keep being answered.

Admission by cost: a query text that has turned heavy before (the last 1 024 such texts
are remembered) skips the cheap lane — it gets a worker of its own in the heavy lane, or
503 at once when that lane is full — so an attacker repeating an explosive query never
occupies a cheap worker again.

A job gets `timeout` seconds in all; a worker that overruns is killed. A job whose client
has gone (`cancel` set) is killed once it is heavy (a cheap one is let finish: killing
would cost more than it saves).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from .settings import Settings
from .worker import worker_main

log = logging.getLogger("econkg.server")
_SLICE = 0.02  # seconds between looks at a running job


class ServerError(Exception):
    """A failure with an HTTP status and a message fit to show the client."""

    def __init__(self, status: int, message: str, crashed: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.crashed = crashed  # the query took its worker down


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    info: dict = field(default_factory=dict)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used, from /proc; None where unreadable."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return None


def _exit_reason(code: int | None) -> tuple[int, str]:
    """(HTTP status, message) for a worker that died with `code`."""
    if code in (-signal.SIGABRT, -signal.SIGKILL, 134, 137):
        # Rust aborts on a failed allocation; the kernel's OOM killer sends SIGKILL
        return 503, ("the query needed more memory than a worker may use (its worker was "
                     f"stopped, exit code {code}); narrow it or add a LIMIT")
    return 500, f"the query crashed its worker (exit code {code})"


class WorkerPool:
    """`run` blocks, so call it from a thread."""

    def __init__(self, nquads: bytes, prefixes: dict[str, str], settings: Settings):
        import hashlib

        self._nquads = nquads
        self._hello = (hashlib.sha256(nquads).hexdigest(), prefixes)
        self.settings = settings
        self._preload_file: str | None = None
        self._ctx = self._context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._standby: queue.Queue[_Worker] = queue.Queue()  # warm, waiting to step in
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.heavy = 0  # heavy queries running now
        self.restarts = 0
        self.timeouts = 0
        self.refused_heavy = 0
        self.network = "unknown"
        self._known_heavy: OrderedDict[int, None] = OrderedDict()

    def _context(self):
        """Workers are forked from a fork server that has already imported the engine
        and loaded the graph (preload.py), so a replacement (after a timeout, a crash,
        or a query turning heavy) is ready in milliseconds rather than the half second
        a fresh interpreter parsing the graph takes. The fork server is a clean
        single-threaded process: forking it is safe where forking the server is not."""
        try:
            ctx = multiprocessing.get_context("forkserver")
        except ValueError:  # no fork server on this platform
            return multiprocessing.get_context("spawn")
        import tempfile

        fd, self._preload_file = tempfile.mkstemp(prefix="econkg-graph-", suffix=".nq")
        with os.fdopen(fd, "wb") as f:
            f.write(self._nquads)
        # read by preload.py in the fork server, if this pool is the one that starts it
        os.environ.setdefault("ECONKG_WORKER_PRELOAD", self._preload_file)
        ctx.set_forkserver_preload(["econkg.serve.worker", "pyoxigraph",
                                    "econkg.serve.preload"])
        return ctx

    @property
    def isolated(self) -> bool:
        """True if every worker started so far said its network walls are up."""
        return self.network not in ("unknown", "none")

    # lifecycle
    def start(self) -> None:
        procs = [self._launch() for _ in range(self.settings.workers + self.settings.spare_workers)]
        for i, (proc, conn) in enumerate(procs):
            worker = self._handshake(proc, conn)
            (self._idle if i < self.settings.workers else self._standby).put(worker)
        log.info("%d query workers ready (network: %s)", len(procs), self.network)

    def close(self) -> None:
        self._closed = True
        if self._preload_file:
            with contextlib.suppress(OSError):
                os.unlink(self._preload_file)
            if os.environ.get("ECONKG_WORKER_PRELOAD") == self._preload_file:
                del os.environ["ECONKG_WORKER_PRELOAD"]
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            self._kill(w)

    def _launch(self):
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=worker_main, name="econkg-query-worker", daemon=True,
                                 args=(child, self.settings.worker_memory_mb,
                                       self.settings.isolate_network))
        proc.start()
        child.close()
        return proc, parent

    def _handshake(self, proc, conn) -> _Worker:
        worker = _Worker(proc, conn)
        try:
            conn.send(self._hello)
            if not conn.poll(60):
                raise TimeoutError("a query worker did not start within 60 s")
            kind, info = conn.recv()
            if kind == "need data":  # not forked with this graph preloaded
                conn.send(self._nquads)
                if not conn.poll(60):
                    raise TimeoutError("a query worker did not start within 60 s")
                kind, info = conn.recv()
        except BaseException:
            self._kill(worker)
            raise
        worker.info = info
        with self._lock:
            self._all.add(worker)
            # the weakest worker decides: one without walls makes the pool unisolated
            if self.network in ("unknown",) or info.get("network") == "none":
                self.network = info.get("network", "none")
        return worker

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        try:
            worker.process.kill()
            worker.process.join(timeout=5)
        except (OSError, ValueError, AttributeError):
            pass
        worker.conn.close()

    def _replace(self, worker: _Worker | None) -> None:
        """Retire `worker` (if any) and put a cheap-lane worker in its place: a standby
        one at once if there is one (starting a worker takes a good fraction of a second,
        more on a busy machine), and start another in the background."""
        if worker is not None:
            self._kill(worker)
        try:
            self._idle.put(self._standby.get_nowait())
            target = self._standby
        except queue.Empty:
            target = self._idle
        threading.Thread(target=self._respawn, args=(target,), name="econkg-respawn",
                         daemon=True).start()

    def _respawn(self, target: queue.Queue | None = None) -> None:
        target = self._idle if target is None else target
        delay = 0.2
        while not self._closed:
            try:
                worker = self._handshake(*self._launch())
            except Exception as exc:
                log.warning("could not start a query worker (%s); retrying", exc)
                time.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            if self._closed:
                self._kill(worker)
            else:
                target.put(worker)
            return

    # work
    def run(self, job: dict, cancel: threading.Event | None = None) -> tuple:
        timeout = self.settings.timeout
        started = time.monotonic()
        text_key = hash(job["sparql"])
        if text_key in self._known_heavy:
            worker = self._heavy_worker()
            heavy = True
        else:
            try:
                worker = self._idle.get(timeout=timeout)
            except queue.Empty:
                raise ServerError(503, f"all {self.settings.workers} query workers stayed "
                                       f"busy for {timeout:g} s; try again later") from None
            heavy = False
        deadline = time.monotonic() + max(0.05, timeout - (time.monotonic() - started))
        cheap_until = time.monotonic() + self.settings.cheap_seconds
        pid = worker.info.get("pid") or worker.process.pid
        cpu_at_start = _cpu_seconds(pid)
        try:
            worker.conn.send(job)
            while not worker.conn.poll(_SLICE):
                now = time.monotonic()
                if now >= deadline:
                    self.timeouts += 1
                    log.warning("a query overran %g s; killing worker %s", timeout,
                                worker.info.get("pid"))
                    self._stop(worker, heavy)
                    heavy = False
                    raise ServerError(503, f"query stopped after {timeout:g} s (the "
                                           "server's --timeout); simplify it or add a LIMIT")
                if not heavy and now >= cheap_until:
                    # past cheap_seconds of wall time it leaves the cheap lane if the heavy
                    # lane has room; it is refused only if it has also used that much CPU
                    # (on a busy machine a cheap query may wait that long for a core)
                    spent = self._spent(pid, cpu_at_start)
                    if spent:
                        self._remember_heavy(text_key)
                    if self._make_heavy(worker):
                        heavy = True
                    elif spent:
                        self.refused_heavy += 1
                        self._stop(worker, False)
                        raise ServerError(503, f"{self.settings.heavy_lane} long-running "
                                               "queries are already running; this one was "
                                               "stopped — try again later")
                if heavy and cancel is not None and cancel.is_set():
                    self._stop(worker, heavy)
                    heavy = False
                    raise ServerError(499, "the client went away; its query was stopped")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1)
            code = worker.process.exitcode
            log.warning("query worker %s died (exit code %s); starting another",
                        worker.info.get("pid"), code)
            self._stop(worker, heavy)
            heavy = False
            status, message = _exit_reason(code)
            raise ServerError(status, message, crashed=True) from None
        if heavy:  # niced for good: retire it (its replacement is already on the way)
            self._stop(worker, heavy, replace=False)
        else:
            self._idle.put(worker)
        return reply

    def _spent(self, pid: int, cpu_at_start: float | None) -> bool:
        """Has the job used `cheap_seconds` of CPU? (CPU, not wall time: on a busy
        machine a cheap query can wait for a core longer than that, and must not be
        taken for heavy.) Wall time decides where CPU time cannot be read."""
        if cpu_at_start is None:
            return True
        used = _cpu_seconds(pid)
        return used is None or used - cpu_at_start >= self.settings.cheap_seconds

    def _remember_heavy(self, key: int) -> None:
        with self._lock:
            self._known_heavy[key] = None
            self._known_heavy.move_to_end(key)
            while len(self._known_heavy) > 1024:
                self._known_heavy.popitem(last=False)

    def _heavy_worker(self) -> _Worker:
        """A worker of its own, niced, for a query known to be heavy; 503 if the heavy
        lane is full."""
        with self._lock:
            if self.heavy >= self.settings.heavy_lane:
                self.refused_heavy += 1
                raise ServerError(503, f"{self.settings.heavy_lane} long-running queries "
                                       "are already running, and this one ran long before; "
                                       "try again later")
            self.heavy += 1
        try:
            worker = self._handshake(*self._launch())
        except Exception:
            with self._lock:
                self.heavy -= 1
            raise ServerError(503, "could not start a worker for this query") from None
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, worker.info.get("pid") or worker.process.pid, 19)
        return worker

    def _make_heavy(self, worker: _Worker) -> bool:
        with self._lock:
            if self.heavy >= self.settings.heavy_lane:
                return False
            self.heavy += 1
        with contextlib.suppress(OSError, AttributeError):  # no nice on this system
            os.setpriority(os.PRIO_PROCESS, worker.info.get("pid") or worker.process.pid, 19)
        self._replace(None)  # a fresh cheap worker takes its place
        return True

    def _stop(self, worker: _Worker, heavy: bool, replace: bool = True) -> None:
        """Kill `worker`; a cheap worker gets a replacement (a heavy one already has)."""
        if heavy:
            with self._lock:
                self.heavy -= 1
            self._kill(worker)
        else:
            self.restarts += 1
            self._replace(worker)
        if heavy and replace:
            self.restarts += 1

    def health(self) -> dict:
        with self._lock:
            alive = sum(1 for w in self._all if w.process.is_alive())
        return {"workers": alive, "pool_size": self.settings.workers,
                "idle": self._idle.qsize(), "standby": self._standby.qsize(),
                "heavy": self.heavy,
                "heavy_lane": self.settings.heavy_lane, "restarts": self.restarts,
                "timeouts": self.timeouts, "refused_heavy": self.refused_heavy,
                "network": self.network}


class PoolStore:
    """The Store protocol over the pool, for `bindings_for` looking up entity names."""

    def __init__(self, pool: WorkerPool):
        self.pool = pool

    def query(self, sparql, bindings=None):
        import json

        from ..store import QueryError, _from_sparql_json, substitute_bindings

        text = substitute_bindings(sparql, bindings or {})
        reply = self.pool.run({"sparql": text, "dataset": "union", "rows_type":
                               "application/sparql-results+json", "graph_type": None,
                               "max_rows": self.pool.settings.max_rows,
                               "max_bytes": self.pool.settings.max_bytes})
        if reply[0] != "ok":
            raise QueryError(reply[2])
        return _from_sparql_json(json.loads(reply[2]))
