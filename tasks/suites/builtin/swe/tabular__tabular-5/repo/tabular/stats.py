"""Column statistics. Non-numeric cells (None, text, booleans) are ignored."""


def _numbers(values):
    return [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def mean(values):
    nums = _numbers(values)
    if not nums:
        return None
    return sum(nums) / len(nums)


def median(values):
    nums = sorted(_numbers(values))
    n = len(nums)
    if n == 0:
        return None
    mid = n // 2
    if n % 2 == 1:
        return nums[mid]
    return (nums[mid - 1] + nums[mid]) / 2


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default); p in 0..100."""
    nums = sorted(_numbers(values))
    if not nums:
        return None
    k = (len(nums) - 1) * p / 100
    lo = int(k)
    hi = lo + 1 if lo + 1 < len(nums) else lo
    return nums[lo] + (nums[hi] - nums[lo]) * (k - lo)


def variance(values):
    """Sample variance (n - 1)."""
    nums = _numbers(values)
    if len(nums) < 2:
        return None
    m = sum(nums) / len(nums)
    return sum((x - m) ** 2 for x in nums) / (len(nums) - 1)


def stdev(values):
    v = variance(values)
    return None if v is None else v ** 0.5
