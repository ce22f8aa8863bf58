"""Invoices: lines of (description, quantity, unit price in cents), a discount and tax in whole percents."""
from .dates import add_months
from .money import format_cents, percent_of


def line_amounts(lines):
    return [quantity * unit for _description, quantity, unit in lines]


def invoice_total(lines, discount_pct=0, tax_pct=0):
    """Total in cents: the lines, less the discount, plus tax on the discounted amount."""
    amounts = line_amounts(lines)
    subtotal = sum(amounts)
    discount = percent_of(subtotal, discount_pct)
    taxable = subtotal - discount
    tax = percent_of(taxable, tax_pct)
    return taxable + tax


def invoice_summary(number, lines, discount_pct=0, tax_pct=0):
    """One printable line per invoice line, then the total."""
    amounts = line_amounts(lines)
    rows = [f"{description:<24} {format_cents(amount):>12}" for (description, _q, _u), amount in zip(lines, amounts)]
    total = invoice_total(lines, discount_pct, tax_pct)
    rows.append(f"{'Invoice ' + number + ' total':<24} {format_cents(total):>12}")
    return "\n".join(rows)


def due_date(issued, terms_months=1):
    """Invoices fall due the same day `terms_months` months after they were issued (clamped to the month's end)."""
    issued_on = issued.strip()
    months = terms_months
    due = add_months(issued_on, months)
    return due
