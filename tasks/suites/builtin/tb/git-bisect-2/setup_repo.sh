#!/bin/bash
# Builds /app/repo with a deterministic history of 24 commits (run once at image build time).
set -euo pipefail
export GIT_AUTHOR_NAME="Sam Maintainer" GIT_AUTHOR_EMAIL="sam@example.org"
export GIT_COMMITTER_NAME="Sam Maintainer" GIT_COMMITTER_EMAIL="sam@example.org"
n=0
commit() {
  n=$((n + 1))
  export GIT_AUTHOR_DATE="2025-02-$(printf %02d $n)T09:30:00Z" GIT_COMMITTER_DATE="2025-02-$(printf %02d $n)T09:30:00Z"
  git add -A
  git commit -q -m "$1"
}
mkdir -p /app/repo && cd /app/repo
git init -q -b main
cat > pricing.py <<'PY'
"""Price calculations for the shop."""


def _round(amount):
    return round(amount + 1e-9, 2)


def line_total(unit_price, quantity):
    return _round(unit_price * quantity)


def apply_discount(amount, percent):
    return _round(amount * (100 - percent) / 100)
PY
cat > check.sh <<'SH'
#!/bin/sh
# Exit 0 when the pricing rules hold, non-zero otherwise.
python3 -B - <<'CHECK'
from pricing import line_total, apply_discount
assert line_total(19.99, 3) == 59.97, line_total(19.99, 3)
assert line_total(1.13, 3) == 3.39, line_total(1.13, 3)
assert apply_discount(100, 15) == 85.0
assert apply_discount(10.0, 12.5) == 8.75, apply_discount(10.0, 12.5)
print("ok")
CHECK
SH
chmod +x check.sh
printf '# Changelog\n' > CHANGELOG.md
commit "Initial pricing module"
topics=(tax shipping coupons invoices currency receipts reports refunds vouchers bundles loyalty giftcards \
        warehouse exports imports audit alerts quotas returns budgets search payments)
for i in $(seq 0 21); do
  t=${topics[$i]}
  if [ "$i" -eq 13 ]; then
    # The regression: rounding now truncates instead of rounding.
    sed -i 's/    return round(amount + 1e-9, 2)/    return int(amount * 100) \/ 100/' pricing.py
    commit "Tidy helpers for $t"
  else
    mkdir -p docs
    printf 'Notes about %s.\n' "$t" > "docs/$t.md"
    printf -- '- document %s\n' "$t" >> CHANGELOG.md
    commit "Document $t"
  fi
done
cat >> pricing.py <<'PY'


def total(lines):
    """Sum of line totals for (unit_price, quantity) pairs."""
    return _round(sum(line_total(p, q) for p, q in lines))
PY
commit "Add total()"
