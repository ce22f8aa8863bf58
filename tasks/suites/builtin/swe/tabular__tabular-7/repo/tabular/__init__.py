from .parse import read_table, split_fields, coerce
from .stats import mean, median, percentile, variance, stdev
from .group import group_by, aggregate, top_groups
from .report import describe, format_table, summary_report

__all__ = ["read_table", "split_fields", "coerce", "mean", "median", "percentile", "variance", "stdev",
           "group_by", "aggregate", "top_groups", "describe", "format_table", "summary_report"]
