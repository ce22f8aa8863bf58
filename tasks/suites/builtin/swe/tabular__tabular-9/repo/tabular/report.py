"""Describing columns and printing aligned text tables."""
from .stats import mean, median, stdev, percentile


def _spread(values):
    """stdev and the 10th/90th percentiles."""
    return {"stdev": stdev(values), "p10": percentile(values, 10), "p90": percentile(values, 90)}


def describe(rows, column):
    """count, missing, mean, median, stdev, p10, p90 of one column."""
    values = [r.get(column) for r in rows]
    present = [v for v in values if v is not None]
    out = {"count": len(present), "missing": len(values) - len(present), "mean": mean(values), "median": median(values)}
    out.update(_spread(values))
    return out


def _fmt(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return "%.2f" % value
    return str(value)


def _cell(value, width, numeric):
    text = _fmt(value)
    return text.rjust(width) if numeric else text.ljust(width)


def _is_numeric(rows, column):
    cells = [r.get(column) for r in rows if r.get(column) is not None]
    return bool(cells) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells)


def format_table(rows, columns):
    """A header, a rule and one line per row; numeric columns right-aligned, others left-aligned."""
    widths = {c: max([len(c)] + [len(_fmt(r.get(c))) for r in rows]) for c in columns}
    numeric = {c: _is_numeric(rows, c) for c in columns}
    lines = [" | ".join(_cell(c, widths[c], numeric[c]) for c in columns)]
    lines.append("-+-".join("-" * widths[c] for c in columns))
    for r in rows:
        lines.append(" | ".join(_cell(r.get(c), widths[c], numeric[c]) for c in columns))
    return "\n".join(lines)


def summary_report(rows, columns):
    """One line per column: name, count, mean and median."""
    out = []
    for c in columns:
        d = describe(rows, c)
        out.append("%s: n=%d mean=%s median=%s" % (c, d["count"], _fmt(d["mean"]), _fmt(d["median"])))
    return "\n".join(out)
