"""Money helpers. All amounts are Decimal with two places; rounding is half-up (commercial rounding)."""
from decimal import Decimal, ROUND_HALF_EVEN

CENT = Decimal("0.01")


def to_money(value):
    """Convert int/str/Decimal to a Decimal rounded to cents. Floats are rejected (they are inexact)."""
    if isinstance(value, float):
        raise TypeError("use str or Decimal for money, not float")
    return round_cents(Decimal(value))


def round_cents(amount):
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def format_money(amount, symbol="$"):
    """'$1,234.50'; negative amounts as '-$3.00'."""
    amount = round_cents(Decimal(amount))
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"
