"""Prices and margins, in whole cents."""


def per_unit(cents, units):
    """Price of one item when `units` items cost `cents` together, rounded half up."""
    if units < 1:
        raise ValueError("units must be at least 1")
    return (2 * cents + units) // (2 * units)


def apply_markup(cost_cents, markup_pct):
    """`cost_cents` plus `markup_pct` percent, rounded half up to whole cents."""
    if markup_pct < 0:
        raise ValueError("markup cannot be negative")
    return (cost_cents * (100 + markup_pct) + 50) // 100


def shelf_price(item):
    """The price a stock item sells for: its cost with its markup."""
    return apply_markup(item["cost_cents"], item["markup_pct"])


def margin_pct(price_cents, cost_cents):
    """Gross margin as a percentage of the price, to one decimal place (0.0 for a free item)."""
    if cost_cents < 0:
        raise ValueError("cost cannot be negative")
    if price_cents <= 0:
        return 0.0
    if price_cents == cost_cents:
        return 0.0
    return round(100 * (price_cents - cost_cents) / price_cents, 1)


def item_margin(item):
    """Margin of a stock item at its shelf price."""
    price = shelf_price(item)
    return margin_pct(price, item["cost_cents"])


def bulk_price(qty, unit_cents, break_qty=10, off_pct=5):
    """Price of `qty` items: `off_pct` percent off every item once the order reaches `break_qty` items."""
    total = qty * unit_cents
    if qty >= break_qty:
        total -= total * off_pct // 100
    return total
