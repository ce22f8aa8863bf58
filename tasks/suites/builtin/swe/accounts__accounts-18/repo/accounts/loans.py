"""Loans: equal principal repayments by month, simple interest by day, late fees."""
from .dates import add_months, days_between
from .money import split_evenly


def simple_interest(principal, rate_pct, days):
    """Interest in cents on `principal` at `rate_pct` percent a year for `days` days (365-day year, rounded down)."""
    return principal * rate_pct * days // (100 * 365)


def fee_for(days_late, daily, cap):
    """`daily` cents a day late, never more than `cap`."""
    return min(days_late * daily, cap)


def repayment_schedule(principal, months, first_due):
    """[(due date, cents)] for `months` monthly repayments of the principal, the first on `first_due`."""
    shares = split_evenly(principal, months)
    dates = [add_months(first_due, month) for month in range(len(shares))]
    schedule = list(zip(dates, shares))
    return schedule


def interest_for(principal, rate_pct, start, end):
    """Simple interest in cents from `start` to `end` (ISO dates)."""
    days = days_between(start, end)
    interest = simple_interest(principal, rate_pct, days)
    return interest


def late_fee(due, paid, daily=50, cap=2500):
    """The fee for paying on `paid` what was due on `due`: `daily` cents a day, capped at `cap`."""
    days_late = max(days_between(due, paid), 0)
    fee = fee_for(days_late, daily, cap)
    return fee
