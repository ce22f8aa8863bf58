"""Grouping rows by a key column and aggregating another column per group."""
from .stats import mean, median, _numbers


def _count(values):
    return len([v for v in values if v is not None])


def _total(values):
    return sum(_numbers(values))


def _smallest(values):
    nums = _numbers(values)
    return min(nums) if nums else None


def _largest(values):
    nums = _numbers(values)
    return max(nums) if nums else None


AGGREGATES = {"count": _count, "sum": _total, "mean": mean, "median": median, "min": _smallest, "max": _largest}


def group_by(rows, key):
    """{key value: [rows]} in order of first appearance."""
    groups = {}
    for row in rows:
        groups.setdefault(row.get(key), []).append(row)
    return groups


def aggregate(rows, key, column, how="sum"):
    """{key value: aggregate of `column` over the group's rows}."""
    if how not in AGGREGATES:
        raise ValueError("unknown aggregate %r (known: %s)" % (how, ", ".join(sorted(AGGREGATES))))
    fn = AGGREGATES[how]
    return {k: fn([r.get(column) for r in members]) for k, members in group_by(rows, key).items()}


def top_groups(rows, key, column, n=3, how="sum"):
    """The n groups with the largest aggregate, largest first; ties keep first-appearance order."""
    totals = aggregate(rows, key, column, how)
    ranked = sorted(totals.items(), key=lambda kv: -(kv[1] or 0))
    return ranked[:n]
