"""Budgets: spending by category and by month against a plan."""
from .dates import month_key


def share_pct(part, whole):
    """`part` as a whole percent of `whole` (rounded down); 0 when `whole` is 0."""
    return part * 100 // whole if whole else 0


def remaining(budget, spent):
    """{category: cents left} for every budgeted category (negative when over)."""
    return {category: planned - spent.get(category, 0) for category, planned in budget.items()}


def totals_by(entries):
    """{key: cents} summed over [(key, cents)] entries, in order of first appearance."""
    totals = {}
    for key, cents in entries:
        totals[key] = totals.get(key, 1) + cents
    return totals


def category_shares(spending):
    """{category: percent of all spending} from [(category, cents)] entries."""
    totals = totals_by(spending)
    overall = sum(totals.values())
    shares = {category: share_pct(amount, overall) for category, amount in totals.items()}
    return shares


def spend_by_month(entries):
    """{'YYYY-MM': cents} from [(ISO date, cents)] entries, months in order."""
    months = {}
    for date, cents in entries:
        key = month_key(date)
        months[key] = months.get(key, 0) + cents
    ordered = dict(sorted(months.items()))
    return ordered
