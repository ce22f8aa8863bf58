from accounts import (
    Ledger, add_months, category_shares, days_between, due_date, format_cents, invoice_total, late_fee, net_pay,
    overtime_pay, percent_of, repayment_schedule, spend_by_month, split_evenly, to_cents,
)


def test_to_cents():
    assert to_cents("12.34") == 1234
    assert to_cents("1,200") == 120000


def test_format_cents():
    assert format_cents(123456) == "1,234.56"


def test_percent_of_whole():
    assert percent_of(1000, 10) == 100


def test_invoice_no_discount_no_tax():
    assert invoice_total([("pen", 2, 150)]) == 300


def test_add_months_plain():
    assert add_months("2024-03-15", 1) == "2024-04-15"


def test_due_date_plain():
    assert due_date("2024-05-10") == "2024-06-10"


def test_ledger_balance_simple():
    led = Ledger()
    led.post("2024-01-02", "cash", "sales", 5000)
    assert led.balance("cash") == 5000


def test_net_pay_no_deductions():
    assert net_pay(100000, 0, 0) == 100000


def test_overtime_none():
    assert overtime_pay(38, 2000) == 76000


def test_late_fee_on_time():
    assert late_fee("2024-03-01", "2024-02-28") == 0


