"""Money in whole cents: parsing, formatting, percentages and shares."""


def to_cents(text):
    """'12.34' -> 1234, '-0.5' -> -50, '1,200' -> 120000."""
    text = text.strip().replace(",", "")
    sign = -1 if text.startswith("-") else 1
    whole, _, frac = text.lstrip("+-").partition(".")
    frac = (frac + "00")[:2]
    return sign * (int(whole or "0") * 100 + int(frac))


def format_cents(cents):
    """1234 -> '12.34', -50 -> '-0.50', 123456 -> '1,234.56'."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def percent_of(cents, pct):
    """`pct` percent of `cents` (whole percents), rounded half up to a whole cent."""
    return (cents * pct * 2 + 100) // 200


def split_evenly(cents, parts):
    """`cents` in `parts` shares that differ by at most a cent, the larger shares first."""
    base, extra = divmod(cents, parts)
    return [base + 1] * extra + [base] * (parts - extra)


def round_to(cents, step):
    """`cents` rounded to the nearest multiple of `step` cents (halves go up)."""
    return (cents + step // 2) // step * step
