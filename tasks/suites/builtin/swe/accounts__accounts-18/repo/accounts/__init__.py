"""accounts: small-business bookkeeping in whole cents."""
from .money import to_cents, format_cents, percent_of, split_evenly, round_to
from .dates import parse_date, days_in_month, days_between, add_months
from .ledger import Ledger
from .invoice import invoice_total, invoice_summary, due_date
from .payroll import net_pay, overtime_pay, holiday_pay
from .loans import repayment_schedule, interest_for, late_fee
from .budget import remaining, category_shares, spend_by_month

__all__ = [
    "to_cents", "format_cents", "percent_of", "split_evenly", "round_to",
    "parse_date", "days_in_month", "days_between", "add_months",
    "Ledger", "invoice_total", "invoice_summary", "due_date",
    "net_pay", "overtime_pay", "holiday_pay",
    "repayment_schedule", "interest_for", "late_fee",
    "remaining", "category_shares", "spend_by_month",
]
