"""Suppliers and their lead times."""

LEAD_DAYS = {"acme": 5, "borealis": 12, "cobalt": 3}


def lead_days(supplier):
    """Days from order to delivery for a supplier."""
    return LEAD_DAYS[supplier]


def reorder_point(item):
    """Stock level at which to reorder: daily use over the supplier's lead time.

    Supplier codes may carry a region after a colon ("acme:eu"); the lead time is the supplier's.
    """
    supplier = item["supplier"].split(":")[0]
    return item["daily_use"] * lead_days(supplier)
