TASKS = [
dict(n=2, difficulty="easy", tags=["off-by-one", "operator"],
issue='''
LRUCache holds one entry fewer than maxsize

```python
>>> from cachet import LRUCache
>>> c = LRUCache(maxsize=3)
>>> for k in "abc":
...     c.put(k, k.upper())
...
>>> len(c), c.keys()
(2, ['b', 'c'])
>>> c.stats().evictions
1
```

A cache with maxsize=3 should keep all three entries; only the fourth put should evict (the least
recently used one). With `maxsize=1` the cache can't hold anything at all, every get is a miss.
''',
bug=[("cachet/lru.py", "        while len(self._data) > self.maxsize:", "        while len(self._data) >= self.maxsize:")],
hidden={"tests/test_capacity.py": '''
from cachet import LRUCache, memoize


def test_full_capacity():
    c = LRUCache(maxsize=3)
    for k in "abc":
        c.put(k, k.upper())
    assert len(c) == 3 and c.keys() == ["a", "b", "c"]
    assert c.stats().evictions == 0


def test_fourth_evicts_oldest():
    c = LRUCache(maxsize=3)
    for k in "abcd":
        c.put(k, k)
    assert c.keys() == ["b", "c", "d"]
    assert c.stats().evictions == 1


def test_maxsize_one():
    c = LRUCache(maxsize=1)
    c.put("a", 1)
    assert c.get("a") == 1


def test_memoize_maxsize():
    calls = []

    @memoize(maxsize=2)
    def f(x):
        calls.append(x)
        return x

    f(1), f(2), f(1), f(2)
    assert calls == [1, 2]


def test_invalid_maxsize():
    import pytest
    with pytest.raises(ValueError):
        LRUCache(maxsize=0)
'''},
f2p=["tests/test_capacity.py::test_full_capacity", "tests/test_capacity.py::test_fourth_evicts_oldest",
     "tests/test_capacity.py::test_maxsize_one", "tests/test_capacity.py::test_memoize_maxsize"]),

dict(n=3, difficulty="medium", tags=["logic", "missing-guard"],
issue='''
LRUCache evicts entries that were just read

The cache is supposed to be least-recently-*used*, but reading an entry doesn't protect it from
eviction; it behaves like a FIFO:

```python
>>> from cachet import LRUCache
>>> c = LRUCache(maxsize=2)
>>> c.put("config", 1)
>>> c.put("user:1", 2)
>>> c.get("config")      # hot key, read all the time
1
>>> c.put("user:2", 3)
>>> "config" in c
False
```

Expected `"config"` to stay and `"user:1"` to be evicted, since `user:1` is the least recently used.
`keys()` should also list entries from least to most recently used, and right now a `get` doesn't
change that order. Overwriting with `put` does move the key to the end correctly.
''',
bug=[("cachet/lru.py", '''        self.hits += 1
        self._data.move_to_end(key)
''', '''        self.hits += 1
''')],
hidden={"tests/test_recency.py": '''
from cachet import LRUCache, memoize


def test_get_protects_from_eviction():
    c = LRUCache(maxsize=2)
    c.put("config", 1)
    c.put("user:1", 2)
    c.get("config")
    c.put("user:2", 3)
    assert "config" in c and "user:1" not in c


def test_keys_order_after_get():
    c = LRUCache(maxsize=5)
    for k in "abc":
        c.put(k, k)
    c.get("a")
    assert c.keys() == ["b", "c", "a"]


def test_memoized_hot_value_survives():
    calls = []

    @memoize(maxsize=2)
    def f(x):
        calls.append(x)
        return x

    f("hot"), f("a"), f("hot"), f("b"), f("hot")
    assert calls == ["hot", "a", "b"]


def test_put_moves_to_end():
    c = LRUCache(maxsize=2)
    c.put("a", 1)
    c.put("b", 2)
    c.put("a", 3)
    c.put("c", 4)
    assert c.keys() == ["a", "c"]


def test_miss_does_not_insert():
    c = LRUCache(maxsize=2)
    c.get("nope")
    assert len(c) == 0
'''},
f2p=["tests/test_recency.py::test_get_protects_from_eviction", "tests/test_recency.py::test_keys_order_after_get",
     "tests/test_recency.py::test_memoized_hot_value_survives"]),

dict(n=4, difficulty="hard", tags=["multi-file", "logic", "edge-case"],
issue='''
@memoize doesn't cache functions that return None

We memoize an expensive lookup that returns `None` when nothing is found. Those calls are never cached:

```python
>>> from cachet import memoize
>>> @memoize()
... def find_user(email):
...     print("querying", email)
...     return None
...
>>> find_user("x@example.org")
querying x@example.org
>>> find_user("x@example.org")
querying x@example.org
>>> find_user.cache_info()
CacheStats(hits=1, misses=1, evictions=0, size=1, maxsize=128)
```

The stats even claim a hit, but the function body ran twice. Expected the second call to be served from
the cache without running the query; the docstring says results are cached "whatever their value,
including None". It's the same for anything stored in an `LRUCache`
directly: there's no way to tell "cached None" from "not cached", because `get()` only ever returns
None on a miss. I'd expect `LRUCache.get(key, default)` to return `default` on a miss, like `dict.get`.
''',
bug=[("cachet/lru.py", "    def get(self, key, default=None):", "    def get(self, key):"),
     ("cachet/lru.py", '''            self.misses += 1
            return default''', '''            self.misses += 1
            return None'''),
     ("cachet/memo.py", '''            result = cache.get(key, _MISSING)
            if result is _MISSING:''', '''            result = cache.get(key)
            if result is None:''')],
hidden={"tests/test_none_values.py": '''
from cachet import LRUCache, memoize


def test_memoize_caches_none():
    calls = []

    @memoize()
    def find_user(email):
        calls.append(email)
        return None

    assert find_user("x@example.org") is None
    assert find_user("x@example.org") is None
    assert calls == ["x@example.org"]
    info = find_user.cache_info()
    assert (info.hits, info.misses) == (1, 1)


def test_get_default():
    c = LRUCache(4)
    sentinel = object()
    assert c.get("missing", sentinel) is sentinel
    c.put("k", None)
    assert c.get("k", sentinel) is None


def test_stats_with_none_value():
    c = LRUCache(4)
    c.put("k", None)
    c.get("k", 0)
    assert c.stats().hits == 1 and c.stats().misses == 0


def test_memoize_falsy_values():
    calls = []

    @memoize()
    def f(x):
        calls.append(x)
        return 0 if x else ""

    f(1), f(1), f(0), f(0)
    assert calls == [1, 0]


def test_get_without_default():
    c = LRUCache(4)
    assert c.get("nope") is None
'''},
f2p=["tests/test_none_values.py::test_memoize_caches_none", "tests/test_none_values.py::test_get_default",
     "tests/test_none_values.py::test_stats_with_none_value"]),

dict(n=5, difficulty="hard", tags=["logic", "edge-case", "reads-test-output"],
issue='''
With a TTL, expired entries push out live ones (and len() counts them)

Using `LRUCache(maxsize=3, ttl=60)`, entries that have already expired keep occupying slots: when the
cache is "full" of mostly-expired entries, a new put() evicts a *live* entry instead of dropping the
expired ones, and `len()` / `stats().size` include entries that can no longer be read:

```python
>>> from cachet import LRUCache
>>> now = [0]
>>> c = LRUCache(maxsize=3, ttl=60, clock=lambda: now[0])
>>> c.put("session", 1)             # t=0
>>> now[0] = 50
>>> c.put("a", 2); c.put("b", 3)    # t=50
>>> now[0] = 55
>>> c.get("session")                # still valid, now the most recently used
1
>>> now[0] = 70                     # "session" has expired
>>> len(c)
3
>>> c.put("c", 4)
>>> c.keys(), c.stats().evictions
(['b', 'c'], 1)
```

Expected `len(c) == 2` at t=70, and after `put("c")` the keys `['a', 'b', 'c']` with no eviction: the
class docstring says expired entries "are not counted by len(), and are dropped before any live entry
is evicted".
''',
bug=[("cachet/lru.py", '''        self._data[key] = (value, expires_at)
        if len(self._data) > self.maxsize:
            self._purge()
''', '''        self._data[key] = (value, expires_at)
'''),
     ("cachet/lru.py", '''    def __len__(self):
        self._purge()
        return len(self._data)''', '''    def __len__(self):
        return len(self._data)''')],
hidden={"tests/test_ttl.py": '''
from cachet import LRUCache, memoize


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def setup():
    clock = Clock()
    c = LRUCache(maxsize=3, ttl=60, clock=clock)
    c.put("session", 1)
    clock.t = 50
    c.put("a", 2)
    c.put("b", 3)
    clock.t = 55
    assert c.get("session") == 1
    clock.t = 70
    return c, clock


def test_len_excludes_expired():
    c, _ = setup()
    assert len(c) == 2


def test_expired_dropped_before_eviction():
    c, _ = setup()
    c.put("c", 4)
    assert c.keys() == ["a", "b", "c"]
    assert c.stats().evictions == 0


def test_stats_size():
    c, _ = setup()
    assert c.stats().size == 2


def test_expired_not_returned():
    c, _ = setup()
    assert c.get("session") is None and "session" not in c


def test_live_entry_evicted_when_really_full():
    c, clock = setup()
    c.put("c", 4)
    c.put("d", 5)
    assert c.keys() == ["b", "c", "d"]
    assert c.stats().evictions == 1


def test_expiry_boundary():
    clock = Clock()
    c = LRUCache(maxsize=2, ttl=10, clock=clock)
    c.put("k", 1)
    clock.t = 9.999
    assert c.get("k") == 1
    clock.t = 10
    assert c.get("k") is None


def test_memoize_ttl_recomputes():
    clock = Clock()
    calls = []

    @memoize(ttl=5, clock=clock)
    def f(x):
        calls.append(x)
        return x

    f(1)
    clock.t = 6
    f(1)
    assert calls == [1, 1]
'''},
f2p=["tests/test_ttl.py::test_len_excludes_expired", "tests/test_ttl.py::test_expired_dropped_before_eviction",
     "tests/test_ttl.py::test_stats_size", "tests/test_ttl.py::test_live_entry_evicted_when_really_full"]),

dict(n=6, difficulty="medium", tags=["needs-search", "edge-case"],
issue='''
memoize treats f(a=1, b=2) and f(b=2, a=1) as different calls

```python
>>> from cachet import memoize
>>> @memoize()
... def price(sku, *, currency="EUR", region="eu"):
...     print("computing")
...     return 1
...
>>> price("x", currency="USD", region="us")
computing
1
>>> price("x", region="us", currency="USD")
computing
1
>>> price.cache_info().size
2
```

The docs of `make_key` say calls share a key "regardless of keyword order", so I expected one computation
and one cache entry. Our callers build kwargs from dicts in different orders so the hit rate is awful.
Positional calls are cached fine.
''',
bug=[("cachet/keys.py", "key += (_KWMARK,) + tuple(sorted(kwargs.items()))", "key += (_KWMARK,) + tuple(kwargs.items())")],
hidden={"tests/test_kwargs_key.py": '''
from cachet import make_key, memoize


def test_keyword_order_same_key():
    assert make_key((), {"a": 1, "b": 2}) == make_key((), {"b": 2, "a": 1})
    assert hash(make_key((), {"a": 1, "b": 2})) == hash(make_key((), {"b": 2, "a": 1}))


def test_memoize_keyword_order():
    calls = []

    @memoize()
    def price(sku, *, currency="EUR", region="eu"):
        calls.append(sku)
        return 1

    price("x", currency="USD", region="us")
    price("x", region="us", currency="USD")
    assert calls == ["x"]
    assert price.cache_info().size == 1


def test_typed_keyword_order():
    assert make_key((1,), {"a": 1, "b": 2.0}, typed=True) == make_key((1,), {"b": 2.0, "a": 1}, typed=True)


def test_positional_vs_keyword_distinct():
    assert make_key((1,), {}) != make_key((), {"x": 1})


def test_typed_distinguishes():
    assert make_key((1,), {}, typed=True) != make_key((1.0,), {}, typed=True)
    assert make_key((1,), {}) == make_key((1.0,), {})
'''},
f2p=["tests/test_kwargs_key.py::test_keyword_order_same_key", "tests/test_kwargs_key.py::test_memoize_keyword_order",
     "tests/test_kwargs_key.py::test_typed_keyword_order"]),
]
