import pytest

from stockroom import (
    apply_markup, bulk_price, cases_needed, lead_days, move, pack_size, per_unit, pick_bin, put,
    reorder_qty, shelf_life_status, split_cases, stock_value, take, units_in, usage_rate,
)


def test_pack_size():
    assert pack_size("dozen") == 12


def test_units_in_singular():
    assert units_in({"qty": 3, "unit": "pair"}) == 6


def test_cases_needed_exact():
    assert cases_needed(24, 12) == 2


def test_split_cases():
    assert split_cases(30, 12) == (2, 6)


def test_per_unit_rounds_half_up():
    assert per_unit(1000, 3) == 333
    with pytest.raises(ValueError):
        per_unit(100, 0)


def test_apply_markup_zero():
    assert apply_markup(1000, 0) == 1000


def test_bulk_price():
    assert bulk_price(2, 100) == 200
    assert bulk_price(10, 100) == 950


def test_lead_days():
    assert lead_days("borealis") == 12


def test_reorder_nothing_above_point():
    assert reorder_qty(50, 0, 20, 100) == 0


def test_reorder_when_empty():
    assert reorder_qty(0, 0, 20, 100, case_size=12) == 108


def test_usage_rate():
    assert usage_rate(45, 30) == 1.5


def test_shelf_life_expired():
    assert shelf_life_status(0) == "expired"
    assert shelf_life_status(1) == "pull"


def test_bins_move():
    stock = {"A1": {"PEN": 5}}
    assert take(stock, "A1", "PEN", 2) == 3
    assert put(stock, "B2", "PEN", 2) == 2
    assert move(stock, "PEN", "A1", "B2", 3) == 0
    assert stock == {"A1": {}, "B2": {"PEN": 5}}


def test_pick_bin():
    assert pick_bin(4, [("A1", 2), ("B2", 9)]) == "B2"
    assert pick_bin(20, [("A1", 2)]) is None


def test_stock_value_each():
    assert stock_value([{"qty": 4, "unit": "each", "cost_cents": 250}]) == 1000
