import csv
import hashlib
from pathlib import Path

REPORT = Path("/app/report.csv")
EXPECTED = [
    ["North", "19", "390", "1858.35"],
    ["West", "14", "314", "1840.59"],
    ["South", "14", "215", "1411.63"],
    ["East", "14", "328", "1315.02"],
]


def rows():
    with REPORT.open(newline="") as f:
        return list(csv.reader(f))


def test_report_exists():
    assert REPORT.is_file()


def test_header():
    assert rows()[0] == ["region", "orders", "units", "revenue"]


def test_regions_merged_and_trimmed():
    assert sorted(r[0] for r in rows()[1:]) == ["East", "North", "South", "West"]


def test_values_and_order():
    assert rows()[1:] == EXPECTED


def test_input_untouched():
    digest = hashlib.sha256(Path("/app/sales.csv").read_bytes()).hexdigest()
    assert digest == "d8130818080a92c000517a8aa25ecbfb173498e805c19453094c5637efe45561"
