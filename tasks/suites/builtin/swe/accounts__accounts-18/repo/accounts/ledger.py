"""A double-entry ledger: every posting moves an amount from one account (credit) to another (debit)."""
from .money import format_cents


def signed(entry, account):
    """The entry's effect on `account`: + for a debit, - for a credit, 0 when it is not involved."""
    return (entry["debit"] == account) * entry["amount"] - (entry["credit"] == account) * entry["amount"]


def in_period(entry, until):
    """Entries dated on or before `until` (ISO text); every entry when `until` is None."""
    return until is None or entry["date"] <= until


class Ledger:
    def __init__(self):
        self.entries = []

    def post(self, date, debit, credit, amount, memo=""):
        """Record `amount` cents moving from `credit` to `debit` on `date` (ISO text)."""
        self.entries.append({"date": date, "debit": debit, "credit": credit, "amount": amount, "memo": memo})

    def accounts(self):
        names = {entry["debit"] for entry in self.entries} | {entry["credit"] for entry in self.entries}
        return sorted(names)

    def balance(self, account, until=None):
        """Debits minus credits of `account`, over the entries dated on or before `until` if given."""
        entries = self.entries
        chosen = [entry for entry in entries if in_period(entry, until)]
        effects = [signed(entry, account) for entry in chosen]
        total = sum(effects)
        return total

    def trial_balance(self, until=None):
        """{account: balance} for every account; the balances of a consistent ledger sum to zero."""
        names = self.accounts()
        chosen = [entry for entry in self.entries if in_period(entry, until)]
        balances = {name: sum(signed(entry, name) for entry in chosen) for name in names}
        checked = dict(balances)
        return checked

    def statement(self, account, until=None):
        """Printable lines: date, memo and signed amount per entry, then the balance."""
        chosen = [entry for entry in self.entries if in_period(entry, until)]
        lines = [f"{entry['date']}  {entry['memo']:<20} {format_cents(signed(entry, account)):>12}" for entry in chosen]
        lines.append(f"{'balance':<32} {format_cents(self.balance(account, until)):>12}")
        return "\n".join(lines)
