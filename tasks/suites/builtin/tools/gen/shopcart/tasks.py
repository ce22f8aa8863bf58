TASKS = [
dict(n=2, difficulty="easy", tags=["operator", "edge-case"],
issue='''
Removing the last units of an item leaves a zero-quantity line in the cart

```python
>>> from shopcart import Cart
>>> c = Cart()
>>> c.add("mug", "8.00", 2)
>>> c.remove("mug", 2)
>>> c.items
[LineItem(sku='mug', unit_price=Decimal('8.00'), quantity=0)]
```

The cart page then shows "mug × 0 — $0.00". I expected the line to disappear, the same as
`c.remove("mug")` without a quantity does. Removing fewer units than are in the cart works correctly, and
removing more than are in the cart does drop the line.
''',
bug=[("shopcart/cart.py", "if item.quantity <= 0:", "if item.quantity < 0:")],
hidden={"tests/test_remove.py": '''
import pytest
from shopcart import Cart


def make():
    c = Cart()
    c.add("mug", "8.00", 2)
    c.add("tea", "3.50", 1)
    return c


def test_remove_exact_quantity_drops_line():
    c = make()
    c.remove("mug", 2)
    assert [i.sku for i in c.items] == ["tea"]


def test_remove_exact_then_readd():
    c = make()
    c.remove("tea", 1)
    c.add("tea", "3.50", 1)
    assert [(i.sku, i.quantity) for i in c.items] == [("mug", 2), ("tea", 1)]


def test_remove_some():
    c = make()
    c.remove("mug", 1)
    assert [(i.sku, i.quantity) for i in c.items] == [("mug", 1), ("tea", 1)]


def test_remove_unknown():
    with pytest.raises(KeyError):
        make().remove("nope")
'''},
f2p=["tests/test_remove.py::test_remove_exact_quantity_drops_line"]),

dict(n=3, difficulty="medium", tags=["constant", "needs-search"],
issue='''
Tax is sometimes one cent lower than our accounting system expects

Our accountant noticed order totals that are a cent short. Example with 5% tax:

```python
>>> from shopcart import Cart
>>> c = Cart(tax_rate="0.05")
>>> c.add("sticker", "2.50")
>>> c.tax(), c.total()
(Decimal('0.12'), Decimal('2.62'))
```

5% of 2.50 is 0.125, which should round to 0.13 (total 2.63): the package README says amounts use
commercial rounding (half up). It's not every order, only when the amount ends in exactly half a cent;
`to_money("0.125")` also gives `Decimal('0.12')`. Other amounts look right.
''',
bug=[("shopcart/money.py", "from decimal import Decimal, ROUND_HALF_UP", "from decimal import Decimal, ROUND_HALF_EVEN"),
     ("shopcart/money.py", "return amount.quantize(CENT, rounding=ROUND_HALF_UP)", "return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)")],
hidden={"tests/test_rounding.py": '''
from decimal import Decimal
from shopcart import Cart, to_money, format_money


def test_tax_half_cent_rounds_up():
    c = Cart(tax_rate="0.05")
    c.add("sticker", "2.50")
    assert c.tax() == Decimal("0.13")
    assert c.total() == Decimal("2.63")


def test_to_money_half_up():
    assert to_money("0.125") == Decimal("0.13")
    assert to_money("0.135") == Decimal("0.14")


def test_format_half_up():
    assert format_money(Decimal("0.005")) == "$0.01"


def test_to_money_below_half():
    assert to_money("0.124") == Decimal("0.12")


def test_tax_regular():
    c = Cart(tax_rate="0.20")
    c.add("lamp", "19.99")
    assert c.tax() == Decimal("4.00")
'''},
f2p=["tests/test_rounding.py::test_tax_half_cent_rounds_up", "tests/test_rounding.py::test_to_money_half_up",
     "tests/test_rounding.py::test_format_half_up"]),

dict(n=4, difficulty="hard", tags=["multi-file", "logic", "missing-guard"],
issue='''
Stacking coupons gives wrong (even negative) totals

Two problems that show up when a customer combines coupons or uses a gift voucher bigger than the order:

```python
>>> from shopcart import Cart, PercentCoupon, FixedCoupon
>>> c = Cart()
>>> c.add("scarf", "20.00")
>>> c.apply(FixedCoupon("GIFT25", "25.00"))
>>> c.total()
Decimal('-5.00')
```

Expected 0.00: a voucher can't make us pay the customer.

```python
>>> c = Cart()
>>> c.add("scarf", "20.00")
>>> c.apply(PercentCoupon("HALF", 50))
>>> c.apply(PercentCoupon("HALF-AGAIN", 50))
>>> c.total()
Decimal('0.00')
```

Expected 5.00: each coupon should apply to what is left after the previous ones (50% off 20 = 10, then 50%
off 10 = 5), the same as our old checkout did. With a single percent coupon everything is correct. Also
two fixed 15.00 coupons on a 20.00 cart should give 0.00, not -10.00.
''',
bug=[("shopcart/coupons.py", '''        # Never discount more than the goods cost.
        return min(self.amount, subtotal)''', '''        return self.amount'''),
     ("shopcart/cart.py", "total += c.discount(subtotal - total)", "total += c.discount(subtotal)")],
hidden={"tests/test_stacking.py": '''
from decimal import Decimal
import pytest
from shopcart import Cart, PercentCoupon, FixedCoupon, CouponError


def cart(*coupons, tax="0"):
    c = Cart(tax_rate=tax)
    c.add("scarf", "20.00")
    for cp in coupons:
        c.apply(cp)
    return c


def test_fixed_larger_than_subtotal():
    assert cart(FixedCoupon("GIFT25", "25.00")).total() == Decimal("0.00")


def test_fixed_coupon_discount_capped():
    assert FixedCoupon("GIFT25", "25.00").discount(Decimal("20.00")) == Decimal("20.00")


def test_two_percent_coupons_compound():
    assert cart(PercentCoupon("HALF", 50), PercentCoupon("HALF2", 50)).total() == Decimal("5.00")


def test_two_fixed_coupons():
    assert cart(FixedCoupon("A", "15.00"), FixedCoupon("B", "15.00")).total() == Decimal("0.00")


def test_fixed_then_percent():
    c = cart(FixedCoupon("FIVE", "5.00"), PercentCoupon("TEN", 10))
    assert c.discount() == Decimal("6.50")
    assert c.total() == Decimal("13.50")


def test_single_percent_with_tax():
    c = cart(PercentCoupon("TEN", 10), tax="0.10")
    assert c.summary() == {"subtotal": Decimal("20.00"), "discount": Decimal("2.00"),
                           "tax": Decimal("1.80"), "total": Decimal("19.80")}


def test_single_fixed():
    assert cart(FixedCoupon("FIVE", "5.00")).total() == Decimal("15.00")


def test_min_subtotal():
    with pytest.raises(CouponError):
        cart(FixedCoupon("BIG", "5.00", min_subtotal="50.00")).total()
'''},
f2p=["tests/test_stacking.py::test_fixed_larger_than_subtotal", "tests/test_stacking.py::test_fixed_coupon_discount_capped",
     "tests/test_stacking.py::test_two_percent_coupons_compound", "tests/test_stacking.py::test_two_fixed_coupons",
     "tests/test_stacking.py::test_fixed_then_percent"]),

dict(n=5, difficulty="medium", tags=["logic"],
issue='''
Tax is charged on the full price even when a coupon is applied

With a 10% coupon and 20% tax on a $50 order:

```python
>>> from shopcart import Cart, PercentCoupon
>>> c = Cart(tax_rate="0.20")
>>> c.add("boots", "50.00")
>>> c.apply(PercentCoupon("TEN", 10))
>>> c.summary()
{'subtotal': Decimal('50.00'), 'discount': Decimal('5.00'), 'tax': Decimal('10.00'), 'total': Decimal('55.00')}
```

The tax should be 20% of the discounted amount (45.00), i.e. 9.00, and the total 54.00. The docstring of
`cart.py` even says "Tax is charged on the discounted subtotal". Without coupons the numbers are correct.
''',
bug=[("shopcart/cart.py", "return round_cents((self.subtotal() - self.discount()) * self.tax_rate)",
      "return round_cents(self.subtotal() * self.tax_rate)")],
hidden={"tests/test_tax_after_discount.py": '''
from decimal import Decimal
from shopcart import Cart, PercentCoupon, FixedCoupon


def test_tax_on_discounted_percent():
    c = Cart(tax_rate="0.20")
    c.add("boots", "50.00")
    c.apply(PercentCoupon("TEN", 10))
    assert c.tax() == Decimal("9.00")
    assert c.total() == Decimal("54.00")


def test_tax_on_discounted_fixed():
    c = Cart(tax_rate="0.10")
    c.add("boots", "50.00")
    c.apply(FixedCoupon("TENOFF", "10.00"))
    assert c.summary()["tax"] == Decimal("4.00")


def test_tax_without_coupon():
    c = Cart(tax_rate="0.20")
    c.add("boots", "50.00")
    assert c.total() == Decimal("60.00")


def test_zero_tax():
    c = Cart()
    c.add("boots", "50.00")
    c.apply(PercentCoupon("TEN", 10))
    assert c.total() == Decimal("45.00")
'''},
f2p=["tests/test_tax_after_discount.py::test_tax_on_discounted_percent",
     "tests/test_tax_after_discount.py::test_tax_on_discounted_fixed"]),

dict(n=6, difficulty="easy", tags=["string-handling", "swapped-args"],
issue='''
format_money puts the minus sign after the currency symbol

```python
>>> from decimal import Decimal
>>> from shopcart import format_money
>>> format_money(Decimal("-3"))
'$-3.00'
>>> format_money(Decimal("-1234.5"), symbol="€")
'€-1,234.50'
```

Refund lines on our invoices should read `-$3.00` and `-€1,234.50` (sign first, as the docstring says).
Positive amounts are fine.
''',
bug=[("shopcart/money.py", 'return f"{sign}{symbol}{abs(amount):,.2f}"', 'return f"{symbol}{sign}{abs(amount):,.2f}"')],
hidden={"tests/test_format_money.py": '''
from decimal import Decimal
from shopcart import format_money


def test_negative():
    assert format_money(Decimal("-3")) == "-$3.00"


def test_negative_other_symbol():
    assert format_money(Decimal("-1234.5"), symbol="€") == "-€1,234.50"


def test_positive():
    assert format_money(Decimal("1234.5")) == "$1,234.50"


def test_zero():
    assert format_money(0) == "$0.00"
'''},
f2p=["tests/test_format_money.py::test_negative", "tests/test_format_money.py::test_negative_other_symbol"]),
]
