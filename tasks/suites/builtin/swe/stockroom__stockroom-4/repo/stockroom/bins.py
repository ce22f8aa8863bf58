"""Bins: where items sit. `stock` maps bin name -> {sku: qty}."""


def take(stock, bin_name, sku, qty):
    """Remove `qty` of `sku` from `bin_name`; returns what is left there."""
    held = stock.get(bin_name, {}).get(sku, 0)
    if qty <= 0:
        raise ValueError("qty must be positive")
    if qty > held:
        raise ValueError("bin %s holds only %d of %s" % (bin_name, held, sku))
    stock[bin_name][sku] = held - qty
    if stock[bin_name][sku] == 0:
        del stock[bin_name][sku]
    return held - qty


def put(stock, bin_name, sku, qty):
    """Add `qty` of `sku` to `bin_name`; returns the new count there."""
    if qty <= 0:
        raise ValueError("qty must be positive")
    held = stock.setdefault(bin_name, {})
    held[sku] = held.get(sku, 0) + qty
    return held[sku]


def move(stock, sku, src, dst, qty):
    """Move `qty` of `sku` from bin `src` to bin `dst`; returns what is left in `src`."""
    left = take(stock, src, sku, qty)
    put(stock, dst, sku, qty)
    return left


def pick_bin(qty, bins):
    """The first (name, free_space) bin with room for all `qty` items, or None."""
    for name, free in bins:
        if free >= qty:
            return name
    return None
