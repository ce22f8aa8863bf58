TASKS = [
dict(n=2, difficulty="medium", tags=["multi-file", "two-suspects", "constant"],
issue='''
invoice_total is a cent short when the tax comes to half a cent

```python
>>> from accounts import invoice_total
>>> invoice_total([("consulting", 1, 1005)], tax_pct=10)
1105
```

The total is computed by `invoice_total`, which takes the tax from `percent_of()`. Expected `1106`: 10% tax on
10.05 is 1.005, and our invoices round half a cent up (the docstring says "rounded half up"). It happens only when
the tax lands exactly on half a cent.
''',
bug=[("accounts/money.py", "return (cents * pct * 2 + 100) // 200", "return (cents * pct * 2 + 99) // 200")],
hidden={"tests/test_half_cent.py": '''
from accounts import invoice_total, percent_of


def test_tax_half_cent_rounds_up():
    assert invoice_total([("consulting", 1, 1005)], tax_pct=10) == 1106


def test_percent_of_half_up():
    assert percent_of(1005, 10) == 101
    assert percent_of(15, 10) == 2


def test_percent_of_below_half():
    assert percent_of(1004, 10) == 100


def test_discount_and_tax():
    assert invoice_total([("pen", 2, 150), ("pad", 1, 400)], discount_pct=10, tax_pct=20) == 756
'''},
f2p=["tests/test_half_cent.py::test_percent_of_half_up", "tests/test_half_cent.py::test_tax_half_cent_rounds_up"]),

dict(n=3, difficulty="medium", tags=["multi-file", "two-suspects", "off-by-one"],
issue='''
repayment_schedule drops the last repayment

I set up a loan of 100.00 to be repaid over three months:

```python
>>> from accounts import repayment_schedule
>>> repayment_schedule(10000, 3, "2024-01-15")
[('2024-01-15', 3334), ('2024-02-15', 3333)]
```

I expected three repayments, `[('2024-01-15', 3334), ('2024-02-15', 3333), ('2024-03-15', 3333)]`; the schedule
only adds up to 66.67. `repayment_schedule` takes the amounts from `split_evenly()`.
''',
bug=[("accounts/money.py", "return [base + 1] * extra + [base] * (parts - extra)", "return [base + 1] * extra + [base] * (parts - extra - 1)")],
hidden={"tests/test_schedule.py": '''
from accounts import repayment_schedule, split_evenly


def test_three_repayments():
    assert repayment_schedule(10000, 3, "2024-01-15") == [
        ("2024-01-15", 3334), ("2024-02-15", 3333), ("2024-03-15", 3333)]


def test_split_sums_to_total():
    for cents, parts in [(10000, 3), (900, 3), (7, 4), (101, 2)]:
        shares = split_evenly(cents, parts)
        assert len(shares) == parts and sum(shares) == cents


def test_due_dates_step_by_month():
    from accounts import add_months
    assert [add_months("2024-01-15", k) for k in range(3)] == ["2024-01-15", "2024-02-15", "2024-03-15"]
'''},
f2p=["tests/test_schedule.py::test_split_sums_to_total", "tests/test_schedule.py::test_three_repayments"]),

dict(n=4, difficulty="medium", tags=["multi-file", "two-suspects", "constant"],
issue='''
net_pay rounds down when it should round to the nearest euro

We pay out net salaries rounded to whole euros (`rounding=100` cents):

```python
>>> from accounts import net_pay
>>> net_pay(250080, 20, 5, rounding=100)
187500
```

The net before rounding is 1875.60, so I expected `187600`. Amounts that end in .50 to .66 all go down instead of
up. `net_pay` does the deductions and then calls `round_to()` for the rounding.
''',
bug=[("accounts/money.py", "return (cents + step // 2) // step * step", "return (cents + step // 3) // step * step")],
hidden={"tests/test_net_rounding.py": '''
from accounts import net_pay, round_to


def test_net_pay_rounds_to_nearest():
    assert net_pay(250080, 20, 5, rounding=100) == 187600


def test_round_to_half_up():
    assert round_to(150, 100) == 200
    assert round_to(160, 100) == 200
    assert round_to(149, 100) == 100


def test_round_to_cents():
    assert round_to(12345, 1) == 12345
'''},
f2p=["tests/test_net_rounding.py::test_net_pay_rounds_to_nearest", "tests/test_net_rounding.py::test_round_to_half_up"]),

dict(n=5, difficulty="medium", tags=["multi-file", "two-suspects", "off-by-one"],
issue='''
due_date gives dates that do not exist for invoices issued at the end of a month

```python
>>> from accounts import due_date
>>> due_date("2024-01-31")
'2024-02-31'
```

Expected `'2024-02-29'`: the last day of February when the month is shorter. `due_date` works the date out with
`add_months()`, whose docstring promises that clamping; invoices issued before the 29th are fine.
''',
bug=[("accounts/dates.py", "return iso(year, month, min(day, days_in_month(year, month)))", "return iso(year, month, min(day, days_in_month(year, month) + 1))")],
hidden={"tests/test_due_clamp.py": '''
from accounts import add_months, due_date


def test_due_date_clamped():
    assert due_date("2024-01-31") == "2024-02-29"
    assert due_date("2023-08-31", 1) == "2023-09-30"


def test_add_months_mid_month():
    assert add_months("2024-01-10", 1) == "2024-02-10"


def test_add_months_clamped_short_month():
    assert add_months("2023-01-30", 1) == "2023-02-28"
'''},
f2p=["tests/test_due_clamp.py::test_add_months_clamped_short_month", "tests/test_due_clamp.py::test_due_date_clamped"]),

dict(n=6, difficulty="medium", tags=["multi-file", "two-suspects", "constant"],
issue='''
due_date ignores the 29th of February in leap years

```python
>>> from accounts import due_date
>>> due_date("2024-01-30")
'2024-02-28'
>>> due_date("2023-01-31")
'2023-02-28'
```

2024 is a leap year, so the first one should be `'2024-02-29'`; the second (`'2023-02-28'`) is right. I traced it
from `due_date` to `days_in_month()`, which gives February 2024 only 28 days.
''',
bug=[("accounts/dates.py", "return DAYS[month - 1] + (month == 2 and is_leap(year))", "return DAYS[month - 1] + (month == 3 and is_leap(year))")],
hidden={"tests/test_leap.py": '''
from accounts import days_in_month, due_date


def test_due_date_leap_february():
    assert due_date("2024-01-30") == "2024-02-29"


def test_days_in_month_leap():
    assert days_in_month(2024, 2) == 29
    assert days_in_month(2024, 3) == 31


def test_days_in_month_common_year():
    assert days_in_month(2023, 2) == 28
    assert days_in_month(2023, 12) == 31
'''},
f2p=["tests/test_leap.py::test_days_in_month_leap", "tests/test_leap.py::test_due_date_leap_february"]),

dict(n=7, difficulty="medium", tags=["multi-file", "two-suspects", "operator"],
issue='''
Free lines show as -0.00 on the invoice summary

```python
>>> from accounts import invoice_summary
>>> invoice_summary("A-7", [("Free sample", 1, 0), ("Pen", 2, 150)])
'Free sample                     -0.00\\nPen                              3.00\\nInvoice A-7 total                3.00'
```

A customer asked why they have a negative sample. The sample line should read `0.00`. `invoice_summary` formats
each amount with `format_cents()`; negative amounts (credit notes) must keep their minus sign.
''',
bug=[("accounts/money.py", 'sign = "-" if cents < 0 else ""', 'sign = "-" if cents <= 0 else ""')],
hidden={"tests/test_zero_format.py": '''
from accounts import format_cents, invoice_summary


def test_summary_zero_line():
    text = invoice_summary("A-7", [("Free sample", 1, 0), ("Pen", 2, 150)])
    assert text.splitlines()[0].split()[-1] == "0.00"


def test_format_zero():
    assert format_cents(0) == "0.00"


def test_format_negative():
    assert format_cents(-50) == "-0.50"
    assert format_cents(-123456) == "-1,234.56"
'''},
f2p=["tests/test_zero_format.py::test_format_zero", "tests/test_zero_format.py::test_summary_zero_line"]),

dict(n=8, difficulty="medium", tags=["two-suspects", "off-by-one"],
issue='''
Ledger.balance(until=...) leaves out the entries of the last day

Month-end balances are missing what was posted on the closing day:

```python
>>> from accounts import Ledger
>>> led = Ledger()
>>> led.post("2024-01-15", "cash", "sales", 5000)
>>> led.post("2024-01-31", "cash", "sales", 2500)
>>> led.balance("cash", until="2024-01-31")
5000
```

Expected `7500`. The docstring says "dated on or before" the until date. `Ledger.balance` filters the entries
with `in_period()`.
''',
bug=[("accounts/ledger.py", 'return until is None or entry["date"] <= until', 'return until is None or entry["date"] < until')],
hidden={"tests/test_until.py": '''
from accounts import Ledger


def make():
    led = Ledger()
    led.post("2024-01-15", "cash", "sales", 5000)
    led.post("2024-01-31", "cash", "sales", 2500)
    led.post("2024-02-01", "rent", "cash", 1000)
    return led


def test_balance_includes_closing_day():
    assert make().balance("cash", until="2024-01-31") == 7500


def test_trial_balance_until():
    assert make().trial_balance(until="2024-01-31") == {"cash": 7500, "rent": 0, "sales": -7500}


def test_balance_all():
    assert make().balance("cash") == 6500
'''},
f2p=["tests/test_until.py::test_balance_includes_closing_day", "tests/test_until.py::test_trial_balance_until"]),

dict(n=9, difficulty="medium", tags=["two-suspects", "operator"],
issue='''
trial_balance does not balance: credits are added instead of subtracted

```python
>>> from accounts import Ledger
>>> led = Ledger()
>>> led.post("2024-01-02", "cash", "sales", 5000)
>>> led.trial_balance()
{'cash': 5000, 'sales': 5000}
```

Expected `{'cash': 5000, 'sales': -5000}`: in double entry the balances sum to zero. Debits look right. The
numbers come from `trial_balance`, which adds up `signed()` per entry.
''',
bug=[("accounts/ledger.py", 'return (entry["debit"] == account) * entry["amount"] - (entry["credit"] == account) * entry["amount"]',
      'return (entry["debit"] == account) * entry["amount"] + (entry["credit"] == account) * entry["amount"]')],
hidden={"tests/test_credits.py": '''
from accounts import Ledger


def test_trial_balance_sums_to_zero():
    led = Ledger()
    led.post("2024-01-02", "cash", "sales", 5000)
    led.post("2024-01-03", "rent", "cash", 1200)
    tb = led.trial_balance()
    assert tb == {"cash": 3800, "rent": 1200, "sales": -5000}
    assert sum(tb.values()) == 0


def test_debit_only():
    led = Ledger()
    led.post("2024-01-02", "cash", "sales", 5000)
    assert led.balance("cash") == 5000
'''},
f2p=["tests/test_credits.py::test_trial_balance_sums_to_zero"]),

dict(n=10, difficulty="medium", tags=["two-suspects", "constant"],
issue='''
Overtime is paid at the normal rate instead of time and a half

```python
>>> from accounts import overtime_pay
>>> overtime_pay(45, 2000)
90000
```

40 hours at 20.00 plus 5 overtime hours at 30.00 should be `95000`. Weeks without overtime are right.
`overtime_pay` gets the overtime part from `overtime_cents()`.
''',
bug=[("accounts/payroll.py", "return max(hours - limit, 0) * rate * 3 // 2", "return max(hours - limit, 0) * rate * 2 // 2")],
hidden={"tests/test_overtime.py": '''
from accounts import overtime_pay


def test_time_and_a_half():
    assert overtime_pay(45, 2000) == 95000
    assert overtime_pay(41, 1000, limit=40) == 41500


def test_no_overtime():
    assert overtime_pay(40, 2000) == 80000
'''},
f2p=["tests/test_overtime.py::test_time_and_a_half"]),

dict(n=11, difficulty="medium", tags=["two-suspects", "constant"],
issue='''
interest_for undercharges interest over a full year

```python
>>> from accounts import interest_for
>>> interest_for(100000, 5, "2023-01-01", "2024-01-01")
4986
```

A 1000.00 loan at 5% a year for the 365 days of 2023 should cost exactly `5000`. The module says it uses a
365-day year. `interest_for` counts the days and passes them to `simple_interest()`.
''',
bug=[("accounts/loans.py", "return principal * rate_pct * days // (100 * 365)", "return principal * rate_pct * days // (100 * 366)")],
hidden={"tests/test_interest.py": '''
from accounts import interest_for
from accounts.loans import simple_interest


def test_full_year():
    assert interest_for(100000, 5, "2023-01-01", "2024-01-01") == 5000


def test_simple_interest_days():
    assert simple_interest(365000, 10, 73) == 7300


def test_no_days():
    assert interest_for(100000, 5, "2023-03-01", "2023-03-01") == 0
'''},
f2p=["tests/test_interest.py::test_full_year", "tests/test_interest.py::test_simple_interest_days"]),

dict(n=12, difficulty="medium", tags=["two-suspects", "off-by-one"],
issue='''
late_fee stops one cent below the cap

```python
>>> from accounts import late_fee
>>> late_fee("2024-01-01", "2024-04-01")
2499
```

The cap is 25.00, so a payment three months late should pay `2500`. Fees below the cap are right.
`late_fee` works out the days and leaves the capping to `fee_for()`.
''',
bug=[("accounts/loans.py", "return min(days_late * daily, cap)", "return min(days_late * daily, cap - 1)")],
hidden={"tests/test_fee_cap.py": '''
from accounts import late_fee


def test_fee_capped():
    assert late_fee("2024-01-01", "2024-04-01") == 2500
    assert late_fee("2024-01-01", "2024-01-31", daily=100, cap=3000) == 3000


def test_fee_below_cap():
    assert late_fee("2024-03-01", "2024-03-11") == 500
'''},
f2p=["tests/test_fee_cap.py::test_fee_capped"]),

dict(n=13, difficulty="medium", tags=["two-suspects", "off-by-one"],
issue='''
category_shares comes out a point low for every category

```python
>>> from accounts import category_shares
>>> category_shares([("rent", 600), ("food", 400)])
{'rent': 59, 'food': 39}
```

Expected `{'rent': 60, 'food': 40}`: 600 of 1000 is 60%. The percentages never add up to 100 even when they
divide evenly. `category_shares` totals the categories and calls `share_pct()` for each.
''',
bug=[("accounts/budget.py", "return part * 100 // whole if whole else 0", "return part * 100 // (whole + 1) if whole else 0")],
hidden={"tests/test_shares.py": '''
from accounts import category_shares
from accounts.budget import share_pct


def test_shares_exact():
    assert category_shares([("rent", 600), ("food", 400)]) == {"rent": 60, "food": 40}
    assert category_shares([("rent", 1000)]) == {"rent": 100}


def test_share_pct():
    assert share_pct(1, 4) == 25


def test_share_of_nothing():
    assert share_pct(0, 0) == 0
'''},
f2p=["tests/test_shares.py::test_share_pct", "tests/test_shares.py::test_shares_exact"]),

dict(n=14, difficulty="medium", tags=["multi-file", "two-suspects", "slice"],
issue='''
spend_by_month lumps months together

```python
>>> from accounts import spend_by_month
>>> spend_by_month([("2024-01-05", 100), ("2024-01-20", 50), ("2024-02-01", 70)])
{'2024-0': 220}
```

Expected `{'2024-01': 150, '2024-02': 70}`. The keys are cut one character short. `spend_by_month` groups by
`month_key()`.
''',
bug=[("accounts/dates.py", "return text.strip()[:7]", "return text.strip()[:6]")],
hidden={"tests/test_months.py": '''
from accounts import spend_by_month
from accounts.dates import month_key


def test_spend_by_month():
    assert spend_by_month([("2024-01-05", 100), ("2024-01-20", 50), ("2024-02-01", 70)]) == {
        "2024-01": 150, "2024-02": 70}


def test_month_key():
    assert month_key(" 2024-12-31") == "2024-12"


def test_empty():
    assert spend_by_month([]) == {}
'''},
f2p=["tests/test_months.py::test_month_key", "tests/test_months.py::test_spend_by_month"]),

dict(n=15, difficulty="medium", tags=["two-suspects", "constant"],
issue='''
holiday_pay pays a day short after a full year

```python
>>> from accounts import holiday_pay
>>> holiday_pay(365, 10000, 20)
70000
```

After 365 days worked an employee has accrued 28 days; with 20 taken the payout should be 8 days, `80000`.
`holiday_pay` asks `accrued_days()` how many days were earned.
''',
bug=[("accounts/payroll.py", "return days_worked * 28 // 365", "return days_worked * 27 // 365")],
hidden={"tests/test_holiday.py": '''
from accounts import holiday_pay
from accounts.payroll import accrued_days


def test_full_year_payout():
    assert holiday_pay(365, 10000, 20) == 80000


def test_accrued_full_year():
    assert accrued_days(365) == 28
    assert accrued_days(730) == 56


def test_nothing_owed():
    assert holiday_pay(100, 10000, 20) == 0
'''},
f2p=["tests/test_holiday.py::test_accrued_full_year", "tests/test_holiday.py::test_full_year_payout"]),

dict(n=16, difficulty="medium", tags=["multi-file", "two-suspects", "off-by-one"],
issue='''
late_fee charges one day less than the payment was late

```python
>>> from accounts import late_fee
>>> late_fee("2024-03-01", "2024-03-11")
450
```

Paid ten days late at 0.50 a day should be `500`. `late_fee` counts the days with `days_between()`, and
`days_between("2024-03-01", "2024-03-11")` also says 9.
''',
bug=[("accounts/dates.py", "return day_number(*parse_date(end)) - day_number(*parse_date(start))", "return day_number(*parse_date(end)) - day_number(*parse_date(start)) - 1")],
hidden={"tests/test_days.py": '''
from accounts import days_between, late_fee


def test_late_fee_days():
    assert late_fee("2024-03-01", "2024-03-11") == 500


def test_days_between():
    assert days_between("2024-03-01", "2024-03-11") == 10
    assert days_between("2023-12-31", "2024-01-01") == 1


def test_on_time():
    assert late_fee("2024-03-01", "2024-02-20") == 0
'''},
f2p=["tests/test_days.py::test_days_between", "tests/test_days.py::test_late_fee_days"]),

dict(n=17, difficulty="easy", tags=["constant"],
issue='''
remaining() takes a cent off categories with no spending

```python
>>> from accounts import remaining
>>> remaining({"rent": 1000, "fun": 200}, {"rent": 1000})
{'rent': 0, 'fun': 199}
```

Nothing was spent on fun, so I expected `{'rent': 0, 'fun': 200}`.
''',
bug=[("accounts/budget.py", "planned - spent.get(category, 0)", "planned - spent.get(category, 1)")],
hidden={"tests/test_remaining.py": '''
from accounts import remaining


def test_unspent_category():
    assert remaining({"rent": 1000, "fun": 200}, {"rent": 1000}) == {"rent": 0, "fun": 200}


def test_overspent():
    assert remaining({"fun": 200}, {"fun": 250}) == {"fun": -50}
'''},
f2p=["tests/test_remaining.py::test_unspent_category"]),

dict(n=18, difficulty="medium", tags=["two-suspects", "constant"],
issue='''
category_shares gets rent wrong when rent is 600 of 1000

```python
>>> from accounts import category_shares
>>> category_shares([("rent", 600), ("food", 400)])
{'rent': 59, 'food': 40}
```

`category_shares` adds the spending up per category with `totals_by()` and then takes each category's share of the
total. Rent is 600 of 1000, so I expected `{'rent': 60, 'food': 40}`; the shares should not depend on how many
categories there are.
''',
bug=[("accounts/budget.py", "totals[key] = totals.get(key, 0) + cents", "totals[key] = totals.get(key, 1) + cents")],
hidden={"tests/test_totals.py": '''
from accounts import category_shares
from accounts.budget import totals_by


def test_category_shares_exact():
    assert category_shares([("rent", 600), ("food", 400)]) == {"rent": 60, "food": 40}


def test_totals_by_sums():
    assert totals_by([("a", 5), ("b", 2), ("a", 5)]) == {"a": 10, "b": 2}


def test_single_category():
    assert category_shares([("rent", 1000)]) == {"rent": 100}
'''},
f2p=["tests/test_totals.py::test_category_shares_exact", "tests/test_totals.py::test_totals_by_sums"]),
]
