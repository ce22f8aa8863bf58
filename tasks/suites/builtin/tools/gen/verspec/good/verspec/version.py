"""Semantic versions: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]."""
import functools
import re

_RE = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


class InvalidVersion(ValueError):
    pass


def _pre_key(identifier):
    # Numeric identifiers sort numerically and before alphanumeric ones (semver 11.4).
    if identifier.isdigit():
        return (0, int(identifier), "")
    return (1, 0, identifier)


@functools.total_ordering
class Version:
    __slots__ = ("major", "minor", "patch", "pre", "build")

    def __init__(self, major, minor=0, patch=0, pre=(), build=()):
        self.major, self.minor, self.patch = int(major), int(minor), int(patch)
        self.pre = tuple(pre)
        self.build = tuple(build)

    @classmethod
    def parse(cls, text):
        if isinstance(text, Version):
            return text
        m = _RE.match(text.strip())
        if not m:
            raise InvalidVersion(f"invalid version: {text!r}")
        pre = tuple(m.group("pre").split(".")) if m.group("pre") else ()
        build = tuple(m.group("build").split(".")) if m.group("build") else ()
        return cls(m.group("major"), m.group("minor"), m.group("patch"), pre, build)

    def _key(self):
        # A release sorts after all of its pre-releases: 1.0.0-rc.1 < 1.0.0.
        pre = (1,) if not self.pre else (0,) + tuple(_pre_key(p) for p in self.pre)
        return (self.major, self.minor, self.patch, pre)

    def __eq__(self, other):
        if isinstance(other, str):
            other = Version.parse(other)
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other):
        if isinstance(other, str):
            other = Version.parse(other)
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __hash__(self):
        return hash(self._key())

    @property
    def is_prerelease(self):
        return bool(self.pre)

    def bump_major(self):
        return Version(self.major + 1, 0, 0)

    def bump_minor(self):
        return Version(self.major, self.minor + 1, 0)

    def bump_patch(self):
        if self.pre:
            return Version(self.major, self.minor, self.patch)
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self):
        s = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            s += "-" + ".".join(self.pre)
        if self.build:
            s += "+" + ".".join(self.build)
        return s

    def __repr__(self):
        return f"Version('{self}')"
