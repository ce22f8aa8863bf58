"""Calendar dates as ISO text ('2024-02-29') and (year, month, day) tuples."""

DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def parse_date(text):
    """'2024-02-29' -> (2024, 2, 29)."""
    year, month, day = (int(part) for part in text.strip().split("-"))
    return year, month, day


def iso(year, month, day):
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year, month):
    """28 to 31."""
    return DAYS[month - 1] + (month == 2 and is_leap(year))


def day_number(year, month, day):
    """Days since 0001-01-01 (that day is 0)."""
    y = year - 1
    days = y * 365 + y // 4 - y // 100 + y // 400
    for m in range(1, month):
        days += days_in_month(year, m)
    return days + day - 1


def days_between(start, end):
    """Days from `start` to `end` (ISO text); negative when `end` is earlier."""
    return day_number(*parse_date(end)) - day_number(*parse_date(start))


def shift_month(year, month, months):
    """(year, month) moved by `months` (may be negative)."""
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def add_months(text, months):
    """The same day `months` later, clamped to the month's last day: 2024-01-31 + 1 month -> 2024-02-29."""
    year, month, day = parse_date(text)
    year, month = shift_month(year, month, months)
    return iso(year, month, min(day, days_in_month(year, month)))


def month_key(text):
    """'2024-03-15' -> '2024-03'."""
    return text.strip()[:7]
