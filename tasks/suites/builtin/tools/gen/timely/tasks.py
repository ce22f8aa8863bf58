TASKS = [
dict(n=2, difficulty="medium", tags=["constant", "needs-search"],
issue='''
Weeks are parsed as five days

```python
>>> from timely import parse_duration, format_duration
>>> parse_duration("1w")
432000
>>> parse_duration("2 weeks")
864000
>>> format_duration(14 * 86400)
'2w 4d'
```

A week is 7 days = 604800 seconds, so I expected `604800`, `1209600` and `'2w'`. Days, hours and
minutes all come out right (`parse_duration("1d") == 86400`). We use this for retention settings like
`keep: 4w`, and backups were being pruned after 20 days.
''',
bug=[("timely/units.py", "WEEK = 7 * DAY", "WEEK = 5 * DAY")],
hidden={"tests/test_weeks.py": '''
from timely import parse_duration, format_duration


def test_parse_week():
    assert parse_duration("1w") == 604800


def test_parse_weeks_word():
    assert parse_duration("2 weeks") == 1209600


def test_format_two_weeks():
    assert format_duration(14 * 86400) == "2w"


def test_parse_day():
    assert parse_duration("1d") == 86400


def test_format_days_hours():
    assert format_duration(86400 + 7200) == "1d 2h"
'''},
f2p=["tests/test_weeks.py::test_parse_week", "tests/test_weeks.py::test_parse_weeks_word",
     "tests/test_weeks.py::test_format_two_weeks"]),

dict(n=3, difficulty="easy", tags=["missing-guard", "edge-case"],
issue='''
format_duration(0) returns an empty string

```python
>>> from timely import format_duration
>>> format_duration(0)
''
>>> format_duration(0.3)
''
```

I show job runtimes in a table and fast jobs get an empty cell. I'd expect `'0s'` for a zero
duration (and for anything that rounds to zero). Non-zero values format fine, e.g. `format_duration(5400)`
is `'1h 30m'`.
''',
bug=[("timely/format.py", '''    seconds = int(round(seconds))
    if seconds == 0:
        return "0s"
''', '''    seconds = int(round(seconds))
''')],
hidden={"tests/test_format_zero.py": '''
from timely import format_duration


def test_zero():
    assert format_duration(0) == "0s"


def test_rounds_to_zero():
    assert format_duration(0.3) == "0s"


def test_one_second():
    assert format_duration(1) == "1s"


def test_negative():
    assert format_duration(-90) == "-1m 30s"
'''},
f2p=["tests/test_format_zero.py::test_zero", "tests/test_format_zero.py::test_rounds_to_zero"]),

dict(n=4, difficulty="easy", tags=["off-by-one"],
issue='''
format_duration(max_units=N) returns N-1 units

```python
>>> from timely import format_duration
>>> format_duration(3 * 3600 + 61, max_units=2)
'3h'
>>> format_duration(90061, max_units=1)
''
```

Expected `'3h 1m'` and `'1d'`: `max_units` should keep that many of the largest units. Without
`max_units` the full string `'1d 1h 1m 1s'` is correct.
''',
bug=[("timely/format.py", "parts = parts[:max_units]", "parts = parts[:max_units - 1]")],
hidden={"tests/test_max_units.py": '''
from timely import format_duration


def test_two_units():
    assert format_duration(3 * 3600 + 61, max_units=2) == "3h 1m"


def test_one_unit():
    assert format_duration(90061, max_units=1) == "1d"


def test_more_units_than_parts():
    assert format_duration(61, max_units=5) == "1m 1s"


def test_no_limit():
    assert format_duration(90061) == "1d 1h 1m 1s"
'''},
f2p=["tests/test_max_units.py::test_two_units", "tests/test_max_units.py::test_one_unit"]),

dict(n=5, difficulty="medium", tags=["string-handling", "reads-test-output"],
issue='''
Fractional durations like "1.5h" are rejected

The docs list `'1.5h'` as a supported format, but:

```
>>> from timely import parse_duration
>>> parse_duration("1.5h")
Traceback (most recent call last):
  ...
  File ".../timely/parse.py", line 32, in parse_duration
    raise ValueError(f"invalid duration: {text!r}")
ValueError: invalid duration: '1.5h'
```

Expected `5400`. Likewise `parse_duration("0.5 days")` should be `43200` and `parse_duration("2.25m")`
should be `135`. Whole numbers work fine.
''',
bug=[("timely/parse.py", r'''_TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*")''',
      r'''_TOKEN = re.compile(r"\s*(\d+)\s*([a-zA-Z]+)\s*")''')],
hidden={"tests/test_fractional.py": '''
import pytest
from timely import parse_duration


def test_fraction_hours():
    assert parse_duration("1.5h") == 5400


def test_fraction_days_word():
    assert parse_duration("0.5 days") == 43200


def test_fraction_minutes():
    assert parse_duration("2.25m") == 135


def test_fraction_keeps_float():
    assert parse_duration("1.5s") == 1.5


def test_whole():
    assert parse_duration("3m") == 180


def test_negative():
    assert parse_duration("-5m") == -300


def test_dot_alone_invalid():
    with pytest.raises(ValueError):
        parse_duration(".h")
'''},
f2p=["tests/test_fractional.py::test_fraction_hours", "tests/test_fractional.py::test_fraction_days_word",
     "tests/test_fractional.py::test_fraction_minutes", "tests/test_fractional.py::test_fraction_keeps_float"]),
]
