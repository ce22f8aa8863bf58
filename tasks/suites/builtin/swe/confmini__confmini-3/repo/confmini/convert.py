"""Typed accessors for raw string values."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def to_bool(raw):
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def to_int(raw):
    return int(raw.strip().replace("_", ""), 0)


def to_list(raw, sep=","):
    """'a, b,,c' -> ['a', 'b', 'c']"""
    return [item.strip() for item in raw.split(sep) if item.strip()]
