"""cachet: LRU cache with TTL, and memoization."""
from .lru import LRUCache, CacheStats
from .memo import memoize
from .keys import make_key

__all__ = ["LRUCache", "CacheStats", "memoize", "make_key"]
