"""Stock reports."""
from .pricing import per_unit
from .suppliers import reorder_point
from .units import units_in


def stock_value(lines):
    """Total value in cents of stock lines (dicts with qty, unit and cost_cents per single item)."""
    total = 0
    for item in lines:
        total += units_in(item) * item["cost_cents"]
    return total


def low_stock(items):
    """Skus whose stock on hand is at or below their reorder point, in sku order."""
    low = []
    for item in sorted(items, key=lambda i: i["sku"]):
        if item["on_hand"] <= reorder_point(item):
            low.append(item["sku"])
    return low


def valuation_lines(items):
    """One text line per item: sku, items on hand, the price of one item and the line's value."""
    out = []
    for item in items:
        each = per_unit(item["case_cents"], item["per_case"])
        out.append("%-8s %6d %8.2f %10.2f" % (item["sku"], item["on_hand"], each / 100, each * item["on_hand"] / 100))
    return "\n".join(out)
