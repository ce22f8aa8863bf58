"""stockroom: a small warehouse's stock in units, cases and whole cents."""
from .units import PACK_SIZES, pack_size, units_in, cases_needed, split_cases
from .pricing import per_unit, apply_markup, shelf_price, margin_pct, item_margin, bulk_price
from .suppliers import LEAD_DAYS, lead_days, reorder_point
from .reorder import cases_to_order, reorder_qty, usage_rate, days_of_cover, order_lines, shelf_life_status
from .bins import take, put, move, pick_bin
from .report import stock_value, low_stock, valuation_lines

__all__ = [
    "PACK_SIZES", "pack_size", "units_in", "cases_needed", "split_cases",
    "per_unit", "apply_markup", "shelf_price", "margin_pct", "item_margin", "bulk_price",
    "LEAD_DAYS", "lead_days", "reorder_point",
    "cases_to_order", "reorder_qty", "usage_rate", "days_of_cover", "order_lines", "shelf_life_status",
    "take", "put", "move", "pick_bin",
    "stock_value", "low_stock", "valuation_lines",
]
