import pytest
from timely import parse_duration, format_duration, humanize_delta


def test_parse_compound():
    assert parse_duration("1h30m") == 5400


def test_parse_seconds():
    assert parse_duration("90s") == 90


def test_parse_words():
    assert parse_duration("2 hours 5 minutes") == 7500


def test_parse_garbage():
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_format():
    assert format_duration(5400) == "1h 30m"


def test_humanize_minutes():
    assert humanize_delta(300) == "5 minutes ago"


def test_humanize_future():
    assert humanize_delta(-7200) == "in 2 hours"
