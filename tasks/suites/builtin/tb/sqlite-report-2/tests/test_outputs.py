import csv
import sqlite3
from pathlib import Path


def db():
    return sqlite3.connect("file:/app/shop.db?mode=ro", uri=True)


def test_tables_and_counts():
    con = db()
    assert con.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 12
    assert con.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 150


def test_column_types():
    con = db()
    assert con.execute("SELECT DISTINCT typeof(customer_id) FROM customers").fetchall() == [("integer",)]
    assert con.execute("SELECT DISTINCT typeof(order_id), typeof(customer_id) FROM orders").fetchall() == [
        ("integer", "integer")]
    assert con.execute("SELECT DISTINCT typeof(amount) FROM orders").fetchall() == [("real",)]


def test_values_roundtrip():
    con = db()
    with open("/app/orders.csv", newline="") as f:
        first = next(csv.DictReader(f))
    row = con.execute("SELECT customer_id, order_date, status, amount FROM orders WHERE order_id = ?",
                      (int(first["order_id"]),)).fetchone()
    assert row == (int(first["customer_id"]), first["order_date"], first["status"], float(first["amount"]))


def test_city_revenue():
    with open("/app/city_revenue.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["city", "paid_orders", "revenue"],
        ["Oslo", "35", "7329.59"],
        ["Lyon", "33", "6308.25"],
        ["Graz", "28", "4920.07"],
        ["Porto", "14", "2342.68"],
    ]


def test_orphans():
    assert Path("/app/orphans.txt").read_text().split() == [
        "1005", "1012", "1041", "1068", "1077", "1078", "1082", "1089", "1123", "1125"]
