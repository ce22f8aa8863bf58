"""The cart. Tax is charged on the discounted subtotal."""
from dataclasses import dataclass
from decimal import Decimal

from .money import to_money, round_cents


@dataclass
class LineItem:
    sku: str
    unit_price: Decimal
    quantity: int

    @property
    def total(self):
        return self.unit_price * self.quantity


class Cart:
    def __init__(self, tax_rate="0"):
        self.tax_rate = Decimal(tax_rate)
        self._items = {}
        self._coupons = []

    # items -------------------------------------------------------------
    def add(self, sku, unit_price, quantity=1):
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        price = to_money(unit_price)
        if sku in self._items:
            item = self._items[sku]
            if item.unit_price != price:
                raise ValueError(f"{sku}: price changed from {item.unit_price} to {price}")
            item.quantity += quantity
        else:
            self._items[sku] = LineItem(sku, price, quantity)

    def remove(self, sku, quantity=None):
        """Remove quantity units of sku (all of them when quantity is None)."""
        if sku not in self._items:
            raise KeyError(sku)
        item = self._items[sku]
        if quantity is None:
            del self._items[sku]
            return
        item.quantity -= quantity
        if item.quantity < 0:
            del self._items[sku]

    @property
    def items(self):
        return list(self._items.values())

    def __len__(self):
        return sum(i.quantity for i in self._items.values())

    # totals ------------------------------------------------------------
    def apply(self, coupon):
        self._coupons.append(coupon)

    def subtotal(self):
        return round_cents(sum((i.total for i in self._items.values()), Decimal("0")))

    def discount(self):
        subtotal = self.subtotal()
        total = Decimal("0")
        for c in self._coupons:
            total += c.discount(subtotal - total)
        return round_cents(total)

    def tax(self):
        return round_cents((self.subtotal() - self.discount()) * self.tax_rate)

    def total(self):
        return self.subtotal() - self.discount() + self.tax()

    def summary(self):
        return {
            "subtotal": self.subtotal(),
            "discount": self.discount(),
            "tax": self.tax(),
            "total": self.total(),
        }
