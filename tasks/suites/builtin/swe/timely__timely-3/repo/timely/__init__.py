"""timely: human-friendly durations."""
from .parse import parse_duration
from .format import format_duration, humanize_delta

__all__ = ["parse_duration", "format_duration", "humanize_delta"]
