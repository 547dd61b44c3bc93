"""Imported only by the pool's fork server: load the graph once, there, so that every
worker forked from it starts with the store already in memory (shared copy-on-write)
instead of parsing the N-Quads again — a fresh worker is then ready in milliseconds,
which is what lets the pool replace a worker that timed out, crashed or turned heavy
without making cheap queries wait.

The pool names the file in ECONKG_WORKER_PRELOAD before its fork server starts; without
it (another pool started the fork server first) nothing is loaded and workers load the
graph they are sent, as before.
"""

from __future__ import annotations

import hashlib
import os

STORE = None  # the preloaded pyoxigraph Store
DIGEST = ""  # sha256 of the N-Quads it holds


def _load() -> None:
    global STORE, DIGEST
    path = os.environ.get("ECONKG_WORKER_PRELOAD")
    if not path:
        return
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return
    import pyoxigraph as ox

    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    STORE, DIGEST = store, hashlib.sha256(data).hexdigest()


_load()
