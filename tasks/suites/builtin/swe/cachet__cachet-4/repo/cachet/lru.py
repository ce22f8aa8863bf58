"""Least-recently-used cache with optional time-to-live."""
import time
from collections import OrderedDict
from dataclasses import dataclass

_MISSING = object()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0
    size: int = 0
    maxsize: int = 0


class LRUCache:
    """LRUCache(maxsize, ttl=None, clock=time.monotonic).

    get() and put() mark an entry as most recently used; when the cache is over maxsize the least
    recently used entry is evicted. With a ttl (seconds), entries expire ttl seconds after they were
    last put(); expired entries are never returned, are not counted by len(), and are dropped before
    any live entry is evicted.
    """

    def __init__(self, maxsize=128, ttl=None, clock=time.monotonic):
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._data = OrderedDict()  # key -> (value, expires_at or None)
        self.hits = self.misses = self.evictions = 0

    def _expired(self, expires_at, now):
        return expires_at is not None and now >= expires_at

    def _purge(self):
        now = self._clock()
        for key in [k for k, (_, exp) in self._data.items() if self._expired(exp, now)]:
            del self._data[key]

    def get(self, key):
        entry = self._data.get(key, _MISSING)
        if entry is not _MISSING and self._expired(entry[1], self._clock()):
            del self._data[key]
            entry = _MISSING
        if entry is _MISSING:
            self.misses += 1
            return None
        self.hits += 1
        self._data.move_to_end(key)
        return entry[0]

    def put(self, key, value):
        expires_at = None if self.ttl is None else self._clock() + self.ttl
        if key in self._data:
            del self._data[key]
        self._data[key] = (value, expires_at)
        if len(self._data) > self.maxsize:
            self._purge()
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)
            self.evictions += 1

    def pop(self, key, default=None):
        entry = self._data.pop(key, _MISSING)
        if entry is _MISSING or self._expired(entry[1], self._clock()):
            return default
        return entry[0]

    def __contains__(self, key):
        entry = self._data.get(key, _MISSING)
        return entry is not _MISSING and not self._expired(entry[1], self._clock())

    def __len__(self):
        self._purge()
        return len(self._data)

    def keys(self):
        """Live keys, least recently used first."""
        self._purge()
        return list(self._data)

    def clear(self):
        self._data.clear()
        self.hits = self.misses = self.evictions = 0

    def stats(self):
        return CacheStats(self.hits, self.misses, self.evictions, len(self), self.maxsize)
