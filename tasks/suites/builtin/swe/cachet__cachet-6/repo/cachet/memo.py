"""@memoize: cache a function's results in an LRUCache."""
import functools

from .keys import make_key
from .lru import LRUCache

_MISSING = object()


def memoize(maxsize=128, ttl=None, typed=False, clock=None):
    """Decorator. The wrapped function gets cache_info() (a CacheStats) and cache_clear().
    Results are cached whatever their value, including None."""

    def decorate(fn):
        kw = {} if clock is None else {"clock": clock}
        cache = LRUCache(maxsize=maxsize, ttl=ttl, **kw)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            key = make_key(args, kwargs, typed)
            result = cache.get(key, _MISSING)
            if result is _MISSING:
                result = fn(*args, **kwargs)
                cache.put(key, result)
            return result

        wrapper.cache_info = cache.stats
        wrapper.cache_clear = cache.clear
        wrapper.cache = cache
        return wrapper

    return decorate
