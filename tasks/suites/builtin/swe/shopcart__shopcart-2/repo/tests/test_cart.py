from decimal import Decimal
import pytest
from shopcart import Cart, PercentCoupon, to_money, format_money


def test_subtotal():
    c = Cart()
    c.add("apple", "0.50", 4)
    c.add("pear", "1.25")
    assert c.subtotal() == Decimal("3.25")


def test_add_merges():
    c = Cart()
    c.add("apple", "0.50", 1)
    c.add("apple", "0.50", 2)
    assert len(c) == 3 and len(c.items) == 1


def test_remove_all_when_no_quantity():
    c = Cart()
    c.add("apple", "0.50", 4)
    c.remove("apple")
    assert c.items == []


def test_tax_simple():
    c = Cart(tax_rate="0.10")
    c.add("book", "20.00")
    assert c.total() == Decimal("22.00")


def test_percent_coupon_no_tax():
    c = Cart()
    c.add("book", "20.00")
    c.apply(PercentCoupon("TEN", 10))
    assert c.total() == Decimal("18.00")


def test_float_rejected():
    with pytest.raises(TypeError):
        to_money(1.5)


def test_format():
    assert format_money(Decimal("1234.5")) == "$1,234.50"
