from tabular import read_table, split_fields, mean, aggregate, format_table, describe

CSV = """city,sales,units
Oslo,120.5,3
Lima,80,2
Oslo,40,1
"""


def test_read_table():
    rows = read_table(CSV)
    assert rows[0] == {"city": "Oslo", "sales": 120.5, "units": 3}
    assert len(rows) == 3


def test_split_quoted():
    assert split_fields('a,"b,c",d') == ["a", "b,c", "d"]


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5


def test_aggregate_sum():
    assert aggregate(read_table(CSV), "city", "sales") == {"Oslo": 160.5, "Lima": 80}


def test_format_table_header():
    text = format_table(read_table(CSV), ["city", "units"])
    assert text.splitlines()[0] == "city | units"


def test_describe_count():
    assert describe(read_table(CSV), "units")["count"] == 3
