"""Formatting: seconds -> '1h 30m', and relative phrases like '3 hours ago'."""
from .units import UNITS, NAMES


def _split(seconds):
    parts = []
    rest = int(seconds)
    for suffix, size in UNITS.items():
        count, rest = divmod(rest, size)
        if count:
            parts.append((suffix, count))
    return parts


def format_duration(seconds, max_units=None):
    """1h 30m style. Negative durations get a leading '-'. max_units keeps only the largest units."""
    seconds = int(round(seconds))
    if seconds == 0:
        return "0s"
    sign = "-" if seconds < 0 else ""
    parts = _split(abs(seconds))
    if max_units is not None:
        parts = parts[:max_units]
    return sign + " ".join(f"{count}{suffix}" for suffix, count in parts)


def _plural(count, name):
    return f"{count} {name}" if count == 1 else f"{count} {name}s"


def humanize_delta(seconds):
    """'just now', '5 minutes ago', 'in 2 hours': uses the largest unit only, rounded down."""
    seconds = int(seconds)
    if abs(seconds) < 10:
        return "just now"
    future = seconds < 0
    magnitude = abs(seconds)
    for suffix, size in UNITS.items():
        if magnitude >= size:
            phrase = _plural(magnitude // size, NAMES[suffix])
            break
    return f"in {phrase}" if future else f"{phrase} ago"
