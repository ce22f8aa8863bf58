#!/bin/bash
set -euo pipefail
cd /app
rm -f shop.db
python3 - <<'PY'
import csv, sqlite3

con = sqlite3.connect("/app/shop.db")
con.execute("CREATE TABLE customers(customer_id INTEGER PRIMARY KEY, name TEXT, city TEXT)")
con.execute("CREATE TABLE orders(order_id INTEGER PRIMARY KEY, customer_id INTEGER, order_date TEXT, "
            "status TEXT, amount REAL)")
with open("customers.csv", newline="") as f:
    con.executemany("INSERT INTO customers VALUES (?, ?, ?)",
                    [(int(r["customer_id"]), r["name"], r["city"]) for r in csv.DictReader(f)])
with open("orders.csv", newline="") as f:
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)",
                    [(int(r["order_id"]), int(r["customer_id"]), r["order_date"], r["status"], float(r["amount"]))
                     for r in csv.DictReader(f)])
con.commit()
rows = con.execute("""SELECT c.city, COUNT(*), SUM(o.amount) FROM orders o JOIN customers c USING (customer_id)
                      WHERE o.status = 'paid' GROUP BY c.city ORDER BY SUM(o.amount) DESC""").fetchall()
with open("city_revenue.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["city", "paid_orders", "revenue"])
    for city, n, total in rows:
        w.writerow([city, n, f"{total:.2f}"])
orphans = con.execute("""SELECT order_id FROM orders WHERE customer_id NOT IN (SELECT customer_id FROM customers)
                         ORDER BY order_id""").fetchall()
with open("orphans.txt", "w") as f:
    f.writelines(f"{o}\n" for (o,) in orphans)
PY
