"""Coupons: a percentage off or a fixed amount off the subtotal, optionally with a minimum spend."""
from decimal import Decimal

from .money import to_money, round_cents


class CouponError(ValueError):
    pass


class Coupon:
    def __init__(self, code, min_subtotal="0"):
        self.code = code
        self.min_subtotal = to_money(min_subtotal)

    def check(self, subtotal):
        if subtotal < self.min_subtotal:
            raise CouponError(f"{self.code}: requires a subtotal of at least {self.min_subtotal}")

    def discount(self, subtotal):
        raise NotImplementedError


class PercentCoupon(Coupon):
    def __init__(self, code, percent, min_subtotal="0"):
        super().__init__(code, min_subtotal)
        self.percent = Decimal(str(percent))
        if not 0 < self.percent <= 100:
            raise CouponError("percent must be in (0, 100]")

    def discount(self, subtotal):
        self.check(subtotal)
        return round_cents(subtotal * self.percent / 100)


class FixedCoupon(Coupon):
    def __init__(self, code, amount, min_subtotal="0"):
        super().__init__(code, min_subtotal)
        self.amount = to_money(amount)

    def discount(self, subtotal):
        self.check(subtotal)
        return self.amount
