"""Unit tables shared by the parser and the formatter."""

SECOND = 1
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 5 * DAY

# Suffix -> seconds, longest unit first (the formatter relies on this order).
UNITS = {
    "w": WEEK,
    "d": DAY,
    "h": HOUR,
    "m": MINUTE,
    "s": SECOND,
}

ALIASES = {
    "weeks": "w", "week": "w", "wk": "w",
    "days": "d", "day": "d",
    "hours": "h", "hour": "h", "hrs": "h", "hr": "h",
    "minutes": "m", "minute": "m", "mins": "m", "min": "m",
    "seconds": "s", "second": "s", "secs": "s", "sec": "s",
}

NAMES = {"w": "week", "d": "day", "h": "hour", "m": "minute", "s": "second"}
