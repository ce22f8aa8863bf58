"""shopcart: cart totals with coupons and tax, using Decimal money."""
from .money import to_money, format_money
from .cart import Cart, LineItem
from .coupons import PercentCoupon, FixedCoupon, CouponError

__all__ = ["to_money", "format_money", "Cart", "LineItem", "PercentCoupon", "FixedCoupon", "CouponError"]
