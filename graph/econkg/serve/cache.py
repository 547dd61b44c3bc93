"""Answers kept in memory, bounded in entries and bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict


class AnswerCache:
    """Answers by request (query text, dataset, media type…), least recently used first
    out. The graph never changes while the server runs, so a kept answer stays right;
    answers over `max_bytes` are not kept, and all of them together — keys included, since
    a key holds the query text — stay under `total_bytes`."""

    def __init__(self, entries: int, max_bytes: int, total_bytes: int):
        self.entries, self.max_bytes, self.total_bytes = entries, max_bytes, total_bytes
        self._data: OrderedDict = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    @staticmethod
    def _weight(key, value) -> int:
        parts = key if isinstance(key, tuple) else (key,)
        return len(value[2]) + sum(len(p) for p in parts if isinstance(p, str | bytes))

    def put(self, key, value) -> None:
        size = self._weight(key, value)
        if self.entries <= 0 or size > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= self._weight(key, old)
            self._data[key] = value
            self._size += size
            while len(self._data) > self.entries or self._size > self.total_bytes:
                gone, dropped = self._data.popitem(last=False)
                self._size -= self._weight(gone, dropped)
