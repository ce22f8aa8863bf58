from cachet import LRUCache, memoize


def test_put_get():
    c = LRUCache(10)
    c.put("a", 1)
    assert c.get("a") == 1
    assert c.get("b") is None


def test_contains_len():
    c = LRUCache(10)
    c.put("a", 1)
    c.put("b", 2)
    assert "a" in c and len(c) == 2


def test_overwrite():
    c = LRUCache(10)
    c.put("a", 1)
    c.put("a", 2)
    assert c.get("a") == 2 and len(c) == 1


def test_stats_counts():
    c = LRUCache(10)
    c.put("a", 1)
    c.get("a")
    c.get("zz")
    s = c.stats()
    assert (s.hits, s.misses) == (1, 1)


def test_memoize_calls_once():
    calls = []

    @memoize()
    def square(x):
        calls.append(x)
        return x * x

    assert square(3) == 9 and square(3) == 9
    assert calls == [3]
    assert square.cache_info().hits == 1
