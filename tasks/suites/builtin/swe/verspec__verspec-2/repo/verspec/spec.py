"""Range specifiers: comparators (>=1.2.0, <2, =1.4.3, !=1.5.0), caret (^1.2.3), tilde (~1.2.3),
wildcards (1.2.x, 1.*), comma- or space-separated to mean AND, and "||" to mean OR."""
import operator
import re

from .version import Version, InvalidVersion

_OPS = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
    "==": operator.eq,
    "!=": operator.ne,
}
_COMP = re.compile(r"^(>=|<=|==|!=|>|<|=|\^|~)?\s*(.+)$")


class InvalidSpec(ValueError):
    pass


def _partial(text):
    """Parse '1', '1.2', '1.2.3', '1.x', '1.2.*' -> (parts, Version) where parts counts given numbers."""
    bits = text.split(".")
    nums = []
    for b in bits:
        if b in ("x", "X", "*"):
            break
        if not b.isdigit():
            full = Version.parse(text)
            return 3, full
        nums.append(int(b))
    if len(nums) > 3:
        raise InvalidSpec(f"bad version in spec: {text!r}")
    parts = len(nums)
    nums += [0] * (3 - len(nums))
    return parts, Version(*nums)


def _caret(v):
    if v.major > 0:
        upper = Version(v.major + 1, 0, 0)
    elif v.minor > 0:
        upper = Version(0, v.minor + 1, 0)
    else:
        upper = Version(0, 0, v.patch + 1)
    return [(operator.ge, v), (operator.lt, upper)]


def _tilde(parts, v):
    if parts == 1:
        upper = Version(v.major + 1, 0, 0)
    else:
        upper = Version(v.major, v.minor + 1, 0)
    return [(operator.ge, v), (operator.lt, upper)]


def _wildcard(parts, v):
    if parts == 0:
        return []
    if parts == 1:
        return [(operator.ge, v), (operator.lt, Version(v.major + 1, 0, 0))]
    if parts == 2:
        return [(operator.ge, v), (operator.lt, Version(v.major, v.minor + 1, 0))]
    return [(operator.eq, v)]


def _parse_clause(text):
    m = _COMP.match(text.strip())
    if not m:
        raise InvalidSpec(f"bad comparator: {text!r}")
    op, ver = m.group(1), m.group(2).strip()
    try:
        parts, v = _partial(ver)
    except InvalidVersion as e:
        raise InvalidSpec(str(e)) from None
    if op == "^":
        return _caret(v)
    if op == "~":
        return _tilde(parts, v)
    if op is None:
        return _wildcard(parts, v)
    return [(_OPS[op], v)]


class Spec:
    def __init__(self, text):
        self.text = text
        self._alternatives = []
        for alt in text.split("||"):
            clauses = []
            for tok in re.split(r"[,\s]+", alt.strip()):
                if tok:
                    clauses.extend(_parse_clause(tok))
            self._alternatives.append(clauses)

    def contains(self, version, include_prerelease=False):
        v = Version.parse(version)
        if v.is_prerelease and not include_prerelease:
            # Pre-releases only match when a comparator names the same major.minor.patch with a pre tag.
            named = [c for alt in self._alternatives for _, c in alt if c.pre]
            if not any((c.major, c.minor, c.patch) == (v.major, v.minor, v.patch) for c in named):
                return False
        return any(all(op(v, bound) for op, bound in alt) for alt in self._alternatives)

    __contains__ = contains

    def filter(self, versions, include_prerelease=False):
        return [v for v in versions if self.contains(v, include_prerelease)]

    def max_satisfying(self, versions, include_prerelease=False):
        matching = [Version.parse(v) for v in self.filter(versions, include_prerelease)]
        return max(matching) if matching else None

    def __repr__(self):
        return f"Spec({self.text!r})"
