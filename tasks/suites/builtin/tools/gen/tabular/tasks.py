TASKS = [
dict(n=2, difficulty="medium", tags=["long-output", "multi-file", "needs-traceback"],
issue='''
describe() crashes with IndexError for a column with a single value

Our latency report prints each region's table and then its summary. The EU region has a single host today and
the summary for it crashes; the other regions are fine. Here is the report, cut down to what matters (the tables
are a few hundred lines each, so I did not paste the output):

```python
>>> from tabular import format_table, describe
>>> us = [{"host": "web-%02d" % (i % 12), "ms": 40 + (i * 37) % 90, "status": "ok" if i % 7 else "slow"} for i in range(290)]
>>> eu = [{"host": "web-01", "ms": 52, "status": "ok"}]
>>> ap = [{"host": "app-%02d" % (i % 9), "ms": 35 + (i * 53) % 70, "status": "ok" if i % 5 else "slow"} for i in range(290)]
>>> print(format_table(us, ["host", "ms", "status"]))
>>> describe(eu, "ms")
Traceback (most recent call last):
IndexError: list index out of range
>>> print(format_table(ap, ["host", "ms", "status"]))
```

For a single value I expected the percentiles to be that value (`52`) and the stdev to be None, like
`describe` does for two or more values.
''',
bug=[("tabular/stats.py", "hi = lo + 1 if lo + 1 < len(nums) else lo", "hi = lo + 1 if lo + 1 <= len(nums) else lo")],
hidden={"tests/test_single_value.py": '''
from tabular import describe, percentile


def test_describe_single_row():
    d = describe([{"ms": 52}], "ms")
    assert d["p90"] == 52
    assert d["p10"] == 52
    assert d["stdev"] is None


def test_percentile_top():
    assert percentile([1, 2, 3, 4], 100) == 4


def test_percentile_middle():
    assert percentile([1, 2, 3, 4], 50) == 2.5


def test_describe_many_rows():
    d = describe([{"ms": v} for v in [10, 20, 30, 40, 50]], "ms")
    assert d["p90"] == 46
'''},
f2p=["tests/test_single_value.py::test_describe_single_row", "tests/test_single_value.py::test_percentile_top"]),

dict(n=3, difficulty="medium", tags=["long-output", "multi-file", "needs-traceback"],
issue='''
ZeroDivisionError in describe() when a group has one order

The nightly order report prints the big tables first and a summary per warehouse. Since the Bergen warehouse
opened (one order so far) the run dies in the middle of the output:

```python
>>> from tabular import format_table, describe
>>> oslo = [{"sku": "A-%03d" % (i % 40), "qty": 1 + (i * 7) % 13, "paid": "yes" if i % 3 else "no"} for i in range(300)]
>>> bergen = [{"sku": "A-007", "qty": 4, "paid": "yes"}]
>>> lima = [{"sku": "B-%03d" % (i % 25), "qty": 2 + (i * 11) % 17, "paid": "yes" if i % 4 else "no"} for i in range(300)]
>>> print(format_table(oslo, ["sku", "qty", "paid"]))
>>> describe(bergen, "qty")
Traceback (most recent call last):
ZeroDivisionError: float division by zero
>>> print(format_table(lima, ["sku", "qty", "paid"]))
```

A spread is undefined for one value; I expected `describe` to give `None` for the stdev, as the docs say, not to
crash the whole report.
''',
bug=[("tabular/stats.py", "    if len(nums) < 2:\n        return None\n    m = sum", "    if len(nums) < 1:\n        return None\n    m = sum")],
hidden={"tests/test_single_order.py": '''
from tabular import describe, variance, stdev


def test_describe_one_value():
    assert describe([{"qty": 4}], "qty")["stdev"] is None


def test_variance_one_value():
    assert variance([4]) is None


def test_stdev_two_values():
    assert stdev([2, 4]) == 2 ** 0.5


def test_variance_empty():
    assert variance([]) is None
'''},
f2p=["tests/test_single_order.py::test_describe_one_value", "tests/test_single_order.py::test_variance_one_value"]),

dict(n=4, difficulty="medium", tags=["needs-search", "multi-file"],
issue='''
describe() reports the wrong median for an even number of values

```python
>>> from tabular import read_table, describe
>>> rows = read_table("x\\n1\\n2\\n3\\n10\\n")
>>> describe(rows, "x")["median"]
-0.5
```

The median of 1, 2, 3, 10 is 2.5, so I expected `2.5`. With an odd number of values it looks right.
''',
bug=[("tabular/stats.py", "return (nums[mid - 1] + nums[mid]) / 2", "return (nums[mid - 1] - nums[mid]) / 2")],
hidden={"tests/test_median_even.py": '''
from tabular import median, read_table, describe


def test_median_even():
    assert median([1, 2, 3, 10]) == 2.5


def test_describe_median_even():
    assert describe(read_table("x\\n1\\n2\\n3\\n10\\n"), "x")["median"] == 2.5


def test_median_odd():
    assert median([5, 1, 3]) == 3


def test_median_empty():
    assert median([]) is None
'''},
f2p=["tests/test_median_even.py::test_median_even", "tests/test_median_even.py::test_describe_median_even"]),

dict(n=5, difficulty="medium", tags=["needs-search", "multi-file", "many-candidates"],
issue='''
summary_report counts empty cells

```python
>>> from tabular import read_table, summary_report
>>> rows = read_table("ms\\n10\\n\\n20\\n30\\n,\\n")
>>> print(summary_report(rows, ["ms"]))
ms: n=4 mean=20.00 median=20
```

One of the four rows has no value for `ms`, so I expected `ms: n=3 mean=20.00 median=20`. The mean and the
median already skip the empty cell; only the count is off.
''',
bug=[("tabular/report.py", '"count": len(present), "missing"', '"count": len(values), "missing"')],
hidden={"tests/test_count_present.py": '''
from tabular import read_table, summary_report, describe


def test_summary_counts_present():
    rows = read_table("ms\\n10\\n\\n20\\n30\\n,\\n")
    assert summary_report(rows, ["ms"]) == "ms: n=3 mean=20.00 median=20"


def test_describe_count_and_missing():
    d = describe([{"a": 1}, {"a": None}, {"a": 3}], "a")
    assert (d["count"], d["missing"]) == (2, 1)


def test_describe_all_present():
    assert describe([{"a": 1}, {"a": 2}], "a")["count"] == 2
'''},
f2p=["tests/test_count_present.py::test_describe_count_and_missing", "tests/test_count_present.py::test_summary_counts_present"]),

dict(n=6, difficulty="easy", tags=["editor", "off-by-one"],
issue='''
median() of an even-length list crashes or is wrong

```python
>>> from tabular import median
>>> median([3, 1])
Traceback (most recent call last):
IndexError: list index out of range
>>> median([1, 2, 3, 4])
3.0
```

I expected `2.0` for `[3, 1]` and `2.5` for `[1, 2, 3, 4]`.
''',
bug=[("tabular/stats.py", "return (nums[mid - 1] + nums[mid]) / 2", "return (nums[mid - 1] + nums[mid + 1]) / 2")],
hidden={"tests/test_median_pairs.py": '''
from tabular import median


def test_two_values():
    assert median([3, 1]) == 2.0


def test_four_values():
    assert median([1, 2, 3, 4]) == 2.5


def test_three_values():
    assert median([9, 1, 5]) == 5
'''},
f2p=["tests/test_median_pairs.py::test_four_values", "tests/test_median_pairs.py::test_two_values"]),

dict(n=7, difficulty="easy", tags=["editor", "string-handling"],
issue='''
split_fields mangles doubled quotes inside a quoted field

```python
>>> from tabular import split_fields
>>> split_fields('a,"say ""hi""",b')
['a', 'say hi"', 'b']
```

A doubled quote inside quotes is a literal quote (RFC 4180), so I expected `['a', 'say "hi"', 'b']`.
''',
bug=[("tabular/parse.py", "if quoted and i + 1 < len(line) and line[i + 1] == '\"':", "if quoted and i + 1 < len(line) and line[i + 2] == '\"':")],
hidden={"tests/test_doubled_quotes.py": '''
from tabular import split_fields


def test_doubled_quote():
    assert split_fields('a,"say ""hi""",b') == ["a", 'say "hi"', "b"]


def test_only_doubled():
    assert split_fields('""""') == ['"']


def test_plain_quoted():
    assert split_fields('"x,y",z') == ["x,y", "z"]
'''},
f2p=["tests/test_doubled_quotes.py::test_doubled_quote"]),

dict(n=8, difficulty="medium", tags=["logic", "many-candidates"],
issue='''
format_table aligns the wrong columns

```python
>>> from tabular import format_table
>>> print(format_table([{"name": "bolt", "qty": 4}, {"name": "washer", "qty": 120}], ["name", "qty"]))
  name | qty
-------+----
  bolt | 4  
washer | 120
```

Numbers should be right-aligned and text left-aligned (as the docstring says); I expected
`'name   | qty\\n-------+----\\nbolt   |   4\\nwasher | 120'`.
''',
bug=[("tabular/report.py", "numeric = {c: _is_numeric(rows, c) for c in columns}", "numeric = {c: not _is_numeric(rows, c) for c in columns}")],
hidden={"tests/test_alignment.py": '''
from tabular import format_table


def test_alignment():
    text = format_table([{"name": "bolt", "qty": 4}, {"name": "washer", "qty": 120}], ["name", "qty"])
    assert text == "name   | qty\\n-------+----\\nbolt   |   4\\nwasher | 120"


def test_floats_right_aligned():
    text = format_table([{"p": 1.5}, {"p": 10.25}], ["p"])
    assert text.splitlines()[2] == " 1.50"


def test_header_only_width():
    assert format_table([], ["abc"]) == "abc\\n---"
'''},
f2p=["tests/test_alignment.py::test_alignment", "tests/test_alignment.py::test_floats_right_aligned"]),

dict(n=9, difficulty="hard", tags=["multi-file", "no-reproduction"],
issue='''
aggregate(how="count") counts empty cells

When I group our shipments by carrier and count the tracking numbers, carriers with missing tracking numbers get
inflated counts: a shipment without a tracking number is still counted. "count" should count the cells that have
a value, like COUNT(column) in SQL, not the rows of the group. The other aggregates already skip empty cells.
''',
bug=[("tabular/group.py", "return len([v for v in values if v is not None])", "return len([v for v in values])")],
hidden={"tests/test_count_values.py": '''
from tabular import aggregate


ROWS = [{"carrier": "ups", "tn": "1Z"}, {"carrier": "ups", "tn": None}, {"carrier": "dhl", "tn": "JD"}]


def test_count_skips_empty():
    assert aggregate(ROWS, "carrier", "tn", how="count") == {"ups": 1, "dhl": 1}


def test_sum_unchanged():
    assert aggregate([{"k": "a", "v": 2}, {"k": "a", "v": 3}], "k", "v") == {"a": 5}
'''},
f2p=["tests/test_count_values.py::test_count_skips_empty"]),

dict(n=10, difficulty="hard", tags=["multi-file", "no-reproduction"],
issue='''
Rows with missing trailing cells lose a column

Some of our exports drop empty trailing cells, so a row has fewer fields than the header. read_table is supposed
to fill the missing cells with None, but the last column is missing from such rows entirely, and later code that
does row["notes"] fails with a KeyError. Rows with all their cells are fine.
''',
bug=[("tabular/parse.py", "values += [None] * (len(header) - len(values))", "values += [None] * (len(header) - len(values) - 1)")],
hidden={"tests/test_short_rows.py": '''
from tabular import read_table


def test_short_row_filled():
    rows = read_table("a,b,notes\\n1,2\\n")
    assert rows == [{"a": 1, "b": 2, "notes": None}]


def test_two_missing():
    assert read_table("a,b,c\\n1\\n")[0] == {"a": 1, "b": None, "c": None}


def test_full_row():
    assert read_table("a,b\\n1,2\\n") == [{"a": 1, "b": 2}]
'''},
f2p=["tests/test_short_rows.py::test_short_row_filled", "tests/test_short_rows.py::test_two_missing"]),
]
