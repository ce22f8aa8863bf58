"""Cache keys for function calls."""

_KWMARK = object()


class _HashedKey(tuple):
    """A tuple that caches its hash (keys are hashed on every lookup)."""

    __slots__ = ()

    def __hash__(self):
        return tuple.__hash__(self)


def make_key(args, kwargs, typed=False):
    """A hashable key for a call: f(1, b=2) and f(1, b=2) share a key regardless of keyword order.
    With typed=True, arguments of different types are cached separately (f(1) vs f(1.0))."""
    key = tuple(args)
    if kwargs:
        key += (_KWMARK,) + tuple(kwargs.items())
    if typed:
        key += tuple(type(a) for a in args)
        if kwargs:
            key += tuple(type(v) for _, v in sorted(kwargs.items()))
    return _HashedKey(key)
