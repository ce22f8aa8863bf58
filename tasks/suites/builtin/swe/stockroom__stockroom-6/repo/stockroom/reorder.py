"""What to order and when."""
from .units import cases_needed


def cases_to_order(shortfall_units, per_case):
    """Cases to order to cover a shortfall of `shortfall_units` items."""
    return cases_needed(shortfall_units, per_case)


def reorder_qty(on_hand, on_order, reorder_point, target, case_size=1):
    """Items to order, in whole cases, so stock on hand plus stock already on order gets back up to `target`.

    Nothing is ordered while that stock is above `reorder_point`.
    """
    if case_size < 1:
        raise ValueError("case_size must be at least 1")
    available = on_hand - on_order
    if available > reorder_point:
        return 0
    short = target - available
    if short <= 0:
        return 0
    cases = (short + case_size - 1) // case_size
    return cases * case_size


def usage_rate(sold, days):
    """Average items sold per day over `days` days, to two decimals."""
    if days <= 0:
        raise ValueError("days must be positive")
    if sold < 0:
        raise ValueError("sold cannot be negative")
    return round(sold / days, 2)


def days_of_cover(item):
    """Whole days the stock on hand lasts at the last 30 days' rate (None when nothing sells)."""
    rate = usage_rate(item["sold_30d"], 30)
    if rate == 0:
        return None
    return int(item["on_hand"] / rate)


def order_lines(items, today_use=None):
    """(sku, cases) for every item at or below its reorder point, in sku order."""
    from .suppliers import reorder_point
    lines = []
    for item in sorted(items, key=lambda i: i["sku"]):
        if item["on_hand"] <= reorder_point(item):
            short = item["target"] - item["on_hand"]
            lines.append((item["sku"], cases_needed(short, item.get("per_case", 1))))
    return lines


def shelf_life_status(days_left, warn_days=7, pull_days=2):
    """'expired' at 0 days left or fewer, 'pull' below `pull_days`, 'warn' up to `warn_days` days, else 'ok'."""
    if warn_days < pull_days:
        raise ValueError("warn_days must be at least pull_days")
    if days_left <= 0:
        return "expired"
    if days_left < pull_days:
        return "pull"
    if days_left <= warn_days:
        return "warn"
    return "ok"
