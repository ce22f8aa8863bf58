# stockroom: bugs where a different genome slot decides whether the offline search can fix them (README "what each
# slot does"): a helper the issue never names (needs-search), a crash whose cause sits in a middle frame of the
# traceback (middle-frame), a fix many edits down the list (many-candidates), and a slip in the function the
# reporter names first while the helper it names next has many likelier edits (caller-bug).
TASKS = [
dict(n=2, difficulty="medium", tags=["needs-search", "multi-file", "constant"],
issue='''
cases_to_order orders one case too few

When a shortfall is not a whole number of cases we get one case less than we need:

```python
>>> from stockroom import cases_to_order
>>> cases_to_order(25, 12)
2
>>> cases_to_order(13, 12)
1
```

25 items at 12 to a case fill two cases and part of a third, so I expected `3`, and `2` for 13 items: a part-filled
case still has to be ordered. Whole numbers of cases (24 items) come out right.
''',
bug=[("stockroom/units.py", "return (units + per_case - 1) // per_case", "return (units + per_case - 2) // per_case")],
hidden={"tests/test_part_cases.py": '''
from stockroom import cases_needed, cases_to_order


def test_part_case_rounds_up():
    assert cases_to_order(25, 12) == 3
    assert cases_to_order(13, 12) == 2


def test_cases_needed_one_over():
    assert cases_needed(7, 6) == 2
    assert cases_needed(1, 12) == 1


def test_whole_cases():
    assert cases_to_order(24, 12) == 2
    assert cases_needed(36, 12) == 3
'''},
f2p=["tests/test_part_cases.py::test_cases_needed_one_over", "tests/test_part_cases.py::test_part_case_rounds_up"]),

dict(n=3, difficulty="medium", tags=["needs-search", "multi-file", "constant"],
issue='''
shelf_price is a cent short when the markup lands on half a cent

```python
>>> from stockroom import shelf_price
>>> shelf_price({"sku": "TAPE-19", "cost_cents": 250, "markup_pct": 15})
287
```

250 cents plus 15% is 287.5 cents, and our price list rounds half a cent up, so I expected `288`. Items whose
marked-up price is a whole number of cents are priced right.
''',
bug=[("stockroom/pricing.py", "return (cost_cents * (100 + markup_pct) + 50) // 100", "return (cost_cents * (100 + markup_pct) + 49) // 100")],
hidden={"tests/test_half_cent_price.py": '''
from stockroom import apply_markup, shelf_price


def test_shelf_price_half_cent_up():
    assert shelf_price({"sku": "TAPE-19", "cost_cents": 250, "markup_pct": 15}) == 288


def test_apply_markup_half_up():
    assert apply_markup(10, 5) == 11
    assert apply_markup(30, 5) == 32


def test_apply_markup_whole():
    assert apply_markup(200, 50) == 300
'''},
f2p=["tests/test_half_cent_price.py::test_apply_markup_half_up", "tests/test_half_cent_price.py::test_shelf_price_half_cent_up"]),

dict(n=4, difficulty="medium", tags=["middle-frame", "multi-file", "constant"],
issue='''
stock_value crashes with KeyError for lines counted in dozens

Stock lines may give their unit in the plural, and the valuation of the shop floor dies on one of them:

```python
>>> from stockroom import stock_value
>>> stock_value([{"qty": 2, "unit": "dozens", "cost_cents": 40}, {"qty": 5, "unit": "each", "cost_cents": 100}])
Traceback (most recent call last):
KeyError: 'doze'
```

Expected `1460`: 24 items at 40 cents and 5 at a euro. Singular units ("dozen") work.
''',
bug=[("stockroom/units.py", "        unit = unit[:-1]\n", "        unit = unit[:-2]\n")],
hidden={"tests/test_plural_units.py": '''
from stockroom import stock_value, units_in


def test_stock_value_plural_unit():
    lines = [{"qty": 2, "unit": "dozens", "cost_cents": 40}, {"qty": 5, "unit": "each", "cost_cents": 100}]
    assert stock_value(lines) == 1460


def test_units_in_plurals():
    assert units_in({"qty": 3, "unit": "pairs"}) == 6
    assert units_in({"qty": 2, "unit": "dozens"}) == 24


def test_units_in_singular():
    assert units_in({"qty": 2, "unit": "dozen"}) == 24
'''},
f2p=["tests/test_plural_units.py::test_stock_value_plural_unit", "tests/test_plural_units.py::test_units_in_plurals"]),

dict(n=5, difficulty="medium", tags=["middle-frame", "multi-file", "constant"],
issue='''
low_stock crashes with KeyError: 'eu' for suppliers with a region

Our suppliers' codes now carry the region after a colon, and the low-stock report fails for them:

```python
>>> from stockroom import low_stock
>>> low_stock([{"sku": "GLUE-1", "on_hand": 10, "daily_use": 3, "supplier": "acme:eu"}, {"sku": "NAIL-4", "on_hand": 100, "daily_use": 2, "supplier": "cobalt"}])
Traceback (most recent call last):
KeyError: 'eu'
```

Expected `['GLUE-1']`: acme delivers in 5 days, so GLUE-1 needs reordering at 15 and has 10. The region should not
change the lead time.
''',
bug=[("stockroom/suppliers.py", 'supplier = item["supplier"].split(":")[0]', 'supplier = item["supplier"].split(":")[1]')],
hidden={"tests/test_supplier_region.py": '''
from stockroom import low_stock, reorder_point


def test_low_stock_with_region():
    items = [{"sku": "GLUE-1", "on_hand": 10, "daily_use": 3, "supplier": "acme:eu"},
             {"sku": "NAIL-4", "on_hand": 100, "daily_use": 2, "supplier": "cobalt"}]
    assert low_stock(items) == ["GLUE-1"]


def test_reorder_point_region():
    assert reorder_point({"daily_use": 2, "supplier": "borealis:us"}) == 24


def test_lead_days_plain():
    from stockroom import lead_days
    assert lead_days("acme") == 5
'''},
f2p=["tests/test_supplier_region.py::test_low_stock_with_region", "tests/test_supplier_region.py::test_reorder_point_region"]),

dict(n=6, difficulty="medium", tags=["many-candidates", "operator"],
issue='''
reorder_qty orders stock we already have on order

We had 10 on hand and 30 already on order, with a reorder point of 20 and a target of 100 in cases of 12:

```python
>>> from stockroom import reorder_qty
>>> reorder_qty(10, 30, 20, 100, case_size=12)
120
```

10 on hand plus 30 coming is 40, above the reorder point, so I expected `0`. It looks as if what is on order is
taken away instead of counted. With nothing on order the quantities are right.
''',
bug=[("stockroom/reorder.py", "available = on_hand + on_order", "available = on_hand - on_order")],
hidden={"tests/test_on_order.py": '''
from stockroom import reorder_qty


def test_on_order_counts():
    assert reorder_qty(10, 30, 20, 100, case_size=12) == 0


def test_on_order_reduces_the_order():
    assert reorder_qty(5, 10, 20, 100, case_size=1) == 85


def test_nothing_on_order():
    assert reorder_qty(0, 0, 20, 100, case_size=12) == 108
'''},
f2p=["tests/test_on_order.py::test_on_order_counts", "tests/test_on_order.py::test_on_order_reduces_the_order"]),

dict(n=7, difficulty="medium", tags=["many-candidates", "operator"],
issue='''
shelf_life_status warns about the wrong items

Items with a few days left show as fine:

```python
>>> from stockroom import shelf_life_status
>>> shelf_life_status(5)
'ok'
```

With the default of a 7-day warning I expected `'warn'` for 5 days left. It is the other way round for items with a
month left, which get a warning. Expired and pulled items are classed right.
''',
bug=[("stockroom/reorder.py", "if days_left <= warn_days:", "if days_left >= warn_days:")],
hidden={"tests/test_shelf_life.py": '''
from stockroom import shelf_life_status


def test_warn_within_days():
    assert shelf_life_status(5) == "warn"
    assert shelf_life_status(7) == "warn"


def test_ok_beyond():
    assert shelf_life_status(30) == "ok"
    assert shelf_life_status(8) == "ok"


def test_expired_and_pull():
    assert shelf_life_status(-1) == "expired"
    assert shelf_life_status(1) == "pull"
'''},
f2p=["tests/test_shelf_life.py::test_ok_beyond", "tests/test_shelf_life.py::test_warn_within_days"]),

dict(n=8, difficulty="medium", tags=["caller-bug", "two-suspects", "swapped-args"],
issue='''
item_margin gives negative margins

```python
>>> from stockroom import item_margin
>>> item_margin({"sku": "CLIP-3", "cost_cents": 300, "markup_pct": 25})
-25.0
```

`item_margin` works the shelf price out first and then calls `margin_pct()` with it. The shelf price is 375 cents,
so the margin is 75 of 375 and I expected `20.0`.
''',
bug=[("stockroom/pricing.py", 'return margin_pct(price, item["cost_cents"])', 'return margin_pct(item["cost_cents"], price)')],
hidden={"tests/test_item_margin.py": '''
from stockroom import item_margin, margin_pct


def test_item_margin_positive():
    assert item_margin({"sku": "CLIP-3", "cost_cents": 300, "markup_pct": 25}) == 20.0


def test_item_margin_no_markup():
    assert item_margin({"sku": "X", "cost_cents": 300, "markup_pct": 0}) == 0.0


def test_margin_pct():
    assert margin_pct(400, 300) == 25.0
'''},
f2p=["tests/test_item_margin.py::test_item_margin_positive"]),

dict(n=9, difficulty="medium", tags=["caller-bug", "two-suspects", "swapped-args"],
issue='''
days_of_cover is four times too long for an item selling two a day

```python
>>> from stockroom import days_of_cover
>>> days_of_cover({"sku": "TAPE-19", "on_hand": 100, "sold_30d": 60})
200
```

`days_of_cover` takes the rate from `usage_rate()`, which is right when I call it myself (60 sold over 30 days gives
2.0 a day). At two a day, 100 on hand should last 50 days, so I expected `50`.
''',
bug=[("stockroom/reorder.py", 'rate = usage_rate(item["sold_30d"], 30)', 'rate = usage_rate(30, item["sold_30d"])')],
hidden={"tests/test_cover.py": '''
from stockroom import days_of_cover, usage_rate


def test_cover_two_a_day():
    assert days_of_cover({"sku": "TAPE-19", "on_hand": 100, "sold_30d": 60}) == 50


def test_cover_nothing_sells():
    assert days_of_cover({"sku": "X", "on_hand": 40, "sold_30d": 0}) is None


def test_usage_rate():
    assert usage_rate(60, 30) == 2.0
'''},
f2p=["tests/test_cover.py::test_cover_nothing_sells", "tests/test_cover.py::test_cover_two_a_day"]),
]
