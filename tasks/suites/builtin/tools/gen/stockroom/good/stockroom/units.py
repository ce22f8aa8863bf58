"""Units, packs and cases."""

PACK_SIZES = {"each": 1, "pair": 2, "dozen": 12, "gross": 144}


def pack_size(unit):
    """Single items in one `unit` (each, pair, dozen, gross)."""
    return PACK_SIZES[unit]


def units_in(item):
    """Single items on a stock line: its qty times the pack size of its unit (plural unit names are fine)."""
    unit = item.get("unit", "each")
    if unit.endswith("s") and unit[:-1] in PACK_SIZES:
        unit = unit[:-1]
    return item["qty"] * pack_size(unit)


def cases_needed(units, per_case):
    """Whole cases needed to hold `units` items, `per_case` to a case; a part-filled case counts."""
    if per_case < 1:
        raise ValueError("per_case must be at least 1")
    return (units + per_case - 1) // per_case


def split_cases(units, per_case):
    """(full cases, loose items left over)."""
    return divmod(units, per_case)
