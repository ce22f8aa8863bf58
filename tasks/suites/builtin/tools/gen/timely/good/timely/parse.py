"""Parsing: '1h30m', '90s', '1.5h', '2 days 4 hours', '-5m'."""
import re

from .units import UNITS, ALIASES

_TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*")


def _unit(name):
    name = name.lower()
    name = ALIASES.get(name, name)
    if name not in UNITS:
        raise ValueError(f"unknown unit: {name!r}")
    return UNITS[name]


def parse_duration(text):
    """Return the duration in seconds (an int when whole, else a float). Raises ValueError."""
    if not isinstance(text, str):
        raise TypeError("parse_duration expects a string")
    s = text.strip()
    sign = 1
    if s.startswith("-"):
        sign, s = -1, s[1:]
    if not s:
        raise ValueError("empty duration")
    total = 0
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m:
            raise ValueError(f"invalid duration: {text!r}")
        total += float(m.group(1)) * _unit(m.group(2))
        pos = m.end()
    total *= sign
    return int(total) if float(total).is_integer() else total
