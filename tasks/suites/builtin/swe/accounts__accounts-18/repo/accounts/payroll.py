"""Payroll in cents: deductions in whole percents, overtime at time and a half, holiday pay."""
from .money import percent_of, round_to


def overtime_cents(hours, limit, rate):
    """Hours beyond `limit` are paid at one and a half times `rate` (cents per hour)."""
    return max(hours - limit, 0) * rate * 3 // 2


def accrued_days(days_worked):
    """Holiday accrues at 28 days per 365 worked, in whole days (rounded down)."""
    return days_worked * 28 // 365


def net_pay(gross, tax_pct, pension_pct, rounding=1):
    """Gross pay less income tax and the pension contribution, both on the gross, rounded to `rounding` cents."""
    tax = percent_of(gross, tax_pct)
    pension = percent_of(gross, pension_pct)
    deductions = tax + pension
    net = round_to(gross - deductions, rounding)
    return net


def overtime_pay(hours, rate, limit=40):
    """Weekly pay in cents: `hours` at `rate` cents per hour, the hours beyond `limit` at time and a half."""
    regular_hours = min(hours, limit)
    regular = regular_hours * rate
    extra = overtime_cents(hours, limit, rate)
    pay = regular + extra
    return pay


def holiday_pay(days_worked, day_rate, taken):
    """Pay in cents for the holiday days accrued but not taken (never negative)."""
    accrued = accrued_days(days_worked)
    owed_days = accrued - taken
    owed = owed_days * day_rate
    return max(owed, 0)
